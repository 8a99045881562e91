//! Confluent's `normalize=true` rewrite (`AvroSchemaUtils.toNormalizedString`, then parsed
//! again): properties sorted with a valid logical type's own keys first, aliases sorted,
//! empty docs of named types dropped, `error` written as `record`, defaults converted
//! through the field's type the way Avro Java's `JacksonUtils.toObject` does.

use serde_json::{Number, Value};

use super::json::{java_double, java_float};
use super::model::{Graph, Kind, Node, NodeId, Props};

/// Rewrites every node of `graph` into its normalized form, in place.
pub(crate) fn normalize(graph: &mut Graph) {
    for id in 0..graph.nodes.len() {
        let logical_keys = logical_keys(graph, id);
        let converted_defaults: Vec<Option<Value>> = match graph.node(id) {
            Node::Record { fields, .. } => fields
                .iter()
                .map(|f| {
                    f.default
                        .as_ref()
                        .and_then(|d| to_object(graph, Some(f.ty), d))
                })
                .collect(),
            _ => Vec::new(),
        };
        match &mut graph.nodes[id] {
            Node::Primitive { props, .. } | Node::Array { props, .. } | Node::Map { props, .. } => {
                sort_props(props, &logical_keys)
            }
            Node::Record {
                named,
                fields,
                is_error,
                ..
            } => {
                *is_error = false;
                sort_props(&mut named.props, &logical_keys);
                named.aliases.sort_by_key(super::model::Name::full);
                if named.doc.as_deref() == Some("") {
                    named.doc = None;
                }
                for (field, default) in fields.iter_mut().zip(converted_defaults) {
                    sort_props(&mut field.props, &[]);
                    field.aliases.sort();
                    field.default = default;
                }
            }
            Node::Enum { named, .. } | Node::Fixed { named, .. } => {
                sort_props(&mut named.props, &logical_keys);
                named.aliases.sort_by_key(super::model::Name::full);
                if named.doc.as_deref() == Some("") {
                    named.doc = None;
                }
            }
            Node::Union { .. } => {}
        }
    }
}

/// Logical-type keys first (in the order Confluent writes them), then the rest by name.
fn sort_props(props: &mut Props, first: &[&str]) {
    props.sort_by(|(a, _), (b, _)| {
        let rank = |k: &str| first.iter().position(|f| *f == k).unwrap_or(first.len());
        rank(a).cmp(&rank(b)).then_with(|| a.cmp(b))
    });
}

/// The keys Confluent writes first for a node whose logical type Avro Java accepts.
fn logical_keys(graph: &Graph, id: NodeId) -> Vec<&'static str> {
    let node = graph.node(id);
    let props = match node {
        Node::Primitive { props, .. } | Node::Array { props, .. } | Node::Map { props, .. } => {
            props
        }
        Node::Fixed { named, .. } => &named.props,
        _ => return Vec::new(),
    };
    let prop = |key: &str| props.iter().find(|(k, _)| k == key).map(|(_, v)| v);
    let Some(logical) = prop("logicalType").and_then(Value::as_str) else {
        return Vec::new();
    };
    let kind = node.kind();
    let fixed_size = match node {
        Node::Fixed { size, .. } => Some(*size),
        _ => None,
    };
    let valid = match logical {
        "decimal" => {
            let int_prop = |key| {
                prop(key)
                    .and_then(Value::as_i64)
                    .filter(|v| i32::try_from(*v).is_ok())
            };
            let precision = int_prop("precision");
            let scale = match prop("scale") {
                None => Some(0),
                Some(_) => int_prop("scale"),
            };
            match (precision, scale) {
                (Some(p), Some(s)) if p > 0 && s >= 0 && s <= p => match (kind, fixed_size) {
                    (Kind::Bytes, _) => true,
                    (Kind::Fixed, Some(size)) => p <= max_fixed_precision(size),
                    _ => false,
                },
                _ => false,
            }
        }
        "big-decimal" => kind == Kind::Bytes,
        "uuid" => kind == Kind::String || (kind == Kind::Fixed && fixed_size == Some(16)),
        "date" | "time-millis" => kind == Kind::Int,
        "time-micros"
        | "timestamp-millis"
        | "timestamp-micros"
        | "timestamp-nanos"
        | "local-timestamp-millis"
        | "local-timestamp-micros"
        | "local-timestamp-nanos" => kind == Kind::Long,
        "duration" => kind == Kind::Fixed && fixed_size == Some(12),
        _ => false,
    };
    if !valid {
        return Vec::new();
    }
    if logical == "decimal" {
        let scale_nonzero = prop("scale")
            .and_then(Value::as_i64)
            .is_some_and(|s| s != 0);
        if scale_nonzero {
            vec!["logicalType", "precision", "scale"]
        } else {
            vec!["logicalType", "precision"]
        }
    } else {
        vec!["logicalType"]
    }
}

/// Largest decimal precision a fixed of `size` bytes holds (`LogicalTypes.Decimal`).
fn max_fixed_precision(size: u64) -> i64 {
    if size == 0 {
        return 0;
    }
    let bits = (8 * size).saturating_sub(1);
    // floor(log10(2^bits - 1)), computed in floating point as Java does.
    #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
    let digits =
        ((2f64.powi(i32::try_from(bits).unwrap_or(i32::MAX)) - 1.0).log10()).floor() as i64;
    digits
}

/// `JacksonUtils.toObject(json, schema)` followed by writing the object back as JSON;
/// `None` when Java would drop the value (no matching conversion).
fn to_object(graph: &Graph, ty: Option<NodeId>, value: &Value) -> Option<Value> {
    if value.is_null() {
        return Some(Value::Null);
    }
    let node = ty.map(|id| graph.node(id));
    if let Some(Node::Union { branches }) = node {
        return branches
            .iter()
            .filter(|b| graph.node(**b).kind() != Kind::Null)
            .find_map(|b| to_object(graph, Some(*b), value));
    }
    let kind = node.map(Node::kind);
    match value {
        Value::Bool(_) => Some(value.clone()),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                match kind {
                    None | Some(Kind::Int | Kind::Long) => Some(value.clone()),
                    #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
                    Some(Kind::Float) => Some(float_value(&java_float(i as f64 as f32))),
                    #[allow(clippy::cast_precision_loss)]
                    Some(Kind::Double) => Some(float_value(&java_double(i as f64))),
                    _ => None,
                }
            } else {
                let f = n.as_f64()?;
                match kind {
                    None | Some(Kind::Double) => Some(value.clone()),
                    #[allow(clippy::cast_possible_truncation)]
                    Some(Kind::Float) => Some(float_value(&java_float(f as f32))),
                    _ => None,
                }
            }
        }
        Value::String(_) => match kind {
            None | Some(Kind::String | Kind::Enum | Kind::Bytes | Kind::Fixed) => {
                Some(value.clone())
            }
            _ => None,
        },
        Value::Array(items) => {
            let items_ty = match node {
                Some(Node::Array { items, .. }) => Some(*items),
                _ => None,
            };
            Some(Value::Array(
                items
                    .iter()
                    .map(|item| to_object(graph, items_ty, item).unwrap_or(Value::Null))
                    .collect(),
            ))
        }
        Value::Object(map) => {
            let mut out = serde_json::Map::new();
            for (key, item) in map {
                let item_ty = match node {
                    Some(Node::Map { values, .. }) => Some(*values),
                    Some(Node::Record { fields, .. }) => {
                        fields.iter().find(|f| &f.name == key).map(|f| f.ty)
                    }
                    _ => None,
                };
                out.insert(
                    key.clone(),
                    to_object(graph, item_ty, item).unwrap_or(Value::Null),
                );
            }
            Some(Value::Object(out))
        }
        Value::Null => Some(Value::Null),
    }
}

/// A float literal as a JSON number (re-read so the writer prints it the same way).
fn float_value(text: &str) -> Value {
    text.parse::<f64>()
        .ok()
        .and_then(Number::from_f64)
        .map_or_else(|| Value::String(text.to_owned()), Value::Number)
}
