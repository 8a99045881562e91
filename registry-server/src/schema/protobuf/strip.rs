//! The file as `format=ignore_extensions` shows it: custom options (except Confluent's own
//! `(confluent.…)` ones), `extend` blocks and `extensions` ranges removed at every level.
//!
//! Stops descending below [`DEFAULT_MAX_DEPTH`] levels of nested messages (deeper ones are
//! dropped); a parsed file never nests that deep.

use super::ast::{Enum, EnumValue, Field, Group, Message, Oneof, OptionEntry, ProtoFile, Service};
use crate::schema::limits::DEFAULT_MAX_DEPTH;

/// The file without custom options other than `(confluent.…)`, `extend` blocks and
/// `extensions` ranges. Print it with `print::canonical`.
#[must_use]
pub fn without_extensions(file: &ProtoFile) -> ProtoFile {
    ProtoFile {
        syntax: file.syntax,
        package: file.package.clone(),
        imports: file.imports.clone(),
        options: kept(&file.options),
        messages: messages(&file.messages, 1),
        enums: file.enums.iter().map(enumeration).collect(),
        extends: Vec::new(),
        services: file.services.iter().map(service).collect(),
    }
}

/// Options that stay: built-in ones and Confluent's.
fn kept(options: &[OptionEntry]) -> Vec<OptionEntry> {
    options
        .iter()
        .filter(|o| !o.is_custom() || o.name.starts_with("(confluent."))
        .cloned()
        .collect()
}

fn messages(messages: &[Message], depth: usize) -> Vec<Message> {
    if depth > DEFAULT_MAX_DEPTH {
        return Vec::new();
    }
    messages.iter().map(|m| message(m, depth)).collect()
}

fn message(message: &Message, depth: usize) -> Message {
    Message {
        name: message.name.clone(),
        options: kept(&message.options),
        reserved: message.reserved.clone(),
        fields: message.fields.iter().map(field).collect(),
        oneofs: message
            .oneofs
            .iter()
            .map(|o| Oneof {
                name: o.name.clone(),
                options: kept(&o.options),
                fields: o.fields.iter().map(field).collect(),
            })
            .collect(),
        groups: message
            .groups
            .iter()
            .map(|g| Group {
                label: g.label,
                name: g.name.clone(),
                number: g.number,
                options: kept(&g.options),
                body: if depth < DEFAULT_MAX_DEPTH {
                    self::message(&g.body, depth + 1)
                } else {
                    Message {
                        name: g.body.name.clone(),
                        ..Message::default()
                    }
                },
            })
            .collect(),
        extension_ranges: Vec::new(),
        extends: Vec::new(),
        messages: messages(&message.messages, depth + 1),
        enums: message.enums.iter().map(enumeration).collect(),
    }
}

fn field(field: &Field) -> Field {
    Field {
        options: kept(&field.options),
        ..field.clone()
    }
}

fn enumeration(e: &Enum) -> Enum {
    Enum {
        name: e.name.clone(),
        options: kept(&e.options),
        reserved: e.reserved.clone(),
        values: e
            .values
            .iter()
            .map(|v| EnumValue {
                name: v.name.clone(),
                number: v.number,
                options: kept(&v.options),
            })
            .collect(),
    }
}

fn service(service: &Service) -> Service {
    let mut out = service.clone();
    out.options = kept(&service.options);
    for rpc in &mut out.rpcs {
        rpc.options = kept(&rpc.options);
    }
    out
}
