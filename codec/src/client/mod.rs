//! Talking to a schema registry: the [`RegistryClient`] trait, an HTTP client, a caching layer and
//! an in-memory mock for tests.
//!
//! Compose them as `CachedClient<HttpClient>` in production and `CachedClient<MockClient>` (or a bare
//! [`MockClient`]) in tests; the codecs take any `Arc<dyn RegistryClient>`.

mod cached;
mod http;
mod mock;
mod tls;

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;

pub use cached::{CacheConfig, CachedClient};
pub use http::{Auth, HttpClient, HttpClientConfig};
pub use mock::{MockCalls, MockClient};
pub use tls::ClientIdentity;

use crate::error::{Error, Result};
use crate::schema::{RegisteredSchema, Schema};
use crate::wire::{SchemaGuid, SchemaId};

/// The registry operations a producer or consumer needs.
///
/// Every method returns an `Arc` so a caching implementation can hand out hits without copying
/// schema text.
#[async_trait]
pub trait RegistryClient: Send + Sync + 'static {
    /// `GET /schemas/ids/{id}`
    async fn schema_by_id(&self, id: SchemaId) -> Result<Arc<RegisteredSchema>>;
    /// `GET /schemas/guids/{guid}`
    async fn schema_by_guid(&self, guid: SchemaGuid) -> Result<Arc<RegisteredSchema>>;
    /// `POST /subjects/{subject}/versions?normalize=…`: register (or find) `schema` under `subject`.
    async fn register(
        &self,
        subject: &str,
        schema: &Schema,
        normalize: bool,
    ) -> Result<Arc<RegisteredSchema>>;
    /// `POST /subjects/{subject}?normalize=…`: find an already registered schema (40403 if absent).
    async fn lookup(
        &self,
        subject: &str,
        schema: &Schema,
        normalize: bool,
    ) -> Result<Arc<RegisteredSchema>>;
    /// `GET /subjects/{subject}/versions/latest`
    async fn latest_version(&self, subject: &str) -> Result<Arc<RegisteredSchema>>;
    /// `GET /subjects/{subject}/versions/{version}` (`-1` = latest)
    async fn version(&self, subject: &str, version: i32) -> Result<Arc<RegisteredSchema>>;

    /// `GET /subjects/{subject}/metadata?key=…&value=…`: the newest version whose metadata
    /// properties hold all of `properties`. The default says the client cannot.
    async fn latest_with_metadata(
        &self,
        subject: &str,
        properties: &BTreeMap<String, String>,
    ) -> Result<Arc<RegisteredSchema>> {
        let _ = (subject, properties);
        Err(Error::Config(
            "this registry client cannot select the latest version with metadata".into(),
        ))
    }

    /// `POST /compatibility/subjects/{subject}/versions/latest?verbose=true`: the registry's
    /// verdict on `schema` against the subject (at the subject's compatibility level). The
    /// default says the client cannot.
    async fn test_compatibility(
        &self,
        subject: &str,
        schema: &Schema,
    ) -> Result<CompatibilityReport> {
        let _ = (subject, schema);
        Err(Error::Config(
            "this registry client cannot test compatibility".into(),
        ))
    }

    /// `GET /schemas/ids/{id}?format={format}`: the schema in another form, e.g. `serialized` (a
    /// Protobuf schema as a base64 `FileDescriptorProto`). The default ignores `format`.
    async fn schema_by_id_formatted(
        &self,
        id: SchemaId,
        format: &str,
    ) -> Result<Arc<RegisteredSchema>> {
        let _ = format;
        self.schema_by_id(id).await
    }
    /// `GET /schemas/guids/{guid}?format={format}`. The default ignores `format`.
    async fn schema_by_guid_formatted(
        &self,
        guid: SchemaGuid,
        format: &str,
    ) -> Result<Arc<RegisteredSchema>> {
        let _ = format;
        self.schema_by_guid(guid).await
    }
    /// `GET /subjects/{subject}/versions/{version}?format={format}`. The default ignores `format`.
    async fn version_formatted(
        &self,
        subject: &str,
        version: i32,
        format: &str,
    ) -> Result<Arc<RegisteredSchema>> {
        let _ = format;
        self.version(subject, version).await
    }
}

#[async_trait]
impl<C: RegistryClient + ?Sized> RegistryClient for Arc<C> {
    async fn schema_by_id(&self, id: SchemaId) -> Result<Arc<RegisteredSchema>> {
        (**self).schema_by_id(id).await
    }
    async fn schema_by_guid(&self, guid: SchemaGuid) -> Result<Arc<RegisteredSchema>> {
        (**self).schema_by_guid(guid).await
    }
    async fn register(
        &self,
        subject: &str,
        schema: &Schema,
        normalize: bool,
    ) -> Result<Arc<RegisteredSchema>> {
        (**self).register(subject, schema, normalize).await
    }
    async fn lookup(
        &self,
        subject: &str,
        schema: &Schema,
        normalize: bool,
    ) -> Result<Arc<RegisteredSchema>> {
        (**self).lookup(subject, schema, normalize).await
    }
    async fn latest_version(&self, subject: &str) -> Result<Arc<RegisteredSchema>> {
        (**self).latest_version(subject).await
    }
    async fn version(&self, subject: &str, version: i32) -> Result<Arc<RegisteredSchema>> {
        (**self).version(subject, version).await
    }
    async fn latest_with_metadata(
        &self,
        subject: &str,
        properties: &BTreeMap<String, String>,
    ) -> Result<Arc<RegisteredSchema>> {
        (**self).latest_with_metadata(subject, properties).await
    }
    async fn test_compatibility(
        &self,
        subject: &str,
        schema: &Schema,
    ) -> Result<CompatibilityReport> {
        (**self).test_compatibility(subject, schema).await
    }
    async fn schema_by_id_formatted(
        &self,
        id: SchemaId,
        format: &str,
    ) -> Result<Arc<RegisteredSchema>> {
        (**self).schema_by_id_formatted(id, format).await
    }
    async fn schema_by_guid_formatted(
        &self,
        guid: SchemaGuid,
        format: &str,
    ) -> Result<Arc<RegisteredSchema>> {
        (**self).schema_by_guid_formatted(guid, format).await
    }
    async fn version_formatted(
        &self,
        subject: &str,
        version: i32,
        format: &str,
    ) -> Result<Arc<RegisteredSchema>> {
        (**self).version_formatted(subject, version, format).await
    }
}

/// The registry's answer to a compatibility test.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Deserialize)]
pub struct CompatibilityReport {
    /// `is_compatible`
    pub is_compatible: bool,
    /// `messages`: why not (verbose answers), one line per incompatibility
    #[serde(default)]
    pub messages: Vec<String>,
}

/// Tests `schema` against what `subject` holds, as the registry sees it (its level, its
/// versions): the incompatibilities, empty when compatible or when the subject has no version
/// yet. Use it in a test so an incompatible change fails before a deploy does.
///
/// ```no_run
/// # async fn f() -> codec::Result<()> {
/// use codec::{HttpClient, Schema, client::check_compatible};
/// let registry = HttpClient::new("http://localhost:8081")?;
/// let problems = check_compatible(&registry, "orders-value", &Schema::avro(r#""string""#)).await?;
/// assert!(problems.is_empty(), "{problems:#?}");
/// # Ok(()) }
/// ```
pub async fn check_compatible(
    client: &dyn RegistryClient,
    subject: &str,
    schema: &Schema,
) -> Result<Vec<String>> {
    match client.test_compatibility(subject, schema).await {
        Ok(r) if r.is_compatible => Ok(Vec::new()),
        Ok(r) if r.messages.is_empty() => Ok(vec![format!(
            "the registry found the schema incompatible with subject {subject}"
        )]),
        Ok(r) => Ok(r.messages),
        // nothing registered yet: nothing to break
        Err(e) if matches!(e.error_code(), Some(40401 | 40402)) => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

/// How deep references may nest before we call the graph hostile.
pub(crate) const MAX_REFERENCE_DEPTH: usize = 32;

/// Fetches the texts of every schema `schema` references, transitively, dependencies first and
/// each once, so they can be handed to a parser together with the main schema.
pub async fn resolve_references(
    client: &dyn RegistryClient,
    schema: &Schema,
) -> Result<Vec<String>> {
    Ok(resolve_named_references(client, schema)
        .await?
        .into_iter()
        .map(|(_, text)| text)
        .collect())
}

/// [`resolve_references`] with the name each schema was referenced by (a JSON Schema `$ref`
/// target, an Avro type name, a Protobuf import path).
pub async fn resolve_named_references(
    client: &dyn RegistryClient,
    schema: &Schema,
) -> Result<Vec<(String, String)>> {
    let mut seen = Vec::<(String, i32)>::new();
    let mut out = Vec::new();
    // explicit stack instead of recursion: (schema, the name it was referenced by, next index)
    let mut stack: Vec<(Arc<RegisteredSchema>, String, usize)> = Vec::new();
    let root = Arc::new(RegisteredSchema {
        id: None,
        guid: None,
        subject: None,
        version: None,
        schema: schema.clone(),
    });
    stack.push((root, String::new(), 0));
    while let Some((current, name, idx)) = stack.pop() {
        let Some(r) = current.schema.references.get(idx) else {
            if stack.is_empty() {
                break; // the root itself is not a dependency
            }
            out.push((name, current.schema.schema.clone()));
            continue;
        };
        stack.push((current.clone(), name, idx + 1));
        let key = (r.subject.clone(), r.version);
        if seen.contains(&key) {
            continue;
        }
        if stack.len() > MAX_REFERENCE_DEPTH {
            return Err(Error::Schema(format!(
                "references nest deeper than {MAX_REFERENCE_DEPTH} levels at subject {}",
                r.subject
            )));
        }
        seen.push(key);
        let dep = client.version(&r.subject, r.version).await?;
        stack.push((dep, r.name.clone(), 0));
    }
    Ok(out)
}

/// Percent-encodes one path segment (subjects may hold `/`, `:` and spaces).
pub(crate) fn encode_path_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::schema::SchemaReference;

    #[test]
    fn path_segments_are_encoded() {
        assert_eq!(encode_path_segment("a/b c:.x"), "a%2Fb%20c%3A.x");
        assert_eq!(encode_path_segment("orders-value"), "orders-value");
    }

    #[tokio::test]
    async fn references_come_dependencies_first() {
        let mock = MockClient::new();
        let leaf = Schema::avro(r#"{"type":"fixed","name":"com.x.Leaf","size":2}"#);
        mock.register("leaf", &leaf, false).await.unwrap();
        let mid = Schema::avro(
            r#"{"type":"record","name":"com.x.Mid","fields":[{"name":"l","type":"com.x.Leaf"}]}"#,
        )
        .with_reference(SchemaReference {
            name: "com.x.Leaf".into(),
            subject: "leaf".into(),
            version: 1,
        });
        mock.register("mid", &mid, false).await.unwrap();
        let top = Schema::avro(
            r#"{"type":"record","name":"com.x.Top","fields":[{"name":"m","type":"com.x.Mid"},{"name":"l","type":"com.x.Leaf"}]}"#,
        )
        .with_reference(SchemaReference { name: "com.x.Mid".into(), subject: "mid".into(), version: 1 })
        .with_reference(SchemaReference { name: "com.x.Leaf".into(), subject: "leaf".into(), version: 1 });
        let deps = resolve_references(&mock, &top).await.unwrap();
        assert_eq!(deps, vec![leaf.schema.clone(), mid.schema.clone()]);
    }
}
