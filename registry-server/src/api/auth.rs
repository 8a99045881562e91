//! The authentication layer: every request but `GET /`, `GET /schemas/types` and (unless
//! configured otherwise) `/health/*` and `/metrics` needs valid credentials, else 401 with
//! `WWW-Authenticate`. The outcome goes into the request's extensions as a [`Who`].

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::Method;

use super::access::{Access, Who};
use super::{ApiError, RemoteAddr};
use crate::auth::Authenticator;
use crate::tls::ClientCertPrincipal;

/// Authenticates the request (when authentication is on) and records who sent it.
pub async fn authenticate(
    State(auth): State<Authenticator>,
    mut request: Request,
    next: Next,
) -> Response {
    let remote = request.extensions().get::<RemoteAddr>().map(|r| r.0);
    let access = if !auth.is_enabled() {
        Access::Open
    } else if is_open(&request, auth.protects_health_and_metrics()) {
        Access::Nobody
    } else {
        match auth
            .authenticate(request.headers(), tls_principal(&request))
            .await
        {
            Ok(Some(principal)) => Access::As(principal),
            Ok(None) => Access::Open,
            Err(error) => {
                tracing::debug!(%error, remote = ?remote, "request refused: 401");
                let mut response = ApiError::new(401, "Unauthorized").into_response();
                response
                    .headers_mut()
                    .insert(http::header::WWW_AUTHENTICATE, auth.challenge());
                return response;
            }
        }
    };
    request.extensions_mut().insert(Who { access, remote });
    next.run(request).await
}

/// The client certificate's name, when the TLS layer verified one.
fn tls_principal(request: &Request) -> Option<&str> {
    request
        .extensions()
        .get::<ClientCertPrincipal>()
        .map(|p| p.0.as_str())
}

/// Whether the request's route is served without credentials.
fn is_open(request: &Request, protect_health_and_metrics: bool) -> bool {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return false;
    }
    let Some(route) = request.extensions().get::<MatchedPath>() else {
        return false;
    };
    match route.as_str() {
        "/" | "/schemas/types" => true,
        "/health/live" | "/health/ready" | "/metrics" => !protect_health_and_metrics,
        _ => false,
    }
}
