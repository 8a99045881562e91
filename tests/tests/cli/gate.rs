//! The CI gate for pull requests: `check` in every `--format` against golden files, `diff`
//! in every format, `--against OLD NEW`, `--against-git REF` in a temporary repository, and
//! hostile inputs (huge and binary files, unknown and option-like refs).
//!
//! Goldens are under `tests/fixtures/cli/golden/`; `UPDATE_GOLDEN=1` rewrites them from the
//! current output (review the diff before committing), otherwise they are compared.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use super::{cli, cli_in, fixtures};

/// Compares `actual` with the golden file `name`, or rewrites it under `UPDATE_GOLDEN=1`.
#[track_caller]
fn golden(name: &str, actual: &str) {
    let path = fixtures().join("golden").join(name);
    if std::env::var("UPDATE_GOLDEN").is_ok_and(|v| v == "1") {
        std::fs::write(&path, actual).expect("write golden");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "golden {} unreadable ({e}); run with UPDATE_GOLDEN=1",
            path.display()
        )
    });
    assert!(
        actual == expected,
        "{name} differs from its golden (UPDATE_GOLDEN=1 to accept):\n--- expected\n{expected}\n--- actual\n{actual}"
    );
}

fn gate_dir() -> std::path::PathBuf {
    fixtures().join("gate")
}

#[tokio::test]
async fn check_text_explains_where_what_who_and_fix() {
    let run = cli_in(&gate_dir(), &["check"]).await;
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    golden("check.txt", &run.stdout);
    for needle in [
        "invoice.avsc:9: field `Invoice.currency` was added without a default",
        "fix: give `currency` a default",
        "invoice.avsc:7: field `Invoice.total` changed type: `double` → `string`",
        "fix: keep `total` a `double`",
        "breaks: new readers of old data",
        "breaks: old readers of new data",
        "customer.json:7: property `age` changed type",
        "parcel.proto:7: field `Parcel.grams` changed type",
        "compatible: subject notes-value",
    ] {
        assert!(
            run.stdout.contains(needle),
            "{needle:?} not in\n{}",
            run.stdout
        );
    }
}

#[tokio::test]
async fn check_json_keeps_confluent_messages_and_adds_explanations() {
    let run = cli_in(&gate_dir(), &["check", "--format", "json"]).await;
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    golden("check.json", &run.stdout);
    let report: Value = serde_json::from_str(&run.stdout).expect("json");
    let invoice = &report["results"][0];
    assert!(
        invoice["messages"][0]
            .as_str()
            .is_some_and(|m| m.starts_with("{errorType:'")),
        "{invoice}"
    );
    let explained = invoice["explanations"].as_array().expect("explanations");
    assert!(explained.iter().any(|e| {
        e["kind"] == "READER_FIELD_MISSING_DEFAULT_VALUE"
            && e["line"] == 9
            && e["fix"] == "give `currency` a default"
            && e["direction"] == "backward"
            && e["message"]
                .as_str()
                .is_some_and(|m| m.contains("errorType"))
    }));
}

#[tokio::test]
async fn check_github_annotates_file_and_line() {
    let run = cli_in(&gate_dir(), &["check", "--format", "github"]).await;
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    golden("check.github.txt", &run.stdout);
    let errors: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("::error "))
        .collect();
    assert!(errors.len() >= 5, "{}", run.stdout);
    assert!(
        errors.iter().any(|l| l.starts_with(
            "::error file=invoice.avsc,line=9,title=READER_FIELD_MISSING_DEFAULT_VALUE (Invoice.currency)::"
        )),
        "{}",
        run.stdout
    );
    // Every annotation is one line whose properties carry no raw `,` or `:` inside values.
    for line in errors {
        let properties = line
            .trim_start_matches("::error ")
            .split("::")
            .next()
            .expect("properties");
        for pair in properties.split(',') {
            let (_, value) = pair.split_once('=').expect("key=value");
            assert!(!value.contains(':'), "{line}");
        }
    }
}

#[tokio::test]
async fn check_junit_has_one_testcase_per_file_escaped() {
    let run = cli_in(&gate_dir(), &["check", "--format", "junit"]).await;
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    golden("check.junit.xml", &run.stdout);
    assert!(
        run.stdout
            .starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
    );
    assert_eq!(
        run.stdout.matches("<testcase ").count(),
        4,
        "{}",
        run.stdout
    );
    assert_eq!(run.stdout.matches("<failure ").count(), 3, "{}", run.stdout);
    assert!(
        run.stdout.contains("tests=\"4\" failures=\"3\""),
        "{}",
        run.stdout
    );
    // The property `<tag>&co` never reaches the XML raw.
    assert!(run.stdout.contains("&lt;tag&gt;&amp;co"), "{}", run.stdout);
    assert!(!run.stdout.contains("<tag>"), "{}", run.stdout);
}

#[tokio::test]
async fn check_sarif_has_rules_per_kind_and_located_results() {
    let run = cli_in(&gate_dir(), &["check", "--format", "sarif"]).await;
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    golden("check.sarif", &run.stdout);
    let log: Value = serde_json::from_str(&run.stdout).expect("sarif is json");
    assert_eq!(log["version"], "2.1.0");
    let run0 = &log["runs"][0];
    let rules: Vec<&str> = run0["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    let mut sorted = rules.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(rules, sorted, "one rule per kind, sorted");
    let results = run0["results"].as_array().expect("results");
    assert!(!results.is_empty());
    for result in results {
        let id = result["ruleId"].as_str().expect("ruleId");
        let index =
            usize::try_from(result["ruleIndex"].as_u64().expect("ruleIndex")).expect("index");
        assert_eq!(rules[index], id);
        let location = &result["locations"][0]["physicalLocation"];
        assert!(location["artifactLocation"]["uri"].is_string(), "{result}");
        assert!(
            location["region"]["startLine"]
                .as_u64()
                .is_some_and(|l| l >= 1),
            "{result}"
        );
    }
}

#[tokio::test]
async fn diff_in_every_format() {
    let dir = gate_dir();
    for (format, name) in [
        ("text", "diff.invoice.txt"),
        ("json", "diff.invoice.json"),
        ("markdown", "diff.invoice.md"),
    ] {
        let run = cli_in(
            &dir,
            &[
                "diff",
                "invoice.v1.avsc",
                "invoice.avsc",
                "--format",
                format,
            ],
        )
        .await;
        assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
        golden(name, &run.stdout);
    }
    let run = cli_in(
        &dir,
        &[
            "diff",
            "parcel.v1.proto",
            "parcel.proto",
            "--format",
            "markdown",
        ],
    )
    .await;
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    golden("diff.parcel.md", &run.stdout);
    assert!(
        run.stdout.contains("| removed | message | `Route` |"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("| added | field | `Parcel.carrier` |"),
        "{}",
        run.stdout
    );
    let run = cli_in(&dir, &["diff", "customer.v1.json", "customer.json"]).await;
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    golden("diff.customer.txt", &run.stdout);
    let json = cli_in(
        &dir,
        &["diff", "note.v1.avsc", "note.avsc", "--format", "json"],
    )
    .await;
    let report: Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(report["backward"]["compatible"], true);
    assert_eq!(report["forward"]["compatible"], true);
    assert_eq!(report["changes"].as_array().map(Vec::len), Some(2));
    let same = cli_in(&dir, &["diff", "note.avsc", "note.avsc"]).await;
    assert!(same.stdout.contains(": 0 change(s)"), "{}", same.stdout);
}

#[tokio::test]
async fn against_takes_one_file_so_the_next_is_the_new_schema() {
    let run = cli(&[
        "check",
        "--against",
        "payment.v1.avsc",
        "payment.no-default.avsc",
    ])
    .await;
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains(
            "payment.no-default.avsc:8: field `Payment.currency` was added without a default"
        ),
        "{}",
        run.stdout
    );
    let two = cli(&[
        "check",
        "--against",
        "payment.v1.avsc",
        "--against",
        "payment.v2.avsc",
        "payment.v2.avsc",
    ])
    .await;
    assert_eq!(two.code, 0, "{}{}", two.stdout, two.stderr);
    assert!(
        two.stdout.contains("against 2 previous version(s)"),
        "{}",
        two.stdout
    );
}

#[tokio::test]
async fn usage_errors_name_the_fix() {
    cli(&["check", "--against", "payment.v1.avsc"])
        .await
        .assert_one_line_error("e.g. `check --against payment.v1.avsc NEW`");
    cli(&[
        "check",
        "--against",
        "payment.v1.avsc",
        "--against",
        "payment.v2.avsc",
    ])
    .await
    .assert_one_line_error("did you mean `--against OLD NEW`");
    let both = cli(&[
        "check",
        "payment.v2.avsc",
        "--against",
        "payment.v1.avsc",
        "--against-git",
        "HEAD",
    ])
    .await;
    assert_eq!(both.code, 2, "{}", both.stderr);
    assert!(
        both.stderr.contains("cannot be used with"),
        "{}",
        both.stderr
    );
    cli(&["diff", "payment.v1.avsc", "no-such-file.avsc"])
        .await
        .assert_one_line_error("no-such-file.avsc");
}

#[tokio::test]
async fn huge_and_binary_files_are_refused_with_a_reason() {
    let dir = tempfile::tempdir().expect("temp dir");
    let huge = dir.path().join("huge.avsc");
    let padding = " ".repeat(1024 * 1024 + 1);
    std::fs::write(&huge, format!("{padding}\"string\"")).expect("write");
    let binary = dir.path().join("binary.avsc");
    std::fs::write(&binary, [0xff_u8, 0xfe, 0x00, 0x81, 0x22]).expect("write");
    let v1 = fixtures().join("payment.v1.avsc");
    let v1 = v1.to_str().expect("utf-8 path");
    for (file, needle) in [
        ("huge.avsc", "larger than 1048576 bytes"),
        ("binary.avsc", "not UTF-8 text"),
    ] {
        cli_in(dir.path(), &["check", "--against", v1, file])
            .await
            .assert_one_line_error(needle);
        cli_in(dir.path(), &["diff", v1, file])
            .await
            .assert_one_line_error(needle);
    }
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args([
            "-c",
            "user.name=gate",
            "-c",
            "user.email=gate@example.invalid",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .status()
        .expect("run git");
    assert!(status.success(), "git {args:?}");
}

/// A repository whose first commit has `schemas/invoice.avsc` at v1 and a note.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let schemas = dir.path().join("schemas");
    std::fs::create_dir(&schemas).expect("mkdir");
    std::fs::copy(
        gate_dir().join("invoice.v1.avsc"),
        schemas.join("invoice.avsc"),
    )
    .expect("copy");
    std::fs::copy(gate_dir().join("note.v1.avsc"), schemas.join("note.avsc")).expect("copy");
    git(dir.path(), &["init", "--quiet", "--initial-branch=main"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "--quiet", "-m", "v1"]);
    dir
}

#[tokio::test]
async fn against_git_checks_each_file_against_its_content_at_the_ref() {
    let repo = repository();
    let root = repo.path();
    // Unchanged: compatible.
    let same = cli_in(
        root,
        &["check", "--against-git", "main", "schemas/invoice.avsc"],
    )
    .await;
    assert_eq!(same.code, 0, "{}{}", same.stdout, same.stderr);
    assert!(
        same.stdout
            .contains("against 1 previous version(s) (git main)"),
        "{}",
        same.stdout
    );
    // A breaking edit, a compatible edit and a new file.
    std::fs::copy(
        gate_dir().join("invoice.avsc"),
        root.join("schemas/invoice.avsc"),
    )
    .expect("copy");
    std::fs::copy(
        gate_dir().join("note.v2.avsc"),
        root.join("schemas/note.avsc"),
    )
    .expect("copy");
    std::fs::copy(
        gate_dir().join("parcel.proto"),
        root.join("schemas/parcel.proto"),
    )
    .expect("copy");
    let run = cli_in(
        root,
        &[
            "check",
            "--against-git",
            "main",
            "schemas/invoice.avsc",
            "schemas/note.avsc",
            "schemas/parcel.proto",
            "--format",
            "github",
        ],
    )
    .await;
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("::error file=schemas/invoice.avsc,line=9,"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "::notice file=schemas/parcel.proto,title=schema-registry check::new file: not at main"
        ),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("file=schemas/note.avsc,line"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("2 compatible, 1 incompatible"),
        "{}",
        run.stdout
    );
    // From a subdirectory, paths are relative to it and still resolve in the repository.
    let sub = cli_in(
        &root.join("schemas"),
        &["check", "--against-git", "HEAD", "note.avsc"],
    )
    .await;
    assert_eq!(sub.code, 0, "{}{}", sub.stdout, sub.stderr);
    assert!(sub.stdout.contains("(git HEAD)"), "{}", sub.stdout);
}

#[tokio::test]
async fn against_git_refuses_bad_refs_and_oversized_blobs() {
    let repo = repository();
    let root = repo.path();
    cli_in(
        root,
        &[
            "check",
            "--against-git",
            "no-such-branch",
            "schemas/invoice.avsc",
        ],
    )
    .await
    .assert_one_line_error("git ref no-such-branch not found");
    // A ref that would be an option is refused before git sees it.
    let marker = root.join("written-by-git");
    let option = format!("--against-git=--output={}", marker.display());
    cli_in(root, &["check", &option, "schemas/invoice.avsc"])
        .await
        .assert_one_line_error("a ref cannot start with `-`");
    assert!(!marker.exists());
    cli_in(
        root,
        &[
            "check",
            "--against-git",
            "main:schemas",
            "schemas/invoice.avsc",
        ],
    )
    .await
    .assert_one_line_error("is not a git ref");
    // A blob past the size limit, and a binary one, at the ref.
    std::fs::write(
        root.join("schemas/big.avsc"),
        format!("{}\"string\"", " ".repeat(1024 * 1024 + 1)),
    )
    .expect("write");
    std::fs::write(root.join("schemas/bin.avsc"), [0xff_u8, 0x00, 0xfe]).expect("write");
    git(root, &["add", "."]);
    git(root, &["commit", "--quiet", "-m", "hostile"]);
    std::fs::write(root.join("schemas/big.avsc"), "\"string\"").expect("write");
    std::fs::write(root.join("schemas/bin.avsc"), "\"string\"").expect("write");
    cli_in(
        root,
        &["check", "--against-git", "HEAD", "schemas/big.avsc"],
    )
    .await
    .assert_one_line_error("at HEAD is larger than 1048576 bytes");
    cli_in(
        root,
        &["check", "--against-git", "HEAD", "schemas/bin.avsc"],
    )
    .await
    .assert_one_line_error("at HEAD is not UTF-8 text");
    // Outside any repository.
    let plain = tempfile::tempdir().expect("temp dir");
    std::fs::copy(gate_dir().join("note.avsc"), plain.path().join("note.avsc")).expect("copy");
    cli_in(
        plain.path(),
        &["check", "--against-git", "main", "note.avsc"],
    )
    .await
    .assert_one_line_error("not inside a git repository");
}
