//! A field's `default` both ways between the descriptor's string form (`default_value`:
//! strings raw, bytes C-escaped, numbers in decimal, enums and booleans by name) and the file
//! model's `OptionValue` of the kind the field type implies.

use std::fmt::Write as _;

use super::ast::{OptionValue, Scalar};

/// What a default is read or written as, from the field type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultKind {
    Text,
    Bytes,
    Bool,
    Integer,
    Floating,
    /// An enum constant (also used when a descriptor names a type without saying its kind).
    EnumConstant,
}

impl DefaultKind {
    #[must_use]
    pub fn of_scalar(scalar: Scalar) -> Self {
        match scalar {
            Scalar::String => DefaultKind::Text,
            Scalar::Bytes => DefaultKind::Bytes,
            Scalar::Bool => DefaultKind::Bool,
            Scalar::Double | Scalar::Float => DefaultKind::Floating,
            _ => DefaultKind::Integer,
        }
    }
}

fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn integer(text: &str) -> Option<OptionValue> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let magnitude = digits.parse::<u64>().ok()?;
    Some(OptionValue::Int {
        negative,
        magnitude,
    })
}

/// Reads a descriptor `default_value`; `Err` says why it is not one of its kind.
///
/// # Errors
/// The text is not a value of the kind.
pub fn from_descriptor(kind: DefaultKind, text: &str) -> Result<OptionValue, String> {
    let bad = || format!("invalid default value '{text}'");
    match kind {
        DefaultKind::Text => Ok(OptionValue::String(text.as_bytes().to_vec())),
        DefaultKind::Bytes => super::aggregate::unescape(text)
            .map(OptionValue::String)
            .map_err(|_| bad()),
        DefaultKind::Bool if text == "true" || text == "false" => {
            Ok(OptionValue::Identifier(text.to_owned()))
        }
        DefaultKind::EnumConstant if is_identifier(text) => {
            Ok(OptionValue::Identifier(text.to_owned()))
        }
        DefaultKind::Integer => integer(text).ok_or_else(bad),
        DefaultKind::Floating => {
            if matches!(text, "inf" | "-inf" | "nan" | "-nan") {
                return Ok(OptionValue::Identifier(text.to_owned()));
            }
            if let Some(value) = integer(text) {
                return Ok(value);
            }
            match text.parse::<f64>() {
                Ok(value) if value.is_finite() => Ok(OptionValue::Float(value)),
                _ => Err(bad()),
            }
        }
        DefaultKind::Bool | DefaultKind::EnumConstant => Err(bad()),
    }
}

/// The descriptor string of a written default, or `None` when the value does not fit.
#[must_use]
pub fn to_descriptor(kind: DefaultKind, value: &OptionValue) -> Option<String> {
    match (kind, value) {
        (DefaultKind::Text, OptionValue::String(bytes)) => {
            Some(String::from_utf8_lossy(bytes).into_owned())
        }
        (DefaultKind::Bytes, OptionValue::String(bytes)) => Some(c_escape(bytes)),
        (DefaultKind::Bool, OptionValue::Identifier(word)) if word == "true" || word == "false" => {
            Some(word.clone())
        }
        (DefaultKind::EnumConstant, OptionValue::Identifier(word)) => Some(word.clone()),
        (
            DefaultKind::Integer | DefaultKind::Floating,
            OptionValue::Int {
                negative,
                magnitude,
            },
        ) => Some(if *negative && *magnitude != 0 {
            format!("-{magnitude}")
        } else {
            magnitude.to_string()
        }),
        (DefaultKind::Floating, OptionValue::Float(value)) => Some(float_text(*value)),
        (DefaultKind::Floating, OptionValue::Identifier(word)) => {
            let lower = word.to_ascii_lowercase();
            matches!(lower.as_str(), "inf" | "-inf" | "nan" | "-nan" | "infinity")
                .then(|| lower.replace("infinity", "inf"))
        }
        _ => None,
    }
}

fn float_text(value: f64) -> String {
    if value.is_nan() {
        "nan".to_owned()
    } else if value.is_infinite() {
        if value < 0.0 { "-inf" } else { "inf" }.to_owned()
    } else {
        // Rust prints the shortest text that reads back to the same value.
        format!("{value}")
    }
}

/// Bytes as protoc writes a bytes default: printable ASCII as is, the usual escapes, octal
/// for the rest.
#[must_use]
pub fn c_escape(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        match b {
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            b'"' => out.push_str("\\\""),
            b'\'' => out.push_str("\\'"),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(char::from(b)),
            _ => {
                let _ = write!(out, "\\{b:03o}");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_escape_round_trips() {
        let raw = b"a\x00\n\"\\\xff~".to_vec();
        let text = c_escape(&raw);
        assert_eq!(text, "a\\000\\n\\\"\\\\\\377~");
        assert_eq!(
            from_descriptor(DefaultKind::Bytes, &text),
            Ok(OptionValue::String(raw))
        );
        assert!(from_descriptor(DefaultKind::Bytes, "\\q").is_err());
    }

    #[test]
    fn kinds_read_as_expected() {
        assert_eq!(
            from_descriptor(DefaultKind::Integer, "-42"),
            Ok(OptionValue::Int {
                negative: true,
                magnitude: 42
            })
        );
        assert!(from_descriptor(DefaultKind::Integer, "4x").is_err());
        assert_eq!(
            from_descriptor(DefaultKind::Floating, "1.5"),
            Ok(OptionValue::Float(1.5))
        );
        assert_eq!(
            from_descriptor(DefaultKind::Floating, "-inf"),
            Ok(OptionValue::Identifier("-inf".into()))
        );
        assert!(from_descriptor(DefaultKind::Bool, "yes").is_err());
        assert!(from_descriptor(DefaultKind::EnumConstant, "1A").is_err());
        assert_eq!(
            to_descriptor(DefaultKind::Floating, &OptionValue::Float(0.25)),
            Some("0.25".into())
        );
        assert_eq!(
            to_descriptor(
                DefaultKind::Bool,
                &OptionValue::Int {
                    negative: false,
                    magnitude: 1
                }
            ),
            None
        );
    }
}
