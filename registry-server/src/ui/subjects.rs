//! The subjects list: a name-prefix search, a context filter, and one page of subjects
//! with their latest version's type, version and id, and their level and mode. One page is
//! one paged listing query plus two cached settings reads per row, however many subjects
//! the registry holds.

use std::fmt::Write as _;

use axum::extract::State;
use axum::response::Response;
use http::Uri;

use super::UiState;
use super::escape::{esc, query};
use super::layout::{Nav, Params, UiError, page};
use crate::api::access::Who;
use crate::domain::{DEFAULT_CONTEXT, Page};
use crate::registry::{Caller, RegisteredSchema, SubjectPrefix};

/// Subjects per page.
pub const PAGE_SIZE: usize = 50;

/// Highest offset a page link may carry (the listing skips in the database, but a
/// ridiculous offset is refused rather than scanned).
pub const MAX_OFFSET: usize = 10_000_000;

/// GET /ui/?q=PREFIX&ctx=CONTEXT&offset=N
pub(super) async fn show(
    State(ui): State<UiState>,
    who: Who,
    uri: Uri,
) -> Result<Response, UiError> {
    let params = Params::of_query(&uri);
    let search = params.get("q").unwrap_or_default().trim().to_owned();
    let context = params.filled("ctx").map(str::to_owned);
    let offset: usize = params.number("offset")?.unwrap_or(0);
    if offset > MAX_OFFSET {
        return Err(UiError::bad_request(format!(
            "offset must be at most {MAX_OFFSET}"
        )));
    }
    let caller = who.caller();
    let registry = &ui.app.registry;
    let prefix = match (&context, search.as_str()) {
        (None, "") => SubjectPrefix::All,
        // Longer than any subject may be: matches nothing, and no database is asked.
        (_, name) if name.len() > crate::domain::max_subject_bytes() => SubjectPrefix::Nothing,
        (None, name) => SubjectPrefix::parse(Some(name)),
        (Some(ctx), name) if ctx == DEFAULT_CONTEXT => SubjectPrefix::Context {
            context: DEFAULT_CONTEXT.to_owned(),
            prefix: name.to_owned(),
        },
        (Some(ctx), name) => SubjectPrefix::parse(Some(&format!(":{ctx}:{name}"))),
    };
    // One more than shown tells whether a next page exists.
    let listed = registry
        .list_schemas(
            &caller,
            &prefix,
            false,
            true,
            None,
            Page {
                offset,
                limit: PAGE_SIZE + 1,
            },
        )
        .await?;
    let has_next = listed.len() > PAGE_SIZE;
    let contexts = registry.contexts(&caller).await?;

    let mut body = String::new();
    body.push_str("<h1>Subjects</h1>");
    search_form(&mut body, &search, context.as_deref(), &contexts);
    if listed.is_empty() {
        body.push_str("<p class=\"notice\">No subjects here");
        if !search.is_empty() {
            let _ = write!(body, " start with <code>{}</code>", esc(&search));
        }
        body.push_str(".</p>");
    } else {
        body.push_str(
            "<table class=\"subjects\" aria-describedby=\"keys-help\"><thead><tr><th scope=\"col\">Subject</th>\
<th scope=\"col\">Type</th><th scope=\"col\">Latest</th><th scope=\"col\">Id</th>\
<th scope=\"col\">Level</th><th scope=\"col\">Mode</th></tr></thead><tbody>",
        );
        for schema in listed.iter().take(PAGE_SIZE) {
            row(&mut body, &ui, &caller, schema).await?;
        }
        body.push_str("</tbody></table>");
        body.push_str(
            "<p id=\"keys-help\" class=\"muted\">Keys: <kbd>/</kbd> search, <kbd>↓</kbd> <kbd>↑</kbd> move between subjects, <kbd>Enter</kbd> open.</p>",
        );
    }
    pager(
        &mut body,
        &search,
        context.as_deref(),
        offset,
        listed.len().min(PAGE_SIZE),
        has_next,
    );
    Ok(page("Subjects", Nav::Subjects, &body))
}

fn search_form(body: &mut String, search: &str, context: Option<&str>, contexts: &[String]) {
    let _ = write!(
        body,
        "<form class=\"inline\" role=\"search\" method=\"get\" action=\"./\">\
<div><label for=\"q\">Subjects starting with</label>\
<input id=\"q\" name=\"q\" type=\"search\" value=\"{}\" autocomplete=\"off\" spellcheck=\"false\"></div>",
        esc(search)
    );
    if contexts.len() > 1 {
        body.push_str("<div><label for=\"ctx\">Context</label><select id=\"ctx\" name=\"ctx\">");
        let _ = write!(
            body,
            "<option value=\"\"{}>all contexts</option>",
            if context.is_none() { " selected" } else { "" }
        );
        for ctx in contexts {
            let label = if ctx == DEFAULT_CONTEXT {
                "default (.)"
            } else {
                ctx.as_str()
            };
            let selected = if context == Some(ctx.as_str()) {
                " selected"
            } else {
                ""
            };
            let _ = write!(
                body,
                "<option value=\"{}\"{selected}>{}</option>",
                esc(ctx),
                esc(label)
            );
        }
        body.push_str("</select></div>");
    }
    body.push_str("<div><button type=\"submit\">Search</button></div></form>");
}

async fn row(
    body: &mut String,
    ui: &UiState,
    caller: &Caller,
    schema: &RegisteredSchema,
) -> Result<(), UiError> {
    let registry = &ui.app.registry;
    let name = schema.subject.as_deref().unwrap_or_default();
    let subject = crate::domain::SubjectName::parse_lenient(name)
        .map_err(|e| UiError::bad_request(e.to_string()))?;
    let config = registry.get_config(caller, Some(&subject), true).await?;
    let level = config
        .get("compatibilityLevel")
        .and_then(serde_json::Value::as_str)
        .unwrap_or("BACKWARD")
        .to_owned();
    let mode = registry.get_mode(caller, Some(&subject), true).await?;
    let _ = write!(
        body,
        "<tr><td><a class=\"subject-link\" href=\"subject?s={}\">{}</a></td>\
<td data-label=\"type\">{}</td><td data-label=\"latest\">v{}</td><td data-label=\"id\">{}</td>\
<td data-label=\"level\">{}</td><td data-label=\"mode\">{}</td></tr>",
        query(name),
        esc(name),
        schema.schema_type,
        schema.version.unwrap_or_default(),
        schema.id,
        esc(&level),
        mode.as_str()
    );
    Ok(())
}

fn pager(
    body: &mut String,
    search: &str,
    context: Option<&str>,
    offset: usize,
    shown: usize,
    has_next: bool,
) {
    let link = |offset: usize| {
        let mut href = format!("./?q={}&amp;offset={offset}", query(search));
        if let Some(ctx) = context {
            let _ = write!(href, "&amp;ctx={}", query(ctx));
        }
        href
    };
    body.push_str("<nav class=\"pager\" aria-label=\"Pages\">");
    if offset > 0 {
        let _ = write!(
            body,
            "<a href=\"{}\" rel=\"prev\">← Previous</a>",
            link(offset.saturating_sub(PAGE_SIZE))
        );
    }
    if shown > 0 {
        let _ = write!(
            body,
            "<span class=\"muted\">{}–{}</span>",
            offset + 1,
            offset + shown
        );
    }
    if has_next {
        let _ = write!(
            body,
            "<a href=\"{}\" rel=\"next\">Next →</a>",
            link(offset + PAGE_SIZE)
        );
    }
    body.push_str("</nav>");
}
