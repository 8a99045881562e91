//! Test helpers shared by the descriptor and symbol-table tests: file-model builders and a
//! small resolver that follows protobuf's scope walk over a fixed set of known types.

use std::collections::HashMap;

use super::ast::{
    Enum, EnumValue, Field, FieldType, Group, Label, Message, NamedKind, OptionEntry, OptionValue,
    ProtoFile, ResolvedName, Scalar, Syntax,
};

pub fn field(name: &str, field_type: FieldType, number: i32) -> Field {
    Field {
        label: None,
        field_type,
        name: name.to_owned(),
        number,
        options: Vec::new(),
        default: None,
        json_name: None,
    }
}

pub fn labelled(label: Label, name: &str, field_type: FieldType, number: i32) -> Field {
    Field {
        label: Some(label),
        ..field(name, field_type, number)
    }
}

pub fn scalar(s: Scalar) -> FieldType {
    FieldType::Scalar(s)
}

pub fn named(name: &str) -> FieldType {
    FieldType::Named(name.to_owned())
}

pub fn ident(name: &str, value: &str) -> OptionEntry {
    OptionEntry {
        name: name.to_owned(),
        value: OptionValue::Identifier(value.to_owned()),
    }
}

pub fn string_opt(name: &str, value: &str) -> OptionEntry {
    OptionEntry {
        name: name.to_owned(),
        value: OptionValue::String(value.as_bytes().to_vec()),
    }
}

/// An empty proto3 file in `package`.
pub fn file(package: Option<&str>) -> ProtoFile {
    ProtoFile {
        syntax: Some(Syntax::Proto3),
        package: package.map(str::to_owned),
        ..ProtoFile::default()
    }
}

/// An optional group whose message is `body`.
pub fn group(name: &str, number: i32, body: Message) -> Group {
    Group {
        label: Some(Label::Optional),
        name: name.to_owned(),
        number,
        options: Vec::new(),
        body,
    }
}

/// A message marked `map_entry = true` with its `key` and `value` fields, as descriptors
/// spell a map.
pub fn map_entry(name: &str, key: Scalar, value: FieldType) -> Message {
    let mut entry = message(
        name,
        vec![
            labelled(Label::Optional, "key", scalar(key), 1),
            labelled(Label::Optional, "value", value, 2),
        ],
    );
    entry.options.push(ident("map_entry", "true"));
    entry
}

pub fn message(name: &str, fields: Vec<Field>) -> Message {
    Message {
        name: name.to_owned(),
        fields,
        ..Message::default()
    }
}

pub fn enumeration(name: &str, values: &[(&str, i32)]) -> Enum {
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

/// Full names (no leading dot) of every message and enum of `file`.
pub fn types_of(file: &ProtoFile) -> HashMap<String, NamedKind> {
    fn walk(
        scope: &str,
        messages: &[Message],
        enums: &[Enum],
        out: &mut HashMap<String, NamedKind>,
    ) {
        let join = |n: &str| {
            if scope.is_empty() {
                n.to_owned()
            } else {
                format!("{scope}.{n}")
            }
        };
        for e in enums {
            out.insert(join(&e.name), NamedKind::Enum);
        }
        for m in messages {
            let full = join(&m.name);
            out.insert(full.clone(), NamedKind::Message);
            walk(&full, &m.messages, &m.enums, out);
            for g in &m.groups {
                out.insert(format!("{full}.{}", g.name), NamedKind::Message);
            }
        }
    }
    let mut out = HashMap::new();
    walk(
        file.package.as_deref().unwrap_or(""),
        &file.messages,
        &file.enums,
        &mut out,
    );
    out
}

/// Resolves like protoc for names whose first part is a type: innermost scope first.
pub fn resolver(types: HashMap<String, NamedKind>) -> impl Fn(&str, &str) -> Option<ResolvedName> {
    move |scope: &str, written: &str| {
        let found = |full: &str| {
            types.get(full).map(|kind| ResolvedName {
                full_name: format!(".{full}"),
                kind: *kind,
            })
        };
        if let Some(absolute) = written.strip_prefix('.') {
            return found(absolute);
        }
        let mut scope = scope.to_owned();
        loop {
            let candidate = if scope.is_empty() {
                written.to_owned()
            } else {
                format!("{scope}.{written}")
            };
            if let Some(hit) = found(&candidate) {
                return Some(hit);
            }
            if scope.is_empty() {
                return None;
            }
            scope = scope
                .rfind('.')
                .map_or(String::new(), |i| scope[..i].to_owned());
        }
    }
}
