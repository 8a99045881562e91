//! The local verdict: the server's engine (`schema::compat::check`) over a new schema and its
//! previous versions, with each incompatibility's kind and location, explained in plain words
//! (`schema::explain`) against the version that failed.

use crate::domain::CompatibilityLevel;
use crate::schema::compat::{self, PreviousVersion};
use crate::schema::explain::{Explanation, explain};
use crate::schema::{Labels, ParsedSchema};

use super::output::{Issue, issues_from_messages};

/// What the engine found.
#[derive(Debug, Clone, Default)]
pub struct Verdict {
    pub compatible: bool,
    pub old_version: Option<i32>,
    pub issues: Vec<Issue>,
    pub messages: Vec<String>,
    /// The incompatibilities with the failing version, in plain words.
    pub explanations: Vec<Explanation>,
}

/// Checks `new` against `previous` (version number and schema, oldest first) under `level`.
#[must_use]
pub fn judge(
    level: CompatibilityLevel,
    new: &ParsedSchema,
    previous: &[(i32, ParsedSchema)],
) -> Verdict {
    let versions: Vec<PreviousVersion<'_>> = previous
        .iter()
        .map(|(version, schema)| PreviousVersion {
            version: Some(*version),
            schema,
        })
        .collect();
    let report = compat::check(level, new, &versions);
    if report.is_compatible() {
        return Verdict {
            compatible: true,
            ..Verdict::default()
        };
    }
    let (fallback, old_version) = issues_from_messages(&report.messages);
    let failing = old_version
        .and_then(|v| previous.iter().find(|(n, _)| *n == v))
        .map(|(_, s)| s);
    let mut issues = failing
        .map(|old| located(level, new, old))
        .unwrap_or_default();
    if issues.is_empty() {
        issues = fallback;
    }
    let explanations = failing
        .map(|old| explain(old, new, level))
        .unwrap_or_default();
    Verdict {
        compatible: false,
        old_version,
        issues,
        messages: report.messages,
        explanations,
    }
}

/// The structured incompatibilities of one comparison, in the order `compat::check` lists them.
fn located(level: CompatibilityLevel, new: &ParsedSchema, old: &ParsedSchema) -> Vec<Issue> {
    if new.schema_type() != old.schema_type() {
        return Vec::new();
    }
    let mut found = Vec::new();
    if level.checks_forward() {
        let labels = Labels {
            reader: "old",
            writer: "new",
        };
        found.extend(ParsedSchema::incompatibilities(old, new, labels));
    }
    if level.checks_backward() {
        let labels = Labels {
            reader: "new",
            writer: "old",
        };
        found.extend(ParsedSchema::incompatibilities(new, old, labels));
    }
    found
        .into_iter()
        .map(|i| Issue {
            kind: Some(i.kind),
            path: Some(i.path),
            message: i.message,
        })
        .collect()
}
