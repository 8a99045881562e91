//! A client that sends part of its headers and waits is dropped after the header read
//! timeout (`--header-read-timeout-secs`), and the server keeps serving others.

use std::time::Duration;

use registry_tests::Backend;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

use super::server;

async fn slow_headers_are_dropped(backend: Backend) {
    let mut server = server(backend, &["--header-read-timeout-secs", "1"]).await;
    let mut slow = Vec::new();
    for _ in 0..8 {
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", server.port))
            .await
            .expect("connect");
        stream
            .write_all(b"GET /schemas/types HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
            .await
            .expect("send part of the headers");
        slow.push(stream);
    }
    // The server may answer (408) before it closes; either way each connection must end, all
    // within one deadline.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    for (i, stream) in slow.iter_mut().enumerate() {
        let mut sink = Vec::new();
        let ended = tokio::time::timeout_at(deadline, stream.read_to_end(&mut sink)).await;
        assert!(
            ended.is_ok(),
            "connection {i} with unfinished headers was still open after 15 s"
        );
    }
    server.assert_alive("clients with unfinished headers").await;
}

on_both_backends!(slow_headers_are_dropped);
