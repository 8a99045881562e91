//! Protobuf through the REST API: text and descriptor input, canonical text, `format`,
//! references and built-in imports, normalization, compatibility (issue 12).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use prost::Message as _;
use prost_types::field_descriptor_proto::{Label, Type};
use prost_types::{DescriptorProto, FieldDescriptorProto, FileDescriptorProto};
use registry_tests::{TestApp, both_backends};
use serde_json::{Value, json};

const ORDER_V1: &str = r#"syntax = "proto3";
package shop.v1;

// Comments are not part of a schema's identity.
message Order {
  string id = 1;
  int64 total_cents = 2;
}
"#;

/// A field added: compatible at every level.
const ORDER_V2: &str = r#"syntax = "proto3";
package shop.v1;

message Order {
  string id = 1;
  int64 total_cents = 2;
  string currency = 3;
}
"#;

/// `total_cents` turned into a string: incompatible (int64 and string are different kinds).
const ORDER_BROKEN: &str = r#"syntax = "proto3";
package shop.v1;

message Order {
  string id = 1;
  string total_cents = 2;
}
"#;

fn proto(text: &str) -> Value {
    json!({"schemaType": "PROTOBUF", "schema": text})
}

fn proto_with_refs(text: &str, references: Value) -> Value {
    json!({"schemaType": "PROTOBUF", "schema": text, "references": references})
}

async fn register(app: &TestApp, subject: &str, body: &Value) -> i64 {
    let answer = app
        .post(&format!("/subjects/{subject}/versions"), body)
        .await;
    answer.assert_ok()["id"].as_i64().expect("id")
}

async fn types_list_protobuf(app: TestApp) {
    let types = app.get("/schemas/types").await;
    assert_eq!(types.assert_ok(), &json!(["JSON", "PROTOBUF", "AVRO"]));
}

async fn text_registers_with_canonical_text_and_is_found_again(app: TestApp) {
    let id = register(&app, "orders-value", &proto(ORDER_V1)).await;
    let by_id = app.get(&format!("/schemas/ids/{id}")).await;
    assert_eq!(by_id.assert_ok()["schemaType"], "PROTOBUF");
    let stored = by_id.body["schema"].as_str().expect("schema").to_owned();
    assert!(
        !stored.contains("Comments"),
        "comments are dropped: {stored}"
    );
    assert!(
        stored.starts_with("syntax = \"proto3\";\npackage shop.v1;\n"),
        "{stored}"
    );
    assert!(
        stored.contains("message Order {\n  string id = 1;\n  int64 total_cents = 2;\n}"),
        "{stored}"
    );

    // Other whitespace and comments: the same schema, the same id and version.
    let respaced = ORDER_V1
        .replace("  ", "\t")
        .replace("// Comments", "/* other */ //");
    assert_eq!(register(&app, "orders-value", &proto(&respaced)).await, id);
    let lookup = app.post("/subjects/orders-value", &proto(&respaced)).await;
    assert_eq!(lookup.assert_ok()["id"].as_i64(), Some(id));
    assert_eq!(lookup.body["version"], 1);
    assert_eq!(lookup.body["schemaType"], "PROTOBUF");
    let version = app.get("/subjects/orders-value/versions/1").await;
    assert_eq!(version.assert_ok()["schema"], stored.as_str());
    let raw = app.get("/subjects/orders-value/versions/1/schema").await;
    assert_eq!(raw.text, stored);
}

async fn unparsable_text_is_42201(app: TestApp) {
    for bad in [
        "message {",
        "not a schema",
        "edition = \"2023\";\nmessage A { int32 a = 1; }",
    ] {
        let answer = app.post("/subjects/bad/versions", &proto(bad)).await;
        answer.assert_error(42201);
        assert!(
            answer.message().contains("Could not parse Protobuf"),
            "{bad}: {}",
            answer.message()
        );
    }
    let unresolved = app
        .post(
            "/subjects/bad/versions",
            &proto("syntax = \"proto3\";\nmessage A { Missing m = 1; }"),
        )
        .await;
    unresolved.assert_error(42201);
    assert!(
        unresolved
            .message()
            .contains("Could not resolve type: Missing"),
        "{}",
        unresolved.message()
    );
    assert_eq!(app.get("/subjects").await.body, json!([]), "nothing stored");
}

/// `shop.v1.Order { string id = 1; repeated Line lines = 2; }` with nested `Line`, as a
/// serializer that sends descriptors builds it (type names fully qualified, json names set).
fn order_descriptor() -> FileDescriptorProto {
    let field = |name: &str, number: i32, kind: Type, type_name: Option<&str>, label: Label| {
        FieldDescriptorProto {
            name: Some(name.to_owned()),
            number: Some(number),
            label: Some(label as i32),
            r#type: Some(kind as i32),
            type_name: type_name.map(str::to_owned),
            json_name: Some(name.to_owned()),
            ..FieldDescriptorProto::default()
        }
    };
    FileDescriptorProto {
        name: Some("shop/order.proto".to_owned()),
        package: Some("shop.v1".to_owned()),
        syntax: Some("proto3".to_owned()),
        message_type: vec![DescriptorProto {
            name: Some("Order".to_owned()),
            field: vec![
                field("id", 1, Type::String, None, Label::Optional),
                field(
                    "lines",
                    2,
                    Type::Message,
                    Some(".shop.v1.Order.Line"),
                    Label::Repeated,
                ),
            ],
            nested_type: vec![DescriptorProto {
                name: Some("Line".to_owned()),
                field: vec![field("sku", 1, Type::Int64, None, Label::Optional)],
                ..DescriptorProto::default()
            }],
            ..DescriptorProto::default()
        }],
        ..FileDescriptorProto::default()
    }
}

async fn descriptors_register_and_serialize_back(app: TestApp) {
    let encoded = STANDARD.encode(order_descriptor().encode_to_vec());
    let id = register(&app, "desc-value", &proto(&encoded)).await;
    let stored = app.get(&format!("/schemas/ids/{id}")).await;
    let text = stored.assert_ok()["schema"]
        .as_str()
        .expect("text")
        .to_owned();
    assert!(text.contains("package shop.v1;"), "{text}");
    assert!(
        text.contains(".shop.v1.Order.Line"),
        "descriptor names stay qualified: {text}"
    );
    // The same descriptor again is the same schema.
    assert_eq!(register(&app, "desc-value", &proto(&encoded)).await, id);

    let serialized = app
        .get(&format!("/schemas/ids/{id}?format=serialized"))
        .await;
    assert_eq!(
        serialized.assert_ok()["guid"],
        stored.body["guid"],
        "same guid"
    );
    let bytes = STANDARD
        .decode(serialized.body["schema"].as_str().expect("base64"))
        .expect("standard base64");
    let file = FileDescriptorProto::decode(bytes.as_slice()).expect("a FileDescriptorProto");
    assert_eq!(file.name(), "default");
    assert_eq!(file.package(), "shop.v1");
    assert_eq!(file.message_type[0].name(), "Order");
    assert_eq!(
        file.message_type[0].field[1].type_name(),
        ".shop.v1.Order.Line"
    );
    assert_eq!(file.message_type[0].field[1].r#type(), Type::Message);

    // The serialized form registers as the same schema it came from, and so does the text.
    let again = serialized.body["schema"]
        .as_str()
        .expect("base64")
        .to_owned();
    assert_eq!(register(&app, "desc-value", &proto(&again)).await, id);
    assert_eq!(register(&app, "desc-value", &proto(&text)).await, id);
    for path in [
        "/subjects/desc-value/versions/1?format=serialized".to_owned(),
        format!("/schemas/ids/{id}/schema?format=SERIALIZED"),
        "/subjects/desc-value/versions/1/schema?format=serialized".to_owned(),
    ] {
        let answer = app.get(&path).await;
        assert_eq!(answer.status, 200, "{path}: {}", answer.text);
        assert!(
            !answer.text.contains("message Order"),
            "{path}: {}",
            answer.text
        );
    }
    // An unknown format is the stored text.
    let unknown = app.get(&format!("/schemas/ids/{id}?format=bogus")).await;
    assert_eq!(unknown.assert_ok()["schema"], text.as_str());
}

/// The `.proto` text of [`order_descriptor`]'s schema.
const ORDER_TEXT: &str = r#"syntax = "proto3";
package shop.v1;

message Order {
  string id = 1;
  repeated Line lines = 2;
  message Line {
    int64 sku = 1;
  }
}
"#;

async fn either_form_finds_the_other(app: TestApp) {
    let encoded = STANDARD.encode(order_descriptor().encode_to_vec());
    let id = register(&app, "either-value", &proto(ORDER_TEXT)).await;
    let found = app.post("/subjects/either-value", &proto(&encoded)).await;
    assert_eq!(
        found.assert_ok()["id"].as_i64(),
        Some(id),
        "descriptor finds the text"
    );
    assert_eq!(found.body["version"], 1);
    assert_eq!(register(&app, "either-value", &proto(&encoded)).await, id);
    assert_eq!(
        app.get("/subjects/either-value/versions").await.assert_ok(),
        &json!([1])
    );

    let other = register(&app, "either-desc", &proto(&encoded)).await;
    let found = app.post("/subjects/either-desc", &proto(ORDER_TEXT)).await;
    assert_eq!(
        found.assert_ok()["id"].as_i64(),
        Some(other),
        "text finds the descriptor"
    );
}

const COMMON: &str = r#"syntax = "proto3";
package shop.common;

message Money {
  string currency = 1;
  int64 units = 2;
}
"#;

const INVOICE: &str = r#"syntax = "proto3";
package shop.billing;

import "shop/common.proto";
import "google/protobuf/timestamp.proto";
import "google/type/date.proto";

message Invoice {
  shop.common.Money amount = 1;
  google.protobuf.Timestamp issued = 2;
  google.type.Date due = 3;
}
"#;

async fn references_and_built_in_imports(app: TestApp) {
    let common_id = register(&app, "shop%2Fcommon.proto", &proto(COMMON)).await;
    let refs = json!([{"name": "shop/common.proto", "subject": "shop/common.proto", "version": 1}]);
    let id = register(
        &app,
        "invoices-value",
        &proto_with_refs(INVOICE, refs.clone()),
    )
    .await;
    assert_ne!(id, common_id);
    let by_id = app.get(&format!("/schemas/ids/{id}")).await;
    assert_eq!(
        by_id.assert_ok()["references"],
        refs,
        "references kept on reads"
    );
    let referrers = app
        .get("/subjects/shop%2Fcommon.proto/versions/1/referencedby")
        .await;
    assert_eq!(referrers.assert_ok(), &json!([id]));
    app.delete("/subjects/shop%2Fcommon.proto/versions/1")
        .await
        .assert_error(42206);

    // Without its reference the import's types resolve nowhere.
    let missing = app.post("/subjects/orphan/versions", &proto(INVOICE)).await;
    missing.assert_error(42201);
    assert!(
        missing.message().contains("shop.common.Money"),
        "{}",
        missing.message()
    );
    // A reference to a version that does not exist.
    let dangling = app
        .post(
            "/subjects/orphan/versions",
            &proto_with_refs(
                INVOICE,
                json!([{"name": "shop/common.proto", "subject": "shop/common.proto", "version": 7}]),
            ),
        )
        .await;
    dangling.assert_error(42201);

    // The serialized form names the import and resolves every type.
    let serialized = app
        .get(&format!("/schemas/ids/{id}?format=serialized"))
        .await;
    let bytes = STANDARD
        .decode(serialized.assert_ok()["schema"].as_str().expect("base64"))
        .expect("base64");
    let file = FileDescriptorProto::decode(bytes.as_slice()).expect("descriptor");
    assert_eq!(
        file.dependency,
        [
            "shop/common.proto",
            "google/protobuf/timestamp.proto",
            "google/type/date.proto"
        ]
    );
    let types: Vec<&str> = file.message_type[0]
        .field
        .iter()
        .map(|f| f.type_name())
        .collect();
    assert_eq!(
        types,
        [
            ".shop.common.Money",
            ".google.protobuf.Timestamp",
            ".google.type.Date"
        ]
    );
}

async fn every_built_in_import_resolves_without_a_reference(app: TestApp) {
    let imports = [
        ("google/protobuf/any.proto", "google.protobuf.Any"),
        ("google/protobuf/duration.proto", "google.protobuf.Duration"),
        ("google/protobuf/empty.proto", "google.protobuf.Empty"),
        ("google/protobuf/struct.proto", "google.protobuf.Struct"),
        (
            "google/protobuf/wrappers.proto",
            "google.protobuf.StringValue",
        ),
        (
            "google/protobuf/field_mask.proto",
            "google.protobuf.FieldMask",
        ),
        ("google/type/money.proto", "google.type.Money"),
        ("google/type/latlng.proto", "google.type.LatLng"),
        ("google/type/timeofday.proto", "google.type.TimeOfDay"),
        (
            "google/type/postal_address.proto",
            "google.type.PostalAddress",
        ),
        ("confluent/type/decimal.proto", "confluent.type.Decimal"),
        ("confluent/meta.proto", "confluent.Meta"),
    ];
    for (i, (path, type_name)) in imports.iter().enumerate() {
        let text = format!(
            "syntax = \"proto3\";\npackage uses.builtins;\nimport \"{path}\";\nmessage Holder {{ {type_name} value = 1; }}\n"
        );
        let answer = app
            .post(&format!("/subjects/builtin-{i}/versions"), &proto(&text))
            .await;
        assert_eq!(answer.status, 200, "{path}: {}", answer.text);
    }
}

async fn compatibility_follows_the_subject_level(app: TestApp) {
    register(&app, "orders-value", &proto(ORDER_V1)).await;
    assert_eq!(register(&app, "orders-value", &proto(ORDER_V2)).await, 2);
    let refused = app
        .post("/subjects/orders-value/versions", &proto(ORDER_BROKEN))
        .await;
    refused.assert_error(409);
    assert!(
        refused.message().contains("FIELD_SCALAR_KIND_CHANGED")
            || refused.message().contains("FIELD_KIND_CHANGED"),
        "{}",
        refused.message()
    );
    let verbose = app
        .post(
            "/compatibility/subjects/orders-value/versions/latest?verbose=true",
            &proto(ORDER_BROKEN),
        )
        .await;
    assert_eq!(verbose.assert_ok()["is_compatible"], false);
    let messages = verbose.body["messages"].as_array().expect("messages");
    assert!(
        messages
            .iter()
            .any(|m| m.as_str().is_some_and(|m| m.contains("#/Order/2"))),
        "{messages:?}"
    );
    let compatible = app
        .post(
            "/compatibility/subjects/orders-value/versions/latest",
            &proto(ORDER_V2),
        )
        .await;
    assert_eq!(compatible.assert_ok()["is_compatible"], true);
    // A schema of another type is never compatible.
    let avro = app
        .post(
            "/compatibility/subjects/orders-value/versions/latest",
            &json!({"schema": "\"string\""}),
        )
        .await;
    assert_eq!(avro.assert_ok()["is_compatible"], false);
}

/// Two spellings of one schema are one schema whether or not `normalize` is asked: the
/// identity of a Protobuf schema is its normalized form (docs/differences.md). `normalize`
/// decides only which text is stored.
async fn field_order_is_not_identity(app: TestApp) {
    let ordered =
        "syntax = \"proto3\";\npackage n;\nmessage A {\n  int32 a = 1;\n  string b = 2;\n}\n";
    let reordered =
        "syntax = \"proto3\";\npackage n;\nmessage A {\n  string b = 2;\n  int32 a = 1;\n}\n";
    app.put("/config/norm", &json!({"compatibility": "NONE"}))
        .await
        .assert_ok();
    let first = app
        .post("/subjects/norm/versions?normalize=true", &proto(ordered))
        .await;
    let id = first.assert_ok()["id"].as_i64();
    let second = app
        .post("/subjects/norm/versions?normalize=true", &proto(reordered))
        .await;
    assert_eq!(second.assert_ok()["id"].as_i64(), id);
    let plain = app.post("/subjects/norm/versions", &proto(reordered)).await;
    assert_eq!(plain.assert_ok()["id"].as_i64(), id);
    let versions = app.get("/subjects/norm/versions").await;
    assert_eq!(versions.assert_ok(), &json!([1]));
    // The normalized text was stored: fields in tag order.
    let stored = app.get("/subjects/norm/versions/1/schema").await;
    assert!(
        stored.text.find("int32 a").expect("a") < stored.text.find("string b").expect("b"),
        "{}",
        stored.text
    );
    // A lookup of either spelling, normalized or not, finds it.
    for (text, query) in [
        (ordered, ""),
        (reordered, ""),
        (reordered, "?normalize=true"),
    ] {
        let found = app
            .post(&format!("/subjects/norm{query}"), &proto(text))
            .await;
        assert_eq!(found.assert_ok()["id"].as_i64(), id, "{query}: {text}");
    }
    // A real change is a new schema.
    let changed = ordered.replace("string b = 2", "string b = 3");
    let other = app.post("/subjects/norm/versions", &proto(&changed)).await;
    assert_ne!(other.assert_ok()["id"].as_i64(), id);
}

async fn ignore_extensions_drops_custom_options(app: TestApp) {
    let text = r#"syntax = "proto3";
package ext;

import "google/protobuf/descriptor.proto";

extend google.protobuf.FieldOptions {
  string label = 50001;
}

message A {
  string name = 1 [(ext.label) = "person name"];
}
"#;
    let id = register(&app, "ext-value", &proto(text)).await;
    let stored = app.get(&format!("/schemas/ids/{id}")).await;
    assert!(
        stored.assert_ok()["schema"]
            .as_str()
            .expect("text")
            .contains("(ext.label)")
    );
    let stripped = app
        .get(&format!("/schemas/ids/{id}?format=ignore_extensions"))
        .await;
    let stripped = stripped.assert_ok()["schema"].as_str().expect("text");
    assert!(!stripped.contains("(ext.label)"), "{stripped}");
    assert!(!stripped.contains("extend "), "{stripped}");
    assert!(stripped.contains("string name = 1;"), "{stripped}");
}

async fn avro_resolved_format_inlines_references(app: TestApp) {
    let money = r#"{"type":"record","name":"Money","namespace":"shop","fields":[{"name":"units","type":"long"}]}"#;
    app.register_id("money", money).await;
    let order = r#"{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"total","type":"shop.Money"}]}"#;
    let id = register(
        &app,
        "order",
        &json!({"schema": order, "references": [{"name": "shop.Money", "subject": "money", "version": 1}]}),
    )
    .await;
    let stored = app.get(&format!("/schemas/ids/{id}")).await;
    let stored = stored.assert_ok()["schema"].as_str().expect("text");
    assert!(
        !stored.contains("units"),
        "stored text keeps the reference: {stored}"
    );
    let resolved = app.get(&format!("/schemas/ids/{id}?format=resolved")).await;
    let text = resolved.assert_ok()["schema"].as_str().expect("text");
    assert!(text.contains(r#""name":"Money""#), "{text}");
    assert!(text.contains(r#""name":"units""#), "{text}");
}

both_backends!(
    types_list_protobuf,
    text_registers_with_canonical_text_and_is_found_again,
    unparsable_text_is_42201,
    descriptors_register_and_serialize_back,
    either_form_finds_the_other,
    references_and_built_in_imports,
    every_built_in_import_resolves_without_a_reference,
    compatibility_follows_the_subject_level,
    field_order_is_not_identity,
    ignore_extensions_drops_custom_options,
    avro_resolved_format_inlines_references,
);
