//! Tests of metadata and rule-set validation and merging.

use serde_json::json;

use super::*;

fn metadata(value: Value) -> Metadata {
    Metadata::from_json(Some(&value))
        .expect("valid metadata")
        .expect("present")
}

fn rule_set(value: Value) -> RuleSet {
    RuleSet::from_json(Some(&value))
        .expect("valid rule set")
        .expect("present")
}

fn validation_error(value: Value) -> String {
    rule_set(value).validate().expect_err("refused").0
}

#[test]
fn metadata_is_stored_sorted_with_scalar_properties_as_text() {
    let m = metadata(json!({
        "properties": {"b": 2, "a": "x", "c": true},
        "tags": {"f": ["z", "y", "z"]},
        "sensitive": ["s2", "s1"]
    }));
    assert_eq!(
        m.to_json().to_string(),
        r#"{"tags":{"f":["y","z"]},"properties":{"a":"x","b":"2","c":"true"},"sensitive":["s1","s2"]}"#
    );
}

#[test]
fn null_and_absent_metadata_are_none_and_other_json_is_malformed() {
    assert_eq!(Metadata::from_json(None), Ok(None));
    assert_eq!(Metadata::from_json(Some(&Value::Null)), Ok(None));
    assert!(Metadata::from_json(Some(&json!("owner=me"))).is_err());
    assert!(Metadata::from_json(Some(&json!({"properties": {"a": {"b": 1}}}))).is_err());
    assert!(Metadata::from_json(Some(&json!({"tags": {"f": "not a list"}}))).is_err());
    assert_eq!(
        metadata(json!({"tags": null, "properties": null})),
        Metadata::default()
    );
}

#[test]
fn newer_metadata_wins_per_key_and_sets_unite() {
    let older = metadata(json!({"properties": {"owner": "a", "team": "t"}, "sensitive": ["x"]}));
    let newer = metadata(json!({"properties": {"owner": "b"}, "sensitive": ["y"]}));
    let merged = Metadata::merge(Some(older), Some(newer)).expect("merged");
    assert_eq!(
        merged.to_json(),
        json!({"properties": {"owner": "b", "team": "t"}, "sensitive": ["x", "y"]})
    );
    assert_eq!(Metadata::merge(None, None), None);
}

#[test]
fn confluent_version_is_set_read_and_removed() {
    let m = Metadata::default().with_confluent_version(7);
    assert_eq!(m.confluent_version(), Some("7"));
    assert_eq!(m.without_confluent_version(), Metadata::default());
}

#[test]
fn reserved_fields_are_the_trimmed_comma_list() {
    let m = metadata(json!({"properties": {"confluent:reserved": " id, ,name "}}));
    assert_eq!(
        m.reserved_fields().into_iter().collect::<Vec<_>>(),
        ["id", "name"]
    );
    assert!(Metadata::default().reserved_fields().is_empty());
}

#[test]
fn rules_get_explicit_kind_and_mode() {
    let set = rule_set(json!({"domainRules": [{"name": "r", "type": "CEL", "expr": "true"}]}));
    assert_eq!(
        set.to_json(),
        json!({"domainRules": [{"name": "r", "kind": "TRANSFORM", "mode": "WRITEREAD",
            "type": "CEL", "expr": "true", "disabled": false}]})
    );
}

#[test]
fn an_unknown_kind_is_malformed() {
    assert!(
        RuleSet::from_json(Some(
            &json!({"domainRules": [{"name": "r", "kind": "MAYBE"}]})
        ))
        .is_err()
    );
    assert!(RuleSet::from_json(Some(&json!([1]))).is_err());
}

#[test]
fn rule_set_validation_refuses_what_confluent_refuses() {
    assert_eq!(
        validation_error(
            json!({"domainRules": [{"name": "a", "type": "CEL"}, {"name": "a", "type": "CEL"}]})
        ),
        "Found rule with duplicate name 'a'"
    );
    assert_eq!(
        validation_error(
            json!({"migrationRules": [{"name": "a", "type": "CEL", "mode": "UPGRADE"}],
            "domainRules": [{"name": "a", "type": "CEL", "mode": "WRITE"}]})
        ),
        "Found rule with duplicate name 'a'"
    );
    assert_eq!(
        validation_error(json!({"domainRules": [{"type": "CEL"}]})),
        "Missing rule name"
    );
    assert_eq!(
        validation_error(json!({"domainRules": [{"name": "", "type": "CEL"}]})),
        "Empty rule name"
    );
    assert_eq!(
        validation_error(json!({"domainRules": [{"name": "9lives", "type": "CEL"}]})),
        "Illegal initial character in rule name: 9lives"
    );
    assert_eq!(
        validation_error(json!({"domainRules": [{"name": "a b", "type": "CEL"}]})),
        "Illegal character in rule name: a b"
    );
    assert_eq!(
        validation_error(json!({"domainRules": [{"name": "x".repeat(257), "type": "CEL"}]})),
        "Rule name too long"
    );
    assert_eq!(
        validation_error(json!({"domainRules": [{"name": "a"}]})),
        "Missing rule type"
    );
    assert_eq!(
        validation_error(json!({"domainRules": [{"name": "a", "type": "CEL", "mode": "UPGRADE"}]})),
        "Domain rules can only be WRITE, READ, WRITEREAD"
    );
    assert_eq!(
        validation_error(json!({"migrationRules": [{"name": "a", "type": "JSONATA"}]})),
        "Migration rules can only be UPGRADE, DOWNGRADE, UPDOWN"
    );
    assert_eq!(
        validation_error(
            json!({"domainRules": [{"name": "a", "type": "CEL", "mode": "WRITE", "onFailure": "DLQ,ERROR"}]})
        ),
        "Multiple actions only valid with WRITEREAD and UPDOWN"
    );
    rule_set(
        json!({"domainRules": [{"name": "a_1-x", "type": "CEL", "onFailure": "DLQ,ERROR"}],
        "migrationRules": [{"name": "m", "type": "JSONATA", "mode": "UPDOWN"}]}),
    )
    .validate()
    .expect("valid");
}

#[test]
fn newer_rules_replace_same_named_ones_and_follow_the_older() {
    let older = rule_set(json!({"domainRules": [
        {"name": "a", "type": "CEL", "expr": "old"}, {"name": "b", "type": "CEL"}], "enableAt": "CLIENT"}));
    let newer = rule_set(json!({"domainRules": [
        {"name": "a", "type": "CEL", "expr": "new"}, {"name": "c", "type": "CEL"}]}));
    let merged = RuleSet::merge(Some(older), Some(newer)).expect("merged");
    let names: Vec<_> = merged
        .domain_rules
        .iter()
        .filter_map(|r| r.name.as_deref())
        .collect();
    assert_eq!(names, ["b", "a", "c"]);
    assert_eq!(merged.domain_rules[1].expr.as_deref(), Some("new"));
    assert_eq!(merged.enable_at, Some(EnableAt::Client));
    assert!(merged.has_rule_type("CEL"));
    assert!(!merged.has_rule_type("ENCRYPT"));
}
