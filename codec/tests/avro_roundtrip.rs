//! Avro round trips through the mock registry: modes, strategies, framing forms, logical types,
//! schema resolution, generic values and the blocking facade.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::sync::atomic::Ordering::SeqCst;
use std::time::Duration;

use codec::client::RegistryClient;
use codec::wire::{self, SchemaRef};
use codec::{
    AvroDeserializer, AvroSerializer, Blocking, CachedClient, MockClient, Schema, SchemaId,
    SchemaReference, SchemaSelection, SerializerConfig, SubjectNameStrategy,
};
use serde::{Deserialize, Serialize};

const ORDER: &str = r#"{"type":"record","name":"Order","namespace":"shop","fields":[
    {"name":"id","type":"long"},
    {"name":"item","type":"string"},
    {"name":"qty","type":"int"},
    {"name":"note","type":["null","string"],"default":null}
]}"#;

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Order {
    id: i64,
    item: String,
    qty: i32,
    note: Option<String>,
}

fn order() -> Order {
    Order {
        id: 1,
        item: "tea".into(),
        qty: 3,
        note: Some("hot".into()),
    }
}

fn mock() -> Arc<MockClient> {
    Arc::new(MockClient::new())
}

#[tokio::test]
async fn auto_register_round_trip_and_cache() {
    let reg = mock();
    let ser =
        AvroSerializer::<Order>::new(reg.clone(), Schema::avro(ORDER), SerializerConfig::value())
            .unwrap();
    let a = ser.serialize("orders", &order()).await.unwrap();
    let b = ser.serialize("orders", &order()).await.unwrap();
    assert_eq!(a, b);
    assert!(a.header.is_none());
    assert_eq!(&a.payload[..5], &[0, 0, 0, 0, 1]);
    assert_eq!(
        reg.calls().register.load(SeqCst),
        1,
        "second message is a cache hit"
    );
    assert_eq!(
        reg.latest_version("orders-value").await.unwrap().id,
        Some(SchemaId(1))
    );

    let de = AvroDeserializer::new(reg.clone());
    assert_eq!(de.deserialize::<Order>(&a.payload).await.unwrap(), order());
    assert_eq!(de.deserialize::<Order>(&b.payload).await.unwrap(), order());
    assert_eq!(reg.calls().schema_by_id.load(SeqCst), 1);
}

#[tokio::test]
async fn key_serializer_uses_key_subject() {
    let reg = mock();
    let ser = AvroSerializer::<str>::new(
        reg.clone(),
        Schema::avro(r#""string""#),
        SerializerConfig::key(),
    )
    .unwrap();
    let e = ser.serialize("orders", "k1").await.unwrap();
    assert_eq!(e.payload, [0, 0, 0, 0, 1, 4, b'k', b'1']);
    assert!(reg.latest_version("orders-key").await.is_ok());
    assert!(reg.latest_version("orders-value").await.is_err());
}

#[tokio::test]
async fn record_strategies_pick_subjects() {
    let reg = mock();
    for (strategy, subject) in [
        (SubjectNameStrategy::RecordName, "shop.Order"),
        (SubjectNameStrategy::TopicRecordName, "orders-shop.Order"),
        (SubjectNameStrategy::Fixed("custom".into()), "custom"),
    ] {
        let cfg = SerializerConfig::value().strategy(strategy);
        let ser = AvroSerializer::<Order>::new(reg.clone(), Schema::avro(ORDER), cfg).unwrap();
        ser.serialize("orders", &order()).await.unwrap();
        assert!(reg.latest_version(subject).await.is_ok(), "{subject}");
    }
    // a primitive schema has no record name
    let cfg = SerializerConfig::value().strategy(SubjectNameStrategy::RecordName);
    let ser = AvroSerializer::<i32>::new(reg.clone(), Schema::avro(r#""int""#), cfg).unwrap();
    assert!(matches!(
        ser.serialize("t", &1).await,
        Err(codec::Error::Config(_))
    ));
}

#[tokio::test]
async fn lookup_only_fails_with_40403_then_works_once_registered() {
    let reg = mock();
    reg.register("other-value", &Schema::avro(r#""int""#), false)
        .await
        .unwrap();
    let cfg = SerializerConfig::value().selection(SchemaSelection::LookupOnly);
    let ser = AvroSerializer::<Order>::new(reg.clone(), Schema::avro(ORDER), cfg).unwrap();
    let err = ser.serialize("orders", &order()).await.unwrap_err();
    assert_eq!(err.error_code(), Some(40401)); // subject unknown
    reg.register("orders-value", &Schema::avro(r#""int""#), false)
        .await
        .unwrap();
    let err = ser.serialize("orders", &order()).await.unwrap_err();
    assert_eq!(err.error_code(), Some(40403)); // schema not under subject
    assert_eq!(
        reg.calls().register.load(SeqCst),
        2,
        "lookup-only never registers"
    );
    reg.register("orders-value", &Schema::avro(ORDER), false)
        .await
        .unwrap();
    let e = ser.serialize("orders", &order()).await.unwrap();
    assert_eq!(
        wire::decode(&e.payload).unwrap().0,
        SchemaRef::Id(SchemaId(2))
    );
}

#[tokio::test]
async fn normalize_flag_reaches_the_registry() {
    let reg = mock();
    reg.register("orders-value", &Schema::avro(ORDER), false)
        .await
        .unwrap();
    let reformatted =
        serde_json::to_string(&serde_json::from_str::<serde_json::Value>(ORDER).unwrap()).unwrap();
    let cfg = SerializerConfig::value().selection(SchemaSelection::LookupOnly);
    let plain =
        AvroSerializer::<Order>::new(reg.clone(), Schema::avro(reformatted.clone()), cfg.clone())
            .unwrap();
    assert!(plain.serialize("orders", &order()).await.is_err());
    let normalized =
        AvroSerializer::<Order>::new(reg.clone(), Schema::avro(reformatted), cfg.normalize(true))
            .unwrap();
    assert!(normalized.serialize("orders", &order()).await.is_ok());
}

#[tokio::test]
async fn use_latest_version_and_strict_check() {
    let reg = mock();
    // latest has an extra field with a default: it can read data written with ORDER
    let v2 = ORDER.replace(
        r#"{"name":"note","type":["null","string"],"default":null}"#,
        r#"{"name":"note","type":["null","string"],"default":null},{"name":"extra","type":"int","default":0}"#,
    );
    reg.register("orders-value", &Schema::avro(ORDER), false)
        .await
        .unwrap();
    reg.register("orders-value", &Schema::avro(v2), false)
        .await
        .unwrap();
    let cfg = SerializerConfig::value().selection(SchemaSelection::UseLatest { strict: true });
    let ser = AvroSerializer::<Order>::new(reg.clone(), Schema::avro(ORDER), cfg).unwrap();
    // the writer schema is latest (id 2), which has a field `Order` lacks: encoding must fail
    // cleanly rather than write garbage
    let res = ser.serialize("orders", &order()).await;
    assert!(matches!(res, Err(codec::Error::Serialize(_))), "{res:?}");
    assert_eq!(
        reg.calls().register.load(SeqCst),
        2,
        "use-latest never registers"
    );

    // latest that cannot read the serializer's schema: a required field without default
    reg.register(
        "strict-value",
        &Schema::avro(
            r#"{"type":"record","name":"shop.Order","fields":[{"name":"other","type":"int"}]}"#,
        ),
        false,
    )
    .await
    .unwrap();
    let cfg = SerializerConfig::value().selection(SchemaSelection::UseLatest { strict: true });
    let ser = AvroSerializer::<Order>::new(reg.clone(), Schema::avro(ORDER), cfg).unwrap();
    let err = ser.serialize("strict", &order()).await.unwrap_err();
    assert!(err.to_string().contains("Incompatible schema"), "{err}");
    let lax = SerializerConfig::value().selection(SchemaSelection::UseLatest { strict: false });
    let ser = AvroSerializer::<Order>::new(reg.clone(), Schema::avro(ORDER), lax).unwrap();
    assert!(ser.prepare("strict").await.is_ok());
}

#[tokio::test]
async fn use_latest_encodes_with_the_latest_id() {
    let reg = mock();
    reg.register("orders-value", &Schema::avro(r#""string""#), false)
        .await
        .unwrap();
    reg.register("orders-value", &Schema::avro(ORDER), false)
        .await
        .unwrap();
    let cfg = SerializerConfig::value().selection(SchemaSelection::UseLatest { strict: true });
    let ser = AvroSerializer::<Order>::new(reg.clone(), Schema::avro(ORDER), cfg).unwrap();
    let e = ser.serialize("orders", &order()).await.unwrap();
    assert_eq!(&e.payload[..5], &[0, 0, 0, 0, 2]);
}

#[tokio::test]
async fn use_fixed_id() {
    let reg = mock();
    reg.register("anything", &Schema::avro(ORDER), false)
        .await
        .unwrap();
    let cfg = SerializerConfig::value().selection(SchemaSelection::UseId {
        id: SchemaId(1),
        strict: true,
    });
    let ser = AvroSerializer::<Order>::new(reg.clone(), Schema::avro(ORDER), cfg).unwrap();
    let e = ser.serialize("orders", &order()).await.unwrap();
    assert_eq!(&e.payload[..5], &[0, 0, 0, 0, 1]);
    assert_eq!(reg.calls().register.load(SeqCst), 1);
    let cfg = SerializerConfig::value().selection(SchemaSelection::UseId {
        id: SchemaId(99),
        strict: false,
    });
    let ser = AvroSerializer::<Order>::new(reg.clone(), Schema::avro(ORDER), cfg).unwrap();
    assert_eq!(
        ser.serialize("orders", &order())
            .await
            .unwrap_err()
            .error_code(),
        Some(40403)
    );
    // strict: an id whose schema cannot read the serializer's schema is refused
    reg.register(
        "other",
        &Schema::avro(
            r#"{"type":"record","name":"shop.Order","fields":[{"name":"x","type":"int"}]}"#,
        ),
        false,
    )
    .await
    .unwrap();
    let strict = SerializerConfig::value().selection(SchemaSelection::UseId {
        id: SchemaId(2),
        strict: true,
    });
    let ser = AvroSerializer::<Order>::new(reg.clone(), Schema::avro(ORDER), strict).unwrap();
    let err = ser.serialize("orders", &order()).await.unwrap_err();
    assert!(err.to_string().contains("schema 2 cannot read"), "{err}");
}

#[tokio::test]
async fn header_form_round_trip() {
    let reg = mock();
    let ser = AvroSerializer::<Order>::new(
        reg.clone(),
        Schema::avro(ORDER),
        SerializerConfig::value().header_form(),
    )
    .unwrap();
    let e = ser.serialize("orders", &order()).await.unwrap();
    let h = e.header.expect("header form gives a header");
    assert_eq!(h.name, "__value_schema_id");
    assert_eq!(h.value[0], 1);
    assert_eq!(&h.value[1..], &MockClient::guid_for(SchemaId(1)).0);
    // the payload is the bare datum
    assert_eq!(e.payload[0], 2); // zig-zag long 1
    let de = AvroDeserializer::new(reg.clone());
    assert_eq!(
        de.deserialize_with_header::<Order>(Some(&h.value), &e.payload)
            .await
            .unwrap(),
        order()
    );
    assert_eq!(reg.calls().schema_by_guid.load(SeqCst), 1);
    // key header name
    let ser = AvroSerializer::<i32>::new(
        reg.clone(),
        Schema::avro(r#""int""#),
        SerializerConfig::key().header_form(),
    )
    .unwrap();
    assert_eq!(
        ser.serialize("orders", &1)
            .await
            .unwrap()
            .header
            .unwrap()
            .name,
        "__key_schema_id"
    );
}

#[tokio::test]
async fn guid_prefix_in_payload_is_accepted() {
    let reg = mock();
    let ser =
        AvroSerializer::<Order>::new(reg.clone(), Schema::avro(ORDER), SerializerConfig::value())
            .unwrap();
    let e = ser.serialize("orders", &order()).await.unwrap();
    let mut framed = Vec::new();
    wire::encode_guid_into(
        MockClient::guid_for(SchemaId(1)),
        &e.payload[5..],
        &mut framed,
    );
    let de = AvroDeserializer::new(reg);
    assert_eq!(de.deserialize::<Order>(&framed).await.unwrap(), order());
}

#[tokio::test]
async fn null_value_is_a_null_record() {
    let reg = mock();
    let ser =
        AvroSerializer::<Order>::new(reg.clone(), Schema::avro(ORDER), SerializerConfig::value())
            .unwrap();
    assert_eq!(ser.serialize_nullable("orders", None).await.unwrap(), None);
    assert_eq!(reg.calls().total(), 0);
}

#[tokio::test]
async fn bad_payloads_give_precise_errors() {
    let reg = mock();
    let de = AvroDeserializer::new(reg.clone());
    assert!(matches!(
        de.deserialize::<Order>(&[]).await,
        Err(codec::Error::Wire(wire::WireError::Empty))
    ));
    assert!(matches!(
        de.deserialize::<Order>(&[7, 0, 0, 0, 1]).await,
        Err(codec::Error::Wire(wire::WireError::UnknownMagicByte(7)))
    ));
    assert_eq!(
        de.deserialize::<Order>(&[0, 0, 0, 0, 9, 1])
            .await
            .unwrap_err()
            .error_code(),
        Some(40403)
    );
    reg.register("s", &Schema::avro(ORDER), false)
        .await
        .unwrap();
    // truncated datum
    assert!(matches!(
        de.deserialize::<Order>(&[0, 0, 0, 0, 1, 2]).await,
        Err(codec::Error::Deserialize(_))
    ));
}

#[tokio::test]
async fn concurrent_first_decodes_fetch_the_schema_once() {
    let reg = Arc::new(MockClient::new().with_latency(Duration::from_millis(30)));
    let ser =
        AvroSerializer::<Order>::new(reg.clone(), Schema::avro(ORDER), SerializerConfig::value())
            .unwrap();
    let bytes = ser.serialize("orders", &order()).await.unwrap().payload;
    let de = AvroDeserializer::new(reg.clone());
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let (de, bytes) = (de.clone(), bytes.clone());
            tokio::spawn(async move { de.deserialize::<Order>(&bytes).await })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap(), order());
    }
    assert_eq!(reg.calls().schema_by_id.load(SeqCst), 1);
}

#[tokio::test]
async fn zero_copy_decode_borrows_strings() {
    #[derive(Deserialize)]
    struct Borrowed<'a> {
        item: &'a str,
    }
    let reg = mock();
    let ser =
        AvroSerializer::<Order>::new(reg.clone(), Schema::avro(ORDER), SerializerConfig::value())
            .unwrap();
    let bytes = ser.serialize("orders", &order()).await.unwrap().payload;
    let de = AvroDeserializer::new(reg);
    let b: Borrowed<'_> = de.deserialize_borrowed(None, &bytes).await.unwrap();
    assert_eq!(b.item, "tea");
    let inside = bytes.as_ptr_range();
    assert!(
        inside.contains(&b.item.as_ptr()),
        "the &str points into the payload"
    );
}

#[tokio::test]
async fn generic_values() {
    let reg = mock();
    let ser =
        AvroSerializer::<Order>::new(reg.clone(), Schema::avro(ORDER), SerializerConfig::value())
            .unwrap();
    let bytes = ser.serialize("orders", &order()).await.unwrap().payload;
    let de = AvroDeserializer::new(reg);
    let json = de.decode_json(None, &bytes).await.unwrap();
    assert_eq!(
        json,
        serde_json::json!({"id": 1, "item": "tea", "qty": 3, "note": "hot"})
    );
    let v = de.decode_value(None, &bytes).await.unwrap();
    let apache_avro::types::Value::Record(fields) = v else {
        panic!("record expected")
    };
    assert_eq!(
        fields[1],
        (
            "item".to_owned(),
            apache_avro::types::Value::String("tea".into())
        )
    );
}

#[tokio::test]
async fn reader_schema_resolution() {
    const V1: &str = r#"{"type":"record","name":"shop.Order","fields":[
        {"name":"id","type":"int"},{"name":"gone","type":"string"}]}"#;
    const V2: &str = r#"{"type":"record","name":"shop.Order","fields":[
        {"name":"id","type":"long"},{"name":"qty","type":"int","default":1},
        {"name":"tags","type":{"type":"array","items":"string"},"default":[]}]}"#;
    #[derive(Serialize)]
    struct W1 {
        id: i32,
        gone: String,
    }
    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct R2 {
        id: i64,
        qty: i32,
        tags: Vec<String>,
    }
    let reg = mock();
    let old = AvroSerializer::<W1>::new(reg.clone(), Schema::avro(V1), SerializerConfig::value())
        .unwrap();
    let bytes = old
        .serialize(
            "t",
            &W1 {
                id: 9,
                gone: "x".into(),
            },
        )
        .await
        .unwrap()
        .payload;
    let de = AvroDeserializer::with_reader_schema(reg.clone(), V2).unwrap();
    let expected = R2 {
        id: 9,
        qty: 1,
        tags: vec![],
    };
    assert_eq!(de.deserialize::<R2>(&bytes).await.unwrap(), expected);
    assert_eq!(
        de.decode_json(None, &bytes).await.unwrap(),
        serde_json::json!({"id": 9, "qty": 1, "tags": []})
    );
    // data written with the reader schema itself takes the fast path and still decodes
    let new = AvroSerializer::<R2>::new(reg.clone(), Schema::avro(V2), SerializerConfig::value())
        .unwrap();
    let bytes2 = new.serialize("t2", &expected).await.unwrap().payload;
    assert_eq!(de.deserialize::<R2>(&bytes2).await.unwrap(), expected);
    // an incompatible reader schema is an error, not a panic
    let bad = AvroDeserializer::with_reader_schema(
        reg,
        r#"{"type":"record","name":"shop.Order","fields":[{"name":"must","type":"int"}]}"#,
    )
    .unwrap();
    assert!(bad.deserialize::<R2>(&bytes).await.is_err());
}

#[tokio::test]
async fn logical_types() {
    const LOGICAL: &str = r#"{"type":"record","name":"L","fields":[
        {"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
        {"name":"uid","type":{"type":"string","logicalType":"uuid"}},
        {"name":"day","type":{"type":"int","logicalType":"date"}},
        {"name":"tm","type":{"type":"int","logicalType":"time-millis"}},
        {"name":"tu","type":{"type":"long","logicalType":"time-micros"}},
        {"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},
        {"name":"tsu","type":{"type":"long","logicalType":"timestamp-micros"}},
        {"name":"lts","type":{"type":"long","logicalType":"local-timestamp-millis"}}
    ]}"#;
    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct L {
        price: f64,
        uid: String,
        day: i32,
        tm: i32,
        tu: i64,
        ts: i64,
        tsu: i64,
        lts: i64,
    }
    let v = L {
        price: 12.34,
        uid: "6f1c8e5e-2b7d-4c0e-9a43-1d2e3f4a5b6c".into(),
        day: 20_000,
        tm: 3_600_000,
        tu: 3_600_000_000,
        ts: 1_700_000_000_000,
        tsu: 1_700_000_000_000_000,
        lts: 1_700_000_000_000,
    };
    let reg = mock();
    let ser = AvroSerializer::<L>::new(
        reg.clone(),
        Schema::avro(LOGICAL),
        SerializerConfig::value(),
    )
    .unwrap();
    let bytes = ser.serialize("l", &v).await.unwrap().payload;
    // decimal 12.34 with scale 2 is the unscaled integer 1234 = 0x04d2, two bytes, length 2 (zig-zag 4)
    assert_eq!(&bytes[5..8], &[4, 0x04, 0xd2]);
    let de = AvroDeserializer::new(reg.clone());
    assert_eq!(de.deserialize::<L>(&bytes).await.unwrap(), v);
    // apache-avro's generic view agrees on the logical values
    let apache_avro::types::Value::Record(fields) = de.decode_value(None, &bytes).await.unwrap()
    else {
        panic!("record expected")
    };
    assert!(matches!(fields[0].1, apache_avro::types::Value::Decimal(_)));
    assert!(matches!(fields[1].1, apache_avro::types::Value::Uuid(_)));
    assert_eq!(fields[2].1, apache_avro::types::Value::Date(20_000));
    assert_eq!(
        fields[5].1,
        apache_avro::types::Value::TimestampMillis(1_700_000_000_000)
    );
}

#[tokio::test]
async fn references_resolve_across_subjects() {
    const MONEY: &str =
        r#"{"type":"record","name":"shop.Money","fields":[{"name":"cents","type":"long"}]}"#;
    const PAYMENT: &str = r#"{"type":"record","name":"shop.Payment","fields":[{"name":"amount","type":"shop.Money"}]}"#;
    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Money {
        cents: i64,
    }
    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Payment {
        amount: Money,
    }
    let reg = mock();
    reg.register("money", &Schema::avro(MONEY), false)
        .await
        .unwrap();
    let schema = Schema::avro(PAYMENT).with_reference(SchemaReference {
        name: "shop.Money".into(),
        subject: "money".into(),
        version: 1,
    });
    let ser =
        AvroSerializer::<Payment>::new(reg.clone(), schema, SerializerConfig::value()).unwrap();
    let p = Payment {
        amount: Money { cents: 250 },
    };
    let bytes = ser.serialize("pay", &p).await.unwrap().payload;
    let de = AvroDeserializer::new(reg);
    assert_eq!(de.deserialize::<Payment>(&bytes).await.unwrap(), p);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocking_facade_works_on_a_runtime_worker_thread() {
    let reg = Arc::new(CachedClient::new(MockClient::new()));
    let ser = Blocking::new(
        AvroSerializer::<Order>::new(reg.clone(), Schema::avro(ORDER), SerializerConfig::value())
            .unwrap(),
    );
    let de = Blocking::new(AvroDeserializer::new(reg));
    // called directly on this worker thread, first on a miss (registry step), then on hits
    let e = ser.serialize("orders", &order()).unwrap();
    assert_eq!(de.deserialize::<Order>(&e.payload).unwrap(), order());
    let e2 = ser.serialize("orders", &order()).unwrap();
    assert_eq!(e, e2);
    assert_eq!(de.decode_json(None, &e.payload).unwrap()["item"], "tea");
}

#[tokio::test(flavor = "current_thread")]
async fn blocking_facade_works_on_a_current_thread_runtime() {
    let reg = mock();
    let ser = Blocking::new(
        AvroSerializer::<i32>::new(
            reg.clone(),
            Schema::avro(r#""int""#),
            SerializerConfig::value(),
        )
        .unwrap(),
    );
    let de = Blocking::new(AvroDeserializer::new(reg));
    let e = ser.serialize("t", &5).unwrap();
    assert_eq!(de.deserialize::<i32>(&e.payload).unwrap(), 5);
}

#[test]
fn blocking_facade_works_without_a_runtime() {
    let reg = mock();
    let ser = Blocking::new(
        AvroSerializer::<i32>::new(
            reg.clone(),
            Schema::avro(r#""int""#),
            SerializerConfig::value(),
        )
        .unwrap(),
    );
    let de = Blocking::new(AvroDeserializer::new(reg));
    let mut buf = Vec::new();
    ser.serialize_into("t", &-1, &mut buf).unwrap();
    assert_eq!(buf, [0, 0, 0, 0, 1, 1]);
    assert_eq!(de.deserialize::<i32>(&buf).unwrap(), -1);
    assert_eq!(de.deserialize_borrowed::<i32>(None, &buf).unwrap(), -1);
}

#[tokio::test]
async fn serialize_into_leaves_the_buffer_alone_on_error() {
    let reg = mock();
    let ser = AvroSerializer::<serde_json::Value>::new(
        reg,
        Schema::avro(r#""int""#),
        SerializerConfig::value(),
    )
    .unwrap();
    let mut buf = b"keep".to_vec();
    assert!(
        ser.serialize_into("t", &serde_json::json!("not an int"), &mut buf)
            .await
            .is_err()
    );
    assert_eq!(buf, b"keep");
    ser.serialize_into("t", &serde_json::json!(1), &mut buf)
        .await
        .unwrap();
    assert_eq!(buf, [b'k', b'e', b'e', b'p', 0, 0, 0, 0, 1, 2]);
}

#[test]
fn schema_errors_are_early() {
    let reg = mock();
    assert!(matches!(
        AvroSerializer::<i32>::new(
            reg.clone(),
            Schema::avro("{not json"),
            SerializerConfig::value()
        ),
        Err(codec::Error::Schema(_))
    ));
    assert!(
        AvroSerializer::<i32>::new(reg.clone(), Schema::json("{}"), SerializerConfig::value())
            .is_err()
    );
    assert!(AvroDeserializer::with_reader_schema(reg, "nope").is_err());
}
