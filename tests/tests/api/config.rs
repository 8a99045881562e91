//! Compatibility config (checklist 85, 114–122).

use registry_tests::app::record;
use registry_tests::{TestApp, both_backends};
use serde_json::json;

async fn global_config_round_trip(app: TestApp) {
    assert_eq!(
        app.get("/config").await.body,
        json!({"compatibilityLevel": "BACKWARD"})
    );
    let put = app
        .put("/config", &json!({"compatibility": "forward"}))
        .await;
    assert_eq!(put.assert_ok(), &json!({"compatibility": "FORWARD"}));
    assert_eq!(
        app.get("/config").await.body,
        json!({"compatibilityLevel": "FORWARD"})
    );
    let bogus = app.put("/config", &json!({"compatibility": "bogus"})).await;
    bogus.assert_error(42203);
    assert_eq!(
        bogus.message(),
        "Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive"
    );
    let deleted = app.delete("/config").await;
    assert_eq!(
        deleted.assert_ok(),
        &json!({"compatibilityLevel": "FORWARD"})
    );
    assert_eq!(
        app.get("/config").await.body,
        json!({"compatibilityLevel": "BACKWARD"})
    );
}

async fn subject_config_round_trip(app: TestApp) {
    let missing = app.get("/config/nosuch").await;
    missing.assert_error(40408);
    assert_eq!(
        missing.message(),
        "Subject 'nosuch' does not have subject-level compatibility configured"
    );
    assert_eq!(
        app.get("/config/nosuch?defaultToGlobal=true").await.body,
        json!({"compatibilityLevel": "BACKWARD"})
    );
    // Checklist 116: the subject need not exist.
    let put = app
        .put(
            "/config/nosuch",
            &json!({"compatibility": "FULL_TRANSITIVE", "normalize": true}),
        )
        .await;
    assert_eq!(
        put.assert_ok(),
        &json!({"compatibility": "FULL_TRANSITIVE", "normalize": true})
    );
    assert_eq!(
        app.get("/config/nosuch").await.body,
        json!({"compatibilityLevel": "FULL_TRANSITIVE", "normalize": true})
    );
    // Partial update keeps other fields; null clears one.
    app.put("/config/nosuch", &json!({"normalize": null}))
        .await
        .assert_ok();
    assert_eq!(
        app.get("/config/nosuch").await.body,
        json!({"compatibilityLevel": "FULL_TRANSITIVE"})
    );
    let deleted = app.delete("/config/nosuch").await;
    assert_eq!(
        deleted.assert_ok(),
        &json!({"compatibilityLevel": "FULL_TRANSITIVE"})
    );
    app.delete("/config/nosuch").await.assert_error(40401);
    app.put("/config/x", &json!({"compatibility": "nope"}))
        .await
        .assert_error(42203);
}

async fn subject_level_overrides_global(app: TestApp) {
    app.register_id("s", &record("A", &[("a", r#""int""#)]))
        .await;
    let breaking = record("A", &[("a", r#""string""#)]);
    app.register("s", &breaking).await.assert_error(409);
    app.put("/config/s", &json!({"compatibility": "NONE"}))
        .await
        .assert_ok();
    app.register("s", &breaking).await.assert_ok();
    // Another subject still follows the global level.
    app.register_id("t", &record("A", &[("a", r#""int""#)]))
        .await;
    app.register("t", &breaking).await.assert_error(409);
    // Context-level config applies to the context's subjects without their own.
    app.put("/config/:.ctx:", &json!({"compatibility": "NONE"}))
        .await
        .assert_ok();
    app.register_id(":.ctx:u", &record("A", &[("a", r#""int""#)]))
        .await;
    app.register(":.ctx:u", &breaking).await.assert_ok();
}

async fn normalize_config_applies_without_the_flag(app: TestApp) {
    app.put(
        "/config/n",
        &json!({"compatibility": "NONE", "normalize": true}),
    )
    .await
    .assert_ok();
    let first = app
        .register_id("n", &record("A", &[("a", r#""int""#)]))
        .await;
    let again = app
        .register_id("n", &record("A", &[("a", r#""int""#)]))
        .await;
    assert_eq!(first, again);
}

/// Confluent's JSON binding reads `"true"` as a boolean and refuses `"yes"` (400); the
/// register body's `version` may be a numeric string and `schemaType` a number.
async fn request_fields_coerce_as_confluent_reads_them(app: TestApp) {
    app.put(
        "/config/coerced",
        &json!({"normalize": "true", "validateFields": "FALSE"}),
    )
    .await
    .assert_ok();
    let stored = app.get("/config/coerced").await;
    assert_eq!(stored.assert_ok()["normalize"], json!(true));
    assert_eq!(stored.body["validateFields"], json!(false));
    let refused = app
        .put("/config/coerced", &json!({"normalize": "yes"}))
        .await;
    refused.assert_error(400);
    assert!(
        refused.message().contains("normalize"),
        "{}",
        refused.message()
    );
    assert_eq!(
        app.get("/config/coerced").await.body["normalize"],
        json!(true),
        "unchanged"
    );

    let schema = r#"{"type":"record","name":"C","fields":[{"name":"a","type":"int"}]}"#;
    let registered = app
        .post(
            "/subjects/coerced/versions",
            &json!({"schema": schema, "version": "1"}),
        )
        .await;
    assert_eq!(registered.assert_ok()["id"], json!(1));
    let typed = app
        .post(
            "/subjects/coerced/versions",
            &json!({"schema": schema, "schemaType": 5}),
        )
        .await;
    typed.assert_error(42201);
    assert_eq!(typed.message(), "Invalid schema type 5");
    let numeric = app
        .post("/subjects/coerced/versions", &json!({"schema": 42}))
        .await;
    numeric.assert_error(42201);
    let garbage = app
        .post(
            "/subjects/coerced/versions",
            &json!({"schema": schema, "version": "one"}),
        )
        .await;
    garbage.assert_error(400);
}

both_backends!(
    request_fields_coerce_as_confluent_reads_them,
    global_config_round_trip,
    subject_config_round_trip,
    subject_level_overrides_global,
    normalize_config_applies_without_the_flag,
);
