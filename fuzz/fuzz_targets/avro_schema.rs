//! Avro: two texts (split at the first NUL byte) parsed as the registry does (lax, strict,
//! normalized, with the second as a reference of the first), canonical and resolved forms
//! stable, each compatible with itself, and the pair checked at every level both ways.
#![no_main]

use libfuzzer_sys::fuzz_target;
use registry_server::domain::SchemaType;
use registry_server::schema::ParsedSchema;

fuzz_target!(|data: &[u8]| {
    registry_fuzz::schema_target(SchemaType::Avro, data, |schema| match schema {
        ParsedSchema::Avro(avro) => avro.full_name(),
        ParsedSchema::Json(_) | ParsedSchema::Protobuf(_) => None,
    });
});
