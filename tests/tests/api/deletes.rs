//! Soft and permanent deletes and the version numbering that follows (checklist 63–84).

use registry_tests::app::record;
use registry_tests::{TestApp, both_backends};
use serde_json::json;

async fn two_versions(app: &TestApp, subject: &str) -> (i64, i64) {
    app.put(
        &format!("/config/{subject}"),
        &json!({"compatibility": "NONE"}),
    )
    .await
    .assert_ok();
    let a = app.register_id(subject, &record("A", &[])).await;
    let b = app.register_id(subject, &record("B", &[])).await;
    (a, b)
}

async fn soft_then_permanent_version_delete(app: TestApp) {
    let (a, _) = two_versions(&app, "s").await;
    assert_eq!(
        app.delete("/subjects/s/versions/1").await.assert_ok(),
        &json!(1)
    );
    assert_eq!(app.get("/subjects/s/versions").await.body, json!([2]));
    app.get("/subjects/s/versions/1").await.assert_error(40402);
    let deleted = app.get("/subjects/s/versions/1?deleted=true").await;
    assert_eq!(deleted.assert_ok()["deleted"], true);
    app.delete("/subjects/s/versions/1")
        .await
        .assert_error(40406);
    let not_soft = app.delete("/subjects/s/versions/2?permanent=true").await;
    not_soft.assert_error(40407);
    assert_eq!(
        not_soft.message(),
        "Subject 's' Version 2 was not deleted first before being permanently deleted"
    );
    // Checklist 80: the id stays readable while a version is only soft-deleted. Read
    // three times: from the database, the cache, then the hot table, which the hard delete
    // below must empty as well.
    for _ in 0..3 {
        app.get(&format!("/schemas/ids/{a}")).await.assert_ok();
    }
    assert_eq!(
        app.delete("/subjects/s/versions/1?permanent=true")
            .await
            .assert_ok(),
        &json!(1)
    );
    app.get("/subjects/s/versions/1?deleted=true")
        .await
        .assert_error(40402);
    app.delete("/subjects/s/versions/1?permanent=true")
        .await
        .assert_error(40402);
    app.get(&format!("/schemas/ids/{a}"))
        .await
        .assert_error(40403);
    let soft_again = app.delete("/subjects/s/versions/2").await;
    assert_eq!(soft_again.assert_ok(), &json!(2));
    let again = app.delete("/subjects/s/versions/2").await;
    again.assert_error(40406);
    assert_eq!(
        again.message(),
        "Subject 's' Version 2 was soft deleted.Set permanent=true to delete permanently"
    );
}

async fn delete_latest_and_unknowns(app: TestApp) {
    two_versions(&app, "s").await;
    assert_eq!(
        app.delete("/subjects/s/versions/latest").await.assert_ok(),
        &json!(2)
    );
    assert_eq!(
        app.get("/subjects/s/versions/latest").await.body["version"],
        1
    );
    app.delete("/subjects/nope/versions/1")
        .await
        .assert_error(40401);
    app.delete("/subjects/s/versions/9")
        .await
        .assert_error(40402);
    app.delete("/subjects/s/versions/0")
        .await
        .assert_error(42202);
}

async fn version_listing_flags(app: TestApp) {
    two_versions(&app, "s").await;
    app.delete("/subjects/s/versions/1").await.assert_ok();
    assert_eq!(
        app.get("/subjects/s/versions?deleted=true").await.body,
        json!([1, 2])
    );
    assert_eq!(
        app.get("/subjects/s/versions?deletedOnly=true").await.body,
        json!([1])
    );
    assert_eq!(
        app.get("/subjects/s/versions?deletedAsNegative=true")
            .await
            .body,
        json!([-1, 2])
    );
    app.delete("/subjects/s/versions/2").await.assert_ok();
    app.get("/subjects/s/versions").await.assert_error(40401);
    app.get("/subjects/s/versions/latest")
        .await
        .assert_error(40401);
    assert_eq!(app.get("/subjects").await.body, json!([]));
    assert_eq!(app.get("/subjects?deleted=true").await.body, json!(["s"]));
    assert_eq!(
        app.get("/subjects?deletedOnly=true").await.body,
        json!(["s"])
    );
}

async fn subject_deletes(app: TestApp) {
    two_versions(&app, "s").await;
    let not_soft = app.delete("/subjects/s?permanent=true").await;
    not_soft.assert_error(40405);
    assert_eq!(
        not_soft.message(),
        "Subject 's' was not deleted first before being permanently deleted"
    );
    assert_eq!(app.delete("/subjects/s").await.assert_ok(), &json!([1, 2]));
    let again = app.delete("/subjects/s").await;
    again.assert_error(40404);
    assert_eq!(
        again.message(),
        "Subject 's' was soft deleted.Set permanent=true to delete permanently"
    );
    assert_eq!(
        app.delete("/subjects/s?permanent=true").await.assert_ok(),
        &json!([1, 2])
    );
    app.get("/subjects/s/versions?deleted=true")
        .await
        .assert_error(40401);
    app.post("/subjects/s", &json!({"schema": record("A", &[])}))
        .await
        .assert_error(40401);
    app.delete("/subjects/nope").await.assert_error(40401);
    app.delete("/subjects/nope?permanent=true")
        .await
        .assert_error(40401);
}

async fn numbering_after_deletes(app: TestApp) {
    let (a, b) = two_versions(&app, "s").await;
    // Checklist 77: soft-delete everything, re-register both → versions 3 and 4, same ids.
    app.delete("/subjects/s").await.assert_ok();
    let third = app.register("s", &record("A", &[])).await;
    assert_eq!(
        (
            third.assert_ok()["version"].as_i64(),
            third.body["id"].as_i64()
        ),
        (Some(3), Some(a))
    );
    let fourth = app.register("s", &record("B", &[])).await;
    assert_eq!(
        (
            fourth.assert_ok()["version"].as_i64(),
            fourth.body["id"].as_i64()
        ),
        (Some(4), Some(b))
    );
    // Checklist 78: the soft-deleted records with the same ids were tombstoned.
    assert_eq!(
        app.get("/subjects/s/versions?deleted=true").await.body,
        json!([3, 4])
    );

    // Checklist 79: hard-deleting the highest version frees its number.
    two_versions(&app, "t").await;
    app.delete("/subjects/t/versions/2").await.assert_ok();
    app.delete("/subjects/t/versions/2?permanent=true")
        .await
        .assert_ok();
    let again = app.register("t", &record("C", &[])).await;
    assert_eq!(again.assert_ok()["version"], 2);
    // A soft-deleted version still holds its number.
    app.delete("/subjects/t/versions/2").await.assert_ok();
    assert_eq!(
        app.register("t", &record("D", &[])).await.assert_ok()["version"],
        3
    );
}

async fn hard_delete_frees_nothing_but_the_record(app: TestApp) {
    let id = app.register_id("s", &record("A", &[])).await;
    app.delete("/subjects/s").await.assert_ok();
    app.delete("/subjects/s?permanent=true").await.assert_ok();
    // Ids are never reused: the same schema again gets a new id; a new one gets the next.
    let again = app.register_id("s", &record("A", &[])).await;
    assert!(again > id, "ids are never reused ({again} after {id})");
    let next = app.register_id("u", &record("Q", &[])).await;
    assert!(next > again);
}

async fn referenced_versions_cannot_be_deleted(app: TestApp) {
    let address =
        r#"{"type":"record","name":"Address","fields":[{"name":"street","type":"string"}]}"#;
    app.register_id("address", address).await;
    let person = r#"{"type":"record","name":"Person","fields":[{"name":"home","type":"Address"}]}"#;
    let refs = json!([{"name": "Address", "subject": "address", "version": 1}]);
    app.post(
        "/subjects/person/versions",
        &json!({"schema": person, "references": refs}),
    )
    .await
    .assert_ok();
    let refused = app.delete("/subjects/address/versions/1").await;
    refused.assert_error(42206);
    assert_eq!(
        refused.message(),
        "One or more references exist to the schema {magic=1,keytype=SCHEMA,subject=address,version=1}."
    );
    app.delete("/subjects/address").await.assert_error(42206);
    // Once the referrer is soft-deleted the soft delete passes; a permanent one still does not.
    app.delete("/subjects/person").await.assert_ok();
    app.delete("/subjects/address/versions/1").await.assert_ok();
    app.delete("/subjects/address/versions/1?permanent=true")
        .await
        .assert_error(42206);
    app.delete("/subjects/person?permanent=true")
        .await
        .assert_ok();
    app.delete("/subjects/address/versions/1?permanent=true")
        .await
        .assert_ok();
}

async fn hard_deleting_the_last_version_drops_subject_settings(app: TestApp) {
    app.register_id("s", &record("A", &[])).await;
    app.put("/config/s", &json!({"compatibility": "FULL"}))
        .await
        .assert_ok();
    app.put("/mode/s", &json!({"mode": "READWRITE"}))
        .await
        .assert_ok();
    app.delete("/subjects/s").await.assert_ok();
    app.get("/config/s").await.assert_ok();
    app.delete("/subjects/s?permanent=true").await.assert_ok();
    app.get("/config/s").await.assert_error(40408);
    app.get("/mode/s").await.assert_error(40409);
}

async fn soft_deleted_versions_leave_compatibility_checks(app: TestApp) {
    // v1 = A{a:int}; v2 (forced) = A{a:string}. Deleting v2 makes v1 the one compared.
    let v1 = record("A", &[("a", r#""int""#)]);
    app.register_id("c", &v1).await;
    let v2 = record("A", &[("a", r#""string""#)]);
    app.post("/subjects/c/versions?force=true", &json!({"schema": v2}))
        .await
        .assert_ok();
    app.delete("/subjects/c/versions/2").await.assert_ok();
    let check = app
        .post(
            "/compatibility/subjects/c/versions/latest",
            &json!({"schema": v1}),
        )
        .await;
    assert_eq!(check.assert_ok()["is_compatible"], true);
    app.post(
        "/compatibility/subjects/c/versions/2",
        &json!({"schema": v1}),
    )
    .await
    .assert_error(40402);
}

both_backends!(
    soft_then_permanent_version_delete,
    delete_latest_and_unknowns,
    version_listing_flags,
    subject_deletes,
    numbering_after_deletes,
    hard_delete_frees_nothing_but_the_record,
    referenced_versions_cannot_be_deleted,
    hard_deleting_the_last_version_drops_subject_settings,
    soft_deleted_versions_leave_compatibility_checks,
);
