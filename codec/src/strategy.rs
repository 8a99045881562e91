//! Subject name strategies: which subject a topic's keys or values are registered under.

use crate::error::{Error, Result};
use crate::schema::{Schema, SchemaType};

/// Confluent's `key.subject.name.strategy` / `value.subject.name.strategy`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SubjectNameStrategy {
    /// `<topic>-key` / `<topic>-value` (Confluent's classic default)
    #[default]
    TopicName,
    /// the record's fully-qualified name (Avro `namespace.name`, JSON Schema `title`, Protobuf
    /// message full name)
    RecordName,
    /// `<topic>-<fully-qualified record name>`
    TopicRecordName,
    /// always this subject
    Fixed(String),
}

impl SubjectNameStrategy {
    /// The subject for `topic`; `record_name` comes from [`record_name`] for the two record strategies.
    pub fn subject(&self, topic: &str, is_key: bool, record_name: Option<&str>) -> Result<String> {
        let need = || {
            record_name.ok_or_else(|| {
                Error::Config(
                    "record name strategies need a named record schema (Avro record or JSON Schema with a title)"
                        .into(),
                )
            })
        };
        Ok(match self {
            SubjectNameStrategy::TopicName => {
                format!("{topic}-{}", if is_key { "key" } else { "value" })
            }
            SubjectNameStrategy::RecordName => need()?.to_owned(),
            SubjectNameStrategy::TopicRecordName => format!("{topic}-{}", need()?),
            SubjectNameStrategy::Fixed(s) => s.clone(),
        })
    }
}

/// Protobuf: the subject each imported file is registered under (Confluent's
/// `reference.subject.name.strategy`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ReferenceSubjectNameStrategy {
    /// the import path itself, e.g. `shop/money.proto` (Confluent's default, and Go's and Python's)
    #[default]
    ImportPath,
    /// the path with `/` turned into `.` and no `.proto`, e.g. `shop.money` (Java's
    /// `QualifiedReferenceSubjectNameStrategy`)
    Qualified,
}

impl ReferenceSubjectNameStrategy {
    /// The subject for the file imported as `import_path`.
    pub fn subject(&self, import_path: &str) -> String {
        match self {
            ReferenceSubjectNameStrategy::ImportPath => import_path.to_owned(),
            ReferenceSubjectNameStrategy::Qualified => import_path
                .strip_suffix(".proto")
                .unwrap_or(import_path)
                .replace('/', "."),
        }
    }
}

/// The fully-qualified record name a schema declares, if it is a named record.
///
/// Avro: a `record` (also `enum`/`fixed`) with `name` and optional `namespace` (a dotted name wins).
/// JSON Schema: its `title`.
pub fn record_name(schema: &Schema) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(&schema.schema).ok()?;
    match schema.schema_type {
        SchemaType::Avro => {
            let obj = v.as_object()?;
            if !matches!(
                obj.get("type")?.as_str()?,
                "record" | "error" | "enum" | "fixed"
            ) {
                return None;
            }
            let name = obj.get("name")?.as_str()?;
            match obj.get("namespace").and_then(|n| n.as_str()) {
                Some(ns) if !ns.is_empty() && !name.contains('.') => Some(format!("{ns}.{name}")),
                _ => Some(name.to_owned()),
            }
        }
        SchemaType::Json => v.get("title")?.as_str().map(str::to_owned),
        SchemaType::Protobuf => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const REC: &str = r#"{"type":"record","name":"Order","namespace":"com.shop","fields":[]}"#;

    #[test]
    fn topic_name() {
        let s = SubjectNameStrategy::TopicName;
        assert_eq!(s.subject("orders", false, None).unwrap(), "orders-value");
        assert_eq!(s.subject("orders", true, None).unwrap(), "orders-key");
    }

    #[test]
    fn reference_subjects() {
        let p = "com/shop/money.proto";
        assert_eq!(ReferenceSubjectNameStrategy::ImportPath.subject(p), p);
        assert_eq!(
            ReferenceSubjectNameStrategy::Qualified.subject(p),
            "com.shop.money"
        );
    }

    #[test]
    fn record_names() {
        let name = record_name(&Schema::avro(REC));
        assert_eq!(name.as_deref(), Some("com.shop.Order"));
        assert_eq!(
            SubjectNameStrategy::RecordName
                .subject("orders", false, name.as_deref())
                .unwrap(),
            "com.shop.Order"
        );
        assert_eq!(
            SubjectNameStrategy::TopicRecordName
                .subject("orders", true, name.as_deref())
                .unwrap(),
            "orders-com.shop.Order"
        );
        assert!(
            SubjectNameStrategy::RecordName
                .subject("orders", false, None)
                .is_err()
        );
        assert_eq!(record_name(&Schema::avro(r#""string""#)), None);
        assert_eq!(
            record_name(&Schema::avro(
                r#"{"type":"record","name":"a.b.C","namespace":"x","fields":[]}"#
            ))
            .as_deref(),
            Some("a.b.C")
        );
        assert_eq!(
            record_name(&Schema::json(r#"{"title":"Person"}"#)).as_deref(),
            Some("Person")
        );
    }
}
