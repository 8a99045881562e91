//! Property tests over generated Avro schemas: the checker never panics on any pair, a
//! schema is compatible with itself at every level, and the canonical string is a fixed
//! point of parse → canonical.

use proptest::prelude::*;
use registry_server::domain::{CompatibilityLevel, SchemaType};
use registry_server::schema::compat::{self, PreviousVersion};
use registry_server::schema::{Labels, ParseOptions, ParsedSchema};
use serde_json::{Value, json};

fn primitive() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!("null")),
        Just(json!("boolean")),
        Just(json!("int")),
        Just(json!("long")),
        Just(json!("float")),
        Just(json!("double")),
        Just(json!("string")),
        Just(json!("bytes")),
        Just(json!({"type": "long", "logicalType": "timestamp-millis"})),
    ]
}

/// A default that may or may not suit the field's type (validation is off).
fn default_value() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        Just(None),
        Just(Some(json!(null))),
        Just(Some(json!(0))),
        Just(Some(json!("x"))),
    ]
}

/// Schemas whose named types draw from a small pool, so pairs often share names (and some
/// documents redefine a name, which the parser refuses: those are skipped).
fn schema() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        4 => primitive(),
        1 => (0usize..3, prop::collection::vec(prop::sample::select(vec!["A", "B", "C", "D"]), 1..4))
            .prop_map(|(n, mut symbols)| {
                symbols.sort_unstable();
                symbols.dedup();
                json!({"type": "enum", "name": format!("E{n}"), "symbols": symbols})
            }),
        1 => (0usize..3, 1u64..5).prop_map(|(n, size)| json!({"type": "fixed", "name": format!("F{n}"), "size": size})),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            inner
                .clone()
                .prop_map(|items| json!({"type": "array", "items": items})),
            inner
                .clone()
                .prop_map(|values| json!({"type": "map", "values": values})),
            prop::collection::vec(inner.clone(), 1..4).prop_map(Value::Array),
            (
                0usize..3,
                prop::collection::vec((0usize..4, inner, default_value()), 0..4)
            )
                .prop_map(|(n, fields)| {
                    let fields: Vec<Value> = fields
                        .into_iter()
                        .map(|(f, ty, default)| {
                            let mut field = json!({"name": format!("f{f}"), "type": ty});
                            if let (Some(default), Some(obj)) = (default, field.as_object_mut()) {
                                obj.insert("default".to_owned(), default);
                            }
                            field
                        })
                        .collect();
                    json!({"type": "record", "name": format!("R{n}"), "fields": fields})
                }),
        ]
    })
}

fn parse(value: &Value) -> Option<ParsedSchema> {
    ParsedSchema::parse(
        SchemaType::Avro,
        &value.to_string(),
        &[],
        ParseOptions::default(),
    )
    .ok()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn checker_never_panics_on_any_pair(a in schema(), b in schema()) {
        let (Some(a), Some(b)) = (parse(&a), parse(&b)) else {
            return Ok(());
        };
        let labels = Labels { reader: "new", writer: "old" };
        let _ = ParsedSchema::incompatibilities(&a, &b, labels);
        let _ = ParsedSchema::incompatibilities(&b, &a, labels);
        for level in CompatibilityLevel::ALL {
            let previous = [PreviousVersion { version: Some(1), schema: &b }];
            let report = compat::check(level, &a, &previous);
            if !report.is_compatible() {
                let last = report.messages.last().map(String::as_str).unwrap_or_default();
                let expected_start = "{validateFields: 'false', compatibility: '";
                prop_assert!(last.starts_with(expected_start), "last message {}", last);
            }
        }
    }

    #[test]
    fn schema_is_compatible_with_itself_at_every_level(a in schema()) {
        let Some(first) = parse(&a) else {
            return Ok(());
        };
        let second = parse(&a).expect("parses twice");
        for level in CompatibilityLevel::ALL {
            let previous = [
                PreviousVersion { version: Some(1), schema: &second },
                PreviousVersion { version: Some(2), schema: &first },
            ];
            let report = compat::check(level, &first, &previous);
            prop_assert!(report.is_compatible(), "{level}: {:?}", report.messages);
        }
    }

    #[test]
    fn canonical_is_a_fixed_point(a in schema()) {
        let Some(first) = parse(&a) else {
            return Ok(());
        };
        let again = ParsedSchema::parse(SchemaType::Avro, first.canonical(), &[], ParseOptions::default())
            .expect("canonical form parses");
        prop_assert_eq!(first.canonical(), again.canonical());
        let normalized = ParsedSchema::parse(
            SchemaType::Avro,
            first.canonical(),
            &[],
            ParseOptions { validate: false, normalize: true },
        )
        .expect("normalizes");
        let renormalized = ParsedSchema::parse(
            SchemaType::Avro,
            normalized.canonical(),
            &[],
            ParseOptions { validate: false, normalize: true },
        )
        .expect("normalized form parses");
        prop_assert_eq!(normalized.canonical(), renormalized.canonical());
    }
}

/// Guards the properties above against vacuity: most generated documents must parse.
#[test]
fn most_generated_schemas_parse() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = schema();
    let total = 200;
    let parsed = (0..total)
        .filter(|_| {
            let tree = strategy.new_tree(&mut runner).expect("generates");
            parse(&tree.current()).is_some()
        })
        .count();
    assert!(parsed * 2 > total, "only {parsed} of {total} parsed");
}
