//! JSON Schema: parsing, canonical string, and compatibility.
//!
//! INTERIM (replaced by the Avro engine of issue 4): canonical form is compact JSON and the
//! checker treats any difference as incompatible, so it never answers "compatible" for a
//! change it does not understand.

use super::{Dependency, Incompatibility, Labels, ParseOptions, SchemaError};

#[derive(Debug, Clone)]
pub struct JsonSchema {
    canonical: String,
}

impl JsonSchema {
    /// # Errors
    /// [`SchemaError`] when the text is not valid JSON Schema.
    pub fn parse(
        text: &str,
        dependencies: &[Dependency],
        _options: ParseOptions,
    ) -> Result<Self, SchemaError> {
        let _ = dependencies;
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| SchemaError::new(format!("Invalid schema of type JSON, details: {e}")))?;
        Ok(JsonSchema {
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
    reader: &JsonSchema,
    writer: &JsonSchema,
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
