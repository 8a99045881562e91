//! Requests answered from memory when repeated (register of a known schema, lookup, a
//! compatibility check already made) still see every write that changes their answer.

use registry_tests::app::record;
use registry_tests::{TestApp, both_backends};
use serde_json::json;

fn v1() -> String {
    record("Order", &[("id", r#""long""#)])
}

/// Adds a field without a default: BACKWARD-incompatible, FORWARD-compatible.
fn v2_required() -> String {
    record("Order", &[("id", r#""long""#), ("note", r#""string""#)])
}

async fn a_repeated_register_sees_a_soft_delete(app: TestApp) {
    let first = app.register("orders-value", &v1()).await;
    assert_eq!(first.assert_ok()["version"], 1);
    // Twice: the second answer comes from the caches.
    for _ in 0..2 {
        assert_eq!(
            app.register("orders-value", &v1()).await.assert_ok()["version"],
            1
        );
        assert_eq!(
            app.post("/subjects/orders-value", &json!({"schema": v1()}))
                .await
                .assert_ok()["version"],
            1
        );
    }
    app.delete("/subjects/orders-value/versions/1")
        .await
        .assert_ok();
    // The cached answer named a version that is now deleted; the subject has no live one.
    app.post("/subjects/orders-value", &json!({"schema": v1()}))
        .await
        .assert_error(40401);
    let again = app.register("orders-value", &v1()).await;
    assert_eq!(again.assert_ok()["version"], 2, "{}", again.text);
}

async fn a_repeated_register_sees_a_config_that_adds_metadata(app: TestApp) {
    app.register("orders-value", &v1()).await.assert_ok();
    app.register("orders-value", &v1()).await.assert_ok();
    app.put(
        "/config/orders-value",
        &json!({"defaultMetadata": {"properties": {"owner": "team-a"}}}),
    )
    .await
    .assert_ok();
    // The config's metadata changes what would be stored: a new version, not the cached one.
    let with_metadata = app.register("orders-value", &v1()).await;
    let body = with_metadata.assert_ok();
    assert_eq!(body["version"], 2, "{}", with_metadata.text);
    assert_eq!(body["metadata"]["properties"]["owner"], "team-a");
}

/// Whether [`v2_required`] is compatible with the latest version of `orders-value`.
async fn check(app: &TestApp) -> serde_json::Value {
    app.post(
        "/compatibility/subjects/orders-value/versions/latest",
        &json!({"schema": v2_required()}),
    )
    .await
    .assert_ok()["is_compatible"]
        .clone()
}

async fn a_repeated_check_sees_a_level_change_and_a_new_version(app: TestApp) {
    app.register("orders-value", &v1()).await.assert_ok();
    assert_eq!(check(&app).await, false);
    assert_eq!(check(&app).await, false);
    app.put("/config/orders-value", &json!({"compatibility": "FORWARD"}))
        .await
        .assert_ok();
    assert_eq!(check(&app).await, true, "the level changed");
    // A new latest version: the check compares against it now.
    app.put("/config/orders-value", &json!({"compatibility": "NONE"}))
        .await
        .assert_ok();
    app.register("orders-value", &v2_required())
        .await
        .assert_ok();
    app.put(
        "/config/orders-value",
        &json!({"compatibility": "BACKWARD"}),
    )
    .await
    .assert_ok();
    assert_eq!(check(&app).await, true, "latest is the same schema now");
}

both_backends!(
    a_repeated_register_sees_a_soft_delete,
    a_repeated_register_sees_a_config_that_adds_metadata,
    a_repeated_check_sees_a_level_change_and_a_new_version,
);
