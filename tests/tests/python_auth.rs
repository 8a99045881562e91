//! Confluent's official Python client with authentication on: HTTP Basic
//! (`basic.auth.user.info`) and a static bearer token (a JWT signed at test time by a key
//! whose JWKS file the server reads), each allowed with the right credentials and refused
//! otherwise, on both backends.
//!
//! Needs `INTEROP_PYTHON` at build time, as `python_client.rs` does.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::sign::Signer;
use registry_server::auth::argon2id_hash;
use registry_tests::{Backend, spawn_app_with};
use serde_json::{Value, json};

const ISSUER: &str = "https://idp.test";
const AUDIENCE: &str = "schema-registry";

fn rsa_key() -> PKey<Private> {
    PKey::from_rsa(Rsa::generate(2048).expect("rsa key")).expect("pkey")
}

fn jwks(key: &PKey<Private>, kid: &str) -> Value {
    let rsa = key.rsa().expect("rsa");
    json!({"keys": [{"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256",
        "n": B64.encode(rsa.n().to_vec()), "e": B64.encode(rsa.e().to_vec())}]})
}

/// An RS256 JWT naming `sub`, signed by `key`.
fn jwt(key: &PKey<Private>, kid: &str, sub: &str) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let header = json!({"alg": "RS256", "typ": "JWT", "kid": kid});
    let claims = json!({"sub": sub, "iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 600});
    let input = format!(
        "{}.{}",
        B64.encode(header.to_string()),
        B64.encode(claims.to_string())
    );
    let mut signer = Signer::new(MessageDigest::sha256(), key).expect("signer");
    signer.update(input.as_bytes()).expect("sign");
    let signature = signer.sign_to_vec().expect("sign");
    format!("{input}.{}", B64.encode(signature))
}

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
    let good = jwt(&key, "k1", "svc");
    let forged = jwt(&stranger, "k1", "svc");
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
