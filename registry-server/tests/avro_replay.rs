//! Replays third-party Avro verdicts, read at run time from the shared conformance directory
//! (not in this repository, see `build.rs`): krabka's matrix recorded from Confluent Schema
//! Registry 7.4.0 and Apicurio Registry's Avro cases. Every row is checked; none is overridden.

mod shared_data;

use registry_server::domain::{CompatibilityLevel, SchemaType};
use registry_server::schema::compat::{self, PreviousVersion};
use registry_server::schema::{ParseOptions, ParsedSchema};

use CompatibilityLevel::{Backward, Forward};

fn avro(text: &str) -> ParsedSchema {
    ParsedSchema::parse(SchemaType::Avro, text, &[], ParseOptions::default())
        .unwrap_or_else(|e| panic!("{text} should parse: {e}"))
}

/// Whether `new` may follow `old` under `level`.
fn compatible(level: CompatibilityLevel, new: &ParsedSchema, old: &ParsedSchema) -> bool {
    let previous = [PreviousVersion {
        version: Some(1),
        schema: old,
    }];
    compat::check(level, new, &previous).is_compatible()
}

/// krabka `avro_matrix.json`: 12 cases at BACKWARD, FORWARD and FULL. `reader` is the new
/// schema, `writer` the registered one.
#[test]
#[cfg_attr(
    not(shared_conformance),
    ignore = "shared conformance data not found: set SHARED_CONFORMANCE_DIR (REQUIRE_SHARED=1 makes this a failure)"
)]
fn krabka_avro_matrix() {
    let rows = shared_data::read("krabka/avro_matrix.json");
    let rows = rows.as_array().expect("array of rows");
    assert_eq!(rows.len(), 36, "every row is replayed");
    for row in rows {
        let field = |k: &str| row[k].as_str().unwrap_or_else(|| panic!("{k} in {row}"));
        let level: CompatibilityLevel = field("level").parse().expect("level");
        let new = avro(field("reader"));
        let old = avro(field("writer"));
        let expected = row["is_compatible"].as_bool().expect("is_compatible");
        assert_eq!(
            compatible(level, &new, &old),
            expected,
            "case {} at {level}",
            field("case")
        );
    }
}

/// Apicurio `avro-compatibility-test-data.json`: `backward` = the update reads the original
/// only; `both` = both directions; `none` = neither.
#[test]
#[cfg_attr(
    not(shared_conformance),
    ignore = "shared conformance data not found: set SHARED_CONFORMANCE_DIR (REQUIRE_SHARED=1 makes this a failure)"
)]
fn apicurio_avro_cases() {
    let data = shared_data::read("apicurio/avro-compatibility-test-data.json");
    let tests = data["tests"].as_array().expect("tests");
    assert_eq!(tests.len(), 4, "every case is replayed");
    for test in tests {
        let original = avro(&test["original"].to_string());
        let updated = avro(&test["updated"].to_string());
        let backward = compatible(Backward, &updated, &original);
        let forward = compatible(Forward, &updated, &original);
        let expected = match test["compatibility"].as_str() {
            Some("backward") => (true, false),
            Some("forward") => (false, true),
            Some("both") => (true, true),
            Some("none") => (false, false),
            other => panic!("unknown verdict {other:?}"),
        };
        assert_eq!((backward, forward), expected, "{}", test["id"]);
    }
}
