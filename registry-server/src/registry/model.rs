//! The values use-cases take and give: a schema request and a registered schema.

use serde::Deserialize;

use crate::domain::SchemaType;
use crate::schema::identity::{SchemaReference, guid_from_hex};
use crate::store::{SchemaRecord, VersionRecord};

/// Bounds on what one request may ask of the registry (DESIGN §8); all configurable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestLimits {
    /// Largest schema text in a register, lookup or compatibility request, in bytes.
    pub max_schema_bytes: usize,
    /// References one request may name, and distinct references (direct and transitive)
    /// one schema may reach when resolved.
    pub max_references: usize,
    /// Most items one listing answers.
    pub max_list_items: usize,
}

impl Default for RequestLimits {
    fn default() -> Self {
        RequestLimits {
            max_schema_bytes: 1024 * 1024,
            max_references: 1000,
            max_list_items: 10_000,
        }
    }
}

/// Most schemas one `GET /schemas` answers, as Confluent (`schema.search.max.limit`); the
/// smaller of this and [`RequestLimits::max_list_items`] applies.
pub const MAX_SCHEMAS_PER_LISTING: usize = 1000;

/// A reference as a request names it; `version: -1` means the latest version.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ReferenceRequest {
    pub name: String,
    pub subject: String,
    pub version: i32,
}

/// The body of register, lookup and compatibility requests. Unknown fields are ignored.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaRequest {
    #[serde(default, deserialize_with = "super::coerce::string")]
    pub schema: Option<String>,
    #[serde(default, deserialize_with = "super::coerce::string")]
    pub schema_type: Option<String>,
    #[serde(default)]
    pub references: Option<Vec<ReferenceRequest>>,
    #[serde(default)]
    pub metadata: Option<serde_json::Value>,
    #[serde(default, alias = "ruleset")]
    pub rule_set: Option<serde_json::Value>,
    #[serde(default, deserialize_with = "super::coerce::int")]
    pub version: Option<i32>,
    #[serde(default, deserialize_with = "super::coerce::int")]
    pub id: Option<i32>,
}

impl SchemaRequest {
    /// The requested type (AVRO when absent).
    ///
    /// # Errors
    /// 42201 `Invalid schema type X` for a name Confluent does not know.
    pub fn schema_type(&self) -> Result<SchemaType, super::RegistryError> {
        match &self.schema_type {
            None => Ok(SchemaType::Avro),
            Some(name) => name.parse().map_err(|e: crate::domain::UnknownSchemaType| {
                super::RegistryError::invalid_schema(e.to_string())
            }),
        }
    }

    /// Whether the request carries no schema text (a metadata-only registration).
    #[must_use]
    pub fn schema_is_blank(&self) -> bool {
        self.schema.as_deref().is_none_or(|s| s.trim().is_empty())
    }

    /// 42201 when the schema text or the reference list exceeds `limits`, before anything
    /// parses the schema or reads a reference.
    ///
    /// # Errors
    /// 42201 naming the limit.
    pub fn check_limits(&self, limits: &RequestLimits) -> Result<(), super::RegistryError> {
        let bytes = self.schema.as_deref().map_or(0, str::len);
        if bytes > limits.max_schema_bytes {
            return Err(super::RegistryError::invalid_schema(format!(
                "Invalid schema, details: the schema text is {bytes} bytes, over the limit of {} bytes (max-schema-bytes)",
                limits.max_schema_bytes
            )));
        }
        check_reference_count(self.references.as_ref().map_or(0, Vec::len), limits)
    }

    /// A metadata or rule set that is JSON `null` counts as absent.
    #[must_use]
    pub fn metadata(&self) -> Option<&serde_json::Value> {
        self.metadata.as_ref().filter(|m| !m.is_null())
    }

    #[must_use]
    pub fn rule_set(&self) -> Option<&serde_json::Value> {
        self.rule_set.as_ref().filter(|r| !r.is_null())
    }
}

/// 42201 when a request names more than `max_references` references.
pub(crate) fn check_reference_count(
    count: usize,
    limits: &RequestLimits,
) -> Result<(), super::RegistryError> {
    if count > limits.max_references {
        return Err(super::RegistryError::invalid_schema(format!(
            "Invalid schema, details: the request has {count} references, over the limit of {} (max-references)",
            limits.max_references
        )));
    }
    Ok(())
}

/// A schema as the API returns it, with the subject-version it was read through (if any).
#[derive(Debug, Clone, PartialEq)]
pub struct RegisteredSchema {
    pub subject: Option<String>,
    pub version: Option<i32>,
    pub id: i32,
    pub schema_type: SchemaType,
    pub schema: String,
    pub references: Vec<SchemaReference>,
    pub metadata: Option<serde_json::Value>,
    pub rule_set: Option<serde_json::Value>,
    pub guid: String,
    pub ts: i64,
    pub deleted: bool,
}

impl RegisteredSchema {
    /// A schema read through one of its subject-versions.
    #[must_use]
    pub fn from_version(version: &VersionRecord, schema: SchemaRecord) -> Self {
        let mut out = Self::from_schema(schema);
        out.subject = Some(version.subject.clone());
        out.version = Some(version.version);
        out.ts = version.created_at;
        out.deleted = version.deleted;
        out
    }

    /// A schema read by id.
    #[must_use]
    pub fn from_schema(schema: SchemaRecord) -> Self {
        RegisteredSchema {
            subject: None,
            version: None,
            id: schema.id,
            schema_type: schema.schema_type,
            guid: guid_from_hex(&schema.hash),
            schema: schema.schema,
            references: schema.references,
            metadata: schema.metadata,
            rule_set: schema.rule_set,
            ts: schema.created_at,
            deleted: false,
        }
    }
}

/// Filters of `GET /subjects/{s}/versions` and `GET /subjects`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VersionsQuery {
    /// Include soft-deleted entries.
    pub deleted: bool,
    /// Only soft-deleted entries (wins over `deleted`).
    pub deleted_only: bool,
    /// Soft-deleted versions as negative numbers.
    pub deleted_as_negative: bool,
}
