//! `schema-registry serve` settings: every flag also reads an `SR_*` environment variable.

use std::net::SocketAddr;
use std::time::Duration;

use clap::{Args, ValueEnum};

use crate::domain::CompatibilityLevel;

/// The default of `--max-schema-bytes`; the CLI reads schema files up to this size too.
pub const DEFAULT_MAX_SCHEMA_BYTES: usize = 1024 * 1024;

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log shippers.
    Json,
}

/// Settings of the server.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "SR_LISTEN", default_value = "127.0.0.1:8081")]
    pub listen: SocketAddr,

    /// Storage: `sqlite://PATH` (created and migrated at start; every commit is on disk before
    /// it is acknowledged; `?synchronous=normal` to trade that for speed) or
    /// `postgres://USER@HOST/DB` (several nodes may share it).
    #[arg(long, env = "SR_DATABASE_URL", default_value = "sqlite://registry.db")]
    pub database_url: String,

    /// Database connections in the pool (PostgreSQL opens up to 2 more, on which ids are
    /// issued).
    #[arg(long, env = "SR_DATABASE_MAX_CONNECTIONS", default_value_t = 16)]
    pub database_max_connections: u32,

    /// Compatibility level when neither the subject nor the global config sets one.
    #[arg(long, env = "SR_DEFAULT_COMPATIBILITY", default_value = "BACKWARD", value_parser = parse_level)]
    pub default_compatibility: CompatibilityLevel,

    /// `error_code` for an incompatible schema: 409 (Confluent ≤ 8.0) or 40901 (later).
    #[arg(long, env = "SR_INCOMPATIBLE_ERROR_CODE", default_value_t = 409, value_parser = parse_incompatible_code)]
    pub incompatible_error_code: u32,

    /// Largest request body accepted, in bytes (larger ones get 413).
    #[arg(long, env = "SR_MAX_BODY_BYTES", default_value_t = 16 * 1024 * 1024)]
    pub max_body_bytes: usize,

    /// Largest schema text in a register, lookup or compatibility request, in bytes
    /// (larger ones get 42201 before parsing).
    #[arg(long, env = "SR_MAX_SCHEMA_BYTES", default_value_t = DEFAULT_MAX_SCHEMA_BYTES)]
    pub max_schema_bytes: usize,

    /// References one request may name, and schemas one reference resolution may reach
    /// (direct and transitive); more get 42201.
    #[arg(long, env = "SR_MAX_REFERENCES", default_value_t = 1000)]
    pub max_references: usize,

    /// Most items one listing answers (`/subjects`, versions, `referencedby`, ...; `/schemas`
    /// answers at most 1,000, as Confluent). A `limit` that is absent, ≤ 0 or larger means this.
    #[arg(long, env = "SR_MAX_LIST_ITEMS", default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_list_items: u32,

    /// Time limit of one request, in seconds.
    #[arg(long, env = "SR_REQUEST_TIMEOUT_SECS", default_value_t = 60)]
    pub request_timeout_secs: u64,

    /// Longest subject name accepted, in UTF-8 bytes (context prefix included); longer ones
    /// get 42208 before any database sees them. At most 2048.
    #[arg(long, env = "SR_MAX_SUBJECT_BYTES", default_value_t = crate::domain::MAX_SUBJECT_BYTES, value_parser = parse_subject_bytes)]
    pub max_subject_bytes: usize,

    /// Bytes all caches together may hold (parsed schemas, rendered answers, lookups,
    /// verdicts, settings): each entry is weighed by an estimate of what it takes, so this
    /// bounds resident memory, beyond a fixed overhead.
    #[arg(long, env = "SR_CACHE_BYTES", default_value_t = crate::registry::DEFAULT_CACHE_BYTES, value_parser = clap::value_parser!(u64).range(1024 * 1024..))]
    pub cache_bytes: u64,

    /// Parses and compatibility checks run at once, on threads apart from the ones that
    /// answer requests (default: the number of cores). Further ones wait their turn.
    #[arg(long, env = "SR_CPU_WORKERS", default_value_t = crate::registry::default_workers())]
    pub cpu_workers: usize,

    /// Most client connections served at once; further ones wait in the listen backlog
    /// (not accepted, not refused) until a connection closes.
    #[arg(long, env = "SR_MAX_CONNECTIONS", default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,

    /// Seconds a client has to send a request's complete headers, on a new connection and
    /// between requests on a kept-alive one; then the connection is closed.
    #[arg(long, env = "SR_HEADER_READ_TIMEOUT_SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    pub header_read_timeout_secs: u64,

    /// Serve the web UI at `/ui/` (`--ui false` turns it off: `/ui/` answers 404). It uses
    /// the same authentication as the API.
    #[arg(long, env = "SR_UI", default_value_t = true, action = clap::ArgAction::Set)]
    pub ui: bool,

    #[command(flatten)]
    pub tls: crate::tls::TlsArgs,

    /// Log filter, e.g. `info` or `registry_server=debug,sqlx=warn`.
    #[arg(long, env = "SR_LOG", default_value = "info")]
    pub log: String,

    /// Log format.
    #[arg(long, env = "SR_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    #[command(flatten)]
    pub auth: crate::auth::AuthArgs,

    #[command(flatten)]
    pub follow: crate::topic::follow::FollowArgs,
}

impl ServeArgs {
    #[must_use]
    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.request_timeout_secs)
    }

    /// The connection limits of the accept loop.
    #[must_use]
    pub fn connection_limits(&self) -> crate::server::ConnectionLimits {
        crate::server::ConnectionLimits {
            max_connections: self.max_connections,
            header_read_timeout: Duration::from_secs(self.header_read_timeout_secs),
        }
    }
}

fn parse_level(raw: &str) -> Result<CompatibilityLevel, String> {
    raw.parse()
        .map_err(|e: crate::domain::InvalidCompatibilityLevel| e.to_string())
}

fn parse_subject_bytes(raw: &str) -> Result<usize, String> {
    let ceiling = crate::domain::SUBJECT_BYTES_CEILING;
    match raw.trim().parse::<usize>() {
        Ok(bytes) if (1..=ceiling).contains(&bytes) => Ok(bytes),
        _ => Err(format!("{raw}: use a number of bytes from 1 to {ceiling}")),
    }
}

fn parse_incompatible_code(raw: &str) -> Result<u32, String> {
    match raw.trim() {
        "409" => Ok(409),
        "40901" => Ok(40901),
        other => Err(format!("{other}: use 409 or 40901")),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_subject_bytes;

    #[test]
    fn subject_limit_stays_within_what_every_backend_indexes() {
        assert_eq!(parse_subject_bytes("100"), Ok(100));
        assert_eq!(parse_subject_bytes("2048"), Ok(2048));
        assert!(parse_subject_bytes("0").is_err());
        assert!(parse_subject_bytes("2049").is_err());
        assert!(parse_subject_bytes("many").is_err());
    }
}
