//! Structural rules: arrays and tuples, combined schemas, references and annotations.

use super::*;

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
