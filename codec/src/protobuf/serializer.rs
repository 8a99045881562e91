//! [`ProtobufSerializer`]: the registry step per topic (subject strategy, auto-register with
//! references / lookup / latest / fixed id), then framing + message indexes + `prost` encoding.

use std::marker::PhantomData;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use prost::Message;
use prost_reflect::{DescriptorPool, FileDescriptor, MessageDescriptor, ReflectMessage};
use tokio::sync::OnceCell;

use super::descriptors::{self, SERIALIZED_FORMAT};
use super::indexes::MessageIndexes;
use super::references::{bare_schema, schema_with_references};
use crate::client::RegistryClient;
use crate::config::{Framing, SchemaSelection, SerializerConfig, select};
use crate::error::{Error, Result};
use crate::hot::HotMap;
use crate::schema::Schema;
use crate::wire::SchemaId;

const CACHE_CAPACITY: usize = 1000;

/// The schema-id record header of the header form: `0x01` + GUID + message indexes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtobufSchemaIdHeader {
    /// `__key_schema_id` or `__value_schema_id`
    pub name: &'static str,
    /// `0x01`, the 16-byte GUID, then the message indexes (shared, not copied per message)
    pub value: Arc<[u8]>,
}

/// An encoded message: the record payload and, in header form, the header to attach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtobufEncoded {
    /// record value (or key) bytes
    pub payload: Vec<u8>,
    /// the schema-id header (header form only)
    pub header: Option<ProtobufSchemaIdHeader>,
}

/// Encodes `prost` messages for Kafka: Confluent framing, message indexes, protobuf bytes.
///
/// For generated types (`prost::Message + prost_reflect::ReflectMessage + Default`) use
/// [`ProtobufSerializer::new`]; for [`prost_reflect::DynamicMessage`] (or any type, given its
/// descriptor) use [`ProtobufSerializer::with_descriptor`]. The first message per topic does the
/// registry step its [`SerializerConfig`] asks for; later ones are a cache hit plus the `prost`
/// encode. Cheap to clone.
pub struct ProtobufSerializer<T: ?Sized> {
    inner: Arc<SerInner>,
    _t: PhantomData<fn(&T)>,
}

impl<T: ?Sized> Clone for ProtobufSerializer<T> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            _t: PhantomData,
        }
    }
}

struct SerInner {
    client: Arc<dyn RegistryClient>,
    descriptor: MessageDescriptor,
    /// the message's path in its own file
    own_indexes: MessageIndexes,
    /// the file without references (what use-latest / use-id do not need more of)
    bare: Schema,
    /// the file with references, after registering its imports (auto-register, lookup-only)
    with_refs: OnceCell<Schema>,
    /// values carry their own descriptor (dynamic messages): check it per message
    check_type: bool,
    config: SerializerConfig,
    targets: HotMap<String, Target>,
    /// The first topic prepared and its target, kept for good: most serializers write one
    /// topic, and this answers them with one atomic load and a string compare (the map
    /// answers other topics, and this one once its target has expired).
    first: OnceLock<FirstTarget>,
}

struct FirstTarget {
    topic: Box<str>,
    target: Arc<Target>,
}

struct Target {
    framing: PbFraming,
    expires: Option<Instant>,
}

impl Target {
    fn fresh(&self) -> bool {
        self.expires.is_none_or(|at| Instant::now() < at)
    }
}

enum PbFraming {
    /// magic, id and indexes, written before the payload
    Prefix(Box<[u8]>),
    /// everything in the header; the payload is bare
    Header(ProtobufSchemaIdHeader),
}

impl crate::hot::Expiring for Target {
    fn expires(&self) -> Option<Instant> {
        self.expires
    }
}

impl<T: Message + ReflectMessage + Default> ProtobufSerializer<T> {
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

impl<T: Message + ReflectMessage> ProtobufSerializer<T> {
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
        Self {
            inner: Arc::new(SerInner {
                client,
                own_indexes: MessageIndexes::of(&descriptor),
                bare: bare_schema(&file),
                descriptor,
                with_refs: OnceCell::new(),
                check_type,
                config,
                targets: HotMap::new(CACHE_CAPACITY),
                first: OnceLock::new(),
            }),
            _t: PhantomData,
        }
    }

    /// The settings.
    pub fn config(&self) -> &SerializerConfig {
        &self.inner.config
    }

    /// The message type written.
    pub fn descriptor(&self) -> &MessageDescriptor {
        &self.inner.descriptor
    }

    /// Encodes `value` for `topic` into a new buffer.
    pub async fn serialize(&self, topic: &str, value: &T) -> Result<ProtobufEncoded> {
        let mut payload = Vec::with_capacity(64);
        let header = self.serialize_into(topic, value, &mut payload).await?;
        Ok(ProtobufEncoded { payload, header })
    }

    /// Encodes a nullable value: `None` becomes a `null` Kafka record (no bytes, no registry call).
    pub async fn serialize_nullable(
        &self,
        topic: &str,
        value: Option<&T>,
    ) -> Result<Option<ProtobufEncoded>> {
        match value {
            Some(v) => self.serialize(topic, v).await.map(Some),
            None => Ok(None),
        }
    }

    /// Appends the framed encoding of `value` to `out` (reuse `out` across messages). Returns the
    /// header to attach in header form. On error `out` is left as it was.
    pub async fn serialize_into(
        &self,
        topic: &str,
        value: &T,
        out: &mut Vec<u8>,
    ) -> Result<Option<ProtobufSchemaIdHeader>> {
        if let Some(r) = self.serialize_cached_into(topic, value, out) {
            return r;
        }
        let target = Box::pin(self.inner.prepare(topic)).await?;
        self.inner.encode(&target, value, out)
    }

    /// Runs the registry step for `topic` now (e.g. at start-up), so the first message is fast.
    pub async fn prepare(&self, topic: &str) -> Result<()> {
        self.inner.prepare(topic).await.map(drop)
    }

    /// The cache-only path: `None` when `topic` has not been prepared (or its latest expired).
    #[inline]
    pub fn serialize_cached_into(
        &self,
        topic: &str,
        value: &T,
        out: &mut Vec<u8>,
    ) -> Option<Result<Option<ProtobufSchemaIdHeader>>> {
        let inner = &*self.inner;
        if let Some(first) = inner.first.get()
            && &*first.topic == topic
            && first.target.fresh()
        {
            return Some(inner.encode(&first.target, value, out));
        }
        inner
            .targets
            .with_fresh(topic, |t| inner.encode(t, value, out))
    }
}

impl SerInner {
    #[inline]
    fn encode<T: Message + ReflectMessage>(
        &self,
        target: &Target,
        value: &T,
        out: &mut Vec<u8>,
    ) -> Result<Option<ProtobufSchemaIdHeader>> {
        if self.check_type {
            let d = value.descriptor();
            if d.full_name() != self.descriptor.full_name() {
                return Err(Error::Serialize(format!(
                    "value is a {}, this serializer writes {}",
                    d.full_name(),
                    self.descriptor.full_name()
                )));
            }
        }
        let start = out.len();
        let header = match &target.framing {
            PbFraming::Prefix(p) => {
                out.extend_from_slice(p);
                None
            }
            PbFraming::Header(h) => Some(h.clone()),
        };
        match value.encode(out) {
            Ok(()) => Ok(header),
            Err(e) => {
                out.truncate(start);
                Err(Error::Serialize(e.to_string()))
            }
        }
    }

    async fn prepare(&self, topic: &str) -> Result<Arc<Target>> {
        let name = self.descriptor.full_name();
        let subject = self
            .config
            .strategy
            .subject(topic, self.config.is_key, Some(name))?;
        let client = &*self.client;
        let own = match self.config.selection {
            SchemaSelection::AutoRegister | SchemaSelection::LookupOnly => {
                self.with_refs
                    .get_or_try_init(|| {
                        schema_with_references(client, self.descriptor.parent_file(), &self.config)
                    })
                    .await?
            }
            // the registry step does not send our schema
            SchemaSelection::UseLatest { .. } | SchemaSelection::UseId { .. } => &self.bare,
        };
        let sel = select(client, &self.config, &subject, own).await?;
        let indexes = if sel.is_own {
            self.own_indexes.clone()
        } else {
            self.indexes_in(&sel.registered, &subject).await?
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
        let expires = matches!(self.config.selection, SchemaSelection::UseLatest { .. })
            .then(|| Instant::now() + self.config.latest_ttl);
        let t = Arc::new(Target { framing, expires });
        self.targets.insert(topic.to_owned(), t.clone());
        let _ = self.first.set(FirstTarget {
            topic: topic.into(),
            target: t.clone(),
        });
        Ok(t)
    }

    /// The path of our message type in another registered schema (use-latest, use-id), found by
    /// full name as Confluent's Java serializer does.
    async fn indexes_in(
        &self,
        registered: &crate::schema::RegisteredSchema,
        subject: &str,
    ) -> Result<MessageIndexes> {
        let id = match (&self.config.selection, registered.id) {
            (SchemaSelection::UseId { id, .. }, _) => *id,
            (_, Some(id)) => id,
            (_, None) => {
                return Err(Error::Config(format!(
                    "registry returned no id for subject {subject}"
                )));
            }
        };
        let served = self
            .client
            .schema_by_id_formatted(id, SERIALIZED_FORMAT)
            .await?;
        let what = schema_label(id);
        let bases = base_pools(&self.descriptor.parent_file());
        let writer = descriptors::load(&*self.client, &served, &what, &bases).await?;
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
