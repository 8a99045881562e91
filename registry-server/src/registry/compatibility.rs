//! Checking a new schema against the live versions a level compares: the one step that
//! registration (inside its transaction) and the `/compatibility` endpoint share. The check
//! itself runs on the CPU pool.

use std::sync::Arc;

use super::Registry;
use super::RegistryError;
use crate::domain::{CompatibilityLevel, SubjectName};
use crate::schema::compat::{self, CheckOptions, CompatibilityReport, PreviousVersion};
use crate::schema::{ParsedSchema, SchemaLimits};
use crate::store::VersionRecord;

impl Registry {
    /// Checks `new` against the versions of `live` (ascending) that `level` compares: every
    /// one when transitive, else the last. Parsed previous versions come from the cache.
    pub(crate) async fn check_against(
        &self,
        subject: &SubjectName,
        level: CompatibilityLevel,
        options: CheckOptions,
        new: &Arc<ParsedSchema>,
        live: &[VersionRecord],
    ) -> Result<CompatibilityReport, RegistryError> {
        let mut previous = Vec::new();
        for version in compared_versions(level, live) {
            previous.push((
                version.version,
                self.parsed_by_id(subject, &version.context, version.schema_id)
                    .await?,
            ));
        }
        self.check_parsed(level, options, new, previous).await
    }

    /// Checks `new` against parsed previous versions (version number, schema), ascending.
    pub(crate) async fn check_parsed(
        &self,
        level: CompatibilityLevel,
        options: CheckOptions,
        new: &Arc<ParsedSchema>,
        previous: Vec<(i32, Arc<ParsedSchema>)>,
    ) -> Result<CompatibilityReport, RegistryError> {
        if level == CompatibilityLevel::None {
            return Ok(CompatibilityReport::default());
        }
        let schema_type = new.schema_type();
        let new = Arc::clone(new);
        self.cpu
            .run(move || {
                let previous: Vec<PreviousVersion<'_>> = previous
                    .iter()
                    .map(|(version, schema)| PreviousVersion {
                        version: Some(*version),
                        schema: schema.as_ref(),
                    })
                    .collect();
                compat::check_bounded(level, &new, &previous, options, &SchemaLimits::default())
            })
            .await?
            // A check past its limits is refused as an invalid schema, saying which limit.
            .map_err(|aborted| {
                let details = aborted.to_string();
                RegistryError::invalid_schema(super::wrap_schema_error(schema_type, &details))
            })
    }
}

/// The versions of `live` (ascending) that `level` compares a new schema with.
pub(crate) fn compared_versions(
    level: CompatibilityLevel,
    live: &[VersionRecord],
) -> &[VersionRecord] {
    if level == CompatibilityLevel::None {
        &[]
    } else if level.is_transitive() {
        live
    } else {
        live.split_last()
            .map_or(&[][..], |(last, _)| std::slice::from_ref(last))
    }
}
