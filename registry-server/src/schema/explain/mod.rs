//! Compatibility in plain words, and the semantic difference of two schemas; pure functions
//! over parsed schemas, for the CLI and for any other front end.
//!
//! [`explain`] runs the engines as the levels do and turns each incompatibility into an
//! [`Explanation`]: where (the element, its engine path, and the line of its declaration via
//! [`Explanation::line_in`]), what changed (old → new), who breaks (new readers of old data
//! for the backward half, old readers of new data for the forward half) and a suggested fix.
//! Confluent's own message stays in [`Explanation::message`].
//!
//! [`diff`] lists the declarations added, removed and changed between two versions, each with
//! what it means for readers. Both read the schemas through an engine-neutral [`Outline`].

mod advice;
mod avro;
mod json;
pub mod lines;
pub mod outline;
mod protobuf;

#[cfg(test)]
mod tests;

use serde::Serialize;

pub use outline::{Anchor, Element, Member, Outline};

use super::compat::DIFFERENT_SCHEMA_TYPE;
use super::{Incompatibility, Labels, ParsedSchema};
use crate::domain::CompatibilityLevel;

/// Which half of a level found the incompatibility.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// The new schema reads data written with the old one (BACKWARD, FULL).
    Backward,
    /// The old schema reads data written with the new one (FORWARD, FULL).
    Forward,
}

impl Direction {
    /// Who breaks, in a few words.
    #[must_use]
    pub fn breaks(self) -> &'static str {
        match self {
            Direction::Backward => "new readers of old data",
            Direction::Forward => "old readers of new data",
        }
    }
}

/// One incompatibility in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// Confluent's difference type, e.g. `READER_FIELD_MISSING_DEFAULT_VALUE`.
    pub kind: String,
    /// The engine's path, e.g. `/fields/2`, `#/properties/age`, `#/Shipment/4`.
    pub path: String,
    pub direction: Direction,
    /// `new readers of old data` or `old readers of new data`.
    pub breaks: String,
    /// What kind of declaration it concerns, when the path leads to one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub element: Option<Element>,
    /// The declaration's name, e.g. `Payment.currency`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// How the old schema declares it (`None`: not at all).
    pub old: Option<String>,
    /// How the new schema declares it (`None`: not at all).
    pub new: Option<String>,
    /// The plain sentence.
    pub summary: String,
    /// A suggested fix.
    pub fix: String,
    /// Confluent's message, as the registry lists it.
    pub message: String,
    /// How to find the declaration in the new schema's text (or its enclosing one there).
    #[serde(skip)]
    pub anchors: Vec<Anchor>,
}

impl Explanation {
    /// The 1-based line of the declaration in `text` (the new schema's source), or of the
    /// closest enclosing declaration found there.
    #[must_use]
    pub fn line_in(&self, text: &str) -> Option<usize> {
        lines::line_of(text, &self.anchors)
    }
}

/// Whether a declaration was added, removed or changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

/// One semantic difference between two versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub change: ChangeKind,
    pub element: Element,
    /// The declaration's name, e.g. `Payment.currency`.
    pub name: String,
    pub old: Option<String>,
    pub new: Option<String>,
    /// What it means for readers and writers.
    pub meaning: String,
    /// How to find the declaration in the new text (the old text for a removal).
    #[serde(skip)]
    pub anchors: Vec<Anchor>,
}

/// The outline of any parsed schema.
#[must_use]
pub fn outline(schema: &ParsedSchema) -> Outline {
    match schema {
        ParsedSchema::Avro(s) => avro::outline(s),
        ParsedSchema::Json(s) => json::outline(s),
        ParsedSchema::Protobuf(s) => protobuf::outline(s),
    }
}

/// Every incompatibility of `new` with `old` under `level`, explained: the forward half (old
/// reads new) first, as Confluent lists FULL, then the backward half. Empty when compatible
/// or under NONE.
#[must_use]
pub fn explain(
    old: &ParsedSchema,
    new: &ParsedSchema,
    level: CompatibilityLevel,
) -> Vec<Explanation> {
    if level == CompatibilityLevel::None {
        return Vec::new();
    }
    let direction = if level.checks_backward() {
        Direction::Backward
    } else {
        Direction::Forward
    };
    if old.schema_type() != new.schema_type() {
        return vec![Explanation {
            kind: "SCHEMA_TYPE_CHANGED".to_owned(),
            path: String::new(),
            direction,
            breaks: direction.breaks().to_owned(),
            element: None,
            name: None,
            old: Some(old.schema_type().to_string()),
            new: Some(new.schema_type().to_string()),
            summary: format!(
                "the schema type changed: `{}` → `{}`",
                old.schema_type(),
                new.schema_type()
            ),
            fix: format!(
                "keep a {} schema, or publish the new one under a new subject",
                old.schema_type()
            ),
            message: DIFFERENT_SCHEMA_TYPE.to_owned(),
            anchors: Vec::new(),
        }];
    }
    let sides = Sides {
        old: outline(old),
        new: outline(new),
        engine: Engine::of(old),
    };
    let mut out = Vec::new();
    if level.checks_forward() {
        let labels = Labels {
            reader: "old",
            writer: "new",
        };
        for found in ParsedSchema::incompatibilities(old, new, labels) {
            out.push(sides.explain(&found, Direction::Forward));
        }
    }
    if level.checks_backward() {
        let labels = Labels {
            reader: "new",
            writer: "old",
        };
        for found in ParsedSchema::incompatibilities(new, old, labels) {
            out.push(sides.explain(&found, Direction::Backward));
        }
    }
    out
}

/// Incompatibilities already found in one direction (by a bounded check, say), explained:
/// `found` lists what the reader of that direction (the new schema for backward, the old
/// one for forward) misses in the other's data.
#[must_use]
pub fn explain_found(
    old: &ParsedSchema,
    new: &ParsedSchema,
    direction: Direction,
    found: &[Incompatibility],
) -> Vec<Explanation> {
    if found.is_empty() {
        return Vec::new();
    }
    let sides = Sides {
        old: outline(old),
        new: outline(new),
        engine: Engine::of(old),
    };
    found
        .iter()
        .map(|finding| sides.explain(finding, direction))
        .collect()
}

/// The outlines of both versions.
struct Sides {
    old: Outline,
    new: Outline,
    /// Avro paths count field positions in the reader only; other engines' paths hold on
    /// both sides.
    engine: Engine,
}

impl Sides {
    fn explain(&self, found: &Incompatibility, direction: Direction) -> Explanation {
        let (reader, writer) = match direction {
            Direction::Backward => (&self.new, &self.old),
            Direction::Forward => (&self.old, &self.new),
        };
        let path = self.lookup_path(&found.path);
        let from_reader = reader.at_with_depth(&path);
        let primary = if matches!(self.engine, Engine::Avro) {
            from_reader.map(|(_, m)| m)
        } else {
            match (from_reader, writer.at_with_depth(&path)) {
                (Some((r, rm)), Some((w, wm))) => Some(if w > r { wm } else { rm }),
                (one, other) => one.or(other).map(|(_, m)| m),
            }
        };
        let old = primary.and_then(|m| self.old.by_key(&m.key));
        let new = primary.and_then(|m| self.new.by_key(&m.key));
        let info = additional_info(&found.message);
        let facts = advice::Facts {
            kind: &found.kind,
            direction,
            old,
            new,
            info: info.as_deref(),
        };
        let (summary, fix) = advice::advise(&facts);
        Explanation {
            kind: found.kind.clone(),
            path: found.path.clone(),
            direction,
            breaks: direction.breaks().to_owned(),
            element: primary.map(|m| m.element),
            name: primary.map(|m| m.name.clone()).filter(|n| !n.is_empty()),
            old: old.map(Member::describe),
            new: new.map(Member::describe),
            summary,
            fix,
            message: found.message.clone(),
            anchors: new
                .or(primary)
                .map(|m| m.anchors.clone())
                .unwrap_or_default(),
        }
    }
}

impl Sides {
    /// The path to look members up by: a JSON Schema `…/required/NAME` finding concerns the
    /// property `…/properties/NAME`.
    fn lookup_path(&self, path: &str) -> String {
        if matches!(self.engine, Engine::Json)
            && let Some((parent, name)) = path.rsplit_once("/required/")
            && !name.contains('/')
        {
            return format!("{parent}/properties/{name}");
        }
        path.to_owned()
    }
}

/// Avro's `additionalInfo:'…'` from a rendered message.
fn additional_info(message: &str) -> Option<String> {
    let start = message.find("additionalInfo:'")? + "additionalInfo:'".len();
    let rest = &message[start..];
    Some(rest.strip_suffix("'}").unwrap_or(rest).to_owned())
}

/// The declarations added, removed and changed from `old` to `new`: removals and changes in
/// the old schema's order, then additions in the new schema's order. Two schemas of
/// different types differ as a whole.
#[must_use]
pub fn diff(old: &ParsedSchema, new: &ParsedSchema) -> Vec<Change> {
    let (before, after) = (outline(old), outline(new));
    let engine = Engine::of(new);
    let mut out = Vec::new();
    if old.schema_type() != new.schema_type() {
        out.push(Change {
            change: ChangeKind::Changed,
            element: Element::Record,
            name: "(schema type)".to_owned(),
            old: Some(old.schema_type().to_string()),
            new: Some(new.schema_type().to_string()),
            meaning: "a different kind of schema: no reader of one can read the other".to_owned(),
            anchors: Vec::new(),
        });
        return out;
    }
    // A key declared twice (a Protobuf enum alias) is compared by its first declaration.
    let first = |o: &Outline, m: &Member| o.by_key(&m.key).is_some_and(|f| std::ptr::eq(f, m));
    for member in before.members().iter().filter(|m| first(&before, m)) {
        match after.by_key(&member.key) {
            None => out.push(Change {
                change: ChangeKind::Removed,
                element: member.element,
                name: member.name.clone(),
                old: Some(member.describe()),
                new: None,
                meaning: engine.meaning(ChangeKind::Removed, Some(member), None),
                anchors: member.anchors.clone(),
            }),
            Some(now) if now.describe() != member.describe() || now.name != member.name => {
                out.push(Change {
                    change: ChangeKind::Changed,
                    element: now.element,
                    name: now.name.clone(),
                    old: Some(member.describe()),
                    new: Some(now.describe()),
                    meaning: engine.meaning(ChangeKind::Changed, Some(member), Some(now)),
                    anchors: now.anchors.clone(),
                });
            }
            Some(_) => {}
        }
    }
    for member in after.members().iter().filter(|m| first(&after, m)) {
        if before.by_key(&member.key).is_none() {
            out.push(Change {
                change: ChangeKind::Added,
                element: member.element,
                name: member.name.clone(),
                old: None,
                new: Some(member.describe()),
                meaning: engine.meaning(ChangeKind::Added, None, Some(member)),
                anchors: member.anchors.clone(),
            });
        }
    }
    out
}

/// Which engine's rules a change is read by.
#[derive(Clone, Copy)]
enum Engine {
    Avro,
    Json,
    Protobuf,
}

impl Engine {
    fn of(schema: &ParsedSchema) -> Self {
        match schema {
            ParsedSchema::Avro(_) => Engine::Avro,
            ParsedSchema::Json(_) => Engine::Json,
            ParsedSchema::Protobuf(_) => Engine::Protobuf,
        }
    }

    /// What a change means for readers, in a sentence.
    fn meaning(self, change: ChangeKind, old: Option<&Member>, new: Option<&Member>) -> String {
        let element = new.or(old).map_or(Element::Field, |m| m.element);
        match (self, element, change) {
            (Engine::Avro, Element::Field, ChangeKind::Added) => {
                if new.is_some_and(|m| m.default.is_some()) {
                    "new readers use its default for old data; old readers skip it".to_owned()
                } else {
                    "no default: new readers cannot read old data (breaks BACKWARD)".to_owned()
                }
            }
            (Engine::Avro, Element::Field, ChangeKind::Removed) => {
                if old.is_some_and(|m| m.default.is_some()) {
                    "old readers use its default for new data; new readers skip it in old data"
                        .to_owned()
                } else {
                    "it had no default: old readers cannot read new data (breaks FORWARD)"
                        .to_owned()
                }
            }
            (Engine::Avro, Element::Field, ChangeKind::Changed) => {
                if old.map(|m| &m.ty) == new.map(|m| &m.ty) {
                    "only the default changed: it matters to readers filling the field in"
                        .to_owned()
                } else {
                    "its type changed: readable only where Avro promotes one type to the other \
                     (int → long → float → double, string ↔ bytes, a union gaining a branch)"
                        .to_owned()
                }
            }
            (Engine::Json, Element::Property, ChangeKind::Added) => {
                if new.is_some_and(|m| m.required) {
                    "required: data written before lacks it (breaks BACKWARD)".to_owned()
                } else {
                    "optional: data without it stays valid; where the old schema allowed any \
                     extra property, old data may hold it with another type"
                        .to_owned()
                }
            }
            (Engine::Json, Element::Property, ChangeKind::Removed) => {
                "new data no longer carries it: readers requiring it, or a closed old schema, \
                 break (FORWARD)"
                    .to_owned()
            }
            (Engine::Json, _, ChangeKind::Changed) => {
                "its type, constraints or requiredness changed: values valid under one may be \
                 refused under the other"
                    .to_owned()
            }
            (Engine::Protobuf, Element::Field, ChangeKind::Added) => {
                "old readers skip the unknown number; new readers see its default in old data"
                    .to_owned()
            }
            (Engine::Protobuf, Element::Field, ChangeKind::Removed) => {
                let number = old.and_then(|m| m.facet("number")).unwrap_or("its number");
                format!("readers ignore it in old data; reserve {number} so it is never reused")
            }
            (Engine::Protobuf, Element::Field, ChangeKind::Changed) => {
                if old.map(|m| &m.ty) == new.map(|m| &m.ty) {
                    "renamed or moved: the same bytes on the wire, but JSON names and generated \
                     code change"
                        .to_owned()
                } else {
                    "its type changed: readers may misread the bytes on the wire".to_owned()
                }
            }
            (Engine::Protobuf, Element::Package, _) => {
                "the package changed: every full message name changes".to_owned()
            }
            (_, _, ChangeKind::Added) => "added: writers may start using it".to_owned(),
            (_, _, ChangeKind::Removed) => {
                "removed: data that still uses it may not be read".to_owned()
            }
            (_, _, ChangeKind::Changed) => "changed: check readers of both versions".to_owned(),
        }
    }
}
