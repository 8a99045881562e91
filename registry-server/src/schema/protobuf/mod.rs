//! Protobuf: `.proto` text or a serialized `FileDescriptorProto` read into one file model
//! (`ast`), Confluent's canonical and normalized text, the serialized form, and the
//! compatibility rules.

mod aggregate;
pub mod ast;
pub mod compat;
mod norm_options;
pub mod normalize;
#[cfg(test)]
mod normalize_tests;
pub mod print;
#[cfg(test)]
mod print_tests;
pub mod resolve;
pub mod strip;
pub mod text;

#[cfg(test)]
pub(crate) mod testkit;
