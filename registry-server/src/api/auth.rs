//! The authentication layer: every request but `GET /`, `GET /schemas/types` and (unless
//! configured otherwise) `/health/*` and `/metrics` needs valid credentials, else 401 with
//! `WWW-Authenticate`. The edge puts the outcome into the request's extensions as a [`Who`].

use std::net::SocketAddr;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::Method;

use super::access::{Access, Who};
use super::{ApiError, RemoteAddr};
use crate::auth::Authenticator;
use crate::tls::ClientCertPrincipal;

/// Who sent the request, when authentication is off or its credentials are valid; else the
/// 401 (with `WWW-Authenticate`) to answer. `route` is the pattern the request's path
/// matched, if any; `remote` the peer it came from, if known.
/// (`&mut`: a shared reference to a request is not `Send`, and this awaits.)
pub async fn who(
    auth: &Authenticator,
    request: &mut Request,
    route: Option<&str>,
    remote: Option<SocketAddr>,
) -> Result<Who, Response> {
    let access = if !auth.is_enabled() {
        Access::Open
    } else if is_open(request.method(), route, auth.protects_health_and_metrics()) {
        Access::Nobody
    } else {
        // Boxed: requests without authentication do not carry this future's size.
        let checked = Box::pin(auth.authenticate(request.headers(), tls_principal(request)));
        match checked.await {
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
    let route = request.extensions().get::<MatchedPath>().cloned();
    let remote = request.extensions_mut().remove::<RemoteAddr>().map(|r| r.0);
    match who(
        &auth,
        &mut request,
        route.as_ref().map(MatchedPath::as_str),
        remote,
    )
    .await
    {
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

/// Whether a request of `method` to `route` is served without credentials.
fn is_open(method: &Method, route: Option<&str>, protect_health_and_metrics: bool) -> bool {
    if method != Method::GET && method != Method::HEAD {
        return false;
    }
    let Some(route) = route else {
        return false;
    };
    match route {
        "/" | "/schemas/types" => true,
        "/health/live" | "/health/ready" | "/metrics" => !protect_health_and_metrics,
        _ => false,
    }
}
