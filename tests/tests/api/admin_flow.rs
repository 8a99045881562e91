//! An administrative session in our own words, step by step on both backends: soft and
//! permanent deletes of versions and subjects and the errors on the way, subject modes
//! (READONLY, IMPORT) and their removal, explicit ids in IMPORT, and what reads answer after
//! each step. `admin_replay.rs` replays recorded Confluent exchanges of the same kind when the
//! shared conformance data is present.

use registry_tests::{TestApp, both_backends};
use serde_json::json;

fn empty_record(name: &str) -> String {
    format!(r#"{{"type":"record","name":"{name}","fields":[]}}"#)
}

async fn version_deletes_follow_confluent_order(app: TestApp) {
    app.put("/config/ledger", &json!({"compatibility": "NONE"}))
        .await
        .assert_ok();
    app.register("ledger", &empty_record("Entry"))
        .await
        .assert_ok();
    app.register("ledger", &empty_record("Posting"))
        .await
        .assert_ok();
    assert_eq!(
        app.delete("/subjects/ledger/versions/1").await.assert_ok(),
        &json!(1)
    );
    assert_eq!(
        app.get("/subjects/ledger/versions").await.assert_ok(),
        &json!([2])
    );
    assert_eq!(
        app.get("/subjects/ledger/versions?deleted=true")
            .await
            .assert_ok(),
        &json!([1, 2])
    );
    let hidden = app.get("/subjects/ledger/versions/1").await;
    hidden.assert_error(40402);
    assert_eq!(hidden.message(), "Version 1 not found.");
    let shown = app.get("/subjects/ledger/versions/1?deleted=true").await;
    assert_eq!(shown.assert_ok()["schema"], empty_record("Entry"));
    // A live version must be soft-deleted before it can be removed for good.
    let live = app
        .delete("/subjects/ledger/versions/2?permanent=true")
        .await;
    live.assert_error(40407);
    assert_eq!(
        live.message(),
        "Subject 'ledger' Version 2 was not deleted first before being permanently deleted"
    );
    assert_eq!(
        app.delete("/subjects/ledger/versions/1?permanent=true")
            .await
            .assert_ok(),
        &json!(1)
    );
}

async fn subject_deletes_follow_confluent_order(app: TestApp) {
    let id = app.register_id("archive", &empty_record("Box")).await;
    let live = app.delete("/subjects/archive?permanent=true").await;
    live.assert_error(40405);
    assert_eq!(
        live.message(),
        "Subject 'archive' was not deleted first before being permanently deleted"
    );
    assert_eq!(
        app.delete("/subjects/archive").await.assert_ok(),
        &json!([1])
    );
    let again = app.delete("/subjects/archive").await;
    again.assert_error(40404);
    assert_eq!(
        again.message(),
        "Subject 'archive' was soft deleted.Set permanent=true to delete permanently"
    );
    assert_eq!(
        app.delete("/subjects/archive?permanent=true")
            .await
            .assert_ok(),
        &json!([1])
    );
    // The schema is gone with its only subject.
    app.get(&format!("/schemas/ids/{id}/versions"))
        .await
        .assert_error(40403);
}

async fn subject_modes_set_read_and_removed(app: TestApp) {
    assert_eq!(
        app.put("/mode/frozen", &json!({"mode": "READONLY"}))
            .await
            .assert_ok(),
        &json!({"mode": "READONLY"})
    );
    let refused = app.register("frozen", &empty_record("Ice")).await;
    refused.assert_error(42205);
    assert!(
        refused.message().contains("is in read-only mode"),
        "{}",
        refused.message()
    );
    assert_eq!(
        app.get("/mode").await.assert_ok(),
        &json!({"mode": "READWRITE"})
    );
    assert_eq!(
        app.get("/mode/frozen").await.assert_ok(),
        &json!({"mode": "READONLY"})
    );
    let unset = app.get("/mode/thawed").await;
    unset.assert_error(40409);
    assert_eq!(
        unset.message(),
        "Subject 'thawed' does not have subject-level mode configured"
    );
    // Removing a subject's mode answers the mode it had.
    assert_eq!(
        app.delete("/mode/frozen").await.assert_ok(),
        &json!({"mode": "READONLY"})
    );
    app.register("frozen", &empty_record("Ice"))
        .await
        .assert_ok();
}

async fn import_keeps_explicit_ids_and_versions(app: TestApp) {
    app.put("/mode/migrated", &json!({"mode": "IMPORT"}))
        .await
        .assert_ok();
    let first = app
        .post(
            "/subjects/migrated/versions",
            &json!({"schema": empty_record("Old"), "id": 70, "version": 3}),
        )
        .await;
    assert_eq!(first.assert_ok()["id"], 70);
    // The id is taken by another schema.
    let taken = app
        .post(
            "/subjects/migrated/versions",
            &json!({"schema": empty_record("Other"), "id": 70, "version": 4}),
        )
        .await;
    taken.assert_error(42205);
    assert!(
        taken
            .message()
            .starts_with("Overwrite new schema with id 70"),
        "{}",
        taken.message()
    );
    // The same version number with a new id replaces what version 3 holds.
    let replaced = app
        .post(
            "/subjects/migrated/versions",
            &json!({"schema": empty_record("Newer"), "id": 71, "version": 3}),
        )
        .await;
    assert_eq!(replaced.assert_ok()["id"], 71);
    let listed = app.get("/schemas").await;
    let listed = listed.assert_ok().as_array().expect("a list").clone();
    let entry = listed
        .iter()
        .find(|s| s["subject"] == "migrated")
        .expect("the imported subject is listed");
    assert_eq!(entry["id"], 71);
    assert_eq!(entry["version"], 3);
    assert_eq!(
        app.get("/subjects/migrated/versions/3/referencedby")
            .await
            .assert_ok(),
        &json!([])
    );
}

both_backends!(
    version_deletes_follow_confluent_order,
    subject_deletes_follow_confluent_order,
    subject_modes_set_read_and_removed,
    import_keeps_explicit_ids_and_versions
);
