//! The LENIENT policy, and verdicts in both directions.

use super::*;

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
