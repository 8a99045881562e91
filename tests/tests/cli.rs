//! The CI gate commands (`check`, `register`, `export`, `import`) run as a separate process,
//! offline and against a spawned server: exit codes, human and JSON output, project files,
//! and an export/import round trip that must reproduce ids, versions and configs exactly.
//!
//! Verdict-sensitive checks use JSON Schema fixtures (the final engine); Avro is used only for
//! a clearly incompatible change (a field's type int → string).

use std::path::{Path, PathBuf};

use registry_tests::{Backend, TestApp, spawn_app};
use serde_json::{Value, json};

const BINARY: &str = env!("CARGO_BIN_EXE_sr-under-test");

/// What a CLI run printed and answered.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    /// Asserts exit code 2 with exactly one line on stderr containing `needle`.
    #[track_caller]
    fn assert_one_line_error(&self, needle: &str) {
        assert_eq!(
            self.code, 2,
            "stdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        assert_eq!(
            self.stderr.lines().count(),
            1,
            "one line expected: {:?}",
            self.stderr
        );
        assert!(
            self.stderr.contains(needle),
            "{needle:?} not in {:?}",
            self.stderr
        );
        assert!(!self.stderr.contains("panicked"), "{}", self.stderr);
    }
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cli")
}

/// Runs the binary with `args` in `cwd`, with none of the registry environment variables.
async fn cli_in(cwd: &Path, args: &[&str]) -> Run {
    let output = tokio::process::Command::new(BINARY)
        .args(args)
        .current_dir(cwd)
        .env_remove("SCHEMA_REGISTRY_URL")
        .env_remove("SCHEMA_REGISTRY_USER")
        .env_remove("SCHEMA_REGISTRY_PASSWORD")
        .env_remove("SCHEMA_REGISTRY_TOKEN")
        .output()
        .await
        .expect("run the cli");
    Run {
        code: output.status.code().expect("exit code, not a signal"),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

async fn cli(args: &[&str]) -> Run {
    cli_in(&fixtures(), args).await
}

// ---- offline ----

#[tokio::test]
async fn offline_compatible_change_exits_0() {
    let run = cli(&[
        "check",
        "user.v2.json",
        "--against",
        "user.v1.json",
        "--subject",
        "users-value",
    ])
    .await;
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .starts_with("compatible: subject users-value, file user.v2.json, JSON BACKWARD"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("1 compatible, 0 incompatible"),
        "{}",
        run.stdout
    );
}

#[tokio::test]
async fn offline_incompatible_change_exits_1_naming_subject_file_level_location_and_message() {
    let run = cli(&[
        "check",
        "user.broken-age.json",
        "--against",
        "user.v1.json",
        "--subject",
        "users-value",
    ])
    .await;
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines[0],
        "INCOMPATIBLE: subject users-value, file user.broken-age.json, JSON BACKWARD, against 1 previous version(s) (offline)"
    );
    assert_eq!(lines[1], "  breaks version 1");
    assert_eq!(
        lines[2],
        "  - at #/properties/age: {errorType:\"TYPE_CHANGED\", description:\"A type at path '#/properties/age' is \
         different between the new schema and the old schema'}"
    );
    assert_eq!(
        lines[3],
        "checked 1 schema file(s): 0 compatible, 1 incompatible"
    );
}

#[tokio::test]
async fn offline_json_output_carries_kind_path_and_confluent_messages() {
    let run = cli(&[
        "check",
        "user.broken-age.json",
        "--against",
        "user.v1.json",
        "--format",
        "json",
    ])
    .await;
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).expect("json output");
    assert_eq!(report["compatible"], json!(false));
    let result = &report["results"][0];
    assert_eq!(result["file"], json!("user.broken-age.json"));
    assert_eq!(result["level"], json!("BACKWARD"));
    assert_eq!(result["against"], json!("offline"));
    assert_eq!(result["oldVersion"], json!(1));
    assert_eq!(
        result["incompatibilities"][0]["kind"],
        json!("TYPE_CHANGED")
    );
    assert_eq!(
        result["incompatibilities"][0]["path"],
        json!("#/properties/age")
    );
    let messages: Vec<&str> = result["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        messages[0].starts_with("{errorType:\"TYPE_CHANGED\""),
        "{messages:?}"
    );
    assert_eq!(messages[1], "{oldSchemaVersion: 1}");
    assert_eq!(
        messages.last().copied(),
        Some("{validateFields: 'false', compatibility: 'BACKWARD'}")
    );

    let ok = cli(&[
        "check",
        "user.v2.json",
        "--against",
        "user.v1.json",
        "--format",
        "json",
    ])
    .await;
    assert_eq!(ok.code, 0, "{}{}", ok.stdout, ok.stderr);
    let report: Value = serde_json::from_str(&ok.stdout).expect("json output");
    assert_eq!(report["compatible"], json!(true));
    assert_eq!(report["results"][0]["incompatibilities"], json!([]));
}

#[tokio::test]
async fn offline_level_decides_which_direction_is_checked() {
    // Adding a property to a closed model: readable backward, not forward.
    let full = cli(&[
        "check",
        "user.v2.json",
        "--against",
        "user.v1.json",
        "--level",
        "full",
    ])
    .await;
    assert_eq!(full.code, 1, "{}{}", full.stdout, full.stderr);
    assert!(full.stdout.contains("JSON FULL"), "{}", full.stdout);
    assert!(
        full.stdout
            .contains("PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL"),
        "{}",
        full.stdout
    );
    let none = cli(&[
        "check",
        "user.broken-age.json",
        "--against",
        "user.v1.json",
        "--level",
        "NONE",
    ])
    .await;
    assert_eq!(none.code, 0, "{}{}", none.stdout, none.stderr);
    // Transitive levels compare every previous version: v1 breaks even though v2 does not.
    let transitive = cli(&[
        "check",
        "user.broken-age.json",
        "--against",
        "user.v1.json",
        "user.broken-age.json",
        "--level",
        "BACKWARD_TRANSITIVE",
    ])
    .await;
    assert_eq!(
        transitive.code, 1,
        "{}{}",
        transitive.stdout, transitive.stderr
    );
    assert!(
        transitive.stdout.contains("breaks version 1"),
        "{}",
        transitive.stdout
    );
}

#[tokio::test]
async fn offline_avro_field_type_change_exits_1() {
    let run = cli(&[
        "check",
        "payment.broken-amount.avsc",
        "--against",
        "payment.v1.avsc",
    ])
    .await;
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.starts_with(
        "INCOMPATIBLE: subject (no subject), file payment.broken-amount.avsc, AVRO BACKWARD"
    ));
    let same = cli(&["check", "payment.v1.avsc", "--against", "payment.v1.avsc"]).await;
    assert_eq!(same.code, 0, "{}{}", same.stdout, same.stderr);
}

#[tokio::test]
async fn offline_references_resolve_from_reference_flags() {
    let run = cli(&[
        "check",
        "order.broken-id.json",
        "--against",
        "order.v1.json",
        "--reference",
        "customer.json=customer.json",
    ])
    .await;
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("at #/properties/id"), "{}", run.stdout);
    let ok = cli(&[
        "check",
        "order.v2.json",
        "--against",
        "order.v1.json",
        "--reference",
        "customer.json=customer.json",
    ])
    .await;
    assert_eq!(ok.code, 0, "{}{}", ok.stdout, ok.stderr);
}

#[tokio::test]
async fn project_file_checks_a_whole_repository() {
    // `schemas.toml` in the current directory, no arguments.
    let ok = cli_in(&fixtures().join("repo-ok"), &["check"]).await;
    assert_eq!(ok.code, 0, "{}{}", ok.stdout, ok.stderr);
    for subject in [
        "customer-value",
        "users-value",
        "orders-value",
        "payments-value",
    ] {
        assert!(
            ok.stdout
                .contains(&format!("compatible: subject {subject},")),
            "{subject}: {}",
            ok.stdout
        );
    }
    assert!(
        ok.stdout
            .contains("orders-value, file ../order.v2.json, JSON BACKWARD_TRANSITIVE"),
        "{}",
        ok.stdout
    );
    assert!(
        ok.stdout
            .ends_with("checked 4 schema file(s): 4 compatible, 0 incompatible\n"),
        "{}",
        ok.stdout
    );

    // `--config PATH`, two breaking edits: both reported, exit 1.
    let broken = cli(&[
        "check",
        "--config",
        "repo-broken/schemas.toml",
        "--format",
        "json",
    ])
    .await;
    assert_eq!(broken.code, 1, "{}{}", broken.stdout, broken.stderr);
    let report: Value = serde_json::from_str(&broken.stdout).expect("json output");
    let verdicts: Vec<(String, bool)> = report["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            (
                r["subject"].as_str().unwrap_or_default().to_owned(),
                r["compatible"].as_bool().unwrap_or(true),
            )
        })
        .collect();
    assert_eq!(
        verdicts,
        vec![
            ("customer-value".to_owned(), true),
            ("users-value".to_owned(), true),
            ("orders-value".to_owned(), false),
            ("payments-value".to_owned(), false),
        ]
    );
    assert_eq!(
        report["results"][2]["incompatibilities"][0]["path"],
        json!("#/properties/id")
    );
}

// ---- errors: exit 2, one line ----

#[tokio::test]
async fn a_missing_file_exits_2_with_one_line() {
    cli(&["check", "nope.json", "--against", "user.v1.json"])
        .await
        .assert_one_line_error("reading nope.json");
    cli(&["check", "user.v2.json", "--against", "gone.json"])
        .await
        .assert_one_line_error("reading gone.json");
    cli(&["check", "--config", "no-such/schemas.toml"])
        .await
        .assert_one_line_error("reading project file");
}

#[tokio::test]
async fn an_unparsable_schema_exits_2_with_one_line() {
    cli(&["check", "unparsable.json", "--against", "user.v1.json"])
        .await
        .assert_one_line_error("unparsable.json is not a valid JSON schema");
    // Unreadable as its declared type too.
    cli(&[
        "check",
        "user.v1.json",
        "--type",
        "AVRO",
        "--against",
        "payment.v1.avsc",
    ])
    .await
    .assert_one_line_error("user.v1.json is not a valid AVRO schema");
}

#[tokio::test]
async fn an_unreachable_registry_exits_2_with_one_line() {
    let url = format!("http://127.0.0.1:{}", registry_tests::process::free_port());
    let run = cli(&[
        "check",
        "user.v2.json",
        "--subject",
        "users-value",
        "--url",
        &url,
    ])
    .await;
    run.assert_one_line_error(&format!("registry unreachable at {url}"));
    cli(&["export", "--url", &url, "-o", "-"])
        .await
        .assert_one_line_error("registry unreachable");
    cli(&["register", "user.v1.json", "--subject", "s", "--url", &url])
        .await
        .assert_one_line_error("registry unreachable");
}

#[tokio::test]
async fn usage_errors_exit_2() {
    assert_eq!(cli(&["check", "--no-such-flag"]).await.code, 2);
    cli(&[
        "check",
        "user.v2.json",
        "--against",
        "user.v1.json",
        "--level",
        "SIDEWAYS",
    ])
    .await
    .assert_one_line_error("unknown compatibility level SIDEWAYS");
    cli(&["check", "schema.txt", "--against", "user.v1.json"])
        .await
        .assert_one_line_error("pass --type");
    let empty = tempfile::tempdir().expect("temp dir");
    cli_in(empty.path(), &["check"])
        .await
        .assert_one_line_error("nothing to check");
}

// ---- against a running registry ----

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
    assert!(
        broken
            .stdout
            .contains("  - at #/properties/age: {errorType:\"TYPE_CHANGED\""),
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
        check.stdout.contains("at #/properties/id"),
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

// ---- export / import ----

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
