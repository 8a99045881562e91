//! Request metrics (`http_requests_total`, `http_request_duration_seconds`) by method, route
//! pattern and status, through handles kept per label set: a request increments two
//! handles it finds under a read lock instead of building and hashing three labels into the
//! recorder's registry.
//!
//! The label sets are bounded: methods are a fixed list, routes come from the route table
//! (or `unmatched`), statuses from what the server answers.

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::Duration;

use http::{Method, StatusCode};
use metrics::{Counter, Histogram};

/// The handles of one (method, status) under a route.
struct Handles {
    method: &'static str,
    status: StatusCode,
    count: Counter,
    duration: Histogram,
}

/// Handles by route pattern.
#[derive(Default)]
pub(super) struct RequestMetrics {
    routes: RwLock<HashMap<String, Vec<Handles>>>,
}

impl RequestMetrics {
    /// Counts one request and records how long it took.
    pub fn record(&self, method: &Method, route: &str, status: StatusCode, took: Duration) {
        let method = method_label(method);
        let seconds = took.as_secs_f64();
        // Under the read lock: the handles are used where they are, not cloned.
        let recorded = self.routes.read().ok().is_some_and(|routes| {
            routes
                .get(route)
                .and_then(|handles| {
                    handles
                        .iter()
                        .find(|h| h.method == method && h.status == status)
                })
                .map(|h| {
                    h.count.increment(1);
                    h.duration.record(seconds);
                })
                .is_some()
        });
        if !recorded {
            let (count, duration) = self.register(method, route, status);
            count.increment(1);
            duration.record(seconds);
        }
    }

    /// The handles of a label set seen for the first time, kept for the next request.
    fn register(
        &self,
        method: &'static str,
        route: &str,
        status: StatusCode,
    ) -> (Counter, Histogram) {
        let labels = [
            ("method", method.to_owned()),
            ("route", route.to_owned()),
            ("status", status.as_u16().to_string()),
        ];
        let count = metrics::counter!("http_requests_total", &labels);
        let duration = metrics::histogram!("http_request_duration_seconds", &labels);
        if let Ok(mut routes) = self.routes.write() {
            let handles = routes.entry(route.to_owned()).or_default();
            if !handles
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

    #[test]
    fn a_label_set_is_kept_once() {
        let metrics = RequestMetrics::default();
        for _ in 0..3 {
            metrics.record(
                &Method::GET,
                "/subjects",
                StatusCode::OK,
                Duration::from_millis(1),
            );
        }
        metrics.record(
            &Method::GET,
            "/subjects",
            StatusCode::NOT_FOUND,
            Duration::ZERO,
        );
        metrics.record(
            &Method::from_bytes(b"BREW").expect("a token"),
            "/subjects",
            StatusCode::OK,
            Duration::ZERO,
        );
        let routes = metrics.routes.read().expect("lock");
        assert_eq!(routes.len(), 1);
        let labels: Vec<(&str, u16)> = routes["/subjects"]
            .iter()
            .map(|h| (h.method, h.status.as_u16()))
            .collect();
        assert_eq!(labels, [("GET", 200), ("GET", 404), ("other", 200)]);
    }

    #[test]
    fn every_request_is_counted_and_timed() {
        let recorder = metrics_exporter_prometheus::PrometheusBuilder::new().build_recorder();
        let handle = recorder.handle();
        let metrics = RequestMetrics::default();
        metrics::with_local_recorder(&recorder, || {
            // The first registers the label set; the others find its handles.
            for _ in 0..3 {
                metrics.record(
                    &Method::GET,
                    "/schemas/ids/{id}",
                    StatusCode::OK,
                    Duration::from_millis(2),
                );
            }
            metrics.record(
                &Method::GET,
                "/schemas/ids/{id}",
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
        assert!(
            text.lines()
                .any(|line| line.starts_with("http_requests_total{")
                    && line.contains(r#"status="404""#)
                    && line.ends_with(" 1")),
            "{text}"
        );
    }
}
