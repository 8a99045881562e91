//! Builds the [`Model`] from JSON the way Confluent's loaders do: keyword groups become typed
//! nodes (several groups in one object become a synthetic `allOf`), `$ref`s resolve offline
//! against the document itself and the referenced schemas, and cycles share one node.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::model::{
    ArrayNode, Common, Criterion, Dialect, Kind, Model, Node, NodeId, NumberNode, ObjectNode,
    StringNode,
};
use super::refs::{self, Target};

/// One JSON document the schema may point into: the schema itself or a referenced schema.
#[derive(Debug)]
pub(crate) struct Document<'a> {
    /// The reference name (`address.json`, a URL); `None` for the root document.
    pub name: Option<&'a str>,
    pub value: &'a Value,
}

const STRING_KEYWORDS: &[&str] = &["minLength", "maxLength", "pattern", "format"];
const NUMBER_KEYWORDS: &[&str] = &[
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
];
const ARRAY_KEYWORDS_4: &[&str] = &[
    "items",
    "additionalItems",
    "maxItems",
    "minItems",
    "uniqueItems",
];
const ARRAY_KEYWORDS_6: &[&str] = &[
    "items",
    "additionalItems",
    "maxItems",
    "minItems",
    "uniqueItems",
    "contains",
];
const ARRAY_KEYWORDS_MODERN: &[&str] = &[
    "items",
    "prefixItems",
    "additionalItems",
    "maxItems",
    "minItems",
    "uniqueItems",
    "contains",
    "unevaluatedItems",
];
const OBJECT_KEYWORDS_4: &[&str] = &[
    "properties",
    "required",
    "minProperties",
    "maxProperties",
    "dependencies",
    "patternProperties",
    "additionalProperties",
];
const OBJECT_KEYWORDS_6: &[&str] = &[
    "properties",
    "required",
    "minProperties",
    "maxProperties",
    "dependencies",
    "patternProperties",
    "additionalProperties",
    "propertyNames",
];
const OBJECT_KEYWORDS_MODERN: &[&str] = &[
    "properties",
    "required",
    "minProperties",
    "maxProperties",
    "dependentRequired",
    "dependentSchemas",
    "patternProperties",
    "additionalProperties",
    "propertyNames",
    "unevaluatedProperties",
];

/// Loads `documents[0]` (the schema) into a model.
pub(crate) fn load(documents: &[Document<'_>]) -> Model {
    let mut loader = Loader {
        documents: documents
            .iter()
            .map(|d| LoadedDoc {
                target: Target {
                    name: d.name,
                    value: d.value,
                    id: d
                        .value
                        .get("$id")
                        .or_else(|| d.value.get("id"))
                        .and_then(Value::as_str),
                },
                dialect: Dialect::from_schema_uri(d.value.get("$schema").and_then(Value::as_str)),
            })
            .collect(),
        nodes: Vec::new(),
        ref_targets: HashMap::new(),
    };
    let root = match documents.first() {
        Some(doc) => loader.load(0, doc.value),
        None => loader.push(Node::bare(Kind::Empty)),
    };
    Model {
        nodes: loader.nodes,
        root,
    }
}

struct LoadedDoc<'a> {
    target: Target<'a>,
    dialect: Dialect,
}

struct Loader<'a> {
    documents: Vec<LoadedDoc<'a>>,
    nodes: Vec<Node>,
    /// `(document, JSON pointer)` → the node standing for that target; makes cycles finite.
    ref_targets: HashMap<(usize, String), NodeId>,
}

impl<'a> Loader<'a> {
    fn push(&mut self, node: Node) -> NodeId {
        self.nodes.push(node);
        self.nodes.len() - 1
    }

    fn dialect(&self, doc: usize) -> Dialect {
        self.documents
            .get(doc)
            .map_or(Dialect::Draft7, |d| d.dialect)
    }

    fn load(&mut self, doc: usize, value: &'a Value) -> NodeId {
        match value {
            Value::Bool(true) => self.push(Node::bare(Kind::True)),
            Value::Bool(false) => self.push(Node::bare(Kind::False)),
            Value::Object(map) => self.load_object(doc, map),
            // Not a schema; validation refuses these for new schemas.
            _ => self.push(Node::bare(Kind::Empty)),
        }
    }

    fn load_object(&mut self, doc: usize, map: &'a Map<String, Value>) -> NodeId {
        let dialect = self.dialect(doc);
        let mut parts: Vec<NodeId> = Vec::new();
        if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
            let target = self.resolve_ref(doc, reference);
            // Before 2019-09 a `$ref` hides its siblings; the diff then looks through it.
            if dialect != Dialect::Modern || !has_validating_sibling(map) {
                return target;
            }
            parts.push(target);
        }
        if let Some(Value::Array(values)) = map.get("enum") {
            parts.push(self.push(Node::bare(Kind::Enum(values.clone()))));
        }
        for criterion in [Criterion::AllOf, Criterion::AnyOf, Criterion::OneOf] {
            if let Some(Value::Array(subs)) = map.get(criterion.keyword()) {
                let id = self.load_combined(doc, criterion, subs);
                parts.push(id);
            }
        }
        if let Some(not) = map.get("not") {
            let inner = self.load(doc, not);
            parts.push(self.push(Node::bare(Kind::Not(inner))));
        }
        if dialect != Dialect::Draft4
            && let Some(value) = map.get("const")
        {
            parts.push(self.push(Node::bare(Kind::Const(value.clone()))));
        }
        let mut consumed: Vec<&str> = Vec::new();
        match map.get("type") {
            Some(Value::String(t)) => {
                consumed.extend(keywords_of(t, dialect));
                let id = self.load_typed(doc, map, t);
                parts.push(id);
            }
            Some(Value::Array(types)) => {
                let mut subs = Vec::new();
                for t in types.iter().filter_map(Value::as_str) {
                    consumed.extend(keywords_of(t, dialect));
                    subs.push(self.load_typed(doc, map, t));
                }
                parts.push(self.push(Node::bare(Kind::Combined {
                    criterion: Criterion::AnyOf,
                    subschemas: subs,
                })));
            }
            _ => {}
        }
        let remaining = |keywords: &[&str]| {
            keywords.iter().any(|k| {
                !consumed.contains(k)
                    && match map.get(*k) {
                        None => false,
                        // 2020-12 keeps no trace of an empty `properties`.
                        Some(Value::Object(o))
                            if *k == "properties" && dialect == Dialect::Modern =>
                        {
                            !o.is_empty()
                        }
                        Some(_) => true,
                    }
            })
        };
        let (array_kw, object_kw) = match dialect {
            Dialect::Draft4 => (ARRAY_KEYWORDS_4, OBJECT_KEYWORDS_4),
            Dialect::Draft6 | Dialect::Draft7 => (ARRAY_KEYWORDS_6, OBJECT_KEYWORDS_6),
            Dialect::Modern => (ARRAY_KEYWORDS_MODERN, OBJECT_KEYWORDS_MODERN),
        };
        let sniff_array = remaining(array_kw);
        let sniff_object = remaining(object_kw);
        let sniff_number = remaining(NUMBER_KEYWORDS);
        let string_kw: &[&str] = if dialect == Dialect::Modern {
            &STRING_KEYWORDS[..3]
        } else {
            STRING_KEYWORDS
        };
        let sniff_string = remaining(string_kw);
        if sniff_array {
            let kind = self.array_kind(doc, map);
            parts.push(self.push(Node::bare(kind)));
        }
        if sniff_object {
            let kind = self.object_kind(doc, map);
            parts.push(self.push(Node::bare(kind)));
        }
        if sniff_number {
            parts.push(self.push(Node::bare(Kind::Number(number_node(map, false)))));
        }
        if sniff_string {
            parts.push(self.push(Node::bare(Kind::String(string_node(map)))));
        }
        if dialect != Dialect::Draft4
            && dialect != Dialect::Draft6
            && ["if", "then", "else"].iter().any(|k| map.contains_key(*k))
        {
            parts.push(self.push(Node::bare(Kind::Conditional)));
        }
        let id = match parts.len() {
            0 => self.push(Node::bare(Kind::Empty)),
            1 => parts[0],
            _ => self.push(Node::bare(Kind::Combined {
                criterion: Criterion::AllOf,
                subschemas: parts,
            })),
        };
        let common = common_of(map, dialect);
        if common != Common::default()
            && let Some(node) = self.nodes.get_mut(id)
        {
            node.common = common;
        }
        id
    }

    fn load_combined(&mut self, doc: usize, criterion: Criterion, subs: &'a [Value]) -> NodeId {
        // Confluent collapses identical subschemas before matching them.
        let mut seen: Vec<&Value> = Vec::new();
        let mut ids = Vec::new();
        for sub in subs {
            if seen.contains(&sub) {
                continue;
            }
            seen.push(sub);
            ids.push(self.load(doc, sub));
        }
        self.push(Node::bare(Kind::Combined {
            criterion,
            subschemas: ids,
        }))
    }

    fn load_typed(&mut self, doc: usize, map: &'a Map<String, Value>, t: &str) -> NodeId {
        let kind = match t {
            "string" => Kind::String(string_node(map)),
            "integer" => Kind::Number(number_node(map, true)),
            "number" => Kind::Number(number_node(map, false)),
            "boolean" => Kind::Boolean,
            "null" => Kind::Null,
            "object" => self.object_kind(doc, map),
            "array" => self.array_kind(doc, map),
            _ => Kind::Empty,
        };
        self.push(Node::bare(kind))
    }

    fn object_kind(&mut self, doc: usize, map: &'a Map<String, Value>) -> Kind {
        let dialect = self.dialect(doc);
        let mut node = ObjectNode::default();
        if let Some(Value::Object(props)) = map.get("properties") {
            for (name, schema) in props {
                let id = self.load(doc, schema);
                node.properties.push((name.clone(), id));
            }
        }
        if let Some(Value::Array(required)) = map.get("required") {
            node.required = required
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect();
        }
        match map.get("additionalProperties") {
            Some(Value::Bool(false)) => node.forbids_additional = true,
            Some(Value::Bool(true)) | None => {}
            Some(schema) => node.additional_schema = Some(self.load(doc, schema)),
        }
        if let Some(Value::Object(patterns)) = map.get("patternProperties") {
            for (pattern, schema) in patterns {
                let id = self.load(doc, schema);
                node.pattern_properties.push((pattern.clone(), id));
            }
        }
        let (arrays, schemas) = if dialect == Dialect::Modern {
            (map.get("dependentRequired"), map.get("dependentSchemas"))
        } else {
            (map.get("dependencies"), map.get("dependencies"))
        };
        if let Some(Value::Object(deps)) = arrays {
            for (name, dep) in deps {
                if let Value::Array(list) = dep {
                    let names = list
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect();
                    node.property_dependencies.push((name.clone(), names));
                }
            }
        }
        if let Some(Value::Object(deps)) = schemas {
            for (name, dep) in deps {
                if !dep.is_array() {
                    let id = self.load(doc, dep);
                    node.schema_dependencies.push((name.clone(), id));
                }
            }
        }
        node.min_properties = map.get("minProperties").and_then(Value::as_f64);
        node.max_properties = map.get("maxProperties").and_then(Value::as_f64);
        if dialect == Dialect::Modern
            && let Some(schema) = map.get("unevaluatedProperties")
        {
            node.unevaluated = Some(self.load(doc, schema));
        }
        Kind::Object(Box::new(node))
    }

    fn array_kind(&mut self, doc: usize, map: &'a Map<String, Value>) -> Kind {
        let dialect = self.dialect(doc);
        let mut node = ArrayNode::default();
        let prefix = if dialect == Dialect::Modern {
            map.get("prefixItems")
        } else {
            None
        };
        if let Some(Value::Array(items)) = prefix {
            for item in items {
                let id = self.load(doc, item);
                node.item_schemas.push(id);
            }
            // 2020-12: `items` after `prefixItems` plays the part of `additionalItems`.
            match map.get("items") {
                Some(Value::Bool(false)) => node.forbids_additional = true,
                Some(Value::Bool(true)) | None => {}
                Some(schema) => node.additional_schema = Some(self.load(doc, schema)),
            }
        } else {
            match map.get("items") {
                Some(Value::Array(items)) => {
                    for item in items {
                        let id = self.load(doc, item);
                        node.item_schemas.push(id);
                    }
                }
                Some(Value::Bool(false)) if dialect == Dialect::Modern => {
                    node.forbids_additional = true;
                }
                Some(Value::Bool(true)) if dialect == Dialect::Modern => {}
                Some(schema) => node.all_items = Some(self.load(doc, schema)),
                None => {}
            }
            match map.get("additionalItems") {
                Some(Value::Bool(false)) => node.forbids_additional = true,
                Some(Value::Bool(true)) | None => {}
                Some(schema) => node.additional_schema = Some(self.load(doc, schema)),
            }
        }
        node.min_items = map.get("minItems").and_then(Value::as_f64);
        node.max_items = map.get("maxItems").and_then(Value::as_f64);
        node.unique_items = map.get("uniqueItems") == Some(&Value::Bool(true));
        node.min_contains = map.get("minContains").and_then(Value::as_f64);
        node.max_contains = map.get("maxContains").and_then(Value::as_f64);
        if dialect == Dialect::Modern {
            // The 2020-12 loader always reports `minContains` (default 1) next to `contains`.
            if map.contains_key("contains") && node.min_contains.is_none() {
                node.min_contains = Some(1.0);
            }
            if let Some(schema) = map.get("unevaluatedItems") {
                node.unevaluated = Some(self.load(doc, schema));
            }
        }
        Kind::Array(Box::new(node))
    }

    /// The node a `$ref` stands for; loads the target once and shares it (cycles included).
    fn resolve_ref(&mut self, doc: usize, reference: &str) -> NodeId {
        let targets: Vec<Target<'a>> = self.documents.iter().map(|d| d.target).collect();
        let Some((target_doc, pointer)) = refs::locate(&targets, doc, reference) else {
            return self.push(Node::bare(Kind::Unresolved(reference.to_owned())));
        };
        let key = (target_doc, pointer);
        if let Some(&id) = self.ref_targets.get(&key) {
            return id;
        }
        let document = self.documents.get(target_doc).map(|d| d.target.value);
        // Confluent's `definitions` → `$defs` bridge, top level only.
        let bridged = key
            .1
            .strip_prefix("/$defs/")
            .filter(|rest| !rest.contains('/'))
            .map(|rest| format!("/definitions/{rest}"));
        let Some(value) = document.and_then(|d| {
            d.pointer(&key.1)
                .or_else(|| bridged.as_deref().and_then(|p| d.pointer(p)))
        }) else {
            return self.push(Node::bare(Kind::Unresolved(reference.to_owned())));
        };
        let slot = self.push(Node::bare(Kind::Empty));
        self.ref_targets.insert(key, slot);
        let loaded = self.load(target_doc, value);
        if loaded != slot
            && let Some(node) = self.nodes.get(loaded).cloned()
            && let Some(target) = self.nodes.get_mut(slot)
        {
            *target = node;
        }
        slot
    }
}

/// Keywords a `type` consumes, so that only the rest is sniffed for more kinds.
fn keywords_of(t: &str, dialect: Dialect) -> Vec<&'static str> {
    match t {
        "string" => STRING_KEYWORDS.to_vec(),
        "integer" | "number" => NUMBER_KEYWORDS.to_vec(),
        "object" => match dialect {
            Dialect::Draft4 => OBJECT_KEYWORDS_4.to_vec(),
            Dialect::Draft6 | Dialect::Draft7 => OBJECT_KEYWORDS_6.to_vec(),
            Dialect::Modern => OBJECT_KEYWORDS_MODERN.to_vec(),
        },
        "array" => match dialect {
            Dialect::Draft4 => ARRAY_KEYWORDS_4.to_vec(),
            Dialect::Draft6 | Dialect::Draft7 => ARRAY_KEYWORDS_6.to_vec(),
            Dialect::Modern => ARRAY_KEYWORDS_MODERN.to_vec(),
        },
        _ => Vec::new(),
    }
}

fn has_validating_sibling(map: &Map<String, Value>) -> bool {
    const IGNORED: &[&str] = &[
        "$ref",
        "$schema",
        "$id",
        "$defs",
        "definitions",
        "$comment",
        "title",
        "description",
        "default",
        "examples",
        "$anchor",
    ];
    map.keys().any(|k| !IGNORED.contains(&k.as_str()))
}

fn string_node(map: &Map<String, Value>) -> StringNode {
    StringNode {
        min_length: map.get("minLength").and_then(Value::as_f64),
        max_length: map.get("maxLength").and_then(Value::as_f64),
        pattern: map
            .get("pattern")
            .and_then(Value::as_str)
            .map(str::to_owned),
    }
}

fn number_node(map: &Map<String, Value>, requires_integer: bool) -> NumberNode {
    NumberNode {
        minimum: map.get("minimum").and_then(Value::as_f64),
        maximum: map.get("maximum").and_then(Value::as_f64),
        // Draft 4's boolean form carries no limit of its own.
        exclusive_minimum: map.get("exclusiveMinimum").and_then(Value::as_f64),
        exclusive_maximum: map.get("exclusiveMaximum").and_then(Value::as_f64),
        multiple_of: map
            .get("multipleOf")
            .filter(|v| v.is_number())
            .map(Value::to_string),
        requires_integer,
    }
}

fn common_of(map: &Map<String, Value>, dialect: Dialect) -> Common {
    let id = match dialect {
        Dialect::Draft4 => map.get("id").cloned(),
        Dialect::Draft6 | Dialect::Draft7 => map.get("$id").cloned(),
        // The 2020-12 loader resolves `$id` away; Confluent never reports ID_CHANGED there.
        Dialect::Modern => None,
    };
    Common {
        id,
        title: map.get("title").cloned(),
        description: map.get("description").cloned(),
        default: map.get("default").cloned(),
        connect_type: map
            .get("connect.type")
            .and_then(Value::as_str)
            .map(str::to_owned),
    }
}
