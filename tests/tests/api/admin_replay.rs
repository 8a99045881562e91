//! Replays the REST exchanges the krabka project recorded from a real Confluent Schema
//! Registry 7.4.0, read at run time from the shared conformance directory
//! (`krabka/admin_rest.json`; not in this repository, see `build.rs`): config, register, soft
//! and hard deletes, READONLY and IMPORT modes, `/schemas`, referencedby. Ignored when the
//! data is absent; `admin_flow.rs` covers the same behaviours with our own cases.
//!
//! The recording keeps responses, not request bodies; the bodies below are the ones the
//! recorded answers imply. Response objects are compared as subsets (7.4.0's register
//! answered only `{"id": N}`; 7.9, which we match, returns the whole stored schema).

use registry_tests::{TestApp, both_backends_shared, conformance};
use serde_json::{Value, json};

fn schema(name: &str) -> String {
    format!(r#"{{"type":"record","name":"{name}","fields":[]}}"#)
}

/// The request body each recorded step sent.
fn request_for(op: &str) -> Option<Value> {
    Some(match op {
        "config_t_none" => json!({"compatibility": "NONE"}),
        "register_t_v1" => json!({"schema": schema("A")}),
        "register_t_v2" => json!({"schema": schema("B")}),
        "register_d_v1" => json!({"schema": schema("D")}),
        "mode_r_readonly" => json!({"mode": "READONLY"}),
        "register_r_readonly" => json!({"schema": schema("R")}),
        "mode_i_import" => json!({"mode": "IMPORT"}),
        "register_i_import" => json!({"schema": schema("I"), "id": 42, "version": 5}),
        "register_import_conflicting_id" => json!({"schema": schema("J"), "id": 42, "version": 6}),
        "register_import_conflicting_version" => {
            json!({"schema": schema("C"), "id": 43, "version": 5})
        }
        _ => return None,
    })
}

fn assert_subset(expected: &Value, actual: &Value, op: &str) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (key, value) in e {
                let got = a
                    .get(key)
                    .unwrap_or_else(|| panic!("{op}: missing `{key}` in {actual}"));
                assert_subset(value, got, op);
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            assert_eq!(e.len(), a.len(), "{op}: {actual}");
            for (e, a) in e.iter().zip(a) {
                assert_subset(e, a, op);
            }
        }
        _ => assert_eq!(expected, actual, "{op}"),
    }
}

async fn replays_confluent_admin_exchanges(app: TestApp) {
    let recording = conformance::read("krabka/admin_rest.json");
    let steps = recording.as_array().expect("a list of exchanges");
    assert_eq!(steps.len(), 28, "the whole recording is replayed");
    for step in steps {
        let op = step["op"].as_str().expect("op");
        let method: reqwest::Method = step["method"]
            .as_str()
            .expect("method")
            .parse()
            .expect("method");
        let path = step["path"].as_str().expect("path");
        let answer = app.call(method, path, request_for(op).as_ref()).await;
        let expected_status = step["status"].as_u64().expect("status");
        assert_eq!(
            u64::from(answer.status.as_u16()),
            expected_status,
            "{op}: {}",
            answer.text
        );
        let expected = &step["body"];
        if let Some(code) = expected.get("error_code") {
            assert_eq!(answer.body["error_code"], *code, "{op}");
            let recorded = expected["message"].as_str().unwrap_or_default();
            assert_eq!(answer.message(), recorded, "{op}");
        } else {
            assert_subset(expected, &answer.body, op);
        }
    }
}

both_backends_shared!(replays_confluent_admin_exchanges);
