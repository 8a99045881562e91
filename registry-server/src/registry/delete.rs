//! Soft and permanent deletes of versions and subjects (spec §4.5).
//!
//! A soft delete marks versions deleted; they keep their numbers, their ids stay readable,
//! and they leave `latest` and compatibility checks. A permanent delete removes records that
//! were soft-deleted first. Referenced versions cannot be deleted (42206); removing a
//! subject's last record also removes its config and mode.

use super::RegistryError;
use super::{Caller, Registry, WriteError, with_retries};
use crate::domain::{SubjectName, VersionRef};
use crate::store::{Event, VersionRecord, WriteTx};

impl Registry {
    /// `DELETE /subjects/{subject}/versions/{version}`: answers the version deleted. A
    /// subject `caller` may not read is missing (nothing is deleted).
    pub async fn delete_version(
        &self,
        caller: &Caller,
        subject: &SubjectName,
        version: VersionRef,
        permanent: bool,
    ) -> Result<i32, RegistryError> {
        let deleted = with_retries(|| async {
            let mut tx = self.store.begin_write(&[subject.as_str()]).await?;
            self.ensure_writable_in_tx(&mut *tx, Some(subject)).await?;
            let versions = visible_in_tx(&mut *tx, caller, subject).await?;
            let target = pick_for_delete(subject, &versions, version, permanent)?;
            let referrers = tx.referrers(subject.as_str(), target.version).await?;
            if permanent {
                if !target.deleted {
                    return Err(RegistryError::version_not_soft_deleted(
                        subject.as_str(),
                        target.version,
                    )
                    .into());
                }
                if !referrers.is_empty() {
                    return Err(
                        RegistryError::reference_exists(subject.as_str(), target.version).into(),
                    );
                }
                tx.remove_version(subject.as_str(), target.version).await?;
                if versions.len() == 1 {
                    remove_subject_settings(&mut *tx, subject).await?;
                }
            } else {
                if target.deleted {
                    return Err(RegistryError::version_soft_deleted(
                        subject.as_str(),
                        target.version,
                    )
                    .into());
                }
                if referrers.iter().any(|r| !r.all_deleted) {
                    return Err(
                        RegistryError::reference_exists(subject.as_str(), target.version).into(),
                    );
                }
                tx.mark_deleted(subject.as_str(), target.version).await?;
            }
            let event = event(caller, subject, Some(target), permanent);
            tx.append_event(&event).await?;
            tx.commit().await?;
            Ok::<_, WriteError>((target.version, event))
        })
        .await?;
        let (version, event) = deleted;
        self.committed(&event).await;
        Ok(version)
    }

    /// `DELETE /subjects/{subject}`: answers the versions deleted, ascending. A subject
    /// `caller` may not read is missing (nothing is deleted).
    pub async fn delete_subject(
        &self,
        caller: &Caller,
        subject: &SubjectName,
        permanent: bool,
    ) -> Result<Vec<i32>, RegistryError> {
        let removed = with_retries(|| async {
            let mut tx = self.store.begin_write(&[subject.as_str()]).await?;
            self.ensure_writable_in_tx(&mut *tx, Some(subject)).await?;
            let versions = visible_in_tx(&mut *tx, caller, subject).await?;
            if versions.is_empty() {
                return Err(RegistryError::subject_not_found(subject.as_str()).into());
            }
            let live: Vec<&VersionRecord> = versions.iter().filter(|v| !v.deleted).collect();
            let targets: Vec<&VersionRecord> = if permanent {
                if !live.is_empty() {
                    return Err(RegistryError::subject_not_soft_deleted(subject.as_str()).into());
                }
                versions.iter().collect()
            } else {
                if live.is_empty() {
                    return Err(RegistryError::subject_soft_deleted(subject.as_str()).into());
                }
                live
            };
            for target in &targets {
                let referrers = tx.referrers(subject.as_str(), target.version).await?;
                let blocking = if permanent {
                    !referrers.is_empty()
                } else {
                    referrers.iter().any(|r| !r.all_deleted)
                };
                if blocking {
                    return Err(
                        RegistryError::reference_exists(subject.as_str(), target.version).into(),
                    );
                }
            }
            for target in targets.iter().rev() {
                if permanent {
                    tx.remove_version(subject.as_str(), target.version).await?;
                } else {
                    tx.mark_deleted(subject.as_str(), target.version).await?;
                }
            }
            if permanent {
                remove_subject_settings(&mut *tx, subject).await?;
            }
            let event = event(caller, subject, None, permanent);
            tx.append_event(&event).await?;
            tx.commit().await?;
            let versions: Vec<i32> = targets.iter().map(|v| v.version).collect();
            Ok::<_, WriteError>((versions, event))
        })
        .await?;
        let (versions, event) = removed;
        self.committed(&event).await;
        Ok(versions)
    }
}

/// The version a delete targets: `latest` is the highest live version.
fn pick_for_delete<'a>(
    subject: &SubjectName,
    versions: &'a [VersionRecord],
    version: VersionRef,
    permanent: bool,
) -> Result<&'a VersionRecord, RegistryError> {
    if versions.is_empty() {
        return Err(RegistryError::subject_not_found(subject.as_str()));
    }
    let found = match version {
        VersionRef::Latest => versions.iter().rev().find(|v| !v.deleted),
        VersionRef::Number(n) => versions.iter().find(|v| v.version == n),
    };
    match found {
        Some(record) => Ok(record),
        None if version == VersionRef::Latest && !permanent => {
            Err(RegistryError::subject_not_found(subject.as_str()))
        }
        None => Err(RegistryError::version_not_found(version.as_number())),
    }
}

/// The versions of `subject` as the transaction sees them; none when `caller` may not read it.
async fn visible_in_tx(
    tx: &mut dyn WriteTx,
    caller: &Caller,
    subject: &SubjectName,
) -> Result<Vec<VersionRecord>, WriteError> {
    if !caller.may_read(subject.as_str()) {
        return Ok(Vec::new());
    }
    Ok(tx.versions(subject.as_str()).await?)
}

async fn remove_subject_settings(
    tx: &mut dyn WriteTx,
    subject: &SubjectName,
) -> Result<(), WriteError> {
    tx.delete_config(subject.as_str()).await?;
    tx.delete_mode(subject.as_str()).await?;
    Ok(())
}

fn event(
    caller: &Caller,
    subject: &SubjectName,
    version: Option<&VersionRecord>,
    permanent: bool,
) -> Event {
    let kind = match (version.is_some(), permanent) {
        (true, false) => "soft_delete_version",
        (true, true) => "hard_delete_version",
        (false, false) => "soft_delete_subject",
        (false, true) => "hard_delete_subject",
    };
    super::audit::event(
        caller,
        kind,
        Some(subject.as_str().to_owned()),
        version.map(|v| v.version),
        Some(subject.context().to_owned()),
        version.map(|v| v.schema_id),
    )
}
