//! Confluent's own JSON Schema diff examples (translated into `fixtures/json/confluent-*.json`):
//! every case must give the same `compatible` verdict (STRICT and LENIENT) and the same change
//! types and paths, compared as a multiset.

use std::collections::BTreeMap;

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

fn multiset(items: impl IntoIterator<Item = String>) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for item in items {
        *counts.entry(item).or_insert(0) += 1;
    }
    counts
}

/// Runs every case of one fixture file and reports all failures at once.
fn run(file: &str) {
    let path = format!("{}/tests/fixtures/json/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let cases = doc["cases"].as_array().expect("cases array");
    let mut failures = Vec::new();
    for (index, case) in cases.iter().enumerate() {
        let description = case["description"].as_str().unwrap_or("?");
        let original = parse(&case["original"]);
        let update = parse(&case["update"]);
        let strict = json::differences(&original, &update, Policy::Strict);
        let got = multiset(
            strict
                .iter()
                .map(|d| format!("{} {}", d.kind.as_str(), d.path)),
        );
        let want = multiset(
            case["changes"]
                .as_array()
                .expect("changes")
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned),
        );
        if got != want {
            failures.push(format!(
                "#{index} {description}: changes {got:?}, expected {want:?}"
            ));
        }
        let compatible = strict.iter().all(|d| Policy::Strict.allows(d.kind));
        let expected = case["compatible"].as_bool().expect("compatible");
        if compatible != expected {
            failures.push(format!(
                "#{index} {description}: STRICT compatible={compatible}, expected {expected}"
            ));
        }
        // Confluent's test judges LENIENT on the STRICT difference list.
        let lenient = strict.iter().all(|d| Policy::Lenient.allows(d.kind));
        let expected_lenient = case["compatible_lenient"].as_bool().unwrap_or(expected);
        if lenient != expected_lenient {
            failures.push(format!(
                "#{index} {description}: LENIENT compatible={lenient}, expected {expected_lenient}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases in {file} failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn confluent_diff_examples() {
    run("confluent-diff-examples.json");
}

#[test]
fn confluent_diff_examples_2020_12() {
    run("confluent-diff-examples-2020-12.json");
}

#[test]
fn confluent_diff_combined_examples() {
    run("confluent-diff-combined-examples.json");
}

#[test]
fn confluent_diff_combined_examples_2020_12() {
    run("confluent-diff-combined-examples-2020-12.json");
}
