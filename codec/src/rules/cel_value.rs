//! Messages to CEL values and CEL results back: JSON views straight into the interpreter's
//! value types (objects as maps, integers as `int`, or `uint` past `i64`), and a CEL result into
//! JSON. Every conversion stops at [`MAX_DEPTH`] levels.

use std::collections::HashMap;
use std::sync::Arc;

use cel::Value;
use cel::common::types::{
    CelBool, CelDouble, CelInt, CelList, CelMap, CelMapKey, CelNull, CelString, CelUInt,
};
use cel::common::value::{CowVal, Val};
use cel::context::VariableResolver;
use cel::objects::{Key, Map};
use serde_json::Value as Json;

use super::avro_encode::bytes_json;
use super::message::Message;

/// Deepest message tree handed to CEL (and taken back from it).
pub const MAX_DEPTH: usize = 64;

/// The message as CEL's `message` variable, built once and lent to every rule.
pub(crate) type View = Box<dyn Val>;

fn too_deep() -> String {
    format!("message nests deeper than {MAX_DEPTH} levels; rules are not evaluated on it")
}

/// A JSON view as a CEL value.
pub(crate) fn json_val(json: &Json, depth: usize) -> Result<View, String> {
    if depth > MAX_DEPTH {
        return Err(too_deep());
    }
    Ok(match json {
        Json::Null => Box::new(CelNull),
        Json::Bool(b) => Box::new(CelBool::from(*b)),
        Json::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => Box::new(CelInt::from(i)),
            (None, Some(u)) => Box::new(CelUInt::from(u)),
            _ => Box::new(CelDouble::from(n.as_f64().unwrap_or(f64::NAN))),
        },
        Json::String(s) => Box::new(CelString::from(s.clone())),
        Json::Array(items) => Box::new(CelList::from(
            items
                .iter()
                .map(|i| json_val(i, depth + 1))
                .collect::<Result<Vec<_>, _>>()?,
        )),
        Json::Object(o) => {
            let mut map = HashMap::with_capacity(o.len());
            for (k, v) in o {
                map.insert(CelMapKey::from(k.clone()), json_val(v, depth + 1)?);
            }
            Box::new(CelMap::from(map))
        }
    })
}

/// A primitive JSON value (a field's) as a CEL value; lists and objects are not primitives.
pub(crate) fn json_scalar(json: &Json) -> Value {
    match json {
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => Value::Int(i),
            (None, Some(u)) => Value::UInt(u),
            _ => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Json::String(s) => Value::String(Arc::new(s.clone())),
        Json::Null | Json::Array(_) | Json::Object(_) => Value::Null,
    }
}

/// A CEL value as a value to bind.
pub(crate) fn to_view(v: Value) -> Result<View, String> {
    v.try_into()
        .map_err(|e: cel::ExecutionError| format!("value cannot be bound: {e}"))
}

/// A CEL result as JSON: bytes become code points 0–255 (Avro's JSON view of bytes); map keys
/// must be strings.
pub(crate) fn value_json(v: &Value, depth: usize) -> Result<Json, String> {
    if depth > MAX_DEPTH {
        return Err(format!("result nests deeper than {MAX_DEPTH} levels"));
    }
    Ok(match v {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::from(*i),
        Value::UInt(u) => Json::from(*u),
        Value::Float(f) => serde_json::Number::from_f64(*f)
            .map(Json::Number)
            .ok_or_else(|| format!("{f} has no JSON form"))?,
        Value::String(s) => Json::String(s.to_string()),
        Value::Bytes(b) => bytes_json(b),
        Value::List(items) => Json::Array(
            items
                .iter()
                .map(|i| value_json(i, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        Value::Map(m) => {
            let mut out = serde_json::Map::with_capacity(m.map.len());
            for (k, x) in m.map.iter() {
                let Key::String(k) = k else {
                    return Err(format!("map key {k:?} is not a string"));
                };
                out.insert(k.to_string(), value_json(x, depth + 1)?);
            }
            Json::Object(out)
        }
        other => return Err(format!("a {} has no JSON form", other.type_of())),
    })
}

/// A CEL map value from string keys.
pub(crate) fn map_value(entries: HashMap<Key, Value>) -> Value {
    Value::Map(Map {
        map: Arc::new(entries),
    })
}

/// What bounds an evaluation's work and memory over a message: its largest list or map (what a
/// comprehension iterates) and its largest string or bytes (what a concatenation copies).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Extent {
    pub items: u64,
    pub bytes: u64,
}

impl Extent {
    fn add(&mut self, items: usize, bytes: usize) {
        self.items = self.items.max(u64::try_from(items).unwrap_or(u64::MAX));
        self.bytes = self.bytes.max(u64::try_from(bytes).unwrap_or(u64::MAX));
    }
}

/// The [`Extent`] of a message (to [`MAX_DEPTH`] levels; deeper ones are refused elsewhere).
pub(crate) fn extent(message: &Message) -> Extent {
    fn json(v: &Json, depth: usize, e: &mut Extent) {
        if depth > MAX_DEPTH {
            return;
        }
        match v {
            Json::Array(a) => {
                e.add(a.len(), 0);
                a.iter().for_each(|x| json(x, depth + 1, e));
            }
            Json::Object(o) => {
                e.add(o.len(), o.keys().map(String::len).max().unwrap_or(0));
                o.values().for_each(|x| json(x, depth + 1, e));
            }
            Json::String(s) => e.add(0, s.len()),
            _ => {}
        }
    }
    fn proto(v: &prost_reflect::Value, depth: usize, e: &mut Extent) {
        use prost_reflect::{MapKey, Value as P};
        if depth > MAX_DEPTH {
            return;
        }
        match v {
            P::List(l) => {
                e.add(l.len(), 0);
                l.iter().for_each(|x| proto(x, depth + 1, e));
            }
            P::Map(m) => {
                e.add(m.len(), 0);
                for (k, x) in m {
                    if let MapKey::String(s) = k {
                        e.add(0, s.len());
                    }
                    proto(x, depth + 1, e);
                }
            }
            P::Message(m) => m.fields().for_each(|(_, x)| proto(x, depth + 1, e)),
            P::String(s) => e.add(0, s.len()),
            P::Bytes(b) => e.add(0, b.len()),
            _ => {}
        }
    }
    let mut e = Extent::default();
    match message {
        Message::Json(j) => json(j, 0, &mut e),
        Message::Proto(m) => m.fields().for_each(|(_, x)| proto(x, 1, &mut e)),
    }
    e
}

/// Lends the `message` view to a context without copying it.
pub(crate) struct Lend<'a>(pub Option<&'a dyn Val>);

impl VariableResolver for Lend<'_> {
    fn resolve<'b>(&'b self, variable: &str) -> Option<CowVal<'b, 'b>> {
        if variable == "message" {
            self.0.map(CowVal::Borrowed)
        } else {
            None
        }
    }
}
