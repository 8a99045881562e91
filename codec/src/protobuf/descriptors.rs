//! Writer descriptors from the registry: fetch a schema and its references as serialized
//! `FileDescriptorProto`s (`format=serialized`), link them into one `DescriptorPool`, and index
//! the file's messages by their message-index path.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::Arc;

use base64::Engine;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use prost::Message;
use prost::encoding::DecodeContext;
use prost_reflect::{DescriptorPool, FileDescriptor, MessageDescriptor, UnknownField};
use prost_types::FileDescriptorProto;

use super::field_meta::{self, InlineTags};
use super::indexes::MessageIndexes;
use crate::client::{MAX_REFERENCE_DEPTH, RegistryClient};
use crate::error::{Error, Result};
use crate::hot::FnvHasher;
use crate::schema::{RegisteredSchema, SchemaReference, SchemaType};

/// The `format` that makes the registry answer with a base64 `FileDescriptorProto`.
pub const SERIALIZED_FORMAT: &str = "serialized";

/// Import paths the registry resolves without a reference; clients neither register nor fetch them
/// (the prefixes Confluent's Go, Python and .NET clients skip).
pub const BUILT_IN_PREFIXES: [&str; 3] = ["google/protobuf/", "google/type/", "confluent/"];

/// Most files one writer schema may pull in through references.
const MAX_FILES: usize = 1024;
/// Deepest import chain followed while linking.
const MAX_IMPORT_DEPTH: usize = 64;

/// Padded standard base64 out (what the registry sends), padding optional in.
const B64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// True for imports under [`BUILT_IN_PREFIXES`].
pub fn is_built_in(import_path: &str) -> bool {
    BUILT_IN_PREFIXES.iter().any(|p| import_path.starts_with(p))
}

/// A file descriptor as the registry takes and serves it: base64 of its protobuf encoding.
pub fn encode_file(file: &FileDescriptorProto) -> String {
    encode_file_bytes(&file.encode_to_vec())
}

/// An encoded `FileDescriptorProto` as the registry takes it (base64).
pub(crate) fn encode_file_bytes(bytes: &[u8]) -> String {
    B64.encode(bytes)
}

/// Decodes a base64 `FileDescriptorProto` (the `serialized` form).
pub fn decode_file(text: &str) -> std::result::Result<FileDescriptorProto, String> {
    let bytes = B64
        .decode(text.trim())
        .map_err(|e| format!("not a base64 serialized descriptor ({e})"))?;
    FileDescriptorProto::decode(bytes.as_slice())
        .map_err(|e| format!("not a serialized FileDescriptorProto ({e})"))
}

/// How the registry serves a stored base64 descriptor with `format=serialized`: file name
/// `default`, every other field (extension options included) as stored. `None` when `text` is
/// not a base64 descriptor (the mock registry's helper).
pub(crate) fn served_form(text: &str) -> Option<String> {
    decode_file(text).ok()?;
    let bytes = B64.decode(text.trim()).ok()?;
    let mut rest = bytes.as_slice();
    let mut out = Vec::with_capacity(bytes.len() + 16);
    prost::encoding::string::encode(1, &"default".to_owned(), &mut out);
    while !rest.is_empty() {
        let field = UnknownField::decode(&mut rest, DecodeContext::default()).ok()?;
        if field.number() != 1 {
            field.encode(&mut out);
        }
    }
    Some(B64.encode(out))
}

/// A writer schema's file, linked with everything it imports.
pub(crate) struct WriterFile {
    messages: HashMap<MessageIndexes, MessageDescriptor, BuildHasherDefault<FnvHasher>>,
    /// inline field tags of the file and its references (linking drops extension options)
    pub(crate) tags: Arc<InlineTags>,
}

impl WriterFile {
    /// Indexes every message declared in `file` (nested ones too) by its path.
    pub(crate) fn new(file: FileDescriptor, tags: InlineTags) -> Self {
        let messages = file
            .parent_pool()
            .all_messages()
            .filter(|m| m.parent_file() == file)
            .map(|m| (MessageIndexes::of(&m), m))
            .collect();
        Self {
            messages,
            tags: Arc::new(tags),
        }
    }

    /// The message at `indexes`, if the file declares one there.
    #[inline]
    pub(crate) fn message_at(&self, indexes: &[i32]) -> Option<&MessageDescriptor> {
        self.messages.get(indexes)
    }

    /// The path of the message called `full_name` (no leading dot).
    pub(crate) fn indexes_of(&self, full_name: &str) -> Option<&MessageIndexes> {
        self.messages
            .iter()
            .find(|(_, m)| m.full_name() == full_name)
            .map(|(ix, _)| ix)
    }
}

/// Builds the writer file of `root` (a `format=serialized` answer): fetches its references
/// (recursively, each import path once), then links root and references into a fresh pool.
///
/// Imports with no reference come from `bases` (the caller's pools, then the global pool with the
/// `google/protobuf` files). An import found nowhere (e.g. `google/type/*` or `confluent/*`, which
/// the registry has built in) is dropped, and linking fails, naming it, only if a type from it is
/// used, which is also when Confluent would reject the schema.
pub(crate) async fn load(
    client: &dyn RegistryClient,
    root: &RegisteredSchema,
    what: &str,
    bases: &[DescriptorPool],
) -> Result<WriterFile> {
    if root.schema.schema_type != SchemaType::Protobuf {
        return Err(Error::Schema(format!(
            "{what} is a {:?} schema, not PROTOBUF",
            root.schema.schema_type
        )));
    }
    let mut root_file = decode_file(&root.schema.schema).map_err(|e| {
        Error::Schema(format!(
            "{what}: {e}; this client reads Protobuf schemas with format=serialized"
        ))
    })?;
    let mut tags = InlineTags::new();
    field_meta::collect_base64(&root.schema.schema, &mut tags);
    let fetched = fetch_references(client, &root.schema.references, &mut tags).await?;
    if root_file.name().is_empty() || fetched.contains_key(root_file.name()) {
        root_file.name = Some(format!("{what}.proto"));
    }
    let root_name = root_file.name().to_owned();
    let mut linker = Linker {
        pool: DescriptorPool::new(),
        fetched,
        bases,
        missing: Vec::new(),
    };
    linker.add(root_file, 0).map_err(|e| {
        let hint = if linker.missing.is_empty() {
            String::new()
        } else {
            format!(
                "; imports with no reference that this client does not carry: {} (the registry \
                 builds google/type/* and confluent/* in; give their descriptors to the \
                 deserializer with with_base_pool)",
                linker.missing.join(", ")
            )
        };
        Error::Schema(format!("{what}: cannot link descriptors: {e}{hint}"))
    })?;
    let file = linker
        .pool
        .get_file_by_name(&root_name)
        .ok_or_else(|| Error::Schema(format!("{what}: file {root_name} missing after linking")))?;
    Ok(WriterFile::new(file, tags))
}

/// Fetches every referenced file (depth-first, each import path once), named by its import path;
/// adds their inline field tags to `tags`.
async fn fetch_references(
    client: &dyn RegistryClient,
    refs: &[SchemaReference],
    tags: &mut InlineTags,
) -> Result<HashMap<String, FileDescriptorProto>> {
    let mut out = HashMap::new();
    let mut stack: Vec<(Vec<SchemaReference>, usize)> = vec![(refs.to_vec(), 0)];
    while let Some((refs, i)) = stack.pop() {
        let Some(r) = refs.get(i).cloned() else {
            continue;
        };
        stack.push((refs, i + 1));
        if out.contains_key(&r.name) {
            continue;
        }
        if stack.len() > MAX_REFERENCE_DEPTH || out.len() >= MAX_FILES {
            return Err(Error::Schema(format!(
                "references nest deeper than {MAX_REFERENCE_DEPTH} levels or exceed {MAX_FILES} files at {}",
                r.name
            )));
        }
        let dep = client
            .version_formatted(&r.subject, r.version, SERIALIZED_FORMAT)
            .await?;
        let mut file = decode_file(&dep.schema.schema).map_err(|e| {
            Error::Schema(format!(
                "reference {} (subject {}, version {}): {e}",
                r.name, r.subject, r.version
            ))
        })?;
        field_meta::collect_base64(&dep.schema.schema, tags);
        // the registry names every served file `default`: imports match the reference name
        file.name = Some(r.name.clone());
        out.insert(r.name.clone(), file);
        stack.push((dep.schema.references.clone(), 0));
    }
    Ok(out)
}

struct Linker<'a> {
    pool: DescriptorPool,
    fetched: HashMap<String, FileDescriptorProto>,
    bases: &'a [DescriptorPool],
    missing: Vec<String>,
}

impl Linker<'_> {
    /// Adds `file` after its imports; imports found nowhere are dropped from it.
    fn add(
        &mut self,
        mut file: FileDescriptorProto,
        depth: usize,
    ) -> std::result::Result<(), String> {
        if depth > MAX_IMPORT_DEPTH {
            return Err(format!(
                "imports nest deeper than {MAX_IMPORT_DEPTH} at {}",
                file.name()
            ));
        }
        let mut keep = Vec::with_capacity(file.dependency.len());
        for dep in &file.dependency {
            if self.pool.get_file_by_name(dep).is_some() {
                keep.push(true);
            } else if let Some(f) = self.fetched.remove(dep) {
                self.add(f, depth + 1)?;
                keep.push(true);
            } else if let Some(f) = self.bases.iter().find_map(|p| p.get_file_by_name(dep)) {
                self.add(f.file_descriptor_proto().clone(), depth + 1)?;
                keep.push(true);
            } else {
                self.missing.push(dep.clone());
                keep.push(false);
            }
        }
        drop_imports(&mut file, &keep);
        let name = file.name().to_owned();
        self.pool
            .add_file_descriptor_proto(file)
            .map_err(|e| format!("{name}: {e}"))
    }
}

/// Removes the imports whose `keep` flag is false, renumbering public and weak import indexes.
fn drop_imports(file: &mut FileDescriptorProto, keep: &[bool]) {
    if keep.iter().all(|k| *k) {
        return;
    }
    let mut new_index = Vec::with_capacity(keep.len());
    let mut next = 0i32;
    for k in keep {
        new_index.push(k.then_some(next));
        next += i32::from(*k);
    }
    let remap = |v: &mut Vec<i32>| {
        *v = v
            .iter()
            .filter_map(|i| {
                usize::try_from(*i)
                    .ok()
                    .and_then(|i| new_index.get(i).copied().flatten())
            })
            .collect();
    };
    remap(&mut file.public_dependency);
    remap(&mut file.weak_dependency);
    let mut flags = keep.iter();
    file.dependency
        .retain(|_| flags.next().copied().unwrap_or(true));
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn built_in_prefixes() {
        assert!(is_built_in("google/protobuf/timestamp.proto"));
        assert!(is_built_in("google/type/date.proto"));
        assert!(is_built_in("confluent/meta.proto"));
        assert!(!is_built_in("google/api/annotations.proto"));
        assert!(!is_built_in("shop/order.proto"));
    }

    #[test]
    fn base64_round_trip_and_served_name() {
        let f = FileDescriptorProto {
            name: Some("shop/order.proto".into()),
            package: Some("shop".into()),
            ..Default::default()
        };
        let text = encode_file(&f);
        assert_eq!(decode_file(&text).unwrap(), f);
        // unpadded input is accepted too
        assert_eq!(decode_file(text.trim_end_matches('=')).unwrap(), f);
        let served = decode_file(&served_form(&text).unwrap()).unwrap();
        assert_eq!(served.name(), "default");
        assert!(decode_file("syntax = \"proto3\";").is_err());
        assert!(served_form("message A {}").is_none());
    }

    #[test]
    fn dropping_imports_renumbers_public_and_weak() {
        let mut f = FileDescriptorProto {
            dependency: vec!["a".into(), "b".into(), "c".into()],
            public_dependency: vec![0, 2],
            weak_dependency: vec![1],
            ..Default::default()
        };
        drop_imports(&mut f, &[true, false, true]);
        assert_eq!(f.dependency, ["a", "c"]);
        assert_eq!(f.public_dependency, [0, 1]);
        assert!(f.weak_dependency.is_empty());
    }
}
