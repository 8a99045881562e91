//! Whatever stops a command (a missing file, an unparsable schema, an unreachable registry,
//! a usage error) exits 2 with one line on stderr, never a panic.

use super::{cli, cli_in};

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

#[tokio::test]
async fn offline_flag_ignores_the_registry_in_the_environment() {
    let url = format!("http://127.0.0.1:{}", registry_tests::process::free_port());
    let run = |extra: &'static [&'static str]| {
        let url = url.clone();
        async move {
            tokio::process::Command::new(super::BINARY)
                .arg("check")
                .args(extra)
                .current_dir(super::fixtures().join("repo-ok"))
                .env("SCHEMA_REGISTRY_URL", url)
                .output()
                .await
                .expect("run the cli")
        }
    };
    let offline = run(&["--offline"]).await;
    assert_eq!(
        offline.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&offline.stderr)
    );
    let online = run(&[]).await;
    assert_eq!(online.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&online.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("registry unreachable"), "{stderr}");
}
