//! Explanations and diffs per engine, over small schemas of our own.

use super::*;
use crate::domain::{CompatibilityLevel as L, SchemaType};
use crate::schema::ParseOptions;

fn parse(schema_type: SchemaType, text: &str) -> ParsedSchema {
    ParsedSchema::parse(schema_type, text, &[], ParseOptions::default())
        .expect("test schema parses")
}

fn avro(text: &str) -> ParsedSchema {
    parse(SchemaType::Avro, text)
}

const ORDER_V1: &str = r#"{
  "type": "record",
  "name": "Order",
  "fields": [
    {"name": "id", "type": "string"},
    {"name": "total", "type": "double"},
    {"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["OPEN", "PAID", "SHIPPED"]}}
  ]
}"#;

fn order_with(fields: &str) -> String {
    format!(
        "{{\n  \"type\": \"record\",\n  \"name\": \"Order\",\n  \"fields\": [\n{fields}\n  ]\n}}"
    )
}

#[test]
fn avro_field_added_without_default_breaks_new_readers_and_asks_for_a_default() {
    let new_text = order_with(
        r#"    {"name": "id", "type": "string"},
    {"name": "total", "type": "double"},
    {"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["OPEN", "PAID", "SHIPPED"]}},
    {"name": "currency", "type": "string"}"#,
    );
    let found = explain(&avro(ORDER_V1), &avro(&new_text), L::Backward);
    assert_eq!(found.len(), 1, "{found:#?}");
    let e = &found[0];
    assert_eq!(e.kind, "READER_FIELD_MISSING_DEFAULT_VALUE");
    assert_eq!(e.direction, Direction::Backward);
    assert_eq!(e.breaks, "new readers of old data");
    assert_eq!(e.name.as_deref(), Some("Order.currency"));
    assert_eq!((e.old.as_deref(), e.new.as_deref()), (None, Some("string")));
    assert_eq!(e.fix, "give `currency` a default");
    assert_eq!(e.line_in(&new_text), Some(8));
    assert!(e.message.contains("READER_FIELD_MISSING_DEFAULT_VALUE"));
}

#[test]
fn avro_type_change_says_keep_the_old_type() {
    let new_text = order_with(
        r#"    {"name": "id", "type": "string"},
    {"name": "total", "type": "string"},
    {"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["OPEN", "PAID", "SHIPPED"]}}"#,
    );
    let found = explain(&avro(ORDER_V1), &avro(&new_text), L::Full);
    assert!(!found.is_empty());
    for e in &found {
        assert_eq!(e.kind, "TYPE_MISMATCH");
        assert_eq!(e.name.as_deref(), Some("Order.total"));
        assert_eq!(
            (e.old.as_deref(), e.new.as_deref()),
            (Some("double"), Some("string"))
        );
        assert!(e.fix.starts_with("keep `total` a `double`"), "{}", e.fix);
        assert_eq!(e.line_in(&new_text), Some(6));
    }
    let directions: Vec<Direction> = found.iter().map(|e| e.direction).collect();
    assert_eq!(directions, [Direction::Forward, Direction::Backward]);
}

#[test]
fn avro_removed_field_breaks_old_readers_forward_and_points_at_the_record() {
    let new_text = order_with(
        r#"    {"name": "id", "type": "string"},
    {"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["OPEN", "PAID", "SHIPPED"]}}"#,
    );
    assert!(explain(&avro(ORDER_V1), &avro(&new_text), L::Backward).is_empty());
    let found = explain(&avro(ORDER_V1), &avro(&new_text), L::ForwardTransitive);
    assert_eq!(found.len(), 1, "{found:#?}");
    let e = &found[0];
    assert_eq!(e.direction, Direction::Forward);
    assert_eq!(e.breaks, "old readers of new data");
    assert_eq!(e.name.as_deref(), Some("Order.total"));
    assert_eq!((e.old.as_deref(), e.new.as_deref()), (Some("double"), None));
    assert!(
        e.fix.starts_with("keep `total` in the new schema"),
        "{}",
        e.fix
    );
    // Not in the new text: the record that held it.
    assert_eq!(e.line_in(&new_text), Some(3));
}

#[test]
fn avro_enum_symbol_removed_names_the_symbols() {
    let new_text = order_with(
        r#"    {"name": "id", "type": "string"},
    {"name": "total", "type": "double"},
    {"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["OPEN", "PAID"]}}"#,
    );
    let found = explain(&avro(ORDER_V1), &avro(&new_text), L::Backward);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].kind, "MISSING_ENUM_SYMBOLS");
    assert_eq!(found[0].name.as_deref(), Some("Order.status"));
    assert!(found[0].fix.contains("[SHIPPED]"), "{}", found[0].fix);
}

#[test]
fn avro_diff_lists_added_removed_and_changed_fields() {
    let new_text = order_with(
        r#"    {"name": "id", "type": "string"},
    {"name": "total", "type": "float"},
    {"name": "note", "type": ["null", "string"], "default": null}"#,
    );
    let changes = diff(&avro(ORDER_V1), &avro(&new_text));
    let summary: Vec<(ChangeKind, &str)> = changes
        .iter()
        .map(|c| (c.change, c.name.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            (ChangeKind::Changed, "Order.total"),
            (ChangeKind::Removed, "Order.status"),
            (ChangeKind::Added, "Order.note"),
        ]
    );
    assert_eq!(
        changes[2].new.as_deref(),
        Some("null | string (default null)")
    );
    assert!(
        changes[2].meaning.contains("default"),
        "{}",
        changes[2].meaning
    );
    assert!(diff(&avro(ORDER_V1), &avro(ORDER_V1)).is_empty());
}

const USER_V1: &str = r#"{
  "type": "object",
  "properties": {
    "name": {"type": "string", "maxLength": 40},
    "age": {"type": "integer"}
  },
  "required": ["name"]
}"#;

#[test]
fn json_type_change_and_narrowed_constraint() {
    let new_text = r#"{
  "type": "object",
  "properties": {
    "name": {"type": "string", "maxLength": 20},
    "age": {"type": "string"}
  },
  "required": ["name"]
}"#;
    let old = parse(SchemaType::Json, USER_V1);
    let new = parse(SchemaType::Json, new_text);
    let found = explain(&old, &new, L::Backward);
    let age = found
        .iter()
        .find(|e| e.kind == "TYPE_CHANGED")
        .expect("type change");
    assert_eq!(age.name.as_deref(), Some("age"));
    assert_eq!(
        (age.old.as_deref(), age.new.as_deref()),
        (Some("integer"), Some("string"))
    );
    assert_eq!(age.fix, "keep `age` an `integer`");
    assert_eq!(age.line_in(new_text), Some(5));
    let name = found
        .iter()
        .find(|e| e.kind == "MAX_LENGTH_DECREASED")
        .expect("maxLength decreased");
    assert_eq!(name.name.as_deref(), Some("name"));
    assert_eq!(name.fix, "keep `maxLength` of `name` at 40");
    assert_eq!(name.line_in(new_text), Some(4));
}

#[test]
fn json_diff_and_required_property() {
    let new_text = r#"{
  "type": "object",
  "properties": {
    "name": {"type": "string", "maxLength": 40},
    "email": {"type": "string"}
  },
  "required": ["name", "email"]
}"#;
    let old = parse(SchemaType::Json, USER_V1);
    let new = parse(SchemaType::Json, new_text);
    let changes = diff(&old, &new);
    let summary: Vec<(ChangeKind, &str)> = changes
        .iter()
        .map(|c| (c.change, c.name.as_str()))
        .collect();
    assert_eq!(
        summary,
        [(ChangeKind::Removed, "age"), (ChangeKind::Added, "email")]
    );
    assert!(
        changes[1].meaning.starts_with("required"),
        "{}",
        changes[1].meaning
    );
    let found = explain(&old, &new, L::Backward);
    assert!(
        found
            .iter()
            .any(|e| e.name.as_deref() == Some("email") && e.fix.contains("`email`")),
        "{found:#?}"
    );
}

const PARCEL_V1: &str = "syntax = \"proto3\";\npackage depot;\n\nmessage Parcel {\n  string code = 1;\n  int32 grams = 2;\n  repeated string tags = 3;\n}\n";

#[test]
fn protobuf_scalar_change_keeps_the_old_type() {
    let new_text = PARCEL_V1.replace("int32 grams", "double grams");
    let old = parse(SchemaType::Protobuf, PARCEL_V1);
    let new = parse(SchemaType::Protobuf, &new_text);
    let found = explain(&old, &new, L::Backward);
    assert_eq!(found.len(), 1, "{found:#?}");
    let e = &found[0];
    assert_eq!(e.path, "#/Parcel/2");
    assert_eq!(e.name.as_deref(), Some("Parcel.grams"));
    assert_eq!(
        (e.old.as_deref(), e.new.as_deref()),
        (Some("int32 (number 2)"), Some("double (number 2)"))
    );
    assert!(e.fix.starts_with("keep `grams` an `int32`"), "{}", e.fix);
    assert_eq!(e.line_in(&new_text), Some(6));
}

#[test]
fn protobuf_removed_message_and_field_rename_in_diff() {
    let old_text = format!("{PARCEL_V1}message Label {{\n  string text = 1;\n}}\n");
    let new_text = PARCEL_V1.replace("string code = 1", "string barcode = 1");
    let old = parse(SchemaType::Protobuf, &old_text);
    let new = parse(SchemaType::Protobuf, &new_text);
    let found = explain(&old, &new, L::Backward);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].kind, "MESSAGE_REMOVED");
    assert_eq!(found[0].name.as_deref(), Some("Label"));
    assert!(
        found[0].fix.contains("keep message `Label`"),
        "{}",
        found[0].fix
    );
    let changes = diff(&old, &new);
    let renamed = changes
        .iter()
        .find(|c| c.change == ChangeKind::Changed)
        .expect("rename");
    assert_eq!(renamed.name, "Parcel.barcode");
    assert!(
        renamed.meaning.starts_with("renamed"),
        "{}",
        renamed.meaning
    );
    assert!(
        changes
            .iter()
            .any(|c| c.change == ChangeKind::Removed && c.name == "Label")
    );
}

#[test]
fn different_types_and_none_level() {
    let a = avro(ORDER_V1);
    let j = parse(SchemaType::Json, USER_V1);
    let found = explain(&a, &j, L::Backward);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].kind, "SCHEMA_TYPE_CHANGED");
    assert!(explain(&a, &j, L::None).is_empty());
    assert_eq!(diff(&a, &j).len(), 1);
}

#[test]
fn json_required_attribute_names_the_property_not_its_object() {
    let old_text = r#"{"type": "object", "properties": {"address": {"type": "object",
        "properties": {"city": {"type": "string"}}}}}"#;
    let new_text = r#"{"type": "object", "properties": {"address": {"type": "object",
        "properties": {"city": {"type": "string"}}, "required": ["city"]}}}"#;
    let old = parse(SchemaType::Json, old_text);
    let new = parse(SchemaType::Json, new_text);
    let found = explain(&old, &new, L::Backward);
    let required = found
        .iter()
        .find(|e| e.kind == "REQUIRED_ATTRIBUTE_ADDED")
        .expect("required added");
    assert_eq!(required.name.as_deref(), Some("address.city"), "{found:#?}");
    assert_eq!(
        required.fix,
        "leave `city` optional, or give it a `default`"
    );
}

#[test]
fn protobuf_oneof_changes_read_by_direction() {
    let old_text = "syntax = \"proto3\";\nmessage Pay {\n  oneof via {\n    string card = 1;\n  }\n  int64 cents = 2;\n}\n";
    let new_text = "syntax = \"proto3\";\nmessage Pay {\n  oneof via {\n    string card = 1;\n    int64 cents = 2;\n  }\n}\n";
    let old = parse(SchemaType::Protobuf, old_text);
    let new = parse(SchemaType::Protobuf, new_text);
    let found = explain(&old, &new, L::Full);
    assert!(!found.is_empty());
    for e in &found {
        match e.direction {
            Direction::Forward if e.kind == "ONEOF_FIELD_REMOVED" => {
                assert_eq!(e.name.as_deref(), Some("Pay.cents"));
                assert!(
                    e.fix.starts_with("leave `cents` out of the oneof"),
                    "{}",
                    e.fix
                );
            }
            _ => assert!(!e.summary.is_empty() && !e.fix.is_empty()),
        }
    }
    assert!(
        found
            .iter()
            .any(|e| e.kind == "FIELD_MOVED_TO_EXISTING_ONEOF"
                && e.name.as_deref() == Some("Pay.via")
                && e.line_in(new_text) == Some(3)),
        "{found:#?}"
    );
}

/// Every schema pair of the fuzz corpus (two texts split at a NUL byte): explanations exist
/// exactly when the level fails, lines are found without panicking, and a schema has no
/// semantic difference from itself.
#[test]
fn fuzz_corpus_pairs_agree_with_the_verdicts() {
    use crate::schema::compat::{self, PreviousVersion};
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus");
    let mut pairs = 0;
    for (dir, ty) in [
        ("avro_schema", SchemaType::Avro),
        ("json_schema", SchemaType::Json),
        ("protobuf_schema", SchemaType::Protobuf),
    ] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for entry in entries.flatten() {
            let data = std::fs::read(entry.path()).expect("corpus file");
            let (a, b) = match data.iter().position(|&x| x == 0) {
                Some(at) => (&data[..at], &data[at + 1..]),
                None => (&data[..], &data[..]),
            };
            let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
            let parse = |t: &str| ParsedSchema::parse(ty, t, &[], ParseOptions::default()).ok();
            let (Some(x), Some(y)) = (parse(&a), parse(&b)) else {
                continue;
            };
            pairs += 1;
            for level in [L::Backward, L::Forward, L::Full] {
                let prev = [PreviousVersion {
                    version: Some(1),
                    schema: &x,
                }];
                let compatible = compat::check(level, &y, &prev).is_compatible();
                let explained = explain(&x, &y, level);
                assert_eq!(
                    explained.is_empty(),
                    compatible,
                    "{level} {:?}",
                    entry.path()
                );
                for e in &explained {
                    let _ = e.line_in(&b);
                    assert!(!e.summary.is_empty() && !e.fix.is_empty());
                }
            }
            assert!(diff(&x, &x).is_empty(), "{:?}", entry.path());
            assert!(diff(&y, &y).is_empty(), "{:?}", entry.path());
            let _ = diff(&x, &y);
        }
    }
    assert!(pairs > 0, "no corpus pair parsed");
}
