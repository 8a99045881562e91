//! Finds the line where a declaration is written, by searching the source text for each
//! [`Anchor`] of its way in turn (`"name": "Payment"`, then `"name": "currency"`).
//!
//! A search that stops early answers the line of the last anchor found, i.e. the enclosing
//! declaration: a field removed from the new file points at its record there.

use regex::Regex;

use super::outline::Anchor;

/// The 1-based line of the declaration `anchors` lead to in `text`, or of the deepest
/// enclosing one found; `None` when not even the first is found.
#[must_use]
pub fn line_of(text: &str, anchors: &[Anchor]) -> Option<usize> {
    let mut from = 0;
    let mut found = None;
    for anchor in anchors {
        let Some(pattern) = pattern(anchor) else {
            break;
        };
        let Some(hit) = pattern.find_at(text, from) else {
            break;
        };
        found = Some(hit.start());
        from = hit.end();
    }
    found.map(|at| {
        1 + text.as_bytes()[..at]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
    })
}

/// The search pattern of one anchor (names are escaped; a JSON name as JSON spells it).
fn pattern(anchor: &Anchor) -> Option<Regex> {
    let source = match anchor {
        Anchor::AvroName(name) => format!(r#""name"\s*:\s*{}"#, regex::escape(&quoted(name))),
        Anchor::JsonKey(key) => format!(r"{}\s*:", regex::escape(&quoted(key))),
        Anchor::ProtoBlock(keyword, name) => {
            format!(r"\b{keyword}\s+{}\b", regex::escape(name))
        }
        Anchor::ProtoNumbered(name, number) => {
            format!(r"\b{}\s*=\s*{number}\b", regex::escape(name))
        }
        Anchor::ProtoPackage => r"\bpackage\b".to_owned(),
    };
    Regex::new(&source).ok()
}

/// `name` as a JSON string literal.
fn quoted(name: &str) -> String {
    serde_json::to_string(name).unwrap_or_else(|_| format!("\"{name}\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    const AVRO: &str = "{\n  \"type\": \"record\",\n  \"name\": \"Order\",\n  \"fields\": [\n    {\"name\": \"id\", \"type\": \"string\"},\n    {\"name\": \"total\", \"type\": \"double\"}\n  ]\n}\n";

    #[test]
    fn finds_nested_declarations_in_order() {
        let anchors = [
            Anchor::AvroName("Order".to_owned()),
            Anchor::AvroName("total".to_owned()),
        ];
        assert_eq!(line_of(AVRO, &anchors), Some(6));
    }

    #[test]
    fn a_missing_leaf_answers_its_parent() {
        let anchors = [
            Anchor::AvroName("Order".to_owned()),
            Anchor::AvroName("currency".to_owned()),
        ];
        assert_eq!(line_of(AVRO, &anchors), Some(3));
        assert_eq!(line_of(AVRO, &[Anchor::AvroName("Nope".to_owned())]), None);
    }

    #[test]
    fn protobuf_fields_by_name_and_number_and_names_are_escaped() {
        let proto = "syntax = \"proto3\";\npackage a.b;\nmessage M {\n  int32 w = 4;\n  string x = 40;\n}\n";
        let anchors = [
            Anchor::ProtoBlock("message", "M".to_owned()),
            Anchor::ProtoNumbered("w".to_owned(), 4),
        ];
        assert_eq!(line_of(proto, &anchors), Some(4));
        assert_eq!(line_of(proto, &[Anchor::ProtoPackage]), Some(2));
        assert_eq!(
            line_of(proto, &[Anchor::ProtoNumbered("x".to_owned(), 4)]),
            None
        );
        assert_eq!(
            line_of("{\"a.*\": 1}", &[Anchor::JsonKey("a.*".to_owned())]),
            Some(1)
        );
        assert_eq!(
            line_of("{\"ab\": 1}", &[Anchor::JsonKey("a.".to_owned())]),
            None
        );
    }
}
