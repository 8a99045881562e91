//! The web UI at `/ui/`: server-rendered pages over the registry layer (never the store),
//! with one stylesheet and one small script compiled into the binary, so building and
//! running the server needs no Node toolchain.
//!
//! It is a router of its own, beside the API in [`crate::server::Front`] (unless
//! `--ui false`): the API's routes and layers are untouched. Requests go through the API's
//! authentication layer, and pages call the registry with the caller's read scope, so a
//! subject the caller may not read is never shown. Writes are POST forms behind a
//! confirmation page, a CSRF token and a same-origin check ([`csrf`]), offered only to
//! callers allowed to make them. Every response carries a Content-Security-Policy that
//! keeps the page on its own origin.
//!
//! Pages: [`subjects`] (the list), [`subject`] (versions, schema, references, settings,
//! writes), [`diff`] (two versions), [`check`] (a draft), [`decode`] (schema by id, and a
//! framed message decoded).

mod assets;
mod check;
mod csrf;
mod decode;
mod diff;
pub mod escape;
mod highlight;
mod layout;
mod subject;
mod subjects;
pub mod textdiff;
mod writes;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{any, get, post};
use http::{HeaderValue, StatusCode, header};
use tower_http::catch_panic::CatchPanicLayer;

use crate::api::{AppState, Limits};
use layout::UiError;

/// The policy every UI response carries: nothing but this origin, no framing, forms post
/// only here.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; base-uri 'none'; object-src 'none'; form-action 'self'; frame-ancestors 'none'";

/// What UI handlers reach: the API's state and the CSRF key.
#[derive(Clone)]
pub(crate) struct UiState {
    pub app: AppState,
    pub csrf: Arc<csrf::Csrf>,
}

/// The UI's routes, all under `/ui`, with their own layers (authentication as the API's,
/// security headers, body limit, time limit, panics as an error page).
pub fn router(state: AppState, limits: Limits) -> Router {
    let auth = state.auth.clone();
    let ui = UiState {
        app: state,
        csrf: Arc::new(csrf::Csrf::random()),
    };
    Router::new()
        .route("/ui", get(|| async { Redirect::permanent("/ui/") }))
        .route("/ui/", get(subjects::show))
        .route("/ui/subject", get(subject::show))
        .route("/ui/diff", get(diff::show))
        .route("/ui/check", get(check::form).post(check::run))
        .route("/ui/schema", get(decode::schema_page))
        .route("/ui/decode", get(decode::form).post(decode::run))
        .route("/ui/set-level", post(writes::level))
        .route("/ui/set-mode", post(writes::mode))
        .route("/ui/delete-version", post(writes::delete_version))
        .route("/ui/assets/app.css", get(assets::css))
        .route("/ui/assets/app.js", get(assets::js))
        .route("/ui/assets/icon.svg", get(assets::icon))
        .route("/ui/{*rest}", any(|| async { UiError::not_found() }))
        .method_not_allowed_fallback(|| async {
            UiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "This page does not take that method.",
            )
        })
        .with_state(ui)
        .layer(DefaultBodyLimit::max(limits.max_body_bytes))
        .layer(middleware::from_fn_with_state(
            auth,
            crate::api::auth::authenticate,
        ))
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn_with_state(
            limits.request_timeout,
            time_limit,
        ))
        .layer(CatchPanicLayer::custom(
            |_: Box<dyn std::any::Any + Send>| {
                tracing::error!("ui handler panicked");
                UiError::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error")
                    .into_response()
            },
        ))
}

/// Adds the security headers to every UI response; pages (which show what the caller may
/// read) are never cached.
async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    response
}

/// Ends a page that takes longer than the request limit.
async fn time_limit(
    axum::extract::State(limit): axum::extract::State<Duration>,
    request: Request,
    next: Next,
) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            UiError::new(StatusCode::SERVICE_UNAVAILABLE, "The page took too long.").into_response()
        }
    }
}
