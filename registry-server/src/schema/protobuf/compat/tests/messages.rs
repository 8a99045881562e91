//! Exact 409 messages, the labels each direction fills in, and the limits.

use super::{load, p2, p3};
use crate::schema::limits::{CheckAborted, SchemaLimits};
use crate::schema::protobuf::compat::try_incompatibilities;
use crate::schema::{Incompatibility, Labels};

const BACKWARD: Labels<'static> = Labels {
    reader: "new",
    writer: "old",
};
const FORWARD: Labels<'static> = Labels {
    reader: "old",
    writer: "new",
};

/// BACKWARD: the new schema reads the old one's data.
fn backward(old: &str, new: &str) -> Vec<Incompatibility> {
    let (old_file, old_symbols) = load(old, &[]);
    let (new_file, new_symbols) = load(new, &[]);
    try_incompatibilities(
        (&new_file, &new_symbols),
        (&old_file, &old_symbols),
        BACKWARD,
        &SchemaLimits::default(),
    )
    .unwrap()
}

/// FORWARD: the old schema reads the new one's data.
fn forward(old: &str, new: &str) -> Vec<Incompatibility> {
    let (old_file, old_symbols) = load(old, &[]);
    let (new_file, new_symbols) = load(new, &[]);
    try_incompatibilities(
        (&old_file, &old_symbols),
        (&new_file, &new_symbols),
        FORWARD,
        &SchemaLimits::default(),
    )
    .unwrap()
}

fn only(found: &[Incompatibility]) -> (&str, &str, &str) {
    assert_eq!(found.len(), 1, "{found:?}");
    (&found[0].kind, &found[0].path, &found[0].message)
}

#[test]
fn scalar_kind_message() {
    let found = backward(
        &p3("message Tank { int32 litres = 1; }"),
        &p3("message Tank { string litres = 1; }"),
    );
    assert_eq!(
        only(&found),
        (
            "FIELD_SCALAR_KIND_CHANGED",
            "#/Tank/1",
            "{errorType:\"FIELD_SCALAR_KIND_CHANGED\", description:\"The kind of a SCALAR field \
             at path '#/Tank/1' in the new schema does not match its kind in the old schema\"}"
        )
    );
}

#[test]
fn required_field_messages_keep_confluents_spacing() {
    let without = p2("message Tank { optional int32 litres = 1; }");
    let with = p2("message Tank { optional int32 litres = 1; required string tag = 2; }");
    assert_eq!(
        only(&backward(&without, &with)).2,
        "{errorType:\"REQUIRED_FIELD_ADDED\", description:\"A required field  at path \
         '#/Tank/2' in the new schema is missing in the old schema\"}"
    );
    assert_eq!(
        only(&backward(&with, &without)).2,
        "{errorType:\"REQUIRED_FIELD_REMOVED\", description:\"The new schema is missing a \
         required field at path: '#/Tank/2' in the old schema\"}"
    );
}

#[test]
fn package_and_oneof_messages() {
    assert_eq!(
        only(&backward(
            &p3("package a; message T { }"),
            &p3("package b; message T { }")
        ))
        .2,
        "{errorType:\"PACKAGE_CHANGED\", description:\"The package at '#/' in the new schema \
         does not match the package in the old schema\"}"
    );
    let found = backward(
        &p3("message T { int32 a = 1; int32 b = 2; }"),
        &p3("message T { oneof pick { int32 a = 1; int32 b = 2; } }"),
    );
    assert_eq!(
        only(&found).2,
        "{errorType:\"MULTIPLE_FIELDS_MOVED_TO_ONEOF\", description:\"Multiple fields in the \
         oneof at path '#/T/pick' in the new schema are outside a oneof in the old schema\"}"
    );
    let found = backward(
        &p3("message T { oneof pick { int32 a = 1; int32 b = 2; } }"),
        &p3("message T { oneof pick { int32 a = 1; } }"),
    );
    assert_eq!(
        only(&found).2,
        "{errorType:\"ONEOF_FIELD_REMOVED\", description:\"The new schema is missing a oneof \
         field at path '#/T/pick/2' in the old schema\"}"
    );
    let found = backward(
        &p3("message T { int32 a = 1; oneof pick { int32 b = 2; } }"),
        &p3("message T { oneof pick { int32 a = 1; int32 b = 2; } }"),
    );
    assert_eq!(
        only(&found).2,
        "{errorType:\"FIELD_MOVED_TO_EXISTING_ONEOF\", description:\"A field in the oneof at \
         path '#/T/pick' in the new schema is outside an existing oneof in the old schema\"}"
    );
}

#[test]
fn kind_named_type_and_label_messages() {
    let found = backward(
        &p3("message L { } message T { int32 a = 1; }"),
        &p3("message L { } message T { L a = 1; }"),
    );
    assert_eq!(
        only(&found).2,
        "{errorType:\"FIELD_KIND_CHANGED\", description:\"The type of a field at path '#/T/1' \
         in the new schema does not match the old schema\"}"
    );
    let found = backward(
        &p3("message L { } message M { } message T { L a = 1; }"),
        &p3("message L { } message M { } message T { M a = 1; }"),
    );
    assert_eq!(
        only(&found).2,
        "{errorType:\"FIELD_NAMED_TYPE_CHANGED\", description:\"The type of a MESSAGE field at \
         path '#/T/1' in the new schema does not match its type in the old schema\"}"
    );
    let found = backward(
        &p2("message T { optional sint64 a = 1; }"),
        &p2("message T { repeated sint64 a = 1; }"),
    );
    assert_eq!(
        only(&found).2,
        "{errorType:\"FIELD_NUMERIC_LABEL_CHANGED\", description:\"The label for a NUMERIC \
         field at path '#/T/1' in the new schema does not match its label in the old schema\"}"
    );
}

#[test]
fn compatible_differences_are_not_listed() {
    let found = backward(
        &p3("message T { int32 a = 1; }"),
        &p3("message T { int32 renamed = 1; string b = 2; } message U { }"),
    );
    assert_eq!(found, []);
}

#[test]
fn adding_a_message_fails_forward_with_old_and_new_swapped() {
    let old = p3("message T { int32 a = 1; }");
    let new = p3("message T { int32 a = 1; } message Extra { }");
    assert_eq!(backward(&old, &new), []);
    assert_eq!(
        only(&forward(&old, &new)),
        (
            "MESSAGE_REMOVED",
            "#/Extra",
            "{errorType:\"MESSAGE_REMOVED\", description:\"The old schema is missing a MESSAGE \
             type at path '#/Extra' in the new schema\"}"
        )
    );
}

#[test]
fn one_change_read_both_ways() {
    let old = p2("message T { optional int32 a = 1; }");
    let new = p2("message T { optional int32 a = 1; required int32 b = 2; }");
    assert_eq!(only(&backward(&old, &new)).0, "REQUIRED_FIELD_ADDED");
    assert_eq!(
        only(&forward(&old, &new)).2,
        "{errorType:\"REQUIRED_FIELD_REMOVED\", description:\"The old schema is missing a \
         required field at path: '#/T/2' in the new schema\"}"
    );
}

fn nested(depth: usize, leaf_type: &str) -> String {
    let mut body = format!("{leaf_type} v = 1;");
    for level in (0..depth).rev() {
        body = format!("message N{level} {{ {body} }}");
    }
    p3(&body)
}

#[test]
fn nesting_past_max_depth_aborts() {
    let (o, os) = load(&nested(25, "int32"), &[]);
    let (u, us) = load(&nested(25, "string"), &[]);
    let tight = SchemaLimits {
        max_depth: 20,
        ..SchemaLimits::default()
    };
    assert_eq!(
        try_incompatibilities((&u, &us), (&o, &os), BACKWARD, &tight),
        Err(CheckAborted::Depth(20))
    );
    let found =
        try_incompatibilities((&u, &us), (&o, &os), BACKWARD, &SchemaLimits::default()).unwrap();
    assert_eq!(only(&found).0, "FIELD_SCALAR_KIND_CHANGED");
    assert!(found[0].path.ends_with("/N24/1"), "{}", found[0].path);
}

#[test]
fn step_budget_aborts() {
    let fields: String = (1..=200).map(|n| format!("int32 f{n} = {n}; ")).collect();
    let schema = p3(&format!("message Wide {{ {fields} }}"));
    let (o, os) = load(&schema, &[]);
    let (u, us) = load(&schema, &[]);
    let tight = SchemaLimits {
        max_check_steps: 100,
        ..SchemaLimits::default()
    };
    assert_eq!(
        try_incompatibilities((&u, &us), (&o, &os), BACKWARD, &tight),
        Err(CheckAborted::Steps(100))
    );
    assert_eq!(
        try_incompatibilities((&u, &us), (&o, &os), BACKWARD, &SchemaLimits::default()),
        Ok(Vec::new())
    );
}
