//! Two versions of a subject: a semantic view (the compatibility engine's findings in both
//! directions, read against the subject's level) and a side-by-side line diff of their
//! pretty-printed canonical texts.
//!
//! The semantic part is [`semantic_view`] alone, so a richer explanation can replace it.

use std::fmt::Write as _;

use axum::extract::State;
use axum::response::Response;
use http::Uri;

use super::UiState;
use super::escape::{esc, query};
use super::highlight::pretty;
use super::layout::{Nav, Params, UiError, page};
use super::subject::subject_param;
use super::textdiff::{Op, diff_lines};
use crate::api::access::Who;
use crate::domain::CompatibilityLevel;
use crate::registry::{Direction, VersionComparison};
use crate::schema::explain::{Change, ChangeKind};

/// GET /ui/diff?s=SUBJECT&a=OLD&b=NEW
pub(super) async fn show(
    State(ui): State<UiState>,
    who: Who,
    uri: Uri,
) -> Result<Response, UiError> {
    let params = Params::of_query(&uri);
    let subject = subject_param(&params)?;
    let a = params
        .number::<i32>("a")?
        .ok_or_else(|| UiError::bad_request("name the first version (a=N)"))?;
    let b = params
        .number::<i32>("b")?
        .ok_or_else(|| UiError::bad_request("name the second version (b=N)"))?;
    let comparison = ui
        .app
        .registry
        .compare_versions(&who.caller(), &subject, a, b)
        .await?;
    let name = subject.as_str();
    let mut body = String::new();
    let _ = write!(
        body,
        "<h1>v{a} → v{b} of <a href=\"subject?s={}\">{}</a></h1>",
        query(name),
        esc(name)
    );
    body.push_str(&semantic_view(&comparison));
    text_view(&mut body, &comparison);
    Ok(page(&format!("{name}: v{a} → v{b}"), Nav::Subjects, &body))
}

/// The engine's findings in both directions and what they mean under the subject's level.
#[must_use]
pub fn semantic_view(c: &VersionComparison) -> String {
    let (a, b) = (
        c.old.version.unwrap_or_default(),
        c.new.version.unwrap_or_default(),
    );
    let level = c.level;
    let mut out = String::new();
    let _ = write!(
        out,
        "<h2 id=\"meaning-h\">What changed means</h2><p>The subject's level is <strong>{level}</strong>.",
    );
    let backward_ok = matches!(&c.backward, Ok(found) if found.is_empty());
    let forward_ok = matches!(&c.forward, Ok(found) if found.is_empty());
    let allowed =
        (!level.checks_backward() || backward_ok) && (!level.checks_forward() || forward_ok);
    if level == CompatibilityLevel::None {
        out.push_str(" It checks nothing, so any change is allowed.</p>");
    } else if allowed {
        let _ = write!(
            out,
            "</p><p class=\"verdict good\">Under {level}, v{b} is compatible with v{a}.</p>"
        );
    } else {
        let _ = write!(
            out,
            "</p><p class=\"verdict bad\">Under {level}, v{b} is not compatible with v{a}.</p>"
        );
    }
    if level.is_transitive() {
        out.push_str(
            "<p class=\"muted\">A transitive level checks a new version against every earlier one; this page compares two.</p>",
        );
    }
    changes(&mut out, &c.changes);
    direction(
        &mut out,
        "backward",
        &format!("Consumers using v{b} reading data written with v{a}"),
        level.checks_backward(),
        &c.backward,
    );
    direction(
        &mut out,
        "forward",
        &format!("Consumers still on v{a} reading data written with v{b}"),
        level.checks_forward(),
        &c.forward,
    );
    out
}

/// The declarations added, removed and changed, with what each means.
fn changes(out: &mut String, changes: &[Change]) {
    out.push_str(
        "<section class=\"panel\" aria-labelledby=\"changes-h\"><h3 id=\"changes-h\">Changes</h3>",
    );
    if changes.is_empty() {
        out.push_str("<p class=\"muted\">No declaration changed.</p></section>");
        return;
    }
    out.push_str("<ul class=\"findings\">");
    for change in changes {
        let what = match change.change {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
        };
        let values = match (&change.old, &change.new) {
            (Some(old), Some(new)) => {
                format!(": <code>{}</code> → <code>{}</code>", esc(old), esc(new))
            }
            (None, Some(new)) => format!(": <code>{}</code>", esc(new)),
            (Some(old), None) => format!(": was <code>{}</code>", esc(old)),
            (None, None) => String::new(),
        };
        let _ = write!(
            out,
            "<li><span class=\"badge\">{what}</span> <code>{}</code>{values}<br>{}</li>",
            esc(&change.name),
            esc(&change.meaning)
        );
    }
    out.push_str("</ul></section>");
}

fn direction(out: &mut String, id: &str, title: &str, required: bool, found: &Direction) {
    let need = if required {
        "required by the level"
    } else {
        "not required by the level"
    };
    let _ = write!(
        out,
        "<section class=\"panel\" aria-labelledby=\"{id}-h\"><h3 id=\"{id}-h\">{} <span class=\"badge\">{id}</span></h3><p class=\"muted\">{need}</p>",
        esc(title)
    );
    match found {
        Err(aborted) => {
            let _ = write!(
                out,
                "<p class=\"verdict bad\">The check gave up: {}</p>",
                esc(aborted)
            );
        }
        Ok(found) if found.is_empty() => {
            out.push_str("<p class=\"verdict good\">They can: nothing incompatible.</p>");
        }
        Ok(found) => {
            let _ = write!(
                out,
                "<p class=\"verdict bad\">They cannot: {} incompatibilit{}.</p><ul class=\"findings\">",
                found.len(),
                if found.len() == 1 { "y" } else { "ies" }
            );
            for finding in found {
                let _ = write!(
                    out,
                    "<li>{}<br><strong>Fix:</strong> {}<br><small class=\"muted\"><code>{}</code> at <code>{}</code>: {}</small></li>",
                    esc(&finding.summary),
                    esc(&finding.fix),
                    esc(&finding.kind),
                    esc(&finding.path),
                    esc(&finding.message)
                );
            }
            out.push_str("</ul>");
        }
    }
    out.push_str("</section>");
}

fn text_view(body: &mut String, c: &VersionComparison) {
    let left = pretty(c.old.schema_type, &c.old.schema);
    let right = pretty(c.new.schema_type, &c.new.schema);
    let (l, r): (Vec<&str>, Vec<&str>) = (left.lines().collect(), right.lines().collect());
    let diff = diff_lines(&l, &r);
    let (a, b) = (
        c.old.version.unwrap_or_default(),
        c.new.version.unwrap_or_default(),
    );
    let _ = write!(
        body,
        "<h2 id=\"text-h\">Text</h2><p class=\"muted\">The canonical texts, pretty-printed; removed lines on the left (v{a}), added on the right (v{b}).</p>"
    );
    if diff.approximate {
        body.push_str("<p class=\"notice\">The texts differ too much to align line by line; the differing part is shown whole.</p>");
    }
    body.push_str(
        "<div class=\"diff\" tabindex=\"0\" aria-labelledby=\"text-h\"><table><thead><tr>",
    );
    let _ = write!(
        body,
        "<th class=\"ln\" scope=\"col\">#</th><th scope=\"col\">v{a}</th><th class=\"ln\" scope=\"col\">#</th><th scope=\"col\">v{b}</th></tr></thead><tbody>"
    );
    // Runs of removals and additions are paired row by row.
    let mut at = 0;
    let ops = &diff.ops;
    while at < ops.len() {
        if let Op::Same(i, j) = ops[at] {
            let _ = write!(
                body,
                "<tr><td class=\"ln\">{}</td><td>{}</td><td class=\"ln\">{}</td><td>{}</td></tr>",
                i + 1,
                esc(l[i]),
                j + 1,
                esc(r[j])
            );
            at += 1;
            continue;
        }
        let run_end = ops[at..]
            .iter()
            .position(|op| matches!(op, Op::Same(..)))
            .map_or(ops.len(), |n| at + n);
        let removed: Vec<usize> = ops[at..run_end]
            .iter()
            .filter_map(|op| match op {
                Op::Removed(i) => Some(*i),
                _ => None,
            })
            .collect();
        let added: Vec<usize> = ops[at..run_end]
            .iter()
            .filter_map(|op| match op {
                Op::Added(j) => Some(*j),
                _ => None,
            })
            .collect();
        for k in 0..removed.len().max(added.len()) {
            body.push_str("<tr>");
            match removed.get(k) {
                Some(&i) => {
                    let _ = write!(
                        body,
                        "<td class=\"ln\">{}</td><td class=\"del\">{}</td>",
                        i + 1,
                        esc(l[i])
                    );
                }
                None => body.push_str("<td class=\"ln\"></td><td></td>"),
            }
            match added.get(k) {
                Some(&j) => {
                    let _ = write!(
                        body,
                        "<td class=\"ln\">{}</td><td class=\"add\">{}</td>",
                        j + 1,
                        esc(r[j])
                    );
                }
                None => body.push_str("<td class=\"ln\"></td><td></td>"),
            }
            body.push_str("</tr>");
        }
        at = run_end;
    }
    body.push_str("</tbody></table></div>");
}
