//! [`ProtobufDeserializer`] (into a generated type, checking the written type's full name) and
//! [`DynamicProtobufDeserializer`] (into a `DynamicMessage` of the writer's type), both fetching
//! and linking each writer schema once per id or GUID.

use std::marker::PhantomData;
use std::sync::Arc;

use prost::Message;
use prost_reflect::{DescriptorPool, DynamicMessage, MessageDescriptor, ReflectMessage};
use quick_cache::sync::Cache;

use super::ProtobufError;
use super::descriptors::{self, SERIALIZED_FORMAT, WriterFile};
use super::indexes::{self, MessageIndexes};
use super::serializer::base_pools;
use crate::client::RegistryClient;
use crate::error::{Error, Result};
use crate::hot::HotMap;
use crate::rules::{Message as RuleMessage, Phase, RuleContext, Rules, Shape, Transformed};
use crate::wire::{self, SchemaGuid, SchemaRef};

const CACHE_CAPACITY: usize = 1000;

/// Deserializers do not know the topic a payload came from.
const READ_CONTEXT: RuleContext<'static> = RuleContext {
    topic: "",
    is_key: false,
};

/// Decodes Confluent-framed Protobuf into the generated type `T`.
///
/// Each writer schema is fetched once (`format=serialized`, with its references) to check that
/// the message indexes name a message whose full name is `T`'s; a message of another type fails
/// with [`ProtobufError::MessageTypeMismatch`], unknown indexes with
/// [`ProtobufError::InvalidMessageIndexes`]. Cheap to clone.
pub struct ProtobufDeserializer<T> {
    pub(super) core: Arc<Core>,
    _t: PhantomData<fn() -> T>,
}

impl<T> Clone for ProtobufDeserializer<T> {
    fn clone(&self) -> Self {
        Self {
            core: self.core.clone(),
            _t: PhantomData,
        }
    }
}

impl<T: Message + ReflectMessage + Default> ProtobufDeserializer<T> {
    /// A deserializer into `T`; imports a writer schema has no reference for are taken from
    /// `T`'s descriptor pool, then from the global pool.
    pub fn new(client: Arc<dyn RegistryClient>) -> Self {
        let d = T::default().descriptor();
        Self {
            core: Arc::new(Core::new(
                client,
                base_pools(&d.parent_file()),
                Some(d.full_name().to_owned()),
            )),
            _t: PhantomData,
        }
    }

    /// Decodes a prefixed payload.
    pub async fn deserialize(&self, data: &[u8]) -> Result<T> {
        self.deserialize_with_header(None, data).await
    }

    /// Decodes a record; `header` is the `__value_schema_id` (or key) header if the record has
    /// one, which then carries the schema and indexes and the payload is bare protobuf.
    pub async fn deserialize_with_header(&self, header: Option<&[u8]>, data: &[u8]) -> Result<T> {
        let (r, ix, payload) = split(header, data)?;
        if let Some(res) = self.core.with_cached(r, |w| self.decode(w, &ix, payload)) {
            return res;
        }
        let w = Box::pin(self.core.writer(r)).await?;
        self.decode(&w, &ix, payload)
    }

    #[inline]
    pub(super) fn decode(&self, w: &Writer, ix: &MessageIndexes, payload: &[u8]) -> Result<T> {
        if w.expected.as_ref() != Some(ix) {
            return Err(self.mismatch(w, ix));
        }
        let de = |e: prost::DecodeError| Error::Deserialize(e.to_string());
        if w.rules.is_some() {
            let m = decode_dynamic(w, ix, payload)?;
            if let Some(new) = apply_rules(w, m)? {
                return T::decode(new.encode_to_vec().as_slice()).map_err(de);
            }
        }
        T::decode(payload).map_err(de)
    }

    #[cold]
    fn mismatch(&self, w: &Writer, ix: &MessageIndexes) -> Error {
        match w.file.message_at(ix.as_slice()) {
            Some(m) => ProtobufError::MessageTypeMismatch {
                written: m.full_name().to_owned(),
                expected: self.core.expected.clone().unwrap_or_default(),
            },
            None => invalid_indexes(w, ix),
        }
        .into()
    }
}

/// Decodes Confluent-framed Protobuf into a [`DynamicMessage`] of the type the writer wrote, for
/// consumers without generated code. Cheap to clone.
#[derive(Clone)]
pub struct DynamicProtobufDeserializer {
    pub(super) core: Arc<Core>,
}

impl DynamicProtobufDeserializer {
    /// Imports a writer schema has no reference for come from the global pool (the
    /// `google/protobuf` well-known types).
    pub fn new(client: Arc<dyn RegistryClient>) -> Self {
        Self::with_base_pool(client, DescriptorPool::global())
    }

    /// Imports with no reference come from `pool`, then the global pool: give it the files the
    /// registry builds in but this crate does not carry (`google/type/*`, `confluent/*`) if
    /// writers use them.
    pub fn with_base_pool(client: Arc<dyn RegistryClient>, pool: DescriptorPool) -> Self {
        let bases = vec![pool, DescriptorPool::global()];
        Self {
            core: Arc::new(Core::new(client, bases, None)),
        }
    }

    /// Decodes a prefixed payload.
    pub async fn deserialize(&self, data: &[u8]) -> Result<DynamicMessage> {
        self.deserialize_with_header(None, data).await
    }

    /// Decodes a record; a schema-id `header` wins over the payload prefix.
    pub async fn deserialize_with_header(
        &self,
        header: Option<&[u8]>,
        data: &[u8],
    ) -> Result<DynamicMessage> {
        let (r, ix, payload) = split(header, data)?;
        if let Some(res) = self
            .core
            .with_cached(r, |w| decode_with_rules(w, &ix, payload))
        {
            return res;
        }
        let w = Box::pin(self.core.writer(r)).await?;
        decode_with_rules(&w, &ix, payload)
    }

    /// The message type a record was written with (fetching its schema if needed).
    pub async fn writer_message(
        &self,
        header: Option<&[u8]>,
        data: &[u8],
    ) -> Result<MessageDescriptor> {
        let (r, ix, _) = split(header, data)?;
        let w = self.core.writer(r).await?;
        w.file
            .message_at(ix.as_slice())
            .cloned()
            .ok_or_else(|| invalid_indexes(&w, &ix).into())
    }
}

#[inline]
fn decode_dynamic(w: &Writer, ix: &MessageIndexes, payload: &[u8]) -> Result<DynamicMessage> {
    let Some(m) = w.file.message_at(ix.as_slice()) else {
        return Err(invalid_indexes(w, ix).into());
    };
    DynamicMessage::decode(m.clone(), payload).map_err(|e| Error::Deserialize(e.to_string()))
}

/// A message as handed out: decoded, then through the writer schema's READ rules.
#[inline]
pub(super) fn decode_with_rules(
    w: &Writer,
    ix: &MessageIndexes,
    payload: &[u8],
) -> Result<DynamicMessage> {
    let m = decode_dynamic(w, ix, payload)?;
    if w.rules.is_none() {
        return Ok(m);
    }
    Ok(match apply_rules(w, m.clone())? {
        Some(new) => new,
        None => m,
    })
}

/// Runs the writer schema's READ rules on `m`; the new message when a transform replaced it.
fn apply_rules(w: &Writer, m: DynamicMessage) -> Result<Option<DynamicMessage>> {
    let Some(rules) = &w.rules else {
        return Ok(None);
    };
    match rules.run(&READ_CONTEXT, || Ok(RuleMessage::Proto(m)))? {
        None => Ok(None),
        Some(Transformed::Proto(new)) => Ok(Some(new)),
        Some(other) => Err(other.unexpected("Protobuf")),
    }
}

fn invalid_indexes(w: &Writer, ix: &MessageIndexes) -> ProtobufError {
    ProtobufError::InvalidMessageIndexes {
        indexes: ix.clone(),
        schema: w.label.clone(),
    }
}

/// Schema reference, message indexes and protobuf bytes of a record, prefixed or header form.
#[inline]
pub(super) fn split<'a>(
    header: Option<&[u8]>,
    data: &'a [u8],
) -> Result<(SchemaRef, MessageIndexes, &'a [u8])> {
    match header {
        Some(h) => {
            let (r, rest) = wire::decode(h)?;
            Ok((r, indexes::read_exact(rest)?, data))
        }
        None => {
            let (r, rest) = wire::decode(data)?;
            let (ix, payload) = indexes::read(rest)?;
            Ok((r, ix, payload))
        }
    }
}

/// A linked writer schema and, for typed deserializers, where the expected type sits in it.
pub(super) struct Writer {
    file: WriterFile,
    expected: Option<MessageIndexes>,
    label: String,
    /// the schema's READ domain rules
    rules: Option<Rules>,
}

pub(super) struct Core {
    client: Arc<dyn RegistryClient>,
    bases: Vec<DescriptorPool>,
    /// full name of the generated type, for typed deserializers
    expected: Option<String>,
    /// loading caches: one registry round per id however many callers miss at once
    by_id: Cache<i32, Arc<Writer>>,
    by_guid: Cache<SchemaGuid, Arc<Writer>>,
    /// what message decoding reads
    hot_id: HotMap<i32, Writer>,
    hot_guid: HotMap<SchemaGuid, Writer>,
}

impl Core {
    fn new(
        client: Arc<dyn RegistryClient>,
        bases: Vec<DescriptorPool>,
        expected: Option<String>,
    ) -> Self {
        Self {
            client,
            bases,
            expected,
            by_id: Cache::new(CACHE_CAPACITY),
            by_guid: Cache::new(CACHE_CAPACITY),
            hot_id: HotMap::new(CACHE_CAPACITY),
            hot_guid: HotMap::new(CACHE_CAPACITY),
        }
    }

    #[inline]
    pub(super) fn with_cached<R>(&self, r: SchemaRef, f: impl FnOnce(&Writer) -> R) -> Option<R> {
        match r {
            SchemaRef::Id(id) => self.hot_id.with(&id.0, f),
            SchemaRef::Guid(g) => self.hot_guid.with(&g, f),
        }
    }

    pub(super) async fn writer(&self, r: SchemaRef) -> Result<Arc<Writer>> {
        match r {
            SchemaRef::Id(id) => {
                let w = self
                    .by_id
                    .get_or_insert_async(&id.0, async {
                        let s = self
                            .client
                            .schema_by_id_formatted(id, SERIALIZED_FORMAT)
                            .await?;
                        self.load(&s, super::serializer::schema_label(id)).await
                    })
                    .await?;
                self.hot_id.insert(id.0, w.clone());
                Ok(w)
            }
            SchemaRef::Guid(g) => {
                let w = self
                    .by_guid
                    .get_or_insert_async(&g, async {
                        let s = self
                            .client
                            .schema_by_guid_formatted(g, SERIALIZED_FORMAT)
                            .await?;
                        self.load(&s, format!("schema {g}")).await
                    })
                    .await?;
                self.hot_guid.insert(g, w.clone());
                Ok(w)
            }
        }
    }

    async fn load(
        &self,
        served: &crate::schema::RegisteredSchema,
        label: String,
    ) -> Result<Arc<Writer>> {
        let file = descriptors::load(&*self.client, served, &label, &self.bases).await?;
        let expected = self
            .expected
            .as_deref()
            .and_then(|name| file.indexes_of(name).cloned());
        let subject = served.subject.as_deref().unwrap_or("");
        let rules = Rules::for_phase(&served.schema, subject, Phase::Read)?
            .map(|r| r.with_shape(Shape::Proto(file.tags.clone())));
        Ok(Arc::new(Writer {
            file,
            expected,
            label,
            rules,
        }))
    }
}
