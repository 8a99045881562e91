//! Rows about fields: added, removed, renamed, renumbered, scalar groups, labels, required.

use super::{Case, case, p2, p3, run};

fn one_field(ty: &str) -> String {
    p3(&format!("message Reading {{ {ty} level = 1; }}"))
}

fn scalar_rows() -> Vec<Case> {
    let same_group = [
        ("int32", "int64"),
        ("int64", "uint32"),
        ("uint64", "bool"),
        ("bool", "int32"),
        ("sint32", "sint64"),
        ("string", "bytes"),
        ("bytes", "string"),
        ("fixed32", "sfixed32"),
        ("sfixed64", "fixed64"),
    ];
    let other_group = [
        ("int32", "sint32"),
        ("int32", "fixed32"),
        ("uint64", "fixed64"),
        ("float", "double"),
        ("double", "float"),
        ("string", "int32"),
        ("bool", "bytes"),
        ("fixed32", "fixed64"),
        ("sint64", "int64"),
        ("sfixed32", "float"),
    ];
    let mut rows = Vec::new();
    for (from, to) in same_group {
        rows.push(case(
            "scalar change inside a group",
            one_field(from),
            one_field(to),
            true,
            &[],
        ));
    }
    for (from, to) in other_group {
        rows.push(case(
            "scalar change across groups",
            one_field(from),
            one_field(to),
            false,
            &["FIELD_SCALAR_KIND_CHANGED #/Reading/1"],
        ));
    }
    rows
}

fn field_rows() -> Vec<Case> {
    vec![
        case(
            "identical schemas",
            p3("package meter; message Reading { int32 level = 1; string unit = 2; }"),
            p3("package meter; message Reading { int32 level = 1; string unit = 2; }"),
            true,
            &[],
        ),
        case(
            "optional field added",
            p3("message Reading { int32 level = 1; }"),
            p3("message Reading { int32 level = 1; string unit = 2; }"),
            true,
            &["FIELD_ADDED #/Reading/2"],
        ),
        case(
            "field removed",
            p3("message Reading { int32 level = 1; string unit = 2; }"),
            p3("message Reading { int32 level = 1; }"),
            true,
            &["FIELD_REMOVED #/Reading/2"],
        ),
        case(
            "field renamed keeps its tag",
            p3("message Reading { int32 level = 1; }"),
            p3("message Reading { int32 height = 1; }"),
            true,
            &["FIELD_NAME_CHANGED #/Reading/1"],
        ),
        case(
            "field renumbered is a removal and an addition",
            p3("message Reading { int32 level = 1; }"),
            p3("message Reading { int32 level = 7; }"),
            true,
            &["FIELD_REMOVED #/Reading/1", "FIELD_ADDED #/Reading/7"],
        ),
        case(
            "renamed and retyped across groups",
            p3("message Reading { int32 level = 1; }"),
            p3("message Reading { string label = 1; }"),
            false,
            &[
                "FIELD_NAME_CHANGED #/Reading/1",
                "FIELD_SCALAR_KIND_CHANGED #/Reading/1",
            ],
        ),
        case(
            "field of a nested message retyped",
            p3("message Meter { message Dial { int32 turns = 1; } Dial dial = 1; }"),
            p3("message Meter { message Dial { double turns = 1; } Dial dial = 1; }"),
            false,
            &["FIELD_SCALAR_KIND_CHANGED #/Meter/Dial/1"],
        ),
        case(
            "proto2 optional number becomes repeated",
            p2("message Reading { optional int32 level = 1; }"),
            p2("message Reading { repeated int32 level = 1; }"),
            false,
            &["FIELD_NUMERIC_LABEL_CHANGED #/Reading/1"],
        ),
        case(
            "proto2 optional string becomes repeated",
            p2("message Reading { optional string note = 1; }"),
            p2("message Reading { repeated string note = 1; }"),
            true,
            &["FIELD_STRING_OR_BYTES_LABEL_CHANGED #/Reading/1"],
        ),
        case(
            "proto2 repeated bytes becomes optional",
            p2("message Reading { repeated bytes blob = 1; }"),
            p2("message Reading { optional bytes blob = 1; }"),
            true,
            &["FIELD_STRING_OR_BYTES_LABEL_CHANGED #/Reading/1"],
        ),
        case(
            "label change and group change: only the kind is reported",
            p2("message Reading { optional int32 level = 1; }"),
            p2("message Reading { repeated string level = 1; }"),
            false,
            &["FIELD_SCALAR_KIND_CHANGED #/Reading/1"],
        ),
        case(
            "label of a message field is not compared",
            p2("message Dial { } message Reading { optional Dial dial = 1; }"),
            p2("message Dial { } message Reading { repeated Dial dial = 1; }"),
            true,
            &[],
        ),
        case(
            "proto3 plain number becomes repeated: one label is implicit",
            p3("message Reading { int32 level = 1; }"),
            p3("message Reading { repeated int32 level = 1; }"),
            true,
            &[],
        ),
        case(
            "proto3 optional number becomes repeated",
            p3("message Reading { optional int32 level = 1; }"),
            p3("message Reading { repeated int32 level = 1; }"),
            false,
            &["FIELD_NUMERIC_LABEL_CHANGED #/Reading/1"],
        ),
        case(
            "proto2 enum field becomes repeated",
            p2("enum Unit { KW = 0; } message Reading { optional Unit unit = 1; }"),
            p2("enum Unit { KW = 0; } message Reading { repeated Unit unit = 1; }"),
            false,
            &["FIELD_NUMERIC_LABEL_CHANGED #/Reading/1"],
        ),
        case(
            "required field added",
            p2("message Reading { optional int32 level = 1; }"),
            p2("message Reading { optional int32 level = 1; required string unit = 2; }"),
            false,
            &["REQUIRED_FIELD_ADDED #/Reading/2"],
        ),
        case(
            "required field removed",
            p2("message Reading { optional int32 level = 1; required string unit = 2; }"),
            p2("message Reading { optional int32 level = 1; }"),
            false,
            &["REQUIRED_FIELD_REMOVED #/Reading/2"],
        ),
        case(
            "existing number becomes required: a label change",
            p2("message Reading { optional int32 level = 1; }"),
            p2("message Reading { required int32 level = 1; }"),
            false,
            &["FIELD_NUMERIC_LABEL_CHANGED #/Reading/1"],
        ),
        case(
            "existing string becomes required: a compatible label change",
            p2("message Reading { optional string unit = 1; }"),
            p2("message Reading { required string unit = 1; }"),
            true,
            &["FIELD_STRING_OR_BYTES_LABEL_CHANGED #/Reading/1"],
        ),
        case(
            "options, defaults, json names and reserved ranges are not compared",
            p2("message Reading { optional int32 level = 1 [default = 3]; }"),
            p2(
                "message Reading { reserved 5 to 9; optional int32 level = 1 \
                 [default = 4, json_name = \"lvl\", deprecated = true]; }",
            ),
            true,
            &[],
        ),
        case(
            "groups are not compared",
            p2("message Reading { optional group Extra = 1 { optional int32 a = 1; } }"),
            p2("message Reading { optional group Extra = 1 { optional string a = 1; } }"),
            true,
            &[],
        ),
    ]
}

#[test]
fn field_table() {
    let mut rows = field_rows();
    rows.extend(scalar_rows());
    run(&rows);
}
