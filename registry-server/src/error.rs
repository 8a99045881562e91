//! `ApiError`: every failure as Confluent's `{"error_code": N, "message": "..."}` body.
//!
//! Constructors are named after Confluent's error codes (spec §1.3). Store failures are
//! logged here with their cause and answered 50001 without internals.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

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

    pub fn subject_not_found(subject: &str) -> Self {
        Self::new(40401, format!("Subject '{subject}' not found."))
    }
    pub fn version_not_found(version: i32) -> Self {
        Self::new(40402, format!("Version {version} not found."))
    }
    pub fn schema_not_found() -> Self {
        Self::new(40403, "Schema not found")
    }
    pub fn schema_id_not_found(id: impl std::fmt::Display) -> Self {
        Self::new(40403, format!("Schema {id} not found"))
    }
    pub fn subject_soft_deleted(subject: &str) -> Self {
        Self::new(
            40404,
            format!(
                "Subject '{subject}' was soft deleted.Set permanent=true to delete permanently"
            ),
        )
    }
    pub fn subject_not_soft_deleted(subject: &str) -> Self {
        Self::new(
            40405,
            format!("Subject '{subject}' was not deleted first before being permanently deleted"),
        )
    }
    pub fn version_soft_deleted(subject: &str, version: i32) -> Self {
        Self::new(
            40406,
            format!(
                "Subject '{subject}' Version {version} was soft deleted.Set permanent=true to delete permanently"
            ),
        )
    }
    pub fn version_not_soft_deleted(subject: &str, version: i32) -> Self {
        Self::new(
            40407,
            format!(
                "Subject '{subject}' Version {version} was not deleted first before being permanently deleted"
            ),
        )
    }
    pub fn subject_config_not_found(subject: &str) -> Self {
        Self::new(
            40408,
            format!("Subject '{subject}' does not have subject-level compatibility configured"),
        )
    }
    pub fn subject_mode_not_found(subject: &str) -> Self {
        Self::new(
            40409,
            format!("Subject '{subject}' does not have subject-level mode configured"),
        )
    }
    /// 409: the schema is incompatible; `messages` as in spec §5.2.
    pub fn incompatible(subject: &str, messages: &[String]) -> Self {
        Self::new(
            409,
            format!(
                "Schema being registered is incompatible with an earlier schema for subject \"{subject}\", details: [{}]",
                messages.join(", ")
            ),
        )
    }
    pub fn invalid_schema(message: impl Into<String>) -> Self {
        Self::new(42201, message)
    }
    pub fn invalid_version(error: &crate::domain::InvalidVersion) -> Self {
        Self::new(42202, error.to_string())
    }
    pub fn invalid_compatibility_level() -> Self {
        Self::new(42203, crate::domain::InvalidCompatibilityLevel.to_string())
    }
    pub fn invalid_mode(message: impl Into<String>) -> Self {
        Self::new(42204, message)
    }
    pub fn operation_not_permitted(message: impl Into<String>) -> Self {
        Self::new(42205, message)
    }
    pub fn reference_exists(subject: &str, version: i32) -> Self {
        Self::new(
            42206,
            format!(
                "One or more references exist to the schema {{magic=1,keytype=SCHEMA,subject={subject},version={version}}}."
            ),
        )
    }
    pub fn invalid_subject(subject: &str) -> Self {
        Self::new(
            42208,
            format!("The specified subject '{subject}' is not a valid."),
        )
    }
    /// 50001, for store failures (the cause is logged, not returned).
    pub fn store(error: &StoreError) -> Self {
        tracing::error!(error = %error, "store operation failed");
        Self::new(50001, "Error in the backend datastore")
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        ApiError::store(&error)
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
            http::HeaderValue::from_static(crate::api::content::DEFAULT_MEDIA_TYPE),
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
            ApiError::subject_not_found("s").status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            ApiError::incompatible("s", &[]).status,
            StatusCode::CONFLICT
        );
        assert_eq!(
            ApiError::invalid_schema("x").status,
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
