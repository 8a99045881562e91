//! Confluent wire format: the 5-byte id prefix, Confluent 8's GUID prefix and the record-header form.
//!
//! No I/O and no allocation on decode: [`decode`] borrows the payload from its input, every bound is
//! checked and no input makes it panic (see the proptests in `tests/wire_props.rs`).

use std::fmt;

/// Magic byte of the classic prefix: `0x00` followed by a 4-byte big-endian schema id.
pub const MAGIC_ID: u8 = 0;
/// Magic byte of Confluent 8's GUID form: `0x01` followed by a 16-byte GUID.
pub const MAGIC_GUID: u8 = 1;
/// Kafka record header carrying the key's schema GUID in the header form.
pub const KEY_SCHEMA_ID_HEADER: &str = "__key_schema_id";
/// Kafka record header carrying the value's schema GUID in the header form.
pub const VALUE_SCHEMA_ID_HEADER: &str = "__value_schema_id";
/// Length of the classic prefix (magic byte + 4-byte id).
pub const ID_PREFIX_LEN: usize = 5;
/// Length of the GUID prefix or header value (magic byte + 16-byte GUID).
pub const GUID_PREFIX_LEN: usize = 17;

/// A schema id as the registry assigns it (a signed 32-bit integer on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SchemaId(pub i32);

impl fmt::Display for SchemaId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A schema GUID (Confluent 8): 16 bytes, shown as a UUID string `8-4-4-4-12`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SchemaGuid(pub [u8; 16]);

impl fmt::Display for SchemaGuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, b) in self.0.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                f.write_str("-")?;
            }
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for SchemaGuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SchemaGuid({self})")
    }
}

impl std::str::FromStr for SchemaGuid {
    type Err = WireError;

    /// Parses the UUID form (hyphens optional, hex case-insensitive).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut out = [0u8; 16];
        let mut n = 0usize;
        let mut hi: Option<u8> = None;
        for c in s.bytes() {
            if c == b'-' {
                continue;
            }
            let v = (c as char).to_digit(16).ok_or(WireError::InvalidGuid)? as u8;
            match hi.take() {
                None => hi = Some(v),
                Some(h) => {
                    *out.get_mut(n).ok_or(WireError::InvalidGuid)? = h << 4 | v;
                    n += 1;
                }
            }
        }
        if n != 16 || hi.is_some() {
            return Err(WireError::InvalidGuid);
        }
        Ok(SchemaGuid(out))
    }
}

/// What a message says about its writer schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SchemaRef {
    /// Classic numeric id (magic byte 0).
    Id(SchemaId),
    /// Confluent 8 GUID (magic byte 1).
    Guid(SchemaGuid),
}

/// Why some bytes are not a Confluent-framed message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    /// The payload has no bytes at all (a `null` Kafka value is not an error: handle it before).
    #[error("empty payload: expected a magic byte")]
    Empty,
    /// The first byte is neither 0 nor 1 (Confluent's text for this).
    #[error("Unknown magic byte! (got {0:#04x})")]
    UnknownMagicByte(u8),
    /// The prefix is cut short.
    #[error("payload too short for magic byte {magic}: need {needed} bytes, got {got}")]
    TooShort {
        /// the magic byte seen
        magic: u8,
        /// bytes the prefix needs
        needed: usize,
        /// bytes there were
        got: usize,
    },
    /// A schema-id header value is not `0x01` + 16 bytes (or `0x00` + 4 bytes).
    #[error("invalid schema id header value ({len} bytes)")]
    InvalidHeader {
        /// length of the header value
        len: usize,
    },
    /// Text that is not a GUID.
    #[error("invalid schema guid")]
    InvalidGuid,
}

/// Appends the classic prefix (`0x00` + big-endian id) and then `payload` to `out`.
pub fn encode_into(id: SchemaId, payload: &[u8], out: &mut Vec<u8>) {
    out.reserve(ID_PREFIX_LEN + payload.len());
    write_id_prefix(id, out);
    out.extend_from_slice(payload);
}

/// Appends only the classic 5-byte prefix; serializers write the payload straight after it.
#[inline]
pub fn write_id_prefix(id: SchemaId, out: &mut Vec<u8>) {
    out.push(MAGIC_ID);
    out.extend_from_slice(&id.0.to_be_bytes());
}

/// Appends the GUID prefix (`0x01` + 16 bytes) and then `payload` to `out`.
pub fn encode_guid_into(guid: SchemaGuid, payload: &[u8], out: &mut Vec<u8>) {
    out.reserve(GUID_PREFIX_LEN + payload.len());
    out.push(MAGIC_GUID);
    out.extend_from_slice(&guid.0);
    out.extend_from_slice(payload);
}

/// The value of a `__key_schema_id` / `__value_schema_id` header for `guid`.
pub fn guid_header_value(guid: SchemaGuid) -> [u8; GUID_PREFIX_LEN] {
    let mut v = [0u8; GUID_PREFIX_LEN];
    v[0] = MAGIC_GUID;
    v[1..].copy_from_slice(&guid.0);
    v
}

/// The header name for a key (`__key_schema_id`) or a value (`__value_schema_id`).
pub fn header_name(is_key: bool) -> &'static str {
    if is_key {
        KEY_SCHEMA_ID_HEADER
    } else {
        VALUE_SCHEMA_ID_HEADER
    }
}

/// Splits a framed message into its schema reference and the (borrowed) payload.
///
/// ```
/// use codec::wire::{decode, SchemaId, SchemaRef, WireError};
/// assert_eq!(decode(&[0, 0, 0, 0, 7, 42]), Ok((SchemaRef::Id(SchemaId(7)), &[42u8][..])));
/// assert_eq!(decode(&[]), Err(WireError::Empty));
/// assert_eq!(decode(&[9]), Err(WireError::UnknownMagicByte(9)));
/// ```
pub fn decode(bytes: &[u8]) -> Result<(SchemaRef, &[u8]), WireError> {
    match bytes {
        [] => Err(WireError::Empty),
        [MAGIC_ID, a, b, c, d, rest @ ..] => Ok((
            SchemaRef::Id(SchemaId(i32::from_be_bytes([*a, *b, *c, *d]))),
            rest,
        )),
        [MAGIC_GUID, rest @ ..] if rest.len() >= 16 => {
            let (g, payload) = rest.split_at(16);
            let mut guid = [0u8; 16];
            guid.copy_from_slice(g);
            Ok((SchemaRef::Guid(SchemaGuid(guid)), payload))
        }
        [m @ (MAGIC_ID | MAGIC_GUID), ..] => Err(WireError::TooShort {
            magic: *m,
            needed: if *m == MAGIC_ID {
                ID_PREFIX_LEN
            } else {
                GUID_PREFIX_LEN
            },
            got: bytes.len(),
        }),
        [m, ..] => Err(WireError::UnknownMagicByte(*m)),
    }
}

/// Parses a schema-id header value: `0x01` + GUID (Confluent 8), or `0x00` + 4-byte id.
pub fn decode_header(value: &[u8]) -> Result<SchemaRef, WireError> {
    match decode(value)? {
        (r, []) => Ok(r),
        _ => Err(WireError::InvalidHeader { len: value.len() }),
    }
}

/// Decodes a Kafka record the way Confluent's `DualSchemaIdDeserializer` does: when a schema-id
/// header is present it wins and the whole payload is the datum; otherwise the payload prefix is read.
///
/// ```
/// use codec::wire::{decode_with_header, SchemaGuid, SchemaRef};
/// let mut header = vec![1u8];
/// header.extend_from_slice(&[7u8; 16]);
/// let (r, payload) = decode_with_header(Some(&header), b"raw").unwrap();
/// assert_eq!(r, SchemaRef::Guid(SchemaGuid([7; 16])));
/// assert_eq!(payload, b"raw");
/// ```
pub fn decode_with_header<'a>(
    header: Option<&[u8]>,
    payload: &'a [u8],
) -> Result<(SchemaRef, &'a [u8]), WireError> {
    match header {
        Some(h) => Ok((decode_header(h)?, payload)),
        None => decode(payload),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn id_prefix_round_trips() {
        let mut out = Vec::new();
        encode_into(SchemaId(0x0102_0304), b"xy", &mut out);
        assert_eq!(out, [0, 1, 2, 3, 4, b'x', b'y']);
        assert_eq!(
            decode(&out),
            Ok((SchemaRef::Id(SchemaId(0x0102_0304)), &b"xy"[..]))
        );
    }

    #[test]
    fn negative_ids_are_big_endian_twos_complement() {
        assert_eq!(
            decode(&[0, 0xff, 0xff, 0xff, 0xff]),
            Ok((SchemaRef::Id(SchemaId(-1)), &[][..]))
        );
    }

    #[test]
    fn guid_prefix_round_trips() {
        let guid: SchemaGuid = "0f8e2d9c-1b7a-4c3e-9d5f-6a4b3c2d1e0f".parse().unwrap();
        assert_eq!(guid.to_string(), "0f8e2d9c-1b7a-4c3e-9d5f-6a4b3c2d1e0f");
        let mut out = Vec::new();
        encode_guid_into(guid, b"p", &mut out);
        assert_eq!(out.len(), 18);
        assert_eq!(decode(&out), Ok((SchemaRef::Guid(guid), &b"p"[..])));
    }

    #[test]
    fn precise_errors() {
        assert_eq!(decode(&[]), Err(WireError::Empty));
        assert_eq!(
            decode(&[0, 1, 2]),
            Err(WireError::TooShort {
                magic: 0,
                needed: 5,
                got: 3
            })
        );
        assert_eq!(
            decode(&[1; 10]),
            Err(WireError::TooShort {
                magic: 1,
                needed: 17,
                got: 10
            })
        );
        assert_eq!(
            decode(&[2, 0, 0, 0, 1]),
            Err(WireError::UnknownMagicByte(2))
        );
        assert!(
            WireError::UnknownMagicByte(2)
                .to_string()
                .starts_with("Unknown magic byte!")
        );
    }

    #[test]
    fn header_wins_over_prefix() {
        let guid = SchemaGuid([3; 16]);
        let h = guid_header_value(guid);
        // the payload looks framed, but with a header it is the raw datum
        let payload = [0, 0, 0, 0, 9, 1];
        assert_eq!(
            decode_with_header(Some(&h), &payload),
            Ok((SchemaRef::Guid(guid), &payload[..]))
        );
        assert_eq!(
            decode_with_header(None, &payload),
            Ok((SchemaRef::Id(SchemaId(9)), &[1u8][..]))
        );
        assert_eq!(
            decode_header(&[1, 2, 3]),
            Err(WireError::TooShort {
                magic: 1,
                needed: 17,
                got: 3
            })
        );
        let mut long = h.to_vec();
        long.push(0);
        assert_eq!(
            decode_header(&long),
            Err(WireError::InvalidHeader { len: 18 })
        );
        assert_eq!(header_name(true), "__key_schema_id");
        assert_eq!(header_name(false), "__value_schema_id");
    }

    #[test]
    fn bad_guid_text() {
        assert!("xyz".parse::<SchemaGuid>().is_err());
        assert!("0f8e2d9c".parse::<SchemaGuid>().is_err());
        assert!(
            "0f8e2d9c-1b7a-4c3e-9d5f-6a4b3c2d1e0f00"
                .parse::<SchemaGuid>()
                .is_err()
        );
    }
}
