//! Media types (spec §1.1): requests may carry Confluent's JSON types, `application/json`,
//! `application/octet-stream` or none (415 otherwise); responses take the best type the
//! `Accept` header allows (406 when it allows none).

use axum::extract::Request;
use http::header::{ACCEPT, CONTENT_TYPE};
use http::{HeaderValue, Method};

use super::ApiError;

/// The default response media type.
pub const DEFAULT_MEDIA_TYPE: &str = "application/vnd.schemaregistry.v1+json";

/// Response types in order of server preference.
const RESPONSE_TYPES: [&str; 3] = [
    DEFAULT_MEDIA_TYPE,
    "application/vnd.schemaregistry+json",
    "application/json",
];

/// Request body types accepted besides none at all.
const REQUEST_TYPES: [&str; 4] = [
    DEFAULT_MEDIA_TYPE,
    "application/vnd.schemaregistry+json",
    "application/json",
    "application/octet-stream",
];

/// Paths that answer their own media type (Prometheus text).
const OWN_MEDIA_TYPE_PATHS: [&str; 1] = ["/metrics"];

/// Checks `Content-Type` and `Accept`: the media type to label the response with (`None`
/// for paths that answer their own), or the 415 / 406 to answer instead.
pub fn negotiate(request: &Request) -> Result<Option<&'static str>, ApiError> {
    if OWN_MEDIA_TYPE_PATHS.contains(&request.uri().path()) {
        return Ok(None);
    }
    if matches!(*request.method(), Method::POST | Method::PUT)
        && let Some(content_type) = request.headers().get(CONTENT_TYPE)
        && !content_type.to_str().is_ok_and(|ct| {
            REQUEST_TYPES
                .iter()
                .any(|t| essence(ct).eq_ignore_ascii_case(t))
        })
    {
        return Err(ApiError::new(415, "HTTP 415 Unsupported Media Type"));
    }
    match request.headers().get(ACCEPT).map(HeaderValue::to_str) {
        None | Some(Err(_)) => Ok(Some(DEFAULT_MEDIA_TYPE)),
        Some(Ok(accept)) => choose(accept)
            .map(Some)
            .ok_or_else(|| ApiError::new(406, "HTTP 406 Not Acceptable")),
    }
}

/// The media type without parameters (`application/json; charset=utf-8` → `application/json`).
fn essence(media_type: &str) -> &str {
    media_type.split(';').next().unwrap_or_default().trim()
}

/// The best response type an `Accept` header allows: highest q, then server preference.
fn choose(accept: &str) -> Option<&'static str> {
    let mut best: Option<(f32, usize)> = None;
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let pattern = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if q <= 0.0 {
            continue;
        }
        for (rank, candidate) in RESPONSE_TYPES.iter().enumerate() {
            let matches = pattern == *candidate
                || pattern == "*/*"
                || pattern == "*"
                || pattern == "application/*";
            if matches && best.is_none_or(|(bq, br)| q > bq || (q == bq && rank < br)) {
                best = Some((q, rank));
            }
        }
    }
    best.map(|(_, rank)| RESPONSE_TYPES[rank])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_best_allowed_type() {
        assert_eq!(choose("application/json"), Some("application/json"));
        assert_eq!(choose("*/*"), Some(DEFAULT_MEDIA_TYPE));
        assert_eq!(
            choose("application/json;q=0.5, application/vnd.schemaregistry+json;q=0.9"),
            Some("application/vnd.schemaregistry+json")
        );
        assert_eq!(choose("text/html"), None);
        assert_eq!(choose("application/json;q=0"), None);
    }
}
