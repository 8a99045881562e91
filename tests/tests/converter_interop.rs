//! Interop with the `schema_registry_converter` crate through our server, on both backends: its
//! bytes decode with `codec`, ours decode with it, and both write identical bytes.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use codec::{AvroDeserializer, AvroSerializer, CachedClient, HttpClient, Schema, SerializerConfig};
use registry_tests::{TestApp, both_backends};
use schema_registry_converter::async_impl::easy_avro::{EasyAvroDecoder, EasyAvroEncoder};
use schema_registry_converter::async_impl::schema_registry::SrSettings;
use schema_registry_converter::schema_registry_common::{
    SchemaType, SubjectNameStrategy, SuppliedSchema,
};
use serde::{Deserialize, Serialize};

const SCHEMA: &str = r#"{"type":"record","name":"Reading","namespace":"iot","fields":[{"name":"sensor","type":"string"},{"name":"value","type":"double"},{"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"unit","type":["null","string"],"default":null}]}"#;

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Reading {
    sensor: String,
    value: f64,
    at: i64,
    unit: Option<String>,
}

fn reading() -> Reading {
    Reading {
        sensor: "t-17".into(),
        value: 21.5,
        at: 1_700_000_000_123,
        unit: Some("C".into()),
    }
}

async fn both_directions_and_identical_bytes(app: TestApp) {
    let url = app.base.clone();
    let registry = Arc::new(CachedClient::new(HttpClient::new(&url).unwrap()));
    let ours = AvroSerializer::<Reading>::new(
        registry.clone(),
        Schema::avro(SCHEMA),
        SerializerConfig::value(),
    )
    .unwrap();
    let our_de = AvroDeserializer::new(registry);

    let theirs = EasyAvroEncoder::new(SrSettings::new(url.clone()));
    let their_de = EasyAvroDecoder::new(SrSettings::new(url));
    let strategy = SubjectNameStrategy::TopicNameStrategyWithSchema(
        "readings".into(),
        false,
        SuppliedSchema::new(Some("iot.Reading".into()), SchemaType::Avro, SCHEMA.into()),
    );

    let our_bytes = ours
        .serialize("readings", &reading())
        .await
        .unwrap()
        .payload;
    let their_bytes = theirs.encode_struct(reading(), &strategy).await.unwrap();
    assert_eq!(our_bytes, their_bytes, "same id, same datum");

    // converter -> codec
    assert_eq!(
        our_de.deserialize::<Reading>(&their_bytes).await.unwrap(),
        reading()
    );
    // codec -> converter
    let v = their_de.decode(Some(&our_bytes)).await.unwrap().value;
    assert_eq!(apache_avro::from_value::<Reading>(&v).unwrap(), reading());
}

both_backends!(both_directions_and_identical_bytes);
