//! The `CEL` and `CEL_FIELD` condition executors over the `cel` crate: compile once per schema,
//! evaluate per message with the message (and, per field, the field) bound as Confluent's
//! clients bind them.
//!
//! Bounds: expressions longer than [`super::MAX_EXPR_LEN`] are refused, the parser limits
//! nesting (96 levels), and the message tree converted for CEL is limited to [`MAX_DEPTH`]
//! levels. CEL has no loops or recursion, so evaluation ends, but the `cel` crate offers no
//! cost or time limit: comprehension macros nested k deep cost O(n^k) in a list of n items.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use cel::common::types::{
    CelBool, CelDouble, CelInt, CelList, CelMap, CelMapKey, CelNull, CelString, CelUInt,
};
use cel::common::value::{CowVal, Val};
use cel::context::VariableResolver;
use cel::objects::Key;
use cel::{Context, Env, Program, Value};

use super::{Exec, MAX_EXPR_LEN};
use crate::error::{Error, Result};
use crate::rules::Rule;
use crate::schema::{Schema, SchemaType};

/// Deepest message tree handed to CEL.
pub const MAX_DEPTH: usize = 64;

/// The standard environment, built once per rule list.
pub(crate) struct SharedEnv(Arc<Env>);

impl SharedEnv {
    pub(crate) fn new() -> Self {
        Self(Arc::new(Env::stdlib()))
    }

    fn context(&self) -> Context<'static, 'static> {
        Context::with_env(self.0.clone())
    }

    /// The message converted back to a plain value (field rules walk it).
    fn plain(message: &Message) -> std::result::Result<Value, String> {
        Value::try_from(message.as_ref()).map_err(|e| e.to_string())
    }
}

fn compile_expr(env: &SharedEnv, text: &str) -> std::result::Result<Program, String> {
    env.0
        .compile(text)
        .map_err(|e| format!("expression does not compile: {e}"))
}

/// `guard ; body`: text before the first `;` is a guard (Confluent's Java and Python split there).
fn split_guard(
    env: &SharedEnv,
    expr: &str,
) -> std::result::Result<(Option<Program>, Program), String> {
    if expr.len() > MAX_EXPR_LEN {
        return Err(format!(
            "expression longer than {MAX_EXPR_LEN} bytes is not evaluated"
        ));
    }
    match expr.split_once(';') {
        Some((guard, body)) if !guard.trim().is_empty() => Ok((
            Some(compile_expr(env, guard.trim())?),
            compile_expr(env, body.trim())?,
        )),
        _ => Ok((None, compile_expr(env, expr.trim())?)),
    }
}

/// Compiles a rule, or says why it cannot run.
pub(crate) fn compile(env: &SharedEnv, rule: &Rule, schema: &Schema) -> Exec {
    let kind = rule.kind.as_deref().unwrap_or("TRANSFORM");
    if kind != "CONDITION" {
        return Exec::Missing(format!(
            "{kind} rules are not executed by this crate (only CONDITION)"
        ));
    }
    let Some(expr) = rule.expr.as_deref() else {
        return Exec::Missing("rule has no expression".into());
    };
    let compiled = match split_guard(env, expr) {
        Ok(c) => c,
        Err(e) => return Exec::Missing(e),
    };
    match rule.rule_type.as_str() {
        "CEL" => Exec::Cel(Condition {
            guard: compiled.0,
            body: compiled.1,
        }),
        "CEL_FIELD" => Exec::CelField(FieldCondition {
            guard: compiled.0,
            body: compiled.1,
            rule_tags: rule.tags.clone(),
            fields: FieldInfo::of(schema),
        }),
        other => Exec::Missing(format!("no executor for rule type {other}")),
    }
}

/// A message-level condition.
pub(crate) struct Condition {
    guard: Option<Program>,
    body: Program,
}

fn truth(v: std::result::Result<Value, cel::ExecutionError>) -> std::result::Result<bool, String> {
    match v {
        Ok(Value::Bool(b)) => Ok(b),
        Ok(other) => Err(format!(
            "condition returned a {}, not a boolean",
            other.type_of()
        )),
        Err(e) => Err(format!("evaluation failed: {e}")),
    }
}

/// A guard that is not true (or errs) lets the message pass.
fn guard_open(guard: Option<&Program>, cx: &Context<'_, '_>) -> bool {
    guard.is_none_or(|g| matches!(g.execute(cx), Ok(Value::Bool(true))))
}

impl Condition {
    pub(crate) fn eval(
        &self,
        env: &SharedEnv,
        message: &Message,
    ) -> std::result::Result<bool, String> {
        let lend = Lend(message.as_ref());
        let mut cx = Context::with_env(env.0.clone());
        cx.set_variable_resolver(&lend);
        if !guard_open(self.guard.as_ref(), &cx) {
            return Ok(true);
        }
        truth(self.body.execute(&cx))
    }
}

/// A field-level condition: evaluated once per primitive field its tags select.
pub(crate) struct FieldCondition {
    guard: Option<Program>,
    body: Program,
    rule_tags: BTreeSet<String>,
    fields: FieldInfo,
}

impl FieldCondition {
    pub(crate) fn eval(
        &self,
        env: &SharedEnv,
        message: &Message,
    ) -> std::result::Result<bool, String> {
        let message = &SharedEnv::plain(message)?;
        let mut ok = true;
        let mut err = None;
        let mut visit = |path: &str, name: &str, value: &Value, parent: &Value| {
            if !ok || err.is_some() {
                return;
            }
            let full = self.fields.full_name(path);
            let tags = self.fields.tags_of(path, &full);
            if !self.rule_tags.is_empty() && self.rule_tags.is_disjoint(&tags) {
                return;
            }
            let mut cx = env.context();
            cx.add_variable_from_value("value", value.clone());
            cx.add_variable_from_value("fullName", full.as_str());
            cx.add_variable_from_value("name", name);
            cx.add_variable_from_value("typeName", self.fields.type_name(path, value));
            let tag_list: Vec<Value> = tags.iter().map(|t| Value::from(t.as_str())).collect();
            cx.add_variable_from_value("tags", tag_list);
            cx.add_variable_from_value("message", parent.clone());
            if !guard_open(self.guard.as_ref(), &cx) {
                return;
            }
            match truth(self.body.execute(&cx)) {
                Ok(b) => ok = b,
                Err(e) => err = Some(e),
            }
        };
        walk_fields(message, "", &mut visit, 0);
        match err {
            Some(e) => Err(e),
            None => Ok(ok),
        }
    }
}

/// Calls `f(path, name, value, containing record)` for every primitive, non-null field.
fn walk_fields(
    v: &Value,
    prefix: &str,
    f: &mut dyn FnMut(&str, &str, &Value, &Value),
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return; // `message` already refused deeper trees
    }
    let Value::Map(m) = v else { return };
    let mut keys: Vec<_> = m.map.iter().collect();
    keys.sort_by(|a, b| format!("{:?}", a.0).cmp(&format!("{:?}", b.0)));
    for (k, child) in keys {
        let Key::String(name) = k else { continue };
        let path = if prefix.is_empty() {
            name.to_string()
        } else {
            format!("{prefix}.{name}")
        };
        match child {
            Value::Map(_) => walk_fields(child, &path, f, depth + 1),
            Value::List(items) => {
                for item in items.iter() {
                    match item {
                        Value::Map(_) => walk_fields(item, &path, f, depth + 1),
                        Value::List(_) | Value::Null => {}
                        prim => f(&path, name, prim, v),
                    }
                }
            }
            Value::Null => {} // Python and Go keep null fields without evaluating
            prim => f(&path, name, prim, v),
        }
    }
}

/// What the schema says about fields: inline `confluent:tags`, types, and `metadata.tags`.
struct FieldInfo {
    /// the root record's full name (Avro), prefixed to field paths in `fullName`
    root: String,
    /// field path → (inline tags, type name)
    fields: HashMap<String, (BTreeSet<String>, Option<String>)>,
    /// `metadata.tags`: wildcard path → tags
    patterns: Vec<(String, BTreeSet<String>)>,
}

/// Fields described per schema, at most (a bound on hostile schemas).
const MAX_FIELDS: usize = 10_000;

impl FieldInfo {
    fn of(schema: &Schema) -> Self {
        let mut info = FieldInfo {
            root: String::new(),
            fields: HashMap::new(),
            patterns: schema
                .metadata
                .as_ref()
                .map(|m| m.tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default(),
        };
        if let Ok(doc) = serde_json::from_str::<serde_json::Value>(&schema.schema) {
            match schema.schema_type {
                SchemaType::Avro => {
                    info.root = avro_full_name(&doc, "");
                    info.avro_record(&doc, "", 0);
                }
                SchemaType::Json => info.json_object(&doc, "", 0),
                SchemaType::Protobuf => {}
            }
        }
        info
    }

    fn full_name(&self, path: &str) -> String {
        if self.root.is_empty() {
            path.to_owned()
        } else {
            format!("{}.{path}", self.root)
        }
    }

    fn tags_of(&self, path: &str, full: &str) -> BTreeSet<String> {
        let mut tags = self
            .fields
            .get(path)
            .map(|(t, _)| t.clone())
            .unwrap_or_default();
        for (pattern, t) in &self.patterns {
            if wildcard_match(pattern, full) {
                tags.extend(t.iter().cloned());
            }
        }
        tags
    }

    fn type_name(&self, path: &str, value: &Value) -> String {
        if let Some((_, Some(t))) = self.fields.get(path) {
            return t.clone();
        }
        match value {
            Value::String(_) => "STRING",
            Value::Int(_) | Value::UInt(_) => "LONG",
            Value::Float(_) => "DOUBLE",
            Value::Bool(_) => "BOOLEAN",
            Value::Bytes(_) => "BYTES",
            _ => "NULL",
        }
        .to_owned()
    }

    fn add(&mut self, path: String, tags: BTreeSet<String>, type_name: Option<String>) {
        if self.fields.len() < MAX_FIELDS {
            self.fields.insert(path, (tags, type_name));
        }
    }

    fn avro_record(&mut self, doc: &serde_json::Value, prefix: &str, depth: usize) {
        let Some(fields) = doc.get("fields").and_then(|f| f.as_array()) else {
            return;
        };
        if depth > MAX_DEPTH {
            return;
        }
        for field in fields {
            let Some(name) = field.get("name").and_then(|n| n.as_str()) else {
                continue;
            };
            let path = join(prefix, name);
            let ty = field.get("type").map(non_null_branch);
            if let Some(t) = ty
                && t.get("type").and_then(|x| x.as_str()) == Some("record")
            {
                self.avro_record(t, &path, depth + 1);
            }
            let type_name = ty.and_then(avro_type_name);
            self.add(path, inline_tags(field), type_name);
        }
    }

    fn json_object(&mut self, doc: &serde_json::Value, prefix: &str, depth: usize) {
        let Some(props) = doc.get("properties").and_then(|p| p.as_object()) else {
            return;
        };
        if depth > MAX_DEPTH {
            return;
        }
        for (name, sub) in props {
            let path = join(prefix, name);
            self.json_object(sub, &path, depth + 1);
            let type_name = match sub.get("type").and_then(|t| t.as_str()) {
                Some("string") => Some("STRING".to_owned()),
                Some("integer") => Some("LONG".to_owned()),
                Some("number") => Some("DOUBLE".to_owned()),
                Some("boolean") => Some("BOOLEAN".to_owned()),
                _ => None,
            };
            self.add(path, inline_tags(sub), type_name);
        }
    }
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}.{name}")
    }
}

fn inline_tags(node: &serde_json::Value) -> BTreeSet<String> {
    node.get("confluent:tags")
        .and_then(|t| t.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|t| t.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn avro_full_name(doc: &serde_json::Value, ns: &str) -> String {
    let name = doc.get("name").and_then(|n| n.as_str()).unwrap_or("");
    let ns = doc.get("namespace").and_then(|n| n.as_str()).unwrap_or(ns);
    if name.contains('.') || ns.is_empty() {
        name.to_owned()
    } else {
        format!("{ns}.{name}")
    }
}

fn non_null_branch(t: &serde_json::Value) -> &serde_json::Value {
    match t.as_array() {
        Some(branches) => branches
            .iter()
            .find(|b| b.as_str() != Some("null"))
            .unwrap_or(t),
        None => t,
    }
}

fn avro_type_name(t: &serde_json::Value) -> Option<String> {
    let name = match t {
        serde_json::Value::String(s) => s.as_str(),
        serde_json::Value::Object(o) => o.get("type")?.as_str()?,
        _ => return None,
    };
    matches!(
        name,
        "string" | "int" | "long" | "float" | "double" | "boolean" | "bytes" | "enum" | "fixed"
    )
    .then(|| name.to_ascii_uppercase())
}

/// Confluent's wildcard paths: `*` matches within one dotted segment, `**` across segments.
fn wildcard_match(pattern: &str, text: &str) -> bool {
    fn go(p: &[u8], t: &[u8], budget: &mut usize) -> bool {
        if *budget == 0 {
            return false;
        }
        *budget -= 1;
        match p {
            [] => t.is_empty(),
            [b'*', b'*', rest @ ..] => (0..=t.len()).any(|i| go(rest, &t[i..], budget)),
            [b'*', rest @ ..] => {
                let seg = t.iter().position(|c| *c == b'.').unwrap_or(t.len());
                (0..=seg).any(|i| go(rest, &t[i..], budget))
            }
            [c, rest @ ..] => t.first() == Some(c) && go(rest, &t[1..], budget),
        }
    }
    let mut budget = 100_000; // hostile patterns backtrack; past this, no match
    go(pattern.as_bytes(), text.as_bytes(), &mut budget)
}

/// The message as CEL sees it: objects become maps, integers `int` (or `uint` past i64). Built
/// straight into the interpreter's own value types, once per message, and lent to every rule.
pub(crate) type Message = Box<dyn Val>;

pub(crate) fn message(json: &serde_json::Value) -> Result<Message> {
    to_val(json, 0)
}

fn to_val(json: &serde_json::Value, depth: usize) -> Result<Box<dyn Val>> {
    if depth > MAX_DEPTH {
        return Err(Error::Serialize(format!(
            "message nests deeper than {MAX_DEPTH} levels; rules are not evaluated on it"
        )));
    }
    Ok(match json {
        serde_json::Value::Null => Box::new(CelNull),
        serde_json::Value::Bool(b) => Box::new(CelBool::from(*b)),
        serde_json::Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => Box::new(CelInt::from(i)),
            (None, Some(u)) => Box::new(CelUInt::from(u)),
            _ => Box::new(CelDouble::from(n.as_f64().unwrap_or(f64::NAN))),
        },
        serde_json::Value::String(s) => Box::new(CelString::from(s.clone())),
        serde_json::Value::Array(items) => Box::new(CelList::from(
            items
                .iter()
                .map(|i| to_val(i, depth + 1))
                .collect::<Result<Vec<_>>>()?,
        )),
        serde_json::Value::Object(o) => {
            let mut map = HashMap::with_capacity(o.len());
            for (k, v) in o {
                map.insert(CelMapKey::from(k.clone()), to_val(v, depth + 1)?);
            }
            Box::new(CelMap::from(map))
        }
    })
}

/// Lends the message to a context without copying it.
struct Lend<'a>(&'a dyn Val);

impl VariableResolver for Lend<'_> {
    fn resolve<'b>(&'b self, variable: &str) -> Option<CowVal<'b, 'b>> {
        (variable == "message").then_some(CowVal::Borrowed(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::wildcard_match;

    #[test]
    fn wildcards_match_as_confluent_documents() {
        assert!(wildcard_match("shop.Order.email", "shop.Order.email"));
        assert!(wildcard_match("shop.Order.*", "shop.Order.email"));
        assert!(!wildcard_match("shop.*", "shop.Order.email"));
        assert!(wildcard_match("**.email", "shop.Order.email"));
        assert!(!wildcard_match("**.mail", "shop.Order.email"));
        // a backtracking-heavy pattern ends (bounded work) with no match
        assert!(!wildcard_match(
            &format!("{}b", "*a".repeat(50)),
            &"a".repeat(200)
        ));
    }
}
