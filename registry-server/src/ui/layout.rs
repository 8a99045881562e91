//! The page frame every UI page shares (header navigation, main landmark, the one
//! stylesheet and script), the error page, and the query/form parameters pages read.

use axum::response::{Html, IntoResponse, Response};
use http::StatusCode;

use super::escape::esc;
use crate::api::ApiError;
use crate::registry::RegistryError;

/// Which navigation entry a page belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Subjects,
    Check,
    Decode,
}

/// A whole page: `body` is HTML already escaped by its builder.
#[must_use]
pub fn page(title: &str, nav: Nav, body: &str) -> Response {
    page_with_status(StatusCode::OK, title, nav, body)
}

fn page_with_status(status: StatusCode, title: &str, nav: Nav, body: &str) -> Response {
    let link = |to: Nav, href: &str, text: &str| {
        let current = if to == nav {
            " aria-current=\"page\""
        } else {
            ""
        };
        format!("<a href=\"{href}\"{current}>{text}</a>")
    };
    let html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{title} · Schema registry</title>\
<link rel=\"icon\" href=\"assets/icon.svg\" type=\"image/svg+xml\"><link rel=\"stylesheet\" href=\"assets/app.css\"><script src=\"assets/app.js\" defer></script></head>\
<body><a class=\"skip\" href=\"#main\">Skip to content</a>\
<header><nav aria-label=\"Main\"><a class=\"brand\" href=\"./\">Schema registry</a>{subjects}{check}{decode}</nav></header>\
<main id=\"main\">{body}</main>\
<footer>Served by the registry itself; this page makes no request to any other site.</footer>\
</body></html>\n",
        title = esc(title),
        subjects = link(Nav::Subjects, "./", "Subjects"),
        check = link(Nav::Check, "check", "Check a draft"),
        decode = link(Nav::Decode, "decode", "Schema by id / decode"),
    );
    (status, Html(html)).into_response()
}

/// A failure shown as a page, with the status of its code's family.
#[derive(Debug, Clone)]
pub struct UiError {
    pub status: StatusCode,
    pub message: String,
}

impl UiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        UiError {
            status,
            message: message.into(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "There is no such page.")
    }
}

impl From<ApiError> for UiError {
    fn from(error: ApiError) -> Self {
        UiError::new(error.status, error.message)
    }
}

impl From<RegistryError> for UiError {
    fn from(error: RegistryError) -> Self {
        ApiError::from(error).into()
    }
}

impl IntoResponse for UiError {
    fn into_response(self) -> Response {
        let title = self.status.canonical_reason().unwrap_or("Error").to_owned();
        let body = format!(
            "<h1>{}</h1><p class=\"notice\" role=\"alert\">{}</p><p><a href=\"./\">Back to the subjects</a></p>",
            esc(&title),
            esc(&self.message)
        );
        page_with_status(self.status, &title, Nav::Subjects, &body)
    }
}

/// Decoded `name=value` pairs of a query string or a form body.
#[derive(Debug, Clone, Default)]
pub struct Params(Vec<(String, String)>);

impl Params {
    #[must_use]
    pub fn parse(raw: &[u8]) -> Self {
        Params(form_urlencoded::parse(raw).into_owned().collect())
    }

    #[must_use]
    pub fn of_query(uri: &http::Uri) -> Self {
        Self::parse(uri.query().unwrap_or_default().as_bytes())
    }

    /// The first value of `name`.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The first value of `name` when present and not blank.
    #[must_use]
    pub fn filled(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.trim().is_empty())
    }

    /// `name` as a number; absent or blank is `None`, anything else not a number is an error.
    ///
    /// # Errors
    /// A 400 page naming the parameter.
    pub fn number<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, UiError> {
        match self.filled(name) {
            None => Ok(None),
            Some(raw) => raw
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| UiError::bad_request(format!("{name} must be a number"))),
        }
    }
}
