//! JSON Schema compatibility rules, one row per rule, in our own schemas: each row names the
//! change, gives the registered and the new schema, the difference types (and paths) the diff
//! must report, and whether STRICT accepts them. The verdicts and difference names are
//! Confluent's (`io.confluent.kafka.schemaregistry.json.diff.Difference.Type`); the rows cover
//! every rule group its diff has: properties in open, closed and partially open content models,
//! `required`, types, enums, numeric bounds, string length and pattern, array items and
//! tuples (draft-07 `items`/`additionalItems`, 2020-12 `prefixItems`), combined schemas,
//! dependencies, `$ref` and annotations.

use std::collections::BTreeMap;

use registry_server::schema::Labels;
use registry_server::schema::ParseOptions;
use registry_server::schema::json::{self, JsonSchema, Policy, incompatibilities};

fn parse(text: &str) -> JsonSchema {
    let options = ParseOptions {
        validate: true,
        normalize: false,
    };
    JsonSchema::parse(text, &[], options).unwrap_or_else(|e| panic!("{text} must parse: {e}"))
}

fn multiset<'a>(items: impl IntoIterator<Item = &'a str>) -> BTreeMap<&'a str, usize> {
    let mut counts = BTreeMap::new();
    for item in items {
        *counts.entry(item).or_insert(0) += 1;
    }
    counts
}

/// A rule: the change it makes, the registered (`old`) and new schema, the differences from
/// `old` to `new` as `"TYPE path"`, and whether STRICT accepts the new schema (BACKWARD).
struct Rule {
    change: &'static str,
    old: &'static str,
    new: &'static str,
    differences: &'static [&'static str],
    compatible: bool,
}

const fn rule(
    change: &'static str,
    old: &'static str,
    new: &'static str,
    differences: &'static [&'static str],
    compatible: bool,
) -> Rule {
    Rule {
        change,
        old,
        new,
        differences,
        compatible,
    }
}

/// Checks every rule of a table and reports all failures at once.
fn check(table: &[Rule]) {
    assert!(!table.is_empty());
    let mut failures = Vec::new();
    for r in table {
        let found = json::differences(&parse(r.old), &parse(r.new), Policy::Strict);
        let rendered: Vec<String> = found
            .iter()
            .map(|d| format!("{} {}", d.kind.as_str(), d.path))
            .collect();
        if multiset(rendered.iter().map(String::as_str)) != multiset(r.differences.iter().copied())
        {
            failures.push(format!(
                "{}: differences {rendered:?}, expected {:?}",
                r.change, r.differences
            ));
        }
        let compatible = found.iter().all(|d| Policy::Strict.allows(d.kind));
        if compatible != r.compatible {
            failures.push(format!(
                "{}: compatible={compatible}, expected {}",
                r.change, r.compatible
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rules failed:\n{}",
        failures.len(),
        table.len(),
        failures.join("\n")
    );
}

const SENSOR: &str = r#"{"type":"object","properties":{"id":{"type":"integer"}}}"#;

mod objects;
mod policies;
mod structures;
mod values;
