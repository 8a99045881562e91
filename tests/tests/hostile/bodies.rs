//! Malformed requests: invalid UTF-8, truncated JSON, a 15 MiB schema string, a body nested
//! 100,000 arrays deep, wrong content types, huge query strings and paging values.

use registry_tests::Backend;
use registry_tests::hostile::{
    HostileServer, SR_JSON, assert_handled, assert_refused, nested_arrays,
};
use reqwest::{Method, StatusCode};
use serde_json::json;

use super::server;

const RECORD: &str = r#"{"type":"record","name":"B","fields":[{"name":"a","type":"string"}]}"#;

async fn post_raw(
    server: &mut HostileServer,
    what: &str,
    path: &str,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> registry_tests::hostile::Reply {
    let mut request = server.request(Method::POST, path).body(body);
    if let Some(content_type) = content_type {
        request = request.header("Content-Type", content_type);
    }
    server.send(what, request).await
}

async fn malformed_bodies_are_refused(backend: Backend) {
    let mut server = server(backend, &[]).await;
    let mut invalid_utf8 = br#"{"schema":""#.to_vec();
    invalid_utf8.extend_from_slice(&[0xff, 0xfe, 0xc3, 0x28]);
    invalid_utf8.extend_from_slice(br#""}"#);
    let mut invalid_utf8_schema = br#"{"schema":"{\"type\":\"record\",\"name\":\""#.to_vec();
    invalid_utf8_schema.extend_from_slice(&[0xed, 0xa0, 0x80]);
    invalid_utf8_schema.extend_from_slice(br#"\",\"fields\":[]}"}"#);
    let junk_15_mib = {
        let mut body = br#"{"schema":""#.to_vec();
        body.resize(body.len() + 15 * 1024 * 1024, b'a');
        body.extend_from_slice(br#""}"#);
        body
    };
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("invalid UTF-8 in the body", invalid_utf8),
        (
            "invalid UTF-8 (a surrogate) in the schema",
            invalid_utf8_schema,
        ),
        ("truncated JSON", br#"{"schema":"{\"type\":\"rec"#.to_vec()),
        ("truncated JSON after a key", br#"{"schema""#.to_vec()),
        ("an empty body", Vec::new()),
        ("JSON null", b"null".to_vec()),
        ("a JSON array", b"[]".to_vec()),
        (
            "schema of the wrong type",
            br#"{"schema":[1,2,3]}"#.to_vec(),
        ),
        ("a 15 MiB string that is no schema", junk_15_mib),
        (
            "a body nested 100,000 arrays deep",
            nested_arrays(100_000).into_bytes(),
        ),
        ("a body nested 100,000 objects deep", {
            let mut body = r#"{"a":"#.repeat(100_000);
            body.push('1');
            body.push_str(&"}".repeat(100_000));
            body.into_bytes()
        }),
        ("references nested 100,000 arrays deep", {
            let mut body = format!(r#"{{"schema":{},"references":"#, json!(RECORD));
            body.push_str(&nested_arrays(100_000));
            body.push('}');
            body.into_bytes()
        }),
    ];
    for (what, body) in cases {
        for path in [
            "/subjects/b/versions",
            "/subjects/b",
            "/compatibility/subjects/b/versions/latest",
        ] {
            let reply = post_raw(&mut server, what, path, Some(SR_JSON), body.clone()).await;
            assert_refused(&format!("{what} to {path}"), &reply);
        }
        server.assert_alive(what).await;
    }
}

async fn huge_valid_schema_is_handled(backend: Backend) {
    let mut server = server(backend, &[]).await;
    // A valid Avro record whose doc is 15 MiB: accepted or refused by a size limit, never 5xx.
    let doc = "d".repeat(15 * 1024 * 1024);
    let schema = format!(r#"{{"type":"record","name":"Big","doc":"{doc}","fields":[]}}"#);
    let reply = server
        .json(
            Method::POST,
            "/subjects/big/versions",
            &json!({"schema": schema}),
        )
        .await;
    assert_handled("a 15 MiB valid schema", &reply);
    server.assert_alive("a 15 MiB valid schema").await;
}

async fn wrong_content_types(backend: Backend) {
    let mut server = server(backend, &[]).await;
    let body = json!({"schema": RECORD}).to_string().into_bytes();
    for content_type in [
        Some("text/plain"),
        Some("application/xml"),
        Some("multipart/form-data; boundary=x"),
        Some("application/x-www-form-urlencoded"),
        Some(";;;==="),
        Some("application/json; charset=utf-16"),
        None,
    ] {
        let what = format!("content type {content_type:?}");
        let reply = post_raw(
            &mut server,
            &what,
            "/subjects/ct/versions",
            content_type,
            body.clone(),
        )
        .await;
        assert_handled(&what, &reply);
    }
    server.assert_alive("wrong content types").await;
}

async fn huge_query_strings_and_paging(backend: Backend) {
    let mut server = server(backend, &[]).await;
    let reply = server
        .json(
            Method::POST,
            "/subjects/q/versions",
            &json!({"schema": RECORD}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.describe());
    let long_query = "x=1&".repeat(8_000);
    let long_value = format!("subjectPrefix={}", "p".repeat(30_000));
    let mut paths = vec![
        format!("/subjects?{long_query}"),
        format!("/schemas?{long_query}"),
        format!("/subjects?{long_value}"),
        format!("/schemas?{long_value}"),
    ];
    for paging in [
        "offset=99999999999999999999&limit=99999999999999999999",
        "offset=9223372036854775807&limit=9223372036854775807",
        "offset=2147483648&limit=2147483648",
        "offset=-1&limit=-1",
        "offset=0&limit=0",
        "offset=x&limit=y",
        "limit=99999999999",
    ] {
        for path in [
            "/schemas",
            "/subjects",
            "/subjects/q/versions",
            "/schemas/ids/1/subjects",
            "/schemas/ids/1/versions",
            "/subjects/q/versions/1/referencedby",
        ] {
            paths.push(format!("{path}?{paging}"));
        }
    }
    for path in paths {
        let reply = server.get(&path).await;
        assert_handled(
            &format!("GET {}", registry_tests::hostile::cut(&path)),
            &reply,
        );
    }
    server.assert_alive("huge query strings").await;
}

on_both_backends!(
    malformed_bodies_are_refused,
    huge_valid_schema_is_handled,
    wrong_content_types,
    huge_query_strings_and_paging,
);
