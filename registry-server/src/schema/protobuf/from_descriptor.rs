//! A serialized `FileDescriptorProto` (base64) read into the file model the way Confluent
//! converts descriptor input: type names kept as the descriptor has them (fully qualified),
//! map entries as explicit nested `XxxEntry` messages, proto3 labels dropped except
//! `optional` and `repeated`, groups as plain message fields, only known options and
//! Confluent's meta options kept.

use base64::Engine as _;
use base64::alphabet;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use prost::Message as _;
use prost_types::field_descriptor_proto::{Label as PbLabel, Type as PbType};
use prost_types::{
    DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto,
    ServiceDescriptorProto,
};

use super::ast::{
    Enum, EnumValue, Extend, ExtensionRanges, Field, FieldType, Label, Message, NumberRange, Oneof,
    ProtoFile, Reserved, Rpc, Service, Syntax,
};
use super::confluent_meta::{
    self as meta, EnumShadow, FieldShadow, FileShadow, MessageShadow, meta_entry, meta_of,
};
use super::default_value::{self, DefaultKind};
use super::descriptor_options as opts;
use super::text::{parse_error, scalar_of};
use crate::schema::SchemaError;
use crate::schema::limits::too_deep;

/// Java's basic decoder: the standard alphabet, no whitespace, padding optional (but right
/// when present), stray low bits of the last symbol ignored.
const STRICT_BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Decodes strict standard base64 into a `FileDescriptorProto` and converts it.
///
/// # Errors
/// 42201 `... Could not parse Protobuf - <reason>` for bad base64, bytes that are not a
/// `FileDescriptorProto`, an editions file, or nesting deeper than `max_depth`.
pub fn parse_base64(text: &str, max_depth: usize) -> Result<ProtoFile, SchemaError> {
    let bytes = STRICT_BASE64
        .decode(text.as_bytes())
        .map_err(|e| parse_error(&format!("invalid base64: {e}")))?;
    let descriptor = FileDescriptorProto::decode(bytes.as_slice())
        .map_err(|e| parse_error(&format!("invalid FileDescriptorProto: {e}")))?;
    convert(&descriptor, meta::decode(&bytes).as_ref(), max_depth)
}

/// Converts a decoded `FileDescriptorProto` (its `name` is ignored). Confluent's meta
/// options need the encoded bytes; [`parse_base64`] keeps them, this cannot.
///
/// # Errors
/// As [`parse_base64`], past the decoding.
pub fn from_descriptor(
    file: &FileDescriptorProto,
    max_depth: usize,
) -> Result<ProtoFile, SchemaError> {
    convert(file, None, max_depth)
}

fn convert(
    file: &FileDescriptorProto,
    shadow: Option<&FileShadow>,
    max_depth: usize,
) -> Result<ProtoFile, SchemaError> {
    let syntax = match file.syntax.as_deref() {
        None | Some("") => None,
        Some("proto2") => Some(Syntax::Proto2),
        Some("proto3") => Some(Syntax::Proto3),
        Some("editions") => return Err(parse_error("editions are not supported")),
        Some(other) => return Err(parse_error(&format!("unknown syntax '{other}'"))),
    };
    let conv = Converter {
        proto3: syntax == Some(Syntax::Proto3),
        max_depth,
    };
    let imports = super::text::imports(file);
    let mut options = opts::file_entries(file.options.as_ref());
    options.extend(meta_entry(
        "confluent.file_meta",
        shadow.and_then(|s| meta_of(s.options.as_ref())),
    ));
    Ok(ProtoFile {
        syntax,
        package: match file.package.as_deref() {
            None | Some("") => None,
            Some(package) => Some(dotted(package, false)?),
        },
        imports,
        options,
        messages: file
            .message_type
            .iter()
            .enumerate()
            .map(|(i, m)| conv.message(m, shadow.and_then(|s| s.message_type.get(i)), 1))
            .collect::<Result<_, _>>()?,
        enums: file
            .enum_type
            .iter()
            .enumerate()
            .map(|(i, e)| convert_enum(e, shadow.and_then(|s| s.enum_type.get(i))))
            .collect::<Result<_, _>>()?,
        extends: conv.extends(&file.extension, shadow.map(|s| s.extension.as_slice()))?,
        services: file
            .service
            .iter()
            .map(convert_service)
            .collect::<Result<_, _>>()?,
    })
}

struct Converter {
    proto3: bool,
    max_depth: usize,
}

impl Converter {
    fn message(
        &self,
        d: &DescriptorProto,
        shadow: Option<&MessageShadow>,
        depth: usize,
    ) -> Result<Message, SchemaError> {
        if depth > self.max_depth {
            return Err(parse_error(&too_deep("message nesting", self.max_depth)));
        }
        let mut oneofs: Vec<Oneof> = d
            .oneof_decl
            .iter()
            .map(|o| -> Result<Oneof, SchemaError> {
                Ok(Oneof {
                    name: identifier(o.name.as_ref())?,
                    options: Vec::new(),
                    fields: Vec::new(),
                })
            })
            .collect::<Result<_, _>>()?;
        let mut fields = Vec::new();
        for (i, f) in d.field.iter().enumerate() {
            let field_shadow = shadow.and_then(|s| s.field.get(i));
            match f.oneof_index.filter(|_| f.proto3_optional != Some(true)) {
                Some(index) => {
                    let oneof = usize::try_from(index)
                        .ok()
                        .and_then(|i| oneofs.get_mut(i))
                        .ok_or_else(|| parse_error(&format!("oneof index {index} out of range")))?;
                    oneof.fields.push(self.field(f, true, field_shadow)?);
                }
                None => fields.push(self.field(f, false, field_shadow)?),
            }
        }
        // Oneofs left empty (proto3 `optional`'s synthetic ones) are not written.
        oneofs.retain(|o| !o.fields.is_empty());
        let mut reserved: Vec<Reserved> = d
            .reserved_range
            .iter()
            .map(|r| Reserved::Ranges(vec![exclusive_range(r.start, r.end)]))
            .collect();
        reserved.extend(reserved_names(&d.reserved_name)?);
        let mut options = opts::message_entries(d.options.as_ref());
        options.extend(meta_entry(
            "confluent.message_meta",
            shadow.and_then(|s| meta_of(s.options.as_ref())),
        ));
        Ok(Message {
            name: identifier(d.name.as_ref())?,
            options,
            reserved,
            fields,
            oneofs,
            groups: Vec::new(),
            extension_ranges: d
                .extension_range
                .iter()
                .map(|r| ExtensionRanges {
                    ranges: vec![exclusive_range(r.start, r.end)],
                    options: Vec::new(),
                })
                .collect(),
            extends: self.extends(&d.extension, shadow.map(|s| s.extension.as_slice()))?,
            messages: d
                .nested_type
                .iter()
                .enumerate()
                .map(|(i, m)| self.message(m, shadow.and_then(|s| s.nested_type.get(i)), depth + 1))
                .collect::<Result<_, _>>()?,
            enums: d
                .enum_type
                .iter()
                .enumerate()
                .map(|(i, e)| convert_enum(e, shadow.and_then(|s| s.enum_type.get(i))))
                .collect::<Result<_, _>>()?,
        })
    }

    fn field(
        &self,
        f: &FieldDescriptorProto,
        in_oneof: bool,
        shadow: Option<&FieldShadow>,
    ) -> Result<Field, SchemaError> {
        let name = identifier(f.name.as_ref())?;
        let pb_type = f.r#type.and_then(|t| PbType::try_from(t).ok());
        let (field_type, default_kind) = match f.type_name.as_ref() {
            Some(type_name) => (
                FieldType::Named(dotted(type_name, true)?),
                (pb_type != Some(PbType::Message) && pb_type != Some(PbType::Group))
                    .then_some(DefaultKind::EnumConstant),
            ),
            None => {
                let scalar = pb_type
                    .and_then(scalar_of)
                    .ok_or_else(|| parse_error(&format!("field '{name}' has no valid type")))?;
                (
                    FieldType::Scalar(scalar),
                    Some(DefaultKind::of_scalar(scalar)),
                )
            }
        };
        let default = match (&f.default_value, self.proto3) {
            (Some(text), false) => {
                let kind = default_kind.ok_or_else(|| {
                    parse_error(&format!("field '{name}' cannot have a default value"))
                })?;
                Some(default_value::from_descriptor(kind, text).map_err(|e| parse_error(&e))?)
            }
            _ => None,
        };
        let mut options = opts::field_entries(f.options.as_ref());
        options.extend(meta_entry(
            "confluent.field_meta",
            shadow.and_then(|s| meta_of(s.options.as_ref())),
        ));
        Ok(Field {
            label: if in_oneof { None } else { self.label(f) },
            field_type,
            name,
            number: f.number.unwrap_or(0),
            options,
            default,
            json_name: f.json_name.clone(),
        })
    }

    fn label(&self, f: &FieldDescriptorProto) -> Option<Label> {
        if f.proto3_optional == Some(true) {
            return Some(Label::Optional);
        }
        let label = f
            .label
            .and_then(|l| PbLabel::try_from(l).ok())
            .unwrap_or(PbLabel::Optional);
        match label {
            PbLabel::Repeated => Some(Label::Repeated),
            _ if self.proto3 => None,
            PbLabel::Required => Some(Label::Required),
            PbLabel::Optional => Some(Label::Optional),
        }
    }

    /// Extension fields grouped by extendee, in order of each extendee's first field.
    fn extends(
        &self,
        fields: &[FieldDescriptorProto],
        shadows: Option<&[FieldShadow]>,
    ) -> Result<Vec<Extend>, SchemaError> {
        let mut extends: Vec<Extend> = Vec::new();
        for (i, f) in fields.iter().enumerate() {
            let extendee = dotted(f.extendee.as_deref().unwrap_or_default(), true)?;
            let field = self.field(f, false, shadows.and_then(|s| s.get(i)))?;
            match extends.iter_mut().find(|e| e.extendee == extendee) {
                Some(extend) => extend.fields.push(field),
                None => extends.push(Extend {
                    extendee,
                    fields: vec![field],
                }),
            }
        }
        Ok(extends)
    }
}

/// A descriptor range (end exclusive) as the file model's inclusive one.
fn exclusive_range(start: Option<i32>, end: Option<i32>) -> NumberRange {
    let start = start.unwrap_or(0);
    NumberRange {
        start,
        end: end.unwrap_or(start.saturating_add(1)).saturating_sub(1),
    }
}

fn convert_enum(d: &EnumDescriptorProto, shadow: Option<&EnumShadow>) -> Result<Enum, SchemaError> {
    let mut reserved: Vec<Reserved> = d
        .reserved_range
        .iter()
        .map(|r| {
            let start = r.start.unwrap_or(0);
            Reserved::Ranges(vec![NumberRange {
                start,
                end: r.end.unwrap_or(start),
            }])
        })
        .collect();
    reserved.extend(reserved_names(&d.reserved_name)?);
    let mut options = opts::enum_entries(d.options.as_ref());
    options.extend(meta_entry(
        "confluent.enum_meta",
        shadow.and_then(|s| meta_of(s.options.as_ref())),
    ));
    let values = d
        .value
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let mut options = opts::enum_value_entries(v.options.as_ref());
            options.extend(meta_entry(
                "confluent.enum_value_meta",
                shadow
                    .and_then(|s| s.value.get(i))
                    .and_then(|s| meta_of(s.options.as_ref())),
            ));
            Ok(EnumValue {
                name: identifier(v.name.as_ref())?,
                number: v.number.unwrap_or(0),
                options,
            })
        })
        .collect::<Result<_, SchemaError>>()?;
    Ok(Enum {
        name: identifier(d.name.as_ref())?,
        options,
        reserved,
        values,
    })
}

fn convert_service(d: &ServiceDescriptorProto) -> Result<Service, SchemaError> {
    Ok(Service {
        name: identifier(d.name.as_ref())?,
        options: opts::service_entries(d.options.as_ref()),
        rpcs: d
            .method
            .iter()
            .map(|m| {
                Ok(Rpc {
                    name: identifier(m.name.as_ref())?,
                    input: dotted(m.input_type.as_deref().unwrap_or_default(), true)?,
                    input_stream: m.client_streaming == Some(true),
                    output: dotted(m.output_type.as_deref().unwrap_or_default(), true)?,
                    output_stream: m.server_streaming == Some(true),
                    options: opts::method_entries(m.options.as_ref()),
                })
            })
            .collect::<Result<_, SchemaError>>()?,
    })
}

fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A declared name; anything but an identifier is refused, as it could not be printed as
/// `.proto` text.
fn identifier(name: Option<&String>) -> Result<String, SchemaError> {
    match name {
        Some(name) if is_identifier(name) => Ok(name.clone()),
        _ => Err(parse_error(&format!(
            "invalid name '{}'",
            name.map_or("", String::as_str)
        ))),
    }
}

/// Reserved names, each an identifier as protoc requires: anything else could not be
/// printed back as `.proto` text.
fn reserved_names(names: &[String]) -> Result<Vec<Reserved>, SchemaError> {
    names
        .iter()
        .map(|n| Ok(Reserved::Names(vec![identifier(Some(n))?])))
        .collect()
}

/// A dotted name (`a.b.C`), with a leading dot when `leading_dot_allowed`.
fn dotted(name: &str, leading_dot_allowed: bool) -> Result<String, SchemaError> {
    let body = match name.strip_prefix('.') {
        Some(rest) if leading_dot_allowed => rest,
        _ => name,
    };
    if body.split('.').all(is_identifier) {
        Ok(name.to_owned())
    } else {
        Err(parse_error(&format!("invalid type name '{name}'")))
    }
}
