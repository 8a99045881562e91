//! The file model as a linked `FileDescriptorProto` (what `format=serialized` returns and
//! what a descriptor pool loads): every type name resolved to its full name, `map<K, V>`
//! expanded into a nested `XxxEntry` message, proto3 `optional` as a synthetic oneof, labels
//! and `json_name` filled in as protoc fills them, known options interpreted.
//!
//! Custom (parenthesized) options are not carried over: they would need the extension's
//! definition to encode (`serialized_meta` adds Confluent's meta options to the bytes). Map-entry messages are appended after the written nested messages
//! (and group bodies), in field order, as Confluent places them, so that a nested message's
//! index is the same as in the text.

use std::collections::HashSet;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use prost::Message as _;
use prost_types::field_descriptor_proto::{Label as PbLabel, Type as PbType};
use prost_types::{
    DescriptorProto, EnumDescriptorProto, EnumValueDescriptorProto, FieldDescriptorProto,
    FileDescriptorProto, MessageOptions, MethodDescriptorProto, OneofDescriptorProto,
    ServiceDescriptorProto, descriptor_proto, enum_descriptor_proto,
};

use super::ast::{
    Enum, Extend, Field, FieldType, Group, ImportKind, Label, Message, NameResolver, NamedKind,
    ProtoFile, Reserved, Scalar, Service, Syntax,
};
use super::default_value::{self, DefaultKind};
use super::descriptor_options as opts;
use crate::schema::SchemaError;
use crate::schema::limits::{DEFAULT_MAX_DEPTH, too_deep};

/// The file name Confluent gives the root file of `format=serialized`.
pub const DEFAULT_FILE_NAME: &str = "default";

/// [`to_descriptor_named`] with the file name `default`.
///
/// # Errors
/// As [`to_descriptor_named`].
pub fn to_descriptor(
    file: &ProtoFile,
    resolve: &NameResolver<'_>,
) -> Result<FileDescriptorProto, SchemaError> {
    to_descriptor_named(file, DEFAULT_FILE_NAME, resolve)
}

/// Builds the linked descriptor of `file`, named `name` (a dependency's import path).
/// `dependency` lists every import as written; a pool needs those files added first.
///
/// # Errors
/// 42201 `Invalid schema of type PROTOBUF, details: Could not resolve type: <name>` when
/// `resolve` does not know a type name; a nesting error past the default depth limit.
pub fn to_descriptor_named(
    file: &ProtoFile,
    name: &str,
    resolve: &NameResolver<'_>,
) -> Result<FileDescriptorProto, SchemaError> {
    let package = file.package.clone().unwrap_or_default();
    let builder = Builder {
        resolve,
        proto3: file.syntax == Some(Syntax::Proto3),
    };
    let indexes_of = |kind: ImportKind| -> Vec<i32> {
        file.imports
            .iter()
            .enumerate()
            .filter(|(_, i)| i.kind == kind)
            .filter_map(|(n, _)| i32::try_from(n).ok())
            .collect()
    };
    Ok(FileDescriptorProto {
        name: Some(name.to_owned()),
        package: file.package.clone().filter(|p| !p.is_empty()),
        dependency: file.imports.iter().map(|i| i.path.clone()).collect(),
        public_dependency: indexes_of(ImportKind::Public),
        weak_dependency: indexes_of(ImportKind::Weak),
        message_type: file
            .messages
            .iter()
            .map(|m| builder.message(m, &m.name, &package, 1))
            .collect::<Result<_, _>>()?,
        enum_type: file.enums.iter().map(build_enum).collect(),
        service: file
            .services
            .iter()
            .map(|s| builder.service(s, &package))
            .collect::<Result<_, _>>()?,
        extension: builder.extensions(&file.extends, &package)?,
        options: opts::to_file_options(&file.options),
        source_code_info: None,
        syntax: match file.syntax {
            Some(Syntax::Proto3) => Some("proto3".to_owned()),
            Some(Syntax::Proto2) => Some("proto2".to_owned()),
            None => None,
        },
    })
}

/// Padded standard base64 of the encoded descriptor.
#[must_use]
pub fn serialized(descriptor: &FileDescriptorProto) -> String {
    STANDARD.encode(descriptor.encode_to_vec())
}

fn join(scope: &str, name: &str) -> String {
    if scope.is_empty() {
        name.to_owned()
    } else {
        format!("{scope}.{name}")
    }
}

/// protoc's `json_name`: underscores dropped, the letter after one upper-cased.
#[must_use]
pub fn json_name(field_name: &str) -> String {
    camel(field_name, false)
}

/// protoc's map-entry message name: `my_map` → `MyMapEntry`.
#[must_use]
pub fn map_entry_name(field_name: &str) -> String {
    camel(field_name, true) + "Entry"
}

fn camel(name: &str, capitalize_first: bool) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper_next = capitalize_first;
    for c in name.chars() {
        if c == '_' {
            upper_next = true;
        } else if upper_next {
            out.push(c.to_ascii_uppercase());
            upper_next = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn unresolved(name: &str) -> SchemaError {
    SchemaError::new(format!(
        "Invalid schema of type PROTOBUF, details: Could not resolve type: {name}"
    ))
}

fn scalar_type(scalar: Scalar) -> PbType {
    match scalar {
        Scalar::Double => PbType::Double,
        Scalar::Float => PbType::Float,
        Scalar::Int32 => PbType::Int32,
        Scalar::Int64 => PbType::Int64,
        Scalar::Uint32 => PbType::Uint32,
        Scalar::Uint64 => PbType::Uint64,
        Scalar::Sint32 => PbType::Sint32,
        Scalar::Sint64 => PbType::Sint64,
        Scalar::Fixed32 => PbType::Fixed32,
        Scalar::Fixed64 => PbType::Fixed64,
        Scalar::Sfixed32 => PbType::Sfixed32,
        Scalar::Sfixed64 => PbType::Sfixed64,
        Scalar::Bool => PbType::Bool,
        Scalar::String => PbType::String,
        Scalar::Bytes => PbType::Bytes,
    }
}

fn label_of(label: Option<Label>) -> PbLabel {
    match label {
        Some(Label::Required) => PbLabel::Required,
        Some(Label::Repeated) => PbLabel::Repeated,
        Some(Label::Optional) | None => PbLabel::Optional,
    }
}

struct Builder<'r, 'a> {
    resolve: &'r NameResolver<'a>,
    proto3: bool,
}

/// One field's descriptor plus the entry message a map field brings along.
struct BuiltField {
    field: FieldDescriptorProto,
    map_entry: Option<DescriptorProto>,
}

impl Builder<'_, '_> {
    /// `written` resolved from `scope`: its type and full name.
    fn named(&self, scope: &str, written: &str) -> Result<(PbType, String), SchemaError> {
        let resolved = (self.resolve)(scope, written).ok_or_else(|| unresolved(written))?;
        let kind = match resolved.kind {
            NamedKind::Message => PbType::Message,
            NamedKind::Enum => PbType::Enum,
        };
        Ok((kind, resolved.full_name))
    }

    /// A field as declared in `scope` (the full name of the message or package it is in).
    fn field(&self, f: &Field, scope: &str) -> Result<BuiltField, SchemaError> {
        let mut out = FieldDescriptorProto {
            name: Some(f.name.clone()),
            number: Some(f.number),
            label: Some(label_of(f.label) as i32),
            json_name: Some(f.json_name.clone().unwrap_or_else(|| json_name(&f.name))),
            options: opts::to_field_options(&f.options),
            ..FieldDescriptorProto::default()
        };
        let mut map_entry = None;
        let default_kind = match &f.field_type {
            FieldType::Scalar(s) => {
                out.r#type = Some(scalar_type(*s) as i32);
                Some(DefaultKind::of_scalar(*s))
            }
            FieldType::Named(written) => {
                let (kind, full) = self.named(scope, written)?;
                out.r#type = Some(kind as i32);
                out.type_name = Some(full);
                (kind == PbType::Enum).then_some(DefaultKind::EnumConstant)
            }
            FieldType::Map { key, value } => {
                let entry_name = map_entry_name(&f.name);
                out.label = Some(PbLabel::Repeated as i32);
                out.r#type = Some(PbType::Message as i32);
                out.type_name = Some(format!(".{}", join(scope, &entry_name)));
                map_entry = Some(self.map_entry(entry_name, *key, value, scope)?);
                None
            }
        };
        // proto3 has no custom defaults; a value that does not fit the type is left out.
        if let (Some(value), Some(kind), false) = (&f.default, default_kind, self.proto3) {
            out.default_value = default_value::to_descriptor(kind, value);
        }
        Ok(BuiltField {
            field: out,
            map_entry,
        })
    }

    fn map_entry(
        &self,
        name: String,
        key: Scalar,
        value: &FieldType,
        scope: &str,
    ) -> Result<DescriptorProto, SchemaError> {
        let entry_field = |name: &str, number: i32| FieldDescriptorProto {
            name: Some(name.to_owned()),
            number: Some(number),
            label: Some(PbLabel::Optional as i32),
            json_name: Some(name.to_owned()),
            ..FieldDescriptorProto::default()
        };
        let mut key_field = entry_field("key", 1);
        key_field.r#type = Some(scalar_type(key) as i32);
        let mut value_field = entry_field("value", 2);
        match value {
            FieldType::Scalar(s) => value_field.r#type = Some(scalar_type(*s) as i32),
            FieldType::Named(written) => {
                let (kind, full) = self.named(scope, written)?;
                value_field.r#type = Some(kind as i32);
                value_field.type_name = Some(full);
            }
            FieldType::Map { .. } => return Err(unresolved("map<...>")),
        }
        Ok(DescriptorProto {
            name: Some(name),
            field: vec![key_field, value_field],
            options: Some(MessageOptions {
                map_entry: Some(true),
                ..MessageOptions::default()
            }),
            ..DescriptorProto::default()
        })
    }

    /// `m`, named `name` inside `parent`; `depth` counts nesting from 1 at top level. Only
    /// the nesting walk is here; the per-message work is in `message_body`, so that each
    /// level of a deep file costs little stack.
    fn message(
        &self,
        m: &Message,
        name: &str,
        parent: &str,
        depth: usize,
    ) -> Result<DescriptorProto, SchemaError> {
        if depth > DEFAULT_MAX_DEPTH {
            return Err(SchemaError::new(format!(
                "Invalid schema of type PROTOBUF, details: {}",
                too_deep("message nesting", DEFAULT_MAX_DEPTH)
            )));
        }
        let full = join(parent, name);
        let mut nested = Vec::with_capacity(m.messages.len() + m.groups.len());
        for n in &m.messages {
            nested.push(self.message(n, &n.name, &full, depth + 1)?);
        }
        // A group's body is a message nested in the group's own message.
        for g in &m.groups {
            nested.push(self.message(&g.body, &g.name, &full, depth + 1)?);
        }
        let mut out = Box::new(self.message_body(m, name, &full)?);
        // Written nested messages, then group bodies, then the map entries the body made.
        let entries = std::mem::replace(&mut out.nested_type, nested);
        out.nested_type.extend(entries);
        Ok(*out)
    }

    /// Everything of `m` but its nested messages: fields (members of real oneofs first, as
    /// Confluent builds them), synthetic oneofs, map entries (as `nested_type`), enums,
    /// reserved and extension ranges, extensions.
    #[inline(never)]
    fn message_body(
        &self,
        m: &Message,
        name: &str,
        full: &str,
    ) -> Result<DescriptorProto, SchemaError> {
        let mut out = DescriptorProto {
            name: Some(name.to_owned()),
            options: opts::to_message_options(&m.options),
            ..DescriptorProto::default()
        };
        let mut entries = Vec::new();
        // Real oneofs first (their members lead the field list, as Confluent builds it).
        for (index, oneof) in m.oneofs.iter().enumerate() {
            let index = i32::try_from(index).unwrap_or(i32::MAX);
            out.oneof_decl.push(OneofDescriptorProto {
                name: Some(oneof.name.clone()),
                options: None,
            });
            for member in &oneof.fields {
                let mut built = self.field(member, full)?;
                built.field.label = Some(PbLabel::Optional as i32);
                built.field.oneof_index = Some(index);
                entries.extend(built.map_entry);
                out.field.push(built.field);
            }
        }
        let mut taken: HashSet<String> = m
            .fields
            .iter()
            .map(|f| f.name.clone())
            .chain(m.oneofs.iter().map(|o| o.name.clone()))
            .chain(m.messages.iter().map(|n| n.name.clone()))
            .chain(m.enums.iter().map(|e| e.name.clone()))
            .collect();
        for f in &m.fields {
            let mut built = self.field(f, full)?;
            if self.proto3 && f.label == Some(Label::Optional) {
                let mut oneof_name = format!("_{}", f.name);
                while taken.contains(&oneof_name) {
                    oneof_name.insert(0, 'X');
                }
                taken.insert(oneof_name.clone());
                built.field.proto3_optional = Some(true);
                built.field.oneof_index = Some(i32::try_from(out.oneof_decl.len()).unwrap_or(0));
                out.oneof_decl.push(OneofDescriptorProto {
                    name: Some(oneof_name),
                    options: None,
                });
            }
            entries.extend(built.map_entry);
            out.field.push(built.field);
        }
        out.field
            .extend(m.groups.iter().map(|g| group_field(g, full)));
        out.nested_type = entries;
        out.enum_type = m.enums.iter().map(build_enum).collect();
        for reserved in &m.reserved {
            match reserved {
                Reserved::Ranges(ranges) => {
                    out.reserved_range.extend(ranges.iter().map(|r| {
                        descriptor_proto::ReservedRange {
                            start: Some(r.start),
                            end: Some(r.end.saturating_add(1)),
                        }
                    }));
                }
                Reserved::Names(names) => out.reserved_name.extend(names.iter().cloned()),
            }
        }
        for ext in &m.extension_ranges {
            out.extension_range.extend(ext.ranges.iter().map(|r| {
                descriptor_proto::ExtensionRange {
                    start: Some(r.start),
                    end: Some(r.end.saturating_add(1)),
                    options: None,
                }
            }));
        }
        out.extension = self.extensions(&m.extends, full)?;
        Ok(out)
    }

    /// The fields of `extend` blocks declared in `scope`, each with its resolved extendee.
    fn extensions(
        &self,
        extends: &[Extend],
        scope: &str,
    ) -> Result<Vec<FieldDescriptorProto>, SchemaError> {
        let mut out = Vec::new();
        for extend in extends {
            let (_, extendee) = self.named(scope, &extend.extendee)?;
            for f in &extend.fields {
                let mut built = self.field(f, scope)?;
                built.field.extendee = Some(extendee.clone());
                out.push(built.field);
            }
        }
        Ok(out)
    }

    fn service(&self, s: &Service, package: &str) -> Result<ServiceDescriptorProto, SchemaError> {
        let mut methods = Vec::with_capacity(s.rpcs.len());
        for rpc in &s.rpcs {
            let (_, input) = self.named(package, &rpc.input)?;
            let (_, output) = self.named(package, &rpc.output)?;
            methods.push(MethodDescriptorProto {
                name: Some(rpc.name.clone()),
                input_type: Some(input),
                output_type: Some(output),
                options: opts::to_method_options(&rpc.options),
                client_streaming: rpc.input_stream.then_some(true),
                server_streaming: rpc.output_stream.then_some(true),
            });
        }
        Ok(ServiceDescriptorProto {
            name: Some(s.name.clone()),
            method: methods,
            options: opts::to_service_options(&s.options),
        })
    }
}

fn build_enum(e: &Enum) -> EnumDescriptorProto {
    let mut out = EnumDescriptorProto {
        name: Some(e.name.clone()),
        value: e
            .values
            .iter()
            .map(|v| EnumValueDescriptorProto {
                name: Some(v.name.clone()),
                number: Some(v.number),
                options: opts::to_enum_value_options(&v.options),
            })
            .collect(),
        options: opts::to_enum_options(&e.options),
        ..EnumDescriptorProto::default()
    };
    for reserved in &e.reserved {
        match reserved {
            Reserved::Ranges(ranges) => out.reserved_range.extend(ranges.iter().map(|r| {
                enum_descriptor_proto::EnumReservedRange {
                    start: Some(r.start),
                    end: Some(r.end),
                }
            })),
            Reserved::Names(names) => out.reserved_name.extend(names.iter().cloned()),
        }
    }
    out
}

/// A group's field, named in lower case; its body is a message of the same scope.
fn group_field(g: &Group, parent: &str) -> FieldDescriptorProto {
    let field_name = g.name.to_ascii_lowercase();
    FieldDescriptorProto {
        json_name: Some(json_name(&field_name)),
        name: Some(field_name),
        number: Some(g.number),
        label: Some(label_of(g.label) as i32),
        r#type: Some(PbType::Group as i32),
        type_name: Some(format!(".{}", join(parent, &g.name))),
        options: opts::to_field_options(&g.options),
        ..FieldDescriptorProto::default()
    }
}
