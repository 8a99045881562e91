//! Protobuf messages to CEL values and back, as Confluent's clients map them: a message is a map
//! of its fields by name (every field, defaults included, except unset `oneof` members; an unset
//! message field is `null`); enums are `int`, 32-bit floats `double`, unsigned types `uint`,
//! repeated fields lists, map fields maps; the `google.protobuf` wrapper types are their value.
//! `Timestamp` and `Duration` stay messages (`seconds`, `nanos`): this crate's CEL has no time
//! types. Going back, a map becomes a fresh message (fields it does not name are unset, `null`
//! clears), keyed by field name or JSON name; every value must fit its field.

use std::collections::HashMap;
use std::sync::Arc;

use cel::Value;
use cel::objects::Key;
use prost_reflect::{
    DynamicMessage, FieldDescriptor, Kind, MapKey, MessageDescriptor, ReflectMessage, Value as Pv,
};

use super::cel_value::{MAX_DEPTH, map_value};

const WRAPPERS: [&str; 9] = [
    "google.protobuf.DoubleValue",
    "google.protobuf.FloatValue",
    "google.protobuf.Int64Value",
    "google.protobuf.UInt64Value",
    "google.protobuf.Int32Value",
    "google.protobuf.UInt32Value",
    "google.protobuf.BoolValue",
    "google.protobuf.StringValue",
    "google.protobuf.BytesValue",
];

/// Message types a field rule treats as one value (and so leaves alone, not being primitives).
pub(crate) fn is_leaf_message(m: &MessageDescriptor) -> bool {
    let name = m.full_name();
    WRAPPERS.contains(&name)
        || matches!(
            name,
            "google.protobuf.Timestamp" | "google.protobuf.Duration" | "confluent.type.Decimal"
        )
}

fn too_deep() -> String {
    format!("message nests deeper than {MAX_DEPTH} levels; rules are not evaluated on it")
}

/// The message as a CEL map.
pub(crate) fn message_value(m: &DynamicMessage, depth: usize) -> Result<Value, String> {
    if depth > MAX_DEPTH {
        return Err(too_deep());
    }
    let desc = m.descriptor();
    if WRAPPERS.contains(&desc.full_name()) {
        return match desc.get_field_by_name("value") {
            Some(f) => field_value(&m.get_field(&f), depth + 1),
            None => Ok(Value::Null),
        };
    }
    let mut out = HashMap::new();
    for f in desc.fields() {
        let set = m.has_field(&f);
        if f.containing_oneof().is_some() && !set {
            continue;
        }
        let v = if matches!(f.kind(), Kind::Message(_)) && !f.is_list() && !f.is_map() && !set {
            Value::Null
        } else {
            field_value(&m.get_field(&f), depth + 1)?
        };
        out.insert(Key::String(Arc::new(f.name().to_owned())), v);
    }
    Ok(map_value(out))
}

fn field_value(v: &Pv, depth: usize) -> Result<Value, String> {
    if depth > MAX_DEPTH {
        return Err(too_deep());
    }
    match v {
        Pv::List(items) => Ok(Value::List(Arc::new(
            items
                .iter()
                .map(|x| field_value(x, depth + 1))
                .collect::<Result<_, _>>()?,
        ))),
        Pv::Map(entries) => {
            let mut out = HashMap::with_capacity(entries.len());
            for (k, x) in entries {
                out.insert(map_key(k), field_value(x, depth + 1)?);
            }
            Ok(map_value(out))
        }
        Pv::Message(m) => message_value(m, depth + 1),
        scalar => Ok(scalar_value(scalar)),
    }
}

/// A scalar field value as CEL sees it.
pub(crate) fn scalar_value(v: &Pv) -> Value {
    match v {
        Pv::Bool(b) => Value::Bool(*b),
        Pv::I32(i) | Pv::EnumNumber(i) => Value::Int(i64::from(*i)),
        Pv::I64(i) => Value::Int(*i),
        Pv::U32(u) => Value::UInt(u64::from(*u)),
        Pv::U64(u) => Value::UInt(*u),
        Pv::F32(x) => Value::Float(f64::from(*x)),
        Pv::F64(x) => Value::Float(*x),
        Pv::String(s) => Value::String(Arc::new(s.clone())),
        Pv::Bytes(b) => Value::Bytes(Arc::new(b.to_vec())),
        Pv::List(_) | Pv::Map(_) | Pv::Message(_) => Value::Null,
    }
}

fn map_key(k: &MapKey) -> Key {
    match k {
        MapKey::Bool(b) => Key::Bool(*b),
        MapKey::I32(i) => Key::Int(i64::from(*i)),
        MapKey::I64(i) => Key::Int(*i),
        MapKey::U32(u) => Key::Uint(u64::from(*u)),
        MapKey::U64(u) => Key::Uint(*u),
        MapKey::String(s) => Key::String(Arc::new(s.clone())),
    }
}

/// A CEL map as a fresh message of type `desc`.
pub(crate) fn to_message(
    desc: &MessageDescriptor,
    v: &Value,
    depth: usize,
) -> Result<DynamicMessage, String> {
    if depth > MAX_DEPTH {
        return Err(format!("result nests deeper than {MAX_DEPTH} levels"));
    }
    let Value::Map(entries) = v else {
        return Err(format!(
            "a {} is not a message {}",
            v.type_of(),
            desc.full_name()
        ));
    };
    let mut m = DynamicMessage::new(desc.clone());
    for (k, x) in entries.map.iter() {
        let Key::String(name) = k else {
            return Err(format!(
                "key {k:?} of a {} is not a field name",
                desc.full_name()
            ));
        };
        let f = desc
            .get_field_by_name(name)
            .or_else(|| desc.get_field_by_json_name(name))
            .ok_or_else(|| format!("message {} has no field {name}", desc.full_name()))?;
        if matches!(x, Value::Null) {
            continue;
        }
        let pv = field_from(&f, x, depth + 1).map_err(|e| format!("{}: {e}", f.full_name()))?;
        m.try_set_field(&f, pv)
            .map_err(|e| format!("{}: {e}", f.full_name()))?;
    }
    Ok(m)
}

/// A CEL value for field `f` (repeated, map or single).
pub(crate) fn field_from(f: &FieldDescriptor, v: &Value, depth: usize) -> Result<Pv, String> {
    if f.is_map() {
        let Kind::Message(entry) = f.kind() else {
            return Err("map field without an entry type".into());
        };
        let Value::Map(entries) = v else {
            return Err(format!("a {} is not a map", v.type_of()));
        };
        let (kf, vf) = (entry.map_entry_key_field(), entry.map_entry_value_field());
        let mut out = HashMap::with_capacity(entries.map.len());
        for (k, x) in entries.map.iter() {
            let key = match kind_from(&kf.kind(), &Value::from(k), depth)? {
                Pv::Bool(b) => MapKey::Bool(b),
                Pv::I32(i) => MapKey::I32(i),
                Pv::I64(i) => MapKey::I64(i),
                Pv::U32(u) => MapKey::U32(u),
                Pv::U64(u) => MapKey::U64(u),
                Pv::String(s) => MapKey::String(s),
                _ => return Err("unsupported map key type".into()),
            };
            out.insert(key, kind_from(&vf.kind(), x, depth + 1)?);
        }
        return Ok(Pv::Map(out));
    }
    if f.is_list() {
        let Value::List(items) = v else {
            return Err(format!("a {} is not a list", v.type_of()));
        };
        return items
            .iter()
            .map(|x| kind_from(&f.kind(), x, depth + 1))
            .collect::<Result<_, _>>()
            .map(Pv::List);
    }
    kind_from(&f.kind(), v, depth)
}

/// A CEL value as a value of `kind`, or why it does not fit.
pub(crate) fn kind_from(kind: &Kind, v: &Value, depth: usize) -> Result<Pv, String> {
    let wrong = || format!("a {} is not a {}", v.type_of(), kind_name(kind));
    let int = || -> Option<i64> {
        match v {
            Value::Int(i) => Some(*i),
            Value::UInt(u) => i64::try_from(*u).ok(),
            #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
            Value::Float(f)
                if f.fract() == 0.0 && *f >= i64::MIN as f64 && *f < i64::MAX as f64 =>
            {
                Some(*f as i64)
            }
            _ => None,
        }
    };
    let uint = || -> Option<u64> {
        match v {
            Value::UInt(u) => Some(*u),
            _ => int().and_then(|i| u64::try_from(i).ok()),
        }
    };
    let float = || -> Option<f64> {
        match v {
            Value::Float(f) => Some(*f),
            #[allow(clippy::cast_precision_loss)]
            Value::Int(i) => Some(*i as f64),
            #[allow(clippy::cast_precision_loss)]
            Value::UInt(u) => Some(*u as f64),
            _ => None,
        }
    };
    Ok(match kind {
        Kind::Double => Pv::F64(float().ok_or_else(wrong)?),
        #[allow(clippy::cast_possible_truncation)]
        Kind::Float => Pv::F32(float().ok_or_else(wrong)? as f32),
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => Pv::I32(
            int()
                .and_then(|i| i32::try_from(i).ok())
                .ok_or_else(wrong)?,
        ),
        Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => Pv::I64(int().ok_or_else(wrong)?),
        Kind::Uint32 | Kind::Fixed32 => Pv::U32(
            uint()
                .and_then(|u| u32::try_from(u).ok())
                .ok_or_else(wrong)?,
        ),
        Kind::Uint64 | Kind::Fixed64 => Pv::U64(uint().ok_or_else(wrong)?),
        Kind::Bool => match v {
            Value::Bool(b) => Pv::Bool(*b),
            _ => return Err(wrong()),
        },
        Kind::String => match v {
            Value::String(s) => Pv::String(s.to_string()),
            _ => return Err(wrong()),
        },
        Kind::Bytes => match v {
            Value::Bytes(b) => Pv::Bytes(b.to_vec().into()),
            _ => return Err(wrong()),
        },
        Kind::Enum(e) => match v {
            Value::String(s) => Pv::EnumNumber(
                e.get_value_by_name(s)
                    .map(|x| x.number())
                    .ok_or_else(|| format!("{s:?} is not a value of enum {}", e.full_name()))?,
            ),
            _ => Pv::EnumNumber(
                int()
                    .and_then(|i| i32::try_from(i).ok())
                    .ok_or_else(wrong)?,
            ),
        },
        Kind::Message(m) if WRAPPERS.contains(&m.full_name()) && !matches!(v, Value::Map(_)) => {
            let inner = m.get_field_by_name("value").ok_or_else(wrong)?;
            let mut w = DynamicMessage::new(m.clone());
            w.try_set_field(&inner, kind_from(&inner.kind(), v, depth + 1)?)
                .map_err(|e| e.to_string())?;
            Pv::Message(w)
        }
        Kind::Message(m) => Pv::Message(to_message(m, v, depth + 1)?),
    })
}

/// `typeName` of a scalar kind; `None` for messages and enums, which are not primitives.
pub(crate) fn type_name(kind: &Kind) -> Option<&'static str> {
    Some(match kind {
        Kind::Int32 | Kind::Sint32 | Kind::Uint32 | Kind::Fixed32 | Kind::Sfixed32 => "INT",
        Kind::Int64 | Kind::Sint64 | Kind::Uint64 | Kind::Fixed64 | Kind::Sfixed64 => "LONG",
        Kind::Float => "FLOAT",
        Kind::Double => "DOUBLE",
        Kind::Bool => "BOOLEAN",
        Kind::String => "STRING",
        Kind::Bytes => "BYTES",
        Kind::Message(_) | Kind::Enum(_) => return None,
    })
}

fn kind_name(kind: &Kind) -> String {
    match kind {
        Kind::Message(m) => format!("message {}", m.full_name()),
        Kind::Enum(e) => format!("enum {}", e.full_name()),
        k => format!("{k:?}").to_ascii_lowercase(),
    }
}
