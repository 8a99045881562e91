//! `codec::check_compatible` against our server: the incompatibility list the registry's verbose
//! compatibility endpoint gives, for a safe and a breaking change, and nothing for a new subject.
#![allow(clippy::unwrap_used)]

use codec::client::RegistryClient;
use codec::{HttpClient, Schema, check_compatible};
use registry_tests::{Backend, spawn_app};

const V1: &str = r#"{"type":"record","name":"Compat","namespace":"codec.compat","fields":[{"name":"id","type":"long"}]}"#;
/// adds a field with a default: BACKWARD-safe
const SAFE: &str = r#"{"type":"record","name":"Compat","namespace":"codec.compat","fields":[{"name":"id","type":"long"},{"name":"note","type":"string","default":""}]}"#;
/// adds a field without a default: new readers cannot read old data
const BREAKING: &str = r#"{"type":"record","name":"Compat","namespace":"codec.compat","fields":[{"name":"id","type":"long"},{"name":"note","type":"string"}]}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_compatible_reports_the_servers_incompatibilities() {
    let app = spawn_app(Backend::Sqlite).await;
    let reg = HttpClient::new(&app.base).unwrap();
    let subject = "compat-value";
    assert!(
        check_compatible(&reg, subject, &Schema::avro(BREAKING))
            .await
            .unwrap()
            .is_empty(),
        "nothing registered: nothing to break"
    );
    reg.register(subject, &Schema::avro(V1), false)
        .await
        .unwrap();
    assert!(
        check_compatible(&reg, subject, &Schema::avro(SAFE))
            .await
            .unwrap()
            .is_empty()
    );
    let problems = check_compatible(&reg, subject, &Schema::avro(BREAKING))
        .await
        .unwrap();
    assert!(!problems.is_empty());
    assert!(
        problems.iter().any(|p| p.contains("note")),
        "the messages name the field: {problems:#?}"
    );
    let report = reg
        .test_compatibility(subject, &Schema::avro(BREAKING))
        .await
        .unwrap();
    assert!(!report.is_compatible);
    assert_eq!(report.messages, problems);
}
