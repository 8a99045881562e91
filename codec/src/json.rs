//! JSON Schema: serializer and deserializer for serde types, validating against the registered
//! schema when asked (Confluent's `json.fail.invalid.schema`), with compiled validators cached per id.

use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Instant;

use jsonschema::Validator;
use quick_cache::sync::Cache;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::client::RegistryClient;
use crate::config::{Encoded, Framing, SchemaIdHeader, SchemaSelection, SerializerConfig, select};
use crate::error::{Error, Result};
use crate::hot::HotMap;
use crate::schema::{Schema, SchemaType};
use crate::strategy::record_name;
use crate::wire::{self, SchemaGuid, SchemaRef};

const CACHE_CAPACITY: usize = 1000;

fn compile(schema: &Schema) -> Result<Validator> {
    if schema.schema_type != SchemaType::Json {
        return Err(Error::Schema(format!(
            "expected a JSON schema, got {:?}",
            schema.schema_type
        )));
    }
    let v: serde_json::Value = serde_json::from_str(&schema.schema)
        .map_err(|e| Error::Schema(format!("schema is not JSON: {e}")))?;
    jsonschema::validator_for(&v).map_err(|e| Error::Schema(e.to_string()))
}

fn check(validator: &Validator, value: &serde_json::Value) -> Result<()> {
    validator
        .validate(value)
        .map_err(|e| Error::Validation(format!("{e} at {}", e.instance_path())))
}

/// Encodes values of `T` as Confluent-framed JSON text.
pub struct JsonSerializer<T: ?Sized> {
    inner: Arc<JsonSerInner>,
    _t: PhantomData<fn(&T)>,
}

impl<T: ?Sized> Clone for JsonSerializer<T> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            _t: PhantomData,
        }
    }
}

pub(crate) struct JsonSerInner {
    client: Arc<dyn RegistryClient>,
    own: Schema,
    record_name: Option<String>,
    config: SerializerConfig,
    targets: HotMap<String, JsonTarget>,
    validators: Cache<i32, Arc<Validator>>,
}

pub(crate) struct JsonTarget {
    framing: Framing,
    validator: Option<Arc<Validator>>,
    expires: Option<Instant>,
}

impl crate::hot::Expiring for JsonTarget {
    fn expires(&self) -> Option<Instant> {
        self.expires
    }
}

impl<T: Serialize + ?Sized> JsonSerializer<T> {
    /// A serializer for `schema` (a JSON Schema); `config.validate` turns on validation.
    pub fn new(
        client: Arc<dyn RegistryClient>,
        schema: Schema,
        config: SerializerConfig,
    ) -> Result<Self> {
        if schema.references.is_empty() {
            compile(&schema)?; // fail early on a broken schema
        } else if schema.schema_type != SchemaType::Json {
            return Err(Error::Schema("JsonSerializer needs a JSON schema".into()));
        }
        Ok(Self {
            inner: Arc::new(JsonSerInner {
                client,
                record_name: record_name(&schema),
                own: schema,
                config,
                targets: HotMap::new(CACHE_CAPACITY),
                validators: Cache::new(CACHE_CAPACITY),
            }),
            _t: PhantomData,
        })
    }

    /// Encodes `value` for `topic` into a new buffer.
    pub async fn serialize(&self, topic: &str, value: &T) -> Result<Encoded> {
        let mut payload = Vec::with_capacity(64);
        let header = self.serialize_into(topic, value, &mut payload).await?;
        Ok(Encoded { payload, header })
    }

    /// Appends the framed JSON of `value` to `out`; returns the header to attach in header form.
    pub async fn serialize_into(
        &self,
        topic: &str,
        value: &T,
        out: &mut Vec<u8>,
    ) -> Result<Option<SchemaIdHeader>> {
        if let Some(r) = self.serialize_cached_into(topic, value, out) {
            return r;
        }
        let t = Box::pin(self.inner.prepare(topic)).await?;
        encode(&t, value, out)
    }

    /// Runs the registry step for `topic` now.
    pub async fn prepare(&self, topic: &str) -> Result<()> {
        self.inner.prepare(topic).await.map(drop)
    }

    /// The cache-only path: `None` when `topic` has not been prepared.
    pub fn serialize_cached_into(
        &self,
        topic: &str,
        value: &T,
        out: &mut Vec<u8>,
    ) -> Option<Result<Option<SchemaIdHeader>>> {
        self.inner
            .targets
            .with_fresh(topic, |t| encode(t, value, out))
    }

    pub(crate) fn shared(&self) -> Arc<JsonSerInner> {
        self.inner.clone()
    }
}

fn encode<T: Serialize + ?Sized>(
    t: &JsonTarget,
    value: &T,
    out: &mut Vec<u8>,
) -> Result<Option<SchemaIdHeader>> {
    let start = out.len();
    let header = t.framing.start(out);
    let res = match &t.validator {
        Some(v) => serde_json::to_value(value)
            .map_err(|e| Error::Serialize(e.to_string()))
            .and_then(|json| {
                check(v, &json)?;
                serde_json::to_writer(&mut *out, &json).map_err(|e| Error::Serialize(e.to_string()))
            }),
        None => {
            serde_json::to_writer(&mut *out, value).map_err(|e| Error::Serialize(e.to_string()))
        }
    };
    match res {
        Ok(()) => Ok(header),
        Err(e) => {
            out.truncate(start);
            Err(e)
        }
    }
}

impl JsonSerInner {
    pub(crate) async fn prepare(&self, topic: &str) -> Result<Arc<JsonTarget>> {
        let subject =
            self.config
                .strategy
                .subject(topic, self.config.is_key, self.record_name.as_deref())?;
        let sel = select(&*self.client, &self.config, &subject, &self.own).await?;
        let validator = if self.config.validate {
            let schema = if sel.is_own {
                &self.own
            } else {
                &sel.registered.schema
            };
            let key = sel.registered.id.map(|i| i.0).unwrap_or(-1);
            Some(
                self.validators
                    .get_or_insert_with(&key, || compile(schema).map(Arc::new))?,
            )
        } else {
            None
        };
        let expires = matches!(self.config.selection, SchemaSelection::UseLatest { .. })
            .then(|| Instant::now() + self.config.latest_ttl);
        let t = Arc::new(JsonTarget {
            framing: sel.framing,
            validator,
            expires,
        });
        self.targets.insert(topic.to_owned(), t.clone());
        Ok(t)
    }
}

/// Decodes Confluent-framed JSON; with validation on, each writer schema is fetched once and its
/// compiled validator cached. Without validation no registry call is made at all.
#[derive(Clone)]
pub struct JsonDeserializer {
    inner: Arc<JsonDeInner>,
}

struct JsonDeInner {
    client: Arc<dyn RegistryClient>,
    validate: bool,
    by_id: Cache<i32, Arc<Validator>>,
    by_guid: Cache<SchemaGuid, Arc<Validator>>,
    hot_id: HotMap<i32, Validator>,
    hot_guid: HotMap<SchemaGuid, Validator>,
}

impl JsonDeserializer {
    /// `validate`: check each payload against its writer schema before handing it out.
    pub fn new(client: Arc<dyn RegistryClient>, validate: bool) -> Self {
        Self {
            inner: Arc::new(JsonDeInner {
                client,
                validate,
                by_id: Cache::new(CACHE_CAPACITY),
                by_guid: Cache::new(CACHE_CAPACITY),
                hot_id: HotMap::new(CACHE_CAPACITY),
                hot_guid: HotMap::new(CACHE_CAPACITY),
            }),
        }
    }

    /// Decodes a prefixed payload into `T`.
    pub async fn deserialize<T: DeserializeOwned>(&self, data: &[u8]) -> Result<T> {
        self.deserialize_with_header(None, data).await
    }

    /// Decodes a record into `T`; a schema-id `header` wins over the payload prefix.
    pub async fn deserialize_with_header<T: DeserializeOwned>(
        &self,
        header: Option<&[u8]>,
        data: &[u8],
    ) -> Result<T> {
        let (r, payload) = wire::decode_with_header(header, data)?;
        if !self.inner.validate {
            return decode_with(None, payload);
        }
        if let Some(res) = self.with_cached(r, |v| decode_with(Some(v), payload)) {
            return res;
        }
        let v = Box::pin(self.validator(r)).await?;
        decode_with(Some(&v), payload)
    }

    /// Decodes into a generic JSON value.
    pub async fn decode_json(
        &self,
        header: Option<&[u8]>,
        data: &[u8],
    ) -> Result<serde_json::Value> {
        self.deserialize_with_header(header, data).await
    }

    pub(crate) fn needs_registry(&self) -> bool {
        self.inner.validate
    }

    pub(crate) fn with_cached<R>(
        &self,
        r: SchemaRef,
        f: impl FnOnce(&Validator) -> R,
    ) -> Option<R> {
        match r {
            SchemaRef::Id(id) => self.inner.hot_id.with(&id.0, f),
            SchemaRef::Guid(g) => self.inner.hot_guid.with(&g, f),
        }
    }

    pub(crate) async fn validator(&self, r: SchemaRef) -> Result<Arc<Validator>> {
        let inner = &*self.inner;
        match r {
            SchemaRef::Id(id) => {
                let v = inner
                    .by_id
                    .get_or_insert_async(&id.0, async {
                        compile(&inner.client.schema_by_id(id).await?.schema).map(Arc::new)
                    })
                    .await?;
                inner.hot_id.insert(id.0, v.clone());
                Ok(v)
            }
            SchemaRef::Guid(g) => {
                let v = inner
                    .by_guid
                    .get_or_insert_async(&g, async {
                        compile(&inner.client.schema_by_guid(g).await?.schema).map(Arc::new)
                    })
                    .await?;
                inner.hot_guid.insert(g, v.clone());
                Ok(v)
            }
        }
    }
}

pub(crate) fn decode_with<T: DeserializeOwned>(
    validator: Option<&Validator>,
    payload: &[u8],
) -> Result<T> {
    let de = |e: serde_json::Error| Error::Deserialize(e.to_string());
    match validator {
        Some(v) => {
            let json: serde_json::Value = serde_json::from_slice(payload).map_err(de)?;
            check(v, &json)?;
            serde_json::from_value(json).map_err(de)
        }
        None => serde_json::from_slice(payload).map_err(de),
    }
}
