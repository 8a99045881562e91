//! Data contracts on the server (issue 13): metadata and rule sets validated, inherited by
//! the next version, merged with the config's defaults and overrides, stamped with
//! `confluent:version`; `compatibilityGroup`, reserved fields, `/subjects/{s}/metadata` and
//! `/schemas?ruleType=`.

use registry_tests::app::record;
use registry_tests::{TestApp, both_backends};
use serde_json::{Value, json};

fn body(schema: &str, metadata: Value, rule_set: Value) -> Value {
    json!({"schema": schema, "metadata": metadata, "ruleSet": rule_set})
}

fn positive_rule() -> Value {
    json!({"domainRules": [{"name": "positive", "kind": "CONDITION", "type": "CEL", "expr": "message.amount > 0"}]})
}

async fn register(app: &TestApp, subject: &str, body: &Value) -> Value {
    app.post(&format!("/subjects/{subject}/versions"), body)
        .await
        .assert_ok()
        .clone()
}

async fn version(app: &TestApp, subject: &str, version: &str) -> Value {
    app.get(&format!("/subjects/{subject}/versions/{version}"))
        .await
        .assert_ok()
        .clone()
}

/// A rule set is kept and returned with explicit `kind` and `mode`; a broken one is 42210.
async fn rule_sets_are_validated_and_returned(app: TestApp) {
    let v1 = record("Pay", &[("amount", "\"int\"")]);
    let bad =
        json!({"domainRules": [{"name": "dup", "type": "CEL"}, {"name": "dup", "type": "CEL"}]});
    let refused = app
        .post("/subjects/pay/versions", &body(&v1, Value::Null, bad))
        .await;
    refused.assert_error(42210);
    assert!(
        refused.message().contains("duplicate name 'dup'"),
        "{}",
        refused.message()
    );
    let malformed = app
        .post(
            "/subjects/pay/versions",
            &body(&v1, json!("owner"), Value::Null),
        )
        .await;
    malformed.assert_error(400);
    app.get("/subjects/pay/versions").await.assert_error(40401);

    register(&app, "pay", &body(&v1, Value::Null, positive_rule())).await;
    let latest = version(&app, "pay", "latest").await;
    assert_eq!(latest["ruleSet"]["domainRules"][0]["mode"], "WRITEREAD");
    assert_eq!(latest["ruleSet"]["domainRules"][0]["kind"], "CONDITION");
}

/// A new version without metadata or rules inherits the previous version's, so
/// re-registering the same schema without them finds the existing version.
async fn the_next_version_inherits_the_contract(app: TestApp) {
    let v1 = record("Pay", &[("amount", "\"int\"")]);
    let first = register(
        &app,
        "pay",
        &body(
            &v1,
            json!({"properties": {"owner": "payments"}}),
            positive_rule(),
        ),
    )
    .await;
    let again = register(&app, "pay", &json!({"schema": v1})).await;
    assert_eq!(again["id"], first["id"]);
    assert_eq!(again["version"], 1);

    let v2 = record(
        "Pay",
        &[
            ("amount", "\"int\""),
            ("note", "\"string\", \"default\": \"\""),
        ],
    );
    register(&app, "pay", &json!({"schema": v2})).await;
    let latest = version(&app, "pay", "2").await;
    assert_eq!(latest["metadata"]["properties"]["owner"], "payments");
    assert_eq!(latest["ruleSet"]["domainRules"][0]["name"], "positive");
}

/// Config defaults lose to the request, overrides win; a blank schema re-registers the
/// latest text to change only the contract.
async fn config_defaults_and_overrides_are_merged(app: TestApp) {
    app.put(
        "/config/orders",
        &json!({
            "defaultMetadata": {"properties": {"owner": "platform", "tier": "bronze"}},
            "overrideMetadata": {"properties": {"region": "eu"}},
            "overrideRuleSet": {"domainRules": [{"name": "audit", "type": "CEL", "expr": "true"}]}
        }),
    )
    .await
    .assert_ok();
    let v1 = record("Order", &[("id", "\"string\"")]);
    register(
        &app,
        "orders",
        &body(&v1, json!({"properties": {"owner": "sales"}}), Value::Null),
    )
    .await;
    let stored = version(&app, "orders", "1").await;
    assert_eq!(
        stored["metadata"]["properties"],
        json!({"owner": "sales", "region": "eu", "tier": "bronze"})
    );
    assert_eq!(stored["ruleSet"]["domainRules"][0]["name"], "audit");

    let blank = json!({"schema": "", "metadata": {"properties": {"owner": "ops"}}});
    let second = register(&app, "orders", &blank).await;
    assert_eq!(second["version"], 2);
    let stored = version(&app, "orders", "2").await;
    assert_eq!(
        stored["schema"],
        version(&app, "orders", "1").await["schema"]
    );
    assert_eq!(stored["metadata"]["properties"]["owner"], "ops");

    let invalid = app
        .put(
            "/config/orders",
            &json!({"defaultRuleSet": {"domainRules": [{"name": "x"}]}}),
        )
        .await;
    invalid.assert_error(42210);
}

/// A registration naming its version stamps `confluent:version`, which then follows every
/// version; re-registering the schema without the stamp finds the stamped version.
async fn confluent_version_follows_the_versions(app: TestApp) {
    let v1 = record("Ev", &[("a", "\"int\"")]);
    register(&app, "ev", &json!({"schema": v1, "version": 1})).await;
    assert_eq!(
        version(&app, "ev", "1").await["metadata"]["properties"]["confluent:version"],
        "1"
    );
    let again = register(&app, "ev", &json!({"schema": v1})).await;
    assert_eq!(again["version"], 1);
    let found = app.post("/subjects/ev", &json!({"schema": v1})).await;
    assert_eq!(found.assert_ok()["version"], 1);

    let v2 = record("Ev", &[("a", "\"int\""), ("b", "\"int\", \"default\": 0")]);
    register(&app, "ev", &json!({"schema": v2})).await;
    assert_eq!(
        version(&app, "ev", "2").await["metadata"]["properties"]["confluent:version"],
        "2"
    );
}

/// With `compatibilityGroup`, a version is checked only against the versions of its own
/// group: a breaking change starts a new major version.
async fn a_compatibility_group_checks_its_own_versions(app: TestApp) {
    app.put(
        "/config/books",
        &json!({"compatibility": "BACKWARD", "compatibilityGroup": "major"}),
    )
    .await
    .assert_ok();
    let v1 = record("Book", &[("title", "\"string\"")]);
    let breaking = record("Book", &[("isbn", "\"long\"")]);
    register(
        &app,
        "books",
        &body(&v1, json!({"properties": {"major": "1"}}), Value::Null),
    )
    .await;
    app.post(
        "/subjects/books/versions",
        &body(
            &breaking,
            json!({"properties": {"major": "1"}}),
            Value::Null,
        ),
    )
    .await
    .assert_error(409);
    let second = register(
        &app,
        "books",
        &body(
            &breaking,
            json!({"properties": {"major": "2"}}),
            Value::Null,
        ),
    )
    .await;
    assert_eq!(second["version"], 2);
}

/// `validateFields`: a reserved field may not be a field, nor leave the reserved list.
async fn reserved_fields_are_checked_with_validate_fields(app: TestApp) {
    app.put("/config/users", &json!({"validateFields": true}))
        .await
        .assert_ok();
    let v1 = record("User", &[("name", "\"string\"")]);
    register(
        &app,
        "users",
        &body(
            &v1,
            json!({"properties": {"confluent:reserved": "ssn"}}),
            Value::Null,
        ),
    )
    .await;
    let with_ssn = record(
        "User",
        &[
            ("name", "\"string\""),
            ("ssn", "\"string\", \"default\": \"\""),
        ],
    );
    let conflict = app
        .post(
            "/subjects/users/versions",
            &body(
                &with_ssn,
                json!({"properties": {"confluent:reserved": "ssn"}}),
                Value::Null,
            ),
        )
        .await;
    conflict.assert_error(409);
    assert!(
        conflict
            .message()
            .contains("conflicts with the reserved field ssn"),
        "{}",
        conflict.message()
    );
    let dropped = app
        .post(
            "/subjects/users/versions",
            &body(&v1, json!({"properties": {"owner": "me"}}), Value::Null),
        )
        .await;
    dropped.assert_error(409);
    assert!(
        dropped.message().contains("reserved field ssn removed"),
        "{}",
        dropped.message()
    );
}

/// `/subjects/{s}/metadata` answers the newest version holding every pair.
async fn the_latest_version_with_metadata_is_found(app: TestApp) {
    let v1 = record("Doc", &[("a", "\"int\"")]);
    let v2 = record("Doc", &[("a", "\"int\""), ("b", "\"int\", \"default\": 0")]);
    let v3 = record(
        "Doc",
        &[
            ("a", "\"int\""),
            ("b", "\"int\", \"default\": 0"),
            ("c", "\"int\", \"default\": 0"),
        ],
    );
    register(
        &app,
        "docs",
        &body(
            &v1,
            json!({"properties": {"app": "x", "env": "prod"}}),
            Value::Null,
        ),
    )
    .await;
    register(
        &app,
        "docs",
        &body(
            &v2,
            json!({"properties": {"app": "x", "env": "dev"}}),
            Value::Null,
        ),
    )
    .await;
    register(
        &app,
        "docs",
        &body(&v3, json!({"properties": {"app": "y"}}), Value::Null),
    )
    .await;

    let found = app.get("/subjects/docs/metadata?key=app&value=x").await;
    assert_eq!(found.assert_ok()["version"], 2);
    let found = app
        .get("/subjects/docs/metadata?key=app&key=env&value=x&value=prod")
        .await;
    assert_eq!(found.assert_ok()["version"], 1);
    app.get("/subjects/docs/metadata?key=app&value=z")
        .await
        .assert_error(40403);
    app.get("/subjects/nobody/metadata?key=app&value=x")
        .await
        .assert_error(40401);
}

/// `/schemas?ruleType=` lists only schemas with a rule of that type.
async fn schemas_are_filtered_by_rule_type(app: TestApp) {
    register(
        &app,
        "a",
        &body(&record("A", &[]), Value::Null, positive_rule()),
    )
    .await;
    register(&app, "b", &json!({"schema": record("B", &[])})).await;
    let listed = app.get("/schemas?ruleType=CEL").await;
    let subjects: Vec<&str> = listed
        .assert_ok()
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|s| s["subject"].as_str())
        .collect();
    assert_eq!(subjects, ["a"]);
    let none = app.get("/schemas?ruleType=ENCRYPT").await;
    assert_eq!(none.assert_ok(), &json!([]));
}

both_backends!(
    rule_sets_are_validated_and_returned,
    the_next_version_inherits_the_contract,
    config_defaults_and_overrides_are_merged,
    confluent_version_follows_the_versions,
    a_compatibility_group_checks_its_own_versions,
    reserved_fields_are_checked_with_validate_fields,
    the_latest_version_with_metadata_is_found,
    schemas_are_filtered_by_rule_type,
);
