//! Encode/decode of a 10-field (~105-byte) record with the schema cached: this crate vs a raw
//! serde_avro_fast datum (the limit) vs schema_registry_converter 6 (served by a local stub).
#![allow(clippy::unwrap_used)]

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use codec::client::RegistryClient;
use codec::{
    AvroDeserializer, AvroSerializer, Blocking, MockClient, Rule, RuleSet, Schema, SchemaSelection,
    SerializerConfig,
};
use criterion::{Criterion, criterion_group, criterion_main};
use schema_registry_converter::async_impl::easy_avro::{EasyAvroDecoder, EasyAvroEncoder};
use schema_registry_converter::async_impl::schema_registry::SrSettings;
use schema_registry_converter::schema_registry_common::{
    SchemaType, SubjectNameStrategy, SuppliedSchema,
};
use serde::{Deserialize, Serialize};

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

/// A two-route stub registry for the converter: register answers id 1, id 1 answers the schema.
fn start_stub(rt: &tokio::runtime::Runtime) -> String {
    use axum::routing::{get, post};
    let schema_body = serde_json::json!({ "schema": SCHEMA }).to_string();
    let app = axum::Router::new()
        .route("/subjects/{s}/versions", post(|| async { r#"{"id":1}"# }))
        .route("/schemas/ids/{id}", get(move || async move { schema_body }));
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    rt.spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

fn benches(c: &mut Criterion) {
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
    let ours_blocking = Blocking::new(ours.clone());
    let de = AvroDeserializer::new(registry);
    let de_blocking = Blocking::new(de.clone());
    let framed = rt
        .block_on(ours.serialize("payments", &value))
        .unwrap()
        .payload;
    assert_eq!(
        rt.block_on(de.deserialize::<Payment>(&framed)).unwrap(),
        value
    );
    eprintln!(
        "record: {} bytes framed, {} bytes datum",
        framed.len(),
        framed.len() - 5
    );

    // the same record under a schema carrying one CEL condition (WRITEREAD), selected by latest
    let ruled = Arc::new(MockClient::new());
    let rules = RuleSet::domain(vec![Rule::cel_condition(
        "positive",
        "WRITEREAD",
        "message.amount > 0.0",
    )]);
    rt.block_on(ruled.register(
        "payments-value",
        &Schema::avro(SCHEMA).with_rule_set(rules),
        false,
    ))
    .unwrap();
    let ours_cel = AvroSerializer::<Payment>::new(
        ruled.clone(),
        Schema::avro(SCHEMA),
        SerializerConfig::value().selection(SchemaSelection::UseLatest { strict: false }),
    )
    .unwrap();
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

    // raw serde_avro_fast: reused buffer and serializer config
    let fast: serde_avro_fast::Schema = SCHEMA.parse().unwrap();
    let mut raw_cfg = serde_avro_fast::ser::SerializerConfig::new(&fast);
    let datum = framed[5..].to_vec();

    // schema_registry_converter against a local stub, caches warmed
    let url = start_stub(&rt);
    let conv_enc = EasyAvroEncoder::new(SrSettings::new(url.clone()));
    let conv_de = EasyAvroDecoder::new(SrSettings::new(url));
    let strategy = SubjectNameStrategy::TopicNameStrategyWithSchema(
        "payments".into(),
        false,
        SuppliedSchema::new(
            Some("bench.Payment".into()),
            SchemaType::Avro,
            SCHEMA.into(),
        ),
    );
    let conv_bytes = rt
        .block_on(conv_enc.encode_struct(&value, &strategy))
        .unwrap();
    assert_eq!(conv_bytes, framed, "byte-identical framing and datum");
    let v = rt.block_on(conv_de.decode(Some(&framed))).unwrap().value;
    assert_eq!(apache_avro::from_value::<Payment>(&v).unwrap(), value);

    let mut buf = Vec::with_capacity(256);
    let mut g = c.benchmark_group("encode");
    g.bench_function("raw_serde_avro_fast", |b| {
        b.iter(|| {
            buf.clear();
            serde_avro_fast::to_datum(black_box(&value), &mut buf, &mut raw_cfg).unwrap();
            black_box(buf.len())
        })
    });
    g.bench_function("codec_blocking", |b| {
        b.iter(|| {
            buf.clear();
            ours_blocking
                .serialize_into("payments", black_box(&value), &mut buf)
                .unwrap();
            black_box(buf.len())
        })
    });
    g.bench_function("codec_async", |b| {
        b.iter(|| {
            buf.clear();
            ready(
                &rt,
                ours.serialize_into("payments", black_box(&value), &mut buf),
            )
            .unwrap();
            black_box(buf.len())
        })
    });
    g.bench_function("codec_async_one_cel_rule", |b| {
        b.iter(|| {
            buf.clear();
            ready(
                &rt,
                ours_cel.serialize_into("payments", black_box(&value), &mut buf),
            )
            .unwrap();
            black_box(buf.len())
        })
    });
    g.bench_function("schema_registry_converter", |b| {
        b.iter(|| {
            black_box(ready(&rt, conv_enc.encode_struct(black_box(&value), &strategy)).unwrap())
        })
    });
    g.finish();

    let mut g = c.benchmark_group("decode");
    g.bench_function("raw_serde_avro_fast", |b| {
        b.iter(|| {
            black_box(
                serde_avro_fast::from_datum_slice::<Payment>(black_box(&datum), &fast).unwrap(),
            )
        })
    });
    g.bench_function("codec_blocking", |b| {
        b.iter(|| {
            black_box(
                de_blocking
                    .deserialize::<Payment>(black_box(&framed))
                    .unwrap(),
            )
        })
    });
    g.bench_function("codec_async", |b| {
        b.iter(|| black_box(ready(&rt, de.deserialize::<Payment>(black_box(&framed))).unwrap()))
    });
    g.bench_function("codec_async_one_cel_rule", |b| {
        b.iter(|| {
            black_box(ready(&rt, de_cel.deserialize::<Payment>(black_box(&framed_cel))).unwrap())
        })
    });
    g.bench_function("schema_registry_converter", |b| {
        b.iter(|| {
            let v = ready(&rt, conv_de.decode(Some(black_box(&framed))))
                .unwrap()
                .value;
            black_box(apache_avro::from_value::<Payment>(&v).unwrap())
        })
    });
    g.finish();
}

criterion_group!(codec_benches, benches);
criterion_main!(codec_benches);
