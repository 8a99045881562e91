//! An in-memory registry implementing [`RegistryClient`], for users' tests and doctests.
//!
//! Protobuf: it stores what it is given. Asked for `format=serialized`, it serves a stored base64
//! `FileDescriptorProto` under the file name `default`, as Confluent does; `.proto` text it cannot
//! convert and serves unchanged.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use async_trait::async_trait;

use super::RegistryClient;
use crate::error::{Error, Result};
use crate::schema::{RegisteredSchema, Schema, SchemaType};
use crate::wire::{SchemaGuid, SchemaId};

/// How many times each operation reached the mock (counted before any simulated latency).
#[derive(Debug, Default)]
pub struct MockCalls {
    /// `schema_by_id`
    pub schema_by_id: AtomicUsize,
    /// `schema_by_guid`
    pub schema_by_guid: AtomicUsize,
    /// `register`
    pub register: AtomicUsize,
    /// `lookup`
    pub lookup: AtomicUsize,
    /// `latest_version`
    pub latest_version: AtomicUsize,
    /// `version`
    pub version: AtomicUsize,
}

impl MockCalls {
    /// Sum of all calls.
    pub fn total(&self) -> usize {
        [
            &self.schema_by_id,
            &self.schema_by_guid,
            &self.register,
            &self.lookup,
            &self.latest_version,
            &self.version,
        ]
        .iter()
        .map(|c| c.load(Ordering::SeqCst))
        .sum()
    }
}

#[derive(Default)]
struct State {
    /// index = id - 1
    schemas: Vec<Schema>,
    /// subject -> ids by version (version = index + 1)
    subjects: HashMap<String, Vec<i32>>,
}

/// An in-memory registry: ids start at 1, versions at 1, identical schema text shares an id.
///
/// It answers with Confluent's error codes (40401, 40402, 40403) so code paths that branch on
/// them can be tested. GUIDs are derived from the id (they are *not* Confluent's MD5 GUIDs).
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// use codec::{client::{MockClient, RegistryClient}, Schema};
/// let mock = MockClient::new();
/// let reg = mock.register("t-value", &Schema::avro(r#""string""#), false).await.unwrap();
/// assert_eq!(reg.id.unwrap().0, 1);
/// assert_eq!(mock.calls().register.load(std::sync::atomic::Ordering::SeqCst), 1);
/// # });
/// ```
#[derive(Default)]
pub struct MockClient {
    state: Mutex<State>,
    calls: MockCalls,
    latency: Option<Duration>,
}

impl MockClient {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every call sleeps this long first (to make concurrent misses overlap in tests).
    pub fn with_latency(mut self, latency: Duration) -> Self {
        self.latency = Some(latency);
        self
    }

    /// Call counters.
    pub fn calls(&self) -> &MockCalls {
        &self.calls
    }

    /// The GUID the mock reports for an id.
    pub fn guid_for(id: SchemaId) -> SchemaGuid {
        let mut g = [0u8; 16];
        g[0..4].copy_from_slice(b"mock");
        g[12..16].copy_from_slice(&id.0.to_be_bytes());
        SchemaGuid(g)
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // a panic while holding the lock cannot leave State half-written: recover it
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    async fn enter(&self, counter: &AtomicUsize) {
        counter.fetch_add(1, Ordering::SeqCst);
        if let Some(l) = self.latency {
            tokio::time::sleep(l).await;
        }
    }

    fn entry(
        id: i32,
        schema: &Schema,
        subject: Option<&str>,
        version: Option<i32>,
    ) -> Arc<RegisteredSchema> {
        Arc::new(RegisteredSchema {
            id: Some(SchemaId(id)),
            guid: Some(Self::guid_for(SchemaId(id))),
            subject: subject.map(str::to_owned),
            version,
            schema: schema.clone(),
        })
    }
}

fn same(a: &Schema, b: &Schema, normalize: bool) -> bool {
    if a.schema_type != b.schema_type
        || a.references != b.references
        || a.metadata != b.metadata
        || a.rule_set != b.rule_set
    {
        return false;
    }
    if a.schema == b.schema {
        return true;
    }
    // normalize: whitespace and formatting do not matter (a stand-in for Confluent's normalization)
    normalize
        && matches!(
            (
                serde_json::from_str::<serde_json::Value>(&a.schema),
                serde_json::from_str::<serde_json::Value>(&b.schema)
            ),
            (Ok(x), Ok(y)) if x == y
        )
}

fn not_found(code: i32, message: String) -> Error {
    Error::Registry {
        status: 404,
        error_code: Some(code),
        message,
    }
}

#[async_trait]
impl RegistryClient for MockClient {
    async fn schema_by_id(&self, id: SchemaId) -> Result<Arc<RegisteredSchema>> {
        self.enter(&self.calls.schema_by_id).await;
        let st = self.state();
        let idx = usize::try_from(id.0 - 1).ok();
        match idx.and_then(|i| st.schemas.get(i)) {
            Some(s) => Ok(Self::entry(id.0, s, None, None)),
            None => Err(not_found(40403, format!("Schema {id} not found"))),
        }
    }

    async fn schema_by_guid(&self, guid: SchemaGuid) -> Result<Arc<RegisteredSchema>> {
        self.enter(&self.calls.schema_by_guid).await;
        let st = self.state();
        let found = (1..=st.schemas.len() as i32).find(|id| Self::guid_for(SchemaId(*id)) == guid);
        match found {
            Some(id) => Ok(Self::entry(id, &st.schemas[(id - 1) as usize], None, None)),
            None => Err(not_found(40403, format!("Schema {guid} not found"))),
        }
    }

    async fn register(
        &self,
        subject: &str,
        schema: &Schema,
        normalize: bool,
    ) -> Result<Arc<RegisteredSchema>> {
        self.enter(&self.calls.register).await;
        let mut st = self.state();
        if let Some(versions) = st.subjects.get(subject) {
            for (v, id) in versions.iter().enumerate() {
                if same(&st.schemas[(*id - 1) as usize], schema, normalize) {
                    let v = v as i32 + 1;
                    return Ok(Self::entry(
                        *id,
                        &st.schemas[(*id - 1) as usize],
                        Some(subject),
                        Some(v),
                    ));
                }
            }
        }
        let id = match st.schemas.iter().position(|s| same(s, schema, normalize)) {
            Some(i) => i as i32 + 1,
            None => {
                st.schemas.push(schema.clone());
                st.schemas.len() as i32
            }
        };
        let versions = st.subjects.entry(subject.to_owned()).or_default();
        versions.push(id);
        let v = versions.len() as i32;
        Ok(Self::entry(
            id,
            &st.schemas[(id - 1) as usize],
            Some(subject),
            Some(v),
        ))
    }

    async fn lookup(
        &self,
        subject: &str,
        schema: &Schema,
        normalize: bool,
    ) -> Result<Arc<RegisteredSchema>> {
        self.enter(&self.calls.lookup).await;
        let st = self.state();
        let Some(versions) = st.subjects.get(subject) else {
            return Err(not_found(40401, format!("Subject '{subject}' not found.")));
        };
        for (v, id) in versions.iter().enumerate() {
            let s = &st.schemas[(*id - 1) as usize];
            if same(s, schema, normalize) {
                return Ok(Self::entry(*id, s, Some(subject), Some(v as i32 + 1)));
            }
        }
        Err(not_found(40403, "Schema not found".into()))
    }

    async fn latest_version(&self, subject: &str) -> Result<Arc<RegisteredSchema>> {
        self.enter(&self.calls.latest_version).await;
        self.lookup_version(subject, -1)
    }

    async fn version(&self, subject: &str, version: i32) -> Result<Arc<RegisteredSchema>> {
        self.enter(&self.calls.version).await;
        self.lookup_version(subject, version)
    }

    async fn latest_with_metadata(
        &self,
        subject: &str,
        properties: &std::collections::BTreeMap<String, String>,
    ) -> Result<Arc<RegisteredSchema>> {
        self.enter(&self.calls.latest_version).await;
        let st = self.state();
        let Some(versions) = st.subjects.get(subject) else {
            return Err(not_found(40401, format!("Subject '{subject}' not found.")));
        };
        let matches = |s: &Schema| {
            s.metadata.as_ref().is_some_and(|m| {
                properties
                    .iter()
                    .all(|(k, v)| m.properties.get(k) == Some(v))
            })
        };
        for (i, id) in versions.iter().enumerate().rev() {
            let s = &st.schemas[(*id - 1) as usize];
            if matches(s) {
                return Ok(Self::entry(*id, s, Some(subject), Some(i as i32 + 1)));
            }
        }
        Err(not_found(40403, "Schema not found".into()))
    }

    async fn schema_by_id_formatted(
        &self,
        id: SchemaId,
        format: &str,
    ) -> Result<Arc<RegisteredSchema>> {
        Ok(formatted(self.schema_by_id(id).await?, format))
    }

    async fn schema_by_guid_formatted(
        &self,
        guid: SchemaGuid,
        format: &str,
    ) -> Result<Arc<RegisteredSchema>> {
        Ok(formatted(self.schema_by_guid(guid).await?, format))
    }

    async fn version_formatted(
        &self,
        subject: &str,
        version: i32,
        format: &str,
    ) -> Result<Arc<RegisteredSchema>> {
        Ok(formatted(self.version(subject, version).await?, format))
    }
}

/// The registry's `format=serialized` answer for a stored Protobuf descriptor.
fn formatted(entry: Arc<RegisteredSchema>, format: &str) -> Arc<RegisteredSchema> {
    if !format.eq_ignore_ascii_case("serialized")
        || entry.schema.schema_type != SchemaType::Protobuf
    {
        return entry;
    }
    match crate::protobuf::descriptors::served_form(&entry.schema.schema) {
        Some(text) => {
            let mut e = RegisteredSchema::clone(&entry);
            e.schema.schema = text;
            Arc::new(e)
        }
        None => entry,
    }
}

impl MockClient {
    fn lookup_version(&self, subject: &str, version: i32) -> Result<Arc<RegisteredSchema>> {
        let st = self.state();
        let Some(versions) = st.subjects.get(subject) else {
            return Err(not_found(40401, format!("Subject '{subject}' not found.")));
        };
        let v = if version == -1 {
            versions.len() as i32
        } else {
            version
        };
        match usize::try_from(v - 1).ok().and_then(|i| versions.get(i)) {
            Some(id) => Ok(Self::entry(
                *id,
                &st.schemas[(*id - 1) as usize],
                Some(subject),
                Some(v),
            )),
            None => Err(not_found(40402, format!("Version {version} not found."))),
        }
    }
}
