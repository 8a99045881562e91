//! Checks a JSON Schema the way a new registration is checked: against its draft's meta-schema,
//! with every `$ref` resolved offline through the referenced schemas.

use serde_json::Value;

/// Base URI given to a schema without an absolute `$id`, so that relative `$ref`s such as
/// `address.json` resolve to a URI the retriever below recognises.
const SYNTHETIC_BASE: &str = "https://schema-registry.invalid/schemas/";

/// A referenced schema as the validator needs it.
#[derive(Debug, Clone)]
pub(crate) struct NamedDocument {
    pub name: String,
    pub value: Value,
}

/// Serves `$ref`s from the schema's references only; never touches the network.
struct DependencyRetriever {
    documents: Vec<NamedDocument>,
}

impl DependencyRetriever {
    fn find(&self, uri: &str) -> Option<&Value> {
        let uri = uri.split('#').next().unwrap_or(uri);
        self.documents
            .iter()
            .find(|d| {
                let id = d.value.get("$id").and_then(Value::as_str);
                uri == d.name
                    || id == Some(uri)
                    || uri.strip_prefix(SYNTHETIC_BASE) == Some(d.name.as_str())
            })
            .or_else(|| {
                // A relative name resolved against some other absolute `$id`.
                self.documents
                    .iter()
                    .find(|d| uri.ends_with(&format!("/{}", d.name.trim_start_matches("./"))))
            })
            .map(|d| &d.value)
    }
}

impl jsonschema::Retrieve for DependencyRetriever {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let wanted = uri.as_str();
        self.find(wanted).cloned().ok_or_else(|| {
            format!("could not resolve reference '{wanted}': not among the schema's references")
                .into()
        })
    }
}

/// The draft to validate with, from `$schema` (Confluent falls back to draft 7).
fn draft_of(value: &Value) -> jsonschema::Draft {
    let uri = value.get("$schema").and_then(Value::as_str).unwrap_or("");
    if uri.contains("draft-04") {
        jsonschema::Draft::Draft4
    } else if uri.contains("draft-06") {
        jsonschema::Draft::Draft6
    } else if uri.contains("2019-09") {
        jsonschema::Draft::Draft201909
    } else if uri.contains("2020-12") {
        jsonschema::Draft::Draft202012
    } else {
        jsonschema::Draft::Draft7
    }
}

/// Whether `$schema` names one of the drafts the validator bundles.
fn has_known_meta_schema(value: &Value) -> bool {
    match value.get("$schema").and_then(Value::as_str) {
        None => true,
        Some(uri) => ["draft-04", "draft-06", "draft-07", "2019-09", "2020-12"]
            .iter()
            .any(|d| uri.contains(d) && uri.contains("json-schema.org")),
    }
}

/// Validates `schema` and its references.
///
/// # Errors
/// A readable reason: the meta-schema violation or the unresolvable reference.
pub(crate) fn validate(schema: &Value, dependencies: &[NamedDocument]) -> Result<(), String> {
    if !schema.is_object() && !schema.is_boolean() {
        return Err(format!(
            "Invalid JSON schema: expected an object or boolean at the root, found {}",
            json_type(schema)
        ));
    }
    // A reference may itself refer to the references listed before it.
    for (at, dependency) in dependencies.iter().enumerate() {
        check_one(&dependency.value, dependencies.get(..at).unwrap_or(&[]))
            .map_err(|e| format!("invalid reference '{}': {e}", dependency.name))?;
    }
    check_one(schema, dependencies)
}

fn check_one(schema: &Value, dependencies: &[NamedDocument]) -> Result<(), String> {
    let owned;
    // An unknown `$schema` means draft 7 to Confluent; the validator would try to fetch it.
    let schema = if has_known_meta_schema(schema) {
        schema
    } else {
        let mut copy = schema.clone();
        if let Some(map) = copy.as_object_mut() {
            map.remove("$schema");
        }
        owned = copy;
        &owned
    };
    let bridged = bridge_definitions(schema);
    let schema = bridged.as_ref().unwrap_or(schema);
    let base = match schema.get("$id").and_then(Value::as_str) {
        Some(id) if id.contains("://") => id.to_owned(),
        _ => format!("{SYNTHETIC_BASE}root.json"),
    };
    jsonschema::options()
        .with_draft(draft_of(schema))
        .with_base_uri(base)
        .with_retriever(DependencyRetriever {
            documents: dependencies.to_vec(),
        })
        .build(schema)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Confluent copies top-level `definitions` entries into `$defs` (existing `$defs` entries win)
/// before loading, so `#/$defs/X` finds a body kept under `definitions`. Validation sees the
/// same bridge; the stored text is unchanged.
pub(crate) fn bridge_definitions(schema: &Value) -> Option<Value> {
    let definitions = schema.get("definitions")?.as_object()?;
    if definitions.is_empty() {
        return None;
    }
    let mut copy = schema.clone();
    let map = copy.as_object_mut()?;
    let defs = map
        .entry("$defs")
        .or_insert_with(|| Value::Object(serde_json::Map::new()))
        .as_object_mut()?;
    for (name, body) in definitions {
        defs.entry(name.clone()).or_insert_with(|| body.clone());
    }
    Some(copy)
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "NULL",
        Value::Bool(_) => "BOOLEAN",
        Value::Number(_) => "NUMBER",
        Value::String(_) => "STRING",
        Value::Array(_) => "ARRAY",
        Value::Object(_) => "OBJECT",
    }
}
