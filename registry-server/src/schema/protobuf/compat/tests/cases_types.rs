//! Rows about types: package, messages and enums added, removed and moved, field kinds,
//! enums as numbers, named types, maps (written or as entry messages), name resolution.

use super::{Case, case, p3, run};

fn declaration_rows() -> Vec<Case> {
    vec![
        case(
            "package changed",
            p3("package depot.v1; message Crate { int32 id = 1; }"),
            p3("package depot.v2; message Crate { int32 id = 1; }"),
            false,
            &["PACKAGE_CHANGED #/"],
        ),
        case(
            "package declared where there was none",
            p3("message Crate { int32 id = 1; }"),
            p3("package depot; message Crate { int32 id = 1; }"),
            false,
            &["PACKAGE_CHANGED #/"],
        ),
        case(
            "message added after the others",
            p3("message Crate { int32 id = 1; }"),
            p3("message Crate { int32 id = 1; } message Pallet { int32 id = 1; }"),
            true,
            &["MESSAGE_ADDED #/Pallet"],
        ),
        case(
            "message added before the others moves them",
            p3("message Crate { int32 id = 1; }"),
            p3("message Pallet { int32 id = 1; } message Crate { int32 id = 1; }"),
            true,
            &["MESSAGE_ADDED #/Pallet", "MESSAGE_MOVED #/Crate"],
        ),
        case(
            "message removed",
            p3("message Crate { int32 id = 1; } message Pallet { int32 id = 1; }"),
            p3("message Crate { int32 id = 1; }"),
            false,
            &["MESSAGE_REMOVED #/Pallet"],
        ),
        case(
            "nested message added",
            p3("message Crate { int32 id = 1; }"),
            p3("message Crate { message Lid { } int32 id = 1; }"),
            true,
            &["MESSAGE_ADDED #/Crate/Lid"],
        ),
        case(
            "nested message removed",
            p3("message Crate { message Lid { } int32 id = 1; }"),
            p3("message Crate { int32 id = 1; }"),
            false,
            &["MESSAGE_REMOVED #/Crate/Lid"],
        ),
        case(
            "messages swapped",
            p3("message Crate { } message Pallet { }"),
            p3("message Pallet { } message Crate { }"),
            true,
            &["MESSAGE_MOVED #/Pallet", "MESSAGE_MOVED #/Crate"],
        ),
        case(
            "an enum moving among messages moves no message",
            p3("message Crate { } enum Size { SMALL = 0; } message Pallet { }"),
            p3("enum Size { SMALL = 0; } message Crate { } message Pallet { }"),
            true,
            &[],
        ),
        case(
            "enum added and removed",
            p3("enum Size { SMALL = 0; } message Crate { }"),
            p3("enum Color { RED = 0; } message Crate { }"),
            true,
            &["ENUM_REMOVED #/Size", "ENUM_ADDED #/Color"],
        ),
        case(
            "enum constants added, removed and renamed, by number",
            p3("enum Size { SMALL = 0; LARGE = 1; HUGE = 2; }"),
            p3("enum Size { SMALL = 0; BIG = 1; TINY = 3; }"),
            true,
            &[
                "ENUM_CONST_CHANGED #/Size/1",
                "ENUM_CONST_REMOVED #/Size/2",
                "ENUM_CONST_ADDED #/Size/3",
            ],
        ),
        case(
            "nested enum constant renamed",
            p3("message Crate { enum Size { SMALL = 0; } }"),
            p3("message Crate { enum Size { LITTLE = 0; } }"),
            true,
            &["ENUM_CONST_CHANGED #/Crate/Size/0"],
        ),
        case(
            "renaming a used message",
            p3("message Lid { } message Crate { Lid lid = 1; }"),
            p3("message Cover { } message Crate { Cover lid = 1; }"),
            false,
            &[
                "MESSAGE_REMOVED #/Lid",
                "MESSAGE_ADDED #/Cover",
                "FIELD_NAMED_TYPE_CHANGED #/Crate/1",
            ],
        ),
    ]
}

fn kind_rows() -> Vec<Case> {
    vec![
        case(
            "number becomes an enum",
            p3("message Crate { int32 size = 1; }"),
            p3("enum Size { SMALL = 0; } message Crate { Size size = 1; }"),
            true,
            &["ENUM_ADDED #/Size"],
        ),
        case(
            "enum becomes another enum",
            p3("enum Size { S = 0; } enum Color { C = 0; } message Crate { Size tag = 1; }"),
            p3("enum Size { S = 0; } enum Color { C = 0; } message Crate { Color tag = 1; }"),
            true,
            &[],
        ),
        case(
            "enum becomes a signed number",
            p3("enum Size { S = 0; } message Crate { Size size = 1; }"),
            p3("enum Size { S = 0; } message Crate { sint32 size = 1; }"),
            false,
            &["FIELD_SCALAR_KIND_CHANGED #/Crate/1"],
        ),
        case(
            "number becomes a message",
            p3("message Lid { } message Crate { int32 lid = 1; }"),
            p3("message Lid { } message Crate { Lid lid = 1; }"),
            false,
            &["FIELD_KIND_CHANGED #/Crate/1"],
        ),
        case(
            "enum becomes a message",
            p3("enum Lid { NONE = 0; } message Cover { } message Crate { Lid lid = 1; }"),
            p3("enum Lid { NONE = 0; } message Cover { } message Crate { Cover lid = 1; }"),
            false,
            &["FIELD_KIND_CHANGED #/Crate/1"],
        ),
        case(
            "message becomes a map",
            p3("message Lid { } message Crate { Lid lid = 1; }"),
            p3("message Lid { } message Crate { map<string, Lid> lid = 1; }"),
            false,
            &["FIELD_KIND_CHANGED #/Crate/1"],
        ),
        case(
            "map key within its group",
            p3("message Crate { map<int32, string> tags = 1; }"),
            p3("message Crate { map<uint64, string> tags = 1; }"),
            true,
            &[],
        ),
        case(
            "map key across groups",
            p3("message Crate { map<int32, string> tags = 1; }"),
            p3("message Crate { map<string, string> tags = 1; }"),
            false,
            &["FIELD_SCALAR_KIND_CHANGED #/Crate/1"],
        ),
        case(
            "map value across groups",
            p3("message Crate { map<string, int32> counts = 1; }"),
            p3("message Crate { map<string, double> counts = 1; }"),
            false,
            &["FIELD_SCALAR_KIND_CHANGED #/Crate/1"],
        ),
        case(
            "map value message becomes a scalar",
            p3("message Lid { } message Crate { map<string, Lid> lids = 1; }"),
            p3("message Lid { } message Crate { map<string, bytes> lids = 1; }"),
            false,
            &["FIELD_KIND_CHANGED #/Crate/1"],
        ),
        case(
            "map value message renamed",
            p3("message Lid { } message Cover { } message Crate { map<string, Lid> l = 1; }"),
            p3("message Lid { } message Cover { } message Crate { map<string, Cover> l = 1; }"),
            false,
            &["FIELD_NAMED_TYPE_CHANGED #/Crate/1"],
        ),
        case(
            "written map equals its entry message",
            p3("message Crate { map<string, int32> counts = 1; }"),
            p3("message Crate { \
                message CountsEntry { option map_entry = true; string key = 1; int32 value = 2; } \
                repeated CountsEntry counts = 1; }"),
            true,
            &[],
        ),
        case(
            "entry message value retyped against a written map",
            p3("message Crate { map<string, int32> counts = 1; }"),
            p3("message Crate { \
                message CountsEntry { option map_entry = true; string key = 1; string value = 2; } \
                repeated CountsEntry counts = 1; }"),
            false,
            &["FIELD_SCALAR_KIND_CHANGED #/Crate/1"],
        ),
    ]
}

fn name_rows() -> Vec<Case> {
    vec![
        case(
            "another message type",
            p3("message Lid { } message Cover { } message Crate { Lid top = 1; }"),
            p3("message Lid { } message Cover { } message Crate { Cover top = 1; }"),
            false,
            &["FIELD_NAMED_TYPE_CHANGED #/Crate/1"],
        ),
        case(
            "fully qualified spelling of the same type",
            p3("package depot; message Lid { } message Crate { Lid top = 1; }"),
            p3("package depot; message Lid { } message Crate { .depot.Lid top = 1; }"),
            true,
            &[],
        ),
        case(
            "nested type spelled through its parent",
            p3("message Crate { message Lid { } Lid top = 1; }"),
            p3("message Crate { message Lid { } Crate.Lid top = 1; }"),
            true,
            &[],
        ),
        case(
            "removing a nested type makes the name bind to the outer one",
            p3("message Crate { message Lid { } Lid top = 1; } message Lid { }"),
            p3("message Crate { Lid top = 1; } message Lid { }"),
            false,
            &[
                "MESSAGE_REMOVED #/Crate/Lid",
                "FIELD_NAMED_TYPE_CHANGED #/Crate/1",
            ],
        ),
        case(
            "unresolved names that read the same",
            p3("message Crate { Phantom top = 1; }"),
            p3("message Crate { Phantom top = 1; }"),
            true,
            &[],
        ),
        case(
            "unresolved names that differ",
            p3("message Crate { Phantom top = 1; }"),
            p3("message Crate { Ghost top = 1; }"),
            false,
            &["FIELD_NAMED_TYPE_CHANGED #/Crate/1"],
        ),
        case(
            "a local type's own change is reported once, where it is declared",
            p3("message Lid { int32 w = 1; } message Crate { Lid top = 1; }"),
            p3("message Lid { string w = 1; } message Crate { Lid top = 1; }"),
            false,
            &["FIELD_SCALAR_KIND_CHANGED #/Lid/1"],
        ),
        case(
            "self-referencing local message",
            p3("message Node { Node next = 1; int32 v = 2; }"),
            p3("message Node { Node next = 1; sint32 v = 2; }"),
            false,
            &["FIELD_SCALAR_KIND_CHANGED #/Node/2"],
        ),
    ]
}

#[test]
fn type_table() {
    let mut rows = declaration_rows();
    rows.extend(kind_rows());
    rows.extend(name_rows());
    run(&rows);
}
