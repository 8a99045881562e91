//! The REST API: one module per resource, merged into one router with the layers every
//! request goes through (media types, body limit, metrics, tracing, panics, timeouts).
//!
//! Every failure, including the framework's own (unknown route, wrong method, bad JSON,
//! bad path parameter, oversized body, wrong media type), answers Confluent's
//! `{"error_code": N, "message": "..."}` body.

mod bodies;
mod compatibility;
mod config;
pub mod content;
mod contexts;
pub mod extract;
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

use crate::error::ApiError;
use crate::registry::Registry;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub registry: Arc<Registry>,
    pub metrics: PrometheusHandle,
}

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
    all_routes()
        .into_parts()
        .0
        .fallback(|| async { extract::not_found() })
        .method_not_allowed_fallback(|| async { ApiError::new(405, "HTTP 405 Method Not Allowed") })
        .with_state(state)
        .layer(DefaultBodyLimit::max(limits.max_body_bytes))
        .layer(middleware::from_fn(content::negotiate))
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
/// logs server errors with their cause.
async fn observe(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(request).await;
    let status = response.status();
    if status.is_server_error()
        && let Some(error) = response.extensions().get::<ApiError>()
    {
        tracing::error!(%method, %route, code = error.code, message = %error.message, "request failed");
    }
    let labels = [
        ("method", method.to_string()),
        ("route", route),
        ("status", status.as_u16().to_string()),
    ];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels)
        .record(started.elapsed().as_secs_f64());
    response
}
