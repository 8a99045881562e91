//! The Protobuf deserializers for synchronous code ([`Blocking`]): cached writer schemas decode
//! on the caller's thread; a miss is fetched on the background runtime.

use prost::Message;
use prost_reflect::{DynamicMessage, ReflectMessage};

use super::deserializer::{
    DynamicProtobufDeserializer, ProtobufDeserializer, decode_with_rules, split,
};
use crate::blocking::{Blocking, block_on};
use crate::error::Result;

impl<T: Message + ReflectMessage + Default> Blocking<ProtobufDeserializer<T>> {
    /// See [`ProtobufDeserializer::deserialize`].
    pub fn deserialize(&self, data: &[u8]) -> Result<T> {
        self.deserialize_with_header(None, data)
    }

    /// See [`ProtobufDeserializer::deserialize_with_header`].
    pub fn deserialize_with_header(&self, header: Option<&[u8]>, data: &[u8]) -> Result<T> {
        let de = self.inner();
        let (r, ix, payload) = split(header, data)?;
        if let Some(res) = de.core.with_cached(r, |w| de.decode(w, &ix, payload)) {
            return res;
        }
        let core = de.core.clone();
        let w = block_on(async move { core.writer(r).await })??;
        de.decode(&w, &ix, payload)
    }
}

impl Blocking<DynamicProtobufDeserializer> {
    /// See [`DynamicProtobufDeserializer::deserialize`].
    pub fn deserialize(&self, data: &[u8]) -> Result<DynamicMessage> {
        self.deserialize_with_header(None, data)
    }

    /// See [`DynamicProtobufDeserializer::deserialize_with_header`].
    pub fn deserialize_with_header(
        &self,
        header: Option<&[u8]>,
        data: &[u8],
    ) -> Result<DynamicMessage> {
        let core = &self.inner().core;
        let (r, ix, payload) = split(header, data)?;
        if let Some(res) = core.with_cached(r, |w| decode_with_rules(w, &ix, payload)) {
            return res;
        }
        let owned = core.clone();
        let w = block_on(async move { owned.writer(r).await })??;
        decode_with_rules(&w, &ix, payload)
    }
}
