//! Connection limits of the accept loop (header read timeout, connection cap, shutdown with
//! half-sent requests) and metric labels a client cannot multiply. Raw TCP where a client
//! must misbehave in ways an HTTP client library will not.

use std::collections::BTreeSet;
use std::hash::{BuildHasher, RandomState};
use std::time::Duration;

use registry_tests::app::{Backend, spawn_app_with, test_args};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Request headers without the blank line that ends them: the server waits for more.
const HALF_SENT: &[u8] = b"GET /subjects HTTP/1.1\r\nHost: x\r\n";

/// A connection that has sent [`HALF_SENT`] and nothing else.
async fn half_open(addr: std::net::SocketAddr) -> TcpStream {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.write_all(HALF_SENT).await.expect("write");
    stream
}

/// Everything the server sends until it closes the connection; panics when it is still open
/// after `within`.
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
        "the server kept the connection open for {within:?} (received {:?})",
        String::from_utf8_lossy(&received)
    );
    received
}

/// Sends a complete `GET /` and answers the status line of the response.
async fn status_line(stream: &mut TcpStream, within: Duration) -> String {
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .expect("write request");
    let response = read_until_closed(stream, within).await;
    String::from_utf8_lossy(&response)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_sent_headers_are_closed_after_the_header_timeout() {
    let app = spawn_app_with(Backend::Sqlite, |args| args.header_read_timeout_secs = 1).await;
    let mut stream = half_open(app.addr).await;
    read_until_closed(&mut stream, Duration::from_secs(15)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_keep_alive_connection_is_closed_after_the_header_timeout() {
    let app = spawn_app_with(Backend::Sqlite, |args| args.header_read_timeout_secs = 1).await;
    let mut stream = TcpStream::connect(app.addr).await.expect("connect");
    // Keep-alive (HTTP/1.1's default): after the response the server waits for the next
    // request's headers, and that wait is bounded too.
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("write");
    let received = read_until_closed(&mut stream, Duration::from_secs(15)).await;
    let text = String::from_utf8_lossy(&received);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_over_the_cap_wait_until_one_closes() {
    let app = spawn_app_with(Backend::Sqlite, |args| {
        args.max_connections = 4;
        // Long enough that no slot frees by itself during the test.
        args.header_read_timeout_secs = 600;
    })
    .await;
    let mut idle = Vec::new();
    for _ in 0..4 {
        idle.push(half_open(app.addr).await);
    }
    // The fifth connection completes its TCP handshake (the kernel's backlog) but is not
    // served while the four hold every slot.
    let mut fifth = TcpStream::connect(app.addr).await.expect("connect");
    fifth
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .expect("write");
    let mut buf = [0_u8; 64];
    let early = tokio::time::timeout(Duration::from_secs(2), fifth.read(&mut buf)).await;
    assert!(
        early.is_err(),
        "a connection over the cap was served (or closed): {early:?}"
    );
    // One client leaves: its slot goes to the waiting connection.
    drop(idle.pop());
    let response = read_until_closed(&mut fifth, Duration::from_secs(30)).await;
    let text = String::from_utf8_lossy(&response);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn header_timeout_frees_a_full_connection_cap() {
    let app = spawn_app_with(Backend::Sqlite, |args| {
        args.max_connections = 4;
        args.header_read_timeout_secs = 1;
    })
    .await;
    let mut idle = Vec::new();
    for _ in 0..4 {
        idle.push(half_open(app.addr).await);
    }
    // Queued behind the four: served once the header timeout has closed one of them.
    let mut waiting = TcpStream::connect(app.addr).await.expect("connect");
    assert_eq!(
        status_line(&mut waiting, Duration::from_secs(30)).await,
        "HTTP/1.1 200 OK"
    );
    for stream in &mut idle {
        read_until_closed(stream, Duration::from_secs(15)).await;
    }
    // No one is locked out: an ordinary client is served.
    let answer = tokio::time::timeout(Duration::from_secs(30), app.get("/subjects"))
        .await
        .expect("answered within 30 s");
    answer.assert_ok();
}

/// Graceful shutdown finishes a request in flight, and neither a half-sent request nor an
/// idle kept-alive connection holds it back for longer than the header timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_finishes_in_flight_requests_and_ends_idle_connections() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut args = test_args(&format!("sqlite://{}", dir.path().join("r.db").display()));
    args.header_read_timeout_secs = 1;
    let router = registry_server::server::build(&args)
        .await
        .expect("server builds");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(registry_server::server::serve(
        listener,
        router,
        args.connection_limits(),
        async {
            let _ = stopped.await;
        },
    ));

    let mut kept_alive = TcpStream::connect(addr).await.expect("connect");
    kept_alive
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("write");
    let mut buf = [0_u8; 1024];
    let n = tokio::time::timeout(Duration::from_secs(30), kept_alive.read(&mut buf))
        .await
        .expect("answered within 30 s")
        .expect("read");
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
    let _half_sent = half_open(addr).await;

    // A registration whose body is half sent when the shutdown starts. `Expect:
    // 100-continue` makes the server say when the handler starts reading the body.
    let body = br#"{"schema": "\"string\""}"#;
    let (first, rest) = body.split_at(10);
    let mut in_flight = TcpStream::connect(addr).await.expect("connect");
    let head = format!(
        "POST /subjects/s/versions HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n\
         Content-Type: application/vnd.schemaregistry.v1+json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    in_flight.write_all(head.as_bytes()).await.expect("write");
    let mut interim = Vec::new();
    let continued = tokio::time::timeout(Duration::from_secs(30), async {
        while !interim.ends_with(b"\r\n\r\n") {
            let n = in_flight.read(&mut buf).await.expect("read");
            assert!(n > 0, "closed before 100 Continue");
            interim.extend_from_slice(&buf[..n]);
        }
    })
    .await;
    assert!(continued.is_ok(), "no 100 Continue within 30 s");
    assert!(interim.starts_with(b"HTTP/1.1 100"), "{interim:?}");
    in_flight.write_all(first).await.expect("write");
    let _ = stop.send(());
    let refused = tokio::time::timeout(Duration::from_secs(30), async {
        while TcpStream::connect(addr).await.is_ok() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(refused.is_ok(), "still accepting 30 s after the shutdown");

    in_flight.write_all(rest).await.expect("write the rest");
    let response = read_until_closed(&mut in_flight, Duration::from_secs(30)).await;
    let text = String::from_utf8_lossy(&response);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(text.contains(r#""id":1"#), "{text}");

    let finished = tokio::time::timeout(Duration::from_secs(30), server).await;
    assert!(
        matches!(finished, Ok(Ok(Ok(())))),
        "serve did not return within 30 s of the shutdown: {finished:?}"
    );
}

/// The label values of `label` over the `http_requests_total` series.
fn label_values(metrics: &str, label: &str) -> BTreeSet<String> {
    let key = format!("{label}=\"");
    metrics
        .lines()
        .filter(|line| line.starts_with("http_requests_total{"))
        .filter_map(|line| {
            let start = line.find(&key)? + key.len();
            let end = line[start..].find('"')? + start;
            Some(line[start..end].to_owned())
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn made_up_methods_and_paths_do_not_mint_metric_series() {
    let app = spawn_app_with(Backend::Sqlite, |_| {}).await;
    let seed = RandomState::new().hash_one("server_limits");
    let methods: Vec<String> = (0..50_u64)
        .map(|i| format!("M{:08X}", seed.wrapping_add(i) & 0xFFFF_FFFF))
        .collect();
    for method in &methods {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a token");
        let _ = app.call(method, "/subjects", None).await;
    }
    for i in 0..50 {
        let _ = app.get(&format!("/nowhere-{seed:X}-{i}")).await;
    }
    let metrics = app.get("/metrics").await;
    metrics.assert_ok();
    let text = &metrics.text;
    for method in &methods {
        assert!(!text.contains(method.as_str()), "{method} is a label value");
    }
    assert!(
        !text.contains("nowhere-"),
        "a made-up path is a label value"
    );

    let known: BTreeSet<String> = ["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"]
        .into_iter()
        .chain(["other"])
        .map(str::to_owned)
        .collect();
    let methods_seen = label_values(text, "method");
    assert!(methods_seen.contains("other"), "{methods_seen:?}");
    assert!(methods_seen.is_subset(&known), "{methods_seen:?}");

    let routes: BTreeSet<String> = registry_server::api::route_table()
        .into_iter()
        .map(|(_, path)| path.to_owned())
        .chain(["unmatched".to_owned()])
        .collect();
    let routes_seen = label_values(text, "route");
    assert!(routes_seen.contains("unmatched"), "{routes_seen:?}");
    assert!(routes_seen.is_subset(&routes), "{routes_seen:?}");
}
