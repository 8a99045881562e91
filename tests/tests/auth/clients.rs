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

/// With mutual TLS and an authfile, a client certificate's CN is the principal: `admin`
/// registers, `reader` reads only what the authfile lets it, a client without a certificate
/// (optional mode) must sign in.
async fn a_client_certificate_gets_the_permissions_of_its_name(backend: Backend) {
    use registry_server::tls::{ClientAuth, TlsArgs};
    use registry_tests::certs::Ca;

    let dir = tempfile::tempdir().expect("temp dir");
    let ca = Ca::new("test ca");
    let server = ca.server().write(dir.path(), "server");
    let client_ca = ca.write(dir.path(), "ca.pem");
    let authfile = dir.path().join("auth.toml");
    std::fs::write(&authfile, super::support::toml_authfile()).expect("authfile");
    let app = registry_tests::spawn_app_with(backend, |args| {
        args.auth.auth_file = Some(authfile.clone());
        args.tls = TlsArgs {
            tls_cert: Some(server.cert.clone()),
            tls_key: Some(server.key.clone()),
            tls_client_ca: Some(client_ca),
            tls_client_auth: Some(ClientAuth::Optional),
        };
    })
    .await;
    let config = || {
        HttpClientConfig::new(&app.base)
            .retries(0, std::time::Duration::from_millis(10))
            .ca_certs_pem(ca.pem.clone())
    };
    let as_cert = |cn: &str| {
        let identity = ca.client(cn);
        HttpClient::with_config(config().client_cert_pem(identity.cert, identity.key))
            .expect("client")
    };
    let admin = as_cert("admin");
    let visible = admin
        .register("a-orders", &Schema::avro(SCHEMA), false)
        .await
        .expect("admin registers")
        .id
        .expect("an id");
    let hidden_schema = r#"{"type":"record","name":"Hidden","fields":[]}"#;
    let hidden = admin
        .register("b-orders", &Schema::avro(hidden_schema), false)
        .await
        .expect("admin registers")
        .id
        .expect("an id");
    let reader = as_cert("reader");
    assert!(reader.schema_by_id(visible).await.is_ok());
    let refused = reader
        .schema_by_id(hidden)
        .await
        .expect_err("the reader's certificate saw a hidden id");
    assert!(refused.to_string().contains("40403"), "{refused}");
    let stranger = as_cert("nobody-in-the-authfile");
    let refused = stranger
        .schema_by_id(visible)
        .await
        .expect_err("a certificate without permissions read");
    assert!(refused.to_string().contains("40403"), "{refused}");
    let anonymous = HttpClient::with_config(config()).expect("client");
    let refused = anonymous
        .schema_by_id(visible)
        .await
        .expect_err("anonymous read");
    assert!(refused.to_string().contains("401"), "{refused}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_certificate_gets_the_permissions_of_its_name_on_sqlite() {
    a_client_certificate_gets_the_permissions_of_its_name(Backend::Sqlite).await;
}

async fn start(backend: Backend) -> Secured {
    Secured::start(backend).await
}

crate::secured_tests!(
    start;
    the_cli_signs_in_with_basic_credentials,
    the_codec_client_signs_in_with_basic_credentials,
);
