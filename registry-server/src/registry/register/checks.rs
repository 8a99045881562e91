//! The checks a registration makes inside its transaction: compatibility with the live
//! versions the level names (within its `compatibilityGroup`), Confluent's reserved-field
//! checks, and the new version's data contract as the transaction sees the subject.

use super::{Foreseen, Policy, Prepared};
use crate::domain::SubjectName;
use crate::registry::contract::{ConfigContract, Contract, Stamp};
use crate::registry::{Registry, RegistryError, WriteError};
use crate::schema::ParsedSchema;
use crate::store::{VersionRecord, WriteTx};

impl Registry {
    /// 409 unless the new schema is compatible with the live versions the level names
    /// (those of its `compatibilityGroup` only, when the config names one) and, with
    /// `validateFields`, keeps the reserved fields of the latest version and declares none
    /// of its own.
    ///
    /// Previous versions are read through the transaction: one registered earlier in the
    /// same SQLite group-commit batch is not visible to the pool yet. Only parses of
    /// committed rows come from (and go to) the cache.
    pub(super) async fn check_against_live(
        &self,
        tx: &mut dyn WriteTx,
        subject: &SubjectName,
        input: CompatibilityInput<'_>,
        prepared: &Prepared,
        policy: Policy,
    ) -> Result<(), WriteError> {
        if !policy.checks_anything() {
            return Ok(());
        }
        let mut messages = if policy.options.validate_fields {
            let latest = match input.live.last() {
                Some(v) => Some(contract_of_version(tx, v).await?),
                None => None,
            };
            reserved_field_messages(&prepared.parsed, input.contract, latest.as_ref())
        } else {
            Vec::new()
        };
        let live = match input.group {
            Some(group) => {
                let ours = group_value(input.contract, group);
                let mut same_group = Vec::new();
                for version in input.live {
                    if group_value(&contract_of_version(tx, version).await?, group) == ours {
                        same_group.push(version.clone());
                    }
                }
                same_group
            }
            None => input.live.to_vec(),
        };
        let mut previous = Vec::new();
        for version in crate::registry::compatibility::compared_versions(policy.level, &live) {
            let key = (version.context.clone(), version.schema_id);
            let parsed = match self.cached_parse(&key) {
                Some(parsed) => parsed,
                None => {
                    let record = tx
                        .schema(&version.context, version.schema_id)
                        .await?
                        .ok_or_else(|| RegistryError::schema_id_not_found(version.schema_id))?;
                    self.parse_record(subject, &record).await?
                }
            };
            previous.push((version.version, parsed));
        }
        let report = self
            .check_parsed(policy.level, policy.options, &prepared.parsed, previous)
            .await?;
        if report.is_compatible() && messages.is_empty() {
            return Ok(());
        }
        if report.is_compatible() {
            messages.push(format!(
                "{{validateFields: 'true', compatibility: '{}'}}",
                policy.level
            ));
        } else {
            messages.extend(report.messages);
        }
        Err(RegistryError::incompatible(
            subject.as_str(),
            &messages,
            self.settings.incompatible_error_code,
        )
        .into())
    }
}

/// What the new version is checked against, and with which contract.
pub(super) struct CompatibilityInput<'a> {
    /// The subject's live versions (all, or the latest only when the level and the absence
    /// of a group need no more), oldest first.
    pub live: &'a [VersionRecord],
    /// The new version's metadata and rule set.
    pub contract: &'a Contract,
    /// The config's `compatibilityGroup`.
    pub group: Option<&'a str>,
}

/// The config's `compatibilityGroup`: a metadata property whose value splits a subject
/// into groups checked separately.
pub(super) fn compatibility_group(
    config: &serde_json::Map<String, serde_json::Value>,
) -> Option<String> {
    config
        .get("compatibilityGroup")
        .and_then(serde_json::Value::as_str)
        .filter(|g| !g.is_empty())
        .map(str::to_owned)
}

fn group_value<'c>(contract: &'c Contract, group: &str) -> Option<&'c str> {
    contract
        .metadata
        .as_ref()
        .and_then(|m| m.properties.get(group))
        .map(String::as_str)
}

/// The stored contract of a version, read through the transaction.
async fn contract_of_version(
    tx: &mut dyn WriteTx,
    version: &VersionRecord,
) -> Result<Contract, WriteError> {
    let record = tx
        .schema(&version.context, version.schema_id)
        .await?
        .ok_or_else(|| RegistryError::schema_id_not_found(version.schema_id))?;
    Ok(Contract::of_record(&record))
}

/// Confluent's reserved-field checks: a reserved field of the latest version's metadata
/// must stay reserved, and no reserved name may be a top-level field.
fn reserved_field_messages(
    parsed: &ParsedSchema,
    ours: &Contract,
    latest: Option<&Contract>,
) -> Vec<String> {
    let reserved = |c: &Contract| {
        c.metadata
            .as_ref()
            .map(|m| m.reserved_fields())
            .unwrap_or_default()
    };
    let current = reserved(ours);
    let mut messages: Vec<String> = latest
        .map(reserved)
        .unwrap_or_default()
        .difference(&current)
        .map(|field| {
            format!(
                "The new schema has reserved field {field} removed from its metadata which is present in the old schema's metadata."
            )
        })
        .collect();
    messages.extend(
        current
            .iter()
            .filter(|f| parsed.has_top_level_field(f))
            .map(|field| {
                format!("The new schema has field that conflicts with the reserved field {field}.")
            }),
    );
    messages
}

/// The contract and stamp of the new version as the transaction sees the subject: the
/// foreseen ones when the latest live version, the config and the next version number
/// are as the pool saw them, else derived again.
pub(super) async fn contract_in_tx(
    tx: &mut dyn WriteTx,
    prepared: &Prepared,
    foreseen: &Foreseen,
    config: &ConfigContract,
    latest: Option<&VersionRecord>,
    next: Option<i32>,
) -> Result<(Contract, Stamp), WriteError> {
    let latest_key = latest.map(|v| (v.context.clone(), v.schema_id));
    let previous = match (&foreseen.previous, latest) {
        (Some((key, contract)), _) if Some(key) == latest_key.as_ref() => Some(contract.clone()),
        (_, Some(version)) => Some(contract_of_version(tx, version).await?),
        (_, None) => None,
    };
    let contract = prepared.contract.merged(
        previous.as_ref(),
        config,
        prepared.requested_version.is_some(),
        next,
    );
    if contract == foreseen.contract {
        return Ok((contract, foreseen.stamp.clone()));
    }
    let stamp = contract.stamp(&prepared.parsed, &prepared.references);
    Ok((contract, stamp))
}
