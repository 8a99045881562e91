//! Stored schemas rendered in the `format` a read asks for (`resolved` Avro, `serialized`
//! and `ignore_extensions` Protobuf).

use super::{RegisteredSchema, Registry, RegistryError};
use crate::domain::SubjectName;
use crate::schema::format::SchemaFormat;
use crate::store::SchemaRecord;

impl Registry {
    /// The text of `record` (read by id) in `format`; references resolve from `owner`'s
    /// context, or the record's own when no subject was named.
    ///
    /// # Errors
    /// As [`Registry::formatted_version`].
    pub async fn formatted_schema(
        &self,
        owner: Option<&SubjectName>,
        record: &SchemaRecord,
        format: SchemaFormat,
    ) -> Result<String, RegistryError> {
        if !format.applies_to(record.schema_type) {
            return Ok(record.schema.clone());
        }
        let scope = SubjectName::context_scope(&record.context);
        let owner = owner.unwrap_or(&scope);
        self.render(owner, &record.context, record.id, format)
            .await
            .map(|text| text.unwrap_or_else(|| record.schema.clone()))
    }

    /// The text of a version of `subject` in `format` (the stored text when `format` does
    /// not apply to its type).
    ///
    /// # Errors
    /// 50001 when a referenced schema cannot be read; 42201 when the stored schema cannot be
    /// rendered in `format`.
    pub async fn formatted_version(
        &self,
        subject: &SubjectName,
        schema: &RegisteredSchema,
        format: SchemaFormat,
    ) -> Result<String, RegistryError> {
        if !format.applies_to(schema.schema_type) {
            return Ok(schema.schema.clone());
        }
        self.render(subject, subject.context(), schema.id, format)
            .await
            .map(|text| text.unwrap_or_else(|| schema.schema.clone()))
    }

    /// Schema `id` of `context` rendered from its cached parse.
    async fn render(
        &self,
        owner: &SubjectName,
        context: &str,
        id: i32,
        format: SchemaFormat,
    ) -> Result<Option<String>, RegistryError> {
        let parsed = self.parsed_by_id(owner, context, id).await?;
        parsed
            .formatted(format)
            .map_err(|e| RegistryError::invalid_schema(e.message))
    }
}
