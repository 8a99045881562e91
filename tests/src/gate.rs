//! A store that stops a chosen call until the test lets it go, to force one interleaving
//! of two requests deterministically (no sleeps, no luck).
//!
//! [`GateStore`] forwards every call to the real store. A test arms one [`Stop`] (a point
//! such as "the write transaction that locks subject `a` is about to begin"); the first call
//! that reaches it parks there, the test learns that it did ([`Parked::reached`]), runs the
//! racing request to completion, and then releases it ([`Parked::release`]).

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use registry_server::store::{
    ChangeSink, Event, Referrer, RegistrationReads, SchemaRecord, ScopeSettings, Store,
    StoreResult, SubjectFilter, SubjectSummary, VersionRecord, WriteTx,
};
use tokio::sync::oneshot;

/// Where a call parks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// Before opening the write transaction whose lock keys start with this subject.
    BeginWrite(String),
    /// Inside a write transaction that locked this subject first, before it appends its event
    /// or records a registration (every check has run; nothing is committed).
    BeforeEvent(String),
    /// After a pool read of schema `id` has its answer, before handing it back.
    AfterSchemaRead(i32),
    /// After a pool read of the config stored for this scope (alone or with others' settings),
    /// before handing it back.
    AfterConfigRead(String),
    /// After a pool read of the versions carrying schema `id`, before handing them back.
    AfterUsagesRead(i32),
}

/// The test's side of an armed stop.
pub struct Parked {
    reached: oneshot::Receiver<()>,
    release: oneshot::Sender<()>,
}

impl Parked {
    /// Waits until a call has parked at the stop.
    ///
    /// # Panics
    /// When the store is dropped before any call reaches the stop.
    pub async fn reached(&mut self) {
        (&mut self.reached).await.expect("no call reached the stop");
    }

    /// Lets the parked call go on.
    pub fn release(self) {
        let _ = self.release.send(());
    }
}

/// The call's side of an armed stop.
struct Armed {
    stop: Stop,
    reached: oneshot::Sender<()>,
    release: oneshot::Receiver<()>,
}

#[derive(Default)]
struct Stops(Mutex<Vec<Armed>>);

impl Stops {
    /// Parks here if `stop` is armed (once: the stop is disarmed by the first call).
    async fn pass(&self, stop: &Stop) {
        let armed = {
            let Ok(mut stops) = self.0.lock() else { return };
            let at = stops.iter().position(|a| &a.stop == stop);
            at.map(|i| stops.remove(i))
        };
        if let Some(armed) = armed {
            let _ = armed.reached.send(());
            let _ = armed.release.await;
        }
    }
}

/// The real store with stops.
pub struct GateStore {
    inner: Arc<dyn Store>,
    stops: Arc<Stops>,
}

impl GateStore {
    #[must_use]
    pub fn new(inner: Arc<dyn Store>) -> Self {
        GateStore {
            inner,
            stops: Arc::default(),
        }
    }

    /// Arms `stop`: the next call reaching it parks until the answer is released.
    ///
    /// # Panics
    /// Never in practice (a poisoned lock means a test already failed).
    pub fn arm(&self, stop: Stop) -> Parked {
        let (reached_tx, reached_rx) = oneshot::channel();
        let (release_tx, release_rx) = oneshot::channel();
        self.stops.0.lock().expect("stops").push(Armed {
            stop,
            reached: reached_tx,
            release: release_rx,
        });
        Parked {
            reached: reached_rx,
            release: release_tx,
        }
    }
}

#[async_trait]
impl Store for GateStore {
    fn backend(&self) -> &'static str {
        self.inner.backend()
    }
    async fn ping(&self) -> StoreResult<()> {
        self.inner.ping().await
    }
    async fn schema(&self, context: &str, id: i32) -> StoreResult<Option<SchemaRecord>> {
        let answer = self.inner.schema(context, id).await;
        self.stops.pass(&Stop::AfterSchemaRead(id)).await;
        answer
    }
    async fn max_schema_id(&self, context: &str) -> StoreResult<i32> {
        self.inner.max_schema_id(context).await
    }
    async fn subjects(&self) -> StoreResult<Vec<SubjectSummary>> {
        self.inner.subjects().await
    }
    async fn versions(&self, subject: &str) -> StoreResult<Vec<VersionRecord>> {
        self.inner.versions(subject).await
    }
    async fn versions_with_schemas(
        &self,
        subject: &str,
    ) -> StoreResult<Vec<(VersionRecord, SchemaRecord)>> {
        self.inner.versions_with_schemas(subject).await
    }
    async fn find_by_hash(
        &self,
        subject: &str,
        hash: &str,
    ) -> StoreResult<Vec<(VersionRecord, SchemaRecord)>> {
        self.inner.find_by_hash(subject, hash).await
    }
    async fn versions_for_registration(
        &self,
        subject: &str,
        hash: &str,
    ) -> StoreResult<Vec<(VersionRecord, Option<SchemaRecord>)>> {
        self.inner.versions_for_registration(subject, hash).await
    }
    async fn schemas_with_hash(&self, hash: &str) -> StoreResult<Vec<SchemaRecord>> {
        self.inner.schemas_with_hash(hash).await
    }
    async fn subjects_page(
        &self,
        filter: &SubjectFilter,
        page: registry_server::domain::Page,
    ) -> StoreResult<Vec<String>> {
        self.inner.subjects_page(filter, page).await
    }
    async fn schemas_page(
        &self,
        filter: &SubjectFilter,
        latest_only: bool,
        page: registry_server::domain::Page,
    ) -> StoreResult<Vec<(VersionRecord, SchemaRecord)>> {
        self.inner.schemas_page(filter, latest_only, page).await
    }
    async fn usages(&self, context: &str, id: i32) -> StoreResult<Vec<VersionRecord>> {
        let answer = self.inner.usages(context, id).await;
        self.stops.pass(&Stop::AfterUsagesRead(id)).await;
        answer
    }
    async fn usages_page(
        &self,
        context: &str,
        id: i32,
        include_deleted: bool,
        page: registry_server::domain::Page,
    ) -> StoreResult<Vec<VersionRecord>> {
        self.inner
            .usages_page(context, id, include_deleted, page)
            .await
    }
    async fn usage_subjects_page(
        &self,
        context: &str,
        id: i32,
        include_deleted: bool,
        page: registry_server::domain::Page,
    ) -> StoreResult<Vec<String>> {
        self.inner
            .usage_subjects_page(context, id, include_deleted, page)
            .await
    }
    async fn referrers(&self, subject: &str, version: i32) -> StoreResult<Vec<Referrer>> {
        self.inner.referrers(subject, version).await
    }
    async fn events_page(
        &self,
        subject: Option<&str>,
        page: registry_server::domain::Page,
    ) -> StoreResult<Vec<registry_server::store::EventRecord>> {
        self.inner.events_page(subject, page).await
    }
    async fn contexts(&self) -> StoreResult<Vec<String>> {
        self.inner.contexts().await
    }
    async fn config(&self, scope: &str) -> StoreResult<Option<serde_json::Value>> {
        let answer = self.inner.config(scope).await;
        self.stops
            .pass(&Stop::AfterConfigRead(scope.to_owned()))
            .await;
        answer
    }
    async fn mode(&self, scope: &str) -> StoreResult<Option<String>> {
        self.inner.mode(scope).await
    }
    async fn settings(&self, scopes: &[String]) -> StoreResult<ScopeSettings> {
        let answer = self.inner.settings(scopes).await;
        for scope in scopes {
            self.stops.pass(&Stop::AfterConfigRead(scope.clone())).await;
        }
        answer
    }
    async fn begin_write(&self, lock_keys: &[&str]) -> StoreResult<Box<dyn WriteTx>> {
        let first = lock_keys
            .first()
            .map(|k| (*k).to_owned())
            .unwrap_or_default();
        self.stops.pass(&Stop::BeginWrite(first.clone())).await;
        let inner = self.inner.begin_write(lock_keys).await?;
        Ok(Box::new(GateTx {
            inner,
            first_key: first,
            stops: Arc::clone(&self.stops),
        }))
    }
    fn spawn_change_listener(
        &self,
        sink: Arc<dyn ChangeSink>,
    ) -> Option<tokio::task::JoinHandle<()>> {
        self.inner.spawn_change_listener(sink)
    }
}

/// A write transaction with stops.
struct GateTx {
    inner: Box<dyn WriteTx>,
    first_key: String,
    stops: Arc<Stops>,
}

#[async_trait]
impl WriteTx for GateTx {
    async fn lock_key(&mut self, key: &str) -> StoreResult<()> {
        self.inner.lock_key(key).await
    }
    fn lock_key_with_next(&mut self, key: &str) {
        self.inner.lock_key_with_next(key);
    }
    async fn obey_settings(&mut self, scopes: &[String]) -> StoreResult<ScopeSettings> {
        self.inner.obey_settings(scopes).await
    }
    async fn config(&mut self, scope: &str) -> StoreResult<Option<serde_json::Value>> {
        self.inner.config(scope).await
    }
    async fn put_config(&mut self, scope: &str, config: &serde_json::Value) -> StoreResult<()> {
        self.inner.put_config(scope, config).await
    }
    async fn mode(&mut self, scope: &str) -> StoreResult<Option<String>> {
        self.inner.mode(scope).await
    }
    async fn put_mode(&mut self, scope: &str, mode: &str) -> StoreResult<()> {
        self.inner.put_mode(scope, mode).await
    }
    async fn versions(&mut self, subject: &str) -> StoreResult<Vec<VersionRecord>> {
        self.inner.versions(subject).await
    }
    async fn registration_reads(
        &mut self,
        subject: &str,
        latest_only: bool,
        context: &str,
        hash: &str,
    ) -> StoreResult<RegistrationReads> {
        self.inner
            .registration_reads(subject, latest_only, context, hash)
            .await
    }
    async fn versions_with_id(
        &mut self,
        subject: &str,
        id: i32,
    ) -> StoreResult<Vec<VersionRecord>> {
        self.inner.versions_with_id(subject, id).await
    }
    async fn version(&mut self, subject: &str, version: i32) -> StoreResult<Option<VersionRecord>> {
        self.inner.version(subject, version).await
    }
    async fn schema(&mut self, context: &str, id: i32) -> StoreResult<Option<SchemaRecord>> {
        self.inner.schema(context, id).await
    }
    async fn ids_with_hash(&mut self, context: &str, hash: &str) -> StoreResult<Vec<i32>> {
        self.inner.ids_with_hash(context, hash).await
    }
    async fn next_id(&mut self, context: &str) -> StoreResult<i32> {
        self.inner.next_id(context).await
    }
    async fn observe_id(&mut self, context: &str, id: i32) -> StoreResult<()> {
        self.inner.observe_id(context, id).await
    }
    async fn insert_schema(&mut self, schema: &SchemaRecord) -> StoreResult<()> {
        self.inner.insert_schema(schema).await
    }
    async fn insert_version(&mut self, version: &VersionRecord) -> StoreResult<()> {
        self.inner.insert_version(version).await
    }
    async fn mark_deleted(&mut self, subject: &str, version: i32) -> StoreResult<()> {
        self.inner.mark_deleted(subject, version).await
    }
    async fn remove_version(&mut self, subject: &str, version: i32) -> StoreResult<()> {
        self.inner.remove_version(subject, version).await
    }
    async fn referrers(&mut self, subject: &str, version: i32) -> StoreResult<Vec<Referrer>> {
        self.inner.referrers(subject, version).await
    }
    async fn delete_config(&mut self, scope: &str) -> StoreResult<()> {
        self.inner.delete_config(scope).await
    }
    async fn delete_mode(&mut self, scope: &str) -> StoreResult<()> {
        self.inner.delete_mode(scope).await
    }
    async fn append_event(&mut self, event: &Event) -> StoreResult<()> {
        self.stops
            .pass(&Stop::BeforeEvent(self.first_key.clone()))
            .await;
        self.inner.append_event(event).await
    }
    async fn commit_registration(
        self: Box<Self>,
        new_schema: Option<&SchemaRecord>,
        version: &VersionRecord,
        event: &Event,
    ) -> StoreResult<()> {
        self.stops
            .pass(&Stop::BeforeEvent(self.first_key.clone()))
            .await;
        self.inner
            .commit_registration(new_schema, version, event)
            .await
    }
    async fn commit(self: Box<Self>) -> StoreResult<()> {
        self.inner.commit().await
    }
}

/// A registry over a fresh database of `backend`, behind a [`GateStore`].
pub struct Gated {
    pub gate: Arc<GateStore>,
    pub registry: Arc<registry_server::registry::Registry>,
    _dir: Option<tempfile::TempDir>,
    pg_database: Option<String>,
}

impl Gated {
    /// Opens a fresh database of `backend` and a registry over it, with default settings.
    ///
    /// # Panics
    /// When the database cannot be set up: the test fails.
    pub async fn open(backend: crate::Backend) -> Self {
        let (url, dir, pg_database) = match backend {
            crate::Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("registry.db").display());
                (url, Some(dir), None)
            }
            crate::Backend::Postgres => {
                let (url, name) = crate::postgres::create_database().await;
                (url, None, Some(name))
            }
        };
        let store = registry_server::store::connect(&url, 8)
            .await
            .expect("store opens");
        let gate = Arc::new(GateStore::new(store));
        let registry = Arc::new(registry_server::registry::Registry::new(
            Arc::clone(&gate) as Arc<dyn Store>,
            registry_server::registry::RegistrySettings::default(),
        ));
        Gated {
            gate,
            registry,
            _dir: dir,
            pg_database,
        }
    }
}

impl Drop for Gated {
    fn drop(&mut self) {
        if let Some(name) = self.pg_database.take() {
            crate::postgres::drop_database_detached(name);
        }
    }
}
