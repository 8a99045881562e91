//! Confluent's `confluent.*_meta` options (extension 1088 of the file, message, field, enum
//! and enum-value option messages) read from a serialized descriptor, which Confluent keeps
//! when it converts descriptor input. `prost_types` drops extensions, so the bytes are
//! decoded a second time into shadow messages that keep only the paths to those options.

use prost::Message as _;

use super::ast::{AggregateEntry, AggregateValue, OptionEntry, OptionValue};

/// `confluent.Meta`; `params` is a `map<string, string>`, read as its entries in wire order.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Meta {
    #[prost(string, tag = "1")]
    pub doc: String,
    #[prost(message, repeated, tag = "2")]
    pub params: Vec<Param>,
    #[prost(string, repeated, tag = "3")]
    pub tags: Vec<String>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Param {
    #[prost(string, tag = "1")]
    pub key: String,
    #[prost(string, tag = "2")]
    pub value: String,
}

/// Any descriptor options message, reduced to the meta extension.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Options {
    #[prost(message, optional, tag = "1088")]
    pub meta: Option<Meta>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct FileShadow {
    #[prost(message, repeated, tag = "4")]
    pub message_type: Vec<MessageShadow>,
    #[prost(message, repeated, tag = "5")]
    pub enum_type: Vec<EnumShadow>,
    #[prost(message, repeated, tag = "7")]
    pub extension: Vec<FieldShadow>,
    #[prost(message, optional, tag = "8")]
    pub options: Option<Options>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct MessageShadow {
    #[prost(message, repeated, tag = "2")]
    pub field: Vec<FieldShadow>,
    #[prost(message, repeated, tag = "3")]
    pub nested_type: Vec<MessageShadow>,
    #[prost(message, repeated, tag = "4")]
    pub enum_type: Vec<EnumShadow>,
    #[prost(message, repeated, tag = "6")]
    pub extension: Vec<FieldShadow>,
    #[prost(message, optional, tag = "7")]
    pub options: Option<Options>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct FieldShadow {
    #[prost(message, optional, tag = "8")]
    pub options: Option<Options>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct EnumShadow {
    #[prost(message, repeated, tag = "2")]
    pub value: Vec<EnumValueShadow>,
    #[prost(message, optional, tag = "3")]
    pub options: Option<Options>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct EnumValueShadow {
    #[prost(message, optional, tag = "3")]
    pub options: Option<Options>,
}

/// The meta options of an encoded `FileDescriptorProto`; `None` if they do not decode
/// (the file then converts without them).
#[must_use]
pub fn decode(bytes: &[u8]) -> Option<FileShadow> {
    FileShadow::decode(bytes).ok()
}

/// The meta set on an options shadow, if any.
#[must_use]
pub fn meta_of(options: Option<&Options>) -> Option<&Meta> {
    options.and_then(|o| o.meta.as_ref())
}

fn string(text: &str) -> AggregateValue {
    AggregateValue::Scalar(OptionValue::String(text.as_bytes().to_vec()))
}

fn entry(key: &str, value: AggregateValue) -> AggregateEntry {
    AggregateEntry {
        key: key.to_owned(),
        value,
    }
}

/// The option Confluent makes of a meta: `(confluent.<kind>) = { doc, params, tags }` with
/// empty parts left out, or `None` when all are empty. A repeated param key keeps its first
/// place and its last value (a map); `precision` and `scale` list their value first, as
/// Confluent does for backward compatibility.
#[must_use]
pub fn meta_entry(option_name: &str, meta: Option<&Meta>) -> Option<OptionEntry> {
    let meta = meta?;
    let mut entries = Vec::new();
    if !meta.doc.is_empty() {
        entries.push(entry("doc", string(&meta.doc)));
    }
    let mut params: Vec<(&str, &str)> = Vec::new();
    for p in &meta.params {
        match params.iter_mut().find(|(k, _)| *k == p.key) {
            Some(slot) => slot.1 = &p.value,
            None => params.push((&p.key, &p.value)),
        }
    }
    if !params.is_empty() {
        let list = params
            .into_iter()
            .map(|(key, value)| {
                let pair = if key == "precision" || key == "scale" {
                    vec![entry("value", string(value)), entry("key", string(key))]
                } else {
                    vec![entry("key", string(key)), entry("value", string(value))]
                };
                AggregateValue::Scalar(OptionValue::Aggregate(pair))
            })
            .collect();
        entries.push(entry("params", AggregateValue::List(list)));
    }
    if !meta.tags.is_empty() {
        let list = meta.tags.iter().map(|t| string(t)).collect();
        entries.push(entry("tags", AggregateValue::List(list)));
    }
    (!entries.is_empty()).then(|| OptionEntry {
        name: format!("({option_name})"),
        value: OptionValue::Aggregate(entries),
    })
}
