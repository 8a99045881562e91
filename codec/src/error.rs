//! The crate's one error type, keeping Confluent's `error_code` when the registry sent one.

use crate::protobuf::ProtobufError;
use crate::rules::RuleFailure;
use crate::wire::WireError;

/// Result alias used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong while talking to a registry or encoding/decoding a message.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The bytes are not Confluent-framed.
    #[error(transparent)]
    Wire(#[from] WireError),
    /// The registry answered with an error status (body `{"error_code": N, "message": "…"}`).
    #[error("registry error {status}{}: {message}", error_code.map(|c| format!(" (error_code {c})")).unwrap_or_default())]
    Registry {
        /// HTTP status
        status: u16,
        /// Confluent's `error_code`, when the body carried one (e.g. 40403 schema not found)
        error_code: Option<i32>,
        /// the registry's message, or the raw body
        message: String,
    },
    /// No registry answered: connection refused, timeout, every URL failed.
    #[error("registry unreachable: {0}")]
    Transport(String),
    /// A schema text that does not parse, or a schema of the wrong type for this codec.
    #[error("invalid schema: {0}")]
    Schema(String),
    /// The value does not fit the schema while encoding.
    #[error("serialization failed: {0}")]
    Serialize(String),
    /// The payload does not decode with its writer schema into the requested type.
    #[error("deserialization failed: {0}")]
    Deserialize(String),
    /// JSON Schema validation of a value failed.
    #[error("validation failed: {0}")]
    Validation(String),
    /// Protobuf framing or message-type problems (message indexes).
    #[error(transparent)]
    Protobuf(#[from] ProtobufError),
    /// A data-contract rule refused the message; [`crate::rules::RuleFailure::action`] says
    /// whether to route it to a dead-letter topic.
    #[error("{0}")]
    Rule(Box<RuleFailure>),
    /// A serializer or client configuration that cannot work.
    #[error("invalid configuration: {0}")]
    Config(String),
}

impl Error {
    /// Confluent's `error_code` when the registry sent one.
    pub fn error_code(&self) -> Option<i32> {
        match self {
            Error::Registry { error_code, .. } => *error_code,
            _ => None,
        }
    }

    /// The rule failure, when a data-contract rule refused the message.
    pub fn rule_failure(&self) -> Option<&RuleFailure> {
        match self {
            Error::Rule(f) => Some(f),
            _ => None,
        }
    }

    /// HTTP status of a registry error.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Registry { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// True for 40401 (subject not found), 40402 (version not found) and 40403 (schema not found).
    pub fn is_not_found(&self) -> bool {
        matches!(self.error_code(), Some(40401..=40403)) || self.status() == Some(404)
    }
}
