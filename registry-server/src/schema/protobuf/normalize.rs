//! Confluent's normalized form of a `.proto` file (`normalize=true`): the same schema
//! however it was ordered or spelled, so that equivalent submissions get one id.
//!
//! [`normalize`] reshapes the file (type names fully qualified, map entries folded into
//! `map<K, V>` fields, fields, oneofs, ranges, enum constants, imports and options sorted);
//! [`normalized`] prints the result. Message and enum declarations, services and rpcs keep
//! their order: message indexes on the wire depend on it.
//!
//! Walks stop descending below [`DEFAULT_MAX_DEPTH`] levels (deeper nested declarations are
//! kept as they are); a parsed file never nests that deep.

use std::collections::HashMap;

use super::ast::{
    Enum, Extend, ExtensionRanges, Field, FieldType, Group, Import, Message, NameResolver,
    OptionValue, ProtoFile, Reserved, Rpc, Scalar, Service,
};
use super::norm_options::{Container, Extension, OptionContext, canonical_number};
use super::print::{Layout, render};
use crate::schema::limits::DEFAULT_MAX_DEPTH;

/// Confluent's normalized text of a file. `resolve` resolves type names against the file,
/// its references and the built-ins; a name it cannot resolve stays as written.
#[must_use]
pub fn normalized(file: &ProtoFile, resolve: &NameResolver<'_>) -> String {
    render(&normalize(file, resolve), Layout::Normalized)
}

/// The file reshaped as Confluent normalizes it (see the module docs). `syntax` is kept;
/// printing with the normalized layout leaves out a `proto2` declaration.
#[must_use]
pub fn normalize(file: &ProtoFile, resolve: &NameResolver<'_>) -> ProtoFile {
    let package = file.package.clone().unwrap_or_default();
    let mut index = Index::default();
    index.messages(&file.messages, &package, 1);
    index.extends(&file.extends, &package);

    let mut options = OptionContext {
        resolve,
        extensions: HashMap::new(),
        messages: index.by_name,
        max_depth: DEFAULT_MAX_DEPTH,
    };
    for (name, (repeated, scope, field_type)) in &index.extension_fields {
        let container = match field_type {
            FieldType::Named(written) => resolve(scope, written)
                .map(|r| r.full_name.trim_start_matches('.').to_owned())
                .filter(|full| options.messages.contains_key(full))
                .map_or(Container::Unknown, Container::Local),
            _ => Container::Unknown,
        };
        options.extensions.insert(
            name.clone(),
            Extension {
                repeated: *repeated,
                container,
            },
        );
    }
    options.add_meta_extensions();

    let normalizer = Normalizer {
        resolve,
        map_entries: index.map_entries,
        options,
    };
    normalizer.file(file, &package)
}

/// What normalization looks up across the file, collected in one pass.
#[derive(Default)]
struct Index<'f> {
    /// Messages by full name (no leading dot).
    by_name: HashMap<String, &'f Message>,
    /// Map-entry messages by full name: key and value types.
    map_entries: HashMap<String, (Scalar, FieldType)>,
    /// Extension fields by full name: repeated, the scope of their `extend`, their type.
    extension_fields: HashMap<String, (bool, String, FieldType)>,
}

fn qualified(scope: &str, name: &str) -> String {
    if scope.is_empty() {
        name.to_owned()
    } else {
        format!("{scope}.{name}")
    }
}

impl<'f> Index<'f> {
    fn messages(&mut self, messages: &'f [Message], scope: &str, depth: usize) {
        if depth > DEFAULT_MAX_DEPTH {
            return;
        }
        for message in messages {
            let full = qualified(scope, &message.name);
            if let Some(entry) = map_entry_types(message) {
                self.map_entries.insert(full.clone(), entry);
            }
            self.extends(&message.extends, &full);
            self.messages(&message.messages, &full, depth + 1);
            self.by_name.insert(full, message);
        }
    }

    fn extends(&mut self, extends: &[Extend], scope: &str) {
        for extend in extends {
            for field in &extend.fields {
                let repeated = field.label == Some(super::ast::Label::Repeated);
                self.extension_fields.insert(
                    qualified(scope, &field.name),
                    (repeated, scope.to_owned(), field.field_type.clone()),
                );
            }
        }
    }
}

/// Key and value types of a message marked `option map_entry = true;` with a scalar `key`.
fn map_entry_types(message: &Message) -> Option<(Scalar, FieldType)> {
    let marked = message.options.iter().any(|o| {
        o.name == "map_entry" && matches!(&o.value, OptionValue::Identifier(v) if v == "true")
    });
    if !marked {
        return None;
    }
    let field = |name: &str| message.fields.iter().find(|f| f.name == name);
    let FieldType::Scalar(key) = field("key")?.field_type else {
        return None;
    };
    Some((key, field("value")?.field_type.clone()))
}

struct Normalizer<'r, 'a> {
    resolve: &'r NameResolver<'a>,
    map_entries: HashMap<String, (Scalar, FieldType)>,
    options: OptionContext<'r, 'a>,
}

impl Normalizer<'_, '_> {
    fn file(&self, file: &ProtoFile, package: &str) -> ProtoFile {
        let mut imports: Vec<Import> = file.imports.clone();
        imports.sort_by(|a, b| a.path.cmp(&b.path));
        imports.dedup();
        ProtoFile {
            syntax: file.syntax,
            package: file.package.clone(),
            imports,
            options: self.options.normalize(&file.options, package),
            messages: self.messages(&file.messages, package, 1),
            enums: file
                .enums
                .iter()
                .map(|e| self.enumeration(e, package))
                .collect(),
            extends: self.extends(&file.extends, package),
            services: file
                .services
                .iter()
                .map(|s| self.service(s, package))
                .collect(),
        }
    }

    /// Messages in declaration order, map entries left out (their fields become `map<>`).
    fn messages(&self, messages: &[Message], scope: &str, depth: usize) -> Vec<Message> {
        messages
            .iter()
            .filter(|m| !self.map_entries.contains_key(&qualified(scope, &m.name)))
            .map(|m| {
                if depth > DEFAULT_MAX_DEPTH {
                    m.clone()
                } else {
                    self.message(m, &qualified(scope, &m.name), depth)
                }
            })
            .collect()
    }

    fn message(&self, message: &Message, full: &str, depth: usize) -> Message {
        let mut fields: Vec<Field> = message.fields.iter().map(|f| self.field(f, full)).collect();
        fields.sort_by_key(|f| f.number);

        let mut oneofs: Vec<_> = message
            .oneofs
            .iter()
            .filter(|o| !o.fields.is_empty())
            .map(|o| {
                let mut members: Vec<Field> =
                    o.fields.iter().map(|f| self.field(f, full)).collect();
                members.sort_by_key(|f| f.number);
                super::ast::Oneof {
                    name: o.name.clone(),
                    options: self.options.normalize(&o.options, full),
                    fields: members,
                }
            })
            .collect();
        oneofs.sort_by_key(|o| o.fields.first().map_or(i32::MAX, |f| f.number));

        let mut groups: Vec<Group> = message.groups.iter().map(|g| self.group(g, full)).collect();
        groups.sort_by_key(|g| g.number);

        let mut extension_ranges: Vec<ExtensionRanges> = message
            .extension_ranges
            .iter()
            .flat_map(|e| {
                e.ranges.iter().map(|r| ExtensionRanges {
                    ranges: vec![*r],
                    options: e.options.clone(),
                })
            })
            .collect();
        extension_ranges.sort_by_key(|e| e.ranges.first().map_or(i32::MAX, |r| r.start));

        Message {
            name: message.name.clone(),
            options: self.options.normalize(&message.options, full),
            reserved: reserved(&message.reserved),
            fields,
            oneofs,
            groups,
            extension_ranges,
            extends: self.extends(&message.extends, full),
            messages: self.messages(&message.messages, full, depth + 1),
            enums: message
                .enums
                .iter()
                .map(|e| self.enumeration(e, full))
                .collect(),
        }
    }

    /// A group's fields sorted and resolved (from the enclosing message, as Confluent does);
    /// the rest of its body is not printed and stays as it is.
    fn group(&self, group: &Group, scope: &str) -> Group {
        let mut fields: Vec<Field> = group
            .body
            .fields
            .iter()
            .map(|f| self.field(f, scope))
            .collect();
        fields.sort_by_key(|f| f.number);
        Group {
            body: Message {
                fields,
                ..group.body.clone()
            },
            ..group.clone()
        }
    }

    fn field(&self, field: &Field, scope: &str) -> Field {
        let (field_type, is_map) = self.field_type(&field.field_type, scope);
        let default = field.default.clone().map(|d| match &field.field_type {
            FieldType::Scalar(Scalar::Bool | Scalar::String) | FieldType::Named(_) => d,
            _ => canonical_number(d),
        });
        Field {
            label: if is_map { None } else { field.label },
            field_type,
            name: field.name.clone(),
            number: field.number,
            options: self.options.normalize(&field.options, scope),
            default,
            json_name: field.json_name.clone(),
        }
    }

    /// The type fully qualified (a map entry becomes `map<K, V>`), and whether it is a map.
    fn field_type(&self, field_type: &FieldType, scope: &str) -> (FieldType, bool) {
        match field_type {
            FieldType::Scalar(_) => (field_type.clone(), false),
            FieldType::Map { key, value } => (
                FieldType::Map {
                    key: *key,
                    value: Box::new(self.qualify(value, scope)),
                },
                true,
            ),
            FieldType::Named(written) => {
                let Some(resolved) = (self.resolve)(scope, written) else {
                    return (field_type.clone(), false);
                };
                match self
                    .map_entries
                    .get(resolved.full_name.trim_start_matches('.'))
                {
                    Some((key, value)) => (
                        FieldType::Map {
                            key: *key,
                            value: Box::new(self.qualify(value, scope)),
                        },
                        true,
                    ),
                    None => (FieldType::Named(resolved.full_name), false),
                }
            }
        }
    }

    /// A named type fully qualified (unchanged when it does not resolve).
    fn qualify(&self, field_type: &FieldType, scope: &str) -> FieldType {
        match field_type {
            FieldType::Named(written) => FieldType::Named(self.qualify_name(written, scope)),
            other => other.clone(),
        }
    }

    fn qualify_name(&self, written: &str, scope: &str) -> String {
        (self.resolve)(scope, written).map_or_else(|| written.to_owned(), |r| r.full_name)
    }

    /// `extend` blocks merged by resolved extendee (first appearance order), fields sorted.
    fn extends(&self, extends: &[Extend], scope: &str) -> Vec<Extend> {
        let mut merged: Vec<Extend> = Vec::new();
        for extend in extends {
            let extendee = self.qualify_name(&extend.extendee, scope);
            let fields = extend.fields.iter().map(|f| self.field(f, scope));
            match merged.iter_mut().find(|e| e.extendee == extendee) {
                Some(existing) => existing.fields.extend(fields),
                None => merged.push(Extend {
                    extendee,
                    fields: fields.collect(),
                }),
            }
        }
        for extend in &mut merged {
            extend.fields.sort_by_key(|f| f.number);
        }
        merged
    }

    fn enumeration(&self, e: &Enum, scope: &str) -> Enum {
        let full = qualified(scope, &e.name);
        let mut values: Vec<_> = e
            .values
            .iter()
            .map(|v| super::ast::EnumValue {
                name: v.name.clone(),
                number: v.number,
                options: self.options.normalize(&v.options, &full),
            })
            .collect();
        values.sort_by(|a, b| (a.number, &a.name).cmp(&(b.number, &b.name)));
        Enum {
            name: e.name.clone(),
            options: self.options.normalize(&e.options, &full),
            reserved: reserved(&e.reserved),
            values,
        }
    }

    fn service(&self, service: &Service, package: &str) -> Service {
        Service {
            name: service.name.clone(),
            options: self.options.normalize(&service.options, package),
            rpcs: service
                .rpcs
                .iter()
                .map(|rpc| Rpc {
                    name: rpc.name.clone(),
                    input: self.qualify_name(&rpc.input, package),
                    input_stream: rpc.input_stream,
                    output: self.qualify_name(&rpc.output, package),
                    output_stream: rpc.output_stream,
                    options: self.options.normalize(&rpc.options, package),
                })
                .collect(),
        }
    }
}

/// One range or name per statement, sorted by start (names after every number, by name).
fn reserved(statements: &[Reserved]) -> Vec<Reserved> {
    let mut single: Vec<(i32, String, Reserved)> = Vec::new();
    for statement in statements {
        match statement {
            Reserved::Ranges(ranges) => {
                for range in ranges {
                    let text = if range.start == range.end {
                        range.start.to_string()
                    } else {
                        format!("{}..{}", range.start, range.end)
                    };
                    single.push((range.start, text, Reserved::Ranges(vec![*range])));
                }
            }
            Reserved::Names(names) => {
                for name in names {
                    single.push((i32::MAX, name.clone(), Reserved::Names(vec![name.clone()])));
                }
            }
        }
    }
    single.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    single.into_iter().map(|(_, _, r)| r).collect()
}
