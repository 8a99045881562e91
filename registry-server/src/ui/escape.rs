//! The one place text becomes HTML: [`esc`] escapes a value for element content and quoted
//! attribute values alike, [`query`] encodes a value for a URL's query string. Every
//! dynamic value a page shows passes through one of them.

use std::borrow::Cow;

/// `s` with `& < > " '` replaced by character references: safe in element content and in
/// a double- or single-quoted attribute value (never in an unquoted one, a `<script>` or a
/// URL scheme position).
#[must_use]
pub fn esc(s: &str) -> Cow<'_, str> {
    if !s.contains(['&', '<', '>', '"', '\'']) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    Cow::Owned(out)
}

/// `s` encoded as one query-string component (`application/x-www-form-urlencoded`): the
/// result holds only ASCII letters, digits, `*-._`, `+` and `%XX`, so it is also safe inside
/// an attribute.
#[must_use]
pub fn query(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_become_references() {
        assert_eq!(
            esc(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
        assert!(matches!(esc("orders-value"), Cow::Borrowed(_)));
        assert_eq!(esc("ünï&cödé"), "ünï&amp;cödé");
        assert_eq!(esc(""), "");
    }

    #[test]
    fn escaped_text_never_holds_a_markup_character() {
        let hostile = "\"><img src=x onerror=alert(1)>'`&#x3C;\u{0}\u{2028}";
        let out = esc(hostile);
        assert!(!out.contains(['<', '>', '"', '\'']), "{out}");
        // Every `&` starts one of our references.
        for (at, _) in out.match_indices('&') {
            let rest = &out[at..];
            assert!(
                ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
                    .iter()
                    .any(|r| rest.starts_with(r)),
                "{rest}"
            );
        }
    }

    #[test]
    fn query_components_round_trip_and_stay_inert() {
        for raw in [":.ctx:orders value", "a&b=c?d#e/f", "<x>\"'", "ü/%2F"] {
            let encoded = query(raw);
            assert!(
                encoded
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"*-._+%".contains(&b)),
                "{encoded}"
            );
            let back: Vec<(String, String)> =
                form_urlencoded::parse(format!("s={encoded}").as_bytes())
                    .into_owned()
                    .collect();
            assert_eq!(back, vec![("s".to_owned(), raw.to_owned())]);
        }
    }
}
