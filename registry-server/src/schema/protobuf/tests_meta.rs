//! Confluent's meta options in descriptor input: kept as `(confluent.*_meta)` aggregate
//! options after the built-in ones, as Confluent converts them.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use prost::Message as _;
use prost::encoding::{WireType, encode_key, encode_varint};
use prost_types::{
    DescriptorProto, EnumDescriptorProto, EnumValueDescriptorProto, FieldDescriptorProto,
    FileDescriptorProto, FileOptions,
};

use super::ast::{AggregateEntry, AggregateValue, OptionEntry, OptionValue};
use super::confluent_meta::{Meta, Options, Param};
use super::from_descriptor::{from_descriptor, parse_base64};
use super::tests_support::string_opt;

/// `base` followed by field `tag` holding `payload` (a length-delimited field); parsing the
/// result merges it into `base`.
fn with_field(mut base: Vec<u8>, tag: u32, payload: &[u8]) -> Vec<u8> {
    encode_key(tag, WireType::LengthDelimited, &mut base);
    encode_varint(payload.len() as u64, &mut base);
    base.extend_from_slice(payload);
    base
}

fn meta_options(meta: Meta) -> Vec<u8> {
    Options { meta: Some(meta) }.encode_to_vec()
}

fn tags(list: &[&str]) -> Meta {
    Meta {
        tags: list.iter().map(|t| (*t).to_owned()).collect(),
        ..Meta::default()
    }
}

fn s(text: &str) -> AggregateValue {
    AggregateValue::Scalar(OptionValue::String(text.as_bytes().to_vec()))
}

fn e(key: &str, value: AggregateValue) -> AggregateEntry {
    AggregateEntry {
        key: key.to_owned(),
        value,
    }
}

fn pair(first: (&str, &str), second: (&str, &str)) -> AggregateValue {
    AggregateValue::Scalar(OptionValue::Aggregate(vec![
        e(first.0, s(first.1)),
        e(second.0, s(second.1)),
    ]))
}

fn meta_option(name: &str, entries: Vec<AggregateEntry>) -> OptionEntry {
    OptionEntry {
        name: name.to_owned(),
        value: OptionValue::Aggregate(entries),
    }
}

/// A file whose options, message, field and enum value carry meta.
fn encoded() -> Vec<u8> {
    let field = FieldDescriptorProto {
        name: Some("amount".into()),
        number: Some(1),
        label: Some(1),
        r#type: Some(12),
        ..FieldDescriptorProto::default()
    };
    let field_meta = Meta {
        params: vec![
            Param {
                key: "scale".into(),
                value: "2".into(),
            },
            Param {
                key: "precision".into(),
                value: "10".into(),
            },
            Param {
                key: "k".into(),
                value: "v".into(),
            },
            Param {
                key: "k".into(),
                value: "w".into(),
            },
        ],
        ..Meta::default()
    };
    let field = with_field(field.encode_to_vec(), 8, &meta_options(field_meta));
    let plain = FieldDescriptorProto {
        name: Some("plain".into()),
        number: Some(2),
        label: Some(1),
        r#type: Some(9),
        ..FieldDescriptorProto::default()
    };
    let empty_meta = with_field(plain.encode_to_vec(), 8, &meta_options(Meta::default()));
    let message = DescriptorProto {
        name: Some("Payment".into()),
        ..DescriptorProto::default()
    };
    let message = with_field(message.encode_to_vec(), 2, &field);
    let message = with_field(message, 2, &empty_meta);
    let message = with_field(message, 7, &meta_options(tags(&["PII", "GDPR"])));
    let value = EnumValueDescriptorProto {
        name: Some("RED".into()),
        number: Some(0),
        options: None,
    };
    let value = with_field(value.encode_to_vec(), 3, &meta_options(tags(&["hot"])));
    let enumeration = EnumDescriptorProto {
        name: Some("Color".into()),
        ..EnumDescriptorProto::default()
    };
    let enumeration = with_field(enumeration.encode_to_vec(), 2, &value);
    let file = FileDescriptorProto {
        package: Some("pay".into()),
        syntax: Some("proto3".into()),
        options: Some(FileOptions {
            java_package: Some("com.pay".into()),
            ..FileOptions::default()
        }),
        ..FileDescriptorProto::default()
    };
    let file = with_field(file.encode_to_vec(), 4, &message);
    let file = with_field(file, 5, &enumeration);
    let file_meta = Meta {
        doc: "payments".into(),
        ..Meta::default()
    };
    with_field(file, 8, &meta_options(file_meta))
}

#[test]
fn meta_options_are_kept_after_the_built_in_ones() {
    let file = parse_base64(&STANDARD.encode(encoded()), 16).unwrap();
    assert_eq!(
        file.options,
        vec![
            string_opt("java_package", "com.pay"),
            meta_option("(confluent.file_meta)", vec![e("doc", s("payments"))]),
        ]
    );
    let payment = &file.messages[0];
    assert_eq!(
        payment.options,
        vec![meta_option(
            "(confluent.message_meta)",
            vec![e("tags", AggregateValue::List(vec![s("PII"), s("GDPR")]))]
        )]
    );
    assert_eq!(
        payment.fields[0].options,
        vec![meta_option(
            "(confluent.field_meta)",
            vec![e(
                "params",
                AggregateValue::List(vec![
                    pair(("value", "2"), ("key", "scale")),
                    pair(("value", "10"), ("key", "precision")),
                    pair(("key", "k"), ("value", "w")),
                ])
            )]
        )]
    );
    // An empty meta gives no option.
    assert!(payment.fields[1].options.is_empty());
    assert_eq!(
        file.enums[0].values[0].options,
        vec![meta_option(
            "(confluent.enum_value_meta)",
            vec![e("tags", AggregateValue::List(vec![s("hot")]))]
        )]
    );
}

#[test]
fn without_the_bytes_there_is_no_meta() {
    let decoded = FileDescriptorProto::decode(encoded().as_slice()).unwrap();
    let file = from_descriptor(&decoded, 16).unwrap();
    assert_eq!(file.options, vec![string_opt("java_package", "com.pay")]);
    assert!(file.messages[0].fields[0].options.is_empty());
}

const TAGGED: &str = r#"
syntax = "proto3";
package hr;

import "confluent/meta.proto";

option (confluent.file_meta).doc = "people";

message Person {
  option (confluent.message_meta) = { tags: "ENTITY" };
  string ssn = 1 [(confluent.field_meta) = { tags: ["PII", "SECRET"], params: [{ key: "k", value: "v" }] }];
  string name = 2;
  oneof contact {
    string email = 3 [(confluent.field_meta).tags = "PII"];
  }
  enum Level {
    LOW = 0 [(confluent.enum_value_meta) = { doc: "lowest" }];
  }
}
"#;

#[test]
fn serialized_form_carries_meta_as_extensions() {
    use super::serialized_meta::serialized_with_meta;
    use super::tests_support::{resolver, types_of};
    use super::to_descriptor::{serialized, to_descriptor};

    let file = super::text::parse(TAGGED, 64).unwrap();
    let descriptor = to_descriptor(&file, &resolver(types_of(&file))).unwrap();
    let with_meta = serialized_with_meta(&file, &descriptor);
    assert_ne!(with_meta, serialized(&descriptor));
    let back = parse_base64(&with_meta, 64).unwrap();
    assert_eq!(
        back.options,
        vec![meta_option(
            "(confluent.file_meta)",
            vec![e("doc", s("people"))]
        )]
    );
    let person = &back.messages[0];
    assert_eq!(
        person.options,
        vec![meta_option(
            "(confluent.message_meta)",
            vec![e("tags", AggregateValue::List(vec![s("ENTITY")]))]
        )]
    );
    assert_eq!(
        person.fields[0].options,
        vec![meta_option(
            "(confluent.field_meta)",
            vec![
                e(
                    "params",
                    AggregateValue::List(vec![pair(("key", "k"), ("value", "v"))])
                ),
                e("tags", AggregateValue::List(vec![s("PII"), s("SECRET")])),
            ]
        )]
    );
    assert!(person.fields[1].options.is_empty());
    assert_eq!(
        person.oneofs[0].fields[0].options,
        vec![meta_option(
            "(confluent.field_meta)",
            vec![e("tags", AggregateValue::List(vec![s("PII")]))]
        )]
    );
    assert_eq!(
        person.enums[0].values[0].options,
        vec![meta_option(
            "(confluent.enum_value_meta)",
            vec![e("doc", s("lowest"))]
        )]
    );
    // A file without meta serializes exactly as the plain form.
    let plain = super::text::parse("syntax = \"proto3\"; message A { int32 x = 1; }", 8).unwrap();
    let d = to_descriptor(&plain, &resolver(types_of(&plain))).unwrap();
    assert_eq!(serialized_with_meta(&plain, &d), serialized(&d));
}
