//! Contexts: the `/contexts/{ctx}/...` URL-prefix form and deleting contexts (checklist 136–138).

use registry_tests::app::record;
use registry_tests::{TestApp, both_backends};
use serde_json::json;

async fn url_prefix_form_addresses_the_context(app: TestApp) {
    let id = app.register_id(":.eu:orders", &record("Order", &[])).await;
    app.register_id("orders", &record("Other", &[])).await;
    assert_eq!(
        app.get("/contexts/.eu/subjects").await.body,
        json!([":.eu:orders"])
    );
    assert_eq!(
        app.get("/contexts/.eu/subjects/orders/versions").await.body,
        json!([1])
    );
    let version = app.get("/contexts/eu/subjects/orders/versions/1").await;
    assert_eq!(version.assert_ok()["subject"], ":.eu:orders");
    let by_id = app.get(&format!("/contexts/.eu/schemas/ids/{id}")).await;
    assert_eq!(by_id.assert_ok()["schema"], record("Order", &[]).as_str());
    let registered = app
        .post(
            "/contexts/.eu/subjects/payments/versions",
            &json!({"schema": record("Payment", &[])}),
        )
        .await;
    assert_eq!(
        registered.assert_ok()["id"],
        2,
        "ids count within the context"
    );
    app.put("/contexts/.eu/config", &json!({"compatibility": "NONE"}))
        .await
        .assert_ok();
    assert_eq!(
        app.get("/config/:.eu:").await.body,
        json!({"compatibilityLevel": "NONE"})
    );
    let check = app
        .post(
            "/contexts/.eu/compatibility/subjects/orders/versions/latest",
            &json!({"schema": record("Renamed", &[])}),
        )
        .await;
    assert_eq!(
        check.assert_ok()["is_compatible"],
        true,
        "the context's NONE applies"
    );
}

async fn only_empty_contexts_can_be_deleted(app: TestApp) {
    app.register_id(":.tmp:s", &record("A", &[])).await;
    let busy = app.delete("/contexts/.tmp").await;
    busy.assert_error(42211);
    assert_eq!(
        busy.message(),
        "The specified context ':.tmp:' is not empty."
    );
    app.delete("/subjects/:.tmp:s").await.assert_ok();
    app.delete("/contexts/.tmp").await.assert_error(42211);
    app.delete("/subjects/:.tmp:s?permanent=true")
        .await
        .assert_ok();
    let gone = app.delete("/contexts/.tmp").await;
    assert_eq!(gone.status, reqwest::StatusCode::NO_CONTENT);
    assert_eq!(app.get("/contexts").await.body, json!(["."]));
    app.delete("/contexts/a:b").await.assert_error(400);
}

/// Checklist 139 and 141: an unqualified reference inside a context resolves in that context,
/// and `referenceFormat=qualified` answers it qualified.
async fn references_inside_a_context(app: TestApp) {
    let address =
        r#"{"type":"record","name":"Address","fields":[{"name":"street","type":"string"}]}"#;
    app.register_id(":.eu:address", address).await;
    let person = r#"{"type":"record","name":"Person","fields":[{"name":"home","type":"Address"}]}"#;
    let refs = json!([{"name": "Address", "subject": "address", "version": 1}]);
    app.post(
        "/subjects/:.eu:person/versions",
        &json!({"schema": person, "references": refs}),
    )
    .await
    .assert_ok();
    let plain = app.get("/subjects/:.eu:person/versions/1").await;
    assert_eq!(plain.assert_ok()["references"][0]["subject"], "address");
    let qualified = app
        .get("/subjects/:.eu:person/versions/1?referenceFormat=qualified")
        .await;
    assert_eq!(
        qualified.assert_ok()["references"][0]["subject"],
        ":.eu:address"
    );
}

both_backends!(
    url_prefix_form_addresses_the_context,
    only_empty_contexts_can_be_deleted,
    references_inside_a_context,
);
