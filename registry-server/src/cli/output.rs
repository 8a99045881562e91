//! What `check` reports: one outcome per schema file, rendered as lines or as JSON.

use serde::Serialize;

/// `--format`: lines for people, JSON for tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    #[default]
    Human,
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

/// The verdict on one schema file.
#[derive(Debug, Clone, Serialize)]
pub struct CheckOutcome {
    pub subject: Option<String>,
    pub file: String,
    #[serde(rename = "schemaType")]
    pub schema_type: String,
    /// The level applied (unknown when a registry checked and did not say).
    pub level: Option<String>,
    /// `offline` or the registry URL.
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
}

/// The whole run, as `--format json` prints it.
#[derive(Debug, Serialize)]
struct Report<'a> {
    compatible: bool,
    results: &'a [CheckOutcome],
}

/// Renders the outcomes in `format`.
#[must_use]
pub fn render(outcomes: &[CheckOutcome], format: Format) -> String {
    match format {
        Format::Json => {
            let report = Report {
                compatible: outcomes.iter().all(|o| o.compatible),
                results: outcomes,
            };
            serde_json::to_string_pretty(&report)
                .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
        }
        Format::Human => human(outcomes),
    }
}

fn human(outcomes: &[CheckOutcome]) -> String {
    let mut out = String::new();
    for outcome in outcomes {
        let verdict = if outcome.compatible {
            "compatible"
        } else {
            "INCOMPATIBLE"
        };
        let subject = outcome.subject.as_deref().unwrap_or("(no subject)");
        let level = outcome.level.as_deref().unwrap_or("the subject's level");
        out.push_str(&format!(
            "{verdict}: subject {subject}, file {}, {} {level}, against {} ({})\n",
            outcome.file, outcome.schema_type, outcome.compared, outcome.against
        ));
        if let Some(version) = outcome.old_version {
            out.push_str(&format!("  breaks version {version}\n"));
        }
        for issue in &outcome.incompatibilities {
            // Confluent's message names the kind already.
            let location = issue
                .path
                .as_deref()
                .map(|p| format!("at {p}: "))
                .unwrap_or_default();
            out.push_str(&format!("  - {location}{}\n", issue.message));
        }
    }
    let incompatible = outcomes.iter().filter(|o| !o.compatible).count();
    out.push_str(&format!(
        "checked {} schema file(s): {} compatible, {incompatible} incompatible\n",
        outcomes.len(),
        outcomes.len() - incompatible
    ));
    out
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
