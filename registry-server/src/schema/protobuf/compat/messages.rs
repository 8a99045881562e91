//! Confluent's Protobuf difference types, which of them are compatible, and the message each
//! renders to in a 409 list.

/// Declares the difference types with their Confluent spelling.
macro_rules! diff_kinds {
    ($($name:ident),* $(,)?) => {
        /// A kind of difference between two Protobuf schemas, named exactly as Confluent
        /// names it.
        #[allow(non_camel_case_types)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum DiffKind {
            $($name),*
        }

        impl DiffKind {
            /// Every difference type.
            pub const ALL: &'static [DiffKind] = &[$(DiffKind::$name),*];

            /// Confluent's name for the type, e.g. `FIELD_KIND_CHANGED`.
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self {
                    $(DiffKind::$name => stringify!($name)),*
                }
            }
        }
    };
}

diff_kinds!(
    PACKAGE_CHANGED,
    MESSAGE_ADDED,
    MESSAGE_REMOVED,
    MESSAGE_MOVED,
    ENUM_ADDED,
    ENUM_REMOVED,
    ENUM_CONST_ADDED,
    ENUM_CONST_CHANGED,
    ENUM_CONST_REMOVED,
    FIELD_ADDED,
    FIELD_REMOVED,
    FIELD_NAME_CHANGED,
    FIELD_KIND_CHANGED,
    FIELD_SCALAR_KIND_CHANGED,
    FIELD_NAMED_TYPE_CHANGED,
    FIELD_NUMERIC_LABEL_CHANGED,
    FIELD_STRING_OR_BYTES_LABEL_CHANGED,
    REQUIRED_FIELD_ADDED,
    REQUIRED_FIELD_REMOVED,
    ONEOF_ADDED,
    ONEOF_REMOVED,
    ONEOF_FIELD_ADDED,
    ONEOF_FIELD_REMOVED,
    MULTIPLE_FIELDS_MOVED_TO_ONEOF,
    FIELD_MOVED_TO_EXISTING_ONEOF,
);

impl DiffKind {
    /// Whether a difference of this kind keeps the schemas compatible (Confluent's
    /// `COMPATIBLE_CHANGES` of the released versions).
    #[must_use]
    pub fn is_compatible(self) -> bool {
        use DiffKind as D;
        matches!(
            self,
            D::MESSAGE_ADDED
                | D::MESSAGE_MOVED
                | D::ENUM_ADDED
                | D::ENUM_REMOVED
                | D::ENUM_CONST_ADDED
                | D::ENUM_CONST_CHANGED
                | D::ENUM_CONST_REMOVED
                | D::FIELD_ADDED
                | D::FIELD_REMOVED
                | D::FIELD_NAME_CHANGED
                | D::FIELD_STRING_OR_BYTES_LABEL_CHANGED
                | D::ONEOF_ADDED
                | D::ONEOF_REMOVED
                | D::ONEOF_FIELD_ADDED
        )
    }
}

/// Confluent's description of a difference at `path`, still holding its two `%s`: the first
/// names the update (reader) side, the second the original (writer) side. Compatible kinds
/// have an empty description.
#[must_use]
pub fn description(kind: DiffKind, path: &str) -> String {
    use DiffKind as D;
    match kind {
        D::PACKAGE_CHANGED => format!(
            "The package at '{path}' in the %s schema does not match the package in the %s schema"
        ),
        D::MESSAGE_REMOVED => {
            format!("The %s schema is missing a MESSAGE type at path '{path}' in the %s schema")
        }
        D::FIELD_KIND_CHANGED => format!(
            "The type of a field at path '{path}' in the %s schema does not match the %s schema"
        ),
        D::FIELD_SCALAR_KIND_CHANGED => format!(
            "The kind of a SCALAR field at path '{path}' in the %s schema does not match its \
             kind in the %s schema"
        ),
        D::FIELD_NAMED_TYPE_CHANGED => format!(
            "The type of a MESSAGE field at path '{path}' in the %s schema does not match its \
             type in the %s schema"
        ),
        D::FIELD_NUMERIC_LABEL_CHANGED => format!(
            "The label for a NUMERIC field at path '{path}' in the %s schema does not match its \
             label in the %s schema"
        ),
        D::REQUIRED_FIELD_ADDED => format!(
            "A required field  at path '{path}' in the %s schema is missing in the %s schema"
        ),
        D::REQUIRED_FIELD_REMOVED => {
            format!("The %s schema is missing a required field at path: '{path}' in the %s schema")
        }
        D::ONEOF_FIELD_REMOVED => {
            format!("The %s schema is missing a oneof field at path '{path}' in the %s schema")
        }
        D::MULTIPLE_FIELDS_MOVED_TO_ONEOF => format!(
            "Multiple fields in the oneof at path '{path}' in the %s schema are outside a oneof \
             in the %s schema"
        ),
        D::FIELD_MOVED_TO_EXISTING_ONEOF => format!(
            "A field in the oneof at path '{path}' in the %s schema is outside an existing oneof \
             in the %s schema"
        ),
        _ => String::new(),
    }
}

/// The message Confluent lists for one difference: `{errorType:"<TYPE>",
/// description:"<text>"}`, the first `%s` filled with `reader`, the second with `writer`.
#[must_use]
pub fn render(kind: DiffKind, path: &str, reader: &str, writer: &str) -> String {
    let text = description(kind, path);
    let mut labels = [reader, writer].into_iter();
    let mut filled = String::with_capacity(text.len() + reader.len() + writer.len());
    let mut rest = text.as_str();
    while let Some((before, after)) = rest.split_once("%s") {
        filled.push_str(before);
        filled.push_str(labels.next().unwrap_or("%s"));
        rest = after;
    }
    filled.push_str(rest);
    format!(
        "{{errorType:\"{}\", description:\"{filled}\"}}",
        kind.as_str()
    )
}

#[cfg(test)]
mod tests {
    use super::{DiffKind, render};

    #[test]
    fn every_incompatible_kind_has_a_description_with_two_labels() {
        for kind in DiffKind::ALL {
            let text = super::description(*kind, "#/M/1");
            if kind.is_compatible() {
                assert_eq!(text, "", "{kind:?}");
            } else {
                assert_eq!(text.matches("%s").count(), 2, "{kind:?}");
                assert!(text.contains("'#/M/1'"), "{kind:?}");
            }
        }
    }

    #[test]
    fn compatible_kinds_render_an_empty_description() {
        assert_eq!(
            render(DiffKind::FIELD_ADDED, "#/M/2", "new", "old"),
            "{errorType:\"FIELD_ADDED\", description:\"\"}"
        );
    }
}
