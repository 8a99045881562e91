//! The files an `import` resolves to with no reference (Confluent's known dependencies): the
//! 11 `google/protobuf/*` files, taken from `prost-reflect`'s descriptors and converted like
//! descriptor input, and the `google/type/*` and `confluent/*` files, declared here as
//! minimal `.proto` texts (messages, enums, fields and the meta option extensions only).
//! Each is parsed once, on first use.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, OnceLock};

use prost_reflect::DescriptorPool;

use super::ast::ProtoFile;
use super::{from_descriptor, text};
use crate::schema::limits::DEFAULT_MAX_DEPTH;

/// The well-known files prost-reflect's global pool carries.
const GOOGLE_PROTOBUF: [&str; 11] = [
    "google/protobuf/any.proto",
    "google/protobuf/api.proto",
    "google/protobuf/descriptor.proto",
    "google/protobuf/duration.proto",
    "google/protobuf/empty.proto",
    "google/protobuf/field_mask.proto",
    "google/protobuf/source_context.proto",
    "google/protobuf/struct.proto",
    "google/protobuf/timestamp.proto",
    "google/protobuf/type.proto",
    "google/protobuf/wrappers.proto",
];

/// Import path and declaration of each text-declared built-in.
const TEXTS: [(&str, &str); 19] = [
    (
        "google/type/calendar_period.proto",
        include_str!("builtins/google_type/calendar_period.proto"),
    ),
    (
        "google/type/color.proto",
        include_str!("builtins/google_type/color.proto"),
    ),
    (
        "google/type/date.proto",
        include_str!("builtins/google_type/date.proto"),
    ),
    (
        "google/type/datetime.proto",
        include_str!("builtins/google_type/datetime.proto"),
    ),
    (
        "google/type/dayofweek.proto",
        include_str!("builtins/google_type/dayofweek.proto"),
    ),
    (
        "google/type/decimal.proto",
        include_str!("builtins/google_type/decimal.proto"),
    ),
    (
        "google/type/expr.proto",
        include_str!("builtins/google_type/expr.proto"),
    ),
    (
        "google/type/fraction.proto",
        include_str!("builtins/google_type/fraction.proto"),
    ),
    (
        "google/type/interval.proto",
        include_str!("builtins/google_type/interval.proto"),
    ),
    (
        "google/type/latlng.proto",
        include_str!("builtins/google_type/latlng.proto"),
    ),
    (
        "google/type/money.proto",
        include_str!("builtins/google_type/money.proto"),
    ),
    (
        "google/type/month.proto",
        include_str!("builtins/google_type/month.proto"),
    ),
    (
        "google/type/phone_number.proto",
        include_str!("builtins/google_type/phone_number.proto"),
    ),
    (
        "google/type/postal_address.proto",
        include_str!("builtins/google_type/postal_address.proto"),
    ),
    (
        "google/type/quaternion.proto",
        include_str!("builtins/google_type/quaternion.proto"),
    ),
    (
        "google/type/timeofday.proto",
        include_str!("builtins/google_type/timeofday.proto"),
    ),
    (
        "confluent/meta.proto",
        include_str!("builtins/confluent/meta.proto"),
    ),
    (
        "confluent/type/decimal.proto",
        include_str!("builtins/confluent/decimal.proto"),
    ),
    (
        "confluent/type/variant.proto",
        include_str!("builtins/confluent/variant.proto"),
    ),
];

/// Every built-in path: the google/protobuf files first, then the text-declared ones.
static PATHS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    GOOGLE_PROTOBUF
        .iter()
        .copied()
        .chain(TEXTS.iter().map(|(path, _)| *path))
        .collect()
});

/// One parse slot per path, filled on first use (`None` if the file does not convert).
static FILES: LazyLock<HashMap<&'static str, OnceLock<Option<Arc<ProtoFile>>>>> =
    LazyLock::new(|| PATHS.iter().map(|p| (*p, OnceLock::new())).collect());

/// All paths that resolve with no reference.
#[must_use]
pub fn builtin_paths() -> &'static [&'static str] {
    PATHS.as_slice()
}

/// Whether `path` is a built-in (a reference with the same name still overrides it).
#[must_use]
pub fn is_builtin(path: &str) -> bool {
    FILES.contains_key(path)
}

/// The `.proto` text of a text-declared built-in (`google/type/*`, `confluent/*`); `None`
/// for the google/protobuf files and for anything else.
#[must_use]
pub fn builtin_text(path: &str) -> Option<&'static str> {
    TEXTS
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, text)| *text)
}

/// The parsed built-in at `path`, shared; `None` when `path` is not a built-in.
#[must_use]
pub fn builtin_file(path: &str) -> Option<Arc<ProtoFile>> {
    FILES
        .get(path)?
        .get_or_init(|| load(path).map(Arc::new))
        .clone()
}

fn load(path: &str) -> Option<ProtoFile> {
    if let Some(text) = builtin_text(path) {
        return text::parse(text, DEFAULT_MAX_DEPTH).ok();
    }
    let pool = DescriptorPool::global();
    let file = pool.get_file_by_name(path)?;
    from_descriptor::from_descriptor(file.file_descriptor_proto(), DEFAULT_MAX_DEPTH).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::protobuf::ast::{FieldType, Message};

    fn message<'a>(file: &'a ProtoFile, name: &str) -> &'a Message {
        file.messages
            .iter()
            .find(|m| m.name == name)
            .unwrap_or_else(|| panic!("no message {name}"))
    }

    #[test]
    fn there_are_thirty_built_ins_and_only_they() {
        assert_eq!(builtin_paths().len(), 30);
        assert!(is_builtin("google/type/money.proto"));
        assert!(!is_builtin("google/protobuf/compiler/plugin.proto"));
        assert!(!is_builtin("google/type/localized_text.proto"));
        assert!(builtin_file("acme/other.proto").is_none());
        assert!(builtin_text("google/protobuf/any.proto").is_none());
    }

    #[test]
    fn google_protobuf_files_come_from_the_descriptor_pool() {
        for path in GOOGLE_PROTOBUF {
            let file = builtin_file(path).unwrap_or_else(|| panic!("{path} did not load"));
            assert_eq!(file.package.as_deref(), Some("google.protobuf"), "{path}");
            assert!(!file.messages.is_empty(), "{path}");
        }
        let timestamp = builtin_file("google/protobuf/timestamp.proto").unwrap();
        let ts = message(&timestamp, "Timestamp");
        let fields: Vec<_> = ts
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.number))
            .collect();
        assert_eq!(fields, [("seconds", 1), ("nanos", 2)]);
        // struct.proto's map comes back as an explicit entry message.
        let structs = builtin_file("google/protobuf/struct.proto").unwrap();
        let fields_entry = &message(&structs, "Struct").messages[0];
        assert_eq!(fields_entry.name, "FieldsEntry");
        assert_eq!(
            fields_entry.fields[1].field_type,
            FieldType::Named(".google.protobuf.Value".into())
        );
        // Parsed once: the same shared file each time.
        assert!(Arc::ptr_eq(
            &timestamp,
            &builtin_file("google/protobuf/timestamp.proto").unwrap()
        ));
    }

    #[test]
    fn text_built_ins_define_the_expected_types() {
        let expect: [(&str, &[&str], &[&str]); 19] = [
            (
                "google/type/calendar_period.proto",
                &[],
                &["CalendarPeriod"],
            ),
            ("google/type/color.proto", &["Color"], &[]),
            ("google/type/date.proto", &["Date"], &[]),
            ("google/type/datetime.proto", &["DateTime", "TimeZone"], &[]),
            ("google/type/dayofweek.proto", &[], &["DayOfWeek"]),
            ("google/type/decimal.proto", &["Decimal"], &[]),
            ("google/type/expr.proto", &["Expr"], &[]),
            ("google/type/fraction.proto", &["Fraction"], &[]),
            ("google/type/interval.proto", &["Interval"], &[]),
            ("google/type/latlng.proto", &["LatLng"], &[]),
            ("google/type/money.proto", &["Money"], &[]),
            ("google/type/month.proto", &[], &["Month"]),
            ("google/type/phone_number.proto", &["PhoneNumber"], &[]),
            ("google/type/postal_address.proto", &["PostalAddress"], &[]),
            ("google/type/quaternion.proto", &["Quaternion"], &[]),
            ("google/type/timeofday.proto", &["TimeOfDay"], &[]),
            ("confluent/meta.proto", &["Meta"], &[]),
            ("confluent/type/decimal.proto", &["Decimal"], &[]),
            ("confluent/type/variant.proto", &["Variant"], &[]),
        ];
        for (path, messages, enums) in expect {
            let file = builtin_file(path).unwrap_or_else(|| panic!("{path} did not parse"));
            let package = if path.starts_with("google/") {
                "google.type"
            } else if path == "confluent/meta.proto" {
                "confluent"
            } else {
                "confluent.type"
            };
            assert_eq!(file.package.as_deref(), Some(package), "{path}");
            let got: Vec<_> = file.messages.iter().map(|m| m.name.as_str()).collect();
            assert_eq!(got, messages, "{path}");
            let got: Vec<_> = file.enums.iter().map(|e| e.name.as_str()).collect();
            assert_eq!(got, enums, "{path}");
        }
        let meta = builtin_file("confluent/meta.proto").unwrap();
        let extendees: Vec<_> = meta.extends.iter().map(|e| e.extendee.as_str()).collect();
        assert_eq!(
            extendees,
            [
                "google.protobuf.FileOptions",
                "google.protobuf.MessageOptions",
                "google.protobuf.FieldOptions",
                "google.protobuf.EnumOptions",
                "google.protobuf.EnumValueOptions"
            ]
        );
        assert!(meta.extends.iter().all(|e| e.fields[0].number == 1088));
        let decimal = builtin_file("confluent/type/decimal.proto").unwrap();
        let fields: Vec<_> = decimal.messages[0]
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.number))
            .collect();
        assert_eq!(fields, [("value", 1), ("precision", 2), ("scale", 3)]);
    }
}
