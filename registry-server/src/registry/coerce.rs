//! Request fields read as Confluent's JSON binding reads them: a string field takes a number
//! or a boolean as its text, an integer field takes a string holding an integer, and a
//! boolean field takes the strings `true` and `false`; anything else in such a field is a
//! malformed request (400).

use serde::Deserialize;
use serde::de::{Deserializer, Error as _};
use serde_json::Value;

/// A string field: a string, or a number or boolean as its text; `null` is absent.
///
/// # Errors
/// An array or object.
pub fn string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    match <Value as Deserialize>::deserialize(deserializer)? {
        Value::Null => Ok(None),
        Value::String(text) => Ok(Some(text)),
        Value::Number(n) => Ok(Some(n.to_string())),
        Value::Bool(b) => Ok(Some(b.to_string())),
        other => Err(D::Error::custom(format!(
            "expected a string, found {}",
            kind(&other)
        ))),
    }
}

/// A 32-bit integer field: a number without a fraction, or a string holding one; `null` is
/// absent.
///
/// # Errors
/// Anything else, or a value outside 32 bits.
pub fn int<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i32>, D::Error> {
    let value = <Value as Deserialize>::deserialize(deserializer)?;
    let number = match &value {
        Value::Null => return Ok(None),
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 1e15)
                .map(|f| f as i64)
        }),
        Value::String(text) => text.trim().parse::<i64>().ok(),
        _ => None,
    };
    number
        .and_then(|n| i32::try_from(n).ok())
        .map(Some)
        .ok_or_else(|| D::Error::custom(format!("expected a 32-bit integer, found {value}")))
}

/// A boolean config value: `true`/`false`, or those words as a string (any case).
#[must_use]
pub fn boolean(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(text) if text.eq_ignore_ascii_case("true") => Some(true),
        Value::String(text) if text.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
        _ => "a scalar",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    struct Probe {
        #[serde(default, deserialize_with = "string")]
        text: Option<String>,
        #[serde(default, deserialize_with = "int")]
        number: Option<i32>,
    }

    fn probe(json: &str) -> Result<Probe, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn scalars_coerce_as_confluent_reads_them() {
        let p = probe(r#"{"text": 5, "number": "7"}"#).unwrap();
        assert_eq!((p.text.as_deref(), p.number), (Some("5"), Some(7)));
        let p = probe(r#"{"text": true, "number": 3.0}"#).unwrap();
        assert_eq!((p.text.as_deref(), p.number), (Some("true"), Some(3)));
        let p = probe(r#"{"text": null, "number": null}"#).unwrap();
        assert_eq!((p.text, p.number), (None, None));
        let p = probe("{}").unwrap();
        assert_eq!((p.text, p.number), (None, None));
    }

    #[test]
    fn what_cannot_coerce_is_refused() {
        for bad in [
            r#"{"text": [1]}"#,
            r#"{"text": {"a": 1}}"#,
            r#"{"number": "one"}"#,
            r#"{"number": 2147483648}"#,
            r#"{"number": 1.5}"#,
            r#"{"number": true}"#,
        ] {
            assert!(probe(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn booleans_from_words() {
        assert_eq!(boolean(&Value::from("TRUE")), Some(true));
        assert_eq!(boolean(&Value::from("false")), Some(false));
        assert_eq!(boolean(&Value::from(true)), Some(true));
        assert_eq!(boolean(&Value::from("yes")), None);
        assert_eq!(boolean(&Value::from(1)), None);
    }
}
