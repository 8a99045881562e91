//! Avro reader/writer rules, one row per rule, following the Avro specification's schema
//! resolution: compatible pairs, then each incompatibility type (type, name, union branch,
//! enum symbols, fixed size, missing default) with its location and Avro message,
//! checked for type, location and Avro message, plus Confluent's rendered strings.

mod avro_support;

use avro_support::*;

/// Reader/writer pairs that resolve: promotions, enum supersets and defaults, namespaces
/// ignored for enums, string/bytes, unions, records with defaults, recursion.
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
        // Schemas that must read themselves.
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

/// TYPE_MISMATCH: a writer type the reader cannot read, with the reader/writer types named.
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

/// NAME_MISMATCH: named types (enum, fixed, record) whose full names differ.
#[test]
fn name_mismatch() {
    let rows = [
        (ENUM1_AB, ENUM2_AB, "expected: Tint", "/name"),
        (EMPTY_RECORD2, EMPTY_RECORD1, "expected: Reading", "/name"),
        (
            FIXED_4_BYTES,
            FIXED_4_ANOTHER_NAME,
            "expected: Checksum",
            "/name",
        ),
        (
            A_DINT_B_DENUM_1_RECORD1,
            A_DINT_B_DENUM_2_RECORD1,
            "expected: Tint",
            "/fields/1/type/name",
        ),
    ];
    for (reader, writer, info, path) in rows {
        assert_single(reader, writer, "NAME_MISMATCH", info, path);
    }
}

/// MISSING_UNION_BRANCH: a writer union branch the reader union cannot read.
#[test]
fn missing_union_branch() {
    let record1 = r#"{"type":"record","name":"Reading","fields":[{"name":"value","type":"int"}]}"#;
    let record2 = r#"{"type":"record","name":"Sample","fields":[{"name":"value","type":"int"}]}"#;
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

/// MISSING_ENUM_SYMBOLS: writer symbols the reader lacks (and has no default for).
#[test]
fn missing_enum_symbols() {
    let record_ab = format!(
        r#"{{"type":"record","name":"Reading","fields":[{{"name":"value","type":{ENUM1_AB}}}]}}"#
    );
    let record_abc = format!(
        r#"{{"type":"record","name":"Reading","fields":[{{"name":"value","type":{ENUM1_ABC}}}]}}"#
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

/// FIXED_SIZE_MISMATCH: fixed types of different sizes.
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

/// READER_FIELD_MISSING_DEFAULT_VALUE: a reader field the writer lacks, without a default.
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

/// Fields kept, dropped and added (with and without defaults), array and primitive writers,
/// and unions read by a narrower or reordered union.
#[test]
fn schema_pair_cases() {
    let writer = r#"{"type":"record","name":"R","fields":[{"name":"kept_one","type":"int"},{"name":"kept_two","type":"string"}]}"#;
    let reader = |fields: &str| format!(r#"{{"type":"record","name":"R","fields":[{fields}]}}"#);
    // validateSchemaPairMissingField / MissingSecondField / AllFields / NewFieldWithDefault
    for fields in [
        r#"{"name":"kept_one","type":"int"}"#,
        r#"{"name":"kept_two","type":"string"}"#,
        r#"{"name":"kept_one","type":"int"},{"name":"kept_two","type":"string"}"#,
        r#"{"name":"kept_one","type":"int"},{"name":"added_one","type":"int","default":42}"#,
    ] {
        assert_eq!(found(&reader(fields), writer), vec![]);
    }
    // validateSchemaNewField
    assert_single(
        &reader(r#"{"name":"kept_one","type":"int"},{"name":"added_one","type":"int"}"#),
        writer,
        "READER_FIELD_MISSING_DEFAULT_VALUE",
        "added_one",
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

/// Nine incompatibilities in one nested record: all collected, in schema order.
#[test]
fn multiple_incompatibilities_are_all_collected_in_order() {
    let reader = r#"{"type":"record","name":"Survey","fields":[
      {"name":"shade","type":{"type":"enum","name":"Shade","symbols":["A","C"]}},
      {"name":"mood","type":{"type":"enum","name":"Mood","symbols":["A","B","C","D"]}},
      {"name":"reading","type":"string"},
      {"name":"detail","type":{"type":"record","name":"Detail","fields":[
        {"name":"serial","type":"long","default":42},
        {"name":"batch","type":"long"},
        {"name":"hash","type":{"type":"fixed","name":"Hash","size":4}},
        {"name":"flag","type":["boolean"]},
        {"name":"toggle","type":["boolean"]},
        {"name":"origin","type":{"type":"record","name":"Origin","namespace":"lab.copy","fields":[
          {"name":"valid","type":"boolean","default":true},
          {"name":"marks","type":{"type":"array","items":"string"}}]}}]}}]}"#;
    let writer = r#"{"type":"record","name":"Survey","fields":[
      {"name":"shade","type":{"type":"enum","name":"Shade","symbols":["A","B","C","D"]}},
      {"name":"mood","type":{"type":"enum","name":"MoodOld","symbols":["A","B","C","D"]}},
      {"name":"reading","type":"long"},
      {"name":"detail","type":{"type":"record","name":"Detail","fields":[
        {"name":"serial","type":"long","default":42},
        {"name":"hash","type":{"type":"fixed","name":"Hash","size":8}},
        {"name":"flag","type":["boolean","double","string"]},
        {"name":"toggle","type":"long"},
        {"name":"origin","type":{"type":"record","name":"Origin","namespace":"lab.main","fields":[
          {"name":"valid","type":"boolean","default":true},
          {"name":"marks","type":{"type":"array","items":"boolean"}}]}}]}}]}"#;
    let expected = [
        ("MISSING_ENUM_SYMBOLS", "/fields/0/type/symbols", "[B, D]"),
        ("NAME_MISMATCH", "/fields/1/type/name", "expected: MoodOld"),
        (
            "TYPE_MISMATCH",
            "/fields/2/type",
            "reader type: STRING not compatible with writer type: LONG",
        ),
        (
            "READER_FIELD_MISSING_DEFAULT_VALUE",
            "/fields/3/type/fields/1",
            "batch",
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
