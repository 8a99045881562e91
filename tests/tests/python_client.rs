//! Confluent's official Python client (`confluent-kafka`) against our server: register,
//! look up, fetch, compatibility, references, errors, Avro serializer round trip, deletes;
//! and its Protobuf serializer and deserializer.
//!
//! Needs `INTEROP_PYTHON` at build time: a Python with `confluent-kafka[schemaregistry,avro,
//! json,protobuf]` and `grpcio-tools` (`.ci/run` makes one in `.venv`). Without it the tests
//! are reported as ignored.

use registry_tests::{Backend, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(python_interop),
    ignore = "set INTEROP_PYTHON to a Python with confluent-kafka"
)]
async fn confluent_python_client_round_trip() {
    run_script("client_roundtrip.py", "python client round trip: ok").await;
}

/// Confluent's Python `ProtobufSerializer`/`ProtobufDeserializer`: classes generated at test
/// time with grpcio-tools, a message that is not the first in its file, an imported file
/// registered as a reference, a well-known type, `format=serialized`
/// (tests/python/protobuf_roundtrip.py; the Python also needs `grpcio-tools`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(python_interop),
    ignore = "set INTEROP_PYTHON to a Python with confluent-kafka and grpcio-tools"
)]
async fn confluent_python_protobuf_serializer_round_trip() {
    run_script("protobuf_roundtrip.py", "python protobuf round trip: ok").await;
}

/// Data contracts through the Python client: metadata and rule sets registered, inherited
/// and merged with config defaults, compatibility groups, `get_latest_with_metadata`, 42210
/// (tests/python/contracts_roundtrip.py).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(python_interop),
    ignore = "set INTEROP_PYTHON to a Python with confluent-kafka"
)]
async fn confluent_python_client_data_contracts() {
    run_script("contracts_roundtrip.py", "python contracts round trip: ok").await;
}

/// Runs `tests/python/<script> BASE_URL` against a fresh server on each backend and expects
/// `marker` in its output.
async fn run_script(script: &str, marker: &str) {
    let python = std::env::var("INTEROP_PYTHON").expect("INTEROP_PYTHON");
    for backend in backends() {
        let app = spawn_app(backend).await;
        let path = format!("{}/python/{script}", env!("CARGO_MANIFEST_DIR"));
        let output = tokio::process::Command::new(&python)
            .arg(&path)
            .arg(&app.base)
            .output()
            .await
            .expect("run python");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success(),
            "{backend:?}: {script} failed\n{stdout}\n{stderr}"
        );
        assert!(stdout.contains(marker), "{stdout}");
    }
}

fn backends() -> Vec<Backend> {
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|v| !v.is_empty()) {
        vec![Backend::Sqlite, Backend::Postgres]
    } else {
        vec![Backend::Sqlite]
    }
}
