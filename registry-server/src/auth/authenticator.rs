//! The façade the router calls: who is this request from, by Basic, Bearer or client certificate.

use std::path::Path;
use std::sync::Arc;

use arc_swap::ArcSwap;
use http::{HeaderMap, HeaderValue};
use tokio::sync::Semaphore;

use super::args::AuthArgs;
use super::authfile::AuthData;
use super::cache::VerifiedCache;
use super::error::{AuthError, SetupError};
use super::header::{self, Credentials};
use super::jwt::{Expectations, Intervals, JwtVerifier};
use super::permission::Principal;
use super::reload::{self, Tasks};

/// An authfile version and its number; cached verifications name the version they hold for.
#[derive(Debug, Default)]
struct Loaded {
    data: AuthData,
    generation: u64,
}

struct Inner {
    users: Arc<ArcSwap<Loaded>>,
    cache: Arc<VerifiedCache>,
    /// Password hashes computed at once: scrypt takes 16 MiB and argon2id 19 MiB each, so a
    /// flood of wrong passwords queues here instead of exhausting memory and threads.
    hashing: Semaphore,
    jwt: Option<JwtVerifier>,
    basic: bool,
    protect_health_and_metrics: bool,
    _tasks: Tasks,
}

/// Authenticates requests; cheap to clone. Background reloads stop when the last clone drops.
#[derive(Clone)]
pub struct Authenticator {
    inner: Option<Arc<Inner>>,
}

impl std::fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authenticator")
            .field("enabled", &self.is_enabled())
            .finish_non_exhaustive()
    }
}

impl Authenticator {
    /// Authentication off: every request is let through as anonymous.
    #[must_use]
    pub fn disabled() -> Self {
        Self { inner: None }
    }

    /// Loads the authfile and the JWKS named by `args` and starts watching them. Must run
    /// inside a Tokio runtime.
    pub async fn from_args(args: &AuthArgs) -> Result<Self, SetupError> {
        Self::start(args, Intervals::default()).await
    }

    pub(crate) async fn start(args: &AuthArgs, intervals: Intervals) -> Result<Self, SetupError> {
        if args.auth_file.is_none() && args.jwt_jwks.is_none() {
            return Ok(Self::disabled());
        }
        let mut tasks = Tasks::default();
        let users = Arc::new(ArcSwap::from_pointee(Loaded::default()));
        let cache = Arc::new(VerifiedCache::new());
        if let Some(path) = &args.auth_file {
            let data = load_authfile(path).await?;
            tracing::info!(path = %path.display(), users = data.0.user_count(), rules = data.0.rule_count(), "authfile loaded");
            users.store(Arc::new(Loaded {
                data: data.0,
                generation: 1,
            }));
            let (target, stale) = (users.clone(), cache.clone());
            let hint = path.clone();
            tasks.push(reload::watch(
                path.clone(),
                intervals.file_poll,
                &data.1,
                move |bytes| AuthData::parse(bytes, Some(&hint)),
                move |data| {
                    let generation = target.load().generation + 1;
                    target.store(Arc::new(Loaded { data, generation }));
                    stale.clear();
                },
            ));
        }
        let jwt = match &args.jwt_jwks {
            None => None,
            Some(location) => {
                let expect = Expectations {
                    issuer: args.jwt_issuer.clone(),
                    audience: args.jwt_audience.clone(),
                    principal_claim: args.jwt_principal_claim.clone(),
                };
                let verifier = JwtVerifier::start(location, expect, intervals, &mut tasks)
                    .await
                    .map_err(|source| SetupError::Jwks {
                        location: location.to_string(),
                        source,
                    })?;
                Some(verifier)
            }
        };
        let slots = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 8));
        Ok(Self {
            inner: Some(Arc::new(Inner {
                users,
                cache,
                hashing: Semaphore::new(slots),
                jwt,
                basic: args.auth_file.is_some(),
                protect_health_and_metrics: args.auth_health_and_metrics,
                _tasks: tasks,
            })),
        })
    }

    /// Whether requests need credentials at all.
    #[must_use]
    pub fn is_enabled(&self) -> bool {
        self.inner.is_some()
    }

    /// Whether `/health/*` and `/metrics` need credentials too (only when enabled).
    #[must_use]
    pub fn protects_health_and_metrics(&self) -> bool {
        self.inner
            .as_ref()
            .is_some_and(|i| i.protect_health_and_metrics)
    }

    /// The `WWW-Authenticate` value of a 401: the schemes this server accepts.
    #[must_use]
    pub fn challenge(&self) -> HeaderValue {
        let (basic, bearer) = self
            .inner
            .as_ref()
            .map_or((true, false), |i| (i.basic, i.jwt.is_some()));
        HeaderValue::from_static(match (basic, bearer) {
            (true, true) => r#"Basic realm="schema-registry", Bearer realm="schema-registry""#,
            (false, true) => r#"Bearer realm="schema-registry""#,
            _ => r#"Basic realm="schema-registry""#,
        })
    }

    /// Who sent the request. `Ok(None)`: authentication is off. An `Authorization` header
    /// wins over `tls_principal` (the client certificate's CN, from the TLS layer); a name
    /// the authfile has no rules for is authenticated but may do nothing.
    pub async fn authenticate(
        &self,
        headers: &HeaderMap,
        tls_principal: Option<&str>,
    ) -> Result<Option<Principal>, AuthError> {
        let Some(inner) = &self.inner else {
            return Ok(None);
        };
        let principal = match header::credentials(headers)? {
            Some(Credentials::Basic { username, password }) => {
                inner.basic(username, password).await?
            }
            Some(Credentials::Bearer(token)) => {
                let Some(jwt) = &inner.jwt else {
                    tracing::debug!("bearer token but no --jwt-jwks");
                    return Err(AuthError::Invalid);
                };
                let name = jwt.verify(token).await?;
                inner.users.load().data.principal(&name)
            }
            None => match tls_principal {
                Some(name) => inner.users.load().data.principal(name),
                None => return Err(AuthError::Missing),
            },
        };
        Ok(Some(principal))
    }
}

impl Inner {
    async fn basic(&self, username: String, password: String) -> Result<Principal, AuthError> {
        if !self.basic {
            tracing::debug!("basic credentials but no --auth-file");
            return Err(AuthError::Invalid);
        }
        let loaded = self.users.load_full();
        if self.cache.verified(&username, &password, loaded.generation) {
            return Ok(loaded.data.principal(&username));
        }
        let permit = self
            .hashing
            .acquire()
            .await
            .map_err(|_| AuthError::Invalid)?;
        let (checked, name, secret) = (loaded.clone(), username.clone(), password.clone());
        let verified = tokio::task::spawn_blocking(move || {
            // An unknown name is checked against a decoy of the same cost, then refused.
            match checked.data.credential(&name) {
                Some(credential) => credential.verify(secret.as_bytes()),
                None => {
                    if let Some(decoy) = checked.data.decoy() {
                        decoy.verify(secret.as_bytes());
                    }
                    false
                }
            }
        })
        .await
        .unwrap_or(false);
        drop(permit);
        if !verified {
            tracing::debug!(user = %username, "basic credentials refused");
            return Err(AuthError::Invalid);
        }
        self.cache.remember(&username, &password, loaded.generation);
        Ok(loaded.data.principal(&username))
    }
}

async fn load_authfile(path: &Path) -> Result<(AuthData, reload::Snapshot), SetupError> {
    let error = |source| SetupError::AuthFile {
        path: path.display().to_string(),
        source,
    };
    let snapshot = reload::read(path).await.map_err(error)?;
    let bytes = snapshot.bytes.clone();
    let hint = path.to_path_buf();
    let data = tokio::task::spawn_blocking(move || AuthData::parse(&bytes, Some(&hint)))
        .await
        .map_err(|e| {
            error(super::authfile::AuthFileError::Io {
                path: path.display().to_string(),
                source: std::io::Error::other(e.to_string()),
            })
        })?
        .map_err(error)?;
    Ok((data, snapshot))
}

/// Shortens the background intervals for tests.
#[cfg(test)]
pub(crate) fn test_intervals() -> Intervals {
    use std::time::Duration;
    Intervals {
        file_poll: Duration::from_millis(20),
        url_refresh: Duration::from_secs(3600),
        min_kid_refresh: Duration::from_millis(300),
    }
}

#[cfg(test)]
#[path = "authenticator_tests.rs"]
mod tests;
