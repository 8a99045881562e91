//! Message indexes: the path of the written message type inside its schema's file, framed as
//! Kafka zig-zag varints (a count, then one index per nesting level) after the schema id.
//!
//! `[0]` (the first top-level message, by far the most common) is the single byte `0`, and a count
//! of 0 also reads as `[0]`. Reading checks every bound and never panics (see the proptests in
//! `tests/protobuf_props.rs`); parsed paths of up to [`INLINE_INDEXES`] levels do not allocate.

use std::fmt;
use std::hash::{Hash, Hasher};

use prost_reflect::MessageDescriptor;

/// Longest path accepted when reading (deeper nesting than any real schema declares).
pub const MAX_MESSAGE_INDEXES: usize = 256;
/// Paths up to this length are stored inline.
pub const INLINE_INDEXES: usize = 8;

/// Why bytes are not a valid message-index path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndexError {
    /// The input ends inside a varint or before the declared number of indexes.
    #[error("message indexes cut short")]
    Truncated,
    /// A varint longer than 5 bytes or with bits beyond 32.
    #[error("malformed varint in message indexes")]
    MalformedVarint,
    /// A negative count.
    #[error("negative message index count {0}")]
    NegativeCount(i32),
    /// More indexes than [`MAX_MESSAGE_INDEXES`], or than bytes left to hold them.
    #[error("message index count {count} exceeds the limit of {limit}")]
    TooMany {
        /// the count read
        count: i32,
        /// the smaller of [`MAX_MESSAGE_INDEXES`] and the bytes left
        limit: usize,
    },
    /// Bytes after the indexes where none may follow (the header form's header value).
    #[error("{0} unexpected bytes after the message indexes")]
    TrailingBytes(usize),
}

/// A message-index path, e.g. `[1, 2]` = the third message nested in the second top-level message.
#[derive(Clone)]
pub struct MessageIndexes(Repr);

#[derive(Clone)]
enum Repr {
    /// unused slots are zero
    Inline {
        len: u8,
        buf: [i32; INLINE_INDEXES],
    },
    Heap(Box<[i32]>),
}

impl MessageIndexes {
    /// `[0]`: the first top-level message.
    pub const FIRST: MessageIndexes = MessageIndexes(Repr::Inline {
        len: 1,
        buf: [0; INLINE_INDEXES],
    });

    /// The path as a slice.
    #[inline]
    pub fn as_slice(&self) -> &[i32] {
        match &self.0 {
            Repr::Inline { len, buf } => buf.get(..usize::from(*len)).unwrap_or(buf),
            Repr::Heap(v) => v,
        }
    }

    /// The path of `message` within its file: its position among sibling message declarations at
    /// each level, top level first.
    ///
    /// Positions are those of the descriptor's `message_type` / `nested_type` lists, so the
    /// synthetic `XxxEntry` messages protoc generates for `map<>` fields count, as in Confluent's
    /// Go, Python and .NET clients (Java walks `.proto` text, where they do not exist).
    pub fn of(message: &MessageDescriptor) -> Self {
        // path() is [4, top, 3, nested, 3, nested, ...]: every second element is a position
        let steps = message.path().iter().skip(1).step_by(2).copied();
        Self::from_iter(steps)
    }

    /// Appends the framed form to `out`.
    pub fn write(&self, out: &mut Vec<u8>) {
        write(self.as_slice(), out);
    }

    /// The framed form as a new vector.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(1 + self.as_slice().len());
        self.write(&mut out);
        out
    }
}

impl FromIterator<i32> for MessageIndexes {
    fn from_iter<I: IntoIterator<Item = i32>>(iter: I) -> Self {
        let mut buf = [0i32; INLINE_INDEXES];
        let mut len = 0usize;
        let mut iter = iter.into_iter();
        for v in iter.by_ref() {
            match buf.get_mut(len) {
                Some(slot) => {
                    *slot = v;
                    len += 1;
                }
                None => {
                    let mut all = buf.to_vec();
                    all.push(v);
                    all.extend(iter);
                    return MessageIndexes(Repr::Heap(all.into_boxed_slice()));
                }
            }
        }
        // len <= INLINE_INDEXES, which fits a u8
        MessageIndexes(Repr::Inline {
            len: len as u8,
            buf,
        })
    }
}

impl From<&[i32]> for MessageIndexes {
    fn from(v: &[i32]) -> Self {
        v.iter().copied().collect()
    }
}

impl PartialEq for MessageIndexes {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for MessageIndexes {}

impl Hash for MessageIndexes {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_slice().hash(state);
    }
}

impl std::borrow::Borrow<[i32]> for MessageIndexes {
    fn borrow(&self) -> &[i32] {
        self.as_slice()
    }
}

impl fmt::Debug for MessageIndexes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_slice(), f)
    }
}

impl fmt::Display for MessageIndexes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_slice(), f)
    }
}

/// Appends the framed form of `indexes` (`[0]` and `[]` both as the single byte `0`).
///
/// ```
/// use codec::protobuf::indexes::write;
/// let mut out = Vec::new();
/// write(&[1, 2], &mut out);
/// assert_eq!(out, [4, 2, 4]);
/// ```
pub fn write(indexes: &[i32], out: &mut Vec<u8>) {
    if matches!(indexes, [] | [0]) {
        out.push(0);
        return;
    }
    // a path longer than i32::MAX cannot exist in memory next to its descriptor
    write_varint(i32::try_from(indexes.len()).unwrap_or(i32::MAX), out);
    for i in indexes {
        write_varint(*i, out);
    }
}

/// Reads a path from the front of `bytes`, returning it and the bytes after it.
///
/// ```
/// use codec::protobuf::indexes::{read, IndexError};
/// let (ix, rest) = read(&[4, 2, 4, 0xAA]).unwrap();
/// assert_eq!(ix.as_slice(), [1, 2]);
/// assert_eq!(rest, [0xAA]);
/// assert_eq!(read(&[2, 0]).unwrap().0.as_slice(), [0]);
/// assert_eq!(read(&[0x7e]).unwrap_err(), IndexError::TooMany { count: 63, limit: 0 });
/// ```
pub fn read(bytes: &[u8]) -> Result<(MessageIndexes, &[u8]), IndexError> {
    // the common case: [0]
    if let [0, rest @ ..] = bytes {
        return Ok((MessageIndexes::FIRST, rest));
    }
    let (count, mut rest) = read_varint(bytes)?;
    let Ok(n) = usize::try_from(count) else {
        return Err(IndexError::NegativeCount(count));
    };
    // A count of 0 written in more than one byte (`80 00`) still means the first message.
    if n == 0 {
        return Ok((MessageIndexes::FIRST, rest));
    }
    // every index takes at least one byte
    let limit = MAX_MESSAGE_INDEXES.min(rest.len());
    if n > limit {
        return Err(IndexError::TooMany { count, limit });
    }
    let mut err = None;
    let ix: MessageIndexes = (0..n)
        .map_while(|_| match read_varint(rest) {
            Ok((v, r)) => {
                rest = r;
                Some(v)
            }
            Err(e) => {
                err = Some(e);
                None
            }
        })
        .collect();
    match err {
        Some(e) => Err(e),
        None => Ok((ix, rest)),
    }
}

/// Reads a path that must span all of `bytes` (the value of a schema-id header after its GUID).
pub fn read_exact(bytes: &[u8]) -> Result<MessageIndexes, IndexError> {
    match read(bytes)? {
        (ix, []) => Ok(ix),
        (_, rest) => Err(IndexError::TrailingBytes(rest.len())),
    }
}

#[inline]
fn write_varint(v: i32, out: &mut Vec<u8>) {
    // zig-zag, then 7 bits per byte, low bits first
    let mut z = ((v << 1) ^ (v >> 31)) as u32;
    while z >= 0x80 {
        out.push((z as u8 & 0x7f) | 0x80);
        z >>= 7;
    }
    out.push(z as u8);
}

#[inline]
fn read_varint(bytes: &[u8]) -> Result<(i32, &[u8]), IndexError> {
    let mut z: u32 = 0;
    for (i, b) in bytes.iter().enumerate().take(5) {
        let bits = u32::from(b & 0x7f);
        if i == 4 && (b & 0x80 != 0 || bits > 0x0f) {
            return Err(IndexError::MalformedVarint);
        }
        z |= bits << (7 * i);
        if b & 0x80 == 0 {
            let v = ((z >> 1) as i32) ^ -((z & 1) as i32);
            return Ok((v, bytes.get(i + 1..).unwrap_or_default()));
        }
    }
    if bytes.len() >= 5 {
        Err(IndexError::MalformedVarint)
    } else {
        Err(IndexError::Truncated)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn bytes(ix: &[i32]) -> Vec<u8> {
        let mut out = Vec::new();
        write(ix, &mut out);
        out
    }

    #[test]
    fn confluent_examples() {
        assert_eq!(bytes(&[0]), [0]);
        assert_eq!(bytes(&[1]), [2, 2]);
        assert_eq!(bytes(&[0, 0]), [4, 0, 0]);
        assert_eq!(bytes(&[1, 2]), [4, 2, 4]);
        assert_eq!(read(&[2, 0]).unwrap().0.as_slice(), [0]);
        assert_eq!(read(&[0]).unwrap().0.as_slice(), [0]);
        assert_eq!(read(&[2, 2]).unwrap().0.as_slice(), [1]);
        assert_eq!(read(&[4, 2, 4]).unwrap().0.as_slice(), [1, 2]);
        // A zero count in two bytes (found by the property test) is still the first message.
        let (ix, rest) = read(&[0x80, 0x00, 7]).unwrap();
        assert_eq!((ix.as_slice(), rest), (&[0][..], &[7][..]));
    }

    #[test]
    fn zig_zag_of_large_and_negative_values() {
        assert_eq!(bytes(&[1, 64]), [4, 2, 0x80, 0x01]);
        assert_eq!(bytes(&[1, -1]), [4, 2, 1]);
        let extremes = [i32::MAX, i32::MIN, -64, 300];
        let b = bytes(&extremes);
        let (ix, rest) = read(&b).unwrap();
        assert_eq!(ix.as_slice(), extremes);
        assert!(rest.is_empty());
    }

    #[test]
    fn long_paths_go_to_the_heap_and_compare_equal() {
        let long: Vec<i32> = (0..20).collect();
        let b = bytes(&long);
        let (ix, _) = read(&b).unwrap();
        assert_eq!(ix.as_slice(), &long[..]);
        assert_eq!(ix, MessageIndexes::from(&long[..]));
        let short = MessageIndexes::from(&[3, 1][..]);
        assert_eq!(short.as_slice(), [3, 1]);
        assert_eq!(short.to_bytes(), [4, 6, 2]);
        assert_eq!(format!("{short}"), "[3, 1]");
    }

    #[test]
    fn hostile_input_gets_typed_errors() {
        assert_eq!(read(&[]).unwrap_err(), IndexError::Truncated);
        assert_eq!(read(&[0x80]).unwrap_err(), IndexError::Truncated);
        assert_eq!(read(&[1]).unwrap_err(), IndexError::NegativeCount(-1));
        assert_eq!(
            read(&[6, 2, 2]).unwrap_err(),
            IndexError::TooMany { count: 3, limit: 2 }
        );
        // a count beyond the limit even when the bytes are there
        let mut big = Vec::new();
        write_varint(MAX_MESSAGE_INDEXES as i32 + 1, &mut big);
        big.extend(std::iter::repeat_n(0u8, 1000));
        assert!(matches!(
            read(&big).unwrap_err(),
            IndexError::TooMany {
                limit: MAX_MESSAGE_INDEXES,
                ..
            }
        ));
        assert_eq!(
            read(&[0xff, 0xff, 0xff, 0xff, 0xff, 0x01]).unwrap_err(),
            IndexError::MalformedVarint
        );
        assert_eq!(
            read(&[0xff, 0xff, 0xff, 0xff, 0x1f]).unwrap_err(),
            IndexError::MalformedVarint
        );
        assert_eq!(read(&[4, 2, 0x80]).unwrap_err(), IndexError::Truncated);
        assert_eq!(
            read_exact(&[2, 2, 9]).unwrap_err(),
            IndexError::TrailingBytes(1)
        );
        assert_eq!(read_exact(&[0]).unwrap().as_slice(), [0]);
    }

    #[test]
    fn five_byte_varints_at_the_edge() {
        // zig-zag of i32::MIN is u32::MAX: ff ff ff ff 0f
        assert_eq!(
            read(&[2, 0xff, 0xff, 0xff, 0xff, 0x0f])
                .unwrap()
                .0
                .as_slice(),
            [i32::MIN]
        );
    }
}
