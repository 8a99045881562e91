//! A command-line bridge for cross-language interop tests (see `tests/python/CODEC_INTEROP.md`):
//! encodes the reference records with the `codec` crate, or decodes framed bytes made by another
//! client.
//!
//! ```text
//! codec-interop encode avro|json <registry-url> <topic> <out-file>
//! codec-interop encode protobuf <registry-url> <topic> <out-file> [<message full name>]
//! codec-interop decode avro|json|protobuf <registry-url> <in-file>
//! ```
//! `encode` writes the framed record; `decode` prints the decoded value as one line of JSON.
//! Protobuf writes `interop.orders.Order` (or the `Customer` of the same file) as a
//! `DynamicMessage`, auto-registering `interop/order.proto` and its import; its decode prints
//! `{"type": <full name of the written message>, "value": <message JSON>}` (see
//! `tests/src/protobuf_fixture.rs`).

use std::sync::Arc;

use codec::{
    AvroDeserializer, AvroSerializer, CachedClient, DynamicProtobufDeserializer, HttpClient,
    JsonDeserializer, JsonSerializer, ProtobufSerializer, Schema, SerializerConfig,
};
use prost_reflect::{DynamicMessage, ReflectMessage};
use serde::{Deserialize, Serialize};

use registry_tests::protobuf_fixture as protobuf;

/// The Avro schema both sides use (the Python script holds the same text).
pub const AVRO_SCHEMA: &str = r#"{"type":"record","name":"Interop","namespace":"codec.test","fields":[{"name":"id","type":"long"},{"name":"name","type":"string"},{"name":"score","type":"double"},{"name":"tags","type":{"type":"array","items":"string"}},{"name":"nick","type":["null","string"],"default":null}]}"#;
/// The JSON Schema both sides use.
pub const JSON_SCHEMA: &str = r#"{"type":"object","title":"Interop","properties":{"id":{"type":"integer"},"name":{"type":"string"},"score":{"type":"number"},"tags":{"type":"array","items":{"type":"string"}},"nick":{"type":["null","string"]}},"required":["id","name"]}"#;

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Interop {
    id: i64,
    name: String,
    score: f64,
    tags: Vec<String>,
    nick: Option<String>,
}

fn reference() -> Interop {
    Interop {
        id: 42,
        name: "from-rust".into(),
        score: 2.5,
        tags: vec!["a".into(), "b".into()],
        nick: Some("r".into()),
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: interop encode avro|json|protobuf <registry-url> <topic> <out-file> [<protobuf message>] | decode avro|json|protobuf <registry-url> <in-file>";
    let (cmd, format, url) = match args.as_slice() {
        [c, f, u, ..] => (c.as_str(), f.as_str(), u.as_str()),
        _ => return Err(usage.into()),
    };
    let registry = Arc::new(CachedClient::new(HttpClient::new(url)?));
    match (cmd, format, &args[3..]) {
        ("encode", "avro", [topic, out]) => {
            let ser = AvroSerializer::<Interop>::new(
                registry,
                Schema::avro(AVRO_SCHEMA),
                SerializerConfig::value(),
            )?;
            std::fs::write(out, ser.serialize(topic, &reference()).await?.payload)?;
        }
        ("encode", "json", [topic, out]) => {
            let ser = JsonSerializer::<Interop>::new(
                registry,
                Schema::json(JSON_SCHEMA),
                SerializerConfig::value().validate(true),
            )?;
            std::fs::write(out, ser.serialize(topic, &reference()).await?.payload)?;
        }
        ("encode", "protobuf", [topic, out, rest @ ..]) => {
            let pool = protobuf::pool()?;
            let message = match rest {
                [] => protobuf::reference_order(&pool)?,
                [name] if name == protobuf::ORDER => protobuf::reference_order(&pool)?,
                [name] if name == protobuf::CUSTOMER => protobuf::reference_customer(&pool)?,
                _ => return Err(usage.into()),
            };
            let ser = ProtobufSerializer::<DynamicMessage>::with_descriptor(
                registry,
                message.descriptor(),
                SerializerConfig::value(),
            )?;
            std::fs::write(out, ser.serialize(topic, &message).await?.payload)?;
        }
        ("decode", "protobuf", [input]) => {
            let bytes = std::fs::read(input)?;
            let message = DynamicProtobufDeserializer::new(registry)
                .deserialize(&bytes)
                .await?;
            let out = serde_json::json!({
                "type": message.descriptor().full_name(),
                "value": protobuf::to_json(&message),
            });
            println!("{out}");
        }
        ("decode", "avro", [input]) => {
            let bytes = std::fs::read(input)?;
            println!(
                "{}",
                AvroDeserializer::new(registry)
                    .decode_json(None, &bytes)
                    .await?
            );
        }
        ("decode", "json", [input]) => {
            let bytes = std::fs::read(input)?;
            println!(
                "{}",
                JsonDeserializer::new(registry, true)
                    .decode_json(None, &bytes)
                    .await?
            );
        }
        _ => return Err(usage.into()),
    }
    Ok(())
}
