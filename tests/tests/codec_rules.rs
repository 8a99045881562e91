//! Data-contract rules end to end: a schema registered on our server with CEL rules is enforced by
//! the `codec` serializers and deserializers, and (with INTEROP_PYTHON) Python confluent-kafka's
//! rule executors give the same verdict on the same records, in both directions.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use codec::client::RegistryClient;
use codec::{
    AvroDeserializer, AvroSerializer, CachedClient, HttpClient, MockClient, Rule, RuleAction,
    RuleSet, Schema, SchemaSelection, SerializerConfig,
};
use registry_tests::{Backend, TestApp, spawn_app};
use serde::{Deserialize, Serialize};

#[path = "codec_rules/protobuf.rs"]
mod protobuf;

const ORDER: &str = r#"{"type":"record","name":"RuleOrder","namespace":"codec.rules","fields":[{"name":"item","type":"string"},{"name":"qty","type":"int"},{"name":"email","type":"string","confluent:tags":["PII"]}]}"#;

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Order {
    item: String,
    qty: i32,
    email: String,
}

/// Same list as tests/python/codec_rules_interop.py.
fn records() -> Vec<Order> {
    let o = |item: &str, qty, email: &str| Order {
        item: item.into(),
        qty,
        email: email.into(),
    };
    vec![
        o("tea", 2, "a@example.org"),
        o("tea", 0, "a@example.org"),
        o("cake", 5, "nobody"),
        o("cake", -3, "b@example.org"),
    ]
}

fn rule_set() -> RuleSet {
    let mut email = Rule::cel_condition("emailHasAt", "WRITE", "value.contains('@')");
    email.rule_type = "CEL_FIELD".into();
    email.tags.insert("PII".into());
    RuleSet::domain(vec![
        Rule::cel_condition("positiveQty", "WRITEREAD", "message.qty > 0"),
        email,
    ])
}

fn unique(prefix: &str) -> String {
    let n = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{prefix}-{n}")
}

/// Registers the rule-carrying schema under `<topic>-value`; returns a codec client.
async fn setup(app: &TestApp, topic: &str) -> Arc<CachedClient<HttpClient>> {
    let reg = Arc::new(CachedClient::new(HttpClient::new(&app.base).unwrap()));
    let schema = Schema::avro(ORDER).with_rule_set(rule_set());
    let registered = reg
        .register(&format!("{topic}-value"), &schema, false)
        .await
        .unwrap();
    let back = reg.schema_by_id(registered.id.unwrap()).await.unwrap();
    assert_eq!(
        back.schema.rule_set.as_ref().map(|r| r.domain_rules.len()),
        Some(2),
        "the server returns the rules it stored"
    );
    reg
}

/// The framed datum of `order` under `prefix`, made without any rule (to forge a bad message).
async fn without_rules(prefix: &[u8], order: &Order) -> Vec<u8> {
    let mock = Arc::new(MockClient::new());
    let ser =
        AvroSerializer::<Order>::new(mock, Schema::avro(ORDER), SerializerConfig::value()).unwrap();
    let plain = ser.serialize("t", order).await.unwrap().payload;
    [&prefix[..5], &plain[5..]].concat()
}

/// Our verdict per record: the framed bytes or the refusing rule.
async fn our_verdicts(ser: &AvroSerializer<Order>, topic: &str) -> Vec<Result<Vec<u8>, String>> {
    let mut out = Vec::new();
    for r in records() {
        out.push(match ser.serialize(topic, &r).await {
            Ok(e) => Ok(e.payload),
            Err(e) => Err(e.rule_failure().map(|f| f.rule.clone()).unwrap_or_else(|| {
                panic!("not a rule failure: {e}");
            })),
        });
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registered_rules_refuse_bad_messages_on_write_and_read() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        if backend == Backend::Postgres
            && std::env::var("TEST_DATABASE_URL").map_or(true, |v| v.is_empty())
        {
            continue;
        }
        let app = spawn_app(backend).await;
        let topic = unique("rules");
        let reg = setup(&app, &topic).await;
        for selection in [
            SchemaSelection::UseLatest { strict: true },
            SchemaSelection::AutoRegister, // the register answer carries the stored rules
        ] {
            let cfg = SerializerConfig::value().selection(selection.clone());
            let ser = AvroSerializer::<Order>::new(reg.clone(), Schema::avro(ORDER), cfg).unwrap();
            let verdicts = our_verdicts(&ser, &topic).await;
            let refused: Vec<Option<&str>> = verdicts
                .iter()
                .map(|v| v.as_ref().err().map(String::as_str))
                .collect();
            assert_eq!(
                refused,
                [
                    None,
                    Some("positiveQty"),
                    Some("emailHasAt"),
                    Some("positiveQty")
                ],
                "{backend:?} {selection:?}"
            );
        }
        // read: the WRITEREAD rule refuses a forged bad message, the good one decodes
        let ser = AvroSerializer::<Order>::new(
            reg.clone(),
            Schema::avro(ORDER),
            SerializerConfig::value().selection(SchemaSelection::UseLatest { strict: false }),
        )
        .unwrap();
        let good = ser.serialize(&topic, &records()[0]).await.unwrap().payload;
        let bad = without_rules(&good, &records()[1]).await;
        let de = AvroDeserializer::new(reg.clone());
        assert_eq!(de.deserialize::<Order>(&good).await.unwrap(), records()[0]);
        let err = de.deserialize::<Order>(&bad).await.unwrap_err();
        let f = err.rule_failure().unwrap();
        assert_eq!(
            (f.rule.as_str(), f.action.clone()),
            ("positiveQty", RuleAction::Error)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(python_interop),
    ignore = "set INTEROP_PYTHON to a Python with confluent-kafka[rules]"
)]
async fn python_and_codec_agree_on_the_same_rules() {
    let python = std::env::var("INTEROP_PYTHON").expect("INTEROP_PYTHON");
    let mut backends = vec![Backend::Sqlite];
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|v| !v.is_empty()) {
        backends.push(Backend::Postgres);
    }
    for backend in backends {
        let app = spawn_app(backend).await;
        let topic = unique("rules-py");
        let reg = setup(&app, &topic).await;
        let ser = AvroSerializer::<Order>::new(
            reg.clone(),
            Schema::avro(ORDER),
            SerializerConfig::value().selection(SchemaSelection::UseLatest { strict: false }),
        )
        .unwrap();
        let ours = our_verdicts(&ser, &topic).await;
        let good = ours[0].clone().unwrap();
        let bad = without_rules(&good, &records()[1]).await;
        let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
        let output = tokio::process::Command::new(&python)
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/python/codec_rules_interop.py"
            ))
            .args(["--registry", &app.base, "--topic", &topic, "--decode"])
            .args([hex(&good), hex(&bad)])
            .output()
            .await
            .expect("run python");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{backend:?}\n{stdout}\n{stderr}");
        let lines: Vec<&str> = stdout.lines().collect();
        assert_eq!(lines.len(), records().len() + 2, "{stdout}\n{stderr}");
        // write: the same records are refused, and accepted ones are byte-identical
        for (i, (ours, theirs)) in ours.iter().zip(&lines).enumerate() {
            match ours {
                Ok(bytes) => assert_eq!(*theirs, format!("ok {}", hex(bytes)), "record {i}"),
                Err(rule) => assert!(
                    theirs.starts_with("refused"),
                    "record {i}: we refused ({rule}), Python: {theirs}"
                ),
            }
        }
        // read: Python decodes our good bytes, refuses the bad ones, as our deserializer does
        assert!(
            lines[records().len()].starts_with("decoded "),
            "{}",
            lines[records().len()]
        );
        assert!(
            lines[records().len() + 1].starts_with("refused-read"),
            "{}",
            lines[records().len() + 1]
        );
        // and bytes Python wrote decode with our deserializer
        let theirs_good = lines[0].strip_prefix("ok ").unwrap();
        let bytes: Vec<u8> = (0..theirs_good.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&theirs_good[i..i + 2], 16).unwrap())
            .collect();
        let de = AvroDeserializer::new(reg.clone());
        assert_eq!(de.deserialize::<Order>(&bytes).await.unwrap(), records()[0]);
        assert!(de.deserialize::<Order>(&bad).await.is_err());
    }
}

// ---------------------------------------------------------------------------------------------
// TRANSFORM rules (Avro, CEL_FIELD) and rules on Protobuf messages

/// The PII field is prefixed on write and suffixed on read: each side's output shows which
/// rules ran where.
fn transform_rules() -> RuleSet {
    RuleSet::domain(vec![
        Rule::cel_field_transform("maskPii", "WRITE", "typeName == 'STRING' ; 'xx' + value")
            .tag("PII"),
        Rule::cel_field_transform("markPii", "READ", "typeName == 'STRING' ; value + '!'")
            .tag("PII"),
    ])
}

/// Registers ORDER with the transform rules under `<topic>-value`.
async fn setup_transforms(app: &TestApp, topic: &str) -> Arc<CachedClient<HttpClient>> {
    let reg = Arc::new(CachedClient::new(HttpClient::new(&app.base).unwrap()));
    let schema = Schema::avro(ORDER).with_rule_set(transform_rules());
    reg.register(&format!("{topic}-value"), &schema, false)
        .await
        .unwrap();
    reg
}

/// What a framed Avro payload holds, read without any rule (id 1 of a rule-less registry).
async fn stored(bytes: &[u8]) -> Order {
    let mock = Arc::new(MockClient::new());
    mock.register("t-value", &Schema::avro(ORDER), false)
        .await
        .unwrap();
    let reframed = [&[0u8, 0, 0, 0, 1][..], &bytes[5..]].concat();
    AvroDeserializer::new(mock)
        .deserialize(&reframed)
        .await
        .unwrap()
}

fn masked(o: &Order) -> Order {
    Order {
        email: format!("xx{}", o.email),
        ..o.clone()
    }
}

fn marked(o: &Order) -> Order {
    Order {
        email: format!("{}!", o.email),
        ..o.clone()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registered_transforms_rewrite_fields_on_write_and_on_read() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        if backend == Backend::Postgres
            && std::env::var("TEST_DATABASE_URL").map_or(true, |v| v.is_empty())
        {
            continue;
        }
        let app = spawn_app(backend).await;
        let topic = unique("transform");
        let reg = setup_transforms(&app, &topic).await;
        let cfg = SerializerConfig::value().selection(SchemaSelection::UseLatest { strict: false });
        let ser = AvroSerializer::<Order>::new(reg.clone(), Schema::avro(ORDER), cfg).unwrap();
        let de = AvroDeserializer::new(reg.clone());
        for r in records() {
            let bytes = ser.serialize(&topic, &r).await.unwrap().payload;
            assert_eq!(
                stored(&bytes).await,
                masked(&r),
                "{backend:?}: WRITE rule ran once"
            );
            let read: Order = de.deserialize(&bytes).await.unwrap();
            assert_eq!(read, marked(&masked(&r)), "{backend:?}: READ rule ran once");
        }
    }
}

/// Runs a Python interop script; returns its output lines.
async fn python(script: &str, base: &str, topic: &str, decode: &[Vec<u8>]) -> Vec<String> {
    let python = std::env::var("INTEROP_PYTHON").expect("INTEROP_PYTHON");
    let output = tokio::process::Command::new(&python)
        .arg(format!("{}/python/{script}", env!("CARGO_MANIFEST_DIR")))
        .args(["--registry", base, "--topic", topic, "--decode"])
        .args(decode.iter().map(|b| hex(b)))
        .output()
        .await
        .expect("run python");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{script}\n{stdout}\n{stderr}");
    stdout.lines().map(str::to_owned).collect()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(python_interop),
    ignore = "set INTEROP_PYTHON to a Python with confluent-kafka[rules]"
)]
async fn python_and_codec_transform_fields_alike() {
    let app = spawn_app(Backend::Sqlite).await;
    let topic = unique("transform-py");
    let reg = setup_transforms(&app, &topic).await;
    let cfg = SerializerConfig::value().selection(SchemaSelection::UseLatest { strict: false });
    let ser = AvroSerializer::<Order>::new(reg.clone(), Schema::avro(ORDER), cfg).unwrap();
    let mut ours = Vec::new();
    for r in records() {
        ours.push(ser.serialize(&topic, &r).await.unwrap().payload);
    }
    let lines = python("codec_rules_interop.py", &app.base, &topic, &ours).await;
    assert_eq!(lines.len(), 2 * records().len(), "{lines:?}");
    let de = AvroDeserializer::new(reg.clone());
    for (i, r) in records().iter().enumerate() {
        // write: Python's WRITE transform gives the same bytes as ours
        assert_eq!(lines[i], format!("ok {}", hex(&ours[i])), "record {i}");
        // read: each side's READ transform on the other's bytes gives the same record
        let theirs: Order = de.deserialize(&ours[i]).await.unwrap();
        assert_eq!(theirs, marked(&masked(r)));
        let decoded = lines[records().len() + i]
            .strip_prefix("decoded ")
            .unwrap_or_else(|| panic!("Python did not decode record {i}: {lines:?}"));
        let python_read: Order = serde_json::from_str(decoded).unwrap();
        assert_eq!(python_read, marked(&masked(r)), "record {i}");
        let python_bytes = unhex(lines[i].strip_prefix("ok ").unwrap());
        let we_read: Order = de.deserialize(&python_bytes).await.unwrap();
        assert_eq!(we_read, python_read, "record {i}");
    }
}
