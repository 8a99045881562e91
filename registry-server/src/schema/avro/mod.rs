//! Avro: parsing with references, Confluent's canonical string, and compatibility.
//!
//! Parsing follows Avro Java's `Schema.Parser` as Confluent configures it (`parse`, with
//! `names` and `defaults` validation) into a name-resolved graph (`model`); the stored string is Java's `Schema.toString()`
//! (`canonical`), optionally after Confluent's normalization (`normalize`); the checker
//! (`compatibility`) gives the verdicts Avro Java's `SchemaCompatibility` gives, and its
//! findings are rendered as Confluent's `Difference` strings (`messages`).

mod canonical;
mod compatibility;
mod decode;
mod defaults;
mod json;
mod messages;
mod model;
mod names;
mod normalize;
mod parse;

use std::collections::HashSet;
use std::sync::Arc;

use super::limits::{CheckAborted, SchemaLimits};
use super::{Dependency, Incompatibility, Labels, ParseOptions, SchemaError};
use model::{Graph, NodeId};
use names::NameCheck;
use parse::Parser;

/// A parsed Avro schema: its graph (references included), its root and its strings.
#[derive(Debug, Clone)]
pub struct AvroSchema {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    graph: Graph,
    root: NodeId,
    canonical: String,
    resolved: String,
}

impl AvroSchema {
    /// Parses `text` after the `dependencies` (referenced schemas, in dependency order) so
    /// their named types resolve; `options.validate` with `options.normalize` applies the
    /// strict new-schema checks (ASCII names and namespaces, defaults matching their types),
    /// `options.normalize` also Confluent's normalization.
    ///
    /// # Errors
    /// [`SchemaError`] with Confluent's 42201 text (`Invalid schema of type AVRO, details:
    /// ...`) when the text or a dependency is not a valid Avro schema.
    pub fn parse(
        text: &str,
        dependencies: &[Dependency],
        options: ParseOptions,
    ) -> Result<Self, SchemaError> {
        Self::parse_limited(text, dependencies, options, &SchemaLimits::default())
    }

    /// [`AvroSchema::parse`] under explicit `limits` (nesting depth of the written schema).
    ///
    /// # Errors
    /// As [`AvroSchema::parse`], and `... details: nesting deeper than N levels` past
    /// `limits.max_depth`.
    pub fn parse_limited(
        text: &str,
        dependencies: &[Dependency],
        options: ParseOptions,
        limits: &SchemaLimits,
    ) -> Result<Self, SchemaError> {
        let max_depth = limits.max_depth;
        let mut graph = Graph::default();
        let mut known = HashSet::new();
        let root = {
            // Confluent 7.9 validates a new schema's defaults (and, here, its names strictly)
            // only when asked to normalize; otherwise names are checked as Avro 1.11 checks
            // them (simple names only, Unicode letters allowed), so schemas that live in
            // Confluent today register here too.
            let strict = options.validate && options.normalize;
            let mut parser = Parser::new(&mut graph, strict);
            parser.set_max_depth(max_depth);
            parser.set_name_check(if strict {
                NameCheck::Strict
            } else if options.validate {
                NameCheck::Utf
            } else {
                NameCheck::Off
            });
            let mut dep_roots = Vec::with_capacity(dependencies.len());
            for dependency in dependencies {
                // Confluent reports a broken reference with Avro's bare message.
                let id = parser
                    .parse_document(&dependency.schema)
                    .map_err(|e| invalid(&e))?;
                dep_roots.push(id);
            }
            if !options.validate {
                // Confluent keeps name checks for stored schemas, on the main schema only.
                parser.set_name_check(NameCheck::Utf);
            }
            let root = parser.parse_document(text).map_err(|e| invalid(&e))?;
            for id in dep_roots {
                if let Some(named) = parser.graph().node(id).named() {
                    known.insert(named.name.full());
                }
            }
            root
        };
        if options.normalize {
            normalize::normalize(&mut graph);
        }
        let mut canonical = String::new();
        canonical::write(&graph, root, &mut known, &mut canonical, max_depth)
            .map_err(|e| invalid(&e))?;
        let mut resolved = String::new();
        canonical::write(&graph, root, &mut HashSet::new(), &mut resolved, max_depth)
            .map_err(|e| invalid(&e))?;
        Ok(AvroSchema {
            inner: Arc::new(Inner {
                graph,
                root,
                canonical,
                resolved,
            }),
        })
    }

    /// The string Confluent stores: Java's `Schema.toString()`, referenced types by name.
    #[must_use]
    pub fn canonical(&self) -> &str {
        &self.inner.canonical
    }

    /// The schema with referenced types inlined (`format=resolved`).
    #[must_use]
    pub fn resolved(&self) -> &str {
        &self.inner.resolved
    }

    /// One binary datum of this schema as JSON for display (see [`decode`]).
    ///
    /// # Errors
    /// [`DecodeError`](crate::schema::decode::DecodeError) saying where the bytes stop
    /// making sense.
    pub fn decode_datum(
        &self,
        bytes: &[u8],
    ) -> Result<serde_json::Value, crate::schema::decode::DecodeError> {
        decode::decode(
            &self.inner.graph,
            self.inner.root,
            bytes,
            super::limits::DEFAULT_MAX_DEPTH,
        )
    }

    /// The full name of a record schema (Confluent's `AvroSchema.name()`), else `None`.
    #[must_use]
    pub fn full_name(&self) -> Option<String> {
        match self.inner.graph.node(self.inner.root) {
            model::Node::Record { named, .. } => Some(named.name.full()),
            _ => None,
        }
    }
}

fn invalid(details: &str) -> SchemaError {
    SchemaError::new(format!("Invalid schema of type AVRO, details: {details}"))
}

/// Every incompatibility met when `reader` reads data written with `writer`, each rendered as
/// Confluent lists it, with `labels` in place of the reader/writer placeholders.
///
/// Runs under the default [`SchemaLimits`]; a check past them lists one incompatibility
/// saying so ([`try_incompatibilities`] returns the error itself).
#[must_use]
pub fn incompatibilities(
    reader: &AvroSchema,
    writer: &AvroSchema,
    labels: Labels<'_>,
) -> Vec<Incompatibility> {
    try_incompatibilities(reader, writer, labels, &SchemaLimits::default())
        .unwrap_or_else(|aborted| vec![super::aborted_incompatibility(&aborted)])
}

/// [`incompatibilities`] under `limits`.
///
/// # Errors
/// [`CheckAborted`] when the check exceeds the step budget, the time limit or the nesting
/// limit (an exception Avro Java itself would throw is still listed as Confluent lists it).
pub fn try_incompatibilities(
    reader: &AvroSchema,
    writer: &AvroSchema,
    labels: Labels<'_>,
    limits: &SchemaLimits,
) -> Result<Vec<Incompatibility>, CheckAborted> {
    let (r, w) = (&reader.inner, &writer.inner);
    match compatibility::check(&r.graph, r.root, &w.graph, w.root, limits) {
        Ok(found) => Ok(found
            .iter()
            .map(|f| messages::difference(f, labels))
            .collect()),
        Err(compatibility::Aborted::Exception(message)) => Ok(vec![messages::aborted(&message)]),
        Err(compatibility::Aborted::Limit(aborted)) => Err(aborted),
    }
}
