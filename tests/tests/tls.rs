//! HTTPS serving (issue 11): the registry over TLS, hostile connections on the TLS port,
//! mutual TLS whose client-certificate CN reaches the request as `ClientCertPrincipal`,
//! and certificate reload. Certificates are made per test (`registry_tests::certs`).

use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::get;
use registry_server::server::{ConnectionLimits, serve_with_tls};
use registry_server::tls::{ClientAuth, ClientCertPrincipal, Tls, TlsArgs};
use registry_tests::app::{Backend, spawn_app_with};
use registry_tests::certs::{Ca, Pair, PairFiles};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;

/// A client trusting only `ca`, presenting `identity`, opening a new connection per request
/// and keeping the server's certificate in each response.
fn https_client(ca: &Ca, identity: Option<&Pair>) -> reqwest::Client {
    let ca = reqwest::Certificate::from_pem(ca.pem.as_bytes()).expect("ca certificate");
    let mut builder = reqwest::Client::builder()
        .tls_certs_only([ca])
        .tls_info(true)
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(30));
    if let Some(pair) = identity {
        builder = builder.identity(pair.identity());
    }
    builder.build().expect("https client")
}

fn tls_args(server: &PairFiles, client_ca: Option<&Path>, auth: Option<ClientAuth>) -> TlsArgs {
    TlsArgs {
        tls_cert: Some(server.cert.clone()),
        tls_key: Some(server.key.clone()),
        tls_client_ca: client_ca.map(Path::to_path_buf),
        tls_client_auth: auth,
    }
}

/// The accept loop over TLS with one route, `GET /whoami`, answering the request's
/// certificate principal or `anonymous`. Stops when the answer is dropped.
struct EchoServer {
    addr: SocketAddr,
    _stop: oneshot::Sender<()>,
}

async fn echo_server(args: &TlsArgs) -> EchoServer {
    let tls = Tls::load(args).expect("tls loads").expect("tls on");
    let router = Router::new().route(
        "/whoami",
        get(|request: axum::extract::Request| async move {
            request
                .extensions()
                .get::<ClientCertPrincipal>()
                .map_or_else(|| "anonymous".to_owned(), |p| p.0.clone())
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(serve_with_tls(
        listener,
        router,
        ConnectionLimits::default(),
        Some(tls),
        async {
            let _ = stopped.await;
        },
    ));
    EchoServer { addr, _stop: stop }
}

/// `GET /whoami` with `client`: the body, or the error chain when the request failed.
async fn whoami(client: &reqwest::Client, addr: SocketAddr) -> Result<String, String> {
    let response = client
        .get(format!("https://{addr}/whoami"))
        .send()
        .await
        .map_err(|e| format!("{e:?}"))?;
    assert_eq!(response.status(), 200);
    response.text().await.map_err(|e| format!("{e:?}"))
}

/// The DER leaf certificate a new connection to `addr` is served.
async fn served_leaf(ca: &Ca, addr: SocketAddr) -> Vec<u8> {
    let response = https_client(ca, None)
        .get(format!("https://{addr}/whoami"))
        .send()
        .await
        .expect("https request");
    response
        .extensions()
        .get::<reqwest::tls::TlsInfo>()
        .and_then(reqwest::tls::TlsInfo::peer_certificate)
        .expect("peer certificate")
        .to_vec()
}

/// Everything received until the server closes; panics when it is still open after `within`.
async fn read_until_closed(stream: &mut TcpStream, within: Duration) -> Vec<u8> {
    let mut received = Vec::new();
    let read = tokio::time::timeout(within, async {
        let mut buf = [0_u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    assert!(
        read.is_ok(),
        "the server kept the connection open for {within:?}"
    );
    received
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_serves_the_registry_and_plain_http_is_refused_cleanly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ca = Ca::new("test ca");
    let server = ca.server().write(dir.path(), "server");
    let app = spawn_app_with(Backend::Sqlite, |args| {
        args.tls = tls_args(&server, None, None);
    })
    .await;
    assert!(app.base.starts_with("https://"), "{}", app.base);
    let client = https_client(&ca, None);
    let subjects = client
        .get(format!("{}/subjects", app.base))
        .send()
        .await
        .expect("https request");
    assert_eq!(subjects.status(), 200);
    assert_eq!(subjects.text().await.expect("body"), "[]");

    // Plain HTTP to the TLS port: no HTTP answer, the connection is closed.
    let mut plain = TcpStream::connect(app.addr).await.expect("connect");
    plain
        .write_all(b"GET /subjects HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("write");
    let received = read_until_closed(&mut plain, Duration::from_secs(10)).await;
    assert!(!received.starts_with(b"HTTP"), "{received:?}");

    // And the server goes on serving.
    let again = client
        .get(format!("{}/subjects", app.base))
        .send()
        .await
        .expect("https request after the plain one");
    assert_eq!(again.status(), 200);
}

/// A client that opens TCP and never says anything holds a connection slot only until the
/// header read timeout; then a client waiting for that slot is served.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_that_never_handshakes_is_closed_after_the_header_timeout() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ca = Ca::new("test ca");
    let server = ca.server().write(dir.path(), "server");
    let app = spawn_app_with(Backend::Sqlite, |args| {
        args.tls = tls_args(&server, None, None);
        args.header_read_timeout_secs = 1;
        args.max_connections = 1;
    })
    .await;
    let mut silent = TcpStream::connect(app.addr).await.expect("connect");
    // Let the server accept it, so it holds the one slot.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    let waiting = https_client(&ca, None)
        .get(format!("{}/subjects", app.base))
        .send()
        .await
        .expect("served once the silent connection is closed");
    assert_eq!(waiting.status(), 200);
    assert!(
        started.elapsed() >= Duration::from_millis(500),
        "served after {:?}: the silent connection did not hold the only slot",
        started.elapsed()
    );
    read_until_closed(&mut silent, Duration::from_secs(15)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn required_client_certificates_name_the_principal_and_refuse_the_rest() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ca = Ca::new("test ca");
    let client_ca = Ca::new("client ca");
    let other_ca = Ca::new("other ca");
    let server = ca.server().write(dir.path(), "server");
    let client_ca_file = client_ca.write(dir.path(), "clients.pem");
    let echo = echo_server(&tls_args(&server, Some(&client_ca_file), None)).await;

    let good = client_ca.client("orders-service");
    assert_eq!(
        whoami(&https_client(&ca, Some(&good)), echo.addr).await,
        Ok("orders-service".to_owned())
    );
    let refused = [
        ("no certificate", None),
        ("another CA", Some(other_ca.client("orders-service"))),
        ("expired", Some(client_ca.expired_client("orders-service"))),
    ];
    for (case, identity) in refused {
        let answer = whoami(&https_client(&ca, identity.as_ref()), echo.addr).await;
        assert!(answer.is_err(), "{case}: {answer:?}");
    }
    // Still serving after the refusals.
    assert_eq!(
        whoami(&https_client(&ca, Some(&good)), echo.addr).await,
        Ok("orders-service".to_owned())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn optional_client_certificates_serve_clients_without_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ca = Ca::new("test ca");
    let server = ca.server().write(dir.path(), "server");
    let client_ca = ca.write(dir.path(), "clients.pem");
    let args = tls_args(&server, Some(&client_ca), Some(ClientAuth::Optional));
    let echo = echo_server(&args).await;

    assert_eq!(
        whoami(&https_client(&ca, None), echo.addr).await,
        Ok("anonymous".to_owned())
    );
    let good = ca.client("billing");
    assert_eq!(
        whoami(&https_client(&ca, Some(&good)), echo.addr).await,
        Ok("billing".to_owned())
    );
    // A certificate that is presented must still be valid.
    let foreign = Ca::new("other ca").client("billing");
    let answer = whoami(&https_client(&ca, Some(&foreign)), echo.addr).await;
    assert!(answer.is_err(), "{answer:?}");
}

/// Replaces the files of `files` with `pair`, each by an atomic rename.
fn replace(files: &PairFiles, pair: &Pair) {
    for (path, text) in [(&files.cert, &pair.cert), (&files.key, &pair.key)] {
        let temporary = path.with_extension("new");
        std::fs::write(&temporary, text).expect("write");
        std::fs::rename(&temporary, path).expect("rename");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_connections_get_a_reloaded_certificate_and_a_broken_pair_is_ignored() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ca = Ca::new("test ca");
    let first = ca.server();
    let files = first.write(dir.path(), "server");
    let echo = echo_server(&tls_args(&files, None, None)).await;
    assert_eq!(served_leaf(&ca, echo.addr).await, first.der);

    let second = ca.server();
    replace(&files, &second);
    let deadline = Instant::now() + Duration::from_secs(20);
    while served_leaf(&ca, echo.addr).await != second.der {
        assert!(
            Instant::now() < deadline,
            "new certificate not served within 20 s"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // A certificate whose key is not there: the previous pair stays.
    let third = ca.server();
    std::fs::write(&files.cert, &third.cert).expect("write");
    tokio::time::sleep(registry_server::tls::RELOAD_POLL * 3).await;
    assert_eq!(served_leaf(&ca, echo.addr).await, second.der);
    // Garbage instead of a key: still the previous pair.
    std::fs::write(&files.key, "not a key").expect("write");
    tokio::time::sleep(registry_server::tls::RELOAD_POLL * 2).await;
    assert_eq!(served_leaf(&ca, echo.addr).await, second.der);
    // Once the matching key lands, the third pair is served.
    std::fs::write(&files.key, &third.key).expect("write");
    let deadline = Instant::now() + Duration::from_secs(20);
    while served_leaf(&ca, echo.addr).await != third.der {
        assert!(
            Instant::now() < deadline,
            "fixed pair not served within 20 s"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
