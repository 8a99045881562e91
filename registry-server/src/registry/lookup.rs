//! Looking a schema up under a subject (spec §4.4) and the compatibility endpoint (§3.4).

use std::sync::Arc;

use super::answers::{Found, digest_key, verdict_key};
use super::model::{RegisteredSchema, SchemaRequest};
use super::{Caller, Registry, RegistryError};
use crate::domain::{SubjectName, VersionRef};
use crate::schema::compat::CompatibilityReport;
use crate::schema::identity::SchemaDigest;
use crate::schema::{ParseOptions, ParsedSchema};
use crate::store::VersionRecord;

impl Registry {
    /// `POST /subjects/{subject}`: the version of `subject` holding this schema; a subject
    /// `caller` may not read holds none (40401, as a missing one). An unqualified subject
    /// that holds none is also looked for in each named context, as Confluent does.
    pub async fn lookup(
        &self,
        caller: &Caller,
        subject: &SubjectName,
        request: &SchemaRequest,
        normalize: bool,
        deleted: bool,
    ) -> Result<Arc<Found>, RegistryError> {
        let missing = match self
            .lookup_here(caller, subject, request, normalize, deleted)
            .await
        {
            Err(missing @ (RegistryError::SubjectNotFound(_) | RegistryError::SchemaNotFound)) => {
                missing
            }
            other => return other,
        };
        for qualified in self.in_other_contexts(subject).await? {
            match self
                .lookup_here(caller, &qualified, request, normalize, deleted)
                .await
            {
                Ok(found) => return Ok(found),
                Err(RegistryError::SubjectNotFound(_) | RegistryError::SchemaNotFound) => {}
                Err(RegistryError::InvalidSchema(_)) => {}
                Err(other) => return Err(other),
            }
        }
        Err(missing)
    }

    /// [`Registry::lookup`] under `subject` only.
    async fn lookup_here(
        &self,
        caller: &Caller,
        subject: &SubjectName,
        request: &SchemaRequest,
        normalize: bool,
        deleted: bool,
    ) -> Result<Arc<Found>, RegistryError> {
        let config = self.effective_config(Some(subject)).await?;
        let normalize =
            normalize || config.get("normalize").and_then(serde_json::Value::as_bool) == Some(true);
        let schema_type = request.schema_type()?;
        let text = request.schema.as_deref().unwrap_or_default();
        if text.trim().is_empty() {
            return Err(RegistryError::invalid_schema("Empty schema"));
        }
        let requested = request.references.as_deref().unwrap_or_default();
        let cache_key = digest_key(request, schema_type, normalize, false);
        let cached = cache_key
            .as_ref()
            .and_then(|key| self.submitted_digests().get(key));
        let (digest, references) = match cached {
            Some(digest) => (digest, Vec::new()),
            None => {
                let (references, dependencies) = self
                    .resolve_request_references(caller, subject, requested)
                    .await?;
                let parsed = self
                    .parse_submission_on_pool(
                        schema_type,
                        text.to_owned(),
                        dependencies,
                        ParseOptions {
                            validate: false,
                            normalize,
                        },
                    )
                    .await?;
                let hash = SchemaDigest::compute(
                    parsed.identity(),
                    &references,
                    request.metadata(),
                    request.rule_set(),
                )
                .to_hex();
                let digest = std::sync::Arc::new(super::SubmittedDigest {
                    canonical: parsed.canonical().to_owned(),
                    hash,
                });
                if let Some(key) = cache_key {
                    self.submitted_digests()
                        .insert(key, std::sync::Arc::clone(&digest));
                }
                (digest, references)
            }
        };
        let hash = &digest.hash;
        if !caller.may_read(subject.as_str()) {
            return Err(RegistryError::subject_not_found(subject.as_str()));
        }
        // Taken before reading: a write to the subject detaches it, so a stale read can
        // never land in the live cache.
        let answers = self.subject_lookups(subject.as_str());
        if let Some(found) = answers.get(hash, deleted) {
            return Ok(found);
        }

        let by_hash = self.store.find_by_hash(subject.as_str(), hash).await?;
        let best = by_hash
            .iter()
            .filter(|(v, _)| deleted || !v.deleted)
            .max_by_key(|(v, _)| (!v.deleted, v.version));
        if let Some((version, schema)) = best {
            let found = Found::new(RegisteredSchema::from_version(version, schema.clone()));
            answers.put(hash, deleted, &found);
            return Ok(found);
        }
        // A miss: 40401 when the subject shows no versions, else look for an equivalent.
        let versions = self.store.versions(subject.as_str()).await?;
        if !versions.iter().any(|v| deleted || !v.deleted) {
            return Err(RegistryError::subject_not_found(subject.as_str()));
        }
        // Equivalence (Confluent's canLookup), newest first: the same text and references
        // whatever metadata the stored one carries; or, for a request without references,
        // a stored schema with references whose resolved (inlined) form is this text.
        let all = self.store.versions_with_schemas(subject.as_str()).await?;
        for (version, schema) in all.into_iter().rev().filter(|(v, _)| deleted || !v.deleted) {
            if schema.schema_type != schema_type {
                continue;
            }
            if schema.schema == digest.canonical && schema.references == references {
                return Ok(Found::new(RegisteredSchema::from_version(&version, schema)));
            }
            if references.is_empty() && !schema.references.is_empty() {
                let stored = self
                    .parsed_by_id(subject, &schema.context, schema.id)
                    .await?;
                if stored.resolved() == digest.canonical {
                    return Ok(Found::new(RegisteredSchema::from_version(&version, schema)));
                }
            }
        }
        Err(RegistryError::schema_not_found())
    }

    /// `POST /compatibility/subjects/{subject}/versions[/{version}]`.
    ///
    /// With `verbose`, an invalid new schema is an incompatible answer carrying the
    /// parse error rather than a 42201.
    pub async fn check_compatibility(
        &self,
        caller: &Caller,
        subject: &SubjectName,
        version: Option<VersionRef>,
        request: &SchemaRequest,
        normalize: bool,
        verbose: bool,
    ) -> Result<CompatibilityReport, RegistryError> {
        // Taken before anything is read: a hard delete that frees an id (which a later
        // registration may reuse) drops the verdicts, and no check that raced it stores one.
        let ticket = self.ids_gate.ticket();
        let versions = self.cached_versions(caller, subject).await?;
        let live: Vec<&VersionRecord> = versions.iter().filter(|v| !v.deleted).collect();
        // An explicit version is the one version compared, whatever the level's reach.
        let compared: Vec<VersionRecord> = match version {
            None => live.into_iter().cloned().collect(),
            Some(VersionRef::Latest) => live.last().map(|v| (*v).clone()).into_iter().collect(),
            Some(VersionRef::Number(n)) => vec![
                live.iter()
                    .find(|v| v.version == n)
                    .map(|v| (*v).clone())
                    .ok_or_else(|| RegistryError::version_not_found(n))?,
            ],
        };
        let config = self.effective_config(Some(subject)).await?;
        let level = super::effective_level_of(&config, self.settings.default_compatibility);
        let options = super::check_options_of(&config);
        // The same text against the same stored versions (ids never change) under the same
        // level and options: the verdict a previous check reached.
        let verdict_key = request
            .schema_type()
            .ok()
            .and_then(|schema_type| digest_key(request, schema_type, normalize, true))
            .map(|key| verdict_key(&key, level, options, &compared));
        if let Some(report) = verdict_key.as_ref().and_then(|key| self.verdicts.get(key)) {
            return Ok(CompatibilityReport::clone(&report));
        }
        let parsed = match self.parse_new(caller, subject, request, normalize).await {
            Ok(parsed) => parsed,
            Err(RegistryError::InvalidSchema(message)) if verbose => {
                return Ok(CompatibilityReport {
                    messages: vec![message],
                });
            }
            Err(error) => return Err(error),
        };
        let report = self
            .check_against(subject, level, options, &parsed, &compared)
            .await?;
        if let Some(key) = verdict_key {
            let verdict = Arc::new(report.clone());
            self.ids_gate
                .store_if_current(ticket, || self.verdicts.insert(key, verdict));
        }
        Ok(report)
    }

    pub(super) async fn parse_new(
        &self,
        caller: &Caller,
        subject: &SubjectName,
        request: &SchemaRequest,
        normalize: bool,
    ) -> Result<std::sync::Arc<ParsedSchema>, RegistryError> {
        let schema_type = request.schema_type()?;
        let text = request.schema.as_deref().unwrap_or_default();
        if text.trim().is_empty() {
            return Err(RegistryError::invalid_schema("Empty schema"));
        }
        let requested = request.references.as_deref().unwrap_or_default();
        let (_, dependencies) = self
            .resolve_request_references(caller, subject, requested)
            .await?;
        self.parse_on_pool(
            schema_type,
            text.to_owned(),
            dependencies,
            ParseOptions {
                validate: true,
                normalize,
            },
        )
        .await
    }
}
