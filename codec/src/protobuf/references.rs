//! The serializer's own schema: its message's file as a base64 descriptor whose imports are
//! registered (or looked up) first, depth-first, each under the subject its import path names.

use std::collections::{HashMap, HashSet};

use prost_reflect::FileDescriptor;

use super::descriptors::{encode_file_bytes, is_built_in};
use crate::client::RegistryClient;
use crate::config::{SchemaSelection, SerializerConfig};
use crate::error::{Error, Result};
use crate::schema::{Schema, SchemaReference};

/// `file` as the registry takes it, without references. Encoded from the pool's own bytes,
/// which keep extension options such as `(confluent.field_meta).tags` (data-contract rules select
/// fields by them); a file without such options encodes as its `FileDescriptorProto` does.
pub(crate) fn bare_schema(file: &FileDescriptor) -> Schema {
    Schema::protobuf(encode_file_bytes(&file.encode_to_vec()))
}

/// `file` with a reference per non-built-in import, registering (auto-register) or looking up
/// (lookup-only) every imported file first.
pub(crate) async fn schema_with_references(
    client: &dyn RegistryClient,
    file: FileDescriptor,
    config: &SerializerConfig,
) -> Result<Schema> {
    let file = &file;
    let mut refs: HashMap<String, SchemaReference> = HashMap::new();
    for dep in imports_depth_first(file) {
        let schema = schema_of(&dep, &refs);
        let subject = config.reference_subjects.subject(dep.name());
        let version = register_or_lookup(client, config, &subject, &schema).await?;
        refs.insert(
            dep.name().to_owned(),
            SchemaReference {
                name: dep.name().to_owned(),
                subject,
                version,
            },
        );
    }
    Ok(schema_of(file, &refs))
}

fn schema_of(file: &FileDescriptor, refs: &HashMap<String, SchemaReference>) -> Schema {
    let mut s = bare_schema(file);
    s.references = file
        .file_descriptor_proto()
        .dependency
        .iter()
        .filter_map(|d| refs.get(d).cloned())
        .collect();
    s
}

async fn register_or_lookup(
    client: &dyn RegistryClient,
    config: &SerializerConfig,
    subject: &str,
    schema: &Schema,
) -> Result<i32> {
    let found = match config.selection {
        SchemaSelection::AutoRegister => {
            let r = client.register(subject, schema, config.normalize).await?;
            if let Some(v) = r.version {
                return Ok(v);
            }
            // a registry answers a registration with the id only: ask for the version
            client.lookup(subject, schema, config.normalize).await?
        }
        _ => client.lookup(subject, schema, config.normalize).await?,
    };
    found.version.ok_or_else(|| {
        Error::Config(format!(
            "the registry returned no version for reference subject {subject}"
        ))
    })
}

/// Every file `root` imports, transitively, dependencies before dependents, each once, without
/// built-ins and without `root` itself.
fn imports_depth_first(root: &FileDescriptor) -> Vec<FileDescriptor> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    // explicit stack: (file, next import to visit); a linked pool has no import cycles and
    // finitely many files, and `seen` visits each once
    let mut stack = vec![(root.clone(), 0usize)];
    while let Some((file, i)) = stack.pop() {
        let next = file.dependencies().nth(i);
        match next {
            Some(dep) => {
                stack.push((file, i + 1));
                if !is_built_in(dep.name()) && seen.insert(dep.name().to_owned()) {
                    stack.push((dep, 0));
                }
            }
            None if !stack.is_empty() => out.push(file),
            None => {} // the root
        }
    }
    out
}
