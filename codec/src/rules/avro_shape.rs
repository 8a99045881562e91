//! An Avro schema as the rules need it: record and field names for `fullName`, inline tags, the
//! branch of a union a value belongs to; `avro_encode.rs` writes a message back from its JSON
//! view with it.
//!
//! The JSON view is the one the codec hands to rules: records and maps are objects, `bytes` and
//! `fixed` strings of code points 0–255 (or arrays of numbers, as `serde_json` writes `Vec<u8>`),
//! `decimal` a decimal string, enums their symbol, unions their branch's value.
//! Bounds: at most [`MAX_NODES`] schema nodes, [`MAX_DEPTH`] levels of nesting in the schema and
//! in a value.
#![cfg_attr(not(feature = "rules"), allow(dead_code))]

use std::collections::{BTreeSet, HashMap};

use serde_json::Value as Json;

use super::avro_encode::{bytes_of, int_of, kind_of, parse_decimal};
use super::tags::inline_json_tags;

/// Deepest schema or value nesting followed.
pub const MAX_DEPTH: usize = 64;
/// Most schema nodes (types) one shape holds.
pub const MAX_NODES: usize = 10_000;

pub(crate) type NodeId = usize;

/// One Avro type.
#[derive(Debug)]
pub(crate) enum Node {
    Null,
    Boolean,
    Int,
    Long,
    Float,
    Double,
    Bytes,
    String,
    /// `bytes` (`fixed: None`) or `fixed` with logical type `decimal`
    Decimal {
        fixed: Option<usize>,
        scale: u32,
    },
    Enum {
        symbols: Vec<String>,
    },
    Fixed {
        size: usize,
    },
    Array(NodeId),
    Map(NodeId),
    Record {
        full_name: String,
        fields: Vec<Field>,
    },
    Union(Vec<NodeId>),
    /// a name this shape cannot resolve (a type from a schema it was not given)
    Unknown(String),
}

/// A record field.
#[derive(Debug)]
pub(crate) struct Field {
    pub name: String,
    pub node: NodeId,
    pub tags: BTreeSet<String>,
    pub default: Option<Json>,
}

/// A parsed schema: nodes in an arena (recursive types refer back by id).
#[derive(Debug)]
pub(crate) struct AvroShape {
    nodes: Vec<Node>,
    pub root: NodeId,
}

const PRIMITIVES: [&str; 8] = [
    "null", "boolean", "int", "long", "float", "double", "bytes", "string",
];

struct Parser {
    nodes: Vec<Node>,
    names: HashMap<String, NodeId>,
}

impl AvroShape {
    /// Parses `main`, with the named types of `deps` (its references' schemas) in scope.
    pub(crate) fn parse(main: &str, deps: &[String]) -> Result<Self, String> {
        let mut p = Parser {
            nodes: Vec::new(),
            names: HashMap::new(),
        };
        for name in PRIMITIVES {
            p.push(primitive(name).unwrap_or(Node::Null))?;
        }
        for dep in deps {
            let doc: Json = serde_json::from_str(dep)
                .map_err(|e| format!("a referenced schema is not JSON: {e}"))?;
            p.node(&doc, "", 0)?;
        }
        let doc: Json =
            serde_json::from_str(main).map_err(|e| format!("the schema is not JSON: {e}"))?;
        let root = p.node(&doc, "", 0)?;
        Ok(Self {
            nodes: p.nodes,
            root,
        })
    }

    pub(crate) fn node(&self, id: NodeId) -> &Node {
        self.nodes.get(id).unwrap_or(&Node::Null)
    }

    /// The union branch `value` belongs to: exact kinds first (a whole number is an `int` or
    /// `long` before a `double`, a string a `string` before an enum symbol or bytes), then the
    /// declared order.
    pub(crate) fn branch(&self, branches: &[NodeId], value: &Json) -> Option<(usize, NodeId)> {
        branches
            .iter()
            .enumerate()
            .filter_map(|(i, b)| self.rank(*b, value).map(|r| (r, i, *b)))
            .min_by_key(|(r, i, _)| (*r, *i))
            .map(|(_, i, b)| (i, b))
    }

    fn rank(&self, id: NodeId, v: &Json) -> Option<u8> {
        match (self.node(id), v) {
            (Node::Null, Json::Null)
            | (Node::Boolean, Json::Bool(_))
            | (Node::String, Json::String(_))
            | (Node::Array(_), Json::Array(_)) => Some(0),
            (Node::Int, Json::Number(_)) => {
                int_of(v).filter(|i| i32::try_from(*i).is_ok()).map(|_| 0)
            }
            (Node::Long, Json::Number(_)) => int_of(v).map(|_| 1),
            (Node::Float | Node::Double, Json::Number(_)) => Some(2),
            (Node::Enum { symbols }, Json::String(s)) => symbols.contains(s).then_some(1),
            (Node::Decimal { .. }, Json::String(s)) => parse_decimal(s, u32::MAX).ok().map(|_| 2),
            (Node::Bytes, Json::String(_) | Json::Array(_)) => Some(3),
            (Node::Fixed { size }, Json::String(_) | Json::Array(_)) => {
                bytes_of(v).is_ok_and(|b| b.len() == *size).then_some(3)
            }
            (Node::Record { fields, .. }, Json::Object(o)) => fields
                .iter()
                .all(|f| f.default.is_some() || o.contains_key(&f.name))
                .then_some(0),
            (Node::Map(_), Json::Object(_)) => Some(1),
            _ => None,
        }
    }
}

impl Parser {
    fn push(&mut self, n: Node) -> Result<NodeId, String> {
        if self.nodes.len() >= MAX_NODES {
            return Err(format!("schema has more than {MAX_NODES} types"));
        }
        self.nodes.push(n);
        Ok(self.nodes.len() - 1)
    }

    fn named(&mut self, name: &str, ns: &str) -> Result<NodeId, String> {
        let full = full_name(name, ns);
        if let Some(id) = self.names.get(&full).or_else(|| self.names.get(name)) {
            return Ok(*id);
        }
        self.push(Node::Unknown(full))
    }

    fn node(&mut self, v: &Json, ns: &str, depth: usize) -> Result<NodeId, String> {
        if depth > MAX_DEPTH {
            return Err(format!("schema nests deeper than {MAX_DEPTH} levels"));
        }
        match v {
            Json::String(s) => match PRIMITIVES.iter().position(|p| p == s) {
                Some(i) => Ok(i),
                None => self.named(s, ns),
            },
            Json::Array(branches) => {
                let mut ids = Vec::with_capacity(branches.len().min(64));
                for b in branches {
                    ids.push(self.node(b, ns, depth + 1)?);
                }
                self.push(Node::Union(ids))
            }
            Json::Object(o) => {
                let ty = o.get("type").unwrap_or(&Json::Null);
                let logical = o.get("logicalType").and_then(Json::as_str);
                let scale = || {
                    o.get("scale")
                        .and_then(Json::as_u64)
                        .and_then(|s| u32::try_from(s).ok())
                        .unwrap_or(0)
                };
                match ty.as_str() {
                    Some("record" | "error") => self.record(v, ns, depth),
                    Some("enum") => {
                        let symbols = o
                            .get("symbols")
                            .and_then(Json::as_array)
                            .map(|a| {
                                a.iter()
                                    .filter_map(|s| s.as_str().map(str::to_owned))
                                    .collect()
                            })
                            .unwrap_or_default();
                        let id = self.push(Node::Enum { symbols })?;
                        self.register(v, ns, id);
                        Ok(id)
                    }
                    Some("fixed") => {
                        let size = o
                            .get("size")
                            .and_then(Json::as_u64)
                            .and_then(|s| usize::try_from(s).ok())
                            .unwrap_or(0);
                        let n = if logical == Some("decimal") {
                            Node::Decimal {
                                fixed: Some(size),
                                scale: scale(),
                            }
                        } else {
                            Node::Fixed { size }
                        };
                        let id = self.push(n)?;
                        self.register(v, ns, id);
                        Ok(id)
                    }
                    Some("array") => {
                        let item =
                            self.node(o.get("items").unwrap_or(&Json::Null), ns, depth + 1)?;
                        self.push(Node::Array(item))
                    }
                    Some("map") => {
                        let value =
                            self.node(o.get("values").unwrap_or(&Json::Null), ns, depth + 1)?;
                        self.push(Node::Map(value))
                    }
                    Some("bytes") if logical == Some("decimal") => self.push(Node::Decimal {
                        fixed: None,
                        scale: scale(),
                    }),
                    _ => self.node(ty, ns, depth + 1),
                }
            }
            _ => Err(format!("{} is not an Avro type", kind_of(v))),
        }
    }

    /// Registers a named type under its full name; returns the namespace its members inherit.
    fn register(&mut self, v: &Json, ns: &str, id: NodeId) -> (String, String) {
        let name = v.get("name").and_then(Json::as_str).unwrap_or("");
        let ns = v.get("namespace").and_then(Json::as_str).unwrap_or(ns);
        let full = full_name(name, ns);
        let inner_ns = full
            .rsplit_once('.')
            .map(|(n, _)| n.to_owned())
            .unwrap_or_default();
        self.names.insert(full.clone(), id);
        (full, inner_ns)
    }

    fn record(&mut self, v: &Json, ns: &str, depth: usize) -> Result<NodeId, String> {
        // registered before its fields, so a field may name the record itself
        let id = self.push(Node::Record {
            full_name: String::new(),
            fields: Vec::new(),
        })?;
        let (full, inner_ns) = self.register(v, ns, id);
        let mut fields = Vec::new();
        for f in v
            .get("fields")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            let Some(name) = f.get("name").and_then(Json::as_str) else {
                continue;
            };
            let node = self.node(f.get("type").unwrap_or(&Json::Null), &inner_ns, depth + 1)?;
            fields.push(Field {
                name: name.to_owned(),
                node,
                tags: inline_json_tags(f),
                default: f.get("default").cloned(),
            });
        }
        if let Some(slot) = self.nodes.get_mut(id) {
            *slot = Node::Record {
                full_name: full,
                fields,
            };
        }
        Ok(id)
    }
}

fn primitive(name: &str) -> Option<Node> {
    Some(match name {
        "null" => Node::Null,
        "boolean" => Node::Boolean,
        "int" => Node::Int,
        "long" => Node::Long,
        "float" => Node::Float,
        "double" => Node::Double,
        "bytes" => Node::Bytes,
        "string" => Node::String,
        _ => return None,
    })
}

fn full_name(name: &str, ns: &str) -> String {
    if name.contains('.') || ns.is_empty() {
        name.to_owned()
    } else {
        format!("{ns}.{name}")
    }
}
