//! Third-party conformance data, read at run time from the shared directory outside this
//! repository (`../shared/conformance` or `SHARED_CONFORMANCE_DIR`, resolved by `build.rs`).
//! Tests that replay it carry
//! `#[cfg_attr(not(shared_conformance), ignore = "...")]`; with `REQUIRE_SHARED=1` they run,
//! and missing data fails them.

use std::path::PathBuf;

use serde_json::Value;

/// Parses `relative` (e.g. `apicurio/jsonschema-compatibility-test-data.json`) under the
/// shared conformance directory.
///
/// # Panics
/// When the file is missing or is not JSON: a replay never passes without its data.
pub fn read(relative: &str) -> Value {
    let path = PathBuf::from(env!("SHARED_CONFORMANCE_DIR_RESOLVED")).join(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "shared conformance data {} is not readable ({e}); point SHARED_CONFORMANCE_DIR at \
             the shared conformance directory",
            path.display()
        )
    });
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
