//! Deep inputs: refused with a clean message at the depth limit, on a small stack.

use super::*;

#[test]
fn deep_inputs_are_refused_with_a_clean_message() {
    let cases: Vec<(&str, SchemaType, String, &str)> = vec![
        (
            "json $ref chain 1,000 deep",
            SchemaType::Json,
            json_ref_chain(1_000, r#"{"type":"string"}"#),
            "Invalid schema of type JSON, details: $ref chain deeper than 256 levels",
        ),
        (
            "json $ref chain 100,000 deep",
            SchemaType::Json,
            json_ref_chain(100_000, r#"{"type":"string"}"#),
            "Invalid schema of type JSON, details: $ref chain deeper than 256 levels",
        ),
        (
            "json object chain through $refs 1,000 deep",
            SchemaType::Json,
            json_object_chain(1_000, r#"{"type":"string"}"#),
            "Invalid schema of type JSON, details: $ref chain deeper than 256 levels",
        ),
        (
            "json oneOf/allOf/not/items/additionalProperties chain through $refs 1,000 deep",
            SchemaType::Json,
            json_chain(1_000, r#"{"type":"string"}"#, |i, next| match i % 5 {
                0 => format!(r#"{{"oneOf":[{next},{{"type":"null"}}]}}"#),
                1 => format!(r#"{{"allOf":[{next}],"minProperties":1}}"#),
                2 => format!(r#"{{"not":{next}}}"#),
                3 => format!(r#"{{"type":"array","items":{next}}}"#),
                _ => format!(r#"{{"type":"object","additionalProperties":{next}}}"#),
            }),
            "Invalid schema of type JSON, details: $ref chain deeper than 256 levels",
        ),
        (
            "json items nesting 100,000 deep",
            SchemaType::Json,
            json_items_nesting(100_000),
            "Invalid schema of type JSON, details: Invalid JSON: recursion limit exceeded",
        ),
        (
            "avro arrays of arrays 10,000 deep",
            SchemaType::Avro,
            avro_nested_arrays(10_000),
            "Invalid schema of type AVRO, details: recursion limit exceeded",
        ),
        (
            "avro nested records 10,000 deep",
            SchemaType::Avro,
            avro_nested_records(10_000),
            "Invalid schema of type AVRO, details: recursion limit exceeded",
        ),
        (
            "avro unions of maps 10,000 deep",
            SchemaType::Avro,
            avro_nested_unions(10_000),
            "Invalid schema of type AVRO, details: recursion limit exceeded",
        ),
        (
            "avro named-type chain 1,000 deep",
            SchemaType::Avro,
            avro_named_chain(1_000, "int"),
            "Invalid schema of type AVRO, details: nesting deeper than 256 levels",
        ),
    ];
    for (name, schema_type, text, expected) in cases {
        for options in [LOOKUP, VALIDATE, NORMALIZE] {
            let text = text.clone();
            let result = on_small_stack(name, move || {
                parse(schema_type, &text, options).map(|p| p.canonical().len())
            });
            match result {
                Err(e) => assert!(
                    e.message.starts_with(expected),
                    "{name} ({options:?}): {}",
                    e.message
                ),
                Ok(_) => panic!("{name} ({options:?}): accepted"),
            }
        }
    }
}

/// Default values are checked only for new schemas (stored ones are not re-validated).
#[test]
fn default_value_checks_are_bounded() {
    let cases = [
        (
            "avro defaults of defaults 10,000 deep",
            avro_default_chain(10_000),
            "Invalid schema of type AVRO, details: nesting deeper than 256 levels",
        ),
        (
            "avro default matching two union branches 100 levels deep",
            avro_branching_default(100),
            "Invalid schema of type AVRO, details: Invalid default for field t: ",
        ),
    ];
    for (name, text, expected) in cases {
        let (checked, stored) = on_small_stack(name, move || {
            // Defaults are validated for a new schema that is normalized.
            let checked = parse(SchemaType::Avro, &text, NORMALIZE).map(|_| ());
            let stored = parse(SchemaType::Avro, &text, LOOKUP).map(|_| ());
            (checked, stored)
        });
        match checked {
            Err(e) => assert!(e.message.starts_with(expected), "{name}: {}", e.message),
            Ok(()) => panic!("{name}: accepted"),
        }
        assert_eq!(
            stored,
            Ok(()),
            "{name}: a stored schema is not re-validated"
        );
    }
}

/// The depth limit itself parses (and compares) on a 2 MiB stack; one level more is refused.
#[test]
fn the_depth_limit_holds_and_fits_a_small_stack() {
    let limit = DEFAULT_MAX_DEPTH;
    // A `$ref`-only chain of `hops` definitions nests `hops + 1` levels.
    let at_limit = json_ref_chain(limit - 1, r#"{"type":"string"}"#);
    let past_limit = json_ref_chain(limit, r#"{"type":"string"}"#);
    // An object chain nests two levels per definition (object, then its property).
    let objects_at_limit = json_object_chain(limit / 2 - 1, r#"{"type":"string"}"#);
    let objects_changed = json_object_chain(limit / 2 - 1, r#"{"type":"integer"}"#);
    let (ok, refused, verdict) = on_small_stack("depth limit", move || {
        let ok = parse(SchemaType::Json, &at_limit, VALIDATE).map(|_| ());
        let refused = parse(SchemaType::Json, &past_limit, VALIDATE).map(|_| ());
        let old = parse(SchemaType::Json, &objects_at_limit, VALIDATE).expect("parses");
        let new = parse(SchemaType::Json, &objects_changed, VALIDATE).expect("parses");
        let verdict = compat::check(
            CompatibilityLevel::FullTransitive,
            &new,
            &[PreviousVersion {
                version: Some(1),
                schema: &old,
            }],
        );
        (ok, refused, verdict.is_compatible())
    });
    assert_eq!(ok, Ok(()));
    assert_eq!(
        refused.map_err(|e| e.message),
        Err("Invalid schema of type JSON, details: $ref chain deeper than 256 levels".to_owned())
    );
    assert!(!verdict, "string became integer at the deepest level");
}

/// Models nested deeper than the comparison may walk (built here with a raised parse limit)
/// are refused by the check at exactly its limit, on a 2 MiB stack.
#[test]
fn comparisons_stop_at_the_depth_limit() {
    let limit = DEFAULT_MAX_DEPTH;
    // A chain of n object definitions compares n + 1 nested pairs (the leaf included).
    let build = |levels: usize, leaf: &'static str| {
        let text = json_object_chain(levels, leaf);
        // Parsed on a big stack with a raised limit: only the comparison is under test.
        run_with_stack("build", 64 * 1024 * 1024, move || {
            ParsedSchema::parse_limited(
                SchemaType::Json,
                &text,
                &[],
                LOOKUP,
                &deep_limits(4 * levels),
            )
            .map_err(|e| e.message)
        })
        .expect("parses with a raised limit")
    };
    for (levels, expected) in [
        (limit - 1, Ok(false)),
        (limit, Err(CheckAborted::Depth(limit))),
        (3 * limit, Err(CheckAborted::Depth(limit))),
    ] {
        let old = build(levels, r#"{"type":"string"}"#);
        let new = build(levels, r#"{"type":"integer"}"#);
        let got = on_small_stack("deep compare", move || {
            ParsedSchema::try_incompatibilities(
                &new,
                &old,
                BACKWARD,
                Policy::Strict,
                &SchemaLimits::default(),
            )
            .map(|found| found.is_empty())
        });
        assert_eq!(got, expected, "{levels} levels");
    }
}

#[test]
fn avro_comparisons_stop_at_the_depth_limit() {
    let build = |depth: usize, leaf: &'static str| {
        let text = avro_named_chain(depth, leaf);
        run_with_stack("build", 64 * 1024 * 1024, move || {
            ParsedSchema::parse_limited(
                SchemaType::Avro,
                &text,
                &[],
                LOOKUP,
                &deep_limits(4 * depth),
            )
            .map_err(|e| e.message)
        })
        .expect("parses with a raised limit")
    };
    let reader = build(1_000, "long");
    let writer = build(1_000, "int");
    let got = on_small_stack("deep avro compare", move || {
        ParsedSchema::try_incompatibilities(
            &writer,
            &reader,
            BACKWARD,
            Policy::Strict,
            &SchemaLimits::default(),
        )
        .map(|found| found.len())
    });
    assert_eq!(got, Err(CheckAborted::Depth(DEFAULT_MAX_DEPTH)));
}
