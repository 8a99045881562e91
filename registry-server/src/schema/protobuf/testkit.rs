//! Builders for hand-made file models in tests (until text input is available everywhere).

use super::ast::{
    Enum, EnumValue, Field, FieldType, Group, Label, Message, OptionEntry, OptionValue, ProtoFile,
    Scalar, Syntax,
};

pub(crate) fn file(package: Option<&str>) -> ProtoFile {
    ProtoFile {
        syntax: Some(Syntax::Proto3),
        package: package.map(str::to_owned),
        ..ProtoFile::default()
    }
}

pub(crate) fn message(name: &str) -> Message {
    Message {
        name: name.to_owned(),
        ..Message::default()
    }
}

pub(crate) fn field(label: Option<Label>, field_type: FieldType, name: &str, number: i32) -> Field {
    Field {
        label,
        field_type,
        name: name.to_owned(),
        number,
        options: Vec::new(),
        default: None,
        json_name: None,
    }
}

pub(crate) fn scalar(s: Scalar) -> FieldType {
    FieldType::Scalar(s)
}

pub(crate) fn named(name: &str) -> FieldType {
    FieldType::Named(name.to_owned())
}

pub(crate) fn enumeration(name: &str, values: &[(&str, i32)]) -> Enum {
    Enum {
        name: name.to_owned(),
        values: values
            .iter()
            .map(|(n, v)| EnumValue {
                name: (*n).to_owned(),
                number: *v,
                options: Vec::new(),
            })
            .collect(),
        ..Enum::default()
    }
}

pub(crate) fn group(name: &str, number: i32, body: Message) -> Group {
    Group {
        label: Some(Label::Optional),
        name: name.to_owned(),
        number,
        options: Vec::new(),
        body,
    }
}

pub(crate) fn map_entry(name: &str, key: Scalar, value: FieldType) -> Message {
    let mut entry = message(name);
    entry.options.push(OptionEntry {
        name: "map_entry".to_owned(),
        value: OptionValue::Identifier("true".to_owned()),
    });
    entry
        .fields
        .push(field(Some(Label::Optional), scalar(key), "key", 1));
    entry
        .fields
        .push(field(Some(Label::Optional), value, "value", 2));
    entry
}
