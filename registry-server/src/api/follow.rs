//! `/v1/follow`: the schemas-topic follower's status and cut-over, and the refusal of writes
//! while this registry follows a topic another registry writes (`serve --follow-kafka`).
//!
//! Permissions: `Config:` Read for the status, Write for the cut-over.

use axum::extract::State;
use axum::response::Response;
use http::Method;

use super::access::{Who, require_config};
use super::bodies::json;
use super::routes::Routes;
use super::{ApiError, AppState};
use crate::auth::Operation;
use crate::topic::follow::FollowStatus;

/// Confluent's "operation not permitted".
const NOT_PERMITTED: u32 = 42205;

pub fn routes() -> Routes {
    Routes::new()
        .get("/v1/follow", status)
        .delete("/v1/follow", cut_over)
}

/// GET /v1/follow: whether this registry follows a topic, and how far it got.
async fn status(State(state): State<AppState>, who: Who) -> Result<Response, ApiError> {
    require_config(&who, Operation::Read)?;
    Ok(json(&body(state.follow.as_deref())))
}

/// DELETE /v1/follow: cut-over. Applies what the topic holds now, stops following, and
/// answers the final status; from then on this registry takes writes.
async fn cut_over(State(state): State<AppState>, who: Who) -> Result<Response, ApiError> {
    require_config(&who, Operation::Write)?;
    if let Some(follow) = &state.follow {
        follow.cut_over().await;
        tracing::info!(topic = %follow.topic, "cut-over: this registry is the writer");
    }
    Ok(json(&body(state.follow.as_deref())))
}

fn body(follow: Option<&FollowStatus>) -> serde_json::Value {
    follow.map_or_else(
        || serde_json::json!({ "following": false }),
        FollowStatus::to_json,
    )
}

/// The 42205 refusing a write (registration, delete, config or mode change) while the
/// follower follows; `None` for reads, lookups and compatibility checks, or when not following.
/// `route` is the pattern the request's path matched, if any.
pub(super) fn refusal(
    follow: Option<&FollowStatus>,
    method: &Method,
    route: Option<&str>,
) -> Option<ApiError> {
    let follow = follow?;
    (follow.following() && is_write_route(method, route.unwrap_or_default()))
        .then(|| ApiError::new(NOT_PERMITTED, follow.refusal()))
}

fn is_write_route(method: &Method, route: &str) -> bool {
    match *method {
        Method::PUT => true,
        Method::DELETE => route != "/v1/follow",
        Method::POST => route == "/subjects/{subject}/versions",
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_are_puts_deletes_and_registrations() {
        let cases = [
            (Method::PUT, "/config", true),
            (Method::PUT, "/mode/{subject}", true),
            (Method::DELETE, "/subjects/{subject}", true),
            (Method::DELETE, "/v1/follow", false),
            (Method::POST, "/subjects/{subject}/versions", true),
            (Method::POST, "/subjects/{subject}", false),
            (
                Method::POST,
                "/compatibility/subjects/{subject}/versions/{version}",
                false,
            ),
            (Method::GET, "/subjects", false),
        ];
        for (method, route, write) in cases {
            assert_eq!(is_write_route(&method, route), write, "{method} {route}");
        }
    }
}
