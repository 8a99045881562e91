//! Property tests for Protobuf framing: message indexes round-trip, and no input makes the index
//! reader or the deserializers panic.
#![allow(clippy::unwrap_used)]

mod support {
    pub mod pantry;
}

use std::sync::{Arc, LazyLock};

use codec::protobuf::indexes::{self, IndexError, MAX_MESSAGE_INDEXES};
use codec::{
    DynamicProtobufDeserializer, MockClient, ProtobufDeserializer, ProtobufSerializer,
    SerializerConfig,
};
use proptest::prelude::*;
use support::pantry::*;

struct Fixture {
    rt: tokio::runtime::Runtime,
    typed: ProtobufDeserializer<Jar>,
    dynamic: DynamicProtobufDeserializer,
    /// a valid prefix: magic, id 2 (pantry/jar.proto)
    prefix: Vec<u8>,
}

static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let reg = Arc::new(MockClient::new());
    let ser = ProtobufSerializer::<Jar>::new(reg.clone(), SerializerConfig::value()).unwrap();
    let bytes = rt
        .block_on(ser.serialize("t", &sample_jar()))
        .unwrap()
        .payload;
    let typed = ProtobufDeserializer::<Jar>::new(reg.clone());
    let dynamic = DynamicProtobufDeserializer::new(reg);
    // warm both caches so the properties exercise the decode path
    rt.block_on(typed.deserialize(&bytes)).unwrap();
    rt.block_on(dynamic.deserialize(&bytes)).unwrap();
    Fixture {
        rt,
        typed,
        dynamic,
        prefix: bytes[..5].to_vec(),
    }
});

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn indexes_round_trip(ix in prop::collection::vec(any::<i32>(), 1..=MAX_MESSAGE_INDEXES), tail in prop::collection::vec(any::<u8>(), 0..4)) {
        let mut bytes = Vec::new();
        indexes::write(&ix, &mut bytes);
        bytes.extend_from_slice(&tail);
        let (back, rest) = indexes::read(&bytes).unwrap();
        prop_assert_eq!(back.as_slice(), &ix[..]);
        prop_assert_eq!(rest, &tail[..]);
    }

    #[test]
    fn index_reader_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        match indexes::read(&bytes) {
            Ok((ix, rest)) => {
                prop_assert!(!ix.as_slice().is_empty());
                prop_assert!(ix.as_slice().len() <= MAX_MESSAGE_INDEXES);
                prop_assert!(rest.len() < bytes.len());
            }
            Err(IndexError::TooMany { limit, .. }) => prop_assert!(limit <= bytes.len()),
            Err(_) => {}
        }
        let _ = indexes::read_exact(&bytes);
    }

    #[test]
    fn huge_counts_are_refused_before_reading(count in (MAX_MESSAGE_INDEXES as i32 + 1)..i32::MAX) {
        // a large count with plenty of bytes after it: still a typed error, nothing allocated
        let mut big = Vec::new();
        let z = ((count << 1) ^ (count >> 31)) as u32;
        let mut v = z;
        while v >= 0x80 { big.push((v as u8 & 0x7f) | 0x80); v >>= 7; }
        big.push(v as u8);
        big.extend(std::iter::repeat_n(0u8, 300));
        let is_too_many = matches!(indexes::read(&big), Err(IndexError::TooMany { .. }));
        prop_assert!(is_too_many);
    }

    #[test]
    fn deserializers_never_panic_on_hostile_payloads(body in prop::collection::vec(any::<u8>(), 0..96)) {
        let f = &*FIXTURE;
        let mut data = f.prefix.clone();
        data.extend_from_slice(&body);
        let _ = f.rt.block_on(f.typed.deserialize(&data));
        let _ = f.rt.block_on(f.dynamic.deserialize(&data));
        // and with the indexes known good, the protobuf bytes alone are hostile
        let mut good_ix = f.prefix.clone();
        good_ix.extend_from_slice(&[2, 2]);
        good_ix.extend_from_slice(&body);
        let _ = f.rt.block_on(f.typed.deserialize(&good_ix));
        let _ = f.rt.block_on(f.dynamic.deserialize(&good_ix));
        // header form: whatever the header holds
        let _ = f.rt.block_on(f.dynamic.deserialize_with_header(Some(&body), &data));
    }
}
