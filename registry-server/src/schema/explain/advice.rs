//! What an incompatibility means and how to fix it, in plain words, per engine and kind.
//!
//! Every kind an engine can report has a sentence; kinds without a specific one get a
//! generic sentence built from the kind's name, so no incompatibility goes unexplained.

use super::Direction;
use super::outline::Member;

/// What an explanation is built from.
pub struct Facts<'a> {
    /// Confluent's difference type.
    pub kind: &'a str,
    pub direction: Direction,
    /// The element as the old and the new schema declare it (`None`: absent on that side).
    pub old: Option<&'a Member>,
    pub new: Option<&'a Member>,
    /// Avro's `additionalInfo` (missing symbols, the union branch lacking, the expected name).
    pub info: Option<&'a str>,
}

impl Facts<'_> {
    /// The member named, preferring the new side.
    fn member(&self) -> Option<&Member> {
        self.new.or(self.old)
    }

    /// `field `Payment.currency``, or `the schema` at the root.
    fn what(&self) -> String {
        match self.member() {
            Some(m) if !m.name.is_empty() => format!("{} `{}`", m.element.word(), m.name),
            _ => "the schema".to_owned(),
        }
    }

    fn leaf(&self) -> String {
        self.member()
            .map_or_else(|| "it".to_owned(), |m| m.leaf.clone())
    }

    /// The old type as people read it, when the old side has the element.
    fn old_type(&self) -> Option<&str> {
        self.old.map(|m| m.ty.as_str())
    }

    /// `: `a` → `b`` when both sides have the element: the types when they differ, else
    /// the whole descriptions when those do.
    fn change(&self) -> String {
        match (self.old, self.new) {
            (Some(o), Some(n)) if o.ty != n.ty => format!(": `{}` → `{}`", o.ty, n.ty),
            (Some(o), Some(n)) if o.describe() != n.describe() => {
                format!(": `{}` → `{}`", o.describe(), n.describe())
            }
            _ => String::new(),
        }
    }

    /// The side whose consumers fail: `consumers on the new schema`.
    fn readers(&self) -> &'static str {
        match self.direction {
            Direction::Backward => "consumers on the new schema",
            Direction::Forward => "consumers still on the old schema",
        }
    }

    /// The data they fail on: `data written with the old schema`.
    fn data(&self) -> &'static str {
        match self.direction {
            Direction::Backward => "data written with the old schema",
            Direction::Forward => "data written with the new schema",
        }
    }
}

/// `a` or `an` before a type name as it is read aloud.
fn article(word: &str) -> &'static str {
    match word.chars().next().map(|c| c.to_ascii_lowercase()) {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}

/// The summary sentence and the suggested fix.
#[must_use]
pub fn advise(facts: &Facts<'_>) -> (String, String) {
    avro(facts)
        .or_else(|| protobuf(facts))
        .or_else(|| json(facts))
        .unwrap_or_else(|| generic(facts))
}

fn avro(f: &Facts<'_>) -> Option<(String, String)> {
    let (what, leaf, readers, data) = (f.what(), f.leaf(), f.readers(), f.data());
    Some(match f.kind {
        "READER_FIELD_MISSING_DEFAULT_VALUE" => match f.direction {
            Direction::Backward => (
                format!(
                    "{what} was added without a default, so {readers} find no value for it in {data}"
                ),
                format!("give `{leaf}` a default"),
            ),
            Direction::Forward => (
                format!(
                    "{what} was removed, and the old schema gives it no default, so {readers} find no value for it in {data}"
                ),
                format!(
                    "keep `{leaf}` in the new schema (or first give it a default in a version consumers have)"
                ),
            ),
        },
        "TYPE_MISMATCH" => (
            format!(
                "{what} changed type{}, which {readers} cannot read in {data}",
                f.change()
            ),
            match f.old_type() {
                Some(old) => {
                    format!(
                        "keep `{leaf}` {} `{old}` (or add a new field for the new type)",
                        article(old)
                    )
                }
                None => format!("keep the old type of `{leaf}`"),
            },
        ),
        "MISSING_UNION_BRANCH" => {
            let lacking = f.info.and_then(|i| i.rsplit(": ").next()).map_or_else(
                || "a type".to_owned(),
                |t| format!("`{}`", t.to_ascii_lowercase()),
            );
            match f.direction {
                Direction::Backward => (
                    format!("the union of {what} no longer has {lacking}, which {data} may hold"),
                    format!("keep {lacking} in the union of `{leaf}`"),
                ),
                Direction::Forward => (
                    format!("the union of {what} gained {lacking}, which {readers} do not know"),
                    format!(
                        "do not add {lacking} to the union of `{leaf}` while consumers use the old schema"
                    ),
                ),
            }
        }
        "MISSING_ENUM_SYMBOLS" => {
            let symbols = f.info.unwrap_or("some symbols");
            match f.direction {
                Direction::Backward => (
                    format!("{what} lost the enum symbols {symbols}, which {data} may hold"),
                    format!("keep the symbols {symbols} in `{leaf}`, or give the enum a `default`"),
                ),
                Direction::Forward => (
                    format!(
                        "{what} gained the enum symbols {symbols}, which {readers} do not know"
                    ),
                    format!(
                        "give the enum of `{leaf}` a `default` in a version consumers have before adding {symbols}"
                    ),
                ),
            }
        }
        "NAME_MISMATCH" => {
            let expected = f
                .info
                .and_then(|i| i.strip_prefix("expected: "))
                .unwrap_or("the old name");
            (
                format!("{what} was renamed, so {readers} do not recognise the type of {data}"),
                format!("keep the name `{expected}`, or list `{expected}` in `aliases`"),
            )
        }
        "FIXED_SIZE_MISMATCH" => (
            format!("the size of the fixed type of {what} changed{}", f.change()),
            format!("keep the size of `{leaf}`; add a new field for the new size"),
        ),
        _ => return None,
    })
}

fn protobuf(f: &Facts<'_>) -> Option<(String, String)> {
    let (what, leaf, readers, data) = (f.what(), f.leaf(), f.readers(), f.data());
    Some(match f.kind {
        "PACKAGE_CHANGED" => (
            format!(
                "the package changed{}, so message names no longer match",
                f.change()
            ),
            match f.old_type() {
                Some(old) => format!("keep the package `{old}`"),
                None => "keep the old package".to_owned(),
            },
        ),
        "MESSAGE_REMOVED" => (
            format!("{what} was removed, but {data} still uses it"),
            format!("keep message `{leaf}` (deprecate it instead of removing it)"),
        ),
        "FIELD_KIND_CHANGED"
        | "FIELD_SCALAR_KIND_CHANGED"
        | "FIELD_NAMED_TYPE_CHANGED"
        | "FIELD_NUMERIC_LABEL_CHANGED" => (
            format!(
                "{what} changed type{}, so {readers} misread it in {data}",
                f.change()
            ),
            match f.old_type() {
                Some(old) => {
                    format!(
                        "keep `{leaf}` {} `{old}` (use a new field number for the new type)",
                        article(old)
                    )
                }
                None => format!("keep the old type of `{leaf}`"),
            },
        ),
        "REQUIRED_FIELD_ADDED" => (
            format!("{what} was added as required, but {data} lacks it"),
            format!("make `{leaf}` optional"),
        ),
        "REQUIRED_FIELD_REMOVED" => (
            format!("required {what} was removed, but {readers} still require it"),
            format!("keep the required field `{leaf}`"),
        ),
        "ONEOF_FIELD_REMOVED" => match f.direction {
            Direction::Backward => (
                format!("{what} was removed from its oneof, but {data} may set it"),
                format!("keep `{leaf}` in its oneof"),
            ),
            Direction::Forward => (
                format!("{what} joined a oneof in the new schema that {readers} know without it"),
                format!("leave `{leaf}` out of the oneof; add a new field there instead"),
            ),
        },
        "MULTIPLE_FIELDS_MOVED_TO_ONEOF" | "FIELD_MOVED_TO_EXISTING_ONEOF" => (
            format!(
                "{what} took in fields that were outside it, so {readers} keep only one of the values that {data} sets together"
            ),
            "keep those fields outside the oneof; put only new fields in it".to_owned(),
        ),
        _ => return None,
    })
}

/// The JSON Schema keyword a Confluent kind prefix names: `MAX_LENGTH` → `maxLength`.
fn keyword(prefix: &str) -> String {
    match prefix {
        "ENUM_ARRAY" => return "enum".to_owned(),
        "DEPENDENCY_ARRAY" | "DEPENDENCY_SCHEMA" => return "dependencies".to_owned(),
        "SCHEMA" => return "schema".to_owned(),
        _ => {}
    }
    let mut out = String::new();
    for (i, word) in prefix.split('_').enumerate() {
        let lower = word.to_ascii_lowercase();
        if i == 0 {
            out.push_str(&lower);
        } else {
            let mut chars = lower.chars();
            if let Some(first) = chars.next() {
                out.push(first.to_ascii_uppercase());
                out.push_str(chars.as_str());
            }
        }
    }
    out
}

fn json(f: &Facts<'_>) -> Option<(String, String)> {
    let (what, leaf, readers, data) = (f.what(), f.leaf(), f.readers(), f.data());
    if f.kind.contains("PROPERTY") && f.kind.contains("CONTENT_MODEL") {
        let added = f.kind.contains("_ADDED");
        let required = f.kind.starts_with("REQUIRED_");
        return Some(if added && required {
            (
                format!("{what} was added as required, but {data} lacks it"),
                format!("leave `{leaf}` out of `required`, or give it a `default`"),
            )
        } else if added {
            (
                format!(
                    "{what} was added, but the old schema allowed other properties, so {data} may hold `{leaf}` with any value"
                ),
                format!(
                    "give `{leaf}` a schema that accepts any value, or close the old schema (`additionalProperties: false`) first"
                ),
            )
        } else {
            (
                format!("{what} was removed, so {readers} refuse {data} that still carries it"),
                format!("keep `{leaf}` (mark it deprecated instead of removing it)"),
            )
        });
    }
    Some(match f.kind {
        "TYPE_CHANGED" | "TYPE_NARROWED" => (
            format!(
                "{what} changed type{}, so {readers} refuse values in {data}",
                f.change()
            ),
            match f.old_type() {
                Some(old) => format!("keep `{leaf}` {} `{old}`", article(old)),
                None => format!("keep the old type of `{leaf}`"),
            },
        ),
        "REQUIRED_ATTRIBUTE_ADDED" => (
            format!("{what} became required, but {data} may lack it"),
            format!("leave `{leaf}` optional, or give it a `default`"),
        ),
        "SCHEMA_REMOVED" | "SCHEMA_ADDED" => (
            format!(
                "the schema of {what} was {}",
                if f.kind == "SCHEMA_ADDED" {
                    "added"
                } else {
                    "removed"
                }
            ),
            format!("keep the schema of `{leaf}` as it was"),
        ),
        _ => {
            let (prefix, change) = f.kind.rsplit_once('_')?;
            let word = keyword(prefix);
            let old = f.old.and_then(|m| m.facet(&word));
            let keep = old.map_or_else(
                || format!("keep `{word}` of `{leaf}` as it was"),
                |v| format!("keep `{word}` of `{leaf}` at {v}"),
            );
            match change {
                "ADDED" => (
                    format!("`{word}` was added to {what}, so {readers} may refuse {data}"),
                    format!("do not add `{word}` to `{leaf}`"),
                ),
                "REMOVED" => (
                    format!("`{word}` was removed from {what}, so {readers} may refuse {data}"),
                    format!(
                        "keep `{word}` on `{leaf}`{}",
                        old.map(|v| format!(" ({v})")).unwrap_or_default()
                    ),
                ),
                "INCREASED" | "DECREASED" | "NARROWED" | "EXTENDED" | "EXPANDED" | "REDUCED"
                | "CHANGED" => (
                    format!(
                        "`{word}` of {what} {}{}, so {readers} may refuse {data}",
                        change.to_ascii_lowercase(),
                        match (old, f.new.and_then(|m| m.facet(&word))) {
                            (Some(o), Some(n)) => format!(": {o} → {n}"),
                            _ => String::new(),
                        }
                    ),
                    keep,
                ),
                _ => return None,
            }
        }
    })
}

fn generic(f: &Facts<'_>) -> (String, String) {
    let what = f.what();
    (
        format!(
            "{what}: {} so {} cannot read {}",
            f.kind.to_ascii_lowercase().replace('_', " "),
            f.readers(),
            f.data()
        ),
        format!("undo this change to {what}, or publish it under a new subject"),
    )
}

#[cfg(test)]
mod tests {
    use super::{article, keyword};

    #[test]
    fn articles_before_type_names() {
        assert_eq!(article("integer"), "an");
        assert_eq!(article("array<int>"), "an");
        assert_eq!(article("double"), "a");
    }

    #[test]
    fn keywords_from_kind_prefixes() {
        assert_eq!(keyword("MAX_LENGTH"), "maxLength");
        assert_eq!(keyword("EXCLUSIVE_MINIMUM"), "exclusiveMinimum");
        assert_eq!(keyword("ENUM_ARRAY"), "enum");
        assert_eq!(keyword("PATTERN"), "pattern");
    }
}
