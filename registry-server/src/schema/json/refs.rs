//! Where a `$ref` points: which document (the schema itself or one of its references, matched
//! by reference name, `$id`, or a name relative to the referring `$id`) and which JSON pointer.

use std::collections::HashMap;

use serde_json::Value;

/// A document a `$ref` may name.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Target<'a> {
    /// The reference name (`address.json`, a URL); `None` for the root schema.
    pub name: Option<&'a str>,
    /// The document's own `$id` (or draft-04 `id`).
    pub id: Option<&'a str>,
    pub value: &'a Value,
}

/// The plain-name fragments of each document, indexed on first use (one walk per document,
/// however many `$ref`s name an anchor).
#[derive(Debug, Default)]
pub(crate) struct Anchors {
    by_document: HashMap<usize, HashMap<String, String>>,
}

impl Anchors {
    fn find(&mut self, document: usize, root: &Value, name: &str) -> Option<String> {
        self.by_document
            .entry(document)
            .or_insert_with(|| {
                let mut index = HashMap::new();
                index_anchors(root, &mut String::new(), &mut index);
                index
            })
            .get(name)
            .cloned()
    }
}

/// The document index and JSON pointer `reference` denotes when written in document `from`.
pub(crate) fn locate(
    targets: &[Target<'_>],
    from: usize,
    reference: &str,
    anchors: &mut Anchors,
) -> Option<(usize, String)> {
    let (base, fragment) = reference.split_once('#').unwrap_or((reference, ""));
    let target = if base.is_empty() {
        from
    } else {
        find_document(targets, from, base)?
    };
    let pointer = percent_decode(fragment);
    if pointer.is_empty() || pointer.starts_with('/') {
        return Some((target, pointer));
    }
    // A plain-name fragment: a subschema whose `$id` is `#name` or whose `$anchor` is `name`.
    let root = targets.get(target)?.value;
    anchors.find(target, root, &pointer).map(|p| (target, p))
}

fn find_document(targets: &[Target<'_>], from: usize, base: &str) -> Option<usize> {
    let exact = targets
        .iter()
        .position(|d| d.name == Some(base) || d.id == Some(base));
    if exact.is_some() {
        return exact;
    }
    // A relative reference resolved against the referring document's `$id`.
    let resolved = targets
        .get(from)
        .and_then(|d| d.id)
        .and_then(|id| id.rsplit_once('/'))
        .map(|(dir, _)| format!("{dir}/{base}"));
    let last_segment = |s: &str| s.rsplit('/').next().map(str::to_owned);
    targets.iter().position(|d| {
        [d.name, d.id].iter().flatten().any(|n| {
            resolved.as_deref() == Some(*n)
                || last_segment(n) == last_segment(base)
                    && (n.ends_with(base) || base.ends_with(*n))
        })
    })
}

/// Indexes every subschema named by `$anchor` or a `$id` fragment under its JSON pointer; the
/// first in depth-first order wins, as a search would find it. (JSON nesting is bounded by the
/// JSON parser.)
fn index_anchors(value: &Value, at: &mut String, index: &mut HashMap<String, String>) {
    match value {
        Value::Object(map) => {
            let id = map.get("$id").and_then(Value::as_str);
            let anchor = map.get("$anchor").and_then(Value::as_str);
            let fragment = id.and_then(|i| i.rsplit_once('#')).map(|(_, f)| f);
            for name in [anchor, fragment].into_iter().flatten() {
                index.entry(name.to_owned()).or_insert_with(|| at.clone());
            }
            for (key, child) in map {
                let len = at.len();
                at.push('/');
                at.push_str(&key.replace('~', "~0").replace('/', "~1"));
                index_anchors(child, at, index);
                at.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let len = at.len();
                at.push('/');
                at.push_str(&i.to_string());
                index_anchors(child, at, index);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

/// Decodes `%XX` escapes of a URI fragment (JSON pointers may carry them).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = s.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::{Anchors, Target};

    fn locate(targets: &[Target<'_>], from: usize, reference: &str) -> Option<(usize, String)> {
        super::locate(targets, from, reference, &mut Anchors::default())
    }

    #[test]
    fn locates_names_ids_pointers_and_anchors() {
        let root = serde_json::json!({
            "$id": "https://example.com/schemas/person.json",
            "definitions": {"a~b": {"$id": "#Thing"}, "x": {"$anchor": "ex"}}
        });
        let address = serde_json::json!({"type": "object"});
        let targets = [
            Target {
                name: None,
                id: Some("https://example.com/schemas/person.json"),
                value: &root,
            },
            Target {
                name: Some("https://example.com/schemas/address.json"),
                id: None,
                value: &address,
            },
        ];
        assert_eq!(locate(&targets, 0, "#"), Some((0, String::new())));
        assert_eq!(
            locate(&targets, 0, "#Thing"),
            Some((0, "/definitions/a~0b".into()))
        );
        assert_eq!(
            locate(&targets, 0, "#ex"),
            Some((0, "/definitions/x".into()))
        );
        assert_eq!(
            locate(&targets, 0, "address.json"),
            Some((1, String::new()))
        );
        assert_eq!(
            locate(
                &targets,
                0,
                "https://example.com/schemas/address.json#/type"
            ),
            Some((1, "/type".into()))
        );
        assert_eq!(locate(&targets, 0, "other.json"), None);
        assert_eq!(
            locate(&targets, 0, "#/definitions/a%7Eb"),
            Some((0, "/definitions/a~b".into()))
        );
    }
}
