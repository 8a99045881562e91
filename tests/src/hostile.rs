//! Hostile-input harness: the server as a separate process with explicit flags (a stack
//! overflow or abort is then an observable exit, not a dead test binary), bounded requests,
//! and generators for the hostile schemas shared by `tests/tests/hostile` and `bench-hostile`.

use std::fmt::Write as _;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::app::Backend;

/// How long any single hostile request may take before the test calls it a hang.
pub const ANSWER_WITHIN: Duration = Duration::from_secs(30);

/// Confluent's media type for request bodies.
pub const SR_JSON: &str = "application/vnd.schemaregistry.v1+json";

/// A server process over a fresh database, started with the flags a test names.
pub struct HostileServer {
    pub base: String,
    pub port: u16,
    pub client: reqwest::Client,
    child: Child,
    _dir: Option<tempfile::TempDir>,
    pg_database: Option<String>,
}

/// One answer: status, raw body and the body as JSON (`Value::Null` when it is not JSON).
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: StatusCode,
    pub text: String,
    pub body: Value,
    pub elapsed: Duration,
}

impl Reply {
    /// True when the body is `{"error_code": int, "message": string}`.
    #[must_use]
    pub fn is_confluent_error(&self) -> bool {
        self.body.get("error_code").is_some_and(Value::is_i64)
            && self.body.get("message").is_some_and(Value::is_string)
    }

    /// A short description for assertion messages (the body cut to 300 characters).
    #[must_use]
    pub fn describe(&self) -> String {
        let text: String = self.text.chars().take(300).collect();
        format!("{} after {:?}: {text}", self.status, self.elapsed)
    }
}

impl HostileServer {
    /// Starts `binary serve` on a free loopback port over a fresh database of `backend`, with
    /// `flags` added to the command line, and waits until `/health/live` answers.
    ///
    /// # Panics
    /// When the process exits before it is ready (an unknown flag, say) or is not ready in 60 s.
    pub async fn start(binary: &str, backend: Backend, flags: &[&str]) -> Self {
        let (database_url, dir, pg_database) = match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("hostile.db").display());
                (url, Some(dir), None)
            }
            Backend::Postgres => {
                let (url, name) = crate::postgres::create_database().await;
                (url, None, Some(name))
            }
        };
        // A port picked free can be taken by a concurrently starting server before this one
        // binds it: a process that exits before it is ready is started again on a new port.
        let mut attempts = 0;
        let (port, child) = loop {
            attempts += 1;
            let port = crate::process::free_port();
            let mut child = spawn_server(binary, port, &database_url, flags);
            match wait_until_live(&mut child, port).await {
                Ok(()) => break (port, child),
                Err(status) if attempts < 3 => {
                    eprintln!(
                        "server on port {port} exited before it was ready ({status}); retrying"
                    );
                }
                Err(status) => panic!(
                    "server `serve {}` exited before it was ready: {status}",
                    flags.join(" ")
                ),
            }
        };
        Self {
            base: format!("http://127.0.0.1:{port}"),
            port,
            client: reqwest::Client::builder()
                .timeout(ANSWER_WITHIN)
                .build()
                .expect("http client"),
            child,
            _dir: dir,
            pg_database,
        }
    }

    /// The exit status when the process has ended.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// Sends `request` and reads the whole answer, all within [`ANSWER_WITHIN`].
    ///
    /// # Panics
    /// When there is no complete answer in time, or the connection fails (the server died).
    pub async fn send(&mut self, what: &str, request: reqwest::RequestBuilder) -> Reply {
        let started = Instant::now();
        let outcome = tokio::time::timeout(ANSWER_WITHIN, async {
            let response = request.send().await?;
            let status = response.status();
            let text = response.text().await?;
            Ok::<_, reqwest::Error>((status, text))
        })
        .await;
        let elapsed = started.elapsed();
        match outcome {
            Ok(Ok((status, text))) => Reply {
                status,
                body: serde_json::from_str(&text).unwrap_or(Value::Null),
                text,
                elapsed,
            },
            Ok(Err(error)) => {
                // Give a dying process a moment to be reaped, so the message says why.
                tokio::time::sleep(Duration::from_millis(200)).await;
                match self.exited() {
                    Some(status) => panic!("{what}: the server process died ({status}): {error}"),
                    None => panic!("{what}: no answer after {elapsed:?}: {error}"),
                }
            }
            Err(_) => {
                panic!("{what}: no answer within {ANSWER_WITHIN:?} (a hang or CPU starvation)")
            }
        }
    }

    /// A request builder for `method path` on this server.
    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.client.request(method, format!("{}{path}", self.base))
    }

    /// `method path` with a JSON body in Confluent's media type.
    pub async fn json(&mut self, method: Method, path: &str, body: &Value) -> Reply {
        let request = self
            .request(method.clone(), path)
            .header("Content-Type", SR_JSON)
            .body(body.to_string());
        self.send(&format!("{method} {}", cut(path)), request).await
    }

    /// `GET path`.
    pub async fn get(&mut self, path: &str) -> Reply {
        let request = self.request(Method::GET, path);
        self.send(&format!("GET {}", cut(path)), request).await
    }

    /// Asserts the process is running and answers `/health/live` and `/schemas/types` with 200.
    ///
    /// # Panics
    /// When it does not (the assertion this whole suite is about).
    pub async fn assert_alive(&mut self, after: &str) {
        if let Some(status) = self.exited() {
            panic!("after {after}: the server process exited ({status})");
        }
        for path in ["/health/live", "/schemas/types"] {
            let reply = self.get(path).await;
            assert_eq!(
                reply.status,
                StatusCode::OK,
                "after {after}: GET {path} answered {}",
                reply.describe()
            );
        }
    }
}

impl Drop for HostileServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(name) = self.pg_database.take() {
            crate::postgres::drop_database_detached(name);
        }
    }
}

/// Asserts `reply` is not a server error, and that a refusal has Confluent's error shape.
///
/// # Panics
/// On a 5xx, or on a 4xx whose body is not `{"error_code": int, "message": string}`.
#[track_caller]
pub fn assert_handled(what: &str, reply: &Reply) {
    assert!(
        !reply.status.is_server_error(),
        "{what}: server error {}",
        reply.describe()
    );
    if reply.status.is_client_error() {
        assert!(
            reply.is_confluent_error(),
            "{what}: refusal without a Confluent error body: {}",
            reply.describe()
        );
    }
}

/// Asserts `reply` is a 4xx with a Confluent error body.
///
/// # Panics
/// Otherwise.
#[track_caller]
pub fn assert_refused(what: &str, reply: &Reply) {
    assert!(
        reply.status.is_client_error() && reply.is_confluent_error(),
        "{what}: expected a 4xx with a Confluent error body, got {}",
        reply.describe()
    );
}

/// `path` cut to 120 characters for messages.
#[must_use]
pub fn cut(path: &str) -> String {
    if path.len() <= 120 {
        return path.to_owned();
    }
    let mut end = 120;
    while !path.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…({} bytes)", &path[..end], path.len())
}

/// A small deterministic generator (xorshift64*), so every run sends the same "random" input.
pub struct Rng(u64);

impl Rng {
    #[must_use]
    pub fn new(seed: u64) -> Self {
        Self(seed | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next_u64() % n as u64).unwrap_or(0)
    }
}

/// `len` characters that are valid in a subject name (letters, digits, `-_.`, a few non-ASCII
/// letters): the only thing wrong with a subject made of them is its length.
#[must_use]
pub fn random_subject(rng: &mut Rng, len: usize) -> String {
    const ALPHABET: &[char] = &[
        'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r',
        's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'A', 'Q', 'Z', '0', '1', '7', '9', '-', '_', '.',
        'é', 'ß', 'ж', 'λ', '中', '語',
    ];
    (0..len)
        .map(|_| ALPHABET[rng.below(ALPHABET.len())])
        .collect()
}

/// Percent-encodes everything but unreserved ASCII, for a path segment.
#[must_use]
pub fn encode_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// JSON Schema whose root `$ref`s `d0`, `d0` refs `d1`, …, `d{depth-1}` refs `d{depth}`, a string.
#[must_use]
pub fn json_ref_chain(depth: usize, leaf_type: &str) -> String {
    let mut out = String::from(r##"{"$ref":"#/definitions/d0","definitions":{"##);
    for i in 0..depth {
        let _ = write!(out, r##""d{i}":{{"$ref":"#/definitions/d{}"}},"##, i + 1);
    }
    let _ = write!(out, r#""d{depth}":{{"type":"{leaf_type}"}}}}}}"#);
    out
}

/// `{"items":{"items":…{}…}}` nested `depth` deep.
#[must_use]
pub fn json_items_nesting(depth: usize) -> String {
    let mut out = String::with_capacity(depth * 11 + 2);
    for _ in 0..depth {
        out.push_str(r#"{"items":"#);
    }
    out.push_str("{}");
    for _ in 0..depth {
        out.push('}');
    }
    out
}

/// `oneOf` of `branches` closed objects, branch `i` requiring property `p{i}` of `prop_type`.
#[must_use]
pub fn json_one_of(branches: usize, prop_type: &str) -> String {
    let mut out = String::from(r#"{"oneOf":["#);
    for i in 0..branches {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(
            out,
            r#"{{"type":"object","properties":{{"p{i}":{{"type":"{prop_type}"}},"q":{{"type":"string"}}}},"required":["p{i}"],"additionalProperties":false}}"#
        );
    }
    out.push_str("]}");
    out
}

/// The shape of a deeply nested Avro schema.
#[derive(Debug, Clone, Copy)]
pub enum AvroNesting {
    /// A record whose one field is the next record.
    Records,
    /// An array of arrays of ….
    Arrays,
    /// A union of null and an array of a union of null and ….
    Unions,
    /// A map of maps of ….
    Maps,
}

/// An Avro schema nested `depth` levels deep around a `long`.
#[must_use]
pub fn avro_nested(shape: AvroNesting, depth: usize) -> String {
    let mut open = String::new();
    let mut close = String::new();
    for i in 0..depth {
        match shape {
            AvroNesting::Records => {
                let _ = write!(
                    open,
                    r#"{{"type":"record","name":"R{i}","fields":[{{"name":"f","type":"#
                );
                close.push_str("}]}");
            }
            AvroNesting::Arrays => {
                open.push_str(r#"{"type":"array","items":"#);
                close.push('}');
            }
            AvroNesting::Unions => {
                open.push_str(r#"["null",{"type":"array","items":"#);
                close.push_str("}]");
            }
            AvroNesting::Maps => {
                open.push_str(r#"{"type":"map","values":"#);
                close.push('}');
            }
        }
    }
    let mut text = open;
    text.push_str(r#""long""#);
    // Every level closes with the same piece, so their order does not matter.
    text.push_str(&close);
    text
}

/// `count` references, each to version 1 of `subject` under its own name.
#[must_use]
pub fn many_references(count: usize, subject: &str) -> Value {
    Value::Array(
        (0..count)
            .map(|i| serde_json::json!({"name": format!("ref{i}.json"), "subject": subject, "version": 1}))
            .collect(),
    )
}

/// `depth` nested JSON arrays, `[[[…]]]`.
#[must_use]
pub fn nested_arrays(depth: usize) -> String {
    let mut out = String::with_capacity(depth * 2);
    out.push_str(&"[".repeat(depth));
    out.push_str(&"]".repeat(depth));
    out
}

/// Starts `binary serve` on `port` over `database_url` with `flags`.
fn spawn_server(binary: &str, port: u16, database_url: &str, flags: &[&str]) -> Child {
    let listen = format!("127.0.0.1:{port}");
    let mut args = vec!["serve", "--listen", &listen, "--database-url", database_url];
    args.extend_from_slice(flags);
    Command::new(binary)
        .args(&args)
        .env("SR_LOG", "error")
        .env("RUST_BACKTRACE", "0")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn server process")
}

/// Waits until the server on `port` answers `/health/live`; the exit status if it ends first.
///
/// # Panics
/// When it is neither live nor ended after 60 s.
async fn wait_until_live(child: &mut Child, port: u16) -> Result<(), ExitStatus> {
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(status);
        }
        let live = client
            .get(format!("http://127.0.0.1:{port}/health/live"))
            .timeout(Duration::from_secs(2))
            .send()
            .await;
        if live.is_ok_and(|r| r.status().is_success()) {
            return Ok(());
        }
        assert!(
            Instant::now() < deadline,
            "server process did not become ready"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
