//! What every API request goes through after routing, in one service: metrics and server-error
//! logs, the time limit, panics turned into 50001, the follower's write refusal, media types,
//! authentication and the body limit.
//!
//! One hand-written layer rather than a stack of `from_fn` middlewares: each of those boxes
//! and clones the rest of the stack per request, which cost the hottest reads a third of
//! their instructions (README, Benchmarks).

use std::convert::Infallible;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::response::{IntoResponse, Response};
use futures::FutureExt as _;
use http::HeaderValue;
use http::header::CONTENT_TYPE;

use super::request_metrics::RequestMetrics;
use super::{ApiError, Limits, auth, content, follow};
use crate::auth::Authenticator;
use crate::topic::follow::FollowStatus;

/// The largest body a request may send, in its extensions for the body extractors (which
/// apply [`Limits::default`]'s when it is absent).
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

/// What the edge needs, shared by every route.
pub(super) struct EdgeState {
    pub auth: Authenticator,
    pub follow: Option<Arc<FollowStatus>>,
    pub limits: Limits,
    pub metrics: RequestMetrics,
}

/// The layer wrapping every route (and the fallbacks) in [`Edge`].
#[derive(Clone)]
pub(super) struct EdgeLayer(pub Arc<EdgeState>);

impl<S> tower::Layer<S> for EdgeLayer {
    type Service = Edge<S>;

    fn layer(&self, inner: S) -> Edge<S> {
        Edge {
            inner,
            state: Arc::clone(&self.0),
        }
    }
}

/// A route behind the edge.
#[derive(Clone)]
pub(super) struct Edge<S> {
    inner: S,
    state: Arc<EdgeState>,
}

impl<S> tower::Service<Request> for Edge<S>
where
    S: tower::Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        // The route itself is made ready when it is called (`oneshot`).
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let inner = self.inner.clone();
        let state = Arc::clone(&self.state);
        Box::pin(async move { Ok(observed(&state, inner, request).await) })
    }
}

/// The request through the time limit and panic guard, measured and, when it fails on the
/// server's side, logged. Labels come from the server only: the method from a fixed list,
/// the route from the route table.
async fn observed<S>(state: &EdgeState, inner: S, request: Request) -> Response
where
    S: tower::Service<Request, Response = Response, Error = Infallible> + Send + 'static,
    S::Future: Send + 'static,
{
    let started = Instant::now();
    let method = request.method().clone();
    let route = request.extensions().get::<MatchedPath>().cloned();
    // A limit too large to add to the clock has no deadline at all.
    let deadline = started.checked_add(state.limits.request_timeout);
    let response = guarded(state, inner, request, deadline).await;
    let route = route.as_ref().map(MatchedPath::as_str);
    let status = response.status();
    if status.is_server_error()
        && let Some(error) = response.extensions().get::<ApiError>()
    {
        tracing::error!(%method, route = route.unwrap_or(UNMATCHED_ROUTE), code = error.code, message = %error.message, "request failed");
    }
    state.metrics.record(
        &method,
        route.unwrap_or(UNMATCHED_ROUTE),
        status,
        started.elapsed(),
    );
    response
}

/// The `route` label of a request that matched no route.
pub(super) const UNMATCHED_ROUTE: &str = "unmatched";

/// Ends a request still running at `deadline` with Confluent's 50002, and one whose
/// handler panicked with 50001.
async fn guarded<S>(
    state: &EdgeState,
    inner: S,
    request: Request,
    deadline: Option<Instant>,
) -> Response
where
    S: tower::Service<Request, Response = Response, Error = Infallible> + Send + 'static,
    S::Future: Send + 'static,
{
    let work = AssertUnwindSafe(admitted(state, inner, request)).catch_unwind();
    match before(deadline, work).await {
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
/// answered from the caches at once (most reads) never touches the timer wheel.
async fn before<F: Future>(deadline: Option<Instant>, work: F) -> Option<F::Output> {
    let mut work = std::pin::pin!(work);
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
async fn admitted<S>(state: &EdgeState, inner: S, mut request: Request) -> Response
where
    S: tower::Service<Request, Response = Response, Error = Infallible> + Send + 'static,
    S::Future: Send + 'static,
{
    let who = match auth::who(&state.auth, &mut request).await {
        Ok(who) => who,
        Err(refused) => return refused,
    };
    let media_type = match content::negotiate(&request) {
        Ok(media_type) => media_type,
        Err(error) => return error.into_response(),
    };
    if let Some(refusal) = follow::refusal(state.follow.as_deref(), &request) {
        return refusal.into_response();
    }
    let extensions = request.extensions_mut();
    extensions.insert(who);
    // The body extractors read the default limit when none is given.
    if state.limits.max_body_bytes != Limits::default().max_body_bytes {
        extensions.insert(BodyLimit(state.limits.max_body_bytes));
    }
    let mut response = match tower::ServiceExt::oneshot(inner, request).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    if let Some(media_type) = media_type {
        response
            .headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static(media_type));
    }
    response
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use axum::Router;
    use axum::body::Body;
    use axum::routing::{get, post};
    use tower::ServiceExt as _;

    use super::{EdgeLayer, EdgeState, before};
    use crate::api::Limits;
    use crate::api::extract::ApiJson;
    use crate::api::request_metrics::RequestMetrics;
    use crate::auth::Authenticator;

    /// Fails instead of hanging when the deadline does not end `work`.
    async fn bounded<F: std::future::Future>(work: F) -> F::Output {
        tokio::time::timeout(Duration::from_secs(10), work)
            .await
            .expect("the deadline did not end the work")
    }

    #[tokio::test]
    async fn a_deadline_ends_work_that_does_not_finish() {
        let deadline = Instant::now() + Duration::from_millis(20);
        let work = before(Some(deadline), std::future::pending::<()>());
        assert_eq!(bounded(work).await, None);
    }

    #[tokio::test]
    async fn work_that_finishes_keeps_its_output() {
        // At the first poll, even past the deadline (as `tokio::time::timeout` does).
        let past = Instant::now();
        assert_eq!(before(Some(past), std::future::ready(5)).await, Some(5));
        assert_eq!(before(None, std::future::ready(6)).await, Some(6));
        // After waiting, with the timer armed.
        let later = Instant::now() + Duration::from_secs(30);
        let waits = async {
            tokio::time::sleep(Duration::from_millis(5)).await;
            7
        };
        assert_eq!(before(Some(later), waits).await, Some(7));
    }

    fn edge(limits: Limits) -> EdgeLayer {
        EdgeLayer(std::sync::Arc::new(EdgeState {
            auth: Authenticator::disabled(),
            follow: None,
            limits,
            metrics: RequestMetrics::default(),
        }))
    }

    /// The status a JSON body of `size` bytes gets through an edge with `limits`.
    async fn status_of_body(limits: Limits, size: usize) -> http::StatusCode {
        let app = Router::new()
            .route(
                "/echo",
                post(|ApiJson(_): ApiJson<serde_json::Value>| async { "read" }),
            )
            .layer(edge(limits));
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
        let edge = edge(Limits {
            request_timeout: Duration::from_millis(50),
            ..Limits::default()
        });
        let app = Router::new()
            .route("/slow", get(std::future::pending::<&'static str>))
            .route("/fast", get(|| async { "fast" }))
            .layer(edge);
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
