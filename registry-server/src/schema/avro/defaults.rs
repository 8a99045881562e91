//! Field defaults: Avro Java's `Schema.isValidDefault` and the textual float/double
//! conversion its parser applies first.

use serde_json::Value;

use super::model::{Graph, Kind, Node, NodeId};

/// `Double.parseDouble` for textual float/double defaults; non-finite values stay textual,
/// which is how Jackson writes them back.
pub(crate) fn parse_java_double(text: &str) -> Result<Value, String> {
    let trimmed = text.trim();
    let parsed: f64 = match trimmed {
        "NaN" => f64::NAN,
        "Infinity" | "+Infinity" => f64::INFINITY,
        "-Infinity" => f64::NEG_INFINITY,
        _ => trimmed
            .trim_end_matches(['d', 'D', 'f', 'F'])
            .parse()
            .ok()
            .filter(|f: &f64| f.is_finite() || trimmed.contains(['e', 'E']))
            .ok_or_else(|| format!("For input string: \"{text}\""))?,
    };
    Ok(match serde_json::Number::from_f64(parsed) {
        Some(n) => Value::Number(n),
        None if parsed.is_nan() => Value::String("NaN".to_owned()),
        None if parsed > 0.0 => Value::String("Infinity".to_owned()),
        None => Value::String("-Infinity".to_owned()),
    })
}

/// Avro Java's `Schema.isValidDefault`.
pub(crate) fn valid_default(graph: &Graph, ty: NodeId, value: &Value) -> bool {
    match graph.node(ty) {
        Node::Primitive { kind, .. } => match kind {
            Kind::String | Kind::Bytes => value.is_string(),
            Kind::Int => value.as_i64().is_some_and(|i| i32::try_from(i).is_ok()),
            Kind::Long => value.is_i64(),
            Kind::Float | Kind::Double => {
                value.is_number()
                    || matches!(value.as_str(), Some("NaN" | "Infinity" | "-Infinity"))
            }
            Kind::Boolean => value.is_boolean(),
            Kind::Null => value.is_null(),
            _ => false,
        },
        Node::Enum { .. } | Node::Fixed { .. } => value.is_string(),
        Node::Array { items, .. } => value
            .as_array()
            .is_some_and(|elems| elems.iter().all(|e| valid_default(graph, *items, e))),
        Node::Map { values, .. } => value
            .as_object()
            .is_some_and(|map| map.values().all(|v| valid_default(graph, *values, v))),
        Node::Union { branches } => branches.iter().any(|b| valid_default(graph, *b, value)),
        Node::Record { fields, .. } => {
            let Some(obj) = value.as_object() else {
                return false;
            };
            fields.iter().all(
                |field| match obj.get(&field.name).or(field.default.as_ref()) {
                    Some(v) => valid_value(graph, field.ty, v),
                    None => false,
                },
            )
        }
    }
}

fn valid_value(graph: &Graph, ty: NodeId, value: &Value) -> bool {
    match graph.node(ty) {
        Node::Union { branches } => branches.iter().any(|b| valid_default(graph, *b, value)),
        _ => valid_default(graph, ty, value),
    }
}
