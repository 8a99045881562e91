//! JSON Schema depth: a 1,000-deep `$ref` chain, 100,000-deep `items`, and `$ref` cycles, on
//! register, lookup and `/compatibility` (the chain overflowed the stack of today's loader).

use registry_tests::Backend;
use registry_tests::hostile::{HostileServer, assert_handled, json_items_nesting, json_ref_chain};
use reqwest::Method;

use super::{json_schema, server};

/// Sends `schema` to register, lookup and compatibility under `subject` (which already has a
/// version, so each endpoint parses and compares it) and checks every answer and liveness.
async fn every_schema_endpoint(
    server: &mut HostileServer,
    subject: &str,
    what: &str,
    schema: &str,
) {
    let body = json_schema(schema);
    let endpoints = [
        (format!("/subjects/{subject}/versions"), "register"),
        (format!("/subjects/{subject}"), "lookup"),
        (
            format!("/compatibility/subjects/{subject}/versions/latest?verbose=true"),
            "compatibility",
        ),
        (
            format!("/subjects/{subject}-new/versions"),
            "register (new subject)",
        ),
    ];
    for (path, endpoint) in endpoints {
        let reply = server.json(Method::POST, &path, &body).await;
        let label = format!("{endpoint} of {what}");
        assert_handled(&label, &reply);
        server.assert_alive(&label).await;
    }
}

async fn base(server: &mut HostileServer, subject: &str) {
    let reply = server
        .json(
            Method::POST,
            &format!("/subjects/{subject}/versions"),
            &json_schema(r#"{"type":"string"}"#),
        )
        .await;
    assert_eq!(
        reply.status,
        reqwest::StatusCode::OK,
        "{}",
        reply.describe()
    );
}

async fn ref_chain_1000_deep(backend: Backend) {
    let mut server = server(backend, &[]).await;
    base(&mut server, "chain").await;
    let chain = json_ref_chain(1_000, "string");
    every_schema_endpoint(&mut server, "chain", "a 1,000-deep $ref chain", &chain).await;
    // And the diff of two deep chains, whatever the first one's fate was.
    let other = json_ref_chain(1_000, "integer");
    every_schema_endpoint(
        &mut server,
        "chain",
        "a second 1,000-deep $ref chain",
        &other,
    )
    .await;
}

async fn items_nested_100000_deep(backend: Backend) {
    let mut server = server(backend, &[]).await;
    base(&mut server, "items").await;
    let nested = json_items_nesting(100_000);
    every_schema_endpoint(&mut server, "items", "items nested 100,000 deep", &nested).await;
}

async fn ref_cycles_terminate(backend: Backend) {
    let mut server = server(backend, &[]).await;
    let cycles = [
        ("self", r##"{"$ref":"#"}"##.to_owned()),
        (
            "mutual",
            r##"{"$ref":"#/definitions/a","definitions":{"a":{"$ref":"#/definitions/b"},"b":{"$ref":"#/definitions/a"}}}"##.to_owned(),
        ),
        (
            "three-way",
            r##"{"$ref":"#/definitions/a","definitions":{"a":{"$ref":"#/definitions/b"},"b":{"$ref":"#/definitions/c"},"c":{"$ref":"#/definitions/a"}}}"##.to_owned(),
        ),
        (
            "recursive object",
            r##"{"type":"object","properties":{"next":{"$ref":"#"},"v":{"type":"string"}}}"##.to_owned(),
        ),
        (
            "mutual objects",
            r##"{"$ref":"#/definitions/a","definitions":{"a":{"type":"object","properties":{"b":{"$ref":"#/definitions/b"}}},"b":{"type":"object","properties":{"a":{"$ref":"#/definitions/a"},"n":{"type":"integer"}}}}}"##.to_owned(),
        ),
        (
            "self through allOf and items",
            r##"{"allOf":[{"$ref":"#"}],"items":{"$ref":"#"}}"##.to_owned(),
        ),
    ];
    for (i, (name, schema)) in cycles.iter().enumerate() {
        let subject = format!("cycle{i}");
        base(&mut server, &subject).await;
        every_schema_endpoint(
            &mut server,
            &subject,
            &format!("a {name} $ref cycle"),
            schema,
        )
        .await;
        // A changed cycle against the (possibly registered) cycle: the diff must end too.
        let changed = schema.replacen('{', r#"{"description":"v2","#, 1);
        every_schema_endpoint(
            &mut server,
            &subject,
            &format!("a changed {name} cycle"),
            &changed,
        )
        .await;
    }
}

on_both_backends!(
    ref_chain_1000_deep,
    items_nested_100000_deep,
    ref_cycles_terminate
);
