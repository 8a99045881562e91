//! `.proto` text through `to_descriptor` into a `prost_reflect::DescriptorPool`, the
//! text-to-descriptor-to-text-form round trip, and every built-in file linked in a pool.

use std::collections::HashMap;

use prost_reflect::DescriptorPool;

use super::ast::{NamedKind, ProtoFile};
use super::builtins::{builtin_file, builtin_paths};
use super::from_descriptor::parse_base64;
use super::tests_support::{resolver, types_of};
use super::text;
use super::to_descriptor::{serialized, to_descriptor, to_descriptor_named};

const DEPTH: usize = crate::schema::limits::DEFAULT_MAX_DEPTH;

/// Types of every built-in file, by full name.
fn builtin_types() -> HashMap<String, NamedKind> {
    let mut types = HashMap::new();
    for path in builtin_paths() {
        types.extend(types_of(&builtin_file(path).unwrap()));
    }
    types
}

fn add(pool: &mut DescriptorPool, file: prost_types::FileDescriptorProto) {
    let name = file.name.clone().unwrap_or_default();
    if let Err(e) = pool.add_file_descriptor_proto(file) {
        panic!("pool rejected {name}: {e}");
    }
}

const WAREHOUSE: &str = r#"
syntax = "proto3";
package acme.stock.v2;

import "google/protobuf/timestamp.proto";
import "google/type/money.proto";

option java_multiple_files = true;
option go_package = "example.com/stock;stock";

message Bin {
  enum Zone { ZONE_UNSPECIFIED = 0; COLD = 1; DRY = 2; }
  message Slot {
    int32 row = 1;
    int32 column = 2;
    Zone zone = 3;
  }
  string bin_id = 1 [json_name = "binRef"];
  repeated Slot slots = 2;
  map<string, Slot> slot_by_label = 3;
  map<int64, google.type.Money> value_by_day = 4;
  optional google.protobuf.Timestamp audited_at = 5;
  oneof owner {
    string team = 6;
    int64 user_id = 7 [deprecated = true];
  }
  reserved 8, 9 to 11;
  reserved "legacy_code";
}

enum Status {
  option allow_alias = true;
  STATUS_UNSPECIFIED = 0;
  OPEN = 1;
  ACTIVE = 1;
}

service Stock {
  rpc Count (Bin) returns (Bin.Slot);
  rpc Stream (stream Bin) returns (stream .acme.stock.v2.Bin) {
    option deprecated = true;
  }
}
"#;

#[test]
fn a_parsed_text_file_links_in_a_pool() {
    let file = text::parse(WAREHOUSE, DEPTH).unwrap();
    let mut types = builtin_types();
    types.extend(types_of(&file));
    let resolve = resolver(types.clone());
    let mut pool = DescriptorPool::global();
    let money = builtin_file("google/type/money.proto").unwrap();
    add(
        &mut pool,
        to_descriptor_named(&money, "google/type/money.proto", &resolve).unwrap(),
    );
    add(&mut pool, to_descriptor(&file, &resolve).unwrap());

    let bin = pool.get_message_by_name("acme.stock.v2.Bin").unwrap();
    assert_eq!(
        bin.get_field_by_name("bin_id").unwrap().json_name(),
        "binRef"
    );
    let by_day = bin.get_field_by_name("value_by_day").unwrap();
    assert!(by_day.is_map());
    let entry = by_day.kind().as_message().unwrap().clone();
    assert_eq!(
        entry
            .map_entry_value_field()
            .kind()
            .as_message()
            .unwrap()
            .full_name(),
        "google.type.Money"
    );
    let audited = bin.get_field_by_name("audited_at").unwrap();
    assert!(audited.containing_oneof().unwrap().is_synthetic());
    let zone = pool
        .get_message_by_name("acme.stock.v2.Bin.Slot")
        .unwrap()
        .get_field_by_name("zone")
        .unwrap();
    assert_eq!(
        zone.kind().as_enum().unwrap().full_name(),
        "acme.stock.v2.Bin.Zone"
    );
    let ranges: Vec<_> = bin.reserved_ranges().collect();
    assert_eq!(ranges, vec![8..9, 9..12]);
    let stock = pool.get_service_by_name("acme.stock.v2.Stock").unwrap();
    let count = stock.methods().next().unwrap();
    assert_eq!(count.output().full_name(), "acme.stock.v2.Bin.Slot");
    let status = pool.get_enum_by_name("acme.stock.v2.Status").unwrap();
    assert_eq!(status.values().count(), 3);
}

/// The written file and the text form Confluent stores for its descriptor.
const WRITTEN: &str = r#"
syntax = "proto3";
package rt.v1;

message Order {
  message Line { string sku = 1; }
  string order_id = 1;
  map<string, Line> lines = 2;
  optional int32 priority = 3;
  oneof via {
    string email = 4;
    string phone = 5;
  }
  reserved 7 to 9;
}
"#;

const DESCRIPTOR_FORM: &str = r#"
syntax = "proto3";
package rt.v1;

message Order {
  reserved 7 to 9;
  string order_id = 1 [json_name = "orderId"];
  repeated .rt.v1.Order.LinesEntry lines = 2 [json_name = "lines"];
  optional int32 priority = 3 [json_name = "priority"];
  oneof via {
    string email = 4 [json_name = "email"];
    string phone = 5 [json_name = "phone"];
  }
  message Line {
    string sku = 1 [json_name = "sku"];
  }
  message LinesEntry {
    option map_entry = true;
    string key = 1 [json_name = "key"];
    .rt.v1.Order.Line value = 2 [json_name = "value"];
  }
}
"#;

#[test]
fn text_through_a_descriptor_comes_back_in_descriptor_form() {
    let written = text::parse(WRITTEN, DEPTH).unwrap();
    let fd = to_descriptor(&written, &resolver(types_of(&written))).unwrap();
    let back = parse_base64(&serialized(&fd), DEPTH).unwrap();
    let expected: ProtoFile = text::parse(DESCRIPTOR_FORM, DEPTH).unwrap();
    assert_eq!(back, expected);
    // The descriptor form itself builds the same descriptor again.
    let again = to_descriptor(&expected, &resolver(types_of(&expected))).unwrap();
    let mut first = fd.clone();
    let mut second = again;
    // Field order differs (the written map field vs the explicit entry); compare by sets.
    for d in [&mut first, &mut second] {
        for m in &mut d.message_type {
            m.field.sort_by_key(|f| f.number);
            m.nested_type.sort_by(|a, b| a.name.cmp(&b.name));
        }
    }
    assert_eq!(first, second);
}

#[test]
fn every_built_in_links_in_a_pool() {
    let resolve = resolver(builtin_types());
    let mut pool = DescriptorPool::global();
    let mut pending: Vec<&str> = builtin_paths()
        .iter()
        .copied()
        .filter(|p| !p.starts_with("google/protobuf/"))
        .collect();
    // Built-ins import only google/protobuf files, already in the global pool.
    for path in pending.drain(..) {
        let file = builtin_file(path).unwrap();
        add(
            &mut pool,
            to_descriptor_named(&file, path, &resolve).unwrap(),
        );
    }
    // The google/protobuf files, converted and rebuilt, link as well (in a fresh pool).
    let mut fresh = DescriptorPool::new();
    for path in [
        "google/protobuf/descriptor.proto",
        "google/protobuf/any.proto",
        "google/protobuf/source_context.proto",
        "google/protobuf/type.proto",
        "google/protobuf/api.proto",
        "google/protobuf/duration.proto",
        "google/protobuf/empty.proto",
        "google/protobuf/field_mask.proto",
        "google/protobuf/struct.proto",
        "google/protobuf/timestamp.proto",
        "google/protobuf/wrappers.proto",
    ] {
        let file = builtin_file(path).unwrap();
        add(
            &mut fresh,
            to_descriptor_named(&file, path, &resolve).unwrap(),
        );
    }
    assert!(
        fresh
            .get_message_by_name("google.protobuf.Struct")
            .unwrap()
            .get_field_by_name("fields")
            .unwrap()
            .is_map()
    );
    let meta = pool.get_extension_by_name("confluent.field_meta").unwrap();
    assert_eq!(meta.number(), 1088);
    assert_eq!(
        meta.containing_message().full_name(),
        "google.protobuf.FieldOptions"
    );
}

/// A proto2 file with meta options, defaults and extensions for the print round trip.
const PRINTABLE: &str = r#"
syntax = "proto2";
package crm;

import "google/protobuf/timestamp.proto";
import "confluent/meta.proto";

message Contact {
  option (confluent.message_meta) = { doc: "a person" };
  required string email = 1 [(confluent.field_meta) = { tags: ["PII"] params: [{ key: "max" value: "80" }] }];
  optional int32 score = 2 [default = -3];
  optional bytes blob = 3;
  optional Kind kind = 4 [default = VIP];
  map<string, google.protobuf.Timestamp> seen = 5;
  repeated double weights = 6 [packed = true];
  extensions 100 to max;
  enum Kind {
    NORMAL = 0;
    VIP = 1 [deprecated = true];
  }
}

extend Contact {
  optional string nickname = 100;
}
"#;

#[test]
fn descriptor_input_prints_to_text_that_parses_back_the_same() {
    use super::print::canonical;
    use super::resolve::Symbols;
    use super::serialized_meta::serialized_with_meta;
    use std::sync::Arc;

    let file = text::parse(PRINTABLE, DEPTH).unwrap();
    let deps: Vec<(String, Arc<ProtoFile>)> =
        ["google/protobuf/timestamp.proto", "confluent/meta.proto"]
            .iter()
            .map(|p| ((*p).to_owned(), builtin_file(p).unwrap()))
            .collect();
    let symbols = Symbols::new(&file, &deps);
    let descriptor = to_descriptor(&file, &|s: &str, w: &str| symbols.resolve(s, w)).unwrap();
    let from_client = parse_base64(&serialized_with_meta(&file, &descriptor), DEPTH).unwrap();
    let printed = canonical(&from_client);
    let reparsed = text::parse(&printed, DEPTH)
        .unwrap_or_else(|e| panic!("{}\nprinted:\n{printed}", e.message));
    assert_eq!(reparsed, from_client, "printed:\n{printed}");
    assert!(
        printed.contains("repeated .crm.Contact.SeenEntry seen = 5"),
        "{printed}"
    );
    assert!(printed.contains("(confluent.field_meta)"), "{printed}");
    // And the printed text builds the same descriptor again, meta and all.
    let symbols = Symbols::new(&reparsed, &deps);
    let again = to_descriptor(&reparsed, &|s: &str, w: &str| symbols.resolve(s, w)).unwrap();
    let mut pool = DescriptorPool::global();
    let meta = builtin_file("confluent/meta.proto").unwrap();
    add(
        &mut pool,
        to_descriptor_named(&meta, "confluent/meta.proto", &resolver(builtin_types())).unwrap(),
    );
    add(&mut pool, again);
    let contact = pool.get_message_by_name("crm.Contact").unwrap();
    assert!(contact.get_field_by_name("seen").unwrap().is_map());
    assert_eq!(
        contact.get_field_by_name("score").unwrap().default_value(),
        prost_reflect::Value::I32(-3)
    );
}
