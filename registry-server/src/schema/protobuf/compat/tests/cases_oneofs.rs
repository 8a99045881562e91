//! Rows about oneofs, under the released algorithm: plain fields moved in (counted per
//! update oneof), oneofs matched by name, members by tag.

use super::{case, p3, run};

#[test]
fn oneof_table() {
    run(&[
        case(
            "one plain field into a new oneof",
            p3("message Pay { string id = 1; int64 cents = 2; }"),
            p3("message Pay { string id = 1; oneof amount { int64 cents = 2; } }"),
            true,
            &["ONEOF_ADDED #/Pay/amount"],
        ),
        case(
            "one plain field and a new member into a new oneof",
            p3("message Pay { int64 cents = 2; }"),
            p3("message Pay { oneof amount { int64 cents = 2; string text = 3; } }"),
            true,
            &["ONEOF_ADDED #/Pay/amount"],
        ),
        case(
            "two plain fields into a new oneof",
            p3("message Pay { int64 cents = 2; string text = 3; }"),
            p3("message Pay { oneof amount { int64 cents = 2; string text = 3; } }"),
            false,
            &[
                "MULTIPLE_FIELDS_MOVED_TO_ONEOF #/Pay/amount",
                "ONEOF_ADDED #/Pay/amount",
            ],
        ),
        case(
            "two plain fields into two new oneofs",
            p3("message Pay { int64 cents = 2; string text = 3; }"),
            p3("message Pay { oneof a { int64 cents = 2; } oneof b { string text = 3; } }"),
            true,
            &["ONEOF_ADDED #/Pay/a", "ONEOF_ADDED #/Pay/b"],
        ),
        case(
            "plain field into an existing oneof",
            p3("message Pay { int64 cents = 2; oneof amount { string text = 3; } }"),
            p3("message Pay { oneof amount { int64 cents = 2; string text = 3; } }"),
            false,
            &[
                "FIELD_MOVED_TO_EXISTING_ONEOF #/Pay/amount",
                "ONEOF_FIELD_ADDED #/Pay/amount/2",
            ],
        ),
        case(
            "plain field joins the members of a renamed oneof",
            p3("message Pay { int64 cents = 2; oneof amount { string text = 3; } }"),
            p3("message Pay { oneof value { int64 cents = 2; string text = 3; } }"),
            false,
            &[
                "FIELD_MOVED_TO_EXISTING_ONEOF #/Pay/value",
                "ONEOF_REMOVED #/Pay/amount",
                "ONEOF_ADDED #/Pay/value",
            ],
        ),
        case(
            "plain field into a second, new oneof",
            p3("message Pay { int64 cents = 2; oneof amount { string text = 3; } }"),
            p3("message Pay { oneof amount { string text = 3; } oneof more { int64 cents = 2; } }"),
            true,
            &["ONEOF_ADDED #/Pay/more"],
        ),
        case(
            "member added to a oneof",
            p3("message Pay { oneof amount { int64 cents = 2; } }"),
            p3("message Pay { oneof amount { int64 cents = 2; string text = 3; } }"),
            true,
            &["ONEOF_FIELD_ADDED #/Pay/amount/3"],
        ),
        case(
            "member removed from a oneof",
            p3("message Pay { oneof amount { int64 cents = 2; string text = 3; } }"),
            p3("message Pay { oneof amount { int64 cents = 2; } }"),
            false,
            &["ONEOF_FIELD_REMOVED #/Pay/amount/3"],
        ),
        case(
            "member leaves a surviving oneof for the top level",
            p3("message Pay { oneof amount { int64 cents = 2; string text = 3; } }"),
            p3("message Pay { string text = 3; oneof amount { int64 cents = 2; } }"),
            false,
            &["ONEOF_FIELD_REMOVED #/Pay/amount/3", "FIELD_ADDED #/Pay/3"],
        ),
        case(
            "whole oneof dissolved into plain fields",
            p3("message Pay { oneof amount { int64 cents = 2; string text = 3; } }"),
            p3("message Pay { int64 cents = 2; string text = 3; }"),
            true,
            &[
                "ONEOF_REMOVED #/Pay/amount",
                "FIELD_ADDED #/Pay/2",
                "FIELD_ADDED #/Pay/3",
            ],
        ),
        case(
            "member retyped inside a oneof",
            p3("message Pay { oneof amount { int64 cents = 2; } }"),
            p3("message Pay { oneof amount { float cents = 2; } }"),
            false,
            &["FIELD_SCALAR_KIND_CHANGED #/Pay/amount/2"],
        ),
        case(
            "member renamed inside a oneof",
            p3("message Pay { oneof amount { int64 cents = 2; } }"),
            p3("message Pay { oneof amount { int64 pennies = 2; } }"),
            true,
            &["FIELD_NAME_CHANGED #/Pay/amount/2"],
        ),
        case(
            "renaming a oneof hides a member's retyping",
            p3("message Pay { oneof amount { int64 cents = 2; } }"),
            p3("message Pay { oneof value { float cents = 2; } }"),
            true,
            &["ONEOF_REMOVED #/Pay/amount", "ONEOF_ADDED #/Pay/value"],
        ),
        case(
            "member moved from one oneof to another existing one",
            p3("message Pay { oneof a { int64 cents = 2; } oneof b { string text = 3; } }"),
            p3("message Pay { oneof b { int64 cents = 2; string text = 3; } }"),
            true,
            &["ONEOF_REMOVED #/Pay/a", "ONEOF_FIELD_ADDED #/Pay/b/2"],
        ),
        case(
            "oneof split in two",
            p3("message Pay { oneof a { int64 cents = 2; string text = 3; } }"),
            p3("message Pay { oneof a { int64 cents = 2; } oneof b { string text = 3; } }"),
            false,
            &["ONEOF_FIELD_REMOVED #/Pay/a/3", "ONEOF_ADDED #/Pay/b"],
        ),
        case(
            "oneof in a nested message",
            p3("message Shop { message Pay { int64 cents = 2; string text = 3; } }"),
            p3("message Shop { message Pay { oneof a { int64 cents = 2; string text = 3; } } }"),
            false,
            &[
                "MULTIPLE_FIELDS_MOVED_TO_ONEOF #/Shop/Pay/a",
                "ONEOF_ADDED #/Shop/Pay/a",
            ],
        ),
    ]);
}
