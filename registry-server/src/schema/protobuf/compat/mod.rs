//! Confluent's Protobuf compatibility diff: compares an original and an update file (with
//! the files each imports) and lists every typed difference with its `#/...` path.
//!
//! Follows the released algorithm (Confluent ≤ 8.3.1 / 7.9.9): messages and enums match by
//! name per scope, fields by tag, enum constants by number; oneofs by name, with the
//! "fields moved into a oneof" counts taken per update oneof. A field whose type comes from
//! an imported file on either side is compared into that type's definition, in a context of
//! its own whose paths start at the type's local name; a message already being compared on
//! the way there is not compared again (its nested types still are), which ends cycles.
//!
//! Differences come out in a fixed order (file order for messages, enums and oneofs, tags
//! ascending); Confluent's come in hash order, so compare the two as multisets.
//!
//! Every pair of messages, fields, oneofs, enum constants and names compared costs a step of
//! one [`WorkBudget`]; nesting of the walk (nested messages, referenced types, map values)
//! counts against `max_depth`.

mod field;
mod message;
pub mod messages;
mod oneof;

#[cfg(test)]
mod tests;

pub use messages::DiffKind;

use super::ast::ProtoFile;
use super::resolve::Symbols;
use crate::schema::limits::{CheckAborted, SchemaLimits, WorkBudget};
use crate::schema::{Incompatibility, Labels};

/// One difference between an original and an update schema.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Difference {
    pub kind: DiffKind,
    /// Where, as Confluent prints it: `#/`, `#/Outer/Inner`, `#/Msg/3`, `#/Msg/choice/3`.
    pub path: String,
}

impl Difference {
    /// Confluent's message, `%s` filled with the reader label then the writer label.
    #[must_use]
    pub fn message(&self, reader: &str, writer: &str) -> String {
        messages::render(self.kind, &self.path, reader, writer)
    }
}

/// Every incompatibility met when `reader` reads data written with `writer`: Confluent's
/// diff with original = writer and update = reader (BACKWARD passes reader = new, writer =
/// old; FORWARD the reverse), keeping the incompatible differences.
///
/// # Errors
/// [`CheckAborted`] when the comparison exceeds the step budget, the time limit or nests
/// deeper than `limits.max_depth`.
pub fn try_incompatibilities(
    reader: (&ProtoFile, &Symbols),
    writer: (&ProtoFile, &Symbols),
    labels: Labels<'_>,
    limits: &SchemaLimits,
) -> Result<Vec<Incompatibility>, CheckAborted> {
    Ok(differences(writer, reader, limits)?
        .into_iter()
        .filter(|d| !d.kind.is_compatible())
        .map(|d| Incompatibility {
            kind: d.kind.as_str().to_owned(),
            message: d.message(labels.reader, labels.writer),
            path: d.path,
        })
        .collect())
}

/// Every difference, compatible ones included, found comparing `original` to `update`.
///
/// # Errors
/// As [`try_incompatibilities`].
pub fn differences(
    original: (&ProtoFile, &Symbols),
    update: (&ProtoFile, &Symbols),
    limits: &SchemaLimits,
) -> Result<Vec<Difference>, CheckAborted> {
    let mut engine = Engine {
        symbols: [original.1, update.1],
        budget: WorkBudget::new(limits),
        max_depth: limits.max_depth,
        depth: 0,
    };
    let mut ctx = Ctx::new([
        original.0.package.clone().unwrap_or_default(),
        update.0.package.clone().unwrap_or_default(),
    ]);
    if original.0.package != update.0.package {
        ctx.add(DiffKind::PACKAGE_CHANGED);
    }
    engine.compare_types(
        &mut ctx,
        message::Types::of_file(original.0),
        message::Types::of_file(update.0),
    )?;
    Ok(ctx.diffs)
}

/// The original side's index in per-side arrays.
const ORIGINAL: usize = 0;
/// The update side's index in per-side arrays.
const UPDATE: usize = 1;

/// What one comparison shares: both symbol tables and the limits.
struct Engine<'a> {
    symbols: [&'a Symbols; 2],
    budget: WorkBudget,
    max_depth: usize,
    depth: usize,
}

impl Engine<'_> {
    /// One level deeper; pair with [`Engine::leave`].
    fn enter(&mut self) -> Result<(), CheckAborted> {
        self.depth += 1;
        if self.depth > self.max_depth {
            return Err(CheckAborted::Depth(self.max_depth));
        }
        self.budget.charge(1)
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }
}

/// Where differences are being collected (Confluent's `Context`): the package of each side,
/// the names of the messages around (which make the resolution scope), the printed path,
/// the original messages being compared on the way here, and what was found.
struct Ctx {
    packages: [String; 2],
    names: Vec<String>,
    path: Vec<String>,
    in_progress: Vec<String>,
    diffs: Vec<Difference>,
}

impl Ctx {
    fn new(packages: [String; 2]) -> Self {
        Ctx {
            packages,
            names: Vec::new(),
            path: Vec::new(),
            in_progress: Vec::new(),
            diffs: Vec::new(),
        }
    }

    /// A context for comparing a referenced type by its local name: fresh path and findings,
    /// the same messages in progress.
    fn sub(&self, packages: [String; 2], local_name: &str) -> Self {
        let parts: Vec<String> = local_name.split('.').map(str::to_owned).collect();
        Ctx {
            packages,
            names: parts.clone(),
            path: parts,
            in_progress: self.in_progress.clone(),
            diffs: Vec::new(),
        }
    }

    fn add(&mut self, kind: DiffKind) {
        self.diffs.push(Difference {
            kind,
            path: format!("#/{}", self.path.join("/")),
        });
    }

    /// Enters a message or enum name (part of both the path and the scope).
    fn push_name(&mut self, name: &str) {
        self.names.push(name.to_owned());
        self.path.push(name.to_owned());
    }

    fn pop_name(&mut self) {
        self.names.pop();
        self.path.pop();
    }

    /// Enters a path segment that is not a scope (a oneof name, a tag).
    fn push_path(&mut self, segment: String) {
        self.path.push(segment);
    }

    fn pop_path(&mut self) {
        self.path.pop();
    }

    /// The resolution scope of `side`: its package, then the message names entered.
    fn scope(&self, side: usize) -> String {
        let package = self.packages.get(side).map_or("", String::as_str);
        let mut scope = package.to_owned();
        for name in &self.names {
            if !scope.is_empty() {
                scope.push('.');
            }
            scope.push_str(name);
        }
        scope
    }

    fn is_compatible(&self) -> bool {
        self.diffs.iter().all(|d| d.kind.is_compatible())
    }
}
