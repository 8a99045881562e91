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

both_backends!(
    a_context_scope_has_no_versions,
    the_default_context_scope_is_the_global_scope,
    a_trailing_slash_is_not_the_listing,
);
