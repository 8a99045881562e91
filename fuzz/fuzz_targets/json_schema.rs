//! JSON Schema: two texts (split at the first NUL byte) parsed as the registry does (lax,
//! strict, normalized, with the second as the reference `other.json` of the first),
//! canonical form stable, each compatible with itself and without any difference (compatible
//! ones included) from itself, the pair checked at every level both ways under both policies.
#![no_main]

use libfuzzer_sys::fuzz_target;
use registry_server::domain::SchemaType;
use registry_server::schema::ParsedSchema;
use registry_server::schema::json::{Policy, differences};

fuzz_target!(|data: &[u8]| {
    registry_fuzz::schema_target(SchemaType::Json, data, |schema| {
        if let ParsedSchema::Json(json) = schema {
            for policy in [Policy::Strict, Policy::Lenient] {
                let found = differences(json, json, policy);
                assert!(
                    found.is_empty(),
                    "a schema differs from itself: {found:?}\n{}",
                    json.canonical()
                );
            }
        }
        Some("other.json".to_owned())
    });
});
