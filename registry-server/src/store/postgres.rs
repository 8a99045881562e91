//! PostgreSQL backend: several registry nodes share one database, no leader.
//!
//! Writers serialize per subject with transaction-scoped advisory locks
//! (`pg_advisory_xact_lock`), so registrations to different subjects run in parallel on
//! any node. Every event is also sent with `pg_notify` inside the transaction; listeners
//! receive it only once the transaction commits.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::Postgres;
use sqlx::postgres::{PgListener, PgPool, PgPoolOptions};

use super::exec::Exec;
use super::records::SETTINGS_SCOPES;
use super::sql::{Backend, BackendTx};
use super::{Event, StoreResult};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

/// The channel on which committed changes are announced.
pub const EVENTS_CHANNEL: &str = "schema_registry_events";

/// The PostgreSQL store.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

/// A write transaction on PostgreSQL.
pub struct PostgresTx {
    tx: sqlx::Transaction<'static, Postgres>,
}

impl PostgresStore {
    /// Connects to `url` and runs migrations (under the migrator's advisory lock).
    ///
    /// # Errors
    /// Connection or migration failures.
    pub async fn connect(url: &str, max_connections: u32) -> StoreResult<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(max_connections.max(2))
            .acquire_timeout(Duration::from_secs(30))
            .connect(url)
            .await?;
        MIGRATOR.run(&pool).await?;
        Ok(PostgresStore { pool })
    }
}

#[async_trait]
impl Backend for PostgresStore {
    type Tx = PostgresTx;
    const NAME: &'static str = "postgres";

    fn pool(&self) -> Exec<'_> {
        Exec::PostgresPool(&self.pool)
    }

    async fn open_write(&self, lock_keys: &[&str]) -> StoreResult<PostgresTx> {
        let mut tx = PostgresTx {
            tx: self.pool.begin().await?,
        };
        // A fixed order over keys keeps two multi-key writers from deadlocking.
        let mut keys = lock_keys.to_vec();
        keys.sort_unstable();
        keys.dedup();
        for key in keys {
            tx.take_lock(key).await?;
        }
        Ok(tx)
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

    async fn take_lock(&mut self, key: &str) -> StoreResult<()> {
        // Hash collisions only over-serialize; they never break correctness.
        sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
            .bind(key)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Four keys shared, in the order given, in one statement.
    async fn take_shared_locks(&mut self, keys: [String; SETTINGS_SCOPES]) -> StoreResult<()> {
        let [first, second, third, fourth] = keys;
        sqlx::query(
            "SELECT pg_advisory_xact_lock_shared(hashtextextended($1, 0)), \
             pg_advisory_xact_lock_shared(hashtextextended($2, 0)), \
             pg_advisory_xact_lock_shared(hashtextextended($3, 0)), \
             pg_advisory_xact_lock_shared(hashtextextended($4, 0))",
        )
        .bind(first)
        .bind(second)
        .bind(third)
        .bind(fourth)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    async fn announce(&mut self, event: &Event) -> StoreResult<()> {
        let payload = serde_json::json!({
            "kind": event.kind,
            "subject": event.subject,
            "version": event.version,
            "context": event.context,
            "id": event.schema_id,
        });
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(EVENTS_CHANNEL)
            .bind(payload.to_string())
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    async fn commit(self) -> StoreResult<()> {
        self.tx.commit().await?;
        Ok(())
    }
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
