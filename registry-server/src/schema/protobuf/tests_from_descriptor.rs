//! `parse_base64` / `from_descriptor`: Confluent's descriptor conversion rules, a round trip
//! through `to_descriptor`, and hostile input (bad base64, garbage bytes, deep nesting).

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use prost::Message as _;
use prost_types::field_descriptor_proto::{Label as PbLabel, Type as PbType};
use prost_types::{
    DescriptorProto, EnumDescriptorProto, EnumValueDescriptorProto, FieldDescriptorProto,
    FieldOptions, FileDescriptorProto, FileOptions, MessageOptions, OneofDescriptorProto,
    descriptor_proto,
};

use super::ast::{
    Enum, EnumValue, Extend, ExtensionRanges, Field, Group, Import, ImportKind, Label, NumberRange,
    Oneof, OptionValue, ProtoFile, Reserved, Rpc, Scalar, Service, Syntax,
};
use super::from_descriptor::{from_descriptor, parse_base64};
use super::tests_support::*;
use super::to_descriptor::{serialized, to_descriptor};

const PREFIX: &str = "Invalid schema of type PROTOBUF, details: Could not parse Protobuf - ";

fn with_json(mut f: Field, json: &str) -> Field {
    f.json_name = Some(json.to_owned());
    f
}

fn rt_written() -> ProtoFile {
    let mut item = message(
        "Item",
        vec![
            field("item_id", scalar(Scalar::String), 1),
            labelled(Label::Repeated, "parts", named("Part"), 2),
            field(
                "by_code",
                super::ast::FieldType::Map {
                    key: Scalar::String,
                    value: Box::new(named("Part")),
                },
                3,
            ),
            labelled(Label::Optional, "weight", scalar(Scalar::Int64), 4),
            field("at", named("google.protobuf.Timestamp"), 5),
            field("kind", named("Kind"), 6),
        ],
    );
    item.fields[5].options = vec![ident("deprecated", "true")];
    item.oneofs.push(Oneof {
        name: "choice".into(),
        options: Vec::new(),
        fields: vec![
            field("a", scalar(Scalar::String), 7),
            field("b", scalar(Scalar::Int32), 8),
        ],
    });
    item.reserved = vec![
        Reserved::Ranges(vec![NumberRange { start: 10, end: 12 }]),
        Reserved::Names(vec!["old".into()]),
    ];
    item.messages.push(message(
        "Part",
        vec![field("code", scalar(Scalar::String), 1)],
    ));
    item.enums
        .push(enumeration("Kind", &[("KIND_UNSPECIFIED", 0), ("BIG", 1)]));
    let mut top = enumeration("Top", &[("TOP_ZERO", 0), ("TOP_ONE", 1)]);
    top.values[1].options = vec![ident("deprecated", "true")];
    ProtoFile {
        syntax: Some(Syntax::Proto3),
        package: Some("rt".into()),
        imports: vec![Import {
            path: "google/protobuf/timestamp.proto".into(),
            kind: ImportKind::Plain,
        }],
        options: vec![string_opt("java_package", "com.rt")],
        messages: vec![item],
        enums: vec![top],
        extends: Vec::new(),
        services: vec![Service {
            name: "Svc".into(),
            options: Vec::new(),
            rpcs: vec![Rpc {
                name: "Get".into(),
                input: "Item".into(),
                input_stream: false,
                output: "Item".into(),
                output_stream: true,
                options: Vec::new(),
            }],
        }],
    }
}

/// What Confluent's conversion makes of `rt_written`'s descriptor.
fn rt_expected() -> ProtoFile {
    let mut item = message(
        "Item",
        vec![
            with_json(field("item_id", scalar(Scalar::String), 1), "itemId"),
            with_json(
                labelled(Label::Repeated, "parts", named(".rt.Item.Part"), 2),
                "parts",
            ),
            with_json(
                labelled(Label::Repeated, "by_code", named(".rt.Item.ByCodeEntry"), 3),
                "byCode",
            ),
            with_json(
                labelled(Label::Optional, "weight", scalar(Scalar::Int64), 4),
                "weight",
            ),
            with_json(field("at", named(".google.protobuf.Timestamp"), 5), "at"),
            with_json(field("kind", named(".rt.Item.Kind"), 6), "kind"),
        ],
    );
    item.fields[5].options = vec![ident("deprecated", "true")];
    item.oneofs.push(Oneof {
        name: "choice".into(),
        options: Vec::new(),
        fields: vec![
            with_json(field("a", scalar(Scalar::String), 7), "a"),
            with_json(field("b", scalar(Scalar::Int32), 8), "b"),
        ],
    });
    item.reserved = vec![
        Reserved::Ranges(vec![NumberRange { start: 10, end: 12 }]),
        Reserved::Names(vec!["old".into()]),
    ];
    let mut entry = message(
        "ByCodeEntry",
        vec![
            with_json(field("key", scalar(Scalar::String), 1), "key"),
            with_json(field("value", named(".rt.Item.Part"), 2), "value"),
        ],
    );
    entry.options = vec![ident("map_entry", "true")];
    item.messages = vec![
        message(
            "Part",
            vec![with_json(field("code", scalar(Scalar::String), 1), "code")],
        ),
        entry,
    ];
    item.enums
        .push(enumeration("Kind", &[("KIND_UNSPECIFIED", 0), ("BIG", 1)]));
    let mut expected = rt_written();
    expected.messages = vec![item];
    expected.services[0].rpcs[0].input = ".rt.Item".into();
    expected.services[0].rpcs[0].output = ".rt.Item".into();
    expected
}

#[test]
fn round_trip_gives_confluents_descriptor_form() {
    let written = rt_written();
    let mut types = types_of(&written);
    types.insert(
        "google.protobuf.Timestamp".into(),
        super::ast::NamedKind::Message,
    );
    let fd = to_descriptor(&written, &resolver(types)).unwrap();
    let back = parse_base64(&serialized(&fd), 64).unwrap();
    assert_eq!(back, rt_expected());
}

#[test]
fn proto2_round_trip_keeps_labels_defaults_and_turns_groups_into_fields() {
    let mut m = message(
        "M",
        vec![
            labelled(Label::Required, "id", scalar(Scalar::Int32), 1),
            labelled(Label::Optional, "price", scalar(Scalar::Float), 2),
            labelled(Label::Optional, "big", scalar(Scalar::Uint64), 3),
            labelled(Label::Optional, "raw", scalar(Scalar::Bytes), 4),
        ],
    );
    m.fields[1].default = Some(OptionValue::Identifier("-inf".into()));
    m.fields[2].default = Some(OptionValue::Int {
        negative: false,
        magnitude: u64::MAX,
    });
    m.fields[3].default = Some(OptionValue::String(b"\x01\\".to_vec()));
    m.groups.push(Group {
        label: Some(Label::Optional),
        name: "Extra".into(),
        number: 5,
        options: Vec::new(),
        body: message(
            "Extra",
            vec![labelled(Label::Optional, "note", scalar(Scalar::String), 6)],
        ),
    });
    m.extension_ranges.push(ExtensionRanges {
        ranges: vec![NumberRange {
            start: 100,
            end: 100,
        }],
        options: Vec::new(),
    });
    let file = ProtoFile {
        syntax: Some(Syntax::Proto2),
        messages: vec![m],
        extends: vec![Extend {
            extendee: "M".into(),
            fields: vec![labelled(Label::Optional, "x", scalar(Scalar::Int32), 100)],
        }],
        ..ProtoFile::default()
    };
    let fd = to_descriptor(&file, &resolver(types_of(&file))).unwrap();
    let back = parse_base64(&serialized(&fd), 64).unwrap();
    assert_eq!(back.syntax, Some(Syntax::Proto2));
    let m = &back.messages[0];
    assert_eq!(m.fields[0].label, Some(Label::Required));
    assert_eq!(
        m.fields[1].default,
        Some(OptionValue::Identifier("-inf".into()))
    );
    assert_eq!(
        m.fields[2].default,
        Some(OptionValue::Int {
            negative: false,
            magnitude: u64::MAX
        })
    );
    assert_eq!(
        m.fields[3].default,
        Some(OptionValue::String(b"\x01\\".to_vec()))
    );
    // The group comes back as a plain field of its nested message.
    assert!(m.groups.is_empty());
    assert_eq!(m.fields[4].name, "extra");
    assert_eq!(m.fields[4].field_type, named(".M.Extra"));
    assert_eq!(m.fields[4].label, Some(Label::Optional));
    assert_eq!(m.messages[0].name, "Extra");
    assert_eq!(
        m.extension_ranges,
        vec![ExtensionRanges {
            ranges: vec![NumberRange {
                start: 100,
                end: 100
            }],
            options: Vec::new()
        }]
    );
    assert_eq!(back.extends[0].extendee, ".M");
    assert_eq!(back.extends[0].fields[0].name, "x");
}

fn fd_field(name: &str, number: i32, label: PbLabel, t: PbType) -> FieldDescriptorProto {
    FieldDescriptorProto {
        name: Some(name.into()),
        number: Some(number),
        label: Some(label as i32),
        r#type: Some(t as i32),
        ..FieldDescriptorProto::default()
    }
}

/// A descriptor as a Python or .NET client sends it, built field by field.
fn client_descriptor() -> FileDescriptorProto {
    let mut opt = fd_field("maybe", 1, PbLabel::Optional, PbType::Int32);
    opt.proto3_optional = Some(true);
    opt.oneof_index = Some(1);
    opt.json_name = Some("maybe".into());
    let mut member = fd_field("pick", 2, PbLabel::Optional, PbType::String);
    member.oneof_index = Some(0);
    let mut list = fd_field("nums", 3, PbLabel::Repeated, PbType::Int32);
    list.options = Some(FieldOptions {
        packed: Some(false),
        deprecated: Some(true),
        ..FieldOptions::default()
    });
    let plain = fd_field("plain", 4, PbLabel::Optional, PbType::Bytes);
    let mut ext_a = fd_field("ea", 100, PbLabel::Optional, PbType::Int32);
    ext_a.extendee = Some(".p.A".into());
    let mut ext_b = fd_field("eb", 101, PbLabel::Optional, PbType::Int32);
    ext_b.extendee = Some(".p.B".into());
    let mut ext_c = fd_field("ec", 102, PbLabel::Optional, PbType::Int32);
    ext_c.extendee = Some(".p.A".into());
    FileDescriptorProto {
        name: Some("ignored.proto".into()),
        package: Some("p".into()),
        dependency: vec!["a.proto".into(), "b.proto".into(), "c.proto".into()],
        public_dependency: vec![1],
        weak_dependency: vec![2],
        message_type: vec![DescriptorProto {
            name: Some("A".into()),
            field: vec![opt, member, list, plain],
            oneof_decl: vec![
                OneofDescriptorProto {
                    name: Some("which".into()),
                    options: None,
                },
                OneofDescriptorProto {
                    name: Some("_maybe".into()),
                    options: None,
                },
            ],
            reserved_range: vec![
                descriptor_proto::ReservedRange {
                    start: Some(5),
                    end: Some(6),
                },
                descriptor_proto::ReservedRange {
                    start: Some(8),
                    end: Some(11),
                },
            ],
            reserved_name: vec!["gone".into(), "lost".into()],
            options: Some(MessageOptions {
                deprecated: Some(true),
                message_set_wire_format: Some(false),
                ..MessageOptions::default()
            }),
            ..DescriptorProto::default()
        }],
        enum_type: vec![EnumDescriptorProto {
            name: Some("E".into()),
            value: vec![
                EnumValueDescriptorProto {
                    name: Some("Z".into()),
                    number: Some(0),
                    options: None,
                },
                EnumValueDescriptorProto {
                    name: Some("NEG".into()),
                    number: Some(-1),
                    options: None,
                },
            ],
            ..EnumDescriptorProto::default()
        }],
        extension: vec![ext_a, ext_b, ext_c],
        options: Some(FileOptions {
            go_package: Some("example.com/p".into()),
            java_package: Some("com.p".into()),
            java_multiple_files: Some(true),
            optimize_for: Some(3),
            ..FileOptions::default()
        }),
        syntax: Some("proto3".into()),
        ..FileDescriptorProto::default()
    }
}

#[test]
fn client_descriptor_converts_as_confluent_does() {
    let file = from_descriptor(&client_descriptor(), 64).unwrap();
    assert_eq!(file.syntax, Some(Syntax::Proto3));
    assert_eq!(file.package.as_deref(), Some("p"));
    let kinds: Vec<_> = file.imports.iter().map(|i| i.kind).collect();
    assert_eq!(
        kinds,
        [ImportKind::Plain, ImportKind::Public, ImportKind::Weak]
    );
    assert_eq!(
        file.options,
        vec![
            string_opt("java_package", "com.p"),
            ident("java_multiple_files", "true"),
            ident("optimize_for", "LITE_RUNTIME"),
            string_opt("go_package", "example.com/p"),
        ]
    );
    let a = &file.messages[0];
    // Only the options Confluent keeps (not message_set_wire_format).
    assert_eq!(a.options, vec![ident("deprecated", "true")]);
    let names: Vec<_> = a
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.label))
        .collect();
    assert_eq!(
        names,
        [
            ("maybe", Some(Label::Optional)),
            ("nums", Some(Label::Repeated)),
            ("plain", None)
        ]
    );
    assert_eq!(a.fields[0].json_name.as_deref(), Some("maybe"));
    assert_eq!(a.fields[2].json_name, None);
    assert_eq!(
        a.fields[1].options,
        vec![ident("packed", "false"), ident("deprecated", "true")]
    );
    // The synthetic oneof is gone; the real one keeps its member, unlabelled.
    assert_eq!(a.oneofs.len(), 1);
    assert_eq!(a.oneofs[0].name, "which");
    assert_eq!(a.oneofs[0].fields[0].name, "pick");
    assert_eq!(a.oneofs[0].fields[0].label, None);
    assert_eq!(
        a.reserved,
        vec![
            Reserved::Ranges(vec![NumberRange { start: 5, end: 5 }]),
            Reserved::Ranges(vec![NumberRange { start: 8, end: 10 }]),
            Reserved::Names(vec!["gone".into()]),
            Reserved::Names(vec!["lost".into()]),
        ]
    );
    assert_eq!(
        file.enums,
        vec![Enum {
            name: "E".into(),
            options: Vec::new(),
            reserved: Vec::new(),
            values: vec![
                EnumValue {
                    name: "Z".into(),
                    number: 0,
                    options: Vec::new()
                },
                EnumValue {
                    name: "NEG".into(),
                    number: -1,
                    options: Vec::new()
                },
            ],
        }]
    );
    // Extensions grouped by extendee, in order of first appearance.
    let extends: Vec<(&str, Vec<&str>)> = file
        .extends
        .iter()
        .map(|e| {
            (
                e.extendee.as_str(),
                e.fields.iter().map(|f| f.name.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(extends, [(".p.A", vec!["ea", "ec"]), (".p.B", vec!["eb"])]);
}

#[test]
fn proto3_defaults_are_dropped_and_proto2_defaults_read_by_type() {
    let mut with_default = fd_field("n", 1, PbLabel::Optional, PbType::Sint64);
    with_default.default_value = Some("-12".into());
    let mut fd = FileDescriptorProto {
        message_type: vec![DescriptorProto {
            name: Some("M".into()),
            field: vec![with_default],
            ..DescriptorProto::default()
        }],
        syntax: Some("proto3".into()),
        ..FileDescriptorProto::default()
    };
    assert_eq!(
        from_descriptor(&fd, 8).unwrap().messages[0].fields[0].default,
        None
    );
    fd.syntax = None;
    let file = from_descriptor(&fd, 8).unwrap();
    assert_eq!(file.syntax, None);
    assert_eq!(file.messages[0].fields[0].label, Some(Label::Optional));
    assert_eq!(
        file.messages[0].fields[0].default,
        Some(OptionValue::Int {
            negative: true,
            magnitude: 12
        })
    );
    fd.message_type[0].field[0].default_value = Some("twelve".into());
    let err = from_descriptor(&fd, 8).unwrap_err();
    assert!(err.message.starts_with(PREFIX), "{}", err.message);
}

#[test]
fn base64_is_strict_but_padding_is_optional() {
    let fd = client_descriptor();
    let bytes = fd.encode_to_vec();
    let padded = STANDARD.encode(&bytes);
    let unpadded = STANDARD_NO_PAD.encode(&bytes);
    assert!(parse_base64(&padded, 64).is_ok());
    assert!(parse_base64(&unpadded, 64).is_ok());
    let spaced = format!("{} {}", &padded[..8], &padded[8..]);
    let err = parse_base64(&spaced, 64).unwrap_err();
    assert!(err.message.starts_with(PREFIX), "{}", err.message);
    let newline = format!("{padded}\n");
    assert!(parse_base64(&newline, 64).is_err());
    let url_safe = padded.replace('+', "-").replace('/', "_");
    if url_safe != padded {
        assert!(parse_base64(&url_safe, 64).is_err());
    }
}

#[test]
fn garbage_and_editions_are_parse_errors() {
    for text in [
        "////",
        "AAAA",
        "not base64 at all",
        "message Foo {}",
        "CgA=",
    ] {
        match parse_base64(text, 64) {
            Ok(file) => assert_eq!(text, "CgA=", "unexpected success: {file:?}"),
            Err(e) => assert!(e.message.starts_with(PREFIX), "{}", e.message),
        }
    }
    let editions = FileDescriptorProto {
        syntax: Some("editions".into()),
        ..FileDescriptorProto::default()
    };
    let err = parse_base64(&STANDARD.encode(editions.encode_to_vec()), 64).unwrap_err();
    assert!(err.message.starts_with(PREFIX), "{}", err.message);
}

#[test]
fn reserved_names_must_be_identifiers() {
    let file = |message_names: Vec<String>, enum_names: Vec<String>| FileDescriptorProto {
        name: Some("r.proto".into()),
        syntax: Some("proto3".into()),
        message_type: vec![DescriptorProto {
            name: Some("M".into()),
            reserved_name: message_names,
            ..DescriptorProto::default()
        }],
        enum_type: vec![EnumDescriptorProto {
            name: Some("E".into()),
            value: vec![EnumValueDescriptorProto {
                name: Some("E_ZERO".into()),
                number: Some(0),
                ..EnumValueDescriptorProto::default()
            }],
            reserved_name: enum_names,
            ..EnumDescriptorProto::default()
        }],
        ..FileDescriptorProto::default()
    };
    let parse = |f: FileDescriptorProto| parse_base64(&STANDARD.encode(f.encode_to_vec()), 64);
    parse(file(vec!["old_name".into()], vec!["OLD".into()])).expect("identifiers are reserved");
    // Found by fuzzing: a name holding a newline and a quote was printed into a string
    // literal the text parser could not read back.
    for bad in ["\n  price (Rprice", "a b", "", "1st", "q\"uote"] {
        for f in [
            file(vec![bad.into()], Vec::new()),
            file(Vec::new(), vec![bad.into()]),
        ] {
            let err = parse(f).expect_err(bad);
            assert!(err.message.starts_with(PREFIX), "{}", err.message);
        }
    }
}

fn nested(depth: usize) -> FileDescriptorProto {
    let mut m = DescriptorProto {
        name: Some("M".into()),
        ..DescriptorProto::default()
    };
    for _ in 1..depth {
        m = DescriptorProto {
            name: Some("M".into()),
            nested_type: vec![m],
            ..DescriptorProto::default()
        };
    }
    FileDescriptorProto {
        message_type: vec![m],
        ..FileDescriptorProto::default()
    }
}

#[test]
fn nesting_is_bounded_by_max_depth() {
    let ok = STANDARD.encode(nested(10).encode_to_vec());
    assert!(parse_base64(&ok, 10).is_ok());
    let err = parse_base64(&ok, 9).unwrap_err();
    assert!(err.message.starts_with(PREFIX), "{}", err.message);
    assert!(err.message.contains("deeper than 9"), "{}", err.message);
    // As deep as the decoder allows, converted on a test thread's stack.
    let deepest_ok = (1..200)
        .take_while(|&d| FileDescriptorProto::decode(nested(d).encode_to_vec().as_slice()).is_ok())
        .last()
        .unwrap();
    assert!(deepest_ok > 90, "{deepest_ok}");
    let text = STANDARD.encode(nested(deepest_ok).encode_to_vec());
    assert!(parse_base64(&text, 256).is_ok());
    // Far deeper than any limit: refused by the decoder, no stack overflow.
    let deep = STANDARD.encode(nested(1000).encode_to_vec());
    assert!(parse_base64(&deep, 256).is_err());
}

proptest::proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..256)) {
        let _ = parse_base64(&STANDARD.encode(&bytes), 32);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,64}") {
        let _ = parse_base64(&text, 32);
    }
}

#[test]
fn names_that_could_not_be_printed_are_refused() {
    let good = client_descriptor();
    assert!(from_descriptor(&good, 8).is_ok());
    let mut bad_message = good.clone();
    bad_message.message_type[0].name = Some("A B".into());
    let mut no_field_name = good.clone();
    no_field_name.message_type[0].field[0].name = None;
    let mut bad_type = good.clone();
    bad_type.message_type[0].field[1].type_name = Some(".p.A;".into());
    let mut bad_package = good.clone();
    bad_package.package = Some(".p".into());
    let mut bad_value = good.clone();
    bad_value.enum_type[0].value[0].name = Some("1X".into());
    let mut bad_extendee = good;
    bad_extendee.extension[0].extendee = Some("..p.A".into());
    for bad in [
        bad_message,
        no_field_name,
        bad_type,
        bad_package,
        bad_value,
        bad_extendee,
    ] {
        let err = from_descriptor(&bad, 8).unwrap_err();
        assert!(err.message.starts_with(PREFIX), "{}", err.message);
    }
}
