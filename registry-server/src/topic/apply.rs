//! Writing folded topic state into the registry through its mirror use-cases: the whole
//! state (an import, a follower's start) or only the keys a batch of records touched.

use std::collections::BTreeSet;

use super::fold::{Entry, Folded, Touched};
use super::replay::Warnings;
use crate::domain::SubjectName;
use crate::registry::{Caller, Mirrored, MirroredVersion, Registry};
use crate::schema::identity::SchemaReference;

/// What a write of folded state changed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    /// Versions written (new or changed).
    pub written: u64,
    /// Versions removed.
    pub removed: u64,
    /// Config and mode scopes set or removed (whether or not they changed).
    pub settings: u64,
}

/// The caller the audit trail names for mirrored writes.
#[must_use]
pub fn mirror_caller(topic: &str) -> Caller {
    Caller::new(
        Some(format!("kafka-topic:{topic}").into()),
        None,
        crate::registry::ReadScope::Everyone,
    )
}

/// Writes the whole folded state: every version, config and mode it defines, and removes
/// the versions the store holds that the topic does not.
///
/// # Errors
/// The store fails (a version the registry refuses is a warning, not an error).
pub async fn write_all(
    registry: &Registry,
    caller: &Caller,
    folded: &Folded,
    warnings: &mut Warnings,
) -> anyhow::Result<Applied> {
    let mut touched: Vec<Touched> = registry
        .mirrored_versions()
        .await
        .map_err(|e| anyhow::anyhow!("listing the registry's versions: {e}"))?
        .into_iter()
        .map(|(s, v)| Touched::Version(s, v))
        .collect();
    touched.extend(
        folded
            .versions()
            .map(|(s, v, _)| Touched::Version(s.to_owned(), v)),
    );
    touched.extend(folded.configs().map(|(s, _)| Touched::Config(s.to_owned())));
    touched.extend(folded.modes().map(|(s, _)| Touched::Mode(s.to_owned())));
    write_touched(registry, caller, folded, touched, warnings).await
}

/// Writes the current folded state of each touched key: versions the topic defines
/// (referenced ones first), then removals (highest version first), then configs and modes.
///
/// # Errors
/// The store fails.
pub async fn write_touched(
    registry: &Registry,
    caller: &Caller,
    folded: &Folded,
    touched: Vec<Touched>,
    warnings: &mut Warnings,
) -> anyhow::Result<Applied> {
    let touched: BTreeSet<Touched> = touched.into_iter().collect();
    let mut applied = Applied::default();
    let mut present = Vec::new();
    let mut absent = Vec::new();
    for key in &touched {
        if let Touched::Version(subject, version) = key {
            if folded.version(subject, *version).is_some() {
                present.push((subject.clone(), *version));
            } else {
                absent.push((subject.clone(), *version));
            }
        }
    }
    for (subject, version) in folded.ordered(&present) {
        let Some(entry) = folded.version(&subject, version) else {
            continue;
        };
        let mirrored = match mirrored_version(&subject, version, entry) {
            Ok(mirrored) => mirrored,
            Err(reason) => {
                warnings.push(format!("{subject} version {version}: {reason}"));
                continue;
            }
        };
        match registry.mirror_version(caller, &mirrored).await {
            Ok(Mirrored::Written) => applied.written += 1,
            Ok(Mirrored::Unchanged) => {}
            Err(e) if e.code() >= 50000 => {
                anyhow::bail!("writing {subject} version {version}: {e}")
            }
            Err(e) => warnings.push(format!(
                "{subject} version {version} (id {}): {e}",
                entry.value.id
            )),
        }
    }
    absent.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    for (subject, version) in absent {
        let Ok(name) = SubjectName::parse_lenient(&subject) else {
            continue;
        };
        if registry
            .mirror_remove_version(caller, &name, version)
            .await
            .map_err(|e| anyhow::anyhow!("removing {subject} version {version}: {e}"))?
        {
            applied.removed += 1;
        }
    }
    for key in &touched {
        let result = match key {
            Touched::Version(..) => continue,
            Touched::Config(scope) => {
                registry
                    .mirror_config(caller, scope, folded.config(scope))
                    .await
            }
            Touched::Mode(scope) => {
                registry
                    .mirror_mode(caller, scope, folded.mode(scope))
                    .await
            }
        };
        result.map_err(|e| anyhow::anyhow!("writing the settings of {key:?}: {e}"))?;
        applied.settings += 1;
    }
    Ok(applied)
}

/// A folded version as the registry's mirror use-case takes it.
fn mirrored_version(subject: &str, version: i32, entry: &Entry) -> Result<MirroredVersion, String> {
    let value = &entry.value;
    Ok(MirroredVersion {
        subject: SubjectName::parse(subject).map_err(|e| e.to_string())?,
        version,
        id: value.id,
        schema_type: value
            .schema_type
            .parse()
            .map_err(|_| format!("unknown schemaType {:?}", value.schema_type))?,
        schema: value.schema.clone(),
        references: value
            .references
            .iter()
            .map(|r| SchemaReference {
                name: r.name.clone(),
                subject: r.subject.clone(),
                version: r.version,
            })
            .collect(),
        metadata: value.metadata.clone(),
        rule_set: value.rule_set.clone(),
        deleted: value.deleted,
        created_at: entry.timestamp,
    })
}
