//! The typed schema tree the diff walks: each JSON Schema node loaded into the kind Confluent's
//! (everit) loader would give it, with `$ref`s already resolved to shared nodes.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

/// Index of a node in its [`Model`].
pub(crate) type NodeId = usize;

/// Which JSON Schema dialect a document is read with (from its `$schema`, draft 7 by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Draft4,
    Draft6,
    Draft7,
    /// 2019-09 and 2020-12: Confluent loads these through a different loader with its own quirks.
    Modern,
}

impl Dialect {
    /// Reads the dialect from a `$schema` URI, as Confluent does (unknown URIs mean draft 7).
    pub(crate) fn from_schema_uri(uri: Option<&str>) -> Self {
        match uri {
            Some(u) if u.contains("draft-04") => Dialect::Draft4,
            Some(u) if u.contains("draft-06") => Dialect::Draft6,
            Some(u) if u.contains("2019-09") || u.contains("2020-12") => Dialect::Modern,
            _ => Dialect::Draft7,
        }
    }
}

/// Keywords every schema may carry, compared for all kinds.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Common {
    pub id: Option<Value>,
    pub title: Option<Value>,
    pub description: Option<Value>,
    pub default: Option<Value>,
    /// Kafka Connect's `connect.type` annotation (`bytes` makes two kinds equivalent).
    pub connect_type: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct StringNode {
    pub min_length: Option<f64>,
    pub max_length: Option<f64>,
    pub pattern: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct NumberNode {
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub exclusive_minimum: Option<f64>,
    pub exclusive_maximum: Option<f64>,
    /// Kept as the JSON number text so it can be compared exactly (BigDecimal-like).
    pub multiple_of: Option<String>,
    pub requires_integer: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ObjectNode {
    pub properties: Vec<(String, NodeId)>,
    pub required: Vec<String>,
    /// `additionalProperties: false`.
    pub forbids_additional: bool,
    pub additional_schema: Option<NodeId>,
    pub pattern_properties: Vec<(String, NodeId)>,
    pub property_dependencies: Vec<(String, Vec<String>)>,
    pub schema_dependencies: Vec<(String, NodeId)>,
    pub min_properties: Option<f64>,
    pub max_properties: Option<f64>,
    pub unevaluated: Option<NodeId>,
    /// `properties` and `required` by name ([`ObjectNode::index`]), so that comparing two
    /// objects stays linear in their sizes.
    pub property_index: HashMap<String, NodeId>,
    pub required_index: HashSet<String>,
}

impl ObjectNode {
    /// Builds the name indexes once `properties` and `required` are complete.
    pub(crate) fn index(&mut self) {
        self.property_index = self.properties.iter().cloned().collect();
        self.required_index = self.required.iter().cloned().collect();
    }

    pub(crate) fn property(&self, name: &str) -> Option<NodeId> {
        if self.property_index.len() == self.properties.len() {
            return self.property_index.get(name).copied();
        }
        self.properties
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, id)| *id)
    }

    pub(crate) fn is_required(&self, name: &str) -> bool {
        if !self.required_index.is_empty() {
            return self.required_index.contains(name);
        }
        self.required.iter().any(|r| r == name)
    }
}

/// Compact text of `value` with object keys sorted: equal for values `==` deems equal (up
/// to the sign of a floating zero), so it can key a hash set. JSON nesting is already bounded
/// by the JSON parser.
pub(crate) fn identity_key(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (key, child) in entries {
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                identity_key(child, out);
                out.push(',');
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for child in items {
                identity_key(child, out);
                out.push(',');
            }
            out.push(']');
        }
        // `-0` is the number 0 (the canonical text writes it so, and Jackson reads it so).
        Value::Number(n) if n.as_f64() == Some(0.0) => out.push('0'),
        other => out.push_str(&other.to_string()),
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ArrayNode {
    /// `items` as one schema for every item.
    pub all_items: Option<NodeId>,
    /// Tuple items (`items: [...]` before 2019-09, `prefixItems` after).
    pub item_schemas: Vec<NodeId>,
    /// `additionalItems: false` (or 2020-12 `items: false`).
    pub forbids_additional: bool,
    pub additional_schema: Option<NodeId>,
    pub unevaluated: Option<NodeId>,
    pub min_items: Option<f64>,
    pub max_items: Option<f64>,
    pub unique_items: bool,
    pub min_contains: Option<f64>,
    pub max_contains: Option<f64>,
}

/// The combination keyword, named as Confluent prints it in paths.
#[allow(clippy::enum_variant_names)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Criterion {
    AllOf,
    AnyOf,
    OneOf,
}

impl Criterion {
    pub(crate) fn keyword(self) -> &'static str {
        match self {
            Criterion::AllOf => "allOf",
            Criterion::AnyOf => "anyOf",
            Criterion::OneOf => "oneOf",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    /// `{}` or a schema with no validating keyword.
    Empty,
    /// The boolean schema `true` (a special empty schema).
    True,
    /// The boolean schema `false`.
    False,
    Boolean,
    Null,
    String(StringNode),
    Number(NumberNode),
    Object(Box<ObjectNode>),
    Array(Box<ArrayNode>),
    Enum(Vec<Value>),
    Const(Value),
    /// allOf / anyOf / oneOf, subschemas already de-duplicated.
    Combined {
        criterion: Criterion,
        subschemas: Vec<NodeId>,
    },
    Not(NodeId),
    /// if / then / else: only its common keywords are compared.
    Conditional,
    /// A `$ref` that could not be resolved offline.
    Unresolved(String),
}

impl Kind {
    /// Confluent compares schema classes; combined schemas of any criterion are one class.
    pub(crate) fn class(&self) -> u8 {
        match self {
            Kind::Empty => 0,
            Kind::True => 1,
            Kind::False => 2,
            Kind::Boolean => 3,
            Kind::Null => 4,
            Kind::String(_) => 5,
            Kind::Number(_) => 6,
            Kind::Object(_) => 7,
            Kind::Array(_) => 8,
            Kind::Enum(_) => 9,
            Kind::Const(_) => 10,
            Kind::Combined { .. } => 11,
            Kind::Not(_) => 12,
            Kind::Conditional => 13,
            Kind::Unresolved(_) => 14,
        }
    }

    /// `true` and `{}` both count as the empty schema.
    pub(crate) fn is_empty_schema(&self) -> bool {
        matches!(self, Kind::Empty | Kind::True)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub kind: Kind,
    pub common: Common,
}

impl Node {
    pub(crate) fn bare(kind: Kind) -> Self {
        Node {
            kind,
            common: Common::default(),
        }
    }

    pub(crate) fn has_default(&self) -> bool {
        self.common.default.is_some()
    }
}

/// A loaded schema: its nodes and the root.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Model {
    pub nodes: Vec<Node>,
    pub root: NodeId,
}
