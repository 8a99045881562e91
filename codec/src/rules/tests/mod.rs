//! Rule selection and actions, through the real serializers and deserializers on a mock registry
//! (conditions here; transforms, Protobuf and bounds in the submodules).
#![allow(clippy::unwrap_used)]

mod bounds;
mod json;
mod protobuf;
mod transforms;

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::*;
use crate::client::{MockClient, RegistryClient};
use crate::{
    AvroDeserializer, AvroSerializer, Blocking, JsonDeserializer, JsonSerializer, SchemaSelection,
    SerializerConfig,
};

pub(super) const ORDER: &str = r#"{"type":"record","name":"Order","namespace":"shop","fields":[
    {"name":"item","type":"string"},{"name":"qty","type":"int"},
    {"name":"email","type":"string","confluent:tags":["PII"]},
    {"name":"kind","type":"string"}]}"#;

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
pub(super) struct Order {
    pub(super) item: String,
    pub(super) qty: i32,
    pub(super) email: String,
    pub(super) kind: String,
}

pub(super) fn order(qty: i32) -> Order {
    Order {
        item: "tea".into(),
        qty,
        email: "a@example.org".into(),
        kind: "A".into(),
    }
}

fn positive(mode: &str) -> Rule {
    Rule::cel_condition("positiveQty", mode, "message.qty > 0")
}

/// A serializer of `Order` whose registered schema carries `rules`, selected like `selection`.
pub(super) async fn setup(
    rules: Vec<Rule>,
    selection: SchemaSelection,
) -> (Arc<MockClient>, AvroSerializer<Order>) {
    let mock = Arc::new(MockClient::new());
    let schema = Schema::avro(ORDER).with_rule_set(RuleSet::domain(rules));
    mock.register("orders-value", &schema, false).await.unwrap();
    let ser = AvroSerializer::<Order>::new(
        mock.clone(),
        Schema::avro(ORDER),
        SerializerConfig::value().selection(selection),
    )
    .unwrap();
    (mock, ser)
}

pub(super) fn latest() -> SchemaSelection {
    SchemaSelection::UseLatest { strict: false }
}

pub(super) fn failure(e: &Error) -> &RuleFailure {
    e.rule_failure()
        .unwrap_or_else(|| panic!("expected a rule failure, got {e}"))
}

#[tokio::test]
async fn write_condition_refuses_a_violating_message_and_keeps_the_buffer() {
    let (_, ser) = setup(vec![positive("WRITE")], latest()).await;
    assert!(ser.serialize("orders", &order(2)).await.is_ok());
    let mut out = vec![9u8];
    let err = ser
        .serialize_into("orders", &order(0), &mut out)
        .await
        .unwrap_err();
    let f = failure(&err);
    assert_eq!(f.rule, "positiveQty");
    assert_eq!(f.phase, Phase::Write);
    assert_eq!(f.subject, "orders-value");
    assert_eq!(f.topic, "orders");
    assert_eq!(f.action, RuleAction::Error);
    assert_eq!(out, [9], "a refused message leaves the buffer as it was");
}

#[test]
fn the_blocking_api_runs_the_same_rules() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (mock, ser) = rt.block_on(setup(vec![positive("WRITEREAD")], latest()));
    let ser = Blocking::new(ser);
    let good = ser.serialize("orders", &order(1)).unwrap().payload;
    assert!(
        ser.serialize("orders", &order(-1))
            .unwrap_err()
            .rule_failure()
            .is_some()
    );
    let de = Blocking::new(AvroDeserializer::new(mock));
    assert_eq!(de.deserialize::<Order>(&good).unwrap(), order(1));
}

#[tokio::test]
async fn read_rules_run_on_decode_with_the_writer_schemas_rules() {
    // written by a serializer that does not look at rules (auto-register of a rule-less schema
    // under another subject shares the id), read by a deserializer that runs the READ rule
    let mock = Arc::new(MockClient::new());
    let with_rule = Schema::avro(ORDER).with_rule_set(RuleSet::domain(vec![positive("READ")]));
    mock.register("orders-value", &with_rule, false)
        .await
        .unwrap();
    let ser = AvroSerializer::<Order>::new(
        mock.clone(),
        Schema::avro(ORDER),
        SerializerConfig::value().selection(latest()),
    )
    .unwrap();
    // READ-only: writing a bad message passes
    let bad = ser.serialize("orders", &order(0)).await.unwrap().payload;
    let good = ser.serialize("orders", &order(3)).await.unwrap().payload;
    let de = AvroDeserializer::new(mock.clone());
    assert_eq!(de.deserialize::<Order>(&good).await.unwrap(), order(3));
    let err = de.deserialize::<Order>(&bad).await.unwrap_err();
    assert_eq!(failure(&err).phase, Phase::Read);
    assert!(de.decode_json(None, &bad).await.is_err());
    assert!(de.deserialize_borrowed::<Order>(None, &bad).await.is_err());
    let blocking = Blocking::new(de);
    assert!(blocking.deserialize::<Order>(&bad).is_err());
    assert!(blocking.deserialize::<Order>(&good).is_ok());
}

#[tokio::test]
async fn disabled_rules_and_other_modes_do_not_run() {
    let rules = vec![
        positive("WRITE").disabled(true),
        Rule::cel_condition("readOnly", "READ", "false"),
    ];
    let (_, ser) = setup(rules, latest()).await;
    assert!(ser.serialize("orders", &order(0)).await.is_ok());
}

#[tokio::test]
async fn enable_at_limits_where_rules_run() {
    for (at, runs) in [
        (None, true),
        (Some("ALL"), true),
        (Some("CLIENT"), true),
        (Some("SERVER"), false),
        (Some("NONE"), false),
    ] {
        let mock = Arc::new(MockClient::new());
        let mut rs = RuleSet::domain(vec![positive("WRITE")]);
        rs.enable_at = at.map(str::to_owned);
        mock.register(
            "orders-value",
            &Schema::avro(ORDER).with_rule_set(rs),
            false,
        )
        .await
        .unwrap();
        let ser = AvroSerializer::<Order>::new(
            mock,
            Schema::avro(ORDER),
            SerializerConfig::value().selection(latest()),
        )
        .unwrap();
        assert_eq!(
            ser.serialize("orders", &order(0)).await.is_err(),
            runs,
            "{at:?}"
        );
    }
}

#[tokio::test]
async fn on_failure_none_lets_the_message_through_and_dlq_names_the_topic() {
    let (_, ser) = setup(vec![positive("WRITE").on_failure("NONE")], latest()).await;
    assert!(ser.serialize("orders", &order(0)).await.is_ok());

    let mut dlq = positive("WRITE").on_failure("DLQ");
    dlq.params.insert("dlq.topic".into(), "orders-dlq".into());
    let (_, ser) = setup(vec![dlq], latest()).await;
    let err = ser.serialize("orders", &order(0)).await.unwrap_err();
    assert_eq!(
        failure(&err).action,
        RuleAction::Dlq {
            topic: Some("orders-dlq".into())
        }
    );
    assert!(err.to_string().contains("orders-dlq"), "{err}");
}

#[tokio::test]
async fn a_pair_of_actions_splits_write_and_read() {
    // "NONE,ERROR": writing a violating message passes, reading it fails
    let rule = positive("WRITEREAD").on_failure("NONE,ERROR");
    let (mock, ser) = setup(vec![rule], latest()).await;
    let bytes = ser.serialize("orders", &order(0)).await.unwrap().payload;
    let err = AvroDeserializer::new(mock)
        .deserialize::<Order>(&bytes)
        .await
        .unwrap_err();
    assert_eq!(failure(&err).phase, Phase::Read);
}

#[tokio::test]
async fn on_success_error_fails_even_a_passing_message() {
    let (_, ser) = setup(vec![positive("WRITE").on_success("ERROR")], latest()).await;
    assert!(ser.serialize("orders", &order(5)).await.is_err());
}

#[tokio::test]
async fn a_guard_skips_messages_it_does_not_select() {
    let rule = Rule::cel_condition(
        "aPositive",
        "WRITE",
        "message.kind == 'A' ; message.qty > 0",
    );
    let (_, ser) = setup(vec![rule], latest()).await;
    let mut b = order(0);
    b.kind = "B".into();
    assert!(
        ser.serialize("orders", &b).await.is_ok(),
        "guard false: passes"
    );
    assert!(ser.serialize("orders", &order(0)).await.is_err());
}

#[tokio::test]
async fn broken_expressions_and_unknown_types_take_the_failure_action() {
    for rule in [
        Rule::cel_condition("broken", "WRITE", "message.qty >"),
        Rule::cel_condition("notBool", "WRITE", "message.qty"),
        Rule::cel_condition("tooLong", "WRITE", &"1 + ".repeat(MAX_EXPR_LEN)),
        Rule {
            rule_type: "JSONATA".into(),
            ..positive("WRITE")
        },
        // a transform whose result (a boolean) is not an Order
        Rule {
            kind: Some("TRANSFORM".into()),
            ..positive("WRITE")
        },
    ] {
        let name = rule.name.clone();
        let (_, ser) = setup(vec![rule.clone()], latest()).await;
        assert!(ser.serialize("orders", &order(1)).await.is_err(), "{name}");
        let (_, ser) = setup(vec![rule.on_failure("NONE")], latest()).await;
        assert!(ser.serialize("orders", &order(1)).await.is_ok(), "{name}");
    }
}

#[tokio::test]
async fn field_conditions_check_tagged_fields_only() {
    let mut rule = Rule::cel_condition("piiHasAt", "WRITE", "value.contains('@')");
    rule.rule_type = "CEL_FIELD".into();
    rule.tags.insert("PII".into());
    let (_, ser) = setup(vec![rule.clone()], latest()).await;
    let mut bad = order(1);
    bad.email = "nobody".into();
    assert!(ser.serialize("orders", &order(1)).await.is_ok());
    assert!(ser.serialize("orders", &bad).await.is_err());
    // `item` has no PII tag: "tea" has no '@' and is not checked; without tags it would be
    rule.tags.clear();
    let (_, ser) = setup(vec![rule], latest()).await;
    assert!(ser.serialize("orders", &order(1)).await.is_err());
}

#[tokio::test]
async fn metadata_tags_select_fields_by_wildcard_path() {
    let mut rule = Rule::cel_condition("shortItem", "WRITE", "size(value) < 5");
    rule.rule_type = "CEL_FIELD".into();
    rule.tags.insert("SHORT".into());
    let mut meta = Metadata::default();
    meta.tags
        .insert("shop.Order.it*".into(), ["SHORT".to_owned()].into());
    let mock = Arc::new(MockClient::new());
    let schema = Schema::avro(ORDER)
        .with_rule_set(RuleSet::domain(vec![rule]))
        .with_metadata(meta);
    mock.register("orders-value", &schema, false).await.unwrap();
    let ser = AvroSerializer::<Order>::new(
        mock,
        Schema::avro(ORDER),
        SerializerConfig::value().selection(latest()),
    )
    .unwrap();
    assert!(
        ser.serialize("orders", &order(1)).await.is_ok(),
        "email is long but untagged"
    );
    let mut long = order(1);
    long.item = "green tea".into();
    assert!(ser.serialize("orders", &long).await.is_err());
}

#[tokio::test]
async fn auto_register_runs_the_registered_schemas_rules() {
    // Confluent's Java serializer: the register answer replaces the local schema, rules included
    let mock = Arc::new(MockClient::new());
    let schema = Schema::avro(ORDER).with_rule_set(RuleSet::domain(vec![positive("WRITE")]));
    let ser = AvroSerializer::<Order>::new(mock, schema, SerializerConfig::value()).unwrap();
    assert!(ser.serialize("orders", &order(1)).await.is_ok());
    assert!(ser.serialize("orders", &order(0)).await.is_err());
}

#[tokio::test]
async fn latest_with_metadata_selects_the_version_and_its_rules() {
    let mock = Arc::new(MockClient::new());
    let mut v1_meta = Metadata::default();
    v1_meta.properties.insert("major".into(), "1".into());
    let v1 = Schema::avro(ORDER)
        .with_metadata(v1_meta)
        .with_rule_set(RuleSet::domain(vec![positive("WRITE")]));
    mock.register("orders-value", &v1, false).await.unwrap();
    let mut v2_meta = Metadata::default();
    v2_meta.properties.insert("major".into(), "2".into());
    mock.register(
        "orders-value",
        &Schema::avro(ORDER).with_metadata(v2_meta),
        false,
    )
    .await
    .unwrap();
    let pick = |major: &str| SchemaSelection::LatestWithMetadata {
        properties: [("major".to_owned(), major.to_owned())].into(),
        strict: false,
    };
    let cfg = |major| SerializerConfig::value().selection(pick(major));
    let v1_ser = AvroSerializer::<Order>::new(mock.clone(), Schema::avro(ORDER), cfg("1")).unwrap();
    let v2_ser = AvroSerializer::<Order>::new(mock.clone(), Schema::avro(ORDER), cfg("2")).unwrap();
    assert!(v1_ser.serialize("orders", &order(0)).await.is_err());
    let bytes = v2_ser.serialize("orders", &order(0)).await.unwrap().payload;
    assert_eq!(&bytes[..5], &[0, 0, 0, 0, 2]);
    let none = AvroSerializer::<Order>::new(mock, Schema::avro(ORDER), cfg("3")).unwrap();
    assert!(
        none.serialize("orders", &order(1))
            .await
            .unwrap_err()
            .is_not_found()
    );
}

#[tokio::test]
async fn json_serializer_and_validating_deserializer_run_rules() {
    let schema_text = r#"{"type":"object","properties":{"qty":{"type":"integer"}}}"#;
    let mock = Arc::new(MockClient::new());
    let rs = RuleSet::domain(vec![positive("WRITEREAD").on_failure("NONE,ERROR")]);
    mock.register(
        "t-value",
        &Schema::json(schema_text).with_rule_set(rs),
        false,
    )
    .await
    .unwrap();
    let ser = JsonSerializer::<serde_json::Value>::new(
        mock.clone(),
        Schema::json(schema_text),
        SerializerConfig::value().selection(latest()),
    )
    .unwrap();
    let bytes = ser
        .serialize("t", &serde_json::json!({"qty": 0}))
        .await
        .unwrap()
        .payload;
    let de = JsonDeserializer::new(mock.clone(), true);
    assert!(de.deserialize::<serde_json::Value>(&bytes).await.is_err());
    let ok = ser
        .serialize("t", &serde_json::json!({"qty": 4}))
        .await
        .unwrap()
        .payload;
    assert!(de.deserialize::<serde_json::Value>(&ok).await.is_ok());
    let _ = mock.latest_version("t-value").await.unwrap();
}
