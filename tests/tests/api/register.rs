//! Registration and lookup: ids, versions, identity, bad input (checklist 10–31, 57–62).

use registry_tests::app::record;
use registry_tests::{TestApp, both_backends};
use serde_json::json;

async fn first_schema_gets_id_1_and_reads_back(app: TestApp) {
    let schema = record("A", &[("f", r#""string""#)]);
    let answer = app.register("orders-value", &schema).await;
    let body = answer.assert_ok();
    assert_eq!(body["id"], 1);
    assert_eq!(body["version"], 1);
    assert_eq!(body["schema"], schema.as_str());
    assert!(
        body["guid"].as_str().is_some_and(|g| g.len() == 36),
        "guid: {body}"
    );
    assert!(body.get("schemaType").is_none(), "AVRO is omitted: {body}");

    let by_id = app.get("/schemas/ids/1").await;
    assert_eq!(by_id.assert_ok()["schema"], schema.as_str());
    assert!(by_id.body.get("subject").is_none() && by_id.body.get("version").is_none());
    assert!(
        by_id.body.get("references").is_none(),
        "empty references are omitted"
    );

    let version = app.get("/subjects/orders-value/versions/1").await;
    let v = version.assert_ok();
    assert_eq!(
        (
            v["subject"].as_str(),
            v["version"].as_i64(),
            v["id"].as_i64()
        ),
        (Some("orders-value"), Some(1), Some(1))
    );
    assert_eq!(v["deleted"], false);
    assert_eq!(
        app.get("/subjects/orders-value/versions/latest")
            .await
            .assert_ok()["version"],
        1
    );
    assert_eq!(
        app.get("/subjects/orders-value/versions/-1")
            .await
            .assert_ok()["version"],
        1
    );
    let raw = app.get("/subjects/orders-value/versions/1/schema").await;
    assert_eq!(raw.text, schema, "raw schema text, not a quoted string");
    assert_eq!(app.get("/schemas/ids/1/schema").await.text, schema);
    assert_eq!(app.get("/subjects").await.body, json!(["orders-value"]));
    assert_eq!(
        app.get("/subjects/orders-value/versions").await.body,
        json!([1])
    );
}

async fn same_schema_same_id_and_no_new_version(app: TestApp) {
    let schema = record("A", &[("f", r#""string""#)]);
    let first = app.register_id("s1", &schema).await;
    let again = app.register("s1", &schema).await;
    assert_eq!(again.assert_ok()["id"].as_i64(), Some(first));
    assert_eq!(again.body["version"], 1);
    assert_eq!(app.get("/subjects/s1/versions").await.body, json!([1]));
    // Checklist 12: same schema, second subject → same id, version 1 there.
    let other = app.register("s2", &schema).await;
    assert_eq!(other.assert_ok()["id"].as_i64(), Some(first));
    assert_eq!(other.body["version"], 1);
    // Checklist 13: whitespace does not make a new schema.
    let spaced = schema.replace(',', " ,\n ").replace(':', " : ");
    assert_eq!(
        app.register("s1", &spaced).await.assert_ok()["id"].as_i64(),
        Some(first)
    );
    // Checklist 14: {"type":"string"} is stored as "string".
    let id = app.register_id("prim", r#"{"type":"string"}"#).await;
    assert_eq!(
        app.get(&format!("/schemas/ids/{id}/schema")).await.text,
        r#""string""#
    );
}

async fn new_schemas_get_increasing_ids(app: TestApp) {
    app.put("/config", &json!({"compatibility": "NONE"}))
        .await
        .assert_ok();
    let a = app
        .register_id("s", &record("A", &[("a", r#""int""#)]))
        .await;
    let b = app
        .register_id("s", &record("A", &[("b", r#""int""#)]))
        .await;
    let c = app.register_id("t", &record("C", &[])).await;
    assert_eq!((a, b, c), (1, 2, 3));
    assert_eq!(app.get("/subjects/s/versions").await.body, json!([1, 2]));
    // Checklist 29: re-registering the older schema answers the older version; latest stays.
    let older = app.register("s", &record("A", &[("a", r#""int""#)])).await;
    assert_eq!(older.assert_ok()["version"], 1);
    assert_eq!(
        app.get("/subjects/s/versions/latest").await.body["version"],
        2
    );
}

async fn metadata_and_references_change_identity(app: TestApp) {
    let schema = record("A", &[]);
    let plain = app.register_id("m", &schema).await;
    app.put("/config/m", &json!({"compatibility": "NONE"}))
        .await
        .assert_ok();
    let with_meta = app
        .post(
            "/subjects/m/versions",
            &json!({"schema": schema, "metadata": {"properties": {"owner": "x"}}}),
        )
        .await;
    let meta_id = with_meta.assert_ok()["id"].as_i64();
    assert_ne!(
        meta_id,
        Some(plain),
        "checklist 18: metadata changes identity"
    );
    assert_eq!(
        with_meta.body["metadata"],
        json!({"properties": {"owner": "x"}})
    );
    assert_eq!(with_meta.body["version"], 2);
}

async fn explicit_versions_and_ids_outside_import(app: TestApp) {
    let ok = app
        .post(
            "/subjects/v/versions",
            &json!({"schema": record("A", &[]), "version": 1}),
        )
        .await;
    ok.assert_ok();
    app.put("/config/v", &json!({"compatibility": "NONE"}))
        .await
        .assert_ok();
    let skip = app
        .post(
            "/subjects/v/versions",
            &json!({"schema": record("B", &[]), "version": 5}),
        )
        .await;
    skip.assert_error(42201);
    assert_eq!(
        skip.message(),
        "Version is not one more than previous version"
    );
    let with_id = app
        .post(
            "/subjects/v/versions",
            &json!({"schema": record("C", &[]), "id": 77}),
        )
        .await;
    with_id.assert_error(42205);
    assert_eq!(with_id.message(), "Subject v is not in import mode");
}

async fn force_registers_an_incompatible_schema(app: TestApp) {
    app.register_id("f", &record("A", &[("a", r#""int""#)]))
        .await;
    let breaking = record("A", &[("a", r#""int""#), ("b", r#""string""#)]);
    let refused = app.register("f", &breaking).await;
    refused.assert_error(409);
    assert!(
        refused.message().starts_with("Schema being registered is incompatible with an earlier schema for subject \"f\", details: ["),
        "{}",
        refused.message()
    );
    assert!(
        refused.message().contains("{oldSchemaVersion: 1}")
            && refused.message().contains("compatibility: 'BACKWARD'")
    );
    let forced = app
        .post(
            "/subjects/f/versions?force=true",
            &json!({"schema": breaking}),
        )
        .await;
    assert_eq!(forced.assert_ok()["version"], 2);
}

async fn invalid_schemas_and_types_are_42201(app: TestApp) {
    let cases = [
        (
            json!({"schema": "{\"type\":\"nope\"}"}),
            "unknown Avro type",
        ),
        (json!({"schema": "not json"}), "not JSON"),
        (
            json!({"schema": record("A", &[]), "schemaType": "avro"}),
            "wrong-case type",
        ),
        (
            json!({"schema": record("A", &[]), "schemaType": "XYZ"}),
            "unknown type",
        ),
        (
            json!({"schema": "syntax = \"proto3\";\nmessage {", "schemaType": "PROTOBUF"}),
            "unparsable protobuf",
        ),
        (json!({"schema": ""}), "empty schema"),
        (json!({}), "missing schema"),
    ];
    for (body, why) in cases {
        let answer = app.post("/subjects/bad/versions", &body).await;
        answer.assert_error(42201);
        assert!(!answer.message().is_empty(), "{why}");
    }
    let typed = app
        .post(
            "/subjects/bad/versions",
            &json!({"schema": "{}", "schemaType": "XYZ"}),
        )
        .await;
    assert_eq!(typed.message(), "Invalid schema type XYZ");
    assert_eq!(
        app.post("/subjects/bad/versions", &json!({"schema": ""}))
            .await
            .message(),
        "Empty schema"
    );
    // Nothing was written by any refused request.
    assert_eq!(app.get("/subjects?deleted=true").await.body, json!([]));
}

async fn invalid_subjects_are_42208(app: TestApp) {
    for subject in ["a%0Ab", "tab%09here", "__GLOBAL", "__EMPTY"] {
        let answer = app.register(subject, &record("A", &[])).await;
        answer.assert_error(42208);
    }
    let answer = app.register("x%0Ay", &record("A", &[])).await;
    assert_eq!(
        answer.message(),
        "The specified subject 'x\ny' is not a valid."
    );
}

async fn odd_subject_names_round_trip(app: TestApp) {
    let names = [
        ("a/b", "a%2Fb"),
        ("100%", "100%25"),
        ("a+b", "a%2Bb"),
        ("with space", "with%20space"),
        ("ünï-主题", "%C3%BCn%C3%AF-%E4%B8%BB%E9%A2%98"),
        ("*", "*"),
    ];
    for (name, encoded) in names {
        let answer = app.register(encoded, &record("A", &[])).await;
        answer.assert_ok();
        let version = app.get(&format!("/subjects/{encoded}/versions/1")).await;
        assert_eq!(version.assert_ok()["subject"], name, "{encoded}");
        let lookup = app
            .post(
                &format!("/subjects/{encoded}"),
                &json!({"schema": record("A", &[])}),
            )
            .await;
        assert_eq!(lookup.assert_ok()["subject"], name);
    }
    let listed = app.get("/subjects").await;
    let listed: Vec<&str> = listed
        .body
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|s| s.as_str())
        .collect();
    let mut expected: Vec<&str> = names.iter().map(|(n, _)| *n).collect();
    expected.sort_unstable();
    assert_eq!(listed, expected);
}

async fn lookup_finds_registered_and_refuses_others(app: TestApp) {
    let schema = record("A", &[("f", r#""string""#)]);
    let id = app.register_id("l", &schema).await;
    let found = app.post("/subjects/l", &json!({"schema": schema})).await;
    let body = found.assert_ok();
    assert_eq!(
        (
            body["subject"].as_str(),
            body["id"].as_i64(),
            body["version"].as_i64()
        ),
        (Some("l"), Some(id), Some(1))
    );
    assert_eq!(body["schema"], schema.as_str());
    app.post("/subjects/unknown", &json!({"schema": schema}))
        .await
        .assert_error(40401);
    let missing = app
        .post("/subjects/l", &json!({"schema": record("Other", &[])}))
        .await;
    missing.assert_error(40403);
    assert_eq!(missing.message(), "Schema not found");
    app.post("/subjects/l", &json!({"schema": "{\"type\":\"nope\"}"}))
        .await
        .assert_error(42201);
    // Checklist 60: a soft-deleted version is found only with deleted=true.
    app.put("/config/l", &json!({"compatibility": "NONE"}))
        .await
        .assert_ok();
    app.register_id("l", &record("B", &[])).await;
    app.delete("/subjects/l/versions/1").await.assert_ok();
    app.post("/subjects/l", &json!({"schema": schema}))
        .await
        .assert_error(40403);
    let deleted = app
        .post("/subjects/l?deleted=true", &json!({"schema": schema}))
        .await;
    assert_eq!(deleted.assert_ok()["version"], 1);
}

async fn references_resolve_across_subjects(app: TestApp) {
    let address = r#"{"type":"record","name":"Address","namespace":"com.acme","fields":[{"name":"street","type":"string"}]}"#;
    let address_id = app.register_id("address", address).await;
    let person = r#"{"type":"record","name":"Person","namespace":"com.acme","fields":[{"name":"home","type":"com.acme.Address"}]}"#;
    let refs = json!([{"name": "com.acme.Address", "subject": "address", "version": -1}]);
    let registered = app
        .post(
            "/subjects/person/versions",
            &json!({"schema": person, "references": refs}),
        )
        .await;
    let person_id = registered.assert_ok()["id"].as_i64().expect("id");
    assert_eq!(
        registered.body["references"],
        json!([{"name": "com.acme.Address", "subject": "address", "version": 1}])
    );
    let by_id = app.get(&format!("/schemas/ids/{person_id}")).await;
    assert_eq!(
        by_id.assert_ok()["references"][0]["version"],
        1,
        "-1 is stored as the concrete version"
    );
    // Checklist 61: the fully-resolved text (Address inlined, no references) finds it.
    let resolved = r#"{"type":"record","name":"Person","namespace":"com.acme","fields":[{"name":"home","type":{"type":"record","name":"Address","fields":[{"name":"street","type":"string"}]}}]}"#;
    let found = app
        .post("/subjects/person", &json!({"schema": resolved}))
        .await;
    assert_eq!(found.assert_ok()["id"].as_i64(), Some(person_id));
    let referenced = app.get("/subjects/address/versions/1/referencedby").await;
    assert_eq!(referenced.body, json!([person_id]));
    assert_ne!(address_id, person_id);
    // Without the reference the name does not resolve.
    app.post("/subjects/person2/versions", &json!({"schema": person}))
        .await
        .assert_error(42201);
    // A reference to a missing version is 42201.
    let dangling = json!([{"name": "com.acme.Address", "subject": "address", "version": 9}]);
    app.post(
        "/subjects/person3/versions",
        &json!({"schema": person, "references": dangling}),
    )
    .await
    .assert_error(42201);
}

/// Spec §4.3 step 5: a request without `schema` re-registers the latest live schema with the
/// metadata it carries (a new identity, so a new id and version).
async fn blank_schema_adds_metadata_to_the_latest_version(app: TestApp) {
    let schema = record("A", &[("f", r#""string""#)]);
    let first = app.register_id("meta", &schema).await;
    let tagged = app
        .post(
            "/subjects/meta/versions",
            &json!({"metadata": {"properties": {"owner": "team-a"}}}),
        )
        .await;
    let body = tagged.assert_ok();
    assert_eq!(body["version"], 2);
    assert_ne!(body["id"].as_i64(), Some(first));
    assert_eq!(body["schema"], schema.as_str());
    assert_eq!(body["metadata"], json!({"properties": {"owner": "team-a"}}));
    let latest = app.get("/subjects/meta/versions/latest").await;
    assert_eq!(
        latest.assert_ok()["metadata"]["properties"]["owner"],
        "team-a"
    );
}

both_backends!(
    blank_schema_adds_metadata_to_the_latest_version,
    first_schema_gets_id_1_and_reads_back,
    same_schema_same_id_and_no_new_version,
    new_schemas_get_increasing_ids,
    metadata_and_references_change_identity,
    explicit_versions_and_ids_outside_import,
    force_registers_an_incompatible_schema,
    invalid_schemas_and_types_are_42201,
    invalid_subjects_are_42208,
    odd_subject_names_round_trip,
    lookup_finds_registered_and_refuses_others,
    references_resolve_across_subjects,
);
