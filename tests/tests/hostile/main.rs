//! Hostile input end to end (issue 9): deep and cyclic schemas, huge fan-outs, bad ids and
//! subjects, made-up methods, slow headers, malformed bodies and CPU-heavy neighbours, each
//! against the server as its own process on SQLite and PostgreSQL. Every case asserts: no 5xx,
//! an answer within 30 s, a Confluent error body on refusal, and a server still alive after.

use registry_tests::Backend;
use registry_tests::hostile::HostileServer;

/// Declares `async fn name(backend: Backend)` cases as tests on both backends.
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(registry_tests::Backend::Sqlite).await;
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                #[cfg_attr(not(postgres_tests), ignore = "set TEST_DATABASE_URL to run PostgreSQL tests")]
                async fn $name() {
                    super::$name(registry_tests::Backend::Postgres).await;
                }
            )+
        }
    };
}

mod avro_depth;
mod bodies;
mod fan_out;
mod ids;
mod json_depth;
mod methods;
mod protobuf;
mod slow_headers;
mod starvation;
mod subjects;

/// The server binary of this package.
const BIN: &str = env!("CARGO_BIN_EXE_sr-under-test");

/// The flags every hostile case runs with, spelled out: the 16 MiB body limit (the default)
/// lets the 15 MiB cases reach the handlers, and the request timeout stays above the 30 s
/// within which the suite expects every answer.
const FLAGS: &[&str] = &[
    "--max-body-bytes",
    "16777216",
    "--request-timeout-secs",
    "60",
];

/// A fresh server process on `backend` with [`FLAGS`] and `extra` flags.
async fn server(backend: Backend, extra: &[&str]) -> HostileServer {
    let mut flags = FLAGS.to_vec();
    flags.extend_from_slice(extra);
    HostileServer::start(BIN, backend, &flags).await
}

/// A JSON Schema registration body.
fn json_schema(text: &str) -> serde_json::Value {
    serde_json::json!({"schemaType": "JSON", "schema": text})
}

/// An Avro registration body.
fn avro_schema(text: &str) -> serde_json::Value {
    serde_json::json!({"schema": text})
}
