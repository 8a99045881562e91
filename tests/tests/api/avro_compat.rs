//! Avro verdicts through the REST API on both backends (issue 3): each rule gives the same
//! answer from `/compatibility` (with and without `verbose`) and from registration (200 or
//! 409), and transitive levels compare every live version. The third-party matrix is
//! replayed in `avro_replay.rs`.

use registry_tests::{TestApp, both_backends};
use serde_json::json;

/// Registers `writer` under `subject` at `level`, then checks that `reader` gets `expected`
/// from `/compatibility` (terse and verbose) and from registration (200 or 409).
pub(super) async fn assert_rest_verdict(
    app: &TestApp,
    subject: &str,
    level: &str,
    writer: &str,
    reader: &str,
    expected: bool,
    case: &str,
) {
    app.put(
        &format!("/config/{subject}"),
        &json!({"compatibility": level}),
    )
    .await
    .assert_ok();
    app.register(subject, writer).await.assert_ok();
    let reader = json!({"schema": reader});
    let terse = app
        .post(
            &format!("/compatibility/subjects/{subject}/versions/latest"),
            &reader,
        )
        .await;
    assert_eq!(
        terse.assert_ok(),
        &json!({"is_compatible": expected}),
        "{case} {level}"
    );
    let verbose = app
        .post(
            &format!("/compatibility/subjects/{subject}/versions?verbose=true"),
            &reader,
        )
        .await;
    let messages = verbose.assert_ok()["messages"]
        .as_array()
        .expect("messages")
        .len();
    assert_eq!(messages == 0, expected, "{case} {level}: {}", verbose.text);
    let registered = app
        .post(&format!("/subjects/{subject}/versions"), &reader)
        .await;
    if expected {
        assert_eq!(registered.assert_ok()["version"], 2, "{case} {level}");
    } else {
        registered.assert_error(409);
        assert!(
            registered
                .message()
                .contains(&format!("compatibility: '{level}'")),
            "{}",
            registered.message()
        );
    }
}

/// One rule per row: (rule, registered schema, new schema, verdicts at BACKWARD, FORWARD, FULL).
const RULES: &[(&str, &str, &str, [bool; 3])] = &[
    (
        "field added with a default",
        r#"{"type":"record","name":"Meter","fields":[{"name":"reading","type":"long"}]}"#,
        r#"{"type":"record","name":"Meter","fields":[{"name":"reading","type":"long"},{"name":"unit","type":"string","default":"kWh"}]}"#,
        [true, true, true],
    ),
    (
        "field added without a default",
        r#"{"type":"record","name":"Meter","fields":[{"name":"reading","type":"long"}]}"#,
        r#"{"type":"record","name":"Meter","fields":[{"name":"reading","type":"long"},{"name":"unit","type":"string"}]}"#,
        [false, true, false],
    ),
    (
        "field removed",
        r#"{"type":"record","name":"Meter","fields":[{"name":"reading","type":"long"},{"name":"site","type":"string"}]}"#,
        r#"{"type":"record","name":"Meter","fields":[{"name":"reading","type":"long"}]}"#,
        [true, false, false],
    ),
    (
        "int widened to double",
        r#"{"type":"record","name":"Meter","fields":[{"name":"reading","type":"int"}]}"#,
        r#"{"type":"record","name":"Meter","fields":[{"name":"reading","type":"double"}]}"#,
        [true, false, false],
    ),
    (
        "enum loses a symbol",
        r#"{"type":"enum","name":"Phase","symbols":["ONE","TWO","THREE"]}"#,
        r#"{"type":"enum","name":"Phase","symbols":["ONE","THREE"]}"#,
        [false, true, false],
    ),
    (
        "record renamed with an alias",
        r#"{"type":"record","name":"Meter","fields":[]}"#,
        r#"{"type":"record","name":"Gauge","aliases":["Meter"],"fields":[]}"#,
        [true, false, false],
    ),
];

async fn rule_verdicts_hold_through_rest(app: TestApp) {
    for (i, (rule, writer, reader, verdicts)) in RULES.iter().enumerate() {
        for (level, expected) in ["BACKWARD", "FORWARD", "FULL"].into_iter().zip(verdicts) {
            let subject = format!("rule-{i}-{level}");
            assert_rest_verdict(&app, &subject, level, writer, reader, *expected, rule).await;
        }
    }
}

/// Dropping a default between v2 and v3 passes BACKWARD
/// (only the latest is compared) but fails BACKWARD_TRANSITIVE (v1 lacks the field).
async fn transitive_levels_compare_every_live_version(app: TestApp) {
    let v1 = r#"{"type":"record","name":"Shipment","fields":[{"type":"string","name":"carrier"}]}"#;
    let v2 = r#"{"type":"record","name":"Shipment","fields":[{"type":"string","name":"carrier"},{"type":"string","name":"tracking","default":"untracked"}]}"#;
    let v3 = r#"{"type":"record","name":"Shipment","fields":[{"type":"string","name":"carrier"},{"type":"string","name":"tracking"}]}"#;
    for (subject, level, v3_ok) in [
        ("plain", "BACKWARD", true),
        ("transitive", "BACKWARD_TRANSITIVE", false),
    ] {
        app.put(
            &format!("/config/{subject}"),
            &json!({"compatibility": level}),
        )
        .await
        .assert_ok();
        app.register(subject, v1).await.assert_ok();
        app.register(subject, v2).await.assert_ok();
        let third = app.register(subject, v3).await;
        if v3_ok {
            third.assert_ok();
        } else {
            third.assert_error(409);
            assert!(
                third
                    .message()
                    .contains("READER_FIELD_MISSING_DEFAULT_VALUE"),
                "{}",
                third.message()
            );
            assert!(
                third.message().contains("{oldSchemaVersion: 1}"),
                "{}",
                third.message()
            );
        }
    }
    // The explicit-version endpoint compares that one version only.
    let against_v2 = app
        .post(
            "/compatibility/subjects/transitive/versions/2",
            &json!({"schema": v3}),
        )
        .await;
    assert_eq!(against_v2.assert_ok()["is_compatible"], true);
    let against_v1 = app
        .post(
            "/compatibility/subjects/transitive/versions/1",
            &json!({"schema": v3}),
        )
        .await;
    assert_eq!(against_v1.assert_ok()["is_compatible"], false);
}

both_backends!(
    rule_verdicts_hold_through_rest,
    transitive_levels_compare_every_live_version
);
