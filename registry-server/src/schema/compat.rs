//! The seven compatibility levels applied to a new schema and its previous versions, with
//! Confluent's message list (spec §5.1–§5.2; Confluent's `CompatibilityChecker`,
//! `SchemaValidatorBuilder` and `AbstractSchemaRegistry.isCompatibleWithPrevious`).
//!
//! Versions are compared newest first; BACKWARD/FORWARD/FULL look at the newest only, the
//! transitive levels at every one and stop at the first that fails. FULL lists the forward
//! half (old reads new) first; only the backward half is followed by the version and schema
//! entries. Any failure ends with the `{validateFields: ..., compatibility: ...}` entry.

use super::limits::{CheckAborted, SchemaLimits};
use super::{Labels, ParsedSchema, aborted_incompatibility};
use crate::domain::CompatibilityLevel;

/// The single message for a type switch under any level but NONE.
pub const DIFFERENT_SCHEMA_TYPE: &str = "Incompatible because of different schema type";

/// Longest old schema (in UTF-16 units, as Java counts) quoted whole in a message.
const MAX_SCHEMA_SIZE_FOR_LOGGING: usize = 10 * 1024;

const NEW: &str = "new";
const OLD: &str = "old";

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

/// Checks `new` against `previous` (live versions, oldest first) under `level`, with
/// `validateFields` reported as `false`.
#[must_use]
pub fn check(
    level: CompatibilityLevel,
    new: &ParsedSchema,
    previous: &[PreviousVersion<'_>],
) -> CompatibilityReport {
    check_with(level, new, previous, CheckOptions::default())
}

/// Config that refines a check (Confluent's `validateFields` and `compatibilityPolicy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CheckOptions {
    /// Printed in the final message entry; the reserved-field checks are not done here.
    pub validate_fields: bool,
    /// STRICT (default) or LENIENT, which only JSON Schema distinguishes.
    pub policy: crate::schema::json::Policy,
}

/// [`check`], printing `validate_fields` in the final entry (Confluent's `validateFields`
/// config; the reserved-field checks themselves are not done here).
#[must_use]
pub fn check_with_validate_fields(
    level: CompatibilityLevel,
    new: &ParsedSchema,
    previous: &[PreviousVersion<'_>],
    validate_fields: bool,
) -> CompatibilityReport {
    let options = CheckOptions {
        validate_fields,
        ..CheckOptions::default()
    };
    check_with(level, new, previous, options)
}

/// [`check`] with the refinements of `options`, under the default [`SchemaLimits`]; a
/// comparison past them is reported incompatible with a message saying which limit
/// ([`check_bounded`] returns the error itself).
#[must_use]
pub fn check_with(
    level: CompatibilityLevel,
    new: &ParsedSchema,
    previous: &[PreviousVersion<'_>],
    options: CheckOptions,
) -> CompatibilityReport {
    check_bounded(level, new, previous, options, &SchemaLimits::default()).unwrap_or_else(
        |aborted| CompatibilityReport {
            messages: vec![aborted_incompatibility(&aborted).message],
        },
    )
}

/// [`check_with`] under `limits`: each comparison of `new` with one previous version in one
/// direction gets its own step budget.
///
/// # Errors
/// [`CheckAborted`] when a comparison exceeds the step budget, the combined-schema pair cap,
/// the time limit or the nesting limit.
pub fn check_bounded(
    level: CompatibilityLevel,
    new: &ParsedSchema,
    previous: &[PreviousVersion<'_>],
    options: CheckOptions,
    limits: &SchemaLimits,
) -> Result<CompatibilityReport, CheckAborted> {
    let validate_fields = options.validate_fields;
    if level == CompatibilityLevel::None {
        return Ok(CompatibilityReport::default());
    }
    let newest_first = previous.iter().rev();
    let take = if level.is_transitive() {
        previous.len()
    } else {
        1
    };
    for prev in newest_first.take(take) {
        let mut messages = compare(level, new, prev, options.policy, limits)?;
        if !messages.is_empty() {
            messages.push(format!(
                "{{validateFields: '{validate_fields}', compatibility: '{level}'}}"
            ));
            return Ok(CompatibilityReport { messages });
        }
    }
    Ok(CompatibilityReport::default())
}

/// The messages for one previous version (empty when compatible with it).
fn compare(
    level: CompatibilityLevel,
    new: &ParsedSchema,
    prev: &PreviousVersion<'_>,
    policy: crate::schema::json::Policy,
    limits: &SchemaLimits,
) -> Result<Vec<String>, CheckAborted> {
    if prev.schema.schema_type() != new.schema_type() {
        return Ok(vec![DIFFERENT_SCHEMA_TYPE.to_owned()]);
    }
    let mut messages = Vec::new();
    if level.checks_forward() {
        // Old reads new; in FULL this half never carries the version/schema entries.
        let labels = Labels {
            reader: OLD,
            writer: NEW,
        };
        let found = ParsedSchema::try_incompatibilities(prev.schema, new, labels, policy, limits)?;
        let append = !level.checks_backward();
        messages.extend(render(found.into_iter().map(|i| i.message), prev, append));
    }
    if level.checks_backward() {
        let labels = Labels {
            reader: NEW,
            writer: OLD,
        };
        let found = ParsedSchema::try_incompatibilities(new, prev.schema, labels, policy, limits)?;
        messages.extend(render(found.into_iter().map(|i| i.message), prev, true));
    }
    Ok(messages)
}

/// The difference strings, followed (when any and `append_schema`) by the old version and
/// the old schema (`formatErrorMessages`).
fn render(
    found: impl Iterator<Item = String>,
    prev: &PreviousVersion<'_>,
    append_schema: bool,
) -> Vec<String> {
    let mut messages: Vec<String> = found.collect();
    if messages.is_empty() || !append_schema {
        return messages;
    }
    if let Some(version) = prev.version {
        messages.push(format!("{{oldSchemaVersion: {version}}}"));
    }
    let old = prev.schema.canonical();
    if old.encode_utf16().count() <= MAX_SCHEMA_SIZE_FOR_LOGGING {
        messages.push(format!("{{oldSchema: '{old}'}}"));
    } else {
        messages.push(format!(
            "{{oldSchema: <truncated> '{}...'}}",
            utf16_prefix(old, MAX_SCHEMA_SIZE_FOR_LOGGING)
        ));
    }
    messages
}

/// The longest prefix of `s` of at most `units` UTF-16 code units (never splitting a char).
fn utf16_prefix(s: &str, units: usize) -> &str {
    let mut count = 0;
    for (at, c) in s.char_indices() {
        count += c.len_utf16();
        if count > units {
            return &s[..at];
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_prefix_counts_java_chars_and_never_splits_a_char() {
        assert_eq!(utf16_prefix("abc", 2), "ab");
        assert_eq!(utf16_prefix("abc", 5), "abc");
        // 'é' is one UTF-16 unit, '😀' two.
        assert_eq!(utf16_prefix("é😀x", 2), "é");
        assert_eq!(utf16_prefix("é😀x", 3), "é😀");
    }

    #[test]
    fn none_and_empty_history_are_always_compatible() {
        let schema = ParsedSchema::parse(
            crate::domain::SchemaType::Avro,
            "\"int\"",
            &[],
            super::super::ParseOptions::default(),
        )
        .expect("parses");
        let other = ParsedSchema::parse(
            crate::domain::SchemaType::Avro,
            "\"string\"",
            &[],
            super::super::ParseOptions::default(),
        )
        .expect("parses");
        let previous = [PreviousVersion {
            version: Some(1),
            schema: &other,
        }];
        assert!(check(CompatibilityLevel::None, &schema, &previous).is_compatible());
        assert!(check(CompatibilityLevel::FullTransitive, &schema, &[]).is_compatible());
        assert!(!check(CompatibilityLevel::Backward, &schema, &previous).is_compatible());
    }
}
