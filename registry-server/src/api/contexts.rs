//! `/contexts`: list and delete contexts, and Confluent's URL-prefix form
//! `/contexts/{ctx}/...`, rewritten before routing onto the qualified-subject routes
//! (`/contexts/.eu/subjects/s/versions` → `/subjects/:.eu:s/versions`).

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::ApiError;
use super::AppState;
use super::access::Who;
use super::bodies::json;
use super::extract::{ApiPath, Params};
use super::routes::Routes;

pub fn routes() -> Routes {
    Routes::new()
        .get("/contexts", list)
        .delete("/contexts/{context}", delete)
}

/// GET /contexts
async fn list(
    State(state): State<AppState>,
    who: Who,
    params: Params,
) -> Result<Response, ApiError> {
    let page = params.page(state.registry.settings().limits.max_list_items)?;
    let contexts = state.registry.contexts(&who.caller()).await?;
    Ok(json(&page.apply(contexts)))
}

/// DELETE /contexts/{context}: 204 when it holds no schema (soft-deleted ones count), else
/// 42211. A context holding no subject the caller may read looks empty (nothing is deleted
/// either way: a context exists while it holds schemas).
async fn delete(
    State(state): State<AppState>,
    who: Who,
    ApiPath(context): ApiPath<String>,
) -> Result<Response, ApiError> {
    let context = normalize_context(&context)?;
    let contexts = state.registry.contexts(&who.caller()).await?;
    if context == crate::domain::DEFAULT_CONTEXT || contexts.contains(&context) {
        return Err(ApiError::new(
            42211,
            format!("The specified context ':{context}:' is not empty."),
        ));
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// A context name with its leading dot; `:` is not allowed in one.
fn normalize_context(raw: &str) -> Result<String, ApiError> {
    if raw.contains(':') || raw.chars().any(char::is_control) {
        return Err(ApiError::new(400, format!("Invalid context name '{raw}'")));
    }
    Ok(if raw.starts_with('.') {
        raw.to_owned()
    } else {
        format!(".{raw}")
    })
}

/// Rewrites a request in the URL-prefix form onto the ordinary routes (untouched otherwise).
pub fn rewrite_request(mut request: Request) -> Request {
    if let Some(rewritten) = request
        .uri()
        .path_and_query()
        .and_then(|pq| rewrite(pq.as_str()))
        && let Ok(uri) = rewritten.parse()
    {
        *request.uri_mut() = uri;
    }
    request
}

/// The ordinary path (and query) for `/contexts/{ctx}/{tail}`; `None` for anything else.
#[must_use]
pub fn rewrite(path_and_query: &str) -> Option<String> {
    let (path, query) = path_and_query
        .split_once('?')
        .map_or((path_and_query, None), |(p, q)| (p, Some(q)));
    let (raw_context, tail) = path.strip_prefix("/contexts/")?.split_once('/')?;
    if tail.is_empty() || raw_context.contains(':') {
        return None;
    }
    let context = if raw_context.starts_with('.') {
        raw_context.to_owned()
    } else {
        format!(".{raw_context}")
    };
    let qualifier = format!(":{context}:");
    let with_query = |path: String, extra: Option<(&str, &str)>| {
        let mut params: Vec<String> = query
            .map(|q| {
                q.split('&')
                    .filter(|p| !p.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        if let Some((key, value)) = extra
            && !params.iter().any(|p| p.split('=').next() == Some(key))
        {
            params.push(format!("{key}={value}"));
        }
        if params.is_empty() {
            path
        } else {
            format!("{path}?{}", params.join("&"))
        }
    };
    let (head, rest) = tail.split_once('/').map_or((tail, ""), |(h, r)| (h, r));
    Some(match head {
        "subjects" if rest.is_empty() => {
            with_query("/subjects".to_owned(), Some(("subjectPrefix", &qualifier)))
        }
        "subjects" => with_query(format!("/subjects/{qualifier}{rest}"), None),
        "config" | "mode" => with_query(format!("/{head}/{qualifier}{rest}"), None),
        "compatibility" => {
            let subject_path = rest.strip_prefix("subjects/")?;
            with_query(
                format!("/compatibility/subjects/{qualifier}{subject_path}"),
                None,
            )
        }
        "schemas" => with_query(
            format!("/schemas/{rest}").trim_end_matches('/').to_owned(),
            Some(("subject", &qualifier)),
        ),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::rewrite;

    #[test]
    fn prefix_form_maps_onto_qualified_routes() {
        let cases = [
            (
                "/contexts/.eu/subjects/orders/versions",
                Some("/subjects/:.eu:orders/versions"),
            ),
            (
                "/contexts/.eu/subjects/a%2Fb/versions/1?deleted=true",
                Some("/subjects/:.eu:a%2Fb/versions/1?deleted=true"),
            ),
            (
                "/contexts/eu/subjects",
                Some("/subjects?subjectPrefix=:.eu:"),
            ),
            (
                "/contexts/.eu/subjects?deleted=true",
                Some("/subjects?deleted=true&subjectPrefix=:.eu:"),
            ),
            ("/contexts/.eu/config", Some("/config/:.eu:")),
            ("/contexts/.eu/config/orders", Some("/config/:.eu:orders")),
            ("/contexts/.eu/mode", Some("/mode/:.eu:")),
            (
                "/contexts/.eu/schemas/ids/3",
                Some("/schemas/ids/3?subject=:.eu:"),
            ),
            (
                "/contexts/.eu/compatibility/subjects/o/versions/latest",
                Some("/compatibility/subjects/:.eu:o/versions/latest"),
            ),
            ("/contexts/.eu", None),
            ("/contexts", None),
            ("/contexts/a:b/subjects", None),
            ("/subjects/x", None),
        ];
        for (input, expected) in cases {
            assert_eq!(rewrite(input).as_deref(), expected, "{input}");
        }
    }
}
