//! A flat, engine-neutral outline of one schema: its records, fields, properties, messages
//! and enums, each with the engine path that points at it, a name people read and its type.
//!
//! Explanations map an engine's incompatibility path onto the outline of each side; the
//! semantic diff joins two outlines on [`Member::key`].

use std::collections::HashMap;

use serde::Serialize;

/// Most members one outline lists: a schema is bounded by the parse limits, this bounds the
/// work of joining two outlines and of rendering them.
pub const MAX_MEMBERS: usize = 10_000;

/// What kind of declaration a member is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Element {
    Package,
    Record,
    Message,
    Enum,
    Oneof,
    Field,
    Property,
    Symbol,
}

impl Element {
    /// The word people read: `field`, `property`, `message`.
    #[must_use]
    pub fn word(self) -> &'static str {
        match self {
            Element::Package => "package",
            Element::Record => "record",
            Element::Message => "message",
            Element::Enum => "enum",
            Element::Oneof => "oneof",
            Element::Field => "field",
            Element::Property => "property",
            Element::Symbol => "enum value",
        }
    }
}

/// One step of the way to a declaration in the source text, searched in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Anchor {
    /// Avro: `"name": "<name>"`.
    AvroName(String),
    /// JSON: an object key `"<key>":`.
    JsonKey(String),
    /// Protobuf: `<keyword> <name>` (`message Shipment`, `enum Status`, `oneof choice`).
    ProtoBlock(&'static str, String),
    /// Protobuf: `<name> = <number>` (a field or an enum value).
    ProtoNumbered(String, i32),
    /// Protobuf: the `package` statement.
    ProtoPackage,
}

/// One declaration of a schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub element: Element,
    /// The engine paths that point at it on its own side (Avro `/fields/1`, JSON Schema
    /// `#/properties/age`, Protobuf `#/Shipment/4`); the first is the main one.
    pub pointers: Vec<String>,
    /// Its identity across versions: Avro and JSON Schema by name, Protobuf fields by number.
    pub key: String,
    /// The name people read: `Payment.currency`, `address.city`, `Shipment.weight_grams`.
    pub name: String,
    /// The last part of the name: `currency`.
    pub leaf: String,
    /// Its type as people read it: `double`, `null | string`, `array<string>`, `int32`.
    pub ty: String,
    /// What else qualifies it, in order: `maxLength` 20, `number` 4, `oneof` choice.
    pub facets: Vec<(String, String)>,
    /// Its default value, as JSON or as written.
    pub default: Option<String>,
    /// JSON Schema: listed in its parent's `required`; Protobuf: proto2 `required`.
    pub required: bool,
    /// How to find its declaration in the source text.
    pub anchors: Vec<Anchor>,
}

impl Member {
    /// The value of its facet `name`.
    #[must_use]
    pub fn facet(&self, name: &str) -> Option<&str> {
        self.facets
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Its type with its facets, default and requiredness: `string (maxLength 40,
    /// required)`, `int32 (number 2)`, `null | string (default null)`.
    #[must_use]
    pub fn describe(&self) -> String {
        let mut extra: Vec<String> = self
            .facets
            .iter()
            .map(|(name, value)| format!("{name} {value}"))
            .collect();
        if let Some(default) = &self.default {
            extra.push(format!("default {default}"));
        }
        if self.required {
            extra.push("required".to_owned());
        }
        if extra.is_empty() {
            self.ty.clone()
        } else {
            format!("{} ({})", self.ty, extra.join(", "))
        }
    }
}

/// The members of one schema, in declaration order, indexed by pointer and by key.
#[derive(Debug, Clone, Default)]
pub struct Outline {
    members: Vec<Member>,
    by_pointer: HashMap<String, usize>,
    by_key: HashMap<String, usize>,
}

impl Outline {
    /// Adds `member` unless the outline is full; answers whether it was added. A pointer or
    /// key already taken keeps its first member.
    pub fn push(&mut self, member: Member) -> bool {
        if self.members.len() >= MAX_MEMBERS {
            return false;
        }
        let at = self.members.len();
        for pointer in &member.pointers {
            self.by_pointer
                .entry(pointer.trim_end_matches('/').to_owned())
                .or_insert(at);
        }
        self.by_key.entry(member.key.clone()).or_insert(at);
        self.members.push(member);
        true
    }

    /// The members in declaration order.
    #[must_use]
    pub fn members(&self) -> &[Member] {
        &self.members
    }

    /// The member an engine path points at or into: the one whose pointer is the longest
    /// ancestor-or-self of `path` (segment-wise), with that pointer's length.
    #[must_use]
    pub fn at_with_depth(&self, path: &str) -> Option<(usize, &Member)> {
        let mut candidate = path.trim_end_matches('/');
        loop {
            if let Some(&i) = self.by_pointer.get(candidate) {
                return Some((candidate.len(), &self.members[i]));
            }
            match candidate.rfind('/') {
                Some(cut) => candidate = &candidate[..cut],
                None => return None,
            }
        }
    }

    /// [`Outline::at_with_depth`] without the length.
    #[must_use]
    pub fn at(&self, path: &str) -> Option<&Member> {
        self.at_with_depth(path).map(|(_, m)| m)
    }

    /// The member with identity `key`.
    #[must_use]
    pub fn by_key(&self, key: &str) -> Option<&Member> {
        self.by_key.get(key).map(|&i| &self.members[i])
    }
}

/// `a.b` from a parent name and a leaf (the leaf alone at the top).
#[must_use]
pub fn join(parent: &str, leaf: &str) -> String {
    if parent.is_empty() {
        leaf.to_owned()
    } else {
        format!("{parent}.{leaf}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(pointer: &str, key: &str) -> Member {
        Member {
            element: Element::Field,
            pointers: vec![pointer.to_owned()],
            key: key.to_owned(),
            name: key.to_owned(),
            leaf: key.to_owned(),
            ty: "int".to_owned(),
            facets: Vec::new(),
            default: None,
            required: false,
            anchors: Vec::new(),
        }
    }

    #[test]
    fn longest_covering_pointer_wins_at_segment_boundaries() {
        let mut outline = Outline::default();
        for (pointer, key) in [
            ("/fields/1", "a"),
            ("/fields/1/type/fields/0", "a.b"),
            ("/fields/10", "c"),
        ] {
            assert!(outline.push(member(pointer, key)));
        }
        assert_eq!(
            outline.at("/fields/1/type").map(|m| m.key.as_str()),
            Some("a")
        );
        assert_eq!(
            outline
                .at("/fields/1/type/fields/0/type")
                .map(|m| m.key.as_str()),
            Some("a.b")
        );
        assert_eq!(outline.at("/fields/10").map(|m| m.key.as_str()), Some("c"));
        assert_eq!(outline.at("/fields/2"), None);
    }
}
