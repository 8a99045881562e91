//! `schemaType`: which engine parses and checks a schema.

use std::fmt;
use std::str::FromStr;

/// The schema languages the registry knows by name.
///
/// `PROTOBUF` is a known name without an engine: registering one answers 42201.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SchemaType {
    #[default]
    Avro,
    Json,
    Protobuf,
}

impl SchemaType {
    /// The exact-case name Confluent uses on the wire.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            SchemaType::Avro => "AVRO",
            SchemaType::Json => "JSON",
            SchemaType::Protobuf => "PROTOBUF",
        }
    }
}

impl fmt::Display for SchemaType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown `schemaType` (Confluent matches case-sensitively).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Invalid schema type {0}")]
pub struct UnknownSchemaType(pub String);

impl FromStr for SchemaType {
    type Err = UnknownSchemaType;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "AVRO" => Ok(SchemaType::Avro),
            "JSON" => Ok(SchemaType::Json),
            "PROTOBUF" => Ok(SchemaType::Protobuf),
            other => Err(UnknownSchemaType(other.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_case_sensitive() {
        assert_eq!("AVRO".parse::<SchemaType>(), Ok(SchemaType::Avro));
        assert_eq!("JSON".parse::<SchemaType>(), Ok(SchemaType::Json));
        assert!("avro".parse::<SchemaType>().is_err());
        assert_eq!(
            "XYZ".parse::<SchemaType>().unwrap_err().to_string(),
            "Invalid schema type XYZ"
        );
    }
}
