//! Avro: a serializer for any `T: Serialize`, a deserializer into any `T: Deserialize` or a
//! generic value, with writer → reader resolution. Cached hits run on `serde_avro_fast` only.

use std::sync::Arc;

use async_trait::async_trait;

use apache_avro::Schema as AvroSchema;
use quick_cache::sync::Cache;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_avro_fast::Schema as FastSchema;

use crate::client::{RegistryClient, resolve_references};
use crate::config::{Framing, SchemaIdHeader, SchemaSelection, Selected, SerializerConfig};
use crate::error::{Error, Result};
use crate::hot::HotMap;
use crate::rules::{Message, Phase, RuleContext, Rules, Shape, Transformed};
use crate::schema::{RegisteredSchema, Schema, SchemaType};
use crate::ser::{Encode, Format, Serializer};
use crate::strategy::record_name;
use crate::wire::{self, SchemaGuid, SchemaRef};

/// Deserializers do not know the topic a payload came from.
const READ_CONTEXT: RuleContext<'static> = RuleContext {
    topic: "",
    is_key: false,
};

/// Parsed writer schemas kept per deserializer or serializer.
const PARSED_CACHE_CAPACITY: usize = 1000;

/// Longest sequence (array or map) a payload may declare. Items of non-zero width are also bounded
/// by the payload's length; this caps zero-width items (`null`, empty records), which a hostile
/// block count could otherwise make unbounded.
pub const MAX_SEQUENCE_LEN: usize = 1_000_000;

async fn parse_fast(client: &dyn RegistryClient, schema: &Schema) -> Result<FastSchema> {
    if schema.schema_type != SchemaType::Avro {
        return Err(Error::Schema(format!(
            "expected an AVRO schema, got {:?}",
            schema.schema_type
        )));
    }
    if schema.references.is_empty() {
        return schema
            .schema
            .parse()
            .map_err(|e| Error::Schema(format!("{e}")));
    }
    let deps = resolve_references(client, schema).await?;
    FastSchema::from_schemata(&schema.schema, deps).map_err(|e| Error::Schema(format!("{e}")))
}

async fn parse_apache(
    client: &dyn RegistryClient,
    schema: &Schema,
) -> Result<(AvroSchema, Vec<AvroSchema>)> {
    let deps = if schema.references.is_empty() {
        Vec::new()
    } else {
        resolve_references(client, schema).await?
    };
    AvroSchema::parse_str_with_list(&schema.schema, &deps).map_err(|e| Error::Schema(e.to_string()))
}

// ---------------------------------------------------------------------------------------------
// serializer

/// Encodes values of `T` for Kafka: Confluent framing + Avro binary (see [`Serializer`]).
pub type AvroSerializer<T> = Serializer<AvroFormat, T>;

/// The Avro format of [`AvroSerializer`]: the serializer's schema, parsed up front when it has no
/// references.
pub struct AvroFormat {
    own: Schema,
    own_parsed: Option<Arc<FastSchema>>,
    record_name: Option<String>,
}

impl<T: Serialize + ?Sized> Serializer<AvroFormat, T> {
    /// A serializer writing `schema` (the schema `T` is written with) through `client`.
    ///
    /// Fails early when the schema does not parse or is not Avro.
    pub fn new(
        client: Arc<dyn RegistryClient>,
        schema: Schema,
        config: SerializerConfig,
    ) -> Result<Self> {
        if schema.schema_type != SchemaType::Avro {
            return Err(Error::Schema("AvroSerializer needs an AVRO schema".into()));
        }
        let own_parsed = if schema.references.is_empty() {
            Some(Arc::new(
                schema
                    .schema
                    .parse::<FastSchema>()
                    .map_err(|e| Error::Schema(format!("{e}")))?,
            ))
        } else {
            None
        };
        let format = AvroFormat {
            record_name: record_name(&schema),
            own: schema,
            own_parsed,
        };
        Ok(Self::from_format(client, format, config))
    }
}

// the rule types are the crate's own; the traits are sealed (see `ser`)
#[allow(private_interfaces)]
#[async_trait]
impl Format for AvroFormat {
    type Framing = Framing;
    type Header = SchemaIdHeader;
    type State = Arc<FastSchema>;

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
        subject: &str,
        own: &Schema,
        sel: &Selected,
    ) -> Result<(Framing, Arc<FastSchema>)> {
        let schema = match (&self.own_parsed, sel.is_own) {
            (Some(p), true) => p.clone(),
            (None, true) => Arc::new(parse_fast(client, own).await?),
            (_, false) => Arc::new(parse_fast(client, &sel.registered.schema).await?),
        };
        let (strict, what) = match &config.selection {
            SchemaSelection::UseLatest { strict } => {
                (*strict, format!("latest version of subject {subject}"))
            }
            SchemaSelection::LatestWithMetadata { strict, .. } => (
                *strict,
                format!("latest version with metadata of subject {subject}"),
            ),
            SchemaSelection::UseId { id, strict } => (*strict, format!("schema {id}")),
            _ => (false, String::new()),
        };
        if strict {
            let (own, _) = parse_apache(client, own).await?;
            let (target, _) = parse_apache(client, &sel.registered.schema).await?;
            if let Err(e) =
                apache_avro::schema_compatibility::SchemaCompatibility::can_read(&own, &target)
            {
                return Err(Error::Config(format!(
                    "Incompatible schema of type AVRO: {what} cannot read the serializer's schema ({e}). Set strict to false to use it anyway"
                )));
            }
        }
        Ok((sel.framing, schema))
    }

    #[inline]
    fn start(framing: &Framing, out: &mut Vec<u8>) -> Option<SchemaIdHeader> {
        framing.start(out)
    }

    async fn rule_shape(&self, client: &dyn RegistryClient, schema: &Schema) -> Shape {
        avro_shape(client, schema).await
    }
}

/// The rule shape of an Avro schema, with its references' named types.
async fn avro_shape(client: &dyn RegistryClient, schema: &Schema) -> Shape {
    let deps = if schema.references.is_empty() {
        Vec::new()
    } else {
        match resolve_references(client, schema).await {
            Ok(d) => d,
            Err(e) => return Shape::Broken(format!("the schema's references cannot be read: {e}")),
        }
    };
    Shape::avro(&schema.schema, &deps)
}

// the rule types are the crate's own; the traits are sealed (see `ser`)
#[allow(private_interfaces)]
impl<T: Serialize + ?Sized> Encode<T> for AvroFormat {
    #[inline]
    fn encode(&self, schema: &Arc<FastSchema>, value: &T, out: &mut Vec<u8>) -> Result<()> {
        let mut cfg = serde_avro_fast::ser::SerializerConfig::new(schema);
        serde_avro_fast::to_datum(value, &mut *out, &mut cfg)
            .map(drop)
            .map_err(|e| Error::Serialize(e.to_string()))
    }

    fn rule_view(&self, value: &T) -> Result<Message> {
        crate::ser::json_rule_view(value)
    }

    fn encode_transformed(
        &self,
        _schema: &Arc<FastSchema>,
        message: Transformed,
        out: &mut Vec<u8>,
    ) -> Result<()> {
        match message {
            Transformed::AvroDatum(datum) => {
                out.extend_from_slice(&datum);
                Ok(())
            }
            other => Err(other.unexpected("Avro")),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// deserializer

/// Decodes Confluent-framed Avro, fetching each writer schema once (by id or GUID) and caching
/// the parsed form. Cheap to clone.
#[derive(Clone)]
pub struct AvroDeserializer {
    inner: Arc<DeInner>,
}

struct DeInner {
    client: Arc<dyn RegistryClient>,
    /// loading caches: one registry fetch per id however many callers miss at once
    by_id: Cache<i32, Arc<Writer>>,
    by_guid: Cache<SchemaGuid, Arc<Writer>>,
    /// what message decoding reads
    hot_id: HotMap<i32, Writer>,
    hot_guid: HotMap<SchemaGuid, Writer>,
    reader: Option<ReaderSchema>,
}

struct ReaderSchema {
    apache: AvroSchema,
    canonical: String,
    /// for messages READ transforms change: their datum is written with the reader schema
    fast: Option<FastSchema>,
    text: String,
}

/// A writer schema, parsed for both decoders.
pub(crate) struct Writer {
    fast: FastSchema,
    /// (main, dependencies) for the apache-avro path; a parse failure only matters on that path
    apache: std::result::Result<(AvroSchema, Vec<AvroSchema>), String>,
    source: Schema,
    /// the consumer's reader schema differs: typed and generic decodes go through resolution
    resolve: bool,
    /// the writer schema's READ domain rules
    rules: Option<Arc<Rules>>,
}

impl Writer {
    fn apache(&self) -> Result<&(AvroSchema, Vec<AvroSchema>)> {
        self.apache.as_ref().map_err(|e| Error::Schema(e.clone()))
    }
}

impl AvroDeserializer {
    /// Decodes with each message's writer schema; a `T` with `#[serde(default)]` fields and fewer
    /// fields than the writer is the usual way to read evolving data.
    pub fn new(client: Arc<dyn RegistryClient>) -> Self {
        Self::build(client, None)
    }

    /// Decodes data written with any compatible schema as if it had been written with `reader`
    /// (Avro schema resolution: defaults for missing fields, promotions, dropped fields).
    ///
    /// Messages whose writer schema equals `reader` (same canonical form) still take the fast path.
    pub fn with_reader_schema(client: Arc<dyn RegistryClient>, reader: &str) -> Result<Self> {
        let apache = AvroSchema::parse_str(reader).map_err(|e| Error::Schema(e.to_string()))?;
        let canonical = apache.canonical_form();
        Ok(Self::build(
            client,
            Some(ReaderSchema {
                apache,
                canonical,
                fast: reader.parse().ok(),
                text: reader.to_owned(),
            }),
        ))
    }

    fn build(client: Arc<dyn RegistryClient>, reader: Option<ReaderSchema>) -> Self {
        Self {
            inner: Arc::new(DeInner {
                client,
                by_id: Cache::new(PARSED_CACHE_CAPACITY),
                by_guid: Cache::new(PARSED_CACHE_CAPACITY),
                hot_id: HotMap::new(PARSED_CACHE_CAPACITY),
                hot_guid: HotMap::new(PARSED_CACHE_CAPACITY),
                reader,
            }),
        }
    }

    /// Decodes a prefixed payload into `T`.
    pub async fn deserialize<T: DeserializeOwned>(&self, data: &[u8]) -> Result<T> {
        self.deserialize_with_header(None, data).await
    }

    /// Decodes a record into `T`; `header` is the `__value_schema_id` (or key) header if the record
    /// has one, which then wins over the payload prefix.
    pub async fn deserialize_with_header<T: DeserializeOwned>(
        &self,
        header: Option<&[u8]>,
        data: &[u8],
    ) -> Result<T> {
        let (r, payload) = wire::decode_with_header(header, data)?;
        if let Some(res) = self.with_cached(r, |w| self.decode_owned(w, payload)) {
            return res;
        }
        let w = Box::pin(self.writer(r)).await?;
        self.decode_owned(&w, payload)
    }

    /// Zero-copy decode: `T` may borrow `&str` / `&[u8]` from `data`. Always uses the writer schema
    /// (no reader-schema resolution).
    pub async fn deserialize_borrowed<'a, T: Deserialize<'a>>(
        &self,
        header: Option<&[u8]>,
        data: &'a [u8],
    ) -> Result<T> {
        let (r, payload) = wire::decode_with_header(header, data)?;
        if let Some(res) = self.with_cached(r, |w| self.decode_borrowed_with(w, payload)) {
            return res;
        }
        let w = Box::pin(self.writer(r)).await?;
        self.decode_borrowed_with(&w, payload)
    }

    #[inline]
    pub(crate) fn decode_borrowed_with<'a, T: Deserialize<'a>>(
        &self,
        w: &Writer,
        payload: &'a [u8],
    ) -> Result<T> {
        if w.rules.as_ref().is_some_and(|r| r.has_transforms()) {
            return Err(Error::Config(
                "the writer schema has READ TRANSFORM rules: a transformed message cannot borrow \
                 from the input, decode it with deserialize instead of deserialize_borrowed"
                    .into(),
            ));
        }
        self.apply_rules(w, payload)?;
        decode_fast(&w.fast, payload)
    }

    /// Decodes into a `serde_json::Value`: records become objects, unions their branch's value,
    /// `bytes`/`fixed` a string of code points 0–255 (Avro's JSON convention).
    pub async fn decode_json(
        &self,
        header: Option<&[u8]>,
        data: &[u8],
    ) -> Result<serde_json::Value> {
        let (r, payload) = wire::decode_with_header(header, data)?;
        if let Some(res) = self.with_cached(r, |w| self.decode_json_with(w, payload)) {
            return res;
        }
        let w = Box::pin(self.writer(r)).await?;
        self.decode_json_with(&w, payload)
    }

    pub(crate) fn decode_json_with(&self, w: &Writer, payload: &[u8]) -> Result<serde_json::Value> {
        let json = self.decode_json_plain(w, payload)?;
        if let Some(rules) = &w.rules
            && let Some(t) = rules.run(&READ_CONTEXT, || Ok(Message::Json(json.clone())))?
        {
            let datum = avro_datum(t)?;
            return decode_fast::<crate::generic::AvroJson>(self.rule_schema(w)?, &datum)
                .map(|j| j.0);
        }
        Ok(json)
    }

    fn decode_json_plain(&self, w: &Writer, payload: &[u8]) -> Result<serde_json::Value> {
        if w.resolve {
            let v = self.resolve_value(w, payload)?;
            return serde_json::Value::try_from(v).map_err(|e| Error::Deserialize(e.to_string()));
        }
        decode_fast::<crate::generic::AvroJson>(&w.fast, payload).map(|j| j.0)
    }

    /// Decodes into apache-avro's generic `Value` (resolved to the reader schema if one is set).
    /// This is the slow, fully general path.
    pub async fn decode_value(
        &self,
        header: Option<&[u8]>,
        data: &[u8],
    ) -> Result<apache_avro::types::Value> {
        let (r, payload) = wire::decode_with_header(header, data)?;
        let w = self.writer(r).await?;
        match self.apply_rules(&w, payload)? {
            None => self.resolve_value(&w, payload),
            Some(datum) => self.value_of_transformed(&w, &datum),
        }
    }

    /// The writer schema's text for a reference (fetched and cached like for decoding).
    pub async fn writer_schema(&self, r: SchemaRef) -> Result<Schema> {
        Ok(self.writer(r).await?.source.clone())
    }

    /// Runs the writer schema's READ rules, if it has any, on the decoded message; returns the
    /// datum of the message a transform replaced (written with [`Self::rule_schema`]).
    #[inline]
    pub(crate) fn apply_rules(&self, w: &Writer, payload: &[u8]) -> Result<Option<Vec<u8>>> {
        let Some(rules) = &w.rules else {
            return Ok(None);
        };
        rules
            .run(&READ_CONTEXT, || {
                self.decode_json_plain(w, payload).map(Message::Json)
            })?
            .map(avro_datum)
            .transpose()
    }

    /// The schema a transformed message is written with: the reader schema when messages are
    /// resolved to it (rules then see the resolved message), else the writer's.
    fn rule_schema<'w>(&'w self, w: &'w Writer) -> Result<&'w FastSchema> {
        match &self.inner.reader {
            Some(r) if w.resolve => r.fast.as_ref().ok_or_else(|| {
                Error::Schema("the reader schema cannot encode a transformed message".into())
            }),
            _ => Ok(&w.fast),
        }
    }

    fn value_of_transformed(
        &self,
        w: &Writer,
        mut datum: &[u8],
    ) -> Result<apache_avro::types::Value> {
        match &self.inner.reader {
            Some(r) if w.resolve => {
                let de = |e: apache_avro::Error| Error::Deserialize(e.to_string());
                apache_avro::reader::datum::GenericDatumReader::builder(&r.apache)
                    .build()
                    .map_err(de)?
                    .read_value(&mut datum)
                    .map_err(de)
            }
            _ => self.resolve_value(w, datum),
        }
    }

    pub(crate) fn decode_owned<T: DeserializeOwned>(
        &self,
        w: &Writer,
        payload: &[u8],
    ) -> Result<T> {
        if let Some(datum) = self.apply_rules(w, payload)? {
            return decode_fast(self.rule_schema(w)?, &datum);
        }
        if w.resolve {
            let v = self.resolve_value(w, payload)?;
            return apache_avro::from_value::<T>(&v).map_err(|e| Error::Deserialize(e.to_string()));
        }
        decode_fast(&w.fast, payload)
    }

    fn resolve_value(&self, w: &Writer, mut payload: &[u8]) -> Result<apache_avro::types::Value> {
        let (main, deps) = w.apache()?;
        let de = |e: apache_avro::Error| Error::Deserialize(e.to_string());
        let writers: Vec<&AvroSchema> = std::iter::once(main).chain(deps.iter()).collect();
        let builder = apache_avro::reader::datum::GenericDatumReader::builder(main)
            .writer_schemata(writers)
            .map_err(de)?;
        let reader = match &self.inner.reader {
            Some(r) if w.resolve => builder.reader_schema(&r.apache).build(),
            _ => builder.build(),
        }
        .map_err(de)?;
        reader.read_value(&mut payload).map_err(de)
    }

    /// Runs `f` with the cached writer schema, if there is one (the lock-free hot path).
    #[inline]
    pub(crate) fn with_cached<R>(&self, r: SchemaRef, f: impl FnOnce(&Writer) -> R) -> Option<R> {
        match r {
            SchemaRef::Id(id) => self.inner.hot_id.with(&id.0, f),
            SchemaRef::Guid(g) => self.inner.hot_guid.with(&g, f),
        }
    }

    /// The writer schema, fetched and parsed once per id or GUID.
    pub(crate) async fn writer(&self, r: SchemaRef) -> Result<Arc<Writer>> {
        let inner = &*self.inner;
        match r {
            SchemaRef::Id(id) => {
                let w = inner
                    .by_id
                    .get_or_insert_async(&id.0, async {
                        let s = inner.client.schema_by_id(id).await?;
                        inner.load_writer(&s).await
                    })
                    .await?;
                inner.hot_id.insert(id.0, w.clone());
                Ok(w)
            }
            SchemaRef::Guid(g) => {
                let w = inner
                    .by_guid
                    .get_or_insert_async(&g, async {
                        let s = inner.client.schema_by_guid(g).await?;
                        inner.load_writer(&s).await
                    })
                    .await?;
                inner.hot_guid.insert(g, w.clone());
                Ok(w)
            }
        }
    }
}

impl DeInner {
    async fn load_writer(&self, registered: &RegisteredSchema) -> Result<Arc<Writer>> {
        let source = &registered.schema;
        let client = &*self.client;
        let subject = registered.subject.as_deref().unwrap_or("");
        let rules = Rules::for_phase(source, subject, Phase::Read)?;
        let fast = parse_fast(client, source).await?;
        // apache-avro parsing is needed for resolution and generic values; do it now while we can
        // still await reference fetches, but keep a failure lazy (the fast path does not need it)
        let apache = parse_apache(client, source)
            .await
            .map_err(|e| e.to_string());
        let resolve = match (&self.reader, &apache) {
            (Some(r), Ok((w, _))) => w.canonical_form() != r.canonical,
            (Some(_), Err(_)) => true,
            (None, _) => false,
        };
        let rules = match rules {
            // resolved messages have the reader schema's shape
            Some(r) if r.needs_shape() => Some(Arc::new(r.with_shape(match &self.reader {
                Some(reader) if resolve => Shape::avro(&reader.text, &[]),
                _ => avro_shape(client, source).await,
            }))),
            r => r.map(Arc::new),
        };
        Ok(Arc::new(Writer {
            fast,
            apache,
            source: source.clone(),
            resolve,
            rules,
        }))
    }
}

/// The datum a transform produced for an Avro message.
fn avro_datum(t: Transformed) -> Result<Vec<u8>> {
    match t {
        Transformed::AvroDatum(d) => Ok(d),
        other => Err(other.unexpected("Avro")),
    }
}

#[inline]
pub(crate) fn decode_fast<'a, T: Deserialize<'a>>(
    schema: &FastSchema,
    payload: &'a [u8],
) -> Result<T> {
    let mut config = serde_avro_fast::de::DeserializerConfig::new(schema);
    config.max_seq_size = MAX_SEQUENCE_LEN;
    let mut state = serde_avro_fast::de::DeserializerState::with_config(
        serde_avro_fast::de::read::SliceRead::new(payload),
        config,
    );
    T::deserialize(state.deserializer()).map_err(|e| Error::Deserialize(e.to_string()))
}

/// Decodes a bare Avro datum (no framing) with a schema, under the same limits as the
/// deserializer: the function the property tests hammer with hostile input.
pub fn decode_datum<'a, T: Deserialize<'a>>(schema: &FastSchema, datum: &'a [u8]) -> Result<T> {
    decode_fast(schema, datum)
}

/// [`decode_datum`] into a generic JSON value (the conversion [`AvroDeserializer::decode_json`] uses).
pub fn decode_datum_json(schema: &FastSchema, datum: &[u8]) -> Result<serde_json::Value> {
    decode_fast::<crate::generic::AvroJson>(schema, datum).map(|j| j.0)
}
