//! A pasted Kafka message read through the registry (the UI's decoder): the frame's schema
//! id looked up as `caller` may see it, the schema parsed (cached), the payload decoded by
//! the schema's engine on the CPU pool.

use serde_json::Value;

use super::model::RegisteredSchema;
use super::{Caller, Registry, RegistryError};
use crate::domain::{SchemaType, SubjectName};
use crate::schema::decode::{DecodeError, decode_payload, message_indexes, unframe};

/// What the bytes turned out to be.
#[derive(Debug, Clone)]
pub enum DecodeOutcome {
    /// Not Confluent's framing (or too short for it).
    NotFramed(DecodeError),
    /// Framed; the payload decoded, or why not.
    Framed(Box<DecodedMessage>),
}

/// A framed message and its schema.
#[derive(Debug, Clone)]
pub struct DecodedMessage {
    pub schema: RegisteredSchema,
    /// Protobuf's message indexes (empty for the other types).
    pub indexes: Vec<usize>,
    pub payload_bytes: usize,
    pub value: Result<Value, DecodeError>,
}

impl Registry {
    /// Reads `bytes` as a Confluent-framed message.
    ///
    /// # Errors
    /// 40403 when the frame's id names no schema `caller` may see; 50001 when the store
    /// fails.
    pub async fn decode_message(
        &self,
        caller: &Caller,
        bytes: &[u8],
    ) -> Result<DecodeOutcome, RegistryError> {
        let framed = match unframe(bytes) {
            Ok(framed) => framed,
            Err(error) => return Ok(DecodeOutcome::NotFramed(error)),
        };
        let (record, _) = self.schema_by_id(caller, framed.id, None).await?;
        let owner = SubjectName::context_scope(&record.context);
        let parsed = self
            .parsed_by_id(&owner, &record.context, record.id)
            .await?;
        let (indexes, payload) = if record.schema_type == SchemaType::Protobuf {
            match message_indexes(framed.rest) {
                Ok((indexes, payload)) => (indexes, payload),
                Err(error) => {
                    return Ok(DecodeOutcome::Framed(Box::new(DecodedMessage {
                        payload_bytes: framed.rest.len(),
                        schema: RegisteredSchema::from_schema(record),
                        indexes: Vec::new(),
                        value: Err(error),
                    })));
                }
            }
        } else {
            (Vec::new(), framed.rest)
        };
        let payload_bytes = payload.len();
        let payload = payload.to_vec();
        let shown = indexes.clone();
        let value = self
            .cpu
            .run(move || decode_payload(&parsed, &shown, &payload))
            .await?;
        Ok(DecodeOutcome::Framed(Box::new(DecodedMessage {
            schema: RegisteredSchema::from_schema(record),
            indexes,
            payload_bytes,
            value,
        })))
    }
}
