//! Ids and versions at the edge of `i32`: an IMPORT of id 2147483647 (or version 2147483647)
//! must not brick later registrations (they answered 500 forever), and out-of-range ids and
//! versions in paths are 4xx.

use registry_tests::Backend;
use registry_tests::hostile::{HostileServer, assert_handled};
use reqwest::{Method, StatusCode};
use serde_json::json;

use super::{avro_schema, server};

fn record(name: &str) -> String {
    format!(r#"{{"type":"record","name":"{name}","fields":[{{"name":"a","type":"string"}}]}}"#)
}

async fn import(server: &mut HostileServer, subject: &str, body: serde_json::Value, what: &str) {
    let mode = server
        .json(
            Method::PUT,
            &format!("/mode/{subject}?force=true"),
            &json!({"mode": "IMPORT"}),
        )
        .await;
    assert_eq!(
        mode.status,
        StatusCode::OK,
        "IMPORT mode: {}",
        mode.describe()
    );
    let imported = server
        .json(
            Method::POST,
            &format!("/subjects/{subject}/versions"),
            &body,
        )
        .await;
    assert_handled(what, &imported);
    let back = server
        .json(
            Method::PUT,
            &format!("/mode/{subject}"),
            &json!({"mode": "READWRITE"}),
        )
        .await;
    assert_eq!(
        back.status,
        StatusCode::OK,
        "READWRITE again: {}",
        back.describe()
    );
}

async fn import_of_max_id_does_not_brick_registration(backend: Backend) {
    let mut server = server(backend, &[]).await;
    import(
        &mut server,
        "imp",
        json!({"schema": record("Imported"), "id": 2_147_483_647_i64, "version": 1}),
        "IMPORT with id 2147483647",
    )
    .await;
    for (subject, name) in [
        ("after", "After"),
        ("after2", "After2"),
        ("imp", "Imported"),
    ] {
        let reply = server
            .json(
                Method::POST,
                &format!("/subjects/{subject}/versions"),
                &avro_schema(&record(name)),
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "a normal registration under {subject} after an IMPORT of id 2147483647: {}",
            reply.describe()
        );
    }
    server.assert_alive("IMPORT of id 2147483647").await;
}

async fn import_of_max_version_does_not_brick_the_subject(backend: Backend) {
    let mut server = server(backend, &[]).await;
    import(
        &mut server,
        "vmax",
        json!({"schema": record("V"), "id": 5, "version": 2_147_483_647_i64}),
        "IMPORT with version 2147483647",
    )
    .await;
    let next = server
        .json(
            Method::POST,
            "/subjects/vmax/versions",
            &json!({"schema": record("V2"), "schemaType": "AVRO"}),
        )
        .await;
    assert_handled("the registration after version 2147483647", &next);
    let elsewhere = server
        .json(
            Method::POST,
            "/subjects/other/versions",
            &avro_schema(&record("O")),
        )
        .await;
    assert_eq!(elsewhere.status, StatusCode::OK, "{}", elsewhere.describe());
    server.assert_alive("IMPORT of version 2147483647").await;
}

async fn out_of_range_ids_in_imports_are_refused(backend: Backend) {
    let mut server = server(backend, &[]).await;
    for (i, id) in [
        json!(0),
        json!(-1),
        json!(2_147_483_648_i64),
        json!(99_999_999_999_i64),
        json!(1.5),
        json!("7"),
    ]
    .into_iter()
    .enumerate()
    {
        import(
            &mut server,
            &format!("bad{i}"),
            json!({"schema": record(&format!("B{i}")), "id": id, "version": 1}),
            &format!("IMPORT with id {id}"),
        )
        .await;
    }
    let reply = server
        .json(
            Method::POST,
            "/subjects/fine/versions",
            &avro_schema(&record("Fine")),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.describe());
    server.assert_alive("out-of-range import ids").await;
}

async fn out_of_range_ids_and_versions_in_paths(backend: Backend) {
    let mut server = server(backend, &[]).await;
    let reply = server
        .json(
            Method::POST,
            "/subjects/s/versions",
            &avro_schema(&record("S")),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.describe());
    let paths = [
        "/schemas/ids/-1",
        "/schemas/ids/0",
        "/schemas/ids/2147483648",
        "/schemas/ids/99999999999",
        "/schemas/ids/99999999999999999999999999",
        "/schemas/ids/99999999999/schema",
        "/schemas/ids/99999999999/subjects",
        "/schemas/ids/99999999999/versions",
        "/schemas/ids/-1/subjects",
        "/subjects/s/versions/2147483648",
        "/subjects/s/versions/2147483647",
        "/subjects/s/versions/-2",
        "/subjects/s/versions/0",
        "/subjects/s/versions/99999999999999999999",
        "/subjects/s/versions/2147483648/schema",
        "/subjects/s/versions/2147483648/referencedby",
    ];
    for path in paths {
        let reply = server.get(path).await;
        assert_handled(&format!("GET {path}"), &reply);
        assert!(
            reply.status.is_client_error(),
            "GET {path}: {}",
            reply.describe()
        );
    }
    for (method, path) in [
        (Method::DELETE, "/subjects/s/versions/2147483648"),
        (
            Method::DELETE,
            "/subjects/s/versions/99999999999?permanent=true",
        ),
    ] {
        let request = server.request(method.clone(), path);
        let reply = server.send(&format!("{method} {path}"), request).await;
        assert_handled(&format!("{method} {path}"), &reply);
        assert!(
            reply.status.is_client_error(),
            "{method} {path}: {}",
            reply.describe()
        );
    }
    let check = server
        .json(
            Method::POST,
            "/compatibility/subjects/s/versions/2147483648",
            &avro_schema(&record("S")),
        )
        .await;
    assert_handled("compatibility with version 2147483648", &check);
    server.assert_alive("out-of-range ids and versions").await;
}

on_both_backends!(
    import_of_max_id_does_not_brick_registration,
    import_of_max_version_does_not_brick_the_subject,
    out_of_range_ids_in_imports_are_refused,
    out_of_range_ids_and_versions_in_paths,
);
