//! A router builder that also records its (method, path) table, so a test can check that
//! `openapi.yaml` and the served routes agree in both directions; and the edge's lookup of
//! which route pattern a request's path matches, made from that table.

use axum::Router;
use axum::handler::Handler;
use axum::routing::{MethodFilter, on};
use http::Method;

use super::AppState;

/// Routes of one resource, with their table.
#[derive(Default)]
pub struct Routes {
    router: Router<AppState>,
    table: Vec<(Method, &'static str)>,
}

macro_rules! verb {
    ($name:ident, $filter:ident, $method:ident) => {
        #[must_use]
        pub fn $name<H, T>(self, path: &'static str, handler: H) -> Self
        where
            H: Handler<T, AppState>,
            T: 'static,
        {
            self.add(path, MethodFilter::$filter, Method::$method, handler)
        }
    };
}

impl Routes {
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    verb!(get, GET, GET);
    verb!(post, POST, POST);
    verb!(put, PUT, PUT);
    verb!(delete, DELETE, DELETE);

    fn add<H, T>(
        mut self,
        path: &'static str,
        filter: MethodFilter,
        method: Method,
        handler: H,
    ) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.router = self.router.route(path, on(filter, handler));
        self.table.push((method, path));
        self
    }

    /// Adds another resource's routes.
    #[must_use]
    pub fn merge(mut self, other: Routes) -> Self {
        self.router = self.router.merge(other.router);
        self.table.extend(other.table);
        self
    }

    pub fn into_parts(self) -> (Router<AppState>, Vec<(Method, &'static str)>) {
        (self.router, self.table)
    }
}

/// A served route pattern a path matched: its position in the table's distinct patterns
/// (what per-route state is indexed by) and the pattern itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct MatchedRoute {
    pub index: usize,
    pub pattern: &'static str,
}

/// The route patterns served, looked up once per request at the edge, in front of the
/// router. Both use the same matcher with the same patterns, so a path matches here exactly
/// when the router dispatches it to one of the routes (whatever its method).
pub(super) struct RouteMatcher {
    matcher: matchit::Router<usize>,
    patterns: Vec<&'static str>,
}

impl RouteMatcher {
    /// The matcher of `table`'s distinct patterns. A pattern the matcher refuses (the router
    /// would have refused it first, at startup) is left out: its requests count as unmatched.
    pub fn new(table: &[(Method, &'static str)]) -> Self {
        let mut matcher = matchit::Router::new();
        let mut patterns = Vec::new();
        for &(_, pattern) in table {
            if patterns.contains(&pattern) {
                continue;
            }
            match matcher.insert(pattern, patterns.len()) {
                Ok(()) => patterns.push(pattern),
                Err(error) => tracing::warn!(%error, pattern, "route pattern left unmatched"),
            }
        }
        RouteMatcher { matcher, patterns }
    }

    /// The pattern `path` matches, if any.
    pub fn lookup(&self, path: &str) -> Option<MatchedRoute> {
        let index = *self.matcher.at(path).ok()?.value;
        Some(MatchedRoute {
            index,
            pattern: self.patterns.get(index)?,
        })
    }

    /// The distinct patterns, in the order of their indexes.
    pub fn patterns(&self) -> &[&'static str] {
        &self.patterns
    }
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::body::Body;
    use axum::extract::MatchedPath;
    use axum::routing::any;
    use tower::ServiceExt as _;

    use super::RouteMatcher;

    /// Paths a client may send, odd ones included; each is routed by axum and looked up.
    const PATHS: [&str; 18] = [
        "/",
        "/schemas/ids/1",
        "/schemas/ids/1/",
        "/schemas/ids/1/schema",
        "/schemas/ids//schema",
        "/schemas/ids/%7Bid%7D",
        "/subjects",
        "/subjects/",
        "/subjects/a%2Fb/versions",
        "/subjects/a/versions/latest/schema",
        "/subjects/a/versions/latest/schema/extra",
        "/config",
        "/config/x",
        "/mode/%00",
        "/SUBJECTS",
        "//subjects",
        "/subjects/{subject}",
        "/compatibility/subjects/a/versions/1",
    ];

    #[tokio::test]
    async fn the_edge_and_the_router_agree_on_every_route() {
        let table = crate::api::route_table();
        let matcher = RouteMatcher::new(&table);
        // Every pattern is kept, once.
        let mut distinct: Vec<&str> = table.iter().map(|&(_, p)| p).collect();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(matcher.patterns().len(), distinct.len());

        // What axum reports as the matched path for the same patterns.
        let mut router = Router::new();
        for pattern in matcher.patterns() {
            router = router.route(
                pattern,
                any(|path: MatchedPath| async move { path.as_str().to_owned() }),
            );
        }
        let examples = matcher.patterns().iter().map(|p| example(p));
        for path in PATHS.iter().map(|p| (*p).to_owned()).chain(examples) {
            let request = http::Request::get(&path)
                .body(Body::empty())
                .expect("request");
            let response = router.clone().oneshot(request).await.expect("infallible");
            let routed = if response.status() == 404 {
                None
            } else {
                let body = axum::body::to_bytes(response.into_body(), 1024)
                    .await
                    .expect("body");
                Some(String::from_utf8(body.to_vec()).expect("utf-8"))
            };
            let looked_up = matcher.lookup(&path).map(|m| m.pattern.to_owned());
            assert_eq!(looked_up, routed, "{path}");
            if let Some(found) = matcher.lookup(&path) {
                assert_eq!(matcher.patterns()[found.index], found.pattern);
            }
        }
    }

    /// A path `pattern` matches: every parameter replaced by a value.
    fn example(pattern: &str) -> String {
        pattern
            .split('/')
            .map(|segment| match segment.strip_prefix('{') {
                Some(_) => "v1",
                None => segment,
            })
            .collect::<Vec<_>>()
            .join("/")
    }

    #[test]
    fn a_path_outside_the_table_matches_nothing() {
        let matcher = RouteMatcher::new(&crate::api::route_table());
        for path in [
            "/nope",
            "/schemas/ids",
            "",
            "schemas/ids/1",
            "/subjects/a/b/c/d/e/f",
        ] {
            assert_eq!(matcher.lookup(path), None, "{path}");
        }
    }
}
