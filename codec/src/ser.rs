//! One serializer for every format: the per-topic registry step (subject strategy, register /
//! lookup / latest / fixed id), the lock-free per-topic cache, framing, and the one place where
//! data-contract rules run before a value is encoded (and a transformed message is encoded
//! instead of the value). Formats plug in through [`Format`].
// The format trait is the crate's own (sealed by being private); users name the aliases
// `AvroSerializer<T>`, `JsonSerializer<T>`, `ProtobufSerializer<T>`.
#![allow(private_bounds, private_interfaces)]

use std::marker::PhantomData;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use async_trait::async_trait;

use crate::client::RegistryClient;
use crate::config::{Encoded, Selected, SerializerConfig, select};
use crate::error::Result;
use crate::hot::HotMap;
use crate::rules::{Message, Phase, RuleContext, Rules, Shape, Transformed};
use crate::schema::Schema;

const CACHE_CAPACITY: usize = 1000;

/// What a format adds to the shared serializer.
#[async_trait]
pub trait Format: Send + Sync + Sized + 'static {
    /// bytes written ahead of the payload (or the header carrying them)
    type Framing: Send + Sync + 'static;
    /// the record header returned in header form
    type Header: Clone + Send + 'static;
    /// what encoding needs per topic (e.g. the parsed writer schema)
    type State: Send + Sync + 'static;

    /// The name RecordName strategies use.
    fn record_name(&self) -> Option<&str>;

    /// The schema the registry step sends (register, lookup).
    async fn own<'a>(
        &'a self,
        client: &'a dyn RegistryClient,
        config: &'a SerializerConfig,
    ) -> Result<&'a Schema>;

    /// The per-topic framing and state once the registry step has chosen a schema.
    async fn prepare(
        &self,
        client: &dyn RegistryClient,
        config: &SerializerConfig,
        subject: &str,
        own: &Schema,
        sel: &Selected,
    ) -> Result<(Self::Framing, Self::State)>;

    /// Writes the prefix (if any) and returns the header (header form).
    fn start(framing: &Self::Framing, out: &mut Vec<u8>) -> Option<Self::Header>;

    /// What field rules and transforms need to know of `schema` (the selected one) beyond the
    /// rules; a schema that cannot be read gives [`Shape::Broken`], which fails those rules.
    async fn rule_shape(&self, client: &dyn RegistryClient, schema: &Schema) -> Shape;
}

/// Encoding values of `T` in a format.
pub trait Encode<T: ?Sized>: Format {
    /// Appends the bare encoding of `value`.
    fn encode(&self, state: &Self::State, value: &T, out: &mut Vec<u8>) -> Result<()>;

    /// The value as data-contract rules see it (`message` in CEL); [`json_rule_view`] for
    /// formats whose values are serde types.
    fn rule_view(&self, value: &T) -> Result<Message>;

    /// Appends the bare encoding of a message a `TRANSFORM` rule replaced.
    fn encode_transformed(
        &self,
        state: &Self::State,
        message: Transformed,
        out: &mut Vec<u8>,
    ) -> Result<()>;
}

/// A serializer for values of `T` in format `F`; use the aliases [`crate::AvroSerializer`],
/// [`crate::JsonSerializer`] and [`crate::ProtobufSerializer`].
///
/// The first message per topic does the registry step its [`SerializerConfig`] asks for; later
/// messages find the framing and encoding state in a per-topic cache and only encode (and run the
/// selected schema's WRITE rules, if it has any). Cheap to clone.
pub struct Serializer<F: Format, T: ?Sized> {
    inner: Arc<Core<F>>,
    _t: PhantomData<fn(&T)>,
}

impl<F: Format, T: ?Sized> Clone for Serializer<F, T> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            _t: PhantomData,
        }
    }
}

pub(crate) struct Core<F: Format> {
    client: Arc<dyn RegistryClient>,
    config: SerializerConfig,
    pub(crate) format: F,
    targets: HotMap<String, Prepared<F>>,
    /// The first topic prepared and its state, kept for good: most serializers write one
    /// topic, and this answers them with one atomic load and a string compare.
    first: OnceLock<(Box<str>, Arc<Prepared<F>>)>,
}

pub(crate) struct Prepared<F: Format> {
    framing: F::Framing,
    state: F::State,
    /// the selected schema's WRITE domain rules, compiled; `None` when there are none
    rules: Option<Arc<Rules>>,
    expires: Option<Instant>,
}

impl<F: Format> Prepared<F> {
    #[inline]
    fn fresh(&self) -> bool {
        self.expires.is_none_or(|at| Instant::now() < at)
    }
}

impl<F: Format> crate::hot::Expiring for Prepared<F> {
    fn expires(&self) -> Option<Instant> {
        self.expires
    }
}

impl<F: Format, T: ?Sized> Serializer<F, T> {
    pub(crate) fn from_format(
        client: Arc<dyn RegistryClient>,
        format: F,
        config: SerializerConfig,
    ) -> Self {
        Self {
            inner: Arc::new(Core {
                client,
                config,
                format,
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

    pub(crate) fn format(&self) -> &F {
        &self.inner.format
    }

    pub(crate) fn shared(&self) -> Arc<Core<F>> {
        self.inner.clone()
    }

    /// Runs the registry step for `topic` now (e.g. at start-up), so the first message is fast.
    pub async fn prepare(&self, topic: &str) -> Result<()> {
        self.inner.prepare(topic).await.map(drop)
    }
}

impl<F: Encode<T>, T: ?Sized> Serializer<F, T> {
    /// Encodes `value` for `topic` into a new buffer.
    pub async fn serialize(&self, topic: &str, value: &T) -> Result<Encoded<F::Header>> {
        let mut payload = Vec::with_capacity(64);
        let header = self.serialize_into(topic, value, &mut payload).await?;
        Ok(Encoded { payload, header })
    }

    /// Encodes a nullable value: `None` becomes a `null` Kafka record (no bytes, no registry call).
    pub async fn serialize_nullable(
        &self,
        topic: &str,
        value: Option<&T>,
    ) -> Result<Option<Encoded<F::Header>>> {
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
    ) -> Result<Option<F::Header>> {
        if let Some(r) = self.serialize_cached_into(topic, value, out) {
            return r;
        }
        // boxed so the future callers poll on every message stays small
        let p = Box::pin(self.inner.prepare(topic)).await?;
        self.inner.encode(&p, topic, value, out)
    }

    /// The cache-only path: `None` when `topic` has not been prepared (or its latest expired).
    #[inline]
    pub fn serialize_cached_into(
        &self,
        topic: &str,
        value: &T,
        out: &mut Vec<u8>,
    ) -> Option<Result<Option<F::Header>>> {
        let inner = &*self.inner;
        if let Some((first, p)) = inner.first.get()
            && &**first == topic
            && p.fresh()
        {
            return Some(inner.encode(p, topic, value, out));
        }
        inner
            .targets
            .with_fresh(topic, |p| inner.encode(p, topic, value, out))
    }
}

impl<F: Format> Core<F> {
    #[inline]
    fn encode<T: ?Sized>(
        &self,
        p: &Prepared<F>,
        topic: &str,
        value: &T,
        out: &mut Vec<u8>,
    ) -> Result<Option<F::Header>>
    where
        F: Encode<T>,
    {
        let mut transformed = None;
        if let Some(rules) = &p.rules {
            let cx = RuleContext {
                topic,
                is_key: self.config.is_key,
            };
            transformed = rules.run(&cx, || self.format.rule_view(value))?;
        }
        let start = out.len();
        let header = F::start(&p.framing, out);
        let encoded = match transformed {
            None => self.format.encode(&p.state, value, out),
            Some(message) => self.format.encode_transformed(&p.state, message, out),
        };
        match encoded {
            Ok(()) => Ok(header),
            Err(e) => {
                out.truncate(start);
                Err(e)
            }
        }
    }

    pub(crate) async fn prepare(&self, topic: &str) -> Result<Arc<Prepared<F>>> {
        let config = &self.config;
        let subject = config
            .strategy
            .subject(topic, config.is_key, self.format.record_name())?;
        let client = &*self.client;
        let own = self.format.own(client, config).await?;
        let sel = select(client, config, &subject, own).await?;
        let (framing, state) = self
            .format
            .prepare(client, config, &subject, own, &sel)
            .await?;
        let rules = match Rules::for_phase(&sel.registered.schema, &subject, Phase::Write)? {
            Some(r) if r.needs_shape() => {
                let shape = self.format.rule_shape(client, &sel.registered.schema).await;
                Some(Arc::new(r.with_shape(shape)))
            }
            r => r.map(Arc::new),
        };
        let expires = config
            .selection
            .is_latest()
            .then(|| Instant::now() + config.latest_ttl);
        let p = Arc::new(Prepared {
            framing,
            state,
            rules,
            expires,
        });
        self.targets.insert(topic.to_owned(), p.clone());
        let _ = self.first.set((topic.into(), p.clone()));
        Ok(p)
    }
}

/// A serde value as rules see it: its JSON form (the Avro and JSON formats' rule view).
pub(crate) fn json_rule_view<T: serde::Serialize + ?Sized>(value: &T) -> Result<Message> {
    serde_json::to_value(value)
        .map(Message::Json)
        .map_err(|e| crate::error::Error::Serialize(e.to_string()))
}
