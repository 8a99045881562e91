//! Width: 800- and 3,000-branch `oneOf`s compared with a changed one, and 50,000 references in one
//! request (both took seconds of CPU on an async worker before the work was bounded).

use registry_tests::Backend;
use registry_tests::hostile::{assert_handled, json_one_of, many_references};
use reqwest::{Method, StatusCode};
use serde_json::json;

use super::{json_schema, server};

/// A `oneOf` of `branches` closed objects, then the same with every property's type changed:
/// the pairwise comparison is quadratic (3,000 branches ran past 60 s on an async worker).
async fn wide_one_of_answers(backend: Backend, branches: usize) {
    let mut server = server(backend, &[]).await;
    let subject = format!("/subjects/wide{branches}");
    let first = server
        .json(
            Method::POST,
            &format!("{subject}/versions"),
            &json_schema(&json_one_of(branches, "string")),
        )
        .await;
    assert_handled(&format!("register a {branches}-branch oneOf"), &first);
    server.assert_alive("register a wide oneOf").await;
    let changed = json_schema(&json_one_of(branches, "integer"));
    // Registration runs the same comparison as /compatibility: the check and a lookup suffice.
    for (path, endpoint) in [
        (
            format!("/compatibility{subject}/versions/latest?verbose=true"),
            "compatibility",
        ),
        (subject.clone(), "lookup"),
    ] {
        let reply = server.json(Method::POST, &path, &changed).await;
        let label = format!("{endpoint} of a changed {branches}-branch oneOf");
        assert_handled(&label, &reply);
        assert!(
            matches!(
                reply.status,
                StatusCode::OK
                    | StatusCode::NOT_FOUND
                    | StatusCode::CONFLICT
                    | StatusCode::UNPROCESSABLE_ENTITY
            ),
            "{label}: {}",
            reply.describe()
        );
        server.assert_alive(&label).await;
    }
}

async fn one_of_800_branches_answers(backend: Backend) {
    wide_one_of_answers(backend, 800).await;
}

async fn one_of_3000_branches_answers(backend: Backend) {
    wide_one_of_answers(backend, 3_000).await;
}

async fn fifty_thousand_references(backend: Backend) {
    let mut server = server(backend, &[]).await;
    let leaf = server
        .json(
            Method::POST,
            "/subjects/leaf/versions",
            &json_schema(r#"{"type":"string"}"#),
        )
        .await;
    assert_eq!(leaf.status, StatusCode::OK, "{}", leaf.describe());
    for (what, references) in [
        (
            "50,000 references to one version",
            many_references(50_000, "leaf"),
        ),
        ("50,000 references to missing subjects", {
            let mut refs = many_references(50_000, "leaf");
            if let Some(items) = refs.as_array_mut() {
                for (i, item) in items.iter_mut().enumerate() {
                    item["subject"] = json!(format!("missing{i}"));
                }
            }
            refs
        }),
    ] {
        let body = json!({
            "schemaType": "JSON",
            "schema": r#"{"type":"object","properties":{"a":{"$ref":"ref0.json"}}}"#,
            "references": references,
        });
        for (path, endpoint) in [
            ("/subjects/many/versions", "register"),
            ("/subjects/leaf", "lookup"),
            (
                "/compatibility/subjects/leaf/versions/latest",
                "compatibility",
            ),
        ] {
            let reply = server.json(Method::POST, path, &body).await;
            let label = format!("{endpoint} with {what}");
            assert_handled(&label, &reply);
            server.assert_alive(&label).await;
        }
    }
}

on_both_backends!(
    one_of_800_branches_answers,
    one_of_3000_branches_answers,
    fifty_thousand_references,
);
