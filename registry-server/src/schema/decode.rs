//! Reading a Kafka message as a person pasted it: hex or base64 text → bytes → Confluent's
//! framing (magic byte 0, a 4-byte big-endian schema id, for Protobuf the message indexes)
//! → the payload decoded to JSON by the schema's engine. Pure: the registry finds the
//! schema the id names.
//!
//! Every step is bounded: the pasted text by [`MAX_MESSAGE_TEXT`], the indexes by
//! [`MAX_MESSAGE_INDEXES`], the decoders by their own budgets.

use base64::Engine as _;
use serde_json::Value;

use super::ParsedSchema;

/// Longest pasted message text accepted (hex of 512 KiB, base64 of 768 KiB).
pub const MAX_MESSAGE_TEXT: usize = 1024 * 1024;

/// Most Protobuf message indexes read from a frame (real schemas nest a few levels).
pub const MAX_MESSAGE_INDEXES: usize = 64;

/// Why bytes could not be read as a message of a schema.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct DecodeError {
    pub message: String,
}

impl DecodeError {
    pub fn new(message: impl Into<String>) -> Self {
        DecodeError {
            message: message.into(),
        }
    }
}

/// A Confluent-framed message: the schema id and what follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Framed<'a> {
    pub id: i32,
    /// Everything after the id (for Protobuf, the message indexes come first).
    pub rest: &'a [u8],
}

/// The bytes of pasted text: hex (spaces, `0x` and `:` allowed) when every character is a
/// hex digit, else base64 (standard or URL-safe, padding optional).
///
/// # Errors
/// Too long, empty, or neither hex nor base64.
pub fn parse_message_text(text: &str) -> Result<Vec<u8>, DecodeError> {
    if text.len() > MAX_MESSAGE_TEXT {
        return Err(DecodeError::new(format!(
            "the message text is {} bytes, over the limit of {MAX_MESSAGE_TEXT}",
            text.len()
        )));
    }
    let compact: String = text
        .trim()
        .trim_start_matches("0x")
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ':')
        .collect();
    if compact.is_empty() {
        return Err(DecodeError::new("paste a message as hex or base64"));
    }
    if compact.len().is_multiple_of(2) && compact.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(compact
            .as_bytes()
            .chunks(2)
            .map(|pair| (hex_digit(pair[0]) << 4) | hex_digit(pair[1]))
            .collect());
    }
    let unpadded = compact.trim_end_matches('=');
    let engine = if unpadded.contains(['-', '_']) {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
    } else {
        base64::engine::general_purpose::STANDARD_NO_PAD
    };
    engine
        .decode(unpadded)
        .map_err(|e| DecodeError::new(format!("the text is neither hex nor base64 ({e})")))
}

fn hex_digit(b: u8) -> u8 {
    match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        b'A'..=b'F' => b - b'A' + 10,
        _ => 0,
    }
}

/// Splits Confluent's frame: magic byte 0, then the schema id.
///
/// # Errors
/// Fewer than 5 bytes, or a first byte other than 0 (naming what the bytes look like).
pub fn unframe(bytes: &[u8]) -> Result<Framed<'_>, DecodeError> {
    match bytes.first() {
        None => return Err(DecodeError::new("the message is empty")),
        Some(0) => {}
        Some(&magic) => {
            let hint = if matches!(magic, b'{' | b'[' | b'"') {
                " (it looks like plain JSON)"
            } else {
                ""
            };
            return Err(DecodeError::new(format!(
                "not a Confluent-framed message: the first byte is {magic:#04x}, the magic byte is 0x00{hint}"
            )));
        }
    }
    let Some(id) = bytes.get(1..5) else {
        return Err(DecodeError::new(format!(
            "not a Confluent-framed message: {} bytes, the frame alone takes 5 (magic byte and schema id)",
            bytes.len()
        )));
    };
    let id = i32::from_be_bytes([id[0], id[1], id[2], id[3]]);
    Ok(Framed {
        id,
        rest: &bytes[5..],
    })
}

/// Protobuf's message indexes at the start of `rest`: a zig-zag count then that many
/// zig-zag indexes; a count of 0 means `[0]`, the file's first message. Answers the
/// indexes and the payload after them.
///
/// # Errors
/// A truncated or overlong varint, a negative count or index, more than
/// [`MAX_MESSAGE_INDEXES`].
pub fn message_indexes(rest: &[u8]) -> Result<(Vec<usize>, &[u8]), DecodeError> {
    let mut at = 0;
    let count = zigzag(rest, &mut at)?;
    if count == 0 {
        return Ok((vec![0], &rest[at..]));
    }
    let count = usize::try_from(count)
        .ok()
        .filter(|c| *c <= MAX_MESSAGE_INDEXES)
        .ok_or_else(|| {
            DecodeError::new(format!(
                "message index count {count} is not between 0 and {MAX_MESSAGE_INDEXES}"
            ))
        })?;
    let mut indexes = Vec::with_capacity(count);
    for _ in 0..count {
        let index = zigzag(rest, &mut at)?;
        indexes.push(
            usize::try_from(index)
                .map_err(|_| DecodeError::new(format!("message index {index} is negative")))?,
        );
    }
    Ok((indexes, &rest[at..]))
}

/// A zig-zag varint of at most 5 bytes (Confluent writes the indexes as ints).
fn zigzag(bytes: &[u8], at: &mut usize) -> Result<i64, DecodeError> {
    let mut raw: u64 = 0;
    for shift in (0..35).step_by(7) {
        let Some(&byte) = bytes.get(*at) else {
            return Err(DecodeError::new(
                "the message ends inside its message indexes",
            ));
        };
        *at += 1;
        raw |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok((raw >> 1) as i64 ^ -((raw & 1) as i64));
        }
    }
    Err(DecodeError::new("a message index is longer than an int"))
}

/// The payload after the frame, decoded with `schema`: Avro's binary datum, JSON Schema's
/// JSON text, Protobuf's message (named by `indexes`).
///
/// # Errors
/// [`DecodeError`] saying where the payload stops making sense.
pub fn decode_payload(
    schema: &ParsedSchema,
    indexes: &[usize],
    payload: &[u8],
) -> Result<Value, DecodeError> {
    match schema {
        ParsedSchema::Avro(avro) => avro.decode_datum(payload),
        ParsedSchema::Json(_) => {
            let text = std::str::from_utf8(payload)
                .map_err(|e| DecodeError::new(format!("the JSON payload is not UTF-8: {e}")))?;
            serde_json::from_str(text)
                .map_err(|e| DecodeError::new(format!("the payload is not JSON: {e}")))
        }
        ParsedSchema::Protobuf(proto) => proto.decode_message(indexes, payload),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_and_base64_read_the_same_bytes() {
        let bytes = vec![0u8, 0, 0, 0, 7, 0xfe, 0x10];
        for text in [
            "00000000 07fe10",
            "0x00:00:00:00:07:FE:10",
            "AAAAAAf+EA==",
            "AAAAAAf+EA",
            "AAAAAAf-EA",
        ] {
            assert_eq!(parse_message_text(text).expect(text), bytes, "{text}");
        }
        assert!(parse_message_text("  ").is_err());
        assert!(parse_message_text("not base64 at all!").is_err());
        let huge = "0".repeat(MAX_MESSAGE_TEXT + 2);
        let error = parse_message_text(&huge).expect_err("too long");
        assert!(
            error.message.contains("over the limit"),
            "{}",
            error.message
        );
    }

    #[test]
    fn the_frame_needs_the_magic_byte_and_an_id() {
        let framed = unframe(&[0, 0, 0, 1, 2, 9, 9]).expect("framed");
        assert_eq!(framed.id, 258);
        assert_eq!(framed.rest, &[9, 9]);
        assert!(unframe(&[]).is_err());
        assert!(
            unframe(&[0, 0, 1])
                .expect_err("short")
                .message
                .contains("5")
        );
        let json = unframe(b"{\"a\":1}").expect_err("json");
        assert!(json.message.contains("plain JSON"), "{}", json.message);
    }

    #[test]
    fn message_indexes_follow_confluents_encoding() {
        assert_eq!(
            message_indexes(&[0, 7]).expect("zero"),
            (vec![0], &[7u8][..])
        );
        assert_eq!(
            message_indexes(&[4, 2, 6, 9]).expect("two"),
            (vec![1, 3], &[9u8][..])
        );
        assert!(message_indexes(&[]).is_err());
        assert!(message_indexes(&[1]).is_err(), "negative count");
        assert!(message_indexes(&[0xfe, 0x01]).is_err(), "127 indexes");
        assert!(message_indexes(&[0xff; 6]).is_err(), "overlong");
        assert!(message_indexes(&[2, 1]).is_err(), "negative index");
    }
}
