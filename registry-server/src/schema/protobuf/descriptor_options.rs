//! The built-in options a descriptor carries, both ways: set fields of `FileOptions`,
//! `MessageOptions`, … as the file model's `OptionEntry`s (the options Confluent keeps, in its
//! order), and written `OptionEntry`s interpreted back into those messages.
//!
//! Custom (parenthesized) options and built-in options this module does not know are not
//! carried into descriptors; values of the wrong kind for a known option are skipped.

use prost_types::field_options::{CType, JsType};
use prost_types::file_options::OptimizeMode;
use prost_types::method_options::IdempotencyLevel;
use prost_types::{
    EnumOptions, EnumValueOptions, FieldOptions, FileOptions, MessageOptions, MethodOptions,
    ServiceOptions,
};

use super::ast::{OptionEntry, OptionValue};

fn string_entry(name: &str, value: &str) -> OptionEntry {
    OptionEntry {
        name: name.to_owned(),
        value: OptionValue::String(value.as_bytes().to_vec()),
    }
}

fn identifier_entry(name: &str, value: &str) -> OptionEntry {
    OptionEntry {
        name: name.to_owned(),
        value: OptionValue::Identifier(value.to_owned()),
    }
}

fn bool_entry(name: &str, value: bool) -> OptionEntry {
    identifier_entry(name, if value { "true" } else { "false" })
}

/// Appends `name = value` when the option is set.
fn push_string(out: &mut Vec<OptionEntry>, name: &str, value: Option<&String>) {
    if let Some(value) = value {
        out.push(string_entry(name, value));
    }
}

fn push_bool(out: &mut Vec<OptionEntry>, name: &str, value: Option<bool>) {
    if let Some(value) = value {
        out.push(bool_entry(name, value));
    }
}

/// An enum-valued option: its constant name when the number is one the enum defines.
fn push_enum(out: &mut Vec<OptionEntry>, name: &str, value: Option<&'static str>) {
    if let Some(value) = value {
        out.push(identifier_entry(name, value));
    }
}

/// File options that are set, in the order Confluent lists them.
#[must_use]
#[allow(deprecated)] // java_generate_equals_and_hash: deprecated, still read and written
pub fn file_entries(options: Option<&FileOptions>) -> Vec<OptionEntry> {
    let mut out = Vec::new();
    let Some(o) = options else { return out };
    push_string(&mut out, "java_package", o.java_package.as_ref());
    push_string(
        &mut out,
        "java_outer_classname",
        o.java_outer_classname.as_ref(),
    );
    push_bool(&mut out, "java_multiple_files", o.java_multiple_files);
    push_bool(
        &mut out,
        "java_generate_equals_and_hash",
        o.java_generate_equals_and_hash,
    );
    push_bool(&mut out, "java_string_check_utf8", o.java_string_check_utf8);
    push_enum(
        &mut out,
        "optimize_for",
        o.optimize_for
            .and_then(|v| OptimizeMode::try_from(v).ok())
            .map(|v| v.as_str_name()),
    );
    push_string(&mut out, "go_package", o.go_package.as_ref());
    push_bool(&mut out, "cc_generic_services", o.cc_generic_services);
    push_bool(&mut out, "java_generic_services", o.java_generic_services);
    push_bool(&mut out, "py_generic_services", o.py_generic_services);
    push_bool(&mut out, "php_generic_services", o.php_generic_services);
    push_bool(&mut out, "deprecated", o.deprecated);
    push_bool(&mut out, "cc_enable_arenas", o.cc_enable_arenas);
    push_string(&mut out, "objc_class_prefix", o.objc_class_prefix.as_ref());
    push_string(&mut out, "csharp_namespace", o.csharp_namespace.as_ref());
    push_string(&mut out, "swift_prefix", o.swift_prefix.as_ref());
    push_string(&mut out, "php_class_prefix", o.php_class_prefix.as_ref());
    push_string(&mut out, "php_namespace", o.php_namespace.as_ref());
    push_string(
        &mut out,
        "php_metadata_namespace",
        o.php_metadata_namespace.as_ref(),
    );
    push_string(&mut out, "ruby_package", o.ruby_package.as_ref());
    out
}

#[must_use]
pub fn message_entries(options: Option<&MessageOptions>) -> Vec<OptionEntry> {
    let mut out = Vec::new();
    let Some(o) = options else { return out };
    push_bool(
        &mut out,
        "no_standard_descriptor_accessor",
        o.no_standard_descriptor_accessor,
    );
    push_bool(&mut out, "deprecated", o.deprecated);
    push_bool(&mut out, "map_entry", o.map_entry);
    out
}

#[must_use]
pub fn field_entries(options: Option<&FieldOptions>) -> Vec<OptionEntry> {
    let mut out = Vec::new();
    let Some(o) = options else { return out };
    push_enum(
        &mut out,
        "ctype",
        o.ctype
            .and_then(|v| CType::try_from(v).ok())
            .map(|v| v.as_str_name()),
    );
    push_bool(&mut out, "packed", o.packed);
    push_enum(
        &mut out,
        "jstype",
        o.jstype
            .and_then(|v| JsType::try_from(v).ok())
            .map(|v| v.as_str_name()),
    );
    push_bool(&mut out, "deprecated", o.deprecated);
    out
}

#[must_use]
pub fn enum_entries(options: Option<&EnumOptions>) -> Vec<OptionEntry> {
    let mut out = Vec::new();
    let Some(o) = options else { return out };
    push_bool(&mut out, "allow_alias", o.allow_alias);
    push_bool(&mut out, "deprecated", o.deprecated);
    out
}

#[must_use]
pub fn enum_value_entries(options: Option<&EnumValueOptions>) -> Vec<OptionEntry> {
    let mut out = Vec::new();
    if let Some(o) = options {
        push_bool(&mut out, "deprecated", o.deprecated);
    }
    out
}

#[must_use]
pub fn service_entries(options: Option<&ServiceOptions>) -> Vec<OptionEntry> {
    let mut out = Vec::new();
    if let Some(o) = options {
        push_bool(&mut out, "deprecated", o.deprecated);
    }
    out
}

#[must_use]
pub fn method_entries(options: Option<&MethodOptions>) -> Vec<OptionEntry> {
    let mut out = Vec::new();
    let Some(o) = options else { return out };
    push_bool(&mut out, "deprecated", o.deprecated);
    push_enum(
        &mut out,
        "idempotency_level",
        o.idempotency_level
            .and_then(|v| IdempotencyLevel::try_from(v).ok())
            .map(|v| v.as_str_name()),
    );
    out
}

// ---- written options into descriptor options ----

fn as_bool(value: &OptionValue) -> Option<bool> {
    match value {
        OptionValue::Identifier(word) if word == "true" => Some(true),
        OptionValue::Identifier(word) if word == "false" => Some(false),
        _ => None,
    }
}

fn as_string(value: &OptionValue) -> Option<String> {
    match value {
        OptionValue::String(bytes) => String::from_utf8(bytes.clone()).ok(),
        _ => None,
    }
}

fn as_identifier(value: &OptionValue) -> Option<&str> {
    match value {
        OptionValue::Identifier(word) => Some(word),
        _ => None,
    }
}

/// Sets `slot` when `value` has the option's kind; leaves it alone otherwise.
fn set<T>(slot: &mut Option<T>, value: Option<T>) {
    if value.is_some() {
        *slot = value;
    }
}

/// `Some(options)` when at least one option was interpreted.
fn non_empty<T: Default + PartialEq>(options: T) -> Option<T> {
    (options != T::default()).then_some(options)
}

#[must_use]
#[allow(deprecated)] // java_generate_equals_and_hash: deprecated, still read and written
pub fn to_file_options(entries: &[OptionEntry]) -> Option<FileOptions> {
    let mut o = FileOptions::default();
    for entry in entries {
        let v = &entry.value;
        match entry.name.as_str() {
            "java_package" => set(&mut o.java_package, as_string(v)),
            "java_outer_classname" => set(&mut o.java_outer_classname, as_string(v)),
            "java_multiple_files" => set(&mut o.java_multiple_files, as_bool(v)),
            "java_generate_equals_and_hash" => {
                set(&mut o.java_generate_equals_and_hash, as_bool(v));
            }
            "java_string_check_utf8" => set(&mut o.java_string_check_utf8, as_bool(v)),
            "optimize_for" => set(
                &mut o.optimize_for,
                as_identifier(v)
                    .and_then(OptimizeMode::from_str_name)
                    .map(|m| m as i32),
            ),
            "go_package" => set(&mut o.go_package, as_string(v)),
            "cc_generic_services" => set(&mut o.cc_generic_services, as_bool(v)),
            "java_generic_services" => set(&mut o.java_generic_services, as_bool(v)),
            "py_generic_services" => set(&mut o.py_generic_services, as_bool(v)),
            "php_generic_services" => set(&mut o.php_generic_services, as_bool(v)),
            "deprecated" => set(&mut o.deprecated, as_bool(v)),
            "cc_enable_arenas" => set(&mut o.cc_enable_arenas, as_bool(v)),
            "objc_class_prefix" => set(&mut o.objc_class_prefix, as_string(v)),
            "csharp_namespace" => set(&mut o.csharp_namespace, as_string(v)),
            "swift_prefix" => set(&mut o.swift_prefix, as_string(v)),
            "php_class_prefix" => set(&mut o.php_class_prefix, as_string(v)),
            "php_namespace" => set(&mut o.php_namespace, as_string(v)),
            "php_metadata_namespace" => set(&mut o.php_metadata_namespace, as_string(v)),
            "ruby_package" => set(&mut o.ruby_package, as_string(v)),
            _ => {}
        }
    }
    non_empty(o)
}

/// Message options (`map_entry` included: a written `XxxEntry` message keeps being a map entry).
#[must_use]
pub fn to_message_options(entries: &[OptionEntry]) -> Option<MessageOptions> {
    let mut o = MessageOptions::default();
    for entry in entries {
        let v = &entry.value;
        match entry.name.as_str() {
            "message_set_wire_format" => set(&mut o.message_set_wire_format, as_bool(v)),
            "no_standard_descriptor_accessor" => {
                set(&mut o.no_standard_descriptor_accessor, as_bool(v));
            }
            "deprecated" => set(&mut o.deprecated, as_bool(v)),
            "map_entry" => set(&mut o.map_entry, as_bool(v)),
            _ => {}
        }
    }
    non_empty(o)
}

#[must_use]
pub fn to_field_options(entries: &[OptionEntry]) -> Option<FieldOptions> {
    let mut o = FieldOptions::default();
    for entry in entries {
        let v = &entry.value;
        match entry.name.as_str() {
            "ctype" => set(
                &mut o.ctype,
                as_identifier(v)
                    .and_then(CType::from_str_name)
                    .map(|c| c as i32),
            ),
            "packed" => set(&mut o.packed, as_bool(v)),
            "jstype" => set(
                &mut o.jstype,
                as_identifier(v)
                    .and_then(JsType::from_str_name)
                    .map(|j| j as i32),
            ),
            "lazy" => set(&mut o.lazy, as_bool(v)),
            "deprecated" => set(&mut o.deprecated, as_bool(v)),
            "weak" => set(&mut o.weak, as_bool(v)),
            _ => {}
        }
    }
    non_empty(o)
}

#[must_use]
pub fn to_enum_options(entries: &[OptionEntry]) -> Option<EnumOptions> {
    let mut o = EnumOptions::default();
    for entry in entries {
        match entry.name.as_str() {
            "allow_alias" => set(&mut o.allow_alias, as_bool(&entry.value)),
            "deprecated" => set(&mut o.deprecated, as_bool(&entry.value)),
            _ => {}
        }
    }
    non_empty(o)
}

#[must_use]
pub fn to_enum_value_options(entries: &[OptionEntry]) -> Option<EnumValueOptions> {
    let mut o = EnumValueOptions::default();
    for entry in entries {
        if entry.name == "deprecated" {
            set(&mut o.deprecated, as_bool(&entry.value));
        }
    }
    non_empty(o)
}

#[must_use]
pub fn to_service_options(entries: &[OptionEntry]) -> Option<ServiceOptions> {
    let mut o = ServiceOptions::default();
    for entry in entries {
        if entry.name == "deprecated" {
            set(&mut o.deprecated, as_bool(&entry.value));
        }
    }
    non_empty(o)
}

#[must_use]
pub fn to_method_options(entries: &[OptionEntry]) -> Option<MethodOptions> {
    let mut o = MethodOptions::default();
    for entry in entries {
        let v = &entry.value;
        match entry.name.as_str() {
            "deprecated" => set(&mut o.deprecated, as_bool(v)),
            "idempotency_level" => set(
                &mut o.idempotency_level,
                as_identifier(v)
                    .and_then(IdempotencyLevel::from_str_name)
                    .map(|l| l as i32),
            ),
            _ => {}
        }
    }
    non_empty(o)
}
