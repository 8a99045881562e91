//! Hostile schemas against the engines (issue 9): deep `$ref` chains and nesting, `$ref`
//! cycles, huge combined schemas. Every case runs on a thread with a 2 MiB stack (tokio's
//! worker and blocking threads have that much), so a recursion that is not bounded shows up as
//! a failed test rather than passing on the big main-thread stack, and under a generous
//! liveness timeout, so unbounded CPU shows up as a failure too.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use registry_server::domain::{CompatibilityLevel, SchemaType};
use registry_server::schema::compat::{self, CheckOptions, PreviousVersion};
use registry_server::schema::json::Policy;
use registry_server::schema::limits::DEFAULT_MAX_DEPTH;
use registry_server::schema::{
    CheckAborted, Dependency, Labels, ParseOptions, ParsedSchema, SchemaError, SchemaLimits,
};

const STACK: usize = 2 * 1024 * 1024;
const LIVENESS: Duration = Duration::from_secs(120);

const LOOKUP: ParseOptions = ParseOptions {
    validate: false,
    normalize: false,
};
const VALIDATE: ParseOptions = ParseOptions {
    validate: true,
    normalize: false,
};
const NORMALIZE: ParseOptions = ParseOptions {
    validate: true,
    normalize: true,
};
const BACKWARD: Labels<'static> = Labels {
    reader: "new",
    writer: "old",
};

/// Runs `f` on a 2 MiB-stack thread and waits at most [`LIVENESS`] for it.
fn on_small_stack<T: Send + 'static>(name: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    run_with_stack(name, STACK, f)
}

fn run_with_stack<T: Send + 'static>(
    name: &str,
    stack: usize,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = mpsc::channel();
    let handle = thread::Builder::new()
        .name(name.to_owned())
        .stack_size(stack)
        .spawn(move || {
            let _ = tx.send(f());
        })
        .expect("spawns");
    match rx.recv_timeout(LIVENESS) {
        Ok(value) => {
            handle.join().expect("joins");
            value
        }
        Err(_) => panic!("{name}: no answer within {LIVENESS:?} (or the thread panicked)"),
    }
}

fn parse(
    schema_type: SchemaType,
    text: &str,
    options: ParseOptions,
) -> Result<ParsedSchema, SchemaError> {
    ParsedSchema::parse(schema_type, text, &[], options)
}

fn deep_limits(max_depth: usize) -> SchemaLimits {
    SchemaLimits {
        max_depth,
        ..SchemaLimits::default()
    }
}

// ---------------------------------------------------------------------------------------
// Generated schemas
// ---------------------------------------------------------------------------------------

/// `root → d0 → d1 → … → d{hops-1}`, each definition only a `$ref` to the next; the last
/// one is `leaf`. Parsing it nests `hops + 1` levels.
fn json_ref_chain(hops: usize, leaf: &str) -> String {
    let mut defs = Vec::with_capacity(hops);
    for i in 0..hops {
        let body = if i + 1 == hops {
            leaf.to_owned()
        } else {
            format!(r##"{{"$ref":"#/definitions/d{}"}}"##, i + 1)
        };
        defs.push(format!(r#""d{i}":{body}"#));
    }
    format!(
        r##"{{"$ref":"#/definitions/d0","definitions":{{{}}}}}"##,
        defs.join(",")
    )
}

/// Objects nested through `$ref`s: `d_i = {type: object, properties: {next: $ref d_{i+1}}}`;
/// the model nests `levels` object levels, the last holding `leaf` as its `next`.
fn json_object_chain(levels: usize, leaf: &str) -> String {
    json_chain(levels, leaf, |_, next| {
        format!(r#"{{"type":"object","properties":{{"next":{next}}}}}"#)
    })
}

/// `d_i = wrap(i, $ref d_{i+1})`, the last wrapping `leaf`; the root is a `$ref` to `d0`.
fn json_chain(levels: usize, leaf: &str, wrap: impl Fn(usize, &str) -> String) -> String {
    let mut defs = Vec::with_capacity(levels);
    for i in 0..levels {
        let next = if i + 1 == levels {
            leaf.to_owned()
        } else {
            format!(r##"{{"$ref":"#/definitions/d{}"}}"##, i + 1)
        };
        defs.push(format!(r#""d{i}":{}"#, wrap(i, &next)));
    }
    format!(
        r##"{{"$ref":"#/definitions/d0","definitions":{{{}}}}}"##,
        defs.join(",")
    )
}

/// `{"items":{"items":…}}` nested `depth` deep, in plain JSON.
fn json_items_nesting(depth: usize) -> String {
    let mut text = String::with_capacity(depth * 12);
    for _ in 0..depth {
        text.push_str(r#"{"items":"#);
    }
    text.push_str("{}");
    for _ in 0..depth {
        text.push('}');
    }
    text
}

/// A `keyword` combination of `n` object branches, each with its own required property.
fn json_combined(keyword: &str, n: usize, extra: &str) -> String {
    let branches: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"type":"object","properties":{{"p{i}":{{"type":"string"}}{extra}}},"required":["p{i}"]}}"#
            )
        })
        .collect();
    format!(r#"{{"{keyword}":[{}]}}"#, branches.join(","))
}

fn avro_nested_arrays(depth: usize) -> String {
    let mut text = String::new();
    for _ in 0..depth {
        text.push_str(r#"{"type":"array","items":"#);
    }
    text.push_str(r#""int""#);
    for _ in 0..depth {
        text.push('}');
    }
    text
}

fn avro_nested_records(depth: usize) -> String {
    let mut text = String::new();
    for i in 0..depth {
        text.push_str(&format!(
            r#"{{"type":"record","name":"R{i}","fields":[{{"name":"f","type":"#
        ));
    }
    text.push_str(r#""int""#);
    for _ in 0..depth {
        text.push_str("}]}");
    }
    text
}

fn avro_nested_unions(depth: usize) -> String {
    let mut text = String::new();
    for _ in 0..depth {
        text.push_str(r#"["null",{"type":"map","values":"#);
    }
    text.push_str(r#""int""#);
    for _ in 0..depth {
        text.push_str("}]");
    }
    text
}

/// Records nested through named types defined as fields of the root (their JSON is shallow,
/// their graph is `depth` deep).
fn avro_named_chain(depth: usize, leaf: &str) -> String {
    let fields: Vec<String> = (1..=depth)
        .map(|i| {
            let next = if i == depth {
                format!(r#"{{"name":"v","type":"{leaf}"}}"#)
            } else {
                format!(r#"{{"name":"next","type":"R{}"}}"#, i + 1)
            };
            format!(
                r#"{{"name":"f{i}","type":{{"type":"record","name":"R{i}","fields":[{next}]}}}}"#
            )
        })
        .collect();
    format!(
        r#"{{"type":"record","name":"R0","fields":[{{"name":"head","type":"R1"}},{}]}}"#,
        fields.join(",")
    )
}

/// Records defined last-first as fields of the root, each field `next` defaulting to `{}`,
/// so checking the root's default follows `depth` defaults of defaults.
fn avro_default_chain(depth: usize) -> String {
    let mut fields = vec![format!(
        r#"{{"name":"f{depth}","type":{{"type":"record","name":"R{depth}","fields":[{{"name":"g","type":"int","default":1}}]}}}}"#
    )];
    for i in (1..depth).rev() {
        fields.push(format!(
            r#"{{"name":"f{i}","type":{{"type":"record","name":"R{i}","fields":[{{"name":"next","type":"R{}","default":{{}}}}]}}}}"#,
            i + 1
        ));
    }
    fields.push(r#"{"name":"head","type":"R1","default":{}}"#.to_owned());
    format!(
        r#"{{"type":"record","name":"R0","fields":[{}]}}"#,
        fields.join(",")
    )
}

/// A default `{"a":{"a":…{"a":5}}}` for a record whose field is a union of the record and a
/// map of it: both branches match every level but the last, so an unmemoized check tries
/// 2^depth paths.
fn avro_branching_default(depth: usize) -> String {
    let mut value = String::new();
    for _ in 0..depth {
        value.push_str(r#"{"a":"#);
    }
    value.push('5');
    for _ in 0..depth {
        value.push('}');
    }
    format!(
        r#"{{"type":"record","name":"Root","fields":[{{"name":"t","type":{{"type":"record","name":"T","fields":[{{"name":"a","type":["null","T",{{"type":"map","values":"T"}}]}}]}},"default":{value}}}]}}"#
    )
}

/// A union of `n` distinct records.
fn avro_union_of_records(n: usize, field_type: &str) -> String {
    let branches: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"type":"record","name":"B{i}","fields":[{{"name":"x","type":"{field_type}"}}]}}"#
            )
        })
        .collect();
    format!("[{}]", branches.join(","))
}

// ---------------------------------------------------------------------------------------
// Parsing: every deep input answers a clean 42201 message
// ---------------------------------------------------------------------------------------

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
            let checked = parse(SchemaType::Avro, &text, VALIDATE).map(|_| ());
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

// ---------------------------------------------------------------------------------------
// Random nesting never panics or overflows
// ---------------------------------------------------------------------------------------

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
