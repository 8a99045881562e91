//! Replays Apicurio Registry's 145 JSON Schema compatibility cases, read at run time from the
//! shared conformance directory (`apicurio/jsonschema-compatibility-test-data.json`; not in
//! this repository, see `build.rs`).
//!
//! Each case names the direction(s) in which `updated` is compatible with `original`.
//! Apicurio's verdicts come from its own diff; where Confluent's rules give another verdict,
//! [`CONFLUENT_VERDICTS`] holds Confluent's verdict and the reason, and that is what this
//! registry must answer.

mod shared_data;

use registry_server::schema::ParseOptions;
use registry_server::schema::json::{self, JsonSchema, Policy};
use serde_json::Value;

/// Cases (by position and id) where Confluent's verdict is not Apicurio's: the verdict this
/// registry gives, and why.
const CONFLUENT_VERDICTS: &[(usize, &str, &str, &str)] = &[
    (13, "String: format 1", "both", "`format` is not compared"),
    (14, "String: format 2", "both", "`format` is not compared"),
    (26, "Number: exclusiveMinimum 1", "both", BOOLEAN_EXCLUSIVE),
    (27, "Number: exclusiveMinimum 2", "none", INDEPENDENT_BOUNDS),
    (28, "Number: exclusiveMinimum 3", "none", INDEPENDENT_BOUNDS),
    (
        30,
        "Number: exclusiveMinimum 5",
        "none",
        DRAFT4_TO_DRAFT7_BOUND,
    ),
    (31, "Number: exclusiveMaximum 1", "both", BOOLEAN_EXCLUSIVE),
    (32, "Number: exclusiveMaximum 2", "none", INDEPENDENT_BOUNDS),
    (33, "Number: exclusiveMaximum 3", "none", INDEPENDENT_BOUNDS),
    (
        35,
        "Number: exclusiveMaximum 5",
        "none",
        DRAFT4_TO_DRAFT7_BOUND,
    ),
    (41, "Object: required", "both", REQUIRED_UNDECLARED),
    (42, "Object: required", "both", REQUIRED_UNDECLARED),
    (
        44,
        "Object: propertyNames",
        "both",
        "`propertyNames` is not compared",
    ),
    (
        52,
        "Object: patternProperties 1",
        "both",
        PATTERN_PROPERTIES,
    ),
    (
        53,
        "Object: patternProperties 2",
        "both",
        PATTERN_PROPERTIES,
    ),
    (
        62,
        "Array: contains",
        "both",
        "only minContains/maxContains are compared",
    ),
    (
        98,
        "Const: Enum equivalency",
        "none",
        "`const` and `enum` are different kinds of schema: TYPE_CHANGED both ways",
    ),
    (
        100,
        "String: contentEncoding 2",
        "both",
        "`contentEncoding` is not compared",
    ),
    (
        101,
        "String: contentEncoding 3",
        "both",
        "`contentEncoding` is not compared",
    ),
    (
        103,
        "String: contentMediaType 2",
        "both",
        "`contentMediaType` is not compared",
    ),
    (
        104,
        "String: contentMediaType 3",
        "both",
        "`contentMediaType` is not compared",
    ),
    (124, "Conditional: if", "both", CONDITIONALS),
    (125, "Conditional: then", "both", CONDITIONALS),
    (126, "Conditional: else", "both", CONDITIONALS),
];

const BOOLEAN_EXCLUSIVE: &str = "the draft-04 boolean flag is not compared, only numeric bounds";
const INDEPENDENT_BOUNDS: &str = "`minimum`/`maximum` and their exclusive forms are separate \
                                  keywords: adding one is incompatible whatever the other did";
const DRAFT4_TO_DRAFT7_BOUND: &str = "a draft-04 bound with its flag and a draft-07 numeric \
                                      exclusive bound are different keywords, each added or \
                                      removed";
const REQUIRED_UNDECLARED: &str = "`required` is judged only for names declared under \
                                   `properties` in both schemas; none are";
const PATTERN_PROPERTIES: &str = "`patternProperties` only decide whether an added or removed \
                                  property is covered; they are not compared with each other";
const CONDITIONALS: &str = "if/then/else are not looked into; only the keywords beside them are";

fn parse(value: &Value) -> JsonSchema {
    let options = ParseOptions {
        validate: true,
        normalize: false,
    };
    JsonSchema::parse(&value.to_string(), &[], options)
        .unwrap_or_else(|e| panic!("schema {value} must parse: {e}"))
}

fn compatible(original: &JsonSchema, update: &JsonSchema) -> bool {
    json::differences(original, update, Policy::Strict)
        .iter()
        .all(|d| Policy::Strict.allows(d.kind))
}

#[test]
#[cfg_attr(
    not(shared_conformance),
    ignore = "shared conformance data not found: set SHARED_CONFORMANCE_DIR (REQUIRE_SHARED=1 makes this a failure)"
)]
fn apicurio_json_schema_cases() {
    let data = shared_data::read("apicurio/jsonschema-compatibility-test-data.json");
    let cases = data["tests"].as_array().expect("tests");
    assert_eq!(cases.len(), 145, "every Apicurio case is replayed");
    let mut failures = Vec::new();
    for (index, case) in cases.iter().enumerate() {
        let id = case["id"].as_str().unwrap_or("?");
        let apicurio = case["compatibility"].as_str().expect("compatibility");
        let expected = match CONFLUENT_VERDICTS.iter().find(|(i, ..)| *i == index) {
            Some((_, override_id, verdict, reason)) => {
                assert_eq!(id, *override_id, "#{index}: the data moved ({reason})");
                assert_ne!(apicurio, *verdict, "#{index} {id}: the override is stale");
                *verdict
            }
            None => apicurio,
        };
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
}
