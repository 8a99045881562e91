//! Schema text for reading: JSON (Avro, JSON Schema) pretty-printed, and every type
//! highlighted by a small tokenizer that wraps tokens in `<span class=...>` (keys `k`,
//! strings `s`, numbers `n`, literals and keywords `kw`, comments `c`). Every piece of the
//! text goes through [`esc`]; the tokenizers only choose where spans start and end.

use super::escape::esc;
use crate::domain::SchemaType;

/// The text as people read it: JSON pretty-printed (the stored text when it is not JSON),
/// Protobuf as stored (its canonical text is already laid out).
#[must_use]
pub fn pretty(schema_type: SchemaType, text: &str) -> String {
    match schema_type {
        SchemaType::Avro | SchemaType::Json => serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .and_then(|value| serde_json::to_string_pretty(&value).ok())
            .unwrap_or_else(|| text.to_owned()),
        SchemaType::Protobuf => text.to_owned(),
    }
}

/// `text` (already [`pretty`]) as highlighted HTML for a `<pre>`.
#[must_use]
pub fn highlight(schema_type: SchemaType, text: &str) -> String {
    match schema_type {
        SchemaType::Avro | SchemaType::Json => json(text),
        SchemaType::Protobuf => proto(text),
    }
}

fn span(out: &mut String, class: &str, text: &str) {
    out.push_str("<span class=\"");
    out.push_str(class);
    out.push_str("\">");
    out.push_str(&esc(text));
    out.push_str("</span>");
}

/// JSON tokens; anything unexpected is copied escaped, so malformed text still shows.
fn json(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        let start = at;
        match bytes[at] {
            b'"' => {
                at += 1;
                while at < bytes.len() && bytes[at] != b'"' {
                    at += if bytes[at] == b'\\' { 2 } else { 1 };
                }
                at = (at + 1).min(bytes.len());
                let rest = text[at..].trim_start_matches([' ', '\t']);
                let class = if rest.starts_with(':') { "k" } else { "s" };
                span(&mut out, class, &text[start..at]);
            }
            b'-' | b'0'..=b'9' => {
                while at < bytes.len()
                    && matches!(bytes[at], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                {
                    at += 1;
                }
                span(&mut out, "n", &text[start..at]);
            }
            b't' | b'f' | b'n' => {
                while at < bytes.len() && bytes[at].is_ascii_alphabetic() {
                    at += 1;
                }
                span(&mut out, "kw", &text[start..at]);
            }
            _ => {
                let len = text[at..].chars().next().map_or(1, char::len_utf8);
                at += len;
                out.push_str(&esc(&text[start..at]));
            }
        }
    }
    out
}

const PROTO_KEYWORDS: &[&str] = &[
    "syntax",
    "edition",
    "package",
    "import",
    "public",
    "weak",
    "option",
    "message",
    "enum",
    "service",
    "rpc",
    "returns",
    "stream",
    "oneof",
    "map",
    "repeated",
    "optional",
    "required",
    "reserved",
    "extensions",
    "extend",
    "to",
    "max",
    "group",
    "true",
    "false",
    "double",
    "float",
    "int32",
    "int64",
    "uint32",
    "uint64",
    "sint32",
    "sint64",
    "fixed32",
    "fixed64",
    "sfixed32",
    "sfixed64",
    "bool",
    "string",
    "bytes",
];

/// `.proto` tokens: comments, strings, numbers, keywords and scalar types.
fn proto(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        let start = at;
        let rest = &text[at..];
        if rest.starts_with("//") {
            at += rest.find('\n').unwrap_or(rest.len());
            span(&mut out, "c", &text[start..at]);
        } else if let Some(comment) = rest.strip_prefix("/*") {
            at += comment.find("*/").map_or(rest.len(), |end| end + 4);
            span(&mut out, "c", &text[start..at]);
        } else if bytes[at] == b'"' || bytes[at] == b'\'' {
            let quote = bytes[at];
            at += 1;
            while at < bytes.len() && bytes[at] != quote && bytes[at] != b'\n' {
                at += if bytes[at] == b'\\' { 2 } else { 1 };
            }
            at = (at + 1).min(bytes.len());
            span(&mut out, "s", &text[start..at]);
        } else if bytes[at].is_ascii_digit() {
            while at < bytes.len() && (bytes[at].is_ascii_alphanumeric() || bytes[at] == b'.') {
                at += 1;
            }
            span(&mut out, "n", &text[start..at]);
        } else if bytes[at].is_ascii_alphabetic() || bytes[at] == b'_' {
            while at < bytes.len() && (bytes[at].is_ascii_alphanumeric() || bytes[at] == b'_') {
                at += 1;
            }
            let word = &text[start..at];
            if PROTO_KEYWORDS.contains(&word) {
                span(&mut out, "kw", word);
            } else {
                out.push_str(word);
            }
        } else {
            at += rest.chars().next().map_or(1, char::len_utf8);
            out.push_str(&esc(&text[start..at]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_keys_strings_numbers_and_literals_get_their_spans() {
        let text = pretty(
            SchemaType::Avro,
            r#"{"type":"record","name":"A<b>","fields":[{"name":"n","type":"int","default":-1.5e3}],"x":null}"#,
        );
        let html = highlight(SchemaType::Avro, &text);
        assert!(
            html.contains(r#"<span class="k">&quot;type&quot;</span>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<span class="s">&quot;A&lt;b&gt;&quot;</span>"#),
            "{html}"
        );
        assert!(html.contains(r#"<span class="n">-1500.0</span>"#), "{html}");
        assert!(html.contains(r#"<span class="kw">null</span>"#), "{html}");
        assert!(!html.contains("<b>"));
    }

    #[test]
    fn malformed_and_hostile_text_is_still_escaped() {
        for text in [
            "\"unterminated <script>",
            "\"\\",
            "</pre><script>alert(1)</script>",
            "ü\"ö\\\"<",
        ] {
            for kind in [SchemaType::Json, SchemaType::Protobuf] {
                let html = highlight(kind, text);
                assert!(!html.contains("<script"), "{kind:?} {html}");
                assert!(!html.contains("</pre"), "{kind:?} {html}");
            }
        }
    }

    #[test]
    fn proto_comments_keywords_and_strings() {
        let html = highlight(
            SchemaType::Protobuf,
            "syntax = \"proto3\";\n// a <note>\nmessage M { int32 id = 1; }\n/* x",
        );
        assert!(html.contains(r#"<span class="kw">syntax</span>"#), "{html}");
        assert!(
            html.contains(r#"<span class="s">&quot;proto3&quot;</span>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<span class="c">// a &lt;note&gt;</span>"#),
            "{html}"
        );
        assert!(html.contains(r#"<span class="n">1</span>"#), "{html}");
        assert!(html.contains(r#"<span class="c">/* x</span>"#), "{html}");
        assert!(html.contains(" M "), "{html}");
    }
}
