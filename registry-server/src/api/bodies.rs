//! Response bodies shared by several resources, in Confluent's field names.
//!
//! Empty and absent fields are omitted as Jackson's `NON_EMPTY` does; `schemaType` is
//! omitted for AVRO, as Confluent 7.9 answers.

use serde::Serialize;

use crate::domain::SchemaType;
use crate::registry::{Answering, Found, RegisteredSchema};
use crate::schema::identity::SchemaReference;

fn is_avro(schema_type: &SchemaType) -> bool {
    *schema_type == SchemaType::Avro
}

fn schema_type_name<S: serde::Serializer>(
    schema_type: &SchemaType,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(schema_type.as_str())
}

/// A schema read through a subject-version (GET version, lookup, register, `/schemas`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<i32>,
    pub id: i32,
    pub guid: &'a str,
    #[serde(skip_serializing_if = "is_avro", serialize_with = "schema_type_name")]
    pub schema_type: SchemaType,
    #[serde(skip_serializing_if = "<[SchemaReference]>::is_empty")]
    pub references: &'a [SchemaReference],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<&'a serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_set: Option<&'a serde_json::Value>,
    pub schema: &'a str,
    pub ts: i64,
    pub deleted: bool,
}

impl<'a> SchemaBody<'a> {
    #[must_use]
    pub fn of(schema: &'a RegisteredSchema) -> Self {
        SchemaBody {
            subject: schema.subject.as_deref(),
            version: schema.version,
            id: schema.id,
            guid: &schema.guid,
            schema_type: schema.schema_type,
            references: &schema.references,
            metadata: schema.metadata.as_ref(),
            rule_set: schema.rule_set.as_ref(),
            schema: &schema.schema,
            ts: schema.ts,
            deleted: schema.deleted,
        }
    }
}

/// A schema read by id (`/schemas/ids/{id}`, `/schemas/guids/{guid}`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaStringBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<i32>,
    pub schema: &'a str,
    #[serde(skip_serializing_if = "is_avro", serialize_with = "schema_type_name")]
    pub schema_type: SchemaType,
    #[serde(skip_serializing_if = "<[SchemaReference]>::is_empty")]
    pub references: &'a [SchemaReference],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<&'a serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_set: Option<&'a serde_json::Value>,
    pub guid: &'a str,
    pub ts: i64,
    pub deleted: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_id: Option<i32>,
}

/// `{"subject", "version"}` items.
#[derive(Debug, Serialize)]
pub struct SubjectVersionBody<'a> {
    pub subject: &'a str,
    pub version: i32,
}

/// Serializes a body; serde_json cannot fail on these types.
pub fn json<T: Serialize>(body: &T) -> axum::response::Response {
    use axum::response::IntoResponse;
    match serde_json::to_vec(body) {
        Ok(bytes) => bytes.into_response(),
        Err(e) => crate::api::ApiError::new(50001, format!("Error rendering response: {e}"))
            .into_response(),
    }
}

/// The body of a found schema as `answer` shapes it, rendered once per cached answer.
pub fn found_json(
    found: &Found,
    answering: Answering,
    answer: impl for<'s> FnOnce(&'s RegisteredSchema) -> SchemaBody<'s>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    match found.body(answering, |schema| {
        serde_json::to_vec(&answer(schema)).map(bytes::Bytes::from)
    }) {
        Ok(bytes) => bytes.into_response(),
        Err(e) => crate::api::ApiError::new(50001, format!("Error rendering response: {e}"))
            .into_response(),
    }
}
