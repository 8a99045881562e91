//! Schemas from Rust types (feature `derive`): `Schema::avro_of::<T>()` for types deriving
//! [`BuildSchema`] (serde_avro_derive, made for serde_avro_fast by its author), with Confluent's
//! convention for optional fields added: `Option<T>` is `["null", T]` with `"default": null`;
//! and `Schema::json_of::<T>()` for types deriving [`JsonSchema`] (schemars).

use std::sync::Arc;

pub use schemars::JsonSchema;
use serde::Serialize;
pub use serde_avro_derive::BuildSchema;

use crate::avro::AvroSerializer;
use crate::client::RegistryClient;
use crate::config::SerializerConfig;
use crate::error::{Error, Result};
use crate::json::JsonSerializer;
use crate::schema::Schema;

/// Deepest type nesting walked when adding defaults (Rust types, not input, drive it).
const MAX_DEPTH: usize = 64;

impl Schema {
    /// The Avro schema of `T` (`#[derive(codec::BuildSchema)]`), as compact JSON text.
    ///
    /// Records are named from the type (`#[avro_schema(namespace = "…", name = "…")]` to choose;
    /// the default namespace is the Rust module path), unit-variant enums become Avro enums,
    /// `Option<T>` fields `["null", T]` with `"default": null`, `[u8; N]` fixed, `Vec<u8>` bytes.
    /// Logical types: the wrappers of `codec::logical` (feature `chrono`) for
    /// `timestamp-millis`, `timestamp-micros` and `date`, also inside `Option`; fields of type
    /// `uuid::Uuid` (`uuid` on `string`, feature `uuid`) and `rust_decimal::Decimal` (`decimal` on
    /// `bytes`, with the `#[avro_schema(precision = …, scale = …)]` the derive requires; feature
    /// `rust_decimal`), which `serde_avro_derive` recognises by the type's name, so only as a
    /// field's own type, not inside `Option` or `Vec`; any other with
    /// `#[avro_schema(logical_type = "…")]`. A logical type is written `type` first, as a person
    /// writes it (`{"type":"long","logicalType":"timestamp-millis"}`).
    ///
    /// Doc comments are not carried: `serde_avro_derive` 0.3 reads no `doc` (its attributes are
    /// `namespace`, `name`, `skip`, `logical_type`, `precision`, `scale` and `has_same_type_as`)
    /// and the schema model it builds (serde_avro_fast's) has no `doc` field. Nor are defaults
    /// other than the `null` of optional fields.
    pub fn avro_of<T: BuildSchema + ?Sized>() -> Result<Schema> {
        let mut json = serde_json::to_value(T::schema_mut())
            .map_err(|e| Error::Schema(format!("cannot render the derived schema: {e}")))?;
        tidy(&mut json, 0);
        let text = serde_json::to_string(&json).map_err(|e| Error::Schema(e.to_string()))?;
        Ok(Schema::avro(text))
    }
}

impl Schema {
    /// The JSON Schema (draft-07, Confluent's default) of `T` (`#[derive(codec::JsonSchema)]`,
    /// from `schemars`): doc comments become `description`s, `Option<T>` fields are not
    /// `required` and may be `null`, serde attributes (`rename`, `default`, …) are honoured.
    pub fn json_of<T: JsonSchema + ?Sized>() -> Result<Schema> {
        let schema = schemars::generate::SchemaSettings::draft07()
            .into_generator()
            .into_root_schema_for::<T>();
        let text = serde_json::to_string(&schema).map_err(|e| Error::Schema(e.to_string()))?;
        Ok(Schema::json(text))
    }
}

impl<T: JsonSchema + Serialize + ?Sized> JsonSerializer<T> {
    /// A serializer writing the JSON Schema derived from `T` ([`Schema::json_of`]).
    pub fn for_type(client: Arc<dyn RegistryClient>, config: SerializerConfig) -> Result<Self> {
        Self::new(client, Schema::json_of::<T>()?, config)
    }
}

impl<T: BuildSchema + Serialize + ?Sized> AvroSerializer<T> {
    /// A serializer writing the schema derived from `T` ([`Schema::avro_of`]).
    pub fn for_type(client: Arc<dyn RegistryClient>, config: SerializerConfig) -> Result<Self> {
        Self::new(client, Schema::avro_of::<T>()?, config)
    }
}

/// Tests the schema derived from `T` against `subject` on the registry: the incompatibilities the
/// registry reports, empty when compatible ([`crate::client::check_compatible`] for a type).
pub async fn check_compatible_type<T: BuildSchema + ?Sized>(
    client: &dyn RegistryClient,
    subject: &str,
) -> Result<Vec<String>> {
    crate::client::check_compatible(client, subject, &Schema::avro_of::<T>()?).await
}

/// Gives every record field whose type is a union starting with `null` a `null` default, and
/// writes every logical type `type` first, then `logicalType`, `precision`, `scale`.
fn tidy(node: &mut serde_json::Value, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match node {
        serde_json::Value::Array(items) => {
            for i in items {
                tidy(i, depth + 1);
            }
        }
        serde_json::Value::Object(o) => {
            if o.contains_key("logicalType") {
                type_first(o);
            }
            if let Some(serde_json::Value::Array(fields)) = o.get_mut("fields") {
                for f in fields.iter_mut() {
                    let Some(field) = f.as_object_mut() else {
                        continue;
                    };
                    let nullable = field
                        .get("type")
                        .and_then(|t| t.as_array())
                        .and_then(|branches| branches.first())
                        .is_some_and(|b| b == "null");
                    if nullable && !field.contains_key("default") {
                        field.insert("default".into(), serde_json::Value::Null);
                    }
                    if let Some(t) = field.get_mut("type") {
                        tidy(t, depth + 1);
                    }
                }
            }
            for key in ["items", "values"] {
                if let Some(t) = o.get_mut(key) {
                    tidy(t, depth + 1);
                }
            }
        }
        _ => {}
    }
}

/// Reorders a logical type's keys (serde_avro_fast writes `logicalType` before `type` and `scale`
/// before `precision`); other keys keep their order after these.
fn type_first(o: &mut serde_json::Map<String, serde_json::Value>) {
    let mut ordered = serde_json::Map::with_capacity(o.len());
    for key in ["type", "logicalType", "precision", "scale"] {
        if let Some(v) = o.remove(key) {
            ordered.insert(key.into(), v);
        }
    }
    ordered.append(o);
    *o = ordered;
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use serde::{Deserialize, Serialize};

    use super::*;
    use crate::client::MockClient;
    use crate::{AvroDeserializer, serde_avro_derive};

    #[derive(BuildSchema, Serialize, Deserialize, Debug, PartialEq)]
    #[avro_schema(namespace = "shop")]
    struct Order {
        id: i64,
        item: String,
        note: Option<String>,
        status: Status,
        lines: Vec<Line>,
    }

    #[derive(BuildSchema, Serialize, Deserialize, Debug, PartialEq)]
    #[avro_schema(namespace = "shop")]
    enum Status {
        Open,
        Shipped,
    }

    #[derive(BuildSchema, Serialize, Deserialize, Debug, PartialEq)]
    #[avro_schema(namespace = "shop")]
    struct Line {
        sku: String,
        qty: i32,
        gift: Option<bool>,
    }

    /// What a person writes by hand for the same types (nested names inherit `shop`).
    const HAND: &str = r#"{"type":"record","name":"shop.Order","fields":[{"name":"id","type":"long"},{"name":"item","type":"string"},{"name":"note","type":["null","string"],"default":null},{"name":"status","type":{"type":"enum","name":"Status","symbols":["Open","Shipped"]}},{"name":"lines","type":{"type":"array","items":{"type":"record","name":"Line","fields":[{"name":"sku","type":"string"},{"name":"qty","type":"int"},{"name":"gift","type":["null","boolean"],"default":null}]}}}]}"#;

    #[test]
    fn the_derived_schema_is_the_hand_written_one() {
        let derived = Schema::avro_of::<Order>().unwrap();
        assert_eq!(derived.schema, HAND);
        // and Avro agrees it is a valid schema with the same canonical form
        let a = apache_avro::Schema::parse_str(&derived.schema).unwrap();
        let b = apache_avro::Schema::parse_str(HAND).unwrap();
        assert_eq!(a.canonical_form(), b.canonical_form());
    }

    /// A shipment as JSON.
    #[derive(JsonSchema, Serialize, Deserialize, Debug, PartialEq)]
    struct Shipment {
        /// where it goes
        to: String,
        boxes: u32,
        note: Option<String>,
    }

    #[tokio::test]
    async fn json_schemas_from_types_validate_their_values() {
        let schema = Schema::json_of::<Shipment>().unwrap();
        let doc: serde_json::Value = serde_json::from_str(&schema.schema).unwrap();
        assert_eq!(doc["$schema"], "http://json-schema.org/draft-07/schema#");
        assert_eq!(doc["properties"]["to"]["description"], "where it goes");
        assert_eq!(doc["required"], serde_json::json!(["to", "boxes"]));
        let registry = Arc::new(MockClient::new());
        let ser = JsonSerializer::<Shipment>::for_type(
            registry.clone(),
            SerializerConfig::value().validate(true),
        )
        .unwrap();
        let s = Shipment {
            to: "Oslo".into(),
            boxes: 2,
            note: None,
        };
        let bytes = ser.serialize("shipments", &s).await.unwrap().payload;
        let back: Shipment = crate::JsonDeserializer::new(registry, true)
            .deserialize(&bytes)
            .await
            .unwrap();
        assert_eq!(back, s);
    }

    #[tokio::test]
    async fn a_serializer_from_the_type_alone_round_trips_under_the_same_id() {
        let registry = Arc::new(MockClient::new());
        let hand = registry
            .register("orders-value", &Schema::avro(HAND), false)
            .await
            .unwrap();
        let ser =
            AvroSerializer::<Order>::for_type(registry.clone(), SerializerConfig::value()).unwrap();
        let order = Order {
            id: 1,
            item: "tea".into(),
            note: None,
            status: Status::Shipped,
            lines: vec![Line {
                sku: "t-1".into(),
                qty: 2,
                gift: Some(true),
            }],
        };
        let bytes = ser.serialize("orders", &order).await.unwrap().payload;
        let id = hand.id.unwrap().0.to_be_bytes();
        assert_eq!(
            &bytes[1..5],
            &id,
            "the registry gives the hand-written schema's id"
        );
        let back: Order = AvroDeserializer::new(registry)
            .deserialize(&bytes)
            .await
            .unwrap();
        assert_eq!(back, order);
    }
}
