//! The UI's message decoder on hostile bytes: pasted text (hex/base64) to bytes, Confluent's
//! framing, Protobuf message indexes, and the payload decoded by a schema the first byte
//! picks among a fixed set (every Avro type and a recursive list, nested Protobuf messages
//! with a map and an import, JSON). Whatever decodes must be JSON that serializes.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use registry_server::domain::SchemaType;
use registry_server::schema::decode::{
    decode_payload, message_indexes, parse_message_text, unframe,
};
use registry_server::schema::{Dependency, ParseOptions, ParsedSchema};

const SCHEMAS: &[(SchemaType, &str)] = &[
    (
        SchemaType::Avro,
        r#"{"type":"record","name":"All","namespace":"fz","fields":[
        {"name":"b","type":"boolean"},{"name":"i","type":"int"},{"name":"l","type":"long"},
        {"name":"f","type":"float"},{"name":"d","type":"double"},{"name":"s","type":"string"},
        {"name":"y","type":"bytes"},{"name":"n","type":"null"},
        {"name":"e","type":{"type":"enum","name":"E","symbols":["A","B","C"]}},
        {"name":"x","type":{"type":"fixed","name":"F","size":4}},
        {"name":"a","type":{"type":"array","items":"long"}},
        {"name":"m","type":{"type":"map","values":["null","string"]}},
        {"name":"u","type":["null","int","string","E"]}]}"#,
    ),
    (
        SchemaType::Avro,
        r#"{"type":"record","name":"Node","fields":[{"name":"v","type":"int"},
        {"name":"next","type":["null","Node"]},
        {"name":"kids","type":{"type":"array","items":"Node"}}]}"#,
    ),
    (
        SchemaType::Avro,
        r#"{"type":"array","items":{"type":"map","values":"null"}}"#,
    ),
    (
        SchemaType::Protobuf,
        "syntax = \"proto3\";\npackage fz;\nimport \"dep.proto\";\nimport \"google/protobuf/timestamp.proto\";\n\
         message Outer {\n  message Inner { string s = 1; repeated Outer back = 2; map<string, Dep> deps = 3; }\n  \
         enum Kind { A = 0; B = 1; }\n  Inner inner = 1; Kind kind = 2; repeated sint64 n = 3; bytes raw = 4;\n  \
         google.protobuf.Timestamp at = 5; double d = 6; oneof pick { fixed32 f = 7; string t = 8; }\n}\n",
    ),
    (SchemaType::Json, r#"{"type":"object"}"#),
];

const DEP: &str =
    "syntax = \"proto3\";\npackage fz;\nmessage Dep { int32 x = 1; repeated Dep more = 2; }\n";

fn schemas() -> &'static Vec<ParsedSchema> {
    static PARSED: OnceLock<Vec<ParsedSchema>> = OnceLock::new();
    PARSED.get_or_init(|| {
        let dependencies = [Dependency {
            name: "dep.proto".to_owned(),
            schema: DEP.to_owned(),
        }];
        SCHEMAS
            .iter()
            .map(|(kind, text)| {
                // Only the Protobuf schema imports `dep.proto`.
                let dependencies = if *kind == SchemaType::Protobuf {
                    &dependencies[..]
                } else {
                    &[]
                };
                ParsedSchema::parse(*kind, text, dependencies, ParseOptions::default())
                    .expect("the fixed schemas parse")
            })
            .collect()
    })
}

fuzz_target!(|data: &[u8]| registry_fuzz::on_server_stack(|| one_input(data)));

fn one_input(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = parse_message_text(text);
    }
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let _ = unframe(rest);
    let schemas = schemas();
    let schema = &schemas[usize::from(selector) % schemas.len()];
    let (indexes, payload) = match schema {
        ParsedSchema::Protobuf(_) => match message_indexes(rest) {
            Ok((indexes, payload)) => (indexes, payload),
            Err(_) => return,
        },
        _ => (Vec::new(), rest),
    };
    if let Ok(value) = decode_payload(schema, &indexes, payload) {
        let text = serde_json::to_string(&value).expect("a decoded value serializes");
        assert!(serde_json::from_str::<serde_json::Value>(&text).is_ok());
    }
}
