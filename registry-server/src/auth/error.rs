//! Errors of authentication (per request) and of setting it up (per start).

use super::authfile::AuthFileError;
use super::jwks::JwksError;

/// Why a request is not authenticated; both answer 401 with `WWW-Authenticate`.
/// The reason in detail is logged at debug level, never told to the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// No credentials at all (no `Authorization` header, no client certificate).
    #[error("authentication required")]
    Missing,
    /// Credentials that do not verify, or a malformed `Authorization` header.
    #[error("invalid credentials")]
    Invalid,
}

/// Why authentication cannot start.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("--auth-file {path}: {source}")]
    AuthFile { path: String, source: AuthFileError },
    #[error("--jwt-jwks {location}: {source}")]
    Jwks { location: String, source: JwksError },
}
