//! The state a `_schemas` topic describes: records applied in offset order, as
//! Confluent's reader applies them (spec §4); pure.
//!
//! The last record per logical key wins (subject and version; config or mode scope),
//! whatever the key's byte form; a null value removes the key; DELETE_SUBJECT marks
//! versions `1..=N` soft-deleted; CLEAR_SUBJECT drops soft-deleted versions; a SCHEMA
//! whose id already holds another schema text in its context is ignored (the duplicate-id
//! guard). Every applied record answers the keys it touched, so a follower can replay just
//! those onto the registry. Sizes are bounded: past [`MAX_VERSIONS`] or [`MAX_SCOPES`] a
//! record is refused like a malformed one.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};

use super::record::{Record, SchemaValue, Scope};
use crate::domain::SubjectName;
use crate::store::GLOBAL_SCOPE;

/// The most subject versions the fold holds.
pub const MAX_VERSIONS: usize = 2_000_000;
/// The most config plus mode scopes the fold holds.
pub const MAX_SCOPES: usize = 1_000_000;

/// One version as the topic defines it.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub value: SchemaValue,
    /// The Kafka timestamp (ms) of the record that defines it.
    pub timestamp: i64,
}

/// A key whose state an applied record may have changed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Touched {
    Version(String, i32),
    /// A config scope as stored ([`GLOBAL_SCOPE`] for the global one).
    Config(String),
    /// A mode scope as stored.
    Mode(String),
}

/// The folded topic.
#[derive(Debug, Default, Clone)]
pub struct Folded {
    versions: BTreeMap<String, BTreeMap<i32, Entry>>,
    version_count: usize,
    /// (context, id) → the schema text holding it and how many versions carry it.
    ids: HashMap<(String, i32), (String, usize)>,
    /// The highest id seen per context, deleted and removed versions included.
    max_ids: BTreeMap<String, i32>,
    configs: BTreeMap<String, Map<String, Value>>,
    modes: BTreeMap<String, String>,
}

/// Why a decoded record was not applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("subject {0:?} is not valid: {1}")]
    Subject(String, String),
    #[error(
        "schema id {id} in context {context} already holds another schema; ignored as Confluent's followers ignore it"
    )]
    DuplicateId { context: String, id: i32 },
    #[error("more than {0} entries; raise the limit or compact the topic")]
    Full(usize),
}

impl Folded {
    /// Applies one record (timestamp in ms); answers the keys it touched.
    ///
    /// # Errors
    /// [`Refused`]: the record changes nothing.
    pub fn apply(&mut self, record: Record, timestamp: i64) -> Result<Vec<Touched>, Refused> {
        match record {
            Record::Schema {
                subject,
                version,
                value,
            } => {
                let subject = subject_name(&subject)?;
                match value {
                    Some(value) => self.put_version(&subject, version, value, timestamp),
                    None => Ok(self.remove_version(subject.as_str(), version)),
                }
            }
            Record::Config { scope, value } => {
                let scope = scope_key(scope)?;
                put_scope(&mut self.configs, self.modes.len(), &scope, value)?;
                Ok(vec![Touched::Config(scope)])
            }
            Record::Mode { scope, value } => {
                let scope = scope_key(scope)?;
                put_scope(&mut self.modes, self.configs.len(), &scope, value)?;
                Ok(vec![Touched::Mode(scope)])
            }
            Record::DeleteSubject { subject, version } => {
                let subject = subject_name(&subject)?;
                Ok(self.delete_subject(subject.as_str(), version))
            }
            Record::ClearSubject { subject } => Ok(self.clear(subject)?),
            Record::Noop => Ok(Vec::new()),
        }
    }

    fn put_version(
        &mut self,
        subject: &SubjectName,
        version: i32,
        value: SchemaValue,
        timestamp: i64,
    ) -> Result<Vec<Touched>, Refused> {
        let context = subject.context().to_owned();
        let key = (context.clone(), value.id);
        if let Some((text, _)) = self.ids.get(&key)
            && *text != value.schema
        {
            return Err(Refused::DuplicateId {
                context,
                id: value.id,
            });
        }
        let exists = self
            .versions
            .get(subject.as_str())
            .is_some_and(|v| v.contains_key(&version));
        if !exists && self.version_count >= MAX_VERSIONS {
            return Err(Refused::Full(MAX_VERSIONS));
        }
        if exists {
            self.remove_version(subject.as_str(), version);
        }
        let max = self.max_ids.entry(context).or_insert(0);
        *max = (*max).max(value.id);
        self.ids
            .entry(key)
            .or_insert_with(|| (value.schema.clone(), 0))
            .1 += 1;
        self.versions
            .entry(subject.as_str().to_owned())
            .or_default()
            .insert(version, Entry { value, timestamp });
        self.version_count += 1;
        Ok(vec![Touched::Version(subject.as_str().to_owned(), version)])
    }

    fn remove_version(&mut self, subject: &str, version: i32) -> Vec<Touched> {
        let Some(versions) = self.versions.get_mut(subject) else {
            return Vec::new();
        };
        let Some(old) = versions.remove(&version) else {
            return Vec::new();
        };
        if versions.is_empty() {
            self.versions.remove(subject);
        }
        self.version_count -= 1;
        let context = context_of(subject);
        let key = (context, old.value.id);
        if let Some((_, count)) = self.ids.get_mut(&key) {
            *count -= 1;
            if *count == 0 {
                self.ids.remove(&key);
            }
        }
        vec![Touched::Version(subject.to_owned(), version)]
    }

    fn delete_subject(&mut self, subject: &str, up_to: i32) -> Vec<Touched> {
        let Some(versions) = self.versions.get_mut(subject) else {
            return Vec::new();
        };
        let mut touched = Vec::new();
        for (version, entry) in versions.range_mut(..=up_to) {
            if !entry.value.deleted {
                entry.value.deleted = true;
                touched.push(Touched::Version(subject.to_owned(), *version));
            }
        }
        touched
    }

    /// CLEAR_SUBJECT: drops the soft-deleted versions of one subject, of every subject of
    /// a context (`:.ctx:`, or the default context for an empty name), or of all subjects.
    fn clear(&mut self, scope: Scope) -> Result<Vec<Touched>, Refused> {
        let selected: Vec<String> = match scope {
            None => self.versions.keys().cloned().collect(),
            Some(raw) => {
                let name = SubjectName::parse_lenient(&raw)
                    .map_err(|e| Refused::Subject(raw.clone(), e.to_string()))?;
                if name.is_context_scope() || name.as_str().is_empty() {
                    let context = name.context().to_owned();
                    self.versions
                        .keys()
                        .filter(|s| context_of(s) == context)
                        .cloned()
                        .collect()
                } else {
                    vec![name.as_str().to_owned()]
                }
            }
        };
        let mut touched = Vec::new();
        for subject in selected {
            let deleted: Vec<i32> = self
                .versions
                .get(&subject)
                .map(|v| {
                    v.iter()
                        .filter(|(_, e)| e.value.deleted)
                        .map(|(n, _)| *n)
                        .collect()
                })
                .unwrap_or_default();
            for version in deleted {
                touched.extend(self.remove_version(&subject, version));
            }
        }
        Ok(touched)
    }

    /// Every version, by subject then version.
    pub fn versions(&self) -> impl Iterator<Item = (&str, i32, &Entry)> {
        self.versions
            .iter()
            .flat_map(|(s, vs)| vs.iter().map(move |(v, e)| (s.as_str(), *v, e)))
    }

    /// Version `version` of `subject`, if the topic defines it.
    #[must_use]
    pub fn version(&self, subject: &str, version: i32) -> Option<&Entry> {
        self.versions.get(subject)?.get(&version)
    }

    /// How many versions the topic defines.
    #[must_use]
    pub fn version_count(&self) -> usize {
        self.version_count
    }

    /// The config of `scope` (as stored: [`GLOBAL_SCOPE`] for the global one).
    #[must_use]
    pub fn config(&self, scope: &str) -> Option<&Map<String, Value>> {
        self.configs.get(scope)
    }

    /// The mode of `scope`.
    #[must_use]
    pub fn mode(&self, scope: &str) -> Option<&str> {
        self.modes.get(scope).map(String::as_str)
    }

    /// Every scope with a config.
    pub fn configs(&self) -> impl Iterator<Item = (&str, &Map<String, Value>)> {
        self.configs.iter().map(|(s, c)| (s.as_str(), c))
    }

    /// Every scope with a mode.
    pub fn modes(&self) -> impl Iterator<Item = (&str, &str)> {
        self.modes.iter().map(|(s, m)| (s.as_str(), m.as_str()))
    }

    /// The highest id any SCHEMA value of `context` carried (0 when none).
    #[must_use]
    pub fn max_id(&self, context: &str) -> i32 {
        self.max_ids.get(context).copied().unwrap_or(0)
    }

    /// The versions named by `keys` that the topic defines, ordered so that a version
    /// comes after the versions its references name (then by id, subject, version).
    #[must_use]
    pub fn ordered(&self, keys: &[(String, i32)]) -> Vec<(String, i32)> {
        super::order::references_first(self, keys)
    }
}

/// The context of a stored (qualified) subject name.
fn context_of(subject: &str) -> String {
    SubjectName::parse_lenient(subject)
        .map(|s| s.context().to_owned())
        .unwrap_or_else(|_| crate::domain::DEFAULT_CONTEXT.to_owned())
}

fn subject_name(raw: &str) -> Result<SubjectName, Refused> {
    SubjectName::parse(raw).map_err(|e| Refused::Subject(raw.to_owned(), e.to_string()))
}

/// The stored key of a config or mode scope: the global scope for none and the empty
/// default-context name; otherwise the qualified name (Confluent's `:.__GLOBAL:`, the
/// global context that named contexts fall back to, is a scope of its own).
fn scope_key(scope: Scope) -> Result<String, Refused> {
    let Some(raw) = scope else {
        return Ok(GLOBAL_SCOPE.to_owned());
    };
    let name = SubjectName::parse_lenient(&raw)
        .map_err(|e| Refused::Subject(raw.clone(), e.to_string()))?;
    if name.as_str().is_empty() || name.as_str() == GLOBAL_SCOPE {
        return Ok(GLOBAL_SCOPE.to_owned());
    }
    Ok(name.as_str().to_owned())
}

/// Sets or removes a scope's value, refusing a new scope past [`MAX_SCOPES`] (counting
/// `others`, the size of the other scope map).
fn put_scope<T>(
    map: &mut BTreeMap<String, T>,
    others: usize,
    scope: &str,
    value: Option<T>,
) -> Result<(), Refused> {
    match value {
        Some(value) => {
            if !map.contains_key(scope) && map.len() + others >= MAX_SCOPES {
                return Err(Refused::Full(MAX_SCOPES));
            }
            map.insert(scope.to_owned(), value);
        }
        None => {
            map.remove(scope);
        }
    }
    Ok(())
}
