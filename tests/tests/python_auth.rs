//! Confluent's official Python client with authentication on: HTTP Basic
//! (`basic.auth.user.info`) and a static bearer token (a JWT signed at test time by a key
//! whose JWKS file the server reads), each allowed with the right credentials and refused
//! otherwise, on both backends.
//!
//! Needs `INTEROP_PYTHON` at build time, as `python_client.rs` does.

use registry_server::auth::argon2id_hash;
use registry_tests::jwt::{AUDIENCE, ISSUER, claims, jwks, jwt, rsa_key};
use registry_tests::{Backend, spawn_app_with};

fn authfile() -> String {
    let hash = argon2id_hash("writer-pw").expect("hash");
    format!(
        r#"[[users]]
username = "writer"
password_hash = "{hash}"

[[permissions]]
username = "writer"
operation = "Write"
prefix = "b"

[[permissions]]
username = "svc"
operation = "Write"
prefix = "t"
"#
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(python_interop),
    ignore = "set INTEROP_PYTHON to a Python with confluent-kafka"
)]
async fn confluent_python_client_with_basic_and_bearer_auth() {
    let python = std::env::var("INTEROP_PYTHON").expect("INTEROP_PYTHON");
    let key = rsa_key();
    let stranger = rsa_key();
    let good = jwt(&key, "k1", &claims("svc"));
    let forged = jwt(&stranger, "k1", &claims("svc"));
    for backend in backends() {
        let dir = tempfile::tempdir().expect("temp dir");
        let auth_path = dir.path().join("auth.toml");
        let jwks_path = dir.path().join("jwks.json");
        std::fs::write(&auth_path, authfile()).expect("authfile");
        std::fs::write(&jwks_path, jwks(&key, "k1").to_string()).expect("jwks");
        let app = spawn_app_with(backend, |args| {
            args.auth.auth_file = Some(auth_path.clone());
            args.auth.jwt_jwks = Some(registry_server::auth::JwksLocation::File(jwks_path.clone()));
            args.auth.jwt_issuer = Some(ISSUER.to_owned());
            args.auth.jwt_audience = Some(AUDIENCE.to_owned());
        })
        .await;
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/python/auth_clients.py");
        let output = tokio::process::Command::new(&python)
            .arg(script)
            .arg(&app.base)
            .arg(&good)
            .arg(&forged)
            .output()
            .await
            .expect("run python");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success(),
            "{backend:?}: python client failed\n{stdout}\n{stderr}"
        );
        assert!(stdout.contains("python auth clients: ok"), "{stdout}");
    }
}

fn backends() -> Vec<Backend> {
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|v| !v.is_empty()) {
        vec![Backend::Sqlite, Backend::Postgres]
    } else {
        vec![Backend::Sqlite]
    }
}
