//! The stored text of a JSON Schema: compact JSON with key order preserved (what Jackson
//! writes), or with every object's keys sorted recursively when normalizing.

use serde_json::{Map, Value};

/// Compact JSON, keys in document order.
pub(crate) fn compact(value: &Value) -> String {
    value.to_string()
}

/// Compact JSON with the keys of every object sorted (Confluent's `normalize`).
pub(crate) fn normalized(value: &Value) -> String {
    sorted(value).to_string()
}

fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            let mut out = Map::with_capacity(entries.len());
            for (key, child) in entries {
                out.insert(key.clone(), sorted(child));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::{compact, normalized};

    #[test]
    fn compact_keeps_key_order_and_drops_whitespace() {
        let v: serde_json::Value =
            serde_json::from_str(r#"{ "type" : "object", "properties": {"b": {}, "a": {}} }"#)
                .expect("json");
        assert_eq!(
            compact(&v),
            r#"{"type":"object","properties":{"b":{},"a":{}}}"#
        );
    }

    #[test]
    fn normalized_sorts_nested_keys_but_not_arrays() {
        let v: serde_json::Value = serde_json::from_str(
            r#"{"type":"object","required":["b","a"],"properties":{"b":{"type":"string","maxLength":3},"a":{}}}"#,
        )
        .expect("json");
        assert_eq!(
            normalized(&v),
            r#"{"properties":{"a":{},"b":{"maxLength":3,"type":"string"}},"required":["b","a"],"type":"object"}"#
        );
    }
}
