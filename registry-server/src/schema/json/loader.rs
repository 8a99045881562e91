//! Builds the [`Model`] from JSON the way Confluent's loaders do: keyword groups become typed
//! nodes (several groups in one object become a synthetic `allOf`), `$ref`s resolve offline
//! against the document itself and the referenced schemas, and cycles share one node.
//!
//! Nesting (JSON nesting plus `$ref` hops) is bounded by the limits' `max_depth`, and every
//! lookup a `$ref` needs is cached, so loading stays linear in the input.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::model::{
    ArrayNode, Common, Criterion, Dialect, Kind, Model, Node, NodeId, NumberNode, ObjectNode,
    StringNode, identity_key,
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

/// Loads `documents[0]` (the schema) into a model, nesting at most `max_depth` levels.
///
/// # Errors
/// The detail text when the schema (following its `$ref`s) nests deeper than `max_depth`.
pub(crate) fn load(documents: &[Document<'_>], max_depth: usize) -> Result<Model, String> {
    let mut loader = Loader {
        targets: documents
            .iter()
            .map(|d| Target {
                name: d.name,
                value: d.value,
                id: d
                    .value
                    .get("$id")
                    .or_else(|| d.value.get("id"))
                    .and_then(Value::as_str),
            })
            .collect(),
        dialects: documents
            .iter()
            .map(|d| Dialect::from_schema_uri(d.value.get("$schema").and_then(Value::as_str)))
            .collect(),
        nodes: Vec::new(),
        ref_targets: HashMap::new(),
        located: HashMap::new(),
        anchors: refs::Anchors::default(),
        depth: 0,
        ref_hops: 0,
        max_depth,
        error: None,
    };
    let root = match documents.first() {
        Some(doc) => loader.load(0, doc.value),
        None => loader.push(Node::bare(Kind::Empty)),
    };
    if let Some(error) = loader.error {
        return Err(error);
    }
    Ok(Model {
        nodes: loader.nodes,
        root,
    })
}

struct Loader<'a> {
    targets: Vec<Target<'a>>,
    dialects: Vec<Dialect>,
    nodes: Vec<Node>,
    /// `(document, JSON pointer)` → the node standing for that target; makes cycles finite.
    ref_targets: HashMap<(usize, String), NodeId>,
    /// `(document, $ref text)` → where it points, so each distinct reference is located once.
    located: HashMap<(usize, &'a str), Option<(usize, String)>>,
    anchors: refs::Anchors,
    /// Loads in progress (JSON nesting plus `$ref` hops), and how many of them are hops.
    depth: usize,
    ref_hops: usize,
    max_depth: usize,
    /// Set once nesting went too deep; every later load then returns at once.
    error: Option<String>,
}

impl<'a> Loader<'a> {
    fn push(&mut self, node: Node) -> NodeId {
        self.nodes.push(node);
        self.nodes.len() - 1
    }

    fn dialect(&self, doc: usize) -> Dialect {
        self.dialects.get(doc).copied().unwrap_or(Dialect::Draft7)
    }

    fn load(&mut self, doc: usize, value: &'a Value) -> NodeId {
        if self.error.is_some() || self.depth >= self.max_depth {
            return self.refuse_depth();
        }
        self.depth += 1;
        let id = match value {
            Value::Object(map) => self.load_object(doc, map),
            _ => self.push_leaf(value),
        };
        self.depth -= 1;
        id
    }

    // `load_object` and the helpers it recurses through keep small frames (everything that
    // does not recurse lives in `#[inline(never)]` functions), so that the depth limit fits a
    // 2 MiB stack even in a debug build.
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
        self.load_applicators(doc, map, dialect, &mut parts);
        let consumed = self.load_types(doc, map, dialect, &mut parts);
        let sniffed = sniff(map, dialect, &consumed);
        if sniffed.array {
            let kind = self.array_kind(doc, map);
            self.push_part(kind, &mut parts);
        }
        if sniffed.object {
            let kind = self.object_kind(doc, map);
            self.push_part(kind, &mut parts);
        }
        self.finish_object(map, dialect, sniffed, parts)
    }

    /// `enum`, `allOf`/`anyOf`/`oneOf`, `not` and `const`.
    fn load_applicators(
        &mut self,
        doc: usize,
        map: &'a Map<String, Value>,
        dialect: Dialect,
        parts: &mut Vec<NodeId>,
    ) {
        if let Some(Value::Array(values)) = map.get("enum") {
            self.push_part(Kind::Enum(values.clone()), parts);
        }
        for criterion in [Criterion::AllOf, Criterion::AnyOf, Criterion::OneOf] {
            if let Some(Value::Array(subs)) = map.get(criterion.keyword()) {
                let id = self.load_combined(doc, criterion, subs);
                parts.push(id);
            }
        }
        if let Some(not) = map.get("not") {
            let inner = self.load(doc, not);
            self.push_part(Kind::Not(inner), parts);
        }
        if dialect != Dialect::Draft4
            && let Some(value) = map.get("const")
        {
            self.push_part(Kind::Const(value.clone()), parts);
        }
    }

    /// The kinds `type` names; answers the keywords they consume.
    fn load_types(
        &mut self,
        doc: usize,
        map: &'a Map<String, Value>,
        dialect: Dialect,
        parts: &mut Vec<NodeId>,
    ) -> Vec<&'static str> {
        let mut consumed: Vec<&'static str> = Vec::new();
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
                self.push_part(
                    Kind::Combined {
                        criterion: Criterion::AnyOf,
                        subschemas: subs,
                    },
                    parts,
                );
            }
            _ => {}
        }
        consumed
    }

    #[inline(never)]
    fn push_part(&mut self, kind: Kind, parts: &mut Vec<NodeId>) {
        let id = self.push(Node::bare(kind));
        parts.push(id);
    }

    #[inline(never)]
    fn push_kind(&mut self, kind: Kind) -> NodeId {
        self.push(Node::bare(kind))
    }

    /// The non-recursive rest of an object: sniffed number/string/conditional kinds, the
    /// synthetic `allOf` of several parts, and the common attributes.
    #[inline(never)]
    fn finish_object(
        &mut self,
        map: &Map<String, Value>,
        dialect: Dialect,
        sniffed: Sniffed,
        mut parts: Vec<NodeId>,
    ) -> NodeId {
        if sniffed.number {
            parts.push(self.push(Node::bare(Kind::Number(number_node(map, false)))));
        }
        if sniffed.string {
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
        // Confluent collapses identical subschemas before matching them. A key-sorted text
        // is the identity (linear, where comparing every pair would be quadratic).
        let mut seen: HashSet<String> = HashSet::new();
        let mut ids = Vec::new();
        for sub in subs {
            let mut key = String::new();
            identity_key(sub, &mut key);
            if !seen.insert(key) {
                continue;
            }
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
        self.push_kind(kind)
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
        node.index();
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
    fn resolve_ref(&mut self, doc: usize, reference: &'a str) -> NodeId {
        match self.ref_target(doc, reference) {
            RefTarget::Ready(id) => id,
            RefTarget::Load { slot, doc, value } => {
                self.ref_hops += 1;
                let loaded = self.load(doc, value);
                self.ref_hops -= 1;
                self.fill_slot(slot, loaded);
                slot
            }
        }
    }

    /// Where a `$ref` leads: a node already standing for it, or a fresh slot to load into.
    #[inline(never)]
    fn ref_target(&mut self, doc: usize, reference: &'a str) -> RefTarget<'a> {
        let located = match self.located.get(&(doc, reference)) {
            Some(found) => found.clone(),
            None => {
                let found = refs::locate(&self.targets, doc, reference, &mut self.anchors);
                self.located.insert((doc, reference), found.clone());
                found
            }
        };
        let Some(key) = located else {
            return RefTarget::Ready(self.push(Node::bare(Kind::Unresolved(reference.to_owned()))));
        };
        if let Some(&id) = self.ref_targets.get(&key) {
            return RefTarget::Ready(id);
        }
        let target_doc = key.0;
        let document = self.targets.get(target_doc).map(|d| d.value);
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
            return RefTarget::Ready(self.push(Node::bare(Kind::Unresolved(reference.to_owned()))));
        };
        let slot = self.push_empty();
        self.ref_targets.insert(key, slot);
        RefTarget::Load {
            slot,
            doc: target_doc,
            value,
        }
    }

    /// Makes `slot` (the node a `$ref` target was promised as) a copy of what was loaded.
    #[inline(never)]
    fn fill_slot(&mut self, slot: NodeId, loaded: NodeId) {
        if loaded != slot
            && let Some(node) = self.nodes.get(loaded).cloned()
            && let Some(target) = self.nodes.get_mut(slot)
        {
            *target = node;
        }
    }

    #[inline(never)]
    fn push_empty(&mut self) -> NodeId {
        self.push(Node::bare(Kind::Empty))
    }

    /// A node that is not an object: `true`, `false`, or no schema at all.
    #[inline(never)]
    fn push_leaf(&mut self, value: &Value) -> NodeId {
        self.push(Node::bare(match value {
            Value::Bool(true) => Kind::True,
            Value::Bool(false) => Kind::False,
            // Not a schema; validation refuses these for new schemas.
            _ => Kind::Empty,
        }))
    }

    /// Records that nesting went past the limit (the first time) and yields a placeholder.
    #[inline(never)]
    fn refuse_depth(&mut self) -> NodeId {
        if self.error.is_none() {
            let what = if self.ref_hops > 0 {
                "$ref chain"
            } else {
                "nesting"
            };
            self.error = Some(crate::schema::limits::too_deep(what, self.max_depth));
        }
        self.push_empty()
    }
}

/// What a `$ref` resolves to (see [`Loader::ref_target`]).
enum RefTarget<'a> {
    Ready(NodeId),
    Load {
        slot: NodeId,
        doc: usize,
        value: &'a Value,
    },
}

/// Which keyword groups remain once `type` consumed its own: each becomes a kind.
#[derive(Debug, Clone, Copy)]
struct Sniffed {
    array: bool,
    object: bool,
    number: bool,
    string: bool,
}

#[inline(never)]
fn sniff(map: &Map<String, Value>, dialect: Dialect, consumed: &[&str]) -> Sniffed {
    let remaining = |keywords: &[&str]| {
        keywords.iter().any(|k| {
            !consumed.contains(k)
                && match map.get(*k) {
                    None => false,
                    // 2020-12 keeps no trace of an empty `properties`.
                    Some(Value::Object(o)) if *k == "properties" && dialect == Dialect::Modern => {
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
    let string_kw: &[&str] = if dialect == Dialect::Modern {
        &STRING_KEYWORDS[..3]
    } else {
        STRING_KEYWORDS
    };
    Sniffed {
        array: remaining(array_kw),
        object: remaining(object_kw),
        number: remaining(NUMBER_KEYWORDS),
        string: remaining(string_kw),
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
