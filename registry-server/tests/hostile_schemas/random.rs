//! Random nesting never panics.

use super::*;

/// A random JSON Schema-ish tree mixing the keywords the loader and diff recurse through.
fn arb_schema() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::json;
    let leaf = prop_oneof![
        Just(json!({"type": "string"})),
        Just(json!({"type": "integer", "minimum": 1})),
        Just(json!(true)),
        Just(json!({"$ref": "#"})),
        Just(json!({"$ref": "#/definitions/a"})),
        Just(json!({"enum": [1, "a", null]})),
    ];
    // Deeper than the JSON parser accepts (128), so both sides of that limit are exercised.
    leaf.prop_recursive(160, 2_000, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|s| json!({"items": s})),
            inner.clone().prop_map(|s| json!({"not": s})),
            (inner.clone(), inner.clone())
                .prop_map(|(a, b)| json!({"type": "object", "properties": {"a": a, "b": b}})),
            prop::collection::vec(inner.clone(), 1..3).prop_map(|v| json!({"oneOf": v})),
            prop::collection::vec(inner.clone(), 1..3).prop_map(|v| json!({"allOf": v})),
            inner.prop_map(|s| json!({"$ref": "#/definitions/a", "definitions": {"a": s}})),
        ]
    })
}

/// Generated on a roomy stack (the generator recurses itself); each case is parsed and
/// compared on a 2 MiB one.
#[test]
fn random_nesting_never_panics() {
    run_with_stack("proptest", 64 * 1024 * 1024, || {
        let mut runner = TestRunner::new(Config {
            cases: 64,
            failure_persistence: None,
            ..Config::default()
        });
        runner
            .run(&(arb_schema(), arb_schema()), |(a, b)| {
                let (a, b) = (a.to_string(), b.to_string());
                on_small_stack("case", move || {
                    let a = ParsedSchema::parse(SchemaType::Json, &a, &[], LOOKUP);
                    let b = ParsedSchema::parse(SchemaType::Json, &b, &[], LOOKUP);
                    if let (Ok(a), Ok(b)) = (a, b) {
                        let _ = ParsedSchema::try_incompatibilities(
                            &a,
                            &b,
                            BACKWARD,
                            Policy::Strict,
                            &SchemaLimits::default(),
                        );
                    }
                });
                Ok(())
            })
            .map_err(|e| e.to_string())
    })
    .expect("no failing case");
}

// ---------------------------------------------------------------------------------------
// Wide (not deep) inputs stay linear
// ---------------------------------------------------------------------------------------

fn json_wide_object(n: usize) -> String {
    let props: Vec<String> = (0..n)
        .map(|i| format!(r#""p{i}":{{"type":"string"}}"#))
        .collect();
    format!(
        r#"{{"type":"object","properties":{{{}}}}}"#,
        props.join(",")
    )
}

fn json_wide_enum(n: usize) -> String {
    let values: Vec<String> = (0..n).map(|i| format!(r#""v{i}""#)).collect();
    format!(r#"{{"enum":[{}]}}"#, values.join(","))
}

fn json_many_anchors(n: usize) -> String {
    let defs: Vec<String> = (0..n)
        .map(|i| format!(r#""a{i}":{{"$anchor":"x{i}","type":"string"}}"#))
        .collect();
    let props: Vec<String> = (0..n)
        .map(|i| format!(r##""p{i}":{{"$ref":"#x{i}"}}"##))
        .collect();
    format!(
        r#"{{"type":"object","$defs":{{{}}},"properties":{{{}}}}}"#,
        defs.join(","),
        props.join(",")
    )
}

/// Each of these was quadratic somewhere (key de-duplication, property and enum matching,
/// anchor search, duplicate-branch collapse); now each answers well within the liveness
/// timeout, with the verdict a narrow schema would get (an open object may lose a property,
/// an enum may gain a value).
#[test]
fn wide_inputs_stay_linear() {
    let identical_branches = format!(
        r#"{{"oneOf":[{}]}}"#,
        vec![r#"{"type":"object","properties":{"a":{"type":"string"}}}"#; 20_000].join(",")
    );
    let budget = SchemaLimits::default().max_check_steps;
    let over_budget = Err(format!(
        "compatibility check exceeded its work budget of {budget} steps"
    ));
    type Case = (
        &'static str,
        String,
        String,
        ParseOptions,
        Result<bool, String>,
    );
    let cases: Vec<Case> = vec![
        (
            "object with 50,000 properties",
            json_wide_object(50_001),
            json_wide_object(50_000),
            NORMALIZE,
            Ok(true),
        ),
        (
            // Parsed and normalized in linear time; comparing it walks 300,000 steps.
            "object with 100,000 properties",
            json_wide_object(100_001),
            json_wide_object(100_000),
            NORMALIZE,
            over_budget,
        ),
        (
            "enum of 50,000 values",
            json_wide_enum(50_000),
            json_wide_enum(50_001),
            VALIDATE,
            Ok(true),
        ),
        (
            "20,000 $refs to distinct anchors",
            json_many_anchors(20_000),
            json_many_anchors(20_000),
            LOOKUP,
            Ok(true),
        ),
        (
            "oneOf of 20,000 identical branches",
            identical_branches.clone(),
            identical_branches,
            LOOKUP,
            Ok(true),
        ),
    ];
    for (name, old, new, options, expected) in cases {
        let got = on_small_stack(name, move || {
            let old = parse(SchemaType::Json, &old, options).map_err(|e| e.message)?;
            let new = parse(SchemaType::Json, &new, options).map_err(|e| e.message)?;
            compat::check_bounded(
                CompatibilityLevel::Backward,
                &new,
                &[PreviousVersion {
                    version: Some(1),
                    schema: &old,
                }],
                CheckOptions::default(),
                &SchemaLimits::default(),
            )
            .map(|r| r.is_compatible())
            .map_err(|e| e.to_string())
        });
        assert_eq!(got, expected, "{name}");
    }
}
