//! The UI's writes: a subject's compatibility level, its mode, and the soft delete of a
//! version. Each is a POST form offered only to a caller that may write the subject; the
//! first POST shows what will change and asks for confirmation, the second (with
//! `confirm=yes`) makes the change through the registry and redirects back. Every POST
//! needs the CSRF token and a same-origin request ([`super::csrf`]).

use std::fmt::Write as _;

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use bytes::Bytes;
use http::{HeaderMap, StatusCode};

use super::UiState;
use super::csrf::{self, FIELD};
use super::escape::{esc, query};
use super::layout::{Nav, Params, UiError, page};
use super::subject::subject_param;
use crate::api::access::{Who, require_subject_delete, require_subject_write};
use crate::domain::{CompatibilityLevel, Mode, SubjectName, VersionRef};
use crate::registry::{ConfigUpdate, RegisteredSchema};

/// Modes a subject can be put in (FORWARD is global only).
const SUBJECT_MODES: [Mode; 3] = [Mode::ReadWrite, Mode::ReadOnly, Mode::Import];

/// The write forms of the subject page.
pub(super) fn forms(
    body: &mut String,
    ui: &UiState,
    who: &Who,
    subject: &SubjectName,
    schema: &RegisteredSchema,
    (current_level, current_mode): (&str, Mode),
) {
    let token = ui.csrf.token(who);
    let hidden = format!(
        "<input type=\"hidden\" name=\"s\" value=\"{}\"><input type=\"hidden\" name=\"{FIELD}\" value=\"{}\">",
        esc(subject.as_str()),
        esc(&token)
    );
    let mut levels = String::new();
    for level in CompatibilityLevel::ALL {
        let selected = if level.as_str() == current_level {
            " selected"
        } else {
            ""
        };
        let _ = write!(levels, "<option{selected}>{}</option>", level.as_str());
    }
    let mut modes = String::new();
    for mode in SUBJECT_MODES {
        let selected = if mode == current_mode {
            " selected"
        } else {
            ""
        };
        let _ = write!(modes, "<option{selected}>{}</option>", mode.as_str());
    }
    let _ = write!(
        body,
        "<h2 id=\"writes-h\">Change</h2><p class=\"muted\">Each change asks for confirmation first.</p><div class=\"writes\">\
<form method=\"post\" action=\"set-level\" class=\"panel stack\">{hidden}\
<div><label for=\"new-level\">Compatibility level</label> <select id=\"new-level\" name=\"level\">{levels}</select></div>\
<div><button type=\"submit\">Change level…</button></div></form>\
<form method=\"post\" action=\"set-mode\" class=\"panel stack\">{hidden}\
<div><label for=\"new-mode\">Mode</label> <select id=\"new-mode\" name=\"mode\">{modes}</select></div>\
<div><button type=\"submit\">Change mode…</button></div></form>"
    );
    if !schema.deleted
        && let Some(version) = schema.version
    {
        let _ = write!(
            body,
            "<form method=\"post\" action=\"delete-version\" class=\"panel stack\">{hidden}\
<input type=\"hidden\" name=\"v\" value=\"{version}\">\
<p>Soft-delete version {version}: it leaves <em>latest</em> and compatibility checks; its id stays readable.</p>\
<div><button type=\"submit\" class=\"danger\">Soft-delete v{version}…</button></div></form>"
        );
    }
    body.push_str("</div>");
}

/// A checked write request: same origin, a valid token, the fields.
struct Checked {
    params: Params,
    subject: SubjectName,
    confirmed: bool,
}

fn checked(
    ui: &UiState,
    who: &Who,
    headers: &HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Checked, UiError> {
    let raw = body.map_err(|e| UiError::new(e.status(), e.body_text()))?;
    // While this registry follows another's schemas topic, that one takes the writes.
    if let Some(follow) = ui.app.follow.as_deref()
        && follow.following()
    {
        return Err(UiError::new(StatusCode::CONFLICT, follow.refusal()));
    }
    if !csrf::same_origin(headers) {
        return Err(UiError::new(
            StatusCode::FORBIDDEN,
            "This form was sent from another site.",
        ));
    }
    let params = Params::parse(&raw);
    if !ui.csrf.verify(who, params.get(FIELD).unwrap_or_default()) {
        return Err(UiError::new(
            StatusCode::FORBIDDEN,
            "This form has expired or was not made by this registry; reload the page and try again.",
        ));
    }
    let subject = subject_param(&params)?;
    let confirmed = params.get("confirm") == Some("yes");
    Ok(Checked {
        params,
        subject,
        confirmed,
    })
}

/// The confirmation page: what will change, a button posting the same fields with
/// `confirm=yes`, and a way back.
fn confirm(
    ui: &UiState,
    who: &Who,
    checked: &Checked,
    action: &str,
    fields: &[(&str, String)],
    question: &str,
) -> Response {
    let name = checked.subject.as_str();
    let mut hidden = String::new();
    for (field, value) in fields {
        let _ = write!(
            hidden,
            "<input type=\"hidden\" name=\"{field}\" value=\"{}\">",
            esc(value)
        );
    }
    let body = format!(
        "<h1>Confirm</h1><form method=\"post\" action=\"{action}\" class=\"panel stack\">\
<p id=\"question\">{}</p>\
<input type=\"hidden\" name=\"s\" value=\"{}\"><input type=\"hidden\" name=\"{FIELD}\" value=\"{}\">{hidden}\
<input type=\"hidden\" name=\"confirm\" value=\"yes\">\
<div><button type=\"submit\" class=\"danger\" autofocus>Yes, change it</button> <a href=\"subject?s={}\">Cancel</a></div></form>",
        esc(question),
        esc(name),
        esc(&ui.csrf.token(who)),
        query(name)
    );
    page("Confirm", Nav::Subjects, &body)
}

fn back_to(subject: &SubjectName, version: Option<i32>, done: &str) -> Response {
    let mut to = format!("subject?s={}&done={done}", query(subject.as_str()));
    if let Some(v) = version {
        let _ = write!(to, "&v={v}");
    }
    Redirect::to(&to).into_response()
}

/// POST /ui/set-level (fields `s`, `level`, token, `confirm`)
pub(super) async fn level(
    State(ui): State<UiState>,
    who: Who,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Response, UiError> {
    let checked = checked(&ui, &who, &headers, body)?;
    require_subject_write(&who, &checked.subject)?;
    let level: CompatibilityLevel = checked
        .params
        .get("level")
        .unwrap_or_default()
        .parse()
        .map_err(|e: crate::domain::InvalidCompatibilityLevel| {
            UiError::bad_request(e.to_string())
        })?;
    if !checked.confirmed {
        let question = format!(
            "Set the compatibility level of {} to {level}? Later registrations are checked at this level.",
            checked.subject.as_str()
        );
        return Ok(confirm(
            &ui,
            &who,
            &checked,
            "set-level",
            &[("level", level.as_str().to_owned())],
            &question,
        ));
    }
    let mut update = ConfigUpdate::new();
    update.insert("compatibility".to_owned(), level.as_str().into());
    ui.app
        .registry
        .put_config(&who.caller(), Some(&checked.subject), update)
        .await?;
    Ok(back_to(&checked.subject, None, "level"))
}

/// POST /ui/set-mode (fields `s`, `mode`, token, `confirm`)
pub(super) async fn mode(
    State(ui): State<UiState>,
    who: Who,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Response, UiError> {
    let checked = checked(&ui, &who, &headers, body)?;
    require_subject_write(&who, &checked.subject)?;
    let mode: Mode = checked
        .params
        .get("mode")
        .unwrap_or_default()
        .parse()
        .map_err(|e: crate::domain::InvalidMode| UiError::bad_request(e.to_string()))?;
    if !checked.confirmed {
        let question = format!(
            "Put {} in mode {}?",
            checked.subject.as_str(),
            mode.as_str()
        );
        return Ok(confirm(
            &ui,
            &who,
            &checked,
            "set-mode",
            &[("mode", mode.as_str().to_owned())],
            &question,
        ));
    }
    ui.app
        .registry
        .put_mode(
            &who.caller(),
            Some(&checked.subject),
            Some(mode.as_str()),
            false,
        )
        .await?;
    Ok(back_to(&checked.subject, None, "mode"))
}

/// POST /ui/delete-version (fields `s`, `v`, token, `confirm`)
pub(super) async fn delete_version(
    State(ui): State<UiState>,
    who: Who,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Response, UiError> {
    let checked = checked(&ui, &who, &headers, body)?;
    require_subject_delete(&who, &checked.subject)?;
    let version: i32 = checked
        .params
        .number("v")?
        .ok_or_else(|| UiError::bad_request("name the version (v=N)"))?;
    if !checked.confirmed {
        let question = format!(
            "Soft-delete version {version} of {}? It leaves latest and compatibility checks; its schema id stays readable.",
            checked.subject.as_str()
        );
        return Ok(confirm(
            &ui,
            &who,
            &checked,
            "delete-version",
            &[("v", version.to_string())],
            &question,
        ));
    }
    ui.app
        .registry
        .delete_version(
            &who.caller(),
            &checked.subject,
            VersionRef::Number(version),
            false,
        )
        .await?;
    Ok(back_to(&checked.subject, Some(version), "deleted"))
}
