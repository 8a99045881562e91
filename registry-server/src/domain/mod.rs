//! Domain types parsed at the edge: the core never re-checks a raw string.

mod compatibility;
pub mod contract;
mod mode;
mod page;
mod schema_type;
mod subject;
mod version;

pub use compatibility::{CompatibilityLevel, InvalidCompatibilityLevel};
pub use mode::{InvalidMode, Mode};
pub use page::Page;
pub use schema_type::{SchemaType, UnknownSchemaType};
pub use subject::{
    DEFAULT_CONTEXT, InvalidSubject, MAX_SUBJECT_BYTES, SUBJECT_BYTES_CEILING, SubjectName,
    max_subject_bytes, set_max_subject_bytes,
};
pub use version::{InvalidVersion, VersionRef};

/// A global schema id (per context), as Confluent issues them: 1, 2, 3, ...
pub type SchemaId = i32;

/// Ids kept free above the highest id IMPORT may name, so a context that imported its
/// highest allowed id can still issue this many new ones.
pub const RESERVED_NEW_IDS: SchemaId = 1 << 20;

/// The highest id IMPORT may name: 2^31-1 minus [`RESERVED_NEW_IDS`].
pub const MAX_IMPORTED_ID: SchemaId = SchemaId::MAX - RESERVED_NEW_IDS;
