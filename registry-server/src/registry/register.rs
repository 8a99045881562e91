//! Registering a schema under a subject (spec §4.3).
//!
//! Outside the transaction: parse, resolve references, compute the identity digest, and
//! answer an already-registered schema without writing (the fast path, allowed in any
//! mode). Inside one transaction, holding the subject's lock and then the digest's lock:
//! number the version, reuse or issue the id, check compatibility, tombstone soft-deleted
//! versions of the same id, insert, log the event, commit.

use super::model::{ReferenceRequest, RegisteredSchema, SchemaRequest};
use super::{Registry, WriteError, effective_level_of, with_retries};
use crate::domain::{MAX_IMPORTED_ID, Mode, SubjectName};
use crate::error::ApiError;
use crate::schema::identity::{SchemaDigest, SchemaReference};
use crate::schema::{ParseOptions, ParsedSchema};
use crate::store::{Event, SchemaRecord, StoreError, VersionRecord, WriteTx, now_millis};

/// A request parsed and digested, ready for the transaction.
struct Prepared {
    parsed: std::sync::Arc<ParsedSchema>,
    references: Vec<SchemaReference>,
    metadata: Option<serde_json::Value>,
    rule_set: Option<serde_json::Value>,
    hash: String,
    requested_id: Option<i32>,
    requested_version: Option<i32>,
}

/// What the transaction is allowed to skip.
#[derive(Clone, Copy)]
struct Policy {
    mode: Mode,
    force: bool,
    level: crate::domain::CompatibilityLevel,
    options: crate::schema::compat::CheckOptions,
}

impl Registry {
    /// `POST /subjects/{subject}/versions`.
    pub async fn register(
        &self,
        subject: &SubjectName,
        mut request: SchemaRequest,
        normalize: bool,
        force: bool,
    ) -> Result<RegisteredSchema, ApiError> {
        // Cached settings decide only how to parse; the transaction decides the write from
        // the settings as it reads them under their locks.
        let config = self.effective_config(Some(subject)).await?;
        let import = self.effective_mode(Some(subject)).await?.is_import_like();
        let normalize = !import
            && (normalize
                || config.get("normalize").and_then(serde_json::Value::as_bool) == Some(true));
        if request.schema_is_blank() {
            self.fill_from_latest(subject, &mut request).await?;
        }
        let prepared = self
            .prepare(
                subject,
                &request,
                ParseOptions {
                    validate: !import,
                    normalize,
                },
            )
            .await?;

        if let Some(existing) = self.already_registered(subject, &prepared).await? {
            return Ok(existing);
        }
        let (registered, event) =
            with_retries(|| self.register_in_transaction(subject, &prepared, force)).await?;
        if let Some(event) = event {
            self.apply_change(&event.change()).await;
        }
        Ok(registered)
    }

    /// A blank `schema` re-registers the latest live schema (to add metadata or rules).
    async fn fill_from_latest(
        &self,
        subject: &SubjectName,
        request: &mut SchemaRequest,
    ) -> Result<(), ApiError> {
        let versions = self.store.versions(subject.as_str()).await?;
        let Some(live) = versions.iter().rev().find(|v| !v.deleted) else {
            return Err(ApiError::invalid_schema("Empty schema"));
        };
        let latest = self
            .store
            .schema(&live.context, live.schema_id)
            .await?
            .ok_or_else(|| ApiError::schema_id_not_found(live.schema_id))?;
        request.schema = Some(latest.schema);
        request.schema_type = Some(latest.schema_type.as_str().to_owned());
        request.references = Some(
            latest
                .references
                .into_iter()
                .map(|r| ReferenceRequest {
                    name: r.name,
                    subject: r.subject,
                    version: r.version,
                })
                .collect(),
        );
        if request.metadata().is_none() {
            request.metadata = latest.metadata;
        }
        if request.rule_set().is_none() {
            request.rule_set = latest.rule_set;
        }
        Ok(())
    }

    async fn prepare(
        &self,
        subject: &SubjectName,
        request: &SchemaRequest,
        options: ParseOptions,
    ) -> Result<Prepared, ApiError> {
        let schema_type = request.schema_type()?;
        let text = request.schema.as_deref().unwrap_or_default();
        if text.trim().is_empty() {
            return Err(ApiError::invalid_schema("Empty schema"));
        }
        let requested = request.references.as_deref().unwrap_or_default();
        let (references, dependencies) =
            self.resolve_request_references(subject, requested).await?;
        let parsed = self
            .parse_on_pool(schema_type, text.to_owned(), dependencies, options)
            .await?;
        let metadata = request.metadata().cloned();
        let rule_set = request.rule_set().cloned();
        let hash = SchemaDigest::compute(
            parsed.canonical(),
            &references,
            metadata.as_ref(),
            rule_set.as_ref(),
        )
        .to_hex();
        Ok(Prepared {
            parsed,
            references,
            metadata,
            rule_set,
            hash,
            requested_id: request.id.filter(|id| *id >= 0),
            requested_version: request.version.filter(|v| *v > 0),
        })
    }

    /// The fast path: the same schema is already a live version of the subject.
    async fn already_registered(
        &self,
        subject: &SubjectName,
        prepared: &Prepared,
    ) -> Result<Option<RegisteredSchema>, ApiError> {
        let matches = self
            .store
            .find_by_hash(subject.as_str(), &prepared.hash)
            .await?;
        let found = matches.into_iter().rev().find(|(v, _)| {
            !v.deleted
                && prepared.requested_id.is_none_or(|id| id == v.schema_id)
                && prepared.requested_version.is_none_or(|n| n == v.version)
        });
        Ok(found.map(|(v, s)| RegisteredSchema::from_version(&v, s)))
    }

    async fn register_in_transaction(
        &self,
        subject: &SubjectName,
        prepared: &Prepared,
        force: bool,
    ) -> Result<(RegisteredSchema, Option<Event>), WriteError> {
        let context = subject.context();
        let referenced = Self::referenced_subjects(subject, &prepared.references);
        let mut lock_keys = vec![subject.as_str()];
        lock_keys.extend(referenced.iter().map(String::as_str));
        let mut tx = self.store.begin_write(&lock_keys).await?;
        let (mode, config) = self.settings_in_tx(&mut *tx, subject).await?;
        Self::confirm_references_in_tx(&mut *tx, subject, &prepared.references).await?;
        // Narrow reads: a subject may have thousands of versions.
        // `None` once IMPORT has used version 2^31-1.
        let next_version = tx.max_version(subject.as_str()).await?.checked_add(1);
        tx.lock_key(&crate::store::digest_lock_key(context, &prepared.hash))
            .await?;
        let same_schema_ids = tx.ids_with_hash(context, &prepared.hash).await?;

        // Another writer may have registered it since the fast path looked.
        if prepared.requested_id.is_none() && prepared.requested_version.is_none() {
            for id in &same_schema_ids {
                let carrying = tx.versions_with_id(subject.as_str(), *id).await?;
                if let Some(live) = carrying.iter().rev().find(|v| !v.deleted) {
                    let schema = tx
                        .schema(context, live.schema_id)
                        .await?
                        .ok_or_else(|| ApiError::schema_id_not_found(live.schema_id))?;
                    // Registered by another writer meanwhile: nothing changed here.
                    return Ok((RegisteredSchema::from_version(live, schema), None));
                }
            }
        }

        let policy = Policy {
            mode,
            force,
            level: effective_level_of(&config, self.settings.default_compatibility),
            options: super::check_options_of(&config),
        };
        ensure_mode_allows(subject, mode, prepared)?;

        let existing_id = match prepared.requested_id {
            Some(id) => {
                if let Some(existing) = tx.schema(context, id).await?
                    && existing.hash != prepared.hash
                {
                    return Err(ApiError::operation_not_permitted(format!(
                        "Overwrite new schema with id {id} in context {context} is not permitted."
                    ))
                    .into());
                }
                Some(id)
            }
            None => same_schema_ids.first().copied(),
        };

        if !policy.mode.is_import_like()
            && !policy.force
            && policy.level != crate::domain::CompatibilityLevel::None
        {
            let live = tx
                .live_versions(subject.as_str(), !policy.level.is_transitive())
                .await?;
            self.check_against_live(&mut *tx, subject, &live, prepared, policy)
                .await?;
        }

        let version = match prepared.requested_version {
            Some(v) if policy.mode.is_import_like() => v,
            Some(v) if Some(v) != next_version => {
                return Err(ApiError::invalid_schema(
                    "Version is not one more than previous version",
                )
                .into());
            }
            _ => next_version.ok_or_else(|| {
                ApiError::operation_not_permitted(format!(
                    "Subject {subject} has no version number left: version {} exists",
                    i32::MAX
                ))
            })?,
        };
        // Only IMPORT can name a version that exists; it rewrites it, as a later record of
        // Confluent's log would.
        if policy.mode.is_import_like() && tx.version(subject.as_str(), version).await?.is_some() {
            tx.remove_version(subject.as_str(), version).await?;
        }

        // A freshly issued id has no row and no versions yet.
        let fresh = prepared.requested_id.is_none() && existing_id.is_none();
        let id = match (prepared.requested_id, existing_id) {
            (Some(id), _) => {
                tx.observe_id(context, id).await?;
                id
            }
            (None, Some(id)) => id,
            (None, None) => match tx.next_id(context).await {
                Err(StoreError::IdsExhausted(_)) => {
                    return Err(ApiError::operation_not_permitted(format!(
                        "No schema id is left to issue in context {context}: id {} is taken",
                        i32::MAX
                    ))
                    .into());
                }
                other => other?,
            },
        };
        // The row exists when the id was found by digest (or named by IMPORT and already
        // used); otherwise it is new.
        let known = existing_id == Some(id) && prepared.requested_id.is_none();
        let stored = if known || fresh {
            None
        } else {
            tx.schema(context, id).await?
        };
        let schema = match stored {
            Some(stored) => stored,
            None if known => record_of(context, id, prepared),
            None => {
                let record = record_of(context, id, prepared);
                tx.insert_schema(&record).await?;
                record
            }
        };

        // Soft-deleted versions of this subject with the same id are tombstoned, unless
        // something still references them.
        let same_id = if fresh {
            Vec::new()
        } else {
            tx.versions_with_id(subject.as_str(), id).await?
        };
        for old in same_id.iter().filter(|v| v.deleted && v.version != version) {
            if tx
                .referrers(subject.as_str(), old.version)
                .await?
                .is_empty()
            {
                tx.remove_version(subject.as_str(), old.version).await?;
            }
        }

        let record = VersionRecord {
            subject: subject.as_str().to_owned(),
            version,
            context: context.to_owned(),
            schema_id: id,
            deleted: false,
            created_at: now_millis(),
        };
        tx.insert_version(&record).await?;
        let event = Event {
            kind: "register",
            subject: Some(record.subject.clone()),
            version: Some(version),
            context: Some(context.to_owned()),
            schema_id: Some(id),
        };
        tx.append_event(&event).await?;
        tx.commit().await?;
        Ok((RegisteredSchema::from_version(&record, schema), Some(event)))
    }

    /// 409 unless the new schema is compatible with the live versions the level names.
    ///
    /// Previous versions are read through the transaction: one registered earlier in the
    /// same SQLite group-commit batch is not visible to the pool yet. Only parses of
    /// committed rows come from (and go to) the cache.
    async fn check_against_live(
        &self,
        tx: &mut dyn WriteTx,
        subject: &SubjectName,
        live: &[VersionRecord],
        prepared: &Prepared,
        policy: Policy,
    ) -> Result<(), WriteError> {
        let mut previous = Vec::new();
        for version in super::compatibility::compared_versions(policy.level, live) {
            let key = (version.context.clone(), version.schema_id);
            let parsed = match self.cached_parse(&key) {
                Some(parsed) => parsed,
                None => {
                    let record = tx
                        .schema(&version.context, version.schema_id)
                        .await?
                        .ok_or_else(|| ApiError::schema_id_not_found(version.schema_id))?;
                    self.parse_record(subject, &record).await?
                }
            };
            previous.push((version.version, parsed));
        }
        let report = self
            .check_parsed(policy.level, policy.options, &prepared.parsed, previous)
            .await?;
        if report.is_compatible() {
            Ok(())
        } else {
            let mut error = ApiError::incompatible(subject.as_str(), &report.messages);
            error.code = self.settings.incompatible_error_code;
            Err(error.into())
        }
    }
}

/// The schema record of `id` holding the prepared schema.
fn record_of(context: &str, id: i32, prepared: &Prepared) -> SchemaRecord {
    SchemaRecord {
        context: context.to_owned(),
        id,
        schema_type: prepared.parsed.schema_type(),
        schema: prepared.parsed.canonical().to_owned(),
        hash: prepared.hash.clone(),
        references: prepared.references.clone(),
        metadata: prepared.metadata.clone(),
        rule_set: prepared.rule_set.clone(),
        created_at: now_millis(),
    }
}

/// 42205 unless `mode` lets this request write a new version: READONLY refuses every
/// write, a requested id needs IMPORT (and must leave the context ids to issue), and
/// without one the subject must be READWRITE.
fn ensure_mode_allows(
    subject: &SubjectName,
    mode: Mode,
    prepared: &Prepared,
) -> Result<(), ApiError> {
    let context = subject.context();
    if mode.is_read_only() {
        return Err(super::settings_tx::read_only(Some(subject)));
    }
    match prepared.requested_id {
        Some(_) if !mode.is_import_like() => Err(ApiError::operation_not_permitted(format!(
            "Subject {subject} in context {context} is not in import mode"
        ))),
        // Ids are never reused, so an id this high would leave the context nothing to issue.
        Some(id) if id > MAX_IMPORTED_ID => Err(ApiError::operation_not_permitted(format!(
            "Schema id {id} in context {context} is not permitted: imported ids must be at most {MAX_IMPORTED_ID}, so that new ids can still be issued"
        ))),
        None if mode != Mode::ReadWrite => Err(ApiError::operation_not_permitted(format!(
            "Subject {subject} in context {context} is not in read-write mode"
        ))),
        _ => Ok(()),
    }
}
