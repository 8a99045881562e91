//! `--format sarif`: a SARIF 2.1.0 log with one rule per incompatibility kind (Confluent's
//! difference type) and one result per incompatibility, located at the schema file and line.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::super::output::CheckOutcome;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const TOOL: &str = "schema-registry check";

/// The outcomes as a SARIF log (pretty JSON, rules sorted by id).
#[must_use]
pub fn render(outcomes: &[CheckOutcome]) -> String {
    let mut rules: BTreeMap<String, String> = BTreeMap::new();
    for outcome in outcomes {
        for finding in outcome.findings() {
            rules
                .entry(finding.kind.to_owned())
                .or_insert_with(|| describe(finding.kind));
        }
    }
    let index: BTreeMap<&str, usize> = rules
        .keys()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i))
        .collect();
    let mut results = Vec::new();
    for outcome in outcomes {
        for finding in outcome.findings() {
            let mut region = serde_json::Map::new();
            region.insert("startLine".to_owned(), json!(finding.line.unwrap_or(1)));
            let mut result = json!({
                "ruleId": finding.kind,
                "ruleIndex": index.get(finding.kind).copied().unwrap_or(0),
                "level": "error",
                "message": { "text": finding.sentence() },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&outcome.file) },
                        "region": region,
                    }
                }],
                "properties": {
                    "confluentMessage": finding.message,
                },
            });
            if let Some(path) = finding.path {
                result["properties"]["path"] = json!(path);
            }
            if let Some(version) = outcome.old_version {
                result["properties"]["oldVersion"] = json!(version);
            }
            results.push(result);
        }
    }
    let rules: Vec<Value> = rules
        .into_iter()
        .map(|(id, text)| {
            json!({
                "id": id,
                "shortDescription": { "text": text },
                "defaultConfiguration": { "level": "error" },
            })
        })
        .collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": { "name": TOOL, "rules": rules } },
            "results": results,
        }],
    });
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
    text.push('\n');
    text
}

/// A rule's short description from its kind: `TYPE_MISMATCH` → `Type mismatch`.
fn describe(kind: &str) -> String {
    let words = kind.to_ascii_lowercase().replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => format!("{}{}", first.to_ascii_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

/// A file path as a relative URI reference: `/` separators, anything outside the unreserved
/// set percent-encoded.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.replace('\\', "/").bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(char::from(byte));
            }
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_encoded_and_rules_described() {
        assert_eq!(uri("schemas/a b%.avsc"), "schemas/a%20b%25.avsc");
        assert_eq!(describe("TYPE_MISMATCH"), "Type mismatch");
    }
}
