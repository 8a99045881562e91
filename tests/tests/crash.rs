//! kill -9 during a registration load, then restart: every registration that was answered
//! 200 is there, with the id and version it was answered with.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use registry_tests::process::{ServerProcess, get_json};
use serde_json::{Value, json};

const WRITERS: usize = 8;
/// Upper bound on registrations per writer (the load is also bounded in time).
const MAX_PER_WRITER: usize = 2_000;

async fn acknowledged_writes_survive_kill_9(database_url: &str) {
    let bin = env!("CARGO_BIN_EXE_sr-under-test");
    let mut server = ServerProcess::start(bin, database_url).await;
    let base = server.base.clone();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for writer in 0..WRITERS {
        let (client, base, stop) = (client.clone(), base.clone(), Arc::clone(&stop));
        writers.push(tokio::spawn(async move {
            let mut acks = Vec::new();
            for i in 0..MAX_PER_WRITER {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let subject = format!("crash-{writer}");
                let schema = format!(r#"{{"type":"record","name":"C{writer}N{i}","fields":[]}}"#);
                // Each schema is a new record name: BACKWARD would refuse it, so force.
                let sent = client
                    .post(format!("{base}/subjects/{subject}/versions?force=true"))
                    .json(&json!({"schema": schema}))
                    .send()
                    .await;
                let Ok(response) = sent else { break };
                if !response.status().is_success() {
                    break;
                }
                let Ok(body) = response.json::<Value>().await else {
                    break;
                };
                acks.push((
                    subject,
                    schema,
                    body["id"].as_i64(),
                    body["version"].as_i64(),
                ));
            }
            acks
        }));
    }
    // Let the load run, then kill the server mid-flight.
    let started = Instant::now();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    server.kill_9();
    stop.store(true, Ordering::Relaxed);
    let mut acks = Vec::new();
    for writer in writers {
        acks.extend(writer.await.expect("writer"));
    }
    assert!(
        acks.len() > 50,
        "the load made progress before the kill ({} acks in {:?})",
        acks.len(),
        started.elapsed()
    );

    let restarted = ServerProcess::start(bin, database_url).await;
    for (subject, schema, id, version) in &acks {
        let (Some(id), Some(version)) = (id, version) else {
            panic!("an acknowledged answer without id/version");
        };
        let body: Value = get_json(
            &client,
            &format!("{}/subjects/{subject}/versions/{version}", restarted.base),
        )
        .await;
        assert_eq!(
            body["id"].as_i64(),
            Some(*id),
            "{subject} v{version} lost after kill -9: {body}"
        );
        assert_eq!(body["schema"].as_str(), Some(schema.as_str()));
    }
    eprintln!("{} acknowledged registrations survived kill -9", acks.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_keeps_every_acknowledged_registration() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("crash.db").display());
    acknowledged_writes_survive_kill_9(&url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[cfg_attr(
    not(postgres_tests),
    ignore = "set TEST_DATABASE_URL to run PostgreSQL tests"
)]
async fn postgres_keeps_every_acknowledged_registration() {
    let (url, name) = registry_tests::postgres::create_database().await;
    acknowledged_writes_survive_kill_9(&url).await;
    registry_tests::postgres::drop_database_detached(name);
}

/// SIGTERM: the server stops accepting, finishes what it serves, and exits 0; the data is intact.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_shuts_down_cleanly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("term.db").display());
    let bin = env!("CARGO_BIN_EXE_sr-under-test");
    let mut server = ServerProcess::start(bin, &url).await;
    let client = reqwest::Client::new();
    let registered = client
        .post(format!("{}/subjects/t/versions", server.base))
        .json(&json!({"schema": "\"string\""}))
        .send()
        .await
        .expect("reachable");
    assert!(registered.status().is_success());
    let status = server.terminate(Duration::from_secs(10)).await;
    assert!(status.success(), "exit status after SIGTERM: {status}");
    let restarted = ServerProcess::start(bin, &url).await;
    let versions: Value =
        get_json(&client, &format!("{}/subjects/t/versions", restarted.base)).await;
    assert_eq!(versions, json!([1]));
}
