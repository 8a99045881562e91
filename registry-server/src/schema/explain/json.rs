//! The outline of a JSON Schema, read from its canonical text: every property reachable
//! through `properties` and `items`, with Confluent's `#/properties/...` paths.

use serde_json::Value;

use super::outline::{Anchor, Element, Member, Outline, join};
use crate::schema::json::JsonSchema;

/// Deepest nesting walked (parsing bounds it already; this is a backstop).
const MAX_DEPTH: usize = 64;
/// Longest type label kept.
const MAX_LABEL: usize = 200;

/// The keywords that constrain a value, listed in a property's type label so a change to
/// any of them shows in the diff.
const CONSTRAINTS: &[&str] = &[
    "format",
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "additionalProperties",
    "enum",
    "const",
];

/// The outline of `schema`.
#[must_use]
pub fn outline(schema: &JsonSchema) -> Outline {
    let mut outline = Outline::default();
    if let Ok(root) = serde_json::from_str::<Value>(schema.canonical()) {
        let name = root
            .get("title")
            .and_then(Value::as_str)
            .unwrap_or("(root)")
            .to_owned();
        outline.push(Member {
            element: Element::Record,
            pointers: vec!["#".to_owned()],
            key: String::new(),
            name: name.clone(),
            leaf: name,
            ty: label(&root),
            facets: facets(&root),
            default: None,
            required: false,
            anchors: Vec::new(),
        });
        walk(&mut outline, &root, "#", "", &[], 0);
    }
    outline
}

fn walk(
    outline: &mut Outline,
    schema: &Value,
    pointer: &str,
    owner: &str,
    anchors: &[Anchor],
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (name, property) in properties {
            let at = format!("{pointer}/properties/{name}");
            let key = join(owner, name);
            let mut way = anchors.to_vec();
            way.push(Anchor::JsonKey(name.clone()));
            let added = outline.push(Member {
                element: Element::Property,
                pointers: vec![at.clone()],
                key: key.clone(),
                name: key.clone(),
                leaf: name.clone(),
                ty: label(property),
                facets: facets(property),
                default: property.get("default").map(Value::to_string),
                required: required.contains(&name.as_str()),
                anchors: way.clone(),
            });
            if !added {
                return;
            }
            walk(outline, property, &at, &key, &way, depth + 1);
        }
    }
    if let Some(items) = schema.get("items").filter(|i| i.is_object()) {
        let at = format!("{pointer}/items");
        let mut way = anchors.to_vec();
        way.push(Anchor::JsonKey("items".to_owned()));
        walk(outline, items, &at, &format!("{owner}[]"), &way, depth + 1);
    }
}

/// The constraints of a property, keyword and JSON value, in [`CONSTRAINTS`] order.
fn facets(schema: &Value) -> Vec<(String, String)> {
    CONSTRAINTS
        .iter()
        .filter_map(|k| {
            schema
                .get(*k)
                .map(|v| ((*k).to_owned(), clip(v.to_string())))
        })
        .collect()
}

/// A property's type as people read it: `string`, `integer | null`, `$ref #/$defs/a`.
#[must_use]
pub fn label(schema: &Value) -> String {
    let base = match schema {
        Value::Bool(true) => return "any".to_owned(),
        Value::Bool(false) => return "nothing".to_owned(),
        Value::Object(object) => {
            if let Some(ty) = object.get("type") {
                match ty {
                    Value::String(t) => t.clone(),
                    Value::Array(types) => types
                        .iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(" | "),
                    other => other.to_string(),
                }
            } else if let Some(target) = object.get("$ref").and_then(Value::as_str) {
                format!("$ref {target}")
            } else if let Some(kind) = ["oneOf", "anyOf", "allOf"]
                .into_iter()
                .find(|k| object.contains_key(*k))
            {
                kind.to_owned()
            } else {
                "any".to_owned()
            }
        }
        other => other.to_string(),
    };
    clip(base)
}

/// `text` cut to [`MAX_LABEL`] bytes (on a char boundary), marked when cut.
fn clip(mut text: String) -> String {
    if text.len() > MAX_LABEL {
        let mut cut = MAX_LABEL;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push('…');
    }
    text
}
