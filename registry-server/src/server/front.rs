//! What the server serves, in front of the routers: a request whose path is `/ui` or under
//! `/ui/` goes to the web UI's router; any other has its `/contexts/{ctx}/...` form
//! rewritten and goes to the API's (behind its edge). A plain service rather than a router
//! around the routers, so an API request is routed once.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::task::{Context, Poll};

use axum::Router;
use axum::body::{Body, HttpBody};
use bytes::Bytes;
use http::Request;

use crate::api;
use crate::tls::ClientCertPrincipal;

/// The API, and the UI beside it unless it is off; once connected, the connection its
/// requests come over.
#[derive(Clone)]
pub struct Front {
    api: api::Edge,
    ui: Option<Router>,
    connection: Option<Connection>,
}

/// The connection requests come over: its peer, and the client certificate's name when the
/// TLS layer verified one.
#[derive(Debug, Clone)]
pub struct Connection {
    pub peer: SocketAddr,
    pub principal: Option<ClientCertPrincipal>,
}

impl Front {
    #[must_use]
    pub fn new(api: api::Edge, ui: Option<Router>) -> Self {
        Front {
            api,
            ui,
            connection: None,
        }
    }

    /// This front serving the requests of `connection`.
    #[must_use]
    pub fn over(mut self, connection: Connection) -> Self {
        self.connection = Some(connection);
        self
    }
}

/// A router of a test's own routes, behind an open edge (no UI).
impl From<Router> for Front {
    fn from(router: Router) -> Self {
        Front::new(api::open_edge(router), None)
    }
}

fn is_ui_path(path: &str) -> bool {
    path == "/ui" || path.starts_with("/ui/")
}

impl<B> tower::Service<Request<B>> for Front
where
    B: HttpBody<Data = Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    type Response = axum::response::Response;
    type Error = Infallible;
    type Future = api::EdgeFuture;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        // Routers are always ready.
        Poll::Ready(Ok(()))
    }

    /// The peer reaches the API's edge directly (it builds the caller from it) and the UI
    /// in the request's extensions; a client certificate's name is in the extensions of both.
    fn call(&mut self, request: Request<B>) -> Self::Future {
        let mut request = request.map(Body::new);
        let peer = self.connection.as_ref().map(|c| c.peer);
        if let Some(principal) = self.connection.as_ref().and_then(|c| c.principal.clone()) {
            request.extensions_mut().insert(principal);
        }
        if let Some(ui) = &mut self.ui
            && is_ui_path(request.uri().path())
        {
            if let Some(peer) = peer {
                request.extensions_mut().insert(api::RemoteAddr(peer));
            }
            return Box::pin(ui.call(request));
        }
        self.api.serve(api::rewrite_context_path(request), peer)
    }
}

#[cfg(test)]
mod tests {
    use super::is_ui_path;

    #[test]
    fn only_ui_and_below_go_to_the_ui() {
        assert!(is_ui_path("/ui"));
        assert!(is_ui_path("/ui/"));
        assert!(is_ui_path("/ui/subjects/a"));
        assert!(!is_ui_path("/uix"));
        assert!(!is_ui_path("/subjects/ui"));
        assert!(!is_ui_path("/"));
    }
}
