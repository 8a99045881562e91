//! Protobuf: `.proto` text or a serialized `FileDescriptorProto` read into one file model
//! (`ast`), Confluent's canonical and normalized text, the serialized form, and the
//! compatibility rules.

mod aggregate;
pub mod ast;
pub mod builtins;
pub mod confluent_meta;
pub mod default_value;
pub mod descriptor_options;
pub mod from_descriptor;
pub mod serialized_meta;
pub mod text;
pub mod to_descriptor;

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
