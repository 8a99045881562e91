//! Protobuf: `.proto` text or a serialized `FileDescriptorProto` read into one file model
//! (`ast`), Confluent's canonical and normalized text, the serialized form, and the
//! compatibility rules.
//!
//! A schema is one file. Its imports resolve to the referenced schemas (a reference's
//! `name` is the import path) and, for paths no reference names, to the built-in files
//! (`google/protobuf/*`, `google/type/*`, `confluent/*`). An import that resolves nowhere is
//! accepted until one of its types is used, as Confluent does.

mod aggregate;
pub mod ast;
pub mod builtins;
pub mod compat;
mod confluent_meta;
mod decode;
mod default_value;
mod descriptor_options;
pub mod from_descriptor;
mod identity;
mod norm_options;
pub mod normalize;
#[cfg(test)]
mod normalize_tests;
pub mod print;
#[cfg(test)]
mod print_tests;
#[cfg(test)]
mod print_text_tests;
pub mod resolve;
pub mod serialized_meta;
pub mod strip;
pub mod text;
pub mod to_descriptor;
mod validate;

#[cfg(test)]
mod tests_from_descriptor;
#[cfg(test)]
mod tests_meta;
#[cfg(test)]
pub(crate) mod tests_support;
#[cfg(test)]
mod tests_text_descriptor;
#[cfg(test)]
mod tests_to_descriptor;

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, OnceLock};

use super::format::SchemaFormat;
use super::limits::{CheckAborted, SchemaLimits};
use super::{Dependency, Incompatibility, Labels, ParseOptions, SchemaError};
use ast::ProtoFile;

/// A parsed Protobuf schema: its file, the files its imports resolve to, and its text.
#[derive(Debug, Clone)]
pub struct ProtobufSchema {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    file: ProtoFile,
    symbols: resolve::Symbols,
    /// Every file the imports reach, by import path (what a message decode links).
    imported: Vec<(String, Arc<ProtoFile>)>,
    /// The import paths that resolved to a file (a reference or a built-in).
    resolved_imports: HashSet<String>,
    canonical: String,
    /// Computed on first use: only registration and lookup ask, never a stored schema's
    /// parse for a check or a `format` rendering.
    identity: OnceLock<String>,
}

impl ProtobufSchema {
    /// Parses `text` (`.proto` text, or a base64 serialized `FileDescriptorProto`) with
    /// `dependencies` (the referenced files, by import path). `options.validate` refuses a
    /// type name that resolves nowhere; `options.normalize` stores Confluent's normalized
    /// text.
    ///
    /// # Errors
    /// 42201 `Invalid schema of type PROTOBUF, details: ...` when the text is neither form,
    /// a dependency cannot be read, or (validating) a type cannot be resolved.
    pub fn parse_limited(
        text: &str,
        dependencies: &[Dependency],
        options: ParseOptions,
        limits: &SchemaLimits,
    ) -> Result<Self, SchemaError> {
        let file = read_file(text, limits.max_depth)?;
        let imported = imported_files(&file, dependencies, limits.max_depth)?;
        let symbols = resolve::Symbols::new(&file, &imported);
        let resolved_imports = imported.iter().map(|(path, _)| path.clone()).collect();
        if options.validate
            && let Some(name) = symbols.unresolved().into_iter().next()
        {
            return Err(SchemaError::new(format!(
                "Invalid schema of type PROTOBUF, details: Could not resolve type: {name}"
            )));
        }
        let resolver = |scope: &str, written: &str| symbols.resolve(scope, written);
        let canonical = if options.normalize {
            normalize::normalized(&file, &resolver)
        } else {
            print::canonical(&file)
        };
        Ok(ProtobufSchema {
            inner: Arc::new(Inner {
                file,
                symbols,
                imported,
                resolved_imports,
                canonical,
                identity: OnceLock::new(),
            }),
        })
    }

    /// The text stored, hashed and returned.
    #[must_use]
    pub fn canonical(&self) -> &str {
        &self.inner.canonical
    }

    /// The text whose digest identifies the schema: the same for the `.proto` text and the
    /// serialized descriptor of one schema (see `identity`).
    #[must_use]
    pub fn identity(&self) -> &str {
        let inner = &*self.inner;
        inner.identity.get_or_init(|| {
            identity::identity_text(&inner.file, &|scope, written| {
                inner.symbols.resolve(scope, written)
            })
        })
    }

    /// The parsed file.
    #[must_use]
    pub fn file(&self) -> &ProtoFile {
        &self.inner.file
    }

    /// This schema in `format` (`serialized`, `ignore_extensions`); `None` for the others.
    ///
    /// # Errors
    /// 42201 when a type the file uses resolves nowhere, so no descriptor can be built.
    pub fn formatted(&self, format: SchemaFormat) -> Result<Option<String>, SchemaError> {
        match format {
            SchemaFormat::Serialized => {
                // Imports no reference or built-in resolves are left out, as Confluent
                // does: a descriptor naming a file nobody has cannot be loaded.
                let mut file = self.inner.file.clone();
                file.imports
                    .retain(|import| self.inner.resolved_imports.contains(&import.path));
                let symbols = &self.inner.symbols;
                let descriptor = to_descriptor::to_descriptor(&file, &|scope, written| {
                    symbols.resolve(scope, written)
                })?;
                Ok(Some(serialized_meta::serialized_with_meta(
                    &file,
                    &descriptor,
                )))
            }
            SchemaFormat::IgnoreExtensions => Ok(Some(print::canonical(
                &strip::without_extensions(&self.inner.file),
            ))),
            SchemaFormat::Stored | SchemaFormat::Resolved => Ok(None),
        }
    }
}

/// Reads `.proto` text or, when that fails, a base64 `FileDescriptorProto`; when both fail
/// the text parser's reason is the one reported (as Confluent does).
fn read_file(text: &str, max_depth: usize) -> Result<ProtoFile, SchemaError> {
    let file = match text::parse(text, max_depth) {
        Ok(file) => file,
        Err(text_error) => {
            from_descriptor::parse_base64(text.trim(), max_depth).map_err(|_| text_error)?
        }
    };
    validate::check(&file, max_depth)?;
    Ok(file)
}

/// Every file `file` imports, transitively: a dependency of that name, else a built-in;
/// paths neither names are left out (their types stay unresolved).
fn imported_files(
    file: &ProtoFile,
    dependencies: &[Dependency],
    max_depth: usize,
) -> Result<Vec<(String, Arc<ProtoFile>)>, SchemaError> {
    let by_name: HashMap<&str, &str> = dependencies
        .iter()
        .map(|d| (d.name.as_str(), d.schema.as_str()))
        .collect();
    let mut out = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut queue: VecDeque<String> = file.imports.iter().map(|i| i.path.clone()).collect();
    while let Some(path) = queue.pop_front() {
        if !seen.insert(path.clone()) {
            continue;
        }
        let imported = match by_name.get(path.as_str()) {
            Some(text) => Arc::new(read_file(text, max_depth).map_err(|e| {
                SchemaError::new(format!(
                    "Invalid schema of type PROTOBUF, details: reference {path}: {}",
                    e.message
                ))
            })?),
            None => match builtins::builtin_file(&path) {
                Some(builtin) => builtin,
                None => continue,
            },
        };
        queue.extend(imported.imports.iter().map(|i| i.path.clone()));
        out.push((path, imported));
    }
    Ok(out)
}

/// Every incompatibility met when `reader` reads data written with `writer`.
///
/// # Errors
/// [`CheckAborted`] past the step budget or the nesting limit.
pub fn try_incompatibilities(
    reader: &ProtobufSchema,
    writer: &ProtobufSchema,
    labels: Labels<'_>,
    limits: &SchemaLimits,
) -> Result<Vec<Incompatibility>, CheckAborted> {
    compat::try_incompatibilities(
        (&reader.inner.file, &reader.inner.symbols),
        (&writer.inner.file, &writer.inner.symbols),
        labels,
        limits,
    )
}
