//! The message as rules see and change it, what a transformed message becomes, and the schema
//! facts (its [`Shape`]) that field rules and re-encoding need.
#![cfg_attr(not(feature = "rules"), allow(dead_code))]

use std::sync::Arc;

use prost_reflect::DynamicMessage;

use super::avro_shape::AvroShape;
use crate::error::{Error, Result};
use crate::protobuf::field_meta::InlineTags;

/// A message handed to rules.
#[derive(Debug, Clone)]
pub(crate) enum Message {
    /// Avro (the decoder's JSON view) and JSON Schema messages
    Json(serde_json::Value),
    /// Protobuf messages
    Proto(DynamicMessage),
}

/// A message a `TRANSFORM` rule replaced, ready for its format to write or hand out.
#[derive(Debug)]
pub(crate) enum Transformed {
    /// Avro: the new datum, encoded with the schema the rules came with
    AvroDatum(Vec<u8>),
    /// JSON Schema: the new document
    Json(serde_json::Value),
    /// Protobuf: the new message
    Proto(DynamicMessage),
}

impl Transformed {
    /// The wrong variant for a format: a bug, reported as an error rather than a panic.
    pub(crate) fn unexpected(self, format: &str) -> Error {
        Error::Config(format!(
            "internal error: a {format} message was transformed into another format's value"
        ))
    }
}

/// What rules know of the schema beyond its text.
#[derive(Debug, Clone)]
pub(crate) enum Shape {
    /// not needed (no field rule and no transform) or not given
    None,
    Avro(Arc<AvroShape>),
    /// a JSON Schema document
    Json(Arc<serde_json::Value>),
    /// inline field tags of the Protobuf schema (types come with each message)
    Proto(Arc<InlineTags>),
    /// the schema could not be read for rules; rules needing it fail with this reason
    Broken(String),
}

impl Shape {
    /// An Avro schema with the texts of its references.
    pub(crate) fn avro(main: &str, deps: &[String]) -> Self {
        match AvroShape::parse(main, deps) {
            Ok(s) => Shape::Avro(Arc::new(s)),
            Err(e) => Shape::Broken(format!("the Avro schema cannot be read for rules: {e}")),
        }
    }

    /// A JSON Schema.
    pub(crate) fn json(text: &str) -> Self {
        match serde_json::from_str(text) {
            Ok(doc) => Shape::Json(Arc::new(doc)),
            Err(e) => Shape::Broken(format!("the JSON schema is not JSON: {e}")),
        }
    }

    /// The message once every rule ran, in the form its format writes.
    pub(crate) fn finish(&self, message: Message) -> Result<Transformed> {
        match (self, message) {
            (Shape::Avro(shape), Message::Json(json)) => shape
                .encode(&json)
                .map(Transformed::AvroDatum)
                .map_err(|e| {
                    Error::Serialize(format!(
                        "the transformed message does not fit the schema: {e}"
                    ))
                }),
            (Shape::Broken(why), _) => Err(Error::Schema(why.clone())),
            (_, Message::Json(json)) => Ok(Transformed::Json(json)),
            (_, Message::Proto(m)) => Ok(Transformed::Proto(m)),
        }
    }
}
