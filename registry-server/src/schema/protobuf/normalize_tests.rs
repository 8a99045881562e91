//! Normalized text of hand-built files: names qualified, maps folded, order made canonical,
//! options merged and sorted, checked byte for byte against Confluent's layout.

use super::ast::{
    AggregateEntry, AggregateValue, Extend, ExtensionRanges, Field, FieldType, ImportKind, Label,
    Message, NamedKind, Oneof, OptionValue, ProtoFile, Reserved, ResolvedName, Rpc, Scalar,
    Service, Syntax,
};
use super::normalize::{normalize, normalized};
use super::print::canonical;
use super::print_tests::{
    entry, enumeration, field, ident, import, int, message, named, opt, range, scalar, text,
};

/// A resolver over a fixed set of full names (`.pkg.Type`): the name as is when it starts
/// with a dot, else under the scope and each enclosing prefix, innermost first.
fn known(names: &'static [&'static str]) -> impl Fn(&str, &str) -> Option<ResolvedName> {
    move |scope: &str, written: &str| {
        let hit = |candidate: String| {
            names
                .iter()
                .find(|n| **n == candidate)
                .map(|n| ResolvedName {
                    full_name: (*n).to_owned(),
                    kind: if n.ends_with("Kind") {
                        NamedKind::Enum
                    } else {
                        NamedKind::Message
                    },
                })
        };
        if written.starts_with('.') {
            return hit(written.to_owned());
        }
        let mut prefix = scope.to_owned();
        loop {
            let candidate = if prefix.is_empty() {
                format!(".{written}")
            } else {
                format!(".{prefix}.{written}")
            };
            if let Some(found) = hit(candidate) {
                return Some(found);
            }
            if prefix.is_empty() {
                return None;
            }
            prefix = prefix
                .rsplit_once('.')
                .map_or(String::new(), |(p, _)| p.to_owned());
        }
    }
}

const SHOP: &[&str] = &[
    ".shop.Order",
    ".shop.Order.Line",
    ".shop.Kind",
    ".shop.Money",
];

fn order(fields: Vec<Field>, oneofs: Vec<Oneof>) -> Message {
    let mut m = message("Order", fields);
    m.oneofs = oneofs;
    m.messages = vec![message(
        "Line",
        vec![field(None, named("Money"), "price", 1)],
    )];
    m
}

fn shop_file(reordered: bool) -> ProtoFile {
    let mut fields = vec![
        field(None, named("Line"), "lines", 1),
        field(None, named("Kind"), "kind", 2),
        field(None, scalar(Scalar::String), "id", 3),
    ];
    let mut oneofs = vec![
        Oneof {
            name: "contact".to_owned(),
            options: vec![],
            fields: vec![
                field(None, scalar(Scalar::String), "email", 4),
                field(None, scalar(Scalar::String), "phone", 5),
            ],
        },
        Oneof {
            name: "ship".to_owned(),
            options: vec![],
            fields: vec![field(None, scalar(Scalar::String), "address", 6)],
        },
    ];
    let mut imports = vec![
        import("shop/money.proto", ImportKind::Plain),
        import("shop/kind.proto", ImportKind::Plain),
    ];
    let mut options = vec![
        opt("java_package", text("com.shop")),
        opt("go_package", text("shop")),
    ];
    let mut kinds = enumeration("Kind", &[("UNSET", 0), ("RETAIL", 1), ("BULK", 2)]);
    if reordered {
        fields.reverse();
        oneofs.reverse();
        if let Some(o) = oneofs.get_mut(1) {
            o.fields.reverse();
        }
        imports.reverse();
        imports.push(import("shop/kind.proto", ImportKind::Plain));
        options.reverse();
        kinds.values.reverse();
    }
    ProtoFile {
        syntax: Some(Syntax::Proto3),
        package: Some("shop".to_owned()),
        imports,
        options,
        messages: vec![order(fields, oneofs), message("Money", vec![])],
        enums: vec![kinds],
        ..ProtoFile::default()
    }
}

#[test]
fn reordered_file_normalizes_like_the_ordered_one() {
    let resolve = known(SHOP);
    let ordered = shop_file(false);
    let reordered = shop_file(true);
    assert_ne!(canonical(&ordered), canonical(&reordered));
    assert_eq!(
        normalized(&ordered, &resolve),
        normalized(&reordered, &resolve)
    );
}

#[test]
fn normalized_text_of_a_proto3_file() {
    let resolve = known(SHOP);
    assert_eq!(
        normalized(&shop_file(true), &resolve),
        "syntax = \"proto3\";\npackage shop;\n\nimport \"shop/kind.proto\";\nimport \"shop/money.proto\";\n\n\
         option go_package = \"shop\";\noption java_package = \"com.shop\";\n\n\
         message Order {\n  .shop.Order.Line lines = 1;\n  .shop.Kind kind = 2;\n  string id = 3;\n\n  \
         oneof contact {\n    string email = 4;\n    string phone = 5;\n  }\n  oneof ship {\n    \
         string address = 6;\n  }\n\n  message Line {\n    .shop.Money price = 1;\n  }\n}\n\
         message Money {}\nenum Kind {\n  UNSET = 0;\n  RETAIL = 1;\n  BULK = 2;\n}\n"
    );
}

#[test]
fn message_order_is_kept() {
    let resolve = known(SHOP);
    let mut file = shop_file(false);
    file.messages.reverse();
    let text = normalized(&file, &resolve);
    let money = text.find("message Money").unwrap();
    let order = text.find("message Order").unwrap();
    assert!(money < order);
}

#[test]
fn normalized_proto2_without_package_starts_with_blank_line() {
    let file = ProtoFile {
        syntax: Some(Syntax::Proto2),
        messages: vec![message(
            "Ping",
            vec![field(
                Some(Label::Optional),
                scalar(Scalar::Int32),
                "seq",
                1,
            )],
        )],
        ..ProtoFile::default()
    };
    let resolve = known(&[]);
    assert_eq!(
        normalized(&file, &resolve),
        "\nmessage Ping {\n  optional int32 seq = 1;\n}\n"
    );
    assert!(canonical(&file).starts_with("syntax = \"proto2\";\n"));
}

#[test]
fn map_entry_messages_fold_into_map_fields() {
    // As descriptor input has it: an explicit entry message and a repeated field of it.
    let mut entry_msg = message(
        "PricesEntry",
        vec![
            field(Some(Label::Optional), scalar(Scalar::String), "key", 1),
            field(Some(Label::Optional), named(".shop.Money"), "value", 2),
        ],
    );
    entry_msg.options = vec![opt("map_entry", ident("true"))];
    let mut holder = message(
        "Order",
        vec![field(
            Some(Label::Repeated),
            named(".shop.Order.PricesEntry"),
            "prices",
            1,
        )],
    );
    holder.messages = vec![entry_msg];
    let text_form = {
        let mut m = message(
            "Order",
            vec![field(
                None,
                FieldType::Map {
                    key: Scalar::String,
                    value: Box::new(named("Money")),
                },
                "prices",
                1,
            )],
        );
        m.messages = vec![];
        m
    };
    let file = |m: Message| ProtoFile {
        syntax: Some(Syntax::Proto3),
        package: Some("shop".to_owned()),
        messages: vec![m, message("Money", vec![])],
        ..ProtoFile::default()
    };
    let resolve = known(&[".shop.Order", ".shop.Order.PricesEntry", ".shop.Money"]);
    let from_descriptor = normalized(&file(holder), &resolve);
    assert_eq!(
        from_descriptor,
        "syntax = \"proto3\";\npackage shop;\n\nmessage Order {\n  \
         map<string, .shop.Money> prices = 1;\n}\nmessage Money {}\n"
    );
    assert_eq!(normalized(&file(text_form), &resolve), from_descriptor);
}

#[test]
fn unresolvable_names_stay_as_written() {
    let file = ProtoFile {
        messages: vec![message("A", vec![field(None, named("nowhere.B"), "b", 1)])],
        services: vec![Service {
            name: "S".to_owned(),
            options: vec![],
            rpcs: vec![Rpc {
                name: "Call".to_owned(),
                input: "A".to_owned(),
                input_stream: false,
                output: "Missing".to_owned(),
                output_stream: false,
                options: vec![],
            }],
        }],
        ..ProtoFile::default()
    };
    let resolve = known(&[".A"]);
    assert_eq!(
        normalized(&file, &resolve),
        "\nmessage A {\n  nowhere.B b = 1;\n}\n\nservice S {\n  rpc Call (.A) returns (Missing);\n}\n"
    );
}

#[test]
fn services_and_rpcs_keep_order_with_qualified_types() {
    let rpc = |name: &str, input: &str| Rpc {
        name: name.to_owned(),
        input: input.to_owned(),
        input_stream: false,
        output: "Order".to_owned(),
        output_stream: true,
        options: vec![
            opt("deprecated", ident("true")),
            opt("idempotency_level", ident("NO_SIDE_EFFECTS")),
        ],
    };
    let file = ProtoFile {
        package: Some("shop".to_owned()),
        messages: vec![message("Order", vec![])],
        services: vec![
            Service {
                name: "Zeta".to_owned(),
                options: vec![],
                rpcs: vec![rpc("Z", "Order"), rpc("A", ".shop.Order")],
            },
            Service {
                name: "Alpha".to_owned(),
                options: vec![],
                rpcs: vec![],
            },
        ],
        ..ProtoFile::default()
    };
    let resolve = known(&[".shop.Order"]);
    let text = normalized(&file, &resolve);
    assert!(text.ends_with(
        "\nservice Zeta {\n  rpc Z (.shop.Order) returns (stream .shop.Order) {\n    \
         option deprecated = true;\n    option idempotency_level = NO_SIDE_EFFECTS;\n  };\n  \
         rpc A (.shop.Order) returns (stream .shop.Order) {\n    option deprecated = true;\n    \
         option idempotency_level = NO_SIDE_EFFECTS;\n  };\n}\nservice Alpha {}\n"
    ));
}

#[test]
fn reserved_and_extension_ranges_one_per_line_sorted() {
    let mut m = message("R", vec![]);
    m.reserved = vec![
        Reserved::Names(vec!["zed".to_owned(), "alpha".to_owned()]),
        Reserved::Ranges(vec![range(30, 30), range(2, 5)]),
        Reserved::Ranges(vec![range(7, 7), range(100, 536_870_911)]),
    ];
    m.extension_ranges = vec![ExtensionRanges {
        ranges: vec![range(500, 600), range(200, 200)],
        options: vec![],
    }];
    let file = ProtoFile {
        messages: vec![m],
        ..ProtoFile::default()
    };
    assert_eq!(
        normalized(&file, &known(&[])),
        "\nmessage R {\n  reserved 2 to 5;\n  reserved 7;\n  reserved 30;\n  reserved 100 to max;\n  \
         reserved \"alpha\";\n  reserved \"zed\";\n\n  extensions 200;\n  extensions 500 to 600;\n}\n"
    );
}

#[test]
fn enum_constants_sorted_by_number_then_name() {
    let mut e = enumeration("Kind", &[("TWO", 2), ("ZERO", 0), ("ALIAS", 0), ("ONE", 1)]);
    e.options = vec![
        opt("deprecated", ident("true")),
        opt("allow_alias", ident("true")),
    ];
    let file = ProtoFile {
        enums: vec![e],
        ..ProtoFile::default()
    };
    assert_eq!(
        normalized(&file, &known(&[])),
        "\nenum Kind {\n  option allow_alias = true;\n  option deprecated = true;\n  ALIAS = 0;\n  \
         ZERO = 0;\n  ONE = 1;\n  TWO = 2;\n}\n"
    );
}

#[test]
fn empty_oneof_dropped_and_oneofs_ordered_by_first_tag() {
    let mut m = message("O", vec![]);
    m.oneofs = vec![
        Oneof {
            name: "late".to_owned(),
            options: vec![],
            fields: vec![
                field(None, scalar(Scalar::Int32), "y", 9),
                field(None, scalar(Scalar::Int32), "x", 3),
            ],
        },
        Oneof {
            name: "hollow".to_owned(),
            options: vec![],
            fields: vec![],
        },
        Oneof {
            name: "early".to_owned(),
            options: vec![],
            fields: vec![field(None, scalar(Scalar::Int32), "w", 5)],
        },
    ];
    let file = ProtoFile {
        messages: vec![m],
        ..ProtoFile::default()
    };
    assert_eq!(
        normalized(&file, &known(&[])),
        "\nmessage O {\n  oneof late {\n    int32 x = 3;\n    int32 y = 9;\n  }\n  oneof early {\n    \
         int32 w = 5;\n  }\n}\n"
    );
}

#[test]
fn field_options_sorted_with_default_and_json_name() {
    let mut f = field(Some(Label::Optional), scalar(Scalar::Double), "rate", 1);
    f.options = vec![
        opt("packed", ident("false")),
        opt("deprecated", ident("true")),
    ];
    f.default = Some(OptionValue::Float(1.234_56));
    f.json_name = Some("r".to_owned());
    let file = ProtoFile {
        messages: vec![message("F", vec![f])],
        ..ProtoFile::default()
    };
    assert_eq!(
        normalized(&file, &known(&[])),
        "\nmessage F {\n  optional double rate = 1 [\n    default = 1.235,\n    deprecated = true,\n    \
         json_name = \"r\",\n    packed = false\n  ];\n}\n"
    );
}

#[test]
fn numbers_become_canonical() {
    let file = ProtoFile {
        options: vec![
            opt("(a)", OptionValue::Float(12_345.67)),
            opt("(b)", OptionValue::Float(0.062_5)),
            opt("(c)", int(0)),
            opt(
                "(d)",
                OptionValue::Int {
                    negative: true,
                    magnitude: 0,
                },
            ),
            opt("(e)", OptionValue::Float(1230.0)),
            opt("(f)", OptionValue::Float(-0.0001)),
        ],
        ..ProtoFile::default()
    };
    assert_eq!(
        normalized(&file, &known(&[])),
        "\noption (a) = 12345.67;\noption (b) = 0.062;\noption (c) = 0;\noption (d) = 0;\n\
         option (e) = 1230;\noption (f) = -0;\n"
    );
}

#[test]
fn aggregate_keys_sorted_empty_lists_dropped_single_lists_unwrapped() {
    let value = OptionValue::Aggregate(vec![
        entry("zeta", int(1)),
        AggregateEntry {
            key: "empty".to_owned(),
            value: AggregateValue::List(vec![]),
        },
        AggregateEntry {
            key: "one".to_owned(),
            value: AggregateValue::List(vec![AggregateValue::Scalar(text("only"))]),
        },
        entry(
            "alpha",
            OptionValue::Aggregate(vec![entry("y", int(2)), entry("x", int(1))]),
        ),
    ]);
    let file = ProtoFile {
        options: vec![opt("(unknown.opt)", value)],
        ..ProtoFile::default()
    };
    assert_eq!(
        normalized(&file, &known(&[])),
        "\noption (unknown.opt) = {\n  alpha: {\n    x: 1,\n    y: 2\n  },\n  one: \"only\",\n  zeta: 1\n};\n"
    );
}

#[test]
fn repeated_confluent_meta_options_merge() {
    let mut m = message("Tagged", vec![]);
    m.options = vec![
        opt("(confluent.message_meta).tags", text("PII")),
        opt("deprecated", ident("true")),
        opt("(confluent.message_meta).doc", text("first")),
        opt("(confluent.message_meta).tags", text("GDPR")),
        opt("(confluent.message_meta).doc", text("second")),
    ];
    let file = ProtoFile {
        syntax: Some(Syntax::Proto3),
        messages: vec![m],
        ..ProtoFile::default()
    };
    assert_eq!(
        normalized(&file, &known(&[".Tagged"])),
        "syntax = \"proto3\";\n\nmessage Tagged {\n  option (confluent.message_meta) = {\n    \
         doc: \"second\",\n    tags: [\n      \"PII\",\n      \"GDPR\"\n    ]\n  };\n  \
         option deprecated = true;\n}\n"
    );
}

#[test]
fn local_extension_names_resolve_and_unknown_ones_stay() {
    let mut m = message("Doc", vec![]);
    m.options = vec![
        opt("(audited)", ident("true")),
        opt("(other.thing)", int(3)),
    ];
    let file = ProtoFile {
        package: Some("acme.v1".to_owned()),
        messages: vec![m],
        extends: vec![Extend {
            extendee: "google.protobuf.MessageOptions".to_owned(),
            fields: vec![field(
                Some(Label::Optional),
                scalar(Scalar::Bool),
                "audited",
                50_001,
            )],
        }],
        ..ProtoFile::default()
    };
    let resolve = known(&[".acme.v1.Doc", ".google.protobuf.MessageOptions"]);
    assert_eq!(
        normalized(&file, &resolve),
        "package acme.v1;\n\nmessage Doc {\n  option (acme.v1.audited) = true;\n  \
         option (other.thing) = 3;\n}\n\nextend .google.protobuf.MessageOptions {\n  \
         optional bool audited = 50001;\n}\n"
    );
}

#[test]
fn extend_blocks_merge_by_resolved_extendee_and_sort_fields() {
    let ext = |extendee: &str, name: &str, number: i32| Extend {
        extendee: extendee.to_owned(),
        fields: vec![field(
            Some(Label::Optional),
            scalar(Scalar::Int32),
            name,
            number,
        )],
    };
    let mut base = message("Base", vec![]);
    base.extension_ranges = vec![ExtensionRanges {
        ranges: vec![range(10, 99)],
        options: vec![],
    }];
    let file = ProtoFile {
        package: Some("p".to_owned()),
        messages: vec![base],
        extends: vec![
            ext("Base", "late", 20),
            ext(".p.Base", "early", 11),
            ext("p.Base", "mid", 15),
        ],
        ..ProtoFile::default()
    };
    let text = normalized(&file, &known(&[".p.Base"]));
    assert!(text.ends_with(
        "\nextend .p.Base {\n  optional int32 early = 11;\n  optional int32 mid = 15;\n  \
         optional int32 late = 20;\n}\n"
    ));
}

#[test]
fn normalize_keeps_declarations_and_syntax_in_the_model() {
    let file = shop_file(true);
    let out = normalize(&file, &known(SHOP));
    assert_eq!(out.syntax, Some(Syntax::Proto3));
    assert_eq!(out.messages.len(), 2);
    let numbers: Vec<i32> = out.messages[0].fields.iter().map(|f| f.number).collect();
    assert_eq!(numbers, vec![1, 2, 3]);
    assert_eq!(out.imports.len(), 2);
}

// ---- From `.proto` text ----

use super::text::parse;

const EVENTS: &[&str] = &[".ev.Event", ".ev.Event.Source", ".ev.Kind"];

#[test]
fn texts_differing_only_in_order_normalize_alike() {
    let first = "syntax = \"proto3\";
package ev;
import \"b.proto\";
import \"a.proto\";
option java_package = \"ev\";
option go_package = \"ev\";
message Event {
  string id = 1;
  Source source = 2 [deprecated = true, json_name = \"src\"];
  map<string, Source> others = 3;
  message Source { string host = 1; }
}
enum Kind { KIND_UNSET = 0; CLICK = 1; }
";
    let second = "syntax = \"proto3\";
package ev;
import \"a.proto\";
import \"b.proto\";
import \"a.proto\";
option go_package = \"ev\";
option java_package = \"ev\";
message Event {
  map<string, .ev.Event.Source> others = 3;
  Event.Source source = 2 [json_name = \"src\", deprecated = true];
  string id = 1;
  message Source { string host = 1; }
}
enum Kind { CLICK = 1; KIND_UNSET = 0; }
";
    let resolve = known(EVENTS);
    let a = normalized(&parse(first, 64).unwrap(), &resolve);
    let b = normalized(&parse(second, 64).unwrap(), &resolve);
    assert_eq!(a, b);
    assert_eq!(
        a,
        "syntax = \"proto3\";\npackage ev;\n\nimport \"a.proto\";\nimport \"b.proto\";\n\n\
         option go_package = \"ev\";\noption java_package = \"ev\";\n\n\
         message Event {\n  string id = 1;\n  .ev.Event.Source source = 2 [\n    deprecated = true,\n    \
         json_name = \"src\"\n  ];\n  map<string, .ev.Event.Source> others = 3;\n\n  \
         message Source {\n    string host = 1;\n  }\n}\n\
         enum Kind {\n  KIND_UNSET = 0;\n  CLICK = 1;\n}\n"
    );
}

#[test]
fn repeated_field_meta_tags_from_text_merge_into_one_option() {
    let text = "syntax = \"proto3\";
import \"confluent/meta.proto\";
message Person {
  string email = 1 [(confluent.field_meta).tags = \"PII\", (confluent.field_meta).tags = \"CONTACT\"];
}
";
    let resolve = known(&[".Person"]);
    assert_eq!(
        normalized(&parse(text, 64).unwrap(), &resolve),
        "syntax = \"proto3\";\n\nimport \"confluent/meta.proto\";\n\nmessage Person {\n  \
         string email = 1 [(confluent.field_meta) = {\n    tags: [\n      \"PII\",\n      \
         \"CONTACT\"\n    ]\n  }];\n}\n"
    );
}
