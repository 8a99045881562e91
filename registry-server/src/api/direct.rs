//! The consumers' hottest read answered by the edge itself: a plain `GET /schemas/ids/{id}`
//! (an id of digits, no query) skips the router, whose second route match, path-parameter
//! decoding, extractors and boxing cost a quarter of the request's instructions (README,
//! Benchmarks). Every other request, and every odd form of this one, goes through the router.

use axum::extract::Request;
use axum::response::{IntoResponse as _, Response};
use http::Method;

use super::AppState;
use super::access::Who;
use super::routes::{MatchedRoute, RouteMatcher};
use super::schemas;

/// What precedes the id in the path of [`schemas::BY_ID_ROUTE`].
const BY_ID_PREFIX: &str = "/schemas/ids/";

/// What the edge answers without the router.
pub(super) struct DirectReads {
    state: AppState,
    by_id: ByIdRoute,
}

impl DirectReads {
    /// The direct reads of `state` for the routes of `routes`; `None` when the by-id route
    /// is not among them.
    pub fn new(state: AppState, routes: &RouteMatcher) -> Option<Self> {
        Some(DirectReads {
            state,
            by_id: ByIdRoute::in_routes(routes)?,
        })
    }

    /// The id `request` reads when it is a plain by-id read (see [`ByIdRoute::plain_id`]).
    pub fn plain_by_id(&self, route: Option<MatchedRoute>, request: &Request) -> Option<i32> {
        self.by_id.plain_id(route, request)
    }

    /// The answer to a plain by-id read of `id` by `who`, as the route's handler gives it.
    pub async fn by_id(&self, who: &Who, id: i32) -> Response {
        schemas::plain_by_id(&self.state, &who.caller(), id)
            .await
            .into_response()
    }
}

/// The by-id route, by its index in the edge's route matcher.
#[derive(Debug, Clone, Copy)]
struct ByIdRoute(usize);

impl ByIdRoute {
    fn in_routes(routes: &RouteMatcher) -> Option<Self> {
        routes
            .patterns()
            .iter()
            .position(|p| *p == schemas::BY_ID_ROUTE)
            .map(ByIdRoute)
    }

    /// The id `request` reads when it is a plain by-id read, as the route's handler would
    /// parse it: `GET` on this route (`route` is what the edge matched), an id of ASCII
    /// digits within `i32`, no query. `None` sends the request to the router.
    fn plain_id(self, route: Option<MatchedRoute>, request: &Request) -> Option<i32> {
        if route?.index != self.0
            || request.method() != Method::GET
            || request.uri().query().is_some()
        {
            return None;
        }
        let raw = request.uri().path().strip_prefix(BY_ID_PREFIX)?;
        if raw.is_empty() || !raw.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        raw.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use http::Method;

    use super::ByIdRoute;
    use crate::api::routes::RouteMatcher;

    /// What the edge makes of `method` on `uri`: the id of a plain by-id read, or `None`
    /// for the router.
    fn plain_id(method: Method, uri: &str) -> Option<i32> {
        let routes = RouteMatcher::new(&crate::api::route_table());
        let by_id = ByIdRoute::in_routes(&routes).expect("the by-id route is served");
        let request = http::Request::builder()
            .method(method)
            .uri(uri)
            .body(Body::empty())
            .expect("request");
        by_id.plain_id(routes.lookup(request.uri().path()), &request)
    }

    #[test]
    fn only_a_plain_get_of_a_digit_id_is_answered_directly() {
        assert_eq!(plain_id(Method::GET, "/schemas/ids/7"), Some(7));
        assert_eq!(plain_id(Method::GET, "/schemas/ids/007"), Some(7));
        assert_eq!(
            plain_id(Method::GET, "/schemas/ids/2147483647"),
            Some(i32::MAX)
        );
        for (method, uri) in [
            // Another method: HEAD is answered by the router's GET route, without a body.
            (Method::HEAD, "/schemas/ids/7"),
            (Method::POST, "/schemas/ids/7"),
            (Method::DELETE, "/schemas/ids/7"),
            // Any query, even an empty one (subject, format, fetchMaxId, contexts' rewrite).
            (Method::GET, "/schemas/ids/7?"),
            (Method::GET, "/schemas/ids/7?subject=s"),
            (Method::GET, "/schemas/ids/7?fetchMaxId=true"),
            // Ids the handler parses otherwise or refuses.
            (Method::GET, "/schemas/ids/%37"),
            (Method::GET, "/schemas/ids/+7"),
            (Method::GET, "/schemas/ids/-7"),
            (Method::GET, "/schemas/ids/%207"),
            (Method::GET, "/schemas/ids/2147483648"),
            (Method::GET, "/schemas/ids/99999999999999999999"),
            (Method::GET, "/schemas/ids/abc"),
            (Method::GET, "/schemas/ids/"),
            // Other routes under the same prefix, and none at all.
            (Method::GET, "/schemas/ids/7/schema"),
            (Method::GET, "/schemas/ids/7/versions"),
            (Method::GET, "/schemas/ids"),
            (Method::GET, "/schemas/guids/7"),
            (Method::GET, "/subjects/7"),
        ] {
            assert_eq!(plain_id(method.clone(), uri), None, "{method} {uri}");
        }
    }
}
