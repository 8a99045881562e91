//! `.proto` text into the file model: `protox-parse` reads the text into an unlinked
//! `FileDescriptorProto` with source locations; this module rebuilds what was written from
//! it (labels only where written, `map<K, V>` fields, groups, oneofs without proto3's
//! synthetic ones, `reserved`/`extensions`/`extend` statements as grouped in the text).

use std::collections::{HashMap, HashSet};

use prost_types::field_descriptor_proto::{Label as DescLabel, Type};
use prost_types::{
    DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto,
    ServiceDescriptorProto, UninterpretedOption,
};

use super::aggregate;
use super::ast::{
    Enum, EnumValue, Extend, ExtensionRanges, Field, FieldType, Group, Import, ImportKind, Label,
    Message, NumberRange, Oneof, OptionEntry, OptionValue, ProtoFile, Reserved, Rpc, Scalar,
    Service, Syntax,
};
use crate::schema::SchemaError;
use crate::schema::limits::too_deep;

// Field numbers of descriptor messages, as source-location paths use them.
const FILE_MESSAGE: i32 = 4;
const FILE_ENUM: i32 = 5;
const FILE_EXTENSION: i32 = 7;
const FILE_SYNTAX: i32 = 12;
const MESSAGE_FIELD: i32 = 2;
const MESSAGE_NESTED: i32 = 3;
const MESSAGE_ENUM: i32 = 4;
const MESSAGE_EXTENSION_RANGE: i32 = 5;
const MESSAGE_EXTENSION: i32 = 6;
const MESSAGE_RESERVED_RANGE: i32 = 9;
const MESSAGE_RESERVED_NAME: i32 = 10;
const FIELD_LABEL: i32 = 4;
const ENUM_RESERVED_RANGE: i32 = 4;
const ENUM_RESERVED_NAME: i32 = 5;

/// The 42201 text for a file that cannot be read.
pub(super) fn parse_error(reason: &str) -> SchemaError {
    SchemaError::new(format!(
        "Invalid schema of type PROTOBUF, details: Could not parse Protobuf - {reason}"
    ))
}

/// Parses `.proto` text (proto2 or proto3).
///
/// # Errors
/// 42201 `Invalid schema of type PROTOBUF, details: Could not parse Protobuf - ...` for text
/// that is not a valid `.proto` file, declares an edition, or nests past `max_depth`.
pub fn parse(text: &str, max_depth: usize) -> Result<ProtoFile, SchemaError> {
    check_nesting(text, max_depth)?;
    let descriptor =
        protox_parse::parse("default", text).map_err(|error| parse_error(&error.to_string()))?;
    match descriptor.syntax.as_deref() {
        None | Some("proto2" | "proto3") => {}
        Some(other) => {
            return Err(parse_error(&format!(
                "{other} are not supported; declare syntax = \"proto2\" or \"proto3\""
            )));
        }
    }
    let locations = Locations::new(&descriptor);
    Reader {
        locations,
        max_depth,
    }
    .file(&descriptor)
}

/// Refuses text whose brackets nest past `max_depth` before the parser recurses into it
/// (comments and string literals are skipped; `<` and `[` count like `{`).
fn check_nesting(text: &str, max_depth: usize) -> Result<(), SchemaError> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while bytes.get(i).is_some_and(|&c| c != b'\n') {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while bytes.get(i).is_some() && !bytes[i..].starts_with(b"*/") {
                    i += 1;
                }
                i += 1;
            }
            b'"' | b'\'' => {
                i += 1;
                while let Some(&c) = bytes.get(i) {
                    if c == b'\\' {
                        i += 1;
                    } else if c == b || c == b'\n' {
                        break;
                    }
                    i += 1;
                }
            }
            b'{' | b'<' | b'[' => {
                depth += 1;
                if depth > max_depth {
                    return Err(parse_error(&too_deep("nesting", max_depth)));
                }
            }
            b'}' | b'>' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// A source span reduced to what ordering and containment need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Span {
    start: (i32, i32),
    end: (i32, i32),
}

impl Span {
    fn of(raw: &[i32]) -> Option<Span> {
        match *raw {
            [line, col, end_col] => Some(Span {
                start: (line, col),
                end: (line, end_col),
            }),
            [line, col, end_line, end_col] => Some(Span {
                start: (line, col),
                end: (end_line, end_col),
            }),
            _ => None,
        }
    }

    fn contains(self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

/// The source locations of a parsed file, by path.
struct Locations {
    spans: HashMap<Vec<i32>, Vec<Span>>,
}

impl Locations {
    fn new(descriptor: &FileDescriptorProto) -> Self {
        let mut spans: HashMap<Vec<i32>, Vec<Span>> = HashMap::new();
        for location in descriptor
            .source_code_info
            .iter()
            .flat_map(|info| &info.location)
        {
            if let Some(span) = Span::of(&location.span) {
                spans.entry(location.path.clone()).or_default().push(span);
            }
        }
        Locations { spans }
    }

    fn written(&self, path: &[i32]) -> bool {
        self.spans.contains_key(path)
    }

    fn first(&self, path: &[i32]) -> Option<Span> {
        self.spans
            .get(path)
            .and_then(|spans| spans.first().copied())
    }

    /// The statements at `path` (each `reserved`, `extensions` or `extend` written), in
    /// source order, and for each item `path + [i]` (i < `count`) the statement holding it.
    fn statements(&self, path: &[i32], count: usize) -> Vec<Vec<usize>> {
        let mut statements: Vec<Span> = self.spans.get(path).cloned().unwrap_or_default();
        statements.sort();
        let mut grouped: Vec<Vec<usize>> = vec![Vec::new(); statements.len()];
        let mut orphans = Vec::new();
        for item in 0..count {
            let mut item_path = path.to_vec();
            item_path.push(i32::try_from(item).unwrap_or(i32::MAX));
            let holder = self.first(&item_path).and_then(|span| {
                statements
                    .iter()
                    .position(|statement| statement.contains(span))
            });
            match holder.and_then(|at| grouped.get_mut(at)) {
                Some(group) => group.push(item),
                None => orphans.push(item),
            }
        }
        grouped.retain(|group| !group.is_empty());
        if !orphans.is_empty() {
            grouped.push(orphans);
        }
        grouped
    }
}

fn child(path: &[i32], field: i32, index: usize) -> Vec<i32> {
    let mut path = path.to_vec();
    path.push(field);
    path.push(i32::try_from(index).unwrap_or(i32::MAX));
    path
}

fn with(path: &[i32], field: i32) -> Vec<i32> {
    let mut path = path.to_vec();
    path.push(field);
    path
}

struct Reader {
    locations: Locations,
    max_depth: usize,
}

impl Reader {
    fn file(&self, descriptor: &FileDescriptorProto) -> Result<ProtoFile, SchemaError> {
        let syntax = self.locations.written(&[FILE_SYNTAX]).then(|| {
            if descriptor.syntax.as_deref() == Some("proto3") {
                Syntax::Proto3
            } else {
                Syntax::Proto2
            }
        });
        let imports = imports(descriptor);
        let messages = descriptor
            .message_type
            .iter()
            .enumerate()
            .map(|(i, message)| self.message(message, &child(&[], FILE_MESSAGE, i), 1))
            .collect::<Result<_, _>>()?;
        let enums = descriptor
            .enum_type
            .iter()
            .enumerate()
            .map(|(i, e)| self.enumeration(e, &child(&[], FILE_ENUM, i)))
            .collect::<Result<_, _>>()?;
        let extends = self.extends(&descriptor.extension, &[FILE_EXTENSION])?;
        let services = descriptor
            .service
            .iter()
            .map(Self::service)
            .collect::<Result<_, _>>()?;
        Ok(ProtoFile {
            syntax,
            package: descriptor.package.clone(),
            imports,
            options: options(descriptor.options.as_ref().map(|o| &o.uninterpreted_option))?,
            messages,
            enums,
            extends,
            services,
        })
    }

    fn message(
        &self,
        message: &DescriptorProto,
        path: &[i32],
        depth: usize,
    ) -> Result<Message, SchemaError> {
        if depth > self.max_depth {
            return Err(parse_error(&too_deep("nesting", self.max_depth)));
        }
        let map_entries: HashMap<&str, &DescriptorProto> = message
            .nested_type
            .iter()
            .filter(|nested| nested.options.as_ref().and_then(|o| o.map_entry) == Some(true))
            .map(|nested| (nested.name(), nested))
            .collect();
        let group_names: HashSet<&str> = message
            .field
            .iter()
            .filter(|field| field.r#type() == Type::Group && field.r#type.is_some())
            .map(FieldDescriptorProto::type_name)
            .collect();
        let synthetic_oneofs: HashSet<i32> = message
            .field
            .iter()
            .filter(|field| field.proto3_optional == Some(true))
            .filter_map(|field| field.oneof_index)
            .collect();

        let mut body = Message {
            name: message.name().to_owned(),
            options: options(message.options.as_ref().map(|o| &o.uninterpreted_option))?,
            ..Message::default()
        };
        let mut oneofs: Vec<(i32, Oneof)> = Vec::new();
        for (i, oneof) in message.oneof_decl.iter().enumerate() {
            let index = i32::try_from(i).unwrap_or(i32::MAX);
            if !synthetic_oneofs.contains(&index) {
                oneofs.push((
                    index,
                    Oneof {
                        name: oneof.name().to_owned(),
                        options: options(oneof.options.as_ref().map(|o| &o.uninterpreted_option))?,
                        fields: Vec::new(),
                    },
                ));
            }
        }
        for (i, field) in message.field.iter().enumerate() {
            let field_path = child(path, MESSAGE_FIELD, i);
            let label = self.label(field, &field_path);
            if field.r#type.is_some() && field.r#type() == Type::Group {
                let nested_index = message
                    .nested_type
                    .iter()
                    .position(|nested| nested.name() == field.type_name());
                let nested = nested_index.and_then(|at| message.nested_type.get(at));
                let (Some(at), Some(nested)) = (nested_index, nested) else {
                    return Err(parse_error(&format!(
                        "group {} has no body",
                        field.type_name()
                    )));
                };
                body.groups.push(Group {
                    label,
                    name: field.type_name().to_owned(),
                    number: field.number(),
                    options: options(field.options.as_ref().map(|o| &o.uninterpreted_option))?,
                    body: self.message(nested, &child(path, MESSAGE_NESTED, at), depth + 1)?,
                });
                continue;
            }
            let converted = match map_entries.get(field.type_name()) {
                Some(entry) if field.type_name.is_some() => map_field(field, entry)?,
                _ => plain_field(field, label)?,
            };
            let oneof = field
                .oneof_index
                .and_then(|index| oneofs.iter_mut().find(|(at, _)| *at == index));
            match oneof {
                Some((_, oneof)) => oneof.fields.push(converted),
                None => body.fields.push(converted),
            }
        }
        body.oneofs = oneofs.into_iter().map(|(_, oneof)| oneof).collect();
        body.reserved = self.reserved(
            path,
            (MESSAGE_RESERVED_RANGE, MESSAGE_RESERVED_NAME),
            message
                .reserved_range
                .iter()
                .map(|r| (r.start(), r.end().saturating_sub(1)))
                .collect(),
            &message.reserved_name,
        );
        body.extension_ranges = self.extension_ranges(message, path)?;
        body.extends = self.extends(&message.extension, &with(path, MESSAGE_EXTENSION))?;
        for (i, nested) in message.nested_type.iter().enumerate() {
            if map_entries.contains_key(nested.name()) || group_names.contains(nested.name()) {
                continue;
            }
            body.messages
                .push(self.message(nested, &child(path, MESSAGE_NESTED, i), depth + 1)?);
        }
        body.enums = message
            .enum_type
            .iter()
            .enumerate()
            .map(|(i, e)| self.enumeration(e, &child(path, MESSAGE_ENUM, i)))
            .collect::<Result<_, _>>()?;
        Ok(body)
    }

    fn label(&self, field: &FieldDescriptorProto, field_path: &[i32]) -> Option<Label> {
        if !self.locations.written(&with(field_path, FIELD_LABEL)) {
            return None;
        }
        Some(match field.label() {
            DescLabel::Optional => Label::Optional,
            DescLabel::Required => Label::Required,
            DescLabel::Repeated => Label::Repeated,
        })
    }

    /// `reserved` statements as written: `ranges` are inclusive.
    fn reserved(
        &self,
        path: &[i32],
        (range_field, name_field): (i32, i32),
        ranges: Vec<(i32, i32)>,
        names: &[String],
    ) -> Vec<Reserved> {
        let mut statements: Vec<(Option<Span>, Reserved)> = Vec::new();
        let range_path = with(path, range_field);
        for group in self.locations.statements(&range_path, ranges.len()) {
            let span = group
                .first()
                .and_then(|&i| self.locations.first(&child(path, range_field, i)));
            let ranges = group
                .iter()
                .filter_map(|&i| ranges.get(i))
                .map(|&(start, end)| NumberRange { start, end })
                .collect();
            statements.push((span, Reserved::Ranges(ranges)));
        }
        let name_path = with(path, name_field);
        for group in self.locations.statements(&name_path, names.len()) {
            let span = group
                .first()
                .and_then(|&i| self.locations.first(&child(path, name_field, i)));
            let names = group
                .iter()
                .filter_map(|&i| names.get(i).cloned())
                .collect();
            statements.push((span, Reserved::Names(names)));
        }
        statements.sort_by_key(|(span, _)| *span);
        statements.into_iter().map(|(_, r)| r).collect()
    }

    fn extension_ranges(
        &self,
        message: &DescriptorProto,
        path: &[i32],
    ) -> Result<Vec<ExtensionRanges>, SchemaError> {
        let range_path = with(path, MESSAGE_EXTENSION_RANGE);
        self.locations
            .statements(&range_path, message.extension_range.len())
            .into_iter()
            .map(|group| {
                let first = group.first().and_then(|&i| message.extension_range.get(i));
                Ok(ExtensionRanges {
                    ranges: group
                        .iter()
                        .filter_map(|&i| message.extension_range.get(i))
                        .map(|r| NumberRange {
                            start: r.start(),
                            end: r.end().saturating_sub(1),
                        })
                        .collect(),
                    options: options(
                        first
                            .and_then(|r| r.options.as_ref())
                            .map(|o| &o.uninterpreted_option),
                    )?,
                })
            })
            .collect()
    }

    fn extends(
        &self,
        fields: &[FieldDescriptorProto],
        path: &[i32],
    ) -> Result<Vec<Extend>, SchemaError> {
        self.locations
            .statements(path, fields.len())
            .into_iter()
            .map(|group| {
                let members: Vec<&FieldDescriptorProto> =
                    group.iter().filter_map(|&i| fields.get(i)).collect();
                let extendee = members
                    .first()
                    .map(|f| f.extendee().to_owned())
                    .unwrap_or_default();
                let fields = group
                    .iter()
                    .filter_map(|&i| fields.get(i).map(|f| (i, f)))
                    .map(|(i, f)| {
                        let mut field_path = path.to_vec();
                        field_path.push(i32::try_from(i).unwrap_or(i32::MAX));
                        plain_field(f, self.label(f, &field_path))
                    })
                    .collect::<Result<_, _>>()?;
                Ok(Extend { extendee, fields })
            })
            .collect()
    }

    fn enumeration(&self, e: &EnumDescriptorProto, path: &[i32]) -> Result<Enum, SchemaError> {
        let values = e
            .value
            .iter()
            .map(|value| {
                Ok(EnumValue {
                    name: value.name().to_owned(),
                    number: value.number(),
                    options: options(value.options.as_ref().map(|o| &o.uninterpreted_option))?,
                })
            })
            .collect::<Result<_, SchemaError>>()?;
        Ok(Enum {
            name: e.name().to_owned(),
            options: options(e.options.as_ref().map(|o| &o.uninterpreted_option))?,
            reserved: self.reserved(
                path,
                (ENUM_RESERVED_RANGE, ENUM_RESERVED_NAME),
                e.reserved_range
                    .iter()
                    .map(|r| (r.start(), r.end()))
                    .collect(),
                &e.reserved_name,
            ),
            values,
        })
    }

    fn service(service: &ServiceDescriptorProto) -> Result<Service, SchemaError> {
        let rpcs = service
            .method
            .iter()
            .map(|method| {
                Ok(Rpc {
                    name: method.name().to_owned(),
                    input: method.input_type().to_owned(),
                    input_stream: method.client_streaming(),
                    output: method.output_type().to_owned(),
                    output_stream: method.server_streaming(),
                    options: options(method.options.as_ref().map(|o| &o.uninterpreted_option))?,
                })
            })
            .collect::<Result<_, SchemaError>>()?;
        Ok(Service {
            name: service.name().to_owned(),
            options: options(service.options.as_ref().map(|o| &o.uninterpreted_option))?,
            rpcs,
        })
    }
}

/// A descriptor's imports in order, each marked public or weak as its index lists say.
pub(super) fn imports(descriptor: &FileDescriptorProto) -> Vec<Import> {
    let public: HashSet<i32> = descriptor.public_dependency.iter().copied().collect();
    let weak: HashSet<i32> = descriptor.weak_dependency.iter().copied().collect();
    descriptor
        .dependency
        .iter()
        .enumerate()
        .map(|(i, path)| {
            let index = i32::try_from(i).unwrap_or(i32::MAX);
            let kind = if public.contains(&index) {
                ImportKind::Public
            } else if weak.contains(&index) {
                ImportKind::Weak
            } else {
                ImportKind::Plain
            };
            Import {
                path: path.clone(),
                kind,
            }
        })
        .collect()
}

/// A field's type as written.
fn field_type(field: &FieldDescriptorProto) -> Result<FieldType, SchemaError> {
    if let Some(name) = &field.type_name {
        return Ok(FieldType::Named(name.clone()));
    }
    scalar_of(field.r#type())
        .map(FieldType::Scalar)
        .ok_or_else(|| parse_error(&format!("field {} has no type", field.name())))
}

/// The scalar a descriptor type code stands for.
pub(super) fn scalar_of(kind: Type) -> Option<Scalar> {
    Some(match kind {
        Type::Double => Scalar::Double,
        Type::Float => Scalar::Float,
        Type::Int64 => Scalar::Int64,
        Type::Uint64 => Scalar::Uint64,
        Type::Int32 => Scalar::Int32,
        Type::Fixed64 => Scalar::Fixed64,
        Type::Fixed32 => Scalar::Fixed32,
        Type::Bool => Scalar::Bool,
        Type::String => Scalar::String,
        Type::Bytes => Scalar::Bytes,
        Type::Uint32 => Scalar::Uint32,
        Type::Sfixed32 => Scalar::Sfixed32,
        Type::Sfixed64 => Scalar::Sfixed64,
        Type::Sint32 => Scalar::Sint32,
        Type::Sint64 => Scalar::Sint64,
        Type::Group | Type::Message | Type::Enum => return None,
    })
}

fn plain_field(field: &FieldDescriptorProto, label: Option<Label>) -> Result<Field, SchemaError> {
    let field_type = field_type(field)?;
    let default = match &field.default_value {
        Some(text) => Some(default_value(&field_type, text)?),
        None => None,
    };
    Ok(Field {
        label,
        field_type,
        name: field.name().to_owned(),
        number: field.number(),
        options: options(field.options.as_ref().map(|o| &o.uninterpreted_option))?,
        default,
        json_name: field.json_name.clone(),
    })
}

/// A `map<K, V>` field, from the repeated field and its synthetic entry message.
fn map_field(field: &FieldDescriptorProto, entry: &DescriptorProto) -> Result<Field, SchemaError> {
    let key = entry.field.iter().find(|f| f.number() == 1);
    let value = entry.field.iter().find(|f| f.number() == 2);
    let (Some(key), Some(value)) = (key, value) else {
        return Err(parse_error(&format!(
            "map field {} is malformed",
            field.name()
        )));
    };
    let Some(key) = scalar_of(key.r#type()).filter(|_| key.type_name.is_none()) else {
        return Err(parse_error(&format!(
            "map field {} has a key that is not a scalar",
            field.name()
        )));
    };
    Ok(Field {
        label: None,
        field_type: FieldType::Map {
            key,
            value: Box::new(field_type(value)?),
        },
        name: field.name().to_owned(),
        number: field.number(),
        options: options(field.options.as_ref().map(|o| &o.uninterpreted_option))?,
        default: None,
        json_name: field.json_name.clone(),
    })
}

/// A descriptor's `default_value` text as the literal the field type implies.
pub(super) fn default_value(
    field_type: &FieldType,
    text: &str,
) -> Result<OptionValue, SchemaError> {
    Ok(match field_type {
        FieldType::Scalar(Scalar::String) => OptionValue::String(text.as_bytes().to_vec()),
        FieldType::Scalar(Scalar::Bytes) => {
            OptionValue::String(aggregate::unescape(text).map_err(|e| parse_error(&e))?)
        }
        FieldType::Scalar(_) => aggregate::scalar(text),
        FieldType::Named(_) | FieldType::Map { .. } => OptionValue::Identifier(text.to_owned()),
    })
}

/// Options as written, in order.
fn options(options: Option<&Vec<UninterpretedOption>>) -> Result<Vec<OptionEntry>, SchemaError> {
    options
        .into_iter()
        .flatten()
        .map(|option| {
            let name = option
                .name
                .iter()
                .map(|part| {
                    if part.is_extension {
                        format!("({})", part.name_part)
                    } else {
                        part.name_part.clone()
                    }
                })
                .collect::<Vec<_>>()
                .join(".");
            let value = if let Some(identifier) = &option.identifier_value {
                OptionValue::Identifier(identifier.clone())
            } else if let Some(value) = option.positive_int_value {
                OptionValue::Int {
                    negative: false,
                    magnitude: value,
                }
            } else if let Some(value) = option.negative_int_value {
                OptionValue::Int {
                    negative: true,
                    magnitude: value.unsigned_abs(),
                }
            } else if let Some(value) = option.double_value {
                OptionValue::Float(value)
            } else if let Some(bytes) = &option.string_value {
                OptionValue::String(bytes.clone())
            } else if let Some(text) = &option.aggregate_value {
                OptionValue::Aggregate(
                    aggregate::parse(text, crate::schema::limits::DEFAULT_MAX_DEPTH)
                        .map_err(|e| parse_error(&e))?,
                )
            } else {
                return Err(parse_error(&format!("option {name} has no value")));
            };
            Ok(OptionEntry { name, value })
        })
        .collect()
}

#[cfg(test)]
#[path = "text_tests.rs"]
mod tests;
