//! Inline field tags of Protobuf schemas, `[(confluent.field_meta).tags = "PII"]` (extension
//! 1088 of `FieldOptions`, from `confluent/meta.proto`), read from a file descriptor's bytes.
//!
//! Decoding a descriptor into `prost_types` drops extension options, so the tags are read from
//! the encoded `FileDescriptorProto` with a model of just the fields that lead to them.

use std::collections::{BTreeSet, HashMap};

use prost::Message;

/// Fully qualified field name (`package.Message.field`) → inline tags.
pub(crate) type InlineTags = HashMap<String, BTreeSet<String>>;

/// Most tagged fields read from one file (a bound on hostile descriptors).
const MAX_TAGGED_FIELDS: usize = 10_000;

#[derive(Clone, PartialEq, Message)]
struct File {
    #[prost(string, optional, tag = "2")]
    package: Option<String>,
    #[prost(message, repeated, tag = "4")]
    message_type: Vec<Msg>,
}

#[derive(Clone, PartialEq, Message)]
struct Msg {
    #[prost(string, optional, tag = "1")]
    name: Option<String>,
    #[prost(message, repeated, tag = "2")]
    field: Vec<Field>,
    #[prost(message, repeated, tag = "3")]
    nested_type: Vec<Msg>,
}

#[derive(Clone, PartialEq, Message)]
struct Field {
    #[prost(string, optional, tag = "1")]
    name: Option<String>,
    #[prost(message, optional, tag = "8")]
    options: Option<Options>,
}

#[derive(Clone, PartialEq, Message)]
struct Options {
    #[prost(message, optional, tag = "1088")]
    field_meta: Option<Meta>,
}

#[derive(Clone, PartialEq, Message)]
struct Meta {
    #[prost(string, repeated, tag = "3")]
    tags: Vec<String>,
}

/// Adds the inline tags declared in the encoded `FileDescriptorProto` `bytes` to `out`
/// (nothing when the bytes are not a descriptor).
pub(crate) fn collect(bytes: &[u8], out: &mut InlineTags) {
    let Ok(file) = File::decode(bytes) else {
        return;
    };
    let mut stack: Vec<(String, &Msg)> = file
        .message_type
        .iter()
        .map(|m| (join(file.package.as_deref().unwrap_or(""), m), m))
        .collect();
    while let Some((prefix, m)) = stack.pop() {
        for f in &m.field {
            let tags = f
                .options
                .as_ref()
                .and_then(|o| o.field_meta.as_ref())
                .map(|meta| &meta.tags);
            if let (Some(tags), Some(name)) = (tags, &f.name)
                && !tags.is_empty()
                && out.len() < MAX_TAGGED_FIELDS
            {
                out.entry(format!("{prefix}.{name}"))
                    .or_default()
                    .extend(tags.iter().cloned());
            }
        }
        stack.extend(m.nested_type.iter().map(|n| (join(&prefix, n), n)));
    }
}

/// Inline tags from a base64 `FileDescriptorProto` (the registry's `serialized` form).
pub(crate) fn collect_base64(text: &str, out: &mut InlineTags) {
    use base64::Engine;
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    if let Ok(bytes) = engine.decode(text.trim()) {
        collect(&bytes, out);
    }
}

fn join(prefix: &str, m: &Msg) -> String {
    let name = m.name.as_deref().unwrap_or("");
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}.{name}")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn reads_tags_of_nested_messages() {
        let tagged = |name: &str, tags: &[&str]| Field {
            name: Some(name.into()),
            options: Some(Options {
                field_meta: Some(Meta {
                    tags: tags.iter().map(|t| (*t).to_owned()).collect(),
                }),
            }),
        };
        let file = File {
            package: Some("shop".into()),
            message_type: vec![Msg {
                name: Some("Order".into()),
                field: vec![
                    tagged("email", &["PII"]),
                    Field {
                        name: Some("qty".into()),
                        options: None,
                    },
                ],
                nested_type: vec![Msg {
                    name: Some("Line".into()),
                    field: vec![tagged("sku", &["A", "B"])],
                    nested_type: vec![],
                }],
            }],
        };
        let mut out = InlineTags::new();
        collect(&file.encode_to_vec(), &mut out);
        assert_eq!(out.len(), 2);
        assert_eq!(out["shop.Order.email"], ["PII".to_owned()].into());
        assert_eq!(out["shop.Order.Line.sku"].len(), 2);
        collect(b"\xff\xff not a descriptor", &mut out);
        assert_eq!(out.len(), 2);
    }
}
