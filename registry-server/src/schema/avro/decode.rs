//! One Avro binary datum read into JSON for people to look at (the UI's message decoder):
//! records as objects, unions as their branch's value, enums as their symbol, bytes and
//! fixed as hex strings, longs as numbers, non-finite floats as strings.
//!
//! Every bound is checked before it is used: lengths against the bytes left, nesting
//! against a depth limit, and the values produced against a budget (an array of nulls or
//! of empty records takes no bytes per item, so its count alone bounds nothing).

use serde_json::{Map, Value};

use super::model::{Graph, Kind, Node, NodeId};
use crate::schema::decode::DecodeError;

/// Most values (of any kind, nested ones included) one decode produces.
pub const MAX_DECODED_VALUES: usize = 100_000;

/// Decodes `bytes` as one datum of `root`; bytes left over are an error (a datum is the
/// whole payload in Confluent's framing).
pub(crate) fn decode(
    graph: &Graph,
    root: NodeId,
    bytes: &[u8],
    max_depth: usize,
) -> Result<Value, DecodeError> {
    let mut reader = Reader {
        graph,
        bytes,
        at: 0,
        budget: MAX_DECODED_VALUES,
        max_depth,
    };
    let value = reader.value(root, 0)?;
    if reader.at != bytes.len() {
        return Err(DecodeError::new(format!(
            "{} bytes left over after the datum ended at byte {}",
            bytes.len() - reader.at,
            reader.at
        )));
    }
    Ok(value)
}

struct Reader<'a> {
    graph: &'a Graph,
    bytes: &'a [u8],
    at: usize,
    budget: usize,
    max_depth: usize,
}

impl Reader<'_> {
    fn value(&mut self, id: NodeId, depth: usize) -> Result<Value, DecodeError> {
        if depth > self.max_depth {
            return Err(DecodeError::new(format!(
                "the datum nests deeper than {} levels",
                self.max_depth
            )));
        }
        if self.budget == 0 {
            return Err(DecodeError::new(format!(
                "the datum holds more than {MAX_DECODED_VALUES} values"
            )));
        }
        self.budget -= 1;
        let graph = self.graph;
        match graph.node(id) {
            Node::Primitive { kind, .. } => self.primitive(*kind),
            Node::Record { fields, .. } => {
                let mut object = Map::new();
                for field in fields {
                    let value = self.value(field.ty, depth + 1)?;
                    object.insert(field.name.clone(), value);
                }
                Ok(Value::Object(object))
            }
            Node::Enum { symbols, named, .. } => {
                let index = self.long()?;
                usize::try_from(index)
                    .ok()
                    .and_then(|i| symbols.get(i))
                    .map(|s| Value::String(s.clone()))
                    .ok_or_else(|| {
                        DecodeError::new(format!(
                            "enum {} has no symbol {index}",
                            named.name.full()
                        ))
                    })
            }
            Node::Fixed { size, .. } => {
                let size = usize::try_from(*size).unwrap_or(usize::MAX);
                Ok(Value::String(hex(self.take(size)?)))
            }
            Node::Array { items, .. } => {
                let items = *items;
                let mut out = Vec::new();
                self.blocks(|reader| {
                    out.push(reader.value(items, depth + 1)?);
                    Ok(())
                })?;
                Ok(Value::Array(out))
            }
            Node::Map { values, .. } => {
                let values = *values;
                let mut out = Map::new();
                self.blocks(|reader| {
                    let key = reader.string()?;
                    let value = reader.value(values, depth + 1)?;
                    out.insert(key, value);
                    Ok(())
                })?;
                Ok(Value::Object(out))
            }
            Node::Union { branches } => {
                let index = self.long()?;
                let branch = usize::try_from(index)
                    .ok()
                    .and_then(|i| branches.get(i))
                    .copied()
                    .ok_or_else(|| {
                        DecodeError::new(format!(
                            "union branch {index} does not exist (the union has {})",
                            branches.len()
                        ))
                    })?;
                self.value(branch, depth + 1)
            }
        }
    }

    fn primitive(&mut self, kind: Kind) -> Result<Value, DecodeError> {
        Ok(match kind {
            Kind::Null => Value::Null,
            Kind::Boolean => match self.take(1)?[0] {
                0 => Value::Bool(false),
                1 => Value::Bool(true),
                other => {
                    return Err(DecodeError::new(format!(
                        "byte {other} is not a boolean (at byte {})",
                        self.at - 1
                    )));
                }
            },
            Kind::Int => {
                let value = self.long()?;
                let int = i32::try_from(value).map_err(|_| {
                    DecodeError::new(format!("{value} does not fit an int (at byte {})", self.at))
                })?;
                Value::from(int)
            }
            Kind::Long => Value::from(self.long()?),
            Kind::Float => {
                let raw = self.take(4)?;
                let float = f32::from_le_bytes([raw[0], raw[1], raw[2], raw[3]]);
                number(f64::from(float))
            }
            Kind::Double => {
                let raw = self.take(8)?;
                let mut array = [0u8; 8];
                array.copy_from_slice(raw);
                number(f64::from_le_bytes(array))
            }
            Kind::Bytes => {
                let len = self.length()?;
                Value::String(hex(self.take(len)?))
            }
            Kind::String => Value::String(self.string()?),
            // Named and complex kinds are nodes of their own, never primitives.
            Kind::Record | Kind::Enum | Kind::Array | Kind::Map | Kind::Union | Kind::Fixed => {
                return Err(DecodeError::new("malformed schema graph"));
            }
        })
    }

    /// Array and map blocks: a count (negative: followed by the block's size in bytes),
    /// repeated until a zero count.
    fn blocks(
        &mut self,
        mut item: impl FnMut(&mut Self) -> Result<(), DecodeError>,
    ) -> Result<(), DecodeError> {
        loop {
            let count = self.long()?;
            if count == 0 {
                return Ok(());
            }
            if count < 0 {
                // The block size only lets a reader skip; the items are read anyway.
                self.long()?;
            }
            let count = count.unsigned_abs();
            if count > self.budget as u64 {
                return Err(DecodeError::new(format!(
                    "a block of {count} items is more than the {MAX_DECODED_VALUES} values a decode may produce"
                )));
            }
            for _ in 0..count {
                item(self)?;
            }
        }
    }

    fn string(&mut self) -> Result<String, DecodeError> {
        let len = self.length()?;
        let at = self.at;
        let raw = self.take(len)?;
        String::from_utf8(raw.to_vec())
            .map_err(|_| DecodeError::new(format!("the string at byte {at} is not UTF-8")))
    }

    /// A length prefix: a non-negative long no larger than the bytes left.
    fn length(&mut self) -> Result<usize, DecodeError> {
        let at = self.at;
        let len = self.long()?;
        let left = self.bytes.len() - self.at;
        usize::try_from(len)
            .ok()
            .filter(|len| *len <= left)
            .ok_or_else(|| {
                DecodeError::new(format!(
                    "a length of {len} at byte {at} does not fit the {left} bytes left"
                ))
            })
    }

    fn take(&mut self, len: usize) -> Result<&[u8], DecodeError> {
        let end = self
            .at
            .checked_add(len)
            .filter(|end| *end <= self.bytes.len());
        let Some(end) = end else {
            return Err(DecodeError::new(format!(
                "the datum ends early: {len} more bytes needed at byte {}, {} left",
                self.at,
                self.bytes.len() - self.at
            )));
        };
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }

    /// A zig-zag variable-length long (at most 10 bytes).
    fn long(&mut self) -> Result<i64, DecodeError> {
        let start = self.at;
        let mut raw: u64 = 0;
        for shift in (0..70).step_by(7) {
            let Some(&byte) = self.bytes.get(self.at) else {
                return Err(DecodeError::new(format!(
                    "the datum ends inside a number starting at byte {start}"
                )));
            };
            self.at += 1;
            if shift == 63 && byte > 1 {
                break;
            }
            raw |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                let value = (raw >> 1) as i64 ^ -((raw & 1) as i64);
                return Ok(value);
            }
        }
        Err(DecodeError::new(format!(
            "the number starting at byte {start} is longer than a long"
        )))
    }
}

fn number(value: f64) -> Value {
    serde_json::Number::from_f64(value)
        .map_or_else(|| Value::String(value.to_string()), Value::Number)
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
    use crate::schema::ParseOptions;
    use crate::schema::avro::AvroSchema;
    use serde_json::json;

    fn schema(text: &str) -> AvroSchema {
        AvroSchema::parse(text, &[], ParseOptions::default()).expect("schema")
    }

    const ORDER: &str = r#"{"type":"record","name":"Order","fields":[
        {"name":"id","type":"long"},
        {"name":"item","type":"string"},
        {"name":"note","type":["null","string"]},
        {"name":"tags","type":{"type":"array","items":"string"}},
        {"name":"state","type":{"type":"enum","name":"State","symbols":["NEW","PAID"]}},
        {"name":"price","type":"double"},
        {"name":"ok","type":"boolean"},
        {"name":"code","type":{"type":"fixed","name":"Code","size":2}},
        {"name":"attrs","type":{"type":"map","values":"int"}}]}"#;

    #[test]
    fn a_record_of_every_kind_reads_back() {
        let mut bytes = vec![0x54]; // id 42
        bytes.extend([0x06, b'p', b'e', b'n']);
        bytes.extend([0x02, 0x04, b'h', b'i']); // union branch 1, "hi"
        bytes.extend([0x02, 0x02, b'a', 0x00]); // one tag "a"
        bytes.push(0x02); // PAID
        bytes.extend(2.5f64.to_le_bytes());
        bytes.push(0x01);
        bytes.extend([0xab, 0xcd]);
        bytes.extend([0x02, 0x02, b'k', 0x0e, 0x00]); // {"k": 7}
        let value = schema(ORDER).decode_datum(&bytes).expect("decodes");
        assert_eq!(
            value,
            json!({"id":42,"item":"pen","note":"hi","tags":["a"],"state":"PAID","price":2.5,
                   "ok":true,"code":"abcd","attrs":{"k":7}})
        );
    }

    #[test]
    fn truncated_and_trailing_bytes_are_errors() {
        let schema =
            schema(r#"{"type":"record","name":"R","fields":[{"name":"s","type":"string"}]}"#);
        let short = schema.decode_datum(&[0x0a, b'a']).expect_err("short");
        assert!(short.message.contains("does not fit"), "{}", short.message);
        let extra = schema.decode_datum(&[0x02, b'a', 0x00]).expect_err("extra");
        assert!(extra.message.contains("left over"), "{}", extra.message);
        let empty = schema.decode_datum(&[]).expect_err("empty");
        assert!(
            empty.message.contains("ends inside a number"),
            "{}",
            empty.message
        );
    }

    #[test]
    fn huge_counts_of_empty_items_hit_the_value_budget() {
        let schema = schema(r#"{"type":"array","items":"null"}"#);
        // count = i64::MAX / 2-ish as a zig-zag varint, no bytes per item
        let bytes = [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x00];
        let error = schema.decode_datum(&bytes).expect_err("bounded");
        assert!(error.message.contains("values"), "{}", error.message);
    }

    #[test]
    fn overlong_numbers_bad_branches_and_bad_symbols_are_errors() {
        let long = schema(r#""long""#);
        let error = long.decode_datum(&[0xff; 11]).expect_err("overlong");
        assert!(
            error.message.contains("longer than a long"),
            "{}",
            error.message
        );
        assert_eq!(
            long.decode_datum(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])
                .expect("min"),
            json!(i64::MIN)
        );
        let union = schema(r#"["null","int"]"#);
        assert!(union.decode_datum(&[0x04]).is_err());
        let symbols = schema(r#"{"type":"enum","name":"E","symbols":["A"]}"#);
        assert!(symbols.decode_datum(&[0x02]).is_err());
        let int = schema(r#""int""#);
        assert!(int.decode_datum(&[0x80, 0x80, 0x80, 0x80, 0x20]).is_err());
    }

    #[test]
    fn a_recursive_schema_is_bounded_by_depth() {
        let list = schema(
            r#"{"type":"record","name":"Node","fields":[{"name":"next","type":["null","Node"]}]}"#,
        );
        let mut deep = vec![0x02; 400];
        deep.push(0x00);
        let error = list.decode_datum(&deep).expect_err("deep");
        assert!(error.message.contains("deeper"), "{}", error.message);
        assert_eq!(
            list.decode_datum(&[0x02, 0x00]).expect("two"),
            json!({"next":{"next":null}})
        );
    }
}
