//! Schema identity: Confluent's MD5 over the canonical string, references, metadata and
//! rule set, and the GUID rendered from it (spec §4.2).
//!
//! Two registrations are "the same schema" (same id within a context) exactly when these
//! digests are equal. `schemaType` is not part of the digest, as in Confluent.

use std::collections::BTreeMap;

use md5::{Digest, Md5};
use serde::{Deserialize, Serialize};

/// A reference as stored: the name used in the referring schema, and the concrete version
/// of the referenced subject (`-1` is resolved before storage).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SchemaReference {
    pub name: String,
    pub subject: String,
    pub version: i32,
}

/// Confluent's identity digest of a schema registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SchemaDigest([u8; 16]);

impl SchemaDigest {
    /// Computes the digest of `canonical` with its references, metadata and rule set.
    ///
    /// `metadata` and `rule_set` are the JSON objects as submitted (`None` when absent);
    /// their maps are hashed in sorted key order, as Confluent's sorted collections do.
    #[must_use]
    pub fn compute(
        canonical: &str,
        references: &[SchemaReference],
        metadata: Option<&serde_json::Value>,
        rule_set: Option<&serde_json::Value>,
    ) -> Self {
        let mut md = Md5::new();
        md.update(canonical.as_bytes());
        for reference in references {
            md.update(reference.name.as_bytes());
            md.update(reference.subject.as_bytes());
            md.update(reference.version.to_be_bytes());
        }
        if let Some(metadata) = metadata {
            md.update([1u8]);
            hash_metadata(&mut md, metadata);
        }
        if let Some(rule_set) = rule_set {
            md.update([1u8]);
            hash_rule_set(&mut md, rule_set);
        }
        SchemaDigest(md.finalize().into())
    }

    /// Lowercase hex, as stored in the database.
    #[must_use]
    pub fn to_hex(&self) -> String {
        use std::fmt::Write as _;
        self.0
            .iter()
            .fold(String::with_capacity(32), |mut out, byte| {
                let _ = write!(out, "{byte:02x}");
                out
            })
    }

    /// The digest as Confluent's `guid` (a UUID string from the two big-endian halves).
    #[must_use]
    pub fn guid(&self) -> String {
        guid_from_hex(&self.to_hex())
    }
}

/// Renders 32 hex digits as `8-4-4-4-12`.
#[must_use]
pub fn guid_from_hex(hex: &str) -> String {
    if hex.len() != 32 || !hex.is_ascii() {
        return hex.to_owned();
    }
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

fn text_of(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn sorted_object(value: Option<&serde_json::Value>) -> BTreeMap<String, &serde_json::Value> {
    value
        .and_then(serde_json::Value::as_object)
        .map(|map| map.iter().map(|(k, v)| (k.clone(), v)).collect())
        .unwrap_or_default()
}

fn sorted_strings(value: Option<&serde_json::Value>) -> Vec<String> {
    let mut items: Vec<String> = value
        .and_then(serde_json::Value::as_array)
        .map(|items| items.iter().map(text_of).collect())
        .unwrap_or_default();
    items.sort();
    items.dedup();
    items
}

fn hash_metadata(md: &mut Md5, metadata: &serde_json::Value) {
    for (key, values) in sorted_object(metadata.get("tags")) {
        md.update(key.as_bytes());
        for v in sorted_strings(Some(values)) {
            md.update(v.as_bytes());
        }
    }
    for (key, value) in sorted_object(metadata.get("properties")) {
        md.update(key.as_bytes());
        md.update(text_of(value).as_bytes());
    }
    for s in sorted_strings(metadata.get("sensitive")) {
        md.update(s.as_bytes());
    }
}

fn hash_rule_set(md: &mut Md5, rule_set: &serde_json::Value) {
    for group in ["migrationRules", "domainRules", "encodingRules"] {
        for rule in rule_set
            .get(group)
            .and_then(serde_json::Value::as_array)
            .into_iter()
            .flatten()
        {
            hash_rule(md, rule);
        }
    }
    if let Some(enable_at) = rule_set.get("enableAt").and_then(serde_json::Value::as_str) {
        md.update(enable_at.as_bytes());
    }
}

fn hash_rule(md: &mut Md5, rule: &serde_json::Value) {
    for field in ["name", "doc", "kind", "mode", "type"] {
        if let Some(s) = rule.get(field).and_then(serde_json::Value::as_str) {
            md.update(s.as_bytes());
        }
    }
    for tag in sorted_strings(rule.get("tags")) {
        md.update(tag.as_bytes());
    }
    for (key, value) in sorted_object(rule.get("params")) {
        md.update(key.as_bytes());
        md.update(text_of(value).as_bytes());
    }
    for field in ["expr", "onSuccess", "onFailure"] {
        if let Some(s) = rule.get(field).and_then(serde_json::Value::as_str) {
            md.update(s.as_bytes());
        }
    }
    if rule.get("disabled").and_then(serde_json::Value::as_bool) == Some(true) {
        md.update([1u8]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected GUIDs computed outside this code (Python's hashlib, following the layout
    // described at the top of this file: the canonical string, then each reference's name,
    // subject and big-endian version, then 0x01 and the sorted metadata) for a schema of our
    // own, alone, with two references, and with metadata.
    const COURIER: &str = r#"{"type":"record","name":"Courier","namespace":"com.example.delivery","fields":[{"name":"callsign","type":"string"},{"name":"shift","type":"int"},{"name":"badge","type":"string"},{"name":"depot","type":"com.example.delivery.Depot"},{"name":"vehicle","type":"com.example.delivery.Vehicle"}]}"#;

    fn courier_refs() -> Vec<SchemaReference> {
        vec![
            SchemaReference {
                name: "com.example.delivery.Depot".into(),
                subject: "Depot".into(),
                version: 3,
            },
            SchemaReference {
                name: "com.example.delivery.Vehicle".into(),
                subject: "Vehicle".into(),
                version: 1,
            },
        ]
    }

    #[test]
    fn guid_without_extras() {
        let digest = SchemaDigest::compute(COURIER, &[], None, None);
        assert_eq!(digest.guid(), "77aa31d2-211e-8351-4c18-30568090099e");
    }

    #[test]
    fn guid_with_references() {
        let digest = SchemaDigest::compute(COURIER, &courier_refs(), None, None);
        assert_eq!(digest.guid(), "be077e7f-2718-4103-457f-2117bb67e3de");
    }

    #[test]
    fn guid_with_metadata() {
        let metadata = serde_json::json!({
            "tags": {"region": ["north", "east"], "owner": ["dispatch"]},
            "properties": {"purpose": "who delivers what", "steward": "ops-team", "revision": "3"},
            "sensitive": ["phone", "home-address"]
        });
        let digest = SchemaDigest::compute(COURIER, &[], Some(&metadata), None);
        assert_eq!(digest.guid(), "6fcb98d1-38d3-9b05-aeac-3c78c2a3d153");
    }

    #[test]
    fn metadata_order_does_not_matter_but_presence_does() {
        let a = serde_json::json!({"properties": {"a": "1", "b": "2"}});
        let b = serde_json::json!({"properties": {"b": "2", "a": "1"}});
        let plain = SchemaDigest::compute("\"string\"", &[], None, None);
        let with_a = SchemaDigest::compute("\"string\"", &[], Some(&a), None);
        let with_b = SchemaDigest::compute("\"string\"", &[], Some(&b), None);
        assert_eq!(with_a, with_b);
        assert_ne!(plain, with_a);
    }
}
