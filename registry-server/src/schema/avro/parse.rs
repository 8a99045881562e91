//! Avro JSON → [`Graph`], following Avro Java's `Schema.Parser` (what it accepts, how names
//! resolve, its error texts) rather than apache-avro's stricter parser.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::defaults::{parse_java_double, valid_default};
use super::json::{self, strip_comments};
use super::model::{Field, Graph, Kind, Name, Named, Node, NodeId, Order, Props};
use super::names::{NameCheck, strict_name, utf_name};

const SCHEMA_RESERVED: &[&str] = &[
    "doc",
    "fields",
    "items",
    "name",
    "namespace",
    "size",
    "symbols",
    "values",
    "type",
    "aliases",
];
const FIELD_RESERVED: &[&str] = &["default", "doc", "name", "order", "type", "aliases"];

/// Parses several documents into one graph, sharing named types between them.
pub(crate) struct Parser<'g> {
    graph: &'g mut Graph,
    names: HashMap<String, NodeId>,
    /// What each name was defined by ([`identity`]), so an equal redefinition is allowed.
    definitions: HashMap<String, Value>,
    names_check: NameCheck,
    validate_defaults: bool,
    /// Deepest nesting a default value is checked to (see [`valid_default`]).
    max_depth: usize,
    /// Forward references of the current document: (placeholder node, full name).
    pending: Vec<(NodeId, String)>,
    /// Unions of the current document, checked once references are resolved.
    unions: Vec<NodeId>,
}

impl<'g> Parser<'g> {
    pub(crate) fn new(graph: &'g mut Graph, validate_defaults: bool) -> Self {
        Parser {
            graph,
            names: HashMap::new(),
            definitions: HashMap::new(),
            names_check: NameCheck::Off,
            validate_defaults,
            max_depth: crate::schema::limits::DEFAULT_MAX_DEPTH,
            pending: Vec::new(),
            unions: Vec::new(),
        }
    }

    pub(crate) fn graph(&self) -> &Graph {
        self.graph
    }

    pub(crate) fn set_max_depth(&mut self, max_depth: usize) {
        self.max_depth = max_depth;
    }

    pub(crate) fn set_name_check(&mut self, check: NameCheck) {
        self.names_check = check;
    }

    /// Parses one document; its named types become visible to later documents.
    pub(crate) fn parse_document(&mut self, text: &str) -> Result<NodeId, String> {
        // Avro Java's Jackson factory allows comments.
        let text = strip_comments(text);
        let mut stream = serde_json::Deserializer::from_str(&text).into_iter::<Value>();
        let value = match stream.next() {
            Some(value) => value.map_err(|e| e.to_string())?,
            None => return Err("No content to map due to end-of-input".to_owned()),
        };
        let dangling = text[stream.byte_offset()..].trim();
        let root = self.parse(&value, None)?;
        self.resolve_pending()?;
        self.check_unions()?;
        if !dangling.is_empty() {
            return Err(format!("dangling content after end of schema: {dangling}"));
        }
        Ok(root)
    }

    /// Points every forward reference of the document at its definition (Avro 1.12 resolves
    /// them when the document is complete, by full name).
    fn resolve_pending(&mut self) -> Result<(), String> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let mut targets: HashMap<NodeId, NodeId> = HashMap::with_capacity(self.pending.len());
        for (placeholder, full) in self.pending.drain(..) {
            let target = self
                .names
                .get(&full)
                .copied()
                .ok_or_else(|| format!("Undefined schema: {full}"))?;
            targets.insert(placeholder, target);
        }
        let map = |id: &mut NodeId| {
            if let Some(target) = targets.get(id) {
                *id = *target;
            }
        };
        for node in &mut self.graph.nodes {
            match node {
                Node::Record { fields, .. } => fields.iter_mut().for_each(|f| map(&mut f.ty)),
                Node::Array { items, .. } => map(items),
                Node::Map { values, .. } => map(values),
                Node::Union { branches } => branches.iter_mut().for_each(map),
                Node::Primitive { .. } | Node::Enum { .. } | Node::Fixed { .. } => {}
            }
        }
        Ok(())
    }

    /// Avro's `UnionSchema` checks, once forward references are resolved.
    fn check_unions(&mut self) -> Result<(), String> {
        for union in std::mem::take(&mut self.unions) {
            let Node::Union { branches } = self.graph.node(union) else {
                continue;
            };
            let mut seen: HashSet<String> = HashSet::with_capacity(branches.len());
            for &branch in branches {
                let node = self.graph.node(branch);
                if node.kind() == Kind::Union {
                    let mut text = String::new();
                    super::canonical::write_inline(self.graph, union, &mut text);
                    return Err(format!("Nested union: {text}"));
                }
                let key = node.union_key();
                if seen.contains(&key) {
                    return Err(format!("Duplicate in union:{key}"));
                }
                seen.insert(key);
            }
        }
        Ok(())
    }

    fn parse(&mut self, value: &Value, space: Option<&str>) -> Result<NodeId, String> {
        match value {
            Value::String(name) => self.resolve(name, space),
            Value::Object(obj) => {
                let Some(ty) = obj.get("type").and_then(Value::as_str) else {
                    return Err(format!("No type: {}", json::to_string(value)));
                };
                if let Some(kind) = Kind::primitive(ty) {
                    let props = props_of(obj, SCHEMA_RESERVED);
                    return Ok(self.graph.push(Node::Primitive { kind, props }));
                }
                match ty {
                    "record" | "error" => self.parse_record(value, obj, space, ty == "error"),
                    "enum" => self.parse_enum(value, obj, space),
                    "fixed" => self.parse_fixed(value, obj, space),
                    "array" => {
                        let items = obj.get("items").ok_or_else(|| {
                            format!("Array has no items type: {}", json::to_string(value))
                        })?;
                        let items = self.parse(items, space)?;
                        let props = props_of(obj, SCHEMA_RESERVED);
                        Ok(self.graph.push(Node::Array { items, props }))
                    }
                    "map" => {
                        let values = obj.get("values").ok_or_else(|| {
                            format!("Map has no values type: {}", json::to_string(value))
                        })?;
                        let values = self.parse(values, space)?;
                        let props = props_of(obj, SCHEMA_RESERVED);
                        Ok(self.graph.push(Node::Map { values, props }))
                    }
                    // Avro 1.12 reads `{"type":"SomeName"}` as a reference to that name.
                    other => self.resolve(other, space),
                }
            }
            Value::Array(items) => self.parse_union(items, space),
            other => Err(format!(
                "Schema not yet supported: {}",
                json::to_string(other)
            )),
        }
    }

    /// A type named by a string: a primitive, or a named type defined earlier.
    fn resolve(&mut self, name: &str, space: Option<&str>) -> Result<NodeId, String> {
        if let Some(kind) = Kind::primitive(name) {
            return Ok(self.graph.push(Node::Primitive {
                kind,
                props: Vec::new(),
            }));
        }
        let full = Name::new(name, space).full();
        if let Some(id) = self.names.get(&full) {
            return Ok(*id);
        }
        if !name.contains('.')
            && let Some(id) = self.names.get(name)
        {
            return Ok(*id);
        }
        // A forward reference: a placeholder, pointed at the definition once the document
        // is complete.
        let placeholder = self.graph.push(Node::Primitive {
            kind: Kind::Null,
            props: Vec::new(),
        });
        self.pending.push((placeholder, full));
        Ok(placeholder)
    }

    fn parse_union(&mut self, items: &[Value], space: Option<&str>) -> Result<NodeId, String> {
        let mut branches = Vec::with_capacity(items.len());
        for item in items {
            branches.push(self.parse(item, space)?);
        }
        let id = self.graph.push(Node::Union { branches });
        self.unions.push(id);
        Ok(id)
    }

    /// Name, doc and aliases of a record/enum/fixed, with validation; `Ok(Err(id))` when the
    /// name is an allowed identical redefinition of `id`.
    fn named(
        &mut self,
        value: &Value,
        obj: &Map<String, Value>,
        space: Option<&str>,
    ) -> Result<Result<Named, NodeId>, String> {
        let Some(simple) = obj.get("name").and_then(Value::as_str) else {
            return Err(format!("No name in schema: {}", json::to_string(value)));
        };
        let space = obj.get("namespace").and_then(Value::as_str).or(space);
        let name = Name::new(simple, space);
        self.check_name(&name.name)?;
        if self.names_check == NameCheck::Strict
            && let Some(space) = &name.space
        {
            for part in space.split('.') {
                if let Err(e) = strict_name(part) {
                    return Err(format!("Namespace part \"{part}\" is invalid: {e}"));
                }
            }
        }
        let full = name.full();
        if Kind::primitive(&full).is_some() {
            return Err(format!("Schemas may not be named after primitives: {full}"));
        }
        if let Some(&existing) = self.names.get(&full) {
            if self.definitions.get(&full) == Some(&identity(value)) {
                return Ok(Err(existing));
            }
            return Err(format!("Can't redefine: {full}"));
        }
        let aliases = match obj.get("aliases") {
            None => Vec::new(),
            Some(aliases) => parse_aliases(aliases, value)?
                .iter()
                .map(|alias| Name::new(alias, name.space.as_deref()))
                .fold(Vec::new(), |mut acc: Vec<Name>, alias| {
                    if !acc.contains(&alias) {
                        acc.push(alias);
                    }
                    acc
                }),
        };
        let doc = obj.get("doc").and_then(Value::as_str).map(str::to_owned);
        Ok(Ok(Named {
            name,
            doc,
            aliases,
            props: Vec::new(),
        }))
    }

    fn define(&mut self, named: &Named, value: &Value, id: NodeId) {
        let full = named.name.full();
        self.names.insert(full.clone(), id);
        self.definitions.insert(full, identity(value));
    }

    fn parse_record(
        &mut self,
        value: &Value,
        obj: &Map<String, Value>,
        space: Option<&str>,
        is_error: bool,
    ) -> Result<NodeId, String> {
        let mut named = match self.named(value, obj, space)? {
            Ok(named) => named,
            Err(existing) => return Ok(existing),
        };
        let Some(fields_json) = obj.get("fields").and_then(Value::as_array) else {
            return Err(format!("Record has no fields: {}", json::to_string(value)));
        };
        named.props = props_of(obj, SCHEMA_RESERVED);
        // Registered before its fields so that the record may refer to itself.
        let id = self.graph.push(Node::Record {
            named: named.clone(),
            fields: Vec::new(),
            positions: HashMap::new(),
            is_error,
        });
        self.define(&named, value, id);
        let space = named.name.space.clone();
        let mut fields: Vec<Field> = Vec::with_capacity(fields_json.len());
        let mut positions: HashMap<String, usize> = HashMap::with_capacity(fields_json.len());
        for field_json in fields_json {
            let field = self.parse_field(field_json, space.as_deref())?;
            if let Some(&pos) = positions.get(&field.name) {
                let kind = |f: &Field| self.graph.node(f.ty).kind().constant();
                return Err(format!(
                    "Duplicate field {name} in record {full}: {name} type:{} pos:{} and {name} type:{} pos:{pos}.",
                    kind(&field),
                    fields.len(),
                    kind(&fields[pos]),
                    name = field.name,
                    full = named.name.full(),
                ));
            }
            positions.insert(field.name.clone(), fields.len());
            fields.push(field);
        }
        if let Node::Record {
            fields: slot,
            positions: index,
            ..
        } = &mut self.graph.nodes[id]
        {
            *slot = fields;
            *index = positions;
        }
        Ok(id)
    }

    fn parse_field(&mut self, value: &Value, space: Option<&str>) -> Result<Field, String> {
        let obj = value.as_object();
        let Some(name) = obj.and_then(|o| o.get("name")).and_then(Value::as_str) else {
            return Err(format!("No field name: {}", json::to_string(value)));
        };
        let obj = obj.ok_or_else(|| format!("No field name: {}", json::to_string(value)))?;
        self.check_name(name)?;
        let Some(ty_json) = obj.get("type") else {
            return Err(format!("No field type: {}", json::to_string(value)));
        };
        let ty = self.parse(ty_json, space)?;
        let order = match obj.get("order") {
            None => Order::Ascending,
            Some(order) => match order.as_str().map(str::to_ascii_uppercase).as_deref() {
                Some("ASCENDING") => Order::Ascending,
                Some("DESCENDING") => Order::Descending,
                Some("IGNORE") => Order::Ignore,
                other => {
                    return Err(format!(
                        "No enum constant org.apache.avro.Schema.Field.Order.{}",
                        other.unwrap_or("null")
                    ));
                }
            },
        };
        let kind = self.graph.node(ty).kind();
        let mut default = obj.get("default").cloned();
        if let (Some(Value::String(text)), Kind::Float | Kind::Double) = (&default, kind) {
            default = Some(parse_java_double(text)?);
        }
        let forward_reference = self
            .pending
            .iter()
            .any(|(placeholder, _)| *placeholder == ty);
        if self.validate_defaults
            && !forward_reference
            && let Some(default) = &default
            && !valid_default(self.graph, ty, default, self.max_depth)?
        {
            let mut schema = String::new();
            super::canonical::write_inline(self.graph, ty, &mut schema);
            return Err(format!(
                "Invalid default for field {name}: {} not a {schema}",
                json::to_string(default)
            ));
        }
        let aliases = match obj.get("aliases") {
            None => Vec::new(),
            Some(aliases) => parse_aliases(aliases, value)?,
        };
        Ok(Field {
            name: name.to_owned(),
            ty,
            doc: obj.get("doc").and_then(Value::as_str).map(str::to_owned),
            default,
            order,
            aliases,
            props: props_of(obj, FIELD_RESERVED),
        })
    }

    fn parse_enum(
        &mut self,
        value: &Value,
        obj: &Map<String, Value>,
        space: Option<&str>,
    ) -> Result<NodeId, String> {
        let mut named = match self.named(value, obj, space)? {
            Ok(named) => named,
            Err(existing) => return Ok(existing),
        };
        let Some(symbols_json) = obj.get("symbols").and_then(Value::as_array) else {
            return Err(format!("Enum has no symbols: {}", json::to_string(value)));
        };
        let mut symbols: Vec<String> = Vec::with_capacity(symbols_json.len());
        for symbol in symbols_json {
            let symbol = symbol.as_str().unwrap_or_default();
            self.check_name(symbol)?;
            if symbols.iter().any(|s| s == symbol) {
                return Err(format!("Duplicate enum symbol: {symbol}"));
            }
            symbols.push(symbol.to_owned());
        }
        let default = obj
            .get("default")
            .and_then(Value::as_str)
            .map(str::to_owned);
        if let Some(default) = &default
            && !symbols.contains(default)
        {
            return Err(format!(
                "The Enum Default: {default} is not in the enum symbol set: [{}]",
                symbols.join(", ")
            ));
        }
        let mut reserved = SCHEMA_RESERVED.to_vec();
        reserved.push("default");
        named.props = props_of(obj, &reserved);
        let node = Node::Enum {
            named: named.clone(),
            symbols,
            default,
        };
        let id = self.graph.push(node);
        self.define(&named, value, id);
        Ok(id)
    }

    fn parse_fixed(
        &mut self,
        value: &Value,
        obj: &Map<String, Value>,
        space: Option<&str>,
    ) -> Result<NodeId, String> {
        let mut named = match self.named(value, obj, space)? {
            Ok(named) => named,
            Err(existing) => return Ok(existing),
        };
        let size = obj
            .get("size")
            .and_then(Value::as_u64)
            .filter(|size| i32::try_from(*size).is_ok())
            .ok_or_else(|| format!("Invalid or no size: {}", json::to_string(value)))?;
        named.props = props_of(obj, SCHEMA_RESERVED);
        let id = self.graph.push(Node::Fixed {
            named: named.clone(),
            size,
        });
        self.define(&named, value, id);
        Ok(id)
    }

    fn check_name(&self, name: &str) -> Result<(), String> {
        match self.names_check {
            NameCheck::Strict => strict_name(name),
            NameCheck::Utf => utf_name(name),
            NameCheck::Off => Ok(()),
        }
    }
}

/// A definition as Avro Java's `Schema.equals` sees it: docs and aliases don't count, key
/// order doesn't matter (JSON object equality ignores it).
fn identity(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| k.as_str() != "doc" && k.as_str() != "aliases")
                .map(|(k, v)| (k.clone(), identity(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(identity).collect()),
        other => other.clone(),
    }
}

/// Non-reserved keys in document order.
fn props_of(obj: &Map<String, Value>, reserved: &[&str]) -> Props {
    obj.iter()
        .filter(|(k, _)| !reserved.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn parse_aliases(aliases: &Value, owner: &Value) -> Result<Vec<String>, String> {
    let Some(items) = aliases.as_array() else {
        return Err(format!("aliases not an array: {}", json::to_string(owner)));
    };
    let mut out: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        let Some(alias) = item.as_str() else {
            return Err(format!("alias not a string: {}", json::to_string(item)));
        };
        if !out.iter().any(|a| a == alias) {
            out.push(alias.to_owned());
        }
    }
    Ok(out)
}
