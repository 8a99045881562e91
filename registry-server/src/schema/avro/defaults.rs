//! Field defaults: Avro Java's `Schema.isValidDefault` and the textual float/double
//! conversion its parser applies first.

use std::collections::HashMap;

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

/// Avro Java's `Schema.isValidDefault`, nesting at most `max_depth` levels.
///
/// A record field missing from the value is checked through the field's own default, so
/// chains of named types can lead far deeper than the value's JSON; each (type, value) pair
/// is decided once, so union branches cannot make the walk exponential.
///
/// # Errors
/// The detail text when the walk nests deeper than `max_depth`.
pub(crate) fn valid_default(
    graph: &Graph,
    ty: NodeId,
    value: &Value,
    max_depth: usize,
) -> Result<bool, String> {
    let mut check = DefaultCheck {
        graph,
        max_depth,
        depth: 0,
        memo: HashMap::new(),
        too_deep: false,
    };
    let valid = check.valid(ty, value);
    if check.too_deep {
        return Err(crate::schema::limits::too_deep("nesting", max_depth));
    }
    Ok(valid)
}

struct DefaultCheck<'g> {
    graph: &'g Graph,
    max_depth: usize,
    depth: usize,
    /// (type, address of the value) → verdict; the values outlive the check.
    memo: HashMap<(NodeId, usize), bool>,
    too_deep: bool,
}

impl DefaultCheck<'_> {
    fn valid(&mut self, ty: NodeId, value: &Value) -> bool {
        if self.too_deep || self.depth >= self.max_depth {
            self.too_deep = true;
            return false;
        }
        let key = (ty, std::ptr::from_ref(value) as usize);
        if let Some(&known) = self.memo.get(&key) {
            return known;
        }
        self.depth += 1;
        let valid = self.decide(ty, value);
        self.depth -= 1;
        self.memo.insert(key, valid);
        valid
    }

    fn decide(&mut self, ty: NodeId, value: &Value) -> bool {
        let graph = self.graph;
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
                .is_some_and(|elems| elems.iter().all(|e| self.valid(*items, e))),
            Node::Map { values, .. } => value
                .as_object()
                .is_some_and(|map| map.values().all(|v| self.valid(*values, v))),
            // Avro: a union's default is a value of its first branch.
            Node::Union { branches } => branches.first().is_some_and(|b| self.valid(*b, value)),
            Node::Record { fields, .. } => {
                let Some(obj) = value.as_object() else {
                    return false;
                };
                fields.iter().all(
                    |field| match obj.get(&field.name).or(field.default.as_ref()) {
                        Some(v) => self.valid(field.ty, v),
                        None => false,
                    },
                )
            }
        }
    }
}
