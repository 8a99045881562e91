//! `_schemas` topic records (registry-server `topic::record`, `topic::fold`) on hostile
//! bytes: the input is a sequence of records, each a 2-byte big-endian key length, the key,
//! then the value (the rest up to a `\n--\n` separator; an empty value stands for null when
//! the length's top bit is set). Every record is decoded and folded; the fold must answer
//! or refuse, never panic, and its counts must stay consistent.
#![no_main]

use libfuzzer_sys::fuzz_target;
use registry_server::topic::fold::Folded;
use registry_server::topic::record::decode;

const SEPARATOR: &[u8] = b"\n--\n";

fuzz_target!(|data: &[u8]| {
    let mut folded = Folded::default();
    let mut rest = data;
    let mut timestamp = 0;
    while rest.len() >= 2 {
        let header = u16::from_be_bytes([rest[0], rest[1]]);
        let null_value = header & 0x8000 != 0;
        let key_len = usize::from(header & 0x7fff).min(rest.len() - 2);
        let key = &rest[2..2 + key_len];
        rest = &rest[2 + key_len..];
        let end = rest
            .windows(SEPARATOR.len())
            .position(|w| w == SEPARATOR)
            .unwrap_or(rest.len());
        let value = &rest[..end];
        rest = &rest[(end + SEPARATOR.len()).min(rest.len())..];
        let value = (!null_value || !value.is_empty()).then_some(value);
        timestamp += 1;
        if let Ok(record) = decode(Some(key), value) {
            let _ = folded.apply(record, timestamp);
        }
    }
    let counted = folded.versions().count();
    assert_eq!(counted, folded.version_count());
    let keys: Vec<(String, i32)> = folded
        .versions()
        .map(|(s, v, _)| (s.to_owned(), v))
        .collect();
    assert_eq!(folded.ordered(&keys).len(), keys.len());
});
