//! `check` without a registry: verdicts, output formats, levels, references, project files.

use serde_json::{Value, json};

use super::{cli, cli_in, fixtures};

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
        lines[2..],
        [
            "  - user.broken-age.json:9: property `age` changed type: `integer` → `string`, so consumers \
             on the new schema refuse values in data written with the old schema",
            "      was: integer  now: string",
            "      breaks: new readers of old data",
            "      fix: keep `age` an `integer`",
            "      rule: TYPE_CHANGED at #/properties/age",
            "checked 1 schema file(s): 0 compatible, 1 incompatible",
        ]
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
        "--against",
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
    assert!(
        run.stdout.contains(
            "  - payment.broken-amount.avsc:7: field `Payment.amount` changed type: `int` → `string`, \
             which consumers on the new schema cannot read in data written with the old schema\n"
        ) && run.stdout.contains("      fix: keep `amount` an `int` (or add a new field for the new type)\n")
            && run.stdout.contains("      rule: TYPE_MISMATCH at /fields/1/type\n"),
        "{}",
        run.stdout
    );
    let same = cli(&["check", "payment.v1.avsc", "--against", "payment.v1.avsc"]).await;
    assert_eq!(same.code, 0, "{}{}", same.stdout, same.stderr);
}

#[tokio::test]
async fn offline_avro_rules_follow_the_level() {
    // A new field with a default: backward compatible.
    let run = cli(&["check", "payment.v2.avsc", "--against", "payment.v1.avsc"]).await;
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    // Without a default: the new reader cannot fill it from old data (backward only).
    let run = cli(&[
        "check",
        "payment.no-default.avsc",
        "--against",
        "payment.v1.avsc",
        "--format",
        "json",
    ])
    .await;
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).expect("json output");
    let issue = &report["results"][0]["incompatibilities"][0];
    assert_eq!(issue["kind"], json!("READER_FIELD_MISSING_DEFAULT_VALUE"));
    assert_eq!(issue["path"], json!("/fields/2"));
    let forward = cli(&[
        "check",
        "payment.no-default.avsc",
        "--against",
        "payment.v1.avsc",
        "--level",
        "FORWARD",
    ])
    .await;
    assert_eq!(forward.code, 0, "{}{}", forward.stdout, forward.stderr);
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

#[tokio::test]
async fn a_file_the_project_maps_is_checked_as_its_entry_says() {
    // Subject, history and references come from `schemas.toml` in the current directory.
    let run = cli_in(
        &fixtures().join("repo-broken"),
        &["check", "../order.broken-id.json"],
    )
    .await;
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.starts_with(
            "INCOMPATIBLE: subject orders-value, file ../order.broken-id.json, JSON BACKWARD"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .ends_with("checked 1 schema file(s): 0 compatible, 1 incompatible\n"),
        "{}",
        run.stdout
    );
}

#[tokio::test]
async fn offline_protobuf_files_with_an_import_from_a_reference_flag() {
    let args = |file: &'static str| {
        [
            "check",
            file,
            "--against",
            "shipment.v1.proto",
            "--reference",
            "shop/address.proto=address.proto",
            "--subject",
            "shipments-value",
        ]
    };
    let ok = cli(&args("shipment.v2.proto")).await;
    assert_eq!(ok.code, 0, "{}{}", ok.stdout, ok.stderr);
    assert!(
        ok.stdout.starts_with(
            "compatible: subject shipments-value, file shipment.v2.proto, PROTOBUF BACKWARD"
        ),
        "{}",
        ok.stdout
    );
    let broken = cli(&args("shipment.broken-weight.proto")).await;
    assert_eq!(broken.code, 1, "{}{}", broken.stdout, broken.stderr);
    assert!(
        broken.stdout.contains("FIELD_SCALAR_KIND_CHANGED"),
        "{}",
        broken.stdout
    );
    assert!(broken.stdout.contains("#/Shipment/4"), "{}", broken.stdout);
    // Without the reference the imported type resolves nowhere.
    let missing = cli(&[
        "check",
        "shipment.v2.proto",
        "--against",
        "shipment.v1.proto",
    ])
    .await;
    assert_eq!(missing.code, 2, "{}{}", missing.stdout, missing.stderr);
    assert!(
        format!("{}{}", missing.stdout, missing.stderr).contains("shop.common.Address"),
        "{}{}",
        missing.stdout,
        missing.stderr
    );
}
