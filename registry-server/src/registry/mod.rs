//! The use-cases: register, look up, read, delete, check, configure.
//!
//! Handlers call these with domain values; these own the transactions and the invariants
//! (version numbering, id reuse, delete rules, modes) and answer [`RegistryError`]s in
//! Confluent's vocabulary; the API maps them to responses. Nothing here knows HTTP or SQL.

mod answers;
mod audit;
mod budget;
mod caller;
mod coerce;
mod compatibility;
mod config;
mod contract;
mod cpu;
mod decode;
mod delete;
mod diff;
mod draft;
mod error;
mod fill;
mod format;
mod hot_bodies;
mod lookup;
mod model;
mod read;
mod references;
mod register;
mod replica;
mod settings_tx;
mod visibility;

pub use answers::{Answering, Found};
pub use audit::MAX_AUDIT_ENTRIES;
pub use budget::DEFAULT_CACHE_BYTES;
pub use caller::{Caller, ReadScope, SubjectPredicate};
pub use cpu::default_workers;
pub use decode::{DecodeOutcome, DecodedMessage};
pub use diff::{Direction, VersionComparison};
pub use draft::DraftCheck;
pub use error::RegistryError;
pub use read::{SubjectPrefix, hash_of_guid};
pub use replica::{Mirrored, MirroredVersion};

use std::sync::Arc;
use std::time::Duration;

use answers::{SubjectLookups, SubmittedDigest};
pub use config::{ConfigUpdate, check_options_of, effective_level_of};
pub use model::{
    MAX_SCHEMAS_PER_LISTING, ReferenceRequest, RegisteredSchema, RequestLimits, SchemaRequest,
    VersionsQuery,
};

use crate::domain::{CompatibilityLevel, Mode, SubjectName};
use crate::schema::{ParseOptions, ParsedSchema};
use crate::store::{SchemaRecord, Store, StoreError};

/// How many times a write transaction that lost a race on a unique constraint is retried.
const WRITE_ATTEMPTS: usize = 5;

/// Registry-wide settings.
#[derive(Debug, Clone)]
pub struct RegistrySettings {
    /// The compatibility level when no config says otherwise.
    pub default_compatibility: CompatibilityLevel,
    /// `error_code` of an incompatible-schema answer: 409 (CP ≤ 8.0) or 40901.
    pub incompatible_error_code: u32,
    /// Parses and compatibility checks running at once, off the async workers.
    pub cpu_workers: usize,
    /// Bounds on schema size, references and listings.
    pub limits: RequestLimits,
    /// Bytes all caches together may hold (an estimate per entry, bookkeeping included).
    pub cache_bytes: u64,
}

impl Default for RegistrySettings {
    fn default() -> Self {
        RegistrySettings {
            default_compatibility: CompatibilityLevel::Backward,
            incompatible_error_code: 409,
            cpu_workers: cpu::default_workers(),
            limits: RequestLimits::default(),
            cache_bytes: DEFAULT_CACHE_BYTES,
        }
    }
}

/// The registry: a store plus caches of what never changes.
pub struct Registry {
    store: Arc<dyn Store>,
    settings: RegistrySettings,
    /// Where parsing and compatibility checks run.
    cpu: cpu::CpuPool,
    /// Parsed stored schemas by (context, id). An id's schema never changes while the id
    /// exists; a hard delete freeing it drops the entry (see [`fill`]).
    parsed: moka::sync::Cache<(String, i32), Arc<ParsedSchema>>,
    /// Rendered `GET /schemas/ids/{id}` bodies by id of the default context (the only one
    /// that path serves from here), for the consumers' hot path; dropped with `parsed`.
    rendered: moka::sync::Cache<i32, bytes::Bytes>,
    /// The most recently served of `rendered`'s bodies, where a hit costs least; dropped
    /// with it.
    hot_bodies: hot_bodies::HotBodies,
    /// Orders fills of `parsed` and `rendered` against the hard deletes that free ids.
    ids_gate: fill::FillGate,
    /// Identity digests of submitted schema texts without references, by the exact request
    /// (type, normalize, metadata, rule set, text): a producer's repeated lookup skips parsing.
    digests: moka::sync::Cache<String, Arc<SubmittedDigest>>,
    /// Stored config and mode per scope (`None` = nothing stored). Invalidated by this
    /// node's writes and by other nodes' notifications; the TTL is a backstop.
    configs: moka::sync::Cache<String, Option<serde_json::Value>>,
    modes: moka::sync::Cache<String, Option<String>>,
    /// The config in force per subject (its scopes merged over the defaults), dropped
    /// whole by any settings change.
    effective_configs: moka::sync::Cache<String, Arc<serde_json::Map<String, serde_json::Value>>>,
    /// The mode in force per subject, dropped whole by any settings change.
    effective_modes: moka::sync::Cache<String, Mode>,
    /// Orders fills of `configs` and `modes` against settings changes.
    settings_gate: fill::FillGate,
    /// Positive lookup answers per subject, keyed by (digest, `deleted`). A subject's
    /// entry is dropped whole on any write to it, here or (by notification) on another node.
    lookups: moka::sync::Cache<String, Arc<SubjectLookups>>,
    /// What the lookups' entries hold beyond themselves (they grow after insertion).
    lookup_account: Arc<budget::Account>,
    /// Compatibility verdicts by [`answers::verdict_key`]: immutable facts (stored schemas
    /// never change under an id), kept while they are used.
    verdicts: moka::sync::Cache<String, Arc<crate::schema::compat::CompatibilityReport>>,
    /// The subjects using each id, by (context, id): what a scoped caller may see of it
    /// (see [`visibility`]). Dropped for an id by any write naming it.
    id_users: moka::sync::Cache<(String, i32), Arc<[String]>>,
    /// Orders fills of `id_users` against the writes that change an id's users.
    users_gate: fill::FillGate,
}

impl Registry {
    #[must_use]
    pub fn new(store: Arc<dyn Store>, settings: RegistrySettings) -> Self {
        use budget::weight;
        let shares = budget::Shares::of(settings.cache_bytes);
        Registry {
            store,
            cpu: cpu::CpuPool::new(settings.cpu_workers),
            settings,
            parsed: moka::sync::Cache::builder()
                .weigher(|key: &(String, i32), parsed: &Arc<ParsedSchema>| {
                    // The tree behind a parse is several times its canonical text.
                    weight(
                        key.0.len() + 8 * parsed.canonical().len() + parsed.resolved().len() + 2048,
                    )
                })
                .max_capacity(shares.parsed)
                .time_to_idle(Duration::from_secs(3600))
                .build(),
            rendered: moka::sync::Cache::builder()
                .weigher(|_: &i32, body: &bytes::Bytes| weight(body.len() + 64))
                .max_capacity(shares.rendered)
                .build(),
            hot_bodies: hot_bodies::HotBodies::default(),
            digests: moka::sync::Cache::builder()
                .weigher(|key: &String, value: &Arc<SubmittedDigest>| {
                    weight(key.len() + value.canonical.len() + value.hash.len() + 64)
                })
                .max_capacity(shares.digests)
                .build(),
            // A quarter of the share for the entries themselves, the rest for what they hold.
            lookups: moka::sync::Cache::builder()
                .weigher(|key: &String, _: &Arc<SubjectLookups>| weight(key.len() + 192))
                .max_capacity(shares.lookups / 4)
                .build(),
            lookup_account: budget::Account::new(shares.lookups - shares.lookups / 4),
            verdicts: moka::sync::Cache::builder()
                .weigher(
                    |key: &String, report: &Arc<crate::schema::compat::CompatibilityReport>| {
                        let messages: usize = report.messages.iter().map(|m| m.len() + 24).sum();
                        weight(key.len() + messages + 64)
                    },
                )
                .max_capacity(shares.verdicts)
                .build(),
            ids_gate: fill::FillGate::default(),
            configs: settings_cache(shares.settings),
            modes: settings_cache(shares.settings),
            effective_configs: settings_cache(shares.settings),
            effective_modes: settings_cache(shares.settings),
            settings_gate: fill::FillGate::default(),
            id_users: moka::sync::Cache::builder()
                .weigher(|key: &(String, i32), users: &Arc<[String]>| {
                    let bytes: usize = users.iter().map(|s| s.len() + 24).sum();
                    weight(key.0.len() + bytes + 16)
                })
                .max_capacity(shares.id_users)
                .build(),
            users_gate: fill::FillGate::default(),
        }
    }

    pub(crate) fn submitted_digests(&self) -> &moka::sync::Cache<String, Arc<SubmittedDigest>> {
        &self.digests
    }

    /// Readiness (`/health/ready`): the backend's name once the database answered.
    ///
    /// # Errors
    /// The database does not answer.
    pub async fn ready(&self) -> Result<&'static str, StoreError> {
        self.store.ping().await?;
        Ok(self.store.backend())
    }

    #[must_use]
    pub fn settings(&self) -> &RegistrySettings {
        &self.settings
    }

    /// Drops what a committed change makes stale. This node's writes apply the change they
    /// recorded and other nodes' changes arrive through [`crate::store::ChangeSink`], so both
    /// follow one rule:
    /// - a settings change drops that scope's config and mode (every scope when unnamed);
    /// - any other write to a subject detaches its cached lookup answers;
    /// - a registration or delete naming an id drops its cached users (every id's, for
    ///   a hard delete of a whole subject);
    /// - a hard delete frees ids (the named one's parse and body go, every one when none is
    ///   named) and, with a subject's last record, its config and mode.
    pub(crate) async fn apply_change(&self, change: &crate::store::Change<'_>) {
        let crate::store::Change {
            kind,
            subject,
            context,
            id,
        } = *change;
        if crate::store::is_settings_change(kind) {
            match subject {
                Some(scope) => self.forget_settings(scope),
                None => self.settings_gate.invalidate(|| {
                    self.configs.invalidate_all();
                    self.modes.invalidate_all();
                    self.effective_configs.invalidate_all();
                    self.effective_modes.invalidate_all();
                }),
            }
            return;
        }
        if let Some(subject) = subject {
            self.lookups.invalidate(subject);
        }
        if id.is_some() || kind.starts_with("hard_delete") {
            self.forget_id_users(context, id);
        }
        if !kind.starts_with("hard_delete") {
            return;
        }
        if let Some(subject) = subject {
            self.forget_settings(subject);
        }
        self.ids_gate.invalidate(|| {
            // A freed id may be reused by another schema: no verdict naming it stays.
            self.verdicts.invalidate_all();
            match (context, id) {
                (Some(context), Some(id)) => {
                    if context == crate::domain::DEFAULT_CONTEXT {
                        self.rendered.invalidate(&id);
                        self.hot_bodies.forget(id);
                    }
                    self.parsed.invalidate(&(context.to_owned(), id));
                }
                _ => {
                    self.rendered.invalidate_all();
                    self.hot_bodies.forget_all();
                    self.parsed.invalidate_all();
                }
            }
        });
    }

    /// The parsed schema `id` of `context`, cached; the row is read only on a miss.
    pub(crate) async fn parsed_by_id(
        &self,
        owner: &SubjectName,
        context: &str,
        id: i32,
    ) -> Result<Arc<ParsedSchema>, RegistryError> {
        let read = async {
            let record = self
                .store
                .schema(context, id)
                .await?
                .ok_or_else(|| RegistryError::schema_id_not_found(id))?;
            self.parse_record(owner, &record).await
        };
        self.ids_gate
            .get_or_fill(&self.parsed, &(context.to_owned(), id), read)
            .await
    }

    /// The parse of schema `key` if cached (never reads the store).
    pub(crate) fn cached_parse(&self, key: &(String, i32)) -> Option<Arc<ParsedSchema>> {
        self.parsed.get(key)
    }

    /// The rendered `GET /schemas/ids/{id}` body of the default context: from the cache, or
    /// read, rendered by `render` and cached unless a hard delete raced the read.
    ///
    /// # Errors
    /// 40403 when the id does not exist or `caller` may read no subject using it; 50001 when the store fails.
    pub async fn rendered_schema_by_id(
        &self,
        caller: &Caller,
        id: i32,
        render: impl FnOnce(&SchemaRecord) -> serde_json::Result<bytes::Bytes>,
    ) -> Result<bytes::Bytes, RegistryError> {
        if !self
            .id_visible(caller, crate::domain::DEFAULT_CONTEXT, id)
            .await?
        {
            return Err(RegistryError::schema_id_not_found(id));
        }
        // A hit answers at once; the read behind a miss is boxed, so the future of every
        // request does not carry its size.
        if let Some(body) = self.hot_bodies.get(id) {
            return Ok(body);
        }
        let ticket = self.ids_gate.ticket();
        if let Some(body) = self.rendered.get(&id) {
            // Unless a hard delete dropped it since: then it stays out of the hot table too.
            self.ids_gate
                .store_if_current(ticket, || self.hot_bodies.put(id, &body));
            return Ok(body);
        }
        let read = async move {
            let (record, _) = self.schema_by_id(caller, id, None).await?;
            render(&record)
                .map_err(|e| RegistryError::Internal(format!("Error rendering response: {e}")))
        };
        Box::pin(self.ids_gate.get_or_fill(&self.rendered, &id, read)).await
    }

    /// Parses a stored schema with its references resolved; stored schemas are never
    /// re-validated.
    async fn parse_record(
        &self,
        owner: &SubjectName,
        record: &SchemaRecord,
    ) -> Result<Arc<ParsedSchema>, RegistryError> {
        let dependencies = self
            .resolve_stored_references(owner, &record.references)
            .await?;
        self.parse_on_pool(
            record.schema_type,
            record.schema.clone(),
            dependencies,
            ParseOptions::default(),
        )
        .await
    }

    /// The config stored for `scope`, through the cache.
    pub(crate) async fn stored_config(
        &self,
        scope: &str,
    ) -> Result<Option<serde_json::Value>, RegistryError> {
        Ok(self
            .settings_gate
            .get_or_fill(&self.configs, scope, async {
                self.store.config(scope).await
            })
            .await?)
    }

    /// The mode stored for `scope`, through the cache.
    pub(crate) async fn stored_mode(&self, scope: &str) -> Result<Option<String>, RegistryError> {
        Ok(self
            .settings_gate
            .get_or_fill(&self.modes, scope, async { self.store.mode(scope).await })
            .await?)
    }

    /// The lookup answers cached for `subject` (an entry that a write may detach).
    pub(crate) fn subject_lookups(&self, subject: &str) -> Arc<SubjectLookups> {
        self.lookups.get_with_by_ref(subject, || {
            Arc::new(SubjectLookups::new(Arc::clone(&self.lookup_account)))
        })
    }

    fn forget_settings(&self, scope: &str) {
        self.settings_gate.invalidate(|| {
            self.configs.invalidate(scope);
            self.modes.invalidate(scope);
            // A scope's change reaches every subject falling back to it.
            self.effective_configs.invalidate_all();
            self.effective_modes.invalidate_all();
        });
    }

    /// The mode in force for `subject` (along [`scopes_of`], then READWRITE); cached per
    /// subject until a settings change.
    pub(crate) async fn effective_mode(
        &self,
        subject: Option<&SubjectName>,
    ) -> Result<Mode, RegistryError> {
        // Subject names hold no control character: NUL cannot be one.
        let key = subject.map_or("\0", SubjectName::as_str);
        self.settings_gate
            .get_or_fill(&self.effective_modes, key, async {
                let scopes = scopes_of(subject);
                self.warm_settings(&scopes).await?;
                self.mode_of_scopes(&scopes).await
            })
            .await
    }

    /// Fills the config and mode caches of every one of `scopes` with one read when any is
    /// missing: what [`Registry::stored_config`] and [`Registry::stored_mode`] would
    /// otherwise read a scope and a kind at a time (four reads for a new subject).
    pub(crate) async fn warm_settings(&self, scopes: &[String]) -> Result<(), RegistryError> {
        if scopes
            .iter()
            .all(|s| self.configs.contains_key(s) && self.modes.contains_key(s))
        {
            return Ok(());
        }
        let ticket = self.settings_gate.ticket();
        let stored = self.store.settings(scopes).await?;
        self.settings_gate.store_if_current(ticket, || {
            for scope in scopes {
                self.configs
                    .insert(scope.clone(), stored.configs.get(scope).cloned());
                self.modes
                    .insert(scope.clone(), stored.modes.get(scope).cloned());
            }
        });
        Ok(())
    }

    /// The mode of the most specific of `scopes` that stores one, else READWRITE; a global
    /// READONLY_OVERRIDE before all.
    pub(crate) async fn mode_of_scopes(&self, scopes: &[String]) -> Result<Mode, RegistryError> {
        let global = self.parsed_mode(crate::store::GLOBAL_SCOPE).await?;
        let mut first = None;
        for scope in scopes {
            if let Some(mode) = self.parsed_mode(scope).await? {
                first = Some(mode);
                break;
            }
        }
        Ok(mode_in_force(global, first))
    }

    /// The mode stored for `scope`, parsed.
    pub(crate) async fn parsed_mode(&self, scope: &str) -> Result<Option<Mode>, RegistryError> {
        self.stored_mode(scope)
            .await?
            .map(|mode| {
                mode.parse()
                    .map_err(|_| RegistryError::store(&StoreError::Corrupt(format!("mode {mode}"))))
            })
            .transpose()
    }
}

/// Other nodes' changes go through the same rules as this node's own.
#[async_trait::async_trait]
impl crate::store::ChangeSink for Registry {
    async fn changed(&self, change: &crate::store::Change<'_>) {
        self.apply_change(change).await;
    }

    fn resync(&self) {
        self.lookups.invalidate_all();
        self.forget_all_id_users();
        self.ids_gate.invalidate(|| {
            self.rendered.invalidate_all();
            self.hot_bodies.forget_all();
            self.parsed.invalidate_all();
            self.verdicts.invalidate_all();
        });
        self.settings_gate.invalidate(|| {
            self.configs.invalidate_all();
            self.modes.invalidate_all();
            self.effective_configs.invalidate_all();
            self.effective_modes.invalidate_all();
        });
    }
}

/// A settings cache (by scope or subject) of `bytes`, its values weighed by their JSON text;
/// the TTL is a backstop behind invalidation.
fn settings_cache<V: SettingsValue>(bytes: u64) -> moka::sync::Cache<String, V> {
    moka::sync::Cache::builder()
        .weigher(|key: &String, value: &V| budget::weight(key.len() + value.bytes()))
        .max_capacity(bytes)
        .time_to_live(Duration::from_secs(60))
        .build()
}

/// What a settings cache's value holds, in bytes (an estimate).
trait SettingsValue: Clone + Send + Sync + 'static {
    fn bytes(&self) -> usize;
}

impl SettingsValue for Option<serde_json::Value> {
    fn bytes(&self) -> usize {
        self.as_ref().map_or(16, |v| 64 + 2 * v.to_string().len())
    }
}

impl SettingsValue for Option<String> {
    fn bytes(&self) -> usize {
        self.as_ref().map_or(16, |s| 24 + s.len())
    }
}

impl SettingsValue for Arc<serde_json::Map<String, serde_json::Value>> {
    fn bytes(&self) -> usize {
        64 + 2 * self
            .iter()
            .map(|(k, v)| k.len() + v.to_string().len() + 32)
            .sum::<usize>()
    }
}

impl SettingsValue for Mode {
    fn bytes(&self) -> usize {
        8
    }
}

/// The scope of the global context, the last fall-back of every config and mode.
pub(crate) const GLOBAL_CONTEXT_SCOPE: &str = ":.__GLOBAL:";

/// The config/mode scopes consulted for `subject`, most specific first, as Confluent
/// falls back: the subject, then its context's scope (`:.ctx:`) or, in the default
/// context, the global scope; then the global context's scope. A subject of a named
/// context does not fall back to the default context's global settings.
pub(crate) fn scopes_of(subject: Option<&SubjectName>) -> Vec<String> {
    let mut scopes = Vec::with_capacity(3);
    match subject {
        Some(subject) => {
            if !subject.is_context_scope() {
                scopes.push(subject.as_str().to_owned());
            }
            if subject.context() == crate::domain::DEFAULT_CONTEXT {
                scopes.push(crate::store::GLOBAL_SCOPE.to_owned());
            } else {
                scopes.push(format!(":{}:", subject.context()));
            }
        }
        None => scopes.push(crate::store::GLOBAL_SCOPE.to_owned()),
    }
    if scopes.last().map(String::as_str) != Some(GLOBAL_CONTEXT_SCOPE) {
        scopes.push(GLOBAL_CONTEXT_SCOPE.to_owned());
    }
    scopes
}

/// [`scopes_of`] plus the global scope, whose READONLY_OVERRIDE applies everywhere: the
/// scopes a write reads (and locks) to learn its settings.
pub(crate) fn settings_scopes_of(subject: Option<&SubjectName>) -> Vec<String> {
    let mut scopes = scopes_of(subject);
    if !scopes.iter().any(|s| s == crate::store::GLOBAL_SCOPE) {
        scopes.push(crate::store::GLOBAL_SCOPE.to_owned());
    }
    scopes
}

/// The mode in force given the stored mode of the global scope and the first mode stored
/// along a subject's fall-back chain: a global READONLY_OVERRIDE wins over every other
/// (Confluent 7.9), else the most specific, else READWRITE.
pub(crate) fn mode_in_force(global: Option<Mode>, first_in_chain: Option<Mode>) -> Mode {
    match global {
        Some(Mode::ReadOnlyOverride) => Mode::ReadOnlyOverride,
        _ => first_in_chain.unwrap_or_default(),
    }
}

/// Confluent's 42201 text for a schema the engine refused.
pub(crate) fn wrap_schema_error(schema_type: crate::domain::SchemaType, details: &str) -> String {
    if details.starts_with("Invalid schema") {
        details.to_owned()
    } else {
        format!("Invalid schema of type {schema_type}, details: {details}")
    }
}

/// Runs a write transaction body, retrying when it lost a race on a unique constraint.
pub(crate) async fn with_retries<T, F, Fut>(mut attempt: F) -> Result<T, RegistryError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, WriteError>>,
{
    let mut last = None;
    for _ in 0..WRITE_ATTEMPTS {
        match attempt().await {
            Ok(value) => return Ok(value),
            Err(WriteError::Refused(error)) => return Err(error),
            Err(WriteError::Store(StoreError::Conflict(message))) => {
                tracing::debug!(%message, "write conflict, retrying");
                last = Some(StoreError::Conflict(message));
            }
            Err(WriteError::Store(other)) => return Err(RegistryError::store(&other)),
        }
    }
    Err(last.map_or_else(|| RegistryError::Backend, |e| RegistryError::store(&e)))
}

/// A failure inside a write transaction: an answer for the client, or a store error that
/// may be retried.
#[derive(Debug)]
pub(crate) enum WriteError {
    Refused(RegistryError),
    Store(StoreError),
}

impl From<RegistryError> for WriteError {
    fn from(error: RegistryError) -> Self {
        WriteError::Refused(error)
    }
}

impl From<StoreError> for WriteError {
    fn from(error: StoreError) -> Self {
        WriteError::Store(error)
    }
}
