//! Verdicts captured from a real Confluent Schema Registry 7.4.0
//! (`fixtures/json/confluent-7.4-json-matrix.json`), checked through the same entry point the
//! registry uses: `incompatibilities(reader, writer, labels)`.

use registry_server::schema::json::{JsonSchema, incompatibilities};
use registry_server::schema::{Labels, ParseOptions};
use serde_json::Value;

fn parse(value: &Value) -> JsonSchema {
    let options = ParseOptions {
        validate: true,
        normalize: false,
    };
    JsonSchema::parse(&value.to_string(), &[], options)
        .unwrap_or_else(|e| panic!("fixture schema {value} must parse: {e}"))
}

#[test]
fn confluent_7_4_json_matrix() {
    let path = format!(
        "{}/tests/fixtures/json/confluent-7.4-json-matrix.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let cases = doc["cases"].as_array().expect("cases");
    let mut failures = Vec::new();
    for case in cases {
        let name = case["case"].as_str().unwrap_or("?");
        let new = parse(&case["new"]);
        let old = parse(&case["old"]);
        let expected = if case["current_confluent"].is_object() {
            assert!(
                case["override_reason"].is_string(),
                "{name}: override needs a reason"
            );
            &case["current_confluent"]
        } else {
            case
        };
        let backward = incompatibilities(
            &new,
            &old,
            Labels {
                reader: "new",
                writer: "old",
            },
        );
        let forward = incompatibilities(
            &old,
            &new,
            Labels {
                reader: "old",
                writer: "new",
            },
        );
        for (level, found) in [("backward", backward), ("forward", forward)] {
            let want = expected[level].as_bool().expect("verdict");
            if found.is_empty() != want {
                failures.push(format!(
                    "{name} {level}: expected compatible={want}, got {found:?}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
