//! Avro verdicts through the REST API on both backends (issue 3): every row of krabka's
//! matrix recorded from Confluent 7.4.0 gives the same answer from `/compatibility` (with and
//! without `verbose`) and from registration (200 or 409), and the transitive trap of
//! Confluent's `AvroCompatibilityTest` behaves per level.

use registry_tests::{TestApp, both_backends};
use serde_json::{Value, json};

const MATRIX: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../registry-server/tests/fixtures/avro/avro_matrix.json"
);

async fn recorded_matrix_verdicts_hold_through_rest(app: TestApp) {
    let rows: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(MATRIX).expect("matrix")).expect("json");
    assert_eq!(rows.len(), 36);
    for (i, row) in rows.iter().enumerate() {
        let case = row["case"].as_str().expect("case");
        let level = row["level"].as_str().expect("level");
        let expected = row["is_compatible"].as_bool().expect("verdict");
        let subject = format!("matrix-{i}");
        app.put(
            &format!("/config/{subject}"),
            &json!({"compatibility": level}),
        )
        .await
        .assert_ok();
        app.register(&subject, row["writer"].as_str().expect("writer"))
            .await
            .assert_ok();
        let reader = json!({"schema": row["reader"]});
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
}

/// Confluent `AvroCompatibilityTest`: dropping a default between v2 and v3 passes BACKWARD
/// (only the latest is compared) but fails BACKWARD_TRANSITIVE (v1 lacks the field).
async fn transitive_levels_compare_every_live_version(app: TestApp) {
    let v1 = r#"{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1"}]}"#;
    let v2 = r#"{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1"},{"type":"string","name":"f2","default":"foo"}]}"#;
    let v3 = r#"{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1"},{"type":"string","name":"f2"}]}"#;
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
    recorded_matrix_verdicts_hold_through_rest,
    transitive_levels_compare_every_live_version
);
