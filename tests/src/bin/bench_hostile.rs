//! Cheap reads under hostile load (issue 9's "done means"): a registry process, four clients
//! sending the heaviest compatibility checks the limits still accept (a wide `oneOf`, a deep
//! `$ref` chain), and a reader timing `GET /schemas/ids/{id}`; the same reads without the heavy
//! clients are the baseline. Target: median under 50 ms and no read over 1 s.
//!
//! `cargo run --release -p registry-tests --bin bench-hostile -- [--seconds 20]
//!  [--baseline-seconds 10] [--branches 800] [--depth 100] [--database-url URL]`
//!
//! The same binary is the server: it spawns itself with `serve …` (so the server is a release
//! build and a process of its own); everything else here is the client. Exits 1 when the target
//! is missed or a read fails.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use clap::Parser as _;
use registry_tests::hostile::{SR_JSON, json_one_of, json_ref_chain};
use serde_json::{Value, json};

/// Heavy clients, as the issue's benchmark names them.
const HEAVY_CLIENTS: usize = 4;
/// Pause between two reads of the reader (it measures latency, not throughput).
const READ_PAUSE: Duration = Duration::from_millis(10);
/// A read that takes longer than this counts as failed.
const READ_TIMEOUT: Duration = Duration::from_secs(30);

struct Options {
    seconds: u64,
    baseline_seconds: u64,
    branches: usize,
    depth: usize,
    database_url: Option<String>,
}

fn options(args: &[String]) -> Options {
    let mut options = Options {
        seconds: 20,
        baseline_seconds: 10,
        branches: 800,
        depth: 100,
        database_url: None,
    };
    let mut i = 0;
    while i < args.len() {
        let value = args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--seconds" => options.seconds = value.parse().unwrap_or(options.seconds),
            "--baseline-seconds" => {
                options.baseline_seconds = value.parse().unwrap_or(options.baseline_seconds);
            }
            "--branches" => options.branches = value.parse().unwrap_or(options.branches),
            "--depth" => options.depth = value.parse().unwrap_or(options.depth),
            "--database-url" => options.database_url = Some(value),
            other => eprintln!("ignoring unknown argument {other}"),
        }
        i += 2;
    }
    options
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("serve") {
        // Spawned by ourselves below: be the registry.
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .expect("tokio runtime");
        let cli = registry_server::cli::Cli::parse();
        std::process::exit(runtime.block_on(registry_server::cli::run(cli)));
    }
    let options = options(args.get(1..).unwrap_or_default());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let passed = runtime.block_on(bench(&options));
    std::process::exit(i32::from(!passed));
}

/// The server process; killed on drop.
struct Server {
    child: std::process::Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_server(database_url: &str) -> Server {
    let exe = std::env::current_exe().expect("own path");
    let port = registry_tests::process::free_port();
    let listen = format!("127.0.0.1:{port}");
    let child = std::process::Command::new(exe)
        .args(["serve", "--listen", &listen, "--database-url", database_url])
        .env("SR_LOG", "error")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .expect("spawn the server");
    let mut server = Server {
        child,
        base: format!("http://{listen}"),
    };
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(Some(status)) = server.child.try_wait() {
            panic!("the server exited before it was ready: {status}");
        }
        if client
            .get(format!("{}/health/live", server.base))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return server;
        }
        assert!(Instant::now() < deadline, "the server did not become ready");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn post(client: &reqwest::Client, url: &str, body: &Value) -> (u16, Value, Duration) {
    let started = Instant::now();
    let response = client
        .post(url)
        .header("Content-Type", SR_JSON)
        .body(body.to_string())
        .send()
        .await;
    match response {
        Ok(response) => {
            let status = response.status().as_u16();
            let body = response.json().await.unwrap_or(Value::Null);
            (status, body, started.elapsed())
        }
        Err(error) => (0, json!(error.to_string()), started.elapsed()),
    }
}

fn json_body(schema: &str) -> Value {
    json!({"schemaType": "JSON", "schema": schema})
}

/// A heavy check: the changed schema sent to `/compatibility` against the registered one.
#[derive(Clone)]
struct Heavy {
    label: String,
    url: String,
    body: Value,
}

/// Registers the original under `subject` and checks the changed one once; halves `size` while
/// the server refuses (a limit) until it is accepted, so the load is the heaviest still allowed.
async fn heaviest_accepted(
    client: &reqwest::Client,
    base: &str,
    kind: &str,
    mut size: usize,
    make: impl Fn(usize, bool) -> String,
) -> Option<Heavy> {
    while size >= 2 {
        let subject = format!("{kind}{size}");
        let (status, body, _) = post(
            client,
            &format!("{base}/subjects/{subject}/versions"),
            &json_body(&make(size, false)),
        )
        .await;
        if status == 200 {
            let url = format!("{base}/compatibility/subjects/{subject}/versions/latest");
            let changed = json_body(&make(size, true));
            let (status, body, took) = post(client, &url, &changed).await;
            if status == 200 {
                println!("heavy: {kind} of size {size}, one check alone {took:?} ({body})");
                return Some(Heavy {
                    label: format!("{kind} {size}"),
                    url,
                    body: changed,
                });
            }
            println!("heavy: {kind} of size {size}: check refused {status} {body}");
        } else {
            println!("heavy: {kind} of size {size}: registration refused {status} {body}");
        }
        size /= 2;
    }
    None
}

/// Latencies of `GET url` one after another for `seconds`; failures counted apart.
async fn read_for(client: &reqwest::Client, url: &str, seconds: u64) -> (Vec<Duration>, usize) {
    let mut latencies = Vec::new();
    let mut failures = 0;
    let until = Instant::now() + Duration::from_secs(seconds);
    while Instant::now() < until {
        let started = Instant::now();
        let ok = tokio::time::timeout(READ_TIMEOUT, async {
            let response = client.get(url).send().await?;
            let status = response.status();
            response.bytes().await.map(|_| status.is_success())
        })
        .await;
        let took = started.elapsed();
        if matches!(ok, Ok(Ok(true))) {
            latencies.push(took);
        } else {
            failures += 1;
            latencies.push(took);
        }
        tokio::time::sleep(READ_PAUSE).await;
    }
    (latencies, failures)
}

struct Summary {
    median: Duration,
    p99: Duration,
    max: Duration,
    count: usize,
}

fn summarize(mut latencies: Vec<Duration>) -> Summary {
    latencies.sort();
    let at = |q: f64| {
        if latencies.is_empty() {
            return Duration::ZERO;
        }
        // Nearest rank: the smallest value with at least q of the reads at or below it.
        let rank = (q * latencies.len() as f64).ceil() as usize;
        latencies[rank.clamp(1, latencies.len()) - 1]
    };
    Summary {
        median: at(0.5),
        p99: at(0.99),
        max: latencies.last().copied().unwrap_or_default(),
        count: latencies.len(),
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

async fn bench(options: &Options) -> bool {
    let dir = tempfile::tempdir().expect("temp dir");
    let database_url = options
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", dir.path().join("bench-hostile.db").display()));
    let server = start_server(&database_url).await;
    let base = server.base.clone();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(120))
        .build()
        .expect("client");

    let (status, body, _) = post(
        &client,
        &format!("{base}/subjects/cheap/versions"),
        &json!({"schema": r#"{"type":"record","name":"Cheap","fields":[{"name":"a","type":"string"}]}"#}),
    )
    .await;
    assert_eq!(status, 200, "register the cheap schema: {body}");
    let id = body["id"].as_i64().expect("id");
    let read_url = format!("{base}/schemas/ids/{id}");

    let mut heavy = Vec::new();
    let wide = heaviest_accepted(&client, &base, "oneOf", options.branches, |n, changed| {
        json_one_of(n, if changed { "integer" } else { "string" })
    })
    .await;
    let deep = heaviest_accepted(&client, &base, "chain", options.depth, |n, changed| {
        json_ref_chain(n, if changed { "integer" } else { "string" })
    })
    .await;
    heavy.extend(wide);
    heavy.extend(deep);
    assert!(
        !heavy.is_empty(),
        "the server accepted no heavy schema at all"
    );

    println!(
        "baseline: GET /schemas/ids/{id} for {} s, no other load",
        options.baseline_seconds
    );
    let (baseline, baseline_failures) =
        read_for(&client, &read_url, options.baseline_seconds).await;
    let baseline = summarize(baseline);

    println!(
        "loaded: {HEAVY_CLIENTS} clients sending {} for {} s",
        heavy
            .iter()
            .map(|h| h.label.as_str())
            .collect::<Vec<_>>()
            .join(" / "),
        options.seconds
    );
    let stop = Arc::new(AtomicBool::new(false));
    let mut clients = Vec::new();
    for k in 0..HEAVY_CLIENTS {
        let (client, stop, heavy) = (client.clone(), Arc::clone(&stop), heavy.clone());
        clients.push(tokio::spawn(async move {
            let mut answers: Vec<(u16, Duration)> = Vec::new();
            let mut turn = k;
            while !stop.load(Ordering::Relaxed) {
                let check = &heavy[turn % heavy.len()];
                let (status, _, took) = post(&client, &check.url, &check.body).await;
                answers.push((status, took));
                turn += 1;
            }
            answers
        }));
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (loaded, loaded_failures) = read_for(&client, &read_url, options.seconds).await;
    stop.store(true, Ordering::Relaxed);
    let loaded = summarize(loaded);
    let mut heavy_answers = Vec::new();
    for task in clients {
        // Checks still running are not waited for long: the server is killed after this.
        if let Ok(Ok(answers)) = tokio::time::timeout(Duration::from_secs(5), task).await {
            heavy_answers.extend(answers);
        }
    }
    drop(server);

    let mut by_status = std::collections::BTreeMap::<u16, (usize, Duration)>::new();
    for (status, took) in &heavy_answers {
        let entry = by_status.entry(*status).or_default();
        entry.0 += 1;
        entry.1 = entry.1.max(*took);
    }
    println!();
    println!("reads            count   median        p99           max        failed");
    for (name, s, failed) in [
        ("baseline", &baseline, baseline_failures),
        ("under load", &loaded, loaded_failures),
    ] {
        println!(
            "{name:<16} {:>5}   {:<12}  {:<12}  {:<12}  {failed}",
            s.count,
            ms(s.median),
            ms(s.p99),
            ms(s.max)
        );
    }
    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64().max(1e-9);
    println!(
        "ratio loaded/baseline: median {:.1}x, p99 {:.1}x, max {:.1}x",
        ratio(loaded.median, baseline.median),
        ratio(loaded.p99, baseline.p99),
        ratio(loaded.max, baseline.max)
    );
    for (status, (count, slowest)) in &by_status {
        let status = if *status == 0 {
            "no answer".to_owned()
        } else {
            status.to_string()
        };
        println!("heavy checks answered {status}: {count} (slowest {slowest:?})");
    }
    let passed = loaded_failures == 0
        && loaded.median < Duration::from_millis(50)
        && loaded.max <= Duration::from_secs(1);
    println!(
        "target (median < 50 ms, no read over 1 s, none failed): {}",
        if passed { "met" } else { "MISSED" }
    );
    passed
}
