//! Value rules: types and enums, numbers, strings.

use super::*;

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
