//! A small REST client for any Confluent-compatible registry, used by the CI gate commands.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// Where the registry is and how to authenticate, shared by every command that talks to one.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ConnectionArgs {
    /// Registry base URL, e.g. `http://localhost:8081`.
    #[arg(long, env = "SCHEMA_REGISTRY_URL")]
    pub url: Option<String>,
    /// Basic-auth user.
    #[arg(long, env = "SCHEMA_REGISTRY_USER")]
    pub user: Option<String>,
    /// Basic-auth password.
    #[arg(long, env = "SCHEMA_REGISTRY_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
    /// Bearer token (instead of basic auth).
    #[arg(long, env = "SCHEMA_REGISTRY_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// CA certificates (PEM) trusted for an https URL besides the system's, e.g. a
    /// registry's private CA.
    #[arg(long, env = "SCHEMA_REGISTRY_CA_CERT")]
    pub ca_cert: Option<PathBuf>,
    /// Client certificate chain (PEM) presented to a registry that asks for one (mutual
    /// TLS); needs --client-key.
    #[arg(long, env = "SCHEMA_REGISTRY_CLIENT_CERT", requires = "client_key")]
    pub client_cert: Option<PathBuf>,
    /// Private key of --client-cert, PEM PKCS#8 (`BEGIN PRIVATE KEY`); convert an RSA or EC
    /// key with `openssl pkcs8 -topk8 -nocrypt -in key.pem -out key.p8.pem`.
    #[arg(long, env = "SCHEMA_REGISTRY_CLIENT_KEY", requires = "client_cert")]
    pub client_key: Option<PathBuf>,
    /// Seconds to wait for each request.
    #[arg(long, default_value_t = 30)]
    pub timeout_secs: u64,
}

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The registry could not be reached or did not answer.
    #[error("registry unreachable at {url}: {reason}")]
    Network { url: String, reason: String },
    /// The registry answered an error body (or a non-JSON error).
    #[error("{method} {url} answered {status}: {message}")]
    Api {
        method: Method,
        url: String,
        status: StatusCode,
        code: Option<i64>,
        message: String,
    },
    /// A success whose body is not the JSON expected.
    #[error("{url} answered an unreadable body: {reason}")]
    Body { url: String, reason: String },
}

impl ClientError {
    /// The Confluent `error_code` of an API error.
    #[must_use]
    pub fn code(&self) -> Option<i64> {
        match self {
            ClientError::Api { code, .. } => *code,
            _ => None,
        }
    }
}

/// A connection to one registry.
#[derive(Debug, Clone)]
pub struct RegistryClient {
    base: String,
    http: reqwest::Client,
    auth: Auth,
}

#[derive(Debug, Clone)]
enum Auth {
    None,
    Basic(String, Option<String>),
    Bearer(String),
}

const MEDIA_TYPE: &str = "application/vnd.schemaregistry.v1+json";

impl RegistryClient {
    /// A client for `args.url`.
    ///
    /// # Errors
    /// When no URL is given or it is not an `http://` or `https://` URL, or a CA or client
    /// certificate file cannot be read.
    pub fn new(args: &ConnectionArgs) -> anyhow::Result<Self> {
        let Some(url) = args.url.as_deref().map(str::trim).filter(|u| !u.is_empty()) else {
            anyhow::bail!("no registry URL: pass --url or set SCHEMA_REGISTRY_URL");
        };
        let base = url.trim_end_matches('/').to_owned();
        if !base.starts_with("http://") && !base.starts_with("https://") {
            anyhow::bail!("registry URL {base} must start with http:// or https://");
        }
        let builder =
            reqwest::Client::builder().timeout(Duration::from_secs(args.timeout_secs.max(1)));
        let http = with_tls(builder, args)?
            .build()
            .map_err(|e| anyhow::anyhow!("building the HTTP client: {e}"))?;
        let auth = match (&args.token, &args.user) {
            (Some(token), _) => Auth::Bearer(token.clone()),
            (None, Some(user)) => Auth::Basic(user.clone(), args.password.clone()),
            (None, None) => Auth::None,
        };
        Ok(RegistryClient { base, http, auth })
    }

    #[must_use]
    pub fn base(&self) -> &str {
        &self.base
    }

    pub async fn get(&self, path: &str) -> Result<Value, ClientError> {
        self.send(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Result<Value, ClientError> {
        self.send(Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: &Value) -> Result<Value, ClientError> {
        self.send(Method::PUT, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Result<Value, ClientError> {
        self.send(Method::DELETE, path, None).await
    }

    /// `GET path`, answering `None` for a 404 carrying one of `absent_codes`.
    pub async fn get_optional(
        &self,
        path: &str,
        absent_codes: &[i64],
    ) -> Result<Option<Value>, ClientError> {
        match self.get(path).await {
            Ok(value) => Ok(Some(value)),
            Err(error) if error.code().is_some_and(|c| absent_codes.contains(&c)) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// `GET path`, answering `None` for any 404: settings a registry may not serve at all
    /// (modes, subject configs) or not have for this subject.
    pub async fn get_setting(&self, path: &str) -> Result<Option<Value>, ClientError> {
        match self.get(path).await {
            Ok(value) => Ok(Some(value)),
            Err(ClientError::Api { status, .. }) if status == StatusCode::NOT_FOUND => Ok(None),
            Err(error) => Err(error),
        }
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, ClientError> {
        let url = format!("{}{path}", self.base);
        let mut request = self
            .http
            .request(method.clone(), &url)
            .header("Accept", MEDIA_TYPE);
        request = match &self.auth {
            Auth::None => request,
            Auth::Basic(user, password) => request.basic_auth(user, password.as_deref()),
            Auth::Bearer(token) => request.bearer_auth(token),
        };
        if let Some(body) = body {
            request = request
                .header("Content-Type", MEDIA_TYPE)
                .body(body.to_string());
        }
        let response = request.send().await.map_err(|e| ClientError::Network {
            url: self.base.clone(),
            reason: error_chain(&e),
        })?;
        let status = response.status();
        let text = response.text().await.map_err(|e| ClientError::Network {
            url: self.base.clone(),
            reason: error_chain(&e),
        })?;
        let parsed: Result<Value, _> = serde_json::from_str(&text);
        if status.is_success() {
            return parsed.map_err(|e| ClientError::Body {
                url,
                reason: format!(
                    "{e}; it begins {:?} (is this a schema registry URL?)",
                    first_line(&text)
                ),
            });
        }
        let body = parsed.unwrap_or(Value::Null);
        let code = body.get("error_code").and_then(Value::as_i64);
        let message = body
            .get("message")
            .and_then(Value::as_str)
            .map_or_else(|| first_line(&text), str::to_owned);
        Err(ClientError::Api {
            method,
            url,
            status,
            code,
            message,
        })
    }
}

/// `builder` trusting `--ca-cert` and presenting `--client-cert`/`--client-key`.
fn with_tls(
    mut builder: reqwest::ClientBuilder,
    args: &ConnectionArgs,
) -> anyhow::Result<reqwest::ClientBuilder> {
    let read =
        |path: &PathBuf| std::fs::read(path).with_context(|| format!("reading {}", path.display()));
    if args.ca_cert.is_some() || args.client_cert.is_some() {
        // The identity below is native-tls's; pinned in case features bring rustls in too.
        builder = builder.tls_backend_native();
    }
    if let Some(path) = &args.ca_cert {
        let certs = reqwest::Certificate::from_pem_bundle(&read(path)?)
            .with_context(|| format!("CA certificates in {}", path.display()))?;
        if certs.is_empty() {
            anyhow::bail!("no PEM certificate in {}", path.display());
        }
        builder = builder.tls_certs_merge(certs);
    }
    match (&args.client_cert, &args.client_key) {
        (Some(cert), Some(key)) => {
            let identity = reqwest::Identity::from_pkcs8_pem(&read(cert)?, &read(key)?)
                .with_context(|| {
                    format!(
                        "client certificate {} with key {} (the key must be PEM PKCS#8)",
                        cert.display(),
                        key.display()
                    )
                })?;
            builder = builder.identity(identity);
        }
        (None, None) => {}
        _ => anyhow::bail!("--client-cert and --client-key go together"),
    }
    Ok(builder)
}

/// A reqwest error with its sources, on one line.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = cause.source();
    }
    out
}

fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default().trim();
    if line.is_empty() {
        "(empty body)".to_owned()
    } else {
        line.chars().take(200).collect()
    }
}

/// Percent-encodes one path segment (a subject name may hold `/`, spaces, non-ASCII).
#[must_use]
pub fn segment(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for byte in raw.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b':') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::segment;

    #[test]
    fn encodes_reserved_characters() {
        assert_eq!(segment("orders-value"), "orders-value");
        assert_eq!(segment(":.ctx:a/b c"), ":.ctx:a%2Fb%20c");
        assert_eq!(segment("é"), "%C3%A9");
    }
}
