//! A subject of 3,000 characters is refused with a 4xx on every endpoint and both backends
//! (PostgreSQL answered 500: the btree index row was too large).

use registry_tests::Backend;
use registry_tests::hostile::{
    Rng, assert_handled, assert_refused, encode_segment, random_subject,
};
use reqwest::Method;
use serde_json::json;

use super::{avro_schema, server};

const RECORD: &str = r#"{"type":"record","name":"Long","fields":[{"name":"a","type":"string"}]}"#;

async fn subject_of_3000_characters(backend: Backend) {
    let mut server = server(backend, &[]).await;
    let mut rng = Rng::new(0x5eed_0003);
    for round in 0..3 {
        let subject = random_subject(&mut rng, 3_000);
        let s = encode_segment(&subject);
        let register = server
            .json(
                Method::POST,
                &format!("/subjects/{s}/versions"),
                &avro_schema(RECORD),
            )
            .await;
        assert_refused(
            &format!("round {round}: register under a 3,000-character subject"),
            &register,
        );
        let lookup = server
            .json(
                Method::POST,
                &format!("/subjects/{s}"),
                &avro_schema(RECORD),
            )
            .await;
        assert_refused("lookup under a 3,000-character subject", &lookup);
        let versions = server.get(&format!("/subjects/{s}/versions")).await;
        assert_refused("GET versions of a 3,000-character subject", &versions);
        let config = server
            .json(
                Method::PUT,
                &format!("/config/{s}"),
                &json!({"compatibility": "NONE"}),
            )
            .await;
        assert_refused("PUT config of a 3,000-character subject", &config);
        let mode = server
            .json(
                Method::PUT,
                &format!("/mode/{s}?force=true"),
                &json!({"mode": "READONLY"}),
            )
            .await;
        assert_refused("PUT mode of a 3,000-character subject", &mode);
        let in_context = server
            .json(
                Method::POST,
                &format!("/subjects/:.ctx:{s}/versions"),
                &avro_schema(RECORD),
            )
            .await;
        assert_refused(
            "register under a 3,000-character subject in a context",
            &in_context,
        );
        let reference = server
            .json(
                Method::POST,
                "/subjects/ok/versions",
                &json!({
                    "schema": RECORD,
                    "references": [{"name": "x", "subject": subject, "version": 1}],
                }),
            )
            .await;
        assert_handled("a reference to a 3,000-character subject", &reference);
        let request = server.request(Method::DELETE, &format!("/subjects/{s}"));
        let delete = server
            .send("DELETE a 3,000-character subject", request)
            .await;
        assert_refused("DELETE a 3,000-character subject", &delete);
        server.assert_alive("3,000-character subjects").await;
    }
    // Nothing of it was stored.
    let subjects = server.get("/subjects").await;
    assert_eq!(subjects.body, json!([]), "{}", subjects.describe());
}

/// `--max-subject-bytes` moves the limit: a name at it registers, one byte more is 42208.
async fn subject_limit_follows_the_flag(backend: Backend) {
    let mut server = server(backend, &["--max-subject-bytes", "100"]).await;
    let at_limit = "s".repeat(100);
    let accepted = server
        .json(
            Method::POST,
            &format!("/subjects/{at_limit}/versions"),
            &avro_schema(RECORD),
        )
        .await;
    assert_eq!(accepted.status, 200, "{}", accepted.describe());
    let over = server
        .json(
            Method::POST,
            &format!("/subjects/{at_limit}x/versions"),
            &avro_schema(RECORD),
        )
        .await;
    assert_refused("a subject one byte over the flag", &over);
    assert_eq!(over.body["error_code"], 42208, "{}", over.describe());
    assert!(
        over.body["message"]
            .as_str()
            .is_some_and(|m| m.contains("at most 100 bytes")),
        "{}",
        over.describe()
    );
}

on_both_backends!(subject_of_3000_characters, subject_limit_follows_the_flag);
