//! Encode/decode of a 10-field (~105-byte) record with the schema cached, in one run: this crate
//! (with and without one CEL condition in the schema's rules) vs a raw serde_avro_fast datum (the
//! limit) vs schema_registry_converter 6 vs schema-registry-client 0.4 (looking its schema up,
//! with the rule through latest, and auto-registering, which its client does not cache). Every
//! timed loop reports how many requests the stub registry answered during it.
//! `CODEC_ICOUNT_OP=<op> CODEC_ICOUNT_N=<n>` runs one operation n times instead, for counting
//! instructions under valgrind.
#![allow(clippy::unwrap_used)]

#[path = "support/peers.rs"]
mod peers;

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use codec::client::RegistryClient;
use codec::{
    AvroDeserializer, AvroSerializer, Blocking, MockClient, Rule, RuleSet, Schema, SchemaSelection,
    SerializerConfig,
};
use criterion::{Criterion, criterion_group};
use serde::{Deserialize, Serialize};

use peers::{Converter, PLAIN_ID, RULED_ID, STUB_REQUESTS, SrClient, SrMode};

const SCHEMA: &str = r#"{"type":"record","name":"Payment","namespace":"bench","fields":[
  {"name":"id","type":"long"},
  {"name":"user","type":"string"},
  {"name":"email","type":"string"},
  {"name":"amount","type":"double"},
  {"name":"qty","type":"int"},
  {"name":"active","type":"boolean"},
  {"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},
  {"name":"country","type":"string"},
  {"name":"note","type":["null","string"],"default":null},
  {"name":"score","type":"float"}
]}"#;

/// The one rule of the ruled runs: a condition on a field, checked on write and on read.
const RULE_EXPR: &str = "message.amount > 0.0";

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Payment {
    id: i64,
    user: String,
    email: String,
    amount: f64,
    qty: i32,
    active: bool,
    ts: i64,
    country: String,
    note: Option<String>,
    score: f32,
}

fn record() -> Payment {
    Payment {
        id: 9_876_543_210,
        user: "ada.lovelace.1815".into(),
        email: "ada.lovelace@example.org".into(),
        amount: 1234.5,
        qty: 42,
        active: true,
        ts: 1_700_000_000_000,
        country: "GB".into(),
        note: Some("first analytical engine program".into()),
        score: 0.97,
    }
}

/// Polls a future that is expected to be ready at once (a cache hit); falls back to a runtime.
fn ready<F: Future>(rt: &tokio::runtime::Runtime, f: F) -> F::Output {
    let mut f = pin!(f);
    match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => v,
        Poll::Pending => rt.block_on(f),
    }
}

/// Everything the timed operations use, built and warmed once.
struct Fixture {
    rt: tokio::runtime::Runtime,
    value: Payment,
    ours: AvroSerializer<Payment>,
    ours_blocking: Blocking<AvroSerializer<Payment>>,
    ours_cel: AvroSerializer<Payment>,
    de: AvroDeserializer,
    de_blocking: Blocking<AvroDeserializer>,
    de_cel: AvroDeserializer,
    fast: &'static serde_avro_fast::Schema,
    raw_cfg: serde_avro_fast::ser::SerializerConfig<'static>,
    conv: Converter,
    src: SrClient,
    src_auto: SrClient,
    src_cel: SrClient,
    /// ours, framed: plain, then with the rule's schema id
    framed: Vec<u8>,
    framed_cel: Vec<u8>,
    /// schema-registry-client's, framed with the stub's ids
    src_framed: Vec<u8>,
    src_framed_cel: Vec<u8>,
    datum: Vec<u8>,
    buf: Vec<u8>,
}

/// A latest answer reused for longer than a run, so no timed call re-checks the registry.
const LATEST_TTL: Duration = Duration::from_secs(3600);

fn rule_set() -> RuleSet {
    RuleSet::domain(vec![Rule::cel_condition(
        "positive",
        "WRITEREAD",
        RULE_EXPR,
    )])
}

fn fixture() -> Fixture {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let value = record();

    // this crate, through the mock registry (the hot path never reaches it)
    let registry = Arc::new(MockClient::new());
    let ours = AvroSerializer::<Payment>::new(
        registry.clone(),
        Schema::avro(SCHEMA),
        SerializerConfig::value(),
    )
    .unwrap();
    let de = AvroDeserializer::new(registry);
    let framed = rt
        .block_on(ours.serialize("payments", &value))
        .unwrap()
        .payload;
    assert_eq!(
        rt.block_on(de.deserialize::<Payment>(&framed)).unwrap(),
        value
    );

    // the same record under a schema carrying the CEL condition, selected by latest
    let ruled = Arc::new(MockClient::new());
    rt.block_on(ruled.register(
        "payments-value",
        &Schema::avro(SCHEMA).with_rule_set(rule_set()),
        false,
    ))
    .unwrap();
    let mut cel_config =
        SerializerConfig::value().selection(SchemaSelection::UseLatest { strict: false });
    cel_config.latest_ttl = LATEST_TTL;
    let ours_cel =
        AvroSerializer::<Payment>::new(ruled.clone(), Schema::avro(SCHEMA), cel_config).unwrap();
    let de_cel = AvroDeserializer::new(ruled);
    let framed_cel = rt
        .block_on(ours_cel.serialize("payments", &value))
        .unwrap()
        .payload;
    assert_eq!(
        rt.block_on(de_cel.deserialize::<Payment>(&framed_cel))
            .unwrap(),
        value
    );
    // the rule is enforced, not skipped: a refused record is refused both ways
    let refused = Payment {
        amount: -1.0,
        ..value.clone()
    };
    assert!(
        rt.block_on(ours_cel.serialize("payments", &refused))
            .is_err()
    );

    let fast: &'static serde_avro_fast::Schema = Box::leak(Box::new(SCHEMA.parse().unwrap()));
    let raw_cfg = serde_avro_fast::ser::SerializerConfig::new(fast);
    let datum = framed[5..].to_vec();

    // the peers, against one loopback stub, caches warmed
    let url = peers::start_stub(&rt, SCHEMA, serde_json::to_value(rule_set()).unwrap());
    let conv = Converter::new(&url, SCHEMA);
    let conv_bytes = rt
        .block_on(conv.encoder.encode_struct(&value, &conv.strategy))
        .unwrap();
    assert_eq!(conv_bytes, framed, "byte-identical framing and datum");
    let v = rt
        .block_on(conv.decoder.decode(Some(&framed)))
        .unwrap()
        .value;
    assert_eq!(apache_avro::from_value::<Payment>(&v).unwrap(), value);

    let src = SrClient::new(&url, SCHEMA, SrMode::Lookup);
    let src_auto = SrClient::new(&url, SCHEMA, SrMode::AutoRegister);
    let src_cel = SrClient::new(&url, SCHEMA, SrMode::LatestWithRule);
    let src_framed = rt
        .block_on(src.ser.serialize_ser(&src.ctx, &value))
        .unwrap();
    let src_framed_auto = rt
        .block_on(src_auto.ser.serialize_ser(&src_auto.ctx, &value))
        .unwrap();
    assert_eq!(src_framed_auto, src_framed);
    let src_framed_cel = rt
        .block_on(src_cel.ser.serialize_ser(&src_cel.ctx, &value))
        .unwrap();
    for (bytes, id) in [(&src_framed, PLAIN_ID), (&src_framed_cel, RULED_ID)] {
        assert_eq!(bytes[0], 0);
        assert_eq!(bytes[1..5], id.to_be_bytes());
        assert_eq!(bytes[5..], datum, "the same datum");
    }
    for (c, bytes) in [(&src, &src_framed), (&src_cel, &src_framed_cel)] {
        let v = rt.block_on(c.de.deserialize(&c.ctx, bytes)).unwrap().value;
        assert_eq!(apache_avro_0_21::from_value::<Payment>(&v).unwrap(), value);
    }
    assert!(
        rt.block_on(src_cel.ser.serialize_ser(&src_cel.ctx, &refused))
            .is_err(),
        "schema-registry-client runs the rule"
    );

    eprintln!(
        "record: {} bytes framed, {} bytes datum",
        framed.len(),
        datum.len()
    );
    Fixture {
        ours_blocking: Blocking::new(ours.clone()),
        de_blocking: Blocking::new(de.clone()),
        rt,
        value,
        ours,
        ours_cel,
        de,
        de_cel,
        fast,
        raw_cfg,
        conv,
        src,
        src_auto,
        src_cel,
        framed,
        framed_cel,
        src_framed,
        src_framed_cel,
        datum,
        buf: Vec::with_capacity(256),
    }
}

/// One operation of the comparison, by name; returns something derived from its output.
fn op(f: &mut Fixture, name: &str) -> usize {
    let value = black_box(&f.value);
    match name {
        "encode/raw_serde_avro_fast" => {
            f.buf.clear();
            serde_avro_fast::to_datum(value, &mut f.buf, &mut f.raw_cfg).unwrap();
            f.buf.len()
        }
        "encode/codec_blocking" => {
            f.buf.clear();
            f.ours_blocking
                .serialize_into("payments", value, &mut f.buf)
                .unwrap();
            f.buf.len()
        }
        "encode/codec_async" => {
            f.buf.clear();
            ready(&f.rt, f.ours.serialize_into("payments", value, &mut f.buf)).unwrap();
            f.buf.len()
        }
        "encode/codec_async_one_cel_rule" => {
            f.buf.clear();
            ready(
                &f.rt,
                f.ours_cel.serialize_into("payments", value, &mut f.buf),
            )
            .unwrap();
            f.buf.len()
        }
        "encode/schema_registry_converter" => {
            ready(&f.rt, f.conv.encoder.encode_struct(value, &f.conv.strategy))
                .unwrap()
                .len()
        }
        "encode/schema_registry_client" => ready(&f.rt, f.src.ser.serialize_ser(&f.src.ctx, value))
            .unwrap()
            .len(),
        "encode/schema_registry_client_auto_register" => {
            ready(&f.rt, f.src_auto.ser.serialize_ser(&f.src_auto.ctx, value))
                .unwrap()
                .len()
        }
        "encode/schema_registry_client_one_cel_rule" => {
            ready(&f.rt, f.src_cel.ser.serialize_ser(&f.src_cel.ctx, value))
                .unwrap()
                .len()
        }
        "decode/raw_serde_avro_fast" => {
            serde_avro_fast::from_datum_slice::<Payment>(black_box(&f.datum), f.fast)
                .unwrap()
                .qty as usize
        }
        "decode/codec_blocking" => {
            f.de_blocking
                .deserialize::<Payment>(black_box(&f.framed))
                .unwrap()
                .qty as usize
        }
        "decode/codec_async" => {
            ready(&f.rt, f.de.deserialize::<Payment>(black_box(&f.framed)))
                .unwrap()
                .qty as usize
        }
        "decode/codec_async_one_cel_rule" => {
            ready(
                &f.rt,
                f.de_cel.deserialize::<Payment>(black_box(&f.framed_cel)),
            )
            .unwrap()
            .qty as usize
        }
        "decode/schema_registry_converter" => {
            let v = ready(&f.rt, f.conv.decoder.decode(Some(black_box(&f.framed))))
                .unwrap()
                .value;
            apache_avro::from_value::<Payment>(&v).unwrap().qty as usize
        }
        "decode/schema_registry_client" => {
            let v = ready(
                &f.rt,
                f.src.de.deserialize(&f.src.ctx, black_box(&f.src_framed)),
            )
            .unwrap()
            .value;
            apache_avro_0_21::from_value::<Payment>(&v).unwrap().qty as usize
        }
        "decode/schema_registry_client_one_cel_rule" => {
            let v = ready(
                &f.rt,
                f.src_cel
                    .de
                    .deserialize(&f.src_cel.ctx, black_box(&f.src_framed_cel)),
            )
            .unwrap()
            .value;
            apache_avro_0_21::from_value::<Payment>(&v).unwrap().qty as usize
        }
        other => panic!("unknown op {other}"),
    }
}

const OPS: [&str; 15] = [
    "encode/raw_serde_avro_fast",
    "encode/codec_blocking",
    "encode/codec_async",
    "encode/codec_async_one_cel_rule",
    "encode/schema_registry_converter",
    "encode/schema_registry_client",
    "encode/schema_registry_client_one_cel_rule",
    "encode/schema_registry_client_auto_register",
    "decode/raw_serde_avro_fast",
    "decode/codec_blocking",
    "decode/codec_async",
    "decode/codec_async_one_cel_rule",
    "decode/schema_registry_converter",
    "decode/schema_registry_client",
    "decode/schema_registry_client_one_cel_rule",
];

fn benches(c: &mut Criterion) {
    let mut f = fixture();
    // a cache miss (none is expected) may then reach the stub from inside `ready`
    let rt = f.rt.handle().clone();
    let _runtime = rt.enter();
    for group in ["encode", "decode"] {
        let mut g = c.benchmark_group(group);
        for name in OPS.iter().filter(|n| n.starts_with(group)) {
            let short = name.split('/').nth(1).unwrap();
            let before = STUB_REQUESTS.load(Ordering::Relaxed);
            g.bench_function(short, |b| b.iter(|| op(&mut f, name)));
            let during = STUB_REQUESTS.load(Ordering::Relaxed) - before;
            eprintln!("{name}: {during} stub registry requests");
        }
        g.finish();
    }
}

criterion_group!(codec_benches, benches);

/// `CODEC_ICOUNT_OP=<op> CODEC_ICOUNT_N=<n>` (an entry of `OPS`): build and warm everything, run
/// that operation n times and exit. Under `valgrind --tool=callgrind`, two runs with different n
/// give the instructions per operation as the difference of their totals over Δn.
fn main() {
    if let Ok(name) = std::env::var("CODEC_ICOUNT_OP") {
        assert!(
            OPS.contains(&name.as_str()),
            "unknown op {name}; one of {OPS:?}"
        );
        let n: usize = std::env::var("CODEC_ICOUNT_N")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1000);
        let mut f = fixture();
        let rt = f.rt.handle().clone();
        let _runtime = rt.enter();
        let before = STUB_REQUESTS.load(Ordering::Relaxed);
        let mut sum = 0usize;
        for _ in 0..n {
            sum = sum.wrapping_add(op(&mut f, &name));
        }
        let during = STUB_REQUESTS.load(Ordering::Relaxed) - before;
        println!("{name} x{n}: {sum}, {during} stub registry requests");
        return;
    }
    codec_benches();
    Criterion::default().configure_from_args().final_summary();
}
