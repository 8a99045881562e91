//! A Protobuf message of this schema read into JSON for display (the UI's message decoder):
//! the file and the files it imports linked into a `prost_reflect` pool, the message the
//! frame's indexes name, decoded as a dynamic message and walked into JSON with field
//! names as written, enums by name, bytes as hex.
//!
//! prost's decoder bounds nesting (100 levels); the walk here bounds the values produced.

use std::collections::HashSet;

use prost_reflect::{DescriptorPool, DynamicMessage, Kind, MapKey, MessageDescriptor, Value};
use serde_json::{Map, Value as Json};

use super::ProtobufSchema;
use super::to_descriptor::to_descriptor_named;
use crate::schema::decode::DecodeError;

/// Most values (nested ones included) one decode produces.
pub const MAX_DECODED_VALUES: usize = 100_000;

/// The name the schema's own file gets in the pool (never an import path: it has a space).
const ROOT_FILE: &str = "schema under decode.proto";

impl ProtobufSchema {
    /// Decodes `payload` as the message `indexes` names (`[0]`: the first top-level
    /// message; then nested messages by position).
    ///
    /// # Errors
    /// The schema cannot be linked (a type resolves nowhere), no message has those indexes,
    /// or the payload is not that message.
    pub fn decode_message(&self, indexes: &[usize], payload: &[u8]) -> Result<Json, DecodeError> {
        let descriptor = self.message_at(indexes)?;
        let message = DynamicMessage::decode(descriptor.clone(), payload).map_err(|e| {
            DecodeError::new(format!(
                "the payload is not a {} message: {e}",
                descriptor.full_name()
            ))
        })?;
        let mut budget = MAX_DECODED_VALUES;
        message_json(&message, &mut budget)
    }

    /// The message descriptor at `indexes` in this schema's linked file.
    fn message_at(&self, indexes: &[usize]) -> Result<MessageDescriptor, DecodeError> {
        let pool = self.pool()?;
        let file = pool
            .get_file_by_name(ROOT_FILE)
            .ok_or_else(|| DecodeError::new("the schema file did not link"))?;
        let missing =
            || DecodeError::new(format!("the schema has no message at indexes {indexes:?}"));
        let (first, rest) = indexes.split_first().ok_or_else(missing)?;
        let mut message = file.messages().nth(*first).ok_or_else(missing)?;
        for index in rest {
            let child = message.child_messages().nth(*index);
            message = child.ok_or_else(missing)?;
        }
        Ok(message)
    }

    /// The schema's file and its imports as one pool (the well-known types come from
    /// prost-reflect's own pool).
    fn pool(&self) -> Result<DescriptorPool, DecodeError> {
        let inner = &*self.inner;
        let resolve = |scope: &str, written: &str| inner.symbols.resolve(scope, written);
        let link_error = |e: crate::schema::SchemaError| {
            DecodeError::new(format!("the schema cannot be linked: {}", e.message))
        };
        let mut pool = DescriptorPool::global();
        let mut files = Vec::new();
        let mut named: HashSet<&str> = HashSet::new();
        for (path, file) in &inner.imported {
            if pool.get_file_by_name(path).is_none() && named.insert(path) {
                files.push(to_descriptor_named(file, path, &resolve).map_err(link_error)?);
            }
        }
        let mut root = inner.file.clone();
        root.imports
            .retain(|import| inner.resolved_imports.contains(&import.path));
        files.push(to_descriptor_named(&root, ROOT_FILE, &resolve).map_err(link_error)?);
        pool.add_file_descriptor_protos(files)
            .map_err(|e| DecodeError::new(format!("the schema cannot be linked: {e}")))?;
        Ok(pool)
    }
}

fn spend(budget: &mut usize) -> Result<(), DecodeError> {
    if *budget == 0 {
        return Err(DecodeError::new(format!(
            "the message holds more than {MAX_DECODED_VALUES} values"
        )));
    }
    *budget -= 1;
    Ok(())
}

fn message_json(message: &DynamicMessage, budget: &mut usize) -> Result<Json, DecodeError> {
    spend(budget)?;
    let mut out = Map::new();
    for (field, value) in message.fields() {
        out.insert(
            field.name().to_owned(),
            value_json(value, &field.kind(), budget)?,
        );
    }
    Ok(Json::Object(out))
}

fn value_json(value: &Value, kind: &Kind, budget: &mut usize) -> Result<Json, DecodeError> {
    spend(budget)?;
    Ok(match value {
        Value::Bool(b) => Json::Bool(*b),
        Value::I32(n) => Json::from(*n),
        Value::I64(n) => Json::from(*n),
        Value::U32(n) => Json::from(*n),
        Value::U64(n) => Json::from(*n),
        Value::F32(f) => float(f64::from(*f)),
        Value::F64(f) => float(*f),
        Value::String(s) => Json::String(s.clone()),
        Value::Bytes(bytes) => Json::String(hex(bytes)),
        Value::EnumNumber(number) => match kind {
            Kind::Enum(descriptor) => descriptor.get_value(*number).map_or_else(
                || Json::from(*number),
                |v| Json::String(v.name().to_owned()),
            ),
            _ => Json::from(*number),
        },
        Value::Message(message) => message_json(message, budget)?,
        Value::List(items) => Json::Array(
            items
                .iter()
                .map(|item| value_json(item, kind, budget))
                .collect::<Result<_, _>>()?,
        ),
        Value::Map(entries) => {
            let value_kind = match kind {
                Kind::Message(entry) => entry.map_entry_value_field().kind(),
                other => other.clone(),
            };
            let mut keys: Vec<&MapKey> = entries.keys().collect();
            keys.sort();
            let mut out = Map::new();
            for key in keys {
                if let Some(value) = entries.get(key) {
                    out.insert(map_key(key), value_json(value, &value_kind, budget)?);
                }
            }
            Json::Object(out)
        }
    })
}

fn map_key(key: &MapKey) -> String {
    match key {
        MapKey::Bool(b) => b.to_string(),
        MapKey::I32(n) => n.to_string(),
        MapKey::I64(n) => n.to_string(),
        MapKey::U32(n) => n.to_string(),
        MapKey::U64(n) => n.to_string(),
        MapKey::String(s) => s.clone(),
    }
}

fn float(value: f64) -> Json {
    serde_json::Number::from_f64(value)
        .map_or_else(|| Json::String(value.to_string()), Json::Number)
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::schema::protobuf::ProtobufSchema;
    use crate::schema::{Dependency, ParseOptions, SchemaLimits};
    use serde_json::json;

    fn parse(text: &str, dependencies: &[Dependency]) -> ProtobufSchema {
        ProtobufSchema::parse_limited(
            text,
            dependencies,
            ParseOptions::default(),
            &SchemaLimits::default(),
        )
        .expect("schema")
    }

    #[test]
    fn a_nested_message_with_an_import_decodes_by_its_indexes() {
        let money = Dependency {
            name: "money.proto".to_owned(),
            schema: "syntax = \"proto3\";\npackage shop;\nmessage Money { int64 cents = 1; }\n"
                .to_owned(),
        };
        let schema = parse(
            "syntax = \"proto3\";\npackage shop;\nimport \"money.proto\";\nimport \"google/protobuf/timestamp.proto\";\n\
             message Other { string x = 1; }\n\
             message Order {\n  message Line { string sku = 1; Money price = 2; Kind kind = 3; map<string, int32> tags = 4; }\n  \
             enum Kind { PLAIN = 0; GIFT = 1; }\n  repeated Line lines = 1; google.protobuf.Timestamp at = 2; bytes raw = 3; }\n",
            std::slice::from_ref(&money),
        );
        // Order.Line { sku: "ab", price { cents: 5 }, kind: GIFT, tags { "t": 2 } }
        let line = [
            0x0a, 0x02, b'a', b'b', 0x12, 0x02, 0x08, 0x05, 0x18, 0x01, 0x22, 0x05, 0x0a, 0x01,
            b't', 0x10, 0x02,
        ];
        let value = schema.decode_message(&[1, 0], &line).expect("line");
        assert_eq!(
            value,
            json!({"sku":"ab","price":{"cents":5},"kind":"GIFT","tags":{"t":2}})
        );
        let mut order = vec![0x0a, u8::try_from(line.len()).expect("short")];
        order.extend(line);
        order.extend([0x12, 0x02, 0x08, 0x07, 0x1a, 0x02, 0xbe, 0xef]);
        let value = schema.decode_message(&[1], &order).expect("order");
        assert_eq!(value["lines"][0]["sku"], json!("ab"));
        assert_eq!(value["at"], json!({"seconds": 7}));
        assert_eq!(value["raw"], json!("beef"));
        assert!(schema.decode_message(&[5], &[]).is_err());
        assert!(schema.decode_message(&[1, 9], &[]).is_err());
        let garbage = schema
            .decode_message(&[1], &[0x0a, 0x7f])
            .expect_err("garbage");
        assert!(
            garbage.message.contains("shop.Order"),
            "{}",
            garbage.message
        );
    }
}
