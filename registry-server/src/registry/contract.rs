//! A registration's metadata and rule set: validated, inherited from the subject's latest
//! version, merged with the config's defaults and overrides, and stamped with
//! `confluent:version` (data-contracts.md §2.2); and the digest that makes them part of the
//! schema's identity.

use serde_json::{Map, Value};

use super::RegistryError;
use super::model::SchemaRequest;
use crate::domain::contract::{Metadata, RuleSet};
use crate::schema::ParsedSchema;
use crate::schema::identity::{SchemaDigest, SchemaReference};
use crate::store::SchemaRecord;

/// The metadata and rule set a request carries, validated.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Contract {
    pub metadata: Option<Metadata>,
    pub rule_set: Option<RuleSet>,
}

/// The contract parts of an effective config.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct ConfigContract {
    default: Contract,
    overrides: Contract,
}

/// A schema's stored metadata and rule set with the digest they give it.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Stamp {
    pub metadata: Option<Value>,
    pub rule_set: Option<Value>,
    pub hash: String,
}

impl Contract {
    /// The request's metadata and rule set: 400 when either is not the right JSON shape,
    /// 42210 when the rule set breaks a rule of rule sets.
    pub fn of_request(request: &SchemaRequest) -> Result<Self, RegistryError> {
        Self::of_json(request.metadata(), request.rule_set())
    }

    /// A stored schema's (already validated when written; a value stored before these
    /// checks that does not read counts as absent).
    pub fn of_record(record: &SchemaRecord) -> Self {
        Contract {
            metadata: Metadata::from_json(record.metadata.as_ref()).ok().flatten(),
            rule_set: RuleSet::from_json(record.rule_set.as_ref()).ok().flatten(),
        }
    }

    fn of_json(metadata: Option<&Value>, rule_set: Option<&Value>) -> Result<Self, RegistryError> {
        let metadata = Metadata::from_json(metadata)
            .map_err(|e| RegistryError::MalformedRequest(e.to_string()))?;
        let rule_set = RuleSet::from_json(rule_set)
            .map_err(|e| RegistryError::MalformedRequest(e.to_string()))?;
        if let Some(rule_set) = &rule_set {
            rule_set
                .validate()
                .map_err(|e| RegistryError::InvalidRuleSet(e.0))?;
        }
        Ok(Contract { metadata, rule_set })
    }

    /// Whether neither part is present.
    pub fn is_empty(&self) -> bool {
        self.metadata.is_none() && self.rule_set.is_none()
    }

    /// What a new version stores (not in IMPORT): the request's parts, or else the previous
    /// version's, between the config's defaults (which they override) and its overrides
    /// (which override them); `confluent:version` set to `new_version` when the request
    /// named a version or the merged metadata already carries one.
    pub fn merged(
        &self,
        previous: Option<&Contract>,
        config: &ConfigContract,
        version_requested: bool,
        new_version: Option<i32>,
    ) -> Contract {
        let specific_metadata = self
            .metadata
            .clone()
            .or_else(|| previous.and_then(|p| p.metadata.clone()));
        let specific_rules = self
            .rule_set
            .clone()
            .or_else(|| previous.and_then(|p| p.rule_set.clone()));
        let mut metadata = Metadata::merge(
            Metadata::merge(config.default.metadata.clone(), specific_metadata),
            config.overrides.metadata.clone(),
        );
        let rule_set = RuleSet::merge(
            RuleSet::merge(config.default.rule_set.clone(), specific_rules),
            config.overrides.rule_set.clone(),
        );
        if let Some(version) = new_version {
            let stamped = metadata
                .as_ref()
                .is_some_and(|m| m.confluent_version().is_some());
            if version_requested || stamped {
                metadata = Some(metadata.unwrap_or_default().with_confluent_version(version));
            }
        }
        Contract { metadata, rule_set }
    }

    /// The stored form and digest of a schema carrying this contract.
    pub fn stamp(&self, parsed: &ParsedSchema, references: &[SchemaReference]) -> Stamp {
        let metadata = self.metadata.as_ref().map(Metadata::to_json);
        let rule_set = self.rule_set.as_ref().map(RuleSet::to_json);
        let hash = SchemaDigest::compute(
            parsed.identity(),
            references,
            metadata.as_ref(),
            rule_set.as_ref(),
        )
        .to_hex();
        Stamp {
            metadata,
            rule_set,
            hash,
        }
    }

    /// The variants of this contract that make a schema equivalent to a stored version
    /// whose metadata is `theirs`, as Confluent's lookups ignore `confluent:version` when
    /// only one side carries it (a version stamp must then be the stored version's own
    /// number). Empty when both or neither carry one: only equal digests match then.
    pub fn equivalents(&self, theirs: Option<&Metadata>, their_version: i32) -> Vec<Contract> {
        let ours = self.metadata.as_ref().and_then(Metadata::confluent_version);
        let theirs_stamp = theirs.and_then(Metadata::confluent_version);
        match (ours, theirs_stamp) {
            (None, Some(stamp)) => {
                let mut metadata = self.metadata.clone().unwrap_or_default();
                metadata.properties.insert(
                    crate::domain::contract::CONFLUENT_VERSION.to_owned(),
                    stamp.to_owned(),
                );
                vec![Contract {
                    metadata: Some(metadata),
                    rule_set: self.rule_set.clone(),
                }]
            }
            (Some(stamp), None) if stamp == their_version.to_string() => {
                let stripped = self
                    .metadata
                    .clone()
                    .unwrap_or_default()
                    .without_confluent_version();
                let mut variants = vec![];
                if stripped == Metadata::default() {
                    variants.push(Contract {
                        metadata: None,
                        rule_set: self.rule_set.clone(),
                    });
                }
                variants.push(Contract {
                    metadata: Some(stripped),
                    rule_set: self.rule_set.clone(),
                });
                variants
            }
            _ => vec![],
        }
    }
}

impl ConfigContract {
    /// `defaultMetadata`, `overrideMetadata`, `defaultRuleSet` and `overrideRuleSet` of an
    /// effective config (validated when the config was written; one that does not read
    /// counts as absent).
    pub fn of_config(config: &Map<String, Value>) -> Self {
        let metadata = |key| Metadata::from_json(config.get(key)).ok().flatten();
        let rules = |key| RuleSet::from_json(config.get(key)).ok().flatten();
        ConfigContract {
            default: Contract {
                metadata: metadata("defaultMetadata"),
                rule_set: rules("defaultRuleSet"),
            },
            overrides: Contract {
                metadata: metadata("overrideMetadata"),
                rule_set: rules("overrideRuleSet"),
            },
        }
    }

    /// Whether the config names no defaults or overrides (Confluent's register fast path
    /// runs only then).
    pub fn is_empty(&self) -> bool {
        self.default.is_empty() && self.overrides.is_empty()
    }
}

/// The config PUT fields holding metadata and rule sets, checked and stored in their
/// canonical form: 400 for a value of the wrong shape, 42210 for an invalid rule set.
pub(super) fn normalize_config_contracts(
    update: &mut Map<String, Value>,
) -> Result<(), RegistryError> {
    for key in ["defaultMetadata", "overrideMetadata"] {
        if let Some(value) = update.get_mut(key)
            && !value.is_null()
        {
            let metadata = Metadata::from_json(Some(value))
                .map_err(|e| RegistryError::MalformedRequest(format!("{key}: {e}")))?;
            *value = metadata.map_or(Value::Null, |m| m.to_json());
        }
    }
    for key in ["defaultRuleSet", "overrideRuleSet"] {
        if let Some(value) = update.get_mut(key)
            && !value.is_null()
        {
            let contract = Contract::of_json(None, Some(value))?;
            *value = contract.rule_set.map_or(Value::Null, |r| r.to_json());
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "contract_tests.rs"]
mod tests;
