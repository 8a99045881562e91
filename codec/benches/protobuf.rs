//! Encode/decode of a 10-field protobuf message with the schema cached: this crate's Protobuf
//! serializer and deserializers vs raw `prost` encode/decode of the same message (the limit).
#![allow(clippy::unwrap_used)]

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::sync::{Arc, LazyLock};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use codec::{
    DynamicProtobufDeserializer, MockClient, ProtobufDeserializer, ProtobufSerializer,
    SerializerConfig,
};
use criterion::{Criterion, criterion_group};
use prost::Message;
use prost_reflect::{DescriptorPool, MessageDescriptor, ReflectMessage};
use prost_types::field_descriptor_proto::{Label, Type};
use prost_types::{DescriptorProto, FieldDescriptorProto, FileDescriptorProto};

#[derive(Clone, PartialEq, prost::Message)]
struct Payment {
    #[prost(int64, tag = "1")]
    id: i64,
    #[prost(string, tag = "2")]
    user: String,
    #[prost(string, tag = "3")]
    email: String,
    #[prost(double, tag = "4")]
    amount: f64,
    #[prost(int32, tag = "5")]
    qty: i32,
    #[prost(bool, tag = "6")]
    active: bool,
    #[prost(int64, tag = "7")]
    ts: i64,
    #[prost(string, tag = "8")]
    country: String,
    #[prost(string, optional, tag = "9")]
    note: Option<String>,
    #[prost(float, tag = "10")]
    score: f32,
}

static POOL: LazyLock<DescriptorPool> = LazyLock::new(|| {
    let f = |name: &str, number: i32, ty: Type| FieldDescriptorProto {
        name: Some(name.into()),
        number: Some(number),
        label: Some(Label::Optional as i32),
        r#type: Some(ty as i32),
        ..Default::default()
    };
    let mut note = f("note", 9, Type::String);
    note.proto3_optional = Some(true);
    note.oneof_index = Some(0);
    let file = FileDescriptorProto {
        name: Some("bench/payment.proto".into()),
        package: Some("bench".into()),
        syntax: Some("proto3".into()),
        message_type: vec![DescriptorProto {
            name: Some("Payment".into()),
            field: vec![
                f("id", 1, Type::Int64),
                f("user", 2, Type::String),
                f("email", 3, Type::String),
                f("amount", 4, Type::Double),
                f("qty", 5, Type::Int32),
                f("active", 6, Type::Bool),
                f("ts", 7, Type::Int64),
                f("country", 8, Type::String),
                note,
                f("score", 10, Type::Float),
            ],
            oneof_decl: vec![prost_types::OneofDescriptorProto {
                name: Some("_note".into()),
                options: None,
            }],
            ..Default::default()
        }],
        ..Default::default()
    };
    let mut pool = DescriptorPool::new();
    pool.add_file_descriptor_proto(file).unwrap();
    pool
});

impl ReflectMessage for Payment {
    fn descriptor(&self) -> MessageDescriptor {
        POOL.get_message_by_name("bench.Payment").unwrap()
    }
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

struct Fixture {
    rt: tokio::runtime::Runtime,
    ser: ProtobufSerializer<Payment>,
    de: ProtobufDeserializer<Payment>,
    dy: DynamicProtobufDeserializer,
    msg: Payment,
    framed: Vec<u8>,
    raw: Vec<u8>,
}

fn fixture() -> Fixture {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let registry = Arc::new(MockClient::new());
    let ser =
        ProtobufSerializer::<Payment>::new(registry.clone(), SerializerConfig::value()).unwrap();
    let de = ProtobufDeserializer::<Payment>::new(registry.clone());
    let dy = DynamicProtobufDeserializer::new(registry);
    let msg = record();
    let framed = rt
        .block_on(ser.serialize("payments", &msg))
        .unwrap()
        .payload;
    let raw = msg.encode_to_vec();
    assert_eq!(&framed[6..], raw.as_slice());
    assert_eq!(rt.block_on(de.deserialize(&framed)).unwrap(), msg);
    rt.block_on(dy.deserialize(&framed)).unwrap();
    Fixture {
        rt,
        ser,
        de,
        dy,
        msg,
        framed,
        raw,
    }
}

/// One operation of the comparison, by name.
fn op(f: &Fixture, name: &str, buf: &mut Vec<u8>) -> usize {
    match name {
        "encode/raw_prost" => {
            buf.clear();
            black_box(&f.msg).encode(buf).unwrap();
            buf.len()
        }
        "encode/codec_cached" => {
            buf.clear();
            f.ser
                .serialize_cached_into("payments", black_box(&f.msg), buf)
                .unwrap()
                .unwrap();
            buf.len()
        }
        "encode/codec_async" => {
            buf.clear();
            ready(
                &f.rt,
                f.ser.serialize_into("payments", black_box(&f.msg), buf),
            )
            .unwrap();
            buf.len()
        }
        "decode/raw_prost" => Payment::decode(black_box(&f.raw[..])).unwrap().qty as usize,
        "decode/codec_typed" => {
            ready(&f.rt, f.de.deserialize(black_box(&f.framed)))
                .unwrap()
                .qty as usize
        }
        "decode/codec_dynamic" => ready(&f.rt, f.dy.deserialize(black_box(&f.framed)))
            .unwrap()
            .fields()
            .count(),
        other => panic!("unknown op {other}"),
    }
}

const OPS: [&str; 6] = [
    "encode/raw_prost",
    "encode/codec_cached",
    "encode/codec_async",
    "decode/raw_prost",
    "decode/codec_typed",
    "decode/codec_dynamic",
];

fn benches(c: &mut Criterion) {
    let f = fixture();
    let mut buf = Vec::with_capacity(256);
    for group in ["encode", "decode"] {
        let mut g = c.benchmark_group(format!("protobuf_{group}"));
        for name in OPS.iter().filter(|n| n.starts_with(group)) {
            let short = name.split('/').nth(1).unwrap();
            g.bench_function(short, |b| b.iter(|| op(&f, name, &mut buf)));
        }
        g.finish();
    }
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
}

criterion_group! {
    name = protobuf_benches;
    config = config();
    targets = benches
}

/// `PB_ICOUNT_OP=<op> PB_ICOUNT_N=<n>`: run one operation n times and exit, for counting
/// instructions under valgrind (two runs with different n; the difference / Δn is per operation).
fn main() {
    if let Ok(name) = std::env::var("PB_ICOUNT_OP") {
        let n: usize = std::env::var("PB_ICOUNT_N")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1000);
        let f = fixture();
        let mut buf = Vec::with_capacity(256);
        let mut sum = 0usize;
        for _ in 0..n {
            sum = sum.wrapping_add(op(&f, &name, &mut buf));
        }
        println!("{name} x{n}: {sum}");
        return;
    }
    protobuf_benches();
    Criterion::default().configure_from_args().final_summary();
}
