//! Root, metadata, contexts, health and metrics endpoints.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::bodies::json;
use super::routes::Routes;

pub fn routes() -> Routes {
    Routes::new()
        .get("/", root)
        .post("/", root)
        .get("/v1/metadata/id", cluster_id)
        .get("/v1/metadata/version", server_version)
        .get("/health/live", live)
        .get("/health/ready", ready)
        .get("/metrics", metrics)
}

/// GET / (and POST /): `{}` once the server serves.
async fn root() -> Response {
    json(&serde_json::json!({}))
}

/// GET /v1/metadata/id
async fn cluster_id() -> Response {
    json(&serde_json::json!({
        "scope": {"path": [], "clusters": {"schema-registry-cluster": "schema-registry"}}
    }))
}

/// GET /v1/metadata/version
async fn server_version() -> Response {
    json(&serde_json::json!({"version": env!("CARGO_PKG_VERSION"), "commitId": "unknown"}))
}

/// GET /health/live: the process serves.
async fn live() -> Response {
    json(&serde_json::json!({"status": "UP"}))
}

/// GET /health/ready: the database answers.
async fn ready(State(state): State<AppState>) -> Response {
    match state.registry.ready().await {
        Ok(backend) => json(&serde_json::json!({"status": "UP", "backend": backend})),
        Err(error) => {
            tracing::warn!(%error, "readiness check failed");
            let mut response = json(&serde_json::json!({"status": "DOWN"}));
            *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
            response
        }
    }
}

/// GET /metrics: Prometheus text format.
async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(http::header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
        .into_response()
}
