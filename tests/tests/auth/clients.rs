//! Our own clients against a secured server: the CLI gate commands and the codec's
//! `HttpClient` sign in with Basic credentials, and a TLS client certificate's CN maps to the
//! authfile user of that name.

use codec::client::RegistryClient as _;
use codec::{HttpClient, HttpClientConfig, Schema};
use registry_tests::Backend;

use super::support::{As, Secured};

const SCHEMA: &str =
    r#"{"type":"record","name":"Parcel","fields":[{"name":"weight","type":"int"}]}"#;

/// `export` (which reads the global config, so it needs `Config:`) runs with the admin's
/// password; the reader is told which permission it lacks, and a wrong password is a 401;
/// both exit 2.
async fn the_cli_signs_in_with_basic_credentials(app: Secured) {
    app.register(As::Admin, "a-parcels", SCHEMA).await;
    app.register(As::Admin, "b-parcels", SCHEMA).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("dump.json");
    let export = |user: &str, password: &str| {
        tokio::process::Command::new(env!("CARGO_BIN_EXE_sr-under-test"))
            .args([
                "export",
                "--url",
                &app.app.base,
                "--user",
                user,
                "--password",
                password,
            ])
            .arg("--output")
            .arg(&out)
            .output()
    };
    let ok = export("admin", "admin-pw").await.expect("runs");
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let dump = std::fs::read_to_string(&out).expect("dump written");
    assert!(
        dump.contains("a-parcels") && dump.contains("b-parcels"),
        "{dump}"
    );
    let reader = export("reader", "reader-pw").await.expect("runs");
    assert_eq!(reader.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&reader.stderr);
    assert!(
        stderr.contains("denied operation Read on Config:"),
        "{stderr}"
    );
    let refused = export("admin", "not-the-password").await.expect("runs");
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("401"), "{stderr}");
}

/// The codec's client registers with the writer's password, reads with the reader's, and is
/// refused without credentials.
async fn the_codec_client_signs_in_with_basic_credentials(app: Secured) {
    let config =
        || HttpClientConfig::new(&app.app.base).retries(0, std::time::Duration::from_millis(10));
    let writer =
        HttpClient::with_config(config().basic_auth("writer", "writer-pw")).expect("client");
    let id = writer
        .register("b-events", &Schema::avro(SCHEMA), false)
        .await
        .expect("the writer registers under its prefix")
        .id
        .expect("an id");
    let outside = writer
        .register("a-events", &Schema::avro(SCHEMA), false)
        .await
        .expect_err("the writer registered outside its prefix");
    assert!(outside.to_string().contains("40301"), "{outside}");
    let admin = HttpClient::with_config(config().basic_auth("admin", "admin-pw")).expect("client");
    assert!(admin.schema_by_id(id).await.is_ok());
    let reader =
        HttpClient::with_config(config().basic_auth("reader", "reader-pw")).expect("client");
    let hidden = reader
        .schema_by_id(id)
        .await
        .expect_err("the reader saw an id only b-events uses");
    assert!(hidden.to_string().contains("40403"), "{hidden}");
    let anonymous = HttpClient::with_config(config()).expect("client");
    let refused = anonymous
        .schema_by_id(id)
        .await
        .expect_err("anonymous read");
    assert!(refused.to_string().contains("401"), "{refused}");
}

async fn start(backend: Backend) -> Secured {
    Secured::start(backend).await
}

crate::secured_tests!(
    start;
    the_cli_signs_in_with_basic_credentials,
    the_codec_client_signs_in_with_basic_credentials,
);
