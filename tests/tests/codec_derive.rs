//! Schemas derived from Rust types (`codec` feature `derive`) against our server: the derived
//! schema gets the hand-written schema's id, and `check_compatible_type` catches a breaking
//! change of the type before it is deployed.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use codec::client::RegistryClient;
use codec::{
    AvroDeserializer, AvroSerializer, BuildSchema, HttpClient, Schema, SerializerConfig,
    check_compatible_type, serde_avro_derive,
};
use registry_tests::{Backend, spawn_app};
use serde::{Deserialize, Serialize};

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
