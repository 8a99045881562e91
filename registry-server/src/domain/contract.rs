//! Data contracts: a schema's metadata and rule set, validated and merged as Confluent
//! merges them (`data-contracts.md` §1–2).
//!
//! Both arrive as request JSON and are stored as JSON; these types sit between the two, so
//! every stored value is validated, sorted and carries the rule defaults clients rely on
//! (an explicit `kind` and `mode`).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// The metadata property stamped with a version's own number.
pub const CONFLUENT_VERSION: &str = "confluent:version";

/// The metadata property listing reserved field names, comma-separated.
pub const RESERVED_FIELDS: &str = "confluent:reserved";

/// Longest rule name Confluent accepts, in characters.
const RULE_NAME_MAX_CHARS: usize = 256;

/// A metadata or rule set whose JSON does not have the expected shape (400).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct MalformedContract(pub String);

/// A rule set that is well-formed JSON but breaks a rule of rule sets (42210).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidRuleSet(pub String);

/// `{tags, properties, sensitive}`, every map and set sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub tags: BTreeMap<String, BTreeSet<String>>,
    #[serde(
        default,
        deserialize_with = "string_values",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub properties: BTreeMap<String, String>,
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "BTreeSet::is_empty"
    )]
    pub sensitive: BTreeSet<String>,
}

/// What a rule does: checks a message or rewrites it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum RuleKind {
    Condition,
    #[default]
    Transform,
}

/// When a rule runs: migration modes for `migrationRules`, the others for domain and
/// encoding rules.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum RuleMode {
    Upgrade,
    Downgrade,
    Updown,
    Write,
    Read,
    #[default]
    Writeread,
}

impl RuleMode {
    fn is_migration(self) -> bool {
        matches!(
            self,
            RuleMode::Upgrade | RuleMode::Downgrade | RuleMode::Updown
        )
    }

    /// Whether an action may be a `write,read` (or `up,down`) pair.
    fn takes_action_pairs(self) -> bool {
        matches!(self, RuleMode::Writeread | RuleMode::Updown)
    }
}

/// Where a rule set's rules are enabled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum EnableAt {
    All,
    Client,
    Gateway,
    Server,
    None,
}

/// One rule of a rule set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    /// Required; `None` only until [`RuleSet::validate`] refuses it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub kind: RuleKind,
    #[serde(default, deserialize_with = "null_as_default")]
    pub mode: RuleMode,
    /// Required; `None` only until [`RuleSet::validate`] refuses it.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub rule_type: Option<String>,
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "BTreeSet::is_empty"
    )]
    pub tags: BTreeSet<String>,
    #[serde(
        default,
        deserialize_with = "string_values",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub params: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expr: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_success: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_failure: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub disabled: bool,
}

/// `{migrationRules, domainRules, encodingRules, enableAt}`; a missing list is empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleSet {
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub migration_rules: Vec<Rule>,
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub domain_rules: Vec<Rule>,
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub encoding_rules: Vec<Rule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_at: Option<EnableAt>,
}

impl Metadata {
    /// Reads request JSON; `null` is absent.
    ///
    /// # Errors
    /// [`MalformedContract`] when the JSON is not a metadata object.
    pub fn from_json(value: Option<&Value>) -> Result<Option<Self>, MalformedContract> {
        from_json(value, "metadata")
    }

    /// The stored JSON form.
    #[must_use]
    pub fn to_json(&self) -> Value {
        to_json(self)
    }

    /// The `confluent:version` property.
    #[must_use]
    pub fn confluent_version(&self) -> Option<&str> {
        self.properties.get(CONFLUENT_VERSION).map(String::as_str)
    }

    /// This metadata with `confluent:version` set to `version`.
    #[must_use]
    pub fn with_confluent_version(mut self, version: i32) -> Self {
        self.properties
            .insert(CONFLUENT_VERSION.to_owned(), version.to_string());
        self
    }

    /// This metadata without `confluent:version`.
    #[must_use]
    pub fn without_confluent_version(mut self) -> Self {
        self.properties.remove(CONFLUENT_VERSION);
        self
    }

    /// The field names listed in `confluent:reserved`.
    #[must_use]
    pub fn reserved_fields(&self) -> BTreeSet<String> {
        self.properties
            .get(RESERVED_FIELDS)
            .map(|list| {
                list.split(',')
                    .map(str::trim)
                    .filter(|f| !f.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// `newer` over `older`: per map, keys of both with the newer value winning; sets
    /// united (Confluent's `mergeMetadata`).
    #[must_use]
    pub fn merge(older: Option<Self>, newer: Option<Self>) -> Option<Self> {
        match (older, newer) {
            (None, newer) => newer,
            (older, None) => older,
            (Some(mut older), Some(newer)) => {
                merge_map(&mut older.tags, newer.tags);
                merge_map(&mut older.properties, newer.properties);
                if !newer.sensitive.is_empty() {
                    older.sensitive.extend(newer.sensitive);
                }
                Some(older)
            }
        }
    }
}

impl RuleSet {
    /// Reads request JSON; `null` is absent. Rules get their default `kind` and `mode`.
    ///
    /// # Errors
    /// [`MalformedContract`] when the JSON is not a rule set object.
    pub fn from_json(value: Option<&Value>) -> Result<Option<Self>, MalformedContract> {
        from_json(value, "ruleSet")
    }

    /// The stored JSON form.
    #[must_use]
    pub fn to_json(&self) -> Value {
        to_json(self)
    }

    /// Every rule, in list order (migration, domain, encoding).
    pub fn rules(&self) -> impl Iterator<Item = &Rule> {
        self.migration_rules
            .iter()
            .chain(&self.domain_rules)
            .chain(&self.encoding_rules)
    }

    /// Confluent's rule-set checks: names present, well-formed and unique across the set,
    /// a type on every rule, modes that fit their list, action pairs only on two-way modes.
    ///
    /// # Errors
    /// [`InvalidRuleSet`] naming the first rule that breaks one.
    pub fn validate(&self) -> Result<(), InvalidRuleSet> {
        let mut names = BTreeSet::new();
        let lists: [(&[Rule], bool, &str); 3] = [
            (
                &self.migration_rules,
                true,
                "Migration rules can only be UPGRADE, DOWNGRADE, UPDOWN",
            ),
            (
                &self.domain_rules,
                false,
                "Domain rules can only be WRITE, READ, WRITEREAD",
            ),
            (
                &self.encoding_rules,
                false,
                "Encoding rules can only be WRITE, READ, WRITEREAD",
            ),
        ];
        for (rules, migration, wrong_mode) in lists {
            for rule in rules {
                let name = rule.validate()?;
                if !names.insert(name) {
                    return Err(InvalidRuleSet(format!(
                        "Found rule with duplicate name '{name}'"
                    )));
                }
                if rule.mode.is_migration() != migration {
                    return Err(InvalidRuleSet(wrong_mode.to_owned()));
                }
            }
        }
        Ok(())
    }

    /// `newer` over `older`: per list, the older rules whose names the newer list does not
    /// use, then the newer rules; `enableAt` from the newer side when it has one
    /// (Confluent's `mergeRuleSets`).
    #[must_use]
    pub fn merge(older: Option<Self>, newer: Option<Self>) -> Option<Self> {
        match (older, newer) {
            (None, newer) => newer,
            (older, None) => older,
            (Some(older), Some(newer)) => Some(RuleSet {
                migration_rules: merge_rules(older.migration_rules, newer.migration_rules),
                domain_rules: merge_rules(older.domain_rules, newer.domain_rules),
                encoding_rules: merge_rules(older.encoding_rules, newer.encoding_rules),
                enable_at: newer.enable_at.or(older.enable_at),
            }),
        }
    }

    /// Whether any rule has this `type` (e.g. `CEL`, `ENCRYPT`).
    #[must_use]
    pub fn has_rule_type(&self, rule_type: &str) -> bool {
        self.rules()
            .any(|r| r.rule_type.as_deref() == Some(rule_type))
    }
}

impl Rule {
    /// The rule's own checks; answers its name.
    fn validate(&self) -> Result<&str, InvalidRuleSet> {
        let name = self
            .name
            .as_deref()
            .ok_or_else(|| InvalidRuleSet("Missing rule name".to_owned()))?;
        validate_rule_name(name)?;
        if self.rule_type.is_none() {
            return Err(InvalidRuleSet("Missing rule type".to_owned()));
        }
        for action in [&self.on_success, &self.on_failure].into_iter().flatten() {
            if action.contains(',') && !self.mode.takes_action_pairs() {
                return Err(InvalidRuleSet(
                    "Multiple actions only valid with WRITEREAD and UPDOWN".to_owned(),
                ));
            }
        }
        Ok(name)
    }
}

fn validate_rule_name(name: &str) -> Result<(), InvalidRuleSet> {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return Err(InvalidRuleSet("Empty rule name".to_owned()));
    };
    if name.chars().count() > RULE_NAME_MAX_CHARS {
        return Err(InvalidRuleSet("Rule name too long".to_owned()));
    }
    if !(first.is_alphabetic() || first == '_') {
        return Err(InvalidRuleSet(format!(
            "Illegal initial character in rule name: {name}"
        )));
    }
    if chars.any(|c| !(c.is_alphanumeric() || c == '_' || c == '-')) {
        return Err(InvalidRuleSet(format!(
            "Illegal character in rule name: {name}"
        )));
    }
    Ok(())
}

fn merge_map<V>(older: &mut BTreeMap<String, V>, newer: BTreeMap<String, V>) {
    older.extend(newer);
}

fn merge_rules(older: Vec<Rule>, newer: Vec<Rule>) -> Vec<Rule> {
    if newer.is_empty() {
        return older;
    }
    let replaced: BTreeSet<&Option<String>> = newer.iter().map(|r| &r.name).collect();
    let mut merged: Vec<Rule> = older
        .into_iter()
        .filter(|r| !replaced.contains(&r.name))
        .collect();
    merged.extend(newer);
    merged
}

fn from_json<T: for<'de> Deserialize<'de>>(
    value: Option<&Value>,
    what: &str,
) -> Result<Option<T>, MalformedContract> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(value @ Value::Object(_)) => T::deserialize(value)
            .map(Some)
            .map_err(|e| MalformedContract(format!("Invalid {what}: {e}"))),
        Some(_) => Err(MalformedContract(format!(
            "Invalid {what}: not a JSON object"
        ))),
    }
}

fn to_json<T: Serialize>(value: &T) -> Value {
    // Maps with string keys, strings, lists and booleans: serialization cannot fail.
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// `null` as the type's default (Jackson's reading of an explicit null).
fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// A string-valued map whose numbers and booleans are read as their text, as Jackson
/// coerces scalars into a `Map<String, String>`.
fn string_values<'de, D>(deserializer: D) -> Result<BTreeMap<String, String>, D::Error>
where
    D: Deserializer<'de>,
{
    let raw: Option<BTreeMap<String, Value>> = Option::deserialize(deserializer)?;
    raw.unwrap_or_default()
        .into_iter()
        .map(|(key, value)| match value {
            Value::String(s) => Ok((key, s)),
            Value::Number(n) => Ok((key, n.to_string())),
            Value::Bool(b) => Ok((key, b.to_string())),
            other => Err(serde::de::Error::custom(format!(
                "the value of `{key}` must be a string, not {other}"
            ))),
        })
        .collect()
}

#[cfg(test)]
#[path = "contract_tests.rs"]
mod tests;
