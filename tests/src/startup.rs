//! Startup and memory figures (DESIGN §10): a SQLite registry holding N schemas is started as
//! a separate process; measured are the time from spawn to the first answered `GET /`, the
//! resident memory when idle, and the peak after every id was read once.

use std::time::{Duration, Instant};

use futures::StreamExt as _;
use registry_server::domain::SchemaType;
use registry_server::schema::identity::SchemaDigest;
use registry_server::store::{self, SchemaRecord, VersionRecord};

const VERSIONS_PER_SUBJECT: usize = 10;

/// Reads of every id in flight at once.
const READERS: usize = 32;

/// What one startup measured.
#[derive(Debug, Clone, Copy)]
pub struct StartupFigures {
    pub schemas: usize,
    pub ready: Duration,
    pub idle_mb: f64,
    /// The resident high-water mark after every id was read once.
    pub peak_mb: f64,
    pub reading: Duration,
}

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

#[allow(clippy::cast_precision_loss)]
fn megabytes(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

/// Seeds `count` schemas, starts `server` (a `schema-registry` binary) over them with
/// `extra` arguments, and measures it.
///
/// # Errors
/// Seeding fails, the server is not ready within 30 s, or an id cannot be read.
pub async fn measure(server: &str, count: usize, extra: &[&str]) -> anyhow::Result<StartupFigures> {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("startup.db").display());
    let seeding = Instant::now();
    seed(&url, count).await?;
    eprintln!(
        "seeded {count} schemas in {:.1} s",
        seeding.elapsed().as_secs_f64()
    );

    let port = crate::process::free_port();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let started = Instant::now();
    let mut child = std::process::Command::new(server)
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--database-url",
            &url,
        ])
        .args(extra)
        .env("SR_LOG", "warn")
        .spawn()?;
    let result = measure_running(&client, &base, child.id(), count, started).await;
    let _ = child.kill();
    let _ = child.wait();
    result
}

async fn measure_running(
    client: &reqwest::Client,
    base: &str,
    pid: u32,
    count: usize,
    started: Instant,
) -> anyhow::Result<StartupFigures> {
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
    let idle = proc_status_kb(pid, "VmRSS:").unwrap_or(0);

    // Every id once: `count` requests, `READERS` at a time.
    let reading = Instant::now();
    let mut reads = futures::stream::iter(1..=count)
        .map(|id| client.get(format!("{base}/schemas/ids/{id}")).send())
        .buffer_unordered(READERS);
    while let Some(response) = reads.next().await {
        anyhow::ensure!(response?.status().is_success(), "an id could not be read");
    }
    let reading = reading.elapsed();
    let peak = proc_status_kb(pid, "VmHWM:").unwrap_or(0);
    Ok(StartupFigures {
        schemas: count,
        ready,
        idle_mb: megabytes(idle),
        peak_mb: megabytes(peak),
        reading,
    })
}
