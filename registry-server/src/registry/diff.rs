//! Two versions of a subject compared both ways with the compatibility engine (the UI's
//! diff): what readers of the newer version miss in data of the older (backward) and what
//! readers of the older miss in data of the newer (forward).

use std::sync::Arc;

use super::model::RegisteredSchema;
use super::{Caller, Registry, RegistryError};
use crate::domain::{CompatibilityLevel, SubjectName, VersionRef};
use crate::schema::{Incompatibility, Labels, ParsedSchema, SchemaLimits};

/// Incompatibilities in one direction, or why the engine gave up.
pub type Direction = Result<Vec<Incompatibility>, String>;

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
        let (backward, forward) = self
            .cpu
            .run(move || {
                let one_way = |reader: &Arc<ParsedSchema>, writer: &Arc<ParsedSchema>, labels| {
                    ParsedSchema::try_incompatibilities(
                        reader,
                        writer,
                        labels,
                        policy,
                        &SchemaLimits::default(),
                    )
                    .map_err(|aborted| aborted.message())
                };
                let backward = one_way(
                    &new_parsed,
                    &old_parsed,
                    Labels {
                        reader: "new",
                        writer: "old",
                    },
                );
                let forward = one_way(
                    &old_parsed,
                    &new_parsed,
                    Labels {
                        reader: "old",
                        writer: "new",
                    },
                );
                (backward, forward)
            })
            .await?;
        Ok(VersionComparison {
            old,
            new,
            level,
            backward,
            forward,
        })
    }
}
