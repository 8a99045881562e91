//! Protobuf fixture shared by the `codec-interop` bridge and `kafka-pipe`: the two interop `.proto`
//! files built by hand as `FileDescriptorProto`s (the same files `tests/python/codec_interop.py`
//! and `tests/node/interop.js` hold as text), message builders, the reference messages, and a
//! printer that turns a decoded `DynamicMessage` into JSON.
//!
//! The printer's JSON: keys are field JSON names (lowerCamelCase), 64-bit integers are strings,
//! bytes are standard base64, enums are value names, maps are objects with string keys, nested
//! messages (well-known types too) are objects of their own set fields. Fields a proto3 message
//! does not carry (default values) are left out. The Python and Node scripts print their own
//! messages the same way.

use std::collections::HashMap;

use base64::Engine as _;
use prost_reflect::{
    DescriptorPool, DynamicMessage, Kind, MapKey, MessageDescriptor, ReflectMessage, Value,
};
use prost_types::field_descriptor_proto::{Label, Type};
use prost_types::{
    DescriptorProto, EnumDescriptorProto, EnumValueDescriptorProto, FieldDescriptorProto,
    FileDescriptorProto, MessageOptions,
};
use serde_json::{Map, Value as Json, json};

/// Errors of the builders (descriptor linking, a field of the wrong type).
pub type BoxError = Box<dyn std::error::Error>;

/// Full name of the message the bridge and `kafka-pipe` write by default: `[1]` in its file (an enum and
/// `Customer` come before it).
pub const ORDER: &str = "interop.orders.Order";
/// The first message of `interop/order.proto`: `[0]`.
pub const CUSTOMER: &str = "interop.orders.Customer";

fn field(name: &str, number: i32, ty: Type, type_name: Option<&str>) -> FieldDescriptorProto {
    FieldDescriptorProto {
        name: Some(name.into()),
        number: Some(number),
        label: Some(Label::Optional as i32),
        r#type: Some(ty as i32),
        type_name: type_name.map(str::to_owned),
        ..Default::default()
    }
}

fn repeated(mut f: FieldDescriptorProto) -> FieldDescriptorProto {
    f.label = Some(Label::Repeated as i32);
    f
}

fn message(name: &str, field: Vec<FieldDescriptorProto>) -> DescriptorProto {
    DescriptorProto {
        name: Some(name.into()),
        field,
        ..Default::default()
    }
}

/// ```proto
/// syntax = "proto3";
/// package interop.money;
///
/// message Money {
///   string currency_code = 1;
///   int64 units = 2;
///   int32 nanos = 3;
/// }
/// ```
pub fn money_file() -> FileDescriptorProto {
    FileDescriptorProto {
        name: Some("interop/money.proto".into()),
        package: Some("interop.money".into()),
        message_type: vec![message(
            "Money",
            vec![
                field("currency_code", 1, Type::String, None),
                field("units", 2, Type::Int64, None),
                field("nanos", 3, Type::Int32, None),
            ],
        )],
        syntax: Some("proto3".into()),
        ..Default::default()
    }
}

/// ```proto
/// syntax = "proto3";
/// package interop.orders;
///
/// import "interop/money.proto";
/// import "google/protobuf/timestamp.proto";
///
/// message Customer {
///   string name = 1;
///   bool vip = 2;
/// }
///
/// enum Channel {
///   CHANNEL_UNSPECIFIED = 0;
///   CHANNEL_WEB = 1;
///   CHANNEL_STORE = 2;
/// }
///
/// message Order {
///   string order_id = 1;
///   interop.money.Money total = 2;
///   google.protobuf.Timestamp placed_at = 3;
///   map<string, int32> quantities = 4;
///   message Line {
///     string sku = 1;
///     uint32 count = 2;
///     interop.money.Money unit_price = 3;
///   }
///   repeated Line lines = 5;
///   Channel channel = 6;
///   Customer customer = 7;
///   bytes memo = 8;
///   double weight_kg = 9;
///   sint64 delta = 10;
/// }
/// ```
/// As protoc builds it: the map's `QuantitiesEntry` is a nested type declared where the map
/// field is, so `Line` is `[1, 1]`.
pub fn order_file() -> FileDescriptorProto {
    let money = Some(".interop.money.Money");
    let mut entry = message(
        "QuantitiesEntry",
        vec![
            field("key", 1, Type::String, None),
            field("value", 2, Type::Int32, None),
        ],
    );
    entry.options = Some(MessageOptions {
        map_entry: Some(true),
        ..Default::default()
    });
    let line = message(
        "Line",
        vec![
            field("sku", 1, Type::String, None),
            field("count", 2, Type::Uint32, None),
            field("unit_price", 3, Type::Message, money),
        ],
    );
    let mut order = message(
        "Order",
        vec![
            field("order_id", 1, Type::String, None),
            field("total", 2, Type::Message, money),
            field(
                "placed_at",
                3,
                Type::Message,
                Some(".google.protobuf.Timestamp"),
            ),
            repeated(field(
                "quantities",
                4,
                Type::Message,
                Some(".interop.orders.Order.QuantitiesEntry"),
            )),
            repeated(field(
                "lines",
                5,
                Type::Message,
                Some(".interop.orders.Order.Line"),
            )),
            field("channel", 6, Type::Enum, Some(".interop.orders.Channel")),
            field(
                "customer",
                7,
                Type::Message,
                Some(".interop.orders.Customer"),
            ),
            field("memo", 8, Type::Bytes, None),
            field("weight_kg", 9, Type::Double, None),
            field("delta", 10, Type::Sint64, None),
        ],
    );
    order.nested_type = vec![entry, line];
    let value = |name: &str, number: i32| EnumValueDescriptorProto {
        name: Some(name.into()),
        number: Some(number),
        options: None,
    };
    FileDescriptorProto {
        name: Some("interop/order.proto".into()),
        package: Some("interop.orders".into()),
        dependency: vec![
            "interop/money.proto".into(),
            "google/protobuf/timestamp.proto".into(),
        ],
        message_type: vec![
            message(
                "Customer",
                vec![
                    field("name", 1, Type::String, None),
                    field("vip", 2, Type::Bool, None),
                ],
            ),
            order,
        ],
        enum_type: vec![EnumDescriptorProto {
            name: Some("Channel".into()),
            value: vec![
                value("CHANNEL_UNSPECIFIED", 0),
                value("CHANNEL_WEB", 1),
                value("CHANNEL_STORE", 2),
            ],
            ..Default::default()
        }],
        syntax: Some("proto3".into()),
        ..Default::default()
    }
}

/// Both files linked, with the well-known types of the global pool.
pub fn pool() -> Result<DescriptorPool, BoxError> {
    let mut pool = DescriptorPool::global();
    pool.add_file_descriptor_protos([money_file(), order_file()])?;
    Ok(pool)
}

/// The message `name` of `pool`.
pub fn get(pool: &DescriptorPool, name: &str) -> Result<MessageDescriptor, BoxError> {
    pool.get_message_by_name(name)
        .ok_or_else(|| format!("no message {name} in the interop pool").into())
}

/// A message of type `desc` with the given fields set.
pub fn build(
    desc: MessageDescriptor,
    fields: Vec<(&str, Value)>,
) -> Result<DynamicMessage, BoxError> {
    let mut m = DynamicMessage::new(desc);
    for (name, value) in fields {
        m.try_set_field_by_name(name, value)
            .map_err(|e| format!("{}.{name}: {e:?}", m.descriptor().full_name()))?;
    }
    Ok(m)
}

/// An `interop.money.Money`.
pub fn money(pool: &DescriptorPool, code: &str, units: i64, nanos: i32) -> Result<Value, BoxError> {
    Ok(Value::Message(build(
        get(pool, "interop.money.Money")?,
        vec![
            ("currency_code", Value::String(code.into())),
            ("units", Value::I64(units)),
            ("nanos", Value::I32(nanos)),
        ],
    )?))
}

/// The `Customer` the bridge writes (the Python and Node scripts hold the same values).
pub fn reference_customer(pool: &DescriptorPool) -> Result<DynamicMessage, BoxError> {
    build(
        get(pool, CUSTOMER)?,
        vec![
            ("name", Value::String("from-rust".into())),
            ("vip", Value::Bool(true)),
        ],
    )
}

/// The `Order` the bridge writes. One map entry, so that its encoding has one byte order.
pub fn reference_order(pool: &DescriptorPool) -> Result<DynamicMessage, BoxError> {
    let line = get(pool, "interop.orders.Order.Line")?;
    let lines = vec![
        Value::Message(build(
            line.clone(),
            vec![
                ("sku", Value::String("tea-01".into())),
                ("count", Value::U32(3)),
                ("unit_price", money(pool, "EUR", 4, 250_000_000)?),
            ],
        )?),
        Value::Message(build(
            line,
            vec![
                ("sku", Value::String("cup-07".into())),
                ("count", Value::U32(1)),
            ],
        )?),
    ];
    let placed_at = build(
        get(pool, "google.protobuf.Timestamp")?,
        vec![
            ("seconds", Value::I64(1_700_000_000)),
            ("nanos", Value::I32(123_000_000)),
        ],
    )?;
    build(
        get(pool, ORDER)?,
        vec![
            ("order_id", Value::String("o-rust-42".into())),
            ("total", money(pool, "EUR", 13, 750_000_000)?),
            ("placed_at", Value::Message(placed_at)),
            (
                "quantities",
                Value::Map(HashMap::from([(
                    MapKey::String("tea-01".into()),
                    Value::I32(3),
                )])),
            ),
            ("lines", Value::List(lines)),
            ("channel", Value::EnumNumber(2)),
            ("customer", Value::Message(reference_customer(pool)?)),
            ("memo", Value::Bytes(vec![0, 1, 0xfe, 0xff].into())),
            ("weight_kg", Value::F64(0.75)),
            ("delta", Value::I64(-9_000_000_000)),
        ],
    )
}

/// `message` as JSON (rules in the module docs).
pub fn to_json(message: &DynamicMessage) -> Json {
    let mut out = Map::new();
    for (field, value) in message.fields() {
        out.insert(
            field.json_name().to_owned(),
            value_json(&field.kind(), value),
        );
    }
    Json::Object(out)
}

fn value_json(kind: &Kind, value: &Value) -> Json {
    match value {
        Value::Bool(b) => json!(b),
        Value::I32(n) => json!(n),
        Value::U32(n) => json!(n),
        Value::I64(n) => json!(n.to_string()),
        Value::U64(n) => json!(n.to_string()),
        Value::F32(x) => json!(f64::from(*x)),
        Value::F64(x) => json!(x),
        Value::String(s) => json!(s),
        Value::Bytes(b) => json!(base64::engine::general_purpose::STANDARD.encode(b)),
        Value::EnumNumber(n) => match kind.as_enum().and_then(|e| e.get_value(*n)) {
            Some(v) => json!(v.name()),
            None => json!(n),
        },
        Value::Message(m) => to_json(m),
        Value::List(items) => Json::Array(items.iter().map(|v| value_json(kind, v)).collect()),
        Value::Map(entries) => {
            let value_kind = kind
                .as_message()
                .map(|entry| entry.map_entry_value_field().kind());
            let mut out = Map::new();
            for (k, v) in entries {
                let key = match k {
                    MapKey::Bool(b) => b.to_string(),
                    MapKey::I32(n) => n.to_string(),
                    MapKey::I64(n) => n.to_string(),
                    MapKey::U32(n) => n.to_string(),
                    MapKey::U64(n) => n.to_string(),
                    MapKey::String(s) => s.clone(),
                };
                let v = match &value_kind {
                    Some(vk) => value_json(vk, v),
                    None => value_json(kind, v),
                };
                out.insert(key, v);
            }
            Json::Object(out)
        }
    }
}
