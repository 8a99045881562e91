//! Resolving schema references to the texts the engines parse against (spec §4.9).
//!
//! A reference names a subject-version; its subject is qualified against the referring
//! subject's context. The referenced schema's own references are resolved first, so the
//! engines receive dependencies in dependency order; the first binding of a name wins.
//!
//! The walk is bounded: at most `max-references` references per request and schemas
//! expanded per resolution, at most [`MAX_DEPTH`] levels, and a cycle (only IMPORT can make
//! one) is refused where it closes.

use std::collections::HashSet;

use super::RegistryError;
use super::{Caller, Registry, WriteError};
use crate::domain::SubjectName;
use crate::schema::Dependency;
use crate::schema::identity::SchemaReference;
use crate::store::WriteTx;

/// References deeper than this are refused (a guard; real graphs are shallow).
const MAX_DEPTH: usize = 32;

impl Registry {
    /// Resolves a request's references: `-1` becomes the latest live version; soft-deleted
    /// versions may not be referenced by a new registration.
    ///
    /// Answers the references as they will be stored (concrete versions) and the
    /// dependencies to parse against. A subject `caller` may not read is missing.
    pub(crate) async fn resolve_request_references(
        &self,
        caller: &Caller,
        referrer: &SubjectName,
        requested: &[super::ReferenceRequest],
    ) -> Result<(Vec<SchemaReference>, Vec<Dependency>), RegistryError> {
        super::model::check_reference_count(requested.len(), &self.settings.limits)?;
        let mut concrete = Vec::with_capacity(requested.len());
        for reference in requested {
            let not_found = || {
                RegistryError::invalid_schema(format!(
                    "Invalid schema, details: No schema reference found for subject \"{}\" and version {}",
                    reference.subject, reference.version
                ))
            };
            // Checked before the database sees it: an over-long name cannot exist.
            let subject =
                SubjectName::parse_lenient(&referrer.qualify_reference(&reference.subject))
                    .map_err(|_| not_found())?;
            let versions = self.versions_for(caller, &subject).await?;
            let found = if reference.version == -1 {
                versions.iter().rev().find(|v| !v.deleted)
            } else {
                versions
                    .iter()
                    .find(|v| v.version == reference.version && !v.deleted)
            };
            let Some(found) = found else {
                return Err(not_found());
            };
            concrete.push(SchemaReference {
                name: reference.name.clone(),
                subject: reference.subject.clone(),
                version: found.version,
            });
        }
        let dependencies = self.resolve_stored_references(referrer, &concrete).await?;
        Ok((concrete, dependencies))
    }

    /// The subjects a registration's references name, qualified against `referrer`'s
    /// context: the registration locks them beside its own subject, so a delete of a
    /// referenced version waits for it and then sees the new reference (42206).
    pub(crate) fn referenced_subjects(
        referrer: &SubjectName,
        references: &[SchemaReference],
    ) -> Vec<String> {
        let mut subjects: Vec<String> = references
            .iter()
            .map(|r| referrer.qualify_reference(&r.subject))
            .filter(|s| s != referrer.as_str())
            .collect();
        subjects.sort_unstable();
        subjects.dedup();
        subjects
    }

    /// Confirms, inside a registration's transaction and under the referenced subjects'
    /// locks, that every referenced version still exists and is live: a delete that
    /// committed after the references were resolved refuses the registration (42201).
    pub(crate) async fn confirm_references_in_tx(
        tx: &mut dyn WriteTx,
        referrer: &SubjectName,
        references: &[SchemaReference],
    ) -> Result<(), WriteError> {
        for reference in references {
            let subject = referrer.qualify_reference(&reference.subject);
            let live = tx
                .version(&subject, reference.version)
                .await?
                .is_some_and(|v| !v.deleted);
            if !live {
                return Err(RegistryError::invalid_schema(format!(
                    "Invalid schema, details: No schema reference found for subject \"{}\" and version {}",
                    reference.subject, reference.version
                ))
                .into());
            }
        }
        Ok(())
    }

    /// Resolves stored references (concrete versions, soft-deleted allowed) recursively.
    pub(crate) async fn resolve_stored_references(
        &self,
        referrer: &SubjectName,
        references: &[SchemaReference],
    ) -> Result<Vec<Dependency>, RegistryError> {
        let budget = self.settings.limits.max_references;
        let mut expanded = 0usize;
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        // The subject-versions being expanded: meeting one again closes a cycle.
        let mut in_progress: HashSet<(String, i32)> = HashSet::new();
        let mut stack: Vec<Frame> = vec![Frame::expand(referrer.clone(), references.to_vec())];
        loop {
            if stack.len() > MAX_DEPTH {
                return Err(RegistryError::invalid_schema(format!(
                    "Invalid schema, details: references nest more than {MAX_DEPTH} levels deep"
                )));
            }
            let Some(frame) = stack.last_mut() else { break };
            let Some(next) = frame.pending.pop() else {
                let done = stack.pop();
                if let Some(done) = done {
                    if let Some(key) = &done.key {
                        in_progress.remove(key);
                    }
                    if let Some(dep) = done.emit
                        && seen.insert(dep.name.clone())
                    {
                        out.push(dep);
                    }
                }
                continue;
            };
            let owner = frame.owner.clone();
            if seen.contains(&next.name) {
                continue;
            }
            let subject_text = owner.qualify_reference(&next.subject);
            let subject = SubjectName::parse_lenient(&subject_text)
                .map_err(|e| RegistryError::InvalidSubject(e.to_string()))?;
            let key = (subject.as_str().to_owned(), next.version);
            if in_progress.contains(&key) {
                return Err(RegistryError::invalid_schema(format!(
                    "Invalid schema, details: references form a cycle through subject \"{}\" version {}",
                    next.subject, next.version
                )));
            }
            expanded += 1;
            if expanded > budget {
                return Err(RegistryError::invalid_schema(format!(
                    "Invalid schema, details: resolving the references reaches more than {budget} schemas (max-references)"
                )));
            }
            let versions = self.store.versions(subject.as_str()).await?;
            let Some(record) = versions.iter().find(|v| v.version == next.version) else {
                return Err(RegistryError::invalid_schema(format!(
                    "Invalid schema, details: No schema reference found for subject \"{}\" and version {}",
                    next.subject, next.version
                )));
            };
            let Some(schema) = self.store.schema(&record.context, record.schema_id).await? else {
                return Err(RegistryError::schema_id_not_found(record.schema_id));
            };
            let mut child = Frame::expand(subject, schema.references);
            child.emit = Some(Dependency {
                name: next.name,
                schema: schema.schema,
            });
            in_progress.insert(key.clone());
            child.key = Some(key);
            stack.push(child);
        }
        Ok(out)
    }
}

/// One schema being expanded: its owner subject, references still to visit (popped from
/// the back, so stored in reverse), and the dependency to emit once they are done.
struct Frame {
    owner: SubjectName,
    pending: Vec<SchemaReference>,
    emit: Option<Dependency>,
    /// The subject-version this frame expands (none for the schema being resolved).
    key: Option<(String, i32)>,
}

impl Frame {
    fn expand(owner: SubjectName, mut references: Vec<SchemaReference>) -> Self {
        references.reverse();
        Frame {
            owner,
            pending: references,
            emit: None,
            key: None,
        }
    }
}
