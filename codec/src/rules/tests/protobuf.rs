//! Rules on Protobuf messages: conditions and transforms, message-level and per field, on write
//! and on read, generated-style and dynamic messages, async and blocking APIs.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use prost::Message;
use prost::encoding::{WireType, encode_key, encode_varint};
use prost_reflect::{DescriptorPool, DynamicMessage, MessageDescriptor, ReflectMessage};
use prost_types::field_descriptor_proto::{Label, Type};
use prost_types::{DescriptorProto, FieldDescriptorProto, FileDescriptorProto, MessageOptions};

use super::{failure, latest};
use crate::client::{MockClient, RegistryClient};
use crate::rules::{Metadata, Phase, Rule, RuleSet};
use crate::{
    Blocking, DynamicProtobufDeserializer, ProtobufDeserializer, ProtobufSerializer, Schema,
    SerializerConfig,
};

fn field(name: &str, number: i32, ty: Type, label: Label) -> FieldDescriptorProto {
    FieldDescriptorProto {
        name: Some(name.into()),
        number: Some(number),
        label: Some(label as i32),
        r#type: Some(ty as i32),
        ..Default::default()
    }
}

fn length_delimited(tag: u32, bytes: &[u8], out: &mut Vec<u8>) {
    encode_key(tag, WireType::LengthDelimited, out);
    encode_varint(bytes.len() as u64, out);
    out.extend_from_slice(bytes);
}

/// `cafe/order.proto`: `Cup { size }`, and `Order { item, qty, email [(confluent.field_meta).tags
/// = "PII"], notes, cup, extras }`, encoded by hand because `prost_types` cannot carry the
/// extension option.
fn cafe_file() -> Vec<u8> {
    let cup = DescriptorProto {
        name: Some("Cup".into()),
        field: vec![field("size", 1, Type::String, Label::Optional)],
        ..Default::default()
    };
    let mut cup_field = field("cup", 5, Type::Message, Label::Optional);
    cup_field.type_name = Some(".cafe.Cup".into());
    let mut extras = field("extras", 6, Type::Message, Label::Repeated);
    extras.type_name = Some(".cafe.Order.ExtrasEntry".into());
    let order = DescriptorProto {
        name: Some("Order".into()),
        field: vec![
            field("item", 1, Type::String, Label::Optional),
            field("qty", 2, Type::Int32, Label::Optional),
            field("notes", 4, Type::String, Label::Repeated),
            cup_field,
            extras,
        ],
        nested_type: vec![DescriptorProto {
            name: Some("ExtrasEntry".into()),
            field: vec![
                field("key", 1, Type::String, Label::Optional),
                field("value", 2, Type::Int32, Label::Optional),
            ],
            options: Some(MessageOptions {
                map_entry: Some(true),
                ..Default::default()
            }),
            ..Default::default()
        }],
        ..Default::default()
    };
    // email = 3, with FieldOptions { [confluent.field_meta] (1088) = Meta { tags: "PII" } }
    let mut meta = Vec::new();
    length_delimited(3, b"PII", &mut meta);
    let mut options = Vec::new();
    length_delimited(1088, &meta, &mut options);
    let mut email = field("email", 3, Type::String, Label::Optional).encode_to_vec();
    length_delimited(8, &options, &mut email);
    let mut order_bytes = order.encode_to_vec();
    length_delimited(2, &email, &mut order_bytes);
    let file = FileDescriptorProto {
        name: Some("cafe/order.proto".into()),
        package: Some("cafe".into()),
        syntax: Some("proto3".into()),
        message_type: vec![cup],
        ..Default::default()
    };
    let mut bytes = file.encode_to_vec();
    length_delimited(4, &order_bytes, &mut bytes);
    bytes
}

static POOL: LazyLock<DescriptorPool> = LazyLock::new(|| {
    let mut pool = DescriptorPool::new();
    pool.decode_file_descriptor_proto(cafe_file().as_slice())
        .unwrap();
    pool
});

fn order_desc() -> MessageDescriptor {
    POOL.get_message_by_name("cafe.Order").unwrap()
}

#[derive(Clone, PartialEq, Message)]
struct Cup {
    #[prost(string, tag = "1")]
    size: String,
}

#[derive(Clone, PartialEq, Message)]
struct CafeOrder {
    #[prost(string, tag = "1")]
    item: String,
    #[prost(int32, tag = "2")]
    qty: i32,
    #[prost(string, tag = "3")]
    email: String,
    #[prost(string, repeated, tag = "4")]
    notes: Vec<String>,
    #[prost(message, optional, tag = "5")]
    cup: Option<Cup>,
    #[prost(map = "string, int32", tag = "6")]
    extras: HashMap<String, i32>,
}

impl ReflectMessage for CafeOrder {
    fn descriptor(&self) -> MessageDescriptor {
        order_desc()
    }
}

fn cafe_order(qty: i32) -> CafeOrder {
    CafeOrder {
        item: "latte".into(),
        qty,
        email: "b@example.org".into(),
        notes: vec!["hot".into(), "oat".into()],
        cup: Some(Cup { size: "L".into() }),
        extras: HashMap::from([("shot".to_owned(), 1)]),
    }
}

/// A registry holding the cafe schema (with its inline tag) and `rules`, and a serializer of
/// `CafeOrder` selecting it.
async fn setup(
    rules: Vec<Rule>,
    metadata: Option<Metadata>,
) -> (Arc<MockClient>, ProtobufSerializer<CafeOrder>) {
    let mock = Arc::new(MockClient::new());
    let mut schema =
        Schema::protobuf(encode_bytes(&cafe_file())).with_rule_set(RuleSet::domain(rules));
    if let Some(m) = metadata {
        schema = schema.with_metadata(m);
    }
    mock.register("cafe-value", &schema, false).await.unwrap();
    let ser = ProtobufSerializer::<CafeOrder>::new(
        mock.clone(),
        SerializerConfig::value().selection(latest()),
    )
    .unwrap();
    (mock, ser)
}

fn encode_bytes(b: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(b)
}

/// The framed bytes of `order` as a serializer without rules writes them (same id, 1).
async fn without_rules(order: &CafeOrder) -> Vec<u8> {
    let (_, ser) = setup(Vec::new(), None).await;
    ser.serialize("cafe", order).await.unwrap().payload
}

/// The message the bytes carry, decoded without rules.
fn plain(bytes: &[u8]) -> CafeOrder {
    let (ix, payload) = crate::protobuf::indexes::read(&bytes[5..]).unwrap();
    assert_eq!(ix.as_slice(), [1], "Order is the file's second message");
    CafeOrder::decode(payload).unwrap()
}

#[tokio::test]
async fn conditions_refuse_on_write_and_on_read() {
    let rule = Rule::cel_condition(
        "sane",
        "WRITEREAD",
        "message.qty > 0 && size(message.notes) < 3 && message.cup.size == 'L'",
    );
    let (mock, ser) = setup(vec![rule], None).await;
    assert!(ser.serialize("cafe", &cafe_order(2)).await.is_ok());
    let err = ser.serialize("cafe", &cafe_order(0)).await.unwrap_err();
    assert_eq!(
        (failure(&err).rule.as_str(), failure(&err).phase),
        ("sane", Phase::Write)
    );
    let blocking = Blocking::new(ser);
    assert!(blocking.serialize("cafe", &cafe_order(2)).is_ok());
    assert!(blocking.serialize("cafe", &cafe_order(0)).is_err());

    let good = without_rules(&cafe_order(2)).await;
    let bad = without_rules(&cafe_order(0)).await;
    let typed = ProtobufDeserializer::<CafeOrder>::new(mock.clone());
    assert_eq!(typed.deserialize(&good).await.unwrap(), cafe_order(2));
    let err = typed.deserialize(&bad).await.unwrap_err();
    assert_eq!(failure(&err).phase, Phase::Read);
    let dynamic = DynamicProtobufDeserializer::new(mock.clone());
    assert!(dynamic.deserialize(&good).await.is_ok());
    assert!(
        dynamic
            .deserialize(&bad)
            .await
            .unwrap_err()
            .rule_failure()
            .is_some()
    );
    let (typed, dynamic) = (
        Blocking::new(ProtobufDeserializer::<CafeOrder>::new(mock.clone())),
        Blocking::new(DynamicProtobufDeserializer::new(mock)),
    );
    assert!(typed.deserialize(&good).is_ok());
    assert!(
        typed
            .deserialize(&bad)
            .unwrap_err()
            .rule_failure()
            .is_some()
    );
    assert!(dynamic.deserialize(&good).is_ok());
    assert!(
        dynamic
            .deserialize(&bad)
            .unwrap_err()
            .rule_failure()
            .is_some()
    );
}

#[tokio::test]
async fn an_unset_message_field_is_null_to_a_condition() {
    let rule = Rule::cel_condition("noCup", "WRITE", "message.cup == null");
    let (_, ser) = setup(vec![rule], None).await;
    let mut no_cup = cafe_order(1);
    no_cup.cup = None;
    assert!(ser.serialize("cafe", &no_cup).await.is_ok());
    assert!(ser.serialize("cafe", &cafe_order(1)).await.is_err());
}

fn mask(mode: &str) -> Rule {
    Rule::cel_field_transform("mask", mode, "typeName == 'STRING' ; 'xx' + value").tag("PII")
}

#[tokio::test]
async fn field_transforms_on_write_follow_inline_and_metadata_tags() {
    let mut meta = Metadata::default();
    meta.tags
        .insert("cafe.Cup.*".into(), ["PII".to_owned()].into());
    meta.tags
        .insert("cafe.Order.notes".into(), ["PII".to_owned()].into());
    let (_, ser) = setup(vec![mask("WRITE")], Some(meta)).await;
    let bytes = ser.serialize("cafe", &cafe_order(1)).await.unwrap().payload;
    let written = plain(&bytes);
    assert_eq!(
        written.email, "xxb@example.org",
        "inline (confluent.field_meta) tag"
    );
    assert_eq!(
        written.cup.unwrap().size,
        "xxL",
        "nested message, metadata tag"
    );
    assert_eq!(
        written.notes,
        ["xxhot", "xxoat"],
        "every item of a repeated field"
    );
    assert_eq!(written.item, "latte");
    let blocking = Blocking::new(ser);
    assert_eq!(
        blocking.serialize("cafe", &cafe_order(1)).unwrap().payload,
        bytes
    );
}

#[tokio::test]
async fn field_transforms_on_read_with_typed_and_dynamic_deserializers() {
    let (mock, ser) = setup(vec![mask("READ")], None).await;
    let bytes = ser.serialize("cafe", &cafe_order(1)).await.unwrap().payload;
    assert_eq!(
        plain(&bytes),
        cafe_order(1),
        "READ rules do not run on write"
    );
    let typed = ProtobufDeserializer::<CafeOrder>::new(mock.clone());
    assert_eq!(
        typed.deserialize(&bytes).await.unwrap().email,
        "xxb@example.org"
    );
    let dynamic = DynamicProtobufDeserializer::new(mock.clone());
    let m = dynamic.deserialize(&bytes).await.unwrap();
    assert_eq!(
        m.get_field_by_name("email").unwrap().as_str(),
        Some("xxb@example.org")
    );
    let typed = Blocking::new(ProtobufDeserializer::<CafeOrder>::new(mock.clone()));
    assert_eq!(typed.deserialize(&bytes).unwrap().email, "xxb@example.org");
    let dynamic = Blocking::new(DynamicProtobufDeserializer::new(mock));
    let m: DynamicMessage = dynamic.deserialize(&bytes).unwrap();
    assert_eq!(
        m.get_field_by_name("email").unwrap().as_str(),
        Some("xxb@example.org")
    );
}

#[tokio::test]
async fn map_values_and_numbers_are_transformed_within_their_type() {
    let mut meta = Metadata::default();
    meta.tags
        .insert("cafe.Order.extras".into(), ["N".to_owned()].into());
    let more = Rule::cel_field_transform("more", "WRITE", "value + 1").tag("N");
    let (_, ser) = setup(vec![more], Some(meta.clone())).await;
    let bytes = ser.serialize("cafe", &cafe_order(1)).await.unwrap().payload;
    assert_eq!(plain(&bytes).extras["shot"], 2);
    // past int32: the rule fails rather than wrapping
    let huge = Rule::cel_field_transform("huge", "WRITE", "value + 9999999999").tag("N");
    let (_, ser) = setup(vec![huge], Some(meta)).await;
    let err = ser.serialize("cafe", &cafe_order(1)).await.unwrap_err();
    assert!(failure(&err).reason.contains("cafe.Order.extras"), "{err}");
}

#[tokio::test]
async fn a_message_transform_builds_a_new_message_from_the_map() {
    let rule = Rule::cel_transform(
        "slim",
        "WRITE",
        "{'item': message.item, 'qty': message.qty + 1, 'cup': {'size': 'S'}}",
    );
    let (_, ser) = setup(vec![rule], None).await;
    let bytes = ser.serialize("cafe", &cafe_order(1)).await.unwrap().payload;
    let written = plain(&bytes);
    assert_eq!((written.item.as_str(), written.qty), ("latte", 2));
    assert_eq!(written.cup.unwrap().size, "S");
    assert!(
        written.email.is_empty() && written.notes.is_empty(),
        "fields not named are unset"
    );
}

#[tokio::test]
async fn protobuf_results_of_the_wrong_type_take_the_failure_action() {
    for rule in [
        Rule::cel_field_transform("toInt", "WRITE", "size(value)").tag("PII"),
        Rule::cel_transform("unknownField", "WRITE", "{'nope': 1}"),
        Rule::cel_transform("qtyText", "WRITE", "{'qty': 'many'}"),
        Rule::cel_transform("notMap", "WRITE", "[1, 2]"),
    ] {
        let name = rule.name.clone();
        let (_, ser) = setup(vec![rule.clone()], None).await;
        let err = ser.serialize("cafe", &cafe_order(1)).await.unwrap_err();
        assert_eq!(failure(&err).rule, name);
        let (_, ser) = setup(vec![rule.on_failure("NONE")], None).await;
        let bytes = ser.serialize("cafe", &cafe_order(1)).await.unwrap().payload;
        assert_eq!(plain(&bytes), cafe_order(1), "{name}");
    }
}

#[test]
fn the_mock_serves_descriptors_with_their_extension_options() {
    let text = encode_bytes(&cafe_file());
    let served = crate::protobuf::descriptors::served_form(&text).unwrap();
    let mut tags = crate::protobuf::field_meta::InlineTags::new();
    crate::protobuf::field_meta::collect_base64(&served, &mut tags);
    assert_eq!(tags["cafe.Order.email"], ["PII".to_owned()].into());
    let file = crate::protobuf::descriptors::decode_file(&served).unwrap();
    assert_eq!(file.name(), "default");
}

#[tokio::test]
async fn the_serializer_registers_its_file_with_the_inline_tags() {
    // auto-register: the registered schema keeps (confluent.field_meta), so a READ rule selects
    // the tagged field for every reader
    let mock = Arc::new(MockClient::new());
    let ser =
        ProtobufSerializer::<CafeOrder>::new(mock.clone(), SerializerConfig::value()).unwrap();
    let bytes = ser.serialize("cafe", &cafe_order(1)).await.unwrap().payload;
    let registered = mock.latest_version("cafe-value").await.unwrap();
    let mut tags = crate::protobuf::field_meta::InlineTags::new();
    crate::protobuf::field_meta::collect_base64(&registered.schema.schema, &mut tags);
    assert!(tags.contains_key("cafe.Order.email"), "{tags:?}");
    // a file without extension options registers exactly as its FileDescriptorProto encodes
    let plain_file = POOL.get_message_by_name("cafe.Cup").unwrap().parent_file();
    let mut stripped = plain_file.file_descriptor_proto().clone();
    stripped.message_type.truncate(1);
    let mut pool = DescriptorPool::new();
    pool.add_file_descriptor_proto(stripped.clone()).unwrap();
    let file = pool.get_file_by_name("cafe/order.proto").unwrap();
    assert_eq!(
        crate::protobuf::references::bare_schema(&file).schema,
        crate::protobuf::descriptors::encode_file(&stripped)
    );
    // and a READ rule on that registered schema masks on every read
    let rule_set = RuleSet::domain(vec![mask("READ")]);
    let mut with_rules = registered.schema.clone();
    with_rules.rule_set = Some(rule_set);
    mock.register("cafe-value", &with_rules, false)
        .await
        .unwrap();
    let id = mock.latest_version("cafe-value").await.unwrap().id.unwrap();
    let mut reframed = bytes.clone();
    reframed[1..5].copy_from_slice(&id.0.to_be_bytes());
    let read = ProtobufDeserializer::<CafeOrder>::new(mock)
        .deserialize(&reframed)
        .await
        .unwrap();
    assert_eq!(read.email, "xxb@example.org");
}
