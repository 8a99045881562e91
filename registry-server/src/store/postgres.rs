//! PostgreSQL backend: several registry nodes share one database, no leader.
//!
//! Writers serialize per subject with transaction-scoped advisory locks
//! (`pg_advisory_xact_lock`), so registrations to different subjects run in parallel on
//! any node. Every event is also sent with `pg_notify` inside the transaction; listeners
//! receive it only once the transaction commits.
//!
//! Ids are issued and raised outside the writer's transaction, on a pool of their own whose
//! sessions commit asynchronously (`synchronous_commit = off`), like a sequence: the
//! context's `id_high_water` row is locked only while one statement runs, so registrations
//! in one context no longer queue behind each other's commit (and its WAL flush). An id is
//! never issued twice; one taken by a transaction that then rolls back stays unused. No
//! durability is lost: the transaction recording the id commits synchronously later, and
//! flushing its commit record flushes the WAL written before it, the id's update included.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::Postgres;
use sqlx::postgres::{PgListener, PgPool, PgPoolOptions};

use super::exec::Exec;
use super::records::SETTINGS_SCOPES;
use super::sql::{Backend, BackendTx};
use super::writes::{self, Registration, record_registration_postgres};
use super::{Event, StoreResult};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

/// The channel on which committed changes are announced.
pub const EVENTS_CHANNEL: &str = "schema_registry_events";

/// The PostgreSQL store.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
    /// Where ids are issued and raised (see the module's documentation).
    ids: PgPool,
}

/// A write transaction on PostgreSQL.
pub struct PostgresTx {
    tx: sqlx::Transaction<'static, Postgres>,
    ids: PgPool,
}

/// Connections of the id pool: each statement there is its own short transaction, so a
/// second connection only covers one that is slow or being replaced.
const ID_CONNECTIONS: u32 = 2;

impl PostgresStore {
    /// Connects to `url` and runs migrations (under the migrator's advisory lock).
    ///
    /// # Errors
    /// Connection or migration failures.
    pub async fn connect(url: &str, max_connections: u32) -> StoreResult<Self> {
        let pool = pool_options()
            .max_connections(max_connections.max(2))
            .connect(url)
            .await?;
        MIGRATOR.run(&pool).await?;
        let ids = pool_options()
            .max_connections(ID_CONNECTIONS)
            .after_connect(|conn, _| {
                Box::pin(async move {
                    sqlx::query("SET synchronous_commit = off")
                        .execute(conn)
                        .await
                        .map(drop)
                })
            })
            .connect_lazy(url)?;
        Ok(PostgresStore { pool, ids })
    }
}

/// A connection idle this long is pinged before it is handed out again.
const PING_AFTER_IDLE: Duration = Duration::from_secs(1);

/// Both pools' options. sqlx pings a connection when it goes back to the pool (always) and,
/// by default, again when it is taken out: two round trips per use besides the statements.
/// The second is skipped for a connection that was back less than [`PING_AFTER_IDLE`] ago
/// (the ping on its return vouched for it); one that died meanwhile fails its statement
/// (50001) and is then closed.
fn pool_options() -> PgPoolOptions {
    PgPoolOptions::new()
        .acquire_timeout(Duration::from_secs(30))
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for >= PING_AFTER_IDLE {
                    sqlx::Connection::ping(conn).await?;
                }
                Ok(true)
            })
        })
}

#[async_trait]
impl Backend for PostgresStore {
    type Tx = PostgresTx;
    const NAME: &'static str = "postgres";

    fn pool(&self) -> Exec<'_> {
        Exec::PostgresPool(&self.pool)
    }

    async fn open_write(&self) -> StoreResult<PostgresTx> {
        Ok(PostgresTx {
            tx: self.pool.begin().await?,
            ids: self.ids.clone(),
        })
    }

    /// Listens on [`EVENTS_CHANNEL`] and hands every notification to `sink`; after a
    /// reconnect (notifications sent meanwhile are lost) asks `sink` to resync.
    fn listen_for_changes(
        &self,
        sink: Arc<dyn super::ChangeSink>,
    ) -> Option<tokio::task::JoinHandle<()>> {
        let pool = self.pool.clone();
        Some(tokio::spawn(async move {
            loop {
                let mut listener = match PgListener::connect_with(&pool).await {
                    Ok(listener) => listener,
                    Err(error) => {
                        tracing::warn!(%error, "change listener cannot connect; retrying");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        continue;
                    }
                };
                if let Err(error) = listener.listen(EVENTS_CHANNEL).await {
                    tracing::warn!(%error, "change listener cannot LISTEN; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
                // Anything announced before this point may have been missed.
                sink.resync();
                loop {
                    match listener.try_recv().await {
                        Ok(Some(notification)) => {
                            deliver(sink.as_ref(), notification.payload()).await
                        }
                        Ok(None) => {
                            tracing::info!("change listener reconnected; dropping caches");
                            sink.resync();
                        }
                        Err(error) => {
                            tracing::warn!(%error, "change listener failed; reconnecting");
                            break;
                        }
                    }
                }
            }
        }))
    }
}

#[async_trait]
impl BackendTx for PostgresTx {
    fn conn(&mut self) -> Exec<'_> {
        Exec::Postgres(&mut self.tx)
    }

    /// One statement: PostgreSQL evaluates the select list left to right, and the array's
    /// keys in order, so the locks are taken in the order given. Hash collisions only
    /// over-serialize; they never break correctness.
    async fn take_locks(
        &mut self,
        exclusive: &[String],
        shared: Option<[String; SETTINGS_SCOPES]>,
    ) -> StoreResult<()> {
        let query = match &shared {
            None => sqlx::query(
                "SELECT count(pg_advisory_xact_lock(hashtextextended(key, 0))) \
                 FROM unnest($1::text[]) WITH ORDINALITY AS keys(key, position)",
            ),
            Some(_) => sqlx::query(
                "SELECT (SELECT count(pg_advisory_xact_lock(hashtextextended(key, 0))) \
                 FROM unnest($1::text[]) WITH ORDINALITY AS keys(key, position)), \
                 pg_advisory_xact_lock_shared(hashtextextended($2, 0)), \
                 pg_advisory_xact_lock_shared(hashtextextended($3, 0)), \
                 pg_advisory_xact_lock_shared(hashtextextended($4, 0)), \
                 pg_advisory_xact_lock_shared(hashtextextended($5, 0))",
            ),
        };
        let mut query = query.bind(exclusive);
        for key in shared.into_iter().flatten() {
            query = query.bind(key);
        }
        query.execute(&mut *self.tx).await?;
        Ok(())
    }

    async fn announce(&mut self, event: &Event) -> StoreResult<()> {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(EVENTS_CHANNEL)
            .bind(payload(event))
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// On the id pool, committed at once (see the module's documentation).
    async fn next_id(&mut self, context: &str) -> StoreResult<i32> {
        writes::next_id(Exec::PostgresPool(&self.ids), context).await
    }

    /// On the id pool, committed at once: an IMPORT that then rolls back leaves the ids up
    /// to `id` unused.
    async fn observe_id(&mut self, context: &str, id: i32) -> StoreResult<()> {
        writes::observe_id(Exec::PostgresPool(&self.ids), context, id).await
    }

    async fn record_registration(&mut self, rows: &Registration<'_>) -> StoreResult<()> {
        record_registration_postgres(&mut self.tx, rows, EVENTS_CHANNEL, payload(rows.event()))
            .await
    }

    async fn commit(self) -> StoreResult<()> {
        self.tx.commit().await?;
        Ok(())
    }
}

/// What other nodes hear of `event`.
fn payload(event: &Event) -> String {
    serde_json::json!({
        "kind": event.kind,
        "subject": event.subject,
        "version": event.version,
        "context": event.context,
        "id": event.schema_id,
    })
    .to_string()
}

async fn deliver(sink: &dyn super::ChangeSink, payload: &str) {
    let Ok(event) = serde_json::from_str::<serde_json::Value>(payload) else {
        sink.resync();
        return;
    };
    let kind = event
        .get("kind")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default();
    let context = event.get("context").and_then(serde_json::Value::as_str);
    let subject = event.get("subject").and_then(serde_json::Value::as_str);
    let id = event
        .get("id")
        .and_then(serde_json::Value::as_i64)
        .and_then(|id| i32::try_from(id).ok());
    sink.changed(&super::Change {
        kind,
        subject,
        context,
        id,
    })
    .await;
}
