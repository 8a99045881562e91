//! The audit trail: each kind of write records its principal and the client's address, and
//! only an admin (Write on `Config:`) may read it.

use registry_tests::app::record;
use serde_json::{Value, json};

use super::support::{As, Secured};

fn entries(answer: &registry_tests::app::Answer) -> Vec<Value> {
    answer.assert_ok().as_array().expect("a list").clone()
}

async fn every_write_kind_records_who_and_from_where(app: Secured) {
    // writer: register, IMPORT with an id, soft and hard deletes, subject config and mode.
    app.register(As::Writer, "b1", &record("B1", &[])).await;
    let v2 = r#"{"type":"record","name":"B1","fields":[{"name":"x","type":["null","int"],"default":null}]}"#;
    app.register(As::Writer, "b1", v2).await;
    app.put(As::Writer, "/mode/b2", &json!({"mode": "IMPORT"}))
        .await
        .assert_ok();
    app.post(
        As::Writer,
        "/subjects/b2/versions",
        &json!({"schema": record("B2", &[]), "id": 500, "version": 1}),
    )
    .await
    .assert_ok();
    app.delete(As::Writer, "/mode/b2").await.assert_ok();
    app.put(As::Writer, "/config/b1", &json!({"compatibility": "NONE"}))
        .await
        .assert_ok();
    app.delete(As::Writer, "/config/b1").await.assert_ok();
    app.delete(As::Writer, "/subjects/b1/versions/2")
        .await
        .assert_ok();
    app.delete(As::Writer, "/subjects/b1/versions/2?permanent=true")
        .await
        .assert_ok();
    app.delete(As::Writer, "/subjects/b1").await.assert_ok();
    app.delete(As::Writer, "/subjects/b1?permanent=true")
        .await
        .assert_ok();
    // admin: the global config and mode.
    app.put(As::Admin, "/config", &json!({"compatibility": "FULL"}))
        .await
        .assert_ok();
    app.put(As::Admin, "/mode", &json!({"mode": "READWRITE"}))
        .await
        .assert_ok();

    let trail = entries(&app.get(As::Admin, "/v1/audit").await);
    let summary: Vec<(String, String, String)> = trail
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap_or_default().to_owned(),
                e["subject"].as_str().unwrap_or_default().to_owned(),
                e["principal"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let expected = [
        ("mode", "__GLOBAL", "admin"),
        ("config", "__GLOBAL", "admin"),
        ("hard_delete_subject", "b1", "writer"),
        ("soft_delete_subject", "b1", "writer"),
        ("hard_delete_version", "b1", "writer"),
        ("soft_delete_version", "b1", "writer"),
        ("config", "b1", "writer"),
        ("config", "b1", "writer"),
        ("mode", "b2", "writer"),
        ("register", "b2", "writer"),
        ("mode", "b2", "writer"),
        ("register", "b1", "writer"),
        ("register", "b1", "writer"),
    ];
    let expected: Vec<(String, String, String)> = expected
        .iter()
        .map(|(k, s, p)| ((*k).to_owned(), (*s).to_owned(), (*p).to_owned()))
        .collect();
    assert_eq!(summary, expected, "newest first");
    for entry in &trail {
        let remote = entry["remoteAddr"].as_str().expect("remote address");
        assert!(remote.starts_with("127.0.0.1:"), "{entry}");
    }
    let import = &trail[9];
    assert_eq!(
        (import["id"].clone(), import["version"].clone()),
        (json!(500), json!(1))
    );

    // Paging and the subject filter.
    let page = entries(&app.get(As::Admin, "/v1/audit?offset=1&limit=2").await);
    assert_eq!(page, trail[1..3].to_vec());
    let b2 = entries(&app.get(As::Admin, "/v1/audit?subject=b2").await);
    assert_eq!(b2.len(), 3);

    // Only Write on Config: reads it.
    for who in [As::Reader, As::Writer] {
        app.get(who, "/v1/audit").await.assert_error(40301);
    }
}

async fn start(backend: registry_tests::Backend) -> Secured {
    Secured::start(backend).await
}

crate::secured_tests!(start; every_write_kind_records_who_and_from_where);
