//! The seven levels and Confluent's message list over Avro schemas: translations of
//! Confluent's `AvroCompatibilityTest`, the exact list layout of `SchemaValidatorBuilder` /
//! `isCompatibleWithPrevious`, and every row of the krabka and Apicurio conformance files.

use registry_server::domain::{CompatibilityLevel, SchemaType};
use registry_server::schema::compat::{self, CompatibilityReport, PreviousVersion};
use registry_server::schema::{ParseOptions, ParsedSchema};
use serde_json::Value;

use CompatibilityLevel::{
    Backward, BackwardTransitive, Forward, ForwardTransitive, Full, FullTransitive, None,
};

fn avro(text: &str) -> ParsedSchema {
    ParsedSchema::parse(SchemaType::Avro, text, &[], ParseOptions::default())
        .unwrap_or_else(|e| panic!("{text} should parse: {e}"))
}

/// Checks `new` against `previous` (oldest first), numbering them 1, 2, ...
fn check(
    level: CompatibilityLevel,
    new: &ParsedSchema,
    previous: &[&ParsedSchema],
) -> CompatibilityReport {
    let versions: Vec<PreviousVersion<'_>> = previous
        .iter()
        .enumerate()
        .map(|(i, schema)| PreviousVersion {
            version: Some(i32::try_from(i + 1).expect("few versions")),
            schema,
        })
        .collect();
    compat::check(level, new, &versions)
}

fn compatible(level: CompatibilityLevel, new: &ParsedSchema, previous: &[&ParsedSchema]) -> bool {
    check(level, new, previous).is_compatible()
}

// Confluent AvroCompatibilityTest's schemas.
const SCHEMA1: &str =
    r#"{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1"}]}"#;
const SCHEMA2: &str = r#"{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1"}, {"type":"string","name":"f2", "default": "foo"}]}"#;
const SCHEMA3: &str = r#"{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1"}, {"type":"string","name":"f2"}]}"#;
const SCHEMA4: &str = r#"{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1_new", "aliases": ["f1"]}]}"#;
const SCHEMA6: &str = r#"{"type":"record","name":"myrecord","fields":[{"type":["null", "string"],"name":"f1", "doc":"doc of f1"}]}"#;
const SCHEMA7: &str = r#"{"type":"record","name":"myrecord","fields":[{"type":["null", "string", "int"],"name":"f1", "doc":"doc of f1"}]}"#;
const SCHEMA8: &str = r#"{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1"}, {"type":"string","name":"f2", "default": "foo"}, {"type":"string","name":"f3", "default": "bar"}]}"#;

struct Schemas {
    s1: ParsedSchema,
    s2: ParsedSchema,
    s3: ParsedSchema,
    s4: ParsedSchema,
    s6: ParsedSchema,
    s7: ParsedSchema,
    s8: ParsedSchema,
}

fn schemas() -> Schemas {
    Schemas {
        s1: avro(SCHEMA1),
        s2: avro(SCHEMA2),
        s3: avro(SCHEMA3),
        s4: avro(SCHEMA4),
        s6: avro(SCHEMA6),
        s7: avro(SCHEMA7),
        s8: avro(SCHEMA8),
    }
}

/// AvroCompatibilityTest.testBadDefaultNull: `"null"` is a valid default of a
/// `["null","string"]` union (it is a string), even with new-schema validation.
#[test]
fn bad_default_null_string_is_accepted() {
    let text = r#"{"type":"record","name":"myrecord","fields":[{"type":["null", "string"],"name":"f1", "default": "null"}, {"type":"string","name":"f2", "default": "foo"}, {"type":"string","name":"f3", "default": "bar"}]}"#;
    let options = ParseOptions {
        validate: true,
        normalize: false,
    };
    assert!(ParsedSchema::parse(SchemaType::Avro, text, &[], options).is_ok());
}

/// AvroCompatibilityTest.testBasicBackwardsCompatibility.
#[test]
fn backward() {
    let s = schemas();
    assert!(
        compatible(Backward, &s.s2, &[&s.s1]),
        "add field with default"
    );
    assert!(
        !compatible(Backward, &s.s3, &[&s.s1]),
        "add field without default"
    );
    assert!(compatible(Backward, &s.s4, &[&s.s1]), "rename with alias");
    assert!(compatible(Backward, &s.s6, &[&s.s1]), "type to union");
    assert!(!compatible(Backward, &s.s1, &[&s.s6]), "union to type");
    assert!(compatible(Backward, &s.s7, &[&s.s6]), "add union branch");
    assert!(
        !compatible(Backward, &s.s6, &[&s.s7]),
        "remove union branch"
    );
    // Only the latest (schema2) is checked.
    assert!(compatible(Backward, &s.s3, &[&s.s1, &s.s2]));
}

/// AvroCompatibilityTest.testBasicBackwardsTransitiveCompatibility (the default-removal trap).
#[test]
fn backward_transitive() {
    let s = schemas();
    assert!(compatible(BackwardTransitive, &s.s8, &[&s.s1, &s.s2]));
    assert!(compatible(BackwardTransitive, &s.s2, &[&s.s1]));
    assert!(compatible(BackwardTransitive, &s.s3, &[&s.s2]));
    assert!(!compatible(BackwardTransitive, &s.s3, &[&s.s2, &s.s1]));
}

/// AvroCompatibilityTest.testBasicForwardsCompatibility.
#[test]
fn forward() {
    let s = schemas();
    assert!(compatible(Forward, &s.s2, &[&s.s1]));
    assert!(compatible(Forward, &s.s3, &[&s.s1]));
    assert!(compatible(Forward, &s.s3, &[&s.s2]));
    assert!(compatible(Forward, &s.s2, &[&s.s3]));
    // Only the latest (schema2) is checked.
    assert!(compatible(Forward, &s.s1, &[&s.s3, &s.s2]));
}

/// AvroCompatibilityTest.testBasicForwardsTransitiveCompatibility.
#[test]
fn forward_transitive() {
    let s = schemas();
    assert!(compatible(ForwardTransitive, &s.s1, &[&s.s8, &s.s2]));
    assert!(compatible(ForwardTransitive, &s.s2, &[&s.s3]));
    assert!(compatible(ForwardTransitive, &s.s1, &[&s.s2]));
    assert!(!compatible(ForwardTransitive, &s.s1, &[&s.s2, &s.s3]));
}

/// AvroCompatibilityTest.testBasicFullCompatibility.
#[test]
fn full() {
    let s = schemas();
    assert!(compatible(Full, &s.s2, &[&s.s1]));
    assert!(compatible(Full, &s.s3, &[&s.s1, &s.s2]));
    assert!(compatible(Full, &s.s1, &[&s.s3, &s.s2]));
}

/// AvroCompatibilityTest.testBasicFullTransitiveCompatibility.
#[test]
fn full_transitive() {
    let s = schemas();
    assert!(compatible(FullTransitive, &s.s8, &[&s.s1, &s.s2]));
    assert!(compatible(FullTransitive, &s.s1, &[&s.s8, &s.s2]));
    assert!(compatible(FullTransitive, &s.s2, &[&s.s3]));
    assert!(compatible(FullTransitive, &s.s1, &[&s.s2]));
    assert!(compatible(FullTransitive, &s.s2, &[&s.s1]));
    assert!(compatible(FullTransitive, &s.s3, &[&s.s2]));
    assert!(!compatible(FullTransitive, &s.s3, &[&s.s2, &s.s1]));
    assert!(!compatible(FullTransitive, &s.s1, &[&s.s2, &s.s3]));
}

/// Spec §5.2 / `SchemaValidatorBuilder.formatErrorMessages`: differences, then the old
/// version, the old schema, and the level entry.
#[test]
fn backward_message_list_layout() {
    let s = schemas();
    let report = check(Backward, &s.s3, &[&s.s1]);
    assert_eq!(
        report.messages,
        vec![
            "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'f2' at path '/fields/1' in the new schema has no default value and is missing in the old schema', additionalInfo:'f2'}".to_owned(),
            "{oldSchemaVersion: 1}".to_owned(),
            format!("{{oldSchema: '{}'}}", s.s1.canonical()),
            "{validateFields: 'false', compatibility: 'BACKWARD'}".to_owned(),
        ]
    );
    assert_eq!(
        s.s1.canonical(),
        r#"{"type":"record","name":"myrecord","fields":[{"name":"f1","type":"string"}]}"#
    );
}

/// FORWARD swaps the labels (the old schema reads); the version/schema entries follow.
#[test]
fn forward_message_list_layout() {
    let s = schemas();
    let report = check(Forward, &s.s1, &[&s.s3]);
    assert_eq!(report.messages.len(), 4);
    assert!(
        report.messages[0]
            .contains("in the old schema has no default value and is missing in the new schema")
    );
    assert_eq!(report.messages[1], "{oldSchemaVersion: 1}");
    assert_eq!(
        report.messages[3],
        "{validateFields: 'false', compatibility: 'FORWARD'}"
    );
}

/// FULL (`mutualReadStrategy`): forward differences first, without version/schema entries;
/// the backward half carries them.
#[test]
fn full_lists_forward_half_first_and_only_backward_half_appends_schema() {
    let old = avro(r#"{"type":"record","name":"r","fields":[{"name":"a","type":"int"}]}"#);
    let new = avro(r#"{"type":"record","name":"r","fields":[{"name":"b","type":"int"}]}"#);
    let report = check(Full, &new, &[&old]);
    assert_eq!(report.messages.len(), 5, "{:?}", report.messages);
    assert!(report.messages[0].contains("The field 'a' at path '/fields/0' in the old schema"));
    assert!(report.messages[1].contains("The field 'b' at path '/fields/0' in the new schema"));
    assert_eq!(report.messages[2], "{oldSchemaVersion: 1}");
    assert!(report.messages[3].starts_with("{oldSchema: '"));
    assert_eq!(
        report.messages[4],
        "{validateFields: 'false', compatibility: 'FULL'}"
    );

    // Only the forward half fails: no version/schema entries at all.
    let old = avro(r#"{"type":"record","name":"r","fields":[{"name":"a","type":"int"}]}"#);
    let new = avro(r#"{"type":"record","name":"r","fields":[]}"#);
    let report = check(Full, &new, &[&old]);
    assert_eq!(report.messages.len(), 2, "{:?}", report.messages);
    assert_eq!(
        report.messages[1],
        "{validateFields: 'false', compatibility: 'FULL'}"
    );
}

/// Transitive levels go newest → oldest and report only the first failing version.
#[test]
fn transitive_reports_first_failing_version_newest_first() {
    let v1 = avro(r#"{"type":"record","name":"r","fields":[]}"#);
    let v2 =
        avro(r#"{"type":"record","name":"r","fields":[{"name":"a","type":"int","default":1}]}"#);
    let v3 = avro(
        r#"{"type":"record","name":"r","fields":[{"name":"a","type":"string","default":"x"}]}"#,
    );
    let new = avro(r#"{"type":"record","name":"r","fields":[{"name":"a","type":"int"}]}"#);
    let report = check(BackwardTransitive, &new, &[&v1, &v2, &v3]);
    assert!(report.messages[0].contains("TYPE_MISMATCH"));
    assert_eq!(report.messages[1], "{oldSchemaVersion: 3}");
    assert_eq!(
        report.messages.last().map(String::as_str),
        Some("{validateFields: 'false', compatibility: 'BACKWARD_TRANSITIVE'}")
    );
    // Without versions the entry is left out.
    let report = compat::check(
        Backward,
        &new,
        &[PreviousVersion {
            version: Option::None,
            schema: &v3,
        }],
    );
    assert!(report.messages[1].starts_with("{oldSchema: '"));
}

/// Spec §5.1: a schema type switch gives the single message under every level but NONE.
#[test]
fn different_schema_type() {
    let json = ParsedSchema::parse(
        SchemaType::Json,
        r#"{"type":"object"}"#,
        &[],
        ParseOptions::default(),
    )
    .expect("json parses");
    let s = schemas();
    for level in [
        Backward,
        BackwardTransitive,
        Forward,
        ForwardTransitive,
        Full,
        FullTransitive,
    ] {
        let report = check(level, &json, &[&s.s1]);
        assert_eq!(
            report.messages,
            vec![
                compat::DIFFERENT_SCHEMA_TYPE.to_owned(),
                format!("{{validateFields: 'false', compatibility: '{level}'}}"),
            ]
        );
    }
    assert!(compatible(None, &json, &[&s.s1]));
}

/// `SchemaValidatorBuilder`: old schemas over 10 KiB are truncated.
#[test]
fn long_old_schema_is_truncated() {
    let doc = "x".repeat(11 * 1024);
    let old = avro(&format!(
        r#"{{"type":"record","name":"r","doc":"{doc}","fields":[]}}"#
    ));
    let new = avro(r#"{"type":"record","name":"r","fields":[{"name":"a","type":"int"}]}"#);
    let report = check(Backward, &new, &[&old]);
    let entry = &report.messages[2];
    assert!(entry.starts_with("{oldSchema: <truncated> '{\"type\":\"record\""));
    assert!(entry.ends_with("...'}"));
    assert_eq!(
        entry.len(),
        "{oldSchema: <truncated> '".len() + 10 * 1024 + "...'}".len()
    );
}

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/avro/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// krabka avro_matrix.json (captured from cp-schema-registry 7.4.0): all 36 rows.
/// `reader` is the new schema, `writer` the registered one.
#[test]
fn krabka_avro_matrix() {
    let rows = fixture("avro_matrix.json");
    let rows = rows.as_array().expect("array of rows");
    assert_eq!(rows.len(), 36);
    for row in rows {
        let field = |k: &str| row[k].as_str().unwrap_or_else(|| panic!("{k} in {row}"));
        let level: CompatibilityLevel = field("level").parse().expect("level");
        let new = avro(field("reader"));
        let old = avro(field("writer"));
        let expected = row["is_compatible"].as_bool().expect("is_compatible");
        assert_eq!(
            compatible(level, &new, &[&old]),
            expected,
            "case {} at {level}",
            field("case")
        );
    }
}

/// Apicurio avro compatibility-test-data.json: all rows. `backward` = the update reads the
/// original only; `both` = both directions; `none` = neither.
#[test]
fn apicurio_avro_cases() {
    let data = fixture("avro-compatibility-test-data.json");
    let tests = data["tests"].as_array().expect("tests");
    assert_eq!(tests.len(), 4);
    for test in tests {
        let original = avro(&test["original"].to_string());
        let updated = avro(&test["updated"].to_string());
        let backward = compatible(Backward, &updated, &[&original]);
        let forward = compatible(Forward, &updated, &[&original]);
        let expected = match test["compatibility"].as_str() {
            Some("backward") => (true, false),
            Some("forward") => (false, true),
            Some("both") => (true, true),
            Some("none") => (false, false),
            other => panic!("unknown verdict {other:?}"),
        };
        assert_eq!((backward, forward), expected, "{}", test["id"]);
    }
}

/// Every level accepts a schema against itself (and NONE accepts anything).
#[test]
fn schema_is_compatible_with_itself_at_every_level() {
    let s = schemas();
    for level in CompatibilityLevel::ALL {
        for schema in [&s.s1, &s.s2, &s.s3, &s.s4, &s.s6, &s.s7, &s.s8] {
            assert!(compatible(level, schema, &[schema, schema]));
        }
    }
}
