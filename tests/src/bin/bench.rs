//! Benchmarks, reported as ratios against a baseline measured in the same run.
//!
//! 1. `GET /schemas/ids/{id}` on the registry vs a bare axum handler answering the same
//!    bytes (budget ≥ 0.8×), 32 keep-alive connections.
//! 2. `POST /subjects/{s}` lookup of an existing schema vs the same bare handler with the
//!    same request body (budget ≥ 0.5×).
//! 3. Registration throughput, 8 concurrent clients, on SQLite and (when `TEST_DATABASE_URL`
//!    is set; a fresh database is created from it) PostgreSQL (budgets 2,000/s and 1,000/s).
//!
//! 4. With `--auth`: `GET /schemas/ids/{id}` with HTTP Basic authentication on (a
//!    principal that may read the subject) vs the same read with authentication off
//!    (budget: within 20%, ≥ 0.80×), each against the bare handler too.
//!
//! `cargo run --release -p registry-tests --bin bench -- [--seconds N] [--registrations N] [--skip-reads] [--fresh-subjects] [--auth] [--ui]`
//! Client and servers share the machine's cores; the ratios compare like with like.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::routing::{get, post};
use bytes::Bytes;
use registry_tests::app::{Backend, record, spawn_app_with};
use serde_json::json;

const CONNECTIONS: usize = 32;
const WRITERS: usize = 8;

struct Options {
    skip_reads: bool,
    /// Also measure the by-id read with basic authentication on.
    auth: bool,
    /// Measure the by-id read with the web UI served and with it off.
    ui: bool,
    /// Register each schema under a subject of its own (no long version lists).
    fresh_subjects: bool,
    seconds: u64,
    registrations: usize,
    postgres: bool,
}

fn options() -> Options {
    let mut options = Options {
        skip_reads: false,
        auth: false,
        ui: false,
        fresh_subjects: false,
        seconds: 5,
        registrations: 4_000,
        postgres: std::env::var("TEST_DATABASE_URL").is_ok_and(|v| !v.is_empty()),
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--skip-reads" => {
                options.skip_reads = true;
                i += 1;
                continue;
            }
            "--auth" => {
                options.auth = true;
                i += 1;
                continue;
            }
            "--ui" => {
                options.ui = true;
                i += 1;
                continue;
            }
            "--fresh-subjects" => {
                options.fresh_subjects = true;
                i += 1;
                continue;
            }
            "--seconds" => options.seconds = value.parse().unwrap_or(options.seconds),
            "--registrations" => {
                options.registrations = value.parse().unwrap_or(options.registrations)
            }
            other => eprintln!("ignoring unknown argument {other}"),
        }
        i += 2;
    }
    options
}

/// Requests per second over `seconds`, `CONNECTIONS` concurrent loops, each response checked.
async fn load(url: String, body: Option<String>, expected: Bytes, seconds: u64) -> f64 {
    load_as(url, body, None, expected, seconds).await
}

/// As [`load`], each request carrying `authorization` when given.
async fn load_as(
    url: String,
    body: Option<String>,
    authorization: Option<String>,
    expected: Bytes,
    seconds: u64,
) -> f64 {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CONNECTIONS)
        .build()
        .expect("client");
    let done = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for _ in 0..CONNECTIONS {
        let (client, url, body, authorization, expected, done, stop) = (
            client.clone(),
            url.clone(),
            body.clone(),
            authorization.clone(),
            expected.clone(),
            Arc::clone(&done),
            Arc::clone(&stop),
        );
        tasks.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let request = match &body {
                    Some(body) => client
                        .post(&url)
                        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                        .body(body.clone()),
                    None => client.get(&url),
                };
                let request = match &authorization {
                    Some(value) => request.header("Authorization", value),
                    None => request,
                };
                let bytes = request
                    .send()
                    .await
                    .expect("request")
                    .bytes()
                    .await
                    .expect("body");
                assert_eq!(bytes.len(), expected.len(), "the answer changed under load");
                done.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    // Warm up, then measure.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let start_count = done.load(Ordering::Relaxed);
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    let count = done.load(Ordering::Relaxed) - start_count;
    let elapsed = started.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    for task in tasks {
        let _ = task.await;
    }
    #[allow(clippy::cast_precision_loss)]
    let rate = count as f64 / elapsed;
    rate
}

/// A bare axum server answering `body` to GET and POST on `path`.
async fn bare_server(path: &'static str, body: Bytes) -> String {
    let app = axum::Router::new().route(
        path,
        get({
            let body = body.clone();
            move || async move {
                (
                    [("content-type", "application/vnd.schemaregistry.v1+json")],
                    body,
                )
            }
        })
        .merge(post(move || async move {
            (
                [("content-type", "application/vnd.schemaregistry.v1+json")],
                body,
            )
        })),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}")
}

async fn reads(seconds: u64) {
    let app = spawn_app_with(Backend::Sqlite, |args| args.log = "error".into()).await;
    let schema = record(
        "Bench",
        &[
            ("a", r#""int""#),
            ("b", r#""string""#),
            ("c", r#"{"type":"array","items":"long"}"#),
        ],
    );
    let id = app.register_id("bench-value", &schema).await;
    let by_id_path = format!("/schemas/ids/{id}");
    let ours = Bytes::from(app.get(&by_id_path).await.text);
    let bare = bare_server("/schemas/ids/{id}", ours.clone()).await;

    let baseline = load(format!("{bare}{by_id_path}"), None, ours.clone(), seconds).await;
    let registry = load(
        format!("{}{by_id_path}", app.base),
        None,
        ours.clone(),
        seconds,
    )
    .await;
    println!(
        "GET /schemas/ids/{{id}}   bare axum {baseline:>9.0} req/s | registry {registry:>9.0} req/s | ratio {:.2} (budget ≥ 0.80)",
        registry / baseline
    );

    let lookup_body = json!({ "schema": schema }).to_string();
    let found = Bytes::from(
        app.post("/subjects/bench-value", &json!({ "schema": schema }))
            .await
            .text,
    );
    let bare_lookup = bare_server("/subjects/{subject}", found.clone()).await;
    let baseline = load(
        format!("{bare_lookup}/subjects/bench-value"),
        Some(lookup_body.clone()),
        found.clone(),
        seconds,
    )
    .await;
    let registry = load(
        format!("{}/subjects/bench-value", app.base),
        Some(lookup_body),
        found,
        seconds,
    )
    .await;
    println!(
        "POST /subjects/{{s}} lookup bare axum {baseline:>9.0} req/s | registry {registry:>9.0} req/s | ratio {:.2} (budget ≥ 0.50)",
        registry / baseline
    );
}

/// The by-id read from a server serving the web UI (the default) and from one with
/// `--ui false`, same schema, three alternating rounds in one run: the UI's router sits in
/// front of the API, and this shows what that costs the hottest read.
async fn ui_reads(seconds: u64) {
    let with_ui = spawn_app_with(Backend::Sqlite, |args| args.log = "error".into()).await;
    let without_ui = spawn_app_with(Backend::Sqlite, |args| {
        args.log = "error".into();
        args.ui = false;
    })
    .await;
    let schema = record("Bench", &[("a", r#""int""#), ("b", r#""string""#)]);
    let id = with_ui.register_id("bench-value", &schema).await;
    assert_eq!(without_ui.register_id("bench-value", &schema).await, id);
    let path = format!("/schemas/ids/{id}");
    let body = Bytes::from(with_ui.get(&path).await.text);
    for round in 1..=3 {
        let on = load(
            format!("{}{path}", with_ui.base),
            None,
            body.clone(),
            seconds,
        )
        .await;
        let off = load(
            format!("{}{path}", without_ui.base),
            None,
            body.clone(),
            seconds,
        )
        .await;
        println!(
            "GET /schemas/ids/{{id}} round {round}: UI on {on:>9.0} req/s | UI off {off:>9.0} req/s | on/off {:.3}",
            on / off
        );
    }
}

/// The by-id read with basic authentication on vs off, same schema, same run.
async fn auth_reads(seconds: u64) {
    use base64::Engine as _;
    let dir = tempfile::tempdir().expect("temp dir");
    let authfile = dir.path().join("auth.toml");
    let hash = registry_server::auth::argon2id_hash("bench-pw").expect("hash");
    std::fs::write(
        &authfile,
        format!(
            "[[users]]\nusername = \"bench\"\npassword_hash = \"{hash}\"\n\n\
             [[permissions]]\nusername = \"bench\"\noperation = \"Write\"\nprefix = \"bench\"\n"
        ),
    )
    .expect("authfile");
    let open = spawn_app_with(Backend::Sqlite, |args| args.log = "error".into()).await;
    let secured = spawn_app_with(Backend::Sqlite, |args| {
        args.log = "error".into();
        args.auth.auth_file = Some(authfile.clone());
    })
    .await;
    let credentials = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode("bench:bench-pw")
    );
    let schema = record("Bench", &[("a", r#""int""#), ("b", r#""string""#)]);
    let id = open.register_id("bench-value", &schema).await;
    let registered = secured
        .client
        .post(format!("{}/subjects/bench-value/versions", secured.base))
        .header("Authorization", &credentials)
        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
        .body(json!({ "schema": schema }).to_string())
        .send()
        .await
        .expect("register");
    assert!(registered.status().is_success(), "bench registers");
    let path = format!("/schemas/ids/{id}");
    let body = Bytes::from(open.get(&path).await.text);
    let bare = bare_server("/schemas/ids/{id}", body.clone()).await;
    let baseline = load(format!("{bare}{path}"), None, body.clone(), seconds).await;
    let off = load(format!("{}{path}", open.base), None, body.clone(), seconds).await;
    let on = load_as(
        format!("{}{path}", secured.base),
        None,
        Some(credentials),
        body,
        seconds,
    )
    .await;
    println!(
        "GET /schemas/ids/{{id}}   bare axum {baseline:>9.0} req/s | auth off {off:>9.0} ({:.2}) | basic auth on {on:>9.0} ({:.2}) | on/off {:.2} (budget ≥ 0.80)",
        off / baseline,
        on / baseline,
        on / off
    );
}

/// Registrations per second: `total` distinct schemas, `WRITERS` concurrent clients, each
/// writer on its own subject (NONE compatibility, so the check is not what is measured).
async fn registrations(backend: Backend, total: usize, fresh_subjects: bool) -> f64 {
    let app = spawn_app_with(backend, |args| {
        args.log = "error".into();
        args.database_max_connections = 16;
    })
    .await;
    app.put("/config", &json!({"compatibility": "NONE"}))
        .await
        .assert_ok();
    let client = reqwest::Client::new();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for writer in 0..WRITERS {
        let (client, base) = (client.clone(), app.base.clone());
        tasks.push(tokio::spawn(async move {
            for i in (writer..total).step_by(WRITERS) {
                let schema = format!(
                    r#"{{"type":"record","name":"R{i}","fields":[{{"name":"f","type":"int"}}]}}"#
                );
                let response = client
                    .post(if fresh_subjects {
                        format!("{base}/subjects/bench-{i}/versions")
                    } else {
                        format!("{base}/subjects/bench-{writer}/versions")
                    })
                    .json(&json!({ "schema": schema }))
                    .send()
                    .await
                    .expect("request");
                assert!(
                    response.status().is_success(),
                    "registration failed: {}",
                    response.status()
                );
            }
        }));
    }
    for task in tasks {
        task.await.expect("writer");
    }
    #[allow(clippy::cast_precision_loss)]
    let rate = total as f64 / started.elapsed().as_secs_f64();
    rate
}

#[tokio::main]
async fn main() {
    let options = options();
    if cfg!(debug_assertions) {
        eprintln!("warning: a debug build; run with --release for meaningful figures");
    }
    if !options.skip_reads {
        reads(options.seconds).await;
    }
    if options.auth {
        auth_reads(options.seconds).await;
        return;
    }
    if options.ui {
        ui_reads(options.seconds).await;
        return;
    }
    let sqlite = registrations(
        Backend::Sqlite,
        options.registrations,
        options.fresh_subjects,
    )
    .await;
    println!("register, {WRITERS} clients  SQLite     {sqlite:>9.0} /s (budget ≥ 2000)");
    if options.postgres {
        let pg = registrations(
            Backend::Postgres,
            options.registrations,
            options.fresh_subjects,
        )
        .await;
        println!("register, {WRITERS} clients  PostgreSQL {pg:>9.0} /s (budget ≥ 1000)");
    } else {
        println!("register, PostgreSQL: not measured (set TEST_DATABASE_URL)");
    }
}
