//! What a registration makes of the subject as the pool saw it before its transaction:
//! the fast path's answer and the contract the new version would store.

use super::super::contract::{ConfigContract, Contract};
use super::super::model::RegisteredSchema;
use super::{Foreseen, Prepared};
use crate::store::{SchemaRecord, VersionRecord};

/// Whether live version `v` answers the request: it names neither id nor version, or the
/// ones `v` has.
pub(super) fn answers_request(v: &VersionRecord, prepared: &Prepared) -> bool {
    !v.deleted
        && prepared.requested_id.is_none_or(|id| id == v.schema_id)
        && prepared.requested_version.is_none_or(|n| n == v.version)
}

/// The fast path: the newest version in `view` holding the schema with digest `hash` that
/// answers the request.
pub(super) fn registered_in(
    view: &[(VersionRecord, Option<SchemaRecord>)],
    prepared: &Prepared,
    hash: &str,
) -> Option<RegisteredSchema> {
    view.iter().rev().find_map(|(v, schema)| {
        let schema = schema.as_ref().filter(|s| s.hash == hash)?;
        answers_request(v, prepared).then(|| RegisteredSchema::from_version(v, schema.clone()))
    })
}

/// The contract the new version would store, from the latest live version in `view` and
/// the config, as the pool saw them.
pub(super) fn foresee_contract(
    view: &[(VersionRecord, Option<SchemaRecord>)],
    prepared: &Prepared,
    config: &ConfigContract,
) -> Foreseen {
    let next = view
        .iter()
        .map(|(v, _)| v.version)
        .max()
        .unwrap_or(0)
        .checked_add(1);
    let previous = view
        .iter()
        .rev()
        .find(|(v, _)| !v.deleted)
        .and_then(|(live, schema)| {
            let record = schema.as_ref()?;
            Some((
                (live.context.clone(), live.schema_id),
                Contract::of_record(record),
            ))
        });
    let contract = prepared.contract.merged(
        previous.as_ref().map(|(_, c)| c),
        config,
        prepared.requested_version.is_some(),
        next,
    );
    let stamp = contract.stamp(&prepared.parsed, &prepared.references);
    Foreseen {
        previous,
        contract,
        stamp,
    }
}
