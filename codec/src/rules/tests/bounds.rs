//! Hostile rules and messages end in a rule failure, never a panic or a runaway evaluation.

use serde_json::{Value, json};

use super::{failure, latest};
use crate::client::{MockClient, RegistryClient};
use crate::rules::cel_exec::{MAX_AST_DEPTH, MAX_COMPREHENSION_NESTING};
use crate::rules::{MAX_EXPR_LEN, Rule, RuleSet};
use crate::{JsonSerializer, Schema, SerializerConfig};

const DOC: &str = r#"{"type":"object","properties":{"items":{"type":"array","items":{"type":"integer"}},
    "name":{"type":"string"}}}"#;

/// Writes `message` through a JSON serializer whose schema carries `rule` (onFailure ERROR).
async fn write(rule: Rule, message: &Value) -> crate::Result<Vec<u8>> {
    let mock = std::sync::Arc::new(MockClient::new());
    let schema = Schema::json(DOC).with_rule_set(RuleSet::domain(vec![rule]));
    mock.register("t-value", &schema, false).await.unwrap();
    let cfg = SerializerConfig::value().selection(latest());
    let ser = JsonSerializer::<Value>::new(mock, Schema::json(DOC), cfg).unwrap();
    ser.serialize("t", message).await.map(|e| e.payload)
}

fn sum_chain(terms: usize) -> String {
    vec!["1"; terms].join(" + ")
}

#[tokio::test]
async fn expressions_past_the_bounds_fail_the_rule() {
    let message = json!({"items": [1, 2, 3], "name": "n"});
    let nested = |depth: u32| {
        let mut e = "x > 0".to_owned();
        for i in 0..depth {
            e = format!("message.items.all(x{i}, {e})");
        }
        e.replace("x > 0", "true")
    };
    for (what, expr) in [
        ("too long", "1 + ".repeat(MAX_EXPR_LEN)),
        ("too deep", format!("{} == 0", sum_chain(MAX_AST_DEPTH + 1))),
        (
            "nested comprehensions",
            nested(MAX_COMPREHENSION_NESTING + 1),
        ),
    ] {
        let err = write(Rule::cel_condition("r", "WRITE", &expr), &message)
            .await
            .unwrap_err();
        assert!(failure(&err).reason.contains("expression"), "{what}: {err}");
    }
    // just inside the bounds, the interpreter's recursion fits a test thread's stack
    let deepest = format!("{} > 0", sum_chain(MAX_AST_DEPTH - 2));
    assert!(
        write(Rule::cel_condition("r", "WRITE", &deepest), &message)
            .await
            .is_ok()
    );
    let allowed = nested(MAX_COMPREHENSION_NESTING);
    assert!(
        write(Rule::cel_condition("r", "WRITE", &allowed), &message)
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn nested_comprehensions_over_a_large_list_are_refused_before_running() {
    let rule = Rule::cel_condition(
        "quadratic",
        "WRITE",
        "message.items.all(x, message.items.all(y, x + y >= 0))",
    );
    let small = json!({"items": [1, 2, 3]});
    assert!(write(rule.clone(), &small).await.is_ok());
    let large = json!({"items": vec![1; 20_000]});
    let err = write(rule, &large).await.unwrap_err();
    assert!(failure(&err).reason.contains("cost"), "{err}");
}

#[tokio::test]
async fn messages_nested_too_deep_fail_the_rule() {
    let mut deep = json!(1);
    for _ in 0..100 {
        deep = json!({ "a": deep });
    }
    let message = json!({"items": [], "name": "n", "deep": deep});
    for rule in [
        Rule::cel_condition("m", "WRITE", "true"),
        Rule::cel_transform("t", "WRITE", "message"),
        Rule::cel_field_condition("f", "WRITE", "true"),
    ] {
        match write(rule.clone(), &message).await {
            Err(e) => assert!(e.rule_failure().is_some(), "{}: {e}", rule.name),
            // the field walk follows the schema, which does not describe `deep`
            Ok(_) => assert_eq!(rule.name, "f"),
        }
    }
}

#[tokio::test]
async fn concatenations_of_large_strings_are_refused_before_running() {
    // a balanced tree of concatenations stays shallow yet copies the field 64 times
    let mut expr = "message.name".to_owned();
    for _ in 0..6 {
        expr = format!("({expr} + {expr})");
    }
    let rule = Rule::cel_condition("copies", "WRITE", &format!("size({expr}) > 0"));
    assert!(write(rule.clone(), &json!({"name": "short"})).await.is_ok());
    let large = json!({"name": "x".repeat(8 << 20)});
    let err = write(rule, &large).await.unwrap_err();
    assert!(failure(&err).reason.contains("memory"), "{err}");
}

#[tokio::test]
async fn a_json_schema_that_fans_out_through_refs_stops_at_the_walk_budget() {
    // every level walks the whole schema twice: 2^depth visits without the budget
    let hostile = r##"{"type":"object","allOf":[{"$ref":"#"},{"$ref":"#"}],
        "properties":{"name":{"type":"string"}}}"##;
    let mock = std::sync::Arc::new(MockClient::new());
    let rule = Rule::cel_field_condition("names", "WRITE", "size(value) > 0");
    let schema = Schema::json(hostile).with_rule_set(RuleSet::domain(vec![rule]));
    mock.register("t-value", &schema, false).await.unwrap();
    let cfg = SerializerConfig::value().selection(latest());
    let ser = JsonSerializer::<Value>::new(mock, Schema::json(DOC), cfg).unwrap();
    let err = ser.serialize("t", &json!({"name": "n"})).await.unwrap_err();
    let reason = &failure(&err).reason;
    assert!(
        reason.contains("schema nodes") || reason.contains("deeper"),
        "{reason}"
    );
}
