//! Confluent wire format, a cached schema registry client and serde codecs (Avro, JSON Schema)
//! for Kafka producers and consumers, byte-compatible with Confluent's serializers.
//!
//! # Code tour
//!
//! | module | what it does |
//! |---|---|
//! | [`wire`] | the framing: `0x00` + 4-byte id, Confluent 8's `0x01` + GUID, and the header form |
//! | [`client`] | [`RegistryClient`] trait, [`HttpClient`], [`CachedClient`], [`MockClient`] for tests |
//! | [`strategy`] | subject name strategies (TopicName, RecordName, TopicRecordName) |
//! | [`config`] | serializer settings: auto-register, use latest (with metadata), fixed id, lookup only, normalize |
//! | [`Serializer`] | the one serializer over every format: per-topic registry step, cache, framing, WRITE rules |
//! | [`avro`] | [`AvroSerializer`] / [`AvroDeserializer`] on `serde_avro_fast`, reader-schema resolution |
//! | [`json`] | [`JsonSerializer`] / [`JsonDeserializer`] with optional JSON Schema validation (`$ref`s to other subjects' schemas resolved through the schema's `references`, never fetched from the network) |
//! | [`protobuf`] | [`ProtobufSerializer`], [`ProtobufDeserializer`] (generated types), [`DynamicProtobufDeserializer`]; message indexes |
//! | [`blocking`] | [`Blocking`]: the same codecs for synchronous code, safe on any thread |
//! | `derive` | `Schema::avro_of::<T>()`, `Schema::json_of::<T>()`: schemas from Rust types (feature `derive`) |
//! | `logical` | `TimestampMillis`, `TimestampMicros`, `Date`: Avro logical types for `chrono` values (feature `chrono`) |
//! | [`rules`] | data-contract rules: which of a schema's rules run, CEL / CEL_FIELD conditions and transforms on Avro, JSON and Protobuf messages, actions |
//!
//! # Producing and consuming Avro
//!
//! A producer owns an [`AvroSerializer`] for its value type. The first message per topic does the
//! registry step (here: register the schema under `orders-value`); every later message is a cache
//! hit that only encodes. A consumer's [`AvroDeserializer`] fetches each writer schema once by id.
//!
//! ```
//! use std::sync::Arc;
//! use codec::{AvroDeserializer, AvroSerializer, CachedClient, MockClient, Schema, SerializerConfig};
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize, Deserialize, Debug, PartialEq)]
//! struct Order { id: i64, item: String, qty: i32 }
//!
//! const ORDER: &str = r#"{"type":"record","name":"Order","namespace":"shop","fields":[
//!     {"name":"id","type":"long"},{"name":"item","type":"string"},{"name":"qty","type":"int"}]}"#;
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! // in production: CachedClient::new(HttpClient::new("http://localhost:8081")?)
//! let registry = Arc::new(CachedClient::new(MockClient::new()));
//!
//! let serializer = AvroSerializer::<Order>::new(registry.clone(), Schema::avro(ORDER), SerializerConfig::value())?;
//! let order = Order { id: 7, item: "tea".into(), qty: 2 };
//! let bytes = serializer.serialize("orders", &order).await?.payload;
//! assert_eq!(&bytes[..5], &[0, 0, 0, 0, 1]); // magic byte, schema id 1
//!
//! let deserializer = AvroDeserializer::new(registry);
//! let back: Order = deserializer.deserialize(&bytes).await?;
//! assert_eq!(back, order);
//! # Ok::<(), codec::Error>(())
//! # }).unwrap();
//! ```
//!
//! Reuse one output buffer with [`AvroSerializer::serialize_into`], and decode without copying
//! strings with [`AvroDeserializer::deserialize_borrowed`].
//!
//! # Choosing the subject and the id
//!
//! [`SerializerConfig`] mirrors Confluent's serializer settings:
//!
//! ```
//! use codec::{SerializerConfig, SchemaSelection, SubjectNameStrategy, SchemaId};
//! let cfg = SerializerConfig::value()
//!     .strategy(SubjectNameStrategy::TopicRecordName)      // "<topic>-shop.Order"
//!     .selection(SchemaSelection::UseLatest { strict: true }) // use.latest.version=true
//!     .normalize(true);                                     // normalize.schemas=true
//! let fixed = SerializerConfig::key().selection(SchemaSelection::UseId { id: SchemaId(42), strict: true });
//! let lookup_only = SerializerConfig::value().selection(SchemaSelection::LookupOnly);
//! # let _ = (cfg, fixed, lookup_only);
//! ```
//!
//! With [`SerializerConfig::header_form`] the id travels as Confluent 8's GUID in a
//! `__value_schema_id` (or `__key_schema_id`) record header and the payload is the bare datum; the
//! deserializers take that header as `Some(&header_bytes)` and prefer it over the payload prefix.
//!
//! # Evolving schemas
//!
//! A consumer that holds its own schema reads data written with any compatible schema through
//! [`AvroDeserializer::with_reader_schema`] (Avro resolution: defaults fill missing fields, dropped
//! fields are skipped, `int` widens to `long`):
//!
//! ```
//! # use std::sync::Arc;
//! # use codec::{AvroDeserializer, AvroSerializer, MockClient, Schema, SerializerConfig};
//! # use serde::{Deserialize, Serialize};
//! #[derive(Serialize)]
//! struct V1 { id: i32 }
//! #[derive(Deserialize, Debug, PartialEq)]
//! struct V2 { id: i64, note: String }
//! const W: &str = r#"{"type":"record","name":"R","fields":[{"name":"id","type":"int"}]}"#;
//! const R: &str = r#"{"type":"record","name":"R","fields":[{"name":"id","type":"long"},
//!                    {"name":"note","type":"string","default":"none"}]}"#;
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let registry = Arc::new(MockClient::new());
//! let old = AvroSerializer::<V1>::new(registry.clone(), Schema::avro(W), SerializerConfig::value())?;
//! let bytes = old.serialize("t", &V1 { id: 5 }).await?.payload;
//! let reader = AvroDeserializer::with_reader_schema(registry, R)?;
//! let v2: V2 = reader.deserialize(&bytes).await?;
//! assert_eq!(v2, V2 { id: 5, note: "none".into() });
//! # Ok::<(), codec::Error>(())
//! # }).unwrap();
//! ```
//!
//! # Blocking code
//!
//! [`Blocking`] wraps any codec for synchronous callers (e.g. an rdkafka `BaseProducer` loop). Cache
//! hits never touch a runtime; misses run on a background runtime, so it works on plain threads
//! and does not panic on a tokio worker thread.
//!
//! ```
//! # use std::sync::Arc;
//! # use codec::{AvroSerializer, Blocking, MockClient, Schema, SerializerConfig};
//! let registry = Arc::new(MockClient::new());
//! let ser = Blocking::new(AvroSerializer::<i64>::new(registry, Schema::avro(r#""long""#), SerializerConfig::key())?);
//! let key = ser.serialize("orders", &42)?;
//! assert_eq!(key.payload, [0, 0, 0, 0, 1, 84]);
//! # Ok::<(), codec::Error>(())
//! ```
//!
//! # JSON Schema
//!
//! ```
//! # use std::sync::Arc;
//! # use codec::{JsonSerializer, JsonDeserializer, MockClient, Schema, SerializerConfig};
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let registry = Arc::new(MockClient::new());
//! let schema = Schema::json(r#"{"type":"object","properties":{"n":{"type":"integer","minimum":0}}}"#);
//! let ser = JsonSerializer::<serde_json::Value>::new(registry.clone(), schema, SerializerConfig::value().validate(true))?;
//! assert!(ser.serialize("t", &serde_json::json!({"n": -1})).await.is_err()); // invalid: refused
//! let bytes = ser.serialize("t", &serde_json::json!({"n": 1})).await?.payload;
//! let de = JsonDeserializer::new(registry, true);
//! assert_eq!(de.deserialize::<serde_json::Value>(&bytes).await?, serde_json::json!({"n": 1}));
//! # Ok::<(), codec::Error>(())
//! # }).unwrap();
//! ```
//!
//! # Caching and the hot path
//!
//! Wrap the HTTP client in [`CachedClient`] and share one `Arc` between producers and consumers:
//! schemas by id are kept forever (bounded), registrations and lookups per
//! (subject, schema, normalize), `latest` for 60 s; concurrent misses on one key make one request.
//! On top of that every codec keeps what its message path needs (per topic: the framing and the
//! parsed schema; per id: the parsed writer schema or compiled validator) in a map that readers
//! consult without locks, so a cached encode or decode is the `serde_avro_fast` datum call plus
//! a few nanoseconds, and allocates nothing but its output.
//!
//! Measured with `cargo bench -p codec` (10-field record, 104-byte datum, schema cached), in
//! instructions per operation (valgrind; stable where wall-clock time on a shared VM is not), each
//! peer through its own caching client against a loopback stub that the timed loops never reach:
//!
//! | | raw `serde_avro_fast` | this crate, blocking | this crate, async | `schema_registry_converter` 6 | `schema-registry-client` 0.4 |
//! |---|---:|---:|---:|---:|---:|
//! | encode | 2,456 | 2,624 (1.07×) | 2,681 (1.09×) | 12,160 | 46,917 |
//! | decode into a struct | 2,970 | 3,344 (1.13×) | 3,464 (1.17×) | 12,219 (with `from_value`) | 96,681 (with `from_value`) |
//! | encode, one CEL condition | | | 30,203 | | 192,754 |
//! | decode, one CEL condition | | | 33,878 | | 216,050 |
//!
//! # Data-contract rules
//!
//! A schema registered with a `ruleSet` is enforced as Confluent's serializers enforce it, for
//! Avro, JSON Schema and Protobuf messages: the serializer runs the domain rules of the schema its
//! registry step selected (the register or lookup answer, latest, latest with metadata, or the
//! fixed id) in mode `WRITE` before encoding; the deserializer runs the writer schema's rules in
//! mode `READ` (in reverse order) after decoding. Supported: kinds `CONDITION` and `TRANSFORM`,
//! type `CEL` (`message` is the record; a transform's result replaces it) and `CEL_FIELD` (per
//! primitive field selected by tags, inline or by `metadata.tags` wildcard path: `value`, `name`,
//! `fullName`, `typeName`, `tags`, `message`; a transform's result replaces the field's value),
//! an optional `guard ;` prefix, modes `WRITE`/`READ`/`WRITEREAD`, `onSuccess`/`onFailure`
//! `NONE`/`ERROR`/`DLQ` (and `"write,read"` pairs), `disabled` and `enableAt`. A refused message
//! is [`Error::Rule`] with a [`RuleFailure`] whose [`RuleAction::Dlq`] names the dead-letter topic
//! for the caller to route to (this crate has no Kafka producer).
//!
//! ```
//! # use std::sync::Arc;
//! # use codec::{AvroSerializer, MockClient, Rule, RuleSet, Schema, SchemaSelection, SerializerConfig};
//! # use codec::client::RegistryClient;
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let registry = Arc::new(MockClient::new());
//! let rules = RuleSet::domain(vec![Rule::cel_condition("positive", "WRITE", "message.qty > 0")]);
//! let schema = Schema::avro(r#"{"type":"record","name":"R","fields":[{"name":"qty","type":"int"}]}"#);
//! registry.register("t-value", &schema.clone().with_rule_set(rules), false).await?;
//! #[derive(serde::Serialize)]
//! struct R { qty: i32 }
//! let cfg = SerializerConfig::value().selection(SchemaSelection::UseLatest { strict: false });
//! let ser = AvroSerializer::<R>::new(registry, schema, cfg)?;
//! assert!(ser.serialize("t", &R { qty: 1 }).await.is_ok());
//! let refused = ser.serialize("t", &R { qty: 0 }).await.unwrap_err();
//! assert_eq!(refused.rule_failure().unwrap().rule, "positive");
//! # Ok::<(), codec::Error>(())
//! # }).unwrap();
//! ```
//!
//! A transform must produce what the schema allows: a field's new value must fit the field
//! (a string for a string, an `int` within 32 bits, bytes for bytes; a union takes any of its
//! branches), a message's new value must be a record (a map) with every field the schema
//! requires (Avro takes defaults for missing fields; Protobuf builds a fresh message from the map,
//! so fields it does not name are unset), and null is never a message. Otherwise the rule fails
//! and its `onFailure` decides (with `NONE`, the message goes on as it was before the rule). A
//! transformed Avro message is re-encoded from its JSON view with the rules' schema (bytes,
//! fixed, decimals, enums, unions, defaults), then decoded into your type as usual on read;
//! [`AvroDeserializer::deserialize_borrowed`] refuses a writer schema with `READ` transforms (a
//! new message cannot borrow from the input).
//!
//! How fields are walked follows Confluent's clients: Avro field full names are the record's full
//! name and the field's (`shop.Order.email`), a `null` in a union reaches a field rule with type
//! `NULL`, and enums, fixed and decimals are not primitives; JSON Schema full names are paths
//! from `$` (`$.address.street`), through `properties`, `items`, local `$ref`s and
//! `allOf`/`anyOf`/`oneOf` (a branch matches by the value's JSON type and required properties,
//! where Confluent validates it), nulls are skipped; Protobuf full names are the fields'
//! (`package.Message.field`), unset fields with presence are skipped, enums are integers,
//! `Timestamp`/`Duration` stay messages (this crate's CEL has no time types). Of several
//! `CEL_FIELD` transforms with the same mode and tags only the first runs.
//!
//! Not executed (a rule of these kinds that should run fails, and its `onFailure` decides):
//! migration rules (JSONata), encoding rules and field encryption (`ENCRYPT`,
//! `ENCRYPT_PAYLOAD`), custom executors. Differences from Confluent's clients: rules run for
//! auto-registered schemas too (as in Java, not Python); a `DLQ` on success does nothing; CEL has
//! the standard functions plus `matches`, but not Confluent's `isEmail` and friends or
//! timestamps; deserializers do not know the topic (`RuleFailure::topic` is empty), and the JSON
//! deserializer runs rules only with validation on (it fetches no schema otherwise).
//!
//! Bounds: expressions of at most [`rules::MAX_EXPR_LEN`] bytes, 4,096 syntax-tree nodes and 32
//! levels (the interpreter recurses per level on the caller's stack: about 3 KiB a level in
//! release builds, 30 KiB in debug), comprehensions (`all`, `exists`, `map`, `filter`) nested at
//! most 3 deep, and, since the `cel` crate has no cost, time or memory limit, an evaluation is
//! refused when its work estimate, nodes × (largest list or map in the message +
//! 1)^(comprehension nesting), exceeds [`rules::MAX_COST`] (5·10⁷), or that work × the largest
//! string or bytes in the message (concatenations copy them) exceeds [`rules::MAX_MEMORY`]
//! (256 MiB); messages handed to CEL at most 64 levels deep; [`rules::MAX_RULES`] rules per phase; an Avro
//! schema model of at most 10,000 types; a JSON Schema walk of at most 100,000 schema nodes per
//! message. A refusal for a bound is a rule failure.
//!
//! Cost: a schema without rules pays one branch per message. With one CEL condition the message
//! is converted once (to JSON, then to CEL values) and evaluated: `cargo bench -p codec` measured
//! about 27,500 more instructions per encode and 30,400 per decode of its 10-field record
//! (2.8 µs and 3.1 µs wall clock, against 0.19 µs and 0.30 µs without the rule in the same run);
//! `schema-registry-client` 0.4 spends 6.4 times as much with the same rule.
//!
//! # Errors
//!
//! Everything returns [`Error`]; registry failures keep Confluent's `error_code`
//! ([`Error::error_code`], e.g. 40403 when a lookup-only serializer's schema is not registered).
//!
//! # Cargo features
//!
//! `derive` (off by default) adds `Schema::avro_of` and `AvroSerializer::for_type` for types
//! deriving `BuildSchema` (`serde_avro_derive`; use `#[derive(codec::BuildSchema)]` with
//! `use codec::serde_avro_derive;` in scope), and `Schema::json_of` / `JsonSerializer::for_type`
//! for types deriving `JsonSchema` (`schemars`, draft-07; `use codec::schemars;` in scope).
//! Doc comments do not reach derived Avro schemas (`serde_avro_derive` reads none); they become
//! `description`s in derived JSON Schemas. Avro logical types, each feature off by default:
//! `chrono` adds `logical::{TimestampMillis, TimestampMicros, Date}` (wrappers of `chrono`
//! values, derived as `timestamp-millis`, `timestamp-micros` and `date`, also in `Option`);
//! `uuid` makes `uuid::Uuid` fields Avro `uuid` strings; `rust_decimal` makes
//! `rust_decimal::Decimal` fields with `#[avro_schema(precision = …, scale = …)]` Avro `decimal`
//! bytes (values rescaled to the schema's scale). The derive recognises `Uuid` and `Decimal` by the
//! field's type name, so not inside `Option` or `Vec` (a compile error there). `rules` (on by default) evaluates CEL rules through the `cel` crate; without it a rule that
//! should run fails closed. `native-tls` or `rustls` for `https://` registries (off by default);
//! `kafka-examples` builds the rdkafka producer and consumer examples (the library never depends
//! on a Kafka client).

pub mod avro;
pub mod blocking;
pub mod client;
pub mod config;
#[cfg(feature = "derive")]
mod derive;
pub mod error;
mod generic;
mod hot;
pub mod json;
#[cfg(feature = "chrono")]
pub mod logical;
pub mod protobuf;
pub mod rules;
pub mod schema;
mod ser;
pub mod strategy;
pub mod wire;

pub use avro::{AvroDeserializer, AvroFormat, AvroSerializer};
pub use blocking::{Blocking, TopicSerializer};
pub use client::{
    CachedClient, CompatibilityReport, HttpClient, HttpClientConfig, MockClient, RegistryClient,
    check_compatible,
};
pub use config::{Encoded, IdPlacement, SchemaIdHeader, SchemaSelection, SerializerConfig};
#[cfg(feature = "derive")]
pub use derive::{BuildSchema, JsonSchema, check_compatible_type};
pub use error::{Error, Result};
pub use json::{JsonDeserializer, JsonFormat, JsonSerializer};
pub use protobuf::{
    DynamicProtobufDeserializer, ProtobufDeserializer, ProtobufEncoded, ProtobufError,
    ProtobufFormat, ProtobufSchemaIdHeader, ProtobufSerializer,
};
pub use rules::{Metadata, Rule, RuleAction, RuleFailure, RuleSet};
pub use schema::{RegisteredSchema, Schema, SchemaReference, SchemaType};
#[cfg(feature = "derive")]
pub use schemars;
pub use ser::Serializer;
#[cfg(feature = "derive")]
pub use serde_avro_derive;
pub use strategy::{ReferenceSubjectNameStrategy, SubjectNameStrategy};
pub use wire::{SchemaGuid, SchemaId, SchemaRef};
