//! The seven levels and Confluent's message list over Avro schemas: adding and removing
//! fields with and without defaults, aliases and unions under each level, one row per rule at
//! BACKWARD, FORWARD and FULL, and the exact layout of Confluent's message list
//! (`SchemaValidatorBuilder` / `isCompatibleWithPrevious`). Third-party verdicts are replayed
//! in `avro_replay.rs`.

use registry_server::domain::{CompatibilityLevel, SchemaType};
use registry_server::schema::compat::{self, CompatibilityReport, PreviousVersion};
use registry_server::schema::{ParseOptions, ParsedSchema};

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

// One record in the versions the level tests need: 1 plain, 2 adds a field with a default,
// 3 the same field without, 4 renames the first field with an alias, 6 and 7 turn it into a
// union and widen that, 8 adds a third defaulted field.
const SCHEMA1: &str =
    r#"{"type":"record","name":"Shipment","fields":[{"type":"string","name":"carrier"}]}"#;
const SCHEMA2: &str = r#"{"type":"record","name":"Shipment","fields":[{"type":"string","name":"carrier"}, {"type":"string","name":"tracking", "default": "untracked"}]}"#;
const SCHEMA3: &str = r#"{"type":"record","name":"Shipment","fields":[{"type":"string","name":"carrier"}, {"type":"string","name":"tracking"}]}"#;
const SCHEMA4: &str = r#"{"type":"record","name":"Shipment","fields":[{"type":"string","name":"courier", "aliases": ["carrier"]}]}"#;
const SCHEMA6: &str = r#"{"type":"record","name":"Shipment","fields":[{"type":["null", "string"],"name":"carrier", "doc":"who carries it"}]}"#;
const SCHEMA7: &str = r#"{"type":"record","name":"Shipment","fields":[{"type":["null", "string", "int"],"name":"carrier", "doc":"who carries it"}]}"#;
const SCHEMA8: &str = r#"{"type":"record","name":"Shipment","fields":[{"type":"string","name":"carrier"}, {"type":"string","name":"tracking", "default": "untracked"}, {"type":"string","name":"notes", "default": "none"}]}"#;

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

/// `"null"` is a valid default of a
/// `["null","string"]` union (it is a string), even with new-schema validation.
#[test]
fn bad_default_null_string_is_accepted() {
    let text = r#"{"type":"record","name":"Shipment","fields":[{"type":["null", "string"],"name":"carrier", "default": "null"}, {"type":"string","name":"tracking", "default": "untracked"}, {"type":"string","name":"notes", "default": "none"}]}"#;
    let options = ParseOptions {
        validate: true,
        normalize: false,
    };
    assert!(ParsedSchema::parse(SchemaType::Avro, text, &[], options).is_ok());
}

/// BACKWARD: a new field needs a default, an alias renames, a union may gain branches.
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

/// BACKWARD_TRANSITIVE: dropping a default is fine against the latest version only, not
/// against the version that lacked the field.
#[test]
fn backward_transitive() {
    let s = schemas();
    assert!(compatible(BackwardTransitive, &s.s8, &[&s.s1, &s.s2]));
    assert!(compatible(BackwardTransitive, &s.s2, &[&s.s1]));
    assert!(compatible(BackwardTransitive, &s.s3, &[&s.s2]));
    assert!(!compatible(BackwardTransitive, &s.s3, &[&s.s2, &s.s1]));
}

/// FORWARD: the old schema must read new data; only the latest version counts.
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

/// FORWARD_TRANSITIVE: every earlier version must read new data.
#[test]
fn forward_transitive() {
    let s = schemas();
    assert!(compatible(ForwardTransitive, &s.s1, &[&s.s8, &s.s2]));
    assert!(compatible(ForwardTransitive, &s.s2, &[&s.s3]));
    assert!(compatible(ForwardTransitive, &s.s1, &[&s.s2]));
    assert!(!compatible(ForwardTransitive, &s.s1, &[&s.s2, &s.s3]));
}

/// FULL: both directions against the latest version.
#[test]
fn full() {
    let s = schemas();
    assert!(compatible(Full, &s.s2, &[&s.s1]));
    assert!(compatible(Full, &s.s3, &[&s.s1, &s.s2]));
    assert!(compatible(Full, &s.s1, &[&s.s3, &s.s2]));
}

/// FULL_TRANSITIVE: both directions against every earlier version.
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
            "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'tracking' at path '/fields/1' in the new schema has no default value and is missing in the old schema', additionalInfo:'tracking'}".to_owned(),
            "{oldSchemaVersion: 1}".to_owned(),
            format!("{{oldSchema: '{}'}}", s.s1.canonical()),
            "{validateFields: 'false', compatibility: 'BACKWARD'}".to_owned(),
        ]
    );
    assert_eq!(
        s.s1.canonical(),
        r#"{"type":"record","name":"Shipment","fields":[{"name":"carrier","type":"string"}]}"#
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

/// One rule per row, judged at BACKWARD, FORWARD and FULL: (rule, registered schema, new
/// schema, verdicts at those three levels).
const LEVEL_RULES: &[(&str, &str, &str, [bool; 3])] = &[
    (
        "a new field with a default",
        r#"{"type":"record","name":"Parcel","fields":[{"name":"weight","type":"int"}]}"#,
        r#"{"type":"record","name":"Parcel","fields":[{"name":"weight","type":"int"},{"name":"fragile","type":"boolean","default":false}]}"#,
        [true, true, true],
    ),
    (
        "a new field without a default",
        r#"{"type":"record","name":"Parcel","fields":[{"name":"weight","type":"int"}]}"#,
        r#"{"type":"record","name":"Parcel","fields":[{"name":"weight","type":"int"},{"name":"fragile","type":"boolean"}]}"#,
        [false, true, false],
    ),
    (
        "a field without a default dropped",
        r#"{"type":"record","name":"Parcel","fields":[{"name":"weight","type":"int"},{"name":"label","type":"string"}]}"#,
        r#"{"type":"record","name":"Parcel","fields":[{"name":"weight","type":"int"}]}"#,
        [true, false, false],
    ),
    (
        "int promoted to long",
        r#"{"type":"record","name":"Parcel","fields":[{"name":"weight","type":"int"}]}"#,
        r#"{"type":"record","name":"Parcel","fields":[{"name":"weight","type":"long"}]}"#,
        [true, false, false],
    ),
    (
        "float narrowed to int",
        r#"{"type":"record","name":"Parcel","fields":[{"name":"weight","type":"float"}]}"#,
        r#"{"type":"record","name":"Parcel","fields":[{"name":"weight","type":"int"}]}"#,
        [false, true, false],
    ),
    (
        "an enum symbol added",
        r#"{"type":"record","name":"Parcel","fields":[{"name":"size","type":{"type":"enum","name":"Size","symbols":["S","M"]}}]}"#,
        r#"{"type":"record","name":"Parcel","fields":[{"name":"size","type":{"type":"enum","name":"Size","symbols":["S","M","L"]}}]}"#,
        [true, false, false],
    ),
    (
        "an enum symbol removed",
        r#"{"type":"record","name":"Parcel","fields":[{"name":"size","type":{"type":"enum","name":"Size","symbols":["S","M","L"]}}]}"#,
        r#"{"type":"record","name":"Parcel","fields":[{"name":"size","type":{"type":"enum","name":"Size","symbols":["S","M"]}}]}"#,
        [false, true, false],
    ),
    (
        "an enum symbol removed, the new enum has a default",
        r#"{"type":"enum","name":"Size","symbols":["S","M","L"]}"#,
        r#"{"type":"enum","name":"Size","symbols":["S","M"],"default":"M"}"#,
        [true, true, true],
    ),
    (
        "a decimal field kept, a defaulted field added",
        r#"{"type":"record","name":"Invoice","fields":[{"name":"total","type":{"type":"bytes","logicalType":"decimal","precision":12,"scale":3}}]}"#,
        r#"{"type":"record","name":"Invoice","fields":[{"name":"total","type":{"type":"bytes","logicalType":"decimal","precision":12,"scale":3}},{"name":"paid","type":"boolean","default":false}]}"#,
        [true, true, true],
    ),
    (
        "a logical type changed over the same long",
        r#"{"type":"long","logicalType":"timestamp-micros"}"#,
        r#"{"type":"long","logicalType":"local-timestamp-millis"}"#,
        [true, true, true],
    ),
    (
        "a logical type changed over the same int",
        r#"{"type":"int","logicalType":"time-millis"}"#,
        r#"{"type":"int","logicalType":"date"}"#,
        [true, true, true],
    ),
    (
        "a record renamed with the old name as alias",
        r#"{"type":"record","name":"Parcel","fields":[{"name":"weight","type":"int"}]}"#,
        r#"{"type":"record","name":"Package","aliases":["Parcel"],"fields":[{"name":"weight","type":"int"}]}"#,
        [true, false, false],
    ),
    (
        "a record renamed without an alias",
        r#"{"type":"record","name":"Parcel","fields":[{"name":"weight","type":"int"}]}"#,
        r#"{"type":"record","name":"Package","fields":[{"name":"weight","type":"int"}]}"#,
        [false, false, false],
    ),
    (
        "a nested enum gains a symbol, docs unchanged",
        r#"{"type":"record","name":"Trip","namespace":"com.example.fleet","fields":[{"name":"plate","type":"string","doc":"as registered"},{"name":"fuel","type":{"type":"enum","name":"Fuel","symbols":["PETROL","DIESEL"]}}]}"#,
        r#"{"type":"record","name":"Trip","namespace":"com.example.fleet","fields":[{"name":"plate","type":"string","doc":"as registered"},{"name":"fuel","type":{"type":"enum","name":"Fuel","symbols":["PETROL","DIESEL","ELECTRIC"]}}]}"#,
        [true, false, false],
    ),
];

#[test]
fn level_rules() {
    let mut failures = Vec::new();
    for (rule, old, new, verdicts) in LEVEL_RULES {
        let (old, new) = (avro(old), avro(new));
        for (level, want) in [Backward, Forward, Full].into_iter().zip(verdicts) {
            let got = compatible(level, &new, &[&old]);
            if got != *want {
                failures.push(format!("{rule} at {level}: got {got}, expected {want}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
