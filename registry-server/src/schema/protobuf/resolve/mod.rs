//! The symbol table of one Protobuf file and every file it imports: each message and enum by
//! fully qualified name, and protobuf's scoping rules for a type name as written.
//!
//! Scoping follows protoc: a leading dot names a type absolutely; otherwise the first
//! component of the name is looked up from the innermost scope outwards, and once it matches
//! something that can contain names (a package, message, enum or service) the rest must
//! resolve inside that match, with no further search outwards.
//!
//! The table walks files with an explicit stack, so deep nesting costs heap, never stack.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::ast::{Enum, FieldType, Message, NamedKind, OptionValue, ProtoFile, ResolvedName};

#[cfg(test)]
mod tests;

/// The file a definition comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin<'a> {
    /// The schema itself.
    Root,
    /// An imported file, by its import path.
    Dependency(&'a str),
}

/// A message or enum body.
#[derive(Debug, Clone, Copy)]
pub enum Body<'a> {
    Message(&'a Message),
    Enum(&'a Enum),
}

/// A definition found by full name.
#[derive(Debug, Clone, Copy)]
pub struct Definition<'a> {
    /// Fully qualified, without a leading dot: `acme.v1.Order.Line`.
    pub full_name: &'a str,
    /// The package of the defining file (`""` for none).
    pub package: &'a str,
    pub origin: Origin<'a>,
    pub body: Body<'a>,
}

impl Definition<'_> {
    /// The name inside its package: `Order.Line` for `acme.v1.Order.Line`.
    #[must_use]
    pub fn local_name(&self) -> &str {
        if self.package.is_empty() {
            return self.full_name;
        }
        self.full_name
            .strip_prefix(self.package)
            .and_then(|rest| rest.strip_prefix('.'))
            .unwrap_or(self.full_name)
    }

    /// Whether this is a map-entry message (`option map_entry = true`, as descriptors
    /// spell a `map<K, V>` field's type).
    #[must_use]
    pub fn is_map_entry(&self) -> bool {
        matches!(self.body, Body::Message(message) if is_map_entry(message))
    }
}

/// Whether a message carries `option map_entry = true`.
#[must_use]
pub fn is_map_entry(message: &Message) -> bool {
    message.options.iter().any(|option| {
        option.name == "map_entry"
            && matches!(&option.value, OptionValue::Identifier(value) if value == "true")
    })
}

/// One step from a file (or a message) down to a nested definition.
#[derive(Debug, Clone, Copy)]
enum Step {
    Message(usize),
    Group(usize),
    Enum(usize),
}

#[derive(Debug)]
struct TypeEntry {
    file: usize,
    steps: Vec<Step>,
    kind: NamedKind,
}

#[derive(Debug)]
struct FileEntry {
    /// `None` for the root.
    import_path: Option<String>,
    package: String,
    file: Arc<ProtoFile>,
}

/// Every message and enum of a file and its dependencies, by fully qualified name.
#[derive(Debug)]
pub struct Symbols {
    /// The root first, then the dependencies in the order given.
    files: Vec<FileEntry>,
    /// Full name (no leading dot) → where the definition is. The first definition wins.
    types: HashMap<String, TypeEntry>,
    /// Every package and package prefix (`acme`, `acme.v1`) and every service: names that
    /// can start a compound type name without being types.
    containers: HashSet<String>,
}

/// A message being walked while the table is built.
struct Pending<'a> {
    full_name: String,
    steps: Vec<Step>,
    message: &'a Message,
}

impl Symbols {
    /// Indexes `root` and `dependencies` (every transitively imported file, built-ins
    /// included, each with its import path).
    #[must_use]
    pub fn new(root: &ProtoFile, dependencies: &[(String, Arc<ProtoFile>)]) -> Symbols {
        let mut files = vec![FileEntry {
            import_path: None,
            package: root.package.clone().unwrap_or_default(),
            file: Arc::new(root.clone()),
        }];
        files.extend(dependencies.iter().map(|(path, file)| FileEntry {
            import_path: Some(path.clone()),
            package: file.package.clone().unwrap_or_default(),
            file: Arc::clone(file),
        }));
        let mut types = HashMap::new();
        let mut containers = HashSet::new();
        for (index, entry) in files.iter().enumerate() {
            index_file(index, entry, &mut types, &mut containers);
        }
        Symbols {
            files,
            types,
            containers,
        }
    }

    /// Resolves `written` (`Line`, `v1.Order`, `.acme.v1.Order`) from `scope`, the full name
    /// of the message whose body names it, or the package for file-level names (`""` for
    /// none). `None` when nothing matches.
    #[must_use]
    pub fn resolve(&self, scope: &str, written: &str) -> Option<ResolvedName> {
        if let Some(absolute) = written.strip_prefix('.') {
            return self.type_named(absolute);
        }
        if written.is_empty() || written.split('.').any(str::is_empty) {
            return None;
        }
        let (first, rest) = match written.split_once('.') {
            Some((first, rest)) => (first, Some(rest)),
            None => (written, None),
        };
        let mut scope = scope.strip_prefix('.').unwrap_or(scope);
        loop {
            let candidate = if scope.is_empty() {
                first.to_owned()
            } else {
                format!("{scope}.{first}")
            };
            match rest {
                None => {
                    if let Some(found) = self.type_named(&candidate) {
                        return Some(found);
                    }
                }
                Some(rest) => {
                    if self.types.contains_key(&candidate) || self.containers.contains(&candidate) {
                        return self.type_named(&format!("{candidate}.{rest}"));
                    }
                }
            }
            if scope.is_empty() {
                return None;
            }
            scope = scope.rsplit_once('.').map_or("", |(outer, _)| outer);
        }
    }

    /// Every type name the root file uses (field and map-value types, extendees, rpc input
    /// and output) that does not resolve, as written, in source order, each once.
    #[must_use]
    pub fn unresolved(&self) -> Vec<String> {
        let mut uses: Vec<(String, &str)> = Vec::new();
        let Some(root) = self.files.first() else {
            return Vec::new();
        };
        let file = root.file.as_ref();
        let package = root.package.as_str();
        for extend in &file.extends {
            uses.push((package.to_owned(), &extend.extendee));
            for field in &extend.fields {
                push_type_uses(&mut uses, package, &field.field_type);
            }
        }
        for service in &file.services {
            for rpc in &service.rpcs {
                uses.push((package.to_owned(), &rpc.input));
                uses.push((package.to_owned(), &rpc.output));
            }
        }
        let mut stack: Vec<(String, &Message)> = file
            .messages
            .iter()
            .rev()
            .map(|m| (qualify(package, &m.name), m))
            .collect();
        while let Some((scope, message)) = stack.pop() {
            let fields = message
                .fields
                .iter()
                .chain(message.oneofs.iter().flat_map(|o| o.fields.iter()));
            for field in fields {
                push_type_uses(&mut uses, &scope, &field.field_type);
            }
            for extend in &message.extends {
                uses.push((scope.clone(), &extend.extendee));
                for field in &extend.fields {
                    push_type_uses(&mut uses, &scope, &field.field_type);
                }
            }
            let nested = message
                .messages
                .iter()
                .map(|m| (m.name.as_str(), m))
                .chain(message.groups.iter().map(|g| (g.name.as_str(), &g.body)));
            let mut children: Vec<(String, &Message)> = nested
                .map(|(name, m)| (format!("{scope}.{name}"), m))
                .collect();
            children.reverse();
            stack.extend(children);
        }
        let mut seen = HashSet::new();
        uses.into_iter()
            .filter(|(scope, written)| self.resolve(scope, written).is_none())
            .filter_map(|(_, written)| seen.insert(written).then(|| written.to_owned()))
            .collect()
    }

    /// The definition with this full name (a leading dot is allowed).
    #[must_use]
    pub fn lookup(&self, full_name: &str) -> Option<Definition<'_>> {
        let name = full_name.strip_prefix('.').unwrap_or(full_name);
        let (full_name, entry) = self.types.get_key_value(name)?;
        let file = self.files.get(entry.file)?;
        let body = walk(&file.file, &entry.steps)?;
        Some(Definition {
            full_name,
            package: &file.package,
            origin: file
                .import_path
                .as_deref()
                .map_or(Origin::Root, Origin::Dependency),
            body,
        })
    }

    /// The root file's package (`""` for none).
    #[must_use]
    pub fn root_package(&self) -> &str {
        self.files.first().map_or("", |f| f.package.as_str())
    }

    fn type_named(&self, full_name: &str) -> Option<ResolvedName> {
        self.types.get(full_name).map(|entry| ResolvedName {
            full_name: format!(".{full_name}"),
            kind: entry.kind,
        })
    }
}

fn push_type_uses<'a>(uses: &mut Vec<(String, &'a str)>, scope: &str, field_type: &'a FieldType) {
    let mut current = field_type;
    // A map's value is never itself a map in valid input; the loop follows whatever is
    // there without recursion.
    loop {
        match current {
            FieldType::Scalar(_) => return,
            FieldType::Named(name) => {
                uses.push((scope.to_owned(), name));
                return;
            }
            FieldType::Map { value, .. } => current = value,
        }
    }
}

fn qualify(scope: &str, name: &str) -> String {
    if scope.is_empty() {
        name.to_owned()
    } else {
        format!("{scope}.{name}")
    }
}

fn index_file<'a>(
    index: usize,
    entry: &'a FileEntry,
    types: &mut HashMap<String, TypeEntry>,
    containers: &mut HashSet<String>,
) {
    let package = entry.package.as_str();
    let file = entry.file.as_ref();
    if !package.is_empty() {
        let mut prefix = String::new();
        for part in package.split('.') {
            if !prefix.is_empty() {
                prefix.push('.');
            }
            prefix.push_str(part);
            containers.insert(prefix.clone());
        }
    }
    for service in &file.services {
        containers.insert(qualify(package, &service.name));
    }
    let mut add = |full_name: String, steps: Vec<Step>, kind: NamedKind| {
        types.entry(full_name).or_insert(TypeEntry {
            file: index,
            steps,
            kind,
        });
    };
    for (i, e) in file.enums.iter().enumerate() {
        add(
            qualify(package, &e.name),
            vec![Step::Enum(i)],
            NamedKind::Enum,
        );
    }
    let mut stack: Vec<Pending<'a>> = file
        .messages
        .iter()
        .enumerate()
        .map(|(i, m)| Pending {
            full_name: qualify(package, &m.name),
            steps: vec![Step::Message(i)],
            message: m,
        })
        .collect();
    while let Some(pending) = stack.pop() {
        let Pending {
            full_name,
            steps,
            message,
        } = pending;
        for (i, e) in message.enums.iter().enumerate() {
            let mut inner = steps.clone();
            inner.push(Step::Enum(i));
            add(format!("{full_name}.{}", e.name), inner, NamedKind::Enum);
        }
        let nested = message
            .messages
            .iter()
            .enumerate()
            .map(|(i, m)| (Step::Message(i), m.name.as_str(), m))
            .chain(
                message
                    .groups
                    .iter()
                    .enumerate()
                    .map(|(i, g)| (Step::Group(i), g.name.as_str(), &g.body)),
            );
        for (step, name, body) in nested {
            let mut inner = steps.clone();
            inner.push(step);
            stack.push(Pending {
                full_name: format!("{full_name}.{name}"),
                steps: inner,
                message: body,
            });
        }
        add(full_name, steps, NamedKind::Message);
    }
}

/// Follows `steps` from the top of `file` to a definition.
fn walk<'a>(file: &'a ProtoFile, steps: &[Step]) -> Option<Body<'a>> {
    let (first, rest) = steps.split_first()?;
    let mut message = match *first {
        Step::Message(i) => file.messages.get(i)?,
        Step::Enum(i) => return rest.is_empty().then_some(Body::Enum(file.enums.get(i)?)),
        Step::Group(_) => return None,
    };
    for (at, step) in rest.iter().enumerate() {
        message = match *step {
            Step::Message(i) => message.messages.get(i)?,
            Step::Group(i) => &message.groups.get(i)?.body,
            Step::Enum(i) => {
                let last = at + 1 == rest.len();
                return last.then_some(Body::Enum(message.enums.get(i)?));
            }
        };
    }
    Some(Body::Message(message))
}
