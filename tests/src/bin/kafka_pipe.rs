//! Typed Avro records, or Protobuf `Order` messages, through Kafka with the `codec` crate over
//! rdkafka, for the pipeline test (tests/tests/kafka_pipeline.rs) and by hand against any
//! registry and broker.
//!
//! ```text
//! kafka-pipe produce --registry URL --bootstrap HOST:PORT --topic T --count N [--header-form] [--format F]
//! kafka-pipe consume --registry URL --bootstrap HOST:PORT --topic T --count N [--timeout-secs S] [--format F]
//! kafka-pipe expected --count N [--format F]
//! ```
//! `produce` sends records `0..N` (key: Avro string `order-{i}`, value: an `Order`), schemas
//! registered under the topic's subjects, ids in the payload prefix or, with `--header-form`,
//! GUIDs in the `__key_schema_id` / `__value_schema_id` headers. `consume` reads partition 0
//! from the beginning (no consumer group), decodes whichever form each record uses and prints one
//! JSON line per record: `{"form":"prefix"|"header","key":…,"value":…}`; it fails when `N`
//! records do not arrive within the timeout. `expected` prints what `consume` should print for
//! `produce`'s records (without `form`). Python's side holds the same schema and records
//! (tests/python/kafka_pipeline.py).
//!
//! `--format protobuf` (default `avro`): keys stay Avro strings; values are
//! `interop.orders.Order` `DynamicMessage`s of the shared fixture (`registry_tests::
//! protobuf_fixture`: `interop/order.proto`, where `Order` is message `[1]`, importing
//! `interop/money.proto`, registered as a reference). `consume` decodes them with
//! `DynamicProtobufDeserializer` (no descriptor of its own) and adds to each line the decoded
//! message's full name, `"type"`, and the value's framing as read from the raw bytes by this
//! program, `"frame"`: `{"magic":0,"id":N,"indexes":[…]}` (prefix) or
//! `{"magic":1,"guid":"…","indexes":[…]}` (header). Values print as `protobuf_fixture::to_json`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand, ValueEnum};
use codec::wire::{KEY_SCHEMA_ID_HEADER, VALUE_SCHEMA_ID_HEADER};
use codec::{
    AvroDeserializer, AvroSerializer, CachedClient, DynamicProtobufDeserializer, HttpClient,
    ProtobufSerializer, Schema, SerializerConfig,
};
use prost_reflect::{DescriptorPool, DynamicMessage, MapKey, ReflectMessage, Value as PbValue};
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::{BorrowedMessage, Header, Headers, Message, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::{ClientConfig, Offset, TopicPartitionList};
use registry_tests::protobuf_fixture::{self as pb, BoxError};
use serde::{Deserialize, Serialize};
use serde_json::{Value as Json, json};

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

/// Protobuf record `i`: an `interop.orders.Order` whose fields vary with `i` (some left unset);
/// the Python script builds the same.
fn pb_record(pool: &DescriptorPool, i: i64) -> Result<DynamicMessage, BoxError> {
    let n32 = |x: i64| i32::try_from(x).map_err(|e| format!("{x}: {e}"));
    let mut fields = vec![
        ("order_id", PbValue::String(format!("pb-{i}"))),
        (
            "total",
            pb::money(
                pool,
                if i % 2 == 0 { "EUR" } else { "JPY" },
                i * 7 - 20,
                n32(i % 4 * 250_000_000)?,
            )?,
        ),
        (
            "placed_at",
            PbValue::Message(pb::build(
                pb::get(pool, "google.protobuf.Timestamp")?,
                vec![
                    ("seconds", PbValue::I64(1_700_000_000 + i * 3600)),
                    ("nanos", PbValue::I32(n32(i % 3 * 1000)?)),
                ],
            )?),
        ),
        (
            "quantities",
            PbValue::Map(
                (0..i % 3)
                    .map(|n| {
                        Ok((
                            MapKey::String(format!("sku-{n}")),
                            PbValue::I32(n32(i * (n + 1) - 5)?),
                        ))
                    })
                    .collect::<Result<_, BoxError>>()?,
            ),
        ),
        ("channel", PbValue::EnumNumber(n32(i % 3)?)),
        ("weight_kg", {
            #[allow(clippy::cast_precision_loss)] // small integers
            PbValue::F64(i as f64 * 0.5 - 1.25)
        }),
        (
            "delta",
            PbValue::I64(if i % 2 == 1 {
                -i * 1_000_000_007
            } else {
                i * 1_000_000_007
            }),
        ),
    ];
    let line = pb::get(pool, "interop.orders.Order.Line")?;
    let mut lines = Vec::new();
    for n in 0..i % 4 {
        let count = if n == 2 { 4_000_000_000 } else { n + 1 };
        let mut line_fields = vec![
            ("sku", PbValue::String(format!("line-{i}-{n}"))),
            ("count", PbValue::U32(u32::try_from(count)?)),
        ];
        if n % 2 == 0 {
            line_fields.push(("unit_price", pb::money(pool, "EUR", n + 1, 0)?));
        }
        lines.push(PbValue::Message(pb::build(line.clone(), line_fields)?));
    }
    fields.push(("lines", PbValue::List(lines)));
    if i % 2 == 0 {
        let customer = pb::build(
            pb::get(pool, pb::CUSTOMER)?,
            vec![
                ("name", PbValue::String(format!("cust-{i}"))),
                ("vip", PbValue::Bool(i % 4 == 0)),
            ],
        )?;
        fields.push(("customer", PbValue::Message(customer)));
    }
    if i % 3 != 0 {
        let b = u8::try_from(i % 256)?;
        fields.push(("memo", PbValue::Bytes(vec![b, 0, 0xff].into())));
    }
    pb::build(pb::get(pool, pb::ORDER)?, fields)
}

/// What the values are.
#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// `Order` Avro records (serde structs)
    Avro,
    /// `interop.orders.Order` Protobuf messages (`DynamicMessage`)
    Protobuf,
}

#[derive(Parser)]
#[command(
    about = "codec over rdkafka: produce and consume typed Avro records or Protobuf messages"
)]
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
        #[arg(long, value_enum, default_value = "avro")]
        format: Format,
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
        #[arg(long, value_enum, default_value = "avro")]
        format: Format,
    },
    /// Print the JSON lines `consume` should print for `produce`'s records (without `form`)
    Expected {
        #[arg(long, default_value_t = 10)]
        count: i64,
        #[arg(long, value_enum, default_value = "avro")]
        format: Format,
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
            format,
        } => produce(&registry, &bootstrap, &topic, count, header_form, format).await,
        Cmd::Consume {
            registry,
            bootstrap,
            topic,
            count,
            timeout_secs,
            format,
        } => {
            consume(
                &registry,
                &bootstrap,
                &topic,
                count,
                Duration::from_secs(timeout_secs),
                format,
            )
            .await
        }
        Cmd::Expected { count, format } => {
            let pool = pb::pool()?;
            for i in 0..count {
                let (key, value) = record(i);
                let value = match format {
                    Format::Avro => json!(value),
                    Format::Protobuf => pb::to_json(&pb_record(&pool, i)?),
                };
                println!("{}", json!({ "key": key, "value": value }));
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
    format: Format,
) -> Result<(), Box<dyn std::error::Error>> {
    let registry = Arc::new(CachedClient::new(HttpClient::new(registry)?));
    let (mut key_cfg, mut value_cfg) = (SerializerConfig::key(), SerializerConfig::value());
    if header_form {
        key_cfg = key_cfg.header_form();
        value_cfg = value_cfg.header_form();
    }
    let keys = AvroSerializer::<str>::new(registry.clone(), Schema::avro(KEY), key_cfg)?;
    keys.prepare(topic).await?;
    let values = match format {
        Format::Avro => {
            let ser = AvroSerializer::<Order>::new(registry, Schema::avro(ORDER), value_cfg)?;
            ser.prepare(topic).await?;
            Values::Avro(ser)
        }
        Format::Protobuf => {
            let pool = pb::pool()?;
            let ser = ProtobufSerializer::<DynamicMessage>::with_descriptor(
                registry,
                pb::get(&pool, pb::ORDER)?,
                value_cfg,
            )?;
            ser.prepare(topic).await?;
            Values::Protobuf(ser, pool)
        }
    };

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
        let mut headers = OwnedHeaders::new();
        if let Some(h) = &key.header {
            headers = headers.insert(Header {
                key: h.name,
                value: Some(&h.value[..]),
            });
        }
        let value = match &values {
            Values::Avro(ser) => {
                let v = ser.serialize(topic, &order).await?;
                if let Some(h) = &v.header {
                    headers = headers.insert(Header {
                        key: h.name,
                        value: Some(&h.value[..]),
                    });
                }
                v.payload
            }
            Values::Protobuf(ser, pool) => {
                let v = ser.serialize(topic, &pb_record(pool, i)?).await?;
                if let Some(h) = &v.header {
                    headers = headers.insert(Header {
                        key: h.name,
                        value: Some(&h.value[..]),
                    });
                }
                v.payload
            }
        };
        let record = FutureRecord::to(topic)
            .partition(0)
            .key(&key.payload)
            .payload(&value)
            .headers(headers);
        // one at a time: the order on the partition is the order of `i`
        producer
            .send(record, Duration::from_secs(30))
            .await
            .map_err(|(e, _)| format!("record {i}: {e}"))?;
    }
    Ok(())
}

/// The value serializer of `produce`.
enum Values {
    Avro(AvroSerializer<Order>),
    Protobuf(ProtobufSerializer<DynamicMessage>, DescriptorPool),
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
    format: Format,
) -> Result<(), Box<dyn std::error::Error>> {
    let registry = Arc::new(CachedClient::new(HttpClient::new(registry)?));
    let decoder = AvroDeserializer::new(registry.clone());
    let pb_decoder = DynamicProtobufDeserializer::new(registry);
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
        let payload = m.payload().ok_or("record without a value")?;
        let line = match format {
            Format::Avro => {
                let value: Order = decoder
                    .deserialize_with_header(value_header, payload)
                    .await?;
                json!({ "form": form, "key": key, "value": value })
            }
            Format::Protobuf => {
                let message = pb_decoder
                    .deserialize_with_header(value_header, payload)
                    .await?;
                json!({
                    "form": form,
                    "key": key,
                    "value": pb::to_json(&message),
                    "type": message.descriptor().full_name(),
                    "frame": protobuf_frame(value_header, payload)?,
                })
            }
        };
        println!("{line}");
        seen += 1;
    }
    Ok(())
}

/// The framing of a Protobuf value, read here byte by byte (not by the codec): the schema-id
/// header when there is one (`0x01`, GUID, indexes), else the payload prefix (`0x00`, id,
/// indexes). Indexes: a zigzag varint count, then each index as a zigzag varint; a lone `0`
/// stands for `[0]`.
fn protobuf_frame(header: Option<&[u8]>, payload: &[u8]) -> Result<Json, BoxError> {
    let bytes = header.unwrap_or(payload);
    let (&magic, rest) = bytes.split_first().ok_or("empty framing")?;
    let (schema, rest) = match (header.is_some(), magic) {
        (false, 0) => {
            let id: [u8; 4] = rest.get(..4).ok_or("short id")?.try_into()?;
            (json!({ "id": i32::from_be_bytes(id) }), &rest[4..])
        }
        (true, 1) => {
            let g = rest.get(..16).ok_or("short GUID")?;
            let hex: Vec<String> = g.iter().map(|b| format!("{b:02x}")).collect();
            let guid = format!(
                "{}-{}-{}-{}-{}",
                hex[..4].concat(),
                hex[4..6].concat(),
                hex[6..8].concat(),
                hex[8..10].concat(),
                hex[10..].concat()
            );
            (json!({ "guid": guid }), &rest[16..])
        }
        (h, m) => return Err(format!("magic byte {m} (header form: {h})").into()),
    };
    let mut rest = rest;
    let mut next = || -> Result<i64, BoxError> {
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let (&b, tail) = rest.split_first().ok_or("truncated varint")?;
            rest = tail;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                // zigzag
                return Ok(i64::try_from(v >> 1)? ^ -i64::try_from(v & 1)?);
            }
        }
        Err("varint too long".into())
    };
    let count = next()?;
    let indexes: Vec<i64> = if count == 0 {
        vec![0]
    } else {
        (0..count).map(|_| next()).collect::<Result<_, _>>()?
    };
    let mut frame = schema;
    frame["magic"] = json!(magic);
    frame["indexes"] = json!(indexes);
    Ok(frame)
}
