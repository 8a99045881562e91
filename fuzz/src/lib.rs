//! Shared helpers of the fuzz targets: splitting an input into parts, and the invariants every
//! schema engine must keep (the same for Avro and JSON Schema).

use registry_server::domain::{CompatibilityLevel, SchemaType};
use registry_server::schema::compat::{self, CheckOptions, PreviousVersion};
use registry_server::schema::json::Policy;
use registry_server::schema::{Dependency, Labels, ParseOptions, ParsedSchema};

/// Splits `data` at its first NUL byte into two texts (the second empty when there is none).
/// Invalid UTF-8 is replaced: the API only ever hands the engines valid strings.
#[must_use]
pub fn two_texts(data: &[u8]) -> (String, String) {
    let (a, b) = match data.iter().position(|&b| b == 0) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &[][..]),
    };
    (
        String::from_utf8_lossy(a).into_owned(),
        String::from_utf8_lossy(b).into_owned(),
    )
}

const LAX: ParseOptions = ParseOptions {
    validate: false,
    normalize: false,
};
const STRICT: ParseOptions = ParseOptions {
    validate: true,
    normalize: false,
};
const NORMALIZE: ParseOptions = ParseOptions {
    validate: false,
    normalize: true,
};

const BACKWARD: Labels<'static> = Labels {
    reader: "new",
    writer: "old",
};

/// Parses `text` every way the registry does and checks what must hold of one schema; returns
/// the lax parse (the one stored schemas get) when it succeeds.
///
/// # Panics
/// When an invariant is broken: that is the finding.
#[must_use]
pub fn one_schema(ty: SchemaType, text: &str, deps: &[Dependency]) -> Option<ParsedSchema> {
    let strict = ParsedSchema::parse(ty, text, deps, STRICT);
    let lax = ParsedSchema::parse(ty, text, deps, LAX);
    if strict.is_ok() {
        assert!(
            lax.is_ok(),
            "accepted when validating but refused without: {:?}",
            lax.err()
        );
    }
    let lax = lax.ok()?;
    let canonical = lax.canonical();

    // The stored text parses again, to itself.
    let again = ParsedSchema::parse(ty, canonical, deps, LAX)
        .unwrap_or_else(|e| panic!("canonical text does not reparse: {e}\n{canonical}"));
    assert_eq!(again.canonical(), canonical, "canonical form is not stable");
    // Reading one's own data, and data of the same schema re-read from its stored text.
    self_compatible(&lax, &lax, "itself");
    self_compatible(&lax, &again, "its canonical text");

    // The resolved text (references inlined) stands alone.
    let resolved = lax.resolved();
    let alone = ParsedSchema::parse(ty, resolved, &[], LAX)
        .unwrap_or_else(|e| panic!("resolved text does not parse alone: {e}\n{resolved}"));
    assert_eq!(alone.resolved(), resolved, "resolved form is not stable");

    // Normalization is idempotent and keeps the meaning.
    if let Ok(normalized) = ParsedSchema::parse(ty, text, deps, NORMALIZE) {
        let n = normalized.canonical();
        let twice = ParsedSchema::parse(ty, n, deps, NORMALIZE)
            .unwrap_or_else(|e| panic!("normalized text does not reparse: {e}\n{n}"));
        assert_eq!(twice.canonical(), n, "normalization is not idempotent");
        self_compatible(&lax, &normalized, "its normalized form");
    } else {
        panic!("parses but does not normalize: {text}");
    }
    Some(lax)
}

fn self_compatible(a: &ParsedSchema, b: &ParsedSchema, what: &str) {
    for (reader, writer) in [(a, b), (b, a)] {
        let found = ParsedSchema::incompatibilities(reader, writer, BACKWARD);
        assert!(
            found.is_empty(),
            "a schema is incompatible with {what}: {found:?}\n{}\n{}",
            a.canonical(),
            b.canonical()
        );
    }
}

/// Compatibility of two schemas in both directions, at every level, under both policies,
/// checking the levels agree with each other.
///
/// # Panics
/// When the levels disagree.
pub fn pair(a: &ParsedSchema, b: &ParsedSchema) {
    for policy in [Policy::Strict, Policy::Lenient] {
        for (new, old) in [(a, b), (b, a)] {
            let options = CheckOptions {
                validate_fields: false,
                policy,
            };
            let prev = [PreviousVersion {
                version: Some(1),
                schema: old,
            }];
            let verdict = |level| compat::check_with(level, new, &prev, options).is_compatible();
            let backward = verdict(CompatibilityLevel::Backward);
            let forward = verdict(CompatibilityLevel::Forward);
            let full = verdict(CompatibilityLevel::Full);
            assert_eq!(
                full,
                backward && forward,
                "FULL is not BACKWARD and FORWARD"
            );
            assert!(verdict(CompatibilityLevel::None), "NONE refused a schema");
            // Transitive over [old, new]: new against itself first, then old.
            let history = [
                prev[0],
                PreviousVersion {
                    version: Some(2),
                    schema: new,
                },
            ];
            let transitive = compat::check_with(
                CompatibilityLevel::BackwardTransitive,
                new,
                &history,
                options,
            );
            assert_eq!(
                transitive.is_compatible(),
                backward,
                "BACKWARD_TRANSITIVE over [old, self] differs from BACKWARD over [old]"
            );
        }
    }
}

/// The whole schema target: two texts, each alone, the second as a reference of the first
/// (under `name`), and the pair compared.
pub fn schema_target(
    ty: SchemaType,
    data: &[u8],
    reference_name: impl Fn(&ParsedSchema) -> Option<String>,
) {
    let (a, b) = two_texts(data);
    let pa = one_schema(ty, &a, &[]);
    let pb = one_schema(ty, &b, &[]);
    if let (Some(pa), Some(pb)) = (&pa, &pb) {
        pair(pa, pb);
    }
    // b as a referenced schema of a.
    if let Some(pb) = &pb
        && let Some(name) = reference_name(pb)
    {
        let deps = [Dependency {
            name,
            schema: b.clone(),
        }];
        let _ = one_schema(ty, &a, &deps);
    }
}
