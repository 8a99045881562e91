//! The export file: every subject, version, id, config and mode of a registry, as JSON.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The `format` tag of files this build writes and reads.
pub const FORMAT: &str = "schema-registry-export/1";

/// A whole registry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Dump {
    pub format: String,
    /// The registry it was read from.
    pub source: String,
    /// The global config, as `GET /config` answers it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<Value>,
    /// The global mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    pub subjects: Vec<SubjectDump>,
    /// Contexts other than the default one that have a config or mode of their own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contexts: Vec<ContextDump>,
}

/// A context's own config and mode (`/config/:.ctx:`, `/mode/:.ctx:`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContextDump {
    /// The context name, e.g. `.eu`.
    pub context: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
}

impl ContextDump {
    /// The name the REST API uses for the context as a whole: `:.eu:`.
    #[must_use]
    pub fn scope(&self) -> String {
        format!(":{}:", self.context)
    }
}

/// One subject with its own config and mode (absent when it inherits them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubjectDump {
    pub subject: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    pub versions: Vec<VersionDump>,
}

/// One version, soft-deleted ones included.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VersionDump {
    pub version: i32,
    pub id: i32,
    #[serde(default = "avro")]
    pub schema_type: String,
    pub schema: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<ReferenceDump>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_set: Option<Value>,
    #[serde(default)]
    pub deleted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferenceDump {
    pub name: String,
    pub subject: String,
    pub version: i32,
}

fn avro() -> String {
    "AVRO".to_owned()
}
