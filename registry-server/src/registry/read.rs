//! Reads: schemas by id or guid, subjects, versions, references, contexts (spec §3.2–3.3, §4.5).

use super::model::{RegisteredSchema, VersionsQuery};
use super::visibility::filtered_page;
use super::{Caller, Registry, RegistryError};
use crate::domain::{DEFAULT_CONTEXT, Page, SubjectName, VersionRef, max_subject_bytes};
use crate::store::{DeletedFilter, SchemaRecord, SubjectFilter, VersionRecord};

/// Which subjects `subjectPrefix` selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubjectPrefix {
    /// `:*:` or absent: every context.
    All,
    /// `:.ctx:` (or `""` for the default context): one context, optionally a name prefix in it.
    Context { context: String, prefix: String },
    /// A plain name prefix in the default context and qualified names alike.
    Name(String),
    /// Longer than any subject may be: selects nothing (and never reaches the database).
    Nothing,
}

impl SubjectPrefix {
    #[must_use]
    pub fn parse(raw: Option<&str>) -> Self {
        match raw {
            None | Some(":*:") => SubjectPrefix::All,
            Some(raw) if raw.len() > max_subject_bytes() => SubjectPrefix::Nothing,
            Some("") => SubjectPrefix::Context {
                context: DEFAULT_CONTEXT.to_owned(),
                prefix: String::new(),
            },
            Some(raw) if raw.starts_with(":.") => match SubjectName::parse_lenient(raw) {
                Ok(name) => SubjectPrefix::Context {
                    context: name.context().to_owned(),
                    prefix: name.local_name().to_owned(),
                },
                Err(_) => SubjectPrefix::Name(raw.to_owned()),
            },
            Some(raw) => SubjectPrefix::Name(raw.to_owned()),
        }
    }

    /// The filter the store applies; `None` when nothing can match.
    fn filter(&self, deleted: DeletedFilter) -> Option<SubjectFilter> {
        let (prefix, default_context_only) = match self {
            SubjectPrefix::All => (String::new(), false),
            SubjectPrefix::Context { context, prefix } if context == DEFAULT_CONTEXT => {
                (prefix.clone(), true)
            }
            SubjectPrefix::Context { context, prefix } => (format!(":{context}:{prefix}"), false),
            SubjectPrefix::Name(prefix) => (prefix.clone(), false),
            SubjectPrefix::Nothing => return None,
        };
        Some(SubjectFilter {
            prefix,
            default_context_only,
            deleted,
        })
    }
}

/// The stored digest a guid names: 32 hex digits, dashes anywhere; `None` for anything
/// else (nothing stored could match, so the database is not asked).
#[must_use]
pub fn hash_of_guid(guid: &str) -> Option<String> {
    let hash: String = guid
        .chars()
        .filter(|c| *c != '-')
        .take(33)
        .collect::<String>()
        .to_ascii_lowercase();
    (hash.len() == 32 && hash.bytes().all(|b| b.is_ascii_hexdigit())).then_some(hash)
}

/// Most contexts a by-id read with an unqualified subject searches for the id.
const MAX_CONTEXTS_SEARCHED: usize = 1000;

impl Registry {
    /// `GET /schemas/ids/{id}`: the schema, and the version of `subject` carrying it when asked.
    /// An id `caller` may not see is missing, in its context and in the default one; a
    /// `subject` it may not read carries no version.
    pub async fn schema_by_id(
        &self,
        caller: &Caller,
        id: i32,
        subject: Option<&SubjectName>,
    ) -> Result<(SchemaRecord, Option<VersionRecord>), RegistryError> {
        let context = subject.map_or(DEFAULT_CONTEXT, SubjectName::context);
        let mut record = self.visible_schema(caller, context, id).await?;
        if record.is_none() && context != DEFAULT_CONTEXT {
            record = self.visible_schema(caller, DEFAULT_CONTEXT, id).await?;
        }
        let mut qualified = None;
        if record.is_none()
            && let Some(unqualified) =
                subject.filter(|s| s.context() == DEFAULT_CONTEXT && !s.local_name().is_empty())
            && let Some((found, subject)) =
                self.id_in_other_contexts(caller, unqualified, id).await?
        {
            record = Some(found);
            qualified = Some(subject);
        }
        let record = record.ok_or_else(|| RegistryError::schema_id_not_found(id))?;
        let subject = qualified.as_ref().or(subject);
        let version = match subject {
            Some(subject)
                if !subject.local_name().is_empty() && caller.may_read(subject.as_str()) =>
            {
                let usages = self.store.usages(&record.context, id).await?;
                usages
                    .into_iter()
                    .filter(|v| v.subject == subject.as_str())
                    .max_by_key(|v| (!v.deleted, v.version))
            }
            _ => None,
        };
        Ok((record, version))
    }

    /// For an unqualified subject whose context lacks `id`: the id in the first other
    /// context that has it, with the subject qualified by that context (Confluent's
    /// fall-back for clients that name subjects without their context). At most
    /// [`MAX_CONTEXTS_SEARCHED`] contexts are tried.
    async fn id_in_other_contexts(
        &self,
        caller: &Caller,
        subject: &SubjectName,
        id: i32,
    ) -> Result<Option<(SchemaRecord, SubjectName)>, RegistryError> {
        for qualified in self.in_other_contexts(subject).await? {
            if let Some(found) = self.visible_schema(caller, qualified.context(), id).await? {
                return Ok(Some((found, qualified)));
            }
        }
        Ok(None)
    }

    /// An unqualified subject qualified by each named context, in context order (at most
    /// [`MAX_CONTEXTS_SEARCHED`]): where Confluent looks for a subject a client names
    /// without its context. Empty for a qualified subject.
    pub(crate) async fn in_other_contexts(
        &self,
        subject: &SubjectName,
    ) -> Result<Vec<SubjectName>, RegistryError> {
        if subject.context() != DEFAULT_CONTEXT || subject.local_name().is_empty() {
            return Ok(Vec::new());
        }
        let contexts = self.store.contexts().await?;
        contexts
            .iter()
            .filter(|c| c.as_str() != DEFAULT_CONTEXT)
            .take(MAX_CONTEXTS_SEARCHED)
            .map(|context| {
                SubjectName::parse_lenient(&format!(":{context}:{}", subject.local_name()))
                    .map_err(|e| RegistryError::InvalidSubject(e.to_string()))
            })
            .collect()
    }

    /// Schema `id` of `context` if it exists and `caller` may see it.
    async fn visible_schema(
        &self,
        caller: &Caller,
        context: &str,
        id: i32,
    ) -> Result<Option<SchemaRecord>, RegistryError> {
        if !self.id_visible(caller, context, id).await? {
            return Ok(None);
        }
        Ok(self.store.schema(context, id).await?)
    }

    /// `GET /schemas/guids/{guid}`.
    pub async fn schema_by_guid(
        &self,
        caller: &Caller,
        guid: &str,
    ) -> Result<SchemaRecord, RegistryError> {
        let hash = hash_of_guid(guid).ok_or_else(|| RegistryError::schema_id_not_found(guid))?;
        let mut found = self.schemas_with_hash(caller, &hash).await?;
        found.sort_by_key(|s| (s.context != DEFAULT_CONTEXT, s.context.clone(), s.id));
        found
            .into_iter()
            .next()
            .ok_or_else(|| RegistryError::schema_id_not_found(guid))
    }

    /// The highest id issued in `context` (`fetchMaxId`).
    pub async fn max_schema_id(&self, context: &str) -> Result<i32, RegistryError> {
        Ok(self.store.max_schema_id(context).await?)
    }

    /// `GET /schemas/guids/{guid}/ids`: the schemas with identity digest `hash`, in every
    /// context.
    pub async fn schemas_with_hash(
        &self,
        caller: &Caller,
        hash: &str,
    ) -> Result<Vec<SchemaRecord>, RegistryError> {
        let mut visible = Vec::new();
        for record in self.store.schemas_with_hash(hash).await? {
            if self.id_visible(caller, &record.context, record.id).await? {
                visible.push(record);
            }
        }
        Ok(visible)
    }

    /// `GET /schemas/ids/{id}/versions`: one page of the subject-versions carrying `id`.
    pub async fn versions_of_id(
        &self,
        caller: &Caller,
        id: i32,
        subject: Option<&SubjectName>,
        deleted: bool,
        page: Page,
    ) -> Result<Vec<VersionRecord>, RegistryError> {
        let context = self.context_of_id(caller, id, subject).await?;
        if caller.sees_everything() {
            return Ok(self.store.usages_page(&context, id, deleted, page).await?);
        }
        filtered_page(
            page,
            |chunk| self.store.usages_page(&context, id, deleted, chunk),
            |v| caller.may_read(&v.subject),
        )
        .await
    }

    /// `GET /schemas/ids/{id}/subjects`: one page of the subjects using `id`.
    pub async fn subjects_of_id(
        &self,
        caller: &Caller,
        id: i32,
        subject: Option<&SubjectName>,
        deleted: bool,
        page: Page,
    ) -> Result<Vec<String>, RegistryError> {
        let context = self.context_of_id(caller, id, subject).await?;
        if caller.sees_everything() {
            return Ok(self
                .store
                .usage_subjects_page(&context, id, deleted, page)
                .await?);
        }
        filtered_page(
            page,
            |chunk| self.store.usage_subjects_page(&context, id, deleted, chunk),
            |s| caller.may_read(s),
        )
        .await
    }

    /// The context holding schema `id` as `subject` sees it (40403 `Schema not found`).
    async fn context_of_id(
        &self,
        caller: &Caller,
        id: i32,
        subject: Option<&SubjectName>,
    ) -> Result<String, RegistryError> {
        let (record, _) = self.schema_by_id(caller, id, subject).await.map_err(|e| {
            if e.code() == 40403 {
                RegistryError::schema_not_found()
            } else {
                e
            }
        })?;
        Ok(record.context)
    }

    /// `GET /subjects`: one page, sorted by bytes, paged in the database.
    pub async fn list_subjects(
        &self,
        caller: &Caller,
        prefix: &SubjectPrefix,
        query: VersionsQuery,
        page: Page,
    ) -> Result<Vec<String>, RegistryError> {
        let deleted = if query.deleted_only {
            DeletedFilter::Only
        } else if query.deleted {
            DeletedFilter::Include
        } else {
            DeletedFilter::Exclude
        };
        let Some(filter) = prefix.filter(deleted) else {
            return Ok(Vec::new());
        };
        if caller.sees_everything() {
            return Ok(self.store.subjects_page(&filter, page).await?);
        }
        filtered_page(
            page,
            |chunk| self.store.subjects_page(&filter, chunk),
            |s| caller.may_read(s),
        )
        .await
    }

    /// `GET /subjects/{subject}/versions`.
    pub async fn list_versions(
        &self,
        caller: &Caller,
        subject: &SubjectName,
        query: VersionsQuery,
    ) -> Result<Vec<i32>, RegistryError> {
        let versions = self.versions_for(caller, subject).await?;
        let any_live = versions.iter().any(|v| !v.deleted);
        if versions.is_empty() || (!any_live && !query.deleted && !query.deleted_only) {
            return Err(RegistryError::subject_not_found(subject.as_str()));
        }
        Ok(versions
            .iter()
            .filter(|v| {
                if query.deleted_only {
                    v.deleted
                } else {
                    query.deleted || query.deleted_as_negative || !v.deleted
                }
            })
            .map(|v| {
                if query.deleted_as_negative && v.deleted {
                    -v.version
                } else {
                    v.version
                }
            })
            .collect())
    }

    /// The version record `version` names, with Confluent's 40401/40402 rules.
    pub(crate) fn pick_version<'a>(
        subject: &SubjectName,
        versions: &'a [VersionRecord],
        version: VersionRef,
        deleted: bool,
    ) -> Result<&'a VersionRecord, RegistryError> {
        let any_live = versions.iter().any(|v| !v.deleted);
        if versions.is_empty() || (!deleted && !any_live) {
            return Err(RegistryError::subject_not_found(subject.as_str()));
        }
        let found = match version {
            VersionRef::Latest => versions.iter().rev().find(|v| !v.deleted),
            VersionRef::Number(n) => versions
                .iter()
                .find(|v| v.version == n && (deleted || !v.deleted)),
        };
        found.ok_or_else(|| RegistryError::version_not_found(version.as_number()))
    }

    /// `GET /subjects/{subject}/versions/{version}`.
    pub async fn get_version(
        &self,
        caller: &Caller,
        subject: &SubjectName,
        version: VersionRef,
        deleted: bool,
    ) -> Result<RegisteredSchema, RegistryError> {
        let versions = self.versions_for(caller, subject).await?;
        let record = match Self::pick_version(subject, &versions, version, deleted) {
            Ok(record) => record.clone(),
            Err(missing) => self
                .version_in_other_contexts(caller, subject, version, deleted)
                .await?
                .ok_or(missing)?,
        };
        let schema = self
            .store
            .schema(&record.context, record.schema_id)
            .await?
            .ok_or_else(|| RegistryError::schema_id_not_found(record.schema_id))?;
        Ok(RegisteredSchema::from_version(&record, schema))
    }

    /// The version of an unqualified subject found in the first named context holding
    /// it (Confluent's fall-back for clients that name subjects without their context).
    async fn version_in_other_contexts(
        &self,
        caller: &Caller,
        subject: &SubjectName,
        version: VersionRef,
        deleted: bool,
    ) -> Result<Option<VersionRecord>, RegistryError> {
        for qualified in self.in_other_contexts(subject).await? {
            let versions = self.versions_for(caller, &qualified).await?;
            if let Ok(record) = Self::pick_version(&qualified, &versions, version, deleted) {
                return Ok(Some(record.clone()));
            }
        }
        Ok(None)
    }

    /// `GET /subjects/{subject}/metadata`: the newest version (soft-deleted ones only with
    /// `deleted`) whose metadata properties hold every `(key, value)` pair; a version
    /// without metadata never matches. 40401 when the subject shows no version, else 40403.
    pub async fn latest_with_metadata(
        &self,
        caller: &Caller,
        subject: &SubjectName,
        pairs: &[(String, String)],
        deleted: bool,
    ) -> Result<RegisteredSchema, RegistryError> {
        if !caller.may_read(subject.as_str()) {
            return Err(RegistryError::subject_not_found(subject.as_str()));
        }
        let versions = self.store.versions_with_schemas(subject.as_str()).await?;
        let visible = versions.into_iter().filter(|(v, _)| deleted || !v.deleted);
        let mut any = false;
        for (version, schema) in visible.rev() {
            any = true;
            let contract = super::contract::Contract::of_record(&schema);
            let matches = contract.metadata.is_some_and(|m| {
                pairs
                    .iter()
                    .all(|(key, value)| m.properties.get(key) == Some(value))
            });
            if matches {
                return Ok(RegisteredSchema::from_version(&version, schema));
            }
        }
        if any {
            Err(RegistryError::schema_not_found())
        } else {
            Err(RegistryError::subject_not_found(subject.as_str()))
        }
    }

    /// `GET /subjects/{subject}/versions/{version}/referencedby`: ids of referring schemas
    /// (those `caller` may see).
    pub async fn referenced_by(
        &self,
        caller: &Caller,
        subject: &SubjectName,
        version: VersionRef,
        deleted: bool,
    ) -> Result<Vec<i32>, RegistryError> {
        let versions = self.versions_for(caller, subject).await?;
        // The version is found as Confluent finds it here: soft-deleted ones included.
        let record = Self::pick_version(subject, &versions, version, true)?;
        let mut ids = Vec::new();
        for referrer in self
            .store
            .referrers(subject.as_str(), record.version)
            .await?
        {
            if (deleted || !referrer.all_deleted)
                && self
                    .id_visible(caller, &referrer.context, referrer.schema_id)
                    .await?
            {
                ids.push(referrer.schema_id);
            }
        }
        ids.sort_unstable();
        ids.dedup();
        Ok(ids)
    }

    /// `GET /schemas`: one page of the (live unless `deleted`) versions, or of the latest
    /// per subject, paged in the database; with `rule_type`, only schemas whose rule set
    /// has a rule of that type.
    pub async fn list_schemas(
        &self,
        caller: &Caller,
        prefix: &SubjectPrefix,
        deleted: bool,
        latest_only: bool,
        rule_type: Option<&str>,
        page: Page,
    ) -> Result<Vec<RegisteredSchema>, RegistryError> {
        let deleted = if deleted {
            DeletedFilter::Include
        } else {
            DeletedFilter::Exclude
        };
        let Some(filter) = prefix.filter(deleted) else {
            return Ok(Vec::new());
        };
        let has_rule = |schema: &crate::store::SchemaRecord| {
            rule_type.is_none_or(|wanted| {
                super::contract::Contract::of_record(schema)
                    .rule_set
                    .is_some_and(|rules| rules.has_rule_type(wanted))
            })
        };
        let rows = if caller.sees_everything() && rule_type.is_none() {
            self.store.schemas_page(&filter, latest_only, page).await?
        } else {
            filtered_page(
                page,
                |chunk| self.store.schemas_page(&filter, latest_only, chunk),
                |(version, schema)| caller.may_read(&version.subject) && has_rule(schema),
            )
            .await?
        };
        Ok(rows
            .into_iter()
            .map(|(version, schema)| RegisteredSchema::from_version(&version, schema))
            .collect())
    }

    /// `GET /contexts`: `.` first, then the named contexts (for a scoped caller, those
    /// holding a subject it may read).
    pub async fn contexts(&self, caller: &Caller) -> Result<Vec<String>, RegistryError> {
        let mut contexts = vec![DEFAULT_CONTEXT.to_owned()];
        for context in self.store.contexts().await? {
            if context != DEFAULT_CONTEXT && self.context_visible(caller, &context).await? {
                contexts.push(context);
            }
        }
        Ok(contexts)
    }

    /// Whether `context` holds a subject (soft-deleted ones count) `caller` may read.
    async fn context_visible(&self, caller: &Caller, context: &str) -> Result<bool, RegistryError> {
        if caller.sees_everything() {
            return Ok(true);
        }
        let filter = SubjectFilter {
            prefix: format!(":{context}:"),
            default_context_only: false,
            deleted: DeletedFilter::Include,
        };
        let first = Page {
            offset: 0,
            limit: 1,
        };
        let found = filtered_page(
            first,
            |chunk| self.store.subjects_page(&filter, chunk),
            |s| caller.may_read(s),
        )
        .await?;
        Ok(!found.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::hash_of_guid;

    #[test]
    fn only_a_guid_of_32_hex_digits_names_a_digest() {
        assert_eq!(
            hash_of_guid("2B85D3D6-2980-7E0A-0073-FFCA74C9A946").as_deref(),
            Some("2b85d3d629807e0a0073ffca74c9a946")
        );
        for bad in [
            "",
            "2b85d3d6",
            "zz85d3d629807e0a0073ffca74c9a946",
            &"a".repeat(3000),
        ] {
            assert_eq!(hash_of_guid(bad), None, "{bad}");
        }
    }
}
