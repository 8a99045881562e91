//! Subject aliases (issue 13): a subject whose config names an `alias` stands for that
//! subject on every `/subjects/...` route and on `/schemas/ids/{id}?subject=`, while its
//! config and mode stay its own.

use registry_tests::app::record;
use registry_tests::{TestApp, both_backends};
use serde_json::json;

async fn alias(app: &TestApp, subject: &str, target: &str) {
    app.put(&format!("/config/{subject}"), &json!({"alias": target}))
        .await
        .assert_ok();
}

/// Reads, lookups, registrations and deletes through the alias reach the target.
async fn an_alias_stands_for_its_target(app: TestApp) {
    let v1 = record("Payment", &[("amount", "\"double\"")]);
    let id = app.register_id("payments-value", &v1).await;
    alias(&app, "pay", "payments-value").await;

    let latest = app.get("/subjects/pay/versions/latest").await;
    assert_eq!(latest.assert_ok()["subject"], "payments-value");
    assert_eq!(latest.assert_ok()["id"], id);
    let found = app.post("/subjects/pay", &json!({"schema": v1})).await;
    assert_eq!(found.assert_ok()["version"], 1);
    let by_id = app.get(&format!("/schemas/ids/{id}?subject=pay")).await;
    assert_eq!(by_id.assert_ok()["subject"], "payments-value");
    assert_eq!(by_id.assert_ok()["version"], 1);

    let v2 = record(
        "Payment",
        &[
            ("amount", "\"double\""),
            ("memo", "\"string\", \"default\": \"\""),
        ],
    );
    let registered = app.register("pay", &v2).await;
    assert_eq!(registered.assert_ok()["version"], 2);
    let versions = app.get("/subjects/payments-value/versions").await;
    assert_eq!(versions.assert_ok(), &json!([1, 2]));
    let compatible = app
        .post(
            "/compatibility/subjects/pay/versions/latest",
            &json!({"schema": v2}),
        )
        .await;
    assert_eq!(compatible.assert_ok()["is_compatible"], true);

    app.delete("/subjects/pay/versions/2").await.assert_ok();
    let versions = app.get("/subjects/payments-value/versions").await;
    assert_eq!(versions.assert_ok(), &json!([1]));

    // The alias's own config is still its own.
    let config = app.get("/config/pay").await;
    assert_eq!(config.assert_ok()["alias"], "payments-value");
    // A subject without an alias is itself.
    app.get("/subjects/other/versions")
        .await
        .assert_error(40401);
}

/// An unqualified alias of a subject in a context names a subject of that context.
async fn an_alias_is_qualified_against_its_context(app: TestApp) {
    let id = app.register_id(":.eu:orders", &record("Order", &[])).await;
    alias(&app, ":.eu:o", "orders").await;
    let latest = app.get("/subjects/:.eu:o/versions/latest").await;
    assert_eq!(latest.assert_ok()["subject"], ":.eu:orders");
    assert_eq!(latest.assert_ok()["id"], id);
}

both_backends!(
    an_alias_stands_for_its_target,
    an_alias_is_qualified_against_its_context,
);
