//! `check` without a registry: the new file against previous versions given as files or read
//! from git.

use anyhow::Context as _;

use super::judge::judge;
use super::output::{CheckOutcome, locate};
use super::target::{Target, offline_dependencies, read_schema};
use crate::domain::{CompatibilityLevel, SchemaType};
use crate::schema::{Dependency, ParseOptions, ParsedSchema};

/// A previous version's text and where it came from (a file, or a file at a git ref).
#[derive(Debug, Clone)]
pub struct Previous {
    pub source: String,
    pub text: String,
}

/// Checks `target` against its `against` files; `project` resolves references by subject.
///
/// # Errors
/// A file that cannot be read, a schema that does not parse, an unresolved reference.
pub fn check(target: &Target, project: &[Target]) -> anyhow::Result<CheckOutcome> {
    let mut previous = Vec::with_capacity(target.against.len());
    for file in &target.against {
        previous.push(Previous {
            source: file.display().to_string(),
            text: read_schema(file)?,
        });
    }
    compare(target, project, &previous, "offline")
}

/// Checks `target` against `previous` (oldest first), reporting the comparison as `against`.
///
/// # Errors
/// As [`check`].
pub fn compare(
    target: &Target,
    project: &[Target],
    previous: &[Previous],
    against: &str,
) -> anyhow::Result<CheckOutcome> {
    let dependencies = offline_dependencies(target, project)
        .with_context(|| format!("resolving the references of {}", target.file.display()))?;
    let text = read_schema(&target.file)?;
    let new = parse_text(target.schema_type, &text, &dependencies, true).with_context(|| {
        format!(
            "{} is not a valid {} schema",
            target.file.display(),
            target.schema_type
        )
    })?;
    let mut parsed = Vec::with_capacity(previous.len());
    for (index, old) in previous.iter().enumerate() {
        let version = i32::try_from(index + 1).context("too many previous versions")?;
        let schema =
            parse_text(target.schema_type, &old.text, &dependencies, false).with_context(|| {
                format!(
                    "{} is not a valid {} schema",
                    old.source, target.schema_type
                )
            })?;
        parsed.push((version, schema));
    }
    let level = target.level.unwrap_or(CompatibilityLevel::Backward);
    let verdict = judge(level, &new, &parsed);
    Ok(CheckOutcome {
        subject: target.subject.clone(),
        file: target.file.display().to_string(),
        schema_type: target.schema_type.to_string(),
        level: Some(level.to_string()),
        against: against.to_owned(),
        compared: format!("{} previous version(s)", parsed.len()),
        compatible: verdict.compatible,
        old_version: verdict.old_version,
        incompatibilities: verdict.issues,
        messages: verdict.messages,
        explanations: locate(verdict.explanations, &text),
        note: None,
    })
}

/// Parses schema text with the server's engine.
///
/// # Errors
/// When the text is not a valid schema of `schema_type`.
pub fn parse_text(
    schema_type: SchemaType,
    text: &str,
    dependencies: &[Dependency],
    validate: bool,
) -> anyhow::Result<ParsedSchema> {
    let options = ParseOptions {
        validate,
        normalize: false,
    };
    ParsedSchema::parse(schema_type, text, dependencies, options)
        .map_err(|e| anyhow::anyhow!("{}", one_line(&e.message)))
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
