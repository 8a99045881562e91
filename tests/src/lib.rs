//! Test harness: `spawn_app(backend)` starts the real server on `127.0.0.1:0` over a fresh
//! database (a temp SQLite file, or a new PostgreSQL database dropped afterwards) and
//! returns a [`TestApp`] client.
//!
//! PostgreSQL tests are compiled with `#[ignore]` unless `TEST_DATABASE_URL` is set at
//! build time (see `build.rs`); with it set, a database that cannot be reached fails the test.

pub mod app;
pub mod broker;
pub mod gate;
pub use app::spawn_app_with;
pub mod certs;
pub mod conformance;
pub mod hostile;
pub mod jwt;
pub mod postgres;
pub mod process;
pub mod protobuf_fixture;
pub mod startup;
pub mod wrk;

pub use app::{Backend, TestApp, spawn_app};

/// Declares async tests `fn name(app: TestApp)` once and instantiates them for both backends.
///
/// ```text
/// async fn registers(app: TestApp) { /* ... */ }
/// both_backends!(registers);
/// ```
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
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
                async fn $name() {
                    let app = $crate::spawn_app($crate::Backend::Postgres).await;
                    super::$name(app).await;
                }
            )+
        }
    };
}

/// As [`both_backends!`], for tests `fn name(gated: gate::Gated)` that drive a registry
/// behind a [`gate::GateStore`] directly (no HTTP).
#[macro_export]
macro_rules! both_backends_gated {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let gated = $crate::gate::Gated::open($crate::Backend::Sqlite).await;
                    super::$name(gated).await;
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                #[cfg_attr(not(postgres_tests), ignore = "set TEST_DATABASE_URL to run PostgreSQL tests")]
                async fn $name() {
                    let gated = $crate::gate::Gated::open($crate::Backend::Postgres).await;
                    super::$name(gated).await;
                }
            )+
        }
    };
}
