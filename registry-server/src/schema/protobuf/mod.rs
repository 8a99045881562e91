//! Protobuf: `.proto` text or a serialized `FileDescriptorProto` read into one file model
//! (`ast`), Confluent's canonical and normalized text, the serialized form, and the
//! compatibility rules.

mod aggregate;
pub mod ast;
pub mod compat;
pub mod resolve;
pub mod text;

#[cfg(test)]
pub(crate) mod testkit;
