//! The `schema-registry` command line: `serve` (and the CI gate commands as they land).

use clap::{Parser, Subcommand};

use crate::config::ServeArgs;

/// A Confluent-compatible schema registry.
#[derive(Debug, Parser)]
#[command(name = "schema-registry", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the registry server (Confluent Schema Registry REST API).
    Serve(ServeArgs),
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
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    crate::telemetry::init_logging(&args.log, args.log_format);
    let router = crate::server::build(&args).await?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| anyhow::anyhow!("binding {}: {e}", args.listen))?;
    tracing::info!(
        listen = %listener.local_addr()?,
        database = %crate::server::redact(&args.database_url),
        "schema registry serving"
    );
    crate::server::serve(listener, router, crate::server::shutdown_signal()).await
}
