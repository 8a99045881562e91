//! Avro logical types for `chrono` values (feature `chrono`): [`TimestampMillis`],
//! [`TimestampMicros`] and [`Date`] wrap a `chrono` value, encode as the Avro `long` / `int` the
//! logical type annotates, and (with `derive`) derive to that logical type, also inside `Option`.
//!
//! `uuid::Uuid` and `rust_decimal::Decimal` need no wrapper: `serde_avro_derive` recognises
//! fields of those types by name (`uuid` on `string`; `decimal` on `bytes` with the
//! `#[avro_schema(precision = …, scale = …)]` it requires) and `serde_avro_fast` encodes them;
//! the `uuid` and `rust_decimal` features of this crate turn on their serde support (and their
//! `schemars` support with `derive`).

use chrono::{DateTime, NaiveDate, Utc};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Days from 0001-01-01 (chrono's day 1 of the common era) to 1970-01-01 (Avro's day 0).
const UNIX_EPOCH_DAYS_FROM_CE: i32 = 719_163;

/// An instant as Avro `{"type":"long","logicalType":"timestamp-millis"}`: milliseconds since the
/// Unix epoch, UTC. Encoding drops anything finer than a millisecond.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimestampMillis(pub DateTime<Utc>);

/// An instant as Avro `{"type":"long","logicalType":"timestamp-micros"}`: microseconds since the
/// Unix epoch, UTC. Encoding drops anything finer than a microsecond.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimestampMicros(pub DateTime<Utc>);

/// A calendar date as Avro `{"type":"int","logicalType":"date"}`: days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

impl Serialize for TimestampMillis {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.0.timestamp_millis())
    }
}

impl<'de> Deserialize<'de> for TimestampMillis {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let ms = i64::deserialize(d)?;
        DateTime::from_timestamp_millis(ms)
            .map(Self)
            .ok_or_else(|| D::Error::custom(format!("timestamp-millis {ms} is out of range")))
    }
}

impl Serialize for TimestampMicros {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.0.timestamp_micros())
    }
}

impl<'de> Deserialize<'de> for TimestampMicros {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let us = i64::deserialize(d)?;
        DateTime::from_timestamp_micros(us)
            .map(Self)
            .ok_or_else(|| D::Error::custom(format!("timestamp-micros {us} is out of range")))
    }
}

impl Date {
    /// Days since 1970-01-01 (negative before). Every `NaiveDate` fits: chrono's dates span
    /// about ±262,000 years, ±96 million days.
    pub fn days_since_epoch(&self) -> i32 {
        use chrono::Datelike;
        self.0.num_days_from_ce() - UNIX_EPOCH_DAYS_FROM_CE
    }

    /// The date `days` after 1970-01-01; `None` outside chrono's range.
    pub fn from_days_since_epoch(days: i32) -> Option<Self> {
        days.checked_add(UNIX_EPOCH_DAYS_FROM_CE)
            .and_then(NaiveDate::from_num_days_from_ce_opt)
            .map(Self)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i32(self.days_since_epoch())
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let days = i32::deserialize(d)?;
        Self::from_days_since_epoch(days)
            .ok_or_else(|| D::Error::custom(format!("date {days} is out of range")))
    }
}

impl From<DateTime<Utc>> for TimestampMillis {
    fn from(t: DateTime<Utc>) -> Self {
        Self(t)
    }
}

impl From<DateTime<Utc>> for TimestampMicros {
    fn from(t: DateTime<Utc>) -> Self {
        Self(t)
    }
}

impl From<NaiveDate> for Date {
    fn from(d: NaiveDate) -> Self {
        Self(d)
    }
}

/// The schemas of the wrappers, for `#[derive(BuildSchema)]` and `#[derive(JsonSchema)]`.
#[cfg(feature = "derive")]
mod schemas {
    use std::borrow::Cow;

    use schemars::{JsonSchema, SchemaGenerator, json_schema};
    use serde_avro_derive::serde_avro_fast::schema::{LogicalType, RegularType, SchemaNode};
    use serde_avro_derive::{BuildSchema, SchemaBuilder};

    use super::{Date, TimestampMicros, TimestampMillis};

    macro_rules! logical {
        ($ty:ty, $regular:ident, $logical:ident, $json:literal, $format:literal) => {
            impl BuildSchema for $ty {
                fn append_schema(builder: &mut SchemaBuilder) {
                    builder.nodes.push(SchemaNode::with_logical_type(
                        RegularType::$regular,
                        LogicalType::$logical,
                    ));
                }
                type TypeLookup = Self;
            }

            /// In JSON the same number as in Avro (the serde form of the wrapper).
            impl JsonSchema for $ty {
                fn inline_schema() -> bool {
                    true
                }
                fn schema_name() -> Cow<'static, str> {
                    stringify!($logical).into()
                }
                fn json_schema(_: &mut SchemaGenerator) -> schemars::Schema {
                    json_schema!({ "type": $json, "format": $format })
                }
            }
        };
    }

    logical!(TimestampMillis, Long, TimestampMillis, "integer", "int64");
    logical!(TimestampMicros, Long, TimestampMicros, "integer", "int64");
    logical!(Date, Int, Date, "integer", "int32");
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn dates_count_days_from_1970() {
        let d = |y, m, day| Date(NaiveDate::from_ymd_opt(y, m, day).unwrap());
        assert_eq!(d(1970, 1, 1).days_since_epoch(), 0);
        assert_eq!(d(1970, 1, 2).days_since_epoch(), 1);
        assert_eq!(d(1969, 12, 31).days_since_epoch(), -1);
        assert_eq!(d(2024, 2, 29).days_since_epoch(), 19_782);
        assert_eq!(Date::from_days_since_epoch(19_782), Some(d(2024, 2, 29)));
        assert_eq!(Date::from_days_since_epoch(i32::MAX), None);
        assert_eq!(Date::from_days_since_epoch(i32::MIN), None);
        for x in [NaiveDate::MIN, NaiveDate::MAX] {
            let days = Date(x).days_since_epoch();
            assert_eq!(Date::from_days_since_epoch(days), Some(Date(x)));
        }
    }

    #[test]
    fn timestamps_are_epoch_numbers_and_refuse_out_of_range_ones() {
        let t = DateTime::from_timestamp(1_700_000_000, 123_456_789).unwrap();
        assert_eq!(
            serde_json::to_string(&TimestampMillis(t)).unwrap(),
            "1700000000123"
        );
        assert_eq!(
            serde_json::to_string(&TimestampMicros(t)).unwrap(),
            "1700000000123456"
        );
        let back: TimestampMillis = serde_json::from_str("1700000000123").unwrap();
        assert_eq!(back.0.timestamp_subsec_nanos(), 123_000_000);
        assert!(serde_json::from_str::<TimestampMillis>(&i64::MAX.to_string()).is_err());
        assert!(serde_json::from_str::<TimestampMicros>(&i64::MIN.to_string()).is_err());
        assert!(serde_json::from_str::<Date>(&i32::MAX.to_string()).is_err());
    }
}

/// A record of every logical type, derived, against the schema a person writes for it.
#[cfg(all(test, feature = "derive", feature = "uuid", feature = "rust_decimal"))]
#[allow(clippy::unwrap_used)]
mod derived {
    use std::sync::Arc;

    use rust_decimal::Decimal;
    use serde::{Deserialize, Serialize};
    use uuid::Uuid;

    use super::*;
    use crate::client::{MockClient, RegistryClient};
    use crate::{
        AvroDeserializer, AvroSerializer, BuildSchema, JsonDeserializer, JsonSchema,
        JsonSerializer, Schema, SerializerConfig, schemars, serde_avro_derive,
    };

    #[derive(BuildSchema, JsonSchema, Serialize, Deserialize, Debug, PartialEq)]
    #[avro_schema(namespace = "ledger")]
    struct Entry {
        id: Uuid,
        at: TimestampMillis,
        settled: Option<TimestampMicros>,
        on: Date,
        #[avro_schema(precision = 12, scale = 2)]
        amount: Decimal,
    }

    const HAND: &str = r#"{"type":"record","name":"ledger.Entry","fields":[{"name":"id","type":{"type":"string","logicalType":"uuid"}},{"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"settled","type":["null",{"type":"long","logicalType":"timestamp-micros"}],"default":null},{"name":"on","type":{"type":"int","logicalType":"date"}},{"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":12,"scale":2}}]}"#;

    fn entry(settled: bool) -> Entry {
        let at = DateTime::from_timestamp_millis(1_700_000_000_123).unwrap();
        Entry {
            id: Uuid::from_u128(0x6f1c_2e8a_94b3_4d7e_a1f0_3c5b_7d9e_2a41),
            at: TimestampMillis(at),
            settled: settled.then(|| TimestampMicros(at + chrono::Duration::microseconds(1_500))),
            on: Date(NaiveDate::from_ymd_opt(2023, 11, 14).unwrap()),
            amount: Decimal::new(-1_234_567, 2),
        }
    }

    #[test]
    fn the_derived_schema_is_the_hand_written_one() {
        assert_eq!(Schema::avro_of::<Entry>().unwrap().schema, HAND);
        // both parsers read the logical types from it
        let apache = apache_avro::Schema::parse_str(HAND).unwrap();
        let apache = serde_json::to_string(&apache).unwrap();
        for lt in [
            "uuid",
            "timestamp-millis",
            "timestamp-micros",
            "date",
            "decimal",
        ] {
            assert!(apache.contains(&format!(r#""logicalType":"{lt}""#)), "{lt}");
        }
        HAND.parse::<serde_avro_fast::Schema>().unwrap();
    }

    #[tokio::test]
    async fn values_round_trip_under_the_hand_written_schemas_id() {
        let registry = Arc::new(MockClient::new());
        let hand = registry
            .register("ledger-value", &Schema::avro(HAND), false)
            .await
            .unwrap();
        let ser =
            AvroSerializer::<Entry>::for_type(registry.clone(), SerializerConfig::value()).unwrap();
        let de = AvroDeserializer::new(registry);
        for value in [entry(true), entry(false)] {
            let bytes = ser.serialize("ledger", &value).await.unwrap().payload;
            assert_eq!(bytes[1..5], hand.id.unwrap().0.to_be_bytes());
            // the datum as Avro lays these types out: uuid as a 36-character string, the
            // timestamp-millis as its zigzag varint
            assert_eq!(bytes[5], 72, "string length 36, zigzag");
            assert_eq!(&bytes[6..42], value.id.to_string().as_bytes());
            let mut millis = Vec::new();
            serde_avro_fast::to_datum(
                &value.at,
                &mut millis,
                &mut serde_avro_fast::ser::SerializerConfig::new(&r#""long""#.parse().unwrap()),
            )
            .unwrap();
            assert_eq!(&bytes[42..42 + millis.len()], millis.as_slice());
            let back: Entry = de.deserialize(&bytes).await.unwrap();
            assert_eq!(back, value);
        }
    }

    #[tokio::test]
    async fn decimals_take_the_schemas_scale() {
        let registry = Arc::new(MockClient::new());
        let ser =
            AvroSerializer::<Entry>::for_type(registry.clone(), SerializerConfig::value()).unwrap();
        let de = AvroDeserializer::new(registry);
        let mut value = entry(false);
        value.amount = Decimal::new(5, 0); // 5, written as 500 at scale 2
        let bytes = ser.serialize("ledger", &value).await.unwrap().payload;
        let back: Entry = de.deserialize(&bytes).await.unwrap();
        assert_eq!(back.amount, value.amount);
        assert_eq!(back.amount.scale(), 2);
        assert_eq!(back.amount.mantissa(), 500);
        // finer values are rounded to the scale (half away from zero), by serde_avro_fast
        value.amount = Decimal::new(-1_235, 3);
        let bytes = ser.serialize("ledger", &value).await.unwrap().payload;
        let back: Entry = de.deserialize(&bytes).await.unwrap();
        assert_eq!(back.amount, Decimal::new(-124, 2));
        // and the precision is not checked on write: 13 digits under precision 12 pass
        value.amount = Decimal::new(1_000_000_000_000, 2);
        let bytes = ser.serialize("ledger", &value).await.unwrap().payload;
        let back: Entry = de.deserialize(&bytes).await.unwrap();
        assert_eq!(back.amount, value.amount);
    }

    #[tokio::test]
    async fn json_schemas_describe_the_same_values() {
        let schema = Schema::json_of::<Entry>().unwrap();
        let doc: serde_json::Value = serde_json::from_str(&schema.schema).unwrap();
        let props = &doc["properties"];
        assert_eq!(props["id"]["format"], "uuid");
        assert_eq!(props["at"]["type"], "integer");
        assert_eq!(props["on"]["format"], "int32");
        // schemars describes what deserializes: a decimal string or a number
        assert_eq!(props["amount"]["type"][0], "string");
        let registry = Arc::new(MockClient::new());
        let ser = JsonSerializer::<Entry>::for_type(
            registry.clone(),
            SerializerConfig::value().validate(true),
        )
        .unwrap();
        let value = entry(true);
        let bytes = ser.serialize("ledger-json", &value).await.unwrap().payload;
        let back: Entry = JsonDeserializer::new(registry, true)
            .deserialize(&bytes)
            .await
            .unwrap();
        assert_eq!(back, value);
    }
}
