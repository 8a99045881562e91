//! JSON Schema: parsing and validation, canonical string, and Confluent's compatibility diff.
//!
//! - [`validate`]: meta-schema check and offline `$ref` resolution (jsonschema crate).
//! - [`canonical`]: the stored text, compact or normalized.
//! - [`loader`] / [`model`] / [`refs`]: the typed tree the diff walks, built as Confluent's
//!   loader sees it, with `$ref`s followed offline.
//! - [`diff`]: our difference engine, with the verdicts and difference types of Confluent's
//!   `SchemaDiff` (one module per keyword group), and the message texts.

mod canonical;
pub mod diff;
mod loader;
mod model;
mod refs;
mod validate;

use std::sync::Arc;

use serde_json::Value;

pub use diff::{DiffType, Difference, Policy};

use super::limits::{CheckAborted, SchemaLimits};
use super::{Dependency, Incompatibility, Labels, ParseOptions, SchemaError};

/// A parsed JSON Schema: its canonical text and the model the diff compares.
#[derive(Debug, Clone)]
pub struct JsonSchema {
    canonical: String,
    model: Arc<model::Model>,
}

fn invalid(details: impl std::fmt::Display) -> SchemaError {
    SchemaError::new(format!("Invalid schema of type JSON, details: {details}"))
}

impl JsonSchema {
    /// Parses `text`, resolving `$ref`s whose value equals a dependency's `name`.
    ///
    /// With `options.validate` the schema must also satisfy its draft's meta-schema and every
    /// `$ref` must resolve offline; stored and imported schemas skip that check.
    ///
    /// # Errors
    /// [`SchemaError`] (42201, `Invalid schema of type JSON, details: ...`) when the text or a
    /// referenced schema is not JSON, the root is neither an object nor a boolean, or
    /// validation fails.
    pub fn parse(
        text: &str,
        dependencies: &[Dependency],
        options: ParseOptions,
    ) -> Result<Self, SchemaError> {
        Self::parse_limited(text, dependencies, options, &SchemaLimits::default())
    }

    /// [`JsonSchema::parse`] under explicit `limits` (nesting depth, `$ref` hops included).
    ///
    /// # Errors
    /// As [`JsonSchema::parse`], and `... details: $ref chain deeper than N levels` (or
    /// `nesting deeper than`) past `limits.max_depth`.
    pub fn parse_limited(
        text: &str,
        dependencies: &[Dependency],
        options: ParseOptions,
        limits: &SchemaLimits,
    ) -> Result<Self, SchemaError> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| invalid(format_args!("Invalid JSON: {e}")))?;
        if !value.is_object() && !value.is_boolean() {
            return Err(invalid(
                "Invalid JSON schema: expected an object or boolean at the root",
            ));
        }
        let named = dependencies
            .iter()
            .map(|d| {
                serde_json::from_str(&d.schema)
                    .map(|value| validate::NamedDocument {
                        name: d.name.clone(),
                        value,
                    })
                    .map_err(|e| {
                        invalid(format_args!("Invalid JSON in reference '{}': {e}", d.name))
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut documents = vec![loader::Document {
            name: None,
            value: &value,
        }];
        documents.extend(named.iter().map(|d| loader::Document {
            name: Some(d.name.as_str()),
            value: &d.value,
        }));
        // Loaded (depth-bounded) before the validator follows any `$ref` chain itself.
        let model = loader::load(&documents, limits.max_depth).map_err(invalid)?;
        if options.validate {
            validate::validate(&value, &named).map_err(invalid)?;
        }
        let canonical = if options.normalize {
            canonical::normalized(text, &value)
        } else {
            canonical::compact(text, &value)
        };
        Ok(JsonSchema {
            canonical,
            model: Arc::new(model),
        })
    }

    /// The text to store, hash and return (normalized when parsed with `normalize`).
    #[must_use]
    pub fn canonical(&self) -> &str {
        &self.canonical
    }
}

/// Every difference from `original` (old) to `update` (new), compatible ones included, in
/// Confluent's terms; `policy` matters because some rules ask whether a nested part is
/// compatible.
///
/// Runs under the default [`SchemaLimits`]; a comparison past them yields one incompatible
/// difference at the root so it never reads as compatible ([`try_differences`] returns the
/// error itself).
#[must_use]
pub fn differences(original: &JsonSchema, update: &JsonSchema, policy: Policy) -> Vec<Difference> {
    try_differences(original, update, policy, &SchemaLimits::default()).unwrap_or_else(|_| {
        vec![Difference {
            kind: DiffType::COMBINED_TYPE_SUBSCHEMAS_CHANGED,
            path: "#/".to_owned(),
        }]
    })
}

/// [`differences`] under `limits`.
///
/// # Errors
/// [`CheckAborted`] when the comparison exceeds the step budget, the combined-schema pair cap
/// or the nesting limit.
pub fn try_differences(
    original: &JsonSchema,
    update: &JsonSchema,
    policy: Policy,
    limits: &SchemaLimits,
) -> Result<Vec<Difference>, CheckAborted> {
    diff::compare(&original.model, &update.model, policy, limits)
}

/// The incompatibilities met when `reader` reads data written with `writer`, STRICT policy.
///
/// Backward checks pass (new, old); Confluent then compares original = old, update = new.
#[must_use]
pub fn incompatibilities(
    reader: &JsonSchema,
    writer: &JsonSchema,
    labels: Labels<'_>,
) -> Vec<Incompatibility> {
    incompatibilities_with_policy(reader, writer, labels, Policy::Strict)
}

/// [`incompatibilities`] under a chosen `compatibilityPolicy`.
#[must_use]
pub fn incompatibilities_with_policy(
    reader: &JsonSchema,
    writer: &JsonSchema,
    labels: Labels<'_>,
    policy: Policy,
) -> Vec<Incompatibility> {
    try_incompatibilities(reader, writer, labels, policy, &SchemaLimits::default())
        .unwrap_or_else(|aborted| vec![super::aborted_incompatibility(&aborted)])
}

/// [`incompatibilities_with_policy`] under `limits`.
///
/// # Errors
/// [`CheckAborted`] when the comparison exceeds `limits`.
pub fn try_incompatibilities(
    reader: &JsonSchema,
    writer: &JsonSchema,
    labels: Labels<'_>,
    policy: Policy,
    limits: &SchemaLimits,
) -> Result<Vec<Incompatibility>, CheckAborted> {
    Ok(try_differences(writer, reader, policy, limits)?
        .into_iter()
        .filter(|d| !policy.allows(d.kind))
        .map(|d| Incompatibility {
            kind: d.kind.as_str().to_owned(),
            message: d.message(labels.reader, labels.writer),
            path: d.path,
        })
        .collect())
}
