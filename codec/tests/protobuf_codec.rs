//! Protobuf serializer/deserializer round trips against the in-memory registry: framing, message
//! indexes, registration of imports as references, selection modes, header form, built-ins.
#![allow(clippy::unwrap_used)]

mod support {
    pub mod pantry;
}

use std::sync::Arc;
use std::sync::atomic::Ordering::SeqCst;

use codec::client::RegistryClient;
use codec::protobuf::MessageIndexes;
use codec::protobuf::descriptors::decode_file;
use codec::{
    CachedClient, DynamicProtobufDeserializer, Error, MockClient, ProtobufDeserializer,
    ProtobufError, ProtobufSerializer, ReferenceSubjectNameStrategy, SchemaId, SchemaSelection,
    SerializerConfig, SubjectNameStrategy,
};
use prost::Message;
use prost_reflect::{DynamicMessage, ReflectMessage, Value};
use prost_types::field_descriptor_proto::Type;
use support::pantry::*;

fn registry() -> Arc<MockClient> {
    Arc::new(MockClient::new())
}

#[test]
fn indexes_follow_declarations_skip_enums_and_count_map_entries() {
    let ix = |n: &str| MessageIndexes::of(&desc(n)).as_slice().to_vec();
    assert_eq!(ix("pantry.Shelf"), [0]);
    assert_eq!(ix("pantry.Shelf.Slot"), [0, 0]);
    assert_eq!(ix("pantry.Jar"), [1]);
    assert_eq!(ix("pantry.Jar.TagsEntry"), [1, 0]);
    // Go/Python/.NET count the synthetic map entry: Note is [1, 1], not [1, 0]
    assert_eq!(ix("pantry.Jar.Note"), [1, 1]);
}

#[tokio::test]
async fn auto_register_sends_imports_first_as_references() {
    let reg = registry();
    let ser = ProtobufSerializer::<Jar>::new(reg.clone(), SerializerConfig::value()).unwrap();
    let jar = sample_jar();
    let out = ser.serialize("pantry", &jar).await.unwrap();
    assert!(out.header.is_none());
    // label.proto got id 1, jar.proto id 2; Jar is the second message: indexes [1] = 02 02
    assert_eq!(&out.payload[..7], &[0, 0, 0, 0, 2, 2, 2]);
    assert_eq!(Jar::decode(&out.payload[7..]).unwrap(), jar);

    let dep = reg.version("pantry/label.proto", 1).await.unwrap();
    assert_eq!(dep.id, Some(SchemaId(1)));
    // what was sent is the pool's file (prost-reflect fills json_name, as protoc does)
    let sent = |n: &str| desc(n).parent_file().file_descriptor_proto().clone();
    assert_eq!(
        decode_file(&dep.schema.schema).unwrap(),
        sent("pantry.Label")
    );
    assert!(dep.schema.references.is_empty());

    let root = reg.latest_version("pantry-value").await.unwrap();
    let refs = &root.schema.references;
    assert_eq!(
        refs.len(),
        1,
        "the built-in timestamp import has no reference"
    );
    assert_eq!(
        (
            refs[0].name.as_str(),
            refs[0].subject.as_str(),
            refs[0].version
        ),
        ("pantry/label.proto", "pantry/label.proto", 1)
    );
    assert_eq!(
        decode_file(&root.schema.schema).unwrap(),
        sent("pantry.Jar")
    );
    let ts = reg.version("google/protobuf/timestamp.proto", -1).await;
    assert_eq!(ts.unwrap_err().error_code(), Some(40401));

    // later messages are cache hits
    let before = reg.calls().total();
    ser.serialize("pantry", &jar).await.unwrap();
    assert_eq!(reg.calls().total(), before);
}

#[tokio::test]
async fn typed_round_trip_checks_the_full_name() {
    let reg = registry();
    let ser = ProtobufSerializer::<Jar>::new(reg.clone(), SerializerConfig::value()).unwrap();
    let bytes = ser
        .serialize("pantry", &sample_jar())
        .await
        .unwrap()
        .payload;

    let de = ProtobufDeserializer::<Jar>::new(reg.clone());
    assert_eq!(de.deserialize(&bytes).await.unwrap(), sample_jar());
    // the writer schema and its reference were fetched once each, in serialized form
    let calls = (
        reg.calls().schema_by_id.load(SeqCst),
        reg.calls().version.load(SeqCst),
    );
    de.deserialize(&bytes).await.unwrap();
    assert_eq!(
        (
            reg.calls().schema_by_id.load(SeqCst),
            reg.calls().version.load(SeqCst)
        ),
        calls
    );

    let wrong = ProtobufDeserializer::<Shelf>::new(reg.clone());
    match wrong.deserialize(&bytes).await.unwrap_err() {
        Error::Protobuf(ProtobufError::MessageTypeMismatch { written, expected }) => {
            assert_eq!(
                (written.as_str(), expected.as_str()),
                ("pantry.Jar", "pantry.Shelf")
            );
        }
        e => panic!("unexpected {e}"),
    }

    // indexes naming no message of the writer's file
    let mut bad = bytes[..5].to_vec();
    bad.extend_from_slice(&[4, 2, 14]); // [1, 7]
    bad.extend_from_slice(&bytes[7..]);
    let e = de.deserialize(&bad).await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::Protobuf(ProtobufError::InvalidMessageIndexes { .. })
        ),
        "{e}"
    );
    assert!(
        e.to_string().starts_with("Invalid message indexes: [1, 7]"),
        "{e}"
    );
    let e = DynamicProtobufDeserializer::new(reg)
        .deserialize(&bad)
        .await
        .unwrap_err();
    assert!(e.to_string().starts_with("Invalid message indexes"), "{e}");
}

#[tokio::test]
async fn first_message_is_the_single_zero_byte() {
    let reg = registry();
    let ser = ProtobufSerializer::<Shelf>::new(reg.clone(), SerializerConfig::key()).unwrap();
    let shelf = Shelf { row: 4 };
    let bytes = ser.serialize("pantry", &shelf).await.unwrap().payload;
    assert_eq!(&bytes[..6], &[0, 0, 0, 0, 2, 0]);
    assert_eq!(&bytes[6..], shelf.encode_to_vec().as_slice());
    assert!(reg.latest_version("pantry-key").await.is_ok());
    let de = ProtobufDeserializer::<Shelf>::new(reg.clone());
    assert_eq!(de.deserialize(&bytes).await.unwrap(), shelf);
    // the long form `02 00` (count 1, index 0) also reads as [0]
    for alt in [&[2u8, 0][..]] {
        let mut b = bytes[..5].to_vec();
        b.extend_from_slice(alt);
        b.extend_from_slice(&bytes[6..]);
        assert_eq!(de.deserialize(&b).await.unwrap(), shelf);
    }
}

#[tokio::test]
async fn dynamic_messages_nested_types_and_type_check() {
    let reg = registry();
    let note = desc("pantry.Jar.Note");
    let ser = ProtobufSerializer::<DynamicMessage>::with_descriptor(
        reg.clone(),
        note.clone(),
        SerializerConfig::value(),
    )
    .unwrap();
    let mut msg = DynamicMessage::new(note.clone());
    msg.set_field_by_name("text", Value::String("keep cool".into()));
    let bytes = ser.serialize("notes", &msg).await.unwrap().payload;
    assert_eq!(&bytes[5..8], &[4, 2, 2]); // [1, 1]
    let de = DynamicProtobufDeserializer::new(reg.clone());
    let back = de.deserialize(&bytes).await.unwrap();
    assert_eq!(back.descriptor().full_name(), "pantry.Jar.Note");
    // descriptors of different pools never compare equal: compare the contents
    assert_eq!(
        back.get_field_by_name("text").unwrap().as_str(),
        Some("keep cool")
    );
    assert_eq!(back.encode_to_vec(), msg.encode_to_vec());
    assert_eq!(
        de.writer_message(None, &bytes).await.unwrap().full_name(),
        "pantry.Jar.Note"
    );

    let slot = desc("pantry.Shelf.Slot");
    let slot_ser = ProtobufSerializer::<DynamicMessage>::with_descriptor(
        reg.clone(),
        slot.clone(),
        SerializerConfig::value(),
    )
    .unwrap();
    let mut s = DynamicMessage::new(slot);
    s.set_field_by_name("n", Value::I32(-3));
    let b = slot_ser.serialize("slots", &s).await.unwrap().payload;
    assert_eq!(&b[5..8], &[4, 0, 0]); // [0, 0]
    assert_eq!(
        de.deserialize(&b).await.unwrap().encode_to_vec(),
        s.encode_to_vec()
    );

    // a value of another type is refused, and the buffer is left alone
    let mut out = vec![9];
    let e = ser.serialize_into("notes", &s, &mut out).await.unwrap_err();
    assert!(matches!(e, Error::Serialize(_)), "{e}");
    assert_eq!(out, [9]);

    // a generated value decodes dynamically too
    let jar_bytes = ProtobufSerializer::<Jar>::new(reg.clone(), SerializerConfig::value())
        .unwrap()
        .serialize("pantry", &sample_jar())
        .await
        .unwrap()
        .payload;
    let dynamic = de.deserialize(&jar_bytes).await.unwrap();
    assert_eq!(dynamic.descriptor().full_name(), "pantry.Jar");
    assert_eq!(
        Jar::decode(dynamic.encode_to_vec().as_slice()).unwrap(),
        sample_jar()
    );
}

#[tokio::test]
async fn header_form_puts_guid_and_indexes_in_the_header() {
    let reg = registry();
    let cfg = SerializerConfig::value().header_form();
    let ser = ProtobufSerializer::<Jar>::new(reg.clone(), cfg).unwrap();
    let out = ser.serialize("pantry", &sample_jar()).await.unwrap();
    let h = out.header.clone().unwrap();
    assert_eq!(h.name, "__value_schema_id");
    let guid = MockClient::guid_for(SchemaId(2));
    let mut expect = vec![1u8];
    expect.extend_from_slice(&guid.0);
    expect.extend_from_slice(&[2, 2]);
    assert_eq!(&*h.value, expect.as_slice());
    assert_eq!(
        Jar::decode(out.payload.as_slice()).unwrap(),
        sample_jar(),
        "bare protobuf payload"
    );

    let de = ProtobufDeserializer::<Jar>::new(reg.clone());
    assert_eq!(
        de.deserialize_with_header(Some(&h.value), &out.payload)
            .await
            .unwrap(),
        sample_jar()
    );
    let dy = DynamicProtobufDeserializer::new(reg);
    let m = dy
        .deserialize_with_header(Some(&h.value), &out.payload)
        .await
        .unwrap();
    assert_eq!(
        Jar::decode(m.encode_to_vec().as_slice()).unwrap(),
        sample_jar()
    );
    // trailing bytes after the indexes in a header are refused
    let mut long = h.value.to_vec();
    long.push(0);
    let e = de
        .deserialize_with_header(Some(&long), &out.payload)
        .await
        .unwrap_err();
    assert!(
        matches!(e, Error::Protobuf(ProtobufError::Indexes(_))),
        "{e}"
    );
}

/// jar.proto version 2: a new first message moves Jar to [2].
fn jar_file_v2() -> prost_types::FileDescriptorProto {
    let mut f = jar_file();
    f.message_type.insert(
        0,
        message("Crate", vec![field("size", 1, Type::Int32, None)]),
    );
    f
}

#[tokio::test]
async fn use_latest_and_use_id_find_the_type_by_name_in_that_schema() {
    let reg = registry();
    // register v1 through a serializer, then v2 by hand (with the same reference)
    let v1 = ProtobufSerializer::<Jar>::new(reg.clone(), SerializerConfig::value()).unwrap();
    v1.serialize("pantry", &sample_jar()).await.unwrap();
    let mut v2 = reg
        .latest_version("pantry-value")
        .await
        .unwrap()
        .schema
        .clone();
    v2.schema = codec::protobuf::descriptors::encode_file(&jar_file_v2());
    let v2_id = reg
        .register("pantry-value", &v2, false)
        .await
        .unwrap()
        .id
        .unwrap();
    assert_eq!(v2_id, SchemaId(3));

    let latest = ProtobufSerializer::<Jar>::new(
        reg.clone(),
        SerializerConfig::value().selection(SchemaSelection::UseLatest { strict: false }),
    )
    .unwrap();
    let bytes = latest
        .serialize("pantry", &sample_jar())
        .await
        .unwrap()
        .payload;
    assert_eq!(&bytes[..7], &[0, 0, 0, 0, 3, 2, 4]); // id 3, Jar at [2]
    // the consumer resolves [2] in schema 3 to pantry.Jar
    let de = ProtobufDeserializer::<Jar>::new(reg.clone());
    assert_eq!(de.deserialize(&bytes).await.unwrap(), sample_jar());

    let fixed = ProtobufSerializer::<Jar>::new(
        reg.clone(),
        SerializerConfig::value().selection(SchemaSelection::UseId {
            id: SchemaId(2),
            strict: true,
        }),
    )
    .unwrap();
    let bytes = fixed
        .serialize("anything", &sample_jar())
        .await
        .unwrap()
        .payload;
    assert_eq!(&bytes[..7], &[0, 0, 0, 0, 2, 2, 2]);
    assert_eq!(de.deserialize(&bytes).await.unwrap(), sample_jar());

    // an id whose schema lacks the type
    let label_only = ProtobufSerializer::<Jar>::new(
        reg.clone(),
        SerializerConfig::value().selection(SchemaSelection::UseId {
            id: SchemaId(1),
            strict: false,
        }),
    )
    .unwrap();
    let e = label_only.serialize("t", &sample_jar()).await.unwrap_err();
    assert!(
        e.to_string().contains("declares no message pantry.Jar"),
        "{e}"
    );
}

#[tokio::test]
async fn lookup_only_and_subject_strategies() {
    let reg = registry();
    let lookup = ProtobufSerializer::<Shelf>::new(
        reg.clone(),
        SerializerConfig::value().selection(SchemaSelection::LookupOnly),
    )
    .unwrap();
    assert!(
        lookup
            .serialize("pantry", &Shelf { row: 1 })
            .await
            .unwrap_err()
            .is_not_found()
    );

    let cfg = SerializerConfig::value()
        .strategy(SubjectNameStrategy::RecordName)
        .reference_subjects(ReferenceSubjectNameStrategy::Qualified);
    let ser = ProtobufSerializer::<Jar>::new(reg.clone(), cfg).unwrap();
    ser.serialize("ignored", &sample_jar()).await.unwrap();
    let root = reg.latest_version("pantry.Jar").await.unwrap();
    assert_eq!(root.schema.references[0].subject, "pantry.label");
    assert_eq!(root.schema.references[0].name, "pantry/label.proto");

    let cfg = SerializerConfig::value()
        .strategy(SubjectNameStrategy::RecordName)
        .reference_subjects(ReferenceSubjectNameStrategy::Qualified)
        .selection(SchemaSelection::LookupOnly);
    let found = ProtobufSerializer::<Jar>::new(reg.clone(), cfg).unwrap();
    let b = found.serialize("x", &sample_jar()).await.unwrap().payload;
    assert_eq!(&b[..5], &[0, 0, 0, 0, 2]);
}

#[tokio::test]
async fn cached_client_serves_formatted_answers_once() {
    let reg = Arc::new(CachedClient::new(MockClient::new()));
    let ser = ProtobufSerializer::<Jar>::new(reg.clone(), SerializerConfig::value()).unwrap();
    let bytes = ser
        .serialize("pantry", &sample_jar())
        .await
        .unwrap()
        .payload;
    for _ in 0..2 {
        // a fresh deserializer each time: only the client's cache can save the fetches
        let de = ProtobufDeserializer::<Jar>::new(reg.clone());
        assert_eq!(de.deserialize(&bytes).await.unwrap(), sample_jar());
    }
    let calls = reg.inner().calls();
    assert_eq!(calls.schema_by_id.load(SeqCst), 1);
    assert_eq!(calls.version.load(SeqCst), 1);
}

/// A stand-in for the registry's built-in `google/type/date.proto` (our own minimal shape).
fn date_file() -> prost_types::FileDescriptorProto {
    file(
        "google/type/date.proto",
        "google.type",
        &[],
        vec![message("Date", vec![field("year", 1, Type::Int32, None)])],
    )
}

#[tokio::test]
async fn registry_built_ins_this_client_lacks_fail_only_when_used() {
    let using = file(
        "pantry/dated.proto",
        "pantry",
        &["google/type/date.proto"],
        vec![message(
            "Dated",
            vec![field("on", 1, Type::Message, Some(".google.type.Date"))],
        )],
    );
    let unused = file(
        "pantry/undated.proto",
        "pantry",
        &["google/type/date.proto"],
        vec![message("Undated", vec![field("n", 1, Type::Int32, None)])],
    );
    let pool = pool_of(vec![date_file(), using, unused]);
    let reg = registry();
    let mut written = Vec::new();
    for name in ["pantry.Dated", "pantry.Undated"] {
        let d = pool.get_message_by_name(name).unwrap();
        let ser = ProtobufSerializer::<DynamicMessage>::with_descriptor(
            reg.clone(),
            d.clone(),
            SerializerConfig::value(),
        )
        .unwrap();
        written.push(
            ser.serialize(name, &DynamicMessage::new(d))
                .await
                .unwrap()
                .payload,
        );
    }
    // google/type/* was neither registered nor referenced
    assert_eq!(reg.calls().register.load(SeqCst), 2);

    let plain = DynamicProtobufDeserializer::new(reg.clone());
    let e = plain.deserialize(&written[0]).await.unwrap_err();
    assert!(matches!(e, Error::Schema(_)), "{e}");
    assert!(e.to_string().contains("google/type/date.proto"), "{e}");
    let ok = plain.deserialize(&written[1]).await.unwrap();
    assert_eq!(ok.descriptor().full_name(), "pantry.Undated");

    let with_base = DynamicProtobufDeserializer::with_base_pool(reg.clone(), pool);
    let m = with_base.deserialize(&written[0]).await.unwrap();
    assert_eq!(m.descriptor().full_name(), "pantry.Dated");
}

#[tokio::test]
async fn proto_text_schemas_are_refused_clearly() {
    let reg = registry();
    let id = reg
        .register(
            "t-value",
            &codec::Schema::protobuf("syntax = \"proto3\"; message A {}"),
            false,
        )
        .await
        .unwrap()
        .id
        .unwrap();
    let mut bytes = vec![0];
    bytes.extend_from_slice(&id.0.to_be_bytes());
    bytes.push(0);
    let e = DynamicProtobufDeserializer::new(reg)
        .deserialize(&bytes)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("format=serialized"), "{e}");
}
