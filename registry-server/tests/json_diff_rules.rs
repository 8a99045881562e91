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

#[test]
fn object_properties_and_content_models() {
    check(&[
        rule(
            "optional property added to an open content model",
            SENSOR,
            r#"{"type":"object","properties":{"id":{"type":"integer"},"room":{"type":"string"}}}"#,
            &["OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL #/properties/room"],
            false,
        ),
        rule(
            "property accepting anything added to an open content model",
            SENSOR,
            r#"{"type":"object","properties":{"id":{"type":"integer"},"extra":{}}}"#,
            &["PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL #/properties/extra"],
            true,
        ),
        rule(
            "property removed from an open content model",
            r#"{"type":"object","properties":{"id":{"type":"integer"},"room":{"type":"string"}}}"#,
            SENSOR,
            &["PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL #/properties/room"],
            true,
        ),
        rule(
            "optional property added to a closed content model",
            r#"{"type":"object","properties":{"id":{"type":"integer"}},"additionalProperties":false}"#,
            r#"{"type":"object","properties":{"id":{"type":"integer"},"room":{"type":"string"}},"additionalProperties":false}"#,
            &["OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/room"],
            true,
        ),
        rule(
            "required property added to a closed content model",
            r#"{"type":"object","properties":{"id":{"type":"integer"}},"additionalProperties":false}"#,
            r#"{"type":"object","properties":{"id":{"type":"integer"},"room":{"type":"string"}},"required":["room"],"additionalProperties":false}"#,
            &["REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/room"],
            false,
        ),
        rule(
            "property removed from a closed content model",
            r#"{"type":"object","properties":{"id":{"type":"integer"},"room":{"type":"string"}},"additionalProperties":false}"#,
            r#"{"type":"object","properties":{"id":{"type":"integer"}},"additionalProperties":false}"#,
            &["PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL #/properties/room"],
            false,
        ),
        rule(
            "property declared false removed from a closed content model",
            r#"{"type":"object","properties":{"id":{"type":"integer"},"retired":false},"additionalProperties":false}"#,
            r#"{"type":"object","properties":{"id":{"type":"integer"}},"additionalProperties":false}"#,
            &["PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL #/properties/retired"],
            true,
        ),
        rule(
            "property added that the partially open model already allowed",
            r#"{"type":"object","properties":{"id":{"type":"integer"}},"additionalProperties":{"type":"string"}}"#,
            r#"{"type":"object","properties":{"id":{"type":"integer"},"room":{"type":"string"}},"additionalProperties":{"type":"string"}}"#,
            // Any model that is not fully open also reports the optional property as added
            // to an unopen content model (compatible).
            &[
                "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/properties/room",
                "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/room",
            ],
            true,
        ),
        rule(
            "property added that the partially open model did not allow",
            r#"{"type":"object","properties":{"id":{"type":"integer"}},"additionalProperties":{"type":"string"}}"#,
            r#"{"type":"object","properties":{"id":{"type":"integer"},"floor":{"type":"integer"}},"additionalProperties":{"type":"string"}}"#,
            // The new property is also compared with the `additionalProperties` schema.
            &[
                "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/properties/floor",
                "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/floor",
                "TYPE_CHANGED #/properties/floor",
            ],
            false,
        ),
        rule(
            "property removed that the partially open model still allows",
            r#"{"type":"object","properties":{"id":{"type":"integer"},"room":{"type":"string"}},"additionalProperties":{"type":"string"}}"#,
            r#"{"type":"object","properties":{"id":{"type":"integer"}},"additionalProperties":{"type":"string"}}"#,
            &["PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/properties/room"],
            true,
        ),
        rule(
            "property removed that the partially open model does not allow",
            r#"{"type":"object","properties":{"id":{"type":"integer"},"floor":{"type":"integer"}},"additionalProperties":{"type":"string"}}"#,
            r#"{"type":"object","properties":{"id":{"type":"integer"}},"additionalProperties":{"type":"string"}}"#,
            &[
                "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/properties/floor",
                "TYPE_CHANGED #/properties/floor",
            ],
            false,
        ),
        rule(
            "property added that a pattern property already allowed",
            r#"{"type":"object","properties":{"id":{"type":"integer"}},"patternProperties":{"^tag_":{"type":"string"}},"additionalProperties":false}"#,
            r#"{"type":"object","properties":{"id":{"type":"integer"},"tag_zone":{"type":"string"}},"patternProperties":{"^tag_":{"type":"string"}},"additionalProperties":false}"#,
            &[
                "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/properties/tag_zone",
                "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/tag_zone",
            ],
            true,
        ),
        rule(
            "additionalProperties false made true",
            r#"{"type":"object","additionalProperties":false}"#,
            r#"{"type":"object","additionalProperties":true}"#,
            &["ADDITIONAL_PROPERTIES_ADDED #/additionalProperties"],
            true,
        ),
        rule(
            "additionalProperties true made false",
            r#"{"type":"object","additionalProperties":true}"#,
            r#"{"type":"object","additionalProperties":false}"#,
            &["ADDITIONAL_PROPERTIES_REMOVED #/additionalProperties"],
            false,
        ),
        rule(
            "additionalProperties narrowed to one type",
            r#"{"type":"object"}"#,
            r#"{"type":"object","additionalProperties":{"type":"number"}}"#,
            &["ADDITIONAL_PROPERTIES_NARROWED #/additionalProperties"],
            false,
        ),
        rule(
            "additionalProperties extended to anything",
            r#"{"type":"object","additionalProperties":{"type":"number"}}"#,
            r#"{"type":"object"}"#,
            &["ADDITIONAL_PROPERTIES_EXTENDED #/additionalProperties"],
            true,
        ),
        rule(
            "additionalProperties schema changed",
            r#"{"type":"object","additionalProperties":{"type":"number"}}"#,
            r#"{"type":"object","additionalProperties":{"type":"boolean"}}"#,
            &["TYPE_CHANGED #/additionalProperties"],
            false,
        ),
    ]);
}

#[test]
fn required_and_property_counts() {
    let optional =
        r#"{"type":"object","properties":{"id":{"type":"integer"},"room":{"type":"string"}}}"#;
    let required = r#"{"type":"object","properties":{"id":{"type":"integer"},"room":{"type":"string"}},"required":["room"]}"#;
    check(&[
        rule(
            "existing property made required",
            optional,
            required,
            &["REQUIRED_ATTRIBUTE_ADDED #/required/room"],
            false,
        ),
        rule(
            "property no longer required",
            required,
            optional,
            &["REQUIRED_ATTRIBUTE_REMOVED #/required/room"],
            true,
        ),
        rule(
            "property with a default made required",
            r#"{"type":"object","properties":{"room":{"type":"string","default":"lobby"}}}"#,
            r#"{"type":"object","properties":{"room":{"type":"string","default":"lobby"}},"required":["room"]}"#,
            &["REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED #/required/room"],
            true,
        ),
        rule(
            "maxProperties added",
            r#"{"type":"object"}"#,
            r#"{"type":"object","maxProperties":4}"#,
            &["MAX_PROPERTIES_ADDED #/maxProperties"],
            false,
        ),
        rule(
            "maxProperties removed",
            r#"{"type":"object","maxProperties":4}"#,
            r#"{"type":"object"}"#,
            &["MAX_PROPERTIES_REMOVED #/maxProperties"],
            true,
        ),
        rule(
            "maxProperties raised",
            r#"{"type":"object","maxProperties":4}"#,
            r#"{"type":"object","maxProperties":6}"#,
            &["MAX_PROPERTIES_INCREASED #/maxProperties"],
            true,
        ),
        rule(
            "maxProperties lowered",
            r#"{"type":"object","maxProperties":6}"#,
            r#"{"type":"object","maxProperties":4}"#,
            &["MAX_PROPERTIES_DECREASED #/maxProperties"],
            false,
        ),
        rule(
            "minProperties added",
            r#"{"type":"object"}"#,
            r#"{"type":"object","minProperties":2}"#,
            &["MIN_PROPERTIES_ADDED #/minProperties"],
            false,
        ),
        rule(
            "minProperties removed",
            r#"{"type":"object","minProperties":2}"#,
            r#"{"type":"object"}"#,
            &["MIN_PROPERTIES_REMOVED #/minProperties"],
            true,
        ),
        rule(
            "minProperties raised",
            r#"{"type":"object","minProperties":1}"#,
            r#"{"type":"object","minProperties":3}"#,
            &["MIN_PROPERTIES_INCREASED #/minProperties"],
            false,
        ),
        rule(
            "minProperties lowered",
            r#"{"type":"object","minProperties":3}"#,
            r#"{"type":"object","minProperties":1}"#,
            &["MIN_PROPERTIES_DECREASED #/minProperties"],
            true,
        ),
    ]);
}

#[test]
fn dependencies() {
    check(&[
        rule(
            "property dependency added",
            r#"{"type":"object","properties":{"card":{"type":"string"},"expiry":{"type":"string"}}}"#,
            r#"{"type":"object","properties":{"card":{"type":"string"},"expiry":{"type":"string"}},"dependencies":{"card":["expiry"]}}"#,
            &["DEPENDENCY_ARRAY_ADDED #/dependencies/card"],
            false,
        ),
        rule(
            "property dependency removed",
            r#"{"type":"object","properties":{"card":{"type":"string"},"expiry":{"type":"string"}},"dependencies":{"card":["expiry"]}}"#,
            r#"{"type":"object","properties":{"card":{"type":"string"},"expiry":{"type":"string"}}}"#,
            &["DEPENDENCY_ARRAY_REMOVED #/dependencies/card"],
            true,
        ),
        rule(
            "schema dependency added",
            r#"{"type":"object","properties":{"card":{"type":"string"}}}"#,
            r#"{"type":"object","properties":{"card":{"type":"string"}},"dependencies":{"card":{"required":["holder"]}}}"#,
            &["DEPENDENCY_SCHEMA_ADDED #/dependencies/card"],
            false,
        ),
        rule(
            "schema dependency removed",
            r#"{"type":"object","properties":{"card":{"type":"string"}},"dependencies":{"card":{"required":["holder"]}}}"#,
            r#"{"type":"object","properties":{"card":{"type":"string"}}}"#,
            &["DEPENDENCY_SCHEMA_REMOVED #/dependencies/card"],
            true,
        ),
        rule(
            "2020-12 dependentRequired added",
            r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{"card":{"type":"string"},"expiry":{"type":"string"}}}"#,
            r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{"card":{"type":"string"},"expiry":{"type":"string"}},"dependentRequired":{"card":["expiry"]}}"#,
            &["DEPENDENCY_ARRAY_ADDED #/dependencies/card"],
            false,
        ),
        rule(
            "2020-12 dependentSchemas removed",
            r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","dependentSchemas":{"card":{"required":["holder"]}}}"#,
            r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object"}"#,
            &["DEPENDENCY_SCHEMA_REMOVED #/dependencies/card"],
            true,
        ),
    ]);
}

#[test]
fn types_and_enums() {
    check(&[
        rule(
            "a type dropped from a type list",
            r#"{"type":["string","integer"]}"#,
            r#"{"type":"string"}"#,
            // A type list is a sum of one schema per type; a single type is another kind.
            &["TYPE_CHANGED #/"],
            false,
        ),
        rule(
            "a type added to a type list",
            r#"{"type":["string","integer"]}"#,
            r#"{"type":["string","integer","boolean"]}"#,
            &["SUM_TYPE_EXTENDED #/"],
            true,
        ),
        rule(
            "integer widened to number",
            r#"{"type":"integer"}"#,
            r#"{"type":"number"}"#,
            &["TYPE_EXTENDED #/"],
            true,
        ),
        rule(
            "number narrowed to integer",
            r#"{"type":"number"}"#,
            r#"{"type":"integer"}"#,
            &["TYPE_NARROWED #/"],
            false,
        ),
        rule(
            "string changed to boolean",
            r#"{"type":"string"}"#,
            r#"{"type":"boolean"}"#,
            &["TYPE_CHANGED #/"],
            false,
        ),
        rule(
            "property type changed",
            r#"{"type":"object","properties":{"level":{"type":"string"}}}"#,
            r#"{"type":"object","properties":{"level":{"type":"integer"}}}"#,
            &["TYPE_CHANGED #/properties/level"],
            false,
        ),
        rule(
            "enum gains a value",
            r#"{"enum":["low","high"]}"#,
            r#"{"enum":["low","high","critical"]}"#,
            &["ENUM_ARRAY_EXTENDED #/enum"],
            true,
        ),
        rule(
            "enum loses a value",
            r#"{"enum":["low","high","critical"]}"#,
            r#"{"enum":["low","high"]}"#,
            &["ENUM_ARRAY_NARROWED #/enum"],
            false,
        ),
        rule(
            "enum value swapped",
            r#"{"enum":["low","high"]}"#,
            r#"{"enum":["low","urgent"]}"#,
            &["ENUM_ARRAY_CHANGED #/enum"],
            false,
        ),
        rule(
            "const changed",
            r#"{"const":"v1"}"#,
            r#"{"const":"v2"}"#,
            &["ENUM_ARRAY_CHANGED #/const"],
            false,
        ),
    ]);
}

#[test]
fn numbers() {
    check(&[
        rule(
            "maximum added",
            r#"{"type":"number"}"#,
            r#"{"type":"number","maximum":100}"#,
            &["MAXIMUM_ADDED #/maximum"],
            false,
        ),
        rule(
            "maximum removed",
            r#"{"type":"number","maximum":100}"#,
            r#"{"type":"number"}"#,
            &["MAXIMUM_REMOVED #/maximum"],
            true,
        ),
        rule(
            "maximum raised",
            r#"{"type":"number","maximum":100}"#,
            r#"{"type":"number","maximum":250}"#,
            &["MAXIMUM_INCREASED #/maximum"],
            true,
        ),
        rule(
            "maximum lowered",
            r#"{"type":"number","maximum":250}"#,
            r#"{"type":"number","maximum":100}"#,
            &["MAXIMUM_DECREASED #/maximum"],
            false,
        ),
        rule(
            "minimum added",
            r#"{"type":"integer"}"#,
            r#"{"type":"integer","minimum":0}"#,
            &["MINIMUM_ADDED #/minimum"],
            false,
        ),
        rule(
            "minimum removed",
            r#"{"type":"integer","minimum":0}"#,
            r#"{"type":"integer"}"#,
            &["MINIMUM_REMOVED #/minimum"],
            true,
        ),
        rule(
            "minimum raised",
            r#"{"type":"integer","minimum":0}"#,
            r#"{"type":"integer","minimum":10}"#,
            &["MINIMUM_INCREASED #/minimum"],
            false,
        ),
        rule(
            "minimum lowered",
            r#"{"type":"integer","minimum":10}"#,
            r#"{"type":"integer","minimum":-10}"#,
            &["MINIMUM_DECREASED #/minimum"],
            true,
        ),
        rule(
            "exclusiveMaximum added",
            r#"{"type":"number"}"#,
            r#"{"type":"number","exclusiveMaximum":1}"#,
            &["EXCLUSIVE_MAXIMUM_ADDED #/exclusiveMaximum"],
            false,
        ),
        rule(
            "exclusiveMinimum removed",
            r#"{"type":"number","exclusiveMinimum":0}"#,
            r#"{"type":"number"}"#,
            &["EXCLUSIVE_MINIMUM_REMOVED #/exclusiveMinimum"],
            true,
        ),
        rule(
            "multipleOf added",
            r#"{"type":"number"}"#,
            r#"{"type":"number","multipleOf":5}"#,
            &["MULTIPLE_OF_ADDED #/multipleOf"],
            false,
        ),
        rule(
            "multipleOf removed",
            r#"{"type":"number","multipleOf":5}"#,
            r#"{"type":"number"}"#,
            &["MULTIPLE_OF_REMOVED #/multipleOf"],
            true,
        ),
        rule(
            "multipleOf divided (a divisor of the old step)",
            r#"{"type":"number","multipleOf":6}"#,
            r#"{"type":"number","multipleOf":3}"#,
            &["MULTIPLE_OF_REDUCED #/multipleOf"],
            true,
        ),
        rule(
            "multipleOf multiplied",
            r#"{"type":"number","multipleOf":3}"#,
            r#"{"type":"number","multipleOf":6}"#,
            &["MULTIPLE_OF_EXPANDED #/multipleOf"],
            false,
        ),
        rule(
            "multipleOf changed to an unrelated step",
            r#"{"type":"number","multipleOf":4}"#,
            r#"{"type":"number","multipleOf":6}"#,
            &["MULTIPLE_OF_CHANGED #/multipleOf"],
            false,
        ),
    ]);
}

#[test]
fn strings() {
    check(&[
        rule(
            "maxLength added",
            r#"{"type":"string"}"#,
            r#"{"type":"string","maxLength":64}"#,
            &["MAX_LENGTH_ADDED #/maxLength"],
            false,
        ),
        rule(
            "maxLength removed",
            r#"{"type":"string","maxLength":64}"#,
            r#"{"type":"string"}"#,
            &["MAX_LENGTH_REMOVED #/maxLength"],
            true,
        ),
        rule(
            "maxLength raised",
            r#"{"type":"string","maxLength":64}"#,
            r#"{"type":"string","maxLength":128}"#,
            &["MAX_LENGTH_INCREASED #/maxLength"],
            true,
        ),
        rule(
            "maxLength lowered",
            r#"{"type":"string","maxLength":128}"#,
            r#"{"type":"string","maxLength":64}"#,
            &["MAX_LENGTH_DECREASED #/maxLength"],
            false,
        ),
        rule(
            "minLength added",
            r#"{"type":"string"}"#,
            r#"{"type":"string","minLength":2}"#,
            &["MIN_LENGTH_ADDED #/minLength"],
            false,
        ),
        rule(
            "minLength removed",
            r#"{"type":"string","minLength":2}"#,
            r#"{"type":"string"}"#,
            &["MIN_LENGTH_REMOVED #/minLength"],
            true,
        ),
        rule(
            "minLength raised",
            r#"{"type":"string","minLength":2}"#,
            r#"{"type":"string","minLength":8}"#,
            &["MIN_LENGTH_INCREASED #/minLength"],
            false,
        ),
        rule(
            "minLength lowered",
            r#"{"type":"string","minLength":8}"#,
            r#"{"type":"string","minLength":2}"#,
            &["MIN_LENGTH_DECREASED #/minLength"],
            true,
        ),
        rule(
            "pattern added",
            r#"{"type":"string"}"#,
            r#"{"type":"string","pattern":"^[A-Z]{3}$"}"#,
            &["PATTERN_ADDED #/pattern"],
            false,
        ),
        rule(
            "pattern removed",
            r#"{"type":"string","pattern":"^[A-Z]{3}$"}"#,
            r#"{"type":"string"}"#,
            &["PATTERN_REMOVED #/pattern"],
            true,
        ),
        rule(
            "pattern changed",
            r#"{"type":"string","pattern":"^[A-Z]{3}$"}"#,
            r#"{"type":"string","pattern":"^[A-Z]{2,3}$"}"#,
            &["PATTERN_CHANGED #/pattern"],
            false,
        ),
    ]);
}

#[test]
fn arrays_and_tuples() {
    check(&[
        rule(
            "item type changed",
            r#"{"type":"array","items":{"type":"string"}}"#,
            r#"{"type":"array","items":{"type":"integer"}}"#,
            &["TYPE_CHANGED #/items"],
            false,
        ),
        rule(
            "minItems added",
            r#"{"type":"array"}"#,
            r#"{"type":"array","minItems":1}"#,
            &["MIN_ITEMS_ADDED #/minItems"],
            false,
        ),
        rule(
            "minItems removed",
            r#"{"type":"array","minItems":1}"#,
            r#"{"type":"array"}"#,
            &["MIN_ITEMS_REMOVED #/minItems"],
            true,
        ),
        rule(
            "minItems raised",
            r#"{"type":"array","minItems":1}"#,
            r#"{"type":"array","minItems":2}"#,
            &["MIN_ITEMS_INCREASED #/minItems"],
            false,
        ),
        rule(
            "minItems lowered",
            r#"{"type":"array","minItems":2}"#,
            r#"{"type":"array","minItems":1}"#,
            &["MIN_ITEMS_DECREASED #/minItems"],
            true,
        ),
        rule(
            "maxItems added",
            r#"{"type":"array"}"#,
            r#"{"type":"array","maxItems":10}"#,
            &["MAX_ITEMS_ADDED #/maxItems"],
            false,
        ),
        rule(
            "maxItems lowered",
            r#"{"type":"array","maxItems":10}"#,
            r#"{"type":"array","maxItems":5}"#,
            &["MAX_ITEMS_DECREASED #/maxItems"],
            false,
        ),
        rule(
            "uniqueItems added",
            r#"{"type":"array","uniqueItems":false}"#,
            r#"{"type":"array","uniqueItems":true}"#,
            &["UNIQUE_ITEMS_ADDED #/uniqueItems"],
            false,
        ),
        rule(
            "uniqueItems removed",
            r#"{"type":"array","uniqueItems":true}"#,
            r#"{"type":"array"}"#,
            &["UNIQUE_ITEMS_REMOVED #/uniqueItems"],
            true,
        ),
        rule(
            "tuple position added to a closed tuple",
            r#"{"type":"array","items":[{"type":"number"}],"additionalItems":false}"#,
            r#"{"type":"array","items":[{"type":"number"},{"type":"number"}],"additionalItems":false}"#,
            &["ITEM_ADDED_TO_CLOSED_CONTENT_MODEL #/items/1"],
            true,
        ),
        rule(
            "tuple position added to an open tuple",
            r#"{"type":"array","items":[{"type":"number"}]}"#,
            r#"{"type":"array","items":[{"type":"number"},{"type":"number"}]}"#,
            &["ITEM_ADDED_TO_OPEN_CONTENT_MODEL #/items/1"],
            false,
        ),
        rule(
            "tuple position accepting anything added to an open tuple",
            r#"{"type":"array","items":[{"type":"number"}]}"#,
            r#"{"type":"array","items":[{"type":"number"},{}]}"#,
            &["ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL #/items/1"],
            true,
        ),
        rule(
            "tuple position removed from an open tuple",
            r#"{"type":"array","items":[{"type":"number"},{"type":"string"}]}"#,
            r#"{"type":"array","items":[{"type":"number"}]}"#,
            &["ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL #/items/1"],
            true,
        ),
        rule(
            "tuple position removed from a closed tuple",
            r#"{"type":"array","items":[{"type":"number"},{"type":"string"}],"additionalItems":false}"#,
            r#"{"type":"array","items":[{"type":"number"}],"additionalItems":false}"#,
            &["ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL #/items/1"],
            false,
        ),
        rule(
            "tuple position declared false removed from a closed tuple",
            r#"{"type":"array","items":[{"type":"number"},false],"additionalItems":false}"#,
            r#"{"type":"array","items":[{"type":"number"}],"additionalItems":false}"#,
            &["ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL #/items/1"],
            true,
        ),
        rule(
            "tuple position added that additionalItems already allowed",
            r#"{"type":"array","items":[{"type":"number"}],"additionalItems":{"type":"string"}}"#,
            r#"{"type":"array","items":[{"type":"number"},{"type":"string"}],"additionalItems":{"type":"string"}}"#,
            &["ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/items/1"],
            true,
        ),
        rule(
            "tuple position added that additionalItems did not allow",
            r#"{"type":"array","items":[{"type":"number"}],"additionalItems":{"type":"string"}}"#,
            r#"{"type":"array","items":[{"type":"number"},{"type":"boolean"}],"additionalItems":{"type":"string"}}"#,
            // The new position is also compared with the `additionalItems` schema it replaces.
            &[
                "ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/items/1",
                "TYPE_CHANGED #/items/1",
            ],
            false,
        ),
        rule(
            "tuple position removed that additionalItems still allows",
            r#"{"type":"array","items":[{"type":"number"},{"type":"string"}],"additionalItems":{"type":"string"}}"#,
            r#"{"type":"array","items":[{"type":"number"}],"additionalItems":{"type":"string"}}"#,
            &["ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/items/1"],
            true,
        ),
        rule(
            "tuple position removed that additionalItems does not allow",
            r#"{"type":"array","items":[{"type":"number"},{"type":"boolean"}],"additionalItems":{"type":"string"}}"#,
            r#"{"type":"array","items":[{"type":"number"}],"additionalItems":{"type":"string"}}"#,
            &[
                "ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/items/1",
                "TYPE_CHANGED #/items/1",
            ],
            false,
        ),
        rule(
            "additionalItems false made true",
            r#"{"type":"array","items":[{"type":"number"}],"additionalItems":false}"#,
            r#"{"type":"array","items":[{"type":"number"}],"additionalItems":true}"#,
            &["ADDITIONAL_ITEMS_ADDED #/additionalItems"],
            true,
        ),
        rule(
            "additionalItems true made false",
            r#"{"type":"array","items":[{"type":"number"}]}"#,
            r#"{"type":"array","items":[{"type":"number"}],"additionalItems":false}"#,
            &["ADDITIONAL_ITEMS_REMOVED #/additionalItems"],
            false,
        ),
        rule(
            "additionalItems extended to anything",
            r#"{"type":"array","items":[{"type":"number"}],"additionalItems":{"type":"string"}}"#,
            r#"{"type":"array","items":[{"type":"number"}]}"#,
            &["ADDITIONAL_ITEMS_EXTENDED #/additionalItems"],
            true,
        ),
        rule(
            "additionalItems narrowed to one type",
            r#"{"type":"array","items":[{"type":"number"}]}"#,
            r#"{"type":"array","items":[{"type":"number"}],"additionalItems":{"type":"string"}}"#,
            &["ADDITIONAL_ITEMS_NARROWED #/additionalItems"],
            false,
        ),
        rule(
            "2020-12 prefixItems position added to a closed tuple",
            r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"array","prefixItems":[{"type":"number"}],"items":false}"#,
            r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"array","prefixItems":[{"type":"number"},{"type":"string"}],"items":false}"#,
            &["ITEM_ADDED_TO_CLOSED_CONTENT_MODEL #/items/1"],
            true,
        ),
        rule(
            "2020-12 prefixItems position removed from an open tuple",
            r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"array","prefixItems":[{"type":"number"},{"type":"string"}]}"#,
            r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"array","prefixItems":[{"type":"number"}]}"#,
            &["ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL #/items/1"],
            true,
        ),
        rule(
            "2020-12 items after the prefix narrowed",
            r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"array","prefixItems":[{"type":"number"}]}"#,
            r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"array","prefixItems":[{"type":"number"}],"items":{"type":"string"}}"#,
            &["ADDITIONAL_ITEMS_NARROWED #/additionalItems"],
            false,
        ),
        rule(
            "2020-12 minContains raised",
            r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"array","contains":{"type":"string"},"minContains":1}"#,
            r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"array","contains":{"type":"string"},"minContains":2}"#,
            &["MIN_CONTAINS_INCREASED #/minContains"],
            false,
        ),
        rule(
            "2020-12 minContains lowered",
            r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"array","contains":{"type":"string"},"minContains":2}"#,
            r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"array","contains":{"type":"string"},"minContains":1}"#,
            &["MIN_CONTAINS_DECREASED #/minContains"],
            true,
        ),
    ]);
}

#[test]
fn combined_schemas() {
    check(&[
        rule(
            "anyOf gains a branch",
            r#"{"anyOf":[{"type":"string"},{"type":"integer"}]}"#,
            r#"{"anyOf":[{"type":"string"},{"type":"integer"},{"type":"boolean"}]}"#,
            &["SUM_TYPE_EXTENDED #/"],
            true,
        ),
        rule(
            "anyOf loses a branch",
            r#"{"anyOf":[{"type":"string"},{"type":"integer"},{"type":"boolean"}]}"#,
            r#"{"anyOf":[{"type":"string"},{"type":"integer"}]}"#,
            &["SUM_TYPE_NARROWED #/"],
            false,
        ),
        rule(
            "oneOf gains a branch",
            r#"{"oneOf":[{"type":"string"},{"type":"integer"}]}"#,
            r#"{"oneOf":[{"type":"string"},{"type":"integer"},{"type":"null"}]}"#,
            &["SUM_TYPE_EXTENDED #/"],
            true,
        ),
        rule(
            "allOf gains a constraint",
            r#"{"allOf":[{"type":"string"},{"minLength":1}]}"#,
            r#"{"allOf":[{"type":"string"},{"minLength":1},{"maxLength":9}]}"#,
            &["PRODUCT_TYPE_EXTENDED #/"],
            false,
        ),
        rule(
            "allOf loses a constraint",
            r#"{"allOf":[{"type":"string"},{"minLength":1},{"maxLength":9}]}"#,
            r#"{"allOf":[{"type":"string"},{"minLength":1}]}"#,
            &["PRODUCT_TYPE_NARROWED #/"],
            true,
        ),
        rule(
            "a branch relaxed inside anyOf",
            r#"{"anyOf":[{"type":"string","maxLength":5},{"type":"integer"}]}"#,
            r#"{"anyOf":[{"type":"string","maxLength":9},{"type":"integer"}]}"#,
            &["MAX_LENGTH_INCREASED #/anyOf/0/maxLength"],
            true,
        ),
        rule(
            "a branch tightened inside anyOf",
            r#"{"anyOf":[{"type":"string","maxLength":9},{"type":"integer"}]}"#,
            r#"{"anyOf":[{"type":"string","maxLength":5},{"type":"integer"}]}"#,
            // No new branch reads every old one: the branches as a whole changed.
            &["COMBINED_TYPE_SUBSCHEMAS_CHANGED #/"],
            false,
        ),
        rule(
            "oneOf turned into anyOf",
            r#"{"oneOf":[{"type":"string"},{"type":"integer"}]}"#,
            r#"{"anyOf":[{"type":"string"},{"type":"integer"}]}"#,
            &["COMBINED_TYPE_EXTENDED #/"],
            true,
        ),
        rule(
            "anyOf turned into allOf",
            r#"{"anyOf":[{"type":"string"},{"maxLength":3}]}"#,
            r#"{"allOf":[{"type":"string"},{"maxLength":3}]}"#,
            &["COMBINED_TYPE_CHANGED #/"],
            false,
        ),
        rule(
            "a plain type widened into anyOf",
            r#"{"type":"string"}"#,
            r#"{"anyOf":[{"type":"string"},{"type":"null"}]}"#,
            // The plain schema counts as a sum of one branch.
            &["SUM_TYPE_EXTENDED #/"],
            true,
        ),
        rule(
            "a branch replaced inside oneOf",
            r#"{"oneOf":[{"type":"string"},{"type":"integer"}]}"#,
            r#"{"oneOf":[{"type":"string"},{"type":"boolean"}]}"#,
            &["COMBINED_TYPE_SUBSCHEMAS_CHANGED #/"],
            false,
        ),
        rule(
            "not narrowed (excludes less)",
            r#"{"not":{"type":["string","integer"]}}"#,
            r#"{"not":{"type":"string"}}"#,
            &["NOT_TYPE_NARROWED #/not"],
            true,
        ),
        rule(
            "not extended (excludes more)",
            r#"{"not":{"type":"string"}}"#,
            r#"{"not":{"type":["string","integer"]}}"#,
            &["NOT_TYPE_EXTENDED #/not"],
            false,
        ),
        rule(
            "not added beside a type",
            r#"{"type":"integer"}"#,
            r#"{"type":"integer","not":{"const":0}}"#,
            // A schema with `not` beside its type is a combined schema: another kind of schema.
            &["TYPE_CHANGED #/"],
            false,
        ),
    ]);
}

#[test]
fn references_and_annotations() {
    check(&[
        rule(
            "an inline property moved behind a local $ref",
            r#"{"type":"object","properties":{"at":{"type":"string","maxLength":30}}}"#,
            r##"{"type":"object","definitions":{"stamp":{"type":"string","maxLength":30}},"properties":{"at":{"$ref":"#/definitions/stamp"}}}"##,
            &[],
            true,
        ),
        rule(
            "a $ref inlined again",
            r##"{"type":"object","definitions":{"stamp":{"type":"string","maxLength":30}},"properties":{"at":{"$ref":"#/definitions/stamp"}}}"##,
            r#"{"type":"object","properties":{"at":{"type":"string","maxLength":30}}}"#,
            &[],
            true,
        ),
        rule(
            "the target of a $ref changes type",
            r##"{"type":"object","definitions":{"stamp":{"type":"string"}},"properties":{"at":{"$ref":"#/definitions/stamp"}}}"##,
            r##"{"type":"object","definitions":{"stamp":{"type":"integer"}},"properties":{"at":{"$ref":"#/definitions/stamp"}}}"##,
            &["TYPE_CHANGED #/properties/at"],
            false,
        ),
        rule(
            "title changed",
            r#"{"title":"Reading","type":"number"}"#,
            r#"{"title":"Measurement","type":"number"}"#,
            &["TITLE_CHANGED #/"],
            true,
        ),
        rule(
            "description changed",
            r#"{"description":"in degrees","type":"number"}"#,
            r#"{"description":"in kelvin","type":"number"}"#,
            &["DESCRIPTION_CHANGED #/"],
            true,
        ),
        rule(
            "$id changed",
            r#"{"$id":"https://example.invalid/reading.json","type":"number"}"#,
            r#"{"$id":"https://example.invalid/measurement.json","type":"number"}"#,
            &["ID_CHANGED #/"],
            true,
        ),
        rule(
            "a property schema that was absent appears (items added)",
            r#"{"type":"array"}"#,
            r#"{"type":"array","items":{"type":"string"}}"#,
            &["SCHEMA_ADDED #/items"],
            false,
        ),
        rule(
            "a property schema disappears (items removed)",
            r#"{"type":"array","items":{"type":"string"}}"#,
            r#"{"type":"array"}"#,
            &["SCHEMA_REMOVED #/items"],
            true,
        ),
    ]);
}

/// LENIENT accepts on top of STRICT the changes that only close an open content model.
#[test]
fn lenient_policy() {
    let cases = [
        (
            "additionalProperties removed",
            r#"{"type":"object","additionalProperties":true}"#,
            r#"{"type":"object","additionalProperties":false}"#,
            true,
        ),
        (
            "additionalProperties narrowed",
            r#"{"type":"object"}"#,
            r#"{"type":"object","additionalProperties":{"type":"string"}}"#,
            true,
        ),
        (
            "optional property added to an open model",
            SENSOR,
            r#"{"type":"object","properties":{"id":{"type":"integer"},"room":{"type":"string"}}}"#,
            true,
        ),
        (
            "property type changed",
            r#"{"type":"object","properties":{"id":{"type":"integer"}}}"#,
            r#"{"type":"object","properties":{"id":{"type":"string"}}}"#,
            false,
        ),
    ];
    for (change, old, new, want) in cases {
        let found = json::differences(&parse(old), &parse(new), Policy::Strict);
        let lenient = found.iter().all(|d| Policy::Lenient.allows(d.kind));
        assert_eq!(lenient, want, "{change}: {found:?}");
    }
}

/// Verdicts in both directions through `incompatibilities(reader, writer)`, the entry point the
/// registry's levels use: (change, old, new, BACKWARD compatible, FORWARD compatible).
#[test]
fn both_directions() {
    let cases = [
        (
            "open model gains a property",
            SENSOR,
            r#"{"type":"object","properties":{"id":{"type":"integer"},"room":{"type":"string"}}}"#,
            false,
            true,
        ),
        (
            "closed model gains a property",
            r#"{"type":"object","properties":{"id":{"type":"integer"}},"additionalProperties":false}"#,
            r#"{"type":"object","properties":{"id":{"type":"integer"},"room":{"type":"string"}},"additionalProperties":false}"#,
            true,
            false,
        ),
        (
            "required added",
            r#"{"type":"object","properties":{"id":{"type":"integer"}}}"#,
            r#"{"type":"object","properties":{"id":{"type":"integer"}},"required":["id"]}"#,
            false,
            true,
        ),
        (
            "type widened",
            r#"{"type":"integer"}"#,
            r#"{"type":"number"}"#,
            true,
            false,
        ),
        (
            "type changed",
            r#"{"type":"integer"}"#,
            r#"{"type":"string"}"#,
            false,
            false,
        ),
        (
            "enum extended",
            r#"{"enum":[1,2]}"#,
            r#"{"enum":[1,2,3]}"#,
            true,
            false,
        ),
        (
            "maximum added",
            r#"{"type":"number"}"#,
            r#"{"type":"number","maximum":9}"#,
            false,
            true,
        ),
        (
            "items changed",
            r#"{"type":"array","items":{"type":"string"}}"#,
            r#"{"type":"array","items":{"type":"number"}}"#,
            false,
            false,
        ),
        (
            "uniqueItems added",
            r#"{"type":"array"}"#,
            r#"{"type":"array","uniqueItems":true}"#,
            false,
            true,
        ),
        (
            "anyOf gains a branch",
            r#"{"anyOf":[{"type":"string"}]}"#,
            r#"{"anyOf":[{"type":"string"},{"type":"number"}]}"#,
            true,
            false,
        ),
        (
            "allOf gains a constraint",
            r#"{"allOf":[{"type":"string"}]}"#,
            r#"{"allOf":[{"type":"string"},{"maxLength":4}]}"#,
            false,
            true,
        ),
        (
            "inline to $ref",
            r#"{"properties":{"a":{"type":"string"}}}"#,
            r##"{"definitions":{"s":{"type":"string"}},"properties":{"a":{"$ref":"#/definitions/s"}}}"##,
            true,
            true,
        ),
    ];
    let mut failures = Vec::new();
    for (change, old, new, backward, forward) in cases {
        let (old, new) = (parse(old), parse(new));
        let labels = |reader, writer| Labels { reader, writer };
        let got_backward = incompatibilities(&new, &old, labels("new", "old")).is_empty();
        let got_forward = incompatibilities(&old, &new, labels("old", "new")).is_empty();
        if (got_backward, got_forward) != (backward, forward) {
            failures.push(format!(
                "{change}: backward={got_backward} forward={got_forward}, expected {backward} {forward}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
