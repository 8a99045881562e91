//! `to_descriptor` on realistic files, checked by loading the result into a
//! `prost_reflect::DescriptorPool` (which links and validates it) and reading it back.

use prost_reflect::{Cardinality, DescriptorPool, DynamicMessage, Kind, MapKey, Value};

use super::ast::{
    Extend, ExtensionRanges, FieldType, Group, Import, ImportKind, Label, Message, NamedKind,
    NumberRange, Oneof, OptionValue, ProtoFile, Reserved, Rpc, Scalar, Service, Syntax,
};
use super::tests_support::*;
use super::to_descriptor::{
    json_name, map_entry_name, serialized, to_descriptor, to_descriptor_named,
};

/// A proto3 shop order: nested types, maps, a oneof, proto3 optional, an import, a service.
pub fn shop_file() -> ProtoFile {
    let mut line = message(
        "Line",
        vec![
            field("sku", scalar(Scalar::String), 1),
            field("quantity", scalar(Scalar::Int32), 2),
            field("unit_price", named("Money"), 3),
        ],
    );
    line.enums
        .push(enumeration("Unit", &[("UNIT_UNSPECIFIED", 0), ("KG", 1)]));
    let mut order = message(
        "Order",
        vec![
            field("order_id", scalar(Scalar::String), 1),
            labelled(Label::Repeated, "lines", named("Line"), 2),
            field(
                "labels",
                FieldType::Map {
                    key: Scalar::String,
                    value: Box::new(scalar(Scalar::String)),
                },
                3,
            ),
            field(
                "lines_by_pos",
                FieldType::Map {
                    key: Scalar::Int32,
                    value: Box::new(named("Line")),
                },
                4,
            ),
            field("created_at", named("google.protobuf.Timestamp"), 5),
            field("status", named("Status"), 6),
            labelled(Label::Optional, "note", scalar(Scalar::String), 7),
        ],
    );
    order.oneofs.push(Oneof {
        name: "payment".into(),
        options: Vec::new(),
        fields: vec![
            field("card_token", scalar(Scalar::String), 8),
            field("iban", scalar(Scalar::String), 9),
        ],
    });
    order.messages.push(line);
    order.enums.push(enumeration(
        "Status",
        &[("STATUS_UNSPECIFIED", 0), ("PAID", 1)],
    ));
    order.reserved = vec![
        Reserved::Ranges(vec![NumberRange { start: 20, end: 25 }]),
        Reserved::Names(vec!["legacy".into()]),
    ];
    ProtoFile {
        syntax: Some(Syntax::Proto3),
        package: Some("acme.shop.v1".into()),
        imports: vec![Import {
            path: "google/protobuf/timestamp.proto".into(),
            kind: ImportKind::Plain,
        }],
        options: vec![
            string_opt("java_package", "com.acme.shop"),
            ident("optimize_for", "SPEED"),
        ],
        messages: vec![
            order,
            message(
                "Money",
                vec![
                    field("currency", scalar(Scalar::String), 1),
                    field("units", scalar(Scalar::Int64), 2),
                ],
            ),
        ],
        enums: vec![enumeration(
            "Channel",
            &[("CHANNEL_UNSPECIFIED", 0), ("WEB", 1)],
        )],
        extends: Vec::new(),
        services: vec![Service {
            name: "Shop".into(),
            options: Vec::new(),
            rpcs: vec![
                Rpc {
                    name: "Place".into(),
                    input: "Order".into(),
                    input_stream: false,
                    output: "Order".into(),
                    output_stream: false,
                    options: vec![ident("idempotency_level", "IDEMPOTENT")],
                },
                Rpc {
                    name: "Watch".into(),
                    input: ".acme.shop.v1.Order".into(),
                    input_stream: true,
                    output: "Money".into(),
                    output_stream: true,
                    options: Vec::new(),
                },
            ],
        }],
    }
}

fn with_timestamp(file: &ProtoFile) -> impl Fn(&str, &str) -> Option<super::ast::ResolvedName> {
    let mut types = types_of(file);
    types.insert("google.protobuf.Timestamp".into(), NamedKind::Message);
    resolver(types)
}

fn load(files: Vec<prost_types::FileDescriptorProto>) -> DescriptorPool {
    let mut pool = DescriptorPool::global();
    for f in files {
        if let Err(e) = pool.add_file_descriptor_proto(f) {
            panic!("pool rejected the descriptor: {e}");
        }
    }
    pool
}

#[test]
fn shop_file_loads_into_a_pool_with_its_shape() {
    let file = shop_file();
    let resolve = with_timestamp(&file);
    let fd = to_descriptor(&file, &resolve).unwrap();
    assert_eq!(fd.name.as_deref(), Some("default"));
    assert_eq!(
        fd.dependency,
        vec!["google/protobuf/timestamp.proto".to_owned()]
    );
    let pool = load(vec![fd]);

    let order = pool.get_message_by_name("acme.shop.v1.Order").unwrap();
    let labels = order.get_field_by_name("labels").unwrap();
    assert!(labels.is_map());
    assert_eq!(labels.json_name(), "labels");
    let by_pos = order.get_field_by_name("lines_by_pos").unwrap();
    assert!(by_pos.is_map());
    assert_eq!(by_pos.json_name(), "linesByPos");
    let Kind::Message(entry) = by_pos.kind() else {
        panic!("map field is not a message")
    };
    assert_eq!(entry.full_name(), "acme.shop.v1.Order.LinesByPosEntry");
    assert_eq!(
        entry
            .map_entry_value_field()
            .kind()
            .as_message()
            .unwrap()
            .full_name(),
        "acme.shop.v1.Order.Line"
    );
    // Written nested messages keep their index; map entries come after them.
    let nested: Vec<String> = order
        .child_messages()
        .map(|m| m.name().to_owned())
        .collect();
    assert_eq!(nested, ["Line", "LabelsEntry", "LinesByPosEntry"]);

    let created = order.get_field_by_name("created_at").unwrap();
    assert_eq!(
        created.kind().as_message().unwrap().full_name(),
        "google.protobuf.Timestamp"
    );
    let status = order.get_field_by_name("status").unwrap();
    assert_eq!(
        status.kind().as_enum().unwrap().full_name(),
        "acme.shop.v1.Order.Status"
    );

    let note = order.get_field_by_name("note").unwrap();
    let synthetic = note.containing_oneof().unwrap();
    assert!(synthetic.is_synthetic());
    assert_eq!(synthetic.name(), "_note");
    let oneofs: Vec<String> = order.oneofs().map(|o| o.name().to_owned()).collect();
    assert_eq!(oneofs, ["payment", "_note"]);
    let iban = order.get_field_by_name("iban").unwrap();
    assert_eq!(iban.containing_oneof().unwrap().name(), "payment");
    assert_eq!(
        order.get_field_by_name("order_id").unwrap().cardinality(),
        Cardinality::Optional
    );
    assert_eq!(
        order.get_field_by_name("lines").unwrap().cardinality(),
        Cardinality::Repeated
    );

    let price = pool.get_message_by_name("acme.shop.v1.Order.Line").unwrap();
    assert_eq!(
        price
            .get_field_by_name("unit_price")
            .unwrap()
            .kind()
            .as_message()
            .unwrap()
            .full_name(),
        "acme.shop.v1.Money"
    );

    let shop = pool.get_service_by_name("acme.shop.v1.Shop").unwrap();
    let methods: Vec<_> = shop.methods().collect();
    assert_eq!(methods[0].input().full_name(), "acme.shop.v1.Order");
    assert!(!methods[0].is_client_streaming());
    assert!(methods[1].is_client_streaming() && methods[1].is_server_streaming());
    assert_eq!(methods[1].output().full_name(), "acme.shop.v1.Money");
    let opts = methods[0]
        .method_descriptor_proto()
        .options
        .clone()
        .unwrap();
    assert_eq!(opts.idempotency_level, Some(2));

    let file_opts = pool
        .get_file_by_name("default")
        .unwrap()
        .file_descriptor_proto()
        .options
        .clone()
        .unwrap();
    assert_eq!(file_opts.java_package.as_deref(), Some("com.acme.shop"));
    assert_eq!(file_opts.optimize_for, Some(1));
}

#[test]
fn shop_messages_encode_and_decode_through_the_pool() {
    let file = shop_file();
    let resolve = with_timestamp(&file);
    let pool = load(vec![to_descriptor(&file, &resolve).unwrap()]);
    let order = pool.get_message_by_name("acme.shop.v1.Order").unwrap();
    let mut msg = DynamicMessage::new(order.clone());
    msg.set_field_by_name("order_id", Value::String("o-1".into()));
    let mut labels = std::collections::HashMap::new();
    labels.insert(MapKey::String("k".into()), Value::String("v".into()));
    msg.set_field_by_name("labels", Value::Map(labels));
    msg.set_field_by_name("note", Value::String("hi".into()));
    let bytes = prost::Message::encode_to_vec(&msg);
    let back = DynamicMessage::decode(order, bytes.as_slice()).unwrap();
    assert_eq!(back, msg);
    assert!(back.has_field_by_name("note"));
}

/// A proto2 file with required fields, defaults, a group, extensions and reserved ranges.
fn legacy_file() -> ProtoFile {
    let mut account = message(
        "Account",
        vec![
            labelled(Label::Required, "id", scalar(Scalar::Int64), 1),
            labelled(Label::Optional, "name", scalar(Scalar::String), 2),
            labelled(Label::Optional, "tier", named("Tier"), 3),
            labelled(Label::Optional, "active", scalar(Scalar::Bool), 4),
            labelled(Label::Optional, "ratio", scalar(Scalar::Double), 5),
            labelled(Label::Optional, "blob", scalar(Scalar::Bytes), 6),
            labelled(Label::Repeated, "scores", scalar(Scalar::Sint32), 7),
            field("untagged", scalar(Scalar::Fixed32), 8),
        ],
    );
    account.fields[1].default = Some(OptionValue::String(b"anon \"x\"".to_vec()));
    account.fields[2].default = Some(OptionValue::Identifier("GOLD".into()));
    account.fields[3].default = Some(OptionValue::Identifier("true".into()));
    account.fields[4].default = Some(OptionValue::Float(0.5));
    account.fields[5].default = Some(OptionValue::String(vec![0, b'a', 0xff]));
    account.fields[6].options = vec![ident("packed", "true")];
    account.fields[0].json_name = Some("ID".into());
    account.groups.push(Group {
        label: Some(Label::Repeated),
        name: "Entry".into(),
        number: 10,
        options: Vec::new(),
        body: message(
            "Entry",
            vec![labelled(Label::Optional, "key", scalar(Scalar::String), 11)],
        ),
    });
    account.extension_ranges.push(ExtensionRanges {
        ranges: vec![NumberRange {
            start: 100,
            end: 199,
        }],
        options: Vec::new(),
    });
    account.reserved.push(Reserved::Ranges(vec![
        NumberRange { start: 30, end: 30 },
        NumberRange {
            start: 300,
            end: super::ast::MAX_FIELD_NUMBER,
        },
    ]));
    let mut tier = enumeration("Tier", &[("BASIC", 1), ("GOLD", 2), ("GOLDEN", 2)]);
    tier.options.push(ident("allow_alias", "true"));
    tier.reserved.push(Reserved::Ranges(vec![NumberRange {
        start: 5,
        end: i32::MAX,
    }]));
    tier.reserved.push(Reserved::Names(vec!["OLD".into()]));
    ProtoFile {
        syntax: None,
        package: Some("legacy".into()),
        messages: vec![account],
        enums: vec![tier],
        extends: vec![Extend {
            extendee: "Account".into(),
            fields: vec![labelled(
                Label::Optional,
                "nickname",
                scalar(Scalar::String),
                100,
            )],
        }],
        ..ProtoFile::default()
    }
}

#[test]
fn proto2_file_keeps_labels_defaults_groups_and_extensions() {
    let file = legacy_file();
    let resolve = resolver(types_of(&file));
    let fd = to_descriptor_named(&file, "legacy.proto", &resolve).unwrap();
    assert_eq!(fd.syntax, None);
    let pool = load(vec![fd]);
    let account = pool.get_message_by_name("legacy.Account").unwrap();
    let id = account.get_field_by_name("id").unwrap();
    assert_eq!(id.cardinality(), Cardinality::Required);
    assert_eq!(id.json_name(), "ID");
    let default_of = |n: &str| account.get_field_by_name(n).unwrap().default_value();
    assert_eq!(default_of("name"), Value::String("anon \"x\"".into()));
    assert_eq!(default_of("tier"), Value::EnumNumber(2));
    assert_eq!(default_of("active"), Value::Bool(true));
    assert_eq!(default_of("ratio"), Value::F64(0.5));
    assert_eq!(default_of("blob"), Value::Bytes(vec![0, b'a', 0xff].into()));
    assert!(account.get_field_by_name("scores").unwrap().is_packed());
    assert_eq!(
        account.get_field_by_name("untagged").unwrap().cardinality(),
        Cardinality::Optional
    );
    let entry = account.get_field_by_name("entry").unwrap();
    assert!(entry.is_group());
    assert_eq!(
        entry.kind().as_message().unwrap().full_name(),
        "legacy.Account.Entry"
    );
    let ext = pool.get_extension_by_name("legacy.nickname").unwrap();
    assert_eq!(ext.containing_message().full_name(), "legacy.Account");
    assert_eq!(ext.number(), 100);
    let ranges: Vec<_> = account.reserved_ranges().collect();
    assert_eq!(ranges, vec![30..31, 300..536_870_912]);
    let tier = pool.get_enum_by_name("legacy.Tier").unwrap();
    assert_eq!(
        tier.reserved_ranges().collect::<Vec<_>>(),
        vec![5..=i32::MAX]
    );
    assert_eq!(tier.reserved_names().collect::<Vec<_>>(), vec!["OLD"]);
}

#[test]
fn a_dependency_built_with_its_path_is_what_the_root_imports() {
    let common = ProtoFile {
        syntax: Some(Syntax::Proto3),
        package: Some("acme.common".into()),
        messages: vec![message(
            "Money",
            vec![field("units", scalar(Scalar::Int64), 1)],
        )],
        ..ProtoFile::default()
    };
    let root = ProtoFile {
        syntax: Some(Syntax::Proto3),
        package: Some("acme.billing".into()),
        imports: vec![Import {
            path: "acme/common.proto".into(),
            kind: ImportKind::Public,
        }],
        messages: vec![message(
            "Invoice",
            vec![field("total", named("acme.common.Money"), 1)],
        )],
        ..ProtoFile::default()
    };
    let mut types = types_of(&common);
    types.extend(types_of(&root));
    let resolve = resolver(types);
    let dep = to_descriptor_named(&common, "acme/common.proto", &resolve).unwrap();
    let fd = to_descriptor(&root, &resolve).unwrap();
    assert_eq!(fd.public_dependency, vec![0]);
    // Without its dependency the root does not link; with it, it does.
    assert!(
        DescriptorPool::global()
            .add_file_descriptor_proto(fd.clone())
            .is_err()
    );
    let pool = load(vec![dep, fd]);
    let total = pool.get_message_by_name("acme.billing.Invoice").unwrap();
    assert_eq!(
        total
            .get_field_by_name("total")
            .unwrap()
            .kind()
            .as_message()
            .unwrap()
            .full_name(),
        "acme.common.Money"
    );
}

#[test]
fn an_unknown_type_is_a_resolve_error() {
    let file = ProtoFile {
        messages: vec![message("A", vec![field("b", named("Missing.Thing"), 1)])],
        ..ProtoFile::default()
    };
    let resolve = resolver(types_of(&file));
    let err = to_descriptor(&file, &resolve).unwrap_err();
    assert_eq!(
        err.message,
        "Invalid schema of type PROTOBUF, details: Could not resolve type: Missing.Thing"
    );
    let mut bad_rpc = file.clone();
    bad_rpc.messages[0].fields.clear();
    bad_rpc.services.push(Service {
        name: "S".into(),
        options: Vec::new(),
        rpcs: vec![Rpc {
            name: "R".into(),
            input: "A".into(),
            input_stream: false,
            output: "Nope".into(),
            output_stream: false,
            options: Vec::new(),
        }],
    });
    let err = to_descriptor(&bad_rpc, &resolve).unwrap_err();
    assert!(
        err.message.ends_with("Could not resolve type: Nope"),
        "{}",
        err.message
    );
}

#[test]
fn synthetic_oneof_names_avoid_taken_names() {
    let mut m = message(
        "M",
        vec![labelled(Label::Optional, "x", scalar(Scalar::Int32), 1)],
    );
    m.messages.push(Message {
        name: "_x".into(),
        ..Message::default()
    });
    m.messages.push(Message {
        name: "X_x".into(),
        ..Message::default()
    });
    let file = ProtoFile {
        syntax: Some(Syntax::Proto3),
        messages: vec![m],
        ..ProtoFile::default()
    };
    let fd = to_descriptor(&file, &resolver(types_of(&file))).unwrap();
    assert_eq!(
        fd.message_type[0].oneof_decl[0].name.as_deref(),
        Some("XX_x")
    );
    load(vec![fd]);
}

#[test]
fn names_follow_protoc() {
    assert_eq!(json_name("order_id"), "orderId");
    assert_eq!(json_name("a__b_c9_d"), "aBC9D");
    assert_eq!(json_name("Already"), "Already");
    assert_eq!(map_entry_name("lines_by_pos"), "LinesByPosEntry");
    assert_eq!(map_entry_name("tags"), "TagsEntry");
    assert_eq!(map_entry_name("myMap"), "MyMapEntry");
}

#[test]
fn serialized_is_padded_standard_base64() {
    let file = ProtoFile {
        messages: vec![message("A", Vec::new())],
        ..ProtoFile::default()
    };
    let fd = to_descriptor(&file, &resolver(types_of(&file))).unwrap();
    let text = serialized(&fd);
    assert_eq!(text.len() % 4, 0);
    let bytes = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, &text).unwrap();
    assert_eq!(prost::Message::decode(bytes.as_slice()), Ok(fd));
}

#[test]
fn nesting_past_the_default_limit_is_an_error() {
    let deep = |levels: usize| {
        let mut m = message("M", Vec::new());
        for _ in 1..levels {
            let mut outer = message("M", Vec::new());
            outer.messages.push(m);
            m = outer;
        }
        ProtoFile {
            messages: vec![m],
            ..ProtoFile::default()
        }
    };
    let limit = crate::schema::limits::DEFAULT_MAX_DEPTH;
    let ok = deep(limit);
    let fd = to_descriptor(&ok, &resolver(types_of(&ok))).unwrap();
    assert!(!serialized(&fd).is_empty());
    let too_deep = deep(limit + 1);
    let err = to_descriptor(&too_deep, &|_: &str, _: &str| None).unwrap_err();
    assert!(err.message.contains("deeper than"), "{}", err.message);
}
