//! Schemas derived from Rust types (`codec` feature `derive`) against our server: the derived
//! schema gets the hand-written schema's id (also with Avro logical types: features `chrono`,
//! `uuid`, `rust_decimal`), and `check_compatible_type` catches a breaking change of the type
//! before it is deployed.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use chrono::{DateTime, NaiveDate};
use codec::client::RegistryClient;
use codec::logical::{Date, TimestampMicros, TimestampMillis};
use codec::{
    AvroDeserializer, AvroSerializer, BuildSchema, HttpClient, Schema, SerializerConfig,
    check_compatible_type, serde_avro_derive,
};
use registry_tests::{Backend, spawn_app};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(BuildSchema, Serialize, Deserialize, Debug, PartialEq)]
#[avro_schema(namespace = "codec.derive")]
struct Parcel {
    id: i64,
    weight: f64,
    label: Option<String>,
}

/// Parcel v2 with a new required field: old data has no `carrier`, BACKWARD breaks.
#[derive(BuildSchema)]
#[avro_schema(namespace = "codec.derive", name = "Parcel")]
#[allow(dead_code)]
struct ParcelWithCarrier {
    id: i64,
    weight: f64,
    label: Option<String>,
    carrier: String,
}

/// Parcel v2 with a new optional field: `["null", …]` with default null, BACKWARD-safe.
#[derive(BuildSchema)]
#[avro_schema(namespace = "codec.derive", name = "Parcel")]
#[allow(dead_code)]
struct ParcelWithNote {
    id: i64,
    weight: f64,
    label: Option<String>,
    note: Option<String>,
}

const HAND: &str = r#"{"type":"record","name":"codec.derive.Parcel","fields":[{"name":"id","type":"long"},{"name":"weight","type":"double"},{"name":"label","type":["null","string"],"default":null}]}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn derived_schemas_register_as_the_hand_written_one_and_check_compatibility() {
    let app = spawn_app(Backend::Sqlite).await;
    let reg = Arc::new(HttpClient::new(&app.base).unwrap());
    let hand = reg
        .register("parcels-value", &Schema::avro(HAND), false)
        .await
        .unwrap();
    assert_eq!(Schema::avro_of::<Parcel>().unwrap().schema, HAND);

    let ser = AvroSerializer::<Parcel>::for_type(reg.clone(), SerializerConfig::value()).unwrap();
    let parcel = Parcel {
        id: 3,
        weight: 1.5,
        label: Some("fragile".into()),
    };
    let bytes = ser.serialize("parcels", &parcel).await.unwrap().payload;
    assert_eq!(&bytes[1..5], &hand.id.unwrap().0.to_be_bytes());
    let versions = reg.latest_version("parcels-value").await.unwrap();
    assert_eq!(versions.version, Some(1), "no second version was made");
    let back: Parcel = AvroDeserializer::new(reg.clone())
        .deserialize(&bytes)
        .await
        .unwrap();
    assert_eq!(back, parcel);

    assert!(
        check_compatible_type::<ParcelWithNote>(&*reg, "parcels-value")
            .await
            .unwrap()
            .is_empty()
    );
    let problems = check_compatible_type::<ParcelWithCarrier>(&*reg, "parcels-value")
        .await
        .unwrap();
    assert!(
        problems.iter().any(|p| p.contains("carrier")),
        "{problems:#?}"
    );
}

/// Every Avro logical type the codec derives (features `chrono`, `uuid`, `rust_decimal`).
#[derive(BuildSchema, Serialize, Deserialize, Debug, PartialEq)]
#[avro_schema(namespace = "codec.derive")]
struct Invoice {
    id: Uuid,
    issued: TimestampMillis,
    paid: Option<TimestampMicros>,
    due: Date,
    #[avro_schema(precision = 10, scale = 2)]
    total: Decimal,
}

const INVOICE: &str = r#"{"type":"record","name":"codec.derive.Invoice","fields":[{"name":"id","type":{"type":"string","logicalType":"uuid"}},{"name":"issued","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"paid","type":["null",{"type":"long","logicalType":"timestamp-micros"}],"default":null},{"name":"due","type":{"type":"int","logicalType":"date"}},{"name":"total","type":{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}}]}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn derived_logical_types_register_as_the_hand_written_schema_and_round_trip() {
    let app = spawn_app(Backend::Sqlite).await;
    let reg = Arc::new(HttpClient::new(&app.base).unwrap());
    assert_eq!(Schema::avro_of::<Invoice>().unwrap().schema, INVOICE);
    let hand = reg
        .register("invoices-value", &Schema::avro(INVOICE), false)
        .await
        .unwrap();
    let id = hand.id.unwrap();
    // the registry keeps every logical type (it writes the full name as name + namespace)
    let stored = reg.schema_by_id(id).await.unwrap().schema.schema.clone();
    let stored: serde_json::Value = serde_json::from_str(&stored).unwrap();
    let hand: serde_json::Value = serde_json::from_str(INVOICE).unwrap();
    assert_eq!(stored["fields"], hand["fields"], "{stored}");
    assert_eq!(
        (&stored["namespace"], &stored["name"]),
        (&"codec.derive".into(), &"Invoice".into())
    );

    let ser = AvroSerializer::<Invoice>::for_type(reg.clone(), SerializerConfig::value()).unwrap();
    let de = AvroDeserializer::new(reg.clone());
    let issued = DateTime::from_timestamp_millis(1_714_000_000_250).unwrap();
    let invoice = Invoice {
        id: Uuid::from_u128(0x0b7d_52e4_1c9a_4f38_8e61_d2a7_f3c0_5b19),
        issued: TimestampMillis(issued),
        paid: Some(TimestampMicros(
            DateTime::from_timestamp_micros(1_714_086_400_000_042).unwrap(),
        )),
        due: Date(NaiveDate::from_ymd_opt(2024, 5, 31).unwrap()),
        total: Decimal::new(-1_234_567, 2),
    };
    let bytes = ser.serialize("invoices", &invoice).await.unwrap().payload;
    assert_eq!(&bytes[1..5], &id.0.to_be_bytes());
    let latest = reg.latest_version("invoices-value").await.unwrap();
    assert_eq!(latest.version, Some(1), "no second version was made");
    let back: Invoice = de.deserialize(&bytes).await.unwrap();
    assert_eq!(back, invoice);
    let unpaid = Invoice {
        paid: None,
        ..invoice
    };
    let bytes_unpaid = ser.serialize("invoices", &unpaid).await.unwrap().payload;
    assert_eq!(
        de.deserialize::<Invoice>(&bytes_unpaid).await.unwrap(),
        unpaid
    );

    // another Avro implementation reads the same logical values from the bytes
    let schema = apache_avro::Schema::parse_str(INVOICE).unwrap();
    let value = apache_avro::reader::datum::GenericDatumReader::builder(&schema)
        .build()
        .unwrap()
        .read_value(&mut &bytes[5..])
        .unwrap();
    let apache_avro::types::Value::Record(fields) = value else {
        panic!("a record: {value:?}")
    };
    use apache_avro::types::Value as V;
    assert!(matches!(&fields[0].1, V::Uuid(u) if u.as_u128() == invoice.id.as_u128()));
    assert_eq!(fields[1].1, V::TimestampMillis(1_714_000_000_250));
    assert_eq!(
        fields[2].1,
        V::Union(1, Box::new(V::TimestampMicros(1_714_086_400_000_042)))
    );
    assert_eq!(fields[3].1, V::Date(19_874));
    let V::Decimal(total) = &fields[4].1 else {
        panic!("a decimal: {:?}", fields[4].1)
    };
    // -1234567 (the unscaled value at scale 2), big-endian two's complement
    assert_eq!(Vec::<u8>::try_from(total).unwrap(), [0xED, 0x29, 0x79]);
}
