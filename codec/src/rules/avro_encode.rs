//! The Avro binary encoder of a message's JSON view, guided by its [`AvroShape`]: how a message
//! a `TRANSFORM` rule replaced is written, and the check that it (or a field's new value) fits
//! the schema.
#![cfg_attr(not(feature = "rules"), allow(dead_code))]

use serde_json::Value as Json;

use super::avro_shape::{AvroShape, MAX_DEPTH, Node, NodeId};

impl AvroShape {
    /// The Avro binary datum of `value` (the message's JSON view) under the root type.
    pub(crate) fn encode(&self, value: &Json) -> Result<Vec<u8>, String> {
        let mut out = Vec::with_capacity(64);
        self.enc(self.root, value, &mut out, 0)?;
        Ok(out)
    }

    /// Whether `value` can be written as type `id` (an encode into a scratch buffer).
    pub(crate) fn fits(&self, id: NodeId, value: &Json) -> Result<(), String> {
        self.enc(id, value, &mut Vec::new(), 0)
    }

    fn enc(&self, id: NodeId, v: &Json, out: &mut Vec<u8>, depth: usize) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err(format!("value nests deeper than {MAX_DEPTH} levels"));
        }
        let mismatch = |what: &str| Err(format!("{} is not {what}", kind_of(v)));
        match self.node(id) {
            Node::Null => match v {
                Json::Null => Ok(()),
                _ => mismatch("null"),
            },
            Node::Boolean => match v {
                Json::Bool(b) => {
                    out.push(u8::from(*b));
                    Ok(())
                }
                _ => mismatch("a boolean"),
            },
            Node::Int => match int_of(v).and_then(|i| i32::try_from(i).ok()) {
                Some(i) => {
                    varint(i64::from(i), out);
                    Ok(())
                }
                None => mismatch("an int (32-bit integer)"),
            },
            Node::Long => match int_of(v) {
                Some(i) => {
                    varint(i, out);
                    Ok(())
                }
                None => mismatch("a long (64-bit integer)"),
            },
            Node::Float => match v.as_f64() {
                #[allow(clippy::cast_possible_truncation)]
                Some(f) => {
                    out.extend_from_slice(&(f as f32).to_le_bytes());
                    Ok(())
                }
                None => mismatch("a float"),
            },
            Node::Double => match v.as_f64() {
                Some(f) => {
                    out.extend_from_slice(&f.to_le_bytes());
                    Ok(())
                }
                None => mismatch("a double"),
            },
            Node::String => match v {
                Json::String(s) => {
                    length_delimited(s.as_bytes(), out);
                    Ok(())
                }
                _ => mismatch("a string"),
            },
            Node::Bytes => {
                let b = bytes_of(v).map_err(|_| format!("{} is not bytes", kind_of(v)))?;
                length_delimited(&b, out);
                Ok(())
            }
            Node::Fixed { size } => match bytes_of(v) {
                Ok(b) if b.len() == *size => {
                    out.extend_from_slice(&b);
                    Ok(())
                }
                _ => mismatch(&format!("fixed of {size} bytes")),
            },
            Node::Decimal { fixed, scale } => {
                let Json::String(s) = v else {
                    return mismatch("a decimal string");
                };
                let unscaled = parse_decimal(s, *scale)?;
                let b = twos_complement(unscaled, *fixed)?;
                if fixed.is_none() {
                    varint(i64::try_from(b.len()).unwrap_or(i64::MAX), out);
                }
                out.extend_from_slice(&b);
                Ok(())
            }
            Node::Enum { symbols } => match v {
                Json::String(s) => match symbols.iter().position(|x| x == s) {
                    Some(i) => {
                        varint(i64::try_from(i).unwrap_or(i64::MAX), out);
                        Ok(())
                    }
                    None => Err(format!("{s:?} is not a symbol of the enum")),
                },
                _ => mismatch("an enum symbol"),
            },
            Node::Array(item) => {
                let Json::Array(items) = v else {
                    return mismatch("an array");
                };
                if !items.is_empty() {
                    varint(i64::try_from(items.len()).unwrap_or(i64::MAX), out);
                    for i in items {
                        self.enc(*item, i, out, depth + 1)?;
                    }
                }
                out.push(0);
                Ok(())
            }
            Node::Map(value) => {
                let Json::Object(entries) = v else {
                    return mismatch("a map");
                };
                if !entries.is_empty() {
                    varint(i64::try_from(entries.len()).unwrap_or(i64::MAX), out);
                    for (k, x) in entries {
                        length_delimited(k.as_bytes(), out);
                        self.enc(*value, x, out, depth + 1)?;
                    }
                }
                out.push(0);
                Ok(())
            }
            Node::Record { full_name, fields } => {
                let Json::Object(o) = v else {
                    return mismatch(&format!("a record {full_name}"));
                };
                for f in fields {
                    let x = o.get(&f.name).or(f.default.as_ref()).ok_or_else(|| {
                        format!("record {full_name} misses field {} (no default)", f.name)
                    })?;
                    self.enc(f.node, x, out, depth + 1)
                        .map_err(|e| format!("{full_name}.{}: {e}", f.name))?;
                }
                Ok(())
            }
            Node::Union(branches) => match self.branch(branches, v) {
                Some((i, b)) => {
                    varint(i64::try_from(i).unwrap_or(i64::MAX), out);
                    self.enc(b, v, out, depth + 1)
                }
                None => mismatch("any branch of the union"),
            },
            Node::Unknown(name) => Err(format!(
                "type {name} is defined in a schema this client did not load"
            )),
        }
    }
}

pub(crate) fn kind_of(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(n) if n.is_f64() => "a floating-point number",
        Json::Number(_) => "an integer",
        Json::String(_) => "a string",
        Json::Array(_) => "a list",
        Json::Object(_) => "a map",
    }
}

/// A whole number: an integer, or a float with no fraction that fits.
pub(crate) fn int_of(v: &Json) -> Option<i64> {
    match v {
        Json::Number(n) => n.as_i64().or_else(|| {
            let f = n.as_f64()?;
            #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
            (f.fract() == 0.0 && f >= i64::MIN as f64 && f < i64::MAX as f64).then_some(f as i64)
        }),
        _ => None,
    }
}

/// Bytes from their JSON view: a string of code points 0–255, or an array of numbers 0–255.
pub(crate) fn bytes_of(v: &Json) -> Result<Vec<u8>, ()> {
    match v {
        Json::String(s) => s
            .chars()
            .map(|c| u8::try_from(u32::from(c)).map_err(drop))
            .collect(),
        Json::Array(a) => a
            .iter()
            .map(|x| x.as_u64().and_then(|n| u8::try_from(n).ok()).ok_or(()))
            .collect(),
        _ => Err(()),
    }
}

/// Bytes as their JSON view (code points 0–255), the form the Avro decoder produces.
pub(crate) fn bytes_json(b: &[u8]) -> Json {
    Json::String(b.iter().map(|x| char::from(*x)).collect())
}

fn varint(n: i64, out: &mut Vec<u8>) {
    #[allow(clippy::cast_sign_loss)]
    let mut z = ((n << 1) ^ (n >> 63)) as u64;
    while z >= 0x80 {
        #[allow(clippy::cast_possible_truncation)]
        out.push((z as u8) | 0x80);
        z >>= 7;
    }
    #[allow(clippy::cast_possible_truncation)]
    out.push(z as u8);
}

fn length_delimited(b: &[u8], out: &mut Vec<u8>) {
    varint(i64::try_from(b.len()).unwrap_or(i64::MAX), out);
    out.extend_from_slice(b);
}

/// The unscaled value of a decimal string at `scale` (`u32::MAX`: only check the syntax).
pub(crate) fn parse_decimal(s: &str, scale: u32) -> Result<i128, String> {
    let bad = || format!("{s:?} is not a decimal number");
    let (neg, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    if int.is_empty() && frac.is_empty()
        || !int.bytes().chain(frac.bytes()).all(|c| c.is_ascii_digit())
    {
        return Err(bad());
    }
    if scale == u32::MAX {
        return Ok(0);
    }
    let frac_len = u32::try_from(frac.len()).map_err(|_| bad())?;
    if frac_len > scale {
        return Err(format!("{s:?} has more than {scale} decimal places"));
    }
    let too_large = || format!("{s:?} is too large for this client's decimals");
    let mut n: i128 = 0;
    for d in int
        .bytes()
        .chain(frac.bytes())
        .map(|c| i128::from(c - b'0'))
    {
        n = n
            .checked_mul(10)
            .and_then(|n| n.checked_add(d))
            .ok_or_else(too_large)?;
    }
    // the schema's scale may be huge: one power, not one multiplication per place
    if n != 0 {
        n = 10i128
            .checked_pow(scale - frac_len)
            .and_then(|p| n.checked_mul(p))
            .ok_or_else(too_large)?;
    }
    Ok(if neg { -n } else { n })
}

/// Largest decimal `fixed` written (a schema may declare any size).
const MAX_DECIMAL_FIXED: usize = 1024;

/// Big-endian two's complement, minimal (bytes) or sign-extended to `fixed` bytes.
fn twos_complement(n: i128, fixed: Option<usize>) -> Result<Vec<u8>, String> {
    let full = n.to_be_bytes();
    let sign = if n < 0 { 0xff } else { 0 };
    // drop leading sign bytes while the next byte keeps the sign bit
    let mut start = 0;
    while start + 1 < full.len() && full[start] == sign && (full[start + 1] & 0x80) == (sign & 0x80)
    {
        start += 1;
    }
    let minimal = &full[start..];
    match fixed {
        None => Ok(minimal.to_vec()),
        // the schema's size: a decimal needs at most 17 bytes, sign extension is bounded too
        Some(size) if size > MAX_DECIMAL_FIXED => Err(format!(
            "decimal fixed of {size} bytes is larger than this client writes ({MAX_DECIMAL_FIXED})"
        )),
        Some(size) if minimal.len() <= size => {
            let mut out = vec![sign; size - minimal.len()];
            out.extend_from_slice(minimal);
            Ok(out)
        }
        Some(size) => Err(format!("decimal does not fit fixed of {size} bytes")),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::rules::avro_shape::MAX_NODES;

    const SHOP: &str = r#"{"type":"record","name":"Order","namespace":"shop","fields":[
        {"name":"id","type":"long"},{"name":"note","type":["null","string"],"default":null},
        {"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
        {"name":"kind","type":{"type":"enum","name":"Kind","symbols":["A","B"]}},
        {"name":"lines","type":{"type":"array","items":{"type":"record","name":"Line",
            "fields":[{"name":"sku","type":"string","confluent:tags":["PII"]},{"name":"raw","type":"bytes"}]}}},
        {"name":"next","type":["null","Order"],"default":null}]}"#;

    #[test]
    fn encodes_what_serde_avro_fast_decodes() {
        let shape = AvroShape::parse(SHOP, &[]).unwrap();
        let value = json!({"id": 7, "price": "-12.50", "kind": "B",
            "lines": [{"sku": "x", "raw": "\u{00ff}\u{0001}"}],
            "next": {"id": 8, "note": "n", "price": "0.01", "kind": "A", "lines": [], "next": null}});
        let datum = shape.encode(&value).unwrap();
        let fast: serde_avro_fast::Schema = SHOP.parse().unwrap();
        let back = crate::avro::decode_datum_json(&fast, &datum).unwrap();
        let mut expected = value.clone();
        expected["note"] = Json::Null;
        expected["next"]["next"] = Json::Null;
        assert_eq!(back["id"], expected["id"]);
        assert_eq!(back["lines"], expected["lines"]);
        assert_eq!(back["next"]["note"], "n");
        assert_eq!(back["kind"], "B");
        assert_eq!(back["price"], "-12.50");
        assert_eq!(back["next"]["price"], "0.01");
    }

    #[test]
    fn refuses_values_that_do_not_fit() {
        let shape = AvroShape::parse(SHOP, &[]).unwrap();
        let ok = json!({"id": 1, "price": "1", "kind": "A", "lines": []});
        assert!(
            shape.encode(&ok).is_ok(),
            "missing fields with defaults take them"
        );
        for (field, bad) in [
            ("id", json!("1")),
            ("id", json!(1.5)),
            ("kind", json!("C")),
            ("price", json!("1.234")),
            ("note", json!(5)),
            ("lines", json!([{"sku": 1, "raw": ""}])),
        ] {
            let mut v = ok.clone();
            v[field] = bad.clone();
            assert!(shape.encode(&v).is_err(), "{field} = {bad}");
        }
        assert!(
            shape.encode(&json!({"id": 1})).is_err(),
            "price has no default"
        );
    }

    #[test]
    fn decimals_in_twos_complement() {
        assert_eq!(twos_complement(-1250, None).unwrap(), [0xfb, 0x1e]);
        assert_eq!(twos_complement(128, None).unwrap(), [0x00, 0x80]);
        assert_eq!(twos_complement(0, Some(3)).unwrap(), [0, 0, 0]);
        assert_eq!(twos_complement(-2, Some(2)).unwrap(), [0xff, 0xfe]);
        assert!(twos_complement(1 << 20, Some(2)).is_err());
        assert_eq!(parse_decimal("-12.5", 2).unwrap(), -1250);
        assert!(parse_decimal("1e5", 2).is_err());
        // a hostile scale costs one power, not billions of steps
        assert_eq!(parse_decimal("0.0", u32::MAX - 1).unwrap(), 0);
        assert!(parse_decimal("1", u32::MAX - 1).is_err());
        assert!(twos_complement(1, Some(1 << 40)).is_err());
    }

    #[test]
    fn hostile_schemas_are_bounded() {
        let deep = format!(
            "{}\"int\"{}",
            "{\"type\":\"array\",\"items\":".repeat(100),
            "}".repeat(100)
        );
        assert!(AvroShape::parse(&deep, &[]).is_err());
        let wide = format!("[{}]", vec!["\"int\""; MAX_NODES + 1].join(","));
        assert!(
            AvroShape::parse(&wide, &[]).is_ok(),
            "primitives are shared"
        );
        let unknown = AvroShape::parse(
            r#"{"type":"record","name":"R","fields":[{"name":"x","type":"other.T"}]}"#,
            &[],
        )
        .unwrap();
        assert!(
            unknown
                .encode(&json!({"x": 1}))
                .unwrap_err()
                .contains("other.T")
        );
    }
}
