//! Request metrics (`http_requests_total`, `http_request_duration_seconds`) by method, route
//! pattern and status, through handles kept per label set: a request increments two
//! handles it finds by its route's index, under that route's read lock, instead of building
//! and hashing three labels into the recorder's registry.
//!
//! The label sets are bounded: methods are a fixed list, routes come from the route table
//! (or `unmatched`), statuses from what the server answers.

use std::sync::RwLock;
use std::time::Duration;

use http::{Method, StatusCode};
use metrics::{Counter, Histogram};

use super::routes::MatchedRoute;

/// The handles of one (method, status) under a route.
struct Handles {
    method: &'static str,
    status: StatusCode,
    count: Counter,
    duration: Histogram,
}

/// One route's label and the handles seen under it.
struct RouteSlot {
    route: &'static str,
    handles: RwLock<Vec<Handles>>,
}

/// Handles by route: one slot per route pattern, in the route matcher's order, then the
/// slot of requests that matched none.
pub(super) struct RequestMetrics {
    slots: Box<[RouteSlot]>,
}

/// The `route` label of a request that matched no route.
pub(super) const UNMATCHED_ROUTE: &str = "unmatched";

impl RequestMetrics {
    /// Slots for `patterns` (indexed as [`MatchedRoute::index`]) and for unmatched requests.
    pub fn new(patterns: &[&'static str]) -> Self {
        let slot = |route| RouteSlot {
            route,
            handles: RwLock::new(Vec::new()),
        };
        let slots = patterns.iter().copied().map(slot);
        RequestMetrics {
            slots: slots.chain([slot(UNMATCHED_ROUTE)]).collect(),
        }
    }

    /// Counts one request and records how long it took.
    pub fn record(
        &self,
        method: &Method,
        route: Option<MatchedRoute>,
        status: StatusCode,
        took: Duration,
    ) {
        let unmatched = self.slots.len() - 1;
        let index = route.map_or(unmatched, |route| route.index);
        let Some(slot) = self.slots.get(index) else {
            return;
        };
        let method = method_label(method);
        let seconds = took.as_secs_f64();
        // Under the read lock: the handles are used where they are, not cloned.
        let recorded = slot.handles.read().ok().is_some_and(|handles| {
            handles
                .iter()
                .find(|h| h.method == method && h.status == status)
                .map(|h| {
                    h.count.increment(1);
                    h.duration.record(seconds);
                })
                .is_some()
        });
        if !recorded {
            let (count, duration) = slot.register(method, status);
            count.increment(1);
            duration.record(seconds);
        }
    }
}

impl RouteSlot {
    /// The handles of a label set seen for the first time, kept for the next request.
    fn register(&self, method: &'static str, status: StatusCode) -> (Counter, Histogram) {
        let labels = [
            ("method", method.to_owned()),
            ("route", self.route.to_owned()),
            ("status", status.as_u16().to_string()),
        ];
        let count = metrics::counter!("http_requests_total", &labels);
        let duration = metrics::histogram!("http_request_duration_seconds", &labels);
        if let Ok(mut handles) = self.handles.write()
            && !handles
                .iter()
                .any(|h| h.method == method && h.status == status)
        {
            handles.push(Handles {
                method,
                status,
                count: count.clone(),
                duration: duration.clone(),
            });
        }
        (count, duration)
    }
}

/// The `method` label: a standard method's name, `other` for any method a client made up
/// (hyper accepts any token as a method, and each would otherwise mint new series).
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        Method::PATCH => "PATCH",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_label_is_fixed_for_made_up_methods() {
        assert_eq!(method_label(&Method::GET), "GET");
        assert_eq!(method_label(&Method::PATCH), "PATCH");
        assert_eq!(method_label(&Method::TRACE), "other");
        for raw in ["M0001", "get", "BREW", "X-ANYTHING"] {
            let method = Method::from_bytes(raw.as_bytes()).expect("a token");
            assert_eq!(method_label(&method), "other", "{raw}");
        }
    }

    const SUBJECTS: MatchedRoute = MatchedRoute {
        index: 0,
        pattern: "/subjects",
    };

    #[test]
    fn a_label_set_is_kept_once() {
        let metrics = RequestMetrics::new(&["/subjects", "/config"]);
        for _ in 0..3 {
            metrics.record(
                &Method::GET,
                Some(SUBJECTS),
                StatusCode::OK,
                Duration::from_millis(1),
            );
        }
        metrics.record(
            &Method::GET,
            Some(SUBJECTS),
            StatusCode::NOT_FOUND,
            Duration::ZERO,
        );
        metrics.record(
            &Method::from_bytes(b"BREW").expect("a token"),
            Some(SUBJECTS),
            StatusCode::OK,
            Duration::ZERO,
        );
        metrics.record(&Method::GET, None, StatusCode::NOT_FOUND, Duration::ZERO);
        let labels = |index: usize| -> Vec<(&str, u16)> {
            let slot = &metrics.slots[index];
            let handles = slot.handles.read().expect("lock");
            handles
                .iter()
                .map(|h| (h.method, h.status.as_u16()))
                .collect()
        };
        assert_eq!(labels(0), [("GET", 200), ("GET", 404), ("other", 200)]);
        assert_eq!(labels(1), []);
        assert_eq!(metrics.slots[2].route, UNMATCHED_ROUTE);
        assert_eq!(labels(2), [("GET", 404)]);
    }

    #[test]
    fn every_request_is_counted_and_timed() {
        let recorder = metrics_exporter_prometheus::PrometheusBuilder::new().build_recorder();
        let handle = recorder.handle();
        let by_id = MatchedRoute {
            index: 0,
            pattern: "/schemas/ids/{id}",
        };
        let metrics = RequestMetrics::new(&[by_id.pattern]);
        metrics::with_local_recorder(&recorder, || {
            // The first registers the label set; the others find its handles.
            for _ in 0..3 {
                metrics.record(
                    &Method::GET,
                    Some(by_id),
                    StatusCode::OK,
                    Duration::from_millis(2),
                );
            }
            metrics.record(
                &Method::GET,
                Some(by_id),
                StatusCode::NOT_FOUND,
                Duration::ZERO,
            );
        });
        let text = handle.render();
        let value = |series: &str| {
            text.lines()
                .find(|line| line.starts_with(series) && line.contains(r#"status="200""#))
                .and_then(|line| line.rsplit(' ').next())
                .unwrap_or_else(|| panic!("no {series} for status 200 in\n{text}"))
                .to_owned()
        };
        assert_eq!(value("http_requests_total{"), "3");
        assert_eq!(value("http_request_duration_seconds_count{"), "3");
        assert!(text.contains(r#"route="/schemas/ids/{id}""#), "{text}");
        assert!(
            text.lines()
                .any(|line| line.starts_with("http_requests_total{")
                    && line.contains(r#"status="404""#)
                    && line.ends_with(" 1")),
            "{text}"
        );
    }
}
