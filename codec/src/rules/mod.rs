//! Data-contract rules (Confluent's client-side semantics): which of a schema's domain rules run
//! on write and on read, in which order, and what their outcome does (`NONE`, `ERROR`, `DLQ`).
//! `CONDITION` and `TRANSFORM` rules of type `CEL` (the whole message) and `CEL_FIELD` (each
//! field the rule's tags select) are evaluated by [`cel`] (feature `rules`) on Avro, JSON Schema
//! and Protobuf messages; without the feature, or for rule types this crate has no executor for
//! (`JSONATA`, `ENCRYPT`, custom ones), a rule that should run fails and its `onFailure` action
//! decides.
//!
//! | file | what it does |
//! |---|---|
//! | `model.rs` | `metadata` and `ruleSet` as the REST API spells them |
//! | `message.rs` | the message rules see, what a transform produces, the schema's shape |
//! | `cel_exec.rs` | compiling and bounding expressions; the `CEL` and `CEL_FIELD` executors |
//! | `cel_value.rs` | JSON views to CEL values and results back |
//! | `fields.rs` | what a field rule sees; the walk dispatch |
//! | `avro_shape.rs`, `avro_encode.rs`, `avro_walk.rs` | Avro: schema model, encoder of transformed messages, field walk |
//! | `json_walk.rs` | JSON Schema field walk |
//! | `proto_cel.rs`, `proto_walk.rs` | Protobuf messages ↔ CEL, field walk |
//! | `tags.rs` | field tags: inline and `metadata.tags` wildcards |

mod avro_encode;
pub(crate) mod avro_shape;
#[cfg(feature = "rules")]
mod avro_walk;
#[cfg(feature = "rules")]
pub(crate) mod cel_exec;
#[cfg(feature = "rules")]
mod cel_value;
#[cfg(feature = "rules")]
mod fields;
#[cfg(feature = "rules")]
mod json_walk;
pub(crate) mod message;
mod model;
#[cfg(feature = "rules")]
mod proto_cel;
#[cfg(feature = "rules")]
mod proto_walk;
mod tags;

#[cfg(feature = "rules")]
pub use cel_exec::{MAX_AST_DEPTH, MAX_AST_NODES, MAX_COMPREHENSION_NESTING, MAX_COST, MAX_MEMORY};
pub(crate) use message::{Message, Shape, Transformed};
pub use model::{Metadata, Rule, RuleSet};

use crate::error::{Error, Result};
use crate::schema::Schema;
use tags::TagPatterns;

/// Longest expression compiled (bytes); longer ones fail like a missing executor would.
pub const MAX_EXPR_LEN: usize = 4096;

/// Rules evaluated per message, at most (a bound on a hostile rule set's cost per message).
pub const MAX_RULES: usize = 64;

/// When rules run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// serializing, before the value is encoded
    Write,
    /// deserializing, after the value is decoded
    Read,
}

impl Phase {
    fn name(self) -> &'static str {
        match self {
            Phase::Write => "WRITE",
            Phase::Read => "READ",
        }
    }
}

/// What a failed (or `ERROR`-on-success) rule asks the caller to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleAction {
    /// fail the produce or consume call
    Error,
    /// send the record to a dead-letter queue, then fail the call as Confluent's clients do; the
    /// topic comes from the rule's `dlq.topic` param or the schema's `dlq.topic` property (`None`
    /// when neither is set)
    Dlq {
        /// where to send the record
        topic: Option<String>,
    },
}

/// A rule that refused a message: the typed error a caller routes on ([`Error::Rule`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleFailure {
    /// the rule's name
    pub rule: String,
    /// `WRITE` or `READ`
    pub phase: Phase,
    /// the subject whose schema carries the rule
    pub subject: String,
    /// the Kafka topic of the message
    pub topic: String,
    /// the action configured for the outcome
    pub action: RuleAction,
    /// why: the rule's `doc`, the expression, or the executor's error
    pub reason: String,
}

impl std::fmt::Display for RuleFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "rule {} ({} of subject {}) failed: {}",
            self.rule,
            self.phase.name(),
            self.subject,
            self.reason
        )?;
        if let RuleAction::Dlq { topic } = &self.action {
            match topic {
                Some(t) => write!(f, "; route the record to dead-letter topic {t}")?,
                None => write!(f, "; action DLQ but no dlq.topic is set")?,
            }
        }
        Ok(())
    }
}

/// The message-independent facts rules may report.
pub(crate) struct RuleContext<'a> {
    pub topic: &'a str,
    #[allow(dead_code)]
    pub is_key: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Action {
    None,
    Error,
    Dlq,
}

/// An executor ready to run, or the reason there is none.
pub(crate) enum Exec {
    #[cfg(feature = "rules")]
    Cel(cel_exec::CelRule),
    Missing(String),
}

struct Compiled {
    name: String,
    reason: String,
    on_success: Action,
    on_failure: Action,
    dlq_topic: Option<String>,
    exec: Exec,
}

/// A schema's rules for one phase, compiled, in the order they run.
pub(crate) struct Rules {
    subject: String,
    phase: Phase,
    list: Vec<Compiled>,
    /// the schema's shape, for field rules and transforms ([`Rules::with_shape`])
    shape: Shape,
    #[cfg_attr(not(feature = "rules"), allow(dead_code))]
    patterns: TagPatterns,
    #[cfg(feature = "rules")]
    env: cel_exec::SharedEnv,
}

/// What one rule did to the message.
#[cfg_attr(not(feature = "rules"), allow(dead_code))]
enum Outcome {
    Pass,
    Fail,
    #[cfg(feature = "rules")]
    Replaced,
}

fn mode_runs(mode: Option<&str>, phase: Phase) -> bool {
    match mode.unwrap_or("WRITEREAD") {
        "WRITEREAD" => true,
        "WRITE" => phase == Phase::Write,
        "READ" => phase == Phase::Read,
        _ => false,
    }
}

/// `enableAt`: a client runs rules for `ALL` (or absent) and `CLIENT` only.
fn enabled_here(rule_set: &RuleSet) -> bool {
    matches!(rule_set.enable_at.as_deref(), None | Some("ALL" | "CLIENT"))
}

/// The action name for this phase: a `"write,read"` pair on a `WRITEREAD` rule picks its half.
fn action(spec: Option<&str>, default: Action, mode: Option<&str>, phase: Phase) -> Action {
    let Some(spec) = spec.map(str::trim).filter(|s| !s.is_empty()) else {
        return default;
    };
    let name = match spec.split_once(',') {
        Some((w, r)) if mode.unwrap_or("WRITEREAD") == "WRITEREAD" => match phase {
            Phase::Write => w.trim(),
            Phase::Read => r.trim(),
        },
        Some(_) => return Action::Error, // a pair on a single mode is invalid
        None => spec,
    };
    match name {
        "NONE" => Action::None,
        "DLQ" => Action::Dlq,
        // ERROR, and actions this crate does not have, fail the call (as a missing action does)
        _ => Action::Error,
    }
}

fn is_transform(r: &Rule) -> bool {
    r.kind.as_deref().unwrap_or("TRANSFORM") == "TRANSFORM"
}

/// Confluent runs only the first of several field-level `TRANSFORM` rules with the same type,
/// mode and (non-empty) tags (in the rule set's order, in both phases).
fn shadowed(all: &[Rule], i: usize) -> bool {
    let Some(r) = all.get(i) else { return false };
    r.rule_type == "CEL_FIELD"
        && is_transform(r)
        && !r.tags.is_empty()
        && all[..i].iter().any(|o| {
            is_transform(o) && o.rule_type == r.rule_type && o.mode == r.mode && o.tags == r.tags
        })
}

impl Rules {
    /// The rules of `schema` that run in `phase`, or `None` when none do (the fast path).
    /// Give them the schema's shape with [`Rules::with_shape`] when [`Rules::needs_shape`].
    pub(crate) fn for_phase(schema: &Schema, subject: &str, phase: Phase) -> Result<Option<Rules>> {
        let Some(rule_set) = &schema.rule_set else {
            return Ok(None);
        };
        if !enabled_here(rule_set) {
            return Ok(None);
        }
        let all = &rule_set.domain_rules;
        let mut selected: Vec<&Rule> = all
            .iter()
            .enumerate()
            .filter(|(i, r)| {
                !r.disabled && mode_runs(r.mode.as_deref(), phase) && !shadowed(all, *i)
            })
            .map(|(_, r)| r)
            .collect();
        if selected.is_empty() {
            return Ok(None);
        }
        if selected.len() > MAX_RULES {
            return Err(Error::Schema(format!(
                "subject {subject} has {} domain rules for {}; at most {MAX_RULES} are run",
                selected.len(),
                phase.name()
            )));
        }
        if phase == Phase::Read {
            selected.reverse();
        }
        #[cfg(feature = "rules")]
        let env = cel_exec::SharedEnv::new();
        let list = selected
            .into_iter()
            .map(|r| {
                let mode = r.mode.as_deref();
                let dlq_topic = r
                    .params
                    .get("dlq.topic")
                    .or_else(|| {
                        schema
                            .metadata
                            .as_ref()
                            .and_then(|m| m.properties.get("dlq.topic"))
                    })
                    .cloned();
                Compiled {
                    name: r.name.clone(),
                    reason: r
                        .doc
                        .clone()
                        .or_else(|| r.expr.as_ref().map(|e| format!("expression {e}")))
                        .unwrap_or_else(|| "condition not met".into()),
                    on_success: action(r.on_success.as_deref(), Action::None, mode, phase),
                    on_failure: action(r.on_failure.as_deref(), Action::Error, mode, phase),
                    dlq_topic,
                    #[cfg(feature = "rules")]
                    exec: cel_exec::compile(&env, r),
                    #[cfg(not(feature = "rules"))]
                    exec: Exec::Missing(format!(
                        "no executor for rule type {}: codec was built without the `rules` feature",
                        r.rule_type
                    )),
                }
            })
            .collect();
        Ok(Some(Rules {
            subject: subject.to_owned(),
            phase,
            list,
            shape: Shape::None,
            patterns: TagPatterns::of(schema.metadata.as_ref()),
            #[cfg(feature = "rules")]
            env,
        }))
    }

    /// Whether a field rule or a transform needs the schema's shape.
    pub(crate) fn needs_shape(&self) -> bool {
        self.list.iter().any(|r| match &r.exec {
            #[cfg(feature = "rules")]
            Exec::Cel(c) => c.needs_shape(),
            Exec::Missing(_) => false,
        })
    }

    /// Whether a rule may replace the message.
    pub(crate) fn has_transforms(&self) -> bool {
        self.list.iter().any(|r| match &r.exec {
            #[cfg(feature = "rules")]
            Exec::Cel(c) => c.is_transform(),
            Exec::Missing(_) => false,
        })
    }

    /// The schema's shape (see [`Shape`]).
    pub(crate) fn with_shape(mut self, shape: Shape) -> Self {
        self.shape = shape;
        self
    }

    /// Runs the rules on the message `view` produces (called once, only when a rule runs).
    /// Returns the new message when a `TRANSFORM` rule replaced it.
    pub(crate) fn run(
        &self,
        cx: &RuleContext<'_>,
        view: impl FnOnce() -> Result<Message>,
    ) -> Result<Option<Transformed>> {
        #[cfg(feature = "rules")]
        let mut state = cel_exec::State::new(view()?);
        #[cfg(not(feature = "rules"))]
        let _ = view;
        #[cfg_attr(not(feature = "rules"), allow(unused_mut))]
        let mut changed = false;
        for r in &self.list {
            let outcome: std::result::Result<Outcome, String> = match &r.exec {
                #[cfg(feature = "rules")]
                Exec::Cel(c) => c
                    .eval(&self.env, &self.shape, &self.patterns, &mut state)
                    .map(|v| match v {
                        cel_exec::Verdict::Pass => Outcome::Pass,
                        cel_exec::Verdict::Fail => Outcome::Fail,
                        cel_exec::Verdict::Replace(m) => {
                            state.replace(m);
                            Outcome::Replaced
                        }
                    }),
                Exec::Missing(why) => Err(why.clone()),
            };
            let reason = match outcome {
                Ok(Outcome::Pass) => None,
                #[cfg(feature = "rules")]
                Ok(Outcome::Replaced) => {
                    changed = true;
                    None
                }
                Ok(Outcome::Fail) => Some(r.reason.clone()),
                Err(e) => Some(e),
            };
            let act = if reason.is_some() {
                &r.on_failure
            } else {
                &r.on_success
            };
            let action = match act {
                Action::None => continue,
                // DLQ on success only forwards a copy in Confluent's clients; there is nothing to fail
                Action::Dlq if reason.is_none() => continue,
                Action::Dlq => RuleAction::Dlq {
                    topic: r.dlq_topic.clone(),
                },
                Action::Error => RuleAction::Error,
            };
            return Err(Error::Rule(Box::new(RuleFailure {
                rule: r.name.clone(),
                phase: self.phase,
                subject: self.subject.clone(),
                topic: cx.topic.to_owned(),
                action,
                reason: reason.unwrap_or_else(|| "onSuccess action is ERROR".into()),
            })));
        }
        if !changed {
            return Ok(None);
        }
        #[cfg(feature = "rules")]
        return self.shape.finish(state.message).map(Some);
        #[cfg(not(feature = "rules"))]
        Ok(None)
    }
}

#[cfg(all(test, feature = "rules"))]
mod tests;

#[cfg(all(test, not(feature = "rules")))]
mod fail_closed {
    use super::*;

    #[test]
    fn without_the_feature_a_rule_that_should_run_fails_closed() {
        let rs = RuleSet::domain(vec![Rule::cel_condition("r", "WRITE", "true")]);
        let schema = Schema::avro("\"int\"").with_rule_set(rs);
        let rules = Rules::for_phase(&schema, "s", Phase::Write);
        let Ok(Some(rules)) = rules else {
            panic!("the rule is selected")
        };
        let cx = RuleContext {
            topic: "t",
            is_key: false,
        };
        let err = rules.run(&cx, || Ok(Message::Json(serde_json::Value::Null)));
        assert!(matches!(err, Err(Error::Rule(f)) if f.reason.contains("`rules` feature")));
    }
}
