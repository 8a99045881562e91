//! The `format` query parameter of schema reads: which rendering of a stored schema to
//! answer (Confluent's `formattedString`).

use crate::domain::SchemaType;

/// A rendering of a stored schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SchemaFormat {
    /// The stored text (`default`, empty, absent or unknown).
    #[default]
    Stored,
    /// Avro with referenced schemas inlined.
    Resolved,
    /// Protobuf as a base64 serialized `FileDescriptorProto`.
    Serialized,
    /// Protobuf without custom options (except `confluent.*`), `extend` blocks and extension
    /// ranges.
    IgnoreExtensions,
}

impl SchemaFormat {
    /// Reads the parameter as Confluent does: case-insensitive, anything unknown is the
    /// stored text.
    #[must_use]
    pub fn parse(raw: Option<&str>) -> Self {
        let Some(raw) = raw.map(str::trim) else {
            return SchemaFormat::Stored;
        };
        if raw.eq_ignore_ascii_case("resolved") {
            SchemaFormat::Resolved
        } else if raw.eq_ignore_ascii_case("serialized") {
            SchemaFormat::Serialized
        } else if raw.eq_ignore_ascii_case("ignore_extensions") {
            SchemaFormat::IgnoreExtensions
        } else {
            SchemaFormat::Stored
        }
    }

    /// Whether this rendering differs from the stored text for schemas of `schema_type`.
    #[must_use]
    pub fn applies_to(self, schema_type: SchemaType) -> bool {
        matches!(
            (self, schema_type),
            (SchemaFormat::Resolved, SchemaType::Avro)
                | (
                    SchemaFormat::Serialized | SchemaFormat::IgnoreExtensions,
                    SchemaType::Protobuf
                )
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_case_insensitive_and_unknown_ones_mean_the_stored_text() {
        assert_eq!(SchemaFormat::parse(None), SchemaFormat::Stored);
        assert_eq!(SchemaFormat::parse(Some("")), SchemaFormat::Stored);
        assert_eq!(SchemaFormat::parse(Some("default")), SchemaFormat::Stored);
        assert_eq!(SchemaFormat::parse(Some("bogus")), SchemaFormat::Stored);
        assert_eq!(
            SchemaFormat::parse(Some("SERIALIZED")),
            SchemaFormat::Serialized
        );
        assert_eq!(
            SchemaFormat::parse(Some("Ignore_Extensions")),
            SchemaFormat::IgnoreExtensions
        );
        assert_eq!(
            SchemaFormat::parse(Some("resolved")),
            SchemaFormat::Resolved
        );
    }

    #[test]
    fn each_rendering_applies_to_its_own_type_only() {
        assert!(SchemaFormat::Resolved.applies_to(SchemaType::Avro));
        assert!(!SchemaFormat::Resolved.applies_to(SchemaType::Protobuf));
        assert!(SchemaFormat::Serialized.applies_to(SchemaType::Protobuf));
        assert!(!SchemaFormat::Serialized.applies_to(SchemaType::Json));
        assert!(!SchemaFormat::Stored.applies_to(SchemaType::Avro));
    }
}
