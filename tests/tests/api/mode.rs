//! Modes: READONLY and IMPORT (checklist 123–135).

use registry_tests::app::record;
use registry_tests::{TestApp, both_backends};
use serde_json::json;

async fn read_only_blocks_writes_not_reads(app: TestApp) {
    assert_eq!(app.get("/mode").await.body, json!({"mode": "READWRITE"}));
    let schema = record("A", &[]);
    let id = app.register_id("s", &schema).await;
    assert_eq!(
        app.put("/mode", &json!({"mode": "READONLY"}))
            .await
            .assert_ok(),
        &json!({"mode": "READONLY"})
    );
    let refused = app.register("s", &record("B", &[])).await;
    refused.assert_error(42205);
    assert_eq!(refused.message(), "Subject s is in read-only mode");
    // The fast path answers an existing schema in any mode.
    assert_eq!(
        app.register("s", &schema).await.assert_ok()["id"].as_i64(),
        Some(id)
    );
    app.get("/subjects/s/versions/1").await.assert_ok();
    app.post("/subjects/s", &json!({"schema": schema}))
        .await
        .assert_ok();
    app.delete("/subjects/s/versions/1")
        .await
        .assert_error(42205);
    app.delete("/subjects/s").await.assert_error(42205);
    app.put("/config", &json!({"compatibility": "NONE"}))
        .await
        .assert_error(42205);
    let old = app.delete("/mode").await;
    assert_eq!(old.assert_ok(), &json!({"mode": "READONLY"}));
    assert_eq!(app.get("/mode").await.body, json!({"mode": "READWRITE"}));
    app.register("s", &record("B", &[])).await.assert_error(409);
}

async fn invalid_modes(app: TestApp) {
    let bogus = app.put("/mode", &json!({"mode": "FOO"})).await;
    bogus.assert_error(42204);
    assert_eq!(
        bogus.message(),
        "Invalid mode. Valid values are READWRITE, READONLY, and IMPORT."
    );
    let forward = app.put("/mode/s", &json!({"mode": "FORWARD"})).await;
    forward.assert_error(42204);
    assert_eq!(
        forward.message(),
        "Forward mode only supported on global level"
    );
    let none = app.get("/mode/s").await;
    none.assert_error(40409);
    assert_eq!(
        none.message(),
        "Subject 's' does not have subject-level mode configured"
    );
    assert_eq!(
        app.get("/mode/s?defaultToGlobal=true").await.body,
        json!({"mode": "READWRITE"})
    );
    app.delete("/mode/s").await.assert_error(40401);
    // null clears (checklist 135); lower case is accepted and echoed as sent.
    assert_eq!(
        app.put("/mode", &json!({"mode": "readonly"}))
            .await
            .assert_ok(),
        &json!({"mode": "readonly"})
    );
    assert_eq!(app.get("/mode").await.body, json!({"mode": "READONLY"}));
    app.put("/mode", &json!({"mode": null})).await.assert_ok();
    assert_eq!(app.get("/mode").await.body, json!({"mode": "READWRITE"}));
}

async fn import_mode_takes_ids_and_versions(app: TestApp) {
    app.register_id("live", &record("L", &[])).await;
    let refused = app.put("/mode", &json!({"mode": "IMPORT"})).await;
    refused.assert_error(42205);
    assert_eq!(
        refused.message(),
        "Cannot import since found existing subjects"
    );
    app.put("/mode?force=true", &json!({"mode": "IMPORT"}))
        .await
        .assert_ok();

    let no_id = app.register("imp", &record("A", &[])).await;
    no_id.assert_error(42205);
    assert_eq!(no_id.message(), "Subject imp is not in read-write mode");
    let imported = app
        .post(
            "/subjects/imp/versions",
            &json!({"schema": record("A", &[]), "id": 100, "version": 7}),
        )
        .await;
    let body = imported.assert_ok();
    assert_eq!(
        (body["id"].as_i64(), body["version"].as_i64()),
        (Some(100), Some(7))
    );
    let clash = app
        .post(
            "/subjects/imp/versions",
            &json!({"schema": record("Other", &[]), "id": 100, "version": 8}),
        )
        .await;
    clash.assert_error(42205);
    assert_eq!(
        clash.message(),
        "Overwrite new schema with id 100 is not permitted."
    );
    // Checklist 131: the same schema under another id, and no compatibility check.
    let twice = app
        .post(
            "/subjects/imp2/versions",
            &json!({"schema": record("A", &[]), "id": 101, "version": 1}),
        )
        .await;
    assert_eq!(twice.assert_ok()["id"], 101);
    let incompatible = app
        .post(
            "/subjects/imp/versions",
            &json!({"schema": record("A", &[("x", r#""int""#)]), "id": 102, "version": 8}),
        )
        .await;
    incompatible.assert_ok();

    app.put("/mode", &json!({"mode": "READWRITE"}))
        .await
        .assert_ok();
    let next = app.register_id("after", &record("New", &[])).await;
    assert_eq!(next, 103, "checklist 132: ids continue above imported ones");
}

async fn subject_modes_override_global(app: TestApp) {
    app.put("/mode/r", &json!({"mode": "READONLY"}))
        .await
        .assert_ok();
    app.register("r", &record("A", &[]))
        .await
        .assert_error(42205);
    app.register("other", &record("A", &[])).await.assert_ok();
    assert_eq!(app.get("/mode/r").await.body, json!({"mode": "READONLY"}));
    assert_eq!(
        app.delete("/mode/r").await.body,
        json!({"mode": "READONLY"})
    );
    app.register("r", &record("A", &[])).await.assert_ok();
}

/// IMPORT without `force` is refused only where the scope has a live subject: the global
/// scope, a context, or the subject itself.
async fn import_needs_an_empty_scope(app: TestApp) {
    app.register_id(":.eu:orders", &record("E", &[])).await;
    app.register_id("plain", &record("P", &[])).await;
    app.register_id("gone", &record("G", &[])).await;
    app.delete("/subjects/gone").await.assert_ok();
    let import = json!({"mode": "IMPORT"});
    for busy in ["/mode", "/mode/:.eu:", "/mode/plain"] {
        let refused = app.put(busy, &import).await;
        assert_eq!(
            refused.body["error_code"], 42205,
            "{busy}: {}",
            refused.body
        );
        assert_eq!(
            refused.message(),
            "Cannot import since found existing subjects",
            "{busy}"
        );
    }
    for empty in ["/mode/:.us:", "/mode/new-subject", "/mode/gone"] {
        app.put(empty, &import).await.assert_ok();
    }
}

both_backends!(
    import_needs_an_empty_scope,
    read_only_blocks_writes_not_reads,
    invalid_modes,
    import_mode_takes_ids_and_versions,
    subject_modes_override_global,
);
