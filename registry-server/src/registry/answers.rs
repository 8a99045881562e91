//! What lookups, registrations of a schema a subject already holds, and repeated
//! compatibility checks answer from memory: the identity digest of a submitted text, keyed
//! by the exact request; per subject, its versions and the version found for a digest
//! (shared with the response bodies rendered for it); and checks' verdicts.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock, RwLock};

use bytes::Bytes;

use super::budget::Account;
use super::model::{RegisteredSchema, SchemaRequest};
use crate::domain::{CompatibilityLevel, SchemaType};
use crate::schema::compat::CheckOptions;
use crate::store::VersionRecord;

/// What a lookup needs of a parsed submission.
#[derive(Debug)]
pub(crate) struct SubmittedDigest {
    pub canonical: String,
    pub hash: String,
}

/// The key of a submission's digest: everything that decides it (type, normalize, whether
/// the text was validated, metadata, rule set, text). `None` for a request with references,
/// whose digest depends on what they resolve to.
pub(crate) fn digest_key(
    request: &SchemaRequest,
    schema_type: SchemaType,
    normalize: bool,
    validated: bool,
) -> Option<String> {
    if request.references.as_ref().is_some_and(|r| !r.is_empty()) {
        return None;
    }
    let text = request.schema.as_deref().unwrap_or_default();
    let metadata = request.metadata().map(ToString::to_string);
    let rule_set = request.rule_set().map(ToString::to_string);
    Some(format!(
        "{schema_type}|{normalize}|{validated}|{}|{}|{text}",
        metadata.as_deref().unwrap_or_default(),
        rule_set.as_deref().unwrap_or_default(),
    ))
}

/// The key of a compatibility verdict: the submission (its [`digest_key`], validated), the
/// level and options, and the versions compared (number, context, id: stored schemas never
/// change under an id, and the messages name version numbers).
pub(crate) fn verdict_key(
    submission: &str,
    level: CompatibilityLevel,
    options: CheckOptions,
    compared: &[VersionRecord],
) -> String {
    use std::fmt::Write as _;
    let mut key = format!("{level:?}|{options:?}|");
    for version in compared {
        let _ = write!(
            key,
            "{}:{}:{},",
            version.version, version.context, version.schema_id
        );
    }
    key.push('|');
    key.push_str(submission);
    key
}

/// Which answer a response body renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answering {
    /// `POST /subjects/{s}`
    Lookup,
    /// `POST /subjects/{s}/versions`
    Registration,
}

/// A schema found under a subject, shared: the lookup cache keeps it with the response
/// bodies rendered for it, which depend only on the schema.
#[derive(Debug)]
pub struct Found {
    pub schema: RegisteredSchema,
    lookup_body: OnceLock<Bytes>,
    registration_body: OnceLock<Bytes>,
}

impl Found {
    #[must_use]
    pub fn new(schema: RegisteredSchema) -> Arc<Self> {
        Arc::new(Found {
            schema,
            lookup_body: OnceLock::new(),
            registration_body: OnceLock::new(),
        })
    }

    /// The response body of `answering`: rendered once by `render`, then shared.
    ///
    /// # Errors
    /// What `render` answers (nothing is kept then).
    pub fn body<E>(
        &self,
        answering: Answering,
        render: impl FnOnce(&RegisteredSchema) -> Result<Bytes, E>,
    ) -> Result<Bytes, E> {
        let cell = match answering {
            Answering::Lookup => &self.lookup_body,
            Answering::Registration => &self.registration_body,
        };
        if let Some(body) = cell.get() {
            return Ok(body.clone());
        }
        let body = render(&self.schema)?;
        Ok(cell.get_or_init(|| body).clone())
    }

    /// Bytes this answer holds, for cache budgets: an estimate that counts both response
    /// bodies, rendered or not yet (each about the text's length).
    pub(crate) fn weight(&self) -> usize {
        let schema = &self.schema;
        let bodies = 2 * (schema.schema.len() + 128);
        schema.schema.len()
            + schema.guid.len()
            + schema.subject.as_ref().map_or(0, String::len)
            + schema
                .references
                .iter()
                .map(|r| r.name.len() + r.subject.len() + 32)
                .sum::<usize>()
            + schema.metadata.as_ref().map_or(0, |m| m.to_string().len())
            + schema.rule_set.as_ref().map_or(0, |r| r.to_string().len())
            + bodies
            + 256
    }
}

/// What is cached of one subject until its next write: its versions, and lookup answers by
/// digest (without and with soft-deleted versions). What it holds is taken from the lookups'
/// share of the cache budget, and given back when the cache drops it.
#[derive(Debug)]
pub(crate) struct SubjectLookups {
    answers: RwLock<HashMap<String, [Option<Arc<Found>>; 2]>>,
    versions: OnceLock<Arc<[VersionRecord]>>,
    account: Arc<Account>,
    held: AtomicUsize,
}

/// Digests kept per subject, at most.
const LOOKUPS_PER_SUBJECT: usize = 256;

impl SubjectLookups {
    pub(crate) fn new(account: Arc<Account>) -> Self {
        SubjectLookups {
            answers: RwLock::default(),
            versions: OnceLock::new(),
            account,
            held: AtomicUsize::new(0),
        }
    }

    /// Takes `bytes` from the budget for this entry; false when the share is spent.
    fn take(&self, bytes: usize) -> bool {
        let taken = self.account.take(bytes);
        if taken {
            self.held.fetch_add(bytes, Ordering::AcqRel);
        }
        taken
    }

    pub(crate) fn get(&self, hash: &str, deleted: bool) -> Option<Arc<Found>> {
        let map = self.answers.read().ok()?;
        map.get(hash)?[usize::from(deleted)].clone()
    }

    pub(crate) fn put(&self, hash: &str, deleted: bool, found: &Arc<Found>) {
        if let Ok(mut map) = self.answers.write() {
            let slot = map.get(hash).map(|answers| &answers[usize::from(deleted)]);
            if slot.is_some_and(Option::is_some)
                || (slot.is_none() && map.len() >= LOOKUPS_PER_SUBJECT)
                || !self.take(hash.len() + 64 + found.weight())
            {
                return;
            }
            map.entry(hash.to_owned()).or_default()[usize::from(deleted)] = Some(Arc::clone(found));
        }
    }

    /// The subject's versions, when read since its last write.
    pub(crate) fn versions(&self) -> Option<Arc<[VersionRecord]>> {
        self.versions.get().cloned()
    }

    pub(crate) fn put_versions(&self, versions: Arc<[VersionRecord]>) {
        let bytes: usize = versions
            .iter()
            .map(|v| v.subject.len() + v.context.len() + 64)
            .sum();
        if self.versions.get().is_none() && self.take(bytes) && self.versions.set(versions).is_err()
        {
            // Another reader set them first.
            self.account.give_back(bytes);
            self.held.fetch_sub(bytes, Ordering::AcqRel);
        }
    }
}

impl Drop for SubjectLookups {
    fn drop(&mut self) {
        self.account.give_back(*self.held.get_mut());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::SchemaType;

    fn found(text: &str) -> Arc<Found> {
        Found::new(RegisteredSchema {
            subject: Some("s".into()),
            version: Some(1),
            id: 1,
            schema_type: SchemaType::Avro,
            schema: text.into(),
            references: Vec::new(),
            metadata: None,
            rule_set: None,
            guid: "g".into(),
            ts: 0,
            deleted: false,
        })
    }

    #[test]
    fn answers_stop_at_the_share_and_give_it_back_when_dropped() {
        let account = Account::new(4_000);
        let lookups = SubjectLookups::new(Arc::clone(&account));
        lookups.put("a", false, &found(&"x".repeat(500)));
        assert!(lookups.get("a", false).is_some());
        // Over the share: not kept.
        lookups.put("b", false, &found(&"y".repeat(5_000)));
        assert!(lookups.get("b", false).is_none());
        assert!(account.used() > 0);
        drop(lookups);
        assert_eq!(account.used(), 0);
    }

    #[test]
    fn a_second_answer_for_a_digest_does_not_take_twice() {
        let account = Account::new(1_000_000);
        let lookups = SubjectLookups::new(Arc::clone(&account));
        lookups.put("a", false, &found("x"));
        let used = account.used();
        lookups.put("a", false, &found("x"));
        assert_eq!(account.used(), used);
        lookups.put("a", true, &found("x"));
        assert!(account.used() > used);
    }
}
