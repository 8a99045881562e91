//! `schema-registry diff OLD NEW`: the semantic difference of two schema files (declarations
//! added, removed and changed, with what each means) and whether the change is backward and
//! forward compatible; as text, JSON, or Markdown for a pull-request comment.
//!
//! Always exits 0 when both files parse (the gate is `check`); 2 on any error.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::Context as _;
use serde::Serialize;

use super::offline::parse_text;
use super::output::{Located, locate};
use super::target::{ReferenceSpec, parse_type, read_schema};
use crate::domain::CompatibilityLevel;
use crate::schema::Dependency;
use crate::schema::explain::{Change, ChangeKind, diff, explain};

/// Show what changed between two versions of a schema file.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The old version.
    pub old: PathBuf,
    /// The new version.
    pub new: PathBuf,
    /// Schema type, AVRO, JSON or PROTOBUF (default from the new file's extension).
    #[arg(long = "type", value_name = "TYPE")]
    pub schema_type: Option<String>,
    /// A reference's text: NAME=FILE (both versions resolve it).
    #[arg(long = "reference", value_name = "NAME=FILE")]
    pub references: Vec<String>,
    /// Output: text, json, or markdown (for a pull-request comment).
    #[arg(long, value_enum, default_value_t)]
    pub format: DiffFormat,
}

/// `diff --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum DiffFormat {
    #[default]
    Text,
    Json,
    Markdown,
}

/// One half of the compatibility verdict.
#[derive(Debug, Serialize)]
struct Half {
    compatible: bool,
    explanations: Vec<Located>,
}

/// What `diff` reports.
#[derive(Debug, Serialize)]
struct DiffReport {
    old: String,
    new: String,
    #[serde(rename = "schemaType")]
    schema_type: String,
    changes: Vec<Change>,
    /// New readers of old data.
    backward: Half,
    /// Old readers of new data.
    forward: Half,
}

/// Runs `diff`; answers 0.
///
/// # Errors
/// A file that cannot be read or does not parse, a malformed reference.
pub fn run(args: &DiffArgs) -> anyhow::Result<i32> {
    let schema_type = parse_type(args.schema_type.as_deref(), &args.new)?;
    let mut dependencies = Vec::with_capacity(args.references.len());
    for raw in &args.references {
        let spec = ReferenceSpec::parse_flag(raw)?;
        let file = spec.file.context("--reference needs NAME=FILE")?;
        dependencies.push(Dependency {
            name: spec.name,
            schema: read_schema(&file).with_context(|| format!("reference {raw}"))?,
        });
    }
    let old_text = read_schema(&args.old)?;
    let new_text = read_schema(&args.new)?;
    let parse = |text: &str, file: &PathBuf| {
        parse_text(schema_type, text, &dependencies, false)
            .with_context(|| format!("{} is not a valid {schema_type} schema", file.display()))
    };
    let old = parse(&old_text, &args.old)?;
    let new = parse(&new_text, &args.new)?;
    let half = |level| {
        let explanations = locate(explain(&old, &new, level), &new_text);
        Half {
            compatible: explanations.is_empty(),
            explanations,
        }
    };
    let report = DiffReport {
        old: args.old.display().to_string(),
        new: args.new.display().to_string(),
        schema_type: schema_type.to_string(),
        changes: diff(&old, &new),
        backward: half(CompatibilityLevel::Backward),
        forward: half(CompatibilityLevel::Forward),
    };
    let out = match args.format {
        DiffFormat::Text => text(&report, &new_text, &old_text),
        DiffFormat::Json => {
            let mut json = serde_json::to_string_pretty(&report).context("rendering the diff")?;
            json.push('\n');
            json
        }
        DiffFormat::Markdown => markdown(&report),
    };
    print!("{out}");
    Ok(0)
}

fn sign(change: ChangeKind) -> &'static str {
    match change {
        ChangeKind::Added => "+",
        ChangeKind::Removed => "-",
        ChangeKind::Changed => "~",
    }
}

fn word(change: ChangeKind) -> &'static str {
    match change {
        ChangeKind::Added => "added",
        ChangeKind::Removed => "removed",
        ChangeKind::Changed => "changed",
    }
}

fn verdict(half: &Half) -> String {
    match half.explanations.len() {
        0 => "compatible".to_owned(),
        1 => "1 incompatibility".to_owned(),
        n => format!("{n} incompatibilities"),
    }
}

fn text(report: &DiffReport, new_text: &str, old_text: &str) -> String {
    let mut out = format!(
        "diff {} → {} ({}): {} change(s)\n",
        report.old,
        report.new,
        report.schema_type,
        report.changes.len()
    );
    for change in &report.changes {
        let (file, source) = match change.change {
            ChangeKind::Removed => (&report.old, old_text),
            _ => (&report.new, new_text),
        };
        let at = crate::schema::explain::lines::line_of(source, &change.anchors)
            .map(|l| format!(" ({file}:{l})"))
            .unwrap_or_default();
        let value = match (&change.old, &change.new) {
            (Some(o), Some(n)) => format!("{o} → {n}"),
            (Some(v), None) | (None, Some(v)) => v.clone(),
            (None, None) => String::new(),
        };
        let _ = writeln!(
            out,
            "  {} {} {} {}: {value}{at}\n      {}",
            sign(change.change),
            word(change.change),
            change.element.word(),
            change.name,
            change.meaning
        );
    }
    for (name, half) in [("backward", &report.backward), ("forward", &report.forward)] {
        let _ = writeln!(out, "{name}: {}", verdict(half));
        for located in &half.explanations {
            let e = &located.explanation;
            let _ = writeln!(out, "  - {}\n      fix: {}", e.summary, e.fix);
        }
    }
    out
}

/// Markdown for a pull-request comment: names and values in code spans, free text escaped
/// so a schema cannot inject markup, links or mentions.
fn markdown(report: &DiffReport) -> String {
    let mut out = format!(
        "### Schema changes in {}\n\nCompared with {} ({}). Backward (new readers of old data): {} · Forward (old readers of new data): {}\n\n",
        code(&report.new),
        code(&report.old),
        report.schema_type,
        mark(&report.backward),
        mark(&report.forward),
    );
    if report.changes.is_empty() {
        out.push_str("No semantic change.\n");
    } else {
        out.push_str(
            "| Change | Element | Name | Old | New | Meaning |\n|---|---|---|---|---|---|\n",
        );
        for change in &report.changes {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                word(change.change),
                change.element.word(),
                code(&change.name),
                change.old.as_deref().map(code).unwrap_or_default(),
                change.new.as_deref().map(code).unwrap_or_default(),
                escape(&change.meaning),
            );
        }
    }
    let broken: Vec<&Located> = report
        .backward
        .explanations
        .iter()
        .chain(&report.forward.explanations)
        .collect();
    if !broken.is_empty() {
        out.push_str("\n#### Incompatibilities\n\n");
        for located in broken {
            let e = &located.explanation;
            let line = located
                .line
                .map(|l| format!(" (line {l})"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "- {}{line}: {}. Breaks {}. **Fix:** {}",
                code(&e.kind),
                prose(&e.summary),
                e.breaks,
                prose(&e.fix)
            );
        }
    }
    out
}

fn mark(half: &Half) -> String {
    if half.compatible {
        "✅ compatible".to_owned()
    } else {
        format!("❌ {}", verdict(half))
    }
}

/// `text` as a code span safe in a table cell.
fn code(text: &str) -> String {
    let flat = text.replace(['\n', '\r'], " ").replace('|', "\\|");
    if flat.contains('`') {
        format!("`` {flat} ``")
    } else {
        format!("`{flat}`")
    }
}

/// A sentence whose `quoted` parts become code spans and the rest is escaped.
fn prose(text: &str) -> String {
    text.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 && !part.is_empty() {
                code(part)
            } else {
                escape(part)
            }
        })
        .collect()
}

/// Free text with Markdown and HTML punctuation escaped and mentions defused.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.replace(['\n', '\r'], " ").chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '!' | '@' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{code, escape, prose};

    #[test]
    fn markdown_is_escaped() {
        assert_eq!(code("a|b"), "`a\\|b`");
        assert_eq!(code("a`b"), "`` a`b ``");
        assert_eq!(escape("<img> @team [x](y)"), "\\<img\\> \\@team \\[x\\](y)");
        assert_eq!(prose("keep `a|b` as *is*"), "keep `a\\|b` as \\*is\\*");
    }
}
