//! `$ref` cycles terminate; huge combined schemas and large comparisons stay within the
//! pair cap and the step budget.

use super::*;

// ---------------------------------------------------------------------------------------
// `$ref` cycles terminate
// ---------------------------------------------------------------------------------------

#[test]
fn ref_cycles_terminate() {
    let main_id = "https://example.com/main.json";
    let other = Dependency {
        name: "https://example.com/other.json".to_owned(),
        schema: format!(
            r#"{{"definitions":{{"a":{{"type":"object","properties":{{"back":{{"$ref":"{main_id}"}},"n":{{"type":"string"}}}}}}}}}}"#
        ),
    };
    let cases: Vec<(&str, String, String, Vec<Dependency>, bool)> = vec![
        (
            "self",
            r##"{"$ref":"#"}"##.to_owned(),
            r##"{"$ref":"#"}"##.to_owned(),
            vec![],
            true,
        ),
        (
            "self through a property",
            r##"{"type":"object","properties":{"me":{"$ref":"#"},"n":{"type":"string"}}}"##
                .to_owned(),
            r##"{"type":"object","properties":{"me":{"$ref":"#"},"n":{"type":"integer"}}}"##
                .to_owned(),
            vec![],
            false,
        ),
        (
            "mutual within one document",
            r##"{"$ref":"#/definitions/a","definitions":{"a":{"$ref":"#/definitions/b"},"b":{"$ref":"#/definitions/a"}}}"##.to_owned(),
            r##"{"$ref":"#/definitions/a","definitions":{"a":{"$ref":"#/definitions/b"},"b":{"$ref":"#/definitions/a"}}}"##.to_owned(),
            vec![],
            true,
        ),
        (
            "mutual across a reference document",
            format!(
                r#"{{"$id":"{main_id}","type":"object","properties":{{"x":{{"$ref":"https://example.com/other.json#/definitions/a"}}}}}}"#
            ),
            format!(
                r#"{{"$id":"{main_id}","type":"object","properties":{{"x":{{"$ref":"https://example.com/other.json#/definitions/a"}},"y":{{"type":"string"}}}},"additionalProperties":false}}"#
            ),
            vec![other],
            false,
        ),
    ];
    for (name, old, new, deps, compatible) in cases {
        let got = on_small_stack(name, move || {
            let old = ParsedSchema::parse(SchemaType::Json, &old, &deps, LOOKUP)
                .map_err(|e| e.message)?;
            let new = ParsedSchema::parse(SchemaType::Json, &new, &deps, LOOKUP)
                .map_err(|e| e.message)?;
            let report = compat::check_bounded(
                CompatibilityLevel::FullTransitive,
                &new,
                &[PreviousVersion {
                    version: Some(1),
                    schema: &old,
                }],
                CheckOptions::default(),
                &SchemaLimits::default(),
            )
            .map_err(|e| e.to_string())?;
            Ok::<bool, String>(report.is_compatible())
        });
        assert_eq!(got, Ok(compatible), "{name}");
    }
}

// ---------------------------------------------------------------------------------------
// Combined schemas: the branch-pair matrix is capped
// ---------------------------------------------------------------------------------------

#[test]
fn huge_combined_schemas_are_refused_quickly() {
    for keyword in ["oneOf", "anyOf", "allOf"] {
        for n in [800, 3_000] {
            let old = json_combined(keyword, n, "");
            let new = json_combined(keyword, n, r#","extra":{"type":"integer"}"#);
            let name = format!("{keyword} x {n}");
            let (bounded, unbounded) = on_small_stack(&name, move || {
                let old = parse(SchemaType::Json, &old, VALIDATE).expect("old parses");
                let new = parse(SchemaType::Json, &new, VALIDATE).expect("new parses");
                let previous = [PreviousVersion {
                    version: Some(1),
                    schema: &old,
                }];
                let bounded = compat::check_bounded(
                    CompatibilityLevel::Backward,
                    &new,
                    &previous,
                    CheckOptions::default(),
                    &SchemaLimits::default(),
                );
                // The infallible API runs under the same default limits.
                let unbounded = compat::check(CompatibilityLevel::Backward, &new, &previous);
                (bounded, unbounded)
            });
            let pairs = u64::try_from(n * n).expect("fits");
            let expected = CheckAborted::CombinedPairs {
                pairs,
                limit: SchemaLimits::default().max_combined_pairs,
            };
            assert_eq!(bounded, Err(expected.clone()), "{name}");
            assert_eq!(unbounded.messages, vec![expected.message()], "{name}");
        }
    }
}

/// Below the pair cap a combined comparison still answers normally.
#[test]
fn combined_schemas_below_the_cap_are_checked() {
    let old = json_combined("oneOf", 150, "");
    let new = json_combined("oneOf", 151, "");
    let compatible = on_small_stack("oneOf x 150", move || {
        let old = parse(SchemaType::Json, &old, VALIDATE).expect("parses");
        let new = parse(SchemaType::Json, &new, VALIDATE).expect("parses");
        let previous = [PreviousVersion {
            version: Some(1),
            schema: &old,
        }];
        compat::check_bounded(
            CompatibilityLevel::Backward,
            &new,
            &previous,
            CheckOptions::default(),
            &SchemaLimits::default(),
        )
        .map(|r| r.is_compatible())
    });
    assert_eq!(
        compatible,
        Ok(true),
        "a oneOf that gains a branch reads old data"
    );
}

/// A step budget bounds what the pair cap does not: a large Avro union against another.
#[test]
fn step_budget_bounds_large_avro_unions() {
    let reader = avro_union_of_records(3_000, "long");
    let writer = avro_union_of_records(3_000, "int");
    let limits = SchemaLimits {
        max_check_steps: 100_000,
        ..SchemaLimits::default()
    };
    let got = on_small_stack("avro unions", move || {
        let reader = parse(SchemaType::Avro, &reader, VALIDATE).expect("parses");
        let writer = parse(SchemaType::Avro, &writer, VALIDATE).expect("parses");
        ParsedSchema::try_incompatibilities(&reader, &writer, BACKWARD, Policy::Strict, &limits)
            .map(|found| found.len())
    });
    assert_eq!(got, Err(CheckAborted::Steps(100_000)));
}

#[test]
fn step_budget_bounds_json_comparisons() {
    let old = json_combined("oneOf", 100, "");
    let new = json_combined("oneOf", 100, r#","extra":{"type":"integer"}"#);
    let limits = SchemaLimits {
        max_check_steps: 1_000,
        ..SchemaLimits::default()
    };
    let got = on_small_stack("json budget", move || {
        let old = parse(SchemaType::Json, &old, VALIDATE).expect("parses");
        let new = parse(SchemaType::Json, &new, VALIDATE).expect("parses");
        ParsedSchema::try_incompatibilities(&new, &old, BACKWARD, Policy::Strict, &limits)
            .map(|found| found.len())
    });
    assert_eq!(got, Err(CheckAborted::Steps(1_000)));
}
