//! Apicurio's 145 JSON Schema compatibility cases (`fixtures/json/apicurio-compatibility.json`).
//!
//! Each case names the direction(s) in which `updated` is compatible with `original`. Where
//! Apicurio's own diff disagrees with Confluent's rules the fixture keeps Confluent's verdict
//! in `confluent` and explains the difference in `override_reason`; this test checks that
//! verdict and that every override is explained.

use registry_server::schema::ParseOptions;
use registry_server::schema::json::{self, JsonSchema, Policy};
use serde_json::Value;

fn parse(value: &Value) -> JsonSchema {
    let options = ParseOptions {
        validate: true,
        normalize: false,
    };
    JsonSchema::parse(&value.to_string(), &[], options)
        .unwrap_or_else(|e| panic!("fixture schema {value} must parse: {e}"))
}

fn compatible(original: &JsonSchema, update: &JsonSchema) -> bool {
    json::differences(original, update, Policy::Strict)
        .iter()
        .all(|d| Policy::Strict.allows(d.kind))
}

#[test]
fn apicurio_json_schema_cases() {
    let path = format!(
        "{}/tests/fixtures/json/apicurio-compatibility.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let cases = doc["cases"].as_array().expect("cases");
    assert_eq!(cases.len(), 145, "every Apicurio case is kept");
    let mut failures = Vec::new();
    let mut overrides = 0;
    for (index, case) in cases.iter().enumerate() {
        let id = case["id"].as_str().unwrap_or("?");
        let expected = case["confluent"].as_str().expect("confluent verdict");
        if expected != case["apicurio"] {
            overrides += 1;
            assert!(
                case["override_reason"]
                    .as_str()
                    .is_some_and(|r| !r.is_empty()),
                "#{index} {id}: an overridden verdict needs a reason"
            );
        }
        let original = parse(&case["original"]);
        let updated = parse(&case["updated"]);
        // Backward: the updated schema reads data written with the original.
        let backward = compatible(&original, &updated);
        let forward = compatible(&updated, &original);
        let got = match (backward, forward) {
            (true, true) => "both",
            (true, false) => "backward",
            (false, true) => "forward",
            (false, false) => "none",
        };
        if got != expected {
            failures.push(format!("#{index} {id}: got {got}, expected {expected}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert_eq!(
        overrides, 24,
        "overrides are listed in the fixture and the report"
    );
}
