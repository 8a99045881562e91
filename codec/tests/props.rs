//! Property tests for hostile input: `wire` decoding and Avro payload decoding never panic, and a
//! declared length far beyond the payload is an error, not an allocation.
#![allow(clippy::unwrap_used)]

use codec::avro::{decode_datum, decode_datum_json};
use codec::wire::{self, SchemaGuid, SchemaId, SchemaRef, WireError};
use proptest::prelude::*;
use serde_avro_fast::Schema as FastSchema;

const RECORD: &str = r#"{"type":"record","name":"R","fields":[
    {"name":"s","type":"string"},
    {"name":"b","type":"bytes"},
    {"name":"a","type":{"type":"array","items":"long"}},
    {"name":"m","type":{"type":"map","values":"null"}},
    {"name":"u","type":["null","string","double"]},
    {"name":"e","type":{"type":"enum","name":"E","symbols":["X","Y"]}},
    {"name":"f","type":{"type":"fixed","name":"F","size":4}},
    {"name":"d","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
    {"name":"n","type":{"type":"array","items":{"type":"array","items":"null"}}}
]}"#;

/// zig-zag varint encoding of an Avro long
fn varint(v: i64) -> Vec<u8> {
    let mut z = ((v << 1) ^ (v >> 63)) as u64;
    let mut out = Vec::new();
    loop {
        let b = (z & 0x7f) as u8;
        z >>= 7;
        if z == 0 {
            out.push(b);
            return out;
        }
        out.push(b | 0x80);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn wire_decode_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        match wire::decode(&bytes) {
            Ok((SchemaRef::Id(_), payload)) => prop_assert_eq!(payload.len(), bytes.len() - 5),
            Ok((SchemaRef::Guid(_), payload)) => prop_assert_eq!(payload.len(), bytes.len() - 17),
            Err(WireError::Empty) => prop_assert!(bytes.is_empty()),
            Err(WireError::UnknownMagicByte(m)) => prop_assert!(m > 1),
            Err(WireError::TooShort { got, needed, .. }) => prop_assert!(got < needed),
            Err(e) => prop_assert!(false, "unexpected error {e:?}"),
        }
        let _ = wire::decode_header(&bytes);
        let _ = wire::decode_with_header(Some(&bytes), &bytes);
    }

    #[test]
    fn wire_round_trips(id in any::<i32>(), guid in any::<[u8; 16]>(), payload in proptest::collection::vec(any::<u8>(), 0..64)) {
        let mut out = Vec::new();
        wire::encode_into(SchemaId(id), &payload, &mut out);
        prop_assert_eq!(wire::decode(&out), Ok((SchemaRef::Id(SchemaId(id)), &payload[..])));
        out.clear();
        wire::encode_guid_into(SchemaGuid(guid), &payload, &mut out);
        prop_assert_eq!(wire::decode(&out), Ok((SchemaRef::Guid(SchemaGuid(guid)), &payload[..])));
        let g = SchemaGuid(guid);
        prop_assert_eq!(g.to_string().parse::<SchemaGuid>(), Ok(g));
    }

    #[test]
    fn avro_decode_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let schema: FastSchema = RECORD.parse().unwrap();
        let _ = decode_datum_json(&schema, &bytes);
        let _ = decode_datum::<apache_like::Owned>(&schema, &bytes);
    }

    #[test]
    fn mutated_valid_datums_never_panic(
        s in ".{0,8}",
        a in proptest::collection::vec(any::<i64>(), 0..4),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
        cut in any::<prop::sample::Index>(),
    ) {
        let schema: FastSchema = RECORD.parse().unwrap();
        let value = serde_json::json!({
            "s": s, "b": [], "a": a, "m": {}, "u": null, "e": "Y", "f": [1, 2, 3, 4],
            "d": 1.5, "n": [[null]]
        });
        let mut cfg = serde_avro_fast::ser::SerializerConfig::new(&schema);
        cfg.allow_slow_sequence_to_bytes();
        let mut datum = serde_avro_fast::to_datum_vec(&value, &mut cfg).unwrap();
        let ok = decode_datum_json(&schema, &datum);
        prop_assert!(ok.is_ok(), "{:?}", ok);
        // A valid datum cut short never decodes. (An edited one may: an edited length can
        // end the record before the cut.)
        let mut cut_short = datum.clone();
        cut_short.truncate(cut.index(datum.len()));
        prop_assert!(decode_datum_json(&schema, &cut_short).is_err());
        for (at, byte) in edits {
            let i = at.index(datum.len());
            datum[i] = byte;
        }
        let _ = decode_datum_json(&schema, &datum);
        let _ = decode_datum::<apache_like::Owned>(&schema, &datum);
        datum.truncate(cut.index(datum.len()));
        let _ = decode_datum_json(&schema, &datum);
        let _ = decode_datum::<apache_like::Owned>(&schema, &datum);
    }

    #[test]
    fn avro_decode_survives_hostile_lengths(len in prop_oneof![Just(i64::MAX), Just(i64::MIN), Just(1i64 << 40), Just(-1i64), 0i64..1_000_000_000_000]) {
        let schema: FastSchema = RECORD.parse().unwrap();
        // a string claiming `len` bytes, followed by almost nothing
        let mut datum = varint(len);
        datum.extend_from_slice(b"abc");
        prop_assert!(decode_datum_json(&schema, &datum).is_err());
    }
}

/// An owned target type so both the `Value` and the typed path are exercised.
mod apache_like {
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    pub struct Owned {
        pub s: String,
        #[serde(with = "serde_bytes_like")]
        pub b: Vec<u8>,
        pub a: Vec<i64>,
        pub m: std::collections::HashMap<String, ()>,
        pub u: Option<serde_json::Value>,
        pub e: String,
        pub n: Vec<Vec<()>>,
    }

    mod serde_bytes_like {
        pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
            struct V;
            impl<'de> serde::de::Visitor<'de> for V {
                type Value = Vec<u8>;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("bytes")
                }
                fn visit_bytes<E>(self, v: &[u8]) -> Result<Vec<u8>, E> {
                    Ok(v.to_vec())
                }
                fn visit_byte_buf<E>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
                    Ok(v)
                }
            }
            d.deserialize_byte_buf(V)
        }
    }
}

fn record_with(s: &[u8], array_prefix: &[u8]) -> Vec<u8> {
    let mut d = varint(s.len() as i64);
    d.extend_from_slice(s);
    d.extend_from_slice(&varint(0)); // bytes: empty
    d.extend_from_slice(array_prefix);
    d
}

#[test]
fn huge_declared_string_is_an_error_not_an_allocation() {
    let schema: FastSchema = RECORD.parse().unwrap();
    let mut datum = varint(i64::MAX / 2);
    datum.extend_from_slice(b"tiny");
    let err = decode_datum_json(&schema, &datum).unwrap_err();
    assert!(matches!(err, codec::Error::Deserialize(_)), "{err}");
}

#[test]
fn huge_declared_array_is_an_error_not_an_allocation() {
    let schema: FastSchema = RECORD.parse().unwrap();
    // array of longs declaring 2^60 items, with one item present
    let mut arr = varint(1 << 60);
    arr.push(2);
    let datum = record_with(b"ok", &arr);
    let started = std::time::Instant::now();
    assert!(decode_datum_json(&schema, &datum).is_err());
    assert!(decode_datum::<apache_like::Owned>(&schema, &datum).is_err());
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
}

#[test]
fn huge_array_of_zero_width_items_is_capped() {
    // `null` items take no bytes, so only the sequence cap stops a 2^50-item array of them
    let schema: FastSchema = r#"{"type":"array","items":"null"}"#.parse().unwrap();
    let datum = [varint(1 << 50), varint(0)].concat();
    let started = std::time::Instant::now();
    let err = decode_datum::<Vec<()>>(&schema, &datum).unwrap_err();
    assert!(err.to_string().to_lowercase().contains("seq"), "{err}");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    // a legitimate short one still decodes
    let ok = [varint(3), varint(0)].concat();
    assert_eq!(decode_datum::<Vec<()>>(&schema, &ok).unwrap().len(), 3);
}

#[test]
fn negative_block_count_with_hostile_size_is_an_error() {
    // negative count: abs(count) items follow, preceded by a block byte size
    let schema: FastSchema = r#"{"type":"array","items":"long"}"#.parse().unwrap();
    let datum = [varint(-(1 << 40)), varint(i64::MAX), vec![2, 2]].concat();
    assert!(decode_datum::<Vec<i64>>(&schema, &datum).is_err());
}
