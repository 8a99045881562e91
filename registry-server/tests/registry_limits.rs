//! The registry's answer when a compatibility check runs past the schema limits: a 42201
//! naming the limit (issue 9), not a 5xx, not a verdict, and nothing written.

use std::sync::Arc;

use registry_server::domain::SubjectName;
use registry_server::registry::{Caller, Registry, RegistrySettings, SchemaRequest, VersionsQuery};
use registry_server::store::SqliteStore;

/// A `oneOf` of `n` object branches, each with its own required property.
fn one_of(n: usize, extra: &str) -> String {
    let branches: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"type":"object","properties":{{"p{i}":{{"type":"string"}}{extra}}},"required":["p{i}"]}}"#
            )
        })
        .collect();
    format!(r#"{{"oneOf":[{}]}}"#, branches.join(","))
}

fn request(schema: String) -> SchemaRequest {
    SchemaRequest {
        schema: Some(schema),
        schema_type: Some("JSON".to_owned()),
        ..SchemaRequest::default()
    }
}

#[tokio::test]
async fn a_check_past_the_pair_cap_answers_42201_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("limits.db").display());
    let store = SqliteStore::connect(&url, 2).await.expect("store");
    let registry = Registry::new(Arc::new(store), RegistrySettings::default());
    let subject = SubjectName::parse("wide-value").expect("subject");
    registry
        .register(
            &Caller::everyone(),
            &subject,
            request(one_of(800, "")),
            false,
            false,
        )
        .await
        .expect("the first version has nothing to be checked against");
    let refused = registry
        .register(
            &Caller::everyone(),
            &subject,
            request(one_of(800, r#","x":{"type":"integer"}"#)),
            false,
            false,
        )
        .await
        .expect_err("the check runs past the pair cap");
    assert_eq!(refused.code(), 42201);
    assert_eq!(
        refused.to_string(),
        "Invalid schema of type JSON, details: compatibility check of a combined schema would \
         compare 640000 pairs of subschemas, more than the limit of 40000"
    );
    let listed = registry
        .list_versions(&Caller::everyone(), &subject, VersionsQuery::default())
        .await
        .expect("subject exists");
    assert_eq!(listed, vec![1], "the refused version was not written");
    let checked = registry
        .check_compatibility(
            &Caller::everyone(),
            &subject,
            None,
            &request(one_of(800, r#","y":{"type":"integer"}"#)),
            false,
            false,
        )
        .await;
    assert_eq!(
        checked.map_err(|e| e.code()),
        Err(42201),
        "/compatibility too"
    );
}
