//! The outline of a Protobuf schema from its parsed file: the package, messages (nested
//! ones included), oneofs, fields by number and enums with their values, with Confluent's
//! `#/Message/Nested/4` paths.

use super::outline::{Anchor, Element, Member, Outline, join};
use crate::schema::protobuf::ProtobufSchema;
use crate::schema::protobuf::ast::{Enum, Field, FieldType, Label, Message, OptionValue};

/// Deepest message nesting walked (parsing bounds it already; this is a backstop).
const MAX_DEPTH: usize = 64;

/// The outline of `schema`.
#[must_use]
pub fn outline(schema: &ProtobufSchema) -> Outline {
    let file = schema.file();
    let mut outline = Outline::default();
    outline.push(Member {
        element: Element::Package,
        pointers: vec!["#".to_owned()],
        key: "package".to_owned(),
        name: "package".to_owned(),
        leaf: "package".to_owned(),
        ty: file.package.clone().unwrap_or_else(|| "(none)".to_owned()),
        facets: Vec::new(),
        default: None,
        required: false,
        anchors: vec![Anchor::ProtoPackage],
    });
    for message in &file.messages {
        walk_message(&mut outline, message, "", &[], 0);
    }
    for item in &file.enums {
        walk_enum(&mut outline, item, "", &[]);
    }
    outline
}

fn walk_message(
    outline: &mut Outline,
    message: &Message,
    scope: &str,
    anchors: &[Anchor],
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let name = join(scope, &message.name);
    let pointer = format!("#/{}", name.replace('.', "/"));
    let mut way = anchors.to_vec();
    way.push(Anchor::ProtoBlock("message", message.name.clone()));
    let added = outline.push(Member {
        element: Element::Message,
        pointers: vec![pointer.clone()],
        key: name.clone(),
        name: name.clone(),
        leaf: message.name.clone(),
        ty: "message".to_owned(),
        facets: Vec::new(),
        default: None,
        required: false,
        anchors: way.clone(),
    });
    if !added {
        return;
    }
    for field in &message.fields {
        push_field(outline, field, &name, &pointer, None, &way);
    }
    for oneof in &message.oneofs {
        let mut inside = way.clone();
        inside.push(Anchor::ProtoBlock("oneof", oneof.name.clone()));
        let key = join(&name, &oneof.name);
        outline.push(Member {
            element: Element::Oneof,
            pointers: vec![format!("{pointer}/{}", oneof.name)],
            key: key.clone(),
            name: key,
            leaf: oneof.name.clone(),
            ty: "oneof".to_owned(),
            facets: Vec::new(),
            default: None,
            required: false,
            anchors: inside.clone(),
        });
        for field in &oneof.fields {
            push_field(outline, field, &name, &pointer, Some(&oneof.name), &inside);
        }
    }
    for nested in &message.messages {
        walk_message(outline, nested, &name, &way, depth + 1);
    }
    for item in &message.enums {
        walk_enum(outline, item, &name, &way);
    }
}

fn push_field(
    outline: &mut Outline,
    field: &Field,
    scope: &str,
    pointer: &str,
    oneof: Option<&str>,
    anchors: &[Anchor],
) {
    let mut pointers = vec![format!("{pointer}/{}", field.number)];
    if let Some(oneof) = oneof {
        pointers.push(format!("{pointer}/{oneof}/{}", field.number));
    }
    let mut way = anchors.to_vec();
    way.push(Anchor::ProtoNumbered(field.name.clone(), field.number));
    let label = match field.label {
        Some(Label::Repeated) => "repeated ",
        Some(Label::Optional) => "optional ",
        Some(Label::Required) => "required ",
        None => "",
    };
    let mut facets = vec![("number".to_owned(), field.number.to_string())];
    if let Some(oneof) = oneof {
        facets.push(("oneof".to_owned(), oneof.to_owned()));
    }
    outline.push(Member {
        element: Element::Field,
        pointers,
        key: format!("{scope}#{}", field.number),
        name: join(scope, &field.name),
        leaf: field.name.clone(),
        ty: format!("{label}{}", type_name(&field.field_type)),
        facets,
        default: field.default.as_ref().map(literal),
        required: field.label == Some(Label::Required),
        anchors: way,
    });
}

fn walk_enum(outline: &mut Outline, item: &Enum, scope: &str, anchors: &[Anchor]) {
    let name = join(scope, &item.name);
    let mut way = anchors.to_vec();
    way.push(Anchor::ProtoBlock("enum", item.name.clone()));
    let values: Vec<&str> = item.values.iter().map(|v| v.name.as_str()).collect();
    outline.push(Member {
        element: Element::Enum,
        pointers: vec![format!("#/{}", name.replace('.', "/"))],
        key: name.clone(),
        name: name.clone(),
        leaf: item.name.clone(),
        ty: format!("enum {{{}}}", values.join(", ")),
        facets: Vec::new(),
        default: None,
        required: false,
        anchors: way.clone(),
    });
    for value in &item.values {
        let mut at = way.clone();
        at.push(Anchor::ProtoNumbered(value.name.clone(), value.number));
        outline.push(Member {
            element: Element::Symbol,
            pointers: Vec::new(),
            key: format!("{name}#{}", value.number),
            name: join(&name, &value.name),
            leaf: value.name.clone(),
            ty: "enum value".to_owned(),
            facets: vec![("number".to_owned(), value.number.to_string())],
            default: None,
            required: false,
            anchors: at,
        });
    }
}

/// A default value as it would be written.
fn literal(value: &OptionValue) -> String {
    match value {
        OptionValue::Identifier(word) => word.clone(),
        OptionValue::String(bytes) => format!("{:?}", String::from_utf8_lossy(bytes)),
        OptionValue::Int {
            negative,
            magnitude,
        } => format!("{}{magnitude}", if *negative { "-" } else { "" }),
        OptionValue::Float(value) => value.to_string(),
        OptionValue::Aggregate(_) => "{…}".to_owned(),
    }
}

/// A field type as written: `int32`, `shop.common.Address`, `map<string, int64>`.
fn type_name(ty: &FieldType) -> String {
    match ty {
        FieldType::Scalar(scalar) => scalar.keyword().to_owned(),
        FieldType::Named(name) => name.clone(),
        FieldType::Map { key, value } => format!("map<{}, {}>", key.keyword(), type_name(value)),
    }
}
