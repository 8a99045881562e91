//! `schema-registry`: parse the command line and run it.

use clap::Parser;

#[tokio::main]
async fn main() {
    let cli = registry_server::cli::Cli::parse();
    std::process::exit(registry_server::cli::run(cli).await);
}
