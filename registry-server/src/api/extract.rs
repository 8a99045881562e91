//! Extractors whose every rejection is a Confluent-shaped [`ApiError`].
//!
//! axum's own extractors answer plain-text errors; these wrap them so malformed JSON is a
//! 400, an oversized body a 413, an unparsable path parameter a 404 (as JAX-RS does), and
//! query flags follow Confluent: only a case-insensitive `true` is true.

use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::domain::{SubjectName, VersionRef};
use crate::error::ApiError;

/// The 404 a JAX-RS server answers for an unmatched or unconvertible path.
#[must_use]
pub fn not_found() -> ApiError {
    ApiError::new(404, "HTTP 404 Not Found")
}

/// A JSON body, parsed with serde; `T`'s unknown fields are ignored.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e: BytesRejection| {
                if e.status() == http::StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::new(413, "HTTP 413 Request Entity Too Large")
                } else {
                    ApiError::new(
                        400,
                        format!("Failed to read request body: {}", e.body_text()),
                    )
                }
            })?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::new(422, "Request body is missing"));
        }
        serde_json::from_slice(&bytes).map(ApiJson).map_err(|e| {
            let message = if e.is_data() {
                format!("Unrecognized field or wrong type in request body: {e}")
            } else {
                format!("Unexpected character in request body: {e}")
            };
            ApiError::new(400, message)
        })
    }
}

/// A path parameter tuple, percent-decoded.
pub struct ApiPath<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Send,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(value)| ApiPath(value))
            .map_err(|_: PathRejection| not_found())
    }
}

/// The query string as ordered pairs (repeated keys kept).
#[derive(Debug, Clone, Default)]
pub struct Params(Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        Ok(Params(
            form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect(),
        ))
    }
}

impl Params {
    /// The last value given for `name`.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Confluent's boolean: only a case-insensitive `true` is true.
    #[must_use]
    pub fn flag(&self, name: &str) -> bool {
        self.get(name)
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
    }

    /// An integer parameter; a non-integer is a 404, as a JAX-RS conversion failure is.
    ///
    /// # Errors
    /// 404 when the value is not an integer.
    pub fn int(&self, name: &str) -> Result<Option<i64>, ApiError> {
        self.get(name)
            .map(|v| v.trim().parse::<i64>().map_err(|_| not_found()))
            .transpose()
    }

    /// `offset`/`limit` applied to a list (limit ≤ 0 means everything).
    ///
    /// # Errors
    /// 404 when either is not an integer.
    pub fn paginate<T>(&self, items: Vec<T>) -> Result<Vec<T>, ApiError> {
        let offset = usize::try_from(self.int("offset")?.unwrap_or(0).max(0)).unwrap_or(0);
        let limit = self.int("limit")?.unwrap_or(-1);
        let iter = items.into_iter().skip(offset);
        Ok(match usize::try_from(limit) {
            Ok(limit) if limit > 0 => iter.take(limit).collect(),
            _ => iter.collect(),
        })
    }
}

/// The `{subject}` path parameter, parsed for reads and config/mode scopes (42208 on a
/// control character).
pub struct SubjectPath(pub SubjectName);

impl<S: Send + Sync> FromRequestParts<S> for SubjectPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ApiPath(raw) = ApiPath::<String>::from_request_parts(parts, state).await?;
        subject_for_read(&raw).map(SubjectPath)
    }
}

/// The `{subject}` path parameter of a registration: also refuses reserved names (42208).
pub struct NewSubjectPath(pub SubjectName);

impl<S: Send + Sync> FromRequestParts<S> for NewSubjectPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ApiPath(raw) = ApiPath::<String>::from_request_parts(parts, state).await?;
        subject_for_write(&raw).map(NewSubjectPath)
    }
}

/// The `{subject}` and `{version}` path parameters (42208, then 42202).
pub struct SubjectVersionPath(pub SubjectName, pub VersionRef);

impl<S: Send + Sync> FromRequestParts<S> for SubjectVersionPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ApiPath((subject, raw_version)) =
            ApiPath::<(String, String)>::from_request_parts(parts, state).await?;
        Ok(SubjectVersionPath(
            subject_for_read(&subject)?,
            version(&raw_version)?,
        ))
    }
}

/// A subject from a path segment, validated for writes (42208).
fn subject_for_write(raw: &str) -> Result<SubjectName, ApiError> {
    SubjectName::parse(raw).map_err(|e| ApiError::invalid_subject(&e.0))
}

/// A subject from a path segment, for reads and config/mode scopes.
pub fn subject_for_read(raw: &str) -> Result<SubjectName, ApiError> {
    SubjectName::parse_lenient(raw).map_err(|e| ApiError::invalid_subject(&e.0))
}

/// A `{version}` segment (42202 when invalid).
fn version(raw: &str) -> Result<VersionRef, ApiError> {
    raw.parse().map_err(|e| ApiError::invalid_version(&e))
}
