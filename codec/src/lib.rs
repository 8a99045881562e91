//! Confluent wire format, cached registry client and serde codecs (grows with issue 5).
