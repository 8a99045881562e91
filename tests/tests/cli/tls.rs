//! `register`, `check` and `export` against a registry that serves HTTPS and requires client
//! certificates (`--ca-cert`, `--client-cert`, `--client-key`).

use registry_server::tls::TlsArgs;
use registry_tests::certs::Ca;
use registry_tests::{Backend, spawn_app_with};

use super::cli;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gate_commands_present_a_client_certificate() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ca = Ca::new("test ca");
    let server = ca.server().write(dir.path(), "server");
    let ca_file = ca.write(dir.path(), "ca.pem");
    let client = ca.client("ci-pipeline").write(dir.path(), "client");
    let client_ca = ca_file.clone();
    let app = spawn_app_with(Backend::Sqlite, |args| {
        args.tls = TlsArgs {
            tls_cert: Some(server.cert.clone()),
            tls_key: Some(server.key.clone()),
            tls_client_ca: Some(client_ca),
            tls_client_auth: None,
        };
    })
    .await;
    let path = |p: &std::path::Path| p.display().to_string();
    let (ca_arg, cert_arg, key_arg) = (path(&ca_file), path(&client.cert), path(&client.key));
    let tls = [
        "--url",
        &app.base,
        "--ca-cert",
        &ca_arg,
        "--client-cert",
        &cert_arg,
        "--client-key",
        &key_arg,
    ];

    let with_tls = |args: &[&'static str]| {
        let mut all: Vec<&str> = args.to_vec();
        all.extend_from_slice(&tls);
        all
    };
    let registered = cli(&with_tls(&[
        "register",
        "user.v1.json",
        "--subject",
        "users-value",
    ]))
    .await;
    assert_eq!(
        registered.code, 0,
        "{}{}",
        registered.stdout, registered.stderr
    );
    let checked = cli(&with_tls(&[
        "check",
        "user.v2.json",
        "--subject",
        "users-value",
    ]))
    .await;
    assert_eq!(checked.code, 0, "{}{}", checked.stdout, checked.stderr);
    let exported = cli(&with_tls(&["export", "-o", "-"])).await;
    assert_eq!(exported.code, 0, "{}", exported.stderr);
    let dump: serde_json::Value = serde_json::from_str(&exported.stdout).expect("export is JSON");
    assert_eq!(dump["subjects"][0]["subject"], "users-value", "{dump}");

    // Without the client certificate the server refuses the handshake: one line, exit 2.
    cli(&[
        "export",
        "-o",
        "-",
        "--url",
        &app.base,
        "--ca-cert",
        &ca_arg,
    ])
    .await
    .assert_one_line_error("registry unreachable");
    // A key that is not PKCS#8 PEM is named as such.
    cli(&[
        "export",
        "-o",
        "-",
        "--url",
        &app.base,
        "--ca-cert",
        &ca_arg,
        "--client-cert",
        &cert_arg,
        "--client-key",
        &cert_arg,
    ])
    .await
    .assert_one_line_error("PKCS#8");
}
