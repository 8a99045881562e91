//! Serializer settings (Confluent's `auto.register.schemas`, `use.latest.version`, `use.schema.id`,
//! `normalize.schemas`, subject name strategy, id placement) and the registry step they drive.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use crate::client::RegistryClient;
use crate::error::{Error, Result};
use crate::schema::{RegisteredSchema, Schema};
use crate::strategy::{ReferenceSubjectNameStrategy, SubjectNameStrategy};
use crate::wire::{self, SchemaGuid, SchemaId};

/// Which schema id a serializer writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaSelection {
    /// register the serializer's schema (`POST /subjects/{s}/versions`) and use the id returned
    AutoRegister,
    /// use the subject's latest version; with `strict`, it must be able to read the serializer's
    /// schema (Confluent's `latest.compatibility.strict`, Avro only; Protobuf ignores `strict`)
    UseLatest {
        /// check that latest can read data written with the serializer's schema
        strict: bool,
    },
    /// use the subject's newest version whose `metadata.properties` hold all of `properties`
    /// (Confluent's `use.latest.with.metadata`); `strict` as for [`SchemaSelection::UseLatest`]
    LatestWithMetadata {
        /// properties the version's metadata must carry (key → value)
        properties: BTreeMap<String, String>,
        /// check that the chosen version can read data written with the serializer's schema
        strict: bool,
    },
    /// always write this id (its schema is fetched and used to encode); with `strict`, that schema
    /// must be able to read the serializer's schema (Confluent's `id.compatibility.strict`, Avro
    /// only; Protobuf ignores `strict`)
    UseId {
        /// the id to write
        id: SchemaId,
        /// check that the id's schema can read data written with the serializer's schema
        strict: bool,
    },
    /// only look the schema up (`POST /subjects/{s}`); fails with 40403 if not registered
    LookupOnly,
}

impl SchemaSelection {
    /// A selection that re-checks the registry after `latest_ttl` (latest, latest with metadata).
    pub fn is_latest(&self) -> bool {
        matches!(
            self,
            SchemaSelection::UseLatest { .. } | SchemaSelection::LatestWithMetadata { .. }
        )
    }
}

/// Where the schema id travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IdPlacement {
    /// `0x00` + 4-byte id before the payload (default)
    #[default]
    Prefix,
    /// Confluent 8: `0x01` + GUID in a `__key_schema_id` / `__value_schema_id` record header, payload
    /// unprefixed (needs a registry that returns GUIDs)
    Header,
}

/// A serializer's settings. Start from [`SerializerConfig::value`] or [`SerializerConfig::key`].
#[derive(Debug, Clone)]
pub struct SerializerConfig {
    /// subject name strategy
    pub strategy: SubjectNameStrategy,
    /// how the id is chosen
    pub selection: SchemaSelection,
    /// send `normalize=true` when registering or looking up
    pub normalize: bool,
    /// serializing keys (`<topic>-key`, `__key_schema_id`) rather than values
    pub is_key: bool,
    /// where the id goes
    pub placement: IdPlacement,
    /// how long a [`SchemaSelection::UseLatest`] answer is reused per topic (a [`crate::CachedClient`]
    /// underneath keeps its own `latest` TTL, so a new version is seen within the sum of both)
    pub latest_ttl: Duration,
    /// JSON only: validate each value against the schema before writing
    /// (Confluent's `json.fail.invalid.schema`)
    pub validate: bool,
    /// Protobuf only: the subjects imported files are registered under
    /// (Confluent's `reference.subject.name.strategy`)
    pub reference_subjects: ReferenceSubjectNameStrategy,
}

impl SerializerConfig {
    /// Values, TopicName strategy, auto-register, prefix form.
    pub fn value() -> Self {
        Self {
            strategy: SubjectNameStrategy::TopicName,
            selection: SchemaSelection::AutoRegister,
            normalize: false,
            is_key: false,
            placement: IdPlacement::Prefix,
            latest_ttl: Duration::from_secs(60),
            validate: false,
            reference_subjects: ReferenceSubjectNameStrategy::ImportPath,
        }
    }

    /// Keys, otherwise like [`SerializerConfig::value`].
    pub fn key() -> Self {
        Self {
            is_key: true,
            ..Self::value()
        }
    }

    /// Sets the subject name strategy.
    pub fn strategy(mut self, s: SubjectNameStrategy) -> Self {
        self.strategy = s;
        self
    }

    /// Sets how the id is chosen.
    pub fn selection(mut self, s: SchemaSelection) -> Self {
        self.selection = s;
        self
    }

    /// Sets `normalize`.
    pub fn normalize(mut self, on: bool) -> Self {
        self.normalize = on;
        self
    }

    /// Carries the id in a record header instead of the payload prefix.
    pub fn header_form(mut self) -> Self {
        self.placement = IdPlacement::Header;
        self
    }

    /// JSON only: validate values before writing.
    pub fn validate(mut self, on: bool) -> Self {
        self.validate = on;
        self
    }

    /// Protobuf only: how imported files' subjects are named.
    pub fn reference_subjects(mut self, s: ReferenceSubjectNameStrategy) -> Self {
        self.reference_subjects = s;
        self
    }
}

impl Default for SerializerConfig {
    fn default() -> Self {
        Self::value()
    }
}

/// A Kafka record header to attach (header form only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchemaIdHeader {
    /// `__key_schema_id` or `__value_schema_id`
    pub name: &'static str,
    /// `0x01` + 16-byte GUID
    pub value: [u8; wire::GUID_PREFIX_LEN],
}

/// An encoded message: the record payload and, in header form, the header to attach
/// (Protobuf's header also carries message indexes: [`crate::ProtobufEncoded`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encoded<H = SchemaIdHeader> {
    /// record value (or key) bytes
    pub payload: Vec<u8>,
    /// the schema-id header (header form only)
    pub header: Option<H>,
}

/// What a serializer writes ahead of (or beside) the payload for one topic.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub enum Framing {
    Prefix([u8; wire::ID_PREFIX_LEN]),
    Header(SchemaIdHeader),
}

impl Framing {
    #[inline]
    pub(crate) fn start(&self, out: &mut Vec<u8>) -> Option<SchemaIdHeader> {
        match self {
            Framing::Prefix(p) => {
                out.extend_from_slice(p);
                None
            }
            Framing::Header(h) => Some(*h),
        }
    }
}

/// The outcome of the registry step for one subject.
#[doc(hidden)]
pub struct Selected {
    pub registered: Arc<RegisteredSchema>,
    /// true when the writer schema is the serializer's own (register / lookup)
    pub is_own: bool,
    pub framing: Framing,
}

/// Runs the registry step for `subject` according to `config`.
pub(crate) async fn select(
    client: &dyn RegistryClient,
    config: &SerializerConfig,
    subject: &str,
    own: &Schema,
) -> Result<Selected> {
    let (registered, is_own) = match &config.selection {
        SchemaSelection::AutoRegister => {
            (client.register(subject, own, config.normalize).await?, true)
        }
        SchemaSelection::LookupOnly => (client.lookup(subject, own, config.normalize).await?, true),
        SchemaSelection::UseLatest { .. } => (client.latest_version(subject).await?, false),
        SchemaSelection::LatestWithMetadata { properties, .. } => (
            client.latest_with_metadata(subject, properties).await?,
            false,
        ),
        SchemaSelection::UseId { id, .. } => (client.schema_by_id(*id).await?, false),
    };
    let id = match (&config.selection, registered.id) {
        (SchemaSelection::UseId { id, .. }, _) => *id,
        (_, Some(id)) => id,
        (_, None) => {
            return Err(Error::Config(format!(
                "registry returned no id for subject {subject}"
            )));
        }
    };
    let framing = match config.placement {
        IdPlacement::Prefix => {
            let mut p = [0u8; wire::ID_PREFIX_LEN];
            p[1..].copy_from_slice(&id.0.to_be_bytes());
            Framing::Prefix(p)
        }
        IdPlacement::Header => {
            let guid = match registered.guid {
                Some(g) => g,
                None => guid_of(client, id).await?,
            };
            Framing::Header(SchemaIdHeader {
                name: wire::header_name(config.is_key),
                value: wire::guid_header_value(guid),
            })
        }
    };
    Ok(Selected {
        registered,
        is_own,
        framing,
    })
}

async fn guid_of(client: &dyn RegistryClient, id: SchemaId) -> Result<SchemaGuid> {
    client.schema_by_id(id).await?.guid.ok_or_else(|| {
        Error::Config(format!(
            "the registry returned no guid for schema {id}; the header form needs a Confluent 8 compatible registry"
        ))
    })
}
