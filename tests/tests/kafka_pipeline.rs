//! A real pipeline: typed records encoded with the `codec` crate travel through a Kafka-protocol
//! broker (tansu, in memory, on a free loopback port) and decode on the other side, with our
//! server (SQLite) as the registry.
//!
//! - Rust producer → Rust consumer (`kafka-pipe`, rdkafka), keys and values, schema ids in the
//!   payload prefix and GUIDs in the `__key_schema_id` / `__value_schema_id` headers.
//! - Python `confluent-kafka` Producer + `AvroSerializer` → Rust consumer, and Rust producer →
//!   Python Consumer + `AvroDeserializer` (tests/python/kafka_pipeline.py), both forms.
//! - The same three paths with Protobuf values (`--format protobuf`: `interop.orders.Order`, the
//!   second message of a file that imports another; keys stay Avro strings): the codec's
//!   `ProtobufSerializer` / `DynamicProtobufDeserializer` against Python's `ProtobufSerializer` /
//!   `ProtobufDeserializer`. Each consumer reports the value's framing as read from the raw bytes;
//!   the test checks the magic byte, the schema id (or GUID) against what the registry holds for
//!   `<topic>-value` and the message indexes `[1]`, then each decoded field against the expected
//!   record.
//!
//! Needs, at build time, `INTEROP_KAFKA=1` (or `REQUIRE_INTEROP=1`) and the `kafka` feature of
//! this crate (`--features registry-tests/kafka`, which builds librdkafka); at run time a `tansu`
//! binary (`TANSU`, else on `PATH`, else `~/.cargo/bin/tansu`) and, for the Python test,
//! `INTEROP_PYTHON`. Without the cfg the tests are ignored; with it, anything missing fails them.

use std::time::Duration;

use registry_tests::broker::{Broker, output};
use registry_tests::{Backend, TestApp, spawn_app};
use serde_json::{Value, json};

/// Records per topic.
const COUNT: usize = 12;
/// Bound on each child command (the consumers give up on their own after `CONSUME_SECS`).
const CHILD_TIMEOUT: Duration = Duration::from_secs(120);
const CONSUME_SECS: &str = "60";
/// Full name of the Protobuf value type, and its message indexes in `interop/order.proto`.
const PB_ORDER: &str = "interop.orders.Order";
const PB_ORDER_INDEXES: [i64; 1] = [1];

/// What the values of a topic are (`--format` of both clients).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Format {
    Avro,
    Protobuf,
}

impl Format {
    fn arg(self) -> &'static str {
        match self {
            Format::Avro => "avro",
            Format::Protobuf => "protobuf",
        }
    }

    /// Topic name prefix, so that each format has topics of its own.
    fn prefix(self) -> &'static str {
        match self {
            Format::Avro => "",
            Format::Protobuf => "pb-",
        }
    }
}

fn kafka_pipe() -> &'static str {
    match option_env!("CARGO_BIN_EXE_kafka-pipe") {
        Some(path) => path,
        None => panic!(
            "kafka-pipe is not built: run with `--features registry-tests/kafka` (see tests/build.rs)"
        ),
    }
}

/// Runs a producer or consumer; its stdout, or a panic with everything needed to debug.
async fn run(broker: &Broker, what: &str, program: &str, args: &[&str]) -> String {
    let mut cmd = tokio::process::Command::new(program);
    cmd.args(args);
    match output(cmd, CHILD_TIMEOUT).await {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).into_owned(),
        Ok(out) => panic!(
            "{what} failed ({})\n--- stdout ---\n{}\n--- stderr ---\n{}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            broker.logs()
        ),
        Err(e) => panic!("{what}: {e}\n{}", broker.logs()),
    }
}

/// What the consumers should print for the producers' records (from `kafka-pipe expected`).
async fn expected(format: Format) -> Vec<Value> {
    let mut cmd = tokio::process::Command::new(kafka_pipe());
    cmd.args(["expected", "--count", &COUNT.to_string()])
        .args(["--format", format.arg()]);
    let out = output(cmd, Duration::from_secs(30))
        .await
        .expect("kafka-pipe expected");
    assert!(out.status.success(), "kafka-pipe expected failed");
    let lines = parse_lines("kafka-pipe expected", &String::from_utf8_lossy(&out.stdout));
    assert_eq!(lines.len(), COUNT);
    lines
}

fn parse_lines(what: &str, stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{what}: not JSON ({e}): {l}")))
        .collect()
}

/// The consumer's lines are the expected records, in order, all in `form`. With `registered`
/// (the registry's entry for the value subject; Protobuf topics), each line also carries the
/// decoded message type and the value's framing, checked against it.
fn assert_consumed(
    what: &str,
    stdout: &str,
    form: &str,
    expected: &[Value],
    registered: Option<&Value>,
) {
    let got = parse_lines(what, stdout);
    assert_eq!(got.len(), expected.len(), "{what}: record count\n{stdout}");
    for (i, (mut line, want)) in got.into_iter().zip(expected).enumerate() {
        let obj = line.as_object_mut().expect("an object");
        assert_eq!(
            obj.remove("form"),
            Some(Value::from(form)),
            "{what}: record {i} framing"
        );
        if let Some(registered) = registered {
            assert_eq!(
                obj.remove("type"),
                Some(Value::from(PB_ORDER)),
                "{what}: record {i} message type"
            );
            let frame = obj.remove("frame").expect("a frame");
            let want_frame = match form {
                "prefix" => {
                    json!({ "magic": 0, "id": registered["id"], "indexes": PB_ORDER_INDEXES })
                }
                _ => json!({ "magic": 1, "guid": registered["guid"], "indexes": PB_ORDER_INDEXES }),
            };
            assert_eq!(frame, want_frame, "{what}: record {i} value framing");
            // field by field, so that a mismatch names the field
            let (got_value, want_value) = (&line["value"], &want["value"]);
            let fields = |v: &Value| -> Vec<String> {
                v.as_object()
                    .map(|o| o.keys().cloned().collect())
                    .unwrap_or_default()
            };
            let mut names = fields(got_value);
            names.extend(fields(want_value));
            names.sort();
            names.dedup();
            assert!(!names.is_empty(), "{what}: record {i}: an empty value");
            for name in names {
                assert_eq!(
                    got_value.get(&name),
                    want_value.get(&name),
                    "{what}: record {i} field {name}"
                );
            }
        }
        assert_eq!(&line, want, "{what}: record {i}");
    }
}

/// The value subject of a Protobuf topic as the registry holds it: a Protobuf schema with the
/// money file as a reference (the import, registered under its path by either producer).
async fn registered_value(app: &TestApp, topic: &str) -> Value {
    let answer = app
        .get(&format!("/subjects/{topic}-value/versions/latest"))
        .await;
    let body = answer.assert_ok().clone();
    assert_eq!(body["schemaType"], "PROTOBUF", "{topic}-value: {body}");
    assert_eq!(
        body["references"],
        json!([{ "name": "interop/money.proto", "subject": "interop/money.proto", "version": 1 }]),
        "{topic}-value references"
    );
    assert!(body["id"].is_i64() && body["guid"].is_string(), "{body}");
    body
}

/// For Protobuf topics, the registry's entry for the value subject.
async fn registered(app: &TestApp, topic: &str, format: Format) -> Option<Value> {
    match format {
        Format::Avro => None,
        Format::Protobuf => Some(registered_value(app, topic).await),
    }
}

#[allow(clippy::too_many_arguments)]
fn client_args<'a>(
    cmd: &'a str,
    registry: &'a str,
    bootstrap: &'a str,
    topic: &'a str,
    count: &'a str,
    format: Format,
    header_form: bool,
) -> Vec<&'a str> {
    let mut args = vec![
        cmd,
        "--registry",
        registry,
        "--bootstrap",
        bootstrap,
        "--topic",
        topic,
        "--count",
        count,
        "--format",
        format.arg(),
    ];
    if cmd == "produce" && header_form {
        args.push("--header-form");
    }
    if cmd == "consume" {
        args.extend(["--timeout-secs", CONSUME_SECS]);
    }
    args
}

/// `kafka-pipe produce` → `kafka-pipe consume`, prefix and header forms.
async fn rust_to_rust(format: Format) {
    let app = spawn_app(Backend::Sqlite).await;
    let broker = Broker::start();
    let want = expected(format).await;
    let count = COUNT.to_string();
    for form in ["prefix", "header"] {
        let topic = format!("{}rust-{form}", format.prefix());
        let header = form == "header";
        broker.create_topic(&topic).await;
        let args = |cmd| {
            client_args(
                cmd,
                &app.base,
                &broker.bootstrap,
                &topic,
                &count,
                format,
                header,
            )
        };
        run(
            &broker,
            &format!("rust produce {topic}"),
            kafka_pipe(),
            &args("produce"),
        )
        .await;
        let out = run(
            &broker,
            &format!("rust consume {topic}"),
            kafka_pipe(),
            &args("consume"),
        )
        .await;
        let registered = registered(&app, &topic, format).await;
        assert_consumed(
            &format!("rust → rust ({form}, {format:?})"),
            &out,
            form,
            &want,
            registered.as_ref(),
        );
    }
}

/// Python producer → `kafka-pipe consume` and `kafka-pipe produce` → Python consumer, both forms.
async fn python_both_ways(format: Format) {
    let python = std::env::var("INTEROP_PYTHON").expect("INTEROP_PYTHON");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/python/kafka_pipeline.py");
    let app = spawn_app(Backend::Sqlite).await;
    let broker = Broker::start();
    let want = expected(format).await;
    let count = COUNT.to_string();
    for form in ["prefix", "header"] {
        let header = form == "header";
        for (producer, consumer) in [("python", "rust"), ("rust", "python")] {
            let topic = format!("{}{producer}-to-{consumer}-{form}", format.prefix());
            broker.create_topic(&topic).await;
            let args = |cmd| {
                client_args(
                    cmd,
                    &app.base,
                    &broker.bootstrap,
                    &topic,
                    &count,
                    format,
                    header,
                )
            };
            let invoke = |who: &str, cmd| -> (String, Vec<&str>) {
                if who == "python" {
                    let mut a = vec![script];
                    a.extend(args(cmd));
                    (python.clone(), a)
                } else {
                    (kafka_pipe().to_owned(), args(cmd))
                }
            };
            let (program, produce) = invoke(producer, "produce");
            run(
                &broker,
                &format!("{producer} produce {topic}"),
                &program,
                &produce,
            )
            .await;
            let (program, consume) = invoke(consumer, "consume");
            let out = run(
                &broker,
                &format!("{consumer} consume {topic}"),
                &program,
                &consume,
            )
            .await;
            let registered = registered(&app, &topic, format).await;
            assert_consumed(
                &format!("{producer} → {consumer} ({form}, {format:?})"),
                &out,
                form,
                &want,
                registered.as_ref(),
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(kafka_pipeline),
    ignore = "set INTEROP_KAFKA=1, build with --features registry-tests/kafka, install tansu"
)]
async fn rust_producer_to_rust_consumer_prefix_and_header_forms() {
    rust_to_rust(Format::Avro).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(kafka_pipeline),
    ignore = "set INTEROP_KAFKA=1, build with --features registry-tests/kafka, install tansu"
)]
async fn protobuf_rust_producer_to_rust_consumer_prefix_and_header_forms() {
    rust_to_rust(Format::Protobuf).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(all(kafka_pipeline, python_interop)),
    ignore = "set INTEROP_KAFKA=1 and INTEROP_PYTHON, build with --features registry-tests/kafka, install tansu"
)]
async fn python_and_rust_clients_across_the_broker_both_ways() {
    python_both_ways(Format::Avro).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(all(kafka_pipeline, python_interop)),
    ignore = "set INTEROP_KAFKA=1 and INTEROP_PYTHON, build with --features registry-tests/kafka, install tansu"
)]
async fn protobuf_python_and_rust_clients_across_the_broker_both_ways() {
    python_both_ways(Format::Protobuf).await;
}
