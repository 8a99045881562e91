//! Produces typed Avro keys and values to Kafka with rdkafka, registering schemas on first use.
//!
//! ```text
//! cargo run -p codec --example producer --features kafka-examples -- \
//!     [--registry http://localhost:8081] [--bootstrap localhost:9092] [--topic orders] [--count 10] [--header-form]
//! ```
//! With `--header-form` the schema GUIDs travel in `__key_schema_id` / `__value_schema_id` headers
//! (Confluent 8) and the payloads are bare Avro datums.

use std::sync::Arc;
use std::time::Duration;

use codec::{AvroSerializer, CachedClient, HttpClient, Schema, SerializerConfig};
use rdkafka::ClientConfig;
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord};
use serde::Serialize;

const ORDER: &str = r#"{"type":"record","name":"Order","namespace":"shop","fields":[
    {"name":"id","type":"long"},
    {"name":"item","type":"string"},
    {"name":"qty","type":"int"},
    {"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
    {"name":"placed_at","type":{"type":"long","logicalType":"timestamp-millis"}}
]}"#;

#[derive(Serialize)]
struct Order {
    id: i64,
    item: String,
    qty: i32,
    price: f64,
    placed_at: i64,
}

fn arg(name: &str, default: &str) -> String {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
        .unwrap_or_else(|| default.to_owned())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let registry_url = arg("--registry", "http://localhost:8081");
    let bootstrap = arg("--bootstrap", "localhost:9092");
    let topic = arg("--topic", "orders");
    let count: i64 = arg("--count", "10").parse()?;
    let header_form = std::env::args().any(|a| a == "--header-form");

    let registry = Arc::new(CachedClient::new(HttpClient::new(&registry_url)?));
    let (mut key_cfg, mut value_cfg) = (SerializerConfig::key(), SerializerConfig::value());
    if header_form {
        key_cfg = key_cfg.header_form();
        value_cfg = value_cfg.header_form();
    }
    let keys = AvroSerializer::<str>::new(registry.clone(), Schema::avro(r#""string""#), key_cfg)?;
    let values = AvroSerializer::<Order>::new(registry, Schema::avro(ORDER), value_cfg)?;
    // do the registry round trips before the first message
    keys.prepare(&topic).await?;
    values.prepare(&topic).await?;

    let producer: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", &bootstrap)
        .set("message.timeout.ms", "10000")
        .create()?;

    for i in 0..count {
        let order = Order {
            id: i,
            item: format!("item-{i}"),
            qty: (i % 5) as i32 + 1,
            price: 9.99 + i as f64,
            placed_at: 1_700_000_000_000 + i,
        };
        let key = keys.serialize(&topic, &format!("order-{i}")).await?;
        let value = values.serialize(&topic, &order).await?;
        let mut headers = OwnedHeaders::new();
        for h in [key.header, value.header].into_iter().flatten() {
            headers = headers.insert(Header {
                key: h.name,
                value: Some(&h.value[..]),
            });
        }
        let record = FutureRecord::to(&topic)
            .key(&key.payload)
            .payload(&value.payload)
            .headers(headers);
        match producer.send(record, Duration::from_secs(5)).await {
            Ok(delivery) => println!(
                "order {i} -> partition {} offset {}",
                delivery.partition, delivery.offset
            ),
            Err((e, _)) => return Err(e.into()),
        }
    }
    Ok(())
}
