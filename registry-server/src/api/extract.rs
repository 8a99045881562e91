//! Extractors whose every rejection is a Confluent-shaped [`ApiError`].
//!
//! axum's own extractors answer plain-text errors; these wrap them so malformed JSON is a
//! 400, an oversized body a 413, an unparsable path parameter a 404 (as JAX-RS does), and
//! query flags follow Confluent: only a case-insensitive `true` is true.

use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use bytes::Bytes;
use serde::de::DeserializeOwned;

use super::AppState;
use super::{ApiError, BodyLimit};
use crate::domain::{Page, SubjectName, VersionRef};
use crate::registry::SchemaRequest;

/// The 404 a JAX-RS server answers for an unmatched or unconvertible path.
#[must_use]
pub fn not_found() -> ApiError {
    ApiError::new(404, "HTTP 404 Not Found")
}

/// A JSON object body, parsed with serde; `T`'s unknown fields are ignored.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let bytes = limited_body(req).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::new(422, "Request body is missing"));
        }
        // Every body is a JSON object; a serde struct would also read an array positionally.
        if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            return Err(ApiError::new(
                400,
                "Unrecognized field or wrong type in request body: expected a JSON object",
            ));
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

/// The request's body, at most the edge's [`BodyLimit`] bytes (413 beyond).
async fn limited_body(req: Request) -> Result<Bytes, ApiError> {
    use http_body_util::BodyExt as _;
    let limit = req
        .extensions()
        .get::<BodyLimit>()
        .map_or(super::Limits::default().max_body_bytes, |l| l.0);
    match http_body_util::Limited::new(req.into_body(), limit)
        .collect()
        .await
    {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) if error.is::<http_body_util::LengthLimitError>() => {
            Err(ApiError::new(413, "HTTP 413 Request Entity Too Large"))
        }
        Err(error) => Err(ApiError::new(
            400,
            format!("Failed to read request body: {error}"),
        )),
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

    /// Every value given for `name`, in order.
    #[must_use]
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Confluent's boolean: only a case-insensitive `true` is true.
    #[must_use]
    pub fn flag(&self, name: &str) -> bool {
        self.get(name)
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
    }

    /// An integer parameter; a non-integer (or one outside 32 bits, as Java's `int`) is a
    /// 404, as a JAX-RS conversion failure is.
    ///
    /// # Errors
    /// 404 when the value is not an integer.
    pub fn int(&self, name: &str) -> Result<Option<i32>, ApiError> {
        self.get(name)
            .map(|v| v.trim().parse::<i32>().map_err(|_| not_found()))
            .transpose()
    }

    /// The `offset`/`limit` page, with at most `cap` items (a `limit` that is absent, ≤ 0 or
    /// above `cap` means `cap`).
    ///
    /// # Errors
    /// 404 when either is not an integer.
    pub fn page(&self, cap: usize) -> Result<Page, ApiError> {
        Ok(Page::new(self.int("offset")?, self.int("limit")?, cap))
    }
}

/// A register, lookup or compatibility body, refused (42201, naming the limit) when its
/// schema text or reference list is over the server's limits: before anything parses it.
pub struct SchemaJson(pub SchemaRequest);

impl FromRequest<AppState> for SchemaJson {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let ApiJson(request) = ApiJson::<SchemaRequest>::from_request(req, state).await?;
        request.check_limits(&state.registry.settings().limits)?;
        Ok(SchemaJson(request))
    }
}

/// The `{subject}` path parameter of a config or mode scope (42208 on a control
/// character or an over-long name). Never an alias's target: the scope is the name given.
pub struct ScopePath(pub SubjectName);

impl<S: Send + Sync> FromRequestParts<S> for ScopePath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ApiPath(raw) = ApiPath::<String>::from_request_parts(parts, state).await?;
        subject_for_read(&raw).map(ScopePath)
    }
}

/// The `{subject}` path parameter of `/subjects/...` and `/compatibility/subjects/...`
/// (42208 as [`ScopePath`]), followed to the subject its config names as `alias`.
pub struct SubjectPath(pub SubjectName);

impl FromRequestParts<AppState> for SubjectPath {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let ApiPath(raw) = ApiPath::<String>::from_request_parts(parts, state).await?;
        let subject = state
            .registry
            .resolve_alias(subject_for_read(&raw)?)
            .await?;
        Ok(SubjectPath(subject))
    }
}

/// The `{subject}` path parameter of a registration: also refuses reserved names (42208);
/// followed to its alias as [`SubjectPath`].
pub struct NewSubjectPath(pub SubjectName);

impl FromRequestParts<AppState> for NewSubjectPath {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let ApiPath(raw) = ApiPath::<String>::from_request_parts(parts, state).await?;
        let subject = state
            .registry
            .resolve_alias(subject_for_write(&raw)?)
            .await?;
        Ok(NewSubjectPath(subject))
    }
}

/// The `{subject}` and `{version}` path parameters (42208, then 42202); the subject
/// followed to its alias as [`SubjectPath`].
pub struct SubjectVersionPath(pub SubjectName, pub VersionRef);

impl FromRequestParts<AppState> for SubjectVersionPath {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let ApiPath((subject, raw_version)) =
            ApiPath::<(String, String)>::from_request_parts(parts, state).await?;
        let subject = subject_for_read(&subject)?;
        let version = version(&raw_version)?;
        Ok(SubjectVersionPath(
            state.registry.resolve_alias(subject).await?,
            version,
        ))
    }
}

/// A subject from a path segment, validated for writes (42208).
fn subject_for_write(raw: &str) -> Result<SubjectName, ApiError> {
    SubjectName::parse(raw).map_err(|e| ApiError::new(42208, e.to_string()))
}

/// A subject from a path segment or query, for reads and config/mode scopes (42208 on a
/// control character or an over-long name).
pub fn subject_for_read(raw: &str) -> Result<SubjectName, ApiError> {
    SubjectName::parse_lenient(raw).map_err(|e| ApiError::new(42208, e.to_string()))
}

/// A `{version}` segment (42202 when invalid).
fn version(raw: &str) -> Result<VersionRef, ApiError> {
    raw.parse().map_err(|e| ApiError::invalid_version(&e))
}
