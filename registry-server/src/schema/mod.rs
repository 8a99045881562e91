//! Pure schema handling: parsing, canonical form, identity and compatibility. No I/O.
//!
//! The registry hands an engine the submitted text plus the texts its references resolve
//! to ([`Dependency`]); the engine answers with a [`ParsedSchema`] whose [`canonical`]
//! string is what gets stored, hashed and returned. Compatibility is asked of a pair
//! (reader, writer) and answers every [`Incompatibility`] found; [`compat`] applies the
//! seven levels and renders Confluent's message list.
//!
//! [`canonical`]: ParsedSchema::canonical

pub mod avro;
pub mod compat;
pub mod decode;
pub mod explain;
pub mod format;
pub mod identity;
pub mod json;
pub mod limits;
pub mod protobuf;

use crate::domain::SchemaType;
pub use limits::{CheckAborted, SchemaLimits};

/// A referenced schema, already fetched by the registry.
///
/// `name` is how the referring schema names it (an Avro full name, a JSON Schema `$ref`
/// URL); `schema` is the referenced version's stored text. Dependencies are handed over in
/// dependency order: a schema's own references come before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    pub name: String,
    pub schema: String,
}

/// How strictly to parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ParseOptions {
    /// New-schema validation (Confluent's `schema.validate.new.schemas`); for Avro, the
    /// strict checks (default values matching their types, ASCII names) run only together
    /// with `normalize`, as in Confluent 7.9. Off for IMPORT and for stored schemas, which
    /// are never re-validated.
    pub validate: bool,
    /// Confluent's `normalize=true`: the canonical string becomes the normalized one.
    pub normalize: bool,
}

/// The labels Confluent puts in messages for the two sides of a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Labels<'a> {
    /// The side that must read the other's data (`new` when checking backward).
    pub reader: &'a str,
    /// The side whose data is read (`old` when checking backward).
    pub writer: &'a str,
}

/// One incompatibility between a reader and a writer schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incompatibility {
    /// Confluent's difference type, e.g. `READER_FIELD_MISSING_DEFAULT_VALUE`, `TYPE_CHANGED`.
    pub kind: String,
    /// Where it is: a JSON pointer for Avro (`/fields/1`), a `#/...` path for JSON Schema.
    pub path: String,
    /// The rendered message exactly as Confluent lists it in a 409 body / verbose response.
    pub message: String,
}

/// Why a schema was refused (42201).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SchemaError {
    pub message: String,
}

impl SchemaError {
    pub fn new(message: impl Into<String>) -> Self {
        SchemaError {
            message: message.into(),
        }
    }
}

/// A schema parsed by its engine, immutable and cheap to share.
#[derive(Debug, Clone)]
pub enum ParsedSchema {
    Avro(avro::AvroSchema),
    Json(json::JsonSchema),
    Protobuf(protobuf::ProtobufSchema),
}

impl ParsedSchema {
    /// Parses `text` of type `schema_type`, resolving references through `dependencies`.
    ///
    /// # Errors
    /// [`SchemaError`] with Confluent's 42201 message when the text is not a valid schema
    /// of that type.
    pub fn parse(
        schema_type: SchemaType,
        text: &str,
        dependencies: &[Dependency],
        options: ParseOptions,
    ) -> Result<Self, SchemaError> {
        Self::parse_limited(
            schema_type,
            text,
            dependencies,
            options,
            &SchemaLimits::default(),
        )
    }

    /// [`ParsedSchema::parse`] under explicit `limits` ([`ParsedSchema::parse`] uses the
    /// defaults, which are safe for any input).
    ///
    /// # Errors
    /// As [`ParsedSchema::parse`], and a 42201 message naming the limit (`... details:
    /// nesting deeper than 256 levels`) when the schema nests past `limits.max_depth`.
    pub fn parse_limited(
        schema_type: SchemaType,
        text: &str,
        dependencies: &[Dependency],
        options: ParseOptions,
        limits: &SchemaLimits,
    ) -> Result<Self, SchemaError> {
        match schema_type {
            SchemaType::Avro => {
                avro::AvroSchema::parse_limited(text, dependencies, options, limits).map(Self::Avro)
            }
            SchemaType::Json => {
                json::JsonSchema::parse_limited(text, dependencies, options, limits).map(Self::Json)
            }
            SchemaType::Protobuf => {
                protobuf::ProtobufSchema::parse_limited(text, dependencies, options, limits)
                    .map(Self::Protobuf)
            }
        }
    }

    #[must_use]
    pub fn schema_type(&self) -> SchemaType {
        match self {
            ParsedSchema::Avro(_) => SchemaType::Avro,
            ParsedSchema::Json(_) => SchemaType::Json,
            ParsedSchema::Protobuf(_) => SchemaType::Protobuf,
        }
    }

    /// The text to store, hash and return (normalized when parsed with `normalize`).
    #[must_use]
    pub fn canonical(&self) -> &str {
        match self {
            ParsedSchema::Avro(schema) => schema.canonical(),
            ParsedSchema::Json(schema) => schema.canonical(),
            ParsedSchema::Protobuf(schema) => schema.canonical(),
        }
    }

    /// The text whose digest identifies the schema: the canonical text, except for
    /// Protobuf, where the `.proto` text and the descriptor form of one schema must be one.
    #[must_use]
    pub fn identity(&self) -> &str {
        match self {
            ParsedSchema::Protobuf(schema) => schema.identity(),
            other => other.canonical(),
        }
    }

    /// Whether the schema's top level declares a field named `name` (an Avro record's
    /// field, a JSON Schema root `properties` key, a field of a top-level Protobuf message):
    /// what a reserved field name may not be (`validateFields`).
    #[must_use]
    pub fn has_top_level_field(&self, name: &str) -> bool {
        match self {
            ParsedSchema::Avro(schema) => {
                let root: serde_json::Value =
                    serde_json::from_str(schema.canonical()).unwrap_or_default();
                root.get("type").and_then(serde_json::Value::as_str) == Some("record")
                    && root
                        .get("fields")
                        .and_then(serde_json::Value::as_array)
                        .is_some_and(|fields| {
                            fields.iter().any(|f| {
                                f.get("name").and_then(serde_json::Value::as_str) == Some(name)
                            })
                        })
            }
            ParsedSchema::Json(schema) => {
                let root: serde_json::Value =
                    serde_json::from_str(schema.canonical()).unwrap_or_default();
                root.get("properties")
                    .and_then(serde_json::Value::as_object)
                    .is_some_and(|properties| properties.contains_key(name))
            }
            ParsedSchema::Protobuf(schema) => schema.file().messages.iter().any(|message| {
                message.fields.iter().any(|f| f.name == name)
                    || message
                        .oneofs
                        .iter()
                        .any(|o| o.fields.iter().any(|f| f.name == name))
            }),
        }
    }

    /// The text with referenced schemas inlined (Avro); the canonical text otherwise.
    #[must_use]
    pub fn resolved(&self) -> &str {
        match self {
            ParsedSchema::Avro(schema) => schema.resolved(),
            ParsedSchema::Json(schema) => schema.canonical(),
            ParsedSchema::Protobuf(schema) => schema.canonical(),
        }
    }

    /// This schema rendered in `format`, or `None` when `format` leaves it as stored.
    ///
    /// # Errors
    /// [`SchemaError`] when the rendering needs something the schema lacks (a Protobuf type
    /// that resolves nowhere cannot be serialized).
    pub fn formatted(&self, format: format::SchemaFormat) -> Result<Option<String>, SchemaError> {
        if !format.applies_to(self.schema_type()) {
            return Ok(None);
        }
        match self {
            ParsedSchema::Avro(schema) => Ok(Some(schema.resolved().to_owned())),
            ParsedSchema::Json(_) => Ok(None),
            ParsedSchema::Protobuf(schema) => schema.formatted(format),
        }
    }

    /// Every incompatibility met when `reader` reads data written with `writer`.
    ///
    /// Two schemas of different types are never compatible; [`compat`] reports that case
    /// with Confluent's own message before it gets here.
    #[must_use]
    pub fn incompatibilities(
        reader: &Self,
        writer: &Self,
        labels: Labels<'_>,
    ) -> Vec<Incompatibility> {
        Self::incompatibilities_with_policy(reader, writer, labels, json::Policy::Strict)
    }

    /// [`ParsedSchema::incompatibilities`] under Confluent's `compatibilityPolicy` (LENIENT
    /// widens what JSON Schema accepts; Avro has one rule set).
    ///
    /// Runs under the default [`SchemaLimits`]; a check past them lists one incompatibility
    /// saying so, so it never reads as compatible ([`ParsedSchema::try_incompatibilities`]
    /// returns the error itself).
    #[must_use]
    pub fn incompatibilities_with_policy(
        reader: &Self,
        writer: &Self,
        labels: Labels<'_>,
        policy: json::Policy,
    ) -> Vec<Incompatibility> {
        Self::try_incompatibilities(reader, writer, labels, policy, &SchemaLimits::default())
            .unwrap_or_else(|aborted| vec![aborted_incompatibility(&aborted)])
    }

    /// [`ParsedSchema::incompatibilities_with_policy`] under `limits`.
    ///
    /// # Errors
    /// [`CheckAborted`] when the check exceeds the step budget, the combined-schema pair cap,
    /// the time limit or the nesting limit.
    pub fn try_incompatibilities(
        reader: &Self,
        writer: &Self,
        labels: Labels<'_>,
        policy: json::Policy,
        limits: &SchemaLimits,
    ) -> Result<Vec<Incompatibility>, CheckAborted> {
        match (reader, writer) {
            (ParsedSchema::Avro(r), ParsedSchema::Avro(w)) => {
                avro::try_incompatibilities(r, w, labels, limits)
            }
            (ParsedSchema::Json(r), ParsedSchema::Json(w)) => {
                json::try_incompatibilities(r, w, labels, policy, limits)
            }
            (ParsedSchema::Protobuf(r), ParsedSchema::Protobuf(w)) => {
                protobuf::try_incompatibilities(r, w, labels, limits)
            }
            _ => Ok(vec![Incompatibility {
                kind: "TYPE_MISMATCH".to_owned(),
                path: "/".to_owned(),
                message: compat::DIFFERENT_SCHEMA_TYPE.to_owned(),
            }]),
        }
    }
}

/// The single incompatibility the infallible checks list for a check that gave up.
pub(crate) fn aborted_incompatibility(aborted: &CheckAborted) -> Incompatibility {
    Incompatibility {
        kind: "CHECK_ABORTED".to_owned(),
        path: "/".to_owned(),
        message: aborted.message(),
    }
}
