//! npm's `@kafkajs/confluent-schema-registry` against our server on each backend: register,
//! encode, decode, compatibility, JSON Schema, and Avro bytes exchanged with the `codec` crate
//! both ways; Protobuf registered with references through npm, and Protobuf records exchanged with
//! the codec both ways as far as npm's framing allows (it writes no message indexes and ignores
//! them on read; tests/node/interop.js asserts exactly that).
//!
//! Needs `INTEROP_NODE=1` at build time and `npm ci --prefix tests/node` (`.ci/run` does both).

use registry_tests::{Backend, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(npm_interop),
    ignore = "set INTEROP_NODE=1 after `npm ci --prefix tests/node`"
)]
async fn kafkajs_client_round_trips_and_agrees_with_codec() {
    let mut backends = vec![Backend::Sqlite];
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|v| !v.is_empty()) {
        backends.push(Backend::Postgres);
    }
    for backend in backends {
        let app = spawn_app(backend).await;
        let output = tokio::process::Command::new("node")
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/node/interop.js"))
            .args([&app.base, env!("CARGO_BIN_EXE_codec-interop")])
            .output()
            .await
            .expect("run node");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success(),
            "{backend:?}: npm client failed\n{stdout}\n{stderr}"
        );
        assert!(
            stdout.contains("10 passed, 0 failed"),
            "{backend:?}: {stdout}"
        );
    }
}
