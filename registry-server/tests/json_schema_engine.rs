//! The JSON Schema engine through its public API: parsing and 42201 errors, canonical and
//! normalized text, references between subjects, recursive schemas, rendered messages, the
//! LENIENT policy, and the checklist rules (spec §10, items 109–113).

use registry_server::schema::json::{
    self, DiffType, JsonSchema, Policy, incompatibilities, incompatibilities_with_policy,
};
use registry_server::schema::{Dependency, Labels, ParseOptions, ParsedSchema};

const VALIDATE: ParseOptions = ParseOptions {
    validate: true,
    normalize: false,
};

const BACKWARD: Labels<'static> = Labels {
    reader: "new",
    writer: "old",
};

fn parse(text: &str) -> JsonSchema {
    JsonSchema::parse(text, &[], VALIDATE).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn parse_with(text: &str, deps: &[Dependency]) -> JsonSchema {
    JsonSchema::parse(text, deps, VALIDATE).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn dep(name: &str, schema: &str) -> Dependency {
    Dependency {
        name: name.to_owned(),
        schema: schema.to_owned(),
    }
}

/// Incompatibility kinds when `new` must read data written with `old` (BACKWARD).
fn backward_kinds(old: &JsonSchema, new: &JsonSchema) -> Vec<String> {
    incompatibilities(new, old, BACKWARD)
        .into_iter()
        .map(|i| format!("{} {}", i.kind, i.path))
        .collect()
}

fn all_kinds(old: &JsonSchema, new: &JsonSchema) -> Vec<String> {
    json::differences(old, new, Policy::Strict)
        .into_iter()
        .map(|d| format!("{} {}", d.kind.as_str(), d.path))
        .collect()
}

// ---- parsing and invalid schemas (42201) -------------------------------------------------

#[test]
fn invalid_schemas_are_refused_with_confluent_prefix() {
    let cases = [
        ("not json", "{\"type\":"),
        ("root is a string", "\"string\""),
        ("root is an array", "[]"),
        ("unknown type name", r#"{"type":"strin"}"#),
        (
            "minLength must be a number",
            r#"{"type":"string","minLength":"3"}"#,
        ),
        (
            "required must be an array",
            r#"{"type":"object","required":"a"}"#,
        ),
        (
            "properties must be schemas",
            r#"{"type":"object","properties":{"a":3}}"#,
        ),
        (
            "unresolvable local $ref",
            r##"{"$ref":"#/definitions/missing"}"##,
        ),
        ("$ref to an unknown reference", r#"{"$ref":"address.json"}"#),
    ];
    for (why, text) in cases {
        let err = JsonSchema::parse(text, &[], VALIDATE)
            .err()
            .unwrap_or_else(|| panic!("{why}: {text} must be refused"));
        assert!(
            err.message
                .starts_with("Invalid schema of type JSON, details: "),
            "{why}: {}",
            err.message
        );
    }
}

#[test]
fn valid_schemas_of_every_draft_parse() {
    for text in [
        r#"{"$schema":"http://json-schema.org/draft-04/schema#","type":"number","minimum":1,"exclusiveMinimum":true}"#,
        r#"{"$schema":"http://json-schema.org/draft-06/schema#","type":"number","exclusiveMinimum":1}"#,
        r#"{"$schema":"http://json-schema.org/draft-07/schema#","if":{"type":"string"},"then":{"minLength":1}}"#,
        r#"{"$schema":"https://json-schema.org/draft/2019-09/schema","type":"array","items":[{"type":"string"}],"additionalItems":false}"#,
        r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"array","prefixItems":[{"type":"string"}],"items":false}"#,
        r#"{"$schema":"http://example.com/custom-meta","type":"string"}"#,
        "true",
        "false",
        "{}",
    ] {
        parse(text);
    }
}

#[test]
fn stored_schemas_are_not_revalidated() {
    let options = ParseOptions {
        validate: false,
        normalize: false,
    };
    assert!(JsonSchema::parse(r#"{"type":"strin"}"#, &[], options).is_ok());
    assert!(JsonSchema::parse("{\"type\":", &[], options).is_err());
}

#[test]
fn parsed_schema_dispatches_to_json() {
    let parsed = ParsedSchema::parse(
        registry_server::domain::SchemaType::Json,
        r#"{ "type": "string" }"#,
        &[],
        VALIDATE,
    )
    .expect("valid");
    assert_eq!(parsed.canonical(), r#"{"type":"string"}"#);
}

// ---- canonical form -----------------------------------------------------------------------

#[test]
fn canonical_is_compact_with_key_order_preserved() {
    let schema = parse(
        r#"{
          "type": "object",
          "properties": { "z": { "type": "string" }, "a": { "type": "integer" } },
          "required": ["z", "a"]
        }"#,
    );
    assert_eq!(
        schema.canonical(),
        r#"{"type":"object","properties":{"z":{"type":"string"},"a":{"type":"integer"}},"required":["z","a"]}"#
    );
}

#[test]
fn normalize_sorts_keys_recursively_and_keeps_array_order() {
    let options = ParseOptions {
        validate: true,
        normalize: true,
    };
    let schema = JsonSchema::parse(
        r#"{"type":"object","properties":{"z":{"type":"string","maxLength":2},"a":{}},"required":["z","a"]}"#,
        &[],
        options,
    )
    .expect("valid");
    assert_eq!(
        schema.canonical(),
        r#"{"properties":{"a":{},"z":{"maxLength":2,"type":"string"}},"required":["z","a"],"type":"object"}"#
    );
}

#[test]
fn canonical_keeps_decimals_as_jackson_writes_them() {
    let schema = parse(r#"{"type":"number","multipleOf":0.50,"maximum":1e2,"minimum":-0.0000001}"#);
    assert_eq!(
        schema.canonical(),
        r#"{"type":"number","multipleOf":0.50,"maximum":1E+2,"minimum":-1E-7}"#
    );
}

#[test]
fn canonical_of_boolean_schema() {
    assert_eq!(parse(" true ").canonical(), "true");
}

// ---- references ---------------------------------------------------------------------------

const ADDRESS_V1: &str = r#"{"type":"object","properties":{"street":{"type":"string"}}}"#;
const ADDRESS_V2: &str = r#"{"type":"object","properties":{"street":{"type":"integer"}}}"#;
const PERSON: &str = r#"{"type":"object","properties":{"address":{"$ref":"address.json"}}}"#;

#[test]
fn reference_to_a_dependency_validates() {
    parse_with(PERSON, &[dep("address.json", ADDRESS_V1)]);
    assert!(JsonSchema::parse(PERSON, &[], VALIDATE).is_err());
}

#[test]
fn reference_by_url_and_pointer_into_a_dependency() {
    let defs = r#"{"$id":"https://example.com/defs.json","definitions":{"id":{"type":"string","maxLength":5}}}"#;
    let text = r#"{"type":"object","properties":{"id":{"$ref":"https://example.com/defs.json#/definitions/id"}}}"#;
    let old = parse_with(text, &[dep("https://example.com/defs.json", defs)]);
    let defs2 = defs.replace("\"maxLength\":5", "\"maxLength\":3");
    let new = parse_with(text, &[dep("https://example.com/defs.json", &defs2)]);
    assert_eq!(
        backward_kinds(&old, &new),
        ["MAX_LENGTH_DECREASED #/properties/id/maxLength"]
    );
}

#[test]
fn diff_follows_references_into_dependencies() {
    let old = parse_with(PERSON, &[dep("address.json", ADDRESS_V1)]);
    let same = parse_with(PERSON, &[dep("address.json", ADDRESS_V1)]);
    let new = parse_with(PERSON, &[dep("address.json", ADDRESS_V2)]);
    assert!(all_kinds(&old, &same).is_empty());
    assert_eq!(
        backward_kinds(&old, &new),
        ["TYPE_CHANGED #/properties/address/properties/street"]
    );
}

#[test]
fn inlining_a_referenced_schema_is_no_change() {
    let old = parse_with(PERSON, &[dep("address.json", ADDRESS_V1)]);
    let inline = format!(r#"{{"type":"object","properties":{{"address":{ADDRESS_V1}}}}}"#);
    let new = parse(&inline);
    assert!(all_kinds(&old, &new).is_empty());
}

#[test]
fn nested_dependencies_resolve_in_order() {
    let street = r#"{"type":"string"}"#;
    let address = r#"{"type":"object","properties":{"street":{"$ref":"street.json"}}}"#;
    let deps = [dep("street.json", street), dep("address.json", address)];
    let old = parse_with(PERSON, &deps);
    let deps2 = [
        dep("street.json", r#"{"type":"number"}"#),
        dep("address.json", address),
    ];
    let new = parse_with(PERSON, &deps2);
    assert_eq!(
        backward_kinds(&old, &new),
        ["TYPE_CHANGED #/properties/address/properties/street"]
    );
}

#[test]
fn defs_references_find_bodies_under_definitions() {
    // Confluent bridges top-level `definitions` into `$defs` before resolving.
    let old =
        parse(r##"{"$ref":"#/$defs/a","definitions":{"a":{"type":"string","maxLength":3}}}"##);
    let new =
        parse(r##"{"$ref":"#/$defs/a","definitions":{"a":{"type":"string","maxLength":2}}}"##);
    assert_eq!(
        backward_kinds(&old, &new),
        ["MAX_LENGTH_DECREASED #/maxLength"]
    );
    assert_eq!(
        old.canonical(),
        r##"{"$ref":"#/$defs/a","definitions":{"a":{"type":"string","maxLength":3}}}"##
    );
}

// ---- recursion ------------------------------------------------------------------------------

const TREE: &str = r##"{
  "$ref": "#/definitions/node",
  "definitions": {
    "node": {
      "type": "object",
      "properties": {
        "value": {"type": "integer"},
        "children": {"type": "array", "items": {"$ref": "#/definitions/node"}}
      }
    }
  }
}"##;

#[test]
fn recursive_schemas_terminate_and_compare_equal() {
    let a = parse(TREE);
    let b = parse(TREE);
    assert!(all_kinds(&a, &b).is_empty());
}

#[test]
fn recursive_schemas_still_show_deep_changes() {
    let old = parse(TREE);
    let new = parse(&TREE.replace(r#""type": "integer""#, r#""type": "string""#));
    // As in Confluent, the pair found incompatible is fed back into the cycle on the second
    // pass, so the change is reported at the root and where the recursion re-enters it.
    assert_eq!(
        backward_kinds(&old, &new),
        [
            "TYPE_CHANGED #/properties/value",
            "TYPE_CHANGED #/properties/children/items/properties/value"
        ]
    );
    let widened = parse(&TREE.replace(r#""type": "integer""#, r#""type": "number""#));
    assert!(backward_kinds(&old, &widened).is_empty());
}

#[test]
fn mutually_recursive_references_through_oneof_terminate() {
    let text = r##"{
      "oneOf": [{"$ref": "#/definitions/a"}, {"$ref": "#/definitions/b"}],
      "definitions": {
        "a": {"type": "object", "properties": {"b": {"$ref": "#/definitions/b"}, "x": {"type": "string"}}},
        "b": {"type": "object", "properties": {"a": {"$ref": "#/definitions/a"}, "y": {"type": "number"}}}
      }
    }"##;
    let a = parse(text);
    let b = parse(text);
    assert!(all_kinds(&a, &b).is_empty());
    let changed = parse(&text.replace(r#""y": {"type": "number"}"#, r#""y": {"type": "boolean"}"#));
    assert!(!backward_kinds(&a, &changed).is_empty());
}

#[test]
fn self_referencing_ref_cycle_terminates() {
    let text = r##"{"definitions":{"a":{"$ref":"#/definitions/b"},"b":{"$ref":"#/definitions/a"}},"properties":{"p":{"$ref":"#/definitions/a"}}}"##;
    let a = JsonSchema::parse(
        text,
        &[],
        ParseOptions {
            validate: false,
            normalize: false,
        },
    )
    .expect("json");
    assert!(all_kinds(&a, &a).is_empty());
}

/// A 2020-12 schema whose union branches point back at the union through `$ref`s that sit
/// next to other keywords: `branches` object types, each with `props` properties referring to
/// "product or id", which is itself a union containing the product.
fn circular_union(branches: usize, props: usize) -> String {
    let mut defs = serde_json::Map::new();
    defs.insert(
        "Id".into(),
        serde_json::json!({"type": "object", "properties": {"id": {"type": "string"}}}),
    );
    defs.insert(
        "Base".into(),
        serde_json::json!({"type": "object", "properties": {"name": {"type": "string"}}}),
    );
    defs.insert(
        "ProductOrId".into(),
        serde_json::json!({"oneOf": [{"$ref": "#/$defs/Id"}, {"$ref": "#/$defs/Product"}]}),
    );
    let mut union = Vec::new();
    for b in 0..branches {
        let mut properties = serde_json::Map::new();
        for p in 0..props {
            properties.insert(
                format!("r{p}"),
                serde_json::json!({"$ref": "#/$defs/ProductOrId"}),
            );
        }
        properties.insert("kind".into(), serde_json::json!({"const": format!("k{b}")}));
        defs.insert(
            format!("T{b}"),
            serde_json::json!({"$ref": "#/$defs/Base", "type": "object", "properties": properties}),
        );
        union.push(serde_json::json!({"$ref": format!("#/$defs/T{b}")}));
    }
    defs.insert("Product".into(), serde_json::json!({ "oneOf": union }));
    serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$defs": defs,
        "$ref": "#/$defs/Product"
    })
    .to_string()
}

#[test]
fn wide_circular_unions_terminate_quickly() {
    let text = circular_union(12, 5);
    let a = parse(&text);
    let b = parse(&text);
    let started = std::time::Instant::now();
    assert!(all_kinds(&a, &b).is_empty());
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
    let changed = parse(&text.replace("\"k3\"", "\"other\""));
    assert!(!backward_kinds(&a, &changed).is_empty());
}

// ---- messages and policy --------------------------------------------------------------------

#[test]
fn messages_render_exactly_as_confluent() {
    let old = parse(r#"{"type":"object","properties":{"a":{"type":"string"}}}"#);
    let new =
        parse(r#"{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}}}"#);
    let found = incompatibilities(&new, &old, BACKWARD);
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].kind,
        "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"
    );
    assert_eq!(found[0].path, "#/properties/b");
    assert_eq!(
        found[0].message,
        "{errorType:\"OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL\", description:\"The new \
         schema has an open content model and has a property or item at path '#/properties/b' \
         which is missing in the old schema'}"
    );
    // FORWARD swaps the roles and the labels.
    let forward = Labels {
        reader: "old",
        writer: "new",
    };
    let removed = incompatibilities(&old, &new, forward);
    assert!(
        removed.is_empty(),
        "removing from an open model is compatible"
    );
    let narrowed = parse(r#"{"type":"string","maxLength":5}"#);
    let wide = parse(r#"{"type":"string","maxLength":9}"#);
    let found = incompatibilities(&wide, &narrowed, forward);
    assert!(found.is_empty());
    let found = incompatibilities(&narrowed, &wide, BACKWARD);
    assert_eq!(
        found[0].message,
        "{errorType:\"MAX_LENGTH_DECREASED\", description:\"The value at path '#/maxLength' in \
         the new schema is less than its value in the old schema'}"
    );
}

#[test]
fn every_type_renders_a_message() {
    for t in DiffType::ALL {
        let d = json::Difference {
            kind: *t,
            path: "#/x".to_owned(),
        };
        let message = d.message("new", "old");
        assert!(message.starts_with(&format!("{{errorType:\"{}\", description:\"", t.as_str())));
        assert!(message.ends_with("'}"));
        assert!(!message.contains("%s"), "{message}");
    }
}

#[test]
fn lenient_policy_accepts_open_model_changes() {
    let old = parse(r#"{"type":"object","properties":{"a":{"type":"string"}}}"#);
    let new =
        parse(r#"{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"number"}}}"#);
    assert!(!incompatibilities(&new, &old, BACKWARD).is_empty());
    assert!(incompatibilities_with_policy(&new, &old, BACKWARD, Policy::Lenient).is_empty());
    let closed = parse(r#"{"additionalProperties":false}"#);
    let open = parse(r#"{"additionalProperties":true}"#);
    assert!(!incompatibilities(&closed, &open, BACKWARD).is_empty());
    assert!(incompatibilities_with_policy(&closed, &open, BACKWARD, Policy::Lenient).is_empty());
    let required = parse(
        r#"{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},"required":["b"]}"#,
    );
    assert!(!incompatibilities_with_policy(&required, &old, BACKWARD, Policy::Lenient).is_empty());
}

// ---- checklist rules (spec §10) ---------------------------------------------------------------

#[test]
fn checklist_109_110_open_and_closed_content_models() {
    let open_old = parse(r#"{"type":"object","properties":{"a":{"type":"string"}}}"#);
    let open_new =
        parse(r#"{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}}}"#);
    let closed_old = parse(
        r#"{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false}"#,
    );
    let closed_new = parse(
        r#"{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},"additionalProperties":false}"#,
    );
    // 109: adding an optional property.
    assert!(!backward_kinds(&open_old, &open_new).is_empty());
    assert!(backward_kinds(&closed_old, &closed_new).is_empty());
    // 110: removing a property.
    assert!(backward_kinds(&open_new, &open_old).is_empty());
    assert_eq!(
        backward_kinds(&closed_new, &closed_old),
        ["PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL #/properties/b"]
    );
}

#[test]
fn checklist_112_integer_number() {
    let int = parse(r#"{"type":"integer"}"#);
    let num = parse(r#"{"type":"number"}"#);
    assert!(backward_kinds(&int, &num).is_empty());
    assert_eq!(all_kinds(&int, &num), ["TYPE_EXTENDED #/"]);
    assert_eq!(backward_kinds(&num, &int), ["TYPE_NARROWED #/"]);
}

#[test]
fn checklist_113_enum_and_required() {
    let small = parse(r#"{"type":"string","enum":["a"]}"#);
    let big = parse(r#"{"type":"string","enum":["a","b"]}"#);
    assert!(backward_kinds(&small, &big).is_empty());
    assert_eq!(
        backward_kinds(&big, &small),
        ["COMBINED_TYPE_SUBSCHEMAS_CHANGED #/"]
    );
    let optional = parse(r#"{"type":"object","properties":{"a":{"type":"string"}}}"#);
    let required =
        parse(r#"{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]}"#);
    let with_default = parse(
        r#"{"type":"object","properties":{"a":{"type":"string","default":"x"}},"required":["a"]}"#,
    );
    assert_eq!(
        backward_kinds(&optional, &required),
        ["REQUIRED_ATTRIBUTE_ADDED #/required/a"]
    );
    assert!(backward_kinds(&optional, &with_default).is_empty());
}

// ---- keyword coverage --------------------------------------------------------------------

#[test]
fn keyword_groups() {
    let cases: &[(&str, &str, &[&str])] = &[
        (
            r#"{"type":"number","exclusiveMaximum":5}"#,
            r#"{"type":"number","exclusiveMaximum":3}"#,
            &["EXCLUSIVE_MAXIMUM_DECREASED #/exclusiveMaximum"],
        ),
        (
            r#"{"type":"number","exclusiveMinimum":5}"#,
            r#"{"type":"number","exclusiveMinimum":7}"#,
            &["EXCLUSIVE_MINIMUM_INCREASED #/exclusiveMinimum"],
        ),
        (
            r#"{"type":"number","multipleOf":0.5}"#,
            r#"{"type":"number","multipleOf":10}"#,
            &["MULTIPLE_OF_EXPANDED #/multipleOf"],
        ),
        (
            r#"{"type":"number","multipleOf":0.5}"#,
            r#"{"type":"number","multipleOf":0.50}"#,
            &[],
        ),
        (
            r#"{"type":"string"}"#,
            r#"{"type":"string","pattern":"^a"}"#,
            &["PATTERN_ADDED #/pattern"],
        ),
        (
            r#"{"properties":{"a":{"type":"string"},"b":{"type":"string"}},"dependencies":{"a":["b"]}}"#,
            r#"{"properties":{"a":{"type":"string"},"b":{"type":"string"}},"dependencies":{"a":["b","c"]}}"#,
            &["DEPENDENCY_ARRAY_EXTENDED #/dependencies/a"],
        ),
        (
            r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","dependentRequired":{"a":["b","c"]}}"#,
            r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","dependentRequired":{"a":["b"]}}"#,
            &["DEPENDENCY_ARRAY_NARROWED #/dependencies/a"],
        ),
        (
            r#"{"type":"array","maxItems":2}"#,
            r#"{"type":"array","maxItems":3}"#,
            &["MAX_ITEMS_INCREASED #/maxItems"],
        ),
        (
            r#"{"type":"array"}"#,
            r#"{"type":"array","uniqueItems":true}"#,
            &["UNIQUE_ITEMS_ADDED #/uniqueItems"],
        ),
        (
            r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"array","contains":{"type":"number"},"maxContains":3}"#,
            r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"array","contains":{"type":"number"},"maxContains":2}"#,
            &["MAX_CONTAINS_DECREASED #/maxContains"],
        ),
        (
            r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","unevaluatedProperties":false}"#,
            r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object"}"#,
            &["UNEVALUATED_PROPERTIES_ADDED #/unevaluatedProperties"],
        ),
        (
            r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"array"}"#,
            r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"array","unevaluatedItems":{"type":"string"}}"#,
            &["UNEVALUATED_ITEMS_NARROWED #/unevaluatedItems"],
        ),
        (
            r#"{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false}"#,
            r#"{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string","default":"x"}},"required":["b"],"additionalProperties":false}"#,
            &["REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/b"],
        ),
        (
            r#"{"const":1}"#,
            r#"{"const":2}"#,
            &["ENUM_ARRAY_CHANGED #/const"],
        ),
        (
            r#"{"enum":["a","b"]}"#,
            r#"{"enum":["a","c"]}"#,
            &["ENUM_ARRAY_CHANGED #/enum"],
        ),
        (r#"{"type":"string"}"#, "false", &["TYPE_CHANGED #/"]),
        ("false", r#"{"type":"string"}"#, &[]),
        (r#"{"type":"string"}"#, "true", &[]),
        (
            r#"{"type":"string","connect.type":"bytes"}"#,
            r#"{"type":"number","connect.type":"bytes"}"#,
            &[],
        ),
        (
            r#"{"type":"object","default":{"a":1}}"#,
            r#"{"type":"object","default":{"a":2}}"#,
            &["DEFAULT_CHANGED #/"],
        ),
        (
            r#"{"type":["string","null"]}"#,
            r#"{"type":"string"}"#,
            &["TYPE_CHANGED #/"],
        ),
    ];
    let mut failures = Vec::new();
    for (old, new, want) in cases {
        let mut got = all_kinds(&parse(old), &parse(new));
        let mut want: Vec<String> = want.iter().map(|s| (*s).to_owned()).collect();
        got.sort();
        want.sort();
        if got != want {
            failures.push(format!("{old} -> {new}: got {got:?}, want {want:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
