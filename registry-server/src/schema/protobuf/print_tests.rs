//! Canonical text and `ignore_extensions` text of hand-built files, checked byte for byte
//! against Confluent's layout.

use super::ast::{
    AggregateEntry, AggregateValue, Enum, EnumValue, Extend, ExtensionRanges, Field, FieldType,
    Group, Import, ImportKind, Label, Message, NumberRange, Oneof, OptionEntry, OptionValue,
    ProtoFile, Reserved, Rpc, Scalar, Service, Syntax,
};
use super::print::canonical;
use super::strip::without_extensions;

pub(super) fn field(label: Option<Label>, ty: FieldType, name: &str, number: i32) -> Field {
    Field {
        label,
        field_type: ty,
        name: name.to_owned(),
        number,
        options: vec![],
        default: None,
        json_name: None,
    }
}

pub(super) fn scalar(s: Scalar) -> FieldType {
    FieldType::Scalar(s)
}

pub(super) fn named(name: &str) -> FieldType {
    FieldType::Named(name.to_owned())
}

pub(super) fn opt(name: &str, value: OptionValue) -> OptionEntry {
    OptionEntry {
        name: name.to_owned(),
        value,
    }
}

pub(super) fn ident(word: &str) -> OptionValue {
    OptionValue::Identifier(word.to_owned())
}

pub(super) fn text(s: &str) -> OptionValue {
    OptionValue::String(s.as_bytes().to_vec())
}

pub(super) fn int(n: i64) -> OptionValue {
    OptionValue::Int {
        negative: n < 0,
        magnitude: n.unsigned_abs(),
    }
}

pub(super) fn entry(key: &str, value: OptionValue) -> AggregateEntry {
    AggregateEntry {
        key: key.to_owned(),
        value: AggregateValue::Scalar(value),
    }
}

pub(super) fn message(name: &str, fields: Vec<Field>) -> Message {
    Message {
        name: name.to_owned(),
        fields,
        ..Message::default()
    }
}

pub(super) fn enumeration(name: &str, values: &[(&str, i32)]) -> Enum {
    Enum {
        name: name.to_owned(),
        values: values
            .iter()
            .map(|(n, v)| EnumValue {
                name: (*n).to_owned(),
                number: *v,
                options: vec![],
            })
            .collect(),
        ..Enum::default()
    }
}

pub(super) fn import(path: &str, kind: ImportKind) -> Import {
    Import {
        path: path.to_owned(),
        kind,
    }
}

pub(super) fn range(start: i32, end: i32) -> NumberRange {
    NumberRange { start, end }
}

fn proto3(package: &str) -> ProtoFile {
    ProtoFile {
        syntax: Some(Syntax::Proto3),
        package: Some(package.to_owned()),
        ..ProtoFile::default()
    }
}

#[test]
fn proto3_header_imports_then_options() {
    let mut file = proto3("shop.v1");
    file.imports = vec![
        import("shop/common.proto", ImportKind::Plain),
        import("shop/money.proto", ImportKind::Public),
        import("google/protobuf/any.proto", ImportKind::Plain),
    ];
    file.options = vec![
        opt("java_package", text("com.shop.v1")),
        opt("java_multiple_files", ident("true")),
    ];
    file.messages = vec![message(
        "Basket",
        vec![field(None, scalar(Scalar::String), "owner", 1)],
    )];
    assert_eq!(
        canonical(&file),
        "syntax = \"proto3\";\npackage shop.v1;\n\n\
         import \"shop/common.proto\";\nimport \"google/protobuf/any.proto\";\n\
         import public \"shop/money.proto\";\n\n\
         option java_package = \"com.shop.v1\";\noption java_multiple_files = true;\n\n\
         message Basket {\n  string owner = 1;\n}\n"
    );
}

#[test]
fn enum_declared_first_prints_after_messages() {
    let mut file = proto3("zoo");
    file.enums = vec![enumeration("Kind", &[("KIND_UNSET", 0), ("LION", 1)])];
    file.messages = vec![
        message("Cage", vec![field(None, named("Kind"), "kind", 1)]),
        message("Keeper", vec![]),
    ];
    assert_eq!(
        canonical(&file),
        "syntax = \"proto3\";\npackage zoo;\n\n\
         message Cage {\n  Kind kind = 1;\n}\n\
         message Keeper {}\n\
         enum Kind {\n  KIND_UNSET = 0;\n  LION = 1;\n}\n"
    );
}

#[test]
fn nested_declarations_reindent_blank_lines() {
    let mut inner = message(
        "Leaf",
        vec![field(None, scalar(Scalar::Int32), "weight", 1)],
    );
    inner.options = vec![opt("deprecated", ident("true"))];
    let mut outer = message("Tree", vec![field(None, named("Leaf"), "top", 1)]);
    outer.messages = vec![inner];
    outer.enums = vec![enumeration("Shape", &[("ROUND", 0)])];
    let file = ProtoFile {
        messages: vec![outer],
        ..ProtoFile::default()
    };
    assert_eq!(
        canonical(&file),
        "\nmessage Tree {\n  Leaf top = 1;\n\n  message Leaf {\n    option deprecated = true;\n  \n    \
         int32 weight = 1;\n  }\n  enum Shape {\n    ROUND = 0;\n  }\n}\n"
    );
}

#[test]
fn map_field_prints_key_and_value() {
    let mut file = proto3("m");
    file.messages = vec![message(
        "Prices",
        vec![field(
            None,
            FieldType::Map {
                key: Scalar::String,
                value: Box::new(named("Money")),
            },
            "by_sku",
            4,
        )],
    )];
    assert!(canonical(&file).contains("\n  map<string, Money> by_sku = 4;\n"));
}

#[test]
fn oneof_section_after_plain_fields() {
    let mut msg = message(
        "Payment",
        vec![field(None, scalar(Scalar::Int64), "amount", 1)],
    );
    msg.oneofs = vec![Oneof {
        name: "method".to_owned(),
        options: vec![],
        fields: vec![
            field(None, scalar(Scalar::String), "card", 2),
            field(None, scalar(Scalar::String), "iban", 3),
        ],
    }];
    let mut file = proto3("pay");
    file.messages = vec![msg];
    assert!(canonical(&file).ends_with(
        "message Payment {\n  int64 amount = 1;\n\n  oneof method {\n    string card = 2;\n    \
         string iban = 3;\n  }\n}\n"
    ));
}

#[test]
fn reserved_ranges_names_and_max() {
    let mut msg = message("Old", vec![field(None, scalar(Scalar::Bool), "live", 1)]);
    msg.reserved = vec![
        Reserved::Ranges(vec![range(4, 4), range(8, 12), range(1000, 536_870_911)]),
        Reserved::Names(vec!["legacy".to_owned(), "gone".to_owned()]),
    ];
    let mut file = proto3("r");
    file.messages = vec![msg];
    assert!(canonical(&file).ends_with(
        "message Old {\n  reserved 4, 8 to 12, 1000 to max;\n  reserved \"legacy\", \"gone\";\n\n  \
         bool live = 1;\n}\n"
    ));
}

#[test]
fn one_field_option_prints_inline() {
    let mut f = field(Some(Label::Repeated), scalar(Scalar::Int32), "ids", 2);
    f.options = vec![opt("packed", ident("false"))];
    let mut file = proto3("o");
    file.messages = vec![message("Ids", vec![f])];
    assert!(canonical(&file).contains("  repeated int32 ids = 2 [packed = false];\n"));
}

#[test]
fn several_field_options_list_with_default_then_json_name_last() {
    let mut f = field(Some(Label::Optional), scalar(Scalar::Int32), "level", 3);
    f.json_name = Some("lvl".to_owned());
    f.default = Some(int(7));
    f.options = vec![
        opt("deprecated", ident("true")),
        opt("(acme.hint)", text("x")),
    ];
    let file = ProtoFile {
        messages: vec![message("Cfg", vec![f])],
        ..ProtoFile::default()
    };
    assert_eq!(
        canonical(&file),
        "\nmessage Cfg {\n  optional int32 level = 3 [\n    deprecated = true,\n    \
         (acme.hint) = \"x\",\n    default = 7,\n    json_name = \"lvl\"\n  ];\n}\n"
    );
}

#[test]
fn json_name_alone_is_inline() {
    let mut f = field(None, scalar(Scalar::String), "user_id", 1);
    f.json_name = Some("userId".to_owned());
    let mut file = proto3("j");
    file.messages = vec![message("U", vec![f])];
    assert!(canonical(&file).contains("  string user_id = 1 [json_name = \"userId\"];\n"));
}

#[test]
fn aggregate_option_prints_as_block() {
    let value = OptionValue::Aggregate(vec![
        entry("doc", text("the id")),
        AggregateEntry {
            key: "tags".to_owned(),
            value: AggregateValue::List(vec![
                AggregateValue::Scalar(text("PII")),
                AggregateValue::Scalar(text("KEY")),
            ]),
        },
        entry(
            "limits",
            OptionValue::Aggregate(vec![entry("max", int(10)), entry("mode", ident("STRICT"))]),
        ),
    ]);
    let mut f = field(None, scalar(Scalar::String), "id", 1);
    f.options = vec![opt("(confluent.field_meta)", value)];
    let mut file = proto3("a");
    file.messages = vec![message("Row", vec![f])];
    assert!(canonical(&file).contains(
        "  string id = 1 [(confluent.field_meta) = {\n    doc: \"the id\",\n    tags: [\n      \
         \"PII\",\n      \"KEY\"\n    ],\n    limits: {\n      max: 10,\n      mode: STRICT\n    \
         }\n  }];\n"
    ));
}

#[test]
fn repeated_aggregate_keys_gather_into_a_list_and_empty_list_prints_open() {
    let value = OptionValue::Aggregate(vec![
        entry("tag", text("a")),
        AggregateEntry {
            key: "none".to_owned(),
            value: AggregateValue::List(vec![]),
        },
        entry("tag", text("b")),
    ]);
    let mut file = proto3("g");
    file.options = vec![opt("(acme.file)", value)];
    assert!(canonical(&file).ends_with(
        "option (acme.file) = {\n  tag: [\n    \"a\",\n    \"b\"\n  ],\n  none: [\n  ]\n};\n"
    ));
}

#[test]
fn proto2_without_syntax_labels_and_defaults() {
    let mut name = field(Some(Label::Required), scalar(Scalar::String), "name", 1);
    name.default = Some(text("anon"));
    let mut age = field(Some(Label::Optional), scalar(Scalar::Uint32), "age", 2);
    age.default = Some(int(18));
    let mut kind = field(Some(Label::Optional), named("Kind"), "kind", 3);
    kind.default = Some(ident("HUMAN"));
    let mut file = ProtoFile {
        package: Some("legacy".to_owned()),
        ..ProtoFile::default()
    };
    file.messages = vec![message("Person", vec![name, age, kind])];
    file.enums = vec![enumeration("Kind", &[("HUMAN", 1)])];
    assert_eq!(
        canonical(&file),
        "package legacy;\n\nmessage Person {\n  required string name = 1 [default = \"anon\"];\n  \
         optional uint32 age = 2 [default = 18];\n  optional Kind kind = 3 [default = HUMAN];\n}\n\
         enum Kind {\n  HUMAN = 1;\n}\n"
    );
}

#[test]
fn declared_proto2_keeps_its_syntax_line() {
    let file = ProtoFile {
        syntax: Some(Syntax::Proto2),
        messages: vec![message("E", vec![])],
        ..ProtoFile::default()
    };
    assert_eq!(canonical(&file), "syntax = \"proto2\";\n\nmessage E {}\n");
}

#[test]
fn group_prints_fields_after_oneofs() {
    let mut msg = message(
        "Search",
        vec![field(Some(Label::Optional), scalar(Scalar::String), "q", 1)],
    );
    msg.groups = vec![Group {
        label: Some(Label::Repeated),
        name: "Result".to_owned(),
        number: 2,
        options: vec![],
        body: message(
            "Result",
            vec![field(
                Some(Label::Required),
                scalar(Scalar::String),
                "url",
                3,
            )],
        ),
    }];
    let file = ProtoFile {
        messages: vec![msg],
        ..ProtoFile::default()
    };
    assert_eq!(
        canonical(&file),
        "\nmessage Search {\n  optional string q = 1;\n\n  repeated group Result = 2 {\n    \
         required string url = 3;\n  }\n}\n"
    );
}

#[test]
fn extensions_and_extend_blocks() {
    let mut base = message(
        "Base",
        vec![field(Some(Label::Optional), scalar(Scalar::Int32), "id", 1)],
    );
    base.extension_ranges = vec![ExtensionRanges {
        ranges: vec![range(100, 199), range(500, 536_870_911)],
        options: vec![],
    }];
    base.extends = vec![Extend {
        extendee: "Base".to_owned(),
        fields: vec![field(
            Some(Label::Optional),
            scalar(Scalar::String),
            "note",
            100,
        )],
    }];
    let file = ProtoFile {
        package: Some("ext".to_owned()),
        messages: vec![base],
        extends: vec![
            Extend {
                extendee: "google.protobuf.MessageOptions".to_owned(),
                fields: vec![field(
                    Some(Label::Optional),
                    scalar(Scalar::Bool),
                    "audited",
                    50_001,
                )],
            },
            Extend {
                extendee: "Base".to_owned(),
                fields: vec![field(
                    Some(Label::Repeated),
                    scalar(Scalar::Int64),
                    "more",
                    101,
                )],
            },
        ],
        ..ProtoFile::default()
    };
    assert_eq!(
        canonical(&file),
        "package ext;\n\nmessage Base {\n  optional int32 id = 1;\n\n  \
         extensions 100 to 199, 500 to max;\n\n  extend Base {\n    optional string note = 100;\n  \
         }\n}\n\nextend google.protobuf.MessageOptions {\n  optional bool audited = 50001;\n}\n\
         extend Base {\n  repeated int64 more = 101;\n}\n"
    );
}

#[test]
fn service_streaming_rpc_and_rpc_with_options() {
    let file = ProtoFile {
        syntax: Some(Syntax::Proto3),
        services: vec![Service {
            name: "Feed".to_owned(),
            options: vec![opt("deprecated", ident("false"))],
            rpcs: vec![
                Rpc {
                    name: "Watch".to_owned(),
                    input: "Query".to_owned(),
                    input_stream: false,
                    output: "Event".to_owned(),
                    output_stream: true,
                    options: vec![],
                },
                Rpc {
                    name: "Push".to_owned(),
                    input: "Event".to_owned(),
                    input_stream: true,
                    output: "Ack".to_owned(),
                    output_stream: false,
                    options: vec![
                        opt("idempotency_level", ident("IDEMPOTENT")),
                        opt("deprecated", ident("true")),
                    ],
                },
            ],
        }],
        ..ProtoFile::default()
    };
    assert_eq!(
        canonical(&file),
        "syntax = \"proto3\";\n\nservice Feed {\n  option deprecated = false;\n\n  \
         rpc Watch (Query) returns (stream Event);\n  rpc Push (stream Event) returns (Ack) {\n    \
         option idempotency_level = IDEMPOTENT;\n    option deprecated = true;\n  };\n}\n"
    );
}

#[test]
fn string_escapes_and_octal_for_other_control_bytes() {
    let mut file = ProtoFile::default();
    let raw = b"q\"s'b\\n\nt\tr\ra\x07b\x08f\x0cv\x0b\x01\xff\xc3\xa9".to_vec();
    file.options = vec![opt("(x)", OptionValue::String(raw))];
    assert_eq!(
        canonical(&file),
        "\noption (x) = \"q\\\"s\\'b\\\\n\\nt\\tr\\ra\\ab\\bf\\fv\\v\\001\\377\u{e9}\";\n"
    );
    // The literal reads back to the same bytes.
    let again = crate::schema::protobuf::text::parse(&canonical(&file), 64).expect("reparses");
    assert_eq!(again.options, file.options);
}

#[test]
fn enum_with_reserved_options_and_value_options() {
    let mut e = enumeration("Color", &[("RED", 0), ("CRIMSON", 0)]);
    e.reserved = vec![
        Reserved::Ranges(vec![range(5, 9)]),
        Reserved::Names(vec!["BLUE".to_owned()]),
    ];
    e.options = vec![opt("allow_alias", ident("true"))];
    if let Some(v) = e.values.get_mut(1) {
        v.options = vec![
            opt("deprecated", ident("true")),
            opt("(acme.label)", text("c")),
        ];
    }
    let file = ProtoFile {
        enums: vec![e],
        ..ProtoFile::default()
    };
    assert_eq!(
        canonical(&file),
        "\nenum Color {\n  reserved 5 to 9;\n  reserved \"BLUE\";\n  option allow_alias = true;\n  \
         RED = 0;\n  CRIMSON = 0 [\n    deprecated = true,\n    (acme.label) = \"c\"\n  ];\n}\n"
    );
}

#[test]
fn weak_imports_are_not_printed() {
    let file = ProtoFile {
        imports: vec![import("old.proto", ImportKind::Weak)],
        ..ProtoFile::default()
    };
    assert_eq!(canonical(&file), "");
}

#[test]
fn bytes_default_prints_quoted_and_numbers_as_values() {
    let mut b = field(Some(Label::Optional), scalar(Scalar::Bytes), "blob", 1);
    b.default = Some(OptionValue::String(b"a\x01c".to_vec()));
    let mut d = field(Some(Label::Optional), scalar(Scalar::Double), "ratio", 2);
    d.default = Some(OptionValue::Float(-0.25));
    let mut i = field(Some(Label::Optional), scalar(Scalar::Float), "cap", 3);
    i.default = Some(ident("inf"));
    let file = ProtoFile {
        messages: vec![message("D", vec![b, d, i])],
        ..ProtoFile::default()
    };
    assert_eq!(
        canonical(&file),
        "\nmessage D {\n  optional bytes blob = 1 [default = \"a\\001c\"];\n  \
         optional double ratio = 2 [default = -0.25];\n  optional float cap = 3 [default = inf];\n}\n"
    );
    // The stored text reads back to the same file.
    let again = crate::schema::protobuf::text::parse(&canonical(&file), 64).expect("reparses");
    assert_eq!(canonical(&again), canonical(&file));
}

#[test]
fn sub_field_option_and_negative_number() {
    let file = ProtoFile {
        options: vec![
            opt("(acme.rule).min", int(-5)),
            opt("(acme.rule).ratio", OptionValue::Float(1.5)),
        ],
        ..ProtoFile::default()
    };
    assert_eq!(
        canonical(&file),
        "\noption (acme.rule).min = -5;\noption (acme.rule).ratio = 1.5;\n"
    );
}

#[test]
fn deep_nesting_stops_descending() {
    let depth = crate::schema::limits::DEFAULT_MAX_DEPTH + 20;
    let mut current = message("M", vec![]);
    for _ in 1..depth {
        let mut outer = message("M", vec![]);
        outer.messages = vec![current];
        current = outer;
    }
    let file = ProtoFile {
        messages: vec![current],
        ..ProtoFile::default()
    };
    let text = canonical(&file);
    assert_eq!(
        text.matches("message M").count(),
        crate::schema::limits::DEFAULT_MAX_DEPTH
    );
    let stripped = without_extensions(&file);
    let again = canonical(&stripped);
    assert_eq!(
        again.matches("message M").count(),
        crate::schema::limits::DEFAULT_MAX_DEPTH
    );
}

#[test]
fn without_extensions_drops_custom_options_extends_and_ranges() {
    let mut f = field(Some(Label::Optional), scalar(Scalar::String), "id", 1);
    f.options = vec![
        opt("(acme.secret)", ident("true")),
        opt("(confluent.field_meta).doc", text("kept")),
        opt("deprecated", ident("true")),
    ];
    let mut msg = message("Box", vec![f]);
    msg.options = vec![opt("(acme.table)", text("boxes"))];
    msg.extension_ranges = vec![ExtensionRanges {
        ranges: vec![range(10, 20)],
        options: vec![],
    }];
    msg.extends = vec![Extend {
        extendee: "Box".to_owned(),
        fields: vec![field(Some(Label::Optional), scalar(Scalar::Int32), "n", 10)],
    }];
    let mut e = enumeration("Size", &[("S", 0)]);
    if let Some(v) = e.values.first_mut() {
        v.options = vec![opt("(acme.short)", text("s"))];
    }
    let file = ProtoFile {
        package: Some("p".to_owned()),
        options: vec![
            opt("java_package", text("p")),
            opt("(acme.owner)", text("me")),
        ],
        messages: vec![msg],
        enums: vec![e],
        extends: vec![Extend {
            extendee: "google.protobuf.FieldOptions".to_owned(),
            fields: vec![field(
                Some(Label::Optional),
                scalar(Scalar::Bool),
                "secret",
                60_000,
            )],
        }],
        ..ProtoFile::default()
    };
    assert_eq!(
        canonical(&without_extensions(&file)),
        "package p;\n\noption java_package = \"p\";\n\nmessage Box {\n  optional string id = 1 [\n    \
         (confluent.field_meta).doc = \"kept\",\n    deprecated = true\n  ];\n}\nenum Size {\n  S = 0;\n}\n"
    );
}
