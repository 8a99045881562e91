//! Reads: versions, schemas by id, listings, errors (checklist 34–56).

use registry_tests::app::record;
use registry_tests::{TestApp, both_backends};
use serde_json::json;

async fn empty_registry_lists_nothing(app: TestApp) {
    assert_eq!(app.get("/subjects").await.body, json!([]));
    assert_eq!(app.get("/schemas").await.body, json!([]));
    assert_eq!(app.get("/contexts").await.body, json!(["."]));
    let types = app.get("/schemas/types").await;
    let types = types.body.as_array().expect("array").clone();
    assert!(types.contains(&json!("AVRO")) && types.contains(&json!("JSON")));
}

async fn unknown_things_answer_confluent_codes(app: TestApp) {
    app.get("/subjects/nope/versions").await.assert_error(40401);
    app.get("/subjects/nope/versions/1")
        .await
        .assert_error(40401);
    app.get("/subjects/nope/versions/latest")
        .await
        .assert_error(40401);
    let missing = app.get("/schemas/ids/999").await;
    missing.assert_error(40403);
    assert_eq!(missing.message(), "Schema 999 not found");
    app.get("/schemas/ids/999/schema").await.assert_error(40403);
    let versions = app.get("/schemas/ids/999/versions").await;
    versions.assert_error(40403);
    assert_eq!(versions.message(), "Schema not found");
    app.get("/schemas/ids/999/subjects")
        .await
        .assert_error(40403);
    app.get("/schemas/ids/abc").await.assert_error(404);
    app.get("/schemas/guids/00000000-0000-0000-0000-000000000000")
        .await
        .assert_error(40403);

    app.register_id("s", &record("A", &[])).await;
    let version = app.get("/subjects/s/versions/100").await;
    version.assert_error(40402);
    assert_eq!(version.message(), "Version 100 not found.");
    for bad in ["0", "-2", "abc", "2147483648"] {
        let answer = app.get(&format!("/subjects/s/versions/{bad}")).await;
        answer.assert_error(42202);
        assert_eq!(
            answer.message(),
            format!(
                "The specified version '{bad}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\""
            )
        );
    }
}

async fn schema_by_id_with_subject_and_max_id(app: TestApp) {
    app.put("/config", &json!({"compatibility": "NONE"}))
        .await
        .assert_ok();
    let a = app.register_id("s", &record("A", &[])).await;
    let b = app.register_id("s", &record("B", &[])).await;
    app.register_id("t", &record("A", &[])).await;
    let with_subject = app.get(&format!("/schemas/ids/{a}?subject=t")).await;
    let body = with_subject.assert_ok();
    assert_eq!(
        (body["subject"].as_str(), body["version"].as_i64()),
        (Some("t"), Some(1))
    );
    let max = app.get(&format!("/schemas/ids/{a}?fetchMaxId=true")).await;
    assert_eq!(max.assert_ok()["maxId"].as_i64(), Some(b));
    assert!(
        app.get(&format!("/schemas/ids/{a}"))
            .await
            .body
            .get("maxId")
            .is_none()
    );
    assert_eq!(
        app.get(&format!("/schemas/ids/{a}/subjects")).await.body,
        json!(["s", "t"])
    );
    assert_eq!(
        app.get(&format!("/schemas/ids/{a}/versions")).await.body,
        json!([{"subject": "s", "version": 1}, {"subject": "t", "version": 1}])
    );
    // Checklist 51: soft-deleted usages are left out unless deleted=true.
    app.delete("/subjects/t/versions/1").await.assert_ok();
    assert_eq!(
        app.get(&format!("/schemas/ids/{a}/subjects")).await.body,
        json!(["s"])
    );
    assert_eq!(
        app.get(&format!("/schemas/ids/{a}/subjects?deleted=true"))
            .await
            .body,
        json!(["s", "t"])
    );
    // By guid.
    let guid = app.get(&format!("/schemas/ids/{b}")).await.body["guid"]
        .as_str()
        .expect("guid")
        .to_owned();
    let by_guid = app.get(&format!("/schemas/guids/{guid}")).await;
    assert_eq!(by_guid.assert_ok()["schema"], record("B", &[]).as_str());
    assert_eq!(
        app.get(&format!("/schemas/guids/{guid}/ids")).await.body,
        json!([{"context": ".", "id": b}])
    );
}

async fn listings_filter_sort_and_paginate(app: TestApp) {
    for subject in ["b", "a", "c"] {
        app.register_id(subject, &record("A", &[])).await;
    }
    assert_eq!(app.get("/subjects").await.body, json!(["a", "b", "c"]));
    assert_eq!(
        app.get("/subjects?offset=1&limit=1").await.body,
        json!(["b"])
    );
    assert_eq!(
        app.get("/subjects?subjectPrefix=b").await.body,
        json!(["b"])
    );
    app.put("/config/a", &json!({"compatibility": "NONE"}))
        .await
        .assert_ok();
    app.register_id("a", &record("B", &[])).await;
    let all = app.get("/schemas").await;
    assert_eq!(all.body.as_array().map(Vec::len), Some(4));
    let latest = app.get("/schemas?latestOnly=true").await;
    let latest = latest.body.as_array().expect("array").clone();
    assert_eq!(latest.len(), 3);
    assert_eq!(latest[0]["subject"], "a");
    assert_eq!(latest[0]["version"], 2);
    assert_eq!(
        app.get("/schemas?subjectPrefix=a")
            .await
            .body
            .as_array()
            .map(Vec::len),
        Some(2)
    );
}

async fn contexts_keep_their_own_ids(app: TestApp) {
    let default_id = app.register_id("x", &record("A", &[])).await;
    let ctx_id = app.register_id(":.eu:x", &record("Z", &[])).await;
    assert_eq!(
        (default_id, ctx_id),
        (1, 1),
        "checklist 33: ids are per context"
    );
    assert_eq!(app.get("/contexts").await.body, json!([".", ".eu"]));
    assert_eq!(app.get("/subjects").await.body, json!([":.eu:x", "x"]));
    assert_eq!(
        app.get("/subjects?subjectPrefix=:.eu:").await.body,
        json!([":.eu:x"])
    );
    assert_eq!(app.get("/subjects?subjectPrefix=").await.body, json!(["x"]));
    let in_ctx = app.get("/schemas/ids/1?subject=:.eu:x").await;
    assert_eq!(in_ctx.assert_ok()["schema"], record("Z", &[]).as_str());
    assert_eq!(
        app.get("/schemas/ids/1").await.body["schema"],
        record("A", &[]).as_str()
    );
}

both_backends!(
    empty_registry_lists_nothing,
    unknown_things_answer_confluent_codes,
    schema_by_id_with_subject_and_max_id,
    listings_filter_sort_and_paginate,
    contexts_keep_their_own_ids,
);
