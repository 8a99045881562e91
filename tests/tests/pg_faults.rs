//! PostgreSQL drops the registry's connections in the middle of a registration load
//! (`pg_terminate_backend`, as a failover or an administrator would): requests in flight
//! fail with 50001 at worst, no acknowledged write is lost, the pools and the change
//! listeners reconnect by themselves, and a node whose listener missed changes drops its
//! caches.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use registry_tests::postgres;
use registry_tests::process::ServerProcess;
use serde_json::{Value, json};
use sqlx::Connection as _;

const WRITERS: usize = 4;

/// Ends every connection to `database` but the caller's; answers how many were ended.
async fn terminate_connections(database: &str) -> i64 {
    let mut admin = sqlx::PgConnection::connect(&postgres::admin_url())
        .await
        .expect("admin connection");
    let ended: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = $1 AND pid <> pg_backend_pid()",
    )
    .bind(database)
    .fetch_all(&mut admin)
    .await
    .expect("terminate backends");
    ended.into_iter().filter(|ok| *ok).count() as i64
}

/// One registration: `Ok((id, version))`, or the status and body of a refusal.
async fn register(
    client: &reqwest::Client,
    base: &str,
    subject: &str,
    schema: &str,
) -> Result<(i64, i64), (u16, Value)> {
    let response = client
        .post(format!("{base}/subjects/{subject}/versions"))
        .json(&json!({ "schema": schema }))
        .send()
        .await
        .expect("the node answers (a hang or a dropped connection fails the test)");
    let status = response.status().as_u16();
    let body: Value = response.json().await.expect("a JSON body");
    if status == 200 {
        Ok((
            body["id"].as_i64().expect("id"),
            body["version"].as_i64().expect("version"),
        ))
    } else {
        Err((status, body))
    }
}

fn schema(writer: usize, i: usize) -> String {
    format!(r#"{{"type":"record","name":"W{writer}N{i}","fields":[]}}"#)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[cfg_attr(
    not(postgres_tests),
    ignore = "set TEST_DATABASE_URL to run PostgreSQL tests"
)]
async fn terminated_connections_lose_no_acknowledged_write_and_recover() {
    let (url, database) = postgres::create_database().await;
    let bin = env!("CARGO_BIN_EXE_sr-under-test");
    let node_a = ServerProcess::start(bin, &url).await;
    let node_b = ServerProcess::start(bin, &url).await;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client");
    let put = client
        .put(format!("{}/config", node_a.base))
        .json(&json!({"compatibility": "NONE"}))
        .send()
        .await
        .expect("config");
    assert!(put.status().is_success());

    // Node B caches a positive lookup whose version is then deleted behind its back (no
    // notification at all, like one sent while its listener is away).
    let cached = r#"{"type":"record","name":"Cached","fields":[]}"#;
    register(&client, &node_a.base, "cached", cached)
        .await
        .expect("register the cached schema");
    let lookup = |base: String| {
        let client = client.clone();
        async move {
            client
                .post(format!("{base}/subjects/cached"))
                .json(&json!({ "schema": cached }))
                .send()
                .await
                .expect("lookup answers")
                .status()
                .as_u16()
        }
    };
    assert_eq!(lookup(node_b.base.clone()).await, 200);

    // The load: writers on both nodes until told to stop, recording every answer.
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..WRITERS)
        .map(|writer| {
            let base = if writer % 2 == 0 {
                node_a.base.clone()
            } else {
                node_b.base.clone()
            };
            let (client, stop) = (client.clone(), Arc::clone(&stop));
            tokio::spawn(async move {
                let mut answers = Vec::new();
                let mut i = 0;
                while !stop.load(Ordering::Relaxed) && i < 5_000 {
                    let text = schema(writer, i);
                    let subject = format!("load-{writer}");
                    answers.push((
                        text.clone(),
                        register(&client, &base, &subject, &text).await,
                    ));
                    i += 1;
                }
                answers
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;

    let mut admin = sqlx::PgConnection::connect(&postgres::with_database(&url, &database))
        .await
        .expect("connection for the hidden change");
    sqlx::query("UPDATE subject_versions SET deleted = TRUE WHERE subject = 'cached'")
        .execute(&mut admin)
        .await
        .expect("hidden soft delete");
    drop(admin);
    let ended = terminate_connections(&database).await;
    assert!(ended >= 2, "ended only {ended} registry connections");
    let cut = Instant::now();

    // Service comes back by itself: a registration on each node succeeds within 5 s of
    // the cut (polled; each failure before that must be a 50001).
    for (n, base) in [&node_a.base, &node_b.base].into_iter().enumerate() {
        let mut k = 0;
        loop {
            let text = format!(r#"{{"type":"record","name":"Probe{n}K{k}","fields":[]}}"#);
            match register(&client, base, "probe", &text).await {
                Ok(_) => break,
                Err((status, body)) => {
                    assert_eq!(
                        (status, body["error_code"].as_i64()),
                        (500, Some(50001)),
                        "{body}"
                    );
                    assert!(
                        cut.elapsed() < Duration::from_secs(5),
                        "node {n} still failing 5 s after the cut: {body}"
                    );
                }
            }
            k += 1;
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::Relaxed);

    let mut acknowledged = Vec::new();
    let mut failed = 0;
    for writer in writers {
        for (text, answer) in writer.await.expect("writer task") {
            match answer {
                Ok((id, version)) => acknowledged.push((text, id, version)),
                Err((status, body)) => {
                    assert_eq!(
                        (status, body["error_code"].as_i64()),
                        (500, Some(50001)),
                        "only 50001 may answer a request cut off: {body}"
                    );
                    failed += 1;
                }
            }
        }
    }
    assert!(!acknowledged.is_empty());
    eprintln!(
        "{} registrations acknowledged, {failed} cut off",
        acknowledged.len()
    );

    // No acknowledged write lost: every id reads back as its schema on both nodes.
    for (text, id, _) in &acknowledged {
        for base in [&node_a.base, &node_b.base] {
            let body: Value = client
                .get(format!("{base}/schemas/ids/{id}"))
                .send()
                .await
                .expect("read back")
                .json()
                .await
                .expect("json");
            assert_eq!(body["schema"].as_str(), Some(text.as_str()), "id {id}");
        }
    }

    // Node B reconnected its listener and dropped the lookup it cached before the cut.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let status = lookup(node_b.base.clone()).await;
        if status == 404 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "node B still answers a lookup of a deleted version ({status})"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    drop((node_a, node_b));
    postgres::drop_database_detached(database);
}
