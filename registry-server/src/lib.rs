//! A Confluent-compatible schema registry.
//!
//! Code tour, one folder per layer, each knowing only the one below:
//! - [`api`]: one module per REST resource; thin handlers over [`registry`].
//! - [`registry`]: the use-cases (register, lookup, delete, check); owns transactions.
//! - [`schema`]: pure engines: parse, canonical form, identity hash, compatibility.
//! - [`store`]: the `Store` trait with SQLite and PostgreSQL implementations.
//! - [`domain`]: request values parsed at the edge (subjects, versions, levels, modes).
//! - [`auth`]: authentication and permissions (a leaf: headers and files in, principals out).
//! - [`ui`]: the web UI at `/ui/`, server-rendered pages over [`registry`].
//! - [`topic`]: a Confluent/Karapace `_schemas` topic read once (import) or followed.
//! - [`server`], [`tls`], [`config`], [`telemetry`], [`cli`]: process wiring.

pub mod api;
pub mod auth;
pub mod cli;
pub mod config;
pub mod domain;
pub mod registry;
pub mod schema;
pub mod server;
pub mod store;
pub mod telemetry;
pub mod tls;
pub mod topic;
pub mod ui;

/// The global allocator the server's binaries install (`#[global_allocator]`): mimalloc
/// spends far fewer instructions per request than glibc's malloc on the hot paths, which
/// allocate for every request (see the README's Benchmarks).
pub use mimalloc::MiMalloc as ServerAllocator;
