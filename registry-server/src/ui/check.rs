//! Checking a draft: paste a schema, pick a level (the subject's by default), see the
//! verdict and every incompatibility. It runs the compatibility endpoint's path
//! ([`crate::registry::Registry::check_draft`]); nothing is registered.

use std::fmt::Write as _;

use axum::extract::State;
use axum::response::Response;
use bytes::Bytes;
use http::Uri;

use super::UiState;
use super::escape::{esc, query};
use super::layout::{Nav, Params, UiError, page};
use crate::api::access::Who;
use crate::domain::{CompatibilityLevel, SchemaType, SubjectName};
use crate::registry::{DraftCheck, ReferenceRequest, RegistryError, SchemaRequest};

/// What the form holds.
#[derive(Debug, Default)]
struct Draft {
    subject: String,
    schema_type: String,
    level: String,
    schema: String,
    references: String,
}

impl Draft {
    fn from_params(params: &Params) -> Self {
        let field = |name: &str| params.get(name).unwrap_or_default().to_owned();
        Draft {
            subject: field("s"),
            schema_type: field("type"),
            level: field("level"),
            schema: field("schema"),
            references: field("references"),
        }
    }
}

/// GET /ui/check?s=SUBJECT
pub(super) async fn form(
    State(ui): State<UiState>,
    who: Who,
    uri: Uri,
) -> Result<Response, UiError> {
    let params = Params::of_query(&uri);
    let mut draft = Draft::from_params(&params);
    // Prefill with the subject's latest schema, the usual starting point of an edit.
    if let Some(subject) = params
        .filled("s")
        .and_then(|s| SubjectName::parse_lenient(s).ok())
        && let Ok(latest) = ui
            .app
            .registry
            .get_version(
                &who.caller(),
                &subject,
                crate::domain::VersionRef::Latest,
                false,
            )
            .await
    {
        draft.schema_type = latest.schema_type.to_string();
        draft.schema = super::highlight::pretty(latest.schema_type, &latest.schema);
    }
    let mut body = String::from("<h1>Check a draft</h1>");
    draft_form(&mut body, &draft);
    Ok(page("Check a draft", Nav::Check, &body))
}

/// POST /ui/check
pub(super) async fn run(
    State(ui): State<UiState>,
    who: Who,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Response, UiError> {
    let raw = body.map_err(|e| UiError::new(e.status(), e.body_text()))?;
    let draft = Draft::from_params(&Params::parse(&raw));
    let mut out = String::from("<h1>Check a draft</h1>");
    let outcome = check(&ui, &who, &draft).await;
    match outcome {
        Ok((subject, result)) => verdict(&mut out, &subject, &result),
        Err(message) => {
            let _ = write!(
                out,
                "<div class=\"verdict bad\" role=\"alert\" id=\"verdict\">Not checked: {}</div>",
                esc(&message)
            );
        }
    }
    draft_form(&mut out, &draft);
    Ok(page("Check a draft", Nav::Check, &out))
}

async fn check(
    ui: &UiState,
    who: &Who,
    draft: &Draft,
) -> Result<(SubjectName, DraftCheck), String> {
    let subject = SubjectName::parse_lenient(draft.subject.trim()).map_err(|e| e.to_string())?;
    if subject.as_str().is_empty() {
        return Err("name the subject to check against".to_owned());
    }
    let level = match draft.level.trim() {
        "" => None,
        name => Some(
            name.parse::<CompatibilityLevel>()
                .map_err(|e| e.to_string())?,
        ),
    };
    let references = match draft.references.trim() {
        "" => None,
        text => Some(
            serde_json::from_str::<Vec<ReferenceRequest>>(text).map_err(|e| {
                format!(
                    "references must be a JSON list of {{\"name\", \"subject\", \"version\"}}: {e}"
                )
            })?,
        ),
    };
    let request = SchemaRequest {
        schema: Some(draft.schema.clone()),
        schema_type: Some(draft.schema_type.trim())
            .filter(|t| !t.is_empty())
            .map(str::to_owned),
        references,
        ..SchemaRequest::default()
    };
    let result = ui
        .app
        .registry
        .check_draft(&who.caller(), &subject, &request, level)
        .await
        .map_err(|e: RegistryError| e.to_string())?;
    Ok((subject, result))
}

fn verdict(out: &mut String, subject: &SubjectName, result: &DraftCheck) {
    let compared = if result.compared.is_empty() {
        "no earlier version (a new subject, or a level that compares none)".to_owned()
    } else {
        result
            .compared
            .iter()
            .map(|v| format!("v{v}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (class, text) = if result.report.is_compatible() {
        ("good", "Compatible")
    } else {
        ("bad", "Incompatible")
    };
    let _ = write!(
        out,
        "<div class=\"verdict {class}\" role=\"status\" id=\"verdict\">{text} under {} with <a href=\"subject?s={}\">{}</a></div>\
<p class=\"muted\">Compared with {}. Nothing was registered.</p>",
        result.level,
        query(subject.as_str()),
        esc(subject.as_str()),
        esc(&compared)
    );
    if !result.report.is_compatible() {
        out.push_str("<h2>Incompatibilities</h2><ul class=\"findings\" id=\"findings\">");
        for message in &result.report.messages {
            // The trailing entries repeat the old schema and the settings; keep them short.
            if message.starts_with("{oldSchema:") {
                continue;
            }
            let _ = write!(out, "<li>{}</li>", esc(message));
        }
        out.push_str("</ul>");
    }
}

fn draft_form(out: &mut String, draft: &Draft) {
    let select = |name: &str, options: &[(&str, &str)], chosen: &str| {
        let mut html = String::new();
        for (value, label) in options {
            let selected = if value.eq_ignore_ascii_case(chosen) {
                " selected"
            } else {
                ""
            };
            let _ = write!(
                html,
                "<option value=\"{}\"{selected}>{}</option>",
                esc(value),
                esc(label)
            );
        }
        format!("<select id=\"draft-{name}\" name=\"{name}\">{html}</select>")
    };
    let types: Vec<(&str, &str)> = [SchemaType::Avro, SchemaType::Json, SchemaType::Protobuf]
        .iter()
        .map(|t| (t.as_str(), t.as_str()))
        .collect();
    let mut levels = vec![("", "the subject's level")];
    levels.extend(
        CompatibilityLevel::ALL
            .iter()
            .map(|l| (l.as_str(), l.as_str())),
    );
    let _ = write!(
        out,
        "<form method=\"post\" action=\"check\" class=\"stack\">\
<div class=\"inline\"><div><label for=\"draft-s\">Subject</label><input id=\"draft-s\" name=\"s\" required value=\"{}\" spellcheck=\"false\"></div>\
<div><label for=\"draft-type\">Type</label>{}</div>\
<div><label for=\"draft-level\">Level</label>{}</div></div>\
<div><label for=\"draft-schema\">Schema</label><textarea id=\"draft-schema\" name=\"schema\" required spellcheck=\"false\">{}</textarea></div>\
<details><summary>References (optional)</summary><label for=\"draft-references\">References as JSON, e.g. <code>[{{\"name\":\"Money\",\"subject\":\"money\",\"version\":1}}]</code></label>\
<textarea id=\"draft-references\" name=\"references\" spellcheck=\"false\">{}</textarea></details>\
<div><button type=\"submit\">Check</button> <span class=\"muted\">Nothing is registered.</span></div></form>",
        esc(&draft.subject),
        select(
            "type",
            &types,
            if draft.schema_type.is_empty() {
                "AVRO"
            } else {
                &draft.schema_type
            }
        ),
        select("level", &levels, &draft.level),
        esc(&draft.schema),
        esc(&draft.references),
    );
}
