//! `check` and `register` against a running registry (and a stand-in that checks auth).

use registry_tests::{Backend, spawn_app};
use serde_json::{Value, json};

use super::{BINARY, cli, fixtures};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn online_check_uses_the_subjects_level_and_the_registry_verdict() {
    let app = spawn_app(Backend::Sqlite).await;
    let url = app.base.as_str();
    let registered = cli(&[
        "register",
        "user.v1.json",
        "--subject",
        "users-value",
        "--url",
        url,
    ])
    .await;
    assert_eq!(
        registered.code, 0,
        "{}{}",
        registered.stdout, registered.stderr
    );
    assert_eq!(
        registered.stdout,
        "registered user.v1.json as subject users-value version 1 id 1\n"
    );

    let ok = cli(&[
        "check",
        "user.v2.json",
        "--subject",
        "users-value",
        "--url",
        url,
    ])
    .await;
    assert_eq!(ok.code, 0, "{}{}", ok.stdout, ok.stderr);
    assert!(
        ok.stdout
            .starts_with("compatible: subject users-value, file user.v2.json, JSON BACKWARD"),
        "{}",
        ok.stdout
    );

    let broken = cli(&[
        "check",
        "user.broken-age.json",
        "--subject",
        "users-value",
        "--url",
        url,
    ])
    .await;
    assert_eq!(broken.code, 1, "{}{}", broken.stdout, broken.stderr);
    assert!(
        broken.stdout.contains(&format!(
            "JSON BACKWARD, against the versions its level names ({url})"
        )),
        "{}",
        broken.stdout
    );
    assert!(
        broken.stdout.contains("  breaks version 1\n"),
        "{}",
        broken.stdout
    );
    // The registry's verdict, explained locally against the version it names.
    assert!(
        broken.stdout.contains(
            "  - user.broken-age.json:9: property `age` changed type: `integer` → `string`"
        ) && broken
            .stdout
            .contains("      rule: TYPE_CHANGED at #/properties/age\n"),
        "{}",
        broken.stdout
    );

    let json_run = cli(&[
        "check",
        "user.broken-age.json",
        "--subject",
        "users-value",
        "--url",
        url,
        "--format",
        "json",
    ])
    .await;
    assert_eq!(json_run.code, 1);
    let report: Value = serde_json::from_str(&json_run.stdout).expect("json output");
    assert_eq!(
        report["results"][0]["incompatibilities"][0]["kind"],
        json!("TYPE_CHANGED")
    );
    assert_eq!(
        report["results"][0]["messages"][1],
        json!("{oldSchemaVersion: 1}")
    );

    // The subject's own level is what the registry applies.
    app.put("/config/users-value", &json!({"compatibility": "FULL"}))
        .await
        .assert_ok();
    let full = cli(&[
        "check",
        "user.v2.json",
        "--subject",
        "users-value",
        "--url",
        url,
    ])
    .await;
    assert_eq!(full.code, 1, "{}{}", full.stdout, full.stderr);
    assert!(full.stdout.contains("JSON FULL"), "{}", full.stdout);
    // --level overrides it (checked here with the server's engine).
    let backward = cli(&[
        "check",
        "user.v2.json",
        "--subject",
        "users-value",
        "--url",
        url,
        "--level",
        "BACKWARD",
    ])
    .await;
    assert_eq!(backward.code, 0, "{}{}", backward.stdout, backward.stderr);
    assert!(
        backward
            .stdout
            .contains("1 live version(s), checked locally"),
        "{}",
        backward.stdout
    );

    // One version only, at the subject's level.
    let one = cli(&[
        "check",
        "user.v1.json",
        "--subject",
        "users-value",
        "--url",
        url,
        "--against-version",
        "1",
    ])
    .await;
    assert_eq!(one.code, 0, "{}{}", one.stdout, one.stderr);
    assert!(one.stdout.contains("against version 1"), "{}", one.stdout);
    let both = cli(&[
        "check",
        "user.v1.json",
        "--subject",
        "users-value",
        "--url",
        url,
        "--against-version",
        "1",
        "--level",
        "NONE",
    ])
    .await;
    both.assert_one_line_error("cannot be combined");

    // A subject without versions accepts anything.
    let fresh = cli(&[
        "check",
        "user.broken-age.json",
        "--subject",
        "new-value",
        "--url",
        url,
    ])
    .await;
    assert_eq!(fresh.code, 0, "{}{}", fresh.stdout, fresh.stderr);

    // An invalid schema is exit 2, one line, also online.
    cli(&[
        "check",
        "unparsable.json",
        "--subject",
        "users-value",
        "--url",
        url,
    ])
    .await
    .assert_one_line_error("unparsable.json is not a valid JSON schema");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn register_with_references_and_refusals() {
    let app = spawn_app(Backend::Sqlite).await;
    let url = app.base.as_str();
    let customer = cli(&[
        "register",
        "customer.json",
        "--subject",
        "customer-value",
        "--url",
        url,
    ])
    .await;
    assert_eq!(customer.code, 0, "{}{}", customer.stdout, customer.stderr);
    let order = cli(&[
        "register",
        "order.v1.json",
        "order.v2.json",
        "--subject",
        "orders-value",
        "--reference-subject",
        "customer.json=customer-value@1",
        "--url",
        url,
        "--format",
        "json",
    ])
    .await;
    assert_eq!(order.code, 0, "{}{}", order.stdout, order.stderr);
    let registered: Value = serde_json::from_str(&order.stdout).expect("json output");
    assert_eq!(registered[0]["version"], json!(1));
    assert_eq!(registered[0]["id"], json!(2));
    assert_eq!(registered[1]["version"], json!(2));
    assert_eq!(registered[1]["id"], json!(3));
    let stored = app.get("/subjects/orders-value/versions/2").await;
    assert_eq!(
        stored.assert_ok()["references"],
        json!([{"name": "customer.json", "subject": "customer-value", "version": 1}])
    );

    // Online check with references passes them as the registry expects.
    let check = cli(&[
        "check",
        "order.broken-id.json",
        "--subject",
        "orders-value",
        "--reference-subject",
        "customer.json=customer-value",
        "--url",
        url,
    ])
    .await;
    assert_eq!(check.code, 1, "{}{}", check.stdout, check.stderr);
    assert!(
        check
            .stdout
            .contains("rule: TYPE_CHANGED at #/properties/id"),
        "{}",
        check.stdout
    );

    // An incompatible registration: exit 1.
    let refused = cli(&[
        "register",
        "user.v1.json",
        "user.broken-age.json",
        "--subject",
        "users-value",
        "--url",
        url,
    ])
    .await;
    assert_eq!(refused.code, 1, "{}{}", refused.stdout, refused.stderr);
    assert!(
        refused.stdout.contains("as subject users-value version 1"),
        "{}",
        refused.stdout
    );
    assert!(
        refused
            .stderr
            .contains("user.broken-age.json is incompatible with subject users-value"),
        "{}",
        refused.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whole_repository_against_a_registry() {
    let app = spawn_app(Backend::Sqlite).await;
    let url = app.base.as_str();
    // The project's entries registered in file order (customer before the orders that reference it).
    let registered = cli(&["register", "--config", "repo-ok/schemas.toml", "--url", url]).await;
    assert_eq!(
        registered.code, 0,
        "{}{}",
        registered.stdout, registered.stderr
    );
    assert_eq!(
        registered.stdout.lines().count(),
        4,
        "{}",
        registered.stdout
    );
    assert!(
        registered
            .stdout
            .contains("as subject orders-value version 1 id 3"),
        "{}",
        registered.stdout
    );
    let order = app.get("/subjects/orders-value/versions/1").await;
    assert_eq!(
        order.assert_ok()["references"][0]["subject"],
        json!("customer-value")
    );

    let ok = cli(&["check", "--config", "repo-ok/schemas.toml", "--url", url]).await;
    assert_eq!(ok.code, 0, "{}{}", ok.stdout, ok.stderr);
    let broken = cli(&[
        "check",
        "--config",
        "repo-broken/schemas.toml",
        "--url",
        url,
        "--format",
        "json",
    ])
    .await;
    assert_eq!(broken.code, 1, "{}{}", broken.stdout, broken.stderr);
    let report: Value = serde_json::from_str(&broken.stdout).expect("json output");
    let verdicts: Vec<bool> = report["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["compatible"].as_bool().unwrap_or(true))
        .collect();
    assert_eq!(verdicts, vec![true, true, false, false]);
    assert_eq!(report["results"][2]["against"], json!(url));
    assert_eq!(
        report["results"][2]["incompatibilities"][0]["path"],
        json!("#/properties/id")
    );
}

/// A registry stand-in that answers only requests carrying `expected` as Authorization.
async fn guarded_registry(expected: &'static str) -> String {
    use axum::http::{HeaderMap, StatusCode, Uri};
    let handler = move |headers: HeaderMap, uri: Uri| async move {
        let authorized =
            headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(expected);
        if !authorized {
            let body = json!({"error_code": 401, "message": "Unauthorized"}).to_string();
            return (StatusCode::UNAUTHORIZED, body);
        }
        let body = if uri.path().starts_with("/config/") {
            json!({"compatibilityLevel": "FULL"})
        } else {
            json!({"is_compatible": true, "messages": []})
        };
        (StatusCode::OK, body.to_string())
    };
    let router = axum::Router::new().fallback(handler);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    format!("http://{addr}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn basic_and_bearer_auth_are_sent() {
    let basic = guarded_registry("Basic YWxpY2U6c2VjcmV0").await;
    let args = [
        "check",
        "user.v2.json",
        "--subject",
        "users-value",
        "--url",
        basic.as_str(),
    ];
    let run = cli(&[&args[..], &["--user", "alice", "--password", "secret"]].concat()).await;
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("JSON FULL"), "{}", run.stdout);
    cli(&args)
        .await
        .assert_one_line_error("401 Unauthorized: Unauthorized");

    let bearer = guarded_registry("Bearer tok123").await;
    let args = [
        "check",
        "user.v2.json",
        "--subject",
        "users-value",
        "--url",
        bearer.as_str(),
    ];
    let run = cli(&[&args[..], &["--token", "tok123"]].concat()).await;
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    // The environment works as the flags do.
    let output = tokio::process::Command::new(BINARY)
        .args(args)
        .current_dir(fixtures())
        .env("SCHEMA_REGISTRY_TOKEN", "tok123")
        .output()
        .await
        .expect("run the cli");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn online_avro_verdicts_name_the_field() {
    let app = spawn_app(Backend::Sqlite).await;
    let url = app.base.as_str();
    let registered = cli(&[
        "register",
        "payment.v1.avsc",
        "payment.v2.avsc",
        "--subject",
        "payments-value",
        "--url",
        url,
    ])
    .await;
    assert_eq!(
        registered.code, 0,
        "{}{}",
        registered.stdout, registered.stderr
    );
    assert!(
        registered
            .stdout
            .contains("payment.v2.avsc as subject payments-value version 2 id 2"),
        "{}",
        registered.stdout
    );
    let run = cli(&[
        "check",
        "payment.broken-amount.avsc",
        "--subject",
        "payments-value",
        "--url",
        url,
        "--format",
        "json",
    ])
    .await;
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).expect("json output");
    let result = &report["results"][0];
    assert_eq!(result["level"], json!("BACKWARD"));
    assert_eq!(result["oldVersion"], json!(2));
    assert_eq!(
        result["incompatibilities"][0]["kind"],
        json!("TYPE_MISMATCH")
    );
    assert_eq!(
        result["incompatibilities"][0]["path"],
        json!("/fields/1/type")
    );
    // Dropping the defaulted field again is backward compatible.
    let back = cli(&[
        "check",
        "payment.v1.avsc",
        "--subject",
        "payments-value",
        "--url",
        url,
    ])
    .await;
    assert_eq!(back.code, 0, "{}{}", back.stdout, back.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn protobuf_files_register_export_and_import_with_their_import() {
    let app = spawn_app(Backend::Sqlite).await;
    let url = app.base.as_str();
    let address = cli(&[
        "register",
        "address.proto",
        "--subject",
        "shop/address.proto",
        "--url",
        url,
    ])
    .await;
    assert_eq!(address.code, 0, "{}{}", address.stdout, address.stderr);
    let shipment = cli(&[
        "register",
        "shipment.v1.proto",
        "shipment.v2.proto",
        "--subject",
        "shipments-value",
        "--reference-subject",
        "shop/address.proto=shop/address.proto@1",
        "--url",
        url,
    ])
    .await;
    assert_eq!(shipment.code, 0, "{}{}", shipment.stdout, shipment.stderr);
    let stored = app.get("/subjects/shipments-value/versions/2").await;
    assert_eq!(stored.assert_ok()["schemaType"], "PROTOBUF");
    assert_eq!(
        stored.body["references"],
        json!([{"name": "shop/address.proto", "subject": "shop/address.proto", "version": 1}])
    );
    // An incompatible change is refused by the registry: exit 1.
    let check = cli(&[
        "check",
        "shipment.broken-weight.proto",
        "--subject",
        "shipments-value",
        "--reference-subject",
        "shop/address.proto=shop/address.proto",
        "--url",
        url,
    ])
    .await;
    assert_eq!(check.code, 1, "{}{}", check.stdout, check.stderr);
    assert!(
        check.stdout.contains("FIELD_SCALAR_KIND_CHANGED"),
        "{}",
        check.stdout
    );

    // export then import into a fresh registry: same ids, types and references.
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("registry.json");
    let file = file.to_str().expect("utf-8 path");
    let exported = cli(&["export", "--url", url, "-o", file]).await;
    assert_eq!(exported.code, 0, "{}{}", exported.stdout, exported.stderr);
    let target = spawn_app(Backend::Sqlite).await;
    let imported = cli(&["import", "--url", target.base.as_str(), file]).await;
    assert_eq!(imported.code, 0, "{}{}", imported.stdout, imported.stderr);
    for path in [
        "/subjects/shipments-value/versions/2",
        "/subjects/shop%2Faddress.proto/versions/1",
    ] {
        let (old, new) = (app.get(path).await, target.get(path).await);
        assert_eq!(new.assert_ok()["id"], old.body["id"], "{path}");
        assert_eq!(new.body["schema"], old.body["schema"], "{path}");
        assert_eq!(new.body["schemaType"], "PROTOBUF", "{path}");
        assert_eq!(new.body["references"], old.body["references"], "{path}");
    }
}
