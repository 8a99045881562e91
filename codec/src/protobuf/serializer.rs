//! [`ProtobufSerializer`]: the registry step per topic (subject strategy, auto-register with
//! references / lookup / latest / fixed id), then framing + message indexes + `prost` encoding.

use std::sync::Arc;

use async_trait::async_trait;

use prost::Message;
use prost_reflect::{DescriptorPool, FileDescriptor, MessageDescriptor, ReflectMessage};
use tokio::sync::OnceCell;

use super::descriptors::{self, SERIALIZED_FORMAT};
use super::field_meta;
use super::indexes::MessageIndexes;
use super::references::{bare_schema, schema_with_references};
use crate::client::RegistryClient;
use crate::config::{Encoded, Framing, SchemaSelection, Selected, SerializerConfig};
use crate::error::{Error, Result};
use crate::rules::{Message as RuleMessage, Shape, Transformed};
use crate::schema::Schema;
use crate::ser::{Encode, Format, Serializer};
use crate::wire::SchemaId;

/// The schema-id record header of the header form: `0x01` + GUID + message indexes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtobufSchemaIdHeader {
    /// `__key_schema_id` or `__value_schema_id`
    pub name: &'static str,
    /// `0x01`, the 16-byte GUID, then the message indexes (shared, not copied per message)
    pub value: Arc<[u8]>,
}

/// An encoded Protobuf message: the record payload and, in header form, the header to attach.
pub type ProtobufEncoded = Encoded<ProtobufSchemaIdHeader>;

/// Encodes `prost` messages for Kafka: Confluent framing, message indexes, protobuf bytes (see
/// [`Serializer`]).
///
/// For generated types (`prost::Message + prost_reflect::ReflectMessage + Default`) use
/// [`ProtobufSerializer::new`]; for [`prost_reflect::DynamicMessage`] (or any type, given its
/// descriptor) use [`ProtobufSerializer::with_descriptor`]. The first message per topic does the
/// registry step its [`SerializerConfig`] asks for; later ones are a cache hit plus the `prost`
/// encode. Cheap to clone.
pub type ProtobufSerializer<T> = Serializer<ProtobufFormat, T>;

/// The Protobuf format of [`ProtobufSerializer`]: the message type and its file.
pub struct ProtobufFormat {
    descriptor: MessageDescriptor,
    /// the message's path in its own file
    own_indexes: MessageIndexes,
    /// the file without references (what use-latest / use-id do not need more of)
    bare: Schema,
    /// the file with references, after registering its imports (auto-register, lookup-only)
    with_refs: OnceCell<Schema>,
    /// values carry their own descriptor (dynamic messages): check it per message
    check_type: bool,
}

#[doc(hidden)]
pub enum PbFraming {
    /// magic, id and indexes, written before the payload
    Prefix(Box<[u8]>),
    /// everything in the header; the payload is bare
    Header(ProtobufSchemaIdHeader),
}

impl<T: Message + ReflectMessage + Default> Serializer<ProtobufFormat, T> {
    /// A serializer for the generated type `T`, writing the file its descriptor belongs to.
    pub fn new(client: Arc<dyn RegistryClient>, config: SerializerConfig) -> Result<Self> {
        Ok(Self::build(
            client,
            T::default().descriptor(),
            config,
            false,
        ))
    }
}

impl<T: Message + ReflectMessage> Serializer<ProtobufFormat, T> {
    /// A serializer writing messages of type `descriptor` (each value's own descriptor must have
    /// the same full name; checked per message).
    pub fn with_descriptor(
        client: Arc<dyn RegistryClient>,
        descriptor: MessageDescriptor,
        config: SerializerConfig,
    ) -> Result<Self> {
        Ok(Self::build(client, descriptor, config, true))
    }

    fn build(
        client: Arc<dyn RegistryClient>,
        descriptor: MessageDescriptor,
        config: SerializerConfig,
        check_type: bool,
    ) -> Self {
        let file = descriptor.parent_file();
        let format = ProtobufFormat {
            own_indexes: MessageIndexes::of(&descriptor),
            bare: bare_schema(&file),
            descriptor,
            with_refs: OnceCell::new(),
            check_type,
        };
        Self::from_format(client, format, config)
    }

    /// The message type written.
    pub fn descriptor(&self) -> &MessageDescriptor {
        &self.format().descriptor
    }
}

// the rule types are the crate's own; the traits are sealed (see `ser`)
#[allow(private_interfaces)]
#[async_trait]
impl Format for ProtobufFormat {
    type Framing = PbFraming;
    type Header = ProtobufSchemaIdHeader;
    type State = ();

    fn record_name(&self) -> Option<&str> {
        Some(self.descriptor.full_name())
    }

    async fn own<'a>(
        &'a self,
        client: &'a dyn RegistryClient,
        config: &'a SerializerConfig,
    ) -> Result<&'a Schema> {
        match config.selection {
            SchemaSelection::AutoRegister | SchemaSelection::LookupOnly => {
                self.with_refs
                    .get_or_try_init(|| {
                        schema_with_references(client, self.descriptor.parent_file(), config)
                    })
                    .await
            }
            // the registry step does not send our schema
            _ => Ok(&self.bare),
        }
    }

    async fn prepare(
        &self,
        client: &dyn RegistryClient,
        config: &SerializerConfig,
        subject: &str,
        _own: &Schema,
        sel: &Selected,
    ) -> Result<(PbFraming, ())> {
        let indexes = if sel.is_own {
            self.own_indexes.clone()
        } else {
            self.indexes_in(client, config, &sel.registered, subject)
                .await?
        };
        let framing = match sel.framing {
            Framing::Prefix(p) => {
                let mut v = p.to_vec();
                indexes.write(&mut v);
                PbFraming::Prefix(v.into_boxed_slice())
            }
            Framing::Header(h) => {
                let mut v = h.value.to_vec();
                indexes.write(&mut v);
                PbFraming::Header(ProtobufSchemaIdHeader {
                    name: h.name,
                    value: v.into(),
                })
            }
        };
        Ok((framing, ()))
    }

    #[inline]
    fn start(framing: &PbFraming, out: &mut Vec<u8>) -> Option<ProtobufSchemaIdHeader> {
        match framing {
            PbFraming::Prefix(p) => {
                out.extend_from_slice(p);
                None
            }
            PbFraming::Header(h) => Some(h.clone()),
        }
    }

    /// Inline field tags of the message's own files (whose extension options its descriptor
    /// pool keeps) and of the selected schema when it is a serialized descriptor.
    async fn rule_shape(&self, _client: &dyn RegistryClient, schema: &Schema) -> Shape {
        let mut tags = field_meta::InlineTags::new();
        for file in self.descriptor.parent_pool().files() {
            field_meta::collect(&file.encode_to_vec(), &mut tags);
        }
        field_meta::collect_base64(&schema.schema, &mut tags);
        Shape::Proto(Arc::new(tags))
    }
}

// the rule types are the crate's own; the traits are sealed (see `ser`)
#[allow(private_interfaces)]
impl<T: Message + ReflectMessage> Encode<T> for ProtobufFormat {
    #[inline]
    fn encode(&self, _state: &(), value: &T, out: &mut Vec<u8>) -> Result<()> {
        if self.check_type {
            self.check(&value.descriptor())?;
        }
        value
            .encode(out)
            .map_err(|e| Error::Serialize(e.to_string()))
    }

    fn rule_view(&self, value: &T) -> Result<RuleMessage> {
        self.check(&value.descriptor())?;
        Ok(RuleMessage::Proto(value.transcode_to_dynamic()))
    }

    fn encode_transformed(
        &self,
        _state: &(),
        message: Transformed,
        out: &mut Vec<u8>,
    ) -> Result<()> {
        let Transformed::Proto(m) = message else {
            return Err(message.unexpected("Protobuf"));
        };
        self.check(&m.descriptor())?;
        m.encode(out).map_err(|e| Error::Serialize(e.to_string()))
    }
}

impl ProtobufFormat {
    /// Values must be of the serializer's message type.
    fn check(&self, d: &MessageDescriptor) -> Result<()> {
        if d.full_name() == self.descriptor.full_name() {
            return Ok(());
        }
        Err(Error::Serialize(format!(
            "value is a {}, this serializer writes {}",
            d.full_name(),
            self.descriptor.full_name()
        )))
    }

    /// The path of our message type in another registered schema (use-latest, use-id), found by
    /// full name as Confluent's Java serializer does.
    async fn indexes_in(
        &self,
        client: &dyn RegistryClient,
        config: &SerializerConfig,
        registered: &crate::schema::RegisteredSchema,
        subject: &str,
    ) -> Result<MessageIndexes> {
        let id = match (&config.selection, registered.id) {
            (SchemaSelection::UseId { id, .. }, _) => *id,
            (_, Some(id)) => id,
            (_, None) => {
                return Err(Error::Config(format!(
                    "registry returned no id for subject {subject}"
                )));
            }
        };
        let served = client.schema_by_id_formatted(id, SERIALIZED_FORMAT).await?;
        let what = schema_label(id);
        let bases = base_pools(&self.descriptor.parent_file());
        let writer = descriptors::load(client, &served, &what, &bases).await?;
        let name = self.descriptor.full_name();
        writer.indexes_of(name).cloned().ok_or_else(|| {
            Error::Schema(format!(
                "{what} (subject {subject}) declares no message {name}"
            ))
        })
    }
}

pub(crate) fn schema_label(id: SchemaId) -> String {
    format!("schema {id}")
}

/// Where imports without a reference come from: the file's own pool, then the global pool.
pub(crate) fn base_pools(file: &FileDescriptor) -> Vec<DescriptorPool> {
    vec![file.parent_pool().clone(), DescriptorPool::global()]
}
