//! The web UI in a real browser: a seeded server (SQLite) driven by `tests/browser/ui.js`
//! through npm's `playwright-core` in Debian's headless Chromium (`/usr/bin/chromium`, or
//! `CHROMIUM`): list and search, keyboard navigation, a subject page, a reference link, the
//! diff of versions 1 and 3, a draft check with an incompatibility, the decode of a framed
//! Avro message, a confirmed write, the dark theme, a 390 px phone without horizontal
//! scroll, and no request leaving the page's origin.
//!
//! Needs `UI_BROWSER=1` (or `REQUIRE_INTEROP=1`) at build time, `npm ci --prefix
//! tests/browser` and the `chromium` package (`.ci/run` does all three); without them the test
//! is reported as ignored. Screenshots go to `UI_SCREENSHOT_DIR` (default: a temporary
//! directory under the target dir); `UI_SCREENSHOT_DIR=docs/ui` refreshes the README's.

use std::time::Duration;

use registry_tests::{Backend, TestApp, spawn_app};
use reqwest::Method;
use serde_json::{Value, json};

const MONEY: &str = r#"{"type":"record","name":"Money","namespace":"shop","fields":[{"name":"cents","type":"long"},{"name":"currency","type":"string"}]}"#;
const ORDER_V1: &str = r#"{"type":"record","name":"Order","namespace":"shop","doc":"An order as the shop takes it","fields":[{"name":"id","type":"long"}]}"#;
const ORDER_V2: &str = r#"{"type":"record","name":"Order","namespace":"shop","doc":"An order as the shop takes it","fields":[{"name":"id","type":"long"},{"name":"note","type":"string","default":""}]}"#;
const ORDER_V3: &str = r#"{"type":"record","name":"Order","namespace":"shop","doc":"An order as the shop takes it","fields":[{"name":"id","type":"long"},{"name":"note","type":"string","default":""},{"name":"total","type":"shop.Money"}]}"#;
const PAYMENT: &str = r#"{"$schema":"http://json-schema.org/draft-07/schema#","title":"Payment","type":"object","properties":{"order":{"type":"integer"},"method":{"enum":["card","transfer"]}},"required":["order"]}"#;
const SHIPMENT: &str = "syntax = \"proto3\";\npackage shop;\n\nmessage Shipment {\n  int64 order = 1;\n  repeated string parcels = 2;\n  Carrier carrier = 3;\n}\n\nenum Carrier {\n  POST = 0;\n  COURIER = 1;\n}\n";

/// Longest the browser run may take.
const RUN_LIMIT: Duration = Duration::from_secs(110);

async fn ok(app: &TestApp, method: Method, path: &str, body: Value) -> Value {
    let answer = app.call(method, path, Some(&body)).await;
    answer.assert_ok().clone()
}

/// The registry the browser looks at; answers the framed hex of an order message.
async fn seed(app: &TestApp) -> String {
    ok(
        app,
        Method::POST,
        "/subjects/money/versions",
        json!({"schema": MONEY}),
    )
    .await;
    for schema in [ORDER_V1, ORDER_V2] {
        ok(
            app,
            Method::POST,
            "/subjects/orders-value/versions",
            json!({"schema": schema}),
        )
        .await;
    }
    // v3 adds a field without a default: allowed for a moment under NONE.
    ok(
        app,
        Method::PUT,
        "/config/orders-value",
        json!({"compatibility": "NONE"}),
    )
    .await;
    let v3 = ok(
        app,
        Method::POST,
        "/subjects/orders-value/versions",
        json!({"schema": ORDER_V3, "references": [{"name": "shop.Money", "subject": "money", "version": 1}]}),
    )
    .await;
    ok(
        app,
        Method::PUT,
        "/config/orders-value",
        json!({"compatibility": "BACKWARD"}),
    )
    .await;
    let deleted = app
        .call(Method::DELETE, "/subjects/orders-value/versions/2", None)
        .await;
    deleted.assert_ok();
    ok(
        app,
        Method::POST,
        "/subjects/payments-value/versions",
        json!({"schema": PAYMENT, "schemaType": "JSON"}),
    )
    .await;
    ok(
        app,
        Method::POST,
        "/subjects/shipments-value/versions",
        json!({"schema": SHIPMENT, "schemaType": "PROTOBUF"}),
    )
    .await;
    for n in 0..60 {
        let schema = format!(
            r#"{{"type":"record","name":"Customer{n}","fields":[{{"name":"name","type":"string"}}]}}"#
        );
        ok(
            app,
            Method::POST,
            &format!("/subjects/customer-{n:02}-value/versions"),
            json!({"schema": schema}),
        )
        .await;
    }
    let id = i32::try_from(v3["id"].as_i64().expect("id")).expect("small id");
    // Order { id: 4711, note: "gift wrap", total: { cents: 1999, currency: "EUR" } }
    let mut bytes = vec![0u8];
    bytes.extend(id.to_be_bytes());
    bytes.extend(zigzag(4711));
    bytes.extend(zigzag(9));
    bytes.extend(b"gift wrap");
    bytes.extend(zigzag(1999));
    bytes.extend(zigzag(3));
    bytes.extend(b"EUR");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn zigzag(n: i64) -> Vec<u8> {
    let mut raw = ((n << 1) ^ (n >> 63)) as u64;
    let mut out = Vec::new();
    loop {
        let byte = (raw & 0x7f) as u8;
        raw >>= 7;
        if raw == 0 {
            out.push(byte);
            return out;
        }
        out.push(byte | 0x80);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(ui_browser),
    ignore = "set UI_BROWSER=1 after `npm ci --prefix tests/browser` with Debian's chromium installed"
)]
async fn the_ui_works_in_a_browser() {
    let app = spawn_app(Backend::Sqlite).await;
    let framed = seed(&app).await;
    let shots = std::env::var_os("UI_SCREENSHOT_DIR").map_or_else(
        || std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("ui-screenshots"),
        |dir| {
            let dir = std::path::PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("..")
                    .join(dir)
            }
        },
    );
    std::fs::create_dir_all(&shots).expect("screenshot dir");
    let run = tokio::process::Command::new("node")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/browser/ui.js"))
        .arg(&app.base)
        .arg(&shots)
        .arg(&framed)
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(RUN_LIMIT, run)
        .await
        .expect("the browser run finishes in time")
        .expect("run node (is Node.js installed?)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "browser checks failed\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}\n{stderr}");
    assert!(!stdout.contains("FAIL"), "{stdout}");
}
