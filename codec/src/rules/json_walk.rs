//! The JSON Schema field walk, as Confluent's clients walk a document: `properties` of objects,
//! `items` of arrays, local `$ref`s, `allOf` (every branch), `anyOf` (every branch the value
//! matches), `oneOf` (the first it matches), type lists (the first type the value has). A field's
//! full name is its path from `$` (`$.address.street`); null values are not visited; `enum` and
//! `const` properties are not primitives and are left alone.
//!
//! Unlike Confluent's clients, which validate the value against each `anyOf`/`oneOf` branch, a
//! branch matches here when the value has the JSON type the branch declares (and, for objects,
//! the properties it requires); `$ref`s to other documents are not followed.

use std::collections::BTreeSet;

use cel::common::value::Val;
use serde_json::Value as Json;

use super::avro_encode::int_of;
use super::cel_value::{MAX_DEPTH, json_scalar, json_val, value_json};
use super::fields::{FieldCx, Stop, Visitor, too_deep};
use super::tags::{TagPatterns, inline_json_tags};

pub(crate) fn walk(
    doc: &Json,
    value: &mut Json,
    patterns: &TagPatterns,
    visitor: &mut dyn Visitor,
) -> Result<(), Stop> {
    let mut w = Walker {
        root: doc,
        patterns,
        visitor,
        budget: MAX_VISITS,
    };
    w.schema(doc, value, "$", None, None, None, 0)
}

/// Schema nodes visited per message, at most: `allOf` branches that `$ref` the root would
/// otherwise multiply the work by their number at every level.
const MAX_VISITS: usize = 100_000;

struct Walker<'a> {
    root: &'a Json,
    patterns: &'a TagPatterns,
    visitor: &'a mut dyn Visitor,
    budget: usize,
}

type Slot<'a> = (&'a str, &'a str, &'a BTreeSet<String>);

impl<'a> Walker<'a> {
    #[allow(clippy::too_many_arguments)]
    fn schema(
        &mut self,
        schema: &'a Json,
        value: &mut Json,
        path: &str,
        field: Option<Slot<'_>>,
        message: Option<&dyn Val>,
        type_override: Option<&str>,
        depth: usize,
    ) -> Result<(), Stop> {
        if depth > MAX_DEPTH {
            return Err(too_deep());
        }
        if self.budget == 0 {
            return Err(Stop::Error(format!(
                "walking the message visits more than {MAX_VISITS} schema nodes"
            )));
        }
        self.budget -= 1;
        let Some(obj) = schema.as_object() else {
            return Ok(());
        };
        if value.is_null() {
            return Ok(());
        }
        let declared = type_override.map(Json::from);
        let ty = declared.as_ref().or_else(|| obj.get("type"));
        if let Some(Json::Array(types)) = ty {
            let fitting = types
                .iter()
                .filter_map(Json::as_str)
                .find(|t| has_type(value, t));
            return match fitting {
                Some(t) => self.schema(schema, value, path, field, message, Some(t), depth + 1),
                None => Ok(()),
            };
        }
        let (all, any, one) = (obj.get("allOf"), obj.get("anyOf"), obj.get("oneOf"));
        if all.is_some() || any.is_some() || one.is_some() {
            let branches = |b: Option<&'a Json>| -> &'a [Json] {
                b.and_then(Json::as_array).map_or(&[], Vec::as_slice)
            };
            if all.is_some() {
                for b in branches(all) {
                    self.schema(b, value, path, field, message, None, depth + 1)?;
                }
            } else if one.is_some() {
                if let Some(b) = branches(one).iter().find_map(|b| self.matching(b, value)) {
                    self.schema(b, value, path, field, message, None, depth + 1)?;
                }
            } else {
                let matching: Vec<&'a Json> = branches(any)
                    .iter()
                    .filter_map(|b| self.matching(b, value))
                    .collect();
                for b in matching {
                    self.schema(b, value, path, field, message, None, depth + 1)?;
                }
            }
            if value.is_object() {
                self.properties(obj, value, path, depth)?;
            }
            if let (Some(items), Json::Array(list)) = (obj.get("items"), &mut *value) {
                for x in list {
                    self.schema(items, x, path, field, message, None, depth + 1)?;
                }
            }
            return Ok(());
        }
        if let Some(items) = obj.get("items")
            && let Json::Array(list) = value
        {
            for x in list {
                self.schema(items, x, path, field, message, None, depth + 1)?;
            }
            return Ok(());
        }
        if let Some(r) = obj.get("$ref").and_then(Json::as_str) {
            return match self.resolve(r) {
                Some(target) => self.schema(target, value, path, field, message, None, depth + 1),
                None => Ok(()),
            };
        }
        match field_type(obj, ty.and_then(Json::as_str)) {
            "RECORD" => {
                if value.is_object() {
                    self.properties(obj, value, path, depth)?;
                }
                Ok(())
            }
            t @ ("STRING" | "INT" | "DOUBLE" | "BOOLEAN") => self.leaf(t, value, field, message),
            _ => Ok(()),
        }
    }

    fn properties(
        &mut self,
        obj: &'a serde_json::Map<String, Json>,
        value: &mut Json,
        path: &str,
        depth: usize,
    ) -> Result<(), Stop> {
        let Some(props) = obj.get("properties").and_then(Json::as_object) else {
            return Ok(());
        };
        let view = if self.visitor.wants_message() {
            Some(json_val(value, 0)?)
        } else {
            None
        };
        let Json::Object(o) = value else {
            return Ok(());
        };
        for (name, sub) in props {
            let (true, Some(x)) = (sub.is_object(), o.get_mut(name)) else {
                continue;
            };
            let full = format!("{path}.{name}");
            let tags = self.patterns.tags(&full, &inline_json_tags(sub));
            let slot = Some((full.as_str(), name.as_str(), &tags));
            self.schema(sub, x, &full, slot, view.as_deref(), None, depth + 1)?;
        }
        Ok(())
    }

    fn leaf(
        &mut self,
        type_name: &'static str,
        value: &mut Json,
        field: Option<Slot<'_>>,
        message: Option<&dyn Val>,
    ) -> Result<(), Stop> {
        let Some((full_name, name, tags)) = field else {
            return Ok(());
        };
        if !self.visitor.selects(tags) {
            return Ok(());
        }
        let cx = FieldCx {
            full_name,
            name,
            type_name,
            tags,
        };
        let Some(new) = self.visitor.visit(&cx, json_scalar(value), message)? else {
            return Ok(());
        };
        let json =
            value_json(&new, 0).map_err(|e| Stop::Error(format!("field {full_name}: {e}")))?;
        *value = fit(type_name, json)
            .map_err(|e| Stop::Error(format!("field {full_name}: the transform's result {e}")))?;
        Ok(())
    }

    /// `branch` (its `$ref` followed) when `value` matches it, by JSON type.
    fn matching(&self, branch: &'a Json, value: &Json) -> Option<&'a Json> {
        let b = match branch.get("$ref").and_then(Json::as_str) {
            Some(r) => self.resolve(r)?,
            None => branch,
        };
        let obj = b.as_object()?;
        let type_ok = match obj.get("type") {
            Some(Json::String(t)) => has_type(value, t),
            Some(Json::Array(ts)) => ts
                .iter()
                .filter_map(Json::as_str)
                .any(|t| has_type(value, t)),
            _ => !obj.contains_key("properties") || value.is_object(),
        };
        let required_ok = obj
            .get("required")
            .and_then(Json::as_array)
            .is_none_or(|req| {
                req.iter()
                    .filter_map(Json::as_str)
                    .all(|k| value.get(k).is_some())
            });
        (type_ok && required_ok).then_some(b)
    }

    /// A local `$ref` (`#`, `#/definitions/X`, `#/$defs/X`).
    fn resolve(&self, r: &str) -> Option<&'a Json> {
        let pointer = r.strip_prefix('#')?;
        let root: &'a Json = self.root;
        root.pointer(pointer)
    }
}

/// Confluent's field type of a JSON Schema node.
fn field_type(obj: &serde_json::Map<String, Json>, ty: Option<&str>) -> &'static str {
    if obj.contains_key("const") || obj.contains_key("enum") {
        return "ENUM";
    }
    match ty {
        Some("object")
            if obj
                .get("properties")
                .is_some_and(|p| p.as_object().is_some_and(|p| !p.is_empty())) =>
        {
            "RECORD"
        }
        Some("object") => "MAP",
        Some("array") => "ARRAY",
        Some("string") => "STRING",
        Some("integer") => "INT",
        Some("number") => "DOUBLE",
        Some("boolean") => "BOOLEAN",
        Some("null") => "NULL",
        _ if obj.contains_key("properties") => "RECORD",
        _ => "NULL",
    }
}

fn has_type(v: &Json, t: &str) -> bool {
    match t {
        "null" => v.is_null(),
        "boolean" => v.is_boolean(),
        "integer" => int_of(v).is_some(),
        "number" => v.is_number(),
        "string" => v.is_string(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        _ => false,
    }
}

/// A replacement for a field of `type_name`, or why it does not fit.
fn fit(type_name: &str, v: Json) -> Result<Json, String> {
    let ok = match type_name {
        "STRING" => v.is_string(),
        "INT" => {
            return int_of(&v)
                .map(Json::from)
                .ok_or_else(|| "is not an integer".into());
        }
        "DOUBLE" => v.is_number(),
        "BOOLEAN" => v.is_boolean(),
        _ => false,
    };
    if ok {
        Ok(v)
    } else {
        Err(format!("is not a {}", type_name.to_ascii_lowercase()))
    }
}
