//! Domain types parsed at the edge: the core never re-checks a raw string.

mod compatibility;
mod mode;
mod schema_type;
mod subject;
mod version;

pub use compatibility::{CompatibilityLevel, InvalidCompatibilityLevel};
pub use mode::{InvalidMode, Mode};
pub use schema_type::{SchemaType, UnknownSchemaType};
pub use subject::{DEFAULT_CONTEXT, InvalidSubject, SubjectName};
pub use version::{InvalidVersion, VersionRef};

/// A global schema id (per context), as Confluent issues them: 1, 2, 3, ...
pub type SchemaId = i32;
