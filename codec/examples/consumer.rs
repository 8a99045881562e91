//! Consumes the producer example's records and decodes keys and values, whichever framing they
//! use (payload prefix or Confluent 8 schema-id headers).
//!
//! ```text
//! cargo run -p codec --example consumer --features kafka-examples -- \
//!     [--registry http://localhost:8081] [--bootstrap localhost:9092] [--topic orders] [--count 10]
//! ```

use std::sync::Arc;
use std::time::Duration;

use codec::wire::{KEY_SCHEMA_ID_HEADER, VALUE_SCHEMA_ID_HEADER};
use codec::{AvroDeserializer, CachedClient, HttpClient};
use rdkafka::ClientConfig;
use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::message::{BorrowedMessage, Headers, Message};
use serde::Deserialize;

#[derive(Deserialize, Debug)]
#[allow(dead_code)] // fields are printed through Debug
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

fn header<'a>(m: &'a BorrowedMessage<'_>, name: &str) -> Option<&'a [u8]> {
    m.headers()?
        .iter()
        .find(|h| h.key == name)
        .and_then(|h| h.value)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let registry_url = arg("--registry", "http://localhost:8081");
    let bootstrap = arg("--bootstrap", "localhost:9092");
    let topic = arg("--topic", "orders");
    let count: usize = arg("--count", "10").parse()?;

    let registry = Arc::new(CachedClient::new(HttpClient::new(&registry_url)?));
    let decoder = AvroDeserializer::new(registry);

    let consumer: StreamConsumer = ClientConfig::new()
        .set("bootstrap.servers", &bootstrap)
        .set("group.id", "codec-example")
        .set("auto.offset.reset", "earliest")
        .create()?;
    consumer.subscribe(&[&topic])?;

    for _ in 0..count {
        let m = match tokio::time::timeout(Duration::from_secs(30), consumer.recv()).await {
            Ok(m) => m?,
            Err(_) => return Err("no message within 30 s".into()),
        };
        let key: Option<String> = match m.key() {
            Some(k) => Some(
                decoder
                    .deserialize_with_header(header(&m, KEY_SCHEMA_ID_HEADER), k)
                    .await?,
            ),
            None => None,
        };
        let value: Option<Order> = match m.payload() {
            Some(v) => Some(
                decoder
                    .deserialize_with_header(header(&m, VALUE_SCHEMA_ID_HEADER), v)
                    .await?,
            ),
            None => None, // a tombstone
        };
        println!("{}@{}: {key:?} => {value:?}", m.partition(), m.offset());
    }
    Ok(())
}
