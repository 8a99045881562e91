//! Tests of `.proto` text into the file model.

use super::*;
use crate::schema::limits::DEFAULT_MAX_DEPTH;

fn read(text: &str) -> ProtoFile {
    match parse(text, DEFAULT_MAX_DEPTH) {
        Ok(file) => file,
        Err(error) => panic!("{text}\n=> {error}"),
    }
}

fn string(text: &str) -> OptionValue {
    OptionValue::String(text.as_bytes().to_vec())
}

fn int(n: u64) -> OptionValue {
    OptionValue::Int {
        negative: false,
        magnitude: n,
    }
}

const SHOP: &str = r#"
syntax = "proto3";
package shop.v2;

import "google/protobuf/timestamp.proto";
import public "shop/common.proto";
option java_package = "com.example.shop";
option (shop.owner) = { team: "payments" oncall: ["a", "b"] };

enum Status { option allow_alias = true; NEW = 0; PAID = 1 [deprecated = true]; }

message Basket {
  // a comment that goes nowhere
  reserved 4, 8 to 10;
  reserved "legacy";
  string id = 1 [json_name = "basketId", (shop.tag) = 0x20];
  map<string, Line> lines = 2;
  optional int32 coupon = 3;
  oneof payment { string card = 5; bytes token = 6; }
  google.protobuf.Timestamp created = 7;
  repeated Status history = 11;
  message Line { int64 sku = 1; uint32 count = 2; }
}

service Checkout {
  rpc Pay (Basket) returns (stream Basket) { option deprecated = true; }
}
"#;

#[test]
fn a_proto3_file_reads_as_written() {
    let file = read(SHOP);
    assert_eq!(file.syntax, Some(Syntax::Proto3));
    assert_eq!(file.package.as_deref(), Some("shop.v2"));
    assert_eq!(
        file.imports,
        vec![
            Import {
                path: "google/protobuf/timestamp.proto".to_owned(),
                kind: ImportKind::Plain
            },
            Import {
                path: "shop/common.proto".to_owned(),
                kind: ImportKind::Public
            },
        ]
    );
    assert_eq!(file.options[0].name, "java_package");
    assert_eq!(file.options[0].value, string("com.example.shop"));
    assert_eq!(file.options[1].name, "(shop.owner)");
    let OptionValue::Aggregate(entries) = &file.options[1].value else {
        panic!("aggregate expected: {:?}", file.options[1]);
    };
    assert_eq!(entries.len(), 2);
    assert_eq!(file.enums[0].name, "Status");
    assert_eq!(file.enums[0].values[1].options[0].name, "deprecated");

    let basket = &file.messages[0];
    assert_eq!(basket.name, "Basket");
    let names: Vec<&str> = basket.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["id", "lines", "coupon", "created", "history"]);
    let id = &basket.fields[0];
    assert_eq!(id.label, None);
    assert_eq!(id.json_name.as_deref(), Some("basketId"));
    assert_eq!(id.options.len(), 1);
    assert_eq!(id.options[0].name, "(shop.tag)");
    assert_eq!(id.options[0].value, int(32));
    assert_eq!(
        basket.fields[1].field_type,
        FieldType::Map {
            key: Scalar::String,
            value: Box::new(FieldType::Named("Line".to_owned()))
        }
    );
    assert_eq!(basket.fields[1].label, None);
    assert_eq!(basket.fields[2].label, Some(Label::Optional));
    assert_eq!(
        basket.fields[3].field_type,
        FieldType::Named("google.protobuf.Timestamp".to_owned())
    );
    assert_eq!(basket.fields[4].label, Some(Label::Repeated));
    // proto3 `optional` makes no oneof of its own
    assert_eq!(basket.oneofs.len(), 1);
    assert_eq!(basket.oneofs[0].name, "payment");
    assert_eq!(basket.oneofs[0].fields.len(), 2);
    assert_eq!(
        basket.reserved,
        vec![
            Reserved::Ranges(vec![
                NumberRange { start: 4, end: 4 },
                NumberRange { start: 8, end: 10 }
            ]),
            Reserved::Names(vec!["legacy".to_owned()]),
        ]
    );
    // the map entry is not a message of its own
    assert_eq!(basket.messages.len(), 1);
    assert_eq!(basket.messages[0].name, "Line");

    let rpc = &file.services[0].rpcs[0];
    assert_eq!(rpc.input, "Basket");
    assert!(!rpc.input_stream);
    assert!(rpc.output_stream);
    assert_eq!(rpc.options[0].name, "deprecated");
}

#[test]
fn proto2_labels_groups_defaults_extensions_and_extend_blocks() {
    let file = read(
        r#"
message Parcel {
  reserved 30 to max;
  reserved 2, 3;
  extensions 100 to 199, 250;
  extensions 1000 to max;
  required string label = 1 [default = "fragile\n"];
  optional bytes seal = 4 [default = "\001\377"];
  optional double weight = 5 [default = -inf];
  optional int64 count = 6 [default = -12];
  repeated group Stop = 7 { required string city = 1; }
  extend Parcel { optional int32 priority = 101; }
}
extend Parcel { optional int32 insured = 100; optional int32 fee = 102; }
extend Parcel { optional string note = 103; }
"#,
    );
    assert_eq!(file.syntax, None);
    let parcel = &file.messages[0];
    assert_eq!(parcel.fields[0].label, Some(Label::Required));
    assert_eq!(parcel.fields[0].default, Some(string("fragile\n")));
    assert_eq!(
        parcel.fields[1].default,
        Some(OptionValue::String(vec![1, 0xff]))
    );
    assert_eq!(
        parcel.fields[2].default,
        Some(OptionValue::Identifier("-inf".to_owned()))
    );
    assert_eq!(
        parcel.fields[3].default,
        Some(OptionValue::Int {
            negative: true,
            magnitude: 12
        })
    );
    assert_eq!(parcel.groups.len(), 1);
    assert_eq!(parcel.groups[0].name, "Stop");
    assert_eq!(parcel.groups[0].label, Some(Label::Repeated));
    assert_eq!(parcel.groups[0].body.fields[0].name, "city");
    assert!(
        parcel.messages.is_empty(),
        "the group body is not a message"
    );
    assert_eq!(
        parcel.reserved,
        vec![
            Reserved::Ranges(vec![NumberRange {
                start: 30,
                end: super::super::ast::MAX_FIELD_NUMBER
            }]),
            Reserved::Ranges(vec![
                NumberRange { start: 2, end: 2 },
                NumberRange { start: 3, end: 3 }
            ]),
        ]
    );
    let ranges: Vec<Vec<NumberRange>> = parcel
        .extension_ranges
        .iter()
        .map(|r| r.ranges.clone())
        .collect();
    assert_eq!(
        ranges,
        vec![
            vec![
                NumberRange {
                    start: 100,
                    end: 199
                },
                NumberRange {
                    start: 250,
                    end: 250
                }
            ],
            vec![NumberRange {
                start: 1000,
                end: super::super::ast::MAX_FIELD_NUMBER
            }],
        ]
    );
    assert_eq!(parcel.extends.len(), 1);
    assert_eq!(parcel.extends[0].fields[0].name, "priority");
    let blocks: Vec<usize> = file.extends.iter().map(|e| e.fields.len()).collect();
    assert_eq!(blocks, [2, 1]);
    assert_eq!(file.extends[0].extendee, "Parcel");
    assert_eq!(file.extends[0].fields[0].label, Some(Label::Optional));
}

#[test]
fn a_declared_proto2_syntax_is_kept() {
    let file = read("syntax = \"proto2\";\nmessage A { optional int32 x = 1; }");
    assert_eq!(file.syntax, Some(Syntax::Proto2));
}

#[test]
fn enum_reserved_ranges_are_inclusive_and_grouped_by_statement() {
    let file = read(
        "syntax = \"proto3\";\nenum Color { reserved 5 to 7; reserved \"RED\", \"BLUE\"; NONE = 0; }",
    );
    assert_eq!(
        file.enums[0].reserved,
        vec![
            Reserved::Ranges(vec![NumberRange { start: 5, end: 7 }]),
            Reserved::Names(vec!["RED".to_owned(), "BLUE".to_owned()]),
        ]
    );
}

#[test]
fn bad_text_is_a_42201_parse_error() {
    for text in [
        "message {",
        "syntax = \"proto4\";",
        "message A { int32 x = ; }",
        "edition = \"2023\";\nmessage A { int32 x = 1; }",
        "\u{0}\u{1}garbage",
    ] {
        let error = parse(text, DEFAULT_MAX_DEPTH).expect_err(text);
        assert!(
            error.message.starts_with(
                "Invalid schema of type PROTOBUF, details: Could not parse Protobuf - "
            ),
            "{text}: {error}"
        );
    }
}

#[test]
fn nesting_past_the_limit_is_refused_before_parsing() {
    let nested = |levels: usize| {
        let mut text = String::from("syntax = \"proto3\";\n");
        for i in 0..levels {
            text.push_str(&format!("message M{i} {{ "));
        }
        text.push_str(&"} ".repeat(levels));
        text
    };
    assert!(parse(&nested(20), 20).is_ok());
    let error = parse(&nested(21), 20).expect_err("too deep");
    assert!(
        error.message.ends_with("nesting deeper than 20 levels"),
        "{error}"
    );
    // far past any default: refused without recursing
    assert!(parse(&nested(100_000), DEFAULT_MAX_DEPTH).is_err());
}

#[test]
fn brackets_inside_comments_and_strings_do_not_count_as_nesting() {
    let text = format!(
        "// {}\nmessage A {{ optional string s = 1 [default = \"{}\"]; /* {} */ }}",
        "{".repeat(50),
        "{".repeat(50),
        "[".repeat(50)
    );
    assert!(parse(&text, 10).is_ok());
}
