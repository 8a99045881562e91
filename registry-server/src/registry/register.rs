//! Registering a schema under a subject (spec §4.3).
//!
//! Outside the transaction: answer an already-registered schema without writing (the fast
//! path, allowed in any mode): from the lookup caches when the request is plain and was
//! seen before, else after parsing, resolving references and computing the digest. Inside one transaction, holding the locks of the subject and of the subjects its
//! references name, then the digest's lock, every decision is re-made from what the
//! transaction reads: settings, references, id, compatibility, version number.

use super::RegistryError;
use super::contract::{ConfigContract, Contract, Stamp};
use std::sync::Arc;

use super::answers::{Found, SubmittedDigest, digest_key};
use super::model::{ReferenceRequest, RegisteredSchema, SchemaRequest};
use super::{Caller, Registry, WriteError, effective_level_of, with_retries};
use crate::domain::{MAX_IMPORTED_ID, Mode, SubjectName};
use crate::schema::identity::SchemaReference;
use crate::schema::{ParseOptions, ParsedSchema};
use crate::store::{Event, SchemaRecord, StoreError, VersionRecord, WriteTx, now_millis};

mod checks;
mod foresee;

use checks::{CompatibilityInput, compatibility_group, contract_in_tx};
use foresee::{answers_request, foresee_contract, registered_in};

/// A request parsed, ready for the transaction.
struct Prepared {
    parsed: std::sync::Arc<ParsedSchema>,
    references: Vec<SchemaReference>,
    /// The metadata and rule set as requested (before inheritance and config merges).
    contract: Contract,
    requested_id: Option<i32>,
    requested_version: Option<i32>,
}

/// What the new version would store as the pool saw the subject before the transaction:
/// the transaction re-derives it and uses this one only if nothing changed meanwhile.
struct Foreseen {
    /// The latest live version's schema (context, id) and contract.
    previous: Option<((String, i32), Contract)>,
    contract: Contract,
    stamp: Stamp,
}

/// What the transaction is allowed to skip.
#[derive(Clone, Copy)]
struct Policy {
    mode: Mode,
    force: bool,
    level: crate::domain::CompatibilityLevel,
    options: crate::schema::compat::CheckOptions,
}

/// A request naming only a schema (and its type): no references, metadata, rule set, id or
/// version. Its digest depends on its text alone, so its answer can come from the caches.
fn is_plain(request: &SchemaRequest) -> bool {
    !request.schema_is_blank()
        && request.references.as_ref().is_none_or(Vec::is_empty)
        && request.metadata.is_none()
        && request.rule_set.is_none()
        && request.id.is_none()
        && request.version.is_none()
}

impl Registry {
    /// `POST /subjects/{subject}/versions`, by `caller` (who must be allowed to write the
    /// subject: the API checks; references to subjects it may not read are missing).
    pub async fn register(
        &self,
        caller: &Caller,
        subject: &SubjectName,
        mut request: SchemaRequest,
        normalize: bool,
        force: bool,
    ) -> Result<Arc<Found>, RegistryError> {
        // Cached settings decide only how to parse; the transaction decides the write from
        // the settings as it reads them under their locks.
        let config = self.effective_config(Some(subject)).await?;
        let import = self.effective_mode(Some(subject)).await?.is_import_like();
        let normalize = !import
            && (normalize
                || config.get("normalize").and_then(serde_json::Value::as_bool) == Some(true));
        let config_contract = ConfigContract::of_config(&config);
        // Unless the config adds metadata or rules, which would change what is stored.
        let plain = config_contract.is_empty() && is_plain(&request);
        let digest_key = plain
            .then(|| digest_key(&request, request.schema_type().ok()?, normalize, !import))
            .flatten();
        if let Some(found) = digest_key
            .as_deref()
            .and_then(|key| self.registered_from_cache(subject, key))
        {
            return Ok(found);
        }
        let contract = Contract::of_request(&request)?;
        if request.schema_is_blank() {
            self.fill_from_latest(subject, &mut request).await?;
        }
        let prepared = self
            .prepare(
                caller,
                subject,
                &request,
                contract,
                ParseOptions {
                    validate: !import,
                    normalize,
                },
            )
            .await?;

        // Confluent's fast path: the schema as sent is already a live version.
        let as_sent = prepared
            .contract
            .stamp(&prepared.parsed, &prepared.references);
        // Taken before the read: a write to the subject detaches it.
        let answers = self.subject_lookups(subject.as_str());
        // One read serves the fast path and the contract the new version would inherit.
        let view = if config_contract.is_empty() || !import {
            self.store
                .versions_for_registration(subject.as_str(), &as_sent.hash)
                .await?
        } else {
            Vec::new()
        };
        if config_contract.is_empty()
            && let Some(existing) = registered_in(&view, &prepared, &as_sent.hash)
        {
            let existing = Found::new(existing);
            if let Some(key) = digest_key {
                self.remember_registered(key, &prepared, &as_sent, &answers, &existing);
            }
            return Ok(existing);
        }
        let foreseen = if import {
            Foreseen {
                previous: None,
                contract: prepared.contract.clone(),
                stamp: as_sent,
            }
        } else {
            let foreseen = foresee_contract(&view, &prepared, &config_contract);
            // Stored as sent (no inherited or config contract): the read above answered it.
            let already_checked = config_contract.is_empty() && foreseen.stamp.hash == as_sent.hash;
            if !already_checked
                && let Some(existing) = self
                    .already_registered(subject, &prepared, &foreseen.stamp)
                    .await?
            {
                return Ok(Found::new(existing));
            }
            if let Some(existing) = self
                .equivalent_version(subject, &prepared, &config_contract, &foreseen)
                .await?
            {
                return Ok(Found::new(existing));
            }
            foreseen
        };
        let (registered, event) = with_retries(|| {
            self.register_in_transaction(caller, subject, &prepared, &foreseen, force)
        })
        .await?;
        if let Some(event) = event {
            self.committed(&event).await;
        }
        Ok(Found::new(registered))
    }

    /// A live version of `subject` holding the schema a plain request with digest key
    /// `key` sent before: what lookups and earlier registrations cached (no parse, no read).
    fn registered_from_cache(&self, subject: &SubjectName, key: &str) -> Option<Arc<Found>> {
        let digest = self.submitted_digests().get(key)?;
        self.subject_lookups(subject.as_str())
            .get(&digest.hash, false)
    }

    /// Keeps what [`Registry::registered_from_cache`] needs to answer the same plain request
    /// again: its digest, and the version found under it (in `answers`, taken before the read).
    fn remember_registered(
        &self,
        key: String,
        prepared: &Prepared,
        stamp: &Stamp,
        answers: &super::SubjectLookups,
        existing: &Arc<Found>,
    ) {
        self.submitted_digests().insert(
            key,
            Arc::new(SubmittedDigest {
                canonical: prepared.parsed.canonical().to_owned(),
                hash: stamp.hash.clone(),
            }),
        );
        answers.put(&stamp.hash, false, existing);
    }

    /// A blank `schema` re-registers the latest live schema (to add metadata or rules).
    async fn fill_from_latest(
        &self,
        subject: &SubjectName,
        request: &mut SchemaRequest,
    ) -> Result<(), RegistryError> {
        let versions = self.store.versions(subject.as_str()).await?;
        let Some(live) = versions.iter().rev().find(|v| !v.deleted) else {
            return Err(RegistryError::invalid_schema("Empty schema"));
        };
        let latest = self
            .store
            .schema(&live.context, live.schema_id)
            .await?
            .ok_or_else(|| RegistryError::schema_id_not_found(live.schema_id))?;
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
        Ok(())
    }

    async fn prepare(
        &self,
        caller: &Caller,
        subject: &SubjectName,
        request: &SchemaRequest,
        contract: Contract,
        options: ParseOptions,
    ) -> Result<Prepared, RegistryError> {
        let schema_type = request.schema_type()?;
        let text = request.schema.as_deref().unwrap_or_default();
        if text.trim().is_empty() {
            return Err(RegistryError::invalid_schema("Empty schema"));
        }
        let requested = request.references.as_deref().unwrap_or_default();
        let (references, dependencies) = self
            .resolve_request_references(caller, subject, requested)
            .await?;
        let parsed = self
            .parse_submission_on_pool(schema_type, text.to_owned(), dependencies, options)
            .await?;
        Ok(Prepared {
            parsed,
            references,
            contract,
            requested_id: request.id.filter(|id| *id >= 0),
            requested_version: request.version.filter(|v| *v > 0),
        })
    }

    /// The fast path for a stamp other than the one [`Store::versions_for_registration`]
    /// read with: the schema, stored with `stamp`, is already a live version of the subject.
    ///
    /// [`Store::versions_for_registration`]: crate::store::Store::versions_for_registration
    async fn already_registered(
        &self,
        subject: &SubjectName,
        prepared: &Prepared,
        stamp: &Stamp,
    ) -> Result<Option<RegisteredSchema>, RegistryError> {
        let matches = self
            .store
            .find_by_hash(subject.as_str(), &stamp.hash)
            .await?;
        let found = matches
            .into_iter()
            .rev()
            .find(|(v, _)| answers_request(v, prepared));
        Ok(found.map(|(v, s)| RegisteredSchema::from_version(&v, s)))
    }

    /// A live version equal to the schema as sent, or as it would be stored, but for a
    /// `confluent:version` only one side carries (Confluent's `canLookup`), newest first.
    /// Only subjects whose schemas carry version stamps pay for the scan.
    async fn equivalent_version(
        &self,
        subject: &SubjectName,
        prepared: &Prepared,
        config: &ConfigContract,
        foreseen: &Foreseen,
    ) -> Result<Option<RegisteredSchema>, RegistryError> {
        let stamped = |c: &Contract| {
            c.metadata
                .as_ref()
                .is_some_and(|m| m.confluent_version().is_some())
        };
        let mut contracts = vec![&foreseen.contract];
        if config.is_empty() {
            contracts.push(&prepared.contract);
        }
        let previous_stamped = foreseen.previous.as_ref().is_some_and(|(_, c)| stamped(c));
        if prepared.requested_version.is_some()
            || !(previous_stamped || contracts.iter().any(|c| stamped(c)))
        {
            return Ok(None);
        }
        let versions = self.store.versions_with_schemas(subject.as_str()).await?;
        for (version, schema) in versions.into_iter().rev().filter(|(v, _)| !v.deleted) {
            if prepared.requested_id.is_some_and(|id| id != schema.id) {
                continue;
            }
            let theirs = Contract::of_record(&schema);
            let equivalent = contracts.iter().any(|contract| {
                contract
                    .equivalents(theirs.metadata.as_ref(), version.version)
                    .iter()
                    .any(|variant| {
                        variant.stamp(&prepared.parsed, &prepared.references).hash == schema.hash
                    })
            });
            if equivalent {
                return Ok(Some(RegisteredSchema::from_version(&version, schema)));
            }
        }
        Ok(None)
    }

    /// The registration transaction, one step per decision of spec §4.3: lock, obey the
    /// settings, confirm the references, answer a registration that won the race, check
    /// the mode, pick the id's source, check compatibility, number the version, take the
    /// id, tombstone superseded versions, record.
    async fn register_in_transaction(
        &self,
        caller: &Caller,
        subject: &SubjectName,
        prepared: &Prepared,
        foreseen: &Foreseen,
        force: bool,
    ) -> Result<(RegisteredSchema, Option<Event>), WriteError> {
        let context = subject.context();
        let mut tx = self.begin_registration(subject, prepared, foreseen).await?;
        let (mode, config) = self.settings_in_tx(&mut *tx, subject).await?;
        let policy = Policy {
            mode,
            force,
            level: effective_level_of(&config, self.settings.default_compatibility),
            options: super::check_options_of(&config),
        };
        let group = compatibility_group(&config);
        // IMPORT compares with nothing: only the latest, for its number.
        let latest_only =
            policy.mode.is_import_like() || (!policy.level.is_transitive() && group.is_none());
        // The ids of the digest foreseen come with the versions (its lock is held already).
        let foreseen_hash = &foreseen.stamp.hash;
        let reads = tx
            .registration_reads(subject.as_str(), latest_only, context, foreseen_hash)
            .await?;
        let (mut live, max_version) = (reads.live, reads.max_version);
        if policy.mode.is_import_like() {
            live.clear();
        }
        // `None` once IMPORT has used version 2^31-1.
        let next = max_version.checked_add(1);
        let (contract, stamp) = if policy.mode.is_import_like() {
            (
                prepared.contract.clone(),
                prepared
                    .contract
                    .stamp(&prepared.parsed, &prepared.references),
            )
        } else {
            let config = ConfigContract::of_config(&config);
            contract_in_tx(&mut *tx, prepared, foreseen, &config, live.last(), next).await?
        };
        Self::confirm_references_in_tx(&mut *tx, subject, &prepared.references).await?;
        let same_schema_ids = if stamp.hash == *foreseen_hash {
            reads.same_digest_ids
        } else {
            tx.lock_key(&crate::store::digest_lock_key(context, &stamp.hash))
                .await?;
            tx.ids_with_hash(context, &stamp.hash).await?
        };
        if let Some(existing) =
            registered_meanwhile(&mut *tx, subject, prepared, &same_schema_ids).await?
        {
            return Ok((existing, None));
        }
        ensure_mode_allows(subject, mode, prepared)?;
        let source =
            choose_id_source(&mut *tx, context, prepared, &stamp, &same_schema_ids).await?;
        if !policy.mode.is_import_like() {
            let compared = CompatibilityInput {
                live: &live,
                contract: &contract,
                group: group.as_deref(),
            };
            self.check_against_live(&mut *tx, subject, compared, prepared, policy)
                .await?;
        }
        let version = choose_version(&mut *tx, subject, prepared, policy.mode, next).await?;
        let (schema, new_row) = take_id(&mut *tx, context, prepared, &stamp, source).await?;
        if !matches!(source, IdSource::Issued) {
            tombstone_superseded(&mut *tx, subject, schema.id, version).await?;
        }
        let (registered, event) =
            record_version(tx, caller, subject, version, schema, new_row).await?;
        Ok((registered, Some(event)))
    }

    /// Opens the transaction holding the subject's lock and the locks of the subjects its
    /// references name (so a delete of a referenced version serializes with it), and the
    /// lock of the digest it foresaw, all taken with the settings' locks in one round trip.
    /// (If the transaction stores another digest, it takes that one's lock too.)
    async fn begin_registration(
        &self,
        subject: &SubjectName,
        prepared: &Prepared,
        foreseen: &Foreseen,
    ) -> Result<Box<dyn WriteTx>, WriteError> {
        let referenced = Self::referenced_subjects(subject, &prepared.references);
        let mut lock_keys = vec![subject.as_str()];
        lock_keys.extend(referenced.iter().map(String::as_str));
        let mut tx = self.store.begin_write(&lock_keys).await?;
        tx.lock_key_with_next(&crate::store::digest_lock_key(
            subject.context(),
            &foreseen.stamp.hash,
        ));
        Ok(tx)
    }
}

/// The schema record of `id` holding the prepared schema with its stamp.
fn record_of(context: &str, id: i32, prepared: &Prepared, stamp: &Stamp) -> SchemaRecord {
    SchemaRecord {
        context: context.to_owned(),
        id,
        schema_type: prepared.parsed.schema_type(),
        schema: prepared.parsed.canonical().to_owned(),
        hash: stamp.hash.clone(),
        references: prepared.references.clone(),
        metadata: stamp.metadata.clone(),
        rule_set: stamp.rule_set.clone(),
        created_at: now_millis(),
    }
}

/// Where the registration's schema id comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IdSource {
    /// The same schema already has this id in the context: its row exists.
    Reused(i32),
    /// IMPORT names the id; a row holding the same schema may already exist.
    Imported(i32),
    /// A new id is issued, with a new row.
    Issued,
}

impl Policy {
    /// Whether this registration is checked against earlier versions at all (level NONE
    /// still runs the reserved-field checks).
    fn checks_anything(&self) -> bool {
        !self.mode.is_import_like() && !self.force
    }
}

/// The live version of `subject` holding this schema, when another writer registered it
/// since the fast path looked (only for requests that name neither id nor version).
async fn registered_meanwhile(
    tx: &mut dyn WriteTx,
    subject: &SubjectName,
    prepared: &Prepared,
    same_schema_ids: &[i32],
) -> Result<Option<RegisteredSchema>, WriteError> {
    if prepared.requested_id.is_some() || prepared.requested_version.is_some() {
        return Ok(None);
    }
    for id in same_schema_ids {
        let carrying = tx.versions_with_id(subject.as_str(), *id).await?;
        if let Some(live) = carrying.iter().rev().find(|v| !v.deleted) {
            let schema = tx
                .schema(subject.context(), live.schema_id)
                .await?
                .ok_or_else(|| RegistryError::schema_id_not_found(live.schema_id))?;
            return Ok(Some(RegisteredSchema::from_version(live, schema)));
        }
    }
    Ok(None)
}

/// The id's source: the one IMPORT names (42205 if it holds another schema), else the
/// schema's existing id in the context, else a new one.
async fn choose_id_source(
    tx: &mut dyn WriteTx,
    context: &str,
    prepared: &Prepared,
    stamp: &Stamp,
    same_schema_ids: &[i32],
) -> Result<IdSource, WriteError> {
    if let Some(id) = prepared.requested_id {
        if let Some(existing) = tx.schema(context, id).await?
            && existing.hash != stamp.hash
        {
            return Err(RegistryError::operation_not_permitted(format!(
                "Overwrite new schema with id {id} is not permitted."
            ))
            .into());
        }
        return Ok(IdSource::Imported(id));
    }
    Ok(same_schema_ids
        .first()
        .map_or(IdSource::Issued, |id| IdSource::Reused(*id)))
}

/// The new version's number: the next one, or (IMPORT only) the one requested, whose
/// existing record IMPORT rewrites as a later record of Confluent's log would.
async fn choose_version(
    tx: &mut dyn WriteTx,
    subject: &SubjectName,
    prepared: &Prepared,
    mode: Mode,
    next: Option<i32>,
) -> Result<i32, WriteError> {
    let version = match prepared.requested_version {
        Some(v) if mode.is_import_like() => v,
        Some(v) if Some(v) != next => {
            return Err(RegistryError::invalid_schema(
                "Version is not one more than previous version",
            )
            .into());
        }
        _ => next.ok_or_else(|| {
            RegistryError::operation_not_permitted(format!(
                "Subject {subject} has no version number left: version {} exists",
                i32::MAX
            ))
        })?,
    };
    if mode.is_import_like() && tx.version(subject.as_str(), version).await?.is_some() {
        tx.remove_version(subject.as_str(), version).await?;
    }
    Ok(version)
}

/// Takes the id from its source and answers the schema record it names, and whether its
/// row is new (inserted with the version, by [`record_version`]).
async fn take_id(
    tx: &mut dyn WriteTx,
    context: &str,
    prepared: &Prepared,
    stamp: &Stamp,
    source: IdSource,
) -> Result<(SchemaRecord, bool), WriteError> {
    match source {
        IdSource::Reused(id) => Ok((record_of(context, id, prepared, stamp), false)),
        IdSource::Imported(id) => {
            tx.observe_id(context, id).await?;
            if let Some(stored) = tx.schema(context, id).await? {
                return Ok((stored, false));
            }
            Ok((record_of(context, id, prepared, stamp), true))
        }
        IdSource::Issued => {
            let id = match tx.next_id(context).await {
                Err(StoreError::IdsExhausted(_)) => {
                    return Err(RegistryError::operation_not_permitted(format!(
                        "No schema id is left to issue in context {context}: id {} is taken",
                        i32::MAX
                    ))
                    .into());
                }
                other => other?,
            };
            Ok((record_of(context, id, prepared, stamp), true))
        }
    }
}

/// Removes the soft-deleted versions of `subject` carrying `id` that nothing references:
/// the new version supersedes them.
async fn tombstone_superseded(
    tx: &mut dyn WriteTx,
    subject: &SubjectName,
    id: i32,
    version: i32,
) -> Result<(), WriteError> {
    let same_id = tx.versions_with_id(subject.as_str(), id).await?;
    for old in same_id.iter().filter(|v| v.deleted && v.version != version) {
        if tx
            .referrers(subject.as_str(), old.version)
            .await?
            .is_empty()
        {
            tx.remove_version(subject.as_str(), old.version).await?;
        }
    }
    Ok(())
}

/// Inserts the schema row when it is `new_row`, the version record and its event, and
/// commits.
async fn record_version(
    tx: Box<dyn WriteTx>,
    caller: &Caller,
    subject: &SubjectName,
    version: i32,
    schema: SchemaRecord,
    new_row: bool,
) -> Result<(RegisteredSchema, Event), WriteError> {
    let record = VersionRecord {
        subject: subject.as_str().to_owned(),
        version,
        context: subject.context().to_owned(),
        schema_id: schema.id,
        deleted: false,
        created_at: now_millis(),
    };
    let event = super::audit::event(
        caller,
        "register",
        Some(record.subject.clone()),
        Some(version),
        Some(record.context.clone()),
        Some(schema.id),
    );
    tx.commit_registration(new_row.then_some(&schema), &record, &event)
        .await?;
    Ok((RegisteredSchema::from_version(&record, schema), event))
}

/// 42205 unless `mode` lets this request write a new version: READONLY refuses every
/// write, a requested id needs IMPORT (and must leave the context ids to issue), and
/// without one the subject must be READWRITE.
fn ensure_mode_allows(
    subject: &SubjectName,
    mode: Mode,
    prepared: &Prepared,
) -> Result<(), RegistryError> {
    let context = subject.context();
    if mode.is_read_only() {
        return Err(super::settings_tx::read_only(Some(subject)));
    }
    match prepared.requested_id {
        Some(_) if !mode.is_import_like() => Err(RegistryError::operation_not_permitted(format!(
            "Subject {subject} is not in import mode"
        ))),
        // Ids are never reused, so an id this high would leave the context nothing to issue.
        Some(id) if id > MAX_IMPORTED_ID => Err(RegistryError::operation_not_permitted(format!(
            "Schema id {id} in context {context} is not permitted: imported ids must be at most {MAX_IMPORTED_ID}, so that new ids can still be issued"
        ))),
        None if mode != Mode::ReadWrite => Err(RegistryError::operation_not_permitted(format!(
            "Subject {subject} is not in read-write mode"
        ))),
        _ => Ok(()),
    }
}
