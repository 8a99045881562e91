//! Avro compatibility semantics beyond the one-rule-per-row tables: enum defaults on
//! missing fields, aliases, ambiguous field matches, Confluent's rendered messages,
//! recursion, references resolved to their definitions, logical types.

mod avro_support;

use avro_support::*;

/// Avro SchemaCompatibility: a reader field missing in the writer whose type is an enum with
/// an enum default is compared (enum vs. the writer record) instead of failing for the
/// default: a TYPE_MISMATCH at the field's type.
#[test]
fn enum_default_on_missing_field_compares_enum_with_writer_record() {
    let writer = r#"{"type":"record","name":"Reading","fields":[{"name":"other","type":{"type":"enum","name":"Tint","symbols":["A","B"]}}]}"#;
    let reader = r#"{"type":"record","name":"Reading","fields":[{"name":"value","type":{"type":"enum","name":"Enum","symbols":["A","B"],"default":"A"}}]}"#;
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
            "{errorType:'NAME_MISMATCH', description:'The name of the schema has changed (path '/name')', additionalInfo:'expected: Tint'}",
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

/// Dropping a symbol is not backward compatible.
#[test]
fn enum_symbol_removed_is_incompatible() {
    let level = r#"{"type":"enum","name":"Level","symbols":["LOW","MID","HIGH","CRITICAL"]}"#;
    let fewer = r#"{"type":"enum","name":"Level","symbols":["LOW","MID","HIGH"]}"#;
    assert_single(
        fewer,
        level,
        "MISSING_ENUM_SYMBOLS",
        "[CRITICAL]",
        "/symbols",
    );
}
