//! The authentication layer: every request but `GET /`, `GET /schemas/types` and (unless
//! configured otherwise) `/health/*` and `/metrics` needs valid credentials, else 401 with
//! `WWW-Authenticate`. The edge puts the outcome into the request's extensions as a [`Who`].

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::Method;

use super::access::{Access, Who};
use super::{ApiError, RemoteAddr};
use crate::auth::Authenticator;
use crate::tls::ClientCertPrincipal;

/// Who sent the request, when authentication is off or its credentials are valid; else the
/// 401 (with `WWW-Authenticate`) to answer.
/// (`&mut`: a shared reference to a request is not `Send`, and this awaits.)
pub async fn who(auth: &Authenticator, request: &mut Request) -> Result<Who, Response> {
    // Moved into the `Who`: one entry fewer in the request's extensions, whose map would
    // otherwise grow (and rehash) on every request.
    let remote = request.extensions_mut().remove::<RemoteAddr>().map(|r| r.0);
    let access = if !auth.is_enabled() {
        Access::Open
    } else if is_open(request, auth.protects_health_and_metrics()) {
        Access::Nobody
    } else {
        match auth
            .authenticate(request.headers(), tls_principal(request))
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
                return Err(response);
            }
        }
    };
    Ok(Who { access, remote })
}

/// [`who`] as a middleware (the web UI's stack): the outcome into the request's extensions.
pub async fn authenticate(
    State(auth): State<Authenticator>,
    mut request: Request,
    next: Next,
) -> Response {
    match who(&auth, &mut request).await {
        Ok(who) => {
            request.extensions_mut().insert(who);
            next.run(request).await
        }
        Err(refused) => refused,
    }
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
