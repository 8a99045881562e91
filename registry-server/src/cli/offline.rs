//! `check` without a registry: the new file against previous versions given as files.

use std::path::Path;

use anyhow::Context as _;

use super::judge::judge;
use super::output::CheckOutcome;
use super::target::{Target, offline_dependencies, read_schema};
use crate::domain::{CompatibilityLevel, SchemaType};
use crate::schema::{Dependency, ParseOptions, ParsedSchema};

/// Checks `target` against its `against` files; `project` resolves references by subject.
///
/// # Errors
/// A file that cannot be read, a schema that does not parse, an unresolved reference.
pub fn check(target: &Target, project: &[Target]) -> anyhow::Result<CheckOutcome> {
    let dependencies = offline_dependencies(target, project)
        .with_context(|| format!("resolving the references of {}", target.file.display()))?;
    let new = parse_file(target.schema_type, &target.file, &dependencies, true)?;
    let mut previous = Vec::with_capacity(target.against.len());
    for (index, file) in target.against.iter().enumerate() {
        let version = i32::try_from(index + 1).context("too many previous versions")?;
        previous.push((
            version,
            parse_file(target.schema_type, file, &dependencies, false)?,
        ));
    }
    let level = target.level.unwrap_or(CompatibilityLevel::Backward);
    let verdict = judge(level, &new, &previous);
    Ok(CheckOutcome {
        subject: target.subject.clone(),
        file: target.file.display().to_string(),
        schema_type: target.schema_type.to_string(),
        level: Some(level.to_string()),
        against: "offline".to_owned(),
        compared: format!("{} previous version(s)", previous.len()),
        compatible: verdict.compatible,
        old_version: verdict.old_version,
        incompatibilities: verdict.issues,
        messages: verdict.messages,
    })
}

/// Reads and parses one schema file; `validate` applies new-schema validation.
///
/// # Errors
/// When the file cannot be read or is not a valid schema of `schema_type`.
pub fn parse_file(
    schema_type: SchemaType,
    file: &Path,
    dependencies: &[Dependency],
    validate: bool,
) -> anyhow::Result<ParsedSchema> {
    let text = read_schema(file)?;
    parse_text(schema_type, &text, dependencies, validate)
        .with_context(|| format!("{} is not a valid {schema_type} schema", file.display()))
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
