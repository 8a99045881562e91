//! What `check` reports: one outcome per schema file, and its rendering in each `--format`
//! (the renderers other than JSON are in `report/`).

use serde::Serialize;

use super::report;
use crate::schema::explain::Explanation;

/// `--format`: plain explanations for people; JSON for tools; GitHub annotations, JUnit XML
/// and SARIF for CI systems.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Plain-language explanations (the default).
    #[default]
    #[value(alias = "human")]
    Text,
    /// The outcomes with Confluent's raw messages and the structured explanations.
    Json,
    /// GitHub Actions workflow commands (`::error file=…,line=…::…`).
    Github,
    /// JUnit XML, one test case per schema file.
    Junit,
    /// SARIF 2.1.0, one result per incompatibility.
    Sarif,
}

/// `--format` of `register`: lines for people, JSON for tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ListFormat {
    #[default]
    #[value(alias = "human")]
    Text,
    Json,
}

/// One incompatibility: what kind, where, Confluent's message, and which version it breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    pub message: String,
}

/// An explanation and the line of the schema file it points at.
#[derive(Debug, Clone, Serialize)]
pub struct Located {
    #[serde(flatten)]
    pub explanation: Explanation,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

/// Most explanations located in one file: each search reads the file once.
const MAX_LOCATED: usize = 200;

/// `explanations` with the lines of `text` (the new schema's source) they point at.
#[must_use]
pub fn locate(explanations: Vec<Explanation>, text: &str) -> Vec<Located> {
    explanations
        .into_iter()
        .enumerate()
        .map(|(i, explanation)| {
            let line = (i < MAX_LOCATED)
                .then(|| explanation.line_in(text))
                .flatten();
            Located { explanation, line }
        })
        .collect()
}

/// The verdict on one schema file.
#[derive(Debug, Clone, Serialize)]
pub struct CheckOutcome {
    pub subject: Option<String>,
    pub file: String,
    #[serde(rename = "schemaType")]
    pub schema_type: String,
    /// The level applied (unknown when a registry checked and did not say).
    pub level: Option<String>,
    /// `offline`, `git REF` or the registry URL.
    pub against: String,
    /// What the schema was compared with, e.g. `2 previous versions`.
    pub compared: String,
    pub compatible: bool,
    /// The subject version the first failing comparison was made with.
    #[serde(rename = "oldVersion", skip_serializing_if = "Option::is_none")]
    pub old_version: Option<i32>,
    pub incompatibilities: Vec<Issue>,
    /// Confluent's message list, as the registry's verbose check answers it.
    pub messages: Vec<String>,
    /// The incompatibilities in plain words (empty when only a registry's messages are known).
    pub explanations: Vec<Located>,
    /// Something to know about this file, e.g. that it is new at the git ref.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One incompatibility as every renderer shows it: from the explanation when there is one,
/// else from Confluent's message.
#[derive(Debug, Clone)]
pub struct Finding<'a> {
    /// Confluent's difference type, or `INCOMPATIBLE` when the message names none.
    pub kind: &'a str,
    pub path: Option<&'a str>,
    pub line: Option<usize>,
    /// The element's name, when known.
    pub name: Option<&'a str>,
    pub summary: &'a str,
    pub old: Option<&'a str>,
    pub new: Option<&'a str>,
    pub breaks: Option<&'a str>,
    pub fix: Option<&'a str>,
    /// Confluent's message.
    pub message: &'a str,
}

impl Finding<'_> {
    /// The summary, who breaks and the fix in one paragraph.
    #[must_use]
    pub fn sentence(&self) -> String {
        let mut out = self.summary.to_owned();
        if let Some(breaks) = self.breaks {
            out.push_str(&format!(". Breaks: {breaks}"));
        }
        if let Some(fix) = self.fix {
            out.push_str(&format!(". Fix: {fix}"));
        }
        out
    }
}

impl CheckOutcome {
    /// Its incompatibilities as the renderers show them.
    #[must_use]
    pub fn findings(&self) -> Vec<Finding<'_>> {
        if !self.explanations.is_empty() {
            return self
                .explanations
                .iter()
                .map(|l| {
                    let e = &l.explanation;
                    Finding {
                        kind: &e.kind,
                        path: Some(e.path.as_str()).filter(|p| !p.is_empty()),
                        line: l.line,
                        name: e.name.as_deref(),
                        summary: &e.summary,
                        old: e.old.as_deref(),
                        new: e.new.as_deref(),
                        breaks: Some(&e.breaks),
                        fix: Some(&e.fix),
                        message: &e.message,
                    }
                })
                .collect();
        }
        self.incompatibilities
            .iter()
            .map(|i| Finding {
                kind: i.kind.as_deref().unwrap_or("INCOMPATIBLE"),
                path: i.path.as_deref(),
                line: None,
                name: None,
                summary: &i.message,
                old: None,
                new: None,
                breaks: None,
                fix: None,
                message: &i.message,
            })
            .collect()
    }
}

/// The whole run, as `--format json` prints it.
#[derive(Debug, Serialize)]
struct Report<'a> {
    compatible: bool,
    results: &'a [CheckOutcome],
}

/// Renders the outcomes in `format`, ending with a newline.
#[must_use]
pub fn render(outcomes: &[CheckOutcome], format: Format) -> String {
    match format {
        Format::Json => {
            let report = Report {
                compatible: outcomes.iter().all(|o| o.compatible),
                results: outcomes,
            };
            let mut text = serde_json::to_string_pretty(&report)
                .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
            text.push('\n');
            text
        }
        Format::Text => report::text::render(outcomes),
        Format::Github => report::github::render(outcomes),
        Format::Junit => report::junit::render(outcomes),
        Format::Sarif => report::sarif::render(outcomes),
    }
}

/// Structured issues from Confluent's message list: `{errorType:..., description:...}` entries
/// and plain sentences; the trailing `{oldSchemaVersion}`, `{oldSchema}` and `{validateFields}`
/// entries are context, not issues (the version is answered separately).
#[must_use]
pub fn issues_from_messages(messages: &[String]) -> (Vec<Issue>, Option<i32>) {
    let mut issues = Vec::new();
    let mut version = None;
    for message in messages {
        if let Some(rest) = message.strip_prefix("{oldSchemaVersion:") {
            version = rest.trim_end_matches('}').trim().parse().ok();
        } else if message.starts_with("{oldSchema:") || message.starts_with("{validateFields:") {
        } else {
            issues.push(Issue {
                kind: quoted_after(message, "errorType:"),
                path: quoted_after(message, "path "),
                message: message.clone(),
            });
        }
    }
    (issues, version)
}

/// The text between the quotes (`'` or `"`) right after `marker`.
fn quoted_after(message: &str, marker: &str) -> Option<String> {
    let start = message.find(marker)? + marker.len();
    let rest = &message[start..];
    let quote = rest.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    let body = &rest[quote.len_utf8()..];
    let end = body.find(quote)?;
    Some(body[..end].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_confluent_messages() {
        let messages = vec![
            "{errorType:\"TYPE_CHANGED\", description:\"The type of a property at path '#/properties/age' in the new schema does not match'}".to_owned(),
            "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'a' at path '/fields/1' in the new schema has no default value'}".to_owned(),
            "{errorType:'TYPE_MISMATCH', description:'The type (path '/fields/1/type') of a field in the new schema does not match with the old schema', additionalInfo:'reader type: STRING not compatible with writer type: INT'}".to_owned(),
            "{oldSchemaVersion: 3}".to_owned(),
            "{oldSchema: '{}'}".to_owned(),
            "{validateFields: 'false', compatibility: 'BACKWARD'}".to_owned(),
        ];
        let (issues, version) = issues_from_messages(&messages);
        assert_eq!(version, Some(3));
        assert_eq!(issues.len(), 3);
        assert_eq!(issues[0].kind.as_deref(), Some("TYPE_CHANGED"));
        assert_eq!(issues[0].path.as_deref(), Some("#/properties/age"));
        assert_eq!(
            issues[1].kind.as_deref(),
            Some("READER_FIELD_MISSING_DEFAULT_VALUE")
        );
        assert_eq!(issues[1].path.as_deref(), Some("/fields/1"));
        assert_eq!(issues[2].kind.as_deref(), Some("TYPE_MISMATCH"));
        assert_eq!(issues[2].path.as_deref(), Some("/fields/1/type"));
    }
}
