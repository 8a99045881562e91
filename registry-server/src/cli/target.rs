//! One schema file to check or register: its subject, type, level, references and history.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde_json::{Value, json};

use crate::domain::{CompatibilityLevel, SchemaType};
use crate::schema::Dependency;

/// A schema file and what it is checked or registered as.
#[derive(Debug, Clone)]
pub struct Target {
    pub subject: Option<String>,
    pub file: PathBuf,
    pub schema_type: SchemaType,
    /// The level asked for; `None` means the default of the mode (offline BACKWARD, online
    /// the subject's effective level).
    pub level: Option<CompatibilityLevel>,
    pub references: Vec<ReferenceSpec>,
    /// Previous versions, oldest first (offline checks).
    pub against: Vec<PathBuf>,
}

/// A reference of a schema: the name it uses, where the registry finds it, where its text is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceSpec {
    pub name: String,
    pub subject: Option<String>,
    pub version: Option<i32>,
    pub file: Option<PathBuf>,
}

impl ReferenceSpec {
    /// `NAME=FILE` from the command line (`--reference`).
    ///
    /// # Errors
    /// When there is no `=` or either side is empty.
    pub fn parse_flag(raw: &str) -> anyhow::Result<Self> {
        match raw.split_once('=') {
            Some((name, file)) if !name.trim().is_empty() && !file.trim().is_empty() => {
                Ok(ReferenceSpec {
                    name: name.trim().to_owned(),
                    subject: None,
                    version: None,
                    file: Some(PathBuf::from(file.trim())),
                })
            }
            _ => anyhow::bail!("--reference {raw}: expected NAME=FILE"),
        }
    }

    /// The reference as a register/compatibility request carries it.
    ///
    /// # Errors
    /// When the reference names no subject (the registry could not resolve it).
    pub fn to_request(&self) -> anyhow::Result<Value> {
        let Some(subject) = &self.subject else {
            anyhow::bail!(
                "reference {} names no subject; a registry resolves references by subject and version",
                self.name
            );
        };
        Ok(json!({ "name": self.name, "subject": subject, "version": self.version.unwrap_or(-1) }))
    }
}

/// The schema type named by `explicit` (any case), else by the extension of `file`.
///
/// # Errors
/// When the name is unknown or the extension says nothing.
pub fn parse_type(explicit: Option<&str>, file: &Path) -> anyhow::Result<SchemaType> {
    if let Some(name) = explicit {
        return match name.trim().to_ascii_uppercase().as_str() {
            "AVRO" | "AVSC" => Ok(SchemaType::Avro),
            "JSON" | "JSONSCHEMA" | "JSON_SCHEMA" => Ok(SchemaType::Json),
            "PROTOBUF" | "PROTO" => Ok(SchemaType::Protobuf),
            other => anyhow::bail!("unknown schema type {other} (expected AVRO, JSON or PROTOBUF)"),
        };
    }
    match file
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("avsc") => Ok(SchemaType::Avro),
        Some("json") => Ok(SchemaType::Json),
        Some("proto") => Ok(SchemaType::Protobuf),
        _ => anyhow::bail!(
            "cannot tell the schema type of {} from its extension (.avsc, .json or .proto); pass --type",
            file.display()
        ),
    }
}

/// A compatibility level name, any case.
///
/// # Errors
/// When the name is not one of the seven levels.
pub fn parse_level(raw: &str) -> anyhow::Result<CompatibilityLevel> {
    raw.parse().map_err(|_| {
        anyhow::anyhow!("unknown compatibility level {raw} (expected NONE, BACKWARD, FORWARD, FULL or a _TRANSITIVE one)")
    })
}

/// The largest schema file read: the server's `--max-schema-bytes` default.
pub const MAX_SCHEMA_BYTES: usize = crate::config::DEFAULT_MAX_SCHEMA_BYTES;

/// The text of a schema file, read up to [`MAX_SCHEMA_BYTES`].
///
/// # Errors
/// When the file cannot be read, is larger than that or is not UTF-8 text.
pub fn read_schema(file: &Path) -> anyhow::Result<String> {
    use std::io::Read as _;
    let handle =
        std::fs::File::open(file).with_context(|| format!("reading {}", file.display()))?;
    let mut bytes = Vec::new();
    handle
        .take(MAX_SCHEMA_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("reading {}", file.display()))?;
    schema_text(bytes, &file.display().to_string())
}

/// Schema text from bytes read from `source`, refused past [`MAX_SCHEMA_BYTES`] or when not
/// UTF-8.
///
/// # Errors
/// When `bytes` is too long or not UTF-8.
pub fn schema_text(bytes: Vec<u8>, source: &str) -> anyhow::Result<String> {
    if bytes.len() > MAX_SCHEMA_BYTES {
        anyhow::bail!(
            "{source} is larger than {MAX_SCHEMA_BYTES} bytes, the most a registry accepts by default (--max-schema-bytes)"
        );
    }
    String::from_utf8(bytes)
        .map_err(|_| anyhow::anyhow!("{source} is not UTF-8 text; is it a schema file?"))
}

/// The dependencies of `target` for the engine, in dependency order (a schema's own
/// references first), resolved from reference files or from `project` entries by subject.
///
/// # Errors
/// When a reference has no file and no project entry, a file cannot be read, or references
/// form a cycle.
pub fn offline_dependencies(
    target: &Target,
    project: &[Target],
) -> anyhow::Result<Vec<Dependency>> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut stack = Vec::new();
    collect(&target.references, project, &mut out, &mut seen, &mut stack)?;
    Ok(out)
}

fn collect(
    references: &[ReferenceSpec],
    project: &[Target],
    out: &mut Vec<Dependency>,
    seen: &mut HashSet<(String, PathBuf)>,
    stack: &mut Vec<PathBuf>,
) -> anyhow::Result<()> {
    for reference in references {
        let entry = reference.subject.as_deref().and_then(|subject| {
            project
                .iter()
                .find(|t| t.subject.as_deref() == Some(subject))
        });
        let file = match (&reference.file, entry) {
            (Some(file), _) => file.clone(),
            (None, Some(entry)) => entry.file.clone(),
            (None, None) => anyhow::bail!(
                "reference {} has no file: pass --reference {}=FILE or map its subject in the project file",
                reference.name,
                reference.name
            ),
        };
        if stack.contains(&file) {
            anyhow::bail!("references form a cycle through {}", file.display());
        }
        if !seen.insert((reference.name.clone(), file.clone())) {
            continue;
        }
        if let Some(entry) = entry.filter(|e| e.file == file) {
            stack.push(file.clone());
            collect(&entry.references, project, out, seen, stack)?;
            stack.pop();
        }
        let schema = read_schema(&file).with_context(|| format!("reference {}", reference.name))?;
        out.push(Dependency {
            name: reference.name.clone(),
            schema,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_from_flag_or_extension() {
        assert_eq!(
            parse_type(Some("avro"), Path::new("x.txt")).ok(),
            Some(SchemaType::Avro)
        );
        assert_eq!(
            parse_type(None, Path::new("a/b.avsc")).ok(),
            Some(SchemaType::Avro)
        );
        assert_eq!(
            parse_type(None, Path::new("b.JSON")).ok(),
            Some(SchemaType::Json)
        );
        assert_eq!(
            parse_type(None, Path::new("shop/order.proto")).ok(),
            Some(SchemaType::Protobuf)
        );
        assert_eq!(
            parse_type(Some("protobuf"), Path::new("x.txt")).ok(),
            Some(SchemaType::Protobuf)
        );
        assert!(parse_type(None, Path::new("b.txt")).is_err());
    }

    #[test]
    fn reference_flag() {
        let spec = ReferenceSpec::parse_flag("common.avsc=schemas/common.avsc").expect("valid");
        assert_eq!(spec.name, "common.avsc");
        assert_eq!(spec.file.as_deref(), Some(Path::new("schemas/common.avsc")));
        assert!(ReferenceSpec::parse_flag("nofile").is_err());
    }
}
