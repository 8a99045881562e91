//! The registry server as a separate process for tests (same entry point as `schema-registry`).

#[global_allocator]
static ALLOCATOR: registry_server::ServerAllocator = registry_server::ServerAllocator;

use clap::Parser as _;

#[tokio::main]
async fn main() {
    let cli = registry_server::cli::Cli::parse();
    std::process::exit(registry_server::cli::run(cli).await);
}
