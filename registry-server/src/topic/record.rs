//! Decoding one `_schemas` record (key and value JSON bytes) into a [`Record`]; pure.
//!
//! Keys and values are bound by size before they are parsed; unknown JSON fields are
//! ignored (Confluent's classes ignore them too); a zero-length value is a delete (Karapace
//! writes deletes that way) and a record with neither key nor value is a no-op. Anything
//! else that does not decode is a [`Malformed`] naming why, which the reader counts and
//! skips (see `/work/shared/spec/schemas-topic.md` §2, §4.1, §8).

use serde::Deserialize;
use serde_json::{Map, Value};

/// The largest key accepted, in bytes (a real key is a subject name plus ~60 bytes).
pub const MAX_KEY_BYTES: usize = 16 * 1024;
/// The largest value accepted, in bytes (a schema text plus its metadata).
pub const MAX_VALUE_BYTES: usize = 16 * 1024 * 1024;
/// The most references one schema value may name.
pub const MAX_REFERENCES: usize = 10_000;

/// A scope of config and mode records: `None` is the global scope, otherwise a
/// qualified subject (`orders-value`, `:.ctx:orders-value`) or a context (`:.ctx:`).
pub type Scope = Option<String>;

/// One decoded record.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    /// A version of a subject: registered, rewritten (soft delete) or, with `None`,
    /// removed (hard delete).
    Schema {
        subject: String,
        version: i32,
        value: Option<SchemaValue>,
    },
    /// A config snapshot of a scope (the value's fields, `subject` dropped), or its removal.
    Config {
        scope: Scope,
        value: Option<Map<String, Value>>,
    },
    /// A mode of a scope (checked to be one of Confluent's), or its removal.
    Mode { scope: Scope, value: Option<String> },
    /// Versions `1..=version` of `subject` are soft-deleted.
    DeleteSubject { subject: String, version: i32 },
    /// Soft-deleted versions are dropped: of one subject, of a context (`:.ctx:`), or
    /// every subject (`None`).
    ClearSubject { subject: Scope },
    /// Changes nothing: NOOP markers, CONTEXT records (contexts are derived from subjects
    /// here), records with neither key nor value, and values of keys that ignore them.
    Noop,
}

/// The value of a SCHEMA record.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaValue {
    pub id: i32,
    pub schema: String,
    #[serde(default = "avro")]
    pub schema_type: String,
    #[serde(default)]
    pub references: Vec<SchemaRef>,
    #[serde(default)]
    pub metadata: Option<Value>,
    #[serde(default)]
    pub rule_set: Option<Value>,
    #[serde(default)]
    pub deleted: bool,
}

/// A reference as a SCHEMA value names it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SchemaRef {
    pub name: String,
    pub subject: String,
    pub version: i32,
}

fn avro() -> String {
    "AVRO".to_owned()
}

/// Why a record was skipped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Malformed {
    #[error("key of {0} bytes is over the limit of {MAX_KEY_BYTES}")]
    KeyTooLarge(usize),
    #[error("value of {0} bytes is over the limit of {MAX_VALUE_BYTES}")]
    ValueTooLarge(usize),
    #[error("a value without a key")]
    MissingKey,
    #[error("key is not a JSON object with a keytype: {0}")]
    BadKey(String),
    #[error("key type {0} is not supported; skipped")]
    UnknownKeyType(String),
    #[error("key magic {0} is not 0 or 1")]
    BadMagic(i64),
    #[error("{keytype} value does not decode: {reason}")]
    BadValue {
        keytype: &'static str,
        reason: String,
    },
}

/// The fields of every key type that decoding reads (others are ignored).
#[derive(Deserialize)]
struct RawKey {
    keytype: Option<String>,
    #[serde(default)]
    subject: Option<String>,
    #[serde(default)]
    version: Option<i32>,
    #[serde(default)]
    magic: Option<i64>,
}

/// Decodes a record from its key and value bytes (`None` = null).
///
/// # Errors
/// [`Malformed`] for oversized or undecodable keys and values and unknown key types.
pub fn decode(key: Option<&[u8]>, value: Option<&[u8]>) -> Result<Record, Malformed> {
    let key = key.filter(|k| !k.is_empty());
    // A zero-length value is a delete, as Karapace writes them.
    let value = value.filter(|v| !v.is_empty());
    let Some(key) = key else {
        return match value {
            None => Ok(Record::Noop),
            Some(_) => Err(Malformed::MissingKey),
        };
    };
    if key.len() > MAX_KEY_BYTES {
        return Err(Malformed::KeyTooLarge(key.len()));
    }
    if let Some(value) = value
        && value.len() > MAX_VALUE_BYTES
    {
        return Err(Malformed::ValueTooLarge(value.len()));
    }
    let raw: RawKey = serde_json::from_slice(key).map_err(|e| Malformed::BadKey(e.to_string()))?;
    let Some(keytype) = raw.keytype else {
        return Err(Malformed::BadKey("no keytype".to_owned()));
    };
    if let Some(magic) = raw.magic
        && !(0..=1).contains(&magic)
    {
        return Err(Malformed::BadMagic(magic));
    }
    match keytype.as_str() {
        "SCHEMA" => schema(raw.subject, raw.version, value),
        "CONFIG" => Ok(Record::Config {
            scope: scope(raw.subject),
            value: value.map(config_value).transpose()?,
        }),
        "MODE" => Ok(Record::Mode {
            scope: scope(raw.subject),
            value: value.map(mode_value).transpose()?,
        }),
        "DELETE_SUBJECT" => delete_subject(raw.subject, value),
        // The value repeats the key's subject; the key decides.
        "CLEAR_SUBJECT" => Ok(match value {
            Some(_) => Record::ClearSubject {
                subject: scope(raw.subject),
            },
            None => Record::Noop,
        }),
        "NOOP" | "CONTEXT" => Ok(Record::Noop),
        _ => Err(Malformed::UnknownKeyType(shown(&keytype))),
    }
}

/// A key type as a message shows it: at most 64 characters, no control characters.
fn shown(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(64).collect()
}

/// A scope from a key's `subject`: absent, null or empty is global.
fn scope(subject: Option<String>) -> Scope {
    subject.filter(|s| !s.is_empty())
}

fn bad_value(keytype: &'static str, reason: impl Into<String>) -> Malformed {
    Malformed::BadValue {
        keytype,
        reason: reason.into(),
    }
}

fn schema(
    subject: Option<String>,
    version: Option<i32>,
    value: Option<&[u8]>,
) -> Result<Record, Malformed> {
    let (Some(subject), Some(version)) = (subject, version) else {
        return Err(Malformed::BadKey(
            "SCHEMA key without subject and version".to_owned(),
        ));
    };
    if version < 1 {
        return Err(Malformed::BadKey(format!("SCHEMA key version {version}")));
    }
    let value = match value {
        None => None,
        Some(bytes) => {
            let value: SchemaValue =
                serde_json::from_slice(bytes).map_err(|e| bad_value("SCHEMA", e.to_string()))?;
            if value.id < 0 {
                return Err(bad_value("SCHEMA", format!("id {}", value.id)));
            }
            if value.references.len() > MAX_REFERENCES {
                return Err(bad_value(
                    "SCHEMA",
                    format!(
                        "{} references, over {MAX_REFERENCES}",
                        value.references.len()
                    ),
                ));
            }
            Some(value)
        }
    };
    Ok(Record::Schema {
        subject,
        version,
        value,
    })
}

/// A CONFIG value's fields: `subject` (it repeats the key), Confluent's cache-only
/// `offset`/`ts`, and null fields are dropped.
fn config_value(bytes: &[u8]) -> Result<Map<String, Value>, Malformed> {
    let Value::Object(fields) =
        serde_json::from_slice(bytes).map_err(|e| bad_value("CONFIG", e.to_string()))?
    else {
        return Err(bad_value("CONFIG", "not a JSON object"));
    };
    if let Some(level) = fields.get("compatibilityLevel")
        && level
            .as_str()
            .and_then(|l| l.parse::<crate::domain::CompatibilityLevel>().ok())
            .is_none()
    {
        return Err(bad_value("CONFIG", format!("compatibilityLevel {level}")));
    }
    Ok(fields
        .into_iter()
        .filter(|(k, v)| !v.is_null() && !matches!(k.as_str(), "subject" | "offset" | "ts"))
        .collect())
}

fn mode_value(bytes: &[u8]) -> Result<String, Malformed> {
    #[derive(Deserialize)]
    struct ModeValue {
        mode: String,
    }
    let value: ModeValue =
        serde_json::from_slice(bytes).map_err(|e| bad_value("MODE", e.to_string()))?;
    let mode: crate::domain::Mode = value
        .mode
        .parse()
        .map_err(|_| bad_value("MODE", format!("mode {}", shown(&value.mode))))?;
    Ok(mode.as_str().to_owned())
}

fn delete_subject(subject: Option<String>, value: Option<&[u8]>) -> Result<Record, Malformed> {
    #[derive(Deserialize)]
    struct DeleteValue {
        version: i32,
    }
    let Some(bytes) = value else {
        return Ok(Record::Noop);
    };
    let Some(subject) = subject else {
        return Err(Malformed::BadKey(
            "DELETE_SUBJECT key without subject".to_owned(),
        ));
    };
    let value: DeleteValue =
        serde_json::from_slice(bytes).map_err(|e| bad_value("DELETE_SUBJECT", e.to_string()))?;
    Ok(Record::DeleteSubject {
        subject,
        version: value.version,
    })
}
