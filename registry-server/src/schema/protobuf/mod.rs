//! Protobuf: `.proto` text or a serialized `FileDescriptorProto` read into one file model
//! (`ast`), Confluent's canonical and normalized text, the serialized form, and the
//! compatibility rules.

mod aggregate;
pub mod ast;
pub mod builtins;
pub mod compat;
mod confluent_meta;
mod default_value;
mod descriptor_options;
pub mod from_descriptor;
mod norm_options;
pub mod normalize;
#[cfg(test)]
mod normalize_tests;
pub mod print;
#[cfg(test)]
mod print_tests;
pub mod resolve;
pub mod serialized_meta;
pub mod strip;
pub mod text;
pub mod to_descriptor;

#[cfg(test)]
pub(crate) mod testkit;
#[cfg(test)]
mod tests_from_descriptor;
#[cfg(test)]
mod tests_meta;
#[cfg(test)]
mod tests_support;
#[cfg(test)]
mod tests_text_descriptor;
#[cfg(test)]
mod tests_to_descriptor;
