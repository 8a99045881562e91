//! Domain types parsed at the edge: the core never re-checks a raw string.

mod compatibility;
mod mode;
mod schema_type;
mod subject;
mod version;

pub use compatibility::CompatibilityLevel;
pub use mode::Mode;
pub use schema_type::SchemaType;
pub use subject::{DEFAULT_CONTEXT, SubjectName};
pub use version::VersionRef;

/// A global schema id (per context), as Confluent issues them: 1, 2, 3, ...
pub type SchemaId = i32;
