//! The server as a separate OS process (for multi-node and kill -9 tests).

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `sr-under-test` process.
pub struct ServerProcess {
    pub base: String,
    child: Child,
}

impl ServerProcess {
    /// Starts `binary serve` on a free loopback port over `database_url` and waits until
    /// it answers `GET /`.
    ///
    /// # Panics
    /// When the process does not become ready within 60 s.
    pub async fn start(binary: &str, database_url: &str) -> Self {
        Self::start_with(binary, database_url, &[]).await
    }

    /// As [`ServerProcess::start`], with more arguments after `serve`'s own.
    ///
    /// # Panics
    /// When the process does not become ready within 60 s.
    pub async fn start_with(binary: &str, database_url: &str, extra: &[&str]) -> Self {
        // A port picked free can be taken by a concurrently starting server before this one
        // binds it: a process that exits before it is ready is started again on a new port.
        for _ in 0..3 {
            let port = free_port();
            let mut child = Command::new(binary)
                .args([
                    "serve",
                    "--listen",
                    &format!("127.0.0.1:{port}"),
                    "--database-url",
                    database_url,
                ])
                .args(extra)
                .env("SR_LOG", "warn")
                .stdout(Stdio::null())
                .stderr(Stdio::inherit())
                .spawn()
                .expect("spawn server process");
            let base = format!("http://127.0.0.1:{port}");
            if ready(&mut child, &base).await {
                return ServerProcess { base, child };
            }
        }
        panic!("server process exited before it was ready, three times");
    }

    /// The process id.
    #[must_use]
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGTERM, then the exit status (waiting at most `within`).
    ///
    /// # Panics
    /// When the signal cannot be sent or the process outlives `within`.
    pub async fn terminate(&mut self, within: Duration) -> std::process::ExitStatus {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        assert!(sent.is_ok_and(|s| s.success()), "kill -TERM failed");
        let deadline = Instant::now() + within;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "server did not exit after SIGTERM"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// SIGKILL: no shutdown, no flush.
    pub fn kill_9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill_9();
    }
}

/// A port free on loopback right now.
///
/// # Panics
/// When no port can be bound.
#[must_use]
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// `GET url` and its JSON body.
///
/// # Panics
/// When the server cannot be reached or answers something that is not JSON.
pub async fn get_json(client: &reqwest::Client, url: &str) -> serde_json::Value {
    client
        .get(url)
        .send()
        .await
        .expect("server reachable")
        .json()
        .await
        .expect("a JSON body")
}

/// `POST url` with a JSON body; the status and the JSON body.
///
/// # Panics
/// When the server cannot be reached or answers something that is not JSON.
pub async fn post_json(
    client: &reqwest::Client,
    url: &str,
    body: &serde_json::Value,
) -> (reqwest::StatusCode, serde_json::Value) {
    let response = client
        .post(url)
        .json(body)
        .send()
        .await
        .expect("server reachable");
    let status = response.status();
    (status, response.json().await.expect("a JSON body"))
}

/// Waits until the server at `base` answers `GET /`: `false` when the process ends first.
///
/// # Panics
/// When it is neither ready nor ended after 60 s.
async fn ready(child: &mut Child, base: &str) -> bool {
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            eprintln!("server process exited before it was ready ({status})");
            return false;
        }
        if client
            .get(format!("{base}/"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return true;
        }
        assert!(
            Instant::now() < deadline,
            "server process did not become ready"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
