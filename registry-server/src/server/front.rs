//! What the server serves, in front of the routers: a request whose path is `/ui` or under
//! `/ui/` goes to the web UI's router; any other has its `/contexts/{ctx}/...` form
//! rewritten and goes to the API's. A plain service rather than a router around the
//! routers, so an API request is routed once.

use std::convert::Infallible;
use std::task::{Context, Poll};

use axum::Router;
use axum::body::{Body, HttpBody};
use axum::routing::future::RouteFuture;
use bytes::Bytes;
use http::Request;

use crate::api;

/// The API, and the UI beside it unless it is off.
#[derive(Clone)]
pub struct Front {
    api: Router,
    ui: Option<Router>,
}

impl Front {
    #[must_use]
    pub fn new(api: Router, ui: Option<Router>) -> Self {
        Front { api, ui }
    }
}

/// A router alone (no UI): what tests serve their own routes with.
impl From<Router> for Front {
    fn from(api: Router) -> Self {
        Front { api, ui: None }
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
    type Future = RouteFuture<Infallible>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        // Routers are always ready.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let request = request.map(Body::new);
        if let Some(ui) = &mut self.ui
            && is_ui_path(request.uri().path())
        {
            return ui.call(request);
        }
        self.api.call(api::rewrite_context_path(request))
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
