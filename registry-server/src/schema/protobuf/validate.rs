//! Structural rules every Protobuf file must keep before it is stored or compared: imports
//! that name a file, field numbers and names unique within a message (oneof members and
//! groups included) and in range, and declared names unique within their scope. A file breaking them is not a
//! schema (protoc refuses it), and the checks downstream assume them.

use std::collections::HashSet;

use super::ast::{Enum, Field, MAX_FIELD_NUMBER, Message, ProtoFile};
use super::text::parse_error;
use crate::schema::SchemaError;
use crate::schema::limits::too_deep;

/// Checks `file` (see the module docs).
///
/// # Errors
/// 42201 naming the first rule broken and where.
pub fn check(file: &ProtoFile, max_depth: usize) -> Result<(), SchemaError> {
    // A descriptor can name a file `""`, which no `.proto` text can import.
    if file
        .imports
        .iter()
        .any(|import| import.path.trim().is_empty())
    {
        return Err(parse_error("an import names no file"));
    }
    let scope = file.package.clone().unwrap_or_default();
    unique_declarations(&file.messages, &file.enums, &scope)?;
    for message in &file.messages {
        check_message(message, &qualified(&scope, &message.name), 1, max_depth)?;
    }
    Ok(())
}

fn qualified(scope: &str, name: &str) -> String {
    if scope.is_empty() {
        name.to_owned()
    } else {
        format!("{scope}.{name}")
    }
}

fn unique_declarations(
    messages: &[Message],
    enums: &[Enum],
    scope: &str,
) -> Result<(), SchemaError> {
    let mut names = HashSet::new();
    let declared = messages
        .iter()
        .map(|m| m.name.as_str())
        .chain(enums.iter().map(|e| e.name.as_str()));
    for name in declared {
        if !names.insert(name) {
            return Err(parse_error(&format!(
                "{} is already defined",
                qualified(scope, name)
            )));
        }
    }
    Ok(())
}

fn check_message(
    message: &Message,
    full_name: &str,
    depth: usize,
    max_depth: usize,
) -> Result<(), SchemaError> {
    if depth > max_depth {
        return Err(parse_error(&too_deep("nesting", max_depth)));
    }
    let fields = message
        .fields
        .iter()
        .chain(message.oneofs.iter().flat_map(|o| o.fields.iter()));
    let mut numbers = HashSet::new();
    let mut names = HashSet::new();
    let mut claim = |name: &str, number: i32| -> Result<(), SchemaError> {
        if !(1..=MAX_FIELD_NUMBER).contains(&number) {
            return Err(parse_error(&format!(
                "field {full_name}.{name} has number {number}, outside 1 to {MAX_FIELD_NUMBER}"
            )));
        }
        if !numbers.insert(number) {
            return Err(parse_error(&format!(
                "field number {number} is used twice in {full_name}"
            )));
        }
        if !names.insert(name.to_owned()) {
            return Err(parse_error(&format!(
                "field {name} is declared twice in {full_name}"
            )));
        }
        Ok(())
    };
    for Field { name, number, .. } in fields {
        claim(name, *number)?;
    }
    for group in &message.groups {
        claim(&group.name.to_ascii_lowercase(), group.number)?;
        check_message(
            &group.body,
            &qualified(full_name, &group.body.name),
            depth + 1,
            max_depth,
        )?;
    }
    unique_declarations(&message.messages, &message.enums, full_name)?;
    for nested in &message.messages {
        check_message(
            nested,
            &qualified(full_name, &nested.name),
            depth + 1,
            max_depth,
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::protobuf::text;

    fn verdict(source: &str) -> Result<(), String> {
        let file = text::parse(source, 64).map_err(|e| format!("parse: {e}"))?;
        check(&file, 64).map_err(|e| e.message)
    }

    #[test]
    fn a_well_formed_file_passes() {
        assert_eq!(
            verdict(
                "syntax = \"proto3\";\nmessage A { int32 a = 1; oneof o { int32 b = 2; } message B { int32 a = 1; } }\nenum E { Z = 0; }"
            ),
            Ok(())
        );
    }

    #[test]
    fn duplicate_numbers_and_names_are_refused_wherever_they_hide() {
        for (source, needle) in [
            (
                "syntax = \"proto3\";\nmessage A { int32 a = 1; int32 b = 1; }",
                "field number 1 is used twice in A",
            ),
            (
                "syntax = \"proto3\";\npackage p;\nmessage A { int32 a = 3; oneof o { int32 b = 3; } }",
                "field number 3 is used twice in p.A",
            ),
            (
                "syntax = \"proto3\";\nmessage A { int32 a = 1; int64 a = 2; }",
                "field a is declared twice in A",
            ),
            (
                "syntax = \"proto3\";\nmessage A { message B { int32 x = 1; int32 y = 1; } }",
                "used twice in A.B",
            ),
            (
                "syntax = \"proto3\";\nmessage A { }\nenum A { Z = 0; }",
                "A is already defined",
            ),
            (
                "syntax = \"proto3\";\nmessage A { message B { } message B { } }",
                "A.B is already defined",
            ),
            (
                "message A { optional int32 a = 1; optional group G = 1 { optional int32 g = 1; } }",
                "used twice in A",
            ),
        ] {
            let error = verdict(source).expect_err(source);
            assert!(error.contains(needle), "{source}: {error}");
            assert!(
                error.starts_with("Invalid schema of type PROTOBUF"),
                "{error}"
            );
        }
    }
}
