//! A tansu broker (Kafka protocol, in memory) on a free loopback port, for the tests that
//! need a real Kafka: the client pipeline (`tests/kafka_pipeline.rs`) and the `_schemas`
//! topic import and follow tests (`tests/schemas_topic.rs`).
//!
//! The binary is `TANSU`, else `tansu` on `PATH`, else `~/.cargo/bin/tansu`
//! (`cargo install tansu --features dynostore --locked`).

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::process::free_port;

/// The tansu binary to run.
///
/// # Panics
/// When there is none.
#[must_use]
pub fn tansu_binary() -> PathBuf {
    if let Some(p) = std::env::var_os("TANSU").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("tansu"))
            .find(|p| p.is_file())
    });
    let home = std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo/bin/tansu"));
    on_path.or(home.filter(|p| p.is_file())).expect(
        "no tansu binary: `cargo install tansu --features dynostore --locked`, or set TANSU",
    )
}

/// A tansu broker in memory on a free loopback port, killed on drop.
pub struct Broker {
    child: Child,
    binary: PathBuf,
    /// `127.0.0.1:PORT`.
    pub bootstrap: String,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Broker {
    /// Starts tansu and waits until its port accepts connections; a start that fails (the
    /// free port taken in between, say) is retried on new ports, three attempts in all.
    ///
    /// # Panics
    /// When tansu does not start.
    #[must_use]
    pub fn start() -> Self {
        let mut failures = Vec::new();
        for _ in 0..3 {
            match Self::try_start() {
                Ok(broker) => return broker,
                Err(e) => failures.push(e),
            }
        }
        panic!("tansu did not start:\n{}", failures.join("\n"));
    }

    /// One attempt: at most 30 s.
    fn try_start() -> Result<Self, String> {
        let binary = tansu_binary();
        let dir = tempfile::tempdir().expect("temp dir");
        let log = dir.path().join("tansu.log");
        let port = free_port();
        let url = format!("tcp://127.0.0.1:{port}");
        let child = Command::new(&binary)
            .args(["broker", "--listener-url", &url])
            .args(["--advertised-listener-url", &url])
            .args(["--storage-engine", "memory://tansu/"])
            // tansu reads these and a `.env` of its working directory: start it clean
            .current_dir(dir.path())
            .env_remove("CLUSTER_ID")
            .env_remove("SCHEMA_REGISTRY")
            .env_remove("OTEL_EXPORTER_OTLP_ENDPOINT")
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&log).expect("log file"))
            .stderr(std::fs::File::create(dir.path().join("tansu.err")).expect("log file"))
            .spawn()
            .unwrap_or_else(|e| panic!("spawn {}: {e}", binary.display()));
        let mut broker = Broker {
            child,
            binary,
            bootstrap: format!("127.0.0.1:{port}"),
            log,
            _dir: dir,
        };
        let addr = broker.bootstrap.parse().expect("addr");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(Some(status)) = broker.child.try_wait() {
                return Err(format!(
                    "tansu exited at start ({status})\n{}",
                    broker.logs()
                ));
            }
            if std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                // still ours: a tansu that lost the port race exits instead of serving
                std::thread::sleep(Duration::from_millis(200));
                if let Ok(Some(status)) = broker.child.try_wait() {
                    return Err(format!(
                        "tansu exited at start ({status})\n{}",
                        broker.logs()
                    ));
                }
                return Ok(broker);
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "tansu did not listen within 30 s\n{}",
                    broker.logs()
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Creates a one-partition topic (a few attempts, each bounded).
    ///
    /// # Panics
    /// When tansu refuses every attempt.
    pub async fn create_topic(&self, name: &str) {
        let mut last = String::new();
        for _ in 0..5 {
            let mut cmd = tokio::process::Command::new(&self.binary);
            cmd.args(["topic", "create", name, "--partitions", "1"])
                .args(["--broker", &format!("tcp://{}", self.bootstrap)]);
            match output(cmd, Duration::from_secs(30)).await {
                Ok(out) if out.status.success() => return,
                Ok(out) => {
                    last = format!(
                        "{}\n{}",
                        String::from_utf8_lossy(&out.stdout),
                        String::from_utf8_lossy(&out.stderr)
                    );
                }
                Err(e) => last = e,
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        panic!("tansu topic create {name} failed: {last}\n{}", self.logs());
    }

    /// The tails of the broker's logs, for failure messages.
    #[must_use]
    pub fn logs(&self) -> String {
        let read = |p: PathBuf| std::fs::read_to_string(p).unwrap_or_default();
        let err = read(self.log.with_file_name("tansu.err"));
        let out = read(self.log.clone());
        let tail = |s: &str| {
            let lines: Vec<&str> = s.lines().collect();
            lines[lines.len().saturating_sub(40)..].join("\n")
        };
        format!(
            "--- tansu stdout (tail) ---\n{}\n--- tansu stderr (tail) ---\n{}",
            tail(&out),
            tail(&err)
        )
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `cmd` to completion within `limit` (killed when it takes longer).
///
/// # Errors
/// The command cannot be spawned or takes too long.
pub async fn output(
    mut cmd: tokio::process::Command,
    limit: Duration,
) -> Result<std::process::Output, String> {
    cmd.stdin(Stdio::null()).kill_on_drop(true);
    match tokio::time::timeout(limit, cmd.output()).await {
        Ok(Ok(out)) => Ok(out),
        Ok(Err(e)) => Err(format!("spawn {cmd:?}: {e}")),
        Err(_) => Err(format!("{cmd:?} did not finish within {limit:?}")),
    }
}
