//! One subject: its versions (soft-deleted ones marked), the selected version's schema
//! pretty-printed and highlighted with its id, GUID, references (linked) and referrers,
//! the subject's level and mode, a diff picker, and the writes the caller may make.

use std::fmt::Write as _;

use axum::extract::State;
use axum::response::Response;
use http::Uri;

use super::UiState;
use super::escape::{esc, query};
use super::highlight::{highlight, pretty};
use super::layout::{Nav, Params, UiError, page};
use crate::api::access::Who;
use crate::domain::{Page, SubjectName, VersionRef};
use crate::registry::{Caller, RegisteredSchema, Registry, VersionsQuery};

/// Versions listed at most (the newest); the rest are reachable by number.
const MAX_VERSIONS_SHOWN: usize = 500;

/// Referring schemas listed at most, and subject-versions per referring schema.
const MAX_REFERRERS_SHOWN: usize = 50;
const MAX_USES_SHOWN: usize = 10;

/// Parses the `s` parameter every subject page takes.
pub(super) fn subject_param(params: &Params) -> Result<SubjectName, UiError> {
    let raw = params
        .get("s")
        .ok_or_else(|| UiError::bad_request("name a subject (s=...)"))?;
    SubjectName::parse_lenient(raw).map_err(|e| UiError::bad_request(e.to_string()))
}

/// GET /ui/subject?s=SUBJECT&v=VERSION
pub(super) async fn show(
    State(ui): State<UiState>,
    who: Who,
    uri: Uri,
) -> Result<Response, UiError> {
    let params = Params::of_query(&uri);
    let subject = subject_param(&params)?;
    let caller = who.caller();
    let registry = &ui.app.registry;
    let all = VersionsQuery {
        deleted: true,
        deleted_only: false,
        deleted_as_negative: true,
    };
    let versions = registry.list_versions(&caller, &subject, all).await?;
    let latest_live = versions.iter().copied().filter(|v| *v > 0).max();
    let selected = match params.number::<i32>("v")? {
        Some(v) => v,
        None => latest_live.unwrap_or_else(|| versions.iter().map(|v| v.abs()).max().unwrap_or(1)),
    };
    let schema = registry
        .get_version(&caller, &subject, VersionRef::Number(selected), true)
        .await?;
    let name = subject.as_str();

    let mut body = String::new();
    let _ = write!(body, "<h1>{}</h1>", esc(name));
    if subject.context() != crate::domain::DEFAULT_CONTEXT {
        let _ = write!(
            body,
            "<p class=\"muted\">Context <code>{}</code></p>",
            esc(subject.context())
        );
    }
    if let Some(done) = params.get("done") {
        let text = match done {
            "level" => Some("The compatibility level was changed."),
            "mode" => Some("The mode was changed."),
            "deleted" => Some("The version was soft-deleted."),
            _ => None,
        };
        if let Some(text) = text {
            let _ = write!(body, "<p class=\"notice\" role=\"status\">{text}</p>");
        }
    }
    versions_section(&mut body, name, &versions, selected);
    body.push_str("<div class=\"grid2\"><section aria-labelledby=\"version-h\">");
    version_section(&mut body, &schema);
    references_section(&mut body, registry, &caller, &subject, &schema).await?;
    body.push_str("</section><section aria-labelledby=\"settings-h\">");
    let (level, mode) = settings_section(&mut body, registry, &caller, &subject).await?;
    diff_form(&mut body, name, &versions, selected);
    let _ = write!(
        body,
        "<p><a href=\"check?s={}\">Check a draft against this subject</a></p>",
        query(name)
    );
    body.push_str("</section></div>");
    let _ = write!(
        body,
        "<h2 id=\"schema-h\">Schema</h2><pre class=\"code\" tabindex=\"0\" aria-labelledby=\"schema-h\"><code>{}</code></pre>",
        highlight(
            schema.schema_type,
            &pretty(schema.schema_type, &schema.schema)
        )
    );
    if who.may_write_subject(&subject) {
        super::writes::forms(&mut body, &ui, &who, &subject, &schema, (&level, mode));
    }
    Ok(page(name, Nav::Subjects, &body))
}

fn versions_section(body: &mut String, name: &str, versions: &[i32], selected: i32) {
    body.push_str(
        "<h2 id=\"versions-h\">Versions</h2><ul class=\"chips\" aria-labelledby=\"versions-h\">",
    );
    let skipped = versions.len().saturating_sub(MAX_VERSIONS_SHOWN);
    for &v in &versions[skipped..] {
        let number = v.abs();
        let current = if number == selected {
            " aria-current=\"true\""
        } else {
            ""
        };
        let (class, note) = if v < 0 {
            (
                " class=\"deleted\"",
                " <span class=\"badge\">deleted</span>",
            )
        } else {
            ("", "")
        };
        let _ = write!(
            body,
            "<li><a href=\"subject?s={}&amp;v={number}\"{current}><span{class}>v{number}</span>{note}</a></li>",
            query(name)
        );
    }
    body.push_str("</ul>");
    if skipped > 0 {
        let _ = write!(
            body,
            "<p class=\"muted\">The {skipped} oldest versions are not listed; open one with <code>&amp;v=N</code>.</p>"
        );
    }
}

fn version_section(body: &mut String, schema: &RegisteredSchema) {
    let version = schema.version.unwrap_or_default();
    let _ = write!(body, "<h2 id=\"version-h\">Version {version}");
    if schema.deleted {
        body.push_str(" <span class=\"badge bad\">soft-deleted</span>");
    }
    let _ = write!(
        body,
        "</h2><dl class=\"facts\"><dt>Schema id</dt><dd><a href=\"schema?id={id}\">{id}</a></dd>\
<dt>GUID</dt><dd class=\"mono\">{guid}</dd><dt>Type</dt><dd>{kind}</dd><dt>Registered</dt><dd>{ts}</dd></dl>",
        id = schema.id,
        guid = esc(&schema.guid),
        kind = schema.schema_type,
        ts = esc(&utc(schema.ts)),
    );
}

async fn references_section(
    body: &mut String,
    registry: &Registry,
    caller: &Caller,
    subject: &SubjectName,
    schema: &RegisteredSchema,
) -> Result<(), UiError> {
    body.push_str("<h3>References</h3>");
    if schema.references.is_empty() {
        body.push_str("<p class=\"muted\">None.</p>");
    } else {
        body.push_str("<ul>");
        for reference in &schema.references {
            let target = subject.qualify_reference(&reference.subject);
            let _ = write!(
                body,
                "<li><code>{}</code> → <a class=\"reference\" href=\"subject?s={}&amp;v={}\">{} v{}</a></li>",
                esc(&reference.name),
                query(&target),
                reference.version,
                esc(&reference.subject),
                reference.version
            );
        }
        body.push_str("</ul>");
    }
    body.push_str("<h3>Referenced by</h3>");
    let version = VersionRef::Number(schema.version.unwrap_or_default());
    let ids = registry
        .referenced_by(caller, subject, version, true)
        .await?;
    if ids.is_empty() {
        body.push_str("<p class=\"muted\">No schema you can see references this version.</p>");
        return Ok(());
    }
    body.push_str("<ul>");
    let first = Page {
        offset: 0,
        limit: MAX_USES_SHOWN,
    };
    for &id in ids.iter().take(MAX_REFERRERS_SHOWN) {
        let _ = write!(body, "<li><a href=\"schema?id={id}\">id {id}</a>");
        let uses = registry
            .versions_of_id(caller, id, None, true, first)
            .await
            .unwrap_or_default();
        for used in uses {
            let _ = write!(
                body,
                " · <a href=\"subject?s={}&amp;v={}\">{} v{}</a>",
                query(&used.subject),
                used.version,
                esc(&used.subject),
                used.version
            );
        }
        body.push_str("</li>");
    }
    body.push_str("</ul>");
    if ids.len() > MAX_REFERRERS_SHOWN {
        let _ = write!(
            body,
            "<p class=\"muted\">and {} more.</p>",
            ids.len() - MAX_REFERRERS_SHOWN
        );
    }
    Ok(())
}

async fn settings_section(
    body: &mut String,
    registry: &Registry,
    caller: &Caller,
    subject: &SubjectName,
) -> Result<(String, crate::domain::Mode), UiError> {
    let effective = registry.get_config(caller, Some(subject), true).await?;
    let level = effective
        .get("compatibilityLevel")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let own_level = registry
        .get_config(caller, Some(subject), false)
        .await
        .is_ok();
    let mode = registry.get_mode(caller, Some(subject), true).await?;
    let own_mode = registry
        .get_mode(caller, Some(subject), false)
        .await
        .is_ok();
    let origin = |own: bool| {
        if own {
            "set on this subject"
        } else {
            "inherited"
        }
    };
    let _ = write!(
        body,
        "<h2 id=\"settings-h\">Compatibility and mode</h2><dl class=\"facts\">\
<dt>Level</dt><dd><strong id=\"level\">{}</strong> <span class=\"muted\">({})</span></dd>\
<dt>Mode</dt><dd><strong id=\"mode\">{}</strong> <span class=\"muted\">({})</span></dd></dl>",
        esc(&level),
        origin(own_level),
        mode.as_str(),
        origin(own_mode)
    );
    Ok((level, mode))
}

fn diff_form(body: &mut String, name: &str, versions: &[i32], selected: i32) {
    if versions.len() < 2 {
        return;
    }
    let previous = versions
        .iter()
        .map(|v| v.abs())
        .filter(|v| *v < selected)
        .max()
        .or_else(|| versions.iter().map(|v| v.abs()).find(|v| *v != selected))
        .unwrap_or(selected);
    let options = |chosen: i32| {
        let mut out = String::new();
        let skipped = versions.len().saturating_sub(MAX_VERSIONS_SHOWN);
        for v in &versions[skipped..] {
            let number = v.abs();
            let mark = if *v < 0 { " (deleted)" } else { "" };
            let sel = if number == chosen { " selected" } else { "" };
            let _ = write!(
                out,
                "<option value=\"{number}\"{sel}>v{number}{mark}</option>"
            );
        }
        out
    };
    let _ = write!(
        body,
        "<h2 id=\"diff-h\">Compare versions</h2><form class=\"inline\" method=\"get\" action=\"diff\" aria-labelledby=\"diff-h\">\
<input type=\"hidden\" name=\"s\" value=\"{}\">\
<div><label for=\"diff-a\">From</label><select id=\"diff-a\" name=\"a\">{}</select></div>\
<div><label for=\"diff-b\">To</label><select id=\"diff-b\" name=\"b\">{}</select></div>\
<div><button type=\"submit\">Compare</button></div></form>",
        esc(name),
        options(previous),
        options(selected)
    );
}

/// Milliseconds since the epoch as `YYYY-MM-DD HH:MM:SS UTC`.
#[must_use]
pub(super) fn utc(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (proleptic Gregorian calendar).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::utc;

    #[test]
    fn timestamps_print_as_utc_dates() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(951_782_400_000), "2000-02-29 00:00:00 UTC");
        assert_eq!(utc(1_700_000_000_123), "2023-11-14 22:13:20 UTC");
        assert_eq!(utc(-1000), "1969-12-31 23:59:59 UTC");
    }
}
