//! Test fixture: two hand-built `.proto`-free files (`pantry/label.proto`, and `pantry/jar.proto`
//! importing it and `google/protobuf/timestamp.proto`), plus generated-style types for them.
#![allow(dead_code, clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::LazyLock;

use prost_reflect::{DescriptorPool, MessageDescriptor, ReflectMessage};
use prost_types::field_descriptor_proto::{Label as L, Type};
use prost_types::{
    DescriptorProto, EnumDescriptorProto, EnumValueDescriptorProto, FieldDescriptorProto,
    FileDescriptorProto, MessageOptions,
};

pub fn field(name: &str, number: i32, ty: Type, type_name: Option<&str>) -> FieldDescriptorProto {
    FieldDescriptorProto {
        name: Some(name.into()),
        number: Some(number),
        label: Some(L::Optional as i32),
        r#type: Some(ty as i32),
        type_name: type_name.map(str::to_owned),
        json_name: None,
        ..Default::default()
    }
}

pub fn message(name: &str, fields: Vec<FieldDescriptorProto>) -> DescriptorProto {
    DescriptorProto {
        name: Some(name.into()),
        field: fields,
        ..Default::default()
    }
}

pub fn file(
    name: &str,
    package: &str,
    deps: &[&str],
    messages: Vec<DescriptorProto>,
) -> FileDescriptorProto {
    FileDescriptorProto {
        name: Some(name.into()),
        package: Some(package.into()),
        syntax: Some("proto3".into()),
        dependency: deps.iter().map(|d| (*d).to_owned()).collect(),
        message_type: messages,
        ..Default::default()
    }
}

pub fn label_file() -> FileDescriptorProto {
    file(
        "pantry/label.proto",
        "pantry",
        &[],
        vec![message("Label", vec![field("text", 1, Type::String, None)])],
    )
}

/// `enum Lid` first (enums do not count), `Shelf { Slot }` = [0] / [0,0],
/// `Jar { TagsEntry, Note }` = [1] / [1,0] / [1,1] (the map entry counts, as in Go and Python).
pub fn jar_file() -> FileDescriptorProto {
    let mut shelf = message("Shelf", vec![field("row", 1, Type::Int32, None)]);
    shelf
        .nested_type
        .push(message("Slot", vec![field("n", 1, Type::Int32, None)]));
    let mut tags_entry = message(
        "TagsEntry",
        vec![
            field("key", 1, Type::String, None),
            field("value", 2, Type::Int32, None),
        ],
    );
    tags_entry.options = Some(MessageOptions {
        map_entry: Some(true),
        ..Default::default()
    });
    let mut tags = field("tags", 5, Type::Message, Some(".pantry.Jar.TagsEntry"));
    tags.label = Some(L::Repeated as i32);
    let mut jar = message(
        "Jar",
        vec![
            field("contents", 1, Type::String, None),
            field("grams", 2, Type::Int64, None),
            field("label", 3, Type::Message, Some(".pantry.Label")),
            field(
                "filled",
                4,
                Type::Message,
                Some(".google.protobuf.Timestamp"),
            ),
            tags,
        ],
    );
    jar.nested_type.push(tags_entry);
    jar.nested_type
        .push(message("Note", vec![field("text", 1, Type::String, None)]));
    let mut f = file(
        "pantry/jar.proto",
        "pantry",
        &["pantry/label.proto", "google/protobuf/timestamp.proto"],
        vec![shelf, jar],
    );
    f.enum_type.push(EnumDescriptorProto {
        name: Some("Lid".into()),
        value: vec![EnumValueDescriptorProto {
            name: Some("LID_UNSPECIFIED".into()),
            number: Some(0),
            options: None,
        }],
        ..Default::default()
    });
    f
}

/// A pool with both files (and the well-known types from the global pool).
pub fn pool_of(files: Vec<FileDescriptorProto>) -> DescriptorPool {
    let mut pool = DescriptorPool::global();
    for f in files {
        pool.add_file_descriptor_proto(f).unwrap();
    }
    pool
}

pub static POOL: LazyLock<DescriptorPool> =
    LazyLock::new(|| pool_of(vec![label_file(), jar_file()]));

pub fn desc(name: &str) -> MessageDescriptor {
    POOL.get_message_by_name(name).unwrap()
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Label {
    #[prost(string, tag = "1")]
    pub text: String,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Shelf {
    #[prost(int32, tag = "1")]
    pub row: i32,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Jar {
    #[prost(string, tag = "1")]
    pub contents: String,
    #[prost(int64, tag = "2")]
    pub grams: i64,
    #[prost(message, optional, tag = "3")]
    pub label: Option<Label>,
    #[prost(message, optional, tag = "4")]
    pub filled: Option<prost_types::Timestamp>,
    #[prost(map = "string, int32", tag = "5")]
    pub tags: HashMap<String, i32>,
}

impl ReflectMessage for Shelf {
    fn descriptor(&self) -> MessageDescriptor {
        desc("pantry.Shelf")
    }
}

impl ReflectMessage for Jar {
    fn descriptor(&self) -> MessageDescriptor {
        desc("pantry.Jar")
    }
}

pub fn sample_jar() -> Jar {
    Jar {
        contents: "plum jam".into(),
        grams: 340,
        label: Some(Label {
            text: "2024 batch".into(),
        }),
        filled: Some(prost_types::Timestamp {
            seconds: 1_700_000_000,
            nanos: 5,
        }),
        tags: HashMap::from([("sweet".to_owned(), 3), ("sour".to_owned(), 1)]),
    }
}
