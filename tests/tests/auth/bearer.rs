//! Bearer JWTs through HTTP: a good token reads and writes as its principal (through the
//! codec's client and the CLI's `--token`), and every bad one is a 401.

use codec::client::RegistryClient as _;
use codec::{HttpClient, HttpClientConfig, Schema};
use registry_server::auth::JwksLocation;
use registry_tests::jwt::{AUDIENCE, ISSUER, claims, jwks, jwt, now, rsa_key};
use registry_tests::{Backend, TestApp, spawn_app_with};

const SCHEMA: &str = r#"{"type":"record","name":"Token","fields":[{"name":"t","type":"long"}]}"#;

/// `svc` may write subjects starting with `t`; it has no password entry.
const AUTHFILE: &str = r#"[[permissions]]
username = "svc"
operation = "Write"
prefix = "t"
"#;

async fn server(backend: Backend, dir: &std::path::Path, jwks_text: &str) -> TestApp {
    let auth_path = dir.join("auth.toml");
    let jwks_path = dir.join("jwks.json");
    std::fs::write(&auth_path, AUTHFILE).expect("authfile");
    std::fs::write(&jwks_path, jwks_text).expect("jwks");
    spawn_app_with(backend, |args| {
        args.auth.auth_file = Some(auth_path);
        args.auth.jwt_jwks = Some(JwksLocation::File(jwks_path));
        args.auth.jwt_issuer = Some(ISSUER.to_owned());
        args.auth.jwt_audience = Some(AUDIENCE.to_owned());
    })
    .await
}

async fn tokens_are_checked_end_to_end(backend: Backend) {
    let dir = tempfile::tempdir().expect("temp dir");
    let key = rsa_key();
    let app = server(backend, dir.path(), &jwks(&key, "k1").to_string()).await;
    let client = |token: &str| {
        HttpClient::with_config(
            HttpClientConfig::new(&app.base)
                .retries(0, std::time::Duration::from_millis(10))
                .bearer_auth(token),
        )
        .expect("client")
    };
    let good = jwt(&key, "k1", &claims("svc"));
    let id = client(&good)
        .register("t-orders", &Schema::avro(SCHEMA), false)
        .await
        .expect("a good token registers under its principal's prefix")
        .id
        .expect("an id");
    let outside = client(&good)
        .register("x-orders", &Schema::avro(SCHEMA), false)
        .await
        .expect_err("a token wrote outside its principal's permissions");
    assert!(outside.to_string().contains("40301"), "{outside}");

    let mut expired = claims("svc");
    expired["exp"] = (now() - 3600).into();
    let mut early = claims("svc");
    early["nbf"] = (now() + 3600).into();
    let mut other_issuer = claims("svc");
    other_issuer["iss"] = "https://elsewhere.test".into();
    let mut other_audience = claims("svc");
    other_audience["aud"] = "another-service".into();
    let bad = [
        ("expired", jwt(&key, "k1", &expired)),
        ("not yet valid", jwt(&key, "k1", &early)),
        ("wrong issuer", jwt(&key, "k1", &other_issuer)),
        ("wrong audience", jwt(&key, "k1", &other_audience)),
        ("wrong signature", jwt(&rsa_key(), "k1", &claims("svc"))),
        ("unknown kid", jwt(&key, "k2", &claims("svc"))),
        ("not a jwt", "not.a.jwt".to_owned()),
    ];
    for (what, token) in bad {
        let refused = client(&token).schema_by_id(id).await.expect_err(what);
        assert!(refused.to_string().contains("401"), "{what}: {refused}");
    }

    // The CLI's --token: a good one checks a file against the subject; a forged one is a 401.
    let file = dir.path().join("token.avsc");
    std::fs::write(&file, SCHEMA).expect("schema file");
    let check = |token: &str| {
        tokio::process::Command::new(env!("CARGO_BIN_EXE_sr-under-test"))
            .args([
                "check",
                "--url",
                &app.base,
                "--token",
                token,
                "--subject",
                "t-orders",
            ])
            .arg(&file)
            .output()
    };
    let ok = check(&good).await.expect("runs");
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let forged = jwt(&rsa_key(), "k1", &claims("svc"));
    let refused = check(&forged).await.expect("runs");
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("401"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_are_checked_end_to_end_on_sqlite() {
    tokens_are_checked_end_to_end(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(postgres_tests),
    ignore = "set TEST_DATABASE_URL to run PostgreSQL tests"
)]
async fn tokens_are_checked_end_to_end_on_postgres() {
    tokens_are_checked_end_to_end(Backend::Postgres).await;
}
