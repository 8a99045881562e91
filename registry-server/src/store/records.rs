//! The rows the store reads and writes, decoded into registry types.

use crate::domain::SchemaType;
use crate::schema::identity::SchemaReference;

use super::StoreError;

/// A schema by id, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaRecord {
    pub context: String,
    pub id: i32,
    pub schema_type: SchemaType,
    /// The canonical text (normalized when registered with `normalize`).
    pub schema: String,
    /// Hex of the identity digest.
    pub hash: String,
    pub references: Vec<SchemaReference>,
    pub metadata: Option<serde_json::Value>,
    pub rule_set: Option<serde_json::Value>,
    pub created_at: i64,
}

/// One version of a subject.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct VersionRecord {
    pub subject: String,
    pub version: i32,
    pub context: String,
    pub schema_id: i32,
    pub deleted: bool,
    pub created_at: i64,
}

/// A subject with the number of its live and of all its version records.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SubjectSummary {
    pub subject: String,
    pub live: i64,
    pub total: i64,
}

/// Which subjects a listing selects, as SQL can test it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectFilter {
    /// Subjects starting with this (empty: any).
    pub prefix: String,
    /// Only subjects of the default context (unqualified names).
    pub default_context_only: bool,
    /// How soft-deleted versions count.
    pub deleted: DeletedFilter,
}

/// How a listing treats soft-deleted versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeletedFilter {
    /// Live versions only (a subject is listed when it has one).
    Exclude,
    /// Soft-deleted versions too.
    Include,
    /// Subjects whose every version is soft-deleted (subject listings only).
    Only,
}

impl DeletedFilter {
    /// The code the listing statements test (`0`, `1`, `2`).
    pub(super) fn code(self) -> i32 {
        match self {
            DeletedFilter::Exclude => 0,
            DeletedFilter::Include => 1,
            DeletedFilter::Only => 2,
        }
    }
}

/// A schema that references some subject-version, and whether every version carrying it
/// is soft-deleted.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Referrer {
    pub context: String,
    pub schema_id: i32,
    pub all_deleted: bool,
}

/// An entry of the append-only change log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub kind: &'static str,
    pub subject: Option<String>,
    pub version: Option<i32>,
    pub context: Option<String>,
    pub schema_id: Option<i32>,
    /// Who made the write (`None` when authentication is off).
    pub principal: Option<String>,
    /// The client's address as the server saw it.
    pub remote_addr: Option<String>,
}

/// An entry of the change log as read back (the audit trail).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EventRecord {
    pub seq: i64,
    pub at: i64,
    pub kind: String,
    pub subject: Option<String>,
    pub version: Option<i32>,
    pub context: Option<String>,
    pub schema_id: Option<i32>,
    pub principal: Option<String>,
    pub remote_addr: Option<String>,
}

/// The `schemas` row as the database returns it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(super) struct SchemaRow {
    pub context: String,
    pub id: i32,
    pub schema_type: String,
    pub schema_text: String,
    pub hash: String,
    pub refs: String,
    pub metadata: Option<String>,
    pub rule_set: Option<String>,
    pub created_at: i64,
}

/// A `subject_versions` row joined with its `schemas` row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(super) struct VersionSchemaRow {
    #[sqlx(flatten)]
    pub version: VersionRecord,
    pub schema_type: String,
    pub schema_text: String,
    pub hash: String,
    pub refs: String,
    pub metadata: Option<String>,
    pub rule_set: Option<String>,
    pub schema_created_at: i64,
}

/// A `subject_versions` row beside the `schemas` row a `LEFT JOIN` found for it, if any.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(super) struct VersionMaybeSchemaRow {
    #[sqlx(flatten)]
    pub version: VersionRecord,
    pub schema_type: Option<String>,
    pub schema_text: Option<String>,
    pub hash: Option<String>,
    pub refs: Option<String>,
    pub metadata: Option<String>,
    pub rule_set: Option<String>,
    pub schema_created_at: Option<i64>,
}

impl TryFrom<VersionMaybeSchemaRow> for (VersionRecord, Option<SchemaRecord>) {
    type Error = StoreError;

    fn try_from(row: VersionMaybeSchemaRow) -> Result<Self, StoreError> {
        let (Some(schema_type), Some(schema_text), Some(hash), Some(refs), Some(created_at)) = (
            row.schema_type,
            row.schema_text,
            row.hash,
            row.refs,
            row.schema_created_at,
        ) else {
            return Ok((row.version, None));
        };
        let schema = SchemaRecord::try_from(SchemaRow {
            context: row.version.context.clone(),
            id: row.version.schema_id,
            schema_type,
            schema_text,
            hash,
            refs,
            metadata: row.metadata,
            rule_set: row.rule_set,
            created_at,
        })?;
        Ok((row.version, Some(schema)))
    }
}

fn parse_json<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

/// A `configs.config` column as read, decoded.
pub(super) fn config_column(
    row: Option<(String,)>,
) -> Result<Option<serde_json::Value>, StoreError> {
    row.map(|(text,)| parse_json(&text, "config")).transpose()
}

impl TryFrom<SchemaRow> for SchemaRecord {
    type Error = StoreError;

    fn try_from(row: SchemaRow) -> Result<Self, StoreError> {
        Ok(SchemaRecord {
            schema_type: row
                .schema_type
                .parse()
                .map_err(|e| StoreError::Corrupt(format!("schema {} type: {e}", row.id)))?,
            references: parse_json(&row.refs, "references")?,
            metadata: row
                .metadata
                .as_deref()
                .map(|m| parse_json(m, "metadata"))
                .transpose()?,
            rule_set: row
                .rule_set
                .as_deref()
                .map(|r| parse_json(r, "rule set"))
                .transpose()?,
            context: row.context,
            id: row.id,
            schema: row.schema_text,
            hash: row.hash,
            created_at: row.created_at,
        })
    }
}

impl TryFrom<VersionSchemaRow> for (VersionRecord, SchemaRecord) {
    type Error = StoreError;

    fn try_from(row: VersionSchemaRow) -> Result<Self, StoreError> {
        let schema = SchemaRecord::try_from(SchemaRow {
            context: row.version.context.clone(),
            id: row.version.schema_id,
            schema_type: row.schema_type,
            schema_text: row.schema_text,
            hash: row.hash,
            refs: row.refs,
            metadata: row.metadata,
            rule_set: row.rule_set,
            created_at: row.schema_created_at,
        })?;
        Ok((row.version, schema))
    }
}

/// Encodes the JSON columns of a schema for insertion.
pub(super) fn encode_json_columns(
    schema: &SchemaRecord,
) -> Result<(String, Option<String>, Option<String>), StoreError> {
    let encode = |v: &serde_json::Value| v.to_string();
    let refs = serde_json::to_string(&schema.references)
        .map_err(|e| StoreError::Corrupt(format!("references: {e}")))?;
    Ok((
        refs,
        schema.metadata.as_ref().map(encode),
        schema.rule_set.as_ref().map(encode),
    ))
}

/// The stored modes and configs of a few settings scopes, as one transaction read them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScopeSettings {
    pub modes: std::collections::HashMap<String, String>,
    pub configs: std::collections::HashMap<String, serde_json::Value>,
}

/// What a registration reads of its subject and its schema's digest once its locks are held
/// ([`crate::store::WriteTx::registration_reads`]).
#[derive(Debug, Default)]
pub struct RegistrationReads {
    /// The live versions, ascending (only the latest when that was asked).
    pub live: Vec<VersionRecord>,
    /// The highest version number, soft-deleted ones included (0 for none).
    pub max_version: i32,
    /// The ids whose schema has the digest in the context, ascending.
    pub same_digest_ids: Vec<i32>,
}

/// The settings statements bind exactly this many scopes; fewer are padded by repeating
/// the last one.
pub(super) const SETTINGS_SCOPES: usize = 4;

/// `scopes` padded to [`SETTINGS_SCOPES`] (`None` when there are none or too many).
pub(super) fn padded_scopes(scopes: &[String]) -> Option<[&str; SETTINGS_SCOPES]> {
    let last = scopes.last()?;
    if scopes.len() > SETTINGS_SCOPES {
        return None;
    }
    let mut padded = [last.as_str(); SETTINGS_SCOPES];
    for (slot, scope) in padded.iter_mut().zip(scopes) {
        *slot = scope.as_str();
    }
    Some(padded)
}

impl ScopeSettings {
    /// From `(kind, scope, value)` rows: kind `mode` or `config`.
    pub(super) fn from_rows(rows: Vec<(String, String, String)>) -> Result<Self, StoreError> {
        let mut settings = ScopeSettings::default();
        for (kind, scope, value) in rows {
            if kind == "mode" {
                settings.modes.insert(scope, value);
            } else {
                settings
                    .configs
                    .insert(scope, parse_json(&value, "config")?);
            }
        }
        Ok(settings)
    }
}

#[cfg(test)]
mod tests {
    use super::padded_scopes;

    #[test]
    fn settings_scopes_pad_with_the_last_and_refuse_none_or_too_many() {
        let scopes = |names: &[&str]| names.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(padded_scopes(&scopes(&["__GLOBAL"])), Some(["__GLOBAL"; 4]));
        assert_eq!(
            padded_scopes(&scopes(&["s", "__GLOBAL"])),
            Some(["s", "__GLOBAL", "__GLOBAL", "__GLOBAL"])
        );
        assert_eq!(
            padded_scopes(&scopes(&[":.eu:s", ":.eu:", ":.__GLOBAL:", "__GLOBAL"])),
            Some([":.eu:s", ":.eu:", ":.__GLOBAL:", "__GLOBAL"])
        );
        assert_eq!(padded_scopes(&[]), None);
        assert_eq!(padded_scopes(&scopes(&["a", "b", "c", "d", "e"])), None);
    }
}
