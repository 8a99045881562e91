//! SQLite backend: the embedded default, for one registry node.
//!
//! One writer at a time: an in-process mutex orders writers before `BEGIN IMMEDIATE`, so
//! they queue in memory instead of polling SQLite's busy handler. Writes go through a
//! connection of their own: nothing else writes through it, so its page cache stays valid
//! from one transaction to the next (a pooled connection's is dropped whenever another one
//! committed). WAL journal; readers never block the writer.
//!
//! Durability: `synchronous=FULL` (the default) puts every acknowledged commit on disk, so
//! it survives a power loss; writers that queue behind one another share one transaction
//! and one fsync ([`group_commit`](super::group_commit)). `?synchronous=normal` in the URL
//! is the documented opt-in that survives a crash of the process (kill -9) but may lose the
//! last commits on a power loss or kernel crash.
//!
//! Faults: a write that cannot get the write lock within the busy timeout (another process
//! holds it: `SQLITE_BUSY`) or cannot get pages (`SQLITE_FULL`, a full disk or the
//! `max_page_count` cap) fails with [`StoreError::Database`], answered 50001; its
//! transaction leaves nothing behind, and the next write proceeds once the cause is gone.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use super::exec::Exec;
use super::group_commit::{Member, Writer};
use super::records::SETTINGS_SCOPES;
use super::sql::{Backend, BackendTx};
use super::{Event, StoreError, StoreResult};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");

/// How hard SQLite syncs on commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Synchronous {
    /// Survives a process crash; a power loss may lose the last commits.
    Normal,
    /// Every commit is on disk before it is acknowledged.
    #[default]
    Full,
}

/// The SQLite store.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// The writer's connection (a pool of one, which reopens it if a batch had to close it).
    write_pool: SqlitePool,
    writer: Writer,
}

/// A write transaction on SQLite: one member's turn in a group-commit batch, holding the
/// writer lock until commit or drop.
pub struct SqliteTx {
    tx: Member,
}

impl SqliteStore {
    /// Opens `url` (`sqlite://PATH`), creating and migrating the file.
    /// Query parameters: `synchronous=full|normal` (durability), `busy_timeout_ms=N` (how
    /// long a write waits for another process's lock; 30000 by default), `max_page_count=N`
    /// (caps the file size; writes past it fail like a full disk).
    ///
    /// # Errors
    /// A bad URL, an unopenable file, or a failed migration.
    pub async fn connect(url: &str, max_connections: u32) -> StoreResult<Self> {
        let (url, settings) = split_settings(url)?;
        if url.contains(":memory:") || url.contains("mode=memory") {
            // A write transaction resolves references through other pooled connections; an
            // in-memory database lives in one connection, so that would wait forever.
            return Err(StoreError::UnsupportedUrl(format!(
                "{url}: in-memory SQLite is not supported; use a file (e.g. in a temporary directory)"
            )));
        }
        let mut options = SqliteConnectOptions::from_str(&url)
            .map_err(|e| StoreError::UnsupportedUrl(format!("{url}: {e}")))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(match settings.synchronous {
                Synchronous::Normal => SqliteSynchronous::Normal,
                Synchronous::Full => SqliteSynchronous::Full,
            })
            .busy_timeout(settings.busy_timeout)
            // SQLite enforces foreign keys only when asked, per connection (sqlx asks by
            // default; said here because migration 0002's keys depend on it).
            .foreign_keys(true);
        if let Some(pages) = settings.max_page_count {
            // Per connection in SQLite, so set on every one the pool opens.
            options = options.pragma("max_page_count", pages.to_string());
        }
        // A database file does not hang up: sqlx's ping before every checkout (on top of
        // the one at every return) would only cost a hand-off to the connection's thread.
        let pool = SqlitePoolOptions::new()
            .test_before_acquire(false)
            .max_connections(max_connections.max(2))
            .min_connections(1)
            .connect_with(options.clone())
            .await?;
        MIGRATOR.run(&pool).await?;
        let write_pool = SqlitePoolOptions::new()
            .test_before_acquire(false)
            .max_connections(1)
            .min_connections(1)
            .connect_with(options)
            .await?;
        Ok(SqliteStore {
            pool,
            write_pool,
            writer: Writer::default(),
        })
    }
}

#[async_trait]
impl Backend for SqliteStore {
    type Tx = SqliteTx;
    const NAME: &'static str = "sqlite";

    fn pool(&self) -> Exec<'_> {
        Exec::SqlitePool(&self.pool)
    }

    async fn open_write(&self) -> StoreResult<SqliteTx> {
        // SQLite has one writer: the whole database is the lock.
        Ok(SqliteTx {
            tx: self.writer.join(&self.write_pool).await?,
        })
    }

    fn listen_for_changes(
        &self,
        _sink: Arc<dyn super::ChangeSink>,
    ) -> Option<tokio::task::JoinHandle<()>> {
        // One node: every change is made (and cached) here.
        None
    }
}

#[async_trait]
impl BackendTx for SqliteTx {
    fn conn(&mut self) -> Exec<'_> {
        Exec::Sqlite(&mut self.tx)
    }

    async fn take_locks(
        &mut self,
        _exclusive: &[String],
        _shared: Option<[String; SETTINGS_SCOPES]>,
    ) -> StoreResult<()> {
        // The writer lock already serializes every write.
        Ok(())
    }

    async fn announce(&mut self, _event: &Event) -> StoreResult<()> {
        // One node: nobody else to tell.
        Ok(())
    }

    async fn record_registration(
        &mut self,
        rows: &super::writes::Registration<'_>,
    ) -> StoreResult<()> {
        super::writes::record_registration_sqlite(&mut self.tx, rows).await
    }

    async fn record_registration_and_commit(
        self,
        rows: &super::writes::Registration<'_>,
    ) -> StoreResult<()> {
        super::writes::commit_registration_sqlite(self.tx, rows).await
    }

    async fn commit(self) -> StoreResult<()> {
        self.tx.commit().await
    }
}

/// The store's own parameters in the query of a `sqlite://` URL; the rest go to sqlx.
#[derive(Debug, Clone, PartialEq, Eq)]
struct UrlSettings {
    /// `synchronous=full|normal`.
    synchronous: Synchronous,
    /// `busy_timeout_ms=N`: how long a write waits for a lock another process holds before
    /// it fails (answered 50001).
    busy_timeout: Duration,
    /// `max_page_count=N`: the file may not grow past N pages; writes that would need more
    /// fail as on a full disk (answered 50001). A quota, and how the tests fill the "disk".
    max_page_count: Option<u32>,
}

impl Default for UrlSettings {
    fn default() -> Self {
        UrlSettings {
            synchronous: Synchronous::default(),
            busy_timeout: Duration::from_secs(30),
            max_page_count: None,
        }
    }
}

/// Splits the store's parameters off `url`.
fn split_settings(url: &str) -> StoreResult<(String, UrlSettings)> {
    let mut settings = UrlSettings::default();
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_owned(), settings));
    };
    let invalid = |name: &str, value: &str, expected: &str| {
        StoreError::UnsupportedUrl(format!("{name}={value}: use {expected}"))
    };
    let mut rest = Vec::new();
    for pair in query.split('&') {
        match pair.split_once('=') {
            Some(("synchronous", value)) => {
                settings.synchronous = match value.to_ascii_lowercase().as_str() {
                    "full" => Synchronous::Full,
                    "normal" => Synchronous::Normal,
                    _ => return Err(invalid("synchronous", value, "full or normal")),
                };
            }
            Some(("busy_timeout_ms", value)) => {
                let ms = value
                    .parse()
                    .map_err(|_| invalid("busy_timeout_ms", value, "milliseconds"))?;
                settings.busy_timeout = Duration::from_millis(ms);
            }
            Some(("max_page_count", value)) => {
                let pages = value
                    .parse()
                    .ok()
                    .filter(|pages| *pages > 0)
                    .ok_or_else(|| invalid("max_page_count", value, "a positive page count"))?;
                settings.max_page_count = Some(pages);
            }
            _ => rest.push(pair),
        }
    }
    let url = if rest.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", rest.join("&"))
    };
    Ok((url, settings))
}

#[cfg(test)]
mod query_plans {
    //! The statements on the register and lookup paths must search an index: a scan of a
    //! growing table makes every registration slower than the last (found by the bench).

    use super::super::queries;
    use sqlx::sqlite::SqlitePool;

    async fn plan(pool: &SqlitePool, statement: &str) -> String {
        let explain = format!("EXPLAIN QUERY PLAN {statement}");
        let rows: Vec<(i64, i64, i64, String)> = sqlx::query_as(sqlx::AssertSqlSafe(explain))
            .fetch_all(pool)
            .await
            .unwrap_or_else(|e| panic!("{statement}: {e}"));
        rows.into_iter()
            .map(|(_, _, _, detail)| detail)
            .collect::<Vec<_>>()
            .join(" | ")
    }

    #[tokio::test]
    async fn hot_statements_search_indexes() {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("plans.db").display());
        let store = super::SqliteStore::connect(&url, 2).await.expect("store");
        for statement in [
            queries::FIND_BY_HASH,
            queries::IDS_WITH_HASH,
            queries::REGISTRATION_READS,
            queries::REGISTRATION_READS_LATEST,
            queries::VERSIONS_FOR_REGISTRATION,
            queries::VERSIONS_WITH_ID,
            queries::ONE_VERSION,
            queries::SCHEMA_BY_ID,
            queries::SCHEMAS_WITH_HASH,
            queries::USAGES,
            queries::REFERRERS,
            queries::DELETE_SCHEMA_IF_UNUSED,
        ] {
            let plan = plan(&store.pool, statement).await;
            assert!(plan.contains("SEARCH"), "{statement}\n  → {plan}");
            assert!(!plan.contains("SCAN"), "{statement}\n  → {plan}");
        }
    }
}

#[cfg(test)]
mod foreign_keys {
    //! Migration 0002's keys hold only on connections that enforce them.

    #[tokio::test]
    async fn every_pooled_connection_enforces_foreign_keys() {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("keys.db").display());
        let store = super::SqliteStore::connect(&url, 3).await.expect("store");
        let mut held = Vec::new();
        for _ in 0..3 {
            let mut conn = store.pool.acquire().await.expect("connection");
            let on: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
                .fetch_one(&mut *conn)
                .await
                .expect("pragma");
            assert_eq!(on, 1, "a pooled connection does not enforce foreign keys");
            held.push(conn);
        }
    }
}

#[cfg(test)]
mod url_settings {
    use std::time::Duration;

    use super::{Synchronous, UrlSettings, split_settings};

    #[test]
    fn the_store_takes_its_parameters_and_leaves_the_rest_to_sqlx() {
        let (url, settings) = split_settings(
            "sqlite://r.db?mode=rwc&busy_timeout_ms=250&synchronous=NORMAL&max_page_count=9",
        )
        .expect("valid");
        assert_eq!(url, "sqlite://r.db?mode=rwc");
        assert_eq!(
            settings,
            UrlSettings {
                synchronous: Synchronous::Normal,
                busy_timeout: Duration::from_millis(250),
                max_page_count: Some(9),
            }
        );
        assert_eq!(
            split_settings("sqlite://r.db").expect("valid"),
            ("sqlite://r.db".to_owned(), UrlSettings::default())
        );
        for bad in [
            "busy_timeout_ms=soon",
            "max_page_count=0",
            "synchronous=off",
        ] {
            assert!(
                split_settings(&format!("sqlite://r.db?{bad}")).is_err(),
                "{bad}"
            );
        }
    }
}

#[cfg(test)]
mod durability {
    //! A 200 means the commit is on disk unless the URL opts out.

    async fn synchronous_of(url_tail: &str) -> i64 {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!(
            "sqlite://{}{url_tail}",
            dir.path().join("durable.db").display()
        );
        let store = super::SqliteStore::connect(&url, 2).await.expect("store");
        sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(&store.pool)
            .await
            .expect("pragma")
    }

    #[tokio::test]
    async fn full_by_default_normal_on_request() {
        assert_eq!(synchronous_of("").await, 2, "FULL");
        assert_eq!(synchronous_of("?synchronous=normal").await, 1, "NORMAL");
        assert_eq!(synchronous_of("?synchronous=full").await, 2, "FULL");
    }
}
