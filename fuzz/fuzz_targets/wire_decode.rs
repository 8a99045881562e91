//! The codec on hostile messages: the wire framing (payload prefix and header forms, which
//! must re-encode to the same bytes), and the Avro and JSON Schema deserializers on a
//! Confluent-framed message whose schema id the first byte picks among a fixed schema set
//! (Avro generic decode, Avro with a reader schema, JSON parse + validation).
#![no_main]

use std::sync::{Arc, OnceLock};

use codec::blocking::{Blocking, block_on};
use codec::client::{MockClient, RegistryClient};
use codec::wire::{self, SchemaRef};
use codec::{AvroDeserializer, JsonDeserializer, Schema};
use libfuzzer_sys::fuzz_target;

/// Writer schemas: every Avro type, logical types, a recursive list, nested unions.
const AVRO: &[&str] = &[
    r#""string""#,
    r#"{"type":"record","name":"All","namespace":"fz","fields":[
        {"name":"b","type":"boolean"},{"name":"i","type":"int"},{"name":"l","type":"long"},
        {"name":"f","type":"float"},{"name":"d","type":"double"},{"name":"s","type":"string"},
        {"name":"y","type":"bytes"},{"name":"n","type":"null"},
        {"name":"e","type":{"type":"enum","name":"E","symbols":["A","B","C"]}},
        {"name":"x","type":{"type":"fixed","name":"F","size":4}},
        {"name":"a","type":{"type":"array","items":"long"}},
        {"name":"m","type":{"type":"map","values":["null","string"]}},
        {"name":"u","type":["null","int","string","E"]}]}"#,
    r#"{"type":"record","name":"Node","fields":[{"name":"v","type":"int"},
        {"name":"next","type":["null","Node"]},
        {"name":"kids","type":{"type":"array","items":"Node"}}]}"#,
    r#"{"type":"record","name":"Logical","fields":[
        {"name":"dec","type":{"type":"bytes","logicalType":"decimal","precision":20,"scale":4}},
        {"name":"fdec","type":{"type":"fixed","name":"D","size":12,"logicalType":"decimal","precision":20,"scale":2}},
        {"name":"uuid","type":{"type":"string","logicalType":"uuid"}},
        {"name":"date","type":{"type":"int","logicalType":"date"}},
        {"name":"tmi","type":{"type":"int","logicalType":"time-millis"}},
        {"name":"tsu","type":{"type":"long","logicalType":"timestamp-micros"}},
        {"name":"dur","type":{"type":"fixed","name":"Dur","size":12,"logicalType":"duration"}}]}"#,
    r#"{"type":"array","items":{"type":"map","values":{"type":"array","items":["null","double","bytes"]}}}"#,
];

/// The reader schema the resolving deserializer holds: schema 2 (`All`) evolved.
const AVRO_READER: &str = r#"{"type":"record","name":"All","namespace":"fz","fields":[
    {"name":"i","type":"long"},{"name":"l","type":"double"},{"name":"s","type":"bytes"},
    {"name":"e","type":{"type":"enum","name":"E","symbols":["C","B","A","Z"],"default":"Z"}},
    {"name":"u","type":["null","long","string","E"]},
    {"name":"added","type":"string","default":"none"}]}"#;

const JSON: &[&str] = &[
    r#"{"type":"object","properties":{"id":{"type":"integer","minimum":0},
        "name":{"type":"string","maxLength":20,"pattern":"^[a-z]+$"},
        "tags":{"type":"array","items":{"type":"string"},"uniqueItems":true}},
        "required":["id"],"additionalProperties":false}"#,
    r##"{"$schema":"http://json-schema.org/draft-07/schema#","definitions":{"node":{"type":"object",
        "properties":{"v":{"type":"number"},"next":{"$ref":"#/definitions/node"}}}},
        "$ref":"#/definitions/node"}"##,
    r#"{"oneOf":[{"type":"string","format":"date-time"},{"type":"string","format":"email"},
        {"type":"array","minItems":2,"contains":{"const":1}},{"type":"null"}]}"#,
    r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",
        "patternProperties":{"^x-":{"type":"boolean"}},"propertyNames":{"maxLength":8},
        "dependentRequired":{"a":["b"]},"unevaluatedProperties":false,
        "properties":{"a":{"enum":[1,"one",null]},"b":{"multipleOf":0.5}}}"#,
];

struct Codecs {
    avro: Blocking<AvroDeserializer>,
    avro_reader: Blocking<AvroDeserializer>,
    json: Blocking<JsonDeserializer>,
    json_plain: Blocking<JsonDeserializer>,
    first_json_id: u8,
}

fn codecs() -> &'static Codecs {
    static CODECS: OnceLock<Codecs> = OnceLock::new();
    CODECS.get_or_init(|| {
        let mock = Arc::new(MockClient::new());
        let registered = Arc::clone(&mock);
        block_on(async move {
            // ids 1.. in this order: the Avro ones, then the JSON ones
            for (i, text) in AVRO.iter().enumerate() {
                let subject = format!("avro{i}");
                let schema = Schema::avro(*text);
                registered.register(&subject, &schema, false).await?;
            }
            for (i, text) in JSON.iter().enumerate() {
                let subject = format!("json{i}");
                let schema = Schema::json(*text);
                registered.register(&subject, &schema, false).await?;
            }
            Ok::<(), codec::Error>(())
        })
        .expect("the background runtime runs")
        .expect("the fixed schemas register");
        let client: Arc<dyn RegistryClient> = mock;
        Codecs {
            avro: Blocking::new(AvroDeserializer::new(Arc::clone(&client))),
            avro_reader: Blocking::new(
                AvroDeserializer::with_reader_schema(Arc::clone(&client), AVRO_READER)
                    .expect("the reader schema parses"),
            ),
            json: Blocking::new(JsonDeserializer::new(Arc::clone(&client), true)),
            json_plain: Blocking::new(JsonDeserializer::new(client, false)),
            first_json_id: u8::try_from(AVRO.len() + 1).expect("few schemas"),
        }
    })
}

fn framed(id: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 5);
    wire::encode_into(wire::SchemaId(i32::from(id)), payload, &mut out);
    out
}

fuzz_target!(|data: &[u8]| registry_fuzz::on_server_stack(|| one_input(data)));

fn one_input(data: &[u8]) {
    // The framing: what decodes re-encodes to the same bytes.
    if let Ok((r, payload)) = wire::decode(data) {
        let mut again = Vec::new();
        match r {
            SchemaRef::Id(id) => wire::encode_into(id, payload, &mut again),
            SchemaRef::Guid(guid) => wire::encode_guid_into(guid, payload, &mut again),
        }
        assert_eq!(again, data, "decode then encode changed the message");
    }
    if let Ok(r) = wire::decode_header(data) {
        assert!(matches!(wire::decode(data), Ok((x, [])) if x == r));
    }
    let split = data.len() / 2;
    let _ = wire::decode_with_header(Some(&data[..split]), &data[split..]);

    let Some((&selector, payload)) = data.split_first() else {
        return;
    };
    let codecs = codecs();
    let avro_count = u8::try_from(AVRO.len()).expect("few schemas");
    let json_count = u8::try_from(JSON.len()).expect("few schemas");
    match selector % 4 {
        0 => {
            let message = framed(1 + (selector / 4) % avro_count, payload);
            if let Ok(value) = codecs.avro.decode_json(None, &message) {
                // what decodes is valid JSON
                let text = serde_json::to_string(&value).expect("a JSON value serializes");
                assert!(serde_json::from_str::<serde_json::Value>(&text).is_ok());
            }
            let _ = codecs.avro.deserialize::<serde_json::Value>(&message);
        }
        1 => {
            // schema 2 (`All`) written, AVRO_READER reading
            let _ = codecs.avro_reader.decode_json(None, &framed(2, payload));
        }
        2 => {
            let id = codecs.first_json_id + (selector / 4) % json_count;
            let message = framed(id, payload);
            let validated = codecs.json.deserialize::<serde_json::Value>(&message);
            let plain = codecs.json_plain.deserialize::<serde_json::Value>(&message);
            if let Ok(value) = validated {
                assert_eq!(plain.ok(), Some(value), "validation changed the value");
            }
        }
        _ => {
            // unframed bytes as a JSON message without validation, and as a header
            let _ = codecs.json_plain.deserialize::<serde_json::Value>(payload);
            let _ = codecs
                .json_plain
                .deserialize_with_header::<serde_json::Value>(Some(payload), b"{}");
        }
    }
}
