//! [`HttpClient`]: the registry's REST API over reqwest, with timeouts, bounded retries with
//! backoff, basic or bearer auth, TLS client options and failover across several base URLs.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use reqwest::{Method, StatusCode, header};

use super::tls::ClientIdentity;
use super::{RegistryClient, encode_path_segment};
use crate::error::{Error, Result};
use crate::schema::{RegisteredSchema, Schema, SchemaResponse};
use crate::wire::{SchemaGuid, SchemaId};

/// Confluent's media type, sent as both `Content-Type` and `Accept`.
pub const CONTENT_TYPE: &str = "application/vnd.schemaregistry.v1+json";

/// Credentials sent with every request.
#[derive(Clone)]
pub enum Auth {
    /// `Authorization: Basic base64(user:password)` (Confluent's `basic.auth.user.info`)
    Basic {
        /// user name or API key
        username: String,
        /// password or API secret
        password: String,
    },
    /// `Authorization: Bearer <token>`
    Bearer(String),
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // never print secrets
        match self {
            Auth::Basic { username, .. } => write!(f, "Basic({username}, ***)"),
            Auth::Bearer(_) => f.write_str("Bearer(***)"),
        }
    }
}

/// Settings of an [`HttpClient`]; defaults follow Confluent's client where sensible.
#[derive(Debug, Clone)]
pub struct HttpClientConfig {
    /// base URLs, tried in turn when one cannot be reached (`schema.registry.url` comma list)
    pub urls: Vec<String>,
    /// whole-request timeout
    pub timeout: Duration,
    /// TCP connect timeout
    pub connect_timeout: Duration,
    /// retries after the first attempt (Confluent: `max.retries` 3)
    pub max_retries: u32,
    /// first backoff; doubled per retry (Confluent: `retries.wait.ms`)
    pub retry_backoff: Duration,
    /// backoff ceiling (Confluent: `retries.max.wait.ms`)
    pub max_backoff: Duration,
    /// credentials
    pub auth: Option<Auth>,
    /// largest response body accepted (a misbehaving registry cannot make us buffer more)
    pub max_response_bytes: usize,
    /// CA certificates (PEM bundle) trusted besides the system's, e.g. a registry's private
    /// CA; needs the `native-tls` or `rustls` feature
    pub ca_certs_pem: Option<Vec<u8>>,
    /// client certificate presented for mutual TLS; needs the `native-tls` or `rustls` feature
    pub client_identity: Option<ClientIdentity>,
}

impl HttpClientConfig {
    /// One or more base URLs, e.g. `"http://sr1:8081,http://sr2:8081"` or a single URL.
    pub fn new(urls: &str) -> Self {
        Self {
            urls: urls
                .split(',')
                .map(|u| u.trim().trim_end_matches('/').to_owned())
                .filter(|u| !u.is_empty())
                .collect(),
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            max_retries: 3,
            retry_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            auth: None,
            max_response_bytes: 16 << 20,
            ca_certs_pem: None,
            client_identity: None,
        }
    }

    /// Basic auth.
    pub fn basic_auth(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.auth = Some(Auth::Basic {
            username: username.into(),
            password: password.into(),
        });
        self
    }

    /// Bearer auth.
    pub fn bearer_auth(mut self, token: impl Into<String>) -> Self {
        self.auth = Some(Auth::Bearer(token.into()));
        self
    }

    /// Trusts the CA certificates of `pem` (a PEM bundle) besides the system's roots.
    pub fn ca_certs_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.ca_certs_pem = Some(pem.into());
        self
    }

    /// Presents a client certificate (PEM chain, leaf first) and its private key (PEM
    /// PKCS#8 with the `native-tls` feature) to registries that ask for one.
    pub fn client_cert_pem(mut self, cert: impl Into<Vec<u8>>, key: impl Into<Vec<u8>>) -> Self {
        self.client_identity = Some(ClientIdentity {
            cert_pem: cert.into(),
            key_pem: key.into(),
        });
        self
    }

    /// Request timeout.
    pub fn timeout(mut self, t: Duration) -> Self {
        self.timeout = t;
        self
    }

    /// Retry count and first backoff.
    pub fn retries(mut self, max_retries: u32, backoff: Duration) -> Self {
        self.max_retries = max_retries;
        self.retry_backoff = backoff;
        self
    }
}

/// The REST client. Cheap to clone; wrap it in [`super::CachedClient`] for producers and consumers.
#[derive(Clone)]
pub struct HttpClient {
    http: reqwest::Client,
    config: Arc<HttpClientConfig>,
    /// index of the URL that answered last, so failover sticks
    current: Arc<AtomicUsize>,
}

#[derive(serde::Deserialize)]
struct ErrorBody {
    error_code: Option<i32>,
    message: Option<String>,
}

fn retryable(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)
}

impl HttpClient {
    /// A client for `urls` (comma-separated) with default settings.
    pub fn new(urls: &str) -> Result<Self> {
        Self::with_config(HttpClientConfig::new(urls))
    }

    /// A client with explicit settings.
    pub fn with_config(config: HttpClientConfig) -> Result<Self> {
        if config.urls.is_empty() {
            return Err(Error::Config("no schema registry URL given".into()));
        }
        let builder = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout);
        let http = super::tls::configure(
            builder,
            config.ca_certs_pem.as_deref(),
            config.client_identity.as_ref(),
        )?
        .build()
        .map_err(|e| Error::Config(format!("cannot build http client: {e}")))?;
        Ok(Self {
            http,
            config: Arc::new(config),
            current: Arc::new(AtomicUsize::new(0)),
        })
    }

    /// The configured base URLs.
    pub fn urls(&self) -> &[String] {
        &self.config.urls
    }

    /// Sends one logical request: every URL is tried (starting with the last one that answered),
    /// and the whole round is retried with exponential backoff on 408/429/5xx and connection errors.
    async fn call(&self, method: Method, path: &str, body: Option<Vec<u8>>) -> Result<Vec<u8>> {
        let urls = &self.config.urls;
        let mut backoff = self.config.retry_backoff;
        let mut last_err = Error::Transport("no attempt made".into());
        for attempt in 0..=self.config.max_retries {
            if attempt > 0 {
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(self.config.max_backoff);
            }
            let start = self.current.load(Ordering::Relaxed);
            for i in 0..urls.len() {
                let idx = (start + i) % urls.len();
                let url = format!("{}{path}", urls[idx]);
                let mut req = self
                    .http
                    .request(method.clone(), &url)
                    .header(header::ACCEPT, CONTENT_TYPE);
                if let Some(b) = &body {
                    req = req
                        .header(header::CONTENT_TYPE, CONTENT_TYPE)
                        .body(b.clone());
                }
                req = match &self.config.auth {
                    Some(Auth::Basic { username, password }) => {
                        req.basic_auth(username, Some(password))
                    }
                    Some(Auth::Bearer(t)) => req.bearer_auth(t),
                    None => req,
                };
                let resp = match req.send().await {
                    Ok(r) => r,
                    Err(e) => {
                        // unreachable or timed out: fail over to the next URL
                        last_err = Error::Transport(format!("{url}: {e}"));
                        continue;
                    }
                };
                let status = resp.status();
                let bytes = match read_body(resp, self.config.max_response_bytes).await {
                    Ok(b) => b,
                    Err(e) => {
                        last_err = Error::Transport(format!("{url}: reading body: {e}"));
                        continue;
                    }
                };
                self.current.store(idx, Ordering::Relaxed);
                if status.is_success() {
                    return Ok(bytes);
                }
                let err = registry_error(status, &bytes);
                if !retryable(status) {
                    return Err(err);
                }
                last_err = err;
            }
        }
        Err(last_err)
    }

    async fn get_schema(
        &self,
        path: &str,
        fallback: Option<&Schema>,
    ) -> Result<Arc<RegisteredSchema>> {
        let body = self.call(Method::GET, path, None).await?;
        parse_schema(&body, fallback)
    }

    async fn post_schema(&self, path: &str, schema: &Schema) -> Result<Arc<RegisteredSchema>> {
        let req = serde_json::to_vec(schema).map_err(|e| Error::Serialize(e.to_string()))?;
        let body = self.call(Method::POST, path, Some(req)).await?;
        parse_schema(&body, Some(schema))
    }
}

/// Reads a response body, refusing more than `limit` bytes.
async fn read_body(
    mut resp: reqwest::Response,
    limit: usize,
) -> std::result::Result<Vec<u8>, String> {
    if resp.content_length().is_some_and(|n| n > limit as u64) {
        return Err(format!("response larger than {limit} bytes"));
    }
    let mut out = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|e| e.to_string())? {
        if out.len() + chunk.len() > limit {
            return Err(format!("response larger than {limit} bytes"));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

fn parse_schema(body: &[u8], fallback: Option<&Schema>) -> Result<Arc<RegisteredSchema>> {
    let r: SchemaResponse = serde_json::from_slice(body)
        .map_err(|e| Error::Transport(format!("unexpected registry answer: {e}")))?;
    Ok(Arc::new(r.into_registered(fallback)))
}

fn registry_error(status: StatusCode, body: &[u8]) -> Error {
    match serde_json::from_slice::<ErrorBody>(body) {
        Ok(ErrorBody {
            error_code,
            message,
        }) => Error::Registry {
            status: status.as_u16(),
            error_code,
            message: message.unwrap_or_else(|| status.to_string()),
        },
        Err(_) => {
            let text = String::from_utf8_lossy(body);
            let text: String = text.chars().take(512).collect();
            Error::Registry {
                status: status.as_u16(),
                error_code: None,
                message: if text.is_empty() {
                    status.to_string()
                } else {
                    text
                },
            }
        }
    }
}

#[async_trait]
impl RegistryClient for HttpClient {
    async fn schema_by_id(&self, id: SchemaId) -> Result<Arc<RegisteredSchema>> {
        self.get_schema(&format!("/schemas/ids/{id}"), None).await
    }

    async fn schema_by_guid(&self, guid: SchemaGuid) -> Result<Arc<RegisteredSchema>> {
        let mut e = self
            .get_schema(&format!("/schemas/guids/{guid}"), None)
            .await?;
        if e.guid.is_none() {
            Arc::make_mut(&mut e).guid = Some(guid);
        }
        Ok(e)
    }

    async fn register(
        &self,
        subject: &str,
        schema: &Schema,
        normalize: bool,
    ) -> Result<Arc<RegisteredSchema>> {
        let path = format!(
            "/subjects/{}/versions?normalize={normalize}",
            encode_path_segment(subject)
        );
        let mut e = self.post_schema(&path, schema).await?;
        if e.subject.is_none() {
            Arc::make_mut(&mut e).subject = Some(subject.to_owned());
        }
        Ok(e)
    }

    async fn lookup(
        &self,
        subject: &str,
        schema: &Schema,
        normalize: bool,
    ) -> Result<Arc<RegisteredSchema>> {
        let path = format!(
            "/subjects/{}?normalize={normalize}",
            encode_path_segment(subject)
        );
        self.post_schema(&path, schema).await
    }

    async fn latest_version(&self, subject: &str) -> Result<Arc<RegisteredSchema>> {
        self.get_schema(
            &format!("/subjects/{}/versions/latest", encode_path_segment(subject)),
            None,
        )
        .await
    }

    async fn version(&self, subject: &str, version: i32) -> Result<Arc<RegisteredSchema>> {
        self.get_schema(&version_path(subject, version), None).await
    }

    async fn test_compatibility(
        &self,
        subject: &str,
        schema: &Schema,
    ) -> Result<super::CompatibilityReport> {
        let path = format!(
            "/compatibility/subjects/{}/versions/latest?verbose=true",
            encode_path_segment(subject)
        );
        let req = serde_json::to_vec(schema).map_err(|e| Error::Serialize(e.to_string()))?;
        let body = self.call(Method::POST, &path, Some(req)).await?;
        serde_json::from_slice(&body)
            .map_err(|e| Error::Transport(format!("unexpected registry answer: {e}")))
    }

    async fn latest_with_metadata(
        &self,
        subject: &str,
        properties: &std::collections::BTreeMap<String, String>,
    ) -> Result<Arc<RegisteredSchema>> {
        let mut path = format!(
            "/subjects/{}/metadata?deleted=true",
            encode_path_segment(subject)
        );
        for (k, v) in properties {
            path.push_str(&format!(
                "&key={}&value={}",
                encode_path_segment(k),
                encode_path_segment(v)
            ));
        }
        let mut e = self.get_schema(&path, None).await?;
        if e.subject.is_none() {
            Arc::make_mut(&mut e).subject = Some(subject.to_owned());
        }
        Ok(e)
    }

    async fn schema_by_id_formatted(
        &self,
        id: SchemaId,
        format: &str,
    ) -> Result<Arc<RegisteredSchema>> {
        let path = format!("/schemas/ids/{id}{}", format_query(format));
        self.get_schema(&path, None).await
    }

    async fn schema_by_guid_formatted(
        &self,
        guid: SchemaGuid,
        format: &str,
    ) -> Result<Arc<RegisteredSchema>> {
        let path = format!("/schemas/guids/{guid}{}", format_query(format));
        let mut e = self.get_schema(&path, None).await?;
        if e.guid.is_none() {
            Arc::make_mut(&mut e).guid = Some(guid);
        }
        Ok(e)
    }

    async fn version_formatted(
        &self,
        subject: &str,
        version: i32,
        format: &str,
    ) -> Result<Arc<RegisteredSchema>> {
        let path = format!("{}{}", version_path(subject, version), format_query(format));
        self.get_schema(&path, None).await
    }
}

fn version_path(subject: &str, version: i32) -> String {
    let v = if version < 1 {
        "latest".to_owned()
    } else {
        version.to_string()
    };
    format!("/subjects/{}/versions/{v}", encode_path_segment(subject))
}

/// `?format=…`, or nothing for the default form.
fn format_query(format: &str) -> String {
    if format.is_empty() {
        String::new()
    } else {
        format!("?format={}", encode_path_segment(format))
    }
}
