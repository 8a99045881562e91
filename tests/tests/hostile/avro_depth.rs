//! Avro depth: records, arrays, unions and maps nested 10,000 deep, on register, lookup and
//! `/compatibility`.

use registry_tests::Backend;
use registry_tests::hostile::{AvroNesting, assert_handled, avro_nested};
use reqwest::Method;

use super::{avro_schema, server};

async fn avro_nested_10000_deep(backend: Backend) {
    let mut server = server(backend, &[]).await;
    let base = server
        .json(
            Method::POST,
            "/subjects/deep/versions",
            &avro_schema(r#"{"type":"record","name":"R0","fields":[{"name":"f","type":"long"}]}"#),
        )
        .await;
    assert_eq!(base.status, reqwest::StatusCode::OK, "{}", base.describe());
    for shape in [
        AvroNesting::Records,
        AvroNesting::Arrays,
        AvroNesting::Unions,
        AvroNesting::Maps,
    ] {
        let body = avro_schema(&avro_nested(shape, 10_000));
        for (path, endpoint) in [
            ("/subjects/deep/versions", "register"),
            ("/subjects/deep", "lookup"),
            (
                "/compatibility/subjects/deep/versions/latest?verbose=true",
                "compatibility",
            ),
            (
                "/subjects/deep-new/versions?normalize=true",
                "register normalized",
            ),
        ] {
            let reply = server.json(Method::POST, path, &body).await;
            let label = format!("{endpoint} of Avro {shape:?} nested 10,000 deep");
            assert_handled(&label, &reply);
            server.assert_alive(&label).await;
        }
    }
}

on_both_backends!(avro_nested_10000_deep);
