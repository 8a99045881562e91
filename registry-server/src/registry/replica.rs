//! Writes that reproduce another registry's log (a `_schemas` topic) unconditionally.
//!
//! The log is the authority: a version is stored with the id, number, deleted flag and
//! time it has there, replacing whatever this store held for that subject-version; a
//! removal removes; configs and modes are replaced whole. None of the REST preconditions
//! apply (mode, compatibility, "soft-delete first", references still in use: spec §7 —
//! compaction can leave records no REST sequence would). Two guards stay: an id holding
//! another schema text in its context is refused (42205), and schemas are still parsed
//! (without validation) so that lookups, identity and compatibility checks work on them.

use serde_json::{Map, Value};

use super::{Caller, Registry, RegistryError, WriteError, with_retries};
use crate::domain::{SchemaType, SubjectName};
use crate::schema::ParseOptions;
use crate::schema::identity::{SchemaDigest, SchemaReference};
use crate::store::{
    CONFIG_CHANGED, Event, MODE_CHANGED, SchemaRecord, VersionRecord, settings_lock_key,
};

/// One version as the log defines it.
#[derive(Debug, Clone)]
pub struct MirroredVersion {
    pub subject: SubjectName,
    pub version: i32,
    pub id: i32,
    pub schema_type: SchemaType,
    pub schema: String,
    pub references: Vec<SchemaReference>,
    pub metadata: Option<Value>,
    pub rule_set: Option<Value>,
    pub deleted: bool,
    /// When the log recorded it (ms); `ts` in answers.
    pub created_at: i64,
}

/// What [`Registry::mirror_version`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mirrored {
    /// The store already held the version as the log defines it.
    Unchanged,
    Written,
}

impl Registry {
    /// Stores `version` exactly as the log defines it (see the module doc).
    ///
    /// # Errors
    /// 42201 for a schema that does not parse or whose references are missing, 42205 when
    /// its id holds another schema in the context, 50001 when the store fails.
    pub async fn mirror_version(
        &self,
        caller: &Caller,
        version: &MirroredVersion,
    ) -> Result<Mirrored, RegistryError> {
        let subject = &version.subject;
        let current = self.store.versions(subject.as_str()).await?;
        if current.iter().any(|v| {
            v.version == version.version
                && v.schema_id == version.id
                && v.deleted == version.deleted
        }) {
            return Ok(Mirrored::Unchanged);
        }
        super::model::check_reference_count(version.references.len(), &self.settings.limits)?;
        if version.schema.len() > self.settings.limits.max_schema_bytes {
            return Err(RegistryError::invalid_schema(format!(
                "Invalid schema, details: {} bytes, over the limit of {}",
                version.schema.len(),
                self.settings.limits.max_schema_bytes
            )));
        }
        let dependencies = self
            .resolve_stored_references(subject, &version.references)
            .await?;
        let parsed = self
            .parse_submission_on_pool(
                version.schema_type,
                version.schema.clone(),
                dependencies,
                ParseOptions {
                    validate: false,
                    normalize: false,
                },
            )
            .await?;
        let hash = SchemaDigest::compute(
            parsed.identity(),
            &version.references,
            version.metadata.as_ref(),
            version.rule_set.as_ref(),
        )
        .to_hex();
        let record = SchemaRecord {
            context: subject.context().to_owned(),
            id: version.id,
            schema_type: parsed.schema_type(),
            schema: parsed.canonical().to_owned(),
            hash,
            references: version.references.clone(),
            metadata: version.metadata.clone(),
            rule_set: version.rule_set.clone(),
            created_at: version.created_at,
        };
        let events = with_retries(|| self.mirror_in_transaction(caller, version, &record)).await?;
        for event in &events {
            self.committed(event).await;
        }
        Ok(Mirrored::Written)
    }

    async fn mirror_in_transaction(
        &self,
        caller: &Caller,
        version: &MirroredVersion,
        record: &SchemaRecord,
    ) -> Result<Vec<Event>, WriteError> {
        let subject = &version.subject;
        let context = subject.context();
        let referenced = Self::referenced_subjects(subject, &version.references);
        let mut lock_keys = vec![subject.as_str()];
        lock_keys.extend(referenced.iter().map(String::as_str));
        let mut tx = self.store.begin_write(&lock_keys).await?;
        tx.lock_key(&crate::store::digest_lock_key(context, &record.hash))
            .await?;
        match tx.schema(context, record.id).await? {
            Some(existing) if existing.hash != record.hash => {
                return Err(RegistryError::operation_not_permitted(format!(
                    "Schema id {} in context {context} holds another schema; the log's record for {subject} version {} is ignored",
                    record.id, version.version
                ))
                .into());
            }
            Some(_) => tx.observe_id(context, record.id).await?,
            None => {
                tx.observe_id(context, record.id).await?;
                tx.insert_schema(record).await?;
            }
        }
        let mut events = Vec::new();
        if let Some(old) = tx.version(subject.as_str(), version.version).await? {
            tx.remove_version(subject.as_str(), version.version).await?;
            if old.schema_id != record.id {
                events.push(event(
                    caller,
                    "hard_delete_version",
                    subject,
                    version.version,
                    old.schema_id,
                ));
            }
        }
        tx.insert_version(&VersionRecord {
            subject: subject.as_str().to_owned(),
            version: version.version,
            context: context.to_owned(),
            schema_id: record.id,
            deleted: version.deleted,
            created_at: version.created_at,
        })
        .await?;
        let kind = if version.deleted {
            "soft_delete_version"
        } else {
            "register"
        };
        events.push(event(caller, kind, subject, version.version, record.id));
        for event in &events {
            tx.append_event(event).await?;
        }
        tx.commit().await?;
        Ok(events)
    }

    /// Removes version `version` of `subject` (the log's tombstone); answers whether it
    /// existed. Its config and mode stay: the log removes those with records of their own.
    ///
    /// # Errors
    /// 50001 when the store fails.
    pub async fn mirror_remove_version(
        &self,
        caller: &Caller,
        subject: &SubjectName,
        version: i32,
    ) -> Result<bool, RegistryError> {
        let removed = with_retries(|| async {
            let mut tx = self.store.begin_write(&[subject.as_str()]).await?;
            let Some(old) = tx.version(subject.as_str(), version).await? else {
                return Ok::<_, WriteError>(None);
            };
            tx.remove_version(subject.as_str(), version).await?;
            let event = event(
                caller,
                "hard_delete_version",
                subject,
                version,
                old.schema_id,
            );
            tx.append_event(&event).await?;
            tx.commit().await?;
            Ok(Some(event))
        })
        .await?;
        match removed {
            Some(event) => {
                self.committed(&event).await;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// Every (subject, version) the store holds, soft-deleted included: what a follower
    /// compares with the log at start.
    ///
    /// # Errors
    /// 50001 when the store fails.
    pub async fn mirrored_versions(&self) -> Result<Vec<(String, i32)>, RegistryError> {
        let mut out = Vec::new();
        for summary in self.store.subjects().await? {
            for version in self.store.versions(&summary.subject).await? {
                out.push((version.subject, version.version));
            }
        }
        Ok(out)
    }

    /// Replaces the config of `scope` (a stored scope key) with `config`, or removes it.
    ///
    /// # Errors
    /// 50001 when the store fails.
    pub async fn mirror_config(
        &self,
        caller: &Caller,
        scope: &str,
        config: Option<&Map<String, Value>>,
    ) -> Result<(), RegistryError> {
        let stored = config.map(|c| Value::Object(c.clone()));
        if self.store.config(scope).await? == stored {
            return Ok(());
        }
        let event = with_retries(|| async {
            let mut tx = self.store.begin_write(&[&settings_lock_key(scope)]).await?;
            match &stored {
                Some(config) => tx.put_config(scope, config).await?,
                None => tx.delete_config(scope).await?,
            }
            Self::commit_settings_write(tx, caller, CONFIG_CHANGED, scope).await
        })
        .await?;
        self.committed(&event).await;
        Ok(())
    }

    /// Replaces the mode of `scope` (a stored scope key; a mode name the log holds), or
    /// removes it.
    ///
    /// # Errors
    /// 50001 when the store fails.
    pub async fn mirror_mode(
        &self,
        caller: &Caller,
        scope: &str,
        mode: Option<&str>,
    ) -> Result<(), RegistryError> {
        if self.store.mode(scope).await?.as_deref() == mode {
            return Ok(());
        }
        let event = with_retries(|| async {
            let mut tx = self.store.begin_write(&[&settings_lock_key(scope)]).await?;
            match mode {
                Some(mode) => tx.put_mode(scope, mode).await?,
                None => tx.delete_mode(scope).await?,
            }
            Self::commit_settings_write(tx, caller, MODE_CHANGED, scope).await
        })
        .await?;
        self.committed(&event).await;
        Ok(())
    }
}

fn event(
    caller: &Caller,
    kind: &'static str,
    subject: &SubjectName,
    version: i32,
    id: i32,
) -> Event {
    super::audit::event(
        caller,
        kind,
        Some(subject.as_str().to_owned()),
        Some(version),
        Some(subject.context().to_owned()),
        Some(id),
    )
}
