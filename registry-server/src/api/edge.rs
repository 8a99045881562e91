//! What every API request goes through, in one service around the whole router: metrics and
//! server-error logs, the time limit, panics turned into 50001, the follower's write refusal,
//! media types, authentication and the body limit.
//!
//! One hand-written service rather than a stack of `from_fn` middlewares, and around the
//! router rather than layered on each route: each middleware, and each layer axum puts on a
//! route, boxes and clones the rest of the stack per request, which cost the hottest reads a
//! third of their instructions (README, Benchmarks). The edge looks up the route pattern
//! itself, with the router's matcher ([`RouteMatcher`]), and answers the plain by-id read
//! without the router ([`DirectReads`]), after the same checks.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use axum::Router;
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use futures::FutureExt as _;
use http::HeaderValue;
use http::header::CONTENT_TYPE;

use super::direct::DirectReads;
use super::request_metrics::{RequestMetrics, UNMATCHED_ROUTE};
use super::routes::{MatchedRoute, RouteMatcher};
use super::{ApiError, Limits, auth, content, follow};
use crate::auth::Authenticator;
use crate::topic::follow::FollowStatus;

/// The largest body a request may send, in its extensions for the body extractors (which
/// apply [`Limits::default`]'s when it is absent).
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

/// What the edge needs, shared by every request.
pub(super) struct EdgeState {
    pub auth: Authenticator,
    pub follow: Option<Arc<FollowStatus>>,
    pub limits: Limits,
    pub routes: RouteMatcher,
    pub metrics: RequestMetrics,
    /// Reads answered here rather than by the router.
    pub direct: Option<DirectReads>,
}

impl EdgeState {
    /// An edge with authentication off, no follower and no route labels (routes of a
    /// caller's own), within `limits`.
    pub fn open(limits: Limits) -> Self {
        EdgeState::new(
            Authenticator::disabled(),
            None,
            limits,
            RouteMatcher::new(&[]),
        )
    }

    /// The edge of the routes in `routes` (its metrics have a slot for each).
    pub fn new(
        auth: Authenticator,
        follow: Option<Arc<FollowStatus>>,
        limits: Limits,
        routes: RouteMatcher,
    ) -> Self {
        let metrics = RequestMetrics::new(routes.patterns());
        EdgeState {
            auth,
            follow,
            limits,
            routes,
            metrics,
            direct: None,
        }
    }

    /// This edge answering `direct`'s reads itself.
    pub fn with_direct(self, direct: Option<DirectReads>) -> Self {
        EdgeState { direct, ..self }
    }
}

/// The API: its router behind the edge.
#[derive(Clone)]
pub struct Edge {
    router: Router,
    state: Arc<EdgeState>,
}

/// An answer on its way.
pub type EdgeFuture = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

impl Edge {
    pub(super) fn new(router: Router, state: EdgeState) -> Self {
        Edge {
            router,
            state: Arc::new(state),
        }
    }

    /// Answers `request`, which came from `peer` (when known).
    pub fn serve(&self, request: Request, peer: Option<SocketAddr>) -> EdgeFuture {
        let router = self.router.clone();
        let state = Arc::clone(&self.state);
        Box::pin(async move { Ok(observed(&state, router, request, peer).await) })
    }
}

/// As [`Edge::serve`], the peer unknown.
impl tower::Service<Request> for Edge {
    type Response = Response;
    type Error = Infallible;
    type Future = EdgeFuture;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        // The router is always ready.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> Self::Future {
        self.serve(request, None)
    }
}

/// The request through the time limit and panic guard, measured and, when it fails on the
/// server's side, logged. Labels come from the server only: the method from a fixed list,
/// the route from the route table.
async fn observed(
    state: &EdgeState,
    router: Router,
    request: Request,
    peer: Option<SocketAddr>,
) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = state.routes.lookup(request.uri().path());
    // A limit too large to add to the clock has no deadline at all.
    let deadline = started.checked_add(state.limits.request_timeout);
    let response = guarded(state, router, request, route, peer, deadline).await;
    let status = response.status();
    if status.is_server_error()
        && let Some(error) = response.extensions().get::<ApiError>()
    {
        let route = route.map_or(UNMATCHED_ROUTE, |r| r.pattern);
        tracing::error!(%method, route, code = error.code, message = %error.message, "request failed");
    }
    state
        .metrics
        .record(&method, route, status, started.elapsed());
    response
}

/// Ends a request still running at `deadline` with Confluent's 50002, and one whose
/// handler panicked with 50001.
async fn guarded(
    state: &EdgeState,
    router: Router,
    request: Request,
    route: Option<MatchedRoute>,
    peer: Option<SocketAddr>,
    deadline: Option<Instant>,
) -> Response {
    let work = AssertUnwindSafe(admitted(state, router, request, route, peer)).catch_unwind();
    match before(deadline, std::pin::pin!(work)).await {
        Some(Ok(response)) => response,
        Some(Err(_panic)) => {
            tracing::error!("handler panicked");
            ApiError::new(50001, "Internal Server Error").into_response()
        }
        None => ApiError::new(50002, "Operation timed out").into_response(),
    }
}

/// `work`'s output, or `None` once `deadline` has passed first (never without a deadline).
/// The timer is armed only when `work` does not finish at its first poll, so a request
/// answered from the caches at once (most reads) never touches the timer wheel. (`work`
/// comes pinned where its caller holds it: moved in, it would be held twice.)
async fn before<F: Future>(deadline: Option<Instant>, mut work: Pin<&mut F>) -> Option<F::Output> {
    let mut timer: Option<Pin<Box<tokio::time::Sleep>>> = None;
    std::future::poll_fn(|cx| {
        if let Poll::Ready(output) = work.as_mut().poll(cx) {
            return Poll::Ready(Some(output));
        }
        let Some(deadline) = deadline else {
            return Poll::Pending;
        };
        timer
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline.into())))
            .as_mut()
            .poll(cx)
            .map(|()| None)
    })
    .await
}

/// The checks before the handler (authentication, media types, the follower's refusal of
/// writes), then the handler, its answer labelled with the negotiated media type.
async fn admitted(
    state: &EdgeState,
    mut router: Router,
    mut request: Request,
    route: Option<MatchedRoute>,
    peer: Option<SocketAddr>,
) -> Response {
    let pattern = route.map(|r| r.pattern);
    let who = match auth::who(&state.auth, &mut request, pattern, peer).await {
        Ok(who) => who,
        Err(refused) => return refused,
    };
    let media_type = match content::negotiate(&request) {
        Ok(media_type) => media_type,
        Err(error) => return error.into_response(),
    };
    if let Some(refusal) = follow::refusal(state.follow.as_deref(), request.method(), pattern) {
        return refusal.into_response();
    }
    if let Some(direct) = &state.direct
        && let Some(id) = direct.plain_by_id(route, &request)
    {
        return labelled(direct.by_id(&who, id).await, media_type);
    }
    let extensions = request.extensions_mut();
    extensions.insert(who);
    // The body extractors read the default limit when none is given.
    if state.limits.max_body_bytes != Limits::default().max_body_bytes {
        extensions.insert(BodyLimit(state.limits.max_body_bytes));
    }
    let response = match tower::Service::call(&mut router, request).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    labelled(response, media_type)
}

/// `response` with the negotiated media type as its content type (when there is one).
fn labelled(mut response: Response, media_type: Option<&'static str>) -> Response {
    if let Some(media_type) = media_type {
        response
            .headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static(media_type));
    }
    response
}

#[cfg(test)]
mod tests {
    use std::pin::pin;
    use std::time::{Duration, Instant};

    use axum::Router;
    use axum::body::Body;
    use axum::routing::{get, post};
    use tower::ServiceExt as _;

    use super::{Edge, EdgeState, before};
    use crate::api::Limits;
    use crate::api::extract::ApiJson;

    /// Fails instead of hanging when the deadline does not end `work`.
    async fn bounded<F: std::future::Future>(work: F) -> F::Output {
        tokio::time::timeout(Duration::from_secs(10), work)
            .await
            .expect("the deadline did not end the work")
    }

    #[tokio::test]
    async fn a_deadline_ends_work_that_does_not_finish() {
        let deadline = Instant::now() + Duration::from_millis(20);
        let pending = pin!(std::future::pending::<()>());
        assert_eq!(bounded(before(Some(deadline), pending)).await, None);
    }

    #[tokio::test]
    async fn work_that_finishes_keeps_its_output() {
        // At the first poll, even past the deadline (as `tokio::time::timeout` does).
        let past = Instant::now();
        assert_eq!(
            before(Some(past), pin!(std::future::ready(5))).await,
            Some(5)
        );
        assert_eq!(before(None, pin!(std::future::ready(6))).await, Some(6));
        // After waiting, with the timer armed.
        let later = Instant::now() + Duration::from_secs(30);
        let waits = async {
            tokio::time::sleep(Duration::from_millis(5)).await;
            7
        };
        assert_eq!(before(Some(later), pin!(waits)).await, Some(7));
    }

    /// `router` behind an edge with `limits`.
    fn edge(router: Router, limits: Limits) -> Edge {
        Edge::new(router, EdgeState::open(limits))
    }

    /// The status a JSON body of `size` bytes gets through an edge with `limits`.
    async fn status_of_body(limits: Limits, size: usize) -> http::StatusCode {
        let router = Router::new().route(
            "/echo",
            post(|ApiJson(_): ApiJson<serde_json::Value>| async { "read" }),
        );
        let app = edge(router, limits);
        let body = format!("{{\"pad\":\"{}\"}}", "x".repeat(size.saturating_sub(10)));
        let request = http::Request::post("/echo")
            .header("content-type", "application/json")
            .body(Body::from(body))
            .expect("request");
        app.oneshot(request).await.expect("infallible").status()
    }

    #[tokio::test]
    async fn the_body_limit_holds_whether_configured_or_default() {
        let small = Limits {
            max_body_bytes: 64,
            ..Limits::default()
        };
        assert_eq!(status_of_body(small, 32).await, 200);
        assert_eq!(status_of_body(small, 128).await, 413);
        // The default limit is not put in the extensions; the extractors apply it.
        let default = Limits::default().max_body_bytes;
        assert_eq!(status_of_body(Limits::default(), 128).await, 200);
        assert_eq!(status_of_body(Limits::default(), default + 1).await, 413);
    }

    #[tokio::test]
    async fn a_request_over_the_time_limit_is_answered_50002() {
        let router = Router::new()
            .route("/slow", get(std::future::pending::<&'static str>))
            .route("/fast", get(|| async { "fast" }));
        let app = edge(
            router,
            Limits {
                request_timeout: Duration::from_millis(50),
                ..Limits::default()
            },
        );
        let answer = |path: &'static str| {
            let app = app.clone();
            async move {
                let response = app
                    .oneshot(
                        http::Request::get(path)
                            .body(Body::empty())
                            .expect("request"),
                    )
                    .await
                    .expect("infallible");
                let status = response.status();
                let body = axum::body::to_bytes(response.into_body(), 4096)
                    .await
                    .expect("body");
                (status, String::from_utf8_lossy(&body).into_owned())
            }
        };
        let (status, body) = bounded(answer("/slow")).await;
        assert_eq!(status, 500, "{body}");
        assert!(body.contains("50002"), "{body}");
        assert_eq!(
            answer("/fast").await,
            (http::StatusCode::OK, "fast".to_owned())
        );
    }
}
