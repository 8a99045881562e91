//! The `CEL` and `CEL_FIELD` executors over the `cel` crate, for `CONDITION` and `TRANSFORM`
//! rules: compile once per schema, evaluate per message with the message (and, per field, the
//! field) bound as Confluent's clients bind them.
//!
//! Bounds: expressions longer than [`super::MAX_EXPR_LEN`] bytes, with more than
//! [`MAX_AST_NODES`] nodes, deeper than [`MAX_AST_DEPTH`] or with comprehensions (`all`,
//! `exists`, `map`, `filter`) nested deeper than [`MAX_COMPREHENSION_NESTING`] are refused. The
//! `cel` crate has no cost, time or memory limit, so before each evaluation its work is estimated
//! as nodes × (largest list or map in the message + 1)^(comprehension nesting), refused above
//! [`MAX_COST`], and its memory as that work × (largest string or bytes in the message or the
//! expression), refused above [`MAX_MEMORY`] (concatenations copy strings). Messages are
//! converted to at most 64 levels.

use std::collections::BTreeSet;
use std::sync::Arc;

use cel::common::ast::{EntryExpr, Expr};
use cel::common::value::Val;
use cel::parser::Expression;
use cel::{Context, Env, Value};
use prost_reflect::ReflectMessage;

use super::cel_value::{Extent, Lend, View, to_view, value_json};
use super::fields::{self, FieldCx, Stop, Visitor};
use super::message::{Message, Shape};
use super::proto_cel::to_message;
use super::tags::TagPatterns;
use super::{Exec, MAX_EXPR_LEN, Rule};

/// Most nodes in an expression's syntax tree (macros expanded).
pub const MAX_AST_NODES: u64 = 4096;
/// Deepest syntax tree evaluated. The interpreter recurses once per level, on the caller's
/// stack: about 3 KiB per level in release builds and 30 KiB in debug builds (measured), so 32
/// levels stay far below a 2 MiB thread stack.
pub const MAX_AST_DEPTH: usize = 32;
/// Deepest nesting of comprehension macros.
pub const MAX_COMPREHENSION_NESTING: u32 = 3;
/// Largest estimated evaluation cost (see the module docs).
pub const MAX_COST: u64 = 50_000_000;
/// Largest estimated memory an evaluation may build, in bytes (see the module docs).
pub const MAX_MEMORY: u64 = 256 << 20;

/// The standard environment, built once per rule list.
pub(crate) struct SharedEnv(Arc<Env>);

impl SharedEnv {
    pub(crate) fn new() -> Self {
        Self(Arc::new(Env::stdlib()))
    }
}

/// A compiled expression and what bounds its evaluation.
struct Compiled {
    ast: Expression,
    nodes: u64,
    nesting: u32,
    /// source length, the largest literal it can hold
    len: u64,
}

impl Compiled {
    fn new(env: &SharedEnv, text: &str) -> Result<Self, String> {
        let ast = env
            .0
            .parser()
            .parse(text)
            .map_err(|e| format!("expression does not compile: {e}"))?;
        let (nodes, depth, nesting) = measure(&ast);
        if nodes > MAX_AST_NODES || depth > MAX_AST_DEPTH || nesting > MAX_COMPREHENSION_NESTING {
            return Err(format!(
                "expression is too large to evaluate ({nodes} nodes, depth {depth}, \
                 comprehensions nested {nesting} deep; at most {MAX_AST_NODES}, \
                 {MAX_AST_DEPTH} and {MAX_COMPREHENSION_NESTING})"
            ));
        }
        Ok(Self {
            ast,
            nodes,
            nesting,
            len: u64::try_from(text.len()).unwrap_or(u64::MAX),
        })
    }

    fn uses(&self, variable: &str) -> bool {
        self.ast.references().has_variable(variable)
    }

    fn eval(&self, cx: &Context<'_, '_>, extent: Extent) -> Result<Value, String> {
        let per_level = extent.items.saturating_add(1);
        let work = (0..self.nesting).fold(self.nodes, |c, _| c.saturating_mul(per_level));
        if work > MAX_COST {
            return Err(format!(
                "evaluation refused: nested comprehensions over collections of up to {} items \
                 exceed the cost bound",
                extent.items
            ));
        }
        let memory = work.saturating_mul(extent.bytes.max(self.len).saturating_add(1));
        if memory > MAX_MEMORY {
            return Err(format!(
                "evaluation refused: {} expression nodes over strings of up to {} bytes exceed \
                 the memory bound",
                self.nodes, extent.bytes
            ));
        }
        Value::resolve(&self.ast, cx).map_err(|e| format!("evaluation failed: {e}"))
    }
}

/// Node count, depth, and comprehension nesting of a syntax tree (an explicit stack: the tree
/// may be deeper than the bound it is measured against).
fn measure(root: &Expression) -> (u64, usize, u32) {
    let (mut nodes, mut depth, mut nesting) = (0u64, 0usize, 0u32);
    let mut stack: Vec<(&Expression, usize, u32)> = vec![(root, 1, 0)];
    while let Some((e, d, c)) = stack.pop() {
        nodes += 1;
        depth = depth.max(d);
        nesting = nesting.max(c);
        let mut children: Vec<(&Expression, u32)> = Vec::new();
        match &e.expr {
            Expr::Call(call) => {
                children.extend(call.target.as_deref().map(|t| (t, c)));
                children.extend(call.args.iter().map(|a| (a, c)));
            }
            Expr::Comprehension(comp) => children.extend([
                (&comp.iter_range, c),
                (&comp.accu_init, c),
                (&comp.loop_cond, c + 1),
                (&comp.loop_step, c + 1),
                (&comp.result, c),
            ]),
            Expr::List(l) => children.extend(l.elements.iter().map(|x| (x, c))),
            Expr::Map(m) => {
                for x in &m.entries {
                    children.extend(entry(&x.expr).into_iter().flatten().map(|x| (x, c)));
                }
            }
            Expr::Struct(s) => {
                for x in &s.entries {
                    children.extend(entry(&x.expr).into_iter().flatten().map(|x| (x, c)));
                }
            }
            Expr::Select(s) => children.push((&s.operand, c)),
            Expr::Ident(_) | Expr::Literal(_) | Expr::Unspecified => {}
        }
        stack.extend(children.into_iter().map(|(x, c)| (x, d + 1, c)));
    }
    (nodes, depth, nesting)
}

fn entry(e: &EntryExpr) -> [Option<&Expression>; 2] {
    match e {
        EntryExpr::MapEntry(m) => [Some(&m.key), Some(&m.value)],
        EntryExpr::StructField(f) => [Some(&f.value), None],
    }
}

/// `guard ; body`: text before the first `;` is a guard (Confluent's Java and Python split there).
fn split_guard(env: &SharedEnv, expr: &str) -> Result<(Option<Compiled>, Compiled), String> {
    if expr.len() > MAX_EXPR_LEN {
        return Err(format!(
            "expression longer than {MAX_EXPR_LEN} bytes is not evaluated"
        ));
    }
    match expr.split_once(';') {
        Some((guard, body)) if !guard.trim().is_empty() => Ok((
            Some(Compiled::new(env, guard.trim())?),
            Compiled::new(env, body.trim())?,
        )),
        _ => Ok((None, Compiled::new(env, expr.trim())?)),
    }
}

/// Compiles a rule, or says why it cannot run.
pub(crate) fn compile(env: &SharedEnv, rule: &Rule) -> Exec {
    let transform = match rule.kind.as_deref().unwrap_or("TRANSFORM") {
        "CONDITION" => false,
        "TRANSFORM" => true,
        other => return Exec::Missing(format!("unknown rule kind {other}")),
    };
    let field = match rule.rule_type.as_str() {
        "CEL" => None,
        "CEL_FIELD" => Some(rule.tags.clone()),
        other => return Exec::Missing(format!("no executor for rule type {other}")),
    };
    let Some(expr) = rule.expr.as_deref() else {
        return Exec::Missing("rule has no expression".into());
    };
    match split_guard(env, expr) {
        Ok((guard, body)) => {
            let uses_message =
                body.uses("message") || guard.as_ref().is_some_and(|g| g.uses("message"));
            Exec::Cel(CelRule {
                transform,
                field,
                guard,
                body,
                uses_message,
            })
        }
        Err(e) => Exec::Missing(e),
    }
}

/// What a rule did.
pub(crate) enum Verdict {
    /// condition true, guard closed, or a transform that changed nothing
    Pass,
    /// condition false
    Fail,
    /// a transform's new message
    Replace(Message),
}

/// The message being judged, and its CEL view, rebuilt after a transform.
pub(crate) struct State {
    pub message: Message,
    view: Option<View>,
    extent: Option<Extent>,
}

impl State {
    pub(crate) fn new(message: Message) -> Self {
        Self {
            message,
            view: None,
            extent: None,
        }
    }

    pub(crate) fn replace(&mut self, message: Message) {
        *self = Self::new(message);
    }

    fn view(&mut self) -> Result<&dyn Val, String> {
        if self.view.is_none() {
            self.view = Some(match &self.message {
                Message::Json(j) => super::cel_value::json_val(j, 0)?,
                Message::Proto(m) => to_view(super::proto_cel::message_value(m, 0)?)?,
            });
        }
        self.view
            .as_deref()
            .ok_or_else(|| "no message view".to_owned())
    }

    fn extent(&mut self) -> Extent {
        *self
            .extent
            .get_or_insert_with(|| super::cel_value::extent(&self.message))
    }
}

/// A compiled `CEL` or `CEL_FIELD` rule.
pub(crate) struct CelRule {
    transform: bool,
    /// `Some(tags)` for `CEL_FIELD`
    field: Option<BTreeSet<String>>,
    guard: Option<Compiled>,
    body: Compiled,
    uses_message: bool,
}

impl CelRule {
    /// Whether the rule needs the schema's shape (field rules walk it, transforms re-encode).
    pub(crate) fn needs_shape(&self) -> bool {
        self.transform || self.field.is_some()
    }

    pub(crate) fn is_transform(&self) -> bool {
        self.transform
    }

    pub(crate) fn eval(
        &self,
        env: &SharedEnv,
        shape: &Shape,
        patterns: &TagPatterns,
        state: &mut State,
    ) -> Result<Verdict, String> {
        match &self.field {
            None => self.eval_message(env, shape, state),
            Some(tags) => self.eval_fields(env, shape, patterns, tags, state),
        }
    }

    fn eval_message(
        &self,
        env: &SharedEnv,
        shape: &Shape,
        state: &mut State,
    ) -> Result<Verdict, String> {
        let extent = state.extent();
        let view = state.view()?;
        let lend = Lend(Some(view));
        let mut cx = Context::with_env(env.0.clone());
        cx.set_variable_resolver(&lend);
        if !guard_open(self.guard.as_ref(), &cx, extent) {
            return Ok(Verdict::Pass);
        }
        let result = self.body.eval(&cx, extent)?;
        if !self.transform {
            return truth(&result).map(|ok| if ok { Verdict::Pass } else { Verdict::Fail });
        }
        drop(cx);
        replace_whole(shape, &state.message, &result).map(Verdict::Replace)
    }

    fn eval_fields(
        &self,
        env: &SharedEnv,
        shape: &Shape,
        patterns: &TagPatterns,
        tags: &BTreeSet<String>,
        state: &mut State,
    ) -> Result<Verdict, String> {
        let extent = state.extent();
        let mut visitor = FieldRule {
            rule: self,
            env,
            tags,
            extent,
            changed: false,
        };
        // a transform works on a copy, kept only when the whole walk succeeds
        let outcome = if self.transform {
            let mut copy = state.message.clone();
            fields::walk(shape, &mut copy, patterns, &mut visitor).map(|()| Some(copy))
        } else {
            fields::walk(shape, &mut state.message, patterns, &mut visitor).map(|()| None)
        };
        match outcome {
            Ok(Some(copy)) if visitor.changed => Ok(Verdict::Replace(copy)),
            Ok(_) => Ok(Verdict::Pass),
            Err(Stop::Failed) => Ok(Verdict::Fail),
            Err(Stop::Error(e)) => Err(e),
        }
    }
}

/// A message-level transform's result as the new message, or why it does not fit.
fn replace_whole(shape: &Shape, current: &Message, result: &Value) -> Result<Message, String> {
    if matches!(result, Value::Null) {
        return Err("transform returned null".into());
    }
    match (shape, current) {
        (Shape::Broken(why), _) => Err(why.clone()),
        (_, Message::Proto(m)) => to_message(&m.descriptor(), result, 0)
            .map(Message::Proto)
            .map_err(|e| format!("the transform's result does not fit the message: {e}")),
        (shape, Message::Json(_)) => {
            let json = value_json(result, 0)
                .map_err(|e| format!("the transform's result has no JSON form: {e}"))?;
            if let Shape::Avro(avro) = shape {
                avro.fits(avro.root, &json)
                    .map_err(|e| format!("the transform's result does not fit the schema: {e}"))?;
            }
            Ok(Message::Json(json))
        }
    }
}

/// A field rule as the walkers drive it.
struct FieldRule<'a> {
    rule: &'a CelRule,
    env: &'a SharedEnv,
    tags: &'a BTreeSet<String>,
    extent: Extent,
    changed: bool,
}

const PRIMITIVE_TYPES: [&str; 8] = [
    "STRING", "BYTES", "INT", "LONG", "FLOAT", "DOUBLE", "BOOLEAN", "NULL",
];

impl Visitor for FieldRule<'_> {
    fn selects(&self, tags: &BTreeSet<String>) -> bool {
        self.tags.is_empty() || !self.tags.is_disjoint(tags)
    }

    fn wants_message(&self) -> bool {
        self.rule.uses_message
    }

    fn visit(
        &mut self,
        field: &FieldCx<'_>,
        value: Value,
        message: Option<&dyn Val>,
    ) -> Result<Option<Value>, Stop> {
        if !PRIMITIVE_TYPES.contains(&field.type_name) {
            return Ok(None);
        }
        let lend = Lend(message);
        let mut cx = Context::with_env(self.env.0.clone());
        cx.set_variable_resolver(&lend);
        cx.add_variable_as_val("value", to_view(value)?);
        cx.add_variable_as_val("fullName", to_view(Value::from(field.full_name))?);
        cx.add_variable_as_val("name", to_view(Value::from(field.name))?);
        cx.add_variable_as_val("typeName", to_view(Value::from(field.type_name))?);
        let tags: Vec<Value> = field.tags.iter().map(|t| Value::from(t.as_str())).collect();
        cx.add_variable_as_val("tags", to_view(Value::List(Arc::new(tags)))?);
        if !guard_open(self.rule.guard.as_ref(), &cx, self.extent) {
            return Ok(None);
        }
        let result = self
            .rule
            .body
            .eval(&cx, self.extent)
            .map_err(|e| Stop::Error(format!("field {}: {e}", field.full_name)))?;
        if !self.rule.transform {
            return match truth(&result) {
                Ok(true) => Ok(None),
                Ok(false) => Err(Stop::Failed),
                Err(e) => Err(Stop::Error(format!("field {}: {e}", field.full_name))),
            };
        }
        self.changed = true;
        Ok(Some(result))
    }
}

fn truth(v: &Value) -> Result<bool, String> {
    match v {
        Value::Bool(b) => Ok(*b),
        other => Err(format!(
            "condition returned a {}, not a boolean",
            other.type_of()
        )),
    }
}

/// A guard that is not true (or errs) lets the message pass unchanged.
fn guard_open(guard: Option<&Compiled>, cx: &Context<'_, '_>, extent: Extent) -> bool {
    guard.is_none_or(|g| matches!(g.eval(cx, extent), Ok(Value::Bool(true))))
}
