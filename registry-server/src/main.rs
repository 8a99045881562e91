//! `schema-registry`: parse the command line and run it.

#[global_allocator]
static ALLOCATOR: registry_server::ServerAllocator = registry_server::ServerAllocator;

use clap::Parser;

#[tokio::main]
async fn main() {
    let cli = registry_server::cli::Cli::parse();
    std::process::exit(registry_server::cli::run(cli).await);
}
