//! The project file (`schemas.toml`): which schema file goes to which subject, so that one
//! `schema-registry check` (or `register`) covers a whole repository.
//!
//! ```toml
//! [[schemas]]
//! subject = "orders-value"
//! file = "schemas/order.json"          # relative to this file
//! type = "JSON"                        # optional: from the extension (.avsc AVRO, .json JSON)
//! level = "FULL"                       # optional: offline default BACKWARD, online the subject's
//! against = ["history/order.v1.json"]  # optional: previous versions, oldest first (offline)
//! references = [{ name = "customer.json", subject = "customer-value", version = 1 }]
//! ```
//!
//! A reference names the subject and version the registry resolves it to (version -1 or none
//! is the latest); offline, its text comes from its `file`, or else from the entry of this
//! project mapping its subject.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::Deserialize;

use super::target::{ReferenceSpec, Target, parse_level, parse_type};

/// The default project file name, looked up in the current directory.
pub const DEFAULT_PROJECT_FILE: &str = "schemas.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProjectFile {
    #[serde(default)]
    schemas: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    subject: String,
    file: PathBuf,
    #[serde(default, rename = "type")]
    schema_type: Option<String>,
    #[serde(default)]
    level: Option<String>,
    #[serde(default)]
    against: Vec<PathBuf>,
    #[serde(default)]
    references: Vec<ReferenceEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReferenceEntry {
    name: String,
    subject: Option<String>,
    version: Option<i32>,
    file: Option<PathBuf>,
}

/// Reads the project file at `path` into targets, in file order.
///
/// # Errors
/// When the file cannot be read or parsed, or an entry names an unknown type or level.
pub fn load(path: &Path) -> anyhow::Result<Vec<Target>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading project file {}", path.display()))?;
    let project: ProjectFile = toml::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "project file {}: {}",
            path.display(),
            one_line(&e.to_string())
        )
    })?;
    if project.schemas.is_empty() {
        anyhow::bail!(
            "project file {} maps no schemas (add [[schemas]] entries)",
            path.display()
        );
    }
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let mut targets = Vec::with_capacity(project.schemas.len());
    for entry in project.schemas {
        let file = dir.join(&entry.file);
        let context = || format!("project file {}, subject {}", path.display(), entry.subject);
        let schema_type = parse_type(entry.schema_type.as_deref(), &file).with_context(context)?;
        let level = entry
            .level
            .as_deref()
            .map(parse_level)
            .transpose()
            .with_context(context)?;
        let references = entry
            .references
            .into_iter()
            .map(|r| ReferenceSpec {
                name: r.name,
                subject: r.subject,
                version: r.version,
                file: r.file.map(|f| dir.join(f)),
            })
            .collect();
        targets.push(Target {
            subject: Some(entry.subject),
            file,
            schema_type,
            level,
            references,
            against: entry.against.iter().map(|f| dir.join(f)).collect(),
        });
    }
    Ok(targets)
}

/// The project file to use: `explicit`, else `schemas.toml` in the current directory.
#[must_use]
pub fn locate(explicit: Option<&Path>) -> Option<PathBuf> {
    match explicit {
        Some(path) => Some(path.to_owned()),
        None => {
            let default = PathBuf::from(DEFAULT_PROJECT_FILE);
            default.is_file().then_some(default)
        }
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
