//! Avro: parsing with references, Confluent's canonical string, and compatibility.
//!
//! INTERIM (replaced by the Avro engine of issue 3): canonical form is compact JSON and the
//! checker treats any difference as incompatible, so it never answers "compatible" for a
//! change it does not understand.

use super::{Dependency, Incompatibility, Labels, ParseOptions, SchemaError};

#[derive(Debug, Clone)]
pub struct AvroSchema {
    canonical: String,
}

impl AvroSchema {
    /// # Errors
    /// [`SchemaError`] when the text is not valid Avro.
    pub fn parse(
        text: &str,
        dependencies: &[Dependency],
        _options: ParseOptions,
    ) -> Result<Self, SchemaError> {
        let deps: Vec<&str> = dependencies.iter().map(|d| d.schema.as_str()).collect();
        apache_avro::Schema::parse_str_with_list(text, &deps)
            .map_err(|e| SchemaError::new(format!("Invalid schema of type AVRO, details: {e}")))?;
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| SchemaError::new(format!("Invalid schema of type AVRO, details: {e}")))?;
        Ok(AvroSchema {
            canonical: value.to_string(),
        })
    }

    #[must_use]
    pub fn canonical(&self) -> &str {
        &self.canonical
    }
}

#[must_use]
pub fn incompatibilities(
    reader: &AvroSchema,
    writer: &AvroSchema,
    _labels: Labels<'_>,
) -> Vec<Incompatibility> {
    if reader.canonical == writer.canonical {
        return Vec::new();
    }
    vec![Incompatibility {
        kind: "TYPE_MISMATCH".to_owned(),
        path: "/".to_owned(),
        message: "schemas differ".to_owned(),
    }]
}
