//! The parsed Avro schema graph: an arena of nodes where every use of a named type points at
//! its single definition, so references and recursive types are plain edges.

use std::collections::HashMap;

use serde_json::Value;

/// Index of a node in [`Graph::nodes`].
pub(crate) type NodeId = usize;

/// Custom properties in the order they were written (later duplicates replace in place).
pub(crate) type Props = Vec<(String, Value)>;

/// Avro Java's `Schema.Type`; `Display` is the enum constant name used in messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    Record,
    Enum,
    Array,
    Map,
    Union,
    Fixed,
    String,
    Bytes,
    Int,
    Long,
    Float,
    Double,
    Boolean,
    Null,
}

impl Kind {
    /// The primitive kind named `name` (`"int"`, ...), if any.
    pub(crate) fn primitive(name: &str) -> Option<Kind> {
        Some(match name {
            "string" => Kind::String,
            "bytes" => Kind::Bytes,
            "int" => Kind::Int,
            "long" => Kind::Long,
            "float" => Kind::Float,
            "double" => Kind::Double,
            "boolean" => Kind::Boolean,
            "null" => Kind::Null,
            _ => return None,
        })
    }

    /// The lower-case type name (`Type.getName()`).
    pub(crate) fn name(self) -> &'static str {
        match self {
            Kind::Record => "record",
            Kind::Enum => "enum",
            Kind::Array => "array",
            Kind::Map => "map",
            Kind::Union => "union",
            Kind::Fixed => "fixed",
            Kind::String => "string",
            Kind::Bytes => "bytes",
            Kind::Int => "int",
            Kind::Long => "long",
            Kind::Float => "float",
            Kind::Double => "double",
            Kind::Boolean => "boolean",
            Kind::Null => "null",
        }
    }

    /// The upper-case constant name (`Type.toString()`), as compatibility messages print it.
    pub(crate) fn constant(self) -> &'static str {
        match self {
            Kind::Record => "RECORD",
            Kind::Enum => "ENUM",
            Kind::Array => "ARRAY",
            Kind::Map => "MAP",
            Kind::Union => "UNION",
            Kind::Fixed => "FIXED",
            Kind::String => "STRING",
            Kind::Bytes => "BYTES",
            Kind::Int => "INT",
            Kind::Long => "LONG",
            Kind::Float => "FLOAT",
            Kind::Double => "DOUBLE",
            Kind::Boolean => "BOOLEAN",
            Kind::Null => "NULL",
        }
    }
}

/// A full name split as Avro Java's `Schema.Name` does (`space` is `None` for the null
/// namespace).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Name {
    pub(crate) name: String,
    pub(crate) space: Option<String>,
}

impl Name {
    /// Splits `name` on its last dot, else takes `space` (an empty namespace means none).
    pub(crate) fn new(name: &str, space: Option<&str>) -> Name {
        let (space, simple) = match name.rfind('.') {
            Some(dot) => (Some(&name[..dot]), &name[dot + 1..]),
            None => (space, name),
        };
        Name {
            name: simple.to_owned(),
            space: space.filter(|s| !s.is_empty()).map(str::to_owned),
        }
    }

    pub(crate) fn full(&self) -> String {
        match &self.space {
            Some(space) => format!("{space}.{}", self.name),
            None => self.name.clone(),
        }
    }

    /// The name as written inside `default_space`: the simple name when the namespace is the
    /// enclosing one (unless the simple name is a type name), else the full name.
    pub(crate) fn qualified_in(&self, default_space: Option<&str>) -> String {
        let same_space = self.space.is_some() && self.space.as_deref() == default_space;
        let is_type_name = Kind::primitive(&self.name).is_some()
            || matches!(
                self.name.as_str(),
                "record" | "enum" | "array" | "map" | "union" | "fixed"
            );
        if same_space && !is_type_name {
            self.name.clone()
        } else {
            self.full()
        }
    }
}

/// Field sort order; only non-ascending orders are written out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Order {
    Ascending,
    Descending,
    Ignore,
}

impl Order {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Order::Ascending => "ascending",
            Order::Descending => "descending",
            Order::Ignore => "ignore",
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Field {
    pub(crate) name: String,
    pub(crate) ty: NodeId,
    pub(crate) doc: Option<String>,
    pub(crate) default: Option<Value>,
    pub(crate) order: Order,
    pub(crate) aliases: Vec<String>,
    pub(crate) props: Props,
}

/// What a named type (record, enum, fixed) shares.
#[derive(Debug, Clone)]
pub(crate) struct Named {
    pub(crate) name: Name,
    pub(crate) doc: Option<String>,
    /// Aliases as written (resolved against `name.space` when compared).
    pub(crate) aliases: Vec<Name>,
    pub(crate) props: Props,
}

impl Named {
    /// Full names of the aliases (Avro Java `getAliases()`).
    pub(crate) fn alias_full_names(&self) -> Vec<String> {
        self.aliases
            .iter()
            .map(|alias| {
                if alias.space.is_none() && self.name.space.is_some() {
                    format!(".{}", alias.name)
                } else {
                    alias.full()
                }
            })
            .collect()
    }
}

#[derive(Debug, Clone)]
pub(crate) enum Node {
    Primitive {
        kind: Kind,
        props: Props,
    },
    Record {
        named: Named,
        fields: Vec<Field>,
        /// Field name → position in `fields` (Avro Java's `getField`).
        positions: HashMap<String, usize>,
        is_error: bool,
    },
    Enum {
        named: Named,
        symbols: Vec<String>,
        default: Option<String>,
    },
    Fixed {
        named: Named,
        size: u64,
    },
    Array {
        items: NodeId,
        props: Props,
    },
    Map {
        values: NodeId,
        props: Props,
    },
    Union {
        branches: Vec<NodeId>,
    },
}

impl Node {
    pub(crate) fn kind(&self) -> Kind {
        match self {
            Node::Primitive { kind, .. } => *kind,
            Node::Record { .. } => Kind::Record,
            Node::Enum { .. } => Kind::Enum,
            Node::Fixed { .. } => Kind::Fixed,
            Node::Array { .. } => Kind::Array,
            Node::Map { .. } => Kind::Map,
            Node::Union { .. } => Kind::Union,
        }
    }

    pub(crate) fn named(&self) -> Option<&Named> {
        match self {
            Node::Record { named, .. } | Node::Enum { named, .. } | Node::Fixed { named, .. } => {
                Some(named)
            }
            _ => None,
        }
    }

    /// The name a union uses to tell its branches apart (`Schema.getFullName()`).
    pub(crate) fn union_key(&self) -> String {
        match self.named() {
            Some(named) => named.name.full(),
            None => self.kind().name().to_owned(),
        }
    }
}

/// All nodes of one schema together with the definitions of its references.
#[derive(Debug, Clone, Default)]
pub(crate) struct Graph {
    pub(crate) nodes: Vec<Node>,
}

impl Graph {
    pub(crate) fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id]
    }

    pub(crate) fn push(&mut self, node: Node) -> NodeId {
        self.nodes.push(node);
        self.nodes.len() - 1
    }
}
