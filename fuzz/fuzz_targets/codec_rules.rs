//! The codec's data-contract rules on hostile rule sets, schemas and messages: the first line of
//! the input is a CEL expression (registered as a message-level `CEL` condition and transform,
//! as a tagged `CEL_FIELD` condition and transform, and used as a `metadata.tags` wildcard path),
//! the second a JSON message written through a JSON serializer that selects the latest schema,
//! so every rule runs (field walk, transforms, re-validation). When a third part follows, it is an
//! Avro schema text: the same rules are registered with it and the message is written through an
//! Avro serializer (schema model, field walk, encoder of transformed messages). Any outcome but a
//! panic, a hang or unbounded memory is fine; a refusal must be a rule failure, a message nested
//! too deep for rules, or a schema or encoding error.
#![no_main]

use std::sync::Arc;

use codec::blocking::{Blocking, block_on};
use codec::client::{MockClient, RegistryClient};
use codec::{
    AvroSerializer, Error, JsonSerializer, Metadata, Rule, RuleSet, Schema, SchemaSelection,
    SerializerConfig,
};
use libfuzzer_sys::fuzz_target;

const SCHEMA: &str = r##"{"type":"object","properties":{"a":{"type":"string","confluent:tags":["T"]},
    "n":{"type":"integer"},"o":{"type":"object","properties":{"b":{"type":"number"}}},
    "r":{"$ref":"#/definitions/R"},"l":{"type":"array","items":{"type":"string"}}},
    "definitions":{"R":{"type":"object","properties":{"c":{"type":["string","null"]}}}}}"##;

fuzz_target!(|data: &[u8]| registry_fuzz::on_server_stack(|| one_input(data)));

fn rules(expr: &str) -> (RuleSet, Metadata) {
    let rules = RuleSet::domain(vec![
        Rule::cel_condition("message", "WRITE", expr),
        Rule::cel_field_condition("field", "WRITE", expr).tag("T"),
        Rule::cel_transform("messageT", "WRITE", expr).on_failure("NONE"),
        Rule::cel_field_transform("fieldT", "WRITE", expr)
            .tag("T")
            .on_failure("NONE"),
    ]);
    let mut metadata = Metadata::default();
    metadata
        .tags
        .insert(expr.to_owned(), ["T".to_owned()].into());
    (rules, metadata)
}

fn one_input(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (expr, rest) = text.split_once('\n').unwrap_or((text, "{}"));
    let (message, avro) = match rest.split_once('\n') {
        Some((m, a)) => (m, Some(a)),
        None => (rest, None),
    };
    let Ok(message) = serde_json::from_str::<serde_json::Value>(message) else {
        return;
    };
    let (rule_set, metadata) = rules(expr);
    let (schema, own) = match avro {
        Some(a) => (Schema::avro(a), Schema::avro(a)),
        None => (Schema::json(SCHEMA), Schema::json(SCHEMA)),
    };
    let schema = schema.with_rule_set(rule_set).with_metadata(metadata);
    let mock = Arc::new(MockClient::new());
    let registered = Arc::clone(&mock);
    block_on(async move { registered.register("t-value", &schema, false).await })
        .expect("the background runtime runs")
        .expect("the mock registers");
    let client: Arc<dyn RegistryClient> = mock;
    let config = SerializerConfig::value().selection(SchemaSelection::UseLatest { strict: false });
    let written = if avro.is_some() {
        let Ok(ser) = AvroSerializer::<serde_json::Value>::new(client, own, config) else {
            return; // a schema the Avro parser refuses
        };
        Blocking::new(ser).serialize("t", &message)
    } else {
        let ser = JsonSerializer::<serde_json::Value>::new(client, own, config)
            .expect("the schema compiles");
        Blocking::new(ser).serialize("t", &message)
    };
    match written {
        Ok(encoded) => assert_eq!(&encoded.payload[..1], &[0]),
        Err(e) => assert!(
            e.rule_failure().is_some()
                || matches!(
                    e,
                    Error::Serialize(_) | Error::Schema(_) | Error::Validation(_)
                ),
            "unexpected error: {e}"
        ),
    }
}
