//! The registration benchmark: new schemas, `WRITE_CONNECTIONS` connections, each
//! registration under a subject of its own, on SQLite and (with `TEST_DATABASE_URL`) on a
//! fresh PostgreSQL database, with the durable default.

use registry_tests::process::ServerProcess;
use registry_tests::wrk::{self, Load, Scripts};
use serde_json::json;

use super::{Options, Row, sibling};

const WRITE_CONNECTIONS: u32 = 8;

/// Registrations per second on a fresh server over `url`, `WRITE_CONNECTIONS` connections,
/// every registration a new schema under a subject of its own.
async fn register_new(url: &str, seconds: u32, tag: &str) -> anyhow::Result<f64> {
    let server = ServerProcess::start(&sibling("sr-under-test")?, url).await;
    let client = reqwest::Client::new();
    let response = client
        .put(format!("{}/config", server.base))
        .json(&json!({"compatibility": "NONE"}))
        .send()
        .await?;
    anyhow::ensure!(
        response.status().is_success(),
        "PUT /config: {}",
        response.status()
    );
    let scripts = Scripts::new()?;
    let script = scripts.register_new(tag)?;
    let figures = wrk::run(&Load {
        url: &server.base,
        connections: WRITE_CONNECTIONS,
        seconds,
        script: Some(&script),
        headers: Vec::new(),
    })?;
    anyhow::ensure!(
        figures.non_2xx == 0 && figures.socket_errors == 0,
        "registrations failed: {} answers outside 2xx, {} socket errors",
        figures.non_2xx,
        figures.socket_errors
    );
    // Every acknowledged registration is there.
    let ours = count_subjects(&client, &server.base, &format!("bench-new-{tag}-")).await?;
    anyhow::ensure!(
        ours >= figures.requests,
        "{} registrations answered, {ours} subjects stored",
        figures.requests
    );
    Ok(figures.requests_per_sec)
}

/// How many subjects start with `prefix` (which needs no escaping in a query), read a page
/// at a time: a listing is capped at the server's `--max-list-items`, and a run can register
/// more than that.
async fn count_subjects(client: &reqwest::Client, base: &str, prefix: &str) -> anyhow::Result<u64> {
    const PAGE: u64 = 5_000;
    let mut count = 0;
    loop {
        let page: Vec<String> = client
            .get(format!(
                "{base}/subjects?subjectPrefix={prefix}&offset={count}&limit={PAGE}"
            ))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        anyhow::ensure!(
            page.iter().all(|s| s.starts_with(prefix)),
            "GET /subjects?subjectPrefix={prefix} answered another subject"
        );
        count += u64::try_from(page.len())?;
        if u64::try_from(page.len())? < PAGE {
            return Ok(count);
        }
    }
}

pub(super) async fn writes(options: &Options, rows: &mut Vec<Row>) -> anyhow::Result<()> {
    let seconds = options.seconds.max(5);
    let mut sqlite = Vec::new();
    let mut postgres = Vec::new();
    for round in 1..=options.rounds.min(2) {
        let dir = tempfile::tempdir()?;
        let url = format!("sqlite://{}", dir.path().join("writes.db").display());
        let rate = register_new(&url, seconds, &format!("s{round}")).await?;
        println!("round {round} register new, SQLite      {rate:>7.0}/s");
        sqlite.push(rate);
        if options.postgres {
            let (url, name) = registry_tests::postgres::create_database().await;
            let rate = register_new(&url, seconds, &format!("p{round}")).await;
            registry_tests::postgres::drop_database_detached(name);
            let rate = rate?;
            println!("round {round} register new, PostgreSQL  {rate:>7.0}/s");
            postgres.push(rate);
        }
    }
    let figure = |rates: &[f64]| {
        rates
            .iter()
            .map(|r| format!("{r:.0}/s"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    rows.push(Row {
        what: format!(
            "register new, {WRITE_CONNECTIONS} connections, a subject each, SQLite (durable)"
        ),
        figure: figure(&sqlite),
        budget: "≥ 2,000/s",
    });
    rows.push(Row {
        what: format!("register new, {WRITE_CONNECTIONS} connections, a subject each, PostgreSQL"),
        figure: if options.postgres {
            figure(&postgres)
        } else {
            "not measured (set TEST_DATABASE_URL)".into()
        },
        budget: "≥ 1,000/s",
    });
    Ok(())
}
