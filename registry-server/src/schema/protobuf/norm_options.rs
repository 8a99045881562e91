//! Normalizing options the way Confluent's `normalize=true` does: custom option names
//! resolved (`(x).y = 1` becomes `(full.x) = { y: 1 }`), options sorted by name, repeats of
//! a non-repeated custom option merged into one, aggregate keys sorted, empty lists dropped,
//! one-element lists unwrapped, numbers in canonical decimal form.
//!
//! Custom option names resolve against the `extend` fields of the file itself and the
//! Confluent meta options (`confluent.field_meta` …, always known to Confluent); an
//! extension declared in another file is not known here, so its name stays as written and
//! its repeats are not merged.

use std::collections::HashMap;

use super::ast::{
    AggregateEntry, AggregateValue, Label, Message, NameResolver, NamedKind, OptionEntry,
    OptionValue,
};
use super::print::{group_repeated_keys, option_sort_key};

/// What merging needs to know of a message type an option value fills in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Container {
    /// A message of this file (fully qualified name without a leading dot).
    Local(String),
    /// `confluent.Meta`.
    Meta,
    Unknown,
}

/// An extension field a custom option may name.
#[derive(Debug, Clone)]
pub(crate) struct Extension {
    pub repeated: bool,
    pub container: Container,
}

/// How one key of an option value merges.
enum Slot {
    /// Singular; the container when it is a message (merged key by key).
    Singular(Option<Container>),
    /// Repeated, or not known: values gather into a list.
    Gather,
}

/// The extensions and message types option normalization looks up.
pub(crate) struct OptionContext<'r, 'a> {
    pub resolve: &'r NameResolver<'a>,
    /// Extension fields by full name (no leading dot).
    pub extensions: HashMap<String, Extension>,
    /// Messages of this file by full name (no leading dot).
    pub messages: HashMap<String, &'r Message>,
    pub max_depth: usize,
}

const META_EXTENSIONS: [&str; 5] = [
    "confluent.file_meta",
    "confluent.message_meta",
    "confluent.field_meta",
    "confluent.enum_meta",
    "confluent.enum_value_meta",
];

impl OptionContext<'_, '_> {
    /// Adds the Confluent meta options every schema can use.
    pub(crate) fn add_meta_extensions(&mut self) {
        for name in META_EXTENSIONS {
            self.extensions.entry(name.to_owned()).or_insert(Extension {
                repeated: false,
                container: Container::Meta,
            });
        }
    }

    /// Resolves an extension name from `scope` as Confluent does: the name with a leading
    /// dot as is, else under each enclosing prefix of `scope`, innermost first, then alone.
    fn resolve_extension(&self, scope: &str, name: &str) -> Option<(String, &Extension)> {
        if let Some(full) = name.strip_prefix('.') {
            return self.extensions.get(full).map(|e| (full.to_owned(), e));
        }
        let mut prefix = scope;
        while !prefix.is_empty() {
            let candidate = format!("{prefix}.{name}");
            if let Some(extension) = self.extensions.get(&candidate) {
                return Some((candidate, extension));
            }
            prefix = prefix.rsplit_once('.').map_or("", |(outer, _)| outer);
        }
        self.extensions.get(name).map(|e| (name.to_owned(), e))
    }

    /// The normalized form of one element's options, `scope` being the fully qualified
    /// name the element's options resolve from.
    pub(crate) fn normalize(&self, options: &[OptionEntry], scope: &str) -> Vec<OptionEntry> {
        // (sort key, extension when resolved, entry)
        let mut keyed: Vec<(String, Option<&Extension>, OptionEntry)> = options
            .iter()
            .map(|option| {
                let value = grouped(&option.value, 0, self.max_depth);
                if option.is_custom() {
                    let inner = option_sort_key(&option.name);
                    if let Some((full, extension)) = self.resolve_extension(scope, inner) {
                        let entry = OptionEntry {
                            name: format!("({full})"),
                            value: as_aggregate(&option.name, value),
                        };
                        return (full, Some(extension), entry);
                    }
                }
                let key = option_sort_key(&option.name).to_owned();
                let entry = OptionEntry {
                    name: option.name.clone(),
                    value,
                };
                (key, None, entry)
            })
            .collect();
        keyed.sort_by(|a, b| a.0.cmp(&b.0));

        let mut merged: Vec<OptionEntry> = Vec::with_capacity(keyed.len());
        let mut previous: Option<(String, bool)> = None;
        for (key, extension, entry) in keyed {
            let mergeable = extension.is_some_and(|e| !e.repeated);
            let same_as_previous = previous
                .as_ref()
                .is_some_and(|(k, m)| *k == key && *m && mergeable);
            match (same_as_previous, merged.last_mut(), extension) {
                (true, Some(last), Some(extension)) => {
                    let existing = std::mem::replace(
                        &mut last.value,
                        OptionValue::Int {
                            negative: false,
                            magnitude: 0,
                        },
                    );
                    last.value =
                        self.merge_option(&extension.container, existing, entry.value, scope);
                }
                _ => merged.push(entry),
            }
            previous = Some((key, mergeable));
        }
        merged
            .into_iter()
            .map(|entry| OptionEntry {
                name: entry.name,
                value: self.finish(entry.value, scope, 0),
            })
            .collect()
    }

    fn merge_option(
        &self,
        container: &Container,
        existing: OptionValue,
        replacement: OptionValue,
        scope: &str,
    ) -> OptionValue {
        match (existing, replacement) {
            (OptionValue::Aggregate(old), OptionValue::Aggregate(new)) => {
                OptionValue::Aggregate(self.merge_entries(container, old, new, scope, 0))
            }
            (_, replacement) => replacement,
        }
    }

    fn merge_entries(
        &self,
        container: &Container,
        mut merged: Vec<AggregateEntry>,
        replacement: Vec<AggregateEntry>,
        scope: &str,
        depth: usize,
    ) -> Vec<AggregateEntry> {
        for entry in replacement {
            let Some(existing) = merged.iter_mut().find(|e| e.key == entry.key) else {
                merged.push(entry);
                continue;
            };
            let old = std::mem::replace(&mut existing.value, AggregateValue::List(vec![]));
            existing.value = match (self.slot(container, &entry.key, scope), old, entry.value) {
                (
                    Slot::Singular(Some(inner)),
                    AggregateValue::Scalar(OptionValue::Aggregate(a)),
                    AggregateValue::Scalar(OptionValue::Aggregate(b)),
                ) if depth < self.max_depth => AggregateValue::Scalar(OptionValue::Aggregate(
                    self.merge_entries(&inner, a, b, scope, depth + 1),
                )),
                (Slot::Singular(_), _, new) => new,
                (Slot::Gather, old, new) => gather(old, new),
            };
        }
        merged
    }

    /// How `key` of a `container` value merges.
    fn slot(&self, container: &Container, key: &str, scope: &str) -> Slot {
        match container {
            Container::Meta => match key {
                "doc" | "params" => Slot::Singular(None),
                _ => Slot::Gather,
            },
            Container::Unknown => Slot::Gather,
            Container::Local(name) => {
                let Some(message) = self.messages.get(name) else {
                    return Slot::Gather;
                };
                let field = message
                    .fields
                    .iter()
                    .chain(message.oneofs.iter().flat_map(|o| o.fields.iter()))
                    .find(|f| f.name == key);
                match field {
                    None => Slot::Gather,
                    Some(f) if f.label == Some(Label::Repeated) => Slot::Gather,
                    Some(f) => Slot::Singular(self.message_type(&f.field_type, scope)),
                }
            }
        }
    }

    /// The local message a field type names, resolved from `scope` (where the option is).
    fn message_type(&self, field_type: &super::ast::FieldType, scope: &str) -> Option<Container> {
        let super::ast::FieldType::Named(name) = field_type else {
            return None;
        };
        let resolved = (self.resolve)(scope, name)?;
        if resolved.kind != NamedKind::Message {
            return None;
        }
        let full = resolved.full_name.trim_start_matches('.');
        Some(if self.messages.contains_key(full) {
            Container::Local(full.to_owned())
        } else {
            Container::Unknown
        })
    }

    /// The printed-form normalization of a value: aggregate keys resolved and sorted, empty
    /// lists dropped, one-element lists unwrapped, numbers canonical.
    fn finish(&self, value: OptionValue, scope: &str, depth: usize) -> OptionValue {
        match value {
            OptionValue::Aggregate(entries) if depth < self.max_depth => {
                let mut out: Vec<AggregateEntry> = Vec::with_capacity(entries.len());
                for entry in entries {
                    if matches!(&entry.value, AggregateValue::List(items) if items.is_empty()) {
                        continue;
                    }
                    let key = self.resolve_key(entry.key, scope);
                    if out.iter().any(|e| e.key == key) {
                        continue;
                    }
                    let value = self.finish_item(entry.value, scope, depth + 1);
                    out.push(AggregateEntry { key, value });
                }
                out.sort_by(|a, b| a.key.cmp(&b.key));
                OptionValue::Aggregate(out)
            }
            other => canonical_number(other),
        }
    }

    fn finish_item(&self, value: AggregateValue, scope: &str, depth: usize) -> AggregateValue {
        match value {
            AggregateValue::Scalar(v) => AggregateValue::Scalar(self.finish(v, scope, depth)),
            AggregateValue::List(mut items) if items.len() == 1 => match items.pop() {
                Some(only) => self.finish_item(only, scope, depth),
                None => AggregateValue::List(items),
            },
            AggregateValue::List(items) if depth < self.max_depth => AggregateValue::List(
                items
                    .into_iter()
                    .map(|item| self.finish_item(item, scope, depth + 1))
                    .collect(),
            ),
            list @ AggregateValue::List(_) => list,
        }
    }

    /// `[ext.name]` keys resolved like option names; other keys unchanged.
    fn resolve_key(&self, key: String, scope: &str) -> String {
        let Some(inner) = key.strip_prefix('[').and_then(|k| k.strip_suffix(']')) else {
            return key;
        };
        match self.resolve_extension(scope, inner) {
            Some((full, _)) => format!("[{full}]"),
            None => key,
        }
    }
}

/// Gathers two values of a repeated (or unknown) key into one list without duplicates.
fn gather(old: AggregateValue, new: AggregateValue) -> AggregateValue {
    let mut items: Vec<AggregateValue> = Vec::new();
    for value in [old, new] {
        let values = match value {
            AggregateValue::List(list) => list,
            single @ AggregateValue::Scalar(_) => vec![single],
        };
        for v in values {
            if !items.contains(&v) {
                items.push(v);
            }
        }
    }
    AggregateValue::List(items)
}

/// `(x).a.b = v` as the aggregate `{ a.b: v }` (the part after the parentheses is one key);
/// an option without such a part keeps its value.
fn as_aggregate(name: &str, value: OptionValue) -> OptionValue {
    let sub = name
        .strip_prefix('(')
        .and_then(|rest| rest.split_once(')'))
        .and_then(|(_, after)| after.strip_prefix('.'))
        .filter(|sub| !sub.is_empty());
    match sub {
        Some(sub) => OptionValue::Aggregate(vec![AggregateEntry {
            key: sub.to_owned(),
            value: AggregateValue::Scalar(value),
        }]),
        None => value,
    }
}

/// Repeated keys gathered into lists at every level (how Confluent's reader holds them).
fn grouped(value: &OptionValue, depth: usize, max_depth: usize) -> OptionValue {
    match value {
        OptionValue::Aggregate(entries) if depth < max_depth => OptionValue::Aggregate(
            group_repeated_keys(entries)
                .into_iter()
                .map(|entry| AggregateEntry {
                    key: entry.key,
                    value: grouped_item(entry.value, depth + 1, max_depth),
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

fn grouped_item(value: AggregateValue, depth: usize, max_depth: usize) -> AggregateValue {
    match value {
        AggregateValue::Scalar(v) => AggregateValue::Scalar(grouped(&v, depth, max_depth)),
        AggregateValue::List(items) if depth < max_depth => AggregateValue::List(
            items
                .into_iter()
                .map(|item| grouped_item(item, depth + 1, max_depth))
                .collect(),
        ),
        list @ AggregateValue::List(_) => list,
    }
}

/// Numbers as Confluent's normalizer prints them: integers plainly (no `-0`), floats with
/// at most three decimals, rounded half to even (Java's default `DecimalFormat`).
pub(crate) fn canonical_number(value: OptionValue) -> OptionValue {
    match value {
        OptionValue::Int {
            negative: true,
            magnitude: 0,
        } => OptionValue::Int {
            negative: false,
            magnitude: 0,
        },
        OptionValue::Float(x) if x.is_finite() => {
            // `{:.3}` rounds the exact binary value, ties to even, like Java does.
            let rounded = format!("{x:.3}").parse::<f64>().unwrap_or(x);
            OptionValue::Float(rounded)
        }
        other => other,
    }
}
