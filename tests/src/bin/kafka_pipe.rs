//! Typed Avro records through Kafka with the `codec` crate over rdkafka, for the pipeline test
//! (tests/tests/kafka_pipeline.rs) and by hand against any registry and broker.
//!
//! ```text
//! kafka-pipe produce --registry URL --bootstrap HOST:PORT --topic T --count N [--header-form]
//! kafka-pipe consume --registry URL --bootstrap HOST:PORT --topic T --count N [--timeout-secs S]
//! kafka-pipe expected --count N
//! ```
//! `produce` sends records `0..N` (key: Avro string `order-{i}`, value: an `Order`), schemas
//! registered under the topic's subjects, ids in the payload prefix or, with `--header-form`,
//! GUIDs in the `__key_schema_id` / `__value_schema_id` headers. `consume` reads partition 0
//! from the beginning (no consumer group), decodes whichever form each record uses and prints one
//! JSON line per record: `{"form":"prefix"|"header","key":…,"value":…}`; it fails when `N`
//! records do not arrive within the timeout. `expected` prints what `consume` should print for
//! `produce`'s records (without `form`). Python's side holds the same schema and records
//! (tests/python/kafka_pipeline.py).

use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use codec::wire::{KEY_SCHEMA_ID_HEADER, VALUE_SCHEMA_ID_HEADER};
use codec::{AvroDeserializer, AvroSerializer, CachedClient, HttpClient, Schema, SerializerConfig};
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::{BorrowedMessage, Header, Headers, Message, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::{ClientConfig, Offset, TopicPartitionList};
use serde::{Deserialize, Serialize};

/// The value schema (tests/python/kafka_pipeline.py holds the same text).
const ORDER: &str = r#"{"type":"record","name":"Order","namespace":"pipeline.test","fields":[{"name":"id","type":"long"},{"name":"item","type":"string"},{"name":"qty","type":"int"},{"name":"price","type":"double"},{"name":"tags","type":{"type":"array","items":"string"}},{"name":"note","type":["null","string"],"default":null}]}"#;
/// The key schema.
const KEY: &str = r#""string""#;

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Order {
    id: i64,
    item: String,
    qty: i32,
    price: f64,
    tags: Vec<String>,
    note: Option<String>,
}

/// Record `i` (the Python script builds the same).
fn record(i: i64) -> (String, Order) {
    let order = Order {
        id: i,
        item: format!("item-{i}"),
        qty: i32::try_from(i % 5).unwrap_or(0) + 1,
        #[allow(clippy::cast_precision_loss)] // small integers
        price: i as f64 + 0.25,
        tags: (0..i % 3).map(|t| format!("t{t}")).collect(),
        note: (i % 2 == 0).then(|| format!("note {i}")),
    };
    (format!("order-{i}"), order)
}

#[derive(Parser)]
#[command(about = "codec over rdkafka: produce and consume typed Avro records")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Send records 0..count
    Produce {
        #[arg(long)]
        registry: String,
        #[arg(long)]
        bootstrap: String,
        #[arg(long)]
        topic: String,
        #[arg(long, default_value_t = 10)]
        count: i64,
        /// schema GUIDs in record headers instead of ids in the payload prefix
        #[arg(long)]
        header_form: bool,
    },
    /// Read `count` records of partition 0 from the beginning and print them as JSON lines
    Consume {
        #[arg(long)]
        registry: String,
        #[arg(long)]
        bootstrap: String,
        #[arg(long)]
        topic: String,
        #[arg(long, default_value_t = 10)]
        count: usize,
        #[arg(long, default_value_t = 60)]
        timeout_secs: u64,
    },
    /// Print the JSON lines `consume` should print for `produce`'s records (without `form`)
    Expected {
        #[arg(long, default_value_t = 10)]
        count: i64,
    },
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    match Cli::parse().cmd {
        Cmd::Produce {
            registry,
            bootstrap,
            topic,
            count,
            header_form,
        } => produce(&registry, &bootstrap, &topic, count, header_form).await,
        Cmd::Consume {
            registry,
            bootstrap,
            topic,
            count,
            timeout_secs,
        } => {
            consume(
                &registry,
                &bootstrap,
                &topic,
                count,
                Duration::from_secs(timeout_secs),
            )
            .await
        }
        Cmd::Expected { count } => {
            for i in 0..count {
                let (key, value) = record(i);
                println!("{}", serde_json::json!({ "key": key, "value": value }));
            }
            Ok(())
        }
    }
}

async fn produce(
    registry: &str,
    bootstrap: &str,
    topic: &str,
    count: i64,
    header_form: bool,
) -> Result<(), Box<dyn std::error::Error>> {
    let registry = Arc::new(CachedClient::new(HttpClient::new(registry)?));
    let (mut key_cfg, mut value_cfg) = (SerializerConfig::key(), SerializerConfig::value());
    if header_form {
        key_cfg = key_cfg.header_form();
        value_cfg = value_cfg.header_form();
    }
    let keys = AvroSerializer::<str>::new(registry.clone(), Schema::avro(KEY), key_cfg)?;
    let values = AvroSerializer::<Order>::new(registry, Schema::avro(ORDER), value_cfg)?;
    keys.prepare(topic).await?;
    values.prepare(topic).await?;

    let producer: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("message.timeout.ms", "30000")
        .set("enable.idempotence", "false")
        .set("acks", "all")
        .set("linger.ms", "0")
        .create()?;
    for i in 0..count {
        let (key, order) = record(i);
        let key = keys.serialize(topic, &key).await?;
        let value = values.serialize(topic, &order).await?;
        let mut headers = OwnedHeaders::new();
        for h in [key.header, value.header].into_iter().flatten() {
            headers = headers.insert(Header {
                key: h.name,
                value: Some(&h.value[..]),
            });
        }
        let record = FutureRecord::to(topic)
            .partition(0)
            .key(&key.payload)
            .payload(&value.payload)
            .headers(headers);
        // one at a time: the order on the partition is the order of `i`
        producer
            .send(record, Duration::from_secs(30))
            .await
            .map_err(|(e, _)| format!("record {i}: {e}"))?;
    }
    Ok(())
}

fn header<'a>(m: &'a BorrowedMessage<'_>, name: &str) -> Option<&'a [u8]> {
    m.headers()?
        .iter()
        .find(|h| h.key == name)
        .and_then(|h| h.value)
}

async fn consume(
    registry: &str,
    bootstrap: &str,
    topic: &str,
    count: usize,
    timeout: Duration,
) -> Result<(), Box<dyn std::error::Error>> {
    let decoder = AvroDeserializer::new(Arc::new(CachedClient::new(HttpClient::new(registry)?)));
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("group.id", "kafka-pipe")
        .set("enable.auto.commit", "false")
        .set("enable.auto.offset.store", "false")
        .create()?;
    let mut partitions = TopicPartitionList::new();
    partitions.add_partition_offset(topic, 0, Offset::Beginning)?;
    consumer.assign(&partitions)?;

    let deadline = Instant::now() + timeout;
    let mut seen = 0;
    while seen < count {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(format!("{seen} of {count} records within {timeout:?}").into());
        }
        // a short poll: the deadline above bounds the loop
        let Some(m) = consumer.poll(left.min(Duration::from_millis(500))) else {
            continue;
        };
        let m = m?;
        let key_header = header(&m, KEY_SCHEMA_ID_HEADER);
        let value_header = header(&m, VALUE_SCHEMA_ID_HEADER);
        let form = match (key_header, value_header) {
            (Some(_), Some(_)) => "header",
            (None, None) => "prefix",
            _ => "mixed",
        };
        let key: String = decoder
            .deserialize_with_header(key_header, m.key().ok_or("record without a key")?)
            .await?;
        let value: Order = decoder
            .deserialize_with_header(value_header, m.payload().ok_or("record without a value")?)
            .await?;
        println!(
            "{}",
            serde_json::json!({ "form": form, "key": key, "value": value })
        );
        seen += 1;
    }
    Ok(())
}
