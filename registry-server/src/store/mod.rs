//! Storage: the [`Store`] trait, its records, and the backend chosen by URL scheme.
//!
//! Reads are single statements on the pool. Every mutation of subjects and schemas runs in
//! a [`WriteTx`]: one database transaction that first takes the locks named at
//! [`Store::begin_write`] (PostgreSQL: transaction-scoped advisory locks, so several nodes
//! serialize per subject; SQLite: `BEGIN IMMEDIATE` behind an in-process writer lock).
//! Unique constraints are the last guard; a violation surfaces as [`StoreError::Conflict`]
//! and the registry retries the whole transaction.
//!
//! Layout: `queries` holds every statement's text, written once for both backends;
//! `reads` and `writes` run them (through `exec`, on a pool or a transaction of either
//! backend); `sql` implements [`Store`] and [`WriteTx`] once over those; `sqlite` and
//! `postgres` hold only what differs (connecting, migrations, locks, change notification),
//! `group_commit` SQLite's batched commits, `records` the rows and their decoding.

mod exec;
mod group_commit;
mod postgres;
mod queries;
mod reads;
mod records;
mod sql;
mod sqlite;
mod writes;

use async_trait::async_trait;

pub use postgres::PostgresStore;
pub use records::{
    DeletedFilter, Event, EventRecord, Referrer, RegistrationReads, SchemaRecord, ScopeSettings,
    SubjectFilter, SubjectSummary, VersionRecord,
};
pub use sqlite::{SqliteStore, Synchronous};

/// The scope key of the global config and mode.
pub const GLOBAL_SCOPE: &str = "__GLOBAL";

/// The lock of one config/mode scope: a settings write takes it exclusively, and every
/// registration takes the scopes it obeys shared, then reads them inside its transaction,
/// so a registration is decided either wholly before or wholly after a settings change.
#[must_use]
pub fn settings_lock_key(scope: &str) -> String {
    format!("settings:{scope}")
}

/// The lock that serializes everything deciding the fate of one schema text in `context`:
/// a registration reusing (or issuing) its id, and a hard delete removing its row.
#[must_use]
pub fn digest_lock_key(context: &str, hash: &str) -> String {
    format!("schema:{context}:{hash}")
}

/// What went wrong below the registry.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint refused a concurrent write; retrying the transaction is safe.
    #[error("concurrent write conflict: {0}")]
    Conflict(String),
    /// A stored row that does not decode (never expected; logged and answered 50001).
    #[error("corrupt stored row: {0}")]
    Corrupt(String),
    /// Every id of the context up to 2^31-1 has been issued.
    #[error("no schema id is left to issue in context {0}")]
    IdsExhausted(String),
    #[error("unsupported database url `{0}`: use sqlite://PATH or postgres://...")]
    UnsupportedUrl(String),
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
    /// A grouped SQLite commit failed or was abandoned: none of the batch was written.
    #[error("group commit failed: {0}")]
    Batch(String),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Conflict(db.message().to_owned())
            }
            // PostgreSQL deadlock / serialization failure: safe to retry like a conflict.
            sqlx::Error::Database(db)
                if matches!(db.code().as_deref(), Some("40P01" | "40001")) =>
            {
                StoreError::Conflict(db.message().to_owned())
            }
            _ => StoreError::Database(error),
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// The registry's persistent state.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// `sqlite` or `postgres`, for logs and metrics.
    fn backend(&self) -> &'static str;
    /// Readiness: a round trip to the database.
    async fn ping(&self) -> StoreResult<()>;

    /// The schema stored under `id` in `context`.
    async fn schema(&self, context: &str, id: i32) -> StoreResult<Option<SchemaRecord>>;
    /// The highest id ever issued in `context` (0 when none).
    async fn max_schema_id(&self, context: &str) -> StoreResult<i32>;
    /// Every subject with at least one version record, sorted by bytes, with live/total counts.
    async fn subjects(&self) -> StoreResult<Vec<SubjectSummary>>;
    /// Every version record of `subject` (soft-deleted included), ascending.
    async fn versions(&self, subject: &str) -> StoreResult<Vec<VersionRecord>>;
    /// Every version record of `subject` with its schema, ascending.
    async fn versions_with_schemas(
        &self,
        subject: &str,
    ) -> StoreResult<Vec<(VersionRecord, SchemaRecord)>>;
    /// The versions of `subject` whose schema has identity digest `hash`, ascending.
    async fn find_by_hash(
        &self,
        subject: &str,
        hash: &str,
    ) -> StoreResult<Vec<(VersionRecord, SchemaRecord)>>;
    /// Every version of `subject`, ascending, each with its schema when that schema has
    /// identity digest `hash` or the version is the latest live one: what a registration
    /// reads before its transaction (its fast path and the contract it would inherit).
    async fn versions_for_registration(
        &self,
        subject: &str,
        hash: &str,
    ) -> StoreResult<Vec<(VersionRecord, Option<SchemaRecord>)>>;
    /// Schemas with identity digest `hash` in any context (for `/schemas/guids`), by context then id.
    async fn schemas_with_hash(&self, hash: &str) -> StoreResult<Vec<SchemaRecord>>;
    /// One page of the subjects `filter` selects, sorted by bytes.
    async fn subjects_page(
        &self,
        filter: &SubjectFilter,
        page: crate::domain::Page,
    ) -> StoreResult<Vec<String>>;
    /// One page of the version records (with their schemas) of the subjects `filter`
    /// selects, by subject (bytes) then version; only each subject's highest selected
    /// version when `latest_only`. [`DeletedFilter::Only`] counts as `Include` here.
    async fn schemas_page(
        &self,
        filter: &SubjectFilter,
        latest_only: bool,
        page: crate::domain::Page,
    ) -> StoreResult<Vec<(VersionRecord, SchemaRecord)>>;
    /// The subject-versions carrying schema `id` of `context`, by subject then version.
    async fn usages(&self, context: &str, id: i32) -> StoreResult<Vec<VersionRecord>>;
    /// One page of the subject-versions carrying schema `id` of `context` (soft-deleted
    /// ones too when `include_deleted`), by subject (bytes) then version.
    async fn usages_page(
        &self,
        context: &str,
        id: i32,
        include_deleted: bool,
        page: crate::domain::Page,
    ) -> StoreResult<Vec<VersionRecord>>;
    /// One page of the subjects with a version carrying schema `id` of `context`, by bytes.
    async fn usage_subjects_page(
        &self,
        context: &str,
        id: i32,
        include_deleted: bool,
        page: crate::domain::Page,
    ) -> StoreResult<Vec<String>>;
    /// Schemas whose references name `subject` at `version`.
    async fn referrers(&self, subject: &str, version: i32) -> StoreResult<Vec<Referrer>>;
    /// One page of the change log, newest first; only the events naming `subject` when given.
    async fn events_page(
        &self,
        subject: Option<&str>,
        page: crate::domain::Page,
    ) -> StoreResult<Vec<EventRecord>>;
    /// The contexts that hold at least one schema, sorted.
    async fn contexts(&self) -> StoreResult<Vec<String>>;

    /// The raw config object stored for `scope`.
    async fn config(&self, scope: &str) -> StoreResult<Option<serde_json::Value>>;
    /// The mode stored for `scope`.
    async fn mode(&self, scope: &str) -> StoreResult<Option<String>>;
    /// The configs and modes stored for `scopes` (at most four), in one read.
    async fn settings(&self, scopes: &[String]) -> StoreResult<ScopeSettings>;

    /// Opens a write transaction holding exclusive locks on `lock_keys` (e.g. subjects).
    async fn begin_write(&self, lock_keys: &[&str]) -> StoreResult<Box<dyn WriteTx>>;

    /// Starts delivering other nodes' committed changes to `sink` (PostgreSQL); `None` when
    /// this backend has no other nodes (SQLite).
    fn spawn_change_listener(
        &self,
        sink: std::sync::Arc<dyn ChangeSink>,
    ) -> Option<tokio::task::JoinHandle<()>>;
}

/// The event kind of a config or mode change as first recorded (before the audit trail
/// told the two apart); its `subject` names the scope.
pub const SETTINGS_CHANGED: &str = "settings";
/// The event kind of a config change; its `subject` names the scope.
pub const CONFIG_CHANGED: &str = "config";
/// The event kind of a mode change; its `subject` names the scope.
pub const MODE_CHANGED: &str = "mode";

/// Whether an event of `kind` changed a config or mode scope.
#[must_use]
pub fn is_settings_change(kind: &str) -> bool {
    matches!(kind, SETTINGS_CHANGED | CONFIG_CHANGED | MODE_CHANGED)
}

/// A committed change: what kind, and what it names (if anything).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change<'a> {
    pub kind: &'a str,
    pub subject: Option<&'a str>,
    pub context: Option<&'a str>,
    pub id: Option<i32>,
}

impl Event {
    /// The change this event records, as caches see it.
    #[must_use]
    pub fn change(&self) -> Change<'_> {
        Change {
            kind: self.kind,
            subject: self.subject.as_deref(),
            context: self.context.as_deref(),
            id: self.schema_id,
        }
    }
}

/// Receives changes committed by other registry nodes, to drop what it caches.
#[async_trait]
pub trait ChangeSink: Send + Sync + 'static {
    /// A change announced by another node.
    async fn changed(&self, change: &Change<'_>);
    /// Notifications may have been missed (the listener reconnected): drop every cache.
    fn resync(&self);
}

/// One write transaction. Dropping it without [`WriteTx::commit`] rolls back.
#[async_trait]
pub trait WriteTx: Send {
    /// Takes `key` exclusively until the transaction ends (e.g. a schema digest, so one
    /// schema text gets one id across subjects).
    async fn lock_key(&mut self, key: &str) -> StoreResult<()>;
    /// Takes `key` exclusively, as [`WriteTx::lock_key`] does, together with whatever the
    /// next call takes or runs first (one round trip fewer); until then it is not held.
    fn lock_key_with_next(&mut self, key: &str);
    /// Takes the [`settings_lock_key`]s of `scopes` (one to three: subject, context,
    /// global) shared until the transaction ends, then reads their modes and configs: one
    /// round trip each, so a registration pays two for obeying its settings.
    async fn obey_settings(&mut self, scopes: &[String]) -> StoreResult<ScopeSettings>;
    /// The raw config object stored for `scope`, as this transaction sees it.
    async fn config(&mut self, scope: &str) -> StoreResult<Option<serde_json::Value>>;
    async fn put_config(&mut self, scope: &str, config: &serde_json::Value) -> StoreResult<()>;
    /// The mode stored for `scope`, as this transaction sees it.
    async fn mode(&mut self, scope: &str) -> StoreResult<Option<String>>;
    async fn put_mode(&mut self, scope: &str, mode: &str) -> StoreResult<()>;
    async fn versions(&mut self, subject: &str) -> StoreResult<Vec<VersionRecord>>;
    /// The live versions of `subject` (only the latest when `latest_only`), its highest
    /// version number, and the ids of digest `hash` in `context`: one statement, run once
    /// the digest's [`digest_lock_key`] is held (taken here if it is not yet).
    async fn registration_reads(
        &mut self,
        subject: &str,
        latest_only: bool,
        context: &str,
        hash: &str,
    ) -> StoreResult<RegistrationReads>;
    /// The versions of `subject` (soft-deleted included) carrying schema `id`.
    async fn versions_with_id(&mut self, subject: &str, id: i32)
    -> StoreResult<Vec<VersionRecord>>;
    /// Version `version` of `subject`, soft-deleted or not.
    async fn version(&mut self, subject: &str, version: i32) -> StoreResult<Option<VersionRecord>>;
    async fn schema(&mut self, context: &str, id: i32) -> StoreResult<Option<SchemaRecord>>;
    /// Ids whose schema has identity digest `hash` in `context`, ascending.
    async fn ids_with_hash(&mut self, context: &str, hash: &str) -> StoreResult<Vec<i32>>;
    /// Issues the next id of `context` (one above the highest ever issued);
    /// [`StoreError::IdsExhausted`] once 2^31-1 has been issued. PostgreSQL issues it
    /// outside the transaction: it stays spent if the transaction does not commit.
    async fn next_id(&mut self, context: &str) -> StoreResult<i32>;
    /// Records that `id` is in use (IMPORT), so later ids are issued above it (PostgreSQL:
    /// at once, whether or not the transaction commits).
    async fn observe_id(&mut self, context: &str, id: i32) -> StoreResult<()>;
    async fn insert_schema(&mut self, schema: &SchemaRecord) -> StoreResult<()>;
    async fn insert_version(&mut self, version: &VersionRecord) -> StoreResult<()>;
    async fn mark_deleted(&mut self, subject: &str, version: i32) -> StoreResult<()>;
    /// Removes a version record. Its schema row goes too if no version carries it once
    /// the transaction commits (so the caller may still give the id a new version first);
    /// decided under the schema's [`digest_lock_key`], taken here, so a registration reusing
    /// the id cannot interleave.
    async fn remove_version(&mut self, subject: &str, version: i32) -> StoreResult<()>;
    async fn referrers(&mut self, subject: &str, version: i32) -> StoreResult<Vec<Referrer>>;
    async fn delete_config(&mut self, scope: &str) -> StoreResult<()>;
    async fn delete_mode(&mut self, scope: &str) -> StoreResult<()>;
    async fn append_event(&mut self, event: &Event) -> StoreResult<()>;
    /// A registration's writes, then [`WriteTx::commit`], in as few round trips as the
    /// backend allows (on SQLite, one for both): `new_schema`'s row when the version brings
    /// one (then its references), `version`, and `event`, announced as
    /// [`WriteTx::append_event`] does.
    async fn commit_registration(
        self: Box<Self>,
        new_schema: Option<&SchemaRecord>,
        version: &VersionRecord,
        event: &Event,
    ) -> StoreResult<()>;
    async fn commit(self: Box<Self>) -> StoreResult<()>;
}

/// Opens (creating and migrating) the store named by `url`.
///
/// # Errors
/// [`StoreError::UnsupportedUrl`] for other schemes; connection or migration failures.
pub async fn connect(url: &str, max_connections: u32) -> StoreResult<std::sync::Arc<dyn Store>> {
    if url.starts_with("sqlite:") {
        Ok(std::sync::Arc::new(
            SqliteStore::connect(url, max_connections).await?,
        ))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(std::sync::Arc::new(
            PostgresStore::connect(url, max_connections).await?,
        ))
    } else {
        Err(StoreError::UnsupportedUrl(url.to_owned()))
    }
}

/// Milliseconds since the epoch, for `ts` and `created_at`.
#[must_use]
pub fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
