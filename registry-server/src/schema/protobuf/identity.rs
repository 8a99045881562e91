//! The identity of a Protobuf schema: what makes two submissions the same schema (one id).
//!
//! It is the normalized text (names fully qualified, map entries folded, order sorted) of
//! the file without the `json_name`s that only spell out the default, so a schema sent as
//! `.proto` text and the same schema sent as a serialized descriptor (which names every type
//! in full, writes map entries out and carries a `json_name` on every field) are one schema.

use super::ast::{Extend, Field, Message, NameResolver, ProtoFile};
use super::normalize::normalized;
use super::to_descriptor::json_name;
use crate::schema::limits::DEFAULT_MAX_DEPTH;

/// The text whose digest identifies `file` (never stored or shown).
#[must_use]
pub fn identity_text(file: &ProtoFile, resolve: &NameResolver<'_>) -> String {
    let mut file = file.clone();
    drop_default_json_names_in(&mut file.messages, 1);
    drop_in_extends(&mut file.extends);
    normalized(&file, resolve)
}

fn drop_default_json_names_in(messages: &mut [Message], depth: usize) {
    if depth > DEFAULT_MAX_DEPTH {
        return;
    }
    for message in messages {
        drop_in_fields(&mut message.fields);
        for oneof in &mut message.oneofs {
            drop_in_fields(&mut oneof.fields);
        }
        for group in &mut message.groups {
            drop_in_fields(&mut group.body.fields);
            drop_default_json_names_in(&mut group.body.messages, depth + 1);
        }
        drop_in_extends(&mut message.extends);
        drop_default_json_names_in(&mut message.messages, depth + 1);
    }
}

fn drop_in_extends(extends: &mut [Extend]) {
    for extend in extends {
        drop_in_fields(&mut extend.fields);
    }
}

fn drop_in_fields(fields: &mut [Field]) {
    for field in fields {
        if field.json_name.as_deref() == Some(json_name(&field.name).as_str()) {
            field.json_name = None;
        }
    }
}
