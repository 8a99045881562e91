//! The REST API: one module per resource, merged into one router with the layers every
//! request goes through (authentication, media types, body limit, metrics, tracing,
//! panics, timeouts). `access.rs` holds the permission checks handlers make.
//!
//! Every failure, including the framework's own (unknown route, wrong method, bad JSON,
//! bad path parameter, oversized body, wrong media type), answers Confluent's
//! `{"error_code": N, "message": "..."}` body.

pub mod access;
mod audit;
pub(crate) mod auth;
mod bodies;
mod compatibility;
mod config;
pub mod content;
mod contexts;
mod error;
pub mod extract;
mod follow;
mod health;
mod mode;
mod routes;
mod schemas;
mod subjects;

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::PrometheusHandle;
use tower_http::catch_panic::CatchPanicLayer;

use crate::auth::Authenticator;
use crate::registry::Registry;
pub use error::ApiError;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub registry: Arc<Registry>,
    pub metrics: PrometheusHandle,
    /// Who requests are from ([`Authenticator::disabled`] when authentication is off).
    pub auth: Authenticator,
    /// The schemas-topic follower (`serve --follow-kafka`): while it follows, writes are refused.
    pub follow: Option<Arc<crate::topic::follow::FollowStatus>>,
}

/// The peer address of a request's connection, put in its extensions by the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RemoteAddr(pub std::net::SocketAddr);

/// Limits applied to every request.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_body_bytes: usize,
    pub request_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: 16 * 1024 * 1024,
            request_timeout: Duration::from_secs(60),
        }
    }
}

fn all_routes() -> routes::Routes {
    routes::Routes::new()
        .merge(health::routes())
        .merge(contexts::routes())
        .merge(schemas::routes())
        .merge(subjects::routes())
        .merge(config::routes())
        .merge(mode::routes())
        .merge(compatibility::routes())
        .merge(audit::routes())
        .merge(follow::routes())
}

/// Every (method, path) the API serves, in axum's `{param}` syntax.
#[must_use]
pub fn route_table() -> Vec<(http::Method, &'static str)> {
    all_routes().into_parts().1
}

/// The whole API.
pub fn router(state: AppState, limits: Limits) -> Router {
    // `/contexts/{ctx}/...` is rewritten before routing, so it needs a service around the router.
    let routed = served(state, limits);
    Router::new().fallback_service(
        tower::ServiceBuilder::new()
            .map_request(contexts::rewrite_request)
            .service(routed),
    )
}

fn served(state: AppState, limits: Limits) -> Router {
    let auth = state.auth.clone();
    let follow = state.follow.clone();
    all_routes()
        .into_parts()
        .0
        .fallback(|| async { extract::not_found() })
        .method_not_allowed_fallback(|| async { ApiError::new(405, "HTTP 405 Method Not Allowed") })
        .with_state(state)
        .layer(middleware::from_fn_with_state(
            follow,
            follow::refuse_writes,
        ))
        .layer(DefaultBodyLimit::max(limits.max_body_bytes))
        .layer(middleware::from_fn(content::negotiate))
        .layer(middleware::from_fn_with_state(auth, auth::authenticate))
        .layer(middleware::from_fn(observe))
        .layer(middleware::from_fn_with_state(
            limits.request_timeout,
            time_limit,
        ))
        .layer(CatchPanicLayer::custom(
            |_: Box<dyn std::any::Any + Send>| {
                tracing::error!("handler panicked");
                ApiError::new(50001, "Internal Server Error").into_response()
            },
        ))
}

/// Ends a request that takes longer than the limit with Confluent's 50002.
async fn time_limit(
    axum::extract::State(limit): axum::extract::State<Duration>,
    request: Request,
    next: Next,
) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::new(50002, "Operation timed out").into_response(),
    }
}

/// Records request metrics by route pattern (never by subject: bounded cardinality) and
/// logs server errors with their cause. Every label comes from the server, never from the
/// client: the method from a fixed list, the route from the route table.
async fn observe(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = method_label(request.method());
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| UNMATCHED_ROUTE.to_owned(), |p| p.as_str().to_owned());
    let response = next.run(request).await;
    let status = response.status();
    if status.is_server_error()
        && let Some(error) = response.extensions().get::<ApiError>()
    {
        tracing::error!(%method, %route, code = error.code, message = %error.message, "request failed");
    }
    let labels = [
        ("method", method.to_owned()),
        ("route", route),
        ("status", status.as_u16().to_string()),
    ];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels)
        .record(started.elapsed().as_secs_f64());
    response
}

/// The `route` label of a request that matched no route.
const UNMATCHED_ROUTE: &str = "unmatched";

/// The `method` label: a standard method's name, `other` for any method a client made up
/// (hyper accepts any token as a method, and each would otherwise mint new series).
fn method_label(method: &http::Method) -> &'static str {
    use http::Method;
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        Method::PATCH => "PATCH",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::method_label;

    #[test]
    fn method_label_is_fixed_for_made_up_methods() {
        assert_eq!(method_label(&http::Method::GET), "GET");
        assert_eq!(method_label(&http::Method::PATCH), "PATCH");
        assert_eq!(method_label(&http::Method::TRACE), "other");
        for raw in ["M0001", "get", "BREW", "X-ANYTHING"] {
            let method = http::Method::from_bytes(raw.as_bytes()).expect("a token");
            assert_eq!(method_label(&method), "other", "{raw}");
        }
    }
}
