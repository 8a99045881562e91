//! `TRANSFORM` rules on Avro messages: the whole message (`CEL`) and per field (`CEL_FIELD`), on
//! write and on read, through the async and the blocking APIs.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::{ORDER, Order, failure, latest, order, setup};
use crate::client::{MockClient, RegistryClient};
use crate::rules::{Phase, Rule, RuleAction, RuleSet};
use crate::{AvroDeserializer, AvroSerializer, Blocking, Error, Schema, SerializerConfig};

/// What a message reads as, whatever rules the registered schema has: decoded by a
/// deserializer whose registry knows the id without rules.
async fn plain(bytes: &[u8]) -> Order {
    let mock = Arc::new(MockClient::new());
    mock.register("orders-value", &Schema::avro(ORDER), false)
        .await
        .unwrap();
    AvroDeserializer::new(mock)
        .deserialize(bytes)
        .await
        .unwrap()
}

fn mask_pii(mode: &str) -> Rule {
    Rule::cel_field_transform("maskPii", mode, "typeName == 'STRING' ; 'xx' + value").tag("PII")
}

#[tokio::test]
async fn a_field_transform_rewrites_tagged_fields_before_encoding() {
    let (_, ser) = setup(vec![mask_pii("WRITE")], latest()).await;
    let bytes = ser.serialize("orders", &order(2)).await.unwrap().payload;
    let written = plain(&bytes).await;
    assert_eq!(
        written.email, "xxa@example.org",
        "the tagged field is rewritten"
    );
    assert_eq!(written.item, "tea", "untagged fields are not");
    // the blocking serializer runs the same rule
    let blocking = Blocking::new(ser);
    let again = blocking.serialize("orders", &order(2)).unwrap().payload;
    assert_eq!(again, bytes);
}

#[tokio::test]
async fn a_read_field_transform_rewrites_what_the_deserializer_hands_out() {
    let (mock, ser) = setup(vec![mask_pii("READ")], latest()).await;
    let bytes = ser.serialize("orders", &order(2)).await.unwrap().payload;
    assert_eq!(
        plain(&bytes).await,
        order(2),
        "READ rules do not run on write"
    );
    let de = AvroDeserializer::new(mock);
    let read: Order = de.deserialize(&bytes).await.unwrap();
    assert_eq!(read.email, "xxa@example.org");
    assert_eq!(read.item, "tea");
    let json = de.decode_json(None, &bytes).await.unwrap();
    assert_eq!(json["email"], "xxa@example.org");
    let value = de.decode_value(None, &bytes).await.unwrap();
    assert!(
        format!("{value:?}").contains("xxa@example.org"),
        "{value:?}"
    );
    // a transformed message cannot borrow from the input
    let err = de
        .deserialize_borrowed::<Order>(None, &bytes)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err}");
    let blocking = Blocking::new(de);
    assert_eq!(blocking.deserialize::<Order>(&bytes).unwrap(), read);
    assert_eq!(blocking.decode_json(None, &bytes).unwrap(), json);
}

#[tokio::test]
async fn a_message_transform_replaces_the_whole_record() {
    let rule = Rule::cel_transform(
        "double",
        "WRITE",
        "{'item': message.item + '!', 'qty': message.qty * 2, 'email': message.email, 'kind': 'B'}",
    );
    let (_, ser) = setup(vec![rule], latest()).await;
    let bytes = ser.serialize("orders", &order(3)).await.unwrap().payload;
    let written = plain(&bytes).await;
    assert_eq!(
        (written.item.as_str(), written.qty, written.kind.as_str()),
        ("tea!", 6, "B")
    );
}

#[tokio::test]
async fn write_then_read_transforms_round_trip_and_read_runs_in_reverse() {
    // WRITE adds 10, READ takes it away again; two READ rules run last-first
    let rules = vec![
        Rule::cel_transform(
            "encode",
            "WRITE",
            "{'item': message.item, 'qty': message.qty + 10, 'email': message.email, 'kind': message.kind}",
        ),
        Rule::cel_transform(
            "decode",
            "READ",
            "{'item': message.item + '1', 'qty': message.qty - 10, 'email': message.email, 'kind': message.kind}",
        ),
        Rule::cel_transform(
            "mark",
            "READ",
            "{'item': message.item + '2', 'qty': message.qty, 'email': message.email, 'kind': message.kind}",
        ),
    ];
    let (mock, ser) = setup(rules, latest()).await;
    let bytes = ser.serialize("orders", &order(5)).await.unwrap().payload;
    assert_eq!(plain(&bytes).await.qty, 15);
    let de = AvroDeserializer::new(mock);
    let read: Order = de.deserialize(&bytes).await.unwrap();
    assert_eq!(read.qty, 5);
    assert_eq!(read.item, "tea21", "READ rules run in reverse order");
    assert_eq!(
        Blocking::new(de).deserialize::<Order>(&bytes).unwrap(),
        read
    );
}

#[tokio::test]
async fn rules_after_a_transform_see_the_transformed_message() {
    let rules = vec![
        Rule::cel_transform(
            "zero",
            "WRITE",
            "{'item': message.item, 'qty': 0, 'email': message.email, 'kind': message.kind}",
        ),
        Rule::cel_condition("positive", "WRITE", "message.qty > 0"),
    ];
    let (_, ser) = setup(rules, latest()).await;
    let err = ser.serialize("orders", &order(4)).await.unwrap_err();
    assert_eq!(failure(&err).rule, "positive");
}

#[tokio::test]
async fn disabled_and_guarded_transforms_change_nothing() {
    let mut kind_b = order(1);
    kind_b.kind = "B".into();
    for rule in [
        mask_pii("WRITE").disabled(true),
        Rule::cel_field_transform("onlyA", "WRITE", "message.kind == 'A' ; 'changed'").tag("PII"),
        Rule::cel_transform("onlyA", "WRITE", "message.kind == 'A' ; null"),
    ] {
        let (_, ser) = setup(vec![rule.clone()], latest()).await;
        let bytes = ser.serialize("orders", &kind_b).await.unwrap().payload;
        assert_eq!(plain(&bytes).await, kind_b, "{}", rule.name);
        let blocking = Blocking::new(ser);
        assert_eq!(
            blocking.serialize("orders", &kind_b).unwrap().payload,
            bytes
        );
    }
}

#[tokio::test]
async fn results_of_the_wrong_type_take_the_failure_action() {
    for rule in [
        // an int for a string field
        Rule::cel_field_transform("toInt", "WRITE", "size(value)").tag("PII"),
        // a string for an int field
        Rule::cel_field_transform("qtyText", "WRITE", "typeName == 'INT' ; 'many'"),
        // an int out of the 32-bit range
        Rule::cel_field_transform("huge", "WRITE", "typeName == 'INT' ; 9999999999"),
        // the whole message as a string, as null, without a field the schema requires
        Rule::cel_transform("notRecord", "WRITE", "'an order'"),
        Rule::cel_transform("null", "WRITE", "null"),
        Rule::cel_transform("noQty", "WRITE", "{'item': 'x', 'email': 'e', 'kind': 'A'}"),
        // an evaluation error
        Rule::cel_field_transform("broken", "WRITE", "value.nope()").tag("PII"),
    ] {
        let name = rule.name.clone();
        let (_, ser) = setup(vec![rule.clone()], latest()).await;
        let err = ser.serialize("orders", &order(1)).await.unwrap_err();
        let f = failure(&err);
        assert_eq!(
            (f.rule.as_str(), f.phase, &f.action),
            (name.as_str(), Phase::Write, &RuleAction::Error)
        );
        let blocking = Blocking::new(ser);
        let err = blocking.serialize("orders", &order(1)).unwrap_err();
        assert_eq!(failure(&err).rule, name, "the blocking API fails alike");
        // with onFailure NONE the rule is skipped and the message is written unchanged
        let (_, ser) = setup(vec![rule.on_failure("NONE")], latest()).await;
        let bytes = ser.serialize("orders", &order(1)).await.unwrap().payload;
        assert_eq!(plain(&bytes).await, order(1), "{name}");
        let blocking = Blocking::new(ser);
        assert_eq!(
            blocking.serialize("orders", &order(1)).unwrap().payload,
            bytes
        );
    }
}

#[tokio::test]
async fn of_field_transforms_with_the_same_tags_only_the_first_runs() {
    let rules = vec![
        Rule::cel_field_transform("first", "WRITE", "'first'").tag("PII"),
        Rule::cel_field_transform("second", "WRITE", "'second'").tag("PII"),
        Rule::cel_field_transform("other", "WRITE", "typeName == 'STRING' ; value + '+'").tag("X"),
    ];
    let (_, ser) = setup(rules, latest()).await;
    let bytes = ser.serialize("orders", &order(1)).await.unwrap().payload;
    assert_eq!(plain(&bytes).await.email, "first");
}

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Parcel {
    id: String,
    note: Option<String>,
    #[serde(with = "serde_bytes_compat")]
    raw: Vec<u8>,
    price: String,
    lines: Vec<Line>,
}

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Line {
    sku: String,
    tags: Vec<String>,
}

/// `Vec<u8>` as Avro `bytes` (serde's bytes, not a sequence).
mod serde_bytes_compat {
    pub fn serialize<S: serde::Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(v)
    }
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Vec<u8>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E>(self, v: &[u8]) -> Result<Vec<u8>, E> {
                Ok(v.to_vec())
            }
        }
        d.deserialize_bytes(V)
    }
}

const PARCEL: &str = r#"{"type":"record","name":"Parcel","namespace":"post","fields":[
    {"name":"id","type":"string"},
    {"name":"note","type":["null","string"],"default":null},
    {"name":"raw","type":"bytes"},
    {"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
    {"name":"lines","type":{"type":"array","items":{"type":"record","name":"Line","fields":[
        {"name":"sku","type":"string","confluent:tags":["SKU"]},
        {"name":"tags","type":{"type":"array","items":"string"}}]}}}]}"#;

fn parcel() -> Parcel {
    Parcel {
        id: "p1".into(),
        note: None,
        raw: vec![0, 200, 255],
        price: "12.50".into(),
        lines: vec![
            Line {
                sku: "a".into(),
                tags: vec!["x".into()],
            },
            Line {
                sku: "b".into(),
                tags: vec![],
            },
        ],
    }
}

/// A READ rule on the parcel schema; returns what the deserializer hands out.
async fn read_parcel(rule: Rule) -> crate::Result<Parcel> {
    let mock = Arc::new(MockClient::new());
    let schema = Schema::avro(PARCEL).with_rule_set(RuleSet::domain(vec![rule]));
    mock.register("parcels-value", &schema, false)
        .await
        .unwrap();
    let ser = AvroSerializer::<Parcel>::new(
        mock.clone(),
        Schema::avro(PARCEL),
        SerializerConfig::value().selection(latest()),
    )
    .unwrap();
    let bytes = ser.serialize("parcels", &parcel()).await?.payload;
    AvroDeserializer::new(mock).deserialize(&bytes).await
}

#[tokio::test]
async fn transforms_keep_bytes_decimals_unions_and_nested_records_intact() {
    // an identity transform of the whole message re-encodes every field as it was
    let same = read_parcel(Rule::cel_transform("same", "READ", "message")).await;
    assert_eq!(same.unwrap(), parcel());
    // a field rule reaches fields of records inside arrays, by inline tag, with the record's
    // full name, and a null in a union with type NULL
    let sku = Rule::cel_field_transform(
        "sku",
        "READ",
        "fullName == 'post.Line.sku' && typeName == 'STRING' ; value + '!'",
    )
    .tag("SKU");
    let read = read_parcel(sku).await.unwrap();
    assert_eq!(read.lines[0].sku, "a!");
    assert_eq!(read.lines[1].sku, "b!");
    let note = Rule::cel_field_transform(
        "note",
        "READ",
        "name == 'note' ; typeName == 'NULL' ? 'was null' : value",
    );
    assert_eq!(
        read_parcel(note).await.unwrap().note.as_deref(),
        Some("was null")
    );
    // every item of an array of strings, and bytes as bytes
    let tags = Rule::cel_field_transform("tags", "READ", "name == 'tags' ; value + value");
    assert_eq!(read_parcel(tags).await.unwrap().lines[0].tags, ["xx"]);
    let raw = Rule::cel_field_transform("raw", "READ", "typeName == 'BYTES' ; value + b'\\x01'");
    assert_eq!(read_parcel(raw).await.unwrap().raw, [0, 200, 255, 1]);
}
