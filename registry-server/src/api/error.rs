//! `ApiError`: every failure as Confluent's `{"error_code": N, "message": "..."}` body, with
//! the HTTP status of the code's family. Use-case errors ([`RegistryError`]) map here.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::registry::RegistryError;
use crate::store::StoreError;

/// A Confluent-shaped error response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: u32,
    pub message: String,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error_code: u32,
    message: &'a str,
}

impl ApiError {
    /// An error whose HTTP status is the family of its code (40401 → 404).
    #[must_use]
    pub fn new(code: u32, message: impl Into<String>) -> Self {
        let family = if code >= 10_000 { code / 100 } else { code };
        let status = u16::try_from(family)
            .ok()
            .and_then(|s| StatusCode::from_u16(s).ok())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    pub fn invalid_version(error: &crate::domain::InvalidVersion) -> Self {
        Self::new(42202, error.to_string())
    }
}

/// The API edge: a use-case's error becomes Confluent's code and message.
impl From<RegistryError> for ApiError {
    fn from(error: RegistryError) -> Self {
        ApiError::new(error.code(), error.to_string())
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        RegistryError::store(&error).into()
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.code, self.message)
    }
}

impl std::error::Error for ApiError {}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&ErrorBody {
            error_code: self.code,
            message: &self.message,
        })
        .unwrap_or_default();
        let mut response = (self.status, body).into_response();
        response.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static(super::content::DEFAULT_MEDIA_TYPE),
        );
        response.extensions_mut().insert(self);
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_is_the_family_of_the_code() {
        assert_eq!(
            ApiError::from(RegistryError::subject_not_found("s")).status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            ApiError::from(RegistryError::incompatible("s", &[], 409)).status,
            StatusCode::CONFLICT
        );
        assert_eq!(
            ApiError::from(RegistryError::incompatible("s", &[], 40901)).status,
            StatusCode::CONFLICT
        );
        assert_eq!(
            ApiError::from(RegistryError::invalid_schema("x")).status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
        assert_eq!(
            ApiError::new(415, "x").status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE
        );
        assert_eq!(
            ApiError::new(50001, "x").status,
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
}
