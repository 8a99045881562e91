//! Protobuf: messages nested 80,000 deep in text, a descriptor nested past protobuf's own
//! decoding limit, 20,000 fields and 5,000 messages in one file, self-recursive and mutually
//! recursive types compared against each other, cyclic imports, undecodable base64 and
//! garbage text, and concurrent registrations of the text and descriptor form of one schema,
//! on register, lookup and `/compatibility`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use registry_tests::Backend;
use registry_tests::hostile::{HostileServer, assert_handled, assert_refused};
use reqwest::Method;
use serde_json::{Value, json};

use super::server;

fn proto(text: &str) -> Value {
    json!({"schemaType": "PROTOBUF", "schema": text})
}

/// Sends `body` to register, lookup and compatibility under `subject` (which has a version)
/// and checks every answer and liveness.
async fn every_schema_endpoint(
    server: &mut HostileServer,
    subject: &str,
    what: &str,
    body: &Value,
) {
    let endpoints = [
        (format!("/subjects/{subject}/versions"), "register"),
        (format!("/subjects/{subject}"), "lookup"),
        (
            format!("/compatibility/subjects/{subject}/versions/latest?verbose=true"),
            "compatibility",
        ),
    ];
    for (path, endpoint) in endpoints {
        let reply = server.json(Method::POST, &path, body).await;
        let label = format!("{endpoint} of {what}");
        assert_handled(&label, &reply);
        server.assert_alive(&label).await;
    }
}

async fn base(server: &mut HostileServer, subject: &str, text: &str) {
    let reply = server
        .json(
            Method::POST,
            &format!("/subjects/{subject}/versions"),
            &proto(text),
        )
        .await;
    assert_eq!(
        reply.status,
        reqwest::StatusCode::OK,
        "{}",
        reply.describe()
    );
}

const SMALL: &str = "syntax = \"proto3\";\nmessage M { int32 a = 1; }\n";

async fn messages_nested_80000_deep(backend: Backend) {
    let mut server = server(backend, &[]).await;
    base(&mut server, "deep", SMALL).await;
    // 80,000 levels fit under the 1 MiB schema limit.
    let text = format!(
        "syntax = \"proto3\";\n{}{}",
        "message M{".repeat(80_000),
        "}".repeat(80_000)
    );
    let reply = server
        .json(Method::POST, "/subjects/deep/versions", &proto(&text))
        .await;
    assert_refused("80,000 nested messages", &reply);
    assert!(
        reply.text.contains("deeper than 256 levels"),
        "{}",
        reply.describe()
    );
    every_schema_endpoint(&mut server, "deep", "80,000 nested messages", &proto(&text)).await;
}

/// A `FileDescriptorProto` whose one message nests `levels` messages deep, base64.
fn nested_descriptor(levels: usize) -> String {
    // DescriptorProto: name = 1 (string), nested_type = 3 (message). Built inside out.
    let mut message: Vec<u8> = vec![0x0a, 0x01, b'M'];
    for _ in 0..levels {
        let mut outer = vec![0x0a, 0x01, b'M', 0x1a];
        push_varint(&mut outer, message.len());
        outer.extend_from_slice(&message);
        message = outer;
    }
    // FileDescriptorProto: message_type = 4.
    let mut file = vec![0x22];
    push_varint(&mut file, message.len());
    file.extend_from_slice(&message);
    STANDARD.encode(file)
}

fn push_varint(out: &mut Vec<u8>, mut n: usize) {
    while n >= 0x80 {
        out.push(u8::try_from(n & 0x7f).unwrap_or(0) | 0x80);
        n >>= 7;
    }
    out.push(u8::try_from(n).unwrap_or(0));
}

async fn descriptors_nested_past_the_decoder_limit(backend: Backend) {
    let mut server = server(backend, &[]).await;
    base(&mut server, "desc", SMALL).await;
    for levels in [90, 5_000] {
        let what = format!("a descriptor nested {levels} deep");
        every_schema_endpoint(
            &mut server,
            "desc",
            &what,
            &proto(&nested_descriptor(levels)),
        )
        .await;
    }
    let reply = server
        .json(
            Method::POST,
            "/subjects/desc2/versions",
            &proto(&nested_descriptor(5_000)),
        )
        .await;
    assert_refused("a descriptor nested 5,000 deep", &reply);
}

async fn wide_files(backend: Backend) {
    let mut server = server(backend, &[]).await;
    let fields: String = (1..=20_000)
        .map(|i| format!("  int64 f{i} = {i};\n"))
        .collect();
    let wide = format!("syntax = \"proto3\";\nmessage Wide {{\n{fields}}}\n");
    base(&mut server, "wide", &wide).await;
    // Every field changes kind: 20,000 differences, each listed, within the budget or refused.
    let changed = wide.replace("int64", "string");
    every_schema_endpoint(
        &mut server,
        "wide",
        "20,000 changed fields",
        &proto(&changed),
    )
    .await;

    let messages: String = (0..5_000)
        .map(|i| format!("message M{i} {{ M{} next = 1; }}\n", (i + 1) % 5_000))
        .collect();
    let many = format!("syntax = \"proto3\";\n{messages}");
    base(&mut server, "many", &many).await;
    let renamed = many.replace("next = 1", "next = 2");
    every_schema_endpoint(
        &mut server,
        "many",
        "5,000 messages in a ring",
        &proto(&renamed),
    )
    .await;
}

async fn recursive_types_compare(backend: Backend) {
    let mut server = server(backend, &[]).await;
    let tree = "syntax = \"proto3\";\nmessage Node { Node left = 1; Node right = 2; Leaf leaf = 3; }\nmessage Leaf { Node back = 1; int32 v = 2; }\n";
    base(&mut server, "tree", tree).await;
    let changed = tree.replace("int32 v", "string v");
    every_schema_endpoint(
        &mut server,
        "tree",
        "mutually recursive types",
        &proto(&changed),
    )
    .await;
}

async fn cyclic_imports_and_references(backend: Backend) {
    let mut server = server(backend, &[]).await;
    // A file importing itself, and two files importing each other with no references.
    let selfish = "syntax = \"proto3\";\nimport \"self.proto\";\nmessage A { int32 a = 1; }\n";
    let reply = server
        .json(
            Method::POST,
            "/subjects/self.proto/versions",
            &proto(selfish),
        )
        .await;
    assert_handled("a file importing itself", &reply);
    let a = "syntax = \"proto3\";\npackage a;\nimport \"b.proto\";\nmessage A { b.B b = 1; }\n";
    let b = "syntax = \"proto3\";\npackage b;\nimport \"a.proto\";\nmessage B { a.A a = 1; }\n";
    let first = server
        .json(Method::POST, "/subjects/b.proto/versions", &proto(b))
        .await;
    assert_refused("an import of a file nobody has", &first);
    // a.proto references b.proto's subject, which does not exist.
    let refs = json!({"schemaType": "PROTOBUF", "schema": a, "references": [{"name": "b.proto", "subject": "b.proto", "version": 1}]});
    let reply = server
        .json(Method::POST, "/subjects/a.proto/versions", &refs)
        .await;
    assert_refused("a reference to a missing subject", &reply);
    server.assert_alive("cyclic imports").await;
}

async fn malformed_input(backend: Backend) {
    let mut server = server(backend, &[]).await;
    base(&mut server, "bad", SMALL).await;
    let garbage = [
        "AAAA".to_owned(),
        STANDARD.encode([0xff; 64]),
        "=".repeat(1000),
        "message".repeat(10_000),
        "syntax = \"proto3\"; message A { int32 a = 99999999999; }".to_owned(),
        "syntax = \"proto3\"; message A { option (x) = { a: { b: { c: [1, 2, { d: 3 }] } } }; }"
            .to_owned(),
        "syntax = \"proto3\"; message A { map<A, A> m = 1; }".to_owned(),
        "syntax = \"proto3\"; enum E { }".to_owned(),
        "\u{0}\u{1}\u{2}".to_owned(),
    ];
    for text in &garbage {
        let what = format!("{text:.40}");
        every_schema_endpoint(&mut server, "bad", &what, &proto(text)).await;
    }
}

async fn text_and_descriptor_forms_registered_at_once(backend: Backend) {
    let server = server(backend, &[]).await;
    let text =
        "syntax = \"proto3\";\npackage race;\nmessage Ticket { string id = 1; int64 seat = 2; }\n";
    // The descriptor form of the same schema, as a serializer that sends descriptors builds it.
    let descriptor = {
        let field = |name: &str, number: u8, kind: u8| {
            let mut f = vec![0x0a, u8::try_from(name.len()).unwrap_or(0)];
            f.extend_from_slice(name.as_bytes());
            f.extend_from_slice(&[0x18, number, 0x20, 1, 0x28, kind]);
            f.extend_from_slice(&[0x52, u8::try_from(name.len()).unwrap_or(0)]);
            f.extend_from_slice(name.as_bytes());
            f
        };
        let mut message = vec![0x0a, 6];
        message.extend_from_slice(b"Ticket");
        for f in [field("id", 1, 9), field("seat", 2, 3)] {
            message.push(0x12);
            message.push(u8::try_from(f.len()).unwrap_or(0));
            message.extend_from_slice(&f);
        }
        let mut file = vec![0x12, 4];
        file.extend_from_slice(b"race");
        file.push(0x22);
        file.push(u8::try_from(message.len()).unwrap_or(0));
        file.extend_from_slice(&message);
        file.extend_from_slice(&[0x62, 6]);
        file.extend_from_slice(b"proto3");
        STANDARD.encode(file)
    };
    let client = reqwest::Client::new();
    let sends = (0..16).map(|i| {
        let body = if i % 2 == 0 {
            proto(text)
        } else {
            proto(&descriptor)
        };
        let client = client.clone();
        let url = format!("{}/subjects/race-value/versions", server.base);
        async move {
            client
                .post(url)
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .body(body.to_string())
                .send()
                .await
                .expect("reachable")
                .json::<Value>()
                .await
                .expect("json")
        }
    });
    let answers = futures::future::join_all(sends).await;
    let ids: std::collections::BTreeSet<String> =
        answers.iter().map(|a| a["id"].to_string()).collect();
    assert_eq!(ids.len(), 1, "one schema, one id: {answers:?}");
    let versions = client
        .get(format!("{}/subjects/race-value/versions", server.base))
        .send()
        .await
        .expect("reachable")
        .json::<Value>()
        .await
        .expect("json");
    assert_eq!(versions, json!([1]));
}

on_both_backends!(
    messages_nested_80000_deep,
    descriptors_nested_past_the_decoder_limit,
    wide_files,
    recursive_types_compare,
    cyclic_imports_and_references,
    malformed_input,
    text_and_descriptor_forms_registered_at_once,
);
