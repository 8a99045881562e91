//! Aggregate option values (`{ key: value ... }`): the raw text the `.proto` parser keeps,
//! read into [`AggregateEntry`]s so they print and normalize like any other value.

use super::ast::{AggregateEntry, AggregateValue, OptionValue};

/// Reads the body of an aggregate value (the text between its braces).
///
/// # Errors
/// A short reason when the text is not a message literal or nests past `max_depth`.
pub fn parse(text: &str, max_depth: usize) -> Result<Vec<AggregateEntry>, String> {
    let tokens = tokenize(text)?;
    let mut reader = Reader { tokens, at: 0 };
    let entries = reader.entries(None, max_depth)?;
    match reader.peek() {
        None => Ok(entries),
        Some(token) => Err(format!(
            "unexpected '{}' in an aggregate value",
            token.text()
        )),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Str(Vec<u8>),
    Punct(char),
}

impl Token {
    fn text(&self) -> String {
        match self {
            Token::Word(word) => word.clone(),
            Token::Str(bytes) => String::from_utf8_lossy(bytes).into_owned(),
            Token::Punct(c) => c.to_string(),
        }
    }
}

fn tokenize(text: &str) -> Result<Vec<Token>, String> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'#' => {
                while bytes.get(i).is_some_and(|&c| c != b'\n') {
                    i += 1;
                }
            }
            b'"' | b'\'' => {
                let (value, next) = string_literal(bytes, i)?;
                tokens.push(Token::Str(value));
                i = next;
            }
            b'{' | b'}' | b'<' | b'>' | b'[' | b']' | b':' | b',' | b';' | b'/' => {
                tokens.push(Token::Punct(char::from(b)));
                i += 1;
            }
            _ if b == b'-' || b == b'+' || b == b'.' || b == b'_' || b.is_ascii_alphanumeric() => {
                let start = i;
                i += 1;
                while bytes.get(i).is_some_and(|&c| {
                    c == b'_' || c == b'.' || c.is_ascii_alphanumeric() || {
                        // An exponent's sign: `1e-5`.
                        (c == b'-' || c == b'+')
                            && matches!(bytes.get(i.wrapping_sub(1)), Some(b'e' | b'E'))
                            && bytes
                                .get(start)
                                .is_some_and(|s| s.is_ascii_digit() || *s == b'-')
                    }
                }) {
                    i += 1;
                }
                tokens.push(Token::Word(text[start..i].to_owned()));
            }
            _ => return Err(format!("unexpected character '{}'", char::from(b))),
        }
    }
    Ok(tokens)
}

/// Reads a quoted literal starting at `start`; answers its bytes and the index after it.
fn string_literal(bytes: &[u8], start: usize) -> Result<(Vec<u8>, usize), String> {
    let quote = bytes.get(start).copied().unwrap_or(b'"');
    let mut out = Vec::new();
    let mut i = start + 1;
    loop {
        match bytes.get(i) {
            None => return Err("unterminated string".to_owned()),
            Some(&c) if c == quote => return Ok((out, i + 1)),
            Some(b'\\') => {
                let (byte, next) = unescape_at(bytes, i + 1)?;
                out.extend_from_slice(&byte);
                i = next;
            }
            Some(&c) => {
                out.push(c);
                i += 1;
            }
        }
    }
}

/// Decodes the escape whose first character (after the backslash) is at `i`.
pub(super) fn unescape_at(bytes: &[u8], i: usize) -> Result<(Vec<u8>, usize), String> {
    let c = *bytes.get(i).ok_or("unterminated escape")?;
    let simple = match c {
        b'a' => Some(0x07),
        b'b' => Some(0x08),
        b'f' => Some(0x0c),
        b'n' => Some(b'\n'),
        b'r' => Some(b'\r'),
        b't' => Some(b'\t'),
        b'v' => Some(0x0b),
        b'\\' | b'\'' | b'"' | b'?' => Some(c),
        _ => None,
    };
    if let Some(byte) = simple {
        return Ok((vec![byte], i + 1));
    }
    if c == b'x' || c == b'X' {
        let digits: Vec<u8> = bytes
            .iter()
            .skip(i + 1)
            .take(2)
            .take_while(|d| d.is_ascii_hexdigit())
            .copied()
            .collect();
        let value = u8::from_str_radix(std::str::from_utf8(&digits).unwrap_or(""), 16)
            .map_err(|_| "bad hex escape".to_owned())?;
        return Ok((vec![value], i + 1 + digits.len()));
    }
    if (b'0'..=b'7').contains(&c) {
        let digits: Vec<u8> = bytes
            .iter()
            .skip(i)
            .take(3)
            .take_while(|d| (b'0'..=b'7').contains(*d))
            .copied()
            .collect();
        let value = u32::from_str_radix(std::str::from_utf8(&digits).unwrap_or(""), 8)
            .map_err(|_| "bad octal escape".to_owned())?;
        let byte = u8::try_from(value).map_err(|_| "octal escape out of range".to_owned())?;
        return Ok((vec![byte], i + digits.len()));
    }
    Err(format!("unknown escape '\\{}'", char::from(c)))
}

/// Decodes C-style escapes in a descriptor's `default_value` of a `bytes` field.
pub(super) fn unescape(text: &str) -> Result<Vec<u8>, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&c) = bytes.get(i) {
        if c == b'\\' {
            let (decoded, next) = unescape_at(bytes, i + 1)?;
            out.extend_from_slice(&decoded);
            i = next;
        } else {
            out.push(c);
            i += 1;
        }
    }
    Ok(out)
}

struct Reader {
    tokens: Vec<Token>,
    at: usize,
}

impl Reader {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn eat(&mut self, punct: char) -> bool {
        if self.peek() == Some(&Token::Punct(punct)) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    /// Entries until `close` (or the end of input when `close` is `None`).
    fn entries(
        &mut self,
        close: Option<char>,
        depth: usize,
    ) -> Result<Vec<AggregateEntry>, String> {
        let depth = depth
            .checked_sub(1)
            .ok_or_else(|| "aggregate value nests too deep".to_owned())?;
        let mut entries = Vec::new();
        loop {
            match (self.peek(), close) {
                (None, None) => return Ok(entries),
                (None, Some(c)) => return Err(format!("missing '{c}'")),
                (Some(Token::Punct(p)), Some(c)) if *p == c => {
                    self.at += 1;
                    return Ok(entries);
                }
                _ => {}
            }
            let key = self.key()?;
            let has_colon = self.eat(':');
            let value = self.value(has_colon, depth)?;
            entries.push(AggregateEntry { key, value });
            if !self.eat(',') {
                self.eat(';');
            }
        }
    }

    fn key(&mut self) -> Result<String, String> {
        match self.next() {
            Some(Token::Word(word)) => Ok(word),
            Some(Token::Punct('[')) => {
                let mut key = String::from("[");
                loop {
                    match self.next() {
                        Some(Token::Punct(']')) => break,
                        Some(Token::Word(word)) => key.push_str(&word),
                        Some(Token::Punct('/')) => key.push('/'),
                        _ => return Err("bad extension name in an aggregate value".to_owned()),
                    }
                }
                key.push(']');
                Ok(key)
            }
            other => Err(format!(
                "expected a field name, found '{}'",
                other.map(|t| t.text()).unwrap_or_default()
            )),
        }
    }

    fn value(&mut self, has_colon: bool, depth: usize) -> Result<AggregateValue, String> {
        match self.next() {
            Some(Token::Punct('{')) => Ok(AggregateValue::Scalar(OptionValue::Aggregate(
                self.entries(Some('}'), depth)?,
            ))),
            Some(Token::Punct('<')) => Ok(AggregateValue::Scalar(OptionValue::Aggregate(
                self.entries(Some('>'), depth)?,
            ))),
            Some(Token::Punct('[')) if has_colon => {
                let mut items = Vec::new();
                if self.eat(']') {
                    return Ok(AggregateValue::List(items));
                }
                loop {
                    let depth = depth
                        .checked_sub(1)
                        .ok_or_else(|| "aggregate value nests too deep".to_owned())?;
                    items.push(self.value(true, depth)?);
                    if self.eat(']') {
                        return Ok(AggregateValue::List(items));
                    }
                    if !self.eat(',') {
                        return Err("expected ',' or ']' in a list".to_owned());
                    }
                }
            }
            Some(Token::Str(mut bytes)) if has_colon => {
                // Adjacent literals concatenate.
                while let Some(Token::Str(more)) = self.peek() {
                    bytes.extend_from_slice(more);
                    self.at += 1;
                }
                Ok(AggregateValue::Scalar(OptionValue::String(bytes)))
            }
            Some(Token::Word(word)) if has_colon => Ok(AggregateValue::Scalar(scalar(&word))),
            other => Err(format!(
                "expected a value, found '{}'",
                other.map(|t| t.text()).unwrap_or_default()
            )),
        }
    }
}

/// An unquoted scalar: an integer, a float, or an identifier (`true`, `ENUM_VALUE`, `inf`).
pub(super) fn scalar(word: &str) -> OptionValue {
    let (negative, magnitude_text) = match word.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, word),
    };
    if let Some(magnitude) = integer(magnitude_text) {
        return OptionValue::Int {
            negative,
            magnitude,
        };
    }
    let first_is_digit = magnitude_text
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_digit() || b == b'.');
    if first_is_digit && let Ok(value) = word.trim_end_matches(['f', 'F']).parse::<f64>() {
        return OptionValue::Float(value);
    }
    OptionValue::Identifier(word.to_owned())
}

/// A decimal, hex (`0x1F`) or octal (`017`) integer literal.
fn integer(text: &str) -> Option<u64> {
    if let Some(hex) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        return u64::from_str_radix(hex, 16).ok();
    }
    if text.len() > 1 && text.starts_with('0') {
        return u64::from_str_radix(&text[1..], 8).ok();
    }
    if text.bytes().all(|b| b.is_ascii_digit()) && !text.is_empty() {
        return text.parse().ok();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(n: u64) -> AggregateValue {
        AggregateValue::Scalar(OptionValue::Int {
            negative: false,
            magnitude: n,
        })
    }

    #[test]
    fn reads_scalars_lists_nested_messages_and_extension_keys() {
        let entries = parse(
            r#"a : 1 b : "x\ty" c { d : -2.5 } e : [ 1 , 2 ] [acme.ext] : ON f < g : true >"#,
            16,
        )
        .unwrap();
        let keys: Vec<&str> = entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["a", "b", "c", "e", "[acme.ext]", "f"]);
        assert_eq!(entries[0].value, int(1));
        assert_eq!(
            entries[1].value,
            AggregateValue::Scalar(OptionValue::String(b"x\ty".to_vec()))
        );
        let AggregateValue::Scalar(OptionValue::Aggregate(inner)) = &entries[2].value else {
            panic!("c is a message: {:?}", entries[2].value);
        };
        assert_eq!(
            inner[0].value,
            AggregateValue::Scalar(OptionValue::Float(-2.5))
        );
        assert_eq!(entries[3].value, AggregateValue::List(vec![int(1), int(2)]));
        assert_eq!(
            entries[4].value,
            AggregateValue::Scalar(OptionValue::Identifier("ON".to_owned()))
        );
    }

    #[test]
    fn numbers_in_every_base_read_as_their_value() {
        assert_eq!(
            scalar("0x1F"),
            OptionValue::Int {
                negative: false,
                magnitude: 31
            }
        );
        assert_eq!(
            scalar("017"),
            OptionValue::Int {
                negative: false,
                magnitude: 15
            }
        );
        assert_eq!(
            scalar("-7"),
            OptionValue::Int {
                negative: true,
                magnitude: 7
            }
        );
        assert_eq!(scalar("1e3"), OptionValue::Float(1000.0));
        assert_eq!(scalar("inf"), OptionValue::Identifier("inf".to_owned()));
    }

    #[test]
    fn deep_or_broken_aggregates_are_errors() {
        let deep = "a { ".repeat(40) + &"} ".repeat(40);
        assert!(parse(&deep, 16).is_err());
        assert!(parse(&deep, 64).is_ok());
        assert!(parse("a : ", 16).is_err());
        assert!(parse("a { b : 1", 16).is_err());
        assert!(parse("a : \"open", 16).is_err());
        assert!(parse("a : [1 2]", 16).is_err());
    }

    #[test]
    fn c_escapes_decode() {
        assert_eq!(unescape(r"\001\377a\x41\n").unwrap(), b"\x01\xffaA\n");
        assert!(unescape(r"\q").is_err());
        assert!(unescape("\\").is_err());
    }
}
