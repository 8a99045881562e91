//! The seven compatibility levels applied to a new schema and its previous versions, with
//! Confluent's message list (spec §5.1–§5.2).
//!
//! INTERIM (completed by issue 3): messages carry the per-difference strings and the
//! trailing version/schema/level entries.

use super::{Labels, ParsedSchema};
use crate::domain::CompatibilityLevel;

/// The single message for a type switch under any level but NONE.
pub const DIFFERENT_SCHEMA_TYPE: &str = "Incompatible because of different schema type";

/// A previous version to compare against.
#[derive(Debug, Clone, Copy)]
pub struct PreviousVersion<'a> {
    /// The subject version, when known (printed as `oldSchemaVersion`).
    pub version: Option<i32>,
    pub schema: &'a ParsedSchema,
}

/// The verdict and Confluent's message list (empty when compatible).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CompatibilityReport {
    pub messages: Vec<String>,
}

impl CompatibilityReport {
    #[must_use]
    pub fn is_compatible(&self) -> bool {
        self.messages.is_empty()
    }
}

/// Checks `new` against `previous` (live versions, oldest first) under `level`.
#[must_use]
pub fn check(
    level: CompatibilityLevel,
    new: &ParsedSchema,
    previous: &[PreviousVersion<'_>],
) -> CompatibilityReport {
    if level == CompatibilityLevel::None || previous.is_empty() {
        return CompatibilityReport::default();
    }
    let compared: Vec<&PreviousVersion<'_>> = if level.is_transitive() {
        previous.iter().rev().collect()
    } else {
        previous.last().into_iter().collect()
    };
    for prev in compared {
        let mut messages = Vec::new();
        if prev.schema.schema_type() != new.schema_type() {
            messages.push(DIFFERENT_SCHEMA_TYPE.to_owned());
        } else {
            if level.checks_forward() {
                let labels = Labels {
                    reader: "old",
                    writer: "new",
                };
                messages.extend(
                    ParsedSchema::incompatibilities(prev.schema, new, labels)
                        .into_iter()
                        .map(|i| i.message),
                );
            }
            if level.checks_backward() {
                let labels = Labels {
                    reader: "new",
                    writer: "old",
                };
                messages.extend(
                    ParsedSchema::incompatibilities(new, prev.schema, labels)
                        .into_iter()
                        .map(|i| i.message),
                );
            }
        }
        if !messages.is_empty() {
            if let Some(v) = prev.version {
                messages.push(format!("{{oldSchemaVersion: {v}}}"));
            }
            messages.push(format!("{{oldSchema: '{}'}}", prev.schema.canonical()));
            messages.push(format!(
                "{{validateFields: 'false', compatibility: '{level}'}}"
            ));
            return CompatibilityReport { messages };
        }
    }
    CompatibilityReport::default()
}
