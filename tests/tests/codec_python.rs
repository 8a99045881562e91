//! Bytes made by Python `confluent-kafka`'s Avro and JSON serializers decode with the `codec`
//! crate into the same values, and bytes made by `codec` decode with the Python
//! deserializers, through our server on each backend (tests/python/codec_interop.py).

use registry_tests::{Backend, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(python_interop),
    ignore = "set INTEROP_PYTHON to a Python with confluent-kafka"
)]
async fn python_serializers_and_codec_agree_both_ways() {
    let python = std::env::var("INTEROP_PYTHON").expect("INTEROP_PYTHON");
    let mut backends = vec![Backend::Sqlite];
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|v| !v.is_empty()) {
        backends.push(Backend::Postgres);
    }
    for backend in backends {
        let app = spawn_app(backend).await;
        let output = tokio::process::Command::new(&python)
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/python/codec_interop.py"
            ))
            .args([
                "--registry",
                &app.base,
                "--bin",
                env!("CARGO_BIN_EXE_codec-interop"),
            ])
            .output()
            .await
            .expect("run python");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success(),
            "{backend:?}: interop failed\n{stdout}\n{stderr}"
        );
        assert!(
            stdout.contains("8 passed, 0 failed"),
            "{backend:?}: {stdout}"
        );
    }
}
