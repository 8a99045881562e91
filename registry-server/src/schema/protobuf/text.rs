//! `.proto` text into the file model.

use super::ast::ProtoFile;
use crate::schema::SchemaError;

/// Parses `.proto` text. Being written; lands shortly.
///
/// # Errors
/// 42201 `Invalid schema of type PROTOBUF, details: Could not parse Protobuf - ...`.
pub fn parse(text: &str, max_depth: usize) -> Result<ProtoFile, SchemaError> {
    let _ = (text, max_depth);
    Err(SchemaError::new("not yet"))
}
