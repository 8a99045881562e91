//! Rules on JSON Schema messages: field paths from `$`, conditions and transforms on write and
//! on read, validation of what a transform produces.

use std::sync::Arc;

use serde_json::{Value, json};

use super::{failure, latest};
use crate::client::{MockClient, RegistryClient};
use crate::rules::{Metadata, Rule, RuleSet};
use crate::{Blocking, Error, JsonDeserializer, JsonSerializer, Schema, SerializerConfig};

const PERSON: &str = r##"{"type":"object","properties":{
    "name":{"type":"string"},
    "email":{"type":"string","confluent:tags":["PII"]},
    "age":{"type":"integer"},
    "level":{"enum":["low","high"]},
    "home":{"$ref":"#/definitions/Address"},
    "phones":{"type":"array","confluent:tags":["PII"],"items":{"type":"string"}}},
    "required":["name"],
    "definitions":{"Address":{"type":"object","properties":{"street":{"type":"string"}}}}}"##;

fn person() -> Value {
    json!({"name": "Ada", "email": "ada@example.org", "age": 36, "level": "low",
        "home": {"street": "Elm 1"}, "phones": ["123", "456"]})
}

async fn registry(rules: Vec<Rule>, metadata: Option<Metadata>) -> Arc<MockClient> {
    let mock = Arc::new(MockClient::new());
    let mut schema = Schema::json(PERSON).with_rule_set(RuleSet::domain(rules));
    if let Some(m) = metadata {
        schema = schema.with_metadata(m);
    }
    mock.register("people-value", &schema, false).await.unwrap();
    mock
}

fn serializer(mock: &Arc<MockClient>, validate: bool) -> JsonSerializer<Value> {
    let cfg = SerializerConfig::value().selection(latest());
    let cfg = if validate { cfg.validate(true) } else { cfg };
    JsonSerializer::new(mock.clone(), Schema::json(PERSON), cfg).unwrap()
}

fn body(bytes: &[u8]) -> Value {
    serde_json::from_slice(&bytes[5..]).unwrap()
}

#[tokio::test]
async fn field_transforms_follow_properties_refs_and_arrays() {
    let rule =
        Rule::cel_field_transform("mask", "WRITE", "typeName == 'STRING' ; '*' + value").tag("PII");
    let mut meta = Metadata::default();
    meta.tags
        .insert("$.home.str*".into(), ["PII".to_owned()].into());
    let mock = registry(vec![rule], Some(meta)).await;
    for validate in [false, true] {
        let bytes = serializer(&mock, validate)
            .serialize("people", &person())
            .await
            .unwrap()
            .payload;
        let out = body(&bytes);
        assert_eq!(out["email"], "*ada@example.org");
        assert_eq!(out["phones"], json!(["*123", "*456"]));
        assert_eq!(
            out["home"]["street"], "*Elm 1",
            "selected by the metadata path $.home.street"
        );
        assert_eq!(out["name"], "Ada");
        assert_eq!(out["level"], "low", "enums are not primitives");
    }
}

#[tokio::test]
async fn json_field_names_types_and_conditions() {
    let typed = Rule::cel_field_condition(
        "types",
        "WRITE",
        "(fullName == '$.age') == (typeName == 'INT' && name == 'age')",
    );
    let mock = registry(vec![typed], None).await;
    assert!(
        serializer(&mock, false)
            .serialize("people", &person())
            .await
            .is_ok()
    );
    let adult = Rule::cel_field_condition("adult", "WRITE", "name == 'age' ; value >= 18");
    let mock = registry(vec![adult], None).await;
    let ser = serializer(&mock, false);
    assert!(ser.serialize("people", &person()).await.is_ok());
    let mut child = person();
    child["age"] = json!(9);
    let err = ser.serialize("people", &child).await.unwrap_err();
    assert_eq!(failure(&err).rule, "adult");
    // a null is not visited
    child["age"] = Value::Null;
    assert!(ser.serialize("people", &child).await.is_ok());
}

#[tokio::test]
async fn read_transforms_are_validated_and_handed_out() {
    let older = Rule::cel_field_transform("older", "READ", "name == 'age' ; value + 1");
    let mock = registry(vec![older], None).await;
    let bytes = serializer(&mock, false)
        .serialize("people", &person())
        .await
        .unwrap()
        .payload;
    assert_eq!(body(&bytes)["age"], 36, "READ rules do not run on write");
    let de = JsonDeserializer::new(mock.clone(), true);
    let read: Value = de.deserialize(&bytes).await.unwrap();
    assert_eq!(read["age"], 37);
    assert_eq!(
        Blocking::new(de).deserialize::<Value>(&bytes).unwrap()["age"],
        37
    );

    // a message transform whose result breaks the schema: refused by validation on read
    let bad = Rule::cel_transform("dropName", "READ", "{'email': 'x'}");
    let mock = registry(vec![bad], None).await;
    let bytes = serializer(&mock, false)
        .serialize("people", &person())
        .await
        .unwrap()
        .payload;
    let err = JsonDeserializer::new(mock, true)
        .deserialize::<Value>(&bytes)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Validation(_)), "{err}");
}

#[tokio::test]
async fn wrong_types_in_json_fields_fail_the_rule() {
    let rule = Rule::cel_field_transform("ageText", "WRITE", "name == 'age' ; 'old'");
    let mock = registry(vec![rule.clone()], None).await;
    let err = serializer(&mock, false)
        .serialize("people", &person())
        .await
        .unwrap_err();
    assert!(failure(&err).reason.contains("$.age"), "{err}");
    let mock = registry(vec![rule.on_failure("NONE")], None).await;
    let bytes = serializer(&mock, false)
        .serialize("people", &person())
        .await
        .unwrap()
        .payload;
    assert_eq!(body(&bytes), person());
}
