//! The JSON Schema diff: compares an original (old) and an update (new) schema and lists every
//! typed difference with its `#/...` path, as Confluent's `SchemaDiff` does.
//!
//! Pairs are memoized; a pair met again while being compared is a cycle and is assumed
//! compatible, and the whole comparison is repeated with the pairs found incompatible fed back
//! until nothing changes, so recursive schemas terminate without masking real differences.
//!
//! Every pair compared (memo hits included) costs a step of one [`WorkBudget`] shared by all
//! rounds, nesting is bounded, and a combined schema's pair matrix is capped before it is
//! built; the first limit hit stops the walk and the comparison answers [`CheckAborted`].

mod array;
mod combined;
pub(crate) mod kind;
mod object;
mod scalar;

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

pub use kind::{DiffType, Policy};

use super::model::{Kind, Model, Node, NodeId};
use crate::schema::limits::{CheckAborted, SchemaLimits, WorkBudget};

/// One difference between an original and an update schema.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Difference {
    pub kind: DiffType,
    /// Where, as Confluent prints it: `#/`, `#/properties/foo`, `#/items/0`, ...
    pub path: String,
}

impl Difference {
    /// Confluent's message, `%s` filled with the reader label then the writer label.
    #[must_use]
    pub fn message(&self, reader: &str, writer: &str) -> String {
        kind::render(self.kind, &self.path, reader, writer)
    }
}

/// A node of one of the two compared models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct NodeRef {
    side: u8,
    id: NodeId,
}

type Pair = (NodeRef, NodeRef);

/// Budget steps one uncached pattern match costs (it compiles a regex).
const PATTERN_STEPS: u64 = 50;

/// Every difference found comparing `original` to `update` under `policy`, within `limits`.
pub(crate) fn compare(
    original: &Model,
    update: &Model,
    policy: Policy,
    limits: &SchemaLimits,
) -> Result<Vec<Difference>, CheckAborted> {
    let mut seed: HashMap<Pair, Rc<Vec<Difference>>> = HashMap::new();
    let mut budget = WorkBudget::new(limits);
    let mut pattern_cache = HashMap::new();
    loop {
        let mut engine = Engine {
            models: [original, update],
            policy,
            memo: HashMap::new(),
            in_progress: HashSet::new(),
            seed: seed.clone(),
            optimistic: false,
            pattern_cache,
            budget,
            limits: *limits,
            depth: 0,
            aborted: None,
        };
        let mut ctx = Ctx::root();
        let o = NodeRef {
            side: 0,
            id: original.root,
        };
        let u = NodeRef {
            side: 1,
            id: update.root,
        };
        engine.compare(&mut ctx, Some(o), Some(u));
        if let Some(aborted) = engine.aborted {
            return Err(aborted);
        }
        let incompatible: HashMap<Pair, Rc<Vec<Difference>>> = engine
            .memo
            .iter()
            .filter(|(_, diffs)| !engine.all_allowed(diffs))
            .map(|(k, v)| (*k, Rc::clone(v)))
            .collect();
        let same_keys =
            incompatible.len() == seed.len() && incompatible.keys().all(|k| seed.contains_key(k));
        if !engine.optimistic || same_keys {
            return Ok(ctx.diffs);
        }
        seed = incompatible;
        budget = engine.budget;
        pattern_cache = engine.pattern_cache;
    }
}

/// Where differences are being collected: the current path and what was found there.
pub(crate) struct Ctx {
    path: Vec<String>,
    diffs: Vec<Difference>,
}

impl Ctx {
    fn root() -> Self {
        Ctx {
            path: Vec::new(),
            diffs: Vec::new(),
        }
    }

    /// A fresh collector at the same path (Confluent's sub-context).
    pub(crate) fn sub(&self) -> Self {
        Ctx {
            path: self.path.clone(),
            diffs: Vec::new(),
        }
    }

    fn path_string(&self) -> String {
        format!("#/{}", self.path.join("/"))
    }

    pub(crate) fn add(&mut self, kind: DiffType) {
        let path = self.path_string();
        self.diffs.push(Difference { kind, path });
    }

    /// Adds a difference at `path/attribute`.
    pub(crate) fn add_at(&mut self, attribute: &str, kind: DiffType) {
        self.path.push(attribute.to_owned());
        self.add(kind);
        self.path.pop();
    }

    pub(crate) fn extend(&mut self, diffs: Vec<Difference>) {
        self.diffs.extend(diffs);
    }

    pub(crate) fn enter(&mut self, segment: impl Into<String>) {
        self.path.push(segment.into());
    }

    pub(crate) fn leave(&mut self) {
        self.path.pop();
    }

    pub(crate) fn into_diffs(self) -> Vec<Difference> {
        self.diffs
    }

    /// Adds differences computed relative to a pair, rebased onto the current path.
    fn extend_rebased(&mut self, relative: &[Difference]) {
        if self.path.is_empty() {
            self.diffs.extend(relative.iter().cloned());
            return;
        }
        let prefix = self.path_string();
        for diff in relative {
            let path = match diff.path.get(2..) {
                Some(rest) if !rest.is_empty() => format!("{prefix}/{rest}"),
                _ => prefix.clone(),
            };
            self.diffs.push(Difference {
                kind: diff.kind,
                path,
            });
        }
    }
}

pub(crate) struct Engine<'m> {
    models: [&'m Model; 2],
    policy: Policy,
    memo: HashMap<Pair, Rc<Vec<Difference>>>,
    in_progress: HashSet<Pair>,
    seed: HashMap<Pair, Rc<Vec<Difference>>>,
    optimistic: bool,
    pattern_cache: HashMap<(String, String), bool>,
    budget: WorkBudget,
    limits: SchemaLimits,
    /// `compare` calls in progress.
    depth: usize,
    /// The limit that stopped the walk; once set, every `compare` returns at once.
    aborted: Option<CheckAborted>,
}

impl<'m> Engine<'m> {
    pub(crate) fn node(&self, r: NodeRef) -> &'m Node {
        let model: &'m Model = self.models[usize::from(r.side)];
        // Ids come from the same model, so they are in range; an empty node is a safe fallback.
        model.nodes.get(r.id).unwrap_or(&EMPTY)
    }

    /// A child of `parent`, on the same side.
    pub(crate) fn child(parent: NodeRef, id: NodeId) -> NodeRef {
        NodeRef {
            side: parent.side,
            id,
        }
    }

    pub(crate) fn all_allowed(&self, diffs: &[Difference]) -> bool {
        diffs.iter().all(|d| self.policy.allows(d.kind))
    }

    pub(crate) fn is_compatible(&self, ctx: &Ctx) -> bool {
        self.all_allowed(&ctx.diffs)
    }

    /// Whether a limit stopped the walk (loops then stop early; the result is discarded).
    pub(crate) fn is_aborted(&self) -> bool {
        self.aborted.is_some()
    }

    /// Charges `steps` of work done outside `compare` (large loops); `false` once aborted.
    pub(crate) fn charge(&mut self, steps: u64) -> bool {
        if self.aborted.is_some() {
            return false;
        }
        match self.budget.charge(steps) {
            Ok(()) => true,
            Err(aborted) => {
                self.aborted = Some(aborted);
                false
            }
        }
    }

    /// Stops the walk with `aborted` (the first reason wins).
    pub(crate) fn abort(&mut self, aborted: CheckAborted) {
        self.aborted.get_or_insert(aborted);
    }

    pub(crate) fn limits(&self) -> &SchemaLimits {
        &self.limits
    }

    /// Compares two optional schemas at the context's path.
    pub(crate) fn compare(&mut self, ctx: &mut Ctx, o: Option<NodeRef>, u: Option<NodeRef>) {
        let (o, u) = match (o, u) {
            (None, None) => return,
            (None, Some(_)) => return ctx.add(DiffType::SCHEMA_ADDED),
            (Some(_), None) => return ctx.add(DiffType::SCHEMA_REMOVED),
            (Some(o), Some(u)) => (o, u),
        };
        if !self.charge(1) {
            return;
        }
        let key = (o, u);
        if let Some(cached) = self.memo.get(&key) {
            let cached = Rc::clone(cached);
            return ctx.extend_rebased(&cached);
        }
        if self.in_progress.contains(&key) {
            if let Some(seeded) = self.seed.get(&key) {
                let seeded = Rc::clone(seeded);
                return ctx.extend_rebased(&seeded);
            }
            self.optimistic = true;
            return;
        }
        if self.depth >= self.limits.max_depth {
            return self.abort(CheckAborted::Depth(self.limits.max_depth));
        }
        self.in_progress.insert(key);
        let mut pair_ctx = Ctx::root();
        self.depth += 1;
        self.compare_types(&mut pair_ctx, o, u);
        self.depth -= 1;
        self.in_progress.remove(&key);
        if self.aborted.is_some() {
            return;
        }
        let result = Rc::new(pair_ctx.diffs);
        self.memo.insert(key, Rc::clone(&result));
        ctx.extend_rebased(&result);
    }

    fn compare_types(&mut self, ctx: &mut Ctx, o: NodeRef, u: NodeRef) {
        let on = self.node(o);
        let un = self.node(u);
        if combined::compare_mixed(self, ctx, o, u) {
            return;
        }
        if on.kind.class() != un.kind.class() {
            // Anything may become the empty schema, and `false` may become anything.
            if matches!(on.kind, Kind::False) || un.kind.is_empty_schema() {
                return;
            }
            let bytes = Some("bytes");
            if on.common.connect_type.as_deref() == bytes
                && un.common.connect_type.as_deref() == bytes
            {
                return;
            }
            return ctx.add(DiffType::TYPE_CHANGED);
        }
        if on.common.id != un.common.id {
            ctx.add(DiffType::ID_CHANGED);
        }
        if on.common.title != un.common.title {
            ctx.add(DiffType::TITLE_CHANGED);
        }
        if on.common.description != un.common.description {
            ctx.add(DiffType::DESCRIPTION_CHANGED);
        }
        if on.common.default != un.common.default {
            ctx.add(DiffType::DEFAULT_CHANGED);
        }
        match (&on.kind, &un.kind) {
            (Kind::String(a), Kind::String(b)) => scalar::compare_string(ctx, a, b),
            (Kind::Number(a), Kind::Number(b)) => scalar::compare_number(ctx, a, b),
            // Two references that could not be followed are equal only if they read the same.
            (Kind::Unresolved(a), Kind::Unresolved(b)) if a != b => {
                ctx.add(DiffType::TYPE_CHANGED);
            }
            (Kind::Const(a), Kind::Const(b)) if !same_value(a, b) => {
                ctx.add_at("const", DiffType::ENUM_ARRAY_CHANGED);
            }
            (Kind::Enum(a), Kind::Enum(b)) => scalar::compare_enum(self, ctx, a, b),
            (Kind::Combined { .. }, Kind::Combined { .. }) => {
                combined::compare_combined(self, ctx, o, u);
            }
            (Kind::Not(a), Kind::Not(b)) => {
                combined::compare_not(self, ctx, Self::child(o, *a), Self::child(u, *b));
            }
            (Kind::Object(a), Kind::Object(b)) => object::compare(self, ctx, o, u, a, b),
            (Kind::Array(a), Kind::Array(b)) => array::compare(self, ctx, o, u, a, b),
            _ => {}
        }
    }

    /// Java `Pattern.find` semantics through the validator's own regex engine.
    pub(crate) fn pattern_finds(&mut self, pattern: &str, text: &str) -> bool {
        let key = (pattern.to_owned(), text.to_owned());
        if let Some(&hit) = self.pattern_cache.get(&key) {
            return hit;
        }
        // Compiling a pattern costs far more than comparing a pair of nodes.
        if !self.charge(PATTERN_STEPS) {
            return false;
        }
        let schema = serde_json::json!({ "pattern": pattern });
        let hit = jsonschema::validator_for(&schema)
            .is_ok_and(|v| v.is_valid(&serde_json::Value::String(text.to_owned())));
        self.pattern_cache.insert(key, hit);
        hit
    }
}

static EMPTY: Node = Node {
    kind: Kind::Empty,
    common: super::model::Common {
        id: None,
        title: None,
        description: None,
        default: None,
        connect_type: None,
    },
};

/// Whether two JSON values are the same value as enum and const compare them (`-0` is 0).
fn same_value(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    let key = |v: &serde_json::Value| {
        let mut key = String::new();
        crate::schema::json::model::identity_key(v, &mut key);
        key
    };
    a == b || key(a) == key(b)
}
