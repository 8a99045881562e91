//! Shared by the Avro compatibility test files: small schemas of every Avro type (primitives,
//! arrays, maps, enums, fixed, unions, records) and helpers that run the checker and list
//! what it found.
#![allow(dead_code)] // each test file uses its own subset
pub use registry_server::schema::avro::{AvroSchema, incompatibilities};
pub use registry_server::schema::{Labels, ParseOptions};

pub const BACKWARD: Labels<'static> = Labels {
    reader: "new",
    writer: "old",
};

// Small schemas, named after their shape.
pub const NULL: &str = r#""null""#;
pub const BOOLEAN: &str = r#""boolean""#;
pub const INT: &str = r#""int""#;
pub const LONG: &str = r#""long""#;
pub const FLOAT: &str = r#""float""#;
pub const DOUBLE: &str = r#""double""#;
pub const STRING: &str = r#""string""#;
pub const BYTES: &str = r#""bytes""#;
pub const INT_ARRAY: &str = r#"{"type":"array","items":"int"}"#;
pub const LONG_ARRAY: &str = r#"{"type":"array","items":"long"}"#;
pub const STRING_ARRAY: &str = r#"{"type":"array","items":"string"}"#;
pub const INT_MAP: &str = r#"{"type":"map","values":"int"}"#;
pub const LONG_MAP: &str = r#"{"type":"map","values":"long"}"#;
pub const STRING_MAP: &str = r#"{"type":"map","values":"string"}"#;
pub const ENUM1_AB: &str = r#"{"type":"enum","name":"Hue","symbols":["A","B"]}"#;
pub const ENUM1_AB_DEFAULT: &str =
    r#"{"type":"enum","name":"Hue","symbols":["A","B"],"default":"A"}"#;
pub const ENUM1_AB_NS1: &str =
    r#"{"type":"enum","name":"Hue","namespace":"lab.north","symbols":["A","B"]}"#;
pub const ENUM1_AB_NS2: &str =
    r#"{"type":"enum","name":"Hue","namespace":"lab.south","symbols":["A","B"]}"#;
pub const ENUM1_ABC: &str = r#"{"type":"enum","name":"Hue","symbols":["A","B","C"]}"#;
pub const ENUM1_BC: &str = r#"{"type":"enum","name":"Hue","symbols":["B","C"]}"#;
pub const ENUM2_AB: &str = r#"{"type":"enum","name":"Tint","symbols":["A","B"]}"#;
pub const ENUM_ABC_ENUM_DEFAULT_A_RECORD: &str = r#"{"type":"record","name":"Holder","fields":[{"name":"grade","type":{"type":"enum","name":"Grade","symbols":["A","B","C"],"default":"A"}}]}"#;
pub const ENUM_AB_ENUM_DEFAULT_A_RECORD: &str = r#"{"type":"record","name":"Holder","fields":[{"name":"grade","type":{"type":"enum","name":"Grade","symbols":["A","B"],"default":"A"}}]}"#;
pub const ENUM_ABC_FIELD_DEFAULT_B_ENUM_DEFAULT_A_RECORD: &str = r#"{"type":"record","name":"Holder","fields":[{"name":"grade","type":{"type":"enum","name":"Grade","symbols":["A","B","C"],"default":"A"},"default":"B"}]}"#;
pub const ENUM_AB_FIELD_DEFAULT_A_ENUM_DEFAULT_B_RECORD: &str = r#"{"type":"record","name":"Holder","fields":[{"name":"grade","type":{"type":"enum","name":"Grade","symbols":["A","B"],"default":"B"},"default":"A"}]}"#;
pub const EMPTY_UNION: &str = "[]";
pub const NULL_UNION: &str = r#"["null"]"#;
pub const INT_UNION: &str = r#"["int"]"#;
pub const LONG_UNION: &str = r#"["long"]"#;
pub const FLOAT_UNION: &str = r#"["float"]"#;
pub const DOUBLE_UNION: &str = r#"["double"]"#;
pub const STRING_UNION: &str = r#"["string"]"#;
pub const BYTES_UNION: &str = r#"["bytes"]"#;
pub const INT_STRING_UNION: &str = r#"["int","string"]"#;
pub const STRING_INT_UNION: &str = r#"["string","int"]"#;
pub const INT_FLOAT_UNION: &str = r#"["int","float"]"#;
pub const INT_LONG_UNION: &str = r#"["int","long"]"#;
pub const INT_LONG_FLOAT_DOUBLE_UNION: &str = r#"["int","long","float","double"]"#;
pub const NULL_INT_ARRAY_UNION: &str = r#"["null",{"type":"array","items":"int"}]"#;
pub const NULL_INT_MAP_UNION: &str = r#"["null",{"type":"map","values":"int"}]"#;
pub const EMPTY_RECORD1: &str = r#"{"type":"record","name":"Reading","fields":[]}"#;
pub const EMPTY_RECORD2: &str = r#"{"type":"record","name":"Sample","fields":[]}"#;
pub const A_INT_RECORD1: &str =
    r#"{"type":"record","name":"Reading","fields":[{"name":"a","type":"int"}]}"#;
pub const A_LONG_RECORD1: &str =
    r#"{"type":"record","name":"Reading","fields":[{"name":"a","type":"long"}]}"#;
pub const A_INT_B_INT_RECORD1: &str = r#"{"type":"record","name":"Reading","fields":[{"name":"a","type":"int"},{"name":"b","type":"int"}]}"#;
pub const A_DINT_RECORD1: &str =
    r#"{"type":"record","name":"Reading","fields":[{"name":"a","type":"int","default":0}]}"#;
pub const A_INT_B_DINT_RECORD1: &str = r#"{"type":"record","name":"Reading","fields":[{"name":"a","type":"int"},{"name":"b","type":"int","default":0}]}"#;
pub const A_DINT_B_DINT_RECORD1: &str = r#"{"type":"record","name":"Reading","fields":[{"name":"a","type":"int","default":0},{"name":"b","type":"int","default":0}]}"#;
pub const A_DINT_B_DFIXED_4_BYTES_RECORD1: &str = r#"{"type":"record","name":"Reading","fields":[{"name":"a","type":"int","default":0},{"name":"b","type":{"type":"fixed","name":"Digest","size":4}}]}"#;
pub const A_DINT_B_DFIXED_8_BYTES_RECORD1: &str = r#"{"type":"record","name":"Reading","fields":[{"name":"a","type":"int","default":0},{"name":"b","type":{"type":"fixed","name":"Digest","size":8}}]}"#;
pub const A_DINT_B_DINT_STRING_UNION_RECORD1: &str = r#"{"type":"record","name":"Reading","fields":[{"name":"a","type":"int","default":0},{"name":"b","type":["int","string"],"default":0}]}"#;
pub const A_DINT_B_DINT_UNION_RECORD1: &str = r#"{"type":"record","name":"Reading","fields":[{"name":"a","type":"int","default":0},{"name":"b","type":["int"],"default":0}]}"#;
pub const A_DINT_B_DENUM_1_RECORD1: &str = r#"{"type":"record","name":"Reading","fields":[{"name":"a","type":"int","default":0},{"name":"b","type":{"type":"enum","name":"Hue","symbols":["A","B"]}}]}"#;
pub const A_DINT_B_DENUM_2_RECORD1: &str = r#"{"type":"record","name":"Reading","fields":[{"name":"a","type":"int","default":0},{"name":"b","type":{"type":"enum","name":"Tint","symbols":["A","B"]}}]}"#;
pub const FIXED_4_BYTES: &str = r#"{"type":"fixed","name":"Digest","size":4}"#;
pub const FIXED_8_BYTES: &str = r#"{"type":"fixed","name":"Digest","size":8}"#;
pub const FIXED_4_ANOTHER_NAME: &str = r#"{"type":"fixed","name":"Checksum","size":4}"#;
pub const NS_RECORD1: &str = r#"{"type":"record","name":"Reading","fields":[{"name":"f1","type":["null",{"type":"array","items":{"type":"record","name":"Probe","namespace":"site.east","fields":[{"name":"a","type":"int"}]}}]}]}"#;
pub const NS_RECORD2: &str = r#"{"type":"record","name":"Reading","fields":[{"name":"f1","type":["null",{"type":"array","items":{"type":"record","name":"Probe","namespace":"site.west","fields":[{"name":"a","type":"int"}]}}]}]}"#;
pub const WITHOUT_NS: &str =
    r#"{"type":"record","name":"Holder","fields":[{"name":"f1","type":"int"}]}"#;
pub const WITH_NS: &str =
    r#"{"type":"record","name":"site.Holder","fields":[{"name":"f1","type":"int"}]}"#;
pub const INT_LIST_RECORD: &str = r#"{"type":"record","name":"Chain","fields":[{"name":"head","type":"int"},{"name":"tail","type":"Chain"}]}"#;
pub const LONG_LIST_RECORD: &str = r#"{"type":"record","name":"Chain","fields":[{"name":"head","type":"long"},{"name":"tail","type":"Chain"}]}"#;

pub fn parse(text: &str) -> AvroSchema {
    AvroSchema::parse(text, &[], ParseOptions::default())
        .unwrap_or_else(|e| panic!("{text} should parse: {e}"))
}

/// `(kind, path, additionalInfo)` of every incompatibility, in order.
pub fn found(reader: &str, writer: &str) -> Vec<(String, String, String)> {
    incompatibilities(&parse(reader), &parse(writer), BACKWARD)
        .into_iter()
        .map(|i| {
            let info = i
                .message
                .rsplit_once("additionalInfo:'")
                .map(|(_, rest)| rest.trim_end_matches("'}").to_owned())
                .unwrap_or_default();
            (i.kind, i.path, info)
        })
        .collect()
}

pub fn assert_single(reader: &str, writer: &str, kind: &str, info: &str, path: &str) {
    let got = found(reader, writer);
    assert_eq!(
        got,
        vec![(kind.to_owned(), path.to_owned(), info.to_owned())],
        "reader {reader} writer {writer}"
    );
}
