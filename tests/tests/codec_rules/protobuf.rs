//! Rules on Protobuf messages through our server: a CEL condition and a CEL_FIELD transform pair
//! registered with a `.proto` schema, run by the codec's Protobuf serializer and deserializer and
//! (with INTEROP_PYTHON) by Python confluent-kafka's (tests/python/codec_rules_protobuf.py).

use std::sync::Arc;

use codec::client::RegistryClient;
use codec::{CachedClient, HttpClient, Rule, RuleSet, Schema, SchemaSelection, SerializerConfig};
use registry_tests::{Backend, TestApp, spawn_app};

use super::{hex, python, transform_rules, unhex, unique};

/// Same text as BREW in tests/python/codec_rules_protobuf.py.
const BREW_PROTO: &str = "syntax = \"proto3\";\npackage rulecafe;\n\nmessage Brew {\n  string item = 1;\n  int32 qty = 2;\n  string email = 3;\n}\n";

/// `rulecafe.Brew`, built by hand to match BREW_PROTO.
fn brew_descriptor() -> prost_reflect::MessageDescriptor {
    use prost_types::field_descriptor_proto::{Label, Type};
    use prost_types::{DescriptorProto, FieldDescriptorProto, FileDescriptorProto};
    let field = |name: &str, number, ty: Type| FieldDescriptorProto {
        name: Some(name.into()),
        number: Some(number),
        label: Some(Label::Optional as i32),
        r#type: Some(ty as i32),
        json_name: Some(name.into()),
        ..Default::default()
    };
    let file = FileDescriptorProto {
        name: Some("rulecafe/brew.proto".into()),
        package: Some("rulecafe".into()),
        syntax: Some("proto3".into()),
        message_type: vec![DescriptorProto {
            name: Some("Brew".into()),
            field: vec![
                field("item", 1, Type::String),
                field("qty", 2, Type::Int32),
                field("email", 3, Type::String),
            ],
            ..Default::default()
        }],
        ..Default::default()
    };
    let mut pool = prost_reflect::DescriptorPool::new();
    pool.add_file_descriptor_proto(file).unwrap();
    pool.get_message_by_name("rulecafe.Brew").unwrap()
}

/// Same list as tests/python/codec_rules_protobuf.py.
fn brews() -> Vec<prost_reflect::DynamicMessage> {
    use prost_reflect::Value;
    [
        ("latte", 2, "a@example.org"),
        ("latte", 0, "a@example.org"),
        ("mocha", 7, "b@example.org"),
    ]
    .into_iter()
    .map(|(item, qty, email)| {
        let mut m = prost_reflect::DynamicMessage::new(brew_descriptor());
        m.set_field_by_name("item", Value::String(item.into()));
        m.set_field_by_name("qty", Value::I32(qty));
        m.set_field_by_name("email", Value::String(email.into()));
        m
    })
    .collect()
}

/// Registers BREW_PROTO under `<topic>-value` with a condition on write and read.
async fn setup_brew(app: &TestApp, topic: &str) -> Arc<CachedClient<HttpClient>> {
    let rules = RuleSet::domain(vec![Rule::cel_condition(
        "positiveQty",
        "WRITEREAD",
        "message.qty > 0",
    )]);
    register_brew(
        app,
        topic,
        Schema::protobuf(BREW_PROTO).with_rule_set(rules),
    )
    .await
}

async fn register_brew(
    app: &TestApp,
    topic: &str,
    schema: Schema,
) -> Arc<CachedClient<HttpClient>> {
    let reg = Arc::new(CachedClient::new(HttpClient::new(&app.base).unwrap()));
    reg.register(&format!("{topic}-value"), &schema, false)
        .await
        .unwrap();
    reg
}

/// Registers BREW_PROTO with the transform pair, `email` tagged PII by a metadata path.
async fn setup_brew_transforms(app: &TestApp, topic: &str) -> Arc<CachedClient<HttpClient>> {
    let mut metadata = codec::Metadata::default();
    metadata
        .tags
        .insert("rulecafe.Brew.email".into(), ["PII".to_owned()].into());
    let schema = Schema::protobuf(BREW_PROTO)
        .with_rule_set(transform_rules())
        .with_metadata(metadata);
    register_brew(app, topic, schema).await
}

/// A brew's fields (messages of different descriptor pools never compare equal).
fn brew_fields(m: &prost_reflect::DynamicMessage) -> String {
    let f = |n: &str| {
        m.get_field_by_name(n)
            .map(|v| v.to_string())
            .unwrap_or_default()
    };
    format!("item={} qty={} email={}", f("item"), f("qty"), f("email"))
}

/// A framed Protobuf payload written without rules, under the schema id of `like`.
fn forged_brew(like: &[u8], m: &prost_reflect::DynamicMessage) -> Vec<u8> {
    use prost::Message;
    [&like[..6], &m.encode_to_vec()[..]].concat()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registered_conditions_refuse_protobuf_messages_on_write_and_on_read() {
    let app = spawn_app(Backend::Sqlite).await;
    let topic = unique("brew");
    let reg = setup_brew(&app, &topic).await;
    let cfg = SerializerConfig::value().selection(SchemaSelection::UseLatest { strict: false });
    let ser = codec::ProtobufSerializer::<prost_reflect::DynamicMessage>::with_descriptor(
        reg.clone(),
        brew_descriptor(),
        cfg,
    )
    .unwrap();
    let b = brews();
    let good = ser.serialize(&topic, &b[0]).await.unwrap().payload;
    assert_eq!(good[5], 0, "message indexes [0]");
    let err = ser.serialize(&topic, &b[1]).await.unwrap_err();
    assert_eq!(err.rule_failure().unwrap().rule, "positiveQty");
    let de = codec::DynamicProtobufDeserializer::new(reg.clone());
    assert_eq!(
        brew_fields(&de.deserialize(&good).await.unwrap()),
        brew_fields(&b[0])
    );
    let bad = forged_brew(&good, &b[1]);
    let err = de.deserialize(&bad).await.unwrap_err();
    assert_eq!(err.rule_failure().unwrap().phase, codec::rules::Phase::Read);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(python_interop),
    ignore = "set INTEROP_PYTHON to a Python with confluent-kafka[protobuf,rules] and grpcio-tools"
)]
async fn python_and_codec_refuse_the_same_protobuf_messages() {
    let app = spawn_app(Backend::Sqlite).await;
    let topic = unique("brew-py");
    let reg = setup_brew(&app, &topic).await;
    let cfg = SerializerConfig::value().selection(SchemaSelection::UseLatest { strict: false });
    let ser = codec::ProtobufSerializer::<prost_reflect::DynamicMessage>::with_descriptor(
        reg.clone(),
        brew_descriptor(),
        cfg,
    )
    .unwrap();
    let mut ours = Vec::new();
    for m in brews() {
        ours.push(ser.serialize(&topic, &m).await.map(|e| e.payload));
    }
    let good = ours[0].clone().unwrap();
    let bad = forged_brew(&good, &brews()[1]);
    let lines = python(
        "codec_rules_protobuf.py",
        &app.base,
        &topic,
        &[good.clone(), bad.clone()],
    )
    .await;
    assert_eq!(lines.len(), brews().len() + 2, "{lines:?}");
    let de = codec::DynamicProtobufDeserializer::new(reg.clone());
    for (i, (ours, theirs)) in ours.iter().zip(&lines).enumerate() {
        match ours {
            // accepted by both, byte-identical, and Python's bytes decode here
            Ok(bytes) => {
                assert_eq!(*theirs, format!("ok {}", hex(bytes)), "record {i}");
                let back = de.deserialize(&unhex(&theirs[3..])).await.unwrap();
                assert_eq!(brew_fields(&back), brew_fields(&brews()[i]));
            }
            Err(e) => {
                assert_eq!(
                    e.rule_failure().map(|f| f.rule.as_str()),
                    Some("positiveQty")
                );
                assert!(
                    theirs.starts_with("refused"),
                    "record {i}: Python: {theirs}"
                );
            }
        }
    }
    // read: Python decodes our good bytes and refuses the forged bad ones, as we do
    assert_eq!(lines[3], "decoded item=latte qty=2 email=a@example.org");
    assert!(
        lines[4].starts_with("refused-read") && lines[4].contains("message.qty > 0"),
        "{}",
        lines[4]
    );
    assert!(
        de.deserialize(&bad)
            .await
            .unwrap_err()
            .rule_failure()
            .is_some()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(python_interop),
    ignore = "set INTEROP_PYTHON to a Python with confluent-kafka[protobuf,rules] and grpcio-tools"
)]
async fn python_and_codec_transform_protobuf_fields_alike() {
    let app = spawn_app(Backend::Sqlite).await;
    let topic = unique("brew-transform-py");
    let reg = setup_brew_transforms(&app, &topic).await;
    let cfg = SerializerConfig::value().selection(SchemaSelection::UseLatest { strict: false });
    let ser = codec::ProtobufSerializer::<prost_reflect::DynamicMessage>::with_descriptor(
        reg.clone(),
        brew_descriptor(),
        cfg,
    )
    .unwrap();
    let mut ours = Vec::new();
    for m in brews() {
        ours.push(ser.serialize(&topic, &m).await.unwrap().payload);
    }
    let lines = python("codec_rules_protobuf.py", &app.base, &topic, &ours).await;
    assert_eq!(lines.len(), 2 * brews().len(), "{lines:?}");
    let de = codec::DynamicProtobufDeserializer::new(reg.clone());
    for (i, m) in brews().iter().enumerate() {
        let item = m
            .get_field_by_name("item")
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned();
        let qty = m.get_field_by_name("qty").unwrap().as_i32().unwrap();
        let email = m
            .get_field_by_name("email")
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned();
        // write: the same WRITE transform, byte-identical output
        assert_eq!(lines[i], format!("ok {}", hex(&ours[i])), "record {i}");
        // read: Python's READ transform on our bytes, ours on Python's, give the same record
        assert_eq!(
            lines[brews().len() + i],
            format!("decoded item={item} qty={qty} email=xx{email}!"),
            "record {i}"
        );
        let back = de.deserialize(&unhex(&lines[i][3..])).await.unwrap();
        let read = back.get_field_by_name("email").unwrap();
        assert_eq!(
            read.as_str(),
            Some(format!("xx{email}!").as_str()),
            "record {i}"
        );
    }
}
