//! The Avro field walk: records, arrays, maps and the union branch a value belongs to, as
//! Confluent's clients walk them. A field's full name is its record's full name and its own
//! (`shop.Order.email`); a `null` in a union reaches the rule as CEL `null` with type `NULL`
//! (as Java and Python 2.16 bind it); enums, fixed and decimals are not primitives and are left
//! alone.

use std::sync::Arc;

use cel::Value;
use cel::common::value::Val;
use serde_json::Value as Json;

use super::avro_encode::bytes_of;
use super::avro_shape::{AvroShape, Node, NodeId};
use super::cel_value::{json_scalar, json_val, value_json};
use super::fields::{FieldCx, Stop, Visitor, too_deep};
use super::tags::TagPatterns;

pub(crate) fn walk(
    shape: &AvroShape,
    root: &mut Json,
    patterns: &TagPatterns,
    visitor: &mut dyn Visitor,
) -> Result<(), Stop> {
    let mut w = Walker {
        shape,
        patterns,
        visitor,
    };
    w.node(shape.root, shape.root, root, None, None, 0)
}

struct Walker<'a> {
    shape: &'a AvroShape,
    patterns: &'a TagPatterns,
    visitor: &'a mut dyn Visitor,
}

/// The field a value belongs to: full name, name, tags.
type Slot<'a> = (&'a str, &'a str, &'a std::collections::BTreeSet<String>);

impl Walker<'_> {
    /// Walks `value` of type `id`; `decl` is the type its slot declares (a union, before the
    /// branch was picked), which a replacement must fit.
    fn node(
        &mut self,
        id: NodeId,
        decl: NodeId,
        value: &mut Json,
        field: Option<Slot<'_>>,
        message: Option<&dyn Val>,
        depth: usize,
    ) -> Result<(), Stop> {
        if depth > super::cel_value::MAX_DEPTH {
            return Err(too_deep());
        }
        let shape = self.shape;
        match shape.node(id) {
            Node::Union(branches) => match shape.branch(branches, value) {
                Some((_, b)) => self.node(b, decl, value, field, message, depth + 1),
                None => Ok(()),
            },
            Node::Array(item) => {
                if let Json::Array(items) = value {
                    for x in items {
                        self.node(*item, *item, x, field, message, depth + 1)?;
                    }
                }
                Ok(())
            }
            Node::Map(item) => {
                if let Json::Object(entries) = value {
                    for x in entries.values_mut() {
                        self.node(*item, *item, x, field, message, depth + 1)?;
                    }
                }
                Ok(())
            }
            Node::Record { full_name, fields } => {
                let view = if value.is_object() && self.visitor.wants_message() {
                    Some(json_val(value, 0)?)
                } else {
                    None
                };
                let Json::Object(o) = value else {
                    return Ok(());
                };
                for f in fields {
                    let Some(x) = o.get_mut(&f.name) else {
                        continue;
                    };
                    let full = format!("{full_name}.{}", f.name);
                    let tags = self.patterns.tags(&full, &f.tags);
                    let slot = Some((full.as_str(), f.name.as_str(), &tags));
                    self.node(f.node, f.node, x, slot, view.as_deref(), depth + 1)?;
                }
                Ok(())
            }
            leaf => {
                let (Some((full_name, name, tags)), Some(type_name)) = (field, type_name(leaf))
                else {
                    return Ok(());
                };
                if !self.visitor.selects(tags) {
                    return Ok(());
                }
                let cel = match leaf {
                    Node::Bytes => match bytes_of(value) {
                        Ok(b) => Value::Bytes(Arc::new(b)),
                        Err(()) => Value::Null,
                    },
                    _ => json_scalar(value),
                };
                let cx = FieldCx {
                    full_name,
                    name,
                    type_name,
                    tags,
                };
                let Some(new) = self.visitor.visit(&cx, cel, message)? else {
                    return Ok(());
                };
                let json = value_json(&new, 0)
                    .map_err(|e| Stop::Error(format!("field {full_name}: {e}")))?;
                shape.fits(decl, &json).map_err(|e| {
                    Stop::Error(format!("field {full_name}: the transform's result {e}"))
                })?;
                *value = json;
                Ok(())
            }
        }
    }
}

/// The `typeName` of a primitive; `None` for what field rules leave alone.
fn type_name(n: &Node) -> Option<&'static str> {
    Some(match n {
        Node::Null => "NULL",
        Node::Boolean => "BOOLEAN",
        Node::Int => "INT",
        Node::Long => "LONG",
        Node::Float => "FLOAT",
        Node::Double => "DOUBLE",
        Node::Bytes => "BYTES",
        Node::String => "STRING",
        _ => return None,
    })
}
