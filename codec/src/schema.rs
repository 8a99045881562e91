//! Registry entities as the REST API spells them: schema text, type, references, registered ids.

use serde::{Deserialize, Serialize};

use crate::rules::{Metadata, RuleSet};
use crate::wire::{SchemaGuid, SchemaId};

/// `schemaType`: omitted (or `AVRO`) means Avro.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum SchemaType {
    /// Apache Avro
    #[default]
    Avro,
    /// JSON Schema
    Json,
    /// Protocol Buffers (`.proto` text or a base64 `FileDescriptorProto`)
    Protobuf,
}

/// `{"name", "subject", "version"}`: a named type defined in another subject's version.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SchemaReference {
    /// Avro: full name of the referenced type; JSON Schema: the `$ref` URL used; Protobuf: the
    /// import path
    pub name: String,
    /// subject holding the referenced schema
    pub subject: String,
    /// version in that subject (`-1` = latest)
    pub version: i32,
}

/// A schema as submitted to or returned by the registry.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Schema {
    /// `schemaType`
    #[serde(rename = "schemaType", default)]
    pub schema_type: SchemaType,
    /// the schema text
    pub schema: String,
    /// references to schemas under other subjects
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<SchemaReference>,
    /// `metadata` (data contracts): tags and properties
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
    /// `ruleSet` (data contracts): the rules serializers and deserializers run
    #[serde(rename = "ruleSet", default, skip_serializing_if = "Option::is_none")]
    pub rule_set: Option<RuleSet>,
}

impl Schema {
    /// An Avro schema without references.
    pub fn avro(text: impl Into<String>) -> Self {
        Self {
            schema_type: SchemaType::Avro,
            schema: text.into(),
            references: Vec::new(),
            metadata: None,
            rule_set: None,
        }
    }

    /// A JSON Schema without references.
    pub fn json(text: impl Into<String>) -> Self {
        Self {
            schema_type: SchemaType::Json,
            schema: text.into(),
            references: Vec::new(),
            metadata: None,
            rule_set: None,
        }
    }

    /// A Protobuf schema (`.proto` text or a base64 `FileDescriptorProto`) without references.
    pub fn protobuf(text: impl Into<String>) -> Self {
        Self {
            schema_type: SchemaType::Protobuf,
            schema: text.into(),
            references: Vec::new(),
            metadata: None,
            rule_set: None,
        }
    }

    /// Sets the rule set registered with the schema.
    pub fn with_rule_set(mut self, rules: RuleSet) -> Self {
        self.rule_set = Some(rules);
        self
    }

    /// Sets the metadata registered with the schema.
    pub fn with_metadata(mut self, metadata: Metadata) -> Self {
        self.metadata = Some(metadata);
        self
    }

    /// Adds a reference.
    pub fn with_reference(mut self, r: SchemaReference) -> Self {
        self.references.push(r);
        self
    }
}

/// A schema together with what the registry knows about it. Fields the endpoint did not return are
/// `None` (e.g. `GET /schemas/ids/{id}` has no subject or version, a 7.x registry has no guid).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisteredSchema {
    /// the schema id
    pub id: Option<SchemaId>,
    /// the Confluent 8 GUID
    pub guid: Option<SchemaGuid>,
    /// subject, for subject-scoped answers
    pub subject: Option<String>,
    /// version, for subject-scoped answers
    pub version: Option<i32>,
    /// the schema itself
    pub schema: Schema,
}

/// Wire shape shared by every registry answer that carries a schema.
#[derive(Debug, Deserialize)]
pub(crate) struct SchemaResponse {
    #[serde(default)]
    pub id: Option<i32>,
    #[serde(default)]
    pub guid: Option<String>,
    #[serde(default)]
    pub subject: Option<String>,
    #[serde(default)]
    pub version: Option<i32>,
    #[serde(rename = "schemaType", default)]
    pub schema_type: Option<SchemaType>,
    #[serde(default)]
    pub schema: Option<String>,
    #[serde(default)]
    pub references: Option<Vec<SchemaReference>>,
    #[serde(default)]
    pub metadata: Option<Metadata>,
    #[serde(rename = "ruleSet", default)]
    pub rule_set: Option<RuleSet>,
}

impl SchemaResponse {
    /// Builds the entity; `fallback` fills the schema when the endpoint echoed only ids (register).
    pub(crate) fn into_registered(self, fallback: Option<&Schema>) -> RegisteredSchema {
        let schema = match (self.schema, fallback) {
            (Some(text), _) => Schema {
                schema_type: self.schema_type.unwrap_or_default(),
                schema: text,
                references: self.references.unwrap_or_default(),
                metadata: self.metadata,
                rule_set: self.rule_set,
            },
            (None, Some(f)) => f.clone(),
            (None, None) => Schema {
                schema_type: self.schema_type.unwrap_or_default(),
                schema: String::new(),
                references: self.references.unwrap_or_default(),
                metadata: self.metadata,
                rule_set: self.rule_set,
            },
        };
        RegisteredSchema {
            id: self.id.map(SchemaId),
            guid: self.guid.and_then(|g| g.parse().ok()),
            subject: self.subject,
            version: self.version,
            schema,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn schema_type_defaults_to_avro_and_is_upper_case() {
        let s: Schema = serde_json::from_str(r#"{"schema":"\"int\""}"#).unwrap();
        assert_eq!(s.schema_type, SchemaType::Avro);
        let j = serde_json::to_string(&Schema::json("{}")).unwrap();
        assert_eq!(j, r#"{"schemaType":"JSON","schema":"{}"}"#);
    }

    #[test]
    fn register_answer_with_only_an_id_keeps_the_submitted_schema() {
        let r: SchemaResponse = serde_json::from_str(r#"{"id":3}"#).unwrap();
        let submitted = Schema::avro("\"string\"");
        let reg = r.into_registered(Some(&submitted));
        assert_eq!(reg.id, Some(SchemaId(3)));
        assert_eq!(reg.schema, submitted);
    }
}
