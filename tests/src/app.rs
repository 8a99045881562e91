//! The in-process server under test and its HTTP client.

use std::net::SocketAddr;

use registry_server::config::{LogFormat, ServeArgs};
use reqwest::StatusCode;
use serde_json::Value;
use tokio::sync::oneshot;

/// Which storage a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A running server over a fresh database, and a client for it (plain HTTP; a test of an
/// HTTPS app brings a client that trusts its CA).
pub struct TestApp {
    pub base: String,
    pub addr: SocketAddr,
    pub backend: Backend,
    pub database_url: String,
    pub client: reqwest::Client,
    shutdown: Option<oneshot::Sender<()>>,
    _dir: Option<tempfile::TempDir>,
    pg_database: Option<String>,
}

/// Server settings for tests: everything default but the database.
#[must_use]
pub fn test_args(database_url: &str) -> ServeArgs {
    ServeArgs {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        database_url: database_url.to_owned(),
        database_max_connections: 8,
        default_compatibility: registry_server::domain::CompatibilityLevel::Backward,
        incompatible_error_code: 409,
        cpu_workers: 2,
        cache_bytes: registry_server::registry::DEFAULT_CACHE_BYTES,
        max_subject_bytes: registry_server::domain::MAX_SUBJECT_BYTES,
        max_body_bytes: 1024 * 1024,
        max_schema_bytes: 1024 * 1024,
        max_references: 1000,
        max_list_items: 10_000,
        request_timeout_secs: 30,
        max_connections: 1024,
        header_read_timeout_secs: 10,
        tls: registry_server::tls::TlsArgs::default(),
        log: "warn".to_owned(),
        log_format: LogFormat::Text,
        ui: true,
        auth: registry_server::auth::AuthArgs::default(),
        follow: registry_server::topic::follow::FollowArgs::default(),
    }
}

/// Starts the server on `127.0.0.1:0` over a fresh database of `backend`.
///
/// # Panics
/// When the database or the listener cannot be set up: the test fails.
pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

/// As [`spawn_app`], with adjusted settings.
///
/// # Panics
/// When the database or the listener cannot be set up: the test fails.
pub async fn spawn_app_with(backend: Backend, adjust: impl FnOnce(&mut ServeArgs)) -> TestApp {
    let (database_url, dir, pg_database) = match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite://{}", dir.path().join("registry.db").display());
            (url, Some(dir), None)
        }
        Backend::Postgres => {
            let (url, name) = crate::postgres::create_database().await;
            (url, None, Some(name))
        }
    };
    let mut args = test_args(&database_url);
    adjust(&mut args);
    // HTTPS when the adjustment names a certificate.
    let tls = registry_server::tls::Tls::load(&args.tls).expect("tls files load");
    let scheme = if tls.is_some() { "https" } else { "http" };
    let router = registry_server::server::build(&args)
        .await
        .expect("server builds");
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local addr");
    let (tx, rx) = oneshot::channel::<()>();
    let limits = args.connection_limits();
    tokio::spawn(async move {
        let shutdown = async {
            let _ = rx.await;
        };
        let served =
            registry_server::server::serve_with_tls(listener, router, limits, tls, shutdown).await;
        if let Err(error) = served {
            eprintln!("test server failed: {error}");
        }
    });
    TestApp {
        base: format!("{scheme}://{addr}"),
        addr,
        backend,
        database_url,
        client: reqwest::Client::new(),
        shutdown: Some(tx),
        _dir: dir,
        pg_database,
    }
}

/// A response: status and JSON body (`Value::Null` when the body is not JSON).
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: StatusCode,
    pub body: Value,
    pub text: String,
    pub content_type: Option<String>,
}

impl Answer {
    /// The `error_code` of an error body.
    #[must_use]
    pub fn error_code(&self) -> Option<i64> {
        self.body.get("error_code").and_then(Value::as_i64)
    }

    #[must_use]
    pub fn message(&self) -> &str {
        self.body
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// Asserts a Confluent error body with `code` and the HTTP status of its family.
    #[track_caller]
    pub fn assert_error(&self, code: i64) {
        assert_eq!(
            self.error_code(),
            Some(code),
            "expected error {code}, got {} {}",
            self.status,
            self.text
        );
        let family = if code >= 10_000 { code / 100 } else { code };
        assert_eq!(
            i64::from(self.status.as_u16()),
            family,
            "status of {}",
            self.text
        );
    }

    #[track_caller]
    pub fn assert_ok(&self) -> &Value {
        assert_eq!(
            self.status,
            StatusCode::OK,
            "expected 200, got {}",
            self.text
        );
        &self.body
    }
}

impl TestApp {
    /// Sends a request with an optional JSON body (Confluent's content type).
    ///
    /// # Panics
    /// When the server cannot be reached.
    pub async fn call(&self, method: reqwest::Method, path: &str, body: Option<&Value>) -> Answer {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(body) = body {
            request = request
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .body(body.to_string());
        }
        let response = request.send().await.expect("server reachable");
        Self::answer(response).await
    }

    /// Reads a response into an [`Answer`].
    ///
    /// # Panics
    /// When the body cannot be read.
    pub async fn answer(response: reqwest::Response) -> Answer {
        let status = response.status();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let text = response.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Answer {
            status,
            body,
            text,
            content_type,
        }
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.call(reqwest::Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Answer {
        self.call(reqwest::Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: &Value) -> Answer {
        self.call(reqwest::Method::PUT, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        self.call(reqwest::Method::DELETE, path, None).await
    }

    /// Registers an Avro schema text under `subject`; answers the response.
    pub async fn register(&self, subject: &str, schema: &str) -> Answer {
        self.post(
            &format!("/subjects/{subject}/versions"),
            &serde_json::json!({ "schema": schema }),
        )
        .await
    }

    /// Registers and answers the id, asserting success.
    ///
    /// # Panics
    /// When the registration is refused.
    pub async fn register_id(&self, subject: &str, schema: &str) -> i64 {
        let answer = self.register(subject, schema).await;
        answer.assert_ok()["id"]
            .as_i64()
            .expect("id in register response")
    }

    /// Stops the server and forgets its database.
    pub fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.stop();
        if let Some(name) = self.pg_database.take() {
            crate::postgres::drop_database_detached(name);
        }
    }
}

/// A record schema with the given fields (name, Avro type JSON), as compact JSON text.
#[must_use]
pub fn record(name: &str, fields: &[(&str, &str)]) -> String {
    let fields: Vec<String> = fields
        .iter()
        .map(|(n, t)| format!(r#"{{"name":"{n}","type":{t}}}"#))
        .collect();
    format!(
        r#"{{"type":"record","name":"{name}","fields":[{}]}}"#,
        fields.join(",")
    )
}
