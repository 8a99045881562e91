//! The server's benchmarks, measured from outside: the release server runs as its own
//! process, a bare axum server answering the same bytes (`bench-bare`) as another, and `wrk`
//! (one thread) drives both in alternating rounds of the same run. Figures are ratios
//! against that baseline, or against another path of the same run.
//!
//! 1. `GET /schemas/ids/{id}`, the lookup `POST /subjects/{s}`, registering an existing
//!    schema and a compatibility check of a cached pair (32 connections).
//! 2. Registering new schemas, 8 connections, each registration under a subject of its own,
//!    on SQLite and (when `TEST_DATABASE_URL` is set; a fresh database is created from it)
//!    PostgreSQL, with the durable default.
//! 3. Start to ready and resident memory with 100,000 schemas (`--million`: also 1,000,000).
//!
//! `--auth` and `--ui` instead compare the by-id read with HTTP Basic authentication on and
//! off, or with the web UI served and off.
//!
//! `bench/run [--seconds N] [--rounds N] [--skip-reads] [--skip-writes] [--skip-startup] [--million] [--auth] [--ui]`
//! (it installs `wrk`, builds the release binaries and runs this). Client and servers share
//! the machine's cores; the ratios compare like with like.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use registry_tests::process::ServerProcess;
use registry_tests::wrk::{self, Figures, Load, Scripts};
use serde_json::{Value, json};

#[path = "bench/writes.rs"]
mod writes;
use writes::writes;

const READ_CONNECTIONS: u32 = 32;

struct Options {
    seconds: u32,
    rounds: usize,
    reads: bool,
    writes: bool,
    startup: bool,
    million: bool,
    auth: bool,
    ui: bool,
    postgres: bool,
}

fn options() -> Options {
    let mut options = Options {
        seconds: 4,
        rounds: 3,
        reads: true,
        writes: true,
        startup: true,
        million: false,
        auth: false,
        ui: false,
        postgres: std::env::var("TEST_DATABASE_URL").is_ok_and(|v| !v.is_empty()),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seconds" => options.seconds = number(args.next(), options.seconds),
            "--rounds" => options.rounds = number(args.next(), options.rounds),
            "--skip-reads" => options.reads = false,
            "--skip-writes" => options.writes = false,
            "--skip-startup" => options.startup = false,
            "--million" => options.million = true,
            "--auth" => options.auth = true,
            "--ui" => options.ui = true,
            other => eprintln!("ignoring unknown argument {other}"),
        }
    }
    options
}

fn number<T: std::str::FromStr>(value: Option<String>, default: T) -> T {
    value.and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// A binary built beside this one.
fn sibling(name: &str) -> anyhow::Result<String> {
    let exe = std::env::current_exe()?;
    let dir = exe
        .parent()
        .ok_or_else(|| anyhow::anyhow!("no directory of the bench binary"))?;
    Ok(dir.join(name).display().to_string())
}

/// One row of the final table.
struct Row {
    what: String,
    figure: String,
    budget: &'static str,
}

/// The bare baseline process; killed on drop.
struct Bare {
    base: String,
    child: Child,
}

impl Bare {
    fn start(dir: &Path) -> anyhow::Result<Bare> {
        use std::io::BufRead as _;
        let mut child = Command::new(sibling("bench-bare")?)
            .arg(dir)
            .stdout(Stdio::piped())
            .spawn()?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| anyhow::anyhow!("no stdout of bench-bare"))?;
        let mut line = String::new();
        std::io::BufReader::new(stdout).read_line(&mut line)?;
        Ok(Bare {
            base: format!("http://{}", line.trim()),
            child,
        })
    }
}

impl Drop for Bare {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A request a read benchmark repeats: its path, and its body when it is a POST.
struct Request {
    name: &'static str,
    path: String,
    post: Option<Vec<u8>>,
}

/// `wrk` on one request against `base`: fails on any answer outside 2xx.
fn drive(
    base: &str,
    request: &Request,
    scripts: &Scripts,
    headers: &[String],
    connections: u32,
    seconds: u32,
) -> anyhow::Result<Figures> {
    let url = format!("{base}{}", request.path);
    let script = match &request.post {
        Some(body) => Some(scripts.fixed_body(request.name, "POST", body)?),
        None => None,
    };
    let figures = wrk::run(&Load {
        url: &url,
        connections,
        seconds,
        script: script.as_deref(),
        headers: headers.to_vec(),
    })?;
    anyhow::ensure!(
        figures.non_2xx == 0 && figures.socket_errors == 0 && figures.requests > 0,
        "{} at {url}: {} answers outside 2xx, {} socket errors in {} requests",
        request.name,
        figures.non_2xx,
        figures.socket_errors,
        figures.requests
    );
    Ok(figures)
}

/// The answer of a request sent once, checked to be a success.
async fn answer_of(
    client: &reqwest::Client,
    base: &str,
    request: &Request,
) -> anyhow::Result<Vec<u8>> {
    let url = format!("{base}{}", request.path);
    let response = match &request.post {
        Some(body) => {
            client
                .post(&url)
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .body(body.clone())
                .send()
                .await?
        }
        None => client.get(&url).send().await?,
    };
    anyhow::ensure!(
        response.status().is_success(),
        "{} answered {}",
        request.name,
        response.status()
    );
    Ok(response.bytes().await?.to_vec())
}

async fn post(client: &reqwest::Client, url: &str, body: &Value) -> anyhow::Result<Value> {
    let response = client.post(url).json(body).send().await?;
    anyhow::ensure!(
        response.status().is_success(),
        "{url}: {}",
        response.status()
    );
    Ok(response.json().await?)
}

fn record(name: &str, extra_field: bool) -> String {
    let mut fields = vec![
        json!({"name": "id", "type": "long"}),
        json!({"name": "name", "type": "string"}),
        json!({"name": "tags", "type": {"type": "array", "items": "string"}}),
    ];
    if extra_field {
        fields.push(json!({"name": "score", "type": ["null", "double"], "default": null}));
    }
    json!({"type": "record", "name": name, "namespace": "bench", "fields": fields}).to_string()
}

/// Registers what the read paths need and answers their requests: by id, lookup, register
/// existing, compatibility check of a pair the server has seen.
async fn read_requests(base: &str) -> anyhow::Result<Vec<Request>> {
    let client = reqwest::Client::new();
    let schema = record("Order", false);
    let registered = post(
        &client,
        &format!("{base}/subjects/bench-value/versions"),
        &json!({ "schema": schema }),
    )
    .await?;
    let id = registered["id"].as_i64().unwrap_or_default();
    post(
        &client,
        &format!("{base}/subjects/bench-compat/versions"),
        &json!({ "schema": record("Pair", false) }),
    )
    .await?;
    let compatible = post(
        &client,
        &format!("{base}/compatibility/subjects/bench-compat/versions/latest"),
        &json!({ "schema": record("Pair", true) }),
    )
    .await?;
    anyhow::ensure!(
        compatible["is_compatible"] == json!(true),
        "the pair is not compatible: {compatible}"
    );
    let body = |schema: &str| json!({ "schema": schema }).to_string().into_bytes();
    Ok(vec![
        Request {
            name: "by-id",
            path: format!("/schemas/ids/{id}"),
            post: None,
        },
        Request {
            name: "lookup",
            path: "/subjects/bench-value".into(),
            post: Some(body(&schema)),
        },
        Request {
            name: "register",
            path: "/subjects/bench-value/versions".into(),
            post: Some(body(&schema)),
        },
        Request {
            name: "compatibility",
            path: "/compatibility/subjects/bench-compat/versions/latest".into(),
            post: Some(body(&record("Pair", true))),
        },
    ])
}

/// Starts the bare baseline answering exactly what the registry at `base` answers.
async fn bare_for(base: &str, requests: &[Request], dir: &Path) -> anyhow::Result<Bare> {
    let client = reqwest::Client::new();
    for request in requests {
        let answer = answer_of(&client, base, request).await?;
        std::fs::write(dir.join(format!("{}.json", request.name)), answer)?;
    }
    Bare::start(dir)
}

/// Median of a non-empty list.
fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn range(values: &[f64]) -> String {
    let (low, high) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
            (l.min(*v), h.max(*v))
        });
    format!("{low:.2}–{high:.2}")
}

/// Rates of the registry and the baseline per request, round by round.
struct ReadRounds {
    registry: Vec<Vec<f64>>,
    bare: Vec<Vec<f64>>,
}

fn read_rounds(
    registry: &str,
    bare: &str,
    requests: &[Request],
    options: &Options,
) -> anyhow::Result<ReadRounds> {
    let scripts = Scripts::new()?;
    let mut rounds = ReadRounds {
        registry: vec![Vec::new(); requests.len()],
        bare: vec![Vec::new(); requests.len()],
    };
    // Warm both: connections, caches, the allocator.
    for request in requests {
        drive(registry, request, &scripts, &[], READ_CONNECTIONS, 1)?;
        drive(bare, request, &scripts, &[], READ_CONNECTIONS, 1)?;
    }
    for round in 1..=options.rounds {
        for (i, request) in requests.iter().enumerate() {
            let base_rate = drive(
                bare,
                request,
                &scripts,
                &[],
                READ_CONNECTIONS,
                options.seconds,
            )?
            .requests_per_sec;
            let ours = drive(
                registry,
                request,
                &scripts,
                &[],
                READ_CONNECTIONS,
                options.seconds,
            )?;
            println!(
                "round {round} {:<14} bare {base_rate:>9.0}/s | registry {:>9.0}/s (p99 {:.2} ms) | {:.2}×",
                request.name,
                ours.requests_per_sec,
                ours.p99_ms,
                ours.requests_per_sec / base_rate
            );
            rounds.bare[i].push(base_rate);
            rounds.registry[i].push(ours.requests_per_sec);
        }
    }
    Ok(rounds)
}

/// The read rows: each path against the bare baseline, register-existing and the
/// compatibility check against the lookup of the same round.
fn read_rows(rounds: &ReadRounds, rows: &mut Vec<Row>) {
    let ratios = |ours: &[f64], theirs: &[f64]| -> Vec<f64> {
        ours.iter().zip(theirs).map(|(o, t)| o / t).collect()
    };
    let (by_id, lookup, register, compat) = (0, 1, 2, 3);
    let mut row = |what: &str, values: Vec<f64>, rates: &[f64], budget| {
        rows.push(Row {
            what: what.into(),
            figure: format!(
                "{:.2}× (rounds {}; {:.0} req/s)",
                median(&mut values.clone()),
                range(&values),
                median(&mut rates.to_vec())
            ),
            budget,
        });
    };
    // (what, the registry's request, compared with the bare baseline's (true) or the
    // registry's (false) rate of which request, budget)
    let measured = [
        (
            "`GET /schemas/ids/{id}` vs bare axum",
            by_id,
            (true, by_id),
            "≥ 0.85×",
        ),
        (
            "lookup `POST /subjects/{s}` vs bare axum",
            lookup,
            (true, lookup),
            "≥ 0.6×",
        ),
        (
            "register an existing schema vs the lookup",
            register,
            (false, lookup),
            "≥ 0.9×",
        ),
        (
            "compatibility check of a cached pair vs the lookup",
            compat,
            (false, lookup),
            "≥ 0.5×",
        ),
    ];
    for (what, ours, (against_bare, theirs), budget) in measured {
        let baseline = if against_bare {
            &rounds.bare[theirs]
        } else {
            &rounds.registry[theirs]
        };
        row(
            what,
            ratios(&rounds.registry[ours], baseline),
            &rounds.registry[ours],
            budget,
        );
    }
}

async fn reads(options: &Options, rows: &mut Vec<Row>) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("reads.db").display());
    let server = ServerProcess::start(&sibling("sr-under-test")?, &url).await;
    let requests = read_requests(&server.base).await?;
    let bare = bare_for(&server.base, &requests, dir.path()).await?;
    let rounds = read_rounds(&server.base, &bare.base, &requests, options)?;
    read_rows(&rounds, rows);
    Ok(())
}

async fn startup(
    count: usize,
    rows: &mut Vec<Row>,
    ready_budget: &'static str,
    read_budget: &'static str,
) -> anyhow::Result<()> {
    let figures = registry_tests::startup::measure(&sibling("sr-under-test")?, count, &[]).await?;
    println!(
        "{count} schemas: ready in {:.0} ms, {:.1} MB idle, {:.1} MB after reading every id ({:.1} s)",
        figures.ready.as_secs_f64() * 1000.0,
        figures.idle_mb,
        figures.peak_mb,
        figures.reading.as_secs_f64()
    );
    rows.push(Row {
        what: format!("{count} schemas: start to ready"),
        figure: format!("{:.0} ms", figures.ready.as_secs_f64() * 1000.0),
        budget: ready_budget,
    });
    rows.push(Row {
        what: format!("{count} schemas: resident memory idle / after reading every id"),
        figure: format!("{:.1} MB / {:.1} MB", figures.idle_mb, figures.peak_mb),
        budget: read_budget,
    });
    Ok(())
}

/// The by-id read from two servers over the same database contents: `a` and `b` name
/// them, `a_args` / `b_args` are their extra `serve` arguments and `a_headers` what `a`'s
/// requests carry.
async fn compare_reads(
    options: &Options,
    (a, a_args, a_headers): (&str, &[&str], &[String]),
    (b, b_args): (&str, &[&str]),
) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("compare.db").display());
    let (id, body) = {
        let seeding = ServerProcess::start(&sibling("sr-under-test")?, &url).await;
        let requests = read_requests(&seeding.base).await?;
        let answer = answer_of(&reqwest::Client::new(), &seeding.base, &requests[0]).await?;
        (requests[0].path.clone(), answer)
    };
    std::fs::write(dir.path().join("by-id.json"), &body)?;
    let bare = Bare::start(dir.path())?;
    let server_a = ServerProcess::start_with(&sibling("sr-under-test")?, &url, a_args).await;
    let server_b = ServerProcess::start_with(&sibling("sr-under-test")?, &url, b_args).await;
    let request = Request {
        name: "by-id",
        path: id,
        post: None,
    };
    let scripts = Scripts::new()?;
    drive(
        &server_a.base,
        &request,
        &scripts,
        a_headers,
        READ_CONNECTIONS,
        1,
    )?;
    drive(&server_b.base, &request, &scripts, &[], READ_CONNECTIONS, 1)?;
    for round in 1..=options.rounds {
        let base = drive(
            &bare.base,
            &request,
            &scripts,
            &[],
            READ_CONNECTIONS,
            options.seconds,
        )?;
        let on = drive(
            &server_a.base,
            &request,
            &scripts,
            a_headers,
            READ_CONNECTIONS,
            options.seconds,
        )?;
        let off = drive(
            &server_b.base,
            &request,
            &scripts,
            &[],
            READ_CONNECTIONS,
            options.seconds,
        )?;
        println!(
            "round {round} GET /schemas/ids/{{id}}: bare {:.0}/s | {a} {:.0}/s ({:.2}×) | {b} {:.0}/s ({:.2}×) | {a}/{b} {:.3}",
            base.requests_per_sec,
            on.requests_per_sec,
            on.requests_per_sec / base.requests_per_sec,
            off.requests_per_sec,
            off.requests_per_sec / base.requests_per_sec,
            on.requests_per_sec / off.requests_per_sec
        );
    }
    Ok(())
}

/// An auth file with one user who may read and write `bench*`.
fn auth_file(dir: &Path) -> anyhow::Result<PathBuf> {
    let hash = registry_server::auth::argon2id_hash("bench-pw")?;
    let path = dir.join("auth.toml");
    std::fs::write(
        &path,
        format!(
            "[[users]]\nusername = \"bench\"\npassword_hash = \"{hash}\"\n\n\
             [[permissions]]\nusername = \"bench\"\noperation = \"Write\"\nprefix = \"bench\"\n"
        ),
    )?;
    Ok(path)
}

fn print_table(rows: &[Row]) {
    println!("\n| what | figure | budget |\n|---|---|---|");
    for row in rows {
        println!("| {} | {} | {} |", row.what, row.figure, row.budget);
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let options = options();
    if cfg!(debug_assertions) {
        eprintln!("warning: a debug build; bench/run builds the release binaries");
    }
    if options.auth {
        use base64::Engine as _;
        let dir = tempfile::tempdir()?;
        let file = auth_file(dir.path())?.display().to_string();
        let credentials = format!(
            "Authorization: Basic {}",
            base64::engine::general_purpose::STANDARD.encode("bench:bench-pw")
        );
        // The seeding server has no authentication: the user only reads here.
        return compare_reads(
            &options,
            ("auth on", &["--auth-file", &file], &[credentials]),
            ("auth off", &[]),
        )
        .await;
    }
    if options.ui {
        return compare_reads(
            &options,
            ("UI on", &[], &[]),
            ("UI off", &["--ui", "false"]),
        )
        .await;
    }
    let mut rows = Vec::new();
    if options.reads {
        reads(&options, &mut rows).await?;
    }
    if options.writes {
        writes(&options, &mut rows).await?;
    }
    if options.startup {
        startup(100_000, &mut rows, "< 1 s", "< 30 MB / < 300 MB").await?;
    }
    if options.million {
        startup(
            1_000_000,
            &mut rows,
            "< 2 s",
            "< the cache budget (256 MB) + fixed overhead",
        )
        .await?;
    }
    print_table(&rows);
    Ok(())
}
