//! Confluent's Python Protobuf serializer and deserializer against our server: classes
//! generated at test time with grpcio-tools, a message that is not the first in its file,
//! an imported file registered as a reference, a well-known type, `format=serialized`.
//!
//! Needs `INTEROP_PYTHON` at build time: a Python with `confluent-kafka[schemaregistry,
//! protobuf]` and `grpcio-tools` (`.ci/run` makes one in `.venv`). Without it the test is
//! reported as ignored.

use registry_tests::{Backend, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(python_interop),
    ignore = "set INTEROP_PYTHON to a Python with confluent-kafka and grpcio-tools"
)]
async fn confluent_python_protobuf_serializer_round_trip() {
    let python = std::env::var("INTEROP_PYTHON").expect("INTEROP_PYTHON");
    for backend in backends() {
        let app = spawn_app(backend).await;
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/python/protobuf_roundtrip.py");
        let output = tokio::process::Command::new(&python)
            .arg(script)
            .arg(&app.base)
            .output()
            .await
            .expect("run python");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success(),
            "{backend:?}: python protobuf client failed\n{stdout}\n{stderr}"
        );
        assert!(
            stdout.contains("python protobuf round trip: ok"),
            "{stdout}"
        );
    }
}

fn backends() -> Vec<Backend> {
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|v| !v.is_empty()) {
        vec![Backend::Sqlite, Backend::Postgres]
    } else {
        vec![Backend::Sqlite]
    }
}
