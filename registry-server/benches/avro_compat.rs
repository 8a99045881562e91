//! Transitive compatibility of a 50-field Avro record against 100 previous versions
//! (budget: under 20 ms per check).

use criterion::{Criterion, criterion_group, criterion_main};
use registry_server::domain::{CompatibilityLevel, SchemaType};
use registry_server::schema::compat::{self, PreviousVersion};
use registry_server::schema::{ParseOptions, ParsedSchema};

/// Version `v` (1-based): 50 fields of mixed types, plus `v` optional fields with defaults.
fn version_text(v: usize) -> String {
    let types = [
        r#""int""#,
        r#""long""#,
        r#""string""#,
        r#"["null","string"]"#,
        r#"{"type":"array","items":"double"}"#,
    ];
    let mut fields: Vec<String> = (0..50)
        .map(|i| {
            let ty = types[i % types.len()];
            format!(r#"{{"name":"f{i}","type":{ty}}}"#)
        })
        .collect();
    fields.extend((0..v).map(|i| format!(r#"{{"name":"x{i}","type":"long","default":0}}"#)));
    format!(
        r#"{{"type":"record","name":"Big","namespace":"bench","fields":[{}]}}"#,
        fields.join(",")
    )
}

fn parse(text: &str) -> ParsedSchema {
    match ParsedSchema::parse(SchemaType::Avro, text, &[], ParseOptions::default()) {
        Ok(schema) => schema,
        Err(e) => panic!("bench schema must parse: {e}"),
    }
}

fn transitive(c: &mut Criterion) {
    let versions: Vec<ParsedSchema> = (1..=100).map(|v| parse(&version_text(v))).collect();
    let previous: Vec<PreviousVersion<'_>> = versions
        .iter()
        .enumerate()
        .map(|(i, schema)| PreviousVersion {
            version: i32::try_from(i + 1).ok(),
            schema,
        })
        .collect();
    let new = parse(&version_text(101));
    for level in [
        CompatibilityLevel::BackwardTransitive,
        CompatibilityLevel::FullTransitive,
    ] {
        assert!(compat::check(level, &new, &previous).is_compatible());
        c.bench_function(&format!("avro {level} 50 fields x 100 versions"), |b| {
            b.iter(|| compat::check(level, &new, &previous));
        });
    }
    c.bench_function("avro parse 50-field record", |b| {
        let text = version_text(50);
        b.iter(|| parse(&text));
    });
}

criterion_group!(benches, transitive);
criterion_main!(benches);
