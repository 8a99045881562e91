//! Confluent answers the issue-13 recordings show, one behaviour each: routes and scope
//! names at their edges (issue 13).

use registry_tests::app::record;
use registry_tests::{TestApp, both_backends};
use serde_json::json;

/// A context scope is not a subject: listing its versions answers "subject not found", as
/// does listing a context nobody uses.
async fn a_context_scope_has_no_versions(app: TestApp) {
    app.register_id(":.x:orders", &record("A", &[])).await;
    for path in ["/subjects/:.x:/versions", "/subjects/:.nobody:/versions"] {
        app.get(path).await.assert_error(40401);
    }
}

/// `:.:` names the default context's scope, which is the global one for config and mode.
async fn the_default_context_scope_is_the_global_scope(app: TestApp) {
    app.put("/config", &json!({"compatibility": "FULL"}))
        .await
        .assert_ok();
    let config = app.get("/config/:.:").await;
    assert_eq!(config.assert_ok()["compatibilityLevel"], "FULL");
    let mode = app.get("/mode/:.:").await;
    assert_eq!(mode.assert_ok()["mode"], "READWRITE");
}

/// A trailing slash is another path, which Confluent does not serve.
async fn a_trailing_slash_is_not_the_listing(app: TestApp) {
    app.get("/subjects/").await.assert_error(404);
    app.get("/subjects").await.assert_ok();
}

/// A subject of a named context falls back to its context's settings, then to the global
/// context's (`:.__GLOBAL:`), never to the default context's global ones.
async fn context_subjects_skip_the_default_global_settings(app: TestApp) {
    app.put("/config", &json!({"compatibility": "NONE"}))
        .await
        .assert_ok();
    app.put("/mode", &json!({"mode": "READONLY"}))
        .await
        .assert_ok();
    app.register(":.eu:orders", &record("A", &[]))
        .await
        .assert_ok();
    app.register("orders", &record("A", &[]))
        .await
        .assert_error(42205);
    let config = app.get("/config/:.eu:orders?defaultToGlobal=true").await;
    assert_eq!(config.assert_ok()["compatibilityLevel"], "BACKWARD");

    // A read-only default context does not stop writes to the global context's scope.
    app.put("/config/:.__GLOBAL:", &json!({"compatibility": "FULL"}))
        .await
        .assert_ok();
    let config = app.get("/config/:.eu:orders?defaultToGlobal=true").await;
    assert_eq!(config.assert_ok()["compatibilityLevel"], "FULL");
    app.put("/mode/:.__GLOBAL:", &json!({"mode": "READONLY"}))
        .await
        .assert_ok();
    app.register(":.eu:orders", &record("B", &[]))
        .await
        .assert_error(42205);
}

/// A global READONLY_OVERRIDE is every subject's mode, whatever their own (7.9).
async fn a_global_readonly_override_wins_everywhere(app: TestApp) {
    app.put("/mode/free", &json!({"mode": "READWRITE"}))
        .await
        .assert_ok();
    app.put("/mode", &json!({"mode": "READONLY_OVERRIDE"}))
        .await
        .assert_ok();
    for subject in ["free", ":.eu:orders"] {
        let refused = app.register(subject, &record("A", &[])).await;
        refused.assert_error(42205);
        assert_eq!(
            refused.message(),
            format!("Subject {subject} is in read-only mode")
        );
    }
    let mode = app.get("/mode/free").await;
    assert_eq!(mode.assert_ok()["mode"], "READONLY_OVERRIDE");
    app.put("/mode", &json!({"mode": "READWRITE"}))
        .await
        .assert_ok();
    app.register("free", &record("A", &[])).await.assert_ok();
}

/// `:.eu` (no closing colon) names the context `.eu`'s scope, as `:.eu:` does.
async fn a_context_without_its_closing_colon_is_its_scope(app: TestApp) {
    app.put("/config/:.eu", &json!({"compatibility": "NONE"}))
        .await
        .assert_ok();
    let config = app.get("/config/:.eu:").await;
    assert_eq!(config.assert_ok()["compatibilityLevel"], "NONE");
    app.register(":.eu", &record("A", &[]))
        .await
        .assert_error(42208);
}

/// A client naming a subject without its context finds it in the context holding it: by
/// id, by version and by lookup.
async fn unqualified_reads_fall_back_to_the_subjects_context(app: TestApp) {
    let schema = record("Shipment", &[]);
    let id = app.register_id(":.eu:shipments", &schema).await;
    let by_id = app
        .get(&format!("/schemas/ids/{id}?subject=shipments"))
        .await;
    assert_eq!(by_id.assert_ok()["subject"], ":.eu:shipments");
    let version = app.get("/subjects/shipments/versions/1").await;
    assert_eq!(version.assert_ok()["subject"], ":.eu:shipments");
    let found = app
        .post("/subjects/shipments", &json!({"schema": schema}))
        .await;
    assert_eq!(found.assert_ok()["subject"], ":.eu:shipments");
    app.get("/subjects/nothing/versions/1")
        .await
        .assert_error(40401);
    app.get("/schemas/ids/999?subject=shipments")
        .await
        .assert_error(40403);
}

/// `referencedby` finds a soft-deleted version (Confluent reads it with deleted ones) and
/// a missing one is an error, not an empty list.
async fn referenced_by_reads_soft_deleted_versions(app: TestApp) {
    app.register_id("base", &record("Base", &[])).await;
    app.delete("/subjects/base/versions/1").await.assert_ok();
    let referrers = app.get("/subjects/base/versions/1/referencedby").await;
    assert_eq!(referrers.assert_ok(), &json!([]));
    app.get("/subjects/base/versions/7/referencedby")
        .await
        .assert_error(40402);
    app.get("/subjects/nobody/versions/1/referencedby")
        .await
        .assert_error(40401);
}

/// Avro as Confluent 7.9 accepts it: without `normalize`, a default that does not match
/// its type and a namespace that is not a valid name register; with `normalize` both are
/// refused, and a union's default must be a value of its first branch.
async fn avro_defaults_and_namespaces_are_checked_only_with_normalize(app: TestApp) {
    let bad_default =
        r#"{"type":"record","name":"A","fields":[{"name":"a","type":"int","default":"1"}]}"#;
    let odd_namespace = r#"{"type":"record","name":"B","namespace":"1ns","fields":[]}"#;
    let union_default = r#"{"type":"record","name":"C","fields":[{"name":"u","type":["null","string"],"default":"x"}]}"#;
    for (subject, schema) in [
        ("a", bad_default),
        ("b", odd_namespace),
        ("c", union_default),
    ] {
        let strict = app
            .post(
                &format!("/subjects/{subject}/versions?normalize=true"),
                &json!({"schema": schema}),
            )
            .await;
        strict.assert_error(42201);
        app.register(subject, schema).await.assert_ok();
    }
    let first_branch = r#"{"type":"record","name":"D","fields":[{"name":"u","type":["string","null"],"default":"x"}]}"#;
    app.post(
        "/subjects/d/versions?normalize=true",
        &json!({"schema": first_branch}),
    )
    .await
    .assert_ok();
    // A field name stays a name Avro can read.
    let bad_field = r#"{"type":"record","name":"E","fields":[{"name":"1a","type":"int"}]}"#;
    app.register("e", bad_field).await.assert_error(42201);
}

/// A JSON Schema root is an object or a boolean; a lookup of a schema that breaks the
/// meta-schema finds nothing (40403) rather than refusing it.
async fn json_schema_roots_and_invalid_lookups(app: TestApp) {
    for root in ["[1,2]", "5", "\"text\"", "null"] {
        let refused = app
            .post(
                "/subjects/j/versions",
                &json!({"schema": root, "schemaType": "JSON"}),
            )
            .await;
        refused.assert_error(42201);
    }
    app.post(
        "/subjects/j/versions",
        &json!({"schema": "{\"type\":\"string\"}", "schemaType": "JSON"}),
    )
    .await
    .assert_ok();
    let lookup = app
        .post(
            "/subjects/j",
            &json!({"schema": "{\"type\":7}", "schemaType": "JSON"}),
        )
        .await;
    lookup.assert_error(40403);
}

both_backends!(
    json_schema_roots_and_invalid_lookups,
    avro_defaults_and_namespaces_are_checked_only_with_normalize,
    context_subjects_skip_the_default_global_settings,
    a_global_readonly_override_wins_everywhere,
    a_context_without_its_closing_colon_is_its_scope,
    unqualified_reads_fall_back_to_the_subjects_context,
    referenced_by_reads_soft_deleted_versions,
    a_context_scope_has_no_versions,
    the_default_context_scope_is_the_global_scope,
    a_trailing_slash_is_not_the_listing,
);
