//! Object rules: properties and content models, required and property counts, dependencies.

use super::*;

#[test]
fn object_properties_and_content_models() {
    check(&[
        rule(
            "optional property added to an open content model",
            SENSOR,
            r#"{"type":"object","properties":{"id":{"type":"integer"},"room":{"type":"string"}}}"#,
            &["OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL #/properties/room"],
            false,
        ),
        rule(
            "property accepting anything added to an open content model",
            SENSOR,
            r#"{"type":"object","properties":{"id":{"type":"integer"},"extra":{}}}"#,
            &["PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL #/properties/extra"],
            true,
        ),
        rule(
            "property removed from an open content model",
            r#"{"type":"object","properties":{"id":{"type":"integer"},"room":{"type":"string"}}}"#,
            SENSOR,
            &["PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL #/properties/room"],
            true,
        ),
        rule(
            "optional property added to a closed content model",
            r#"{"type":"object","properties":{"id":{"type":"integer"}},"additionalProperties":false}"#,
            r#"{"type":"object","properties":{"id":{"type":"integer"},"room":{"type":"string"}},"additionalProperties":false}"#,
            &["OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/room"],
            true,
        ),
        rule(
            "required property added to a closed content model",
            r#"{"type":"object","properties":{"id":{"type":"integer"}},"additionalProperties":false}"#,
            r#"{"type":"object","properties":{"id":{"type":"integer"},"room":{"type":"string"}},"required":["room"],"additionalProperties":false}"#,
            &["REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/room"],
            false,
        ),
        rule(
            "property removed from a closed content model",
            r#"{"type":"object","properties":{"id":{"type":"integer"},"room":{"type":"string"}},"additionalProperties":false}"#,
            r#"{"type":"object","properties":{"id":{"type":"integer"}},"additionalProperties":false}"#,
            &["PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL #/properties/room"],
            false,
        ),
        rule(
            "property declared false removed from a closed content model",
            r#"{"type":"object","properties":{"id":{"type":"integer"},"retired":false},"additionalProperties":false}"#,
            r#"{"type":"object","properties":{"id":{"type":"integer"}},"additionalProperties":false}"#,
            &["PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL #/properties/retired"],
            true,
        ),
        rule(
            "property added that the partially open model already allowed",
            r#"{"type":"object","properties":{"id":{"type":"integer"}},"additionalProperties":{"type":"string"}}"#,
            r#"{"type":"object","properties":{"id":{"type":"integer"},"room":{"type":"string"}},"additionalProperties":{"type":"string"}}"#,
            // Any model that is not fully open also reports the optional property as added
            // to an unopen content model (compatible).
            &[
                "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/properties/room",
                "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/room",
            ],
            true,
        ),
        rule(
            "property added that the partially open model did not allow",
            r#"{"type":"object","properties":{"id":{"type":"integer"}},"additionalProperties":{"type":"string"}}"#,
            r#"{"type":"object","properties":{"id":{"type":"integer"},"floor":{"type":"integer"}},"additionalProperties":{"type":"string"}}"#,
            // The new property is also compared with the `additionalProperties` schema.
            &[
                "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/properties/floor",
                "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/floor",
                "TYPE_CHANGED #/properties/floor",
            ],
            false,
        ),
        rule(
            "property removed that the partially open model still allows",
            r#"{"type":"object","properties":{"id":{"type":"integer"},"room":{"type":"string"}},"additionalProperties":{"type":"string"}}"#,
            r#"{"type":"object","properties":{"id":{"type":"integer"}},"additionalProperties":{"type":"string"}}"#,
            &["PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/properties/room"],
            true,
        ),
        rule(
            "property removed that the partially open model does not allow",
            r#"{"type":"object","properties":{"id":{"type":"integer"},"floor":{"type":"integer"}},"additionalProperties":{"type":"string"}}"#,
            r#"{"type":"object","properties":{"id":{"type":"integer"}},"additionalProperties":{"type":"string"}}"#,
            &[
                "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/properties/floor",
                "TYPE_CHANGED #/properties/floor",
            ],
            false,
        ),
        rule(
            "property added that a pattern property already allowed",
            r#"{"type":"object","properties":{"id":{"type":"integer"}},"patternProperties":{"^tag_":{"type":"string"}},"additionalProperties":false}"#,
            r#"{"type":"object","properties":{"id":{"type":"integer"},"tag_zone":{"type":"string"}},"patternProperties":{"^tag_":{"type":"string"}},"additionalProperties":false}"#,
            &[
                "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/properties/tag_zone",
                "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/tag_zone",
            ],
            true,
        ),
        rule(
            "additionalProperties false made true",
            r#"{"type":"object","additionalProperties":false}"#,
            r#"{"type":"object","additionalProperties":true}"#,
            &["ADDITIONAL_PROPERTIES_ADDED #/additionalProperties"],
            true,
        ),
        rule(
            "additionalProperties true made false",
            r#"{"type":"object","additionalProperties":true}"#,
            r#"{"type":"object","additionalProperties":false}"#,
            &["ADDITIONAL_PROPERTIES_REMOVED #/additionalProperties"],
            false,
        ),
        rule(
            "additionalProperties narrowed to one type",
            r#"{"type":"object"}"#,
            r#"{"type":"object","additionalProperties":{"type":"number"}}"#,
            &["ADDITIONAL_PROPERTIES_NARROWED #/additionalProperties"],
            false,
        ),
        rule(
            "additionalProperties extended to anything",
            r#"{"type":"object","additionalProperties":{"type":"number"}}"#,
            r#"{"type":"object"}"#,
            &["ADDITIONAL_PROPERTIES_EXTENDED #/additionalProperties"],
            true,
        ),
        rule(
            "additionalProperties schema changed",
            r#"{"type":"object","additionalProperties":{"type":"number"}}"#,
            r#"{"type":"object","additionalProperties":{"type":"boolean"}}"#,
            &["TYPE_CHANGED #/additionalProperties"],
            false,
        ),
    ]);
}

#[test]
fn required_and_property_counts() {
    let optional =
        r#"{"type":"object","properties":{"id":{"type":"integer"},"room":{"type":"string"}}}"#;
    let required = r#"{"type":"object","properties":{"id":{"type":"integer"},"room":{"type":"string"}},"required":["room"]}"#;
    check(&[
        rule(
            "existing property made required",
            optional,
            required,
            &["REQUIRED_ATTRIBUTE_ADDED #/required/room"],
            false,
        ),
        rule(
            "property no longer required",
            required,
            optional,
            &["REQUIRED_ATTRIBUTE_REMOVED #/required/room"],
            true,
        ),
        rule(
            "property with a default made required",
            r#"{"type":"object","properties":{"room":{"type":"string","default":"lobby"}}}"#,
            r#"{"type":"object","properties":{"room":{"type":"string","default":"lobby"}},"required":["room"]}"#,
            &["REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED #/required/room"],
            true,
        ),
        rule(
            "maxProperties added",
            r#"{"type":"object"}"#,
            r#"{"type":"object","maxProperties":4}"#,
            &["MAX_PROPERTIES_ADDED #/maxProperties"],
            false,
        ),
        rule(
            "maxProperties removed",
            r#"{"type":"object","maxProperties":4}"#,
            r#"{"type":"object"}"#,
            &["MAX_PROPERTIES_REMOVED #/maxProperties"],
            true,
        ),
        rule(
            "maxProperties raised",
            r#"{"type":"object","maxProperties":4}"#,
            r#"{"type":"object","maxProperties":6}"#,
            &["MAX_PROPERTIES_INCREASED #/maxProperties"],
            true,
        ),
        rule(
            "maxProperties lowered",
            r#"{"type":"object","maxProperties":6}"#,
            r#"{"type":"object","maxProperties":4}"#,
            &["MAX_PROPERTIES_DECREASED #/maxProperties"],
            false,
        ),
        rule(
            "minProperties added",
            r#"{"type":"object"}"#,
            r#"{"type":"object","minProperties":2}"#,
            &["MIN_PROPERTIES_ADDED #/minProperties"],
            false,
        ),
        rule(
            "minProperties removed",
            r#"{"type":"object","minProperties":2}"#,
            r#"{"type":"object"}"#,
            &["MIN_PROPERTIES_REMOVED #/minProperties"],
            true,
        ),
        rule(
            "minProperties raised",
            r#"{"type":"object","minProperties":1}"#,
            r#"{"type":"object","minProperties":3}"#,
            &["MIN_PROPERTIES_INCREASED #/minProperties"],
            false,
        ),
        rule(
            "minProperties lowered",
            r#"{"type":"object","minProperties":3}"#,
            r#"{"type":"object","minProperties":1}"#,
            &["MIN_PROPERTIES_DECREASED #/minProperties"],
            true,
        ),
    ]);
}

#[test]
fn dependencies() {
    check(&[
        rule(
            "property dependency added",
            r#"{"type":"object","properties":{"card":{"type":"string"},"expiry":{"type":"string"}}}"#,
            r#"{"type":"object","properties":{"card":{"type":"string"},"expiry":{"type":"string"}},"dependencies":{"card":["expiry"]}}"#,
            &["DEPENDENCY_ARRAY_ADDED #/dependencies/card"],
            false,
        ),
        rule(
            "property dependency removed",
            r#"{"type":"object","properties":{"card":{"type":"string"},"expiry":{"type":"string"}},"dependencies":{"card":["expiry"]}}"#,
            r#"{"type":"object","properties":{"card":{"type":"string"},"expiry":{"type":"string"}}}"#,
            &["DEPENDENCY_ARRAY_REMOVED #/dependencies/card"],
            true,
        ),
        rule(
            "schema dependency added",
            r#"{"type":"object","properties":{"card":{"type":"string"}}}"#,
            r#"{"type":"object","properties":{"card":{"type":"string"}},"dependencies":{"card":{"required":["holder"]}}}"#,
            &["DEPENDENCY_SCHEMA_ADDED #/dependencies/card"],
            false,
        ),
        rule(
            "schema dependency removed",
            r#"{"type":"object","properties":{"card":{"type":"string"}},"dependencies":{"card":{"required":["holder"]}}}"#,
            r#"{"type":"object","properties":{"card":{"type":"string"}}}"#,
            &["DEPENDENCY_SCHEMA_REMOVED #/dependencies/card"],
            true,
        ),
        rule(
            "2020-12 dependentRequired added",
            r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{"card":{"type":"string"},"expiry":{"type":"string"}}}"#,
            r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{"card":{"type":"string"},"expiry":{"type":"string"}},"dependentRequired":{"card":["expiry"]}}"#,
            &["DEPENDENCY_ARRAY_ADDED #/dependencies/card"],
            false,
        ),
        rule(
            "2020-12 dependentSchemas removed",
            r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","dependentSchemas":{"card":{"required":["holder"]}}}"#,
            r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object"}"#,
            &["DEPENDENCY_SCHEMA_REMOVED #/dependencies/card"],
            true,
        ),
    ]);
}
