//! Startup and memory benchmark (DESIGN §10): a SQLite registry holding N schemas (default
//! 100,000) is started as a separate process; measured are the time from spawn to the first
//! answered `GET /`, the resident memory when idle, and the peak after every id was read once.
//!
//! `cargo run --release -p registry-tests --bin bench-startup -- [--schemas N]`
//! Budgets: ready < 1 s; idle < 30 MB; < 300 MB with 100,000 schemas.

use std::time::{Duration, Instant};

use registry_server::domain::SchemaType;
use registry_server::schema::identity::SchemaDigest;
use registry_server::store::{self, SchemaRecord, VersionRecord};

const VERSIONS_PER_SUBJECT: usize = 10;

fn schema_text(i: usize) -> String {
    format!(
        r#"{{"type":"record","name":"R{i}","namespace":"bench.startup","fields":[{{"name":"id","type":"long"}},{{"name":"name","type":"string"}},{{"name":"tags","type":{{"type":"array","items":"string"}}}},{{"name":"score","type":["null","double"],"default":null}}]}}"#
    )
}

/// Writes `count` schemas, `VERSIONS_PER_SUBJECT` per subject, in one transaction.
async fn seed(url: &str, count: usize) -> anyhow::Result<()> {
    let store = store::connect(url, 2).await?;
    let mut tx = store.begin_write(&["seed"]).await?;
    for i in 0..count {
        let id = tx.next_id(".").await?;
        let text = schema_text(i);
        let hash = SchemaDigest::compute(&text, &[], None, None).to_hex();
        tx.insert_schema(&SchemaRecord {
            context: ".".into(),
            id,
            schema_type: SchemaType::Avro,
            schema: text,
            hash,
            references: Vec::new(),
            metadata: None,
            rule_set: None,
            created_at: 0,
        })
        .await?;
        tx.insert_version(&VersionRecord {
            subject: format!("subject-{}", i / VERSIONS_PER_SUBJECT),
            version: i32::try_from(i % VERSIONS_PER_SUBJECT + 1)?,
            context: ".".into(),
            schema_id: id,
            deleted: false,
            created_at: 0,
        })
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A value in kB from /proc/PID/status (`VmRSS`, `VmHWM`).
fn proc_status_kb(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let count = args
        .iter()
        .position(|a| a == "--schemas")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000usize);
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("startup.db").display());
    let seeding = Instant::now();
    seed(&url, count).await?;
    println!(
        "seeded {count} schemas in {:.1} s",
        seeding.elapsed().as_secs_f64()
    );

    let server = std::env::current_exe()?
        .parent()
        .map(|d| d.join("sr-under-test"))
        .ok_or_else(|| anyhow::anyhow!("no directory of the bench binary"))?;
    let port = registry_tests::process::free_port();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let started = Instant::now();
    let mut child = std::process::Command::new(&server)
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--database-url",
            &url,
        ])
        .env("SR_LOG", "warn")
        .spawn()?;
    let deadline = started + Duration::from_secs(30);
    loop {
        if client
            .get(format!("{base}/"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            break;
        }
        anyhow::ensure!(Instant::now() < deadline, "server not ready within 30 s");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let ready = started.elapsed();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let idle = proc_status_kb(child.id(), "VmRSS:").unwrap_or(0);

    // Touch every id once (bounded: `count` requests, 16 at a time).
    let touching = Instant::now();
    let ids: Vec<usize> = (1..=count).collect();
    for chunk in ids.chunks(16) {
        let requests = chunk
            .iter()
            .map(|id| client.get(format!("{base}/schemas/ids/{id}")).send());
        for response in futures::future::join_all(requests).await {
            anyhow::ensure!(response?.status().is_success(), "an id could not be read");
        }
    }
    let touched = touching.elapsed();
    let peak = proc_status_kb(child.id(), "VmHWM:").unwrap_or(0);
    let _ = child.kill();
    let _ = child.wait();

    println!(
        "start to ready with {count} schemas: {:.0} ms (budget < 1000 ms)",
        ready.as_secs_f64() * 1000.0
    );
    #[allow(clippy::cast_precision_loss)]
    let (idle_mb, peak_mb) = (idle as f64 / 1024.0, peak as f64 / 1024.0);
    println!("resident memory idle: {idle_mb:.1} MB (budget < 30 MB)");
    println!(
        "peak resident memory after reading all {count} ids ({:.1} s): {peak_mb:.1} MB (budget < 300 MB)",
        touched.as_secs_f64()
    );
    Ok(())
}
