//! Server settings the issue names: the default compatibility level, the error code of an
//! incompatible schema (409 or 40901), and JSON log lines.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use registry_server::domain::CompatibilityLevel;
use registry_tests::app::{Backend, record, spawn_app_with};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn default_compatibility_level_is_configurable() {
    let app = spawn_app_with(Backend::Sqlite, |args| {
        args.default_compatibility = CompatibilityLevel::None
    })
    .await;
    assert_eq!(
        app.get("/config").await.body,
        json!({"compatibilityLevel": "NONE"})
    );
    app.register_id("s", &record("A", &[("a", r#""int""#)]))
        .await;
    // NONE by default: an otherwise breaking change is accepted.
    app.register("s", &record("A", &[("a", r#""string""#)]))
        .await
        .assert_ok();
    // Deleting the global config goes back to the configured default, not to BACKWARD.
    app.put("/config", &json!({"compatibility": "FULL"}))
        .await
        .assert_ok();
    app.delete("/config").await.assert_ok();
    assert_eq!(
        app.get("/config").await.body,
        json!({"compatibilityLevel": "NONE"})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn incompatible_error_code_can_be_40901() {
    let app = spawn_app_with(Backend::Sqlite, |args| args.incompatible_error_code = 40901).await;
    app.register_id("s", &record("A", &[("a", r#""int""#)]))
        .await;
    let refused = app
        .register("s", &record("A", &[("a", r#""string""#)]))
        .await;
    refused.assert_error(40901);
    assert_eq!(refused.status, reqwest::StatusCode::CONFLICT);
}

#[test]
fn json_log_format_writes_one_object_per_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = registry_tests::process::free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_sr-under-test"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .args([
            "--database-url",
            &format!("sqlite://{}", dir.path().join("log.db").display()),
        ])
        .args(["--log", "info", "--log-format", "json"])
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn server");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let first = BufReader::new(stderr).lines().next();
        let _ = tx.send(first);
    });
    let line = rx.recv_timeout(Duration::from_secs(30));
    let _ = child.kill();
    let _ = child.wait();
    let line = line
        .expect("a log line within 30 s")
        .expect("a line")
        .expect("readable");
    let entry: serde_json::Value =
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
    assert_eq!(entry["level"], "INFO", "{line}");
    assert_eq!(
        entry["fields"]["message"], "schema registry serving",
        "{line}"
    );
}
