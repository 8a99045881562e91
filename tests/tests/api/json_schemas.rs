//! JSON Schema through the REST API: register, look up, fetch, references, 409 with
//! Confluent's messages, `/compatibility` with `verbose` (issue 4).

use registry_tests::{TestApp, both_backends};
use serde_json::json;

const PERSON_V1: &str = r#"{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","properties":{"name":{"type":"string"}},"additionalProperties":false}"#;
/// An optional property added to a closed content model: backward compatible.
const PERSON_V2: &str = r#"{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"}},"additionalProperties":false}"#;
/// `name` narrowed from string to integer: incompatible.
const PERSON_BROKEN: &str = r#"{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","properties":{"name":{"type":"integer"}},"additionalProperties":false}"#;

fn json_schema(text: &str) -> serde_json::Value {
    json!({"schemaType": "JSON", "schema": text})
}

async fn registers_looks_up_and_fetches_json_schemas(app: TestApp) {
    let registered = app
        .post("/subjects/person-value/versions", &json_schema(PERSON_V1))
        .await;
    let id = registered.assert_ok()["id"].as_i64().expect("id");
    assert_eq!(registered.body["schemaType"], "JSON");
    let by_id = app.get(&format!("/schemas/ids/{id}")).await;
    assert_eq!(by_id.assert_ok()["schemaType"], "JSON");
    assert_eq!(by_id.body["schema"], PERSON_V1, "compact, key order kept");
    let version = app.get("/subjects/person-value/versions/1").await;
    assert_eq!(version.assert_ok()["schemaType"], "JSON");
    let lookup = app
        .post("/subjects/person-value", &json_schema(PERSON_V1))
        .await;
    assert_eq!(lookup.assert_ok()["id"].as_i64(), Some(id));
    // Whitespace is not identity; key order is (unless normalize).
    let spaced = PERSON_V1.replace(',', ", ");
    assert_eq!(
        app.post("/subjects/person-value/versions", &json_schema(&spaced))
            .await
            .assert_ok()["id"]
            .as_i64(),
        Some(id)
    );
    app.put("/config/person-value", &json!({"compatibility": "NONE"}))
        .await
        .assert_ok();
    let reordered = r#"{"type":"object","$schema":"http://json-schema.org/draft-07/schema#","properties":{"name":{"type":"string"}},"additionalProperties":false}"#;
    let other = app
        .post("/subjects/person-value/versions", &json_schema(reordered))
        .await;
    assert_ne!(
        other.assert_ok()["id"].as_i64(),
        Some(id),
        "checklist 15: key order matters without normalize"
    );
    let normalized = app
        .post(
            "/subjects/norm/versions?normalize=true",
            &json_schema(reordered),
        )
        .await;
    let normalized_again = app
        .post(
            "/subjects/norm/versions?normalize=true",
            &json_schema(PERSON_V1),
        )
        .await;
    assert_eq!(
        normalized.assert_ok()["id"],
        normalized_again.assert_ok()["id"],
        "normalize sorts keys"
    );
}

async fn json_compatibility_follows_confluent_rules(app: TestApp) {
    app.post("/subjects/p/versions", &json_schema(PERSON_V1))
        .await
        .assert_ok();
    let ok = app
        .post(
            "/compatibility/subjects/p/versions/latest?verbose=true",
            &json_schema(PERSON_V2),
        )
        .await;
    assert_eq!(
        ok.assert_ok(),
        &json!({"is_compatible": true, "messages": []})
    );
    let bad = app
        .post(
            "/compatibility/subjects/p/versions/latest?verbose=true",
            &json_schema(PERSON_BROKEN),
        )
        .await;
    assert_eq!(bad.assert_ok()["is_compatible"], false);
    let messages: Vec<String> = bad.body["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .filter_map(|m| m.as_str().map(str::to_owned))
        .collect();
    assert!(
        messages[0].starts_with("{errorType:\"TYPE_CHANGED\""),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m == "{oldSchemaVersion: 1}"),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("compatibility: 'BACKWARD'")),
        "{messages:?}"
    );
    let terse = app
        .post(
            "/compatibility/subjects/p/versions/latest",
            &json_schema(PERSON_BROKEN),
        )
        .await;
    assert_eq!(terse.assert_ok(), &json!({"is_compatible": false}));
    let refused = app
        .post("/subjects/p/versions", &json_schema(PERSON_BROKEN))
        .await;
    refused.assert_error(409);
    assert!(
        refused.message().contains("TYPE_CHANGED"),
        "{}",
        refused.message()
    );
    assert_eq!(
        app.post("/subjects/p/versions", &json_schema(PERSON_V2))
            .await
            .assert_ok()["version"],
        2
    );
    // Checklist 92: a type switch needs NONE.
    let avro = json!({"schema": r#"{"type":"record","name":"P","fields":[]}"#});
    let switch = app
        .post(
            "/compatibility/subjects/p/versions/latest?verbose=true",
            &avro,
        )
        .await;
    assert_eq!(
        switch.body["messages"][0],
        "Incompatible because of different schema type"
    );
}

async fn invalid_json_schemas_are_42201(app: TestApp) {
    let bad = app
        .post("/subjects/j/versions", &json_schema(r#"{"type": 12}"#))
        .await;
    bad.assert_error(42201);
    assert!(
        bad.message().starts_with("Invalid schema of type JSON"),
        "{}",
        bad.message()
    );
    app.post("/subjects/j/versions", &json_schema("{not json"))
        .await
        .assert_error(42201);
    let verbose = app
        .post(
            "/compatibility/subjects/j/versions?verbose=true",
            &json_schema(r#"{"type": 12}"#),
        )
        .await;
    assert_eq!(
        verbose.assert_ok()["is_compatible"],
        false,
        "checklist 97: verbose turns 42201 into a message"
    );
}

async fn json_references_resolve_across_subjects(app: TestApp) {
    let address = r#"{"type":"object","properties":{"street":{"type":"string"}}}"#;
    let address_id = app
        .post("/subjects/address-json/versions", &json_schema(address))
        .await
        .assert_ok()["id"]
        .as_i64();
    let order = r#"{"type":"object","properties":{"ship_to":{"$ref":"address.json"}}}"#;
    let refs = json!([{"name": "address.json", "subject": "address-json", "version": 1}]);
    let registered = app
        .post(
            "/subjects/order-json/versions",
            &json!({"schemaType": "JSON", "schema": order, "references": refs}),
        )
        .await;
    let order_id = registered.assert_ok()["id"].as_i64().expect("id");
    assert_eq!(
        app.get("/subjects/address-json/versions/1/referencedby")
            .await
            .body,
        json!([order_id])
    );
    app.delete("/subjects/address-json/versions/1")
        .await
        .assert_error(42206);
    assert_ne!(address_id, Some(order_id));
    // An unknown $ref without a reference is refused.
    app.post("/subjects/order2/versions", &json_schema(order))
        .await
        .assert_error(42201);
}

/// Checklist 109/111: an optional property added to an open content model breaks STRICT
/// BACKWARD; `compatibilityPolicy: LENIENT` in the subject's config accepts it.
async fn lenient_policy_accepts_optional_properties_in_open_models(app: TestApp) {
    let open_v1 = r#"{"type":"object","properties":{"a":{"type":"string"}}}"#;
    let open_v2 =
        r#"{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}}}"#;
    app.post("/subjects/open/versions", &json_schema(open_v1))
        .await
        .assert_ok();
    let strict = app
        .post("/subjects/open/versions", &json_schema(open_v2))
        .await;
    strict.assert_error(409);
    assert!(
        strict
            .message()
            .contains("PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"),
        "{}",
        strict.message()
    );
    app.put("/config/open", &json!({"compatibilityPolicy": "LENIENT"}))
        .await
        .assert_ok();
    let check = app
        .post(
            "/compatibility/subjects/open/versions?verbose=true",
            &json_schema(open_v2),
        )
        .await;
    assert_eq!(
        check.assert_ok(),
        &json!({"is_compatible": true, "messages": []})
    );
    assert_eq!(
        app.post("/subjects/open/versions", &json_schema(open_v2))
            .await
            .assert_ok()["version"],
        2
    );
}

both_backends!(
    lenient_policy_accepts_optional_properties_in_open_models,
    registers_looks_up_and_fetches_json_schemas,
    json_compatibility_follows_confluent_rules,
    invalid_json_schemas_are_42201,
    json_references_resolve_across_subjects,
);
