//! Shared helpers of the fuzz targets: splitting an input into parts, and the invariants every
//! schema engine must keep (the same for Avro and JSON Schema).

use registry_server::domain::{CompatibilityLevel, SchemaType};
use registry_server::schema::compat::{self, CheckOptions, PreviousVersion};
use registry_server::schema::explain;
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
        let mut found = ParsedSchema::incompatibilities(reader, writer, BACKWARD);
        // Avro Java cannot compare a record one of whose fields has an alias naming another
        // of its fields (the reader field "matches multiple fields"): such a schema is not
        // compatible even with itself, in Confluent as here.
        found.retain(|i| {
            !(i.kind == "UNEXPECTED_EXCEPTION" && i.message.contains("matches multiple fields"))
        });
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
            if policy == Policy::Strict {
                // Explanations exist exactly when the level fails, and a schema has no
                // semantic difference from itself.
                let explained = explain::explain(old, new, CompatibilityLevel::Backward);
                assert_eq!(
                    explained.is_empty(),
                    backward,
                    "explanations disagree with BACKWARD"
                );
                assert!(
                    explain::diff(new, new).is_empty(),
                    "a schema differs from itself"
                );
                let _ = explain::diff(old, new);
            }
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

/// The whole schema target, on a server-sized stack: two texts, each alone, the second as a
/// reference of the first (under the name `reference_name` gives it), and the pair compared.
pub fn schema_target(
    ty: SchemaType,
    data: &[u8],
    reference_name: impl Fn(&ParsedSchema) -> Option<String> + Sync,
) {
    on_server_stack(|| schema_target_here(ty, data, &reference_name));
}

fn schema_target_here(
    ty: SchemaType,
    data: &[u8],
    reference_name: &(impl Fn(&ParsedSchema) -> Option<String> + Sync),
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

/// Stack size of a tokio worker (and blocking-pool) thread, where the server runs all of this.
pub const SERVER_STACK_BYTES: usize = 2 * 1024 * 1024;

/// Runs `f` on a fresh thread with the stack a server thread has, so a recursion that would
/// overflow in the server overflows here too (libFuzzer's own thread has 8 MiB).
///
/// # Panics
/// When `f` panics (the finding) or the thread cannot be started.
pub fn on_server_stack<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    static SEGV_ON_ALT_STACK: std::sync::Once = std::sync::Once::new();
    SEGV_ON_ALT_STACK.call_once(segv_handler_on_alt_stack);
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("fuzz-worker".to_owned())
            .stack_size(SERVER_STACK_BYTES)
            .spawn_scoped(scope, || {
                let _alt = AltStack::install();
                f()
            })
            .expect("a worker thread starts")
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

// A stack overflow is a SIGSEGV on the guard page. libFuzzer's handler (which saves the input)
// can only run on an alternate signal stack, and it keeps SA_ONSTACK only when the handler it
// replaced had it; a `no_main` binary never runs Rust's own setup that would provide both.

/// Re-installs the current (libFuzzer's) SIGSEGV and SIGBUS handlers with SA_ONSTACK.
fn segv_handler_on_alt_stack() {
    for signal in [libc::SIGSEGV, libc::SIGBUS] {
        // SAFETY: reads the installed action into a zeroed struct and installs it again with
        // one more flag; no handler code is changed.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            if libc::sigaction(signal, std::ptr::null(), &raw mut action) == 0
                && action.sa_sigaction != libc::SIG_DFL
                && action.sa_sigaction != libc::SIG_IGN
            {
                action.sa_flags |= libc::SA_ONSTACK;
                libc::sigaction(signal, &raw const action, std::ptr::null_mut());
            }
        }
    }
}

/// An alternate signal stack for the current thread, removed on drop.
struct AltStack {
    _memory: Vec<u8>,
}

impl AltStack {
    const BYTES: usize = 256 * 1024;

    fn install() -> Self {
        let mut memory = vec![0u8; Self::BYTES];
        let stack = libc::stack_t {
            ss_sp: memory.as_mut_ptr().cast(),
            ss_flags: 0,
            ss_size: Self::BYTES,
        };
        // SAFETY: `memory` outlives the registration: drop unregisters it before freeing.
        unsafe {
            libc::sigaltstack(&raw const stack, std::ptr::null_mut());
        }
        AltStack { _memory: memory }
    }
}

impl Drop for AltStack {
    fn drop(&mut self) {
        let disable = libc::stack_t {
            ss_sp: std::ptr::null_mut(),
            ss_flags: libc::SS_DISABLE,
            ss_size: 0,
        };
        // SAFETY: disables this thread's alternate stack; no pointer is kept.
        unsafe {
            libc::sigaltstack(&raw const disable, std::ptr::null_mut());
        }
    }
}
