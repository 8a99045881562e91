//! Protobuf: two texts (split at the first NUL byte), each `.proto` text or a base64
//! descriptor, parsed as the registry does (lax, strict, normalized, with the second as the
//! import `other.proto` of the first), canonical and normalized forms stable, each compatible
//! with itself, its serialized and stripped forms rendered, and the pair checked at every
//! level both ways.
#![no_main]

use libfuzzer_sys::fuzz_target;
use registry_server::domain::SchemaType;
use registry_server::schema::ParsedSchema;
use registry_server::schema::format::SchemaFormat;

fuzz_target!(|data: &[u8]| {
    registry_fuzz::schema_target(SchemaType::Protobuf, data, |schema| {
        for format in [SchemaFormat::Serialized, SchemaFormat::IgnoreExtensions] {
            // A rendering may refuse (an unresolved type has no descriptor) but never panic;
            // a serialized form parses back.
            if let Ok(Some(text)) = schema.formatted(format) {
                let options = registry_server::schema::ParseOptions::default();
                let back = ParsedSchema::parse(SchemaType::Protobuf, &text, &[], options);
                assert!(
                    back.is_ok(),
                    "{format:?} form does not parse: {back:?}\n{text}"
                );
            }
        }
        Some("other.proto".to_owned())
    });
});
