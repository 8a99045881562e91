//! Which fields a field-level rule selects: a field's tags are its inline tags (Avro and JSON
//! `confluent:tags`, Protobuf `(confluent.field_meta).tags`) plus the tags of every
//! `metadata.tags` entry whose wildcard path matches the field's full name.
#![cfg_attr(not(feature = "rules"), allow(dead_code))]

use std::collections::BTreeSet;

use super::Metadata;

/// The `metadata.tags` of a schema: wildcard path → tags.
#[derive(Debug, Clone, Default)]
pub(crate) struct TagPatterns(Vec<(String, BTreeSet<String>)>);

impl TagPatterns {
    pub(crate) fn of(metadata: Option<&Metadata>) -> Self {
        Self(
            metadata
                .map(|m| m.tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default(),
        )
    }

    /// The field's tags: `inline` plus those of every pattern matching `full_name`.
    pub(crate) fn tags(&self, full_name: &str, inline: &BTreeSet<String>) -> BTreeSet<String> {
        let mut tags = inline.clone();
        for (pattern, t) in &self.0 {
            if wildcard_match(pattern, full_name) {
                tags.extend(t.iter().cloned());
            }
        }
        tags
    }
}

/// Inline `confluent:tags` of an Avro field or a JSON Schema property.
pub(crate) fn inline_json_tags(node: &serde_json::Value) -> BTreeSet<String> {
    node.get("confluent:tags")
        .and_then(|t| t.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|t| t.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Confluent's wildcard paths over dotted names: `?` is one character and `*` any run of
/// characters within a segment, `**` any run across segments (`**.*` means `**`).
pub(crate) fn wildcard_match(pattern: &str, text: &str) -> bool {
    fn go(p: &[u8], t: &[u8], budget: &mut usize) -> bool {
        if *budget == 0 {
            return false;
        }
        *budget -= 1;
        match p {
            [] => t.is_empty(),
            [b'*', b'*', rest @ ..] => (0..=t.len()).any(|i| go(rest, &t[i..], budget)),
            [b'*', rest @ ..] => {
                let seg = t.iter().position(|c| *c == b'.').unwrap_or(t.len());
                (0..=seg).any(|i| go(rest, &t[i..], budget))
            }
            [b'?', rest @ ..] => {
                matches!(t.first(), Some(c) if *c != b'.') && go(rest, &t[1..], budget)
            }
            [c, rest @ ..] => t.first() == Some(c) && go(rest, &t[1..], budget),
        }
    }
    let pattern = pattern.replace("**.*", "**");
    let mut budget = 100_000; // hostile patterns backtrack; past this, no match
    go(pattern.as_bytes(), text.as_bytes(), &mut budget)
}

#[cfg(test)]
mod tests {
    use super::wildcard_match;

    #[test]
    fn wildcards_match_as_confluent_documents() {
        assert!(wildcard_match("shop.Order.email", "shop.Order.email"));
        assert!(wildcard_match("shop.Order.*", "shop.Order.email"));
        assert!(!wildcard_match("shop.*", "shop.Order.email"));
        assert!(wildcard_match("**.email", "shop.Order.email"));
        assert!(wildcard_match("shop.**.*", "shop.Order.email"));
        assert!(!wildcard_match("**.mail", "shop.Order.email"));
        assert!(wildcard_match("shop.Order.e?ail", "shop.Order.email"));
        assert!(!wildcard_match("shop?Order.email", "shop.Order.email"));
        assert!(wildcard_match("$.a*", "$.address"));
        // a backtracking-heavy pattern ends (bounded work) with no match
        assert!(!wildcard_match(
            &format!("{}b", "*a".repeat(50)),
            &"a".repeat(200)
        ));
    }
}
