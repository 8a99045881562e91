//! Two versions of a subject compared both ways with the compatibility engine (the UI's
//! diff): what readers of the newer version miss in data of the older (backward) and what
//! readers of the older miss in data of the newer (forward).

use super::model::RegisteredSchema;
use super::{Caller, Registry, RegistryError};
use crate::domain::{CompatibilityLevel, SubjectName, VersionRef};
use crate::schema::explain::{self, Change, Explanation};
use crate::schema::{Labels, ParsedSchema, SchemaLimits};

/// Incompatibilities in one direction, explained, or why the engine gave up.
pub type Direction = Result<Vec<Explanation>, String>;

/// Two versions and their incompatibilities.
#[derive(Debug, Clone)]
pub struct VersionComparison {
    pub old: RegisteredSchema,
    pub new: RegisteredSchema,
    /// The subject's effective level (which directions it requires).
    pub level: CompatibilityLevel,
    /// `new` reading data written with `old`.
    pub backward: Direction,
    /// `old` reading data written with `new`.
    pub forward: Direction,
    /// The declarations added, removed and changed from `old` to `new`.
    pub changes: Vec<Change>,
}

impl Registry {
    /// Compares versions `old` and `new` of `subject` (soft-deleted ones included), under
    /// the subject's compatibility policy; `level` is the subject's effective level.
    ///
    /// # Errors
    /// 40401/40402 when the subject or a version is missing (or hidden from `caller`);
    /// 50001 when the store fails.
    pub async fn compare_versions(
        &self,
        caller: &Caller,
        subject: &SubjectName,
        old: i32,
        new: i32,
    ) -> Result<VersionComparison, RegistryError> {
        let old = self
            .get_version(caller, subject, VersionRef::Number(old), true)
            .await?;
        let new = self
            .get_version(caller, subject, VersionRef::Number(new), true)
            .await?;
        let old_parsed = self
            .parsed_by_id(subject, subject.context(), old.id)
            .await?;
        let new_parsed = self
            .parsed_by_id(subject, subject.context(), new.id)
            .await?;
        let config = self.effective_config(Some(subject)).await?;
        let level = super::effective_level_of(&config, self.settings.default_compatibility);
        let policy = super::check_options_of(&config).policy;
        let (backward, forward, changes) = self
            .cpu
            .run(move || {
                let one_way = |direction: explain::Direction, labels| {
                    let (reader, writer) = match direction {
                        explain::Direction::Backward => (&new_parsed, &old_parsed),
                        explain::Direction::Forward => (&old_parsed, &new_parsed),
                    };
                    ParsedSchema::try_incompatibilities(
                        reader,
                        writer,
                        labels,
                        policy,
                        &SchemaLimits::default(),
                    )
                    .map(|found| {
                        explain::explain_found(&old_parsed, &new_parsed, direction, &found)
                    })
                    .map_err(|aborted| aborted.message())
                };
                let backward = one_way(
                    explain::Direction::Backward,
                    Labels {
                        reader: "new",
                        writer: "old",
                    },
                );
                let forward = one_way(
                    explain::Direction::Forward,
                    Labels {
                        reader: "old",
                        writer: "new",
                    },
                );
                let changes = explain::diff(&old_parsed, &new_parsed);
                (backward, forward, changes)
            })
            .await?;
        Ok(VersionComparison {
            old,
            new,
            level,
            backward,
            forward,
            changes,
        })
    }
}
