//! JSON Schema codec through the mock registry: validation only when asked, validators cached per
//! id, typed and generic values, strategies and the blocking facade.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::sync::atomic::Ordering::SeqCst;
use std::time::Duration;

use codec::client::RegistryClient;
use codec::wire;
use codec::{
    Blocking, JsonDeserializer, JsonSerializer, MockClient, Schema, SchemaId, SchemaSelection,
    SerializerConfig, SubjectNameStrategy,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

const PERSON: &str = r#"{"$schema":"http://json-schema.org/draft-07/schema#","title":"Person","type":"object",
  "properties":{"name":{"type":"string"},"age":{"type":"integer","minimum":0}},"required":["name"]}"#;

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Person {
    name: String,
    age: i64,
}

fn framed(id: i32, json: &serde_json::Value) -> Vec<u8> {
    let mut out = Vec::new();
    wire::encode_into(SchemaId(id), &serde_json::to_vec(json).unwrap(), &mut out);
    out
}

#[tokio::test]
async fn typed_round_trip_is_plain_compact_json_after_the_prefix() {
    let reg = Arc::new(MockClient::new());
    let ser =
        JsonSerializer::<Person>::new(reg.clone(), Schema::json(PERSON), SerializerConfig::value())
            .unwrap();
    let p = Person {
        name: "Ada".into(),
        age: 36,
    };
    let e = ser.serialize("people", &p).await.unwrap();
    assert_eq!(&e.payload[..5], &[0, 0, 0, 0, 1]);
    assert_eq!(&e.payload[5..], br#"{"name":"Ada","age":36}"#);
    assert!(reg.latest_version("people-value").await.is_ok());
    let de = JsonDeserializer::new(reg.clone(), false);
    assert_eq!(de.deserialize::<Person>(&e.payload).await.unwrap(), p);
    assert_eq!(
        reg.calls().schema_by_id.load(SeqCst),
        0,
        "no validation, no registry call"
    );
}

#[tokio::test]
async fn validation_happens_only_when_asked() {
    let reg = Arc::new(MockClient::new());
    let bad = json!({"name": "x", "age": -1});
    let lax = JsonSerializer::<serde_json::Value>::new(
        reg.clone(),
        Schema::json(PERSON),
        SerializerConfig::value(),
    )
    .unwrap();
    let bytes = lax.serialize("p", &bad).await.unwrap().payload;
    let strict = JsonSerializer::<serde_json::Value>::new(
        reg.clone(),
        Schema::json(PERSON),
        SerializerConfig::value().validate(true),
    )
    .unwrap();
    let err = strict.serialize("p", &bad).await.unwrap_err();
    assert!(matches!(err, codec::Error::Validation(_)), "{err}");
    assert!(err.to_string().contains("/age"), "{err}");
    assert!(strict.serialize("p", &json!({"name": "ok"})).await.is_ok());

    assert_eq!(
        JsonDeserializer::new(reg.clone(), false)
            .decode_json(None, &bytes)
            .await
            .unwrap(),
        bad
    );
    let checking = JsonDeserializer::new(reg.clone(), true);
    assert!(matches!(
        checking.decode_json(None, &bytes).await,
        Err(codec::Error::Validation(_))
    ));
    let missing_name = framed(1, &json!({"age": 3}));
    assert!(matches!(
        checking.decode_json(None, &missing_name).await,
        Err(codec::Error::Validation(_))
    ));
}

#[tokio::test]
async fn validator_is_compiled_once_per_id() {
    let reg = Arc::new(MockClient::new().with_latency(Duration::from_millis(20)));
    reg.register("p-value", &Schema::json(PERSON), false)
        .await
        .unwrap();
    let de = JsonDeserializer::new(reg.clone(), true);
    let bytes = framed(1, &json!({"name": "a", "age": 1}));
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let (de, bytes) = (de.clone(), bytes.clone());
            tokio::spawn(async move { de.deserialize::<Person>(&bytes).await })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap().name, "a");
    }
    de.deserialize::<Person>(&bytes).await.unwrap();
    assert_eq!(reg.calls().schema_by_id.load(SeqCst), 1);
}

#[tokio::test]
async fn record_name_strategy_uses_the_title() {
    let reg = Arc::new(MockClient::new());
    let cfg = SerializerConfig::value().strategy(SubjectNameStrategy::TopicRecordName);
    let ser = JsonSerializer::<Person>::new(reg.clone(), Schema::json(PERSON), cfg).unwrap();
    ser.serialize(
        "people",
        &Person {
            name: "a".into(),
            age: 1,
        },
    )
    .await
    .unwrap();
    assert!(reg.latest_version("people-Person").await.is_ok());
}

#[tokio::test]
async fn header_form_and_use_latest() {
    let reg = Arc::new(MockClient::new());
    reg.register("people-value", &Schema::json(PERSON), false)
        .await
        .unwrap();
    let cfg = SerializerConfig::value()
        .selection(SchemaSelection::UseLatest { strict: false })
        .header_form()
        .validate(true);
    let ser = JsonSerializer::<Person>::new(reg.clone(), Schema::json(r#"{"type":"object"}"#), cfg)
        .unwrap();
    let p = Person {
        name: "b".into(),
        age: 2,
    };
    let e = ser.serialize("people", &p).await.unwrap();
    let h = e.header.unwrap();
    assert_eq!(e.payload, br#"{"name":"b","age":2}"#);
    let de = JsonDeserializer::new(reg.clone(), true);
    assert_eq!(
        de.deserialize_with_header::<Person>(Some(&h.value), &e.payload)
            .await
            .unwrap(),
        p
    );
    assert_eq!(reg.calls().register.load(SeqCst), 1);
}

#[test]
fn blocking_json() {
    let reg = Arc::new(MockClient::new());
    let ser = Blocking::new(
        JsonSerializer::<Person>::new(
            reg.clone(),
            Schema::json(PERSON),
            SerializerConfig::value().validate(true),
        )
        .unwrap(),
    );
    let de = Blocking::new(JsonDeserializer::new(reg, true));
    let p = Person {
        name: "c".into(),
        age: 3,
    };
    let e = ser.serialize("people", &p).unwrap();
    assert_eq!(de.deserialize::<Person>(&e.payload).unwrap(), p);
    assert!(
        ser.serialize(
            "people",
            &Person {
                name: "c".into(),
                age: -3
            }
        )
        .is_err()
    );
}

#[test]
fn broken_schemas_fail_early() {
    let reg = Arc::new(MockClient::new());
    assert!(
        JsonSerializer::<Person>::new(
            reg.clone(),
            Schema::json("{nope"),
            SerializerConfig::value()
        )
        .is_err()
    );
    assert!(
        JsonSerializer::<Person>::new(reg, Schema::avro(r#""int""#), SerializerConfig::value())
            .is_err()
    );
}
