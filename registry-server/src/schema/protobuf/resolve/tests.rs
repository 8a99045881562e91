//! Scoping edge cases of the symbol table, over hand-built files.

use std::sync::Arc;

use super::{Body, Origin, Symbols};
use crate::schema::protobuf::ast::{
    Extend, FieldType, Label, NameResolver, NamedKind, Oneof, Rpc, Scalar, Service,
};
use crate::schema::protobuf::tests_support::{
    enumeration, field, file, group, labelled, map_entry, message, named, scalar,
};

/// package shop.v1; Basket { Item { Price{} } ; Price {}; Mode enum; group Extra { Note{} };
/// ItemsEntry (map entry) } ; Price { Tier {} } ; Mode enum at top level too.
fn shop() -> Symbols {
    let mut root = file(Some("shop.v1"));
    let mut item = message("Item", Vec::new());
    item.messages.push(message("Price", Vec::new()));
    let mut basket = message("Basket", Vec::new());
    basket.messages.push(item);
    basket.messages.push(message("Price", Vec::new()));
    basket.enums.push(enumeration("Mode", &[("FAST", 0)]));
    let mut extra = message("Extra", Vec::new());
    extra.messages.push(message("Note", Vec::new()));
    basket.groups.push(group("Extra", 9, extra));
    basket
        .messages
        .push(map_entry("ItemsEntry", Scalar::String, named("Item")));
    root.messages.push(basket);
    let mut price = message("Price", Vec::new());
    price.messages.push(message("Tier", Vec::new()));
    root.messages.push(price);
    root.enums.push(enumeration("Mode", &[("SLOW", 0)]));

    let mut money = file(Some("shop.common"));
    money.messages.push(message("Money", Vec::new()));
    let mut stamp = file(Some("google.protobuf"));
    stamp.messages.push(message("Timestamp", Vec::new()));
    let mut bare = file(None);
    bare.messages.push(message("Loose", Vec::new()));
    Symbols::new(
        &root,
        &[
            ("shop/common/money.proto".to_owned(), Arc::new(money)),
            (
                "google/protobuf/timestamp.proto".to_owned(),
                Arc::new(stamp),
            ),
            ("loose.proto".to_owned(), Arc::new(bare)),
        ],
    )
}

fn full(symbols: &Symbols, scope: &str, written: &str) -> Option<String> {
    symbols.resolve(scope, written).map(|r| r.full_name)
}

#[test]
fn innermost_scope_wins_over_outer_ones() {
    let s = shop();
    assert_eq!(
        full(&s, "shop.v1.Basket.Item", "Price").as_deref(),
        Some(".shop.v1.Basket.Item.Price")
    );
    assert_eq!(
        full(&s, "shop.v1.Basket", "Price").as_deref(),
        Some(".shop.v1.Basket.Price")
    );
    assert_eq!(
        full(&s, "shop.v1", "Price").as_deref(),
        Some(".shop.v1.Price")
    );
    assert_eq!(
        full(&s, "shop.v1.Basket.Item", "Mode").as_deref(),
        Some(".shop.v1.Basket.Mode")
    );
}

#[test]
fn leading_dot_is_absolute() {
    let s = shop();
    assert_eq!(
        full(&s, "shop.v1.Basket.Item", ".shop.v1.Price").as_deref(),
        Some(".shop.v1.Price")
    );
    assert_eq!(full(&s, "shop.v1.Basket", ".Price"), None);
    assert_eq!(full(&s, "", ".Loose").as_deref(), Some(".Loose"));
}

#[test]
fn dotted_names_resolve_their_first_component_then_the_rest_inside_it() {
    let s = shop();
    assert_eq!(
        full(&s, "shop.v1.Basket.Item", "Item.Price").as_deref(),
        Some(".shop.v1.Basket.Item.Price")
    );
    assert_eq!(
        full(&s, "shop.v1.Basket", "Basket.Price").as_deref(),
        Some(".shop.v1.Basket.Price")
    );
    assert_eq!(
        full(&s, "shop.v1.Basket", "v1.Price").as_deref(),
        Some(".shop.v1.Price")
    );
    assert_eq!(
        full(&s, "shop.v1.Basket", "shop.v1.Basket.Item").as_deref(),
        Some(".shop.v1.Basket.Item")
    );
}

#[test]
fn a_matched_first_component_is_not_left_for_an_outer_scope() {
    let s = shop();
    // From the file scope `Price.Tier` is the top-level Price's Tier.
    assert_eq!(
        full(&s, "shop.v1", "Price.Tier").as_deref(),
        Some(".shop.v1.Price.Tier")
    );
    // From inside Basket, `Price` binds to Basket.Price, which has no Tier; the search does
    // not go on to the outer Price.
    assert_eq!(full(&s, "shop.v1.Basket", "Price.Tier"), None);
    assert_eq!(full(&s, "shop.v1.Basket.Item", "Price.Tier"), None);
    // Nothing named Item at file level.
    assert_eq!(full(&s, "shop.v1", "Item.Price"), None);
}

#[test]
fn packages_of_imports_resolve_relatively() {
    let s = shop();
    assert_eq!(
        full(&s, "shop.v1.Basket", "common.Money").as_deref(),
        Some(".shop.common.Money")
    );
    assert_eq!(
        full(&s, "shop.v1.Basket", "shop.common.Money").as_deref(),
        Some(".shop.common.Money")
    );
    // A package is not a type.
    assert_eq!(full(&s, "shop.v1.Basket", "common"), None);
    assert_eq!(full(&s, "shop.v1", "Money"), None);
}

#[test]
fn a_message_named_like_a_package_component_shadows_it() {
    let mut root = file(Some("shop.v1"));
    root.messages.push(message("common", Vec::new()));
    let mut money = file(Some("shop.common"));
    money.messages.push(message("Money", Vec::new()));
    let s = Symbols::new(&root, &[("m.proto".to_owned(), Arc::new(money))]);
    assert_eq!(full(&s, "shop.v1", "common.Money"), None);
    assert_eq!(
        full(&s, "shop.v1", "shop.common.Money").as_deref(),
        Some(".shop.common.Money")
    );
}

#[test]
fn builtins_passed_as_dependencies_resolve_and_say_where_they_come_from() {
    let s = shop();
    let resolved = s.resolve("shop.v1.Basket", "google.protobuf.Timestamp");
    assert_eq!(
        resolved.map(|r| (r.full_name, r.kind)),
        Some((".google.protobuf.Timestamp".to_owned(), NamedKind::Message))
    );
    let def = s.lookup(".google.protobuf.Timestamp").unwrap();
    assert_eq!(def.package, "google.protobuf");
    assert_eq!(def.local_name(), "Timestamp");
    assert_eq!(
        def.origin,
        Origin::Dependency("google/protobuf/timestamp.proto")
    );
    assert!(matches!(def.body, Body::Message(m) if m.name == "Timestamp"));
}

#[test]
fn kinds_groups_and_map_entries() {
    let s = shop();
    assert_eq!(
        s.resolve("shop.v1.Basket", "Mode").map(|r| r.kind),
        Some(NamedKind::Enum)
    );
    assert_eq!(
        full(&s, "shop.v1.Basket.Extra", "Note").as_deref(),
        Some(".shop.v1.Basket.Extra.Note")
    );
    assert_eq!(
        full(&s, "shop.v1", "Basket.Extra").as_deref(),
        Some(".shop.v1.Basket.Extra")
    );
    let entry = s.lookup("shop.v1.Basket.ItemsEntry").unwrap();
    assert!(entry.is_map_entry());
    assert_eq!(entry.origin, Origin::Root);
    assert_eq!(entry.local_name(), "Basket.ItemsEntry");
    assert!(!s.lookup("shop.v1.Basket").unwrap().is_map_entry());
    let mode = s.lookup("shop.v1.Basket.Mode").unwrap();
    assert!(matches!(mode.body, Body::Enum(e) if e.values[0].name == "FAST"));
    let top_mode = s.lookup(".shop.v1.Mode").unwrap();
    assert!(matches!(top_mode.body, Body::Enum(e) if e.values[0].name == "SLOW"));
}

#[test]
fn malformed_names_resolve_to_nothing() {
    let s = shop();
    for written in ["", ".", "Basket..Item", "Basket.", "..Basket"] {
        assert_eq!(full(&s, "shop.v1", written), None, "{written:?}");
    }
}

#[test]
fn no_package_file_scope_is_empty() {
    let s = shop();
    assert_eq!(full(&s, "", "Loose").as_deref(), Some(".Loose"));
    assert_eq!(
        full(&s, "shop.v1.Basket.Item", "Loose").as_deref(),
        Some(".Loose")
    );
    assert_eq!(s.lookup("Loose").unwrap().local_name(), "Loose");
}

#[test]
fn usable_as_a_name_resolver() {
    let s = shop();
    let resolver: &NameResolver<'_> = &|scope, written| s.resolve(scope, written);
    assert!(resolver("shop.v1.Basket", "Item").is_some());
}

#[test]
fn unresolved_lists_every_unknown_use_once_in_source_order() {
    let mut root = file(Some("shop.v1"));
    let mut basket = message("Basket", Vec::new());
    basket.fields.push(field("ghost", named("Ghost"), 1));
    basket.fields.push(field("item", named("Item"), 2));
    basket.fields.push(field(
        "by_key",
        FieldType::Map {
            key: Scalar::String,
            value: Box::new(named("Phantom")),
        },
        3,
    ));
    basket.oneofs.push(Oneof {
        name: "choice".to_owned(),
        options: Vec::new(),
        fields: vec![field("again", named("Ghost"), 4)],
    });
    let mut item = message("Item", Vec::new());
    item.fields
        .push(labelled(Label::Repeated, "children", named("Item"), 1));
    item.fields.push(field("n", scalar(Scalar::Int32), 2));
    basket.messages.push(item);
    let mut extra = message("Extra", Vec::new());
    extra.fields.push(field("w", named("Wisp"), 1));
    basket.groups.push(group("Extra", 9, extra));
    root.messages.push(basket);
    root.extends.push(Extend {
        extendee: "Nowhere".to_owned(),
        fields: vec![field("ext", named("Basket.Item"), 100)],
    });
    root.services.push(Service {
        name: "Shop".to_owned(),
        options: Vec::new(),
        rpcs: vec![Rpc {
            name: "Buy".to_owned(),
            input: "Basket".to_owned(),
            input_stream: false,
            output: "Receipt".to_owned(),
            output_stream: false,
            options: Vec::new(),
        }],
    });
    let s = Symbols::new(&root, &[]);
    assert_eq!(
        s.unresolved(),
        ["Nowhere", "Receipt", "Ghost", "Phantom", "Wisp"]
    );
    assert_eq!(s.root_package(), "shop.v1");
}

#[test]
fn unresolved_from_text_with_and_without_the_imported_file() {
    let parse = |t: &str| crate::schema::protobuf::text::parse(t, 256).unwrap();
    let root = parse(
        "syntax = \"proto3\"; package shop; import \"google/protobuf/timestamp.proto\";\n\
         message Order { google.protobuf.Timestamp at = 1; map<string, Line> lines = 2;\n\
           message Line { Unit unit = 1; } }\n\
         enum Unit { PIECE = 0; }\n\
         service Orders { rpc Get(Order) returns (.shop.Order); }",
    );
    let stamp = parse("syntax = \"proto3\"; package google.protobuf; message Timestamp { }");
    let with = Symbols::new(
        &root,
        &[(
            "google/protobuf/timestamp.proto".to_owned(),
            Arc::new(stamp),
        )],
    );
    assert_eq!(with.unresolved(), Vec::<String>::new());
    let without = Symbols::new(&root, &[]);
    assert_eq!(without.unresolved(), ["google.protobuf.Timestamp"]);
}
