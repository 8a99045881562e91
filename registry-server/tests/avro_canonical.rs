//! Canonical strings (Avro Java `Schema.toString()` as Confluent stores it), normalization
//! (`normalize=true`), references, and new-schema validation errors. Expectations follow the
//! documented behaviour of Avro's `Schema.toJson` / `Name.writeName` and Confluent's
//! `AvroSchemaUtils.toNormalizedString`, in our own schemas.

use registry_server::schema::avro::AvroSchema;
use registry_server::schema::{Dependency, ParseOptions};

const PLAIN: ParseOptions = ParseOptions {
    validate: false,
    normalize: false,
};
const NEW: ParseOptions = ParseOptions {
    validate: true,
    normalize: false,
};
const NORMALIZE: ParseOptions = ParseOptions {
    validate: true,
    normalize: true,
};

fn canonical(text: &str) -> String {
    canonical_with(text, PLAIN)
}

fn canonical_with(text: &str, options: ParseOptions) -> String {
    AvroSchema::parse(text, &[], options)
        .unwrap_or_else(|e| panic!("{text} should parse: {e}"))
        .canonical()
        .to_owned()
}

fn error(text: &str, options: ParseOptions) -> String {
    match AvroSchema::parse(text, &[], options) {
        Ok(schema) => panic!("{text} should be refused, got {}", schema.canonical()),
        Err(e) => e.message,
    }
}

/// Spec checklist 13/14 and Avro `Schema.toJson`: one row per rule.
#[test]
fn canonical_form_rules() {
    let rows = [
        // Primitives without properties are bare names (checklist 14).
        (r#"{"type":"string"}"#, r#""string""#),
        (r#" "int" "#, r#""int""#),
        // Primitives with properties keep them, after "type", in document order.
        (
            r#"{"connect.version":1,"type":"long","connect.name":"x"}"#,
            r#"{"type":"long","connect.version":1,"connect.name":"x"}"#,
        ),
        // Logical types are ordinary properties.
        (
            r#"{"logicalType":"decimal","scale":2,"type":"bytes","precision":9}"#,
            r#"{"type":"bytes","logicalType":"decimal","scale":2,"precision":9}"#,
        ),
        // Record: type, name, namespace, doc, fields, props, aliases.
        (
            r#"{"aliases":["Old"],"fields":[],"x-prop":true,"doc":"d","namespace":"ns","name":"R","type":"record"}"#,
            r#"{"type":"record","name":"R","namespace":"ns","doc":"d","fields":[],"x-prop":true,"aliases":["Old"]}"#,
        ),
        // Field: name, type, doc, default, order (only if not ascending), aliases, props.
        (
            r#"{"type":"record","name":"R","fields":[{"p":1,"aliases":["b"],"order":"descending","default":1,"doc":"d","type":"int","name":"a"},{"name":"c","type":"int","order":"ascending"}]}"#,
            r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int","doc":"d","default":1,"order":"descending","aliases":["b"],"p":1},{"name":"c","type":"int"}]}"#,
        ),
        // Enum: type, name, namespace, doc, symbols, default, props, aliases.
        (
            r#"{"aliases":["F"],"p":"q","default":"A","symbols":["A","B"],"doc":"d","name":"E","type":"enum"}"#,
            r#"{"type":"enum","name":"E","doc":"d","symbols":["A","B"],"default":"A","p":"q","aliases":["F"]}"#,
        ),
        // Fixed: type, name, namespace, doc, size, props, aliases.
        (
            r#"{"size":16,"logicalType":"uuid","name":"com.acme.Id","type":"fixed"}"#,
            r#"{"type":"fixed","name":"Id","namespace":"com.acme","size":16,"logicalType":"uuid"}"#,
        ),
        // Array / map: type, items/values, props.
        (
            r#"{"p":1,"items":{"type":"int"},"type":"array"}"#,
            r#"{"type":"array","items":"int","p":1}"#,
        ),
        (
            r#"{"values":"string","type":"map"}"#,
            r#"{"type":"map","values":"string"}"#,
        ),
        // Error records keep their type.
        (
            r#"{"type":"error","name":"Oops","fields":[]}"#,
            r#"{"type":"error","name":"Oops","fields":[]}"#,
        ),
        // A dotted name carries its namespace; nested types in the same namespace elide it.
        (
            r#"{"type":"record","name":"a.b.Outer","fields":[{"name":"i","type":{"type":"record","name":"Inner","fields":[]}},{"name":"j","type":{"type":"record","name":"a.b.Other","fields":[]}}]}"#,
            r#"{"type":"record","name":"Outer","namespace":"a.b","fields":[{"name":"i","type":{"type":"record","name":"Inner","fields":[]}},{"name":"j","type":{"type":"record","name":"Other","fields":[]}}]}"#,
        ),
        // A different namespace is written; a null namespace inside a non-null one is "".
        (
            r#"{"type":"record","name":"Outer","namespace":"a","fields":[{"name":"i","type":{"type":"enum","name":"E","namespace":"b","symbols":["X"]}},{"name":"j","type":{"type":"fixed","name":"F","namespace":"","size":1}}]}"#,
            r#"{"type":"record","name":"Outer","namespace":"a","fields":[{"name":"i","type":{"type":"enum","name":"E","namespace":"b","symbols":["X"]}},{"name":"j","type":{"type":"fixed","name":"F","namespace":"","size":1}}]}"#,
        ),
        // Named types after their first definition are written by name, relative to the
        // enclosing namespace; full name when it differs.
        (
            r#"{"type":"record","name":"R","namespace":"a","fields":[{"name":"x","type":{"type":"fixed","name":"F","size":2}},{"name":"y","type":"F"},{"name":"z","type":"a.F"},{"name":"w","type":{"type":"record","name":"S","namespace":"b","fields":[{"name":"f","type":"a.F"}]}}]}"#,
            r#"{"type":"record","name":"R","namespace":"a","fields":[{"name":"x","type":{"type":"fixed","name":"F","size":2}},{"name":"y","type":"F"},{"name":"z","type":"F"},{"name":"w","type":{"type":"record","name":"S","namespace":"b","fields":[{"name":"f","type":"a.F"}]}}]}"#,
        ),
        // Recursive reference by name.
        (
            r#"{"type":"record","name":"List","fields":[{"name":"next","type":["null","List"],"default":null}]}"#,
            r#"{"type":"record","name":"List","fields":[{"name":"next","type":["null","List"],"default":null}]}"#,
        ),
        // Record aliases are written relative to the record's namespace.
        (
            r#"{"type":"record","name":"R","namespace":"ns","aliases":["ns.A","other.B","C"],"fields":[]}"#,
            r#"{"type":"record","name":"R","namespace":"ns","fields":[],"aliases":["A","other.B","C"]}"#,
        ),
        // Defaults are re-serialized as Jackson writes them (doubles in Java notation).
        (
            r#"{"type":"record","name":"R","fields":[{"name":"d","type":"double","default":1e10},{"name":"f","type":"float","default":"2.5"},{"name":"m","type":{"type":"map","values":"int"},"default":{"b":1,"a":2}}]}"#,
            r#"{"type":"record","name":"R","fields":[{"name":"d","type":"double","default":1.0E10},{"name":"f","type":"float","default":2.5},{"name":"m","type":{"type":"map","values":"int"},"default":{"b":1,"a":2}}]}"#,
        ),
        // Strings keep non-ASCII characters; control characters are escaped.
        (
            r#"{"type":"record","name":"R","doc":"héllo\t\u0001","fields":[]}"#,
            r#"{"type":"record","name":"R","doc":"héllo\t\u0001","fields":[]}"#,
        ),
    ];
    for (input, expected) in rows {
        assert_eq!(canonical(input), expected, "input {input}");
    }
}

/// Checklist 13: whitespace, attribute order and comments don't change the canonical string.
#[test]
fn whitespace_and_attribute_order_variants_are_the_same_schema() {
    let variants = [
        r#"{"type":"record","name":"R","namespace":"ns","fields":[{"name":"a","type":"int","default":0}]}"#,
        "{\n  \"namespace\" : \"ns\",\n  \"fields\" : [ { \"default\" : 0, \"type\" : \"int\", \"name\" : \"a\" } ],\n  \"name\" : \"R\",\n  \"type\" : \"record\"\n}",
        r#"{"name":"ns.R","type":"record","fields":[{"type":{"type":"int"},"name":"a","default":0}]}"#,
        "/* leading */ {\"type\":\"record\", // trailing\n \"name\":\"R\",\"namespace\":\"ns\",\"fields\":[{\"name\":\"a\",\"type\":\"int\",\"default\":0}]}",
    ];
    let expected = canonical(variants[0]);
    assert_eq!(
        expected,
        r#"{"type":"record","name":"R","namespace":"ns","fields":[{"name":"a","type":"int","default":0}]}"#
    );
    for variant in variants {
        assert_eq!(canonical(variant), expected, "{variant}");
    }
}

/// Checklist 17: doc changes make a different canonical string.
#[test]
fn doc_is_part_of_the_canonical_string() {
    assert_ne!(
        canonical(r#"{"type":"record","name":"R","fields":[]}"#),
        canonical(r#"{"type":"record","name":"R","doc":"x","fields":[]}"#)
    );
}

/// Escaped quotes in docs survive; field attributes are written name, type, then the rest.
#[test]
fn normalization_keeps_escaped_docs() {
    let input = r#"{"type":"record","name":"Memo","doc":"say \"hi\"","fields":[{"doc":"a \"quoted\" line","type":"string","name":"body"}]}"#;
    let expected = r#"{"type":"record","name":"Memo","doc":"say \"hi\"","fields":[{"name":"body","type":"string","doc":"a \"quoted\" line"}]}"#;
    assert_eq!(canonical(input), expected);
    assert_eq!(canonical_with(input, NORMALIZE), expected);
}

/// Custom properties on records and on primitive types are kept, after the standard
/// attributes, with or without normalization.
#[test]
fn normalization_preserves_custom_properties_on_primitives() {
    let input = r#"{"name":"Change","namespace":"acme.audit","type":"record","x.source":"audit.Change","fields":[{"name":"before","default":null,"type":["null",{"type":"record","name":"Row","x.source":"audit.Row","fields":[{"name":"at","type":{"x.logical":"epoch-ms","x.version":2,"type":"long"}},{"name":"count","type":"long"}]}]},{"name":"after","default":null,"type":["null","Row"]}]}"#;
    let expected = r#"{"type":"record","name":"Change","namespace":"acme.audit","fields":[{"name":"before","type":["null",{"type":"record","name":"Row","fields":[{"name":"at","type":{"type":"long","x.logical":"epoch-ms","x.version":2}},{"name":"count","type":"long"}],"x.source":"audit.Row"}],"default":null},{"name":"after","type":["null","Row"],"default":null}],"x.source":"audit.Change"}"#;
    assert_eq!(canonical(input), expected);
    assert_eq!(canonical_with(input, NORMALIZE), expected);
}

/// Checklist 16 / `toNormalizedString`: properties sorted (a valid logical type's keys
/// first), aliases sorted; without normalize the written order is kept.
#[test]
fn normalize_sorts_properties_and_aliases() {
    let a = r#"{"type":"record","name":"R","z":1,"a":2,"aliases":["Y","X"],"fields":[{"name":"f","type":"int","q":1,"b":2,"aliases":["n","m"]}]}"#;
    let b = r#"{"type":"record","name":"R","a":2,"z":1,"aliases":["X","Y"],"fields":[{"name":"f","type":"int","b":2,"q":1,"aliases":["m","n"]}]}"#;
    assert_ne!(canonical(a), canonical(b));
    let normalized = r#"{"type":"record","name":"R","fields":[{"name":"f","type":"int","aliases":["m","n"],"b":2,"q":1}],"a":2,"z":1,"aliases":["X","Y"]}"#;
    assert_eq!(canonical_with(a, NORMALIZE), normalized);
    assert_eq!(canonical_with(b, NORMALIZE), normalized);
    // Logical-type keys first (decimal: logicalType, precision, scale), then the rest sorted.
    assert_eq!(
        canonical_with(
            r#"{"type":"bytes","scale":2,"connect.name":"x","precision":9,"logicalType":"decimal"}"#,
            NORMALIZE
        ),
        r#"{"type":"bytes","logicalType":"decimal","precision":9,"scale":2,"connect.name":"x"}"#
    );
    // An invalid logical type is an ordinary property and sorts with the others.
    assert_eq!(
        canonical_with(
            r#"{"type":"string","zz":1,"logicalType":"date"}"#,
            NORMALIZE
        ),
        r#"{"type":"string","logicalType":"date","zz":1}"#
    );
    assert_eq!(
        canonical_with(r#"{"type":"int","aa":1,"logicalType":"date"}"#, NORMALIZE),
        r#"{"type":"int","logicalType":"date","aa":1}"#
    );
    // Normalization writes records (never "error"), drops empty record docs, and converts
    // an int default of a double field to a double.
    assert_eq!(
        canonical_with(
            r#"{"type":"error","name":"E","doc":"","fields":[{"name":"d","type":"double","default":1}]}"#,
            NORMALIZE
        ),
        r#"{"type":"record","name":"E","fields":[{"name":"d","type":"double","default":1.0}]}"#
    );
}

/// Referenced types appear by name in the referring schema (Confluent's
/// `toString(schemaRefs)`) and inline in the resolved form.
#[test]
fn references_are_not_inlined() {
    let deps = [Dependency {
        name: "acme.Address".to_owned(),
        schema: r#"{"type":"record","name":"Address","namespace":"acme","fields":[{"name":"street","type":"string"}]}"#.to_owned(),
    }];
    let person = r#"{"type":"record","name":"Person","namespace":"acme","fields":[{"name":"home","type":"Address"},{"name":"work","type":"acme.Address"}]}"#;
    let schema = AvroSchema::parse(person, &deps, NEW).expect("person parses");
    assert_eq!(
        schema.canonical(),
        r#"{"type":"record","name":"Person","namespace":"acme","fields":[{"name":"home","type":"Address"},{"name":"work","type":"Address"}]}"#
    );
    assert_eq!(
        schema.resolved(),
        r#"{"type":"record","name":"Person","namespace":"acme","fields":[{"name":"home","type":{"type":"record","name":"Address","fields":[{"name":"street","type":"string"}]}},{"name":"work","type":"Address"}]}"#
    );
    assert_eq!(schema.full_name().as_deref(), Some("acme.Person"));
    // Without the dependency the name is undefined.
    assert_eq!(
        error(person, NEW),
        "Invalid schema of type AVRO, details: Undefined schema: acme.Address"
    );
}

/// Checklist 21/22 and Avro `Schema.Parser` errors, with Confluent's 42201 prefix.
#[test]
fn invalid_schemas_are_refused_with_avro_messages() {
    let rows = [
        (
            r#"{"type":"record","name":"R","fields":[{"name":"f","type":"string","default":null}]}"#,
            "Invalid default for field f: null not a \"string\"",
        ),
        (
            r#"{"type":"record","name":"R","fields":[{"name":"f","type":"int","default":"x"}]}"#,
            "Invalid default for field f: \"x\" not a \"int\"",
        ),
        (
            r#"{"type":"record","name":"R","fields":[{"name":"f","type":["int","null"],"default":1.5}]}"#,
            "Invalid default for field f: 1.5 not a [\"int\",\"null\"]",
        ),
        (
            r#"{"type":"record","name":"R"}"#,
            "Record has no fields: {\"type\":\"record\",\"name\":\"R\"}",
        ),
        // Avro 1.12's ParseContext: unknown names fail when the document is resolved.
        (r#"{"type":"foo"}"#, "Undefined schema: foo"),
        (r#""Missing""#, "Undefined schema: Missing"),
        (
            r#"{"type":"record","name":"R","namespace":"ns","fields":[{"name":"a","type":"Nope"}]}"#,
            "Undefined schema: ns.Nope",
        ),
        (
            r#""int" "long""#,
            "dangling content after end of schema: \"long\"",
        ),
        (
            r#"[{"type":"array","items":"int"},["int"]]"#,
            "Nested union: [{\"type\":\"array\",\"items\":\"int\"},[\"int\"]]",
        ),
        (r#"{"name":"x"}"#, "No type: {\"name\":\"x\"}"),
        (
            r#"{"type":"record","name":"na-me","fields":[]}"#,
            "Illegal character in: na-me",
        ),
        (
            r#"{"type":"record","name":"1R","fields":[]}"#,
            "Illegal initial character: 1R",
        ),
        (
            r#"{"type":"enum","name":"E","symbols":["A","A"]}"#,
            "Duplicate enum symbol: A",
        ),
        (
            r#"{"type":"enum","name":"E","symbols":["A"],"default":"B"}"#,
            "The Enum Default: B is not in the enum symbol set: [A]",
        ),
        (r#"["int","int"]"#, "Duplicate in union:int"),
        (
            r#"{"type":"fixed","name":"F"}"#,
            "Invalid or no size: {\"type\":\"fixed\",\"name\":\"F\"}",
        ),
        (
            r#"{"type":"record","name":"int","fields":[]}"#,
            "Schemas may not be named after primitives: int",
        ),
        (
            r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"a","type":"long"}]}"#,
            "Duplicate field a in record R: a type:LONG pos:1 and a type:INT pos:0.",
        ),
        (
            r#"{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"fixed","name":"F","size":1}},{"name":"b","type":{"type":"fixed","name":"F","size":2}}]}"#,
            "Can't redefine: F",
        ),
    ];
    for (text, details) in rows {
        assert_eq!(
            error(text, NORMALIZE),
            format!("Invalid schema of type AVRO, details: {details}"),
            "{text}"
        );
    }
    assert!(error("{not json", NEW).starts_with("Invalid schema of type AVRO, details: "));
}

/// Stored schemas (validate off) skip default validation and namespace checks, as Confluent
/// does for IMPORT and for already-registered schemas; simple names are still checked.
#[test]
fn validation_off_accepts_legacy_defaults_and_namespaces() {
    let bad_default =
        r#"{"type":"record","name":"R","fields":[{"name":"f","type":"string","default":null}]}"#;
    assert_eq!(
        canonical(bad_default),
        r#"{"type":"record","name":"R","fields":[{"name":"f","type":"string","default":null}]}"#
    );
    let odd_namespace = r#"{"type":"record","name":"R","namespace":"com.my-co","fields":[]}"#;
    assert_eq!(
        canonical(odd_namespace),
        r#"{"type":"record","name":"R","namespace":"com.my-co","fields":[]}"#
    );
    // A new schema is checked strictly only when normalized (Confluent 7.9).
    assert_eq!(canonical_with(odd_namespace, NEW), odd_namespace);
    assert_eq!(canonical_with(bad_default, NEW), bad_default);
    assert_eq!(
        error(odd_namespace, NORMALIZE),
        "Invalid schema of type AVRO, details: Namespace part \"my-co\" is invalid: Illegal character in: my-co"
    );
    assert!(
        error(r#"{"type":"record","name":"na-me","fields":[]}"#, PLAIN)
            .contains("Illegal character in: na-me")
    );
    // A union default is a value of the first branch (Avro 1.11, Confluent 7.9), checked
    // when the schema is normalized.
    let second_branch = r#"{"type":"record","name":"R","fields":[{"name":"f","type":["null","string"],"default":"x"}]}"#;
    assert_eq!(canonical_with(second_branch, NEW), second_branch);
    assert!(error(second_branch, NORMALIZE).contains("Invalid default for field f"));
}

/// Avro 1.12 resolves names when the document is complete: a type may be used before the
/// field that defines it; the definition is then written at the first use.
#[test]
fn forward_references_resolve_and_are_written_at_first_use() {
    let text = r#"{"type":"record","name":"R","namespace":"ns","fields":[{"name":"a","type":["null","Later"],"default":null},{"name":"b","type":{"type":"enum","name":"Later","symbols":["X"]}}]}"#;
    assert_eq!(
        canonical_with(text, NEW),
        r#"{"type":"record","name":"R","namespace":"ns","fields":[{"name":"a","type":["null",{"type":"enum","name":"Later","symbols":["X"]}],"default":null},{"name":"b","type":"Later"}]}"#
    );
    // Two forward uses of one name in a union are still a duplicate.
    let duplicate = r#"{"type":"record","name":"R","fields":[{"name":"a","type":["L","L"]},{"name":"b","type":{"type":"fixed","name":"L","size":1}}]}"#;
    assert_eq!(
        error(duplicate, NEW),
        "Invalid schema of type AVRO, details: Duplicate in union:L"
    );
}

/// Avro 1.12 allows a name to be defined again when the definition is equal (`equals`
/// ignores docs and aliases); the first definition is the one kept.
#[test]
fn identical_redefinition_is_allowed() {
    let text = r#"{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"enum","name":"E","doc":"one","symbols":["X"]}},{"name":"b","type":{"symbols":["X"],"type":"enum","name":"E","doc":"two"}}]}"#;
    assert_eq!(
        canonical(text),
        r#"{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"enum","name":"E","doc":"one","symbols":["X"]}},{"name":"b","type":"E"}]}"#
    );
    let text = r#"{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"fixed","name":"F","size":1}},{"name":"b","type":{"type":"fixed","name":"F","size":1}}]}"#;
    assert_eq!(
        canonical(text),
        r#"{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"fixed","name":"F","size":1}},{"name":"b","type":"F"}]}"#
    );
}

/// Stored schemas (validation off) and new ones take Unicode names, field names and
/// symbols; the strict checks of a normalized new schema are ASCII-only.
#[test]
fn non_ascii_names_accepted_without_validation() {
    let text = r#"{"type":"record","name":"Kündigung","namespace":"bank.de","fields":[{"name":"empfänger","type":"string"},{"name":"art","type":{"type":"enum","name":"Äußerung","symbols":["Ä","Ö"]}}]}"#;
    let schema = AvroSchema::parse(text, &[], PLAIN).expect("parses");
    assert_eq!(schema.full_name().as_deref(), Some("bank.de.Kündigung"));
    assert_eq!(schema.canonical(), text);
    // A new schema takes Unicode letters (Avro 1.11's rule) unless it is normalized.
    assert_eq!(canonical_with(text, NEW), text);
    assert_eq!(
        error(text, NORMALIZE),
        "Invalid schema of type AVRO, details: Illegal character in: Kündigung"
    );
}

/// A default that does not match its field's type is refused when validating, with or
/// without normalization.
#[test]
fn invalid_default_refused_when_normalizing() {
    let text = r#"{"namespace": "billing", "type": "record", "name": "Invoice", "fields": [{"name": "currency", "type": "string", "default": null}]}"#;
    assert_eq!(
        error(text, NORMALIZE),
        "Invalid schema of type AVRO, details: Invalid default for field currency: null not a \"string\""
    );
}

/// A top-level union of two records with the same simple name in different namespaces.
#[test]
fn union_of_same_named_records_in_two_namespaces() {
    let text = r#"[{"name":"Event","namespace":"shop.orders","type":"record","fields":[{"name":"ref","type":"string"},{"type":"int","name":"qty"}]},{"name":"Event","namespace":"shop.returns","type":"record","fields":[{"name":"ref","type":"long"},{"type":"int","name":"qty"}]}]"#;
    assert_eq!(
        canonical(text),
        r#"[{"type":"record","name":"Event","namespace":"shop.orders","fields":[{"name":"ref","type":"string"},{"name":"qty","type":"int"}]},{"type":"record","name":"Event","namespace":"shop.returns","fields":[{"name":"ref","type":"long"},{"name":"qty","type":"int"}]}]"#
    );
    let schema = AvroSchema::parse(text, &[], PLAIN).expect("parses");
    assert_eq!(schema.full_name(), None);
}

/// Defaults (of a union field, of an enum) and docs nested in an array's items are part of
/// the stored string, so they tell schemas apart.
#[test]
fn defaults_and_nested_docs_distinguish_schemas() {
    let union = |default: &str| {
        format!(
            r#"{{"type":"record","name":"Setting","namespace":"cfg","fields":[{{"name":"value","type":["string","int"]{default}}}]}}"#
        )
    };
    assert_ne!(canonical(&union("")), canonical(&union(r#","default":"""#)));
    let level = r#"{"type":"enum","name":"Level","symbols":["LOW","MID","HIGH"]}"#;
    let level_default =
        r#"{"type":"enum","name":"Level","symbols":["LOW","MID","HIGH"],"default":"MID"}"#;
    assert_ne!(canonical(level), canonical(level_default));
    let array = |doc: &str| {
        format!(
            r#"{{"type":"array","items":{{"type":"record","name":"Note","doc":"{doc}","fields":[{{"name":"text","type":"string"}}]}}}}"#
        )
    };
    assert_ne!(canonical(&array("first")), canonical(&array("second")));
}
