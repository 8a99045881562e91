//! Checking a draft schema against a subject at a level the caller picks (the UI's draft
//! check): the compatibility endpoint's path with the level as an input. Nothing is
//! registered.

use super::compatibility::compared_versions;
use super::model::SchemaRequest;
use super::{Caller, Registry, RegistryError};
use crate::domain::{CompatibilityLevel, SubjectName};
use crate::schema::compat::CompatibilityReport;
use crate::store::VersionRecord;

/// The verdict on a draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftCheck {
    /// The level the draft was checked at.
    pub level: CompatibilityLevel,
    /// The live versions the level compared it with, ascending (none for a new subject).
    pub compared: Vec<i32>,
    /// Confluent's messages (empty when compatible).
    pub report: CompatibilityReport,
}

impl Registry {
    /// Checks `request` against the live versions of `subject` that `level` (default: the
    /// subject's effective level) compares. A subject `caller` may not read has no versions.
    ///
    /// # Errors
    /// 42201 when the draft is not a valid schema or the check exceeds its limits; 40402
    /// for a reference to a missing version; 50001 when the store fails.
    pub async fn check_draft(
        &self,
        caller: &Caller,
        subject: &SubjectName,
        request: &SchemaRequest,
        level: Option<CompatibilityLevel>,
    ) -> Result<DraftCheck, RegistryError> {
        request.check_limits(&self.settings.limits)?;
        let versions = self.versions_for(caller, subject).await?;
        let live: Vec<VersionRecord> = versions.into_iter().filter(|v| !v.deleted).collect();
        let parsed = self.parse_new(caller, subject, request, false).await?;
        let config = self.effective_config(Some(subject)).await?;
        let level = level.unwrap_or_else(|| {
            super::effective_level_of(&config, self.settings.default_compatibility)
        });
        let compared: Vec<i32> = compared_versions(level, &live)
            .iter()
            .map(|v| v.version)
            .collect();
        let report = self
            .check_against(
                subject,
                level,
                super::check_options_of(&config),
                &parsed,
                &live,
            )
            .await?;
        Ok(DraftCheck {
            level,
            compared,
            report,
        })
    }
}
