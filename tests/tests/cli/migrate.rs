//! `export` then `import` into an empty registry reproduces ids, versions, configs and modes.

use registry_tests::{Backend, TestApp, spawn_app};
use serde_json::{Value, json};

use super::{cli, fixtures};

/// Fills a registry with what an export must carry: several subjects and types, a shared id,
/// an id gap, references, a soft-deleted version, configs and modes.
async fn populate(app: &TestApp) {
    let read = |name: &str| std::fs::read_to_string(fixtures().join(name)).expect("fixture");
    let post = |subject: &str, body: Value| {
        let path = format!("/subjects/{subject}/versions");
        async move { app.post(&path, &body).await.assert_ok().clone() }
    };
    post(
        "customer-value",
        json!({"schemaType": "JSON", "schema": read("customer.json")}),
    )
    .await;
    // An id gap: a subject registered and then removed for good.
    post("scratch-value", json!({"schema": "\"long\""})).await;
    app.delete("/subjects/scratch-value").await.assert_ok();
    app.delete("/subjects/scratch-value?permanent=true")
        .await
        .assert_ok();
    let reference = json!([{"name": "customer.json", "subject": "customer-value", "version": 1}]);
    post(
        "orders-value",
        json!({"schemaType": "JSON", "schema": read("order.v1.json"), "references": reference}),
    )
    .await;
    post(
        "orders-value",
        json!({"schemaType": "JSON", "schema": read("order.v2.json"), "references": reference}),
    )
    .await;
    post(
        "users-value",
        json!({"schemaType": "JSON", "schema": read("user.v1.json")}),
    )
    .await;
    post(
        "users-value",
        json!({"schemaType": "JSON", "schema": read("user.v2.json")}),
    )
    .await;
    post("payments-value", json!({"schema": read("payment.v1.avsc")})).await;
    // The same schema under a second subject shares its id.
    post(
        "users-copy",
        json!({"schemaType": "JSON", "schema": read("user.v1.json")}),
    )
    .await;
    // A subject in another context: ids there are counted separately.
    post(
        ":.eu:users-value",
        json!({"schemaType": "JSON", "schema": read("user.v2.json")}),
    )
    .await;
    app.delete("/subjects/users-value/versions/1")
        .await
        .assert_ok();
    app.put(
        "/config/orders-value",
        &json!({"compatibility": "FULL_TRANSITIVE"}),
    )
    .await
    .assert_ok();
    app.put(
        "/config/users-copy",
        &json!({"compatibility": "NONE", "normalize": true}),
    )
    .await
    .assert_ok();
    app.put("/config", &json!({"compatibility": "FORWARD"}))
        .await
        .assert_ok();
    app.put("/mode/payments-value", &json!({"mode": "READONLY"}))
        .await
        .assert_ok();
    // A context's own config and mode.
    app.put("/config/:.eu:", &json!({"compatibility": "FULL"}))
        .await
        .assert_ok();
    app.put("/mode/:.eu:?force=true", &json!({"mode": "IMPORT"}))
        .await
        .assert_ok();
}

/// Everything the round trip must preserve, read through the REST API (`ts` left out).
async fn snapshot(app: &TestApp) -> Value {
    fn without_ts(mut value: Value) -> Value {
        if let Some(map) = value.as_object_mut() {
            map.remove("ts");
        }
        value
    }
    let answer = |a: registry_tests::app::Answer| json!({"status": a.status.as_u16(), "body": without_ts(a.body)});
    let mut out = serde_json::Map::new();
    out.insert("/config".to_owned(), answer(app.get("/config").await));
    out.insert("/mode".to_owned(), answer(app.get("/mode").await));
    for path in ["/config/:.eu:", "/mode/:.eu:"] {
        out.insert(path.to_owned(), answer(app.get(path).await));
    }
    let subjects = app.get("/subjects?deleted=true").await;
    out.insert(
        "/subjects?deleted=true".to_owned(),
        answer(subjects.clone()),
    );
    let mut ids = std::collections::BTreeSet::new(); // (subject, id): ids are per context
    for subject in subjects
        .body
        .as_array()
        .expect("subjects")
        .iter()
        .filter_map(Value::as_str)
    {
        for path in [
            format!("/subjects/{subject}/versions"),
            format!("/config/{subject}"),
            format!("/mode/{subject}"),
        ] {
            out.insert(path.clone(), answer(app.get(&path).await));
        }
        let path = format!("/subjects/{subject}/versions?deleted=true");
        let versions = app.get(&path).await;
        for version in versions
            .body
            .as_array()
            .expect("versions")
            .iter()
            .filter_map(Value::as_i64)
        {
            let path = format!("/subjects/{subject}/versions/{version}?deleted=true");
            let body = app.get(&path).await;
            ids.insert((subject.to_owned(), body.body["id"].as_i64().expect("id")));
            out.insert(path, answer(body));
        }
        out.insert(path, answer(versions));
    }
    for (subject, id) in ids {
        let path = format!("/schemas/ids/{id}?subject={subject}");
        out.insert(path.clone(), answer(app.get(&path).await));
    }
    Value::Object(out)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_then_import_reproduces_ids_versions_configs_and_modes() {
    let source = spawn_app(Backend::Sqlite).await;
    populate(&source).await;
    let before = snapshot(&source).await;
    // The populated registry has what the test means to carry.
    assert_eq!(
        before["/subjects/users-value/versions?deleted=true"]["body"],
        json!([1, 2])
    );
    assert_eq!(before["/subjects/users-value/versions"]["body"], json!([2]));
    assert_eq!(
        before["/subjects/orders-value/versions/2?deleted=true"]["body"]["id"],
        json!(4)
    );
    assert_eq!(
        before["/config/orders-value"]["body"]["compatibilityLevel"],
        json!("FULL_TRANSITIVE")
    );
    assert_eq!(
        before["/mode/payments-value"]["body"]["mode"],
        json!("READONLY")
    );
    assert_eq!(before["/config/customer-value"]["status"], json!(404));
    assert_eq!(
        before["/config/:.eu:"]["body"]["compatibilityLevel"],
        json!("FULL")
    );
    assert_eq!(before["/mode/:.eu:"]["body"]["mode"], json!("IMPORT"));
    assert_eq!(
        before["/subjects/:.eu:users-value/versions/1?deleted=true"]["body"]["id"],
        json!(1)
    );

    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("export.json");
    let file_arg = file.display().to_string();
    let exported = cli(&["export", "--url", &source.base, "-o", &file_arg]).await;
    assert_eq!(exported.code, 0, "{}{}", exported.stdout, exported.stderr);
    assert!(
        exported
            .stderr
            .contains("exported 6 subject(s), 8 version(s)"),
        "{}",
        exported.stderr
    );
    let dump: Value =
        serde_json::from_str(&std::fs::read_to_string(&file).expect("export file")).expect("json");
    assert_eq!(dump["format"], json!("schema-registry-export/1"));

    let target = spawn_app(Backend::Sqlite).await;
    let imported = cli(&["import", "--url", &target.base, &file_arg]).await;
    assert_eq!(imported.code, 0, "{}{}", imported.stdout, imported.stderr);
    let after = snapshot(&target).await;
    let (before, after) = (
        before.as_object().expect("map"),
        after.as_object().expect("map"),
    );
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    for (path, value) in before {
        assert_eq!(Some(value), after.get(path), "{path}");
    }
    // Importing the same file again changes nothing.
    let again = cli(&["import", "--url", &target.base, &file_arg]).await;
    assert_eq!(again.code, 0, "{}{}", again.stdout, again.stderr);
    assert_eq!(&snapshot(&target).await, &Value::Object(after.clone()));
    // The target left IMPORT mode, and new registrations continue after the highest id.
    assert_eq!(target.get("/mode").await.body, json!({"mode": "READWRITE"}));
    let next = target
        .post(
            "/subjects/fresh-value/versions",
            &json!({"schema": "\"int\""}),
        )
        .await;
    assert_eq!(next.assert_ok()["id"], json!(8));
    // A file that is not an export: exit 2, one line.
    cli(&["import", "--url", &target.base, "user.v1.json"])
        .await
        .assert_one_line_error("not a schema-registry export file");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_import_says_why_and_puts_the_mode_back() {
    let source = spawn_app(Backend::Sqlite).await;
    source
        .post(
            "/subjects/a-value/versions",
            &json!({"schema": "\"string\""}),
        )
        .await
        .assert_ok();
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("export.json").display().to_string();
    assert_eq!(
        cli(&["export", "--url", &source.base, "-o", &file])
            .await
            .code,
        0
    );

    // Id 1 is taken by another schema on the target.
    let target = spawn_app(Backend::Sqlite).await;
    target
        .post("/subjects/b-value/versions", &json!({"schema": "\"long\""}))
        .await
        .assert_ok();
    cli(&["import", "--url", &target.base, &file])
        .await
        .assert_one_line_error("importing a-value version 1 (id 1)");
    assert_eq!(target.get("/mode").await.body, json!({"mode": "READWRITE"}));
}
