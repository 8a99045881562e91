//! A blocking facade over the async codecs, safe to call from any thread: plain threads, and also
//! tokio worker threads (where `Runtime::block_on` or reqwest's blocking client would panic).
//!
//! Cache hits run on the caller's thread with no runtime at all. A miss is sent to one background
//! thread that owns a small tokio runtime, and the caller waits for the answer.

use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;

use serde::de::DeserializeOwned;

use crate::avro::AvroDeserializer;
use crate::config::Encoded;
use crate::error::{Error, Result};
use crate::json::{JsonDeserializer, decode_with};
use crate::ser::{Encode, Serializer};
use crate::wire;

type Job = Pin<Box<dyn Future<Output = ()> + Send>>;

fn executor() -> Result<&'static tokio::sync::mpsc::UnboundedSender<Job>> {
    static TX: OnceLock<std::result::Result<tokio::sync::mpsc::UnboundedSender<Job>, String>> =
        OnceLock::new();
    TX.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the codec's background runtime: {e}"))?;
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Job>();
        std::thread::Builder::new()
            .name("codec-blocking".into())
            .spawn(move || {
                rt.block_on(async move {
                    while let Some(job) = rx.recv().await {
                        tokio::spawn(job);
                    }
                })
            })
            .map_err(|e| format!("cannot start the codec's background thread: {e}"))?;
        Ok(tx)
    })
    .as_ref()
    .map_err(|e| Error::Config(e.clone()))
}

/// Runs `fut` to completion on the background runtime and waits for it on this thread.
///
/// Never panics for being called inside a runtime; it does block the calling thread, so in async
/// code prefer the async API.
pub fn block_on<F>(fut: F) -> Result<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    executor()?
        .send(Box::pin(async move {
            let _ = tx.send(fut.await);
        }))
        .map_err(|_| Error::Config("the codec's background runtime has stopped".into()))?;
    rx.recv()
        .map_err(|_| Error::Config("a registry task was dropped before it finished".into()))
}

/// Blocking wrapper around any codec of this crate: `Blocking::new(serializer)`.
#[derive(Clone)]
pub struct Blocking<C>(C);

impl<C> Blocking<C> {
    /// Wraps an async codec.
    pub fn new(codec: C) -> Self {
        Self(codec)
    }

    /// The async codec inside.
    pub fn inner(&self) -> &C {
        &self.0
    }
}

/// A serializer the blocking facade can drive: a cache-only path, and the registry step run on
/// the background runtime. Implemented by every [`Serializer`] (Avro, JSON, Protobuf); sealed.
pub trait TopicSerializer<T: ?Sized>: sealed::Sealed {
    /// The record header returned in header form.
    type Header;
    /// The framed encoding from the prepared state, `None` when `topic` is not prepared.
    fn cached_into(
        &self,
        topic: &str,
        value: &T,
        out: &mut Vec<u8>,
    ) -> Option<Result<Option<Self::Header>>>;
    /// The registry step for `topic`, owning what it needs.
    fn prepare_owned(&self, topic: String) -> Pin<Box<dyn Future<Output = Result<()>> + Send>>;
}

mod sealed {
    pub trait Sealed {}
    #[allow(private_bounds)]
    impl<F: crate::ser::Format, T: ?Sized> Sealed for crate::ser::Serializer<F, T> {}
}

#[allow(private_bounds)]
impl<F: Encode<T>, T: ?Sized> TopicSerializer<T> for Serializer<F, T> {
    type Header = F::Header;

    fn cached_into(
        &self,
        topic: &str,
        value: &T,
        out: &mut Vec<u8>,
    ) -> Option<Result<Option<F::Header>>> {
        self.serialize_cached_into(topic, value, out)
    }

    fn prepare_owned(&self, topic: String) -> Pin<Box<dyn Future<Output = Result<()>> + Send>> {
        let inner = self.shared();
        Box::pin(async move { inner.prepare(&topic).await.map(drop) })
    }
}

impl<S> Blocking<S> {
    /// See [`Serializer::serialize_into`].
    pub fn serialize_into<T: ?Sized>(
        &self,
        topic: &str,
        value: &T,
        out: &mut Vec<u8>,
    ) -> Result<Option<S::Header>>
    where
        S: TopicSerializer<T>,
    {
        if let Some(r) = self.0.cached_into(topic, value, out) {
            return r;
        }
        block_on(self.0.prepare_owned(topic.to_owned()))??;
        self.0.cached_into(topic, value, out).unwrap_or_else(|| {
            Err(Error::Config(format!(
                "topic {topic} expired while preparing"
            )))
        })
    }

    /// See [`Serializer::serialize`].
    pub fn serialize<T: ?Sized>(&self, topic: &str, value: &T) -> Result<Encoded<S::Header>>
    where
        S: TopicSerializer<T>,
    {
        let mut payload = Vec::with_capacity(64);
        let header = self.serialize_into(topic, value, &mut payload)?;
        Ok(Encoded { payload, header })
    }
}

impl Blocking<AvroDeserializer> {
    /// See [`AvroDeserializer::deserialize`].
    pub fn deserialize<T: DeserializeOwned>(&self, data: &[u8]) -> Result<T> {
        self.deserialize_with_header(None, data)
    }

    /// See [`AvroDeserializer::deserialize_with_header`].
    pub fn deserialize_with_header<T: DeserializeOwned>(
        &self,
        header: Option<&[u8]>,
        data: &[u8],
    ) -> Result<T> {
        let (r, payload) = wire::decode_with_header(header, data)?;
        if let Some(res) = self.0.with_cached(r, |w| self.0.decode_owned(w, payload)) {
            return res;
        }
        let w = self.writer(r)?;
        self.0.decode_owned(&w, payload)
    }

    /// See [`AvroDeserializer::deserialize_borrowed`].
    pub fn deserialize_borrowed<'a, T: serde::Deserialize<'a>>(
        &self,
        header: Option<&[u8]>,
        data: &'a [u8],
    ) -> Result<T> {
        let (r, payload) = wire::decode_with_header(header, data)?;
        if let Some(res) = self
            .0
            .with_cached(r, |w| self.0.decode_borrowed_with(w, payload))
        {
            return res;
        }
        let w = self.writer(r)?;
        self.0.decode_borrowed_with(&w, payload)
    }

    /// See [`AvroDeserializer::decode_json`].
    pub fn decode_json(&self, header: Option<&[u8]>, data: &[u8]) -> Result<serde_json::Value> {
        let (r, payload) = wire::decode_with_header(header, data)?;
        if let Some(res) = self
            .0
            .with_cached(r, |w| self.0.decode_json_with(w, payload))
        {
            return res;
        }
        let w = self.writer(r)?;
        self.0.decode_json_with(&w, payload)
    }

    fn writer(&self, r: wire::SchemaRef) -> Result<std::sync::Arc<crate::avro::Writer>> {
        let de = self.0.clone();
        block_on(async move { de.writer(r).await })?
    }
}

impl Blocking<JsonDeserializer> {
    /// See [`JsonDeserializer::deserialize`].
    pub fn deserialize<T: DeserializeOwned>(&self, data: &[u8]) -> Result<T> {
        self.deserialize_with_header(None, data)
    }

    /// See [`JsonDeserializer::deserialize_with_header`].
    pub fn deserialize_with_header<T: DeserializeOwned>(
        &self,
        header: Option<&[u8]>,
        data: &[u8],
    ) -> Result<T> {
        let (r, payload) = wire::decode_with_header(header, data)?;
        if !self.0.needs_registry() {
            return decode_with(None, payload);
        }
        if let Some(res) = self.0.with_cached(r, |v| decode_with(Some(v), payload)) {
            return res;
        }
        let de = self.0.clone();
        let v = block_on(async move { de.validator(r).await })??;
        decode_with(Some(&v), payload)
    }
}
