//! Data-contract entities as the REST API spells them: `metadata` and `ruleSet` (with its rules),
//! carried by [`crate::Schema`] so a registered schema's rules travel with it.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// `metadata`: tags by field path, free properties, names of sensitive properties.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Metadata {
    /// field path (with `*` / `**` wildcards) → tags
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, BTreeSet<String>>,
    /// free key/value properties (e.g. `owner`, `dlq.topic`, `major`)
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub properties: BTreeMap<String, String>,
    /// property names the registry stores encrypted
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub sensitive: BTreeSet<String>,
}

/// `ruleSet`: migration, domain and encoding rules, and where they are enabled.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleSet {
    /// run between versions on read (JSONata); not executed by this crate
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub migration_rules: Vec<Rule>,
    /// run on the message (CEL, CEL_FIELD conditions and transforms)
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domain_rules: Vec<Rule>,
    /// run on the encoded bytes (payload encryption); not executed by this crate
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub encoding_rules: Vec<Rule>,
    /// `ALL` (or absent), `CLIENT`, `GATEWAY`, `SERVER`, `NONE`: a client runs the rules only for
    /// `ALL` and `CLIENT`, as Confluent's Python and Go clients do
    #[serde(default, rename = "enableAt", skip_serializing_if = "Option::is_none")]
    pub enable_at: Option<String>,
}

/// One rule.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    /// unique in its rule set
    pub name: String,
    /// free text, used in the failure message
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// `CONDITION` or `TRANSFORM` (absent: `TRANSFORM`, as Confluent's Java entity defaults it)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// `WRITE`, `READ`, `WRITEREAD` (domain rules); `UPGRADE`, `DOWNGRADE`, `UPDOWN` (migrations);
    /// absent: `WRITEREAD`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// executor: `CEL`, `CEL_FIELD`, `JSONATA`, `ENCRYPT`, …
    #[serde(rename = "type")]
    pub rule_type: String,
    /// fields a field-level rule applies to
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub tags: BTreeSet<String>,
    /// executor parameters (e.g. `dlq.topic`)
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, String>,
    /// the expression
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expr: Option<String>,
    /// action on success: `NONE` (default), `ERROR`, `DLQ`, or a `"write,read"` pair
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_success: Option<String>,
    /// action on failure: `ERROR` (default), `NONE`, `DLQ`, or a `"write,read"` pair
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_failure: Option<String>,
    /// a disabled rule never runs
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub disabled: bool,
}

impl Rule {
    /// A domain `CONDITION` rule of type `CEL` for `mode` (`WRITE`, `READ`, `WRITEREAD`).
    pub fn cel_condition(name: &str, mode: &str, expr: &str) -> Self {
        Self {
            name: name.into(),
            kind: Some("CONDITION".into()),
            mode: Some(mode.into()),
            rule_type: "CEL".into(),
            expr: Some(expr.into()),
            ..Self::default()
        }
    }

    /// A domain `TRANSFORM` rule of type `CEL`: the expression's result replaces the message.
    pub fn cel_transform(name: &str, mode: &str, expr: &str) -> Self {
        Self {
            kind: Some("TRANSFORM".into()),
            ..Self::cel_condition(name, mode, expr)
        }
    }

    /// A domain `CONDITION` rule of type `CEL_FIELD`, evaluated on every field `tags` select
    /// (every primitive field without tags; add them with [`Rule::tag`]).
    pub fn cel_field_condition(name: &str, mode: &str, expr: &str) -> Self {
        Self {
            rule_type: "CEL_FIELD".into(),
            ..Self::cel_condition(name, mode, expr)
        }
    }

    /// A domain `TRANSFORM` rule of type `CEL_FIELD`: the expression's result replaces each
    /// selected field's value.
    pub fn cel_field_transform(name: &str, mode: &str, expr: &str) -> Self {
        Self {
            rule_type: "CEL_FIELD".into(),
            ..Self::cel_transform(name, mode, expr)
        }
    }

    /// Adds a tag the rule selects fields by.
    pub fn tag(mut self, tag: &str) -> Self {
        self.tags.insert(tag.into());
        self
    }

    /// Sets `onFailure`.
    pub fn on_failure(mut self, action: &str) -> Self {
        self.on_failure = Some(action.into());
        self
    }

    /// Sets `onSuccess`.
    pub fn on_success(mut self, action: &str) -> Self {
        self.on_success = Some(action.into());
        self
    }

    /// Sets `disabled`.
    pub fn disabled(mut self, on: bool) -> Self {
        self.disabled = on;
        self
    }
}

impl RuleSet {
    /// A rule set with these domain rules.
    pub fn domain(rules: Vec<Rule>) -> Self {
        Self {
            domain_rules: rules,
            ..Self::default()
        }
    }

    /// True when there is no rule at all.
    pub fn is_empty(&self) -> bool {
        self.migration_rules.is_empty()
            && self.domain_rules.is_empty()
            && self.encoding_rules.is_empty()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn rule_set_reads_and_writes_confluent_field_names() {
        let text = r#"{"domainRules":[{"name":"positive","kind":"CONDITION","mode":"WRITE","type":"CEL",
            "expr":"message.qty > 0","onFailure":"DLQ","params":{"dlq.topic":"bad"},"disabled":true}],
            "enableAt":"CLIENT"}"#;
        let rs: RuleSet = serde_json::from_str(text).unwrap();
        let r = &rs.domain_rules[0];
        assert_eq!(r.rule_type, "CEL");
        assert_eq!(r.on_failure.as_deref(), Some("DLQ"));
        assert_eq!(r.params["dlq.topic"], "bad");
        assert!(r.disabled);
        assert_eq!(rs.enable_at.as_deref(), Some("CLIENT"));
        let back: RuleSet = serde_json::from_str(&serde_json::to_string(&rs).unwrap()).unwrap();
        assert_eq!(back, rs);
        let none: Rule = serde_json::from_str(r#"{"name":"n","type":"CEL"}"#).unwrap();
        assert!(none.kind.is_none() && none.mode.is_none() && !none.disabled);
    }
}
