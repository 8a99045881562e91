//! The outline of an Avro schema, read from its resolved text (references inlined): every
//! field of every record reachable from the root, with Avro's `/fields/N/type/...` pointers
//! (positions counted on this side, as Avro's checker prints them for the reader).

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::outline::{Anchor, Element, Member, Outline, join};
use crate::schema::avro::AvroSchema;

/// Deepest type nesting walked or labelled (parsing bounds it already; this is a backstop).
const MAX_DEPTH: usize = 64;
/// Longest type label kept.
const MAX_LABEL: usize = 200;

/// The outline of `schema`.
#[must_use]
pub fn outline(schema: &AvroSchema) -> Outline {
    let mut walker = Walker::default();
    if let Ok(root) = serde_json::from_str::<Value>(schema.resolved()) {
        if let Some(name) = root.get("name").and_then(Value::as_str) {
            let element = match root.get("type").and_then(Value::as_str) {
                Some("enum") => Element::Enum,
                Some("fixed") => Element::Field,
                _ => Element::Record,
            };
            let leaf = short(name).to_owned();
            walker.outline.push(Member {
                element,
                pointers: vec![String::new()],
                key: String::new(),
                name: leaf.clone(),
                leaf: leaf.clone(),
                ty: label(&root, 0),
                facets: Vec::new(),
                default: None,
                required: false,
                anchors: vec![Anchor::AvroName(leaf.clone())],
            });
            let owner = Owner {
                key: "",
                name: &leaf,
            };
            walker.walk(&root, "", owner, &[Anchor::AvroName(leaf.clone())], None, 0);
        } else {
            let owner = Owner { key: "", name: "" };
            walker.walk(&root, "", owner, &[], None, 0);
        }
    }
    walker.outline
}

/// Whose fields are being walked: the key prefix (without the root record's name, so a
/// renamed root keeps its fields' identities) and the name prefix people read.
#[derive(Clone, Copy)]
struct Owner<'a> {
    key: &'a str,
    name: &'a str,
}

#[derive(Default)]
struct Walker {
    outline: Outline,
    /// Full names of the named types already walked (a later use is by name).
    seen: HashSet<String>,
}

impl Walker {
    fn walk(
        &mut self,
        ty: &Value,
        pointer: &str,
        owner: Owner<'_>,
        anchors: &[Anchor],
        namespace: Option<&str>,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        match ty {
            Value::Array(branches) => {
                for (i, branch) in branches.iter().enumerate() {
                    let at = format!("{pointer}/{i}");
                    self.walk(branch, &at, owner, anchors, namespace, depth + 1);
                }
            }
            Value::Object(object) => match object.get("type").and_then(Value::as_str) {
                Some("record" | "error") => {
                    self.record(object, pointer, owner, anchors, namespace, depth)
                }
                Some("array") => {
                    if let Some(items) = object.get("items") {
                        let at = format!("{pointer}/items");
                        self.walk(items, &at, owner, anchors, namespace, depth + 1);
                    }
                }
                Some("map") => {
                    if let Some(values) = object.get("values") {
                        let at = format!("{pointer}/values");
                        self.walk(values, &at, owner, anchors, namespace, depth + 1);
                    }
                }
                _ => {}
            },
            _ => {}
        }
    }

    fn record(
        &mut self,
        object: &Map<String, Value>,
        pointer: &str,
        owner: Owner<'_>,
        anchors: &[Anchor],
        namespace: Option<&str>,
        depth: usize,
    ) {
        let name = object
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let own_space = object
            .get("namespace")
            .and_then(Value::as_str)
            .or(namespace);
        let full = match (name.contains('.'), own_space) {
            (false, Some(space)) if !space.is_empty() => format!("{space}.{name}"),
            _ => name.to_owned(),
        };
        if !self.seen.insert(full.clone()) {
            return;
        }
        let space = full.rsplit_once('.').map(|(space, _)| space.to_owned());
        let Some(fields) = object.get("fields").and_then(Value::as_array) else {
            return;
        };
        for (i, field) in fields.iter().enumerate() {
            let Some(field_name) = field.get("name").and_then(Value::as_str) else {
                continue;
            };
            let field_type = field.get("type").unwrap_or(&Value::Null);
            let at = format!("{pointer}/fields/{i}");
            let key = join(owner.key, field_name);
            let name = join(owner.name, field_name);
            let mut way = anchors.to_vec();
            way.push(Anchor::AvroName(field_name.to_owned()));
            let added = self.outline.push(Member {
                element: Element::Field,
                pointers: vec![at.clone()],
                key: key.clone(),
                name: name.clone(),
                leaf: field_name.to_owned(),
                ty: label(field_type, 0),
                facets: Vec::new(),
                default: field.get("default").map(Value::to_string),
                required: false,
                anchors: way.clone(),
            });
            if !added {
                return;
            }
            let type_at = format!("{at}/type");
            let inner = Owner {
                key: &key,
                name: &name,
            };
            self.walk(
                field_type,
                &type_at,
                inner,
                &way,
                space.as_deref(),
                depth + 1,
            );
        }
    }
}

/// A type as people read it: `string`, `null | string`, `array<int>`, `enum Status {A, B}`.
#[must_use]
pub fn label(ty: &Value, depth: usize) -> String {
    let mut text = label_inner(ty, depth);
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

fn label_inner(ty: &Value, depth: usize) -> String {
    if depth > MAX_DEPTH {
        return "…".to_owned();
    }
    match ty {
        Value::String(name) => short(name).to_owned(),
        Value::Array(branches) => branches
            .iter()
            .map(|b| label_inner(b, depth + 1))
            .collect::<Vec<_>>()
            .join(" | "),
        Value::Object(object) => {
            let name = object.get("name").and_then(Value::as_str).map(short);
            let kind = object
                .get("type")
                .map_or_else(String::new, |t| label_inner(t, depth + 1));
            let text = match kind.as_str() {
                "record" | "error" => format!("record {}", name.unwrap_or_default()),
                "enum" => {
                    let symbols: Vec<&str> = object
                        .get("symbols")
                        .and_then(Value::as_array)
                        .map(|s| s.iter().filter_map(Value::as_str).collect())
                        .unwrap_or_default();
                    format!(
                        "enum {} {{{}}}",
                        name.unwrap_or_default(),
                        symbols.join(", ")
                    )
                }
                "fixed" => format!(
                    "fixed {}({})",
                    name.unwrap_or_default(),
                    object.get("size").map(Value::to_string).unwrap_or_default()
                ),
                "array" => format!(
                    "array<{}>",
                    object
                        .get("items")
                        .map_or_else(String::new, |i| label_inner(i, depth + 1))
                ),
                "map" => format!(
                    "map<{}>",
                    object
                        .get("values")
                        .map_or_else(String::new, |v| label_inner(v, depth + 1))
                ),
                _ => kind,
            };
            match object.get("logicalType").and_then(Value::as_str) {
                Some(logical) => format!("{text} ({logical})"),
                None => text,
            }
        }
        other => other.to_string(),
    }
}

/// The simple name of a full name.
fn short(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}
