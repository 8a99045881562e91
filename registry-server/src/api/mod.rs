//! The REST API: one module per resource, merged into one router behind the edge every
//! request goes through (`edge.rs`: metrics, time limit, panics, authentication, media
//! types, body limit). `access.rs` holds the permission checks handlers make.
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
mod direct;
mod edge;
mod error;
pub mod extract;
mod follow;
mod health;
mod mode;
mod request_metrics;
mod routes;
mod schemas;
mod subjects;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use metrics_exporter_prometheus::PrometheusHandle;

use crate::auth::Authenticator;
use crate::registry::Registry;
pub use edge::{BodyLimit, Edge, EdgeFuture};
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

/// The peer address of a request's connection, put in its extensions for the web UI (the
/// API's edge is given it directly).
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

/// `/contexts/{ctx}/...` as the ordinary path it stands for, which is what the router routes:
/// applied before routing (by [`crate::server::Front`]).
pub use contexts::rewrite_request as rewrite_context_path;

/// The whole API, its router behind the edge (requests reach it with
/// [`rewrite_context_path`] applied).
pub fn router(state: AppState, limits: Limits) -> Edge {
    let (routes, table) = all_routes().into_parts();
    let matcher = routes::RouteMatcher::new(&table);
    let direct = direct::DirectReads::new(state.clone(), &matcher);
    let edge = edge::EdgeState::new(state.auth.clone(), state.follow.clone(), limits, matcher)
        .with_direct(direct);
    let router = routes
        .fallback(|| async { extract::not_found() })
        .method_not_allowed_fallback(|| async { ApiError::new(405, "HTTP 405 Method Not Allowed") })
        .with_state(state);
    Edge::new(router, edge)
}

/// `router` (routes of a caller's own) behind an edge with authentication off, the default
/// limits and no route labels: what tests serve their own routes with.
#[must_use]
pub fn open_edge(router: Router) -> Edge {
    Edge::new(router, edge::EdgeState::open(Limits::default()))
}
