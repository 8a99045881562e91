//! The stored text of a JSON Schema, written as Confluent's Jackson writes it: compact, key order
//! preserved (a repeated key keeps its first place and its last value), decimals kept exactly
//! and printed the way `BigDecimal.toString` prints them; or with every object's keys sorted
//! recursively when normalizing.
//!
//! serde_json turns decimals into `f64`, which would print `1.50` as `1.5`, so the text is
//! re-read here with its number tokens kept. The input has already been accepted by serde_json,
//! so its nesting is bounded by serde_json's recursion limit (128).

use std::collections::HashMap;

use serde_json::Value;

/// Compact JSON, keys in document order.
pub(crate) fn compact(text: &str, parsed: &Value) -> String {
    render(text, false).unwrap_or_else(|| parsed.to_string())
}

/// Compact JSON with the keys of every object sorted (Confluent's `normalize`).
pub(crate) fn normalized(text: &str, parsed: &Value) -> String {
    render(text, true).unwrap_or_else(|| parsed.to_string())
}

fn render(text: &str, sort: bool) -> Option<String> {
    let mut reader = Reader {
        bytes: text.as_bytes(),
        text,
        at: 0,
    };
    let mut node = reader.value()?;
    reader.skip_whitespace();
    if reader.at != reader.bytes.len() {
        return None;
    }
    if sort {
        node.sort();
    }
    let mut out = String::with_capacity(text.len());
    node.write(&mut out);
    Some(out)
}

enum Node {
    Object(Vec<(String, Node)>),
    Array(Vec<Node>),
    /// Already escaped and quoted.
    String(String),
    /// Number or literal, already in output form.
    Atom(String),
}

impl Node {
    fn sort(&mut self) {
        match self {
            Node::Object(entries) => {
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                for (_, child) in entries {
                    child.sort();
                }
            }
            Node::Array(items) => items.iter_mut().for_each(Node::sort),
            Node::String(_) | Node::Atom(_) => {}
        }
    }

    fn write(&self, out: &mut String) {
        match self {
            Node::Object(entries) => {
                out.push('{');
                for (i, (key, child)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&quote(key));
                    out.push(':');
                    child.write(out);
                }
                out.push('}');
            }
            Node::Array(items) => {
                out.push('[');
                for (i, child) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    child.write(out);
                }
                out.push(']');
            }
            Node::String(s) | Node::Atom(s) => out.push_str(s),
        }
    }
}

fn quote(s: &str) -> String {
    Value::String(s.to_owned()).to_string()
}

struct Reader<'t> {
    bytes: &'t [u8],
    text: &'t str,
    at: usize,
}

impl Reader<'_> {
    fn skip_whitespace(&mut self) {
        while self
            .bytes
            .get(self.at)
            .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        self.skip_whitespace();
        if self.bytes.get(self.at) == Some(&byte) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn value(&mut self) -> Option<Node> {
        self.skip_whitespace();
        match self.bytes.get(self.at)? {
            b'{' => self.object(),
            b'[' => self.array(),
            b'"' => {
                let decoded = self.string()?;
                Some(Node::String(quote(&decoded)))
            }
            b't' => self.literal("true"),
            b'f' => self.literal("false"),
            b'n' => self.literal("null"),
            _ => self.number(),
        }
    }

    fn object(&mut self) -> Option<Node> {
        self.at += 1;
        let mut entries: Vec<(String, Node)> = Vec::new();
        // Where each key sits, so that a large object is read in linear time.
        let mut places: HashMap<String, usize> = HashMap::new();
        if self.eat(b'}') {
            return Some(Node::Object(entries));
        }
        loop {
            self.skip_whitespace();
            let key = self.string()?;
            if !self.eat(b':') {
                return None;
            }
            let child = self.value()?;
            // Like Jackson's ObjectNode: a repeated key keeps its place and takes the new value.
            match places.get(&key).and_then(|&at| entries.get_mut(at)) {
                Some(entry) => entry.1 = child,
                None => {
                    places.insert(key.clone(), entries.len());
                    entries.push((key, child));
                }
            }
            if self.eat(b',') {
                continue;
            }
            return self.eat(b'}').then_some(Node::Object(entries));
        }
    }

    fn array(&mut self) -> Option<Node> {
        self.at += 1;
        let mut items = Vec::new();
        if self.eat(b']') {
            return Some(Node::Array(items));
        }
        loop {
            items.push(self.value()?);
            if self.eat(b',') {
                continue;
            }
            return self.eat(b']').then_some(Node::Array(items));
        }
    }

    /// A string token, decoded (serde_json does the unescaping).
    fn string(&mut self) -> Option<String> {
        let start = self.at;
        if self.bytes.get(start) != Some(&b'"') {
            return None;
        }
        let mut i = start + 1;
        loop {
            match self.bytes.get(i)? {
                b'\\' => i += 2,
                b'"' => break,
                _ => i += 1,
            }
        }
        self.at = i + 1;
        serde_json::from_str(self.text.get(start..=i)?).ok()
    }

    fn literal(&mut self, word: &'static str) -> Option<Node> {
        let end = self.at + word.len();
        (self.text.get(self.at..end) == Some(word)).then(|| {
            self.at = end;
            Node::Atom(word.to_owned())
        })
    }

    fn number(&mut self) -> Option<Node> {
        let start = self.at;
        while self
            .bytes
            .get(self.at)
            .is_some_and(|b| matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
        {
            self.at += 1;
        }
        let token = self.text.get(start..self.at)?;
        if token.is_empty() {
            return None;
        }
        Some(Node::Atom(jackson_number(token)))
    }
}

/// How Jackson writes a number read with exact `BigDecimal`s: integers as digits, decimals as
/// `BigDecimal.toString()` (`1.50` stays, `1e2` becomes `1E+2`, `0.0000001` becomes `1E-7`).
fn jackson_number(token: &str) -> String {
    let negative = token.starts_with('-');
    let body = token.trim_start_matches(['-', '+']);
    if !body.contains(['.', 'e', 'E']) {
        let digits = body.trim_start_matches('0');
        return match (digits.is_empty(), negative) {
            (true, _) => "0".to_owned(),
            (false, true) => format!("-{digits}"),
            (false, false) => digits.to_owned(),
        };
    }
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(at) => match body[at + 1..].parse::<i64>() {
            Ok(e) => (&body[..at], e),
            Err(_) => return token.to_owned(),
        },
        None => (body, 0),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = format!("{int_part}{frac_part}");
    let coefficient = match all_digits.trim_start_matches('0') {
        "" => "0",
        c => c,
    };
    let Ok(frac_len) = i64::try_from(frac_part.len()) else {
        return token.to_owned();
    };
    let scale = frac_len - exponent;
    let Ok(len) = i64::try_from(coefficient.len()) else {
        return token.to_owned();
    };
    let adjusted = len - 1 - scale;
    let sign = if negative && coefficient != "0" {
        "-"
    } else {
        ""
    };
    let text = if scale >= 0 && adjusted >= -6 {
        plain(coefficient, scale)
    } else {
        let (first, rest) = coefficient.split_at(1);
        let point = if rest.is_empty() { "" } else { "." };
        let exp_sign = if adjusted > 0 { "+" } else { "" };
        format!("{first}{point}{rest}E{exp_sign}{adjusted}")
    };
    format!("{sign}{text}")
}

/// `coefficient × 10^-scale` without an exponent (scale ≥ 0).
fn plain(coefficient: &str, scale: i64) -> String {
    let Ok(scale) = usize::try_from(scale) else {
        return coefficient.to_owned();
    };
    if scale == 0 {
        return coefficient.to_owned();
    }
    if coefficient.len() > scale {
        let (int_part, frac_part) = coefficient.split_at(coefficient.len() - scale);
        format!("{int_part}.{frac_part}")
    } else {
        format!("0.{}{coefficient}", "0".repeat(scale - coefficient.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::{compact, jackson_number, normalized};

    fn both(text: &str) -> (String, String) {
        let parsed: serde_json::Value = serde_json::from_str(text).expect("json");
        (compact(text, &parsed), normalized(text, &parsed))
    }

    #[test]
    fn compact_keeps_key_order_and_drops_whitespace() {
        let (c, _) = both(r#"{ "type" : "object", "properties": {"b": {}, "a": {}} }"#);
        assert_eq!(c, r#"{"type":"object","properties":{"b":{},"a":{}}}"#);
    }

    #[test]
    fn normalized_sorts_nested_keys_but_not_arrays() {
        let (_, n) = both(
            r#"{"type":"object","required":["b","a"],"properties":{"b":{"type":"string","maxLength":3},"a":{}}}"#,
        );
        assert_eq!(
            n,
            r#"{"properties":{"a":{},"b":{"maxLength":3,"type":"string"}},"required":["b","a"],"type":"object"}"#
        );
    }

    #[test]
    fn repeated_keys_keep_first_place_and_last_value() {
        let (c, _) = both(r#"{"a":1,"b":2,"a":3}"#);
        assert_eq!(c, r#"{"a":3,"b":2}"#);
    }

    #[test]
    fn strings_are_re_escaped_minimally() {
        let (c, _) = both(r#"{"d":"\u0041\/b\n\u00e9 \ud83d\ude00"}"#);
        assert_eq!(c, "{\"d\":\"A/b\\né 😀\"}");
    }

    #[test]
    fn numbers_print_like_big_decimal() {
        for (input, expected) in [
            ("0", "0"),
            ("-0", "0"),
            ("12", "12"),
            ("-12", "-12"),
            ("12345678901234567890123", "12345678901234567890123"),
            ("1.50", "1.50"),
            ("-0.5", "-0.5"),
            ("0.001", "0.001"),
            ("0.0000001", "1E-7"),
            ("1e2", "1E+2"),
            ("1.0e2", "1.0E+2"),
            ("1.5E-3", "0.0015"),
            ("100.0", "100.0"),
            ("-0.0", "0.0"),
            ("1E0", "1"),
            ("12e-1", "1.2"),
        ] {
            assert_eq!(jackson_number(input), expected, "{input}");
        }
    }
}
