//! [`Store`] and [`WriteTx`] for both SQL backends, written once over what differs between
//! them: a [`Backend`] (its pool, how it opens a write, how it hears other nodes) and a
//! [`BackendTx`] (its connection, locks, announcements, commit). The statements themselves
//! are in [`reads`] and [`writes`].

use std::sync::Arc;

use async_trait::async_trait;

use super::exec::Exec;
use super::records::{SETTINGS_SCOPES, padded_scopes};
use super::{
    ChangeSink, Event, EventRecord, Referrer, RegistrationReads, SchemaRecord, ScopeSettings,
    Store, StoreError, StoreResult, SubjectFilter, SubjectSummary, VersionRecord, WriteTx,
    digest_lock_key, reads, settings_lock_key, writes,
};
use crate::domain::Page;

/// What a SQL backend supplies to be a [`Store`].
#[async_trait]
pub(super) trait Backend: Send + Sync + 'static {
    type Tx: BackendTx;
    /// `sqlite` or `postgres`.
    const NAME: &'static str;
    /// The pool, for reads outside a transaction.
    fn pool(&self) -> Exec<'_>;
    /// Opens a write transaction (its locks are taken with its first statement).
    async fn open_write(&self) -> StoreResult<Self::Tx>;
    /// See [`Store::spawn_change_listener`].
    fn listen_for_changes(&self, sink: Arc<dyn ChangeSink>) -> Option<tokio::task::JoinHandle<()>>;
}

/// What a SQL backend's write transaction supplies to be a [`WriteTx`].
#[async_trait]
pub(super) trait BackendTx: Send + 'static {
    /// The transaction's connection.
    fn conn(&mut self) -> Exec<'_>;
    /// Takes `exclusive` exclusively, in order, then `shared` shared, until the transaction
    /// ends: one round trip.
    async fn take_locks(
        &mut self,
        exclusive: &[String],
        shared: Option<[String; SETTINGS_SCOPES]>,
    ) -> StoreResult<()>;
    /// Tells other nodes about `event` once the transaction commits.
    async fn announce(&mut self, event: &Event) -> StoreResult<()>;
    /// Issues the next id of `context` (see [`WriteTx::next_id`]); in the transaction
    /// unless the backend issues ids outside it.
    async fn next_id(&mut self, context: &str) -> StoreResult<i32> {
        writes::next_id(self.conn(), context).await
    }
    /// Raises `context`'s id high-water mark to `id` (see [`WriteTx::observe_id`]); in the
    /// transaction unless the backend issues ids outside it.
    async fn observe_id(&mut self, context: &str, id: i32) -> StoreResult<()> {
        writes::observe_id(self.conn(), context, id).await
    }
    /// Writes a registration's rows and announces its event, in one round trip.
    async fn record_registration(&mut self, rows: &writes::Registration<'_>) -> StoreResult<()>;
    /// [`BackendTx::record_registration`], then [`BackendTx::commit`], in as few round trips
    /// as the backend allows (two unless it says otherwise).
    async fn record_registration_and_commit(
        mut self,
        rows: &writes::Registration<'_>,
    ) -> StoreResult<()>
    where
        Self: Sized,
    {
        self.record_registration(rows).await?;
        self.commit().await
    }
    async fn commit(self) -> StoreResult<()>;
}

#[async_trait]
impl<B: Backend> Store for B {
    fn backend(&self) -> &'static str {
        B::NAME
    }

    async fn ping(&self) -> StoreResult<()> {
        reads::ping(self.pool()).await
    }

    async fn schema(&self, context: &str, id: i32) -> StoreResult<Option<SchemaRecord>> {
        reads::schema(self.pool(), context, id).await
    }

    async fn max_schema_id(&self, context: &str) -> StoreResult<i32> {
        reads::max_schema_id(self.pool(), context).await
    }

    async fn subjects(&self) -> StoreResult<Vec<SubjectSummary>> {
        reads::subjects(self.pool()).await
    }

    async fn versions(&self, subject: &str) -> StoreResult<Vec<VersionRecord>> {
        reads::versions(self.pool(), subject).await
    }

    async fn versions_with_schemas(
        &self,
        subject: &str,
    ) -> StoreResult<Vec<(VersionRecord, SchemaRecord)>> {
        reads::versions_with_schemas(self.pool(), subject).await
    }

    async fn find_by_hash(
        &self,
        subject: &str,
        hash: &str,
    ) -> StoreResult<Vec<(VersionRecord, SchemaRecord)>> {
        reads::find_by_hash(self.pool(), subject, hash).await
    }

    async fn versions_for_registration(
        &self,
        subject: &str,
        hash: &str,
    ) -> StoreResult<Vec<(VersionRecord, Option<SchemaRecord>)>> {
        reads::versions_for_registration(self.pool(), subject, hash).await
    }

    async fn schemas_with_hash(&self, hash: &str) -> StoreResult<Vec<SchemaRecord>> {
        reads::schemas_with_hash(self.pool(), hash).await
    }

    async fn subjects_page(&self, filter: &SubjectFilter, page: Page) -> StoreResult<Vec<String>> {
        reads::subjects_page(self.pool(), filter, page).await
    }

    async fn schemas_page(
        &self,
        filter: &SubjectFilter,
        latest_only: bool,
        page: Page,
    ) -> StoreResult<Vec<(VersionRecord, SchemaRecord)>> {
        reads::schemas_page(self.pool(), filter, latest_only, page).await
    }

    async fn usages(&self, context: &str, id: i32) -> StoreResult<Vec<VersionRecord>> {
        reads::usages(self.pool(), context, id).await
    }

    async fn usages_page(
        &self,
        context: &str,
        id: i32,
        include_deleted: bool,
        page: Page,
    ) -> StoreResult<Vec<VersionRecord>> {
        reads::usages_page(self.pool(), context, id, include_deleted, page).await
    }

    async fn usage_subjects_page(
        &self,
        context: &str,
        id: i32,
        include_deleted: bool,
        page: Page,
    ) -> StoreResult<Vec<String>> {
        reads::usage_subjects_page(self.pool(), context, id, include_deleted, page).await
    }

    async fn referrers(&self, subject: &str, version: i32) -> StoreResult<Vec<Referrer>> {
        reads::referrers(self.pool(), subject, version).await
    }

    async fn events_page(
        &self,
        subject: Option<&str>,
        page: crate::domain::Page,
    ) -> StoreResult<Vec<EventRecord>> {
        reads::events_page(self.pool(), subject, page).await
    }

    async fn contexts(&self) -> StoreResult<Vec<String>> {
        reads::contexts(self.pool()).await
    }

    async fn config(&self, scope: &str) -> StoreResult<Option<serde_json::Value>> {
        reads::config(self.pool(), scope).await
    }

    async fn mode(&self, scope: &str) -> StoreResult<Option<String>> {
        reads::mode(self.pool(), scope).await
    }

    async fn settings(&self, scopes: &[String]) -> StoreResult<ScopeSettings> {
        reads::settings_of_scopes(self.pool(), settings_scopes(scopes)?).await
    }

    async fn begin_write(&self, lock_keys: &[&str]) -> StoreResult<Box<dyn WriteTx>> {
        // A fixed order over keys keeps two multi-key writers from deadlocking.
        let mut pending: Vec<String> = lock_keys.iter().map(|&k| k.to_owned()).collect();
        pending.sort_unstable();
        pending.dedup();
        Ok(Box::new(SqlTx {
            backend: self.open_write().await?,
            unused: Vec::new(),
            pending,
            held: Vec::new(),
        }))
    }

    fn spawn_change_listener(
        &self,
        sink: Arc<dyn ChangeSink>,
    ) -> Option<tokio::task::JoinHandle<()>> {
        self.listen_for_changes(sink)
    }
}

/// `scopes` padded for the settings statement; more than it binds is a caller's bug.
fn settings_scopes(scopes: &[String]) -> StoreResult<[&str; SETTINGS_SCOPES]> {
    padded_scopes(scopes)
        .ok_or_else(|| StoreError::Corrupt(format!("{} settings scopes", scopes.len())))
}

/// A write transaction of either SQL backend.
struct SqlTx<T> {
    backend: T,
    /// Schema rows that lost a version here: deleted at commit if no version carries them
    /// then (see [`WriteTx::remove_version`]).
    unused: Vec<(String, i32)>,
    /// Keys to take exclusively before the next statement, in order: taken in the same
    /// round trip as the settings' shared locks when that comes next.
    pending: Vec<String>,
    /// Keys taken exclusively so far.
    held: Vec<String>,
}

impl<T: BackendTx> SqlTx<T> {
    /// Takes the pending locks, with `shared` if given.
    async fn take_pending(&mut self, shared: Option<[String; SETTINGS_SCOPES]>) -> StoreResult<()> {
        if self.pending.is_empty() && shared.is_none() {
            return Ok(());
        }
        let pending = std::mem::take(&mut self.pending);
        self.backend.take_locks(&pending, shared).await?;
        self.held.extend(pending);
        Ok(())
    }

    /// The connection, once the pending locks are held.
    async fn ready(&mut self) -> StoreResult<Exec<'_>> {
        self.take_pending(None).await?;
        Ok(self.backend.conn())
    }

    /// The `schema_refs` rows of a schema row just inserted.
    async fn insert_references(&mut self, schema: &SchemaRecord) -> StoreResult<()> {
        for (position, reference) in (0i32..).zip(&schema.references) {
            writes::insert_reference(self.ready().await?, schema, position, reference).await?;
        }
        Ok(())
    }

    /// Queues `key` unless it is held or queued already.
    fn queue_lock(&mut self, key: &str) {
        if !self.held.iter().chain(&self.pending).any(|k| k == key) {
            self.pending.push(key.to_owned());
        }
    }
}

#[async_trait]
impl<T: BackendTx> WriteTx for SqlTx<T> {
    async fn lock_key(&mut self, key: &str) -> StoreResult<()> {
        self.queue_lock(key);
        self.take_pending(None).await
    }

    fn lock_key_with_next(&mut self, key: &str) {
        self.queue_lock(key);
    }

    async fn obey_settings(&mut self, scopes: &[String]) -> StoreResult<ScopeSettings> {
        let scopes = settings_scopes(scopes)?;
        self.take_pending(Some(scopes.map(settings_lock_key)))
            .await?;
        reads::settings_of_scopes(self.backend.conn(), scopes).await
    }

    async fn config(&mut self, scope: &str) -> StoreResult<Option<serde_json::Value>> {
        reads::config(self.ready().await?, scope).await
    }

    async fn put_config(&mut self, scope: &str, config: &serde_json::Value) -> StoreResult<()> {
        writes::put_config(self.ready().await?, scope, config).await
    }

    async fn mode(&mut self, scope: &str) -> StoreResult<Option<String>> {
        reads::mode(self.ready().await?, scope).await
    }

    async fn put_mode(&mut self, scope: &str, mode: &str) -> StoreResult<()> {
        writes::put_mode(self.ready().await?, scope, mode).await
    }

    async fn versions(&mut self, subject: &str) -> StoreResult<Vec<VersionRecord>> {
        reads::versions(self.ready().await?, subject).await
    }

    async fn registration_reads(
        &mut self,
        subject: &str,
        latest_only: bool,
        context: &str,
        hash: &str,
    ) -> StoreResult<RegistrationReads> {
        self.queue_lock(&digest_lock_key(context, hash));
        reads::registration_reads(self.ready().await?, subject, latest_only, context, hash).await
    }

    async fn versions_with_id(
        &mut self,
        subject: &str,
        id: i32,
    ) -> StoreResult<Vec<VersionRecord>> {
        reads::versions_with_id(self.ready().await?, subject, id).await
    }

    async fn version(&mut self, subject: &str, version: i32) -> StoreResult<Option<VersionRecord>> {
        reads::version(self.ready().await?, subject, version).await
    }

    async fn schema(&mut self, context: &str, id: i32) -> StoreResult<Option<SchemaRecord>> {
        reads::schema(self.ready().await?, context, id).await
    }

    async fn ids_with_hash(&mut self, context: &str, hash: &str) -> StoreResult<Vec<i32>> {
        reads::ids_with_hash(self.ready().await?, context, hash).await
    }

    async fn next_id(&mut self, context: &str) -> StoreResult<i32> {
        self.take_pending(None).await?;
        self.backend.next_id(context).await
    }

    async fn observe_id(&mut self, context: &str, id: i32) -> StoreResult<()> {
        self.take_pending(None).await?;
        self.backend.observe_id(context, id).await
    }

    async fn insert_schema(&mut self, schema: &SchemaRecord) -> StoreResult<()> {
        writes::insert_schema(self.ready().await?, schema).await?;
        self.insert_references(schema).await
    }

    async fn insert_version(&mut self, version: &VersionRecord) -> StoreResult<()> {
        writes::insert_version(self.ready().await?, version).await
    }

    async fn mark_deleted(&mut self, subject: &str, version: i32) -> StoreResult<()> {
        writes::mark_deleted(self.ready().await?, subject, version).await
    }

    async fn remove_version(&mut self, subject: &str, version: i32) -> StoreResult<()> {
        let Some((context, id)) =
            writes::remove_version(self.ready().await?, subject, version).await?
        else {
            return Ok(());
        };
        let Some(hash) = reads::schema_hash(self.ready().await?, &context, id).await? else {
            return Ok(());
        };
        // A registration holding this schema's digest lock may be about to reuse the id:
        // wait for it before the row is judged unused.
        self.lock_key(&digest_lock_key(&context, &hash)).await?;
        // Judged at commit, after every version this transaction inserts: the caller may
        // yet give the id a new version (re-registering a schema whose only versions it
        // tombstoned), which the foreign key would refuse if the row were gone.
        self.unused.push((context, id));
        Ok(())
    }

    async fn referrers(&mut self, subject: &str, version: i32) -> StoreResult<Vec<Referrer>> {
        reads::referrers(self.ready().await?, subject, version).await
    }

    async fn delete_config(&mut self, scope: &str) -> StoreResult<()> {
        writes::delete_config(self.ready().await?, scope).await
    }

    async fn delete_mode(&mut self, scope: &str) -> StoreResult<()> {
        writes::delete_mode(self.ready().await?, scope).await
    }

    async fn append_event(&mut self, event: &Event) -> StoreResult<()> {
        writes::append_event(self.ready().await?, event).await?;
        self.backend.announce(event).await
    }

    async fn commit_registration(
        mut self: Box<Self>,
        new_schema: Option<&SchemaRecord>,
        version: &VersionRecord,
        event: &Event,
    ) -> StoreResult<()> {
        let rows = writes::Registration::new(new_schema, version, event)?;
        let references = new_schema.is_some_and(|schema| !schema.references.is_empty());
        if references || !self.unused.is_empty() || !self.pending.is_empty() {
            // Statements of their own before the commit: the rows go first.
            self.backend.record_registration(&rows).await?;
            if let Some(schema) = new_schema {
                self.insert_references(schema).await?;
            }
            return self.commit().await;
        }
        self.backend.record_registration_and_commit(&rows).await
    }

    async fn commit(mut self: Box<Self>) -> StoreResult<()> {
        // A transaction that ran nothing still waits for its locks before it ends.
        self.take_pending(None).await?;
        let mut unused = std::mem::take(&mut self.unused);
        unused.sort_unstable();
        unused.dedup();
        for (context, id) in unused {
            writes::delete_schema_if_unused(self.ready().await?, &context, id).await?;
        }
        self.backend.commit().await
    }
}
