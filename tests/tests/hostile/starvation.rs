//! Four clients sending the heaviest schemas for 10 s do not starve a fifth reading
//! `GET /schemas/ids/{id}`: CPU work runs off the async workers (four 800-branch checks made
//! those reads time out).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use registry_tests::Backend;
use registry_tests::hostile::{json_one_of, json_ref_chain};
use reqwest::{Method, StatusCode};
use serde_json::json;

use super::{json_schema, server};

/// How long the heavy load runs.
const LOAD: Duration = Duration::from_secs(10);
/// A generous bound for one cheap read under load (the issue's reads timed out at 10 s).
const READ_WITHIN: Duration = Duration::from_secs(5);

async fn cheap_reads_answer_under_heavy_load(backend: Backend) {
    let mut server = server(backend, &[]).await;
    let small = server
        .json(
            Method::POST,
            "/subjects/small/versions",
            &json_schema(r#"{"type":"string"}"#),
        )
        .await;
    assert_eq!(small.status, StatusCode::OK, "{}", small.describe());
    let id = small.body["id"].as_i64().expect("id");
    let wide = server
        .json(
            Method::POST,
            "/subjects/wide/versions",
            &json_schema(&json_one_of(800, "string")),
        )
        .await;
    assert!(!wide.status.is_server_error(), "{}", wide.describe());

    let stop = Arc::new(AtomicBool::new(false));
    let heavy_bodies = [
        json_schema(&json_one_of(800, "integer")),
        json_schema(&json_one_of(800, "number")),
        json_schema(&json_ref_chain(50, "integer")),
        json_schema(&json_one_of(800, "boolean")),
    ];
    let mut heavy = Vec::new();
    for body in heavy_bodies {
        let client = server.client.clone();
        let url = format!(
            "{}/compatibility/subjects/wide/versions/latest",
            server.base
        );
        let stop = Arc::clone(&stop);
        heavy.push(tokio::spawn(async move {
            let mut statuses = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let sent = client
                    .post(&url)
                    .header("Content-Type", registry_tests::hostile::SR_JSON)
                    .body(body.to_string())
                    .send()
                    .await;
                statuses.push(sent.map(|r| r.status()).map_err(|e| e.to_string()));
            }
            statuses
        }));
    }
    // Let the heavy requests get going, then read.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let reader = server.client.clone();
    let url = format!("{}/schemas/ids/{id}", server.base);
    let started = Instant::now();
    let mut reads = 0;
    let mut slowest = Duration::ZERO;
    while started.elapsed() < LOAD {
        let sent = Instant::now();
        let answer = tokio::time::timeout(READ_WITHIN, async {
            let response = reader.get(&url).send().await?;
            let status = response.status();
            response.text().await.map(|_| status)
        })
        .await;
        let took = sent.elapsed();
        match answer {
            Ok(Ok(status)) => assert_eq!(status, StatusCode::OK, "read {reads}"),
            Ok(Err(error)) => panic!("read {reads} under load failed after {took:?}: {error}"),
            Err(_) => panic!("read {reads} under load: no answer within {READ_WITHIN:?}"),
        }
        slowest = slowest.max(took);
        reads += 1;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stop.store(true, Ordering::Relaxed);
    eprintln!("{reads} reads under load, slowest {slowest:?}");
    // Heavy requests still in flight are not waited for: the server is killed with the test.
    for task in heavy {
        if let Ok(Ok(statuses)) = tokio::time::timeout(Duration::from_millis(100), task).await {
            for status in statuses.into_iter().flatten() {
                assert!(!status.is_server_error(), "a heavy check answered {status}");
            }
        }
    }
    let config = server.get("/config").await;
    assert_eq!(
        config.body,
        json!({"compatibilityLevel": "BACKWARD"}),
        "{}",
        config.describe()
    );
}

on_both_backends!(cheap_reads_answer_under_heavy_load);
