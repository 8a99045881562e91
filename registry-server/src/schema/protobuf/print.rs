//! Confluent's text layout of a `.proto` file: the canonical (stored) text, and the printing
//! half of the normalized text (`normalize` reshapes the file, this prints it).
//!
//! The layout follows Confluent's printer: every element is rendered to its own text, and a
//! nested element is re-indented line by line into its parent, so a blank line inside a
//! nested block comes out as the bare indentation (`"  \n"`).
//!
//! Walks stop descending below [`DEFAULT_MAX_DEPTH`] levels of nesting (deeper nested
//! declarations and aggregate values are left out); a parsed file never nests that deep
//! because the parser enforces the same bound.

use std::fmt::Write as _;

use super::ast::{
    AggregateEntry, AggregateValue, Enum, EnumValue, Extend, ExtensionRanges, Field, FieldType,
    Group, ImportKind, Label, MAX_FIELD_NUMBER, Message, NumberRange, OptionEntry, OptionValue,
    ProtoFile, Reserved, Rpc, Scalar, Service, Syntax,
};
use crate::schema::limits::DEFAULT_MAX_DEPTH;

/// Which of Confluent's two layouts to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// The stored text: everything as the file has it.
    Canonical,
    /// The normalized text: `syntax` only for proto3, each field's options (with `default`
    /// and `json_name`) sorted by name. Everything else normalization changes is already in
    /// the file handed over (see `normalize`).
    Normalized,
}

/// Confluent's canonical text of a file: the `schema` string the registry stores and hashes.
#[must_use]
pub fn canonical(file: &ProtoFile) -> String {
    render(file, Layout::Canonical)
}

/// Prints a file in the given layout.
pub(crate) fn render(file: &ProtoFile, layout: Layout) -> String {
    Printer {
        layout,
        max_depth: DEFAULT_MAX_DEPTH,
    }
    .file(file)
}

struct Printer {
    layout: Layout,
    max_depth: usize,
}

/// Appends `block` to `out`, every line indented by two spaces.
fn push_indented(out: &mut String, block: &str) {
    for line in block.trim_end_matches('\n').split('\n') {
        out.push_str("  ");
        out.push_str(line);
        out.push('\n');
    }
}

impl Printer {
    fn file(&self, file: &ProtoFile) -> String {
        let mut out = String::new();
        match (file.syntax, self.layout) {
            (Some(Syntax::Proto3), _) => out.push_str("syntax = \"proto3\";\n"),
            (Some(Syntax::Proto2), Layout::Canonical) => out.push_str("syntax = \"proto2\";\n"),
            _ => {}
        }
        if let Some(package) = &file.package {
            let _ = writeln!(out, "package {package};");
        }
        // Weak imports are never printed (Confluent's printer has no place for them).
        let of_kind = |kind: ImportKind| file.imports.iter().filter(move |i| i.kind == kind);
        if of_kind(ImportKind::Plain)
            .chain(of_kind(ImportKind::Public))
            .next()
            .is_some()
        {
            out.push('\n');
            for import in of_kind(ImportKind::Plain) {
                let _ = writeln!(out, "import \"{}\";", import.path);
            }
            for import in of_kind(ImportKind::Public) {
                let _ = writeln!(out, "import public \"{}\";", import.path);
            }
        }
        if !file.options.is_empty() {
            out.push('\n');
            for option in &file.options {
                out.push_str(&self.option_statement(option));
            }
        }
        if !file.messages.is_empty() || !file.enums.is_empty() {
            out.push('\n');
            for message in &file.messages {
                out.push_str(&self.message(message, 1));
            }
            for e in &file.enums {
                out.push_str(&self.enumeration(e));
            }
        }
        if !file.extends.is_empty() {
            out.push('\n');
            for extend in &file.extends {
                out.push_str(&self.extend(extend));
            }
        }
        if !file.services.is_empty() {
            out.push('\n');
            for service in &file.services {
                out.push_str(&self.service(service));
            }
        }
        out
    }

    fn message(&self, message: &Message, depth: usize) -> String {
        let mut out = format!("message {} {{", message.name);
        if !message.reserved.is_empty() {
            out.push('\n');
            for reserved in &message.reserved {
                push_indented(&mut out, &reserved_statement(reserved));
            }
        }
        if !message.options.is_empty() {
            out.push('\n');
            for option in &message.options {
                push_indented(&mut out, &self.option_statement(option));
            }
        }
        if !message.fields.is_empty() {
            out.push('\n');
            for field in &message.fields {
                push_indented(&mut out, &self.field(field));
            }
        }
        if !message.oneofs.is_empty() {
            out.push('\n');
            for oneof in &message.oneofs {
                let mut block = format!("oneof {} {{", oneof.name);
                if !oneof.options.is_empty() {
                    block.push('\n');
                    for option in &oneof.options {
                        push_indented(&mut block, &self.option_statement(option));
                    }
                }
                if !oneof.fields.is_empty() {
                    block.push('\n');
                    for field in &oneof.fields {
                        push_indented(&mut block, &self.field(field));
                    }
                }
                block.push_str("}\n");
                push_indented(&mut out, &block);
            }
        }
        if !message.groups.is_empty() {
            out.push('\n');
            for group in &message.groups {
                push_indented(&mut out, &self.group(group));
            }
        }
        if !message.extension_ranges.is_empty() {
            out.push('\n');
            for ranges in &message.extension_ranges {
                push_indented(&mut out, &extensions_statement(ranges));
            }
        }
        if !message.extends.is_empty() {
            out.push('\n');
            for extend in &message.extends {
                push_indented(&mut out, &self.extend(extend));
            }
        }
        let descend = depth < self.max_depth;
        if descend && (!message.messages.is_empty() || !message.enums.is_empty()) {
            out.push('\n');
            for nested in &message.messages {
                push_indented(&mut out, &self.message(nested, depth + 1));
            }
            for e in &message.enums {
                push_indented(&mut out, &self.enumeration(e));
            }
        }
        out.push_str("}\n");
        out
    }

    /// A group prints its label, name, number and fields only (as Confluent's printer does).
    fn group(&self, group: &Group) -> String {
        let mut out = String::new();
        if let Some(label) = group.label {
            out.push_str(label_keyword(label));
            out.push(' ');
        }
        let _ = write!(out, "group {} = {} {{", group.name, group.number);
        if !group.body.fields.is_empty() {
            out.push('\n');
            for field in &group.body.fields {
                push_indented(&mut out, &self.field(field));
            }
        }
        out.push_str("}\n");
        out
    }

    fn extend(&self, extend: &Extend) -> String {
        let mut out = format!("extend {} {{", extend.extendee);
        if !extend.fields.is_empty() {
            out.push('\n');
            for field in &extend.fields {
                push_indented(&mut out, &self.field(field));
            }
        }
        out.push_str("}\n");
        out
    }

    fn enumeration(&self, e: &Enum) -> String {
        let mut out = format!("enum {} {{", e.name);
        if !e.reserved.is_empty() {
            out.push('\n');
            for reserved in &e.reserved {
                push_indented(&mut out, &reserved_statement(reserved));
            }
        } else if !e.options.is_empty() || !e.values.is_empty() {
            out.push('\n');
        }
        for option in &e.options {
            push_indented(&mut out, &self.option_statement(option));
        }
        for value in &e.values {
            push_indented(&mut out, &self.enum_value(value));
        }
        out.push_str("}\n");
        out
    }

    fn enum_value(&self, value: &EnumValue) -> String {
        let mut out = format!("{} = {}", value.name, value.number);
        if !value.options.is_empty() {
            let texts: Vec<String> = value.options.iter().map(|o| self.option(o)).collect();
            out.push(' ');
            out.push_str(&bracket_list(&texts));
        }
        out.push_str(";\n");
        out
    }

    fn service(&self, service: &Service) -> String {
        let mut out = format!("service {} {{", service.name);
        if !service.options.is_empty() {
            out.push('\n');
            for option in &service.options {
                push_indented(&mut out, &self.option_statement(option));
            }
        }
        if !service.rpcs.is_empty() {
            out.push('\n');
            for rpc in &service.rpcs {
                push_indented(&mut out, &self.rpc(rpc));
            }
        }
        out.push_str("}\n");
        out
    }

    fn rpc(&self, rpc: &Rpc) -> String {
        let stream = |on: bool| if on { "stream " } else { "" };
        let mut out = format!(
            "rpc {} ({}{}) returns ({}{})",
            rpc.name,
            stream(rpc.input_stream),
            rpc.input,
            stream(rpc.output_stream),
            rpc.output
        );
        if !rpc.options.is_empty() {
            out.push_str(" {\n");
            for option in &rpc.options {
                push_indented(&mut out, &self.option_statement(option));
            }
            out.push('}');
        }
        out.push_str(";\n");
        out
    }

    fn field(&self, field: &Field) -> String {
        let mut out = String::new();
        if let Some(label) = field.label {
            out.push_str(label_keyword(label));
            out.push(' ');
        }
        let _ = write!(
            out,
            "{} {} = {}",
            type_text(&field.field_type),
            field.name,
            field.number
        );
        // (sort key, text): the written options, then `default`, then `json_name`.
        let mut options: Vec<(&str, String)> = field
            .options
            .iter()
            .map(|o| (option_sort_key(&o.name), self.option(o)))
            .collect();
        if let Some(default) = &field.default {
            options.push(("default", default_text(&field.field_type, default)));
        }
        if let Some(json_name) = &field.json_name {
            options.push((
                "json_name",
                format!("json_name = \"{}\"", escape(json_name.as_bytes())),
            ));
        }
        if self.layout == Layout::Normalized {
            options.sort_by(|a, b| a.0.cmp(b.0));
        }
        if !options.is_empty() {
            let texts: Vec<String> = options.into_iter().map(|(_, text)| text).collect();
            out.push(' ');
            out.push_str(&bracket_list(&texts));
        }
        out.push_str(";\n");
        out
    }

    fn option_statement(&self, option: &OptionEntry) -> String {
        format!("option {};\n", self.option(option))
    }

    /// `name = value`, an aggregate value as a multi-line `{ ... }` block.
    fn option(&self, option: &OptionEntry) -> String {
        format!("{} = {}", option.name, self.value(&option.value, 1))
    }

    fn value(&self, value: &OptionValue, depth: usize) -> String {
        match value {
            OptionValue::Aggregate(entries) => {
                let mut out = String::from("{\n");
                if depth < self.max_depth {
                    let entries = group_repeated_keys(entries);
                    let last = entries.len().saturating_sub(1);
                    for (i, entry) in entries.iter().enumerate() {
                        let comma = if i == last { "" } else { "," };
                        let text = self.aggregate_value(&entry.value, depth + 1);
                        push_indented(&mut out, &format!("{}: {text}{comma}", entry.key));
                    }
                }
                out.push('}');
                out
            }
            OptionValue::String(bytes) => format!("\"{}\"", escape(bytes)),
            other => scalar_text(other),
        }
    }

    fn aggregate_value(&self, value: &AggregateValue, depth: usize) -> String {
        match value {
            AggregateValue::Scalar(v) => self.value(v, depth),
            AggregateValue::List(items) => {
                let mut out = String::from("[\n");
                if depth < self.max_depth {
                    let last = items.len().saturating_sub(1);
                    for (i, item) in items.iter().enumerate() {
                        let comma = if i == last { "" } else { "," };
                        let text = self.aggregate_value(item, depth + 1);
                        push_indented(&mut out, &format!("{text}{comma}"));
                    }
                }
                out.push(']');
                out
            }
        }
    }
}

/// One option inline as `[a = 1]`, several as a multi-line bracket list.
fn bracket_list(texts: &[String]) -> String {
    if let [only] = texts {
        return format!("[{only}]");
    }
    let mut out = String::from("[\n");
    let last = texts.len().saturating_sub(1);
    for (i, text) in texts.iter().enumerate() {
        let comma = if i == last { "" } else { "," };
        push_indented(&mut out, &format!("{text}{comma}"));
    }
    out.push(']');
    out
}

/// Repeated keys of an aggregate value gathered into one list at the first key's place,
/// as the `.proto` reader Confluent uses does (`{ a: 1 a: 2 }` is `a: [1, 2]`).
pub(crate) fn group_repeated_keys(entries: &[AggregateEntry]) -> Vec<AggregateEntry> {
    let mut grouped: Vec<AggregateEntry> = Vec::with_capacity(entries.len());
    for entry in entries {
        let Some(previous) = grouped.iter_mut().find(|g| g.key == entry.key) else {
            grouped.push(entry.clone());
            continue;
        };
        let mut items = match std::mem::replace(&mut previous.value, AggregateValue::List(vec![])) {
            AggregateValue::List(items) => items,
            single @ AggregateValue::Scalar(_) => vec![single],
        };
        match &entry.value {
            AggregateValue::List(more) => items.extend(more.iter().cloned()),
            single @ AggregateValue::Scalar(_) => items.push(single.clone()),
        }
        previous.value = AggregateValue::List(items);
    }
    grouped
}

/// The name an option sorts by: the part inside the parentheses of a custom option
/// (`(acme.rule).min` sorts as `acme.rule`), else the whole name.
pub(crate) fn option_sort_key(name: &str) -> &str {
    match name.strip_prefix('(') {
        Some(rest) => rest.split_once(')').map_or(rest, |(inner, _)| inner),
        None => name,
    }
}

fn label_keyword(label: Label) -> &'static str {
    match label {
        Label::Optional => "optional",
        Label::Required => "required",
        Label::Repeated => "repeated",
    }
}

pub(crate) fn type_text(field_type: &FieldType) -> String {
    match field_type {
        FieldType::Scalar(scalar) => scalar.keyword().to_owned(),
        FieldType::Named(name) => name.clone(),
        FieldType::Map { key, value } => format!("map<{}, {}>", key.keyword(), type_text(value)),
    }
}

/// `default = ...`, quoted for `string` and `bytes` fields. (Confluent prints a `bytes`
/// default bare, a text that no parser reads back; the stored text must always parse again.)
fn default_text(field_type: &FieldType, value: &OptionValue) -> String {
    let text = match (field_type, value) {
        (FieldType::Scalar(Scalar::String | Scalar::Bytes), OptionValue::String(bytes)) => {
            format!("\"{}\"", escape(bytes))
        }
        (FieldType::Scalar(Scalar::String), other) => {
            format!("\"{}\"", escape(scalar_text(other).as_bytes()))
        }
        (_, OptionValue::String(bytes)) => decode(bytes),
        (_, other) => scalar_text(other),
    };
    format!("default = {text}")
}

/// An identifier or a number as text (a string as its bare characters).
fn scalar_text(value: &OptionValue) -> String {
    match value {
        OptionValue::Identifier(word) => word.clone(),
        OptionValue::String(bytes) => decode(bytes),
        OptionValue::Int {
            negative,
            magnitude,
        } => {
            if *negative {
                format!("-{magnitude}")
            } else {
                magnitude.to_string()
            }
        }
        OptionValue::Float(x) => float_text(*x),
        OptionValue::Aggregate(_) => String::from("{}"),
    }
}

/// A float in plain decimal notation (never an exponent), `inf`, `-inf` or `nan`.
pub(crate) fn float_text(x: f64) -> String {
    if x.is_nan() {
        String::from("nan")
    } else if x.is_infinite() {
        String::from(if x < 0.0 { "-inf" } else { "inf" })
    } else {
        format!("{x}")
    }
}

fn reserved_statement(reserved: &Reserved) -> String {
    let items: Vec<String> = match reserved {
        Reserved::Ranges(ranges) => ranges.iter().map(range_text).collect(),
        Reserved::Names(names) => names.iter().map(|n| format!("\"{n}\"")).collect(),
    };
    format!("reserved {};\n", items.join(", "))
}

/// `extensions ...;` (options on the statement are not printed, as in Confluent's printer).
fn extensions_statement(ranges: &ExtensionRanges) -> String {
    let items: Vec<String> = ranges.ranges.iter().map(range_text).collect();
    format!("extensions {};\n", items.join(", "))
}

/// `n` alone, `a to b`, or `a to max` once the end reaches the largest field number (for
/// enum ranges too, as Confluent prints them).
fn range_text(range: &NumberRange) -> String {
    if range.start == range.end {
        range.start.to_string()
    } else if range.end >= MAX_FIELD_NUMBER {
        format!("{} to max", range.start)
    } else {
        format!("{} to {}", range.start, range.end)
    }
}

/// The characters of string bytes: UTF-8 where it is valid, any other byte as the character
/// of the same number (what a `\xNN` or octal escape reads as in Confluent's parser).
fn decode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    let mut rest = bytes;
    while !rest.is_empty() {
        match std::str::from_utf8(rest) {
            Ok(text) => {
                out.push_str(text);
                break;
            }
            Err(error) => {
                let (valid, after) = rest.split_at(error.valid_up_to());
                out.push_str(std::str::from_utf8(valid).unwrap_or_default());
                let bad = error.error_len().unwrap_or(after.len()).max(1);
                let (invalid, tail) = after.split_at(bad.min(after.len()));
                out.extend(invalid.iter().map(|&b| char::from(b)));
                rest = tail;
            }
        }
    }
    out
}

/// A string literal's body: `\a \b \f \n \r \t \v \\ \' \"` escaped as Confluent does,
/// other control characters and bytes that are not UTF-8 as octal escapes (`\001`), so the
/// literal reads back to the same bytes.
pub(crate) fn escape(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(bytes.len() + 2);
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\u{7}' => out.push_str("\\a"),
                '\u{8}' => out.push_str("\\b"),
                '\u{c}' => out.push_str("\\f"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\u{b}' => out.push_str("\\v"),
                '\\' => out.push_str("\\\\"),
                '\'' => out.push_str("\\'"),
                '"' => out.push_str("\\\""),
                c if c.is_ascii_control() => {
                    let _ = write!(out, "\\{:03o}", u32::from(c));
                }
                other => out.push(other),
            }
        }
        for &byte in chunk.invalid() {
            let _ = write!(out, "\\{byte:03o}");
        }
    }
    out
}
