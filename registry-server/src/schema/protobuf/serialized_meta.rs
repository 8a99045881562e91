//! `format=serialized` carrying Confluent's meta options: `(confluent.*_meta)` options of the
//! file model written into the descriptor's option messages as extension 1088, as
//! Confluent's serialized form has them (clients read field tags from there). `prost_types`
//! cannot hold extensions, so the descriptor is re-encoded through `prost-reflect` with
//! `confluent/meta.proto` loaded. Elements are matched by name (fields by number), so the
//! descriptor's own order does not matter.

use std::collections::HashMap;
use std::sync::LazyLock;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use prost::Message as _;
use prost_reflect::{
    DescriptorPool, DynamicMessage, ExtensionDescriptor, MapKey, MessageDescriptor, Value,
};
use prost_types::FileDescriptorProto;

use super::ast::{
    AggregateEntry, AggregateValue, Enum, Field, Message, NamedKind, OptionEntry, OptionValue,
    ProtoFile, ResolvedName,
};
use super::builtins::builtin_file;
use super::to_descriptor::{serialized, to_descriptor_named};
use crate::schema::limits::DEFAULT_MAX_DEPTH;

const META_PATH: &str = "confluent/meta.proto";

/// The descriptor types the re-encoding needs.
struct MetaPool {
    file: MessageDescriptor,
    meta: MessageDescriptor,
    file_meta: ExtensionDescriptor,
    message_meta: ExtensionDescriptor,
    field_meta: ExtensionDescriptor,
    enum_meta: ExtensionDescriptor,
    enum_value_meta: ExtensionDescriptor,
}

static POOL: LazyLock<Option<MetaPool>> = LazyLock::new(load_pool);

fn load_pool() -> Option<MetaPool> {
    let meta_file = builtin_file(META_PATH)?;
    // meta.proto names only its own `Meta` and the google.protobuf option messages.
    let resolve = |_: &str, written: &str| -> Option<ResolvedName> {
        let full_name = match written {
            "Meta" | "confluent.Meta" => ".confluent.Meta".to_owned(),
            w if w.starts_with("google.protobuf.") => format!(".{w}"),
            _ => return None,
        };
        Some(ResolvedName {
            full_name,
            kind: NamedKind::Message,
        })
    };
    let descriptor = to_descriptor_named(&meta_file, META_PATH, &resolve).ok()?;
    let mut pool = DescriptorPool::global();
    pool.add_file_descriptor_proto(descriptor).ok()?;
    let ext = |name: &str| pool.get_extension_by_name(name);
    Some(MetaPool {
        file: pool.get_message_by_name("google.protobuf.FileDescriptorProto")?,
        meta: pool.get_message_by_name("confluent.Meta")?,
        file_meta: ext("confluent.file_meta")?,
        message_meta: ext("confluent.message_meta")?,
        field_meta: ext("confluent.field_meta")?,
        enum_meta: ext("confluent.enum_meta")?,
        enum_value_meta: ext("confluent.enum_value_meta")?,
    })
}

/// [`serialized`] of `descriptor` (built from `file` by `to_descriptor`) with `file`'s
/// Confluent meta options added; the plain form when `file` has none or the descriptor
/// cannot be re-encoded (nesting past the decoder's limit of 100).
#[must_use]
pub fn serialized_with_meta(file: &ProtoFile, descriptor: &FileDescriptorProto) -> String {
    let plain = || serialized(descriptor);
    let Some(pool) = POOL.as_ref() else {
        return plain();
    };
    let Ok(mut root) =
        DynamicMessage::decode(pool.file.clone(), descriptor.encode_to_vec().as_slice())
    else {
        return plain();
    };
    let mut writer = Writer { pool, wrote: false };
    writer.options(&mut root, &file.options, &pool.file_meta);
    for m in &file.messages {
        if let Some(target) = find(&mut root, "message_type", |d| named(d, &m.name)) {
            writer.message(m, target, 1);
        }
    }
    for e in &file.enums {
        if let Some(target) = find(&mut root, "enum_type", |d| named(d, &e.name)) {
            writer.enumeration(e, target);
        }
    }
    writer.extensions(&mut root, file.extends.iter().flat_map(|x| &x.fields));
    if writer.wrote {
        STANDARD.encode(root.encode_to_vec())
    } else {
        plain()
    }
}

fn named(d: &DynamicMessage, name: &str) -> bool {
    d.get_field_by_name("name")
        .is_some_and(|v| v.as_str() == Some(name))
}

fn numbered(d: &DynamicMessage, number: i32) -> bool {
    d.get_field_by_name("number")
        .is_some_and(|v| v.as_i32() == Some(number))
}

/// The element of the repeated message field `list` that `pick` accepts.
fn find<'a>(
    parent: &'a mut DynamicMessage,
    list: &str,
    pick: impl Fn(&DynamicMessage) -> bool,
) -> Option<&'a mut DynamicMessage> {
    parent
        .get_field_by_name_mut(list)?
        .as_list_mut()?
        .iter_mut()
        .filter_map(Value::as_message_mut)
        .find(|d| pick(d))
}

struct Writer<'p> {
    pool: &'p MetaPool,
    wrote: bool,
}

impl Writer<'_> {
    /// Sets the meta of `target`'s `options` when `written` has one.
    fn options(
        &mut self,
        target: &mut DynamicMessage,
        written: &[OptionEntry],
        ext: &ExtensionDescriptor,
    ) {
        let Some(meta) = collect(written, ext.name(), &self.pool.meta) else {
            return;
        };
        if let Some(options) = target
            .get_field_by_name_mut("options")
            .and_then(Value::as_message_mut)
        {
            options.set_extension(ext, Value::Message(meta));
            self.wrote = true;
        }
    }

    fn fields<'f>(&mut self, target: &mut DynamicMessage, fields: impl Iterator<Item = &'f Field>) {
        let pool = self.pool;
        for f in fields {
            if let Some(field) = find(target, "field", |d| numbered(d, f.number)) {
                self.options(field, &f.options, &pool.field_meta);
            }
        }
    }

    fn extensions<'f>(
        &mut self,
        target: &mut DynamicMessage,
        fields: impl Iterator<Item = &'f Field>,
    ) {
        let pool = self.pool;
        for f in fields {
            if let Some(field) = find(target, "extension", |d| numbered(d, f.number)) {
                self.options(field, &f.options, &pool.field_meta);
            }
        }
    }

    fn message(&mut self, m: &Message, target: &mut DynamicMessage, depth: usize) {
        if depth > DEFAULT_MAX_DEPTH {
            return;
        }
        let pool = self.pool;
        self.options(target, &m.options, &pool.message_meta);
        self.fields(
            target,
            m.fields
                .iter()
                .chain(m.oneofs.iter().flat_map(|o| &o.fields)),
        );
        self.extensions(target, m.extends.iter().flat_map(|x| &x.fields));
        for n in &m.messages {
            if let Some(nested) = find(target, "nested_type", |d| named(d, &n.name)) {
                self.message(n, nested, depth + 1);
            }
        }
        for e in &m.enums {
            if let Some(nested) = find(target, "enum_type", |d| named(d, &e.name)) {
                self.enumeration(e, nested);
            }
        }
    }

    fn enumeration(&mut self, e: &Enum, target: &mut DynamicMessage) {
        let pool = self.pool;
        self.options(target, &e.options, &pool.enum_meta);
        for v in &e.values {
            if let Some(value) = find(target, "value", |d| named(d, &v.name)) {
                self.options(value, &v.options, &pool.enum_value_meta);
            }
        }
    }
}

/// What the written `(confluent.<short>)` options say, merged.
#[derive(Default)]
struct Gathered {
    doc: Option<String>,
    params: Vec<(String, String)>,
    tags: Vec<String>,
}

fn text_of(value: &AggregateValue) -> Option<String> {
    match value {
        AggregateValue::Scalar(OptionValue::String(bytes)) => {
            Some(String::from_utf8_lossy(bytes).into_owned())
        }
        _ => None,
    }
}

/// The items of a value that may be a list or a single value.
fn items(value: &AggregateValue) -> Vec<&AggregateValue> {
    match value {
        AggregateValue::List(list) => list.iter().collect(),
        single => vec![single],
    }
}

impl Gathered {
    fn add(&mut self, key: &str, value: &AggregateValue) {
        match key {
            "doc" => self.doc = text_of(value).or(self.doc.take()),
            "tags" => self
                .tags
                .extend(items(value).into_iter().filter_map(text_of)),
            "params" => {
                for item in items(value) {
                    if let AggregateValue::Scalar(OptionValue::Aggregate(pair)) = item {
                        let get = |k: &str| {
                            pair.iter()
                                .find(|e| e.key == k)
                                .and_then(|e| text_of(&e.value))
                        };
                        if let (Some(k), Some(v)) = (get("key"), get("value")) {
                            self.params.push((k, v));
                        }
                    }
                }
            }
            _ => {}
        }
    }

    fn add_entries(&mut self, entries: &[AggregateEntry]) {
        for entry in entries {
            self.add(&entry.key, &entry.value);
        }
    }
}

/// The `confluent.Meta` that `written` sets for the extension `short` (`field_meta`, …):
/// `(confluent.field_meta) = {...}` and `(confluent.field_meta).tags = "..."` forms.
fn collect(
    written: &[OptionEntry],
    short: &str,
    meta: &MessageDescriptor,
) -> Option<DynamicMessage> {
    let whole = [
        format!("(confluent.{short})"),
        format!("(.confluent.{short})"),
    ];
    let mut gathered = Gathered::default();
    let mut any = false;
    for option in written {
        if whole.contains(&option.name) {
            if let OptionValue::Aggregate(entries) = &option.value {
                gathered.add_entries(entries);
                any = true;
            }
        } else if let Some(key) = whole
            .iter()
            .find_map(|w| option.name.strip_prefix(w.as_str())?.strip_prefix('.'))
        {
            let value = AggregateValue::Scalar(option.value.clone());
            gathered.add(key, &value);
            any = true;
        }
    }
    if !any {
        return None;
    }
    let mut out = DynamicMessage::new(meta.clone());
    if let Some(doc) = gathered.doc {
        out.set_field_by_name("doc", Value::String(doc));
    }
    if !gathered.params.is_empty() {
        let map: HashMap<MapKey, Value> = gathered
            .params
            .into_iter()
            .map(|(k, v)| (MapKey::String(k), Value::String(v)))
            .collect();
        out.set_field_by_name("params", Value::Map(map));
    }
    if !gathered.tags.is_empty() {
        out.set_field_by_name(
            "tags",
            Value::List(gathered.tags.into_iter().map(Value::String).collect()),
        );
    }
    Some(out)
}
