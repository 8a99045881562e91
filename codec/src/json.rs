//! JSON Schema: serializer and deserializer for serde types, validating against the registered
//! schema when asked (Confluent's `json.fail.invalid.schema`), with compiled validators cached per id.

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;

use jsonschema::{Retrieve, Uri, Validator};
use quick_cache::sync::Cache;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::client::{RegistryClient, resolve_named_references};
use crate::config::{Framing, SchemaIdHeader, Selected, SerializerConfig};
use crate::error::{Error, Result};
use crate::hot::HotMap;
use crate::rules::{Message, Phase, RuleContext, Rules, Shape, Transformed};
use crate::schema::{RegisteredSchema, Schema, SchemaType};
use crate::ser::{Encode, Format, Serializer};
use crate::strategy::record_name;
use crate::wire::{self, SchemaGuid, SchemaRef};

const CACHE_CAPACITY: usize = 1000;

fn compile(schema: &Schema) -> Result<Validator> {
    compile_with(schema, Vec::new())
}

/// Compiles `schema`, resolving its `$ref`s to schemas registered under other subjects (fetched
/// through `client`, transitively, with the reference depth bound of every format).
async fn compile_referencing(client: &dyn RegistryClient, schema: &Schema) -> Result<Validator> {
    if schema.references.is_empty() {
        return compile(schema);
    }
    let deps = resolve_named_references(client, schema).await?;
    compile_with(schema, deps)
}

fn compile_with(schema: &Schema, deps: Vec<(String, String)>) -> Result<Validator> {
    if schema.schema_type != SchemaType::Json {
        return Err(Error::Schema(format!(
            "expected a JSON schema, got {:?}",
            schema.schema_type
        )));
    }
    let v: serde_json::Value = serde_json::from_str(&schema.schema)
        .map_err(|e| Error::Schema(format!("schema is not JSON: {e}")))?;
    let mut by_name = HashMap::with_capacity(deps.len());
    for (name, text) in deps {
        let dep: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| Error::Schema(format!("referenced schema {name} is not JSON: {e}")))?;
        by_name.insert(name, dep);
    }
    jsonschema::options()
        .with_retriever(References(by_name))
        .build(&v)
        .map_err(|e| Error::Schema(e.to_string()))
}

/// Answers `$ref`s with the referenced subjects' schemas, by the reference's `name`: as written
/// (an absolute URL) or resolved against the root schema's base (a relative name).
struct References(HashMap<String, serde_json::Value>);

impl Retrieve for References {
    fn retrieve(
        &self,
        uri: &Uri<String>,
    ) -> std::result::Result<serde_json::Value, Box<dyn std::error::Error + Send + Sync>> {
        let text = uri.as_str();
        let found = self.0.get(text).or_else(|| {
            self.0
                .iter()
                .find(|(name, _)| {
                    text.strip_suffix(name.as_str())
                        .is_some_and(|base| base.ends_with('/'))
                })
                .map(|(_, v)| v)
        });
        found.cloned().ok_or_else(|| {
            format!("$ref {text} is not among the schema's references (no network fetch)").into()
        })
    }
}

fn check(validator: &Validator, value: &serde_json::Value) -> Result<()> {
    validator
        .validate(value)
        .map_err(|e| Error::Validation(format!("{e} at {}", e.instance_path())))
}

/// Encodes values of `T` as Confluent-framed JSON text (see [`Serializer`]).
pub type JsonSerializer<T> = Serializer<JsonFormat, T>;

/// The JSON Schema format of [`JsonSerializer`]: the schema and, with validation on, compiled
/// validators per schema id.
pub struct JsonFormat {
    own: Schema,
    record_name: Option<String>,
    validators: Cache<i32, Arc<Validator>>,
}

impl<T: Serialize + ?Sized> Serializer<JsonFormat, T> {
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
        let format = JsonFormat {
            record_name: record_name(&schema),
            own: schema,
            validators: Cache::new(CACHE_CAPACITY),
        };
        Ok(Self::from_format(client, format, config))
    }
}

// the rule types are the crate's own; the traits are sealed (see `ser`)
#[allow(private_interfaces)]
#[async_trait]
impl Format for JsonFormat {
    type Framing = Framing;
    type Header = SchemaIdHeader;
    /// the validator, with validation on
    type State = Option<Arc<Validator>>;

    fn record_name(&self) -> Option<&str> {
        self.record_name.as_deref()
    }

    async fn own<'a>(
        &'a self,
        _client: &'a dyn RegistryClient,
        _config: &'a SerializerConfig,
    ) -> Result<&'a Schema> {
        Ok(&self.own)
    }

    async fn prepare(
        &self,
        client: &dyn RegistryClient,
        config: &SerializerConfig,
        _subject: &str,
        own: &Schema,
        sel: &Selected,
    ) -> Result<(Framing, Self::State)> {
        if !config.validate {
            return Ok((sel.framing, None));
        }
        let schema = if sel.is_own {
            own
        } else {
            &sel.registered.schema
        };
        let key = sel.registered.id.map(|i| i.0).unwrap_or(-1);
        let v = self
            .validators
            .get_or_insert_async(&key, async {
                compile_referencing(client, schema).await.map(Arc::new)
            })
            .await?;
        Ok((sel.framing, Some(v)))
    }

    #[inline]
    fn start(framing: &Framing, out: &mut Vec<u8>) -> Option<SchemaIdHeader> {
        framing.start(out)
    }

    async fn rule_shape(&self, _client: &dyn RegistryClient, schema: &Schema) -> Shape {
        Shape::json(&schema.schema)
    }
}

// the rule types are the crate's own; the traits are sealed (see `ser`)
#[allow(private_interfaces)]
impl<T: Serialize + ?Sized> Encode<T> for JsonFormat {
    fn encode(&self, validator: &Self::State, value: &T, out: &mut Vec<u8>) -> Result<()> {
        let ser = |e: serde_json::Error| Error::Serialize(e.to_string());
        match validator {
            Some(v) => {
                let json = serde_json::to_value(value).map_err(ser)?;
                check(v, &json)?;
                serde_json::to_writer(&mut *out, &json).map_err(ser)
            }
            None => serde_json::to_writer(&mut *out, value).map_err(ser),
        }
    }

    fn rule_view(&self, value: &T) -> Result<Message> {
        crate::ser::json_rule_view(value)
    }

    fn encode_transformed(
        &self,
        validator: &Self::State,
        message: Transformed,
        out: &mut Vec<u8>,
    ) -> Result<()> {
        let Transformed::Json(json) = message else {
            return Err(message.unexpected("JSON"));
        };
        if let Some(v) = validator {
            check(v, &json)?;
        }
        serde_json::to_writer(&mut *out, &json).map_err(|e| Error::Serialize(e.to_string()))
    }
}

/// Decodes Confluent-framed JSON; with validation on, each writer schema is fetched once and its
/// compiled validator (and READ rules) cached. Without validation no registry call is made at
/// all, so no rules run either.
#[derive(Clone)]
pub struct JsonDeserializer {
    inner: Arc<JsonDeInner>,
}

struct JsonDeInner {
    client: Arc<dyn RegistryClient>,
    validate: bool,
    by_id: Cache<i32, Arc<JsonWriter>>,
    by_guid: Cache<SchemaGuid, Arc<JsonWriter>>,
    hot_id: HotMap<i32, JsonWriter>,
    hot_guid: HotMap<SchemaGuid, JsonWriter>,
}

/// A writer schema as the validating deserializer uses it.
pub(crate) struct JsonWriter {
    validator: Validator,
    /// its READ domain rules
    rules: Option<Arc<Rules>>,
}

impl JsonWriter {
    async fn load(client: &dyn RegistryClient, registered: &RegisteredSchema) -> Result<Arc<Self>> {
        let subject = registered.subject.as_deref().unwrap_or("");
        let rules = Rules::for_phase(&registered.schema, subject, Phase::Read)?
            .map(|r| Arc::new(r.with_shape(Shape::json(&registered.schema.schema))));
        Ok(Arc::new(JsonWriter {
            validator: compile_referencing(client, &registered.schema).await?,
            rules,
        }))
    }
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
        f: impl FnOnce(&JsonWriter) -> R,
    ) -> Option<R> {
        match r {
            SchemaRef::Id(id) => self.inner.hot_id.with(&id.0, f),
            SchemaRef::Guid(g) => self.inner.hot_guid.with(&g, f),
        }
    }

    pub(crate) async fn validator(&self, r: SchemaRef) -> Result<Arc<JsonWriter>> {
        let inner = &*self.inner;
        match r {
            SchemaRef::Id(id) => {
                let v = inner
                    .by_id
                    .get_or_insert_async(&id.0, async {
                        let s = inner.client.schema_by_id(id).await?;
                        JsonWriter::load(&*inner.client, &s).await
                    })
                    .await?;
                inner.hot_id.insert(id.0, v.clone());
                Ok(v)
            }
            SchemaRef::Guid(g) => {
                let v = inner
                    .by_guid
                    .get_or_insert_async(&g, async {
                        let s = inner.client.schema_by_guid(g).await?;
                        JsonWriter::load(&*inner.client, &s).await
                    })
                    .await?;
                inner.hot_guid.insert(g, v.clone());
                Ok(v)
            }
        }
    }
}

pub(crate) fn decode_with<T: DeserializeOwned>(
    writer: Option<&JsonWriter>,
    payload: &[u8],
) -> Result<T> {
    let de = |e: serde_json::Error| Error::Deserialize(e.to_string());
    match writer {
        Some(w) => {
            let json: serde_json::Value = serde_json::from_slice(payload).map_err(de)?;
            check(&w.validator, &json)?;
            if let Some(rules) = &w.rules {
                let cx = RuleContext {
                    topic: "",
                    is_key: false,
                };
                if let Some(t) = rules.run(&cx, || Ok(Message::Json(json.clone())))? {
                    let Transformed::Json(new) = t else {
                        return Err(t.unexpected("JSON"));
                    };
                    // what a READ transform hands out conforms to the schema too
                    check(&w.validator, &new)?;
                    return serde_json::from_value(new).map_err(de);
                }
            }
            serde_json::from_value(json).map_err(de)
        }
        None => serde_json::from_slice(payload).map_err(de),
    }
}
