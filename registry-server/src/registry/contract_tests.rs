//! Tests of how a registration's metadata and rule set are inherited, merged and stamped.

use serde_json::json;

use super::*;

fn contract(metadata: Value, rule_set: Value) -> Contract {
    Contract::of_json(Some(&metadata), Some(&rule_set)).expect("valid contract")
}

fn properties(contract: &Contract) -> Value {
    contract
        .metadata
        .as_ref()
        .map_or(Value::Null, |m| json!(m.properties))
}

fn rule_names(contract: &Contract) -> Vec<String> {
    contract
        .rule_set
        .iter()
        .flat_map(|r| r.rules())
        .filter_map(|r| r.name.clone())
        .collect()
}

fn config(value: Value) -> ConfigContract {
    let Value::Object(map) = value else {
        panic!("a config object")
    };
    ConfigContract::of_config(&map)
}

#[test]
fn a_request_without_a_contract_inherits_the_previous_versions() {
    let previous = contract(
        json!({"properties": {"owner": "pay"}}),
        json!({"domainRules": [{"name": "positive", "type": "CEL", "kind": "CONDITION"}]}),
    );
    let merged =
        Contract::default().merged(Some(&previous), &ConfigContract::default(), false, Some(2));
    assert_eq!(merged, previous);
}

#[test]
fn a_request_contract_replaces_the_previous_one_whole() {
    let previous = contract(
        json!({"properties": {"owner": "pay", "team": "t"}}),
        Value::Null,
    );
    let request = contract(json!({"properties": {"owner": "ops"}}), Value::Null);
    let merged = request.merged(Some(&previous), &ConfigContract::default(), false, Some(2));
    assert_eq!(properties(&merged), json!({"owner": "ops"}));
}

#[test]
fn defaults_lose_to_the_request_and_overrides_win() {
    let config = config(json!({
        "defaultMetadata": {"properties": {"owner": "default", "tier": "gold"}},
        "overrideMetadata": {"properties": {"region": "eu", "owner": "override"}},
        "defaultRuleSet": {"domainRules": [{"name": "d", "type": "CEL"}, {"name": "shared", "type": "CEL", "expr": "default"}]},
        "overrideRuleSet": {"domainRules": [{"name": "o", "type": "CEL"}]}
    }));
    let request = contract(
        json!({"properties": {"owner": "request"}}),
        json!({"domainRules": [{"name": "shared", "type": "CEL", "expr": "request"}]}),
    );
    let merged = request.merged(None, &config, false, Some(1));
    assert_eq!(
        properties(&merged),
        json!({"owner": "override", "region": "eu", "tier": "gold"})
    );
    assert_eq!(rule_names(&merged), ["d", "shared", "o"]);
    let shared = merged
        .rule_set
        .iter()
        .flat_map(|r| r.rules())
        .find(|r| r.name.as_deref() == Some("shared"));
    assert_eq!(shared.and_then(|r| r.expr.as_deref()), Some("request"));
    assert!(!config.is_empty());
    assert!(ConfigContract::default().is_empty());
}

#[test]
fn confluent_version_is_stamped_when_asked_and_then_follows_every_version() {
    let plain = Contract::default();
    let none = plain.merged(None, &ConfigContract::default(), false, Some(1));
    assert_eq!(none, Contract::default());
    let stamped = plain.merged(None, &ConfigContract::default(), true, Some(1));
    assert_eq!(properties(&stamped), json!({"confluent:version": "1"}));
    let next = plain.merged(Some(&stamped), &ConfigContract::default(), false, Some(2));
    assert_eq!(properties(&next), json!({"confluent:version": "2"}));
    let no_number = plain.merged(Some(&stamped), &ConfigContract::default(), false, None);
    assert_eq!(properties(&no_number), json!({"confluent:version": "1"}));
}

#[test]
fn equivalents_ignore_a_version_stamp_on_one_side_only() {
    let theirs = contract(
        json!({"properties": {"owner": "pay", "confluent:version": "3"}}),
        Value::Null,
    );
    let ours = contract(json!({"properties": {"owner": "pay"}}), Value::Null);
    let variants = ours.equivalents(theirs.metadata.as_ref(), 3);
    assert_eq!(variants.len(), 1);
    assert_eq!(variants[0].metadata, theirs.metadata);

    // Our stamp must be the stored version's number.
    let stamped = Contract::default().merged(None, &ConfigContract::default(), true, Some(4));
    assert!(stamped.equivalents(None, 3).is_empty());
    let variants = stamped.equivalents(None, 4);
    assert_eq!(variants.len(), 2);
    assert_eq!(variants[0].metadata, None);

    // Both stamped (or neither): only an equal digest matches.
    assert!(theirs.equivalents(theirs.metadata.as_ref(), 3).is_empty());
    assert!(ours.equivalents(ours.metadata.as_ref(), 3).is_empty());
}

#[test]
fn config_contracts_are_validated_and_stored_canonical() {
    let mut update = json!({"defaultMetadata": {"properties": {"b": 1, "a": "x"}},
        "overrideRuleSet": {"domainRules": [{"name": "r", "type": "CEL"}]}, "defaultRuleSet": null});
    let Value::Object(update) = &mut update else {
        unreachable!()
    };
    normalize_config_contracts(update).expect("valid");
    assert_eq!(
        update["defaultMetadata"],
        json!({"properties": {"a": "x", "b": "1"}})
    );
    assert_eq!(
        update["overrideRuleSet"]["domainRules"][0]["mode"],
        "WRITEREAD"
    );
    assert_eq!(update["defaultRuleSet"], Value::Null);

    let mut bad = json!({"defaultRuleSet": {"domainRules": [{"name": "r"}]}});
    let Value::Object(bad) = &mut bad else {
        unreachable!()
    };
    assert_eq!(
        normalize_config_contracts(bad),
        Err(RegistryError::InvalidRuleSet(
            "Missing rule type".to_owned()
        ))
    );
    let mut malformed = json!({"overrideMetadata": "x"});
    let Value::Object(malformed) = &mut malformed else {
        unreachable!()
    };
    assert!(matches!(
        normalize_config_contracts(malformed),
        Err(RegistryError::MalformedRequest(_))
    ));
}
