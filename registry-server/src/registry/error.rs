//! `RegistryError`: why a use-case refused or failed, in Confluent's vocabulary (its error
//! codes and messages) but without HTTP; the API maps it to a response.

use crate::store::StoreError;

/// A refusal or failure of a registry use-case.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    #[error("Subject '{0}' not found.")]
    SubjectNotFound(String),
    #[error("Version {0} not found.")]
    VersionNotFound(i32),
    #[error("Schema not found")]
    SchemaNotFound,
    /// An id (or guid) that names nothing.
    #[error("Schema {0} not found")]
    SchemaIdNotFound(String),
    #[error("Subject '{0}' was soft deleted.Set permanent=true to delete permanently")]
    SubjectSoftDeleted(String),
    #[error("Subject '{0}' was not deleted first before being permanently deleted")]
    SubjectNotSoftDeleted(String),
    #[error("Subject '{0}' Version {1} was soft deleted.Set permanent=true to delete permanently")]
    VersionSoftDeleted(String, i32),
    #[error("Subject '{0}' Version {1} was not deleted first before being permanently deleted")]
    VersionNotSoftDeleted(String, i32),
    #[error("Subject '{0}' does not have subject-level compatibility configured")]
    SubjectConfigNotFound(String),
    #[error("Subject '{0}' does not have subject-level mode configured")]
    SubjectModeNotFound(String),
    /// The schema breaks the subject's compatibility level; `code` is the configured
    /// `error_code` (409, or 40901 for newer Confluent clients).
    #[error(
        "Schema being registered is incompatible with an earlier schema for subject \"{subject}\", details: [{}]",
        messages.join(", ")
    )]
    Incompatible {
        subject: String,
        messages: Vec<String>,
        code: u32,
    },
    #[error("{0}")]
    InvalidSchema(String),
    #[error("{}", crate::domain::InvalidCompatibilityLevel)]
    InvalidCompatibilityLevel,
    #[error("{0}")]
    InvalidMode(String),
    #[error("{0}")]
    OperationNotPermitted(String),
    #[error(
        "One or more references exist to the schema {{magic=1,keytype=SCHEMA,subject={0},version={1}}}."
    )]
    ReferenceExists(String, i32),
    #[error("{0}")]
    InvalidSubject(String),
    /// A rule set that breaks a rule of rule sets (duplicate or bad name, wrong mode, ...).
    #[error("{0}")]
    InvalidRuleSet(String),
    /// A request field of the wrong JSON type (Confluent's binding refuses it with 400).
    #[error("{0}")]
    MalformedRequest(String),
    /// The database failed; the cause was logged where it happened.
    #[error("Error in the backend datastore")]
    Backend,
    /// A failure of our own (an engine panic, a body that did not render).
    #[error("{0}")]
    Internal(String),
}

impl RegistryError {
    /// Confluent's `error_code` for this error.
    #[must_use]
    pub fn code(&self) -> u32 {
        match self {
            RegistryError::SubjectNotFound(_) => 40401,
            RegistryError::VersionNotFound(_) => 40402,
            RegistryError::SchemaNotFound | RegistryError::SchemaIdNotFound(_) => 40403,
            RegistryError::SubjectSoftDeleted(_) => 40404,
            RegistryError::SubjectNotSoftDeleted(_) => 40405,
            RegistryError::VersionSoftDeleted(..) => 40406,
            RegistryError::VersionNotSoftDeleted(..) => 40407,
            RegistryError::SubjectConfigNotFound(_) => 40408,
            RegistryError::SubjectModeNotFound(_) => 40409,
            RegistryError::Incompatible { code, .. } => *code,
            RegistryError::InvalidSchema(_) => 42201,
            RegistryError::InvalidCompatibilityLevel => 42203,
            RegistryError::InvalidMode(_) => 42204,
            RegistryError::OperationNotPermitted(_) => 42205,
            RegistryError::ReferenceExists(..) => 42206,
            RegistryError::InvalidSubject(_) => 42208,
            RegistryError::InvalidRuleSet(_) => 42210,
            RegistryError::MalformedRequest(_) => 400,
            RegistryError::Backend | RegistryError::Internal(_) => 50001,
        }
    }

    pub fn subject_not_found(subject: &str) -> Self {
        RegistryError::SubjectNotFound(subject.to_owned())
    }
    pub fn version_not_found(version: i32) -> Self {
        RegistryError::VersionNotFound(version)
    }
    pub fn schema_not_found() -> Self {
        RegistryError::SchemaNotFound
    }
    pub fn schema_id_not_found(id: impl std::fmt::Display) -> Self {
        RegistryError::SchemaIdNotFound(id.to_string())
    }
    pub fn subject_soft_deleted(subject: &str) -> Self {
        RegistryError::SubjectSoftDeleted(subject.to_owned())
    }
    pub fn subject_not_soft_deleted(subject: &str) -> Self {
        RegistryError::SubjectNotSoftDeleted(subject.to_owned())
    }
    pub fn version_soft_deleted(subject: &str, version: i32) -> Self {
        RegistryError::VersionSoftDeleted(subject.to_owned(), version)
    }
    pub fn version_not_soft_deleted(subject: &str, version: i32) -> Self {
        RegistryError::VersionNotSoftDeleted(subject.to_owned(), version)
    }
    pub fn subject_config_not_found(subject: &str) -> Self {
        RegistryError::SubjectConfigNotFound(subject.to_owned())
    }
    pub fn subject_mode_not_found(subject: &str) -> Self {
        RegistryError::SubjectModeNotFound(subject.to_owned())
    }
    /// 409 (or the configured code): `messages` as in spec §5.2.
    pub fn incompatible(subject: &str, messages: &[String], code: u32) -> Self {
        RegistryError::Incompatible {
            subject: subject.to_owned(),
            messages: messages.to_vec(),
            code,
        }
    }
    pub fn invalid_schema(message: impl Into<String>) -> Self {
        RegistryError::InvalidSchema(message.into())
    }
    pub fn invalid_compatibility_level() -> Self {
        RegistryError::InvalidCompatibilityLevel
    }
    pub fn invalid_mode(message: impl Into<String>) -> Self {
        RegistryError::InvalidMode(message.into())
    }
    pub fn operation_not_permitted(message: impl Into<String>) -> Self {
        RegistryError::OperationNotPermitted(message.into())
    }
    pub fn reference_exists(subject: &str, version: i32) -> Self {
        RegistryError::ReferenceExists(subject.to_owned(), version)
    }
    /// A store failure: logged here with its cause, answered without internals.
    pub fn store(error: &StoreError) -> Self {
        tracing::error!(error = %error, "store operation failed");
        RegistryError::Backend
    }
}

impl From<StoreError> for RegistryError {
    fn from(error: StoreError) -> Self {
        RegistryError::store(&error)
    }
}
