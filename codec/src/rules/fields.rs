//! What a field-level rule (`CEL_FIELD`) sees of each field, and the one entry point that walks a
//! message's fields with the walker of its format (Avro, JSON Schema, Protobuf).
//!
//! A walker visits every primitive field a rule selects (by tags), in schema order, through
//! records, arrays, maps and union branches, hands its value to the rule and, when the rule
//! returns a replacement, checks that the replacement fits the field's declared type before
//! writing it back: a transform returning the wrong type is a rule failure.

use std::collections::BTreeSet;

use cel::Value;
use cel::common::value::Val;

use super::cel_value::MAX_DEPTH;
use super::message::{Message, Shape};
use super::tags::TagPatterns;
use super::{avro_walk, json_walk, proto_walk};

/// One field as the rule sees it.
pub(crate) struct FieldCx<'a> {
    /// `shop.Order.email` (Avro record full name + field, Protobuf full name) or `$.a.b` (JSON)
    pub full_name: &'a str,
    pub name: &'a str,
    /// `STRING`, `BYTES`, `INT`, `LONG`, `FLOAT`, `DOUBLE`, `BOOLEAN` or `NULL`
    pub type_name: &'static str,
    pub tags: &'a BTreeSet<String>,
}

/// Why a walk stopped early.
#[derive(Debug)]
pub(crate) enum Stop {
    /// a condition was false
    Failed,
    /// an evaluation or a replacement failed
    Error(String),
}

impl From<String> for Stop {
    fn from(e: String) -> Self {
        Stop::Error(e)
    }
}

pub(crate) fn too_deep() -> Stop {
    Stop::Error(format!("message nests deeper than {MAX_DEPTH} levels"))
}

/// A field-level rule, as the walkers drive it.
pub(crate) trait Visitor {
    /// Whether a field with these tags is the rule's to see.
    fn selects(&self, tags: &BTreeSet<String>) -> bool;
    /// Whether the rule reads `message` (then walkers build the containing record's view).
    fn wants_message(&self) -> bool;
    /// Evaluates the rule on one field; `Some` replaces the field's value.
    fn visit(
        &mut self,
        field: &FieldCx<'_>,
        value: Value,
        message: Option<&dyn Val>,
    ) -> Result<Option<Value>, Stop>;
}

/// Walks `message` with the walker its shape calls for.
pub(crate) fn walk(
    shape: &Shape,
    message: &mut Message,
    patterns: &TagPatterns,
    visitor: &mut dyn Visitor,
) -> Result<(), Stop> {
    match (shape, message) {
        (Shape::Avro(s), Message::Json(j)) => avro_walk::walk(s, j, patterns, visitor),
        (Shape::Json(doc), Message::Json(j)) => json_walk::walk(doc, j, patterns, visitor),
        (Shape::Proto(tags), Message::Proto(m)) => proto_walk::walk(m, tags, patterns, visitor),
        (Shape::Broken(why), _) => Err(Stop::Error(why.clone())),
        _ => Err(Stop::Error(
            "field rules have no schema to walk this message with".into(),
        )),
    }
}
