//! Startup and memory benchmark (DESIGN §10), alone: see `registry_tests::startup`. `bench`
//! runs the same measurement among its others.
//!
//! `cargo run --release -p registry-tests --bin bench-startup -- [--schemas N] [-- serve arguments]`
//! Budgets: ready < 1 s; idle < 30 MB; < 300 MB with 100,000 schemas.

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let count = args
        .iter()
        .position(|a| a == "--schemas")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000usize);
    let extra: Vec<&str> = args
        .iter()
        .position(|a| a == "--")
        .map(|i| args[i + 1..].iter().map(String::as_str).collect())
        .unwrap_or_default();
    let server = std::env::current_exe()?
        .parent()
        .map(|d| d.join("sr-under-test"))
        .ok_or_else(|| anyhow::anyhow!("no directory of the bench binary"))?;
    let figures =
        registry_tests::startup::measure(&server.display().to_string(), count, &extra).await?;
    println!(
        "start to ready with {count} schemas: {:.0} ms (budget < 1000 ms)",
        figures.ready.as_secs_f64() * 1000.0
    );
    println!(
        "resident memory idle: {:.1} MB (budget < 30 MB)",
        figures.idle_mb
    );
    println!(
        "peak resident memory after reading all {count} ids ({:.1} s): {:.1} MB (budget < 300 MB)",
        figures.reading.as_secs_f64(),
        figures.peak_mb
    );
    Ok(())
}
