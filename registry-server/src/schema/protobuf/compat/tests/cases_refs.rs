//! Rows about types from imported files: compared into their definitions, by local name,
//! with the findings' paths starting at that name.

use super::{Case, case, p3, run};

const MONEY_PATH: &str = "acme/money.proto";

fn money(package: &str, body: &str) -> Vec<(&'static str, String)> {
    vec![(MONEY_PATH, p3(&format!("package {package}; {body}")))]
}

fn shop(field_type: &str) -> String {
    p3(&format!(
        "package shop; import \"{MONEY_PATH}\"; message Order {{ {field_type} total = 1; }}"
    ))
}

fn reference_rows() -> Vec<Case> {
    let units = |ty: &str| format!("message Money {{ {ty} units = 1; }}");
    vec![
        case(
            "same imported type",
            shop("acme.Money"),
            shop("acme.Money"),
            true,
            &[],
        )
        .deps(
            &money("acme", &units("int64")),
            &money("acme", &units("int64")),
        ),
        case(
            "imported type changed within a scalar group",
            shop("acme.Money"),
            shop("acme.Money"),
            true,
            &[],
        )
        .deps(
            &money("acme", &units("int64")),
            &money("acme", &units("uint64")),
        ),
        case(
            "imported type changed across scalar groups",
            shop("acme.Money"),
            shop("acme.Money"),
            false,
            &[
                "FIELD_SCALAR_KIND_CHANGED #/Money/1",
                "FIELD_NAMED_TYPE_CHANGED #/Order/1",
            ],
        )
        .deps(
            &money("acme", &units("int64")),
            &money("acme", &units("string")),
        ),
        case(
            "imported type gained a field",
            shop("acme.Money"),
            shop("acme.Money"),
            true,
            &["FIELD_ADDED #/Money/2"],
        )
        .deps(
            &money("acme", &units("int64")),
            &money(
                "acme",
                "message Money { int64 units = 1; string code = 2; }",
            ),
        ),
        case(
            "imported file moved to another package",
            shop("acme.Money"),
            shop("cash.Money"),
            true,
            &[],
        )
        .deps(
            &money("acme", &units("int64")),
            &money("cash", &units("int64")),
        ),
        case(
            "imported file moved to another package and changed",
            shop("acme.Money"),
            shop("cash.Money"),
            false,
            &[
                "FIELD_SCALAR_KIND_CHANGED #/Money/1",
                "FIELD_NAMED_TYPE_CHANGED #/Order/1",
            ],
        )
        .deps(
            &money("acme", &units("int64")),
            &money("cash", &units("float")),
        ),
        case(
            "nested imported type changed",
            shop("acme.Wallet.Money"),
            shop("acme.Wallet.Money"),
            false,
            &[
                "FIELD_SCALAR_KIND_CHANGED #/Wallet/Money/1",
                "FIELD_NAMED_TYPE_CHANGED #/Order/1",
            ],
        )
        .deps(
            &money(
                "acme",
                "message Wallet { message Money { int64 units = 1; } }",
            ),
            &money(
                "acme",
                "message Wallet { message Money { bytes units = 1; } }",
            ),
        ),
        case(
            "imported type behind another imported type",
            shop("acme.Wallet"),
            shop("acme.Wallet"),
            false,
            &[
                "FIELD_SCALAR_KIND_CHANGED #/Money/1",
                "FIELD_NAMED_TYPE_CHANGED #/Wallet/1",
                "FIELD_NAMED_TYPE_CHANGED #/Order/1",
            ],
        )
        .deps(
            &money(
                "acme",
                "message Money { int64 units = 1; } message Wallet { Money m = 1; }",
            ),
            &money(
                "acme",
                "message Money { double units = 1; } message Wallet { Money m = 1; }",
            ),
        ),
        case(
            "imported map value changed",
            shop("map<string, acme.Money>"),
            shop("map<string, acme.Money>"),
            false,
            &[
                "FIELD_SCALAR_KIND_CHANGED #/Money/1",
                "FIELD_NAMED_TYPE_CHANGED #/Order/1",
            ],
        )
        .deps(
            &money("acme", &units("int64")),
            &money("acme", &units("string")),
        ),
        case(
            "self-referencing imported type changed",
            shop("acme.Node"),
            shop("acme.Node"),
            false,
            &[
                "FIELD_SCALAR_KIND_CHANGED #/Node/2",
                "FIELD_NAMED_TYPE_CHANGED #/Order/1",
            ],
        )
        .deps(
            &money("acme", "message Node { Node next = 1; int32 v = 2; }"),
            &money("acme", "message Node { Node next = 1; string v = 2; }"),
        ),
        case(
            "mutually recursive imported types, unchanged",
            shop("acme.Ping"),
            shop("acme.Ping"),
            true,
            &[],
        )
        .deps(
            &money(
                "acme",
                "message Ping { Pong p = 1; } message Pong { Ping p = 1; }",
            ),
            &money(
                "acme",
                "message Ping { Pong p = 1; } message Pong { Ping p = 1; }",
            ),
        ),
        case(
            "imported enum changed is still a number",
            shop("acme.Coin"),
            shop("acme.Coin"),
            true,
            &[],
        )
        .deps(
            &money("acme", "enum Coin { PENNY = 0; }"),
            &money("acme", "enum Coin { CENT = 0; DIME = 1; }"),
        ),
    ]
}

fn moved_rows() -> Vec<Case> {
    let local = p3("package shop; message Money { int64 units = 1; } \
                    message Order { Money total = 1; }");
    let imported = p3(&format!(
        "package shop; import \"{MONEY_PATH}\"; message Order {{ Money total = 1; }}"
    ));
    let same_package = money("shop", "message Money { int64 units = 1; }");
    vec![
        case(
            "type moved into an import",
            local.clone(),
            imported.clone(),
            false,
            &["MESSAGE_REMOVED #/Money", "MESSAGE_MOVED #/Order"],
        )
        .deps(&[], &same_package),
        case(
            "type moved out of an import",
            imported,
            local,
            true,
            &["MESSAGE_ADDED #/Money", "MESSAGE_MOVED #/Order"],
        )
        .deps(&same_package, &[]),
        case(
            "well-known type kept",
            p3("import \"google/protobuf/timestamp.proto\"; \
                message Order { google.protobuf.Timestamp at = 1; }"),
            p3("import \"google/protobuf/timestamp.proto\"; \
                message Order { .google.protobuf.Timestamp at = 1; }"),
            true,
            &[],
        )
        .deps(&well_known(), &well_known()),
        case(
            "well-known type swapped",
            p3("message Order { google.protobuf.Timestamp at = 1; }"),
            p3("message Order { google.protobuf.Duration at = 1; }"),
            false,
            &["FIELD_NAMED_TYPE_CHANGED #/Order/1"],
        )
        .deps(&well_known(), &well_known()),
    ]
}

fn well_known() -> Vec<(&'static str, String)> {
    vec![
        (
            "google/protobuf/timestamp.proto",
            p3(
                "package google.protobuf; message Timestamp { int64 seconds = 1; int32 nanos = 2; }",
            ),
        ),
        (
            "google/protobuf/duration.proto",
            p3("package google.protobuf; message Duration { int64 seconds = 1; int32 nanos = 2; }"),
        ),
    ]
}

#[test]
fn reference_table() {
    let mut rows = reference_rows();
    rows.extend(moved_rows());
    run(&rows);
}
