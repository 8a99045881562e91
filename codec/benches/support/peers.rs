//! The other Rust serdes the codec bench compares with, each through its own caching client
//! against a loopback stub registry, warmed before anything is timed: `schema_registry_converter`
//! 6 and `schema-registry-client` 0.4 (with and without one CEL condition in the schema's rules).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use schema_registry_client::rest::client_config::ClientConfig;
use schema_registry_client::rest::schema_registry_client::{Client, SchemaRegistryClient};
use schema_registry_client::rules::cel::cel_executor::CelExecutor;
use schema_registry_client::serdes::avro::{
    AvroDeserializer as SrcDeserializer, AvroSerializer as SrcSerializer,
};
use schema_registry_client::serdes::config::SerializerConfig as SrcSerializerConfig;
use schema_registry_client::serdes::config::{DeserializerConfig, SchemaSelector};
use schema_registry_client::serdes::rule_registry::RuleRegistry;
use schema_registry_client::serdes::serde::{
    SerdeFormat, SerdeType, SerializationContext, SubjectNameStrategyType,
};
use schema_registry_converter::async_impl::easy_avro::{EasyAvroDecoder, EasyAvroEncoder};
use schema_registry_converter::async_impl::schema_registry::SrSettings;
use schema_registry_converter::schema_registry_common::{
    SchemaType, SubjectNameStrategy, SuppliedSchema,
};

/// Id the stub gives the plain schema (register answer, `/schemas/ids/1`).
pub const PLAIN_ID: u32 = 1;
/// Id the stub gives the schema with the rule set (latest version, `/schemas/ids/2`).
pub const RULED_ID: u32 = 2;
/// How long `schema-registry-client` may reuse its "latest" answer: longer than a bench run, so no
/// timed call reaches the stub (its default, 60 s, would send one request per minute).
const LATEST_TTL_SECS: u64 = 3600;

/// Requests the stub has answered: read before and after a timed loop to show it made none.
pub static STUB_REQUESTS: AtomicU64 = AtomicU64::new(0);

fn counted<T>(body: T) -> T {
    STUB_REQUESTS.fetch_add(1, Ordering::Relaxed);
    body
}

/// A stub registry on loopback: any registration or lookup answers id 1 (the plain schema); the
/// latest version of any subject is id 2, the same schema with `rule_set` (JSON); ids 1 and 2
/// answer their schema. Every answer counts in [`STUB_REQUESTS`].
pub fn start_stub(
    rt: &tokio::runtime::Runtime,
    schema: &str,
    rule_set: serde_json::Value,
) -> String {
    use axum::extract::Path;
    use axum::routing::{get, post};
    let plain = serde_json::json!({ "schema": schema });
    let ruled = serde_json::json!({ "schema": schema, "ruleSet": rule_set });
    let registered = move |subject: String, id: u32, body: &serde_json::Value| {
        let mut body = body.clone();
        body["subject"] = subject.into();
        body["id"] = id.into();
        body["version"] = 1.into();
        counted(body.to_string())
    };
    let (lookup_body, latest_body) = (plain.clone(), ruled.clone());
    let app = axum::Router::new()
        .route(
            "/subjects/{s}/versions",
            post(|| async { counted(r#"{"id":1}"#) }),
        )
        .route(
            "/subjects/{s}",
            post(move |Path(s): Path<String>| {
                let body = registered(s, PLAIN_ID, &lookup_body);
                async move { body }
            }),
        )
        .route(
            "/subjects/{s}/versions/latest",
            get(move |Path(s): Path<String>| {
                let body = registered(s, RULED_ID, &latest_body);
                async move { body }
            }),
        )
        .route(
            "/schemas/ids/{id}",
            get(move |Path(id): Path<u32>| {
                let body = counted(if id == RULED_ID { &ruled } else { &plain }.to_string());
                async move { body }
            }),
        );
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    rt.spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

/// `schema_registry_converter`'s encoder, decoder and subject strategy (topic `payments`).
pub struct Converter {
    pub encoder: EasyAvroEncoder,
    pub decoder: EasyAvroDecoder,
    pub strategy: SubjectNameStrategy,
}

impl Converter {
    pub fn new(url: &str, schema: &str) -> Self {
        Self {
            encoder: EasyAvroEncoder::new(SrSettings::new(url.to_owned())),
            decoder: EasyAvroDecoder::new(SrSettings::new(url.to_owned())),
            strategy: SubjectNameStrategy::TopicNameStrategyWithSchema(
                "payments".into(),
                false,
                SuppliedSchema::new(
                    Some("bench.Payment".into()),
                    SchemaType::Avro,
                    schema.into(),
                ),
            ),
        }
    }
}

/// How a [`SrClient`]'s serializer picks its schema.
#[derive(Clone, Copy, PartialEq)]
pub enum SrMode {
    /// looks the supplied schema up (`auto.register.schemas=false`): cached after the first call
    Lookup,
    /// registers the supplied schema (its default): 0.4.2's REST client checks a cache that
    /// registration never fills, so every message sends the registration again
    AutoRegister,
    /// uses the latest version, the one with the CEL rule (the client runs write rules only for a
    /// latest / fixed-id selection), with the CEL executor installed on both sides
    LatestWithRule,
}

/// `schema-registry-client`'s serializer and deserializer over its caching REST client, in a
/// Confluent producer's default settings except those of [`SrMode`] and the subject strategy,
/// TopicNameStrategy as ours (its default, "associated", first asks the registry for topic
/// associations).
pub struct SrClient {
    pub ser: SrcSerializer<'static, SchemaRegistryClient>,
    pub de: SrcDeserializer<'static, SchemaRegistryClient>,
    pub ctx: SerializationContext,
}

impl SrClient {
    pub fn new(url: &str, schema: &str, mode: SrMode) -> Self {
        let ruled = mode == SrMode::LatestWithRule;
        let mut config = ClientConfig::new(vec![url.to_owned()]);
        config.cache_latest_ttl_sec = LATEST_TTL_SECS;
        // the serdes borrow their client and schema for their lifetime; the bench keeps them all
        let client: &'static SchemaRegistryClient =
            Box::leak(Box::new(SchemaRegistryClient::new(config)));
        let supplied: &'static schema_registry_client::rest::models::Schema =
            Box::leak(Box::new(schema_registry_client::rest::models::Schema::new(
                Some("AVRO".into()),
                schema.to_owned(),
            )));
        let registry = ruled.then(|| {
            let r = RuleRegistry::new();
            r.register_executor(CelExecutor::new());
            r
        });
        let ser_config = SrcSerializerConfig {
            subject_name_strategy_type: SubjectNameStrategyType::Topic,
            auto_register_schemas: mode == SrMode::AutoRegister,
            use_schema: ruled.then_some(SchemaSelector::LatestVersion),
            ..SrcSerializerConfig::default()
        };
        let ser = SrcSerializer::new(client, Some(supplied), registry.clone(), ser_config).unwrap();
        let mut de_config = DeserializerConfig::new(None, false, HashMap::new());
        de_config.subject_name_strategy_type = SubjectNameStrategyType::Topic;
        let de = SrcDeserializer::new(client, registry, de_config).unwrap();
        let ctx = SerializationContext {
            topic: "payments".into(),
            serde_type: SerdeType::Value,
            serde_format: SerdeFormat::Avro,
            headers: None,
        };
        Self { ser, de, ctx }
    }
}
