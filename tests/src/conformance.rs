//! Third-party conformance data, read at run time from the shared directory outside this
//! repository (`../shared/conformance` or `SHARED_CONFORMANCE_DIR`, resolved by `build.rs`).
//! Tests that replay it are compiled with `#[ignore]` unless `cfg(shared_conformance)` is set;
//! with `REQUIRE_SHARED=1` they run, and missing data fails them.

use std::path::PathBuf;

use serde_json::Value;

/// The directory `build.rs` resolved (it may not exist).
pub const DIR: &str = env!("SHARED_CONFORMANCE_DIR_RESOLVED");

/// Parses `relative` (e.g. `krabka/admin_rest.json`) under [`DIR`].
///
/// # Panics
/// When the file is missing or is not JSON: a replay never passes without its data.
#[must_use]
pub fn read(relative: &str) -> Value {
    let path = PathBuf::from(DIR).join(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "shared conformance data {} is not readable ({e}); point SHARED_CONFORMANCE_DIR at \
             the shared conformance directory",
            path.display()
        )
    });
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// As [`both_backends!`](crate::both_backends), for tests that replay the shared conformance
/// data: ignored (with the reason) when it is absent.
#[macro_export]
macro_rules! both_backends_shared {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                #[cfg_attr(not(shared_conformance), ignore = "shared conformance data not found: set SHARED_CONFORMANCE_DIR (REQUIRE_SHARED=1 makes this a failure)")]
                async fn $name() {
                    let app = $crate::spawn_app($crate::Backend::Sqlite).await;
                    super::$name(app).await;
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                #[cfg_attr(not(postgres_tests), ignore = "set TEST_DATABASE_URL to run PostgreSQL tests")]
                #[cfg_attr(all(postgres_tests, not(shared_conformance)), ignore = "shared conformance data not found: set SHARED_CONFORMANCE_DIR (REQUIRE_SHARED=1 makes this a failure)")]
                async fn $name() {
                    let app = $crate::spawn_app($crate::Backend::Postgres).await;
                    super::$name(app).await;
                }
            )+
        }
    };
}
