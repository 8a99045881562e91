//! Bearer tokens: signature against the JWKS, `exp`/`nbf`/`iss`/`aud`, and the principal claim.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, Validation};
use serde_json::{Map, Value};

use super::error::AuthError;
use super::header::MAX_TOKEN_BYTES;
use super::jwks::{self, JwksError, KeySet};
use super::reload::{self, Tasks};

/// Clock skew tolerated on `exp` and `nbf`, in seconds.
const LEEWAY_SECS: u64 = 30;
/// Longest principal name taken from a token, in bytes.
const MAX_PRINCIPAL_BYTES: usize = 1024;
/// Signature algorithms accepted. Never `HS*`: with public keys they would let anyone who
/// knows the public key sign tokens; and `none` is not an algorithm the parser knows.
const ACCEPTED: &[Algorithm] = &[
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::EdDSA,
];

/// Where the keys come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JwksLocation {
    /// A file, re-read when it changes.
    File(PathBuf),
    /// An `https://` URL (plain `http://` only to a loopback address), fetched at start, every
    /// few minutes, and again when a token names an unknown `kid`.
    Url(reqwest::Url),
}

impl std::fmt::Display for JwksLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::File(path) => write!(f, "{}", path.display()),
            Self::Url(url) => write!(f, "{url}"),
        }
    }
}

/// Claims checked besides the signature.
#[derive(Debug, Clone)]
pub(crate) struct Expectations {
    pub(crate) issuer: Option<String>,
    pub(crate) audience: Option<String>,
    pub(crate) principal_claim: String,
}

/// Timing of the background work; shorter in tests.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Intervals {
    /// Between polls of a JWKS file.
    pub(crate) file_poll: Duration,
    /// Between scheduled downloads of a JWKS URL.
    pub(crate) url_refresh: Duration,
    /// Least time between two downloads on unknown `kid`s: a flood of made-up `kid`s reaches
    /// the identity provider at most once per this.
    pub(crate) min_kid_refresh: Duration,
}

impl Default for Intervals {
    fn default() -> Self {
        Self {
            file_poll: reload::DEFAULT_POLL,
            url_refresh: Duration::from_secs(300),
            min_kid_refresh: Duration::from_secs(30),
        }
    }
}

struct Downloader {
    client: reqwest::Client,
    url: reqwest::Url,
    last_attempt: tokio::sync::Mutex<Option<Instant>>,
    min_interval: Duration,
}

impl Downloader {
    /// Downloads anew unless a download started less than `min_interval` ago; concurrent
    /// callers wait for the one in flight instead of starting their own.
    async fn refresh(&self, keys: &ArcSwap<KeySet>) {
        let mut last = self.last_attempt.lock().await;
        if last.is_some_and(|at| at.elapsed() < self.min_interval) {
            return;
        }
        *last = Some(Instant::now());
        match jwks::fetch(&self.client, &self.url).await {
            Ok(set) => {
                tracing::info!(url = %self.url, keys = set.len(), "JWKS downloaded");
                keys.store(Arc::new(set));
            }
            Err(error) => {
                tracing::error!(url = %self.url, %error, "JWKS download failed; keeping the keys loaded");
            }
        }
    }
}

/// Verifies bearer tokens against a JWKS that stays current.
pub(crate) struct JwtVerifier {
    keys: Arc<ArcSwap<KeySet>>,
    downloader: Option<Arc<Downloader>>,
    expect: Expectations,
}

impl JwtVerifier {
    /// Loads the keys (failing if there are none usable) and starts keeping them current.
    pub(crate) async fn start(
        location: &JwksLocation,
        expect: Expectations,
        intervals: Intervals,
        tasks: &mut Tasks,
    ) -> Result<Self, JwksError> {
        match location {
            JwksLocation::File(path) => {
                let snapshot = reload::read(path).await?;
                let keys = Arc::new(ArcSwap::from_pointee(KeySet::parse(&snapshot.bytes)?));
                let target = keys.clone();
                tasks.push(reload::watch(
                    path.clone(),
                    intervals.file_poll,
                    &snapshot,
                    KeySet::parse,
                    move |set| target.store(Arc::new(set)),
                ));
                Ok(Self {
                    keys,
                    downloader: None,
                    expect,
                })
            }
            JwksLocation::Url(url) => {
                let client = jwks::client()?;
                let keys = Arc::new(ArcSwap::from_pointee(jwks::fetch(&client, url).await?));
                let downloader = Arc::new(Downloader {
                    client,
                    url: url.clone(),
                    last_attempt: tokio::sync::Mutex::new(Some(Instant::now())),
                    min_interval: intervals.min_kid_refresh,
                });
                let (scheduled, target) = (downloader.clone(), keys.clone());
                tasks.push(tokio::spawn(async move {
                    loop {
                        tokio::time::sleep(intervals.url_refresh).await;
                        scheduled.refresh(&target).await;
                    }
                }));
                Ok(Self {
                    keys,
                    downloader: Some(downloader),
                    expect,
                })
            }
        }
    }

    /// The principal a valid token names.
    pub(crate) async fn verify(&self, token: &str) -> Result<String, AuthError> {
        let invalid = |why: &str| {
            tracing::debug!(why, "bearer token refused");
            AuthError::Invalid
        };
        if token.len() > MAX_TOKEN_BYTES {
            return Err(invalid("too long"));
        }
        let header = jsonwebtoken::decode_header(token).map_err(|_| invalid("malformed header"))?;
        if !ACCEPTED.contains(&header.alg) {
            return Err(invalid("algorithm not accepted"));
        }
        let kid = header.kid.as_deref();
        let mut keys = self.keys.load_full();
        if let (Some(kid), Some(downloader)) = (kid, &self.downloader)
            && !keys.has_kid(kid)
        {
            downloader.refresh(&self.keys).await;
            keys = self.keys.load_full();
        }
        let validation = self.validation(header.alg);
        let mut tried = false;
        for key in keys.candidates(kid, header.alg) {
            tried = true;
            match jsonwebtoken::decode::<Map<String, Value>>(token, &key.key, &validation) {
                Ok(data) => return self.principal(&data.claims),
                // Without a `kid`, another key of the set may be the one.
                Err(e) if kid.is_none() && *e.kind() == ErrorKind::InvalidSignature => {}
                Err(e) => {
                    tracing::debug!(error = %e, "bearer token refused");
                    return Err(AuthError::Invalid);
                }
            }
        }
        Err(invalid(if tried {
            "signature does not verify"
        } else {
            "no key for its kid and alg"
        }))
    }

    fn validation(&self, alg: Algorithm) -> Validation {
        let mut validation = Validation::new(alg);
        validation.leeway = LEEWAY_SECS;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        let mut required = vec!["exp"];
        // The library checks `iss` and `aud` only when present: configured ones are required.
        if let Some(issuer) = &self.expect.issuer {
            validation.set_issuer(&[issuer]);
            required.push("iss");
        }
        match &self.expect.audience {
            Some(audience) => {
                validation.set_audience(&[audience]);
                required.push("aud");
            }
            None => validation.validate_aud = false,
        }
        validation.set_required_spec_claims(&required);
        validation
    }

    fn principal(&self, claims: &Map<String, Value>) -> Result<String, AuthError> {
        match claims.get(&self.expect.principal_claim) {
            Some(Value::String(name)) if !name.is_empty() && name.len() <= MAX_PRINCIPAL_BYTES => {
                Ok(name.clone())
            }
            _ => {
                tracing::debug!(claim = %self.expect.principal_claim, "bearer token lacks a usable principal claim");
                Err(AuthError::Invalid)
            }
        }
    }
}

#[cfg(test)]
#[path = "jwt_tests.rs"]
pub(crate) mod tests;
