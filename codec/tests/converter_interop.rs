//! Interop with the `schema_registry_converter` crate through one in-process stub registry: its
//! bytes decode with this crate, ours decode with it, and both write identical bytes.
#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use codec::{AvroDeserializer, AvroSerializer, CachedClient, HttpClient, Schema, SerializerConfig};
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

type Texts = Arc<Mutex<Vec<String>>>;

/// Register (dedup by text) and fetch by id: all either client needs here.
async fn start_registry() -> String {
    let texts: Texts = Arc::default();
    let app = Router::new()
        .route(
            "/subjects/{s}/versions",
            post(|State(t): State<Texts>, body: String| async move {
                let v: serde_json::Value = serde_json::from_str(&body).unwrap();
                let text = v["schema"].as_str().unwrap().to_owned();
                let mut t = t.lock().unwrap();
                let id = match t.iter().position(|s| *s == text) {
                    Some(i) => i + 1,
                    None => {
                        t.push(text);
                        t.len()
                    }
                };
                serde_json::json!({ "id": id }).to_string()
            }),
        )
        .route(
            "/schemas/ids/{id}",
            get(|State(t): State<Texts>, Path(id): Path<usize>| async move {
                let text = t.lock().unwrap()[id - 1].clone();
                serde_json::json!({ "schema": text }).to_string()
            }),
        )
        .with_state(texts);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

fn reading() -> Reading {
    Reading {
        sensor: "t-17".into(),
        value: 21.5,
        at: 1_700_000_000_123,
        unit: Some("C".into()),
    }
}

#[tokio::test]
async fn both_directions_and_identical_bytes() {
    let url = start_registry().await;
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
