//! The codec's data-contract rules on hostile rule sets and messages: the first line of the
//! input is a CEL expression (registered as a message-level `CEL` condition and as a tagged
//! `CEL_FIELD` condition, and used as a `metadata.tags` wildcard path), the rest a JSON message
//! written through a JSON serializer that selects the latest schema, so every rule runs. Any
//! outcome but a panic, a hang or unbounded memory is fine; a refusal must be a rule failure
//! (or a message nested too deep for rules).
#![no_main]

use std::sync::Arc;

use codec::blocking::{Blocking, block_on};
use codec::client::{MockClient, RegistryClient};
use codec::{JsonSerializer, Metadata, Rule, RuleSet, Schema, SchemaSelection, SerializerConfig};
use libfuzzer_sys::fuzz_target;

const SCHEMA: &str = r#"{"type":"object","properties":{"a":{"type":"string","confluent:tags":["T"]},
    "n":{"type":"integer"},"o":{"type":"object","properties":{"b":{"type":"number"}}}}}"#;

fuzz_target!(|data: &[u8]| registry_fuzz::on_server_stack(|| one_input(data)));

fn one_input(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (expr, message) = text.split_once('\n').unwrap_or((text, "{}"));
    let Ok(message) = serde_json::from_str::<serde_json::Value>(message) else {
        return;
    };
    let mut field = Rule::cel_condition("field", "WRITE", expr);
    field.rule_type = "CEL_FIELD".into();
    field.tags.insert("T".into());
    let rules = RuleSet::domain(vec![Rule::cel_condition("message", "WRITE", expr), field]);
    let mut metadata = Metadata::default();
    metadata
        .tags
        .insert(expr.to_owned(), ["T".to_owned()].into());
    let schema = Schema::json(SCHEMA)
        .with_rule_set(rules)
        .with_metadata(metadata);
    let mock = Arc::new(MockClient::new());
    let registered = Arc::clone(&mock);
    block_on(async move { registered.register("t-value", &schema, false).await })
        .expect("the background runtime runs")
        .expect("the mock registers");
    let client: Arc<dyn RegistryClient> = mock;
    let config = SerializerConfig::value().selection(SchemaSelection::UseLatest { strict: false });
    let ser = Blocking::new(
        JsonSerializer::<serde_json::Value>::new(client, Schema::json(SCHEMA), config)
            .expect("the schema compiles"),
    );
    match ser.serialize("t", &message) {
        Ok(encoded) => assert_eq!(&encoded.payload[..1], &[0]),
        // a refusal is a rule's verdict, or a message too deep to hand to CEL
        Err(e) => assert!(
            e.rule_failure().is_some() || matches!(e, codec::Error::Serialize(_)),
            "unexpected error: {e}"
        ),
    }
}
