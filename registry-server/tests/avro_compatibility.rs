//! Avro reader/writer rules, one row per rule: own translations of Apache Avro's
//! `TestSchemaCompatibility*` cases (schemas from its `TestSchemas`, written here as JSON),
//! checked for type, location and Avro message, plus Confluent's rendered strings.

use registry_server::schema::avro::{AvroSchema, incompatibilities};
use registry_server::schema::{Labels, ParseOptions};

const BACKWARD: Labels<'static> = Labels {
    reader: "new",
    writer: "old",
};

// Schemas of Avro's TestSchemas, as JSON.
const NULL: &str = r#""null""#;
const BOOLEAN: &str = r#""boolean""#;
const INT: &str = r#""int""#;
const LONG: &str = r#""long""#;
const FLOAT: &str = r#""float""#;
const DOUBLE: &str = r#""double""#;
const STRING: &str = r#""string""#;
const BYTES: &str = r#""bytes""#;
const INT_ARRAY: &str = r#"{"type":"array","items":"int"}"#;
const LONG_ARRAY: &str = r#"{"type":"array","items":"long"}"#;
const STRING_ARRAY: &str = r#"{"type":"array","items":"string"}"#;
const INT_MAP: &str = r#"{"type":"map","values":"int"}"#;
const LONG_MAP: &str = r#"{"type":"map","values":"long"}"#;
const STRING_MAP: &str = r#"{"type":"map","values":"string"}"#;
const ENUM1_AB: &str = r#"{"type":"enum","name":"Enum1","symbols":["A","B"]}"#;
const ENUM1_AB_DEFAULT: &str =
    r#"{"type":"enum","name":"Enum1","symbols":["A","B"],"default":"A"}"#;
const ENUM1_AB_NS1: &str =
    r#"{"type":"enum","name":"Enum1","namespace":"namespace1","symbols":["A","B"]}"#;
const ENUM1_AB_NS2: &str =
    r#"{"type":"enum","name":"Enum1","namespace":"namespace2","symbols":["A","B"]}"#;
const ENUM1_ABC: &str = r#"{"type":"enum","name":"Enum1","symbols":["A","B","C"]}"#;
const ENUM1_BC: &str = r#"{"type":"enum","name":"Enum1","symbols":["B","C"]}"#;
const ENUM2_AB: &str = r#"{"type":"enum","name":"Enum2","symbols":["A","B"]}"#;
const ENUM_ABC_ENUM_DEFAULT_A_RECORD: &str = r#"{"type":"record","name":"Record","fields":[{"name":"Field","type":{"type":"enum","name":"Schema","symbols":["A","B","C"],"default":"A"}}]}"#;
const ENUM_AB_ENUM_DEFAULT_A_RECORD: &str = r#"{"type":"record","name":"Record","fields":[{"name":"Field","type":{"type":"enum","name":"Schema","symbols":["A","B"],"default":"A"}}]}"#;
const ENUM_ABC_FIELD_DEFAULT_B_ENUM_DEFAULT_A_RECORD: &str = r#"{"type":"record","name":"Record","fields":[{"name":"Field","type":{"type":"enum","name":"Schema","symbols":["A","B","C"],"default":"A"},"default":"B"}]}"#;
const ENUM_AB_FIELD_DEFAULT_A_ENUM_DEFAULT_B_RECORD: &str = r#"{"type":"record","name":"Record","fields":[{"name":"Field","type":{"type":"enum","name":"Schema","symbols":["A","B"],"default":"B"},"default":"A"}]}"#;
const EMPTY_UNION: &str = "[]";
const NULL_UNION: &str = r#"["null"]"#;
const INT_UNION: &str = r#"["int"]"#;
const LONG_UNION: &str = r#"["long"]"#;
const FLOAT_UNION: &str = r#"["float"]"#;
const DOUBLE_UNION: &str = r#"["double"]"#;
const STRING_UNION: &str = r#"["string"]"#;
const BYTES_UNION: &str = r#"["bytes"]"#;
const INT_STRING_UNION: &str = r#"["int","string"]"#;
const STRING_INT_UNION: &str = r#"["string","int"]"#;
const INT_FLOAT_UNION: &str = r#"["int","float"]"#;
const INT_LONG_UNION: &str = r#"["int","long"]"#;
const INT_LONG_FLOAT_DOUBLE_UNION: &str = r#"["int","long","float","double"]"#;
const NULL_INT_ARRAY_UNION: &str = r#"["null",{"type":"array","items":"int"}]"#;
const NULL_INT_MAP_UNION: &str = r#"["null",{"type":"map","values":"int"}]"#;
const EMPTY_RECORD1: &str = r#"{"type":"record","name":"Record1","fields":[]}"#;
const EMPTY_RECORD2: &str = r#"{"type":"record","name":"Record2","fields":[]}"#;
const A_INT_RECORD1: &str =
    r#"{"type":"record","name":"Record1","fields":[{"name":"a","type":"int"}]}"#;
const A_LONG_RECORD1: &str =
    r#"{"type":"record","name":"Record1","fields":[{"name":"a","type":"long"}]}"#;
const A_INT_B_INT_RECORD1: &str = r#"{"type":"record","name":"Record1","fields":[{"name":"a","type":"int"},{"name":"b","type":"int"}]}"#;
const A_DINT_RECORD1: &str =
    r#"{"type":"record","name":"Record1","fields":[{"name":"a","type":"int","default":0}]}"#;
const A_INT_B_DINT_RECORD1: &str = r#"{"type":"record","name":"Record1","fields":[{"name":"a","type":"int"},{"name":"b","type":"int","default":0}]}"#;
const A_DINT_B_DINT_RECORD1: &str = r#"{"type":"record","name":"Record1","fields":[{"name":"a","type":"int","default":0},{"name":"b","type":"int","default":0}]}"#;
const A_DINT_B_DFIXED_4_BYTES_RECORD1: &str = r#"{"type":"record","name":"Record1","fields":[{"name":"a","type":"int","default":0},{"name":"b","type":{"type":"fixed","name":"Fixed","size":4}}]}"#;
const A_DINT_B_DFIXED_8_BYTES_RECORD1: &str = r#"{"type":"record","name":"Record1","fields":[{"name":"a","type":"int","default":0},{"name":"b","type":{"type":"fixed","name":"Fixed","size":8}}]}"#;
const A_DINT_B_DINT_STRING_UNION_RECORD1: &str = r#"{"type":"record","name":"Record1","fields":[{"name":"a","type":"int","default":0},{"name":"b","type":["int","string"],"default":0}]}"#;
const A_DINT_B_DINT_UNION_RECORD1: &str = r#"{"type":"record","name":"Record1","fields":[{"name":"a","type":"int","default":0},{"name":"b","type":["int"],"default":0}]}"#;
const A_DINT_B_DENUM_1_RECORD1: &str = r#"{"type":"record","name":"Record1","fields":[{"name":"a","type":"int","default":0},{"name":"b","type":{"type":"enum","name":"Enum1","symbols":["A","B"]}}]}"#;
const A_DINT_B_DENUM_2_RECORD1: &str = r#"{"type":"record","name":"Record1","fields":[{"name":"a","type":"int","default":0},{"name":"b","type":{"type":"enum","name":"Enum2","symbols":["A","B"]}}]}"#;
const FIXED_4_BYTES: &str = r#"{"type":"fixed","name":"Fixed","size":4}"#;
const FIXED_8_BYTES: &str = r#"{"type":"fixed","name":"Fixed","size":8}"#;
const FIXED_4_ANOTHER_NAME: &str = r#"{"type":"fixed","name":"AnotherName","size":4}"#;
const NS_RECORD1: &str = r#"{"type":"record","name":"Record1","fields":[{"name":"f1","type":["null",{"type":"array","items":{"type":"record","name":"InnerRecord1","namespace":"ns1","fields":[{"name":"a","type":"int"}]}}]}]}"#;
const NS_RECORD2: &str = r#"{"type":"record","name":"Record1","fields":[{"name":"f1","type":["null",{"type":"array","items":{"type":"record","name":"InnerRecord1","namespace":"ns2","fields":[{"name":"a","type":"int"}]}}]}]}"#;
const WITHOUT_NS: &str =
    r#"{"type":"record","name":"Record","fields":[{"name":"f1","type":"int"}]}"#;
const WITH_NS: &str =
    r#"{"type":"record","name":"ns.Record","fields":[{"name":"f1","type":"int"}]}"#;
const INT_LIST_RECORD: &str = r#"{"type":"record","name":"List","fields":[{"name":"head","type":"int"},{"name":"tail","type":"List"}]}"#;
const LONG_LIST_RECORD: &str = r#"{"type":"record","name":"List","fields":[{"name":"head","type":"long"},{"name":"tail","type":"List"}]}"#;

fn parse(text: &str) -> AvroSchema {
    AvroSchema::parse(text, &[], ParseOptions::default())
        .unwrap_or_else(|e| panic!("{text} should parse: {e}"))
}

/// `(kind, path, additionalInfo)` of every incompatibility, in order.
fn found(reader: &str, writer: &str) -> Vec<(String, String, String)> {
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

fn assert_single(reader: &str, writer: &str, kind: &str, info: &str, path: &str) {
    let got = found(reader, writer);
    assert_eq!(
        got,
        vec![(kind.to_owned(), path.to_owned(), info.to_owned())],
        "reader {reader} writer {writer}"
    );
}

/// Avro TestSchemaCompatibility.COMPATIBLE_READER_WRITER_TEST_CASES, in its order.
#[test]
fn compatible_reader_writer_pairs() {
    let pairs = [
        (BOOLEAN, BOOLEAN),
        (INT, INT),
        (LONG, INT),
        (LONG, LONG),
        (FLOAT, INT),
        (FLOAT, LONG),
        (DOUBLE, LONG),
        (DOUBLE, INT),
        (DOUBLE, FLOAT),
        (STRING, STRING),
        (BYTES, BYTES),
        (INT_ARRAY, INT_ARRAY),
        (LONG_ARRAY, INT_ARRAY),
        (INT_MAP, INT_MAP),
        (LONG_MAP, INT_MAP),
        (ENUM1_AB, ENUM1_AB),
        (ENUM1_ABC, ENUM1_AB),
        (ENUM1_AB_DEFAULT, ENUM1_ABC),
        (ENUM1_AB, ENUM1_AB_NS1),
        (ENUM1_AB_NS1, ENUM1_AB),
        (ENUM1_AB_NS1, ENUM1_AB_NS2),
        (STRING, BYTES),
        (BYTES, STRING),
        (EMPTY_UNION, EMPTY_UNION),
        (FLOAT_UNION, EMPTY_UNION),
        (FLOAT_UNION, INT_UNION),
        (FLOAT_UNION, LONG_UNION),
        (FLOAT_UNION, INT_LONG_UNION),
        (INT_UNION, INT_UNION),
        (INT_STRING_UNION, STRING_INT_UNION),
        (INT_UNION, EMPTY_UNION),
        (LONG_UNION, EMPTY_UNION),
        (LONG_UNION, INT_UNION),
        (FLOAT_UNION, INT_UNION),
        (DOUBLE_UNION, INT_UNION),
        (FLOAT_UNION, LONG_UNION),
        (DOUBLE_UNION, LONG_UNION),
        (FLOAT_UNION, EMPTY_UNION),
        (DOUBLE_UNION, FLOAT_UNION),
        (STRING_UNION, EMPTY_UNION),
        (STRING_UNION, BYTES_UNION),
        (BYTES_UNION, EMPTY_UNION),
        (BYTES_UNION, STRING_UNION),
        (DOUBLE_UNION, INT_FLOAT_UNION),
        (FLOAT, INT_FLOAT_UNION),
        (LONG, INT_LONG_UNION),
        (DOUBLE, INT_FLOAT_UNION),
        (DOUBLE, INT_LONG_FLOAT_DOUBLE_UNION),
        (FLOAT, FLOAT_UNION),
        (INT_UNION, INT),
        (INT, INT_UNION),
        (FIXED_4_BYTES, FIXED_4_BYTES),
        (EMPTY_RECORD1, EMPTY_RECORD1),
        (EMPTY_RECORD1, A_INT_RECORD1),
        (A_INT_RECORD1, A_INT_RECORD1),
        (A_DINT_RECORD1, A_INT_RECORD1),
        (A_DINT_RECORD1, A_DINT_RECORD1),
        (A_INT_RECORD1, A_DINT_RECORD1),
        (A_LONG_RECORD1, A_INT_RECORD1),
        (A_INT_RECORD1, A_INT_B_INT_RECORD1),
        (A_DINT_RECORD1, A_INT_B_INT_RECORD1),
        (A_INT_B_DINT_RECORD1, A_INT_RECORD1),
        (A_DINT_B_DINT_RECORD1, EMPTY_RECORD1),
        (A_DINT_B_DINT_RECORD1, A_INT_RECORD1),
        (A_INT_B_INT_RECORD1, A_DINT_B_DINT_RECORD1),
        (INT_LIST_RECORD, INT_LIST_RECORD),
        (LONG_LIST_RECORD, LONG_LIST_RECORD),
        (LONG_LIST_RECORD, INT_LIST_RECORD),
        (NULL, NULL),
        (
            ENUM_AB_ENUM_DEFAULT_A_RECORD,
            ENUM_ABC_ENUM_DEFAULT_A_RECORD,
        ),
        (
            ENUM_AB_FIELD_DEFAULT_A_ENUM_DEFAULT_B_RECORD,
            ENUM_ABC_FIELD_DEFAULT_B_ENUM_DEFAULT_A_RECORD,
        ),
        (NS_RECORD1, NS_RECORD2),
        (WITHOUT_NS, WITH_NS),
        // Not in Avro's list, but schemas of TestSchemas that must read themselves.
        (NULL_UNION, NULL_UNION),
        (NULL_INT_ARRAY_UNION, NULL_INT_ARRAY_UNION),
        (NULL_INT_MAP_UNION, NULL_INT_MAP_UNION),
        (STRING_ARRAY, STRING_ARRAY),
        (STRING_MAP, STRING_MAP),
    ];
    for (reader, writer) in pairs {
        assert_eq!(
            found(reader, writer),
            vec![],
            "reader {reader} writer {writer}"
        );
    }
}

/// Avro TestSchemaCompatibilityTypeMismatch, every row.
#[test]
fn type_mismatch() {
    let rows = [
        (NULL, INT, "NULL", "INT", "/"),
        (NULL, LONG, "NULL", "LONG", "/"),
        (BOOLEAN, INT, "BOOLEAN", "INT", "/"),
        (INT, NULL, "INT", "NULL", "/"),
        (INT, BOOLEAN, "INT", "BOOLEAN", "/"),
        (INT, LONG, "INT", "LONG", "/"),
        (INT, FLOAT, "INT", "FLOAT", "/"),
        (INT, DOUBLE, "INT", "DOUBLE", "/"),
        (LONG, FLOAT, "LONG", "FLOAT", "/"),
        (LONG, DOUBLE, "LONG", "DOUBLE", "/"),
        (FLOAT, DOUBLE, "FLOAT", "DOUBLE", "/"),
        (DOUBLE, STRING, "DOUBLE", "STRING", "/"),
        (FIXED_4_BYTES, STRING, "FIXED", "STRING", "/"),
        (STRING, BOOLEAN, "STRING", "BOOLEAN", "/"),
        (STRING, INT, "STRING", "INT", "/"),
        (BYTES, NULL, "BYTES", "NULL", "/"),
        (BYTES, INT, "BYTES", "INT", "/"),
        (A_INT_RECORD1, INT, "RECORD", "INT", "/"),
        (INT_ARRAY, LONG_ARRAY, "INT", "LONG", "/items"),
        (INT_MAP, INT_ARRAY, "MAP", "ARRAY", "/"),
        (INT_ARRAY, INT_MAP, "ARRAY", "MAP", "/"),
        (INT_MAP, LONG_MAP, "INT", "LONG", "/values"),
        (INT, ENUM2_AB, "INT", "ENUM", "/"),
        (ENUM2_AB, INT, "ENUM", "INT", "/"),
        (FLOAT, INT_LONG_FLOAT_DOUBLE_UNION, "FLOAT", "DOUBLE", "/3"),
        (LONG, INT_FLOAT_UNION, "LONG", "FLOAT", "/1"),
        (INT, INT_FLOAT_UNION, "INT", "FLOAT", "/1"),
        (
            INT_LIST_RECORD,
            LONG_LIST_RECORD,
            "INT",
            "LONG",
            "/fields/0/type",
        ),
    ];
    for (reader, writer, r, w, path) in rows {
        let info = format!("reader type: {r} not compatible with writer type: {w}");
        assert_single(reader, writer, "TYPE_MISMATCH", &info, path);
    }
}

/// Avro TestSchemaCompatibilityNameMismatch, every row.
#[test]
fn name_mismatch() {
    let rows = [
        (ENUM1_AB, ENUM2_AB, "expected: Enum2", "/name"),
        (EMPTY_RECORD2, EMPTY_RECORD1, "expected: Record1", "/name"),
        (
            FIXED_4_BYTES,
            FIXED_4_ANOTHER_NAME,
            "expected: AnotherName",
            "/name",
        ),
        (
            A_DINT_B_DENUM_1_RECORD1,
            A_DINT_B_DENUM_2_RECORD1,
            "expected: Enum2",
            "/fields/1/type/name",
        ),
    ];
    for (reader, writer, info, path) in rows {
        assert_single(reader, writer, "NAME_MISMATCH", info, path);
    }
}

/// Avro TestSchemaCompatibilityMissingUnionBranch, every row.
#[test]
fn missing_union_branch() {
    let record1 = r#"{"type":"record","name":"Record1","fields":[{"name":"field1","type":"int"}]}"#;
    let record2 = r#"{"type":"record","name":"Record2","fields":[{"name":"field1","type":"int"}]}"#;
    let union_int_record1 = format!("[\"int\",{record1}]");
    let union_int_record2 = format!("[\"int\",{record2}]");
    let union_int_enum1_ab = format!("[\"int\",{ENUM1_AB}]");
    let union_int_fixed_4 = format!("[\"int\",{FIXED_4_BYTES}]");
    let union_int_array_int = format!("[\"int\",{INT_ARRAY}]");
    let union_int_map_int = format!("[\"int\",{INT_MAP}]");
    // (reader, writer, [(missing branch type, location)])
    type Row<'a> = (&'a str, &'a str, Vec<(&'a str, &'a str)>);
    let rows: Vec<Row<'_>> = vec![
        (INT_UNION, INT_STRING_UNION, vec![("STRING", "/1")]),
        (STRING_UNION, INT_STRING_UNION, vec![("INT", "/0")]),
        (INT_UNION, &union_int_record1, vec![("RECORD", "/1")]),
        (INT_UNION, &union_int_record2, vec![("RECORD", "/1")]),
        (
            &union_int_record1,
            &union_int_record2,
            vec![("RECORD", "/1")],
        ),
        (INT_UNION, &union_int_enum1_ab, vec![("ENUM", "/1")]),
        (INT_UNION, &union_int_fixed_4, vec![("FIXED", "/1")]),
        (INT_UNION, r#"["int","boolean"]"#, vec![("BOOLEAN", "/1")]),
        (INT_UNION, LONG_UNION, vec![("LONG", "/0")]),
        (INT_UNION, FLOAT_UNION, vec![("FLOAT", "/0")]),
        (INT_UNION, DOUBLE_UNION, vec![("DOUBLE", "/0")]),
        (INT_UNION, BYTES_UNION, vec![("BYTES", "/0")]),
        (INT_UNION, &union_int_array_int, vec![("ARRAY", "/1")]),
        (INT_UNION, &union_int_map_int, vec![("MAP", "/1")]),
        (INT_UNION, r#"["int","null"]"#, vec![("NULL", "/1")]),
        (
            INT_UNION,
            INT_LONG_FLOAT_DOUBLE_UNION,
            vec![("LONG", "/1"), ("FLOAT", "/2"), ("DOUBLE", "/3")],
        ),
        (
            A_DINT_B_DINT_UNION_RECORD1,
            A_DINT_B_DINT_STRING_UNION_RECORD1,
            vec![("STRING", "/fields/1/type/1")],
        ),
    ];
    for (reader, writer, expected) in rows {
        let expected: Vec<(String, String, String)> = expected
            .into_iter()
            .map(|(ty, path)| {
                (
                    "MISSING_UNION_BRANCH".to_owned(),
                    path.to_owned(),
                    format!("reader union lacking writer type: {ty}"),
                )
            })
            .collect();
        assert_eq!(
            found(reader, writer),
            expected,
            "reader {reader} writer {writer}"
        );
    }
}

/// Avro TestSchemaCompatibilityMissingEnumSymbols, every row.
#[test]
fn missing_enum_symbols() {
    let record_ab = format!(
        r#"{{"type":"record","name":"Record1","fields":[{{"name":"field1","type":{ENUM1_AB}}}]}}"#
    );
    let record_abc = format!(
        r#"{{"type":"record","name":"Record1","fields":[{{"name":"field1","type":{ENUM1_ABC}}}]}}"#
    );
    assert_single(
        ENUM1_AB,
        ENUM1_ABC,
        "MISSING_ENUM_SYMBOLS",
        "[C]",
        "/symbols",
    );
    assert_single(
        ENUM1_BC,
        ENUM1_ABC,
        "MISSING_ENUM_SYMBOLS",
        "[A]",
        "/symbols",
    );
    assert_single(
        &record_ab,
        &record_abc,
        "MISSING_ENUM_SYMBOLS",
        "[C]",
        "/fields/0/type/symbols",
    );
}

/// Avro TestSchemaCompatibilityFixedSizeMismatch, every row.
#[test]
fn fixed_size_mismatch() {
    let rows = [
        (
            FIXED_4_BYTES,
            FIXED_8_BYTES,
            "expected: 8, found: 4",
            "/size",
        ),
        (
            FIXED_8_BYTES,
            FIXED_4_BYTES,
            "expected: 4, found: 8",
            "/size",
        ),
        (
            A_DINT_B_DFIXED_8_BYTES_RECORD1,
            A_DINT_B_DFIXED_4_BYTES_RECORD1,
            "expected: 4, found: 8",
            "/fields/1/type/size",
        ),
        (
            A_DINT_B_DFIXED_4_BYTES_RECORD1,
            A_DINT_B_DFIXED_8_BYTES_RECORD1,
            "expected: 8, found: 4",
            "/fields/1/type/size",
        ),
    ];
    for (reader, writer, info, path) in rows {
        assert_single(reader, writer, "FIXED_SIZE_MISMATCH", info, path);
    }
}

/// Avro TestSchemaCompatibilityReaderFieldMissingDefaultValue, every row.
#[test]
fn reader_field_missing_default_value() {
    assert_single(
        A_INT_RECORD1,
        EMPTY_RECORD1,
        "READER_FIELD_MISSING_DEFAULT_VALUE",
        "a",
        "/fields/0",
    );
    assert_single(
        A_INT_B_DINT_RECORD1,
        EMPTY_RECORD1,
        "READER_FIELD_MISSING_DEFAULT_VALUE",
        "a",
        "/fields/0",
    );
}

/// Avro TestSchemaCompatibility: validateSchemaPair* and validateSchemaNewField*,
/// validateArrayWriterSchema, validatePrimitiveWriterSchema, the two union tests.
#[test]
fn schema_pair_cases() {
    let writer = r#"{"type":"record","name":"R","fields":[{"name":"oldfield1","type":"int"},{"name":"oldfield2","type":"string"}]}"#;
    let reader = |fields: &str| format!(r#"{{"type":"record","name":"R","fields":[{fields}]}}"#);
    // validateSchemaPairMissingField / MissingSecondField / AllFields / NewFieldWithDefault
    for fields in [
        r#"{"name":"oldfield1","type":"int"}"#,
        r#"{"name":"oldfield2","type":"string"}"#,
        r#"{"name":"oldfield1","type":"int"},{"name":"oldfield2","type":"string"}"#,
        r#"{"name":"oldfield1","type":"int"},{"name":"newfield1","type":"int","default":42}"#,
    ] {
        assert_eq!(found(&reader(fields), writer), vec![]);
    }
    // validateSchemaNewField
    assert_single(
        &reader(r#"{"name":"oldfield1","type":"int"},{"name":"newfield1","type":"int"}"#),
        writer,
        "READER_FIELD_MISSING_DEFAULT_VALUE",
        "newfield1",
        "/fields/1",
    );
    // validateArrayWriterSchema
    assert_eq!(found(STRING_ARRAY, STRING_ARRAY), vec![]);
    assert_single(
        STRING_MAP,
        STRING_ARRAY,
        "TYPE_MISMATCH",
        "reader type: MAP not compatible with writer type: ARRAY",
        "/",
    );
    // validatePrimitiveWriterSchema
    assert_eq!(found(STRING, STRING), vec![]);
    assert_single(
        INT,
        STRING,
        "TYPE_MISMATCH",
        "reader type: INT not compatible with writer type: STRING",
        "/",
    );
    // unionReaderWriterSubsetIncompatibility
    let got = found(r#"["int","string"]"#, r#"["int","string","long"]"#);
    assert_eq!(got[0].1, "/2");
    // unionWriterSimpleReaderIncompatibility
    assert_single(
        r#"{"type":"record","name":"Account","fields":[{"name":"age","type":"int"}]}"#,
        r#"{"type":"record","name":"Account","fields":[{"name":"age","type":["null","int"],"default":null}]}"#,
        "TYPE_MISMATCH",
        "reader type: INT not compatible with writer type: NULL",
        "/fields/0/type/0",
    );
}

/// Avro TestSchemaCompatibilityMultiple.multipleIncompatibilities: all nine, in order.
#[test]
fn multiple_incompatibilities_are_all_collected_in_order() {
    let reader = r#"{"type":"record","name":"base","fields":[
      {"name":"check_enum_symbols_field","type":{"type":"enum","name":"check_enum_symbols_type","symbols":["A","C"]}},
      {"name":"check_enum_name_field","type":{"type":"enum","name":"check_enum_name_type","symbols":["A","B","C","D"]}},
      {"name":"type_mismatch_field","type":"string"},
      {"name":"sub_record","type":{"type":"record","name":"sub_record_type","fields":[
        {"name":"identical_1_field","type":"long","default":42},
        {"name":"extra_no_default_field","type":"long"},
        {"name":"fixed_length_mismatch_field","type":{"type":"fixed","name":"fixed_length_mismatch_type","size":4}},
        {"name":"union_missing_branches_field","type":["boolean"]},
        {"name":"reader_union_does_not_support_type_field","type":["boolean"]},
        {"name":"record_fqn_mismatch_field","type":{"type":"record","name":"recordA","namespace":"not_nsA","fields":[
          {"name":"A_field_0","type":"boolean","default":true},
          {"name":"array_type_mismatch_field","type":{"type":"array","items":"string"}}]}}]}}]}"#;
    let writer = r#"{"type":"record","name":"base","fields":[
      {"name":"check_enum_symbols_field","type":{"type":"enum","name":"check_enum_symbols_type","symbols":["A","B","C","D"]}},
      {"name":"check_enum_name_field","type":{"type":"enum","name":"check_enum_name_type_ERR","symbols":["A","B","C","D"]}},
      {"name":"type_mismatch_field","type":"long"},
      {"name":"sub_record","type":{"type":"record","name":"sub_record_type","fields":[
        {"name":"identical_1_field","type":"long","default":42},
        {"name":"fixed_length_mismatch_field","type":{"type":"fixed","name":"fixed_length_mismatch_type","size":8}},
        {"name":"union_missing_branches_field","type":["boolean","double","string"]},
        {"name":"reader_union_does_not_support_type_field","type":"long"},
        {"name":"record_fqn_mismatch_field","type":{"type":"record","name":"recordA","namespace":"nsA","fields":[
          {"name":"A_field_0","type":"boolean","default":true},
          {"name":"array_type_mismatch_field","type":{"type":"array","items":"boolean"}}]}}]}}]}"#;
    let expected = [
        ("MISSING_ENUM_SYMBOLS", "/fields/0/type/symbols", "[B, D]"),
        (
            "NAME_MISMATCH",
            "/fields/1/type/name",
            "expected: check_enum_name_type_ERR",
        ),
        (
            "TYPE_MISMATCH",
            "/fields/2/type",
            "reader type: STRING not compatible with writer type: LONG",
        ),
        (
            "READER_FIELD_MISSING_DEFAULT_VALUE",
            "/fields/3/type/fields/1",
            "extra_no_default_field",
        ),
        (
            "FIXED_SIZE_MISMATCH",
            "/fields/3/type/fields/2/type/size",
            "expected: 8, found: 4",
        ),
        (
            "MISSING_UNION_BRANCH",
            "/fields/3/type/fields/3/type/1",
            "reader union lacking writer type: DOUBLE",
        ),
        (
            "MISSING_UNION_BRANCH",
            "/fields/3/type/fields/3/type/2",
            "reader union lacking writer type: STRING",
        ),
        (
            "MISSING_UNION_BRANCH",
            "/fields/3/type/fields/4/type",
            "reader union lacking writer type: LONG",
        ),
        (
            "TYPE_MISMATCH",
            "/fields/3/type/fields/5/type/fields/1/type/items",
            "reader type: STRING not compatible with writer type: BOOLEAN",
        ),
    ];
    let expected: Vec<(String, String, String)> = expected
        .iter()
        .map(|(k, p, i)| ((*k).to_owned(), (*p).to_owned(), (*i).to_owned()))
        .collect();
    assert_eq!(found(reader, writer), expected);
}

/// Avro SchemaCompatibility: a reader field missing in the writer whose type is an enum with
/// an enum default is compared (enum vs. the writer record) instead of failing for the
/// default: a TYPE_MISMATCH at the field's type.
#[test]
fn enum_default_on_missing_field_compares_enum_with_writer_record() {
    let writer = r#"{"type":"record","name":"Record1","fields":[{"name":"field2","type":{"type":"enum","name":"Enum2","symbols":["A","B"]}}]}"#;
    let reader = r#"{"type":"record","name":"Record1","fields":[{"name":"field1","type":{"type":"enum","name":"Enum","symbols":["A","B"],"default":"A"}}]}"#;
    assert_single(
        reader,
        writer,
        "TYPE_MISMATCH",
        "reader type: ENUM not compatible with writer type: RECORD",
        "/fields/0/type",
    );
}

/// Spec §5.3: a reader alias naming the writer's full name makes a rename compatible; a
/// field alias matches a renamed writer field.
#[test]
fn aliases_for_records_and_fields() {
    let writer =
        r#"{"type":"record","name":"Old","namespace":"ns","fields":[{"name":"a","type":"int"}]}"#;
    let reader = r#"{"type":"record","name":"New","namespace":"ns","aliases":["Old"],"fields":[{"name":"b","type":"int","aliases":["a"]}]}"#;
    assert_eq!(found(reader, writer), vec![]);
    let no_alias =
        r#"{"type":"record","name":"New","namespace":"ns","fields":[{"name":"a","type":"int"}]}"#;
    assert_single(
        no_alias,
        writer,
        "NAME_MISMATCH",
        "expected: ns.Old",
        "/name",
    );
}

/// Avro's `lookupWriterField` throws when a reader field matches two writer fields (by name
/// and by alias); Confluent reports the exception text instead of differences.
#[test]
fn reader_field_matching_two_writer_fields_aborts_the_check() {
    let writer = r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"int"}]}"#;
    let reader =
        r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int","aliases":["b"]}]}"#;
    let got = incompatibilities(&parse(reader), &parse(writer), BACKWARD);
    assert_eq!(got.len(), 1);
    assert!(
        got[0]
            .message
            .starts_with("Unexpected exception during compatibility check: Reader record field a type:INT pos:0 matches multiple fields in writer record schema {\"type\":\"record\",\"name\":\"R\""),
        "{}",
        got[0].message
    );
}

/// Confluent's `avro.Difference` strings, one per incompatibility type, with the BACKWARD
/// labels (reader `new`, writer `old`).
#[test]
fn rendered_messages_match_confluent() {
    let rows = [
        (
            A_INT_RECORD1,
            EMPTY_RECORD1,
            "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'a' at path '/fields/0' in the new schema has no default value and is missing in the old schema', additionalInfo:'a'}",
        ),
        (
            INT,
            STRING,
            "{errorType:'TYPE_MISMATCH', description:'The type (path '/') of a field in the new schema does not match with the old schema', additionalInfo:'reader type: INT not compatible with writer type: STRING'}",
        ),
        (
            ENUM1_AB,
            ENUM2_AB,
            "{errorType:'NAME_MISMATCH', description:'The name of the schema has changed (path '/name')', additionalInfo:'expected: Enum2'}",
        ),
        (
            FIXED_4_BYTES,
            FIXED_8_BYTES,
            "{errorType:'FIXED_SIZE_MISMATCH', description:'The size of FIXED type field at path '/size' in the new schema does not match with the old schema', additionalInfo:'expected: 8, found: 4'}",
        ),
        (
            ENUM1_AB,
            ENUM1_ABC,
            "{errorType:'MISSING_ENUM_SYMBOLS', description:'The new schema is missing enum symbols '[C]' at path '/symbols' in the old schema', additionalInfo:'[C]'}",
        ),
        (
            INT_UNION,
            INT_STRING_UNION,
            "{errorType:'MISSING_UNION_BRANCH', description:'The new schema is missing a type inside a union field at path '/1' in the old schema', additionalInfo:'reader union lacking writer type: STRING'}",
        ),
    ];
    for (reader, writer, message) in rows {
        let got = incompatibilities(&parse(reader), &parse(writer), BACKWARD);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].message, message);
    }
    // FORWARD swaps the labels: the old schema is the reader.
    let forward = Labels {
        reader: "old",
        writer: "new",
    };
    let got = incompatibilities(&parse(A_INT_RECORD1), &parse(EMPTY_RECORD1), forward);
    assert!(
        got[0]
            .message
            .contains("in the old schema has no default value and is missing in the new schema")
    );
}

/// Spec §5.3: recursive types terminate; a mutually recursive pair is compared correctly.
#[test]
fn recursive_schemas_terminate() {
    let tree = |leaf: &str| {
        format!(
            r#"{{"type":"record","name":"Node","fields":[{{"name":"v","type":"{leaf}"}},{{"name":"kids","type":{{"type":"array","items":"Node"}}}},{{"name":"next","type":["null","Node"],"default":null}}]}}"#
        )
    };
    assert_eq!(found(&tree("long"), &tree("int")), vec![]);
    assert_single(
        &tree("int"),
        &tree("long"),
        "TYPE_MISMATCH",
        "reader type: INT not compatible with writer type: LONG",
        "/fields/0/type",
    );
}

/// References are resolved to their definitions: a change inside a referenced type is seen
/// (rust-crates.md §1.2, the cross-schema reference case apache-avro misses).
#[test]
fn referenced_types_are_compared_by_definition() {
    use registry_server::schema::Dependency;
    let address_v1 = r#"{"type":"record","name":"Address","namespace":"acme","fields":[{"name":"street","type":"string"}]}"#;
    let address_v2 = r#"{"type":"record","name":"Address","namespace":"acme","fields":[{"name":"street","type":"string"},{"name":"zip","type":"string"}]}"#;
    let person = r#"{"type":"record","name":"Person","namespace":"acme","fields":[{"name":"home","type":"Address"}]}"#;
    let with = |address: &str| {
        let deps = [Dependency {
            name: "acme.Address".to_owned(),
            schema: address.to_owned(),
        }];
        AvroSchema::parse(person, &deps, ParseOptions::default()).expect("person parses")
    };
    let got = incompatibilities(&with(address_v2), &with(address_v1), BACKWARD);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].kind, "READER_FIELD_MISSING_DEFAULT_VALUE");
    assert_eq!(got[0].path, "/fields/0/type/fields/1");
    // An inline definition on one side and a reference on the other compare equal.
    let inline = format!(
        r#"{{"type":"record","name":"Person","namespace":"acme","fields":[{{"name":"home","type":{address_v1}}}]}}"#
    );
    assert!(incompatibilities(&parse(&inline), &with(address_v1), BACKWARD).is_empty());
}

/// Logical types are not compared (spec §5.3): decimal precision changes are compatible.
#[test]
fn logical_types_are_ignored() {
    let d =
        |p: u32| format!(r#"{{"type":"bytes","logicalType":"decimal","precision":{p},"scale":2}}"#);
    assert_eq!(found(&d(12), &d(10)), vec![]);
}

/// Chains of named types defined through one another nest deeper than their JSON; parsing
/// refuses chains past the depth limit, and checks up to it fit a 2 MiB (tokio worker) stack.
#[test]
fn deep_named_type_chains_are_bounded() {
    fn chain(n: usize, leaf: &str) -> String {
        // R0 { next: R1 }, R1 { next: R2 }, ...: each defined as a field of the root record,
        // referenced before its definition.
        let fields: Vec<String> = (1..=n)
            .map(|i| {
                let next = if i == n {
                    format!(r#"{{"name":"v","type":"{leaf}"}}"#)
                } else {
                    format!(r#"{{"name":"next","type":"R{}"}}"#, i + 1)
                };
                format!(r#"{{"name":"f{i}","type":{{"type":"record","name":"R{i}","fields":[{next}]}}}}"#)
            })
            .collect();
        format!(
            r#"{{"type":"record","name":"R0","fields":[{{"name":"head","type":"R1"}},{}]}}"#,
            fields.join(",")
        )
    }
    let too_deep = AvroSchema::parse(&chain(300, "int"), &[], ParseOptions::default());
    assert!(
        too_deep
            .as_ref()
            .is_err_and(|e| e.message.contains("deeper than")),
        "{too_deep:?}"
    );
    let result = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(|| {
            let reader = parse(&chain(250, "long"));
            let writer = parse(&chain(250, "int"));
            let back = incompatibilities(&reader, &writer, BACKWARD);
            let fwd = incompatibilities(&writer, &reader, BACKWARD);
            (back.len(), fwd.len())
        })
        .expect("spawns")
        .join()
        .expect("no stack overflow");
    // Every field f1..f250 (and head) reaches the int/long leaf; like Avro, each reuses the
    // memoized pair result, so the one mismatch is listed once per root field.
    assert_eq!(result, (0, 251));
}

/// Named types shared at every level make memoized findings recur exponentially often; the
/// list is capped instead of exhausting memory.
#[test]
fn shared_types_do_not_multiply_findings_without_bound() {
    fn doubling(depth: usize, leaf: &str) -> String {
        let mut fields = vec![format!(
            r#"{{"name":"f0","type":{{"type":"record","name":"T0","fields":[{{"name":"v","type":"{leaf}"}}]}}}}"#
        )];
        for i in 1..=depth {
            let prev = i - 1;
            fields.push(format!(
                r#"{{"name":"f{i}","type":{{"type":"record","name":"T{i}","fields":[{{"name":"a","type":"T{prev}"}},{{"name":"b","type":"T{prev}"}}]}}}}"#
            ));
        }
        format!(
            r#"{{"type":"record","name":"Root","fields":[{}]}}"#,
            fields.join(",")
        )
    }
    let reader = parse(&doubling(40, "int"));
    let writer = parse(&doubling(40, "long"));
    let found = incompatibilities(&reader, &writer, BACKWARD);
    assert!(
        !found.is_empty() && found.len() <= 10_000,
        "{}",
        found.len()
    );
}

/// Confluent AvroSchemaTest.testEnumCompatibility: dropping a symbol is not backward
/// compatible.
#[test]
fn enum_symbol_removed_is_incompatible() {
    let suit = r#"{"type":"enum","name":"Suit","symbols":["SPADES","HEARTS","DIAMONDS","CLUBS"]}"#;
    let suit2 = r#"{"type":"enum","name":"Suit","symbols":["SPADES","HEARTS","DIAMONDS"]}"#;
    assert_single(suit2, suit, "MISSING_ENUM_SYMBOLS", "[CLUBS]", "/symbols");
}
