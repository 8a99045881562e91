//! The `schema-registry` command line: `serve`, the CI gate commands `check`, `diff`,
//! `register`, `export` and `import`, and `passwd` for authfile entries.

mod check;
mod client;
mod diff;
mod dump;
mod export;
mod git;
mod import;
mod import_kafka;
mod judge;
mod offline;
mod online;
mod output;
mod passwd;
mod project;
mod register;
mod report;
mod target;

use clap::{Parser, Subcommand};

use crate::config::ServeArgs;

/// A Confluent-compatible schema registry.
#[derive(Debug, Parser)]
#[command(name = "schema-registry", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

// Parsed once per process: the size of the largest variant costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the registry server (Confluent Schema Registry REST API).
    Serve(ServeArgs),
    /// Check schema files for compatibility, offline or against a registry (exit 0
    /// compatible, 1 incompatible, 2 error).
    Check(check::CheckArgs),
    /// Show the semantic difference of two schema files (text, JSON or Markdown).
    Diff(diff::DiffArgs),
    /// Register schema files under subjects; prints ids and versions.
    Register(register::RegisterArgs),
    /// Export every subject, version, id, config and mode of a registry into a JSON file.
    Export(export::ExportArgs),
    /// Import an export file, or a Confluent/Karapace `_schemas` topic (--from-kafka), into a
    /// registry (IMPORT mode) or a database, preserving ids and versions.
    Import(import::ImportArgs),
    /// Print an authfile user entry for a password read from standard input (TOML with
    /// argon2id, or with --karapace a Karapace JSON user object).
    Passwd(passwd::PasswdArgs),
}

/// Exit code of a command that could not run (usage, file, schema or network error).
const EXIT_ERROR: i32 = 2;

/// Prints a gate command's error on one line and answers its exit code.
fn gate_exit(result: anyhow::Result<i32>) -> i32 {
    match result {
        Ok(code) => code,
        Err(error) => {
            let text = format!("{error:#}");
            eprintln!(
                "schema-registry: {}",
                text.split_whitespace().collect::<Vec<_>>().join(" ")
            );
            EXIT_ERROR
        }
    }
}

/// Runs the parsed command line; answers the process exit code.
pub async fn run(cli: Cli) -> i32 {
    match cli.command {
        Command::Serve(args) => match serve(args).await {
            Ok(()) => 0,
            Err(error) => {
                eprintln!("schema-registry: {error:#}");
                1
            }
        },
        Command::Check(args) => gate_exit(check::run(args).await),
        Command::Diff(args) => gate_exit(diff::run(&args)),
        Command::Register(args) => gate_exit(register::run(args).await),
        Command::Export(args) => gate_exit(export::run(args).await),
        Command::Import(args) => gate_exit(import::run(args).await),
        Command::Passwd(args) => gate_exit(passwd::run(&args).map(|()| 0)),
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    crate::telemetry::init_logging(&args.log, args.log_format);
    let tls = crate::tls::Tls::load(&args.tls)?;
    let router = crate::server::build(&args).await?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| anyhow::anyhow!("binding {}: {e}", args.listen))?;
    tracing::info!(
        listen = %listener.local_addr()?,
        scheme = if tls.is_some() { "https" } else { "http" },
        client_certificates = tls
            .as_ref()
            .and_then(crate::tls::Tls::client_auth)
            .map_or("off", crate::tls::ClientAuth::as_str),
        database = %crate::server::redact(&args.database_url),
        "schema registry serving"
    );
    crate::server::serve_with_tls(
        listener,
        router,
        args.connection_limits(),
        tls,
        crate::server::shutdown_signal(),
    )
    .await
}
