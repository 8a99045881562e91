//! A caching [`RegistryClient`] wrapper: immutable answers kept (bounded) forever, "latest" with a
//! TTL, and one request per key however many callers miss at once.

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use quick_cache::sync::Cache;

use super::RegistryClient;
use crate::error::Result;
use crate::schema::{RegisteredSchema, Schema};
use crate::wire::{SchemaGuid, SchemaId};

/// Sizes and lifetimes of [`CachedClient`]'s caches.
#[derive(Debug, Clone)]
pub struct CacheConfig {
    /// entries per cache (Confluent's `max.schemas.per.subject`, default 1000)
    pub capacity: usize,
    /// how long `latest_version` answers are reused (Confluent's client default: 60 s)
    pub latest_ttl: Duration,
}

impl Default for CacheConfig {
    fn default() -> Self {
        Self {
            capacity: 1000,
            latest_ttl: Duration::from_secs(60),
        }
    }
}

#[derive(Clone, PartialEq, Eq, Hash)]
struct SchemaKey {
    register: bool,
    subject: String,
    schema: Schema,
    normalize: bool,
}

/// What a formatted answer (`?format=…`) is cached under; the format is part of the key.
#[derive(Clone, PartialEq, Eq, Hash)]
enum FormattedKey {
    Id(i32, String),
    Guid(SchemaGuid, String),
    Version(String, i32, String),
}

type Entry = Arc<RegisteredSchema>;

/// Wraps any client with Confluent-like caching.
///
/// | cache | key | lifetime |
/// |---|---|---|
/// | by id | schema id | forever (ids are immutable), bounded |
/// | by guid | GUID | forever, bounded |
/// | register / lookup | (subject, schema, normalize) | forever, bounded |
/// | subject version | (subject, version ≥ 1) | forever, bounded |
/// | latest | subject | [`CacheConfig::latest_ttl`]; dropped when this client registers to the subject |
/// | formatted (`?format=`) | id, GUID or (subject, version ≥ 1), and the format | forever, bounded; `latest` in another format is not cached |
///
/// Concurrent misses on one key wait for a single request (errors are not cached: the next call
/// asks again).
pub struct CachedClient<C> {
    inner: C,
    by_id: Cache<i32, Entry>,
    by_guid: Cache<SchemaGuid, Entry>,
    by_schema: Cache<SchemaKey, Entry>,
    versions: Cache<(String, i32), Entry>,
    latest: Cache<String, (Instant, Entry)>,
    formatted: Cache<FormattedKey, Entry>,
    latest_ttl: Duration,
}

impl<C: RegistryClient> CachedClient<C> {
    /// Default caches (1000 entries each, latest for 60 s).
    pub fn new(inner: C) -> Self {
        Self::with_config(inner, CacheConfig::default())
    }

    /// Custom sizes and TTL.
    pub fn with_config(inner: C, config: CacheConfig) -> Self {
        let cap = config.capacity.max(1);
        Self {
            inner,
            by_id: Cache::new(cap),
            by_guid: Cache::new(cap),
            by_schema: Cache::new(cap),
            versions: Cache::new(cap),
            latest: Cache::new(cap),
            formatted: Cache::new(cap),
            latest_ttl: config.latest_ttl,
        }
    }

    /// The wrapped client.
    pub fn inner(&self) -> &C {
        &self.inner
    }

    /// Forgets every cached answer.
    pub fn clear(&self) {
        self.by_id.clear();
        self.by_guid.clear();
        self.by_schema.clear();
        self.versions.clear();
        self.latest.clear();
        self.formatted.clear();
    }

    fn remember(&self, e: &Entry) {
        if let Some(id) = e.id
            && !e.schema.schema.is_empty()
        {
            self.by_id.insert(id.0, e.clone());
        }
    }

    async fn by_schema(&self, key: SchemaKey) -> Result<Entry> {
        let e = self
            .by_schema
            .get_or_insert_async(&key, async {
                if key.register {
                    self.inner
                        .register(&key.subject, &key.schema, key.normalize)
                        .await
                } else {
                    self.inner
                        .lookup(&key.subject, &key.schema, key.normalize)
                        .await
                }
            })
            .await?;
        if key.register {
            // a new version may now be the latest one
            self.latest.remove(key.subject.as_str());
        }
        Ok(e)
    }
}

#[async_trait]
impl<C: RegistryClient> RegistryClient for CachedClient<C> {
    async fn schema_by_id(&self, id: SchemaId) -> Result<Entry> {
        self.by_id
            .get_or_insert_async(&id.0, self.inner.schema_by_id(id))
            .await
    }

    async fn schema_by_guid(&self, guid: SchemaGuid) -> Result<Entry> {
        self.by_guid
            .get_or_insert_async(&guid, self.inner.schema_by_guid(guid))
            .await
    }

    async fn register(&self, subject: &str, schema: &Schema, normalize: bool) -> Result<Entry> {
        let key = SchemaKey {
            register: true,
            subject: subject.to_owned(),
            schema: schema.clone(),
            normalize,
        };
        let e = self.by_schema(key).await?;
        self.remember(&e);
        Ok(e)
    }

    async fn lookup(&self, subject: &str, schema: &Schema, normalize: bool) -> Result<Entry> {
        let key = SchemaKey {
            register: false,
            subject: subject.to_owned(),
            schema: schema.clone(),
            normalize,
        };
        let e = self.by_schema(key).await?;
        self.remember(&e);
        Ok(e)
    }

    async fn latest_version(&self, subject: &str) -> Result<Entry> {
        if let Some((at, e)) = self.latest.get(subject) {
            if at.elapsed() < self.latest_ttl {
                return Ok(e);
            }
            self.latest.remove(subject);
        }
        let (_, e) = self
            .latest
            .get_or_insert_async(subject, async {
                Ok::<_, crate::Error>((Instant::now(), self.inner.latest_version(subject).await?))
            })
            .await?;
        self.remember(&e);
        Ok(e)
    }

    async fn version(&self, subject: &str, version: i32) -> Result<Entry> {
        if version < 1 {
            return self.latest_version(subject).await;
        }
        let key = (subject.to_owned(), version);
        let e = self
            .versions
            .get_or_insert_async(&key, self.inner.version(subject, version))
            .await?;
        self.remember(&e);
        Ok(e)
    }

    async fn test_compatibility(
        &self,
        subject: &str,
        schema: &Schema,
    ) -> Result<super::CompatibilityReport> {
        self.inner.test_compatibility(subject, schema).await
    }

    async fn latest_with_metadata(
        &self,
        subject: &str,
        properties: &std::collections::BTreeMap<String, String>,
    ) -> Result<Entry> {
        // not cached here: serializers keep the answer per topic for their `latest_ttl`
        self.inner.latest_with_metadata(subject, properties).await
    }

    async fn schema_by_id_formatted(&self, id: SchemaId, format: &str) -> Result<Entry> {
        if format.is_empty() {
            return self.schema_by_id(id).await;
        }
        let key = FormattedKey::Id(id.0, format.to_owned());
        self.formatted
            .get_or_insert_async(&key, self.inner.schema_by_id_formatted(id, format))
            .await
    }

    async fn schema_by_guid_formatted(&self, guid: SchemaGuid, format: &str) -> Result<Entry> {
        if format.is_empty() {
            return self.schema_by_guid(guid).await;
        }
        let key = FormattedKey::Guid(guid, format.to_owned());
        self.formatted
            .get_or_insert_async(&key, self.inner.schema_by_guid_formatted(guid, format))
            .await
    }

    async fn version_formatted(&self, subject: &str, version: i32, format: &str) -> Result<Entry> {
        if format.is_empty() {
            return self.version(subject, version).await;
        }
        if version < 1 {
            return self.inner.version_formatted(subject, version, format).await;
        }
        let key = FormattedKey::Version(subject.to_owned(), version, format.to_owned());
        self.formatted
            .get_or_insert_async(&key, self.inner.version_formatted(subject, version, format))
            .await
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::sync::atomic::Ordering::SeqCst;

    use super::*;
    use crate::client::MockClient;

    fn mock() -> CachedClient<MockClient> {
        CachedClient::new(MockClient::new().with_latency(Duration::from_millis(30)))
    }

    #[tokio::test]
    async fn concurrent_misses_make_one_request() {
        let c = Arc::new(mock());
        let id = c
            .inner()
            .register("s", &Schema::avro("\"int\""), false)
            .await
            .unwrap()
            .id
            .unwrap();
        let tasks: Vec<_> = (0..32)
            .map(|_| {
                let c = c.clone();
                tokio::spawn(async move { c.schema_by_id(id).await.map(|e| e.id) })
            })
            .collect();
        for t in tasks {
            assert_eq!(t.await.unwrap().unwrap(), Some(id));
        }
        assert_eq!(c.inner().calls().schema_by_id.load(SeqCst), 1);
        // and it stays cached
        c.schema_by_id(id).await.unwrap();
        assert_eq!(c.inner().calls().schema_by_id.load(SeqCst), 1);
    }

    #[tokio::test]
    async fn concurrent_registrations_make_one_request() {
        let c = Arc::new(mock());
        let tasks: Vec<_> = (0..16)
            .map(|_| {
                let c = c.clone();
                tokio::spawn(async move {
                    c.register("s", &Schema::avro("\"int\""), true)
                        .await
                        .map(|e| e.id)
                })
            })
            .collect();
        for t in tasks {
            assert_eq!(t.await.unwrap().unwrap(), Some(SchemaId(1)));
        }
        assert_eq!(c.inner().calls().register.load(SeqCst), 1);
        // the registered schema is now known by id without asking
        c.schema_by_id(SchemaId(1)).await.unwrap();
        assert_eq!(c.inner().calls().schema_by_id.load(SeqCst), 0);
    }

    #[tokio::test]
    async fn errors_are_not_cached() {
        let c = mock();
        let e = c.schema_by_id(SchemaId(9)).await.unwrap_err();
        assert_eq!(e.error_code(), Some(40403));
        let _ = c.schema_by_id(SchemaId(9)).await;
        assert_eq!(c.inner().calls().schema_by_id.load(SeqCst), 2);
    }

    #[tokio::test]
    async fn latest_expires_after_ttl_and_on_register() {
        let c = CachedClient::with_config(
            MockClient::new(),
            CacheConfig {
                capacity: 10,
                latest_ttl: Duration::from_millis(50),
            },
        );
        c.register("s", &Schema::avro("\"int\""), false)
            .await
            .unwrap();
        assert_eq!(c.latest_version("s").await.unwrap().version, Some(1));
        assert_eq!(c.latest_version("s").await.unwrap().version, Some(1));
        assert_eq!(c.inner().calls().latest_version.load(SeqCst), 1);
        c.register("s", &Schema::avro("\"long\""), false)
            .await
            .unwrap();
        assert_eq!(c.latest_version("s").await.unwrap().version, Some(2));
        assert_eq!(c.inner().calls().latest_version.load(SeqCst), 2);
        tokio::time::sleep(Duration::from_millis(60)).await;
        c.latest_version("s").await.unwrap();
        assert_eq!(c.inner().calls().latest_version.load(SeqCst), 3);
    }

    #[test]
    fn default_latest_ttl_is_sixty_seconds() {
        assert_eq!(CacheConfig::default().latest_ttl, Duration::from_secs(60));
        assert_eq!(CacheConfig::default().capacity, 1000);
    }
}
