//! A schema by id (its text and the subject-versions using it), and a pasted Kafka message
//! decoded: magic byte, schema id, schema, Protobuf message indexes, and the payload as
//! JSON, or a clear reason when the bytes are not Confluent-framed. The decoding itself is
//! [`crate::registry::Registry::decode_message`] over the pure `schema::decode`.

use std::fmt::Write as _;

use axum::extract::State;
use axum::response::Response;
use bytes::Bytes;
use http::Uri;

use super::UiState;
use super::escape::{esc, query};
use super::highlight::{highlight, pretty};
use super::layout::{Nav, Params, UiError, page};
use crate::api::access::Who;
use crate::domain::Page;
use crate::registry::{DecodeOutcome, RegisteredSchema};
use crate::schema::decode::{MAX_MESSAGE_TEXT, parse_message_text};

/// Subject-versions listed for one id.
const MAX_USES_SHOWN: usize = 100;

/// GET /ui/decode
pub(super) async fn form(uri: Uri) -> Response {
    let params = Params::of_query(&uri);
    let mut body = String::from("<h1>Schema by id / decode a message</h1>");
    forms(&mut body, params.get("id").unwrap_or_default(), "");
    page("Schema by id / decode", Nav::Decode, &body)
}

fn forms(body: &mut String, id: &str, message: &str) {
    let _ = write!(
        body,
        "<div class=\"grid2\"><form method=\"get\" action=\"schema\" class=\"panel stack\">\
<h2>Schema by id</h2><div><label for=\"schema-id\">Schema id</label> \
<input id=\"schema-id\" name=\"id\" inputmode=\"numeric\" required value=\"{}\"></div>\
<div><button type=\"submit\">Show</button></div></form>\
<form method=\"post\" action=\"decode\" class=\"panel stack\"><h2>Decode a message</h2>\
<div><label for=\"message\">Message bytes, hex or base64 (magic byte, schema id, payload)</label>\
<textarea id=\"message\" name=\"message\" required spellcheck=\"false\" maxlength=\"{MAX_MESSAGE_TEXT}\">{}</textarea></div>\
<div><button type=\"submit\">Decode</button></div></form></div>",
        esc(id),
        esc(message)
    );
}

/// GET /ui/schema?id=N
pub(super) async fn schema_page(
    State(ui): State<UiState>,
    who: Who,
    uri: Uri,
) -> Result<Response, UiError> {
    let params = Params::of_query(&uri);
    let id: i32 = params
        .number("id")?
        .ok_or_else(|| UiError::bad_request("name a schema id (id=N)"))?;
    let caller = who.caller();
    let registry = &ui.app.registry;
    let (record, _) = registry.schema_by_id(&caller, id, None).await?;
    let uses = registry
        .versions_of_id(
            &caller,
            id,
            None,
            true,
            Page {
                offset: 0,
                limit: MAX_USES_SHOWN,
            },
        )
        .await?;
    let schema = RegisteredSchema::from_schema(record);
    let mut body = format!("<h1>Schema {id}</h1>");
    facts(&mut body, &schema);
    body.push_str("<h2>Used by</h2><ul>");
    for used in &uses {
        let _ = write!(
            body,
            "<li><a href=\"subject?s={}&amp;v={}\">{} v{}</a>{}</li>",
            query(&used.subject),
            used.version,
            esc(&used.subject),
            used.version,
            if used.deleted {
                " <span class=\"badge\">deleted</span>"
            } else {
                ""
            }
        );
    }
    body.push_str("</ul>");
    schema_text(&mut body, &schema);
    forms(&mut body, &id.to_string(), "");
    Ok(page(&format!("Schema {id}"), Nav::Decode, &body))
}

fn facts(body: &mut String, schema: &RegisteredSchema) {
    let _ = write!(
        body,
        "<dl class=\"facts\"><dt>Schema id</dt><dd id=\"schema-id-value\">{}</dd><dt>GUID</dt><dd class=\"mono\">{}</dd><dt>Type</dt><dd>{}</dd></dl>",
        schema.id,
        esc(&schema.guid),
        schema.schema_type
    );
    if !schema.references.is_empty() {
        body.push_str("<p>References: ");
        for (n, reference) in schema.references.iter().enumerate() {
            if n > 0 {
                body.push_str(", ");
            }
            let _ = write!(
                body,
                "<a href=\"subject?s={}&amp;v={}\">{} v{}</a>",
                query(&reference.subject),
                reference.version,
                esc(&reference.subject),
                reference.version
            );
        }
        body.push_str("</p>");
    }
}

fn schema_text(body: &mut String, schema: &RegisteredSchema) {
    let _ = write!(
        body,
        "<h2 id=\"schema-h\">Schema</h2><pre class=\"code\" tabindex=\"0\" aria-labelledby=\"schema-h\"><code>{}</code></pre>",
        highlight(
            schema.schema_type,
            &pretty(schema.schema_type, &schema.schema)
        )
    );
}

/// POST /ui/decode (field `message`)
pub(super) async fn run(
    State(ui): State<UiState>,
    who: Who,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Response, UiError> {
    let raw = body.map_err(|e| UiError::new(e.status(), e.body_text()))?;
    let params = Params::parse(&raw);
    let text = params.get("message").unwrap_or_default();
    let mut out = String::from("<h1>Decode a message</h1>");
    let bytes = match parse_message_text(text) {
        Ok(bytes) => Some(bytes),
        Err(error) => {
            let _ = write!(
                out,
                "<p class=\"verdict bad\" role=\"alert\" id=\"decode-error\">{}</p>",
                esc(&error.message)
            );
            None
        }
    };
    if let Some(bytes) = bytes {
        let outcome = ui.app.registry.decode_message(&who.caller(), &bytes).await;
        match outcome {
            Ok(DecodeOutcome::NotFramed(error)) => {
                let _ = write!(
                    out,
                    "<p class=\"verdict bad\" role=\"alert\" id=\"decode-error\">{} ({} bytes).</p>",
                    esc(&error.message),
                    bytes.len()
                );
            }
            Err(error) => {
                let _ = write!(
                    out,
                    "<p class=\"verdict bad\" role=\"alert\" id=\"decode-error\">Framed, but: {}</p>",
                    esc(&error.to_string())
                );
            }
            Ok(DecodeOutcome::Framed(message)) => {
                let _ = write!(
                    out,
                    "<dl class=\"facts\"><dt>Magic byte</dt><dd>0x00</dd><dt>Schema id</dt><dd><a href=\"schema?id={id}\">{id}</a></dd>",
                    id = message.schema.id
                );
                if !message.indexes.is_empty() {
                    let _ = write!(
                        out,
                        "<dt>Message indexes</dt><dd>{:?}</dd>",
                        message.indexes
                    );
                }
                let _ = write!(
                    out,
                    "<dt>Payload</dt><dd>{} bytes</dd></dl>",
                    message.payload_bytes
                );
                match &message.value {
                    Ok(value) => {
                        let json = serde_json::to_string_pretty(value).unwrap_or_default();
                        let _ = write!(
                            out,
                            "<p class=\"verdict good\" role=\"status\">Decoded with schema {}.</p><h2 id=\"payload-h\">Payload</h2><pre class=\"code\" id=\"payload\" tabindex=\"0\" aria-labelledby=\"payload-h\"><code>{}</code></pre>",
                            message.schema.id,
                            highlight(crate::domain::SchemaType::Json, &json)
                        );
                    }
                    Err(error) => {
                        let _ = write!(
                            out,
                            "<p class=\"verdict bad\" role=\"alert\" id=\"decode-error\">The payload does not decode with schema {}: {}</p>",
                            message.schema.id,
                            esc(&error.message)
                        );
                    }
                }
                facts(&mut out, &message.schema);
                schema_text(&mut out, &message.schema);
            }
        }
    }
    // The pasted text is echoed back only when it is small enough to be worth editing.
    let echoed = if text.len() <= 64 * 1024 { text } else { "" };
    forms(&mut out, "", echoed);
    Ok(page("Decode a message", Nav::Decode, &out))
}
