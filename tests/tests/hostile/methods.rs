//! Made-up HTTP methods do not mint metric series: labels come from the route table and the
//! known methods only (fifty methods made fifty new `method` label values).

use registry_tests::Backend;
use registry_tests::hostile::assert_handled;
use reqwest::Method;

use super::server;

/// The `http_requests_total` series `/metrics` exposes now.
async fn request_series(server: &mut registry_tests::hostile::HostileServer) -> Vec<String> {
    let metrics = server.get("/metrics").await;
    assert_eq!(
        metrics.status,
        reqwest::StatusCode::OK,
        "{}",
        metrics.describe()
    );
    metrics
        .text
        .lines()
        .filter(|line| line.starts_with("http_requests_total{"))
        .map(|line| {
            line.rsplit_once(' ')
                .map_or(line, |(series, _)| series)
                .to_owned()
        })
        .collect()
}

async fn made_up_methods_add_few_series(backend: Backend) {
    let mut server = server(backend, &[]).await;
    // Known traffic first, so its series exist before the count.
    let _ = server.get("/subjects").await;
    let _ = request_series(&mut server).await;
    let before = request_series(&mut server).await;
    for i in 0..50 {
        let name = format!("M{i:04}");
        let method = Method::from_bytes(name.as_bytes()).expect("a valid method token");
        for path in ["/subjects", "/schemas/ids/1", "/nowhere"] {
            let request = server.request(method.clone(), path);
            let reply = server.send(&format!("{name} {path}"), request).await;
            assert_handled(&format!("{name} {path}"), &reply);
        }
    }
    let after = request_series(&mut server).await;
    let new: Vec<&String> = after.iter().filter(|s| !before.contains(s)).collect();
    assert!(
        new.len() <= 6,
        "150 requests with 50 made-up methods added {} series, e.g. {:?}",
        new.len(),
        new.iter().take(5).collect::<Vec<_>>()
    );
    assert!(
        !after.iter().any(|s| s.contains("M00")),
        "a client-chosen method became a label value"
    );
    server.assert_alive("made-up methods").await;
}

on_both_backends!(made_up_methods_add_few_series);
