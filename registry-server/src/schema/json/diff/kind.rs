//! Confluent's JSON Schema difference types, the STRICT and LENIENT compatible sets, and the
//! description text each type renders to.

/// Declares the difference types with their Confluent spelling.
macro_rules! diff_types {
    ($($name:ident),* $(,)?) => {
        /// A kind of difference between two JSON Schemas, named exactly as Confluent names it.
        #[allow(non_camel_case_types)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum DiffType {
            $($name),*
        }

        impl DiffType {
            /// Every difference type.
            pub const ALL: &'static [DiffType] = &[$(DiffType::$name),*];

            /// Confluent's name for the type, e.g. `TYPE_CHANGED`.
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self {
                    $(DiffType::$name => stringify!($name)),*
                }
            }
        }
    };
}

diff_types!(
    ID_CHANGED,
    DESCRIPTION_CHANGED,
    TITLE_CHANGED,
    DEFAULT_CHANGED,
    SCHEMA_ADDED,
    SCHEMA_REMOVED,
    TYPE_EXTENDED,
    TYPE_NARROWED,
    TYPE_CHANGED,
    MAX_LENGTH_ADDED,
    MAX_LENGTH_REMOVED,
    MAX_LENGTH_INCREASED,
    MAX_LENGTH_DECREASED,
    MIN_LENGTH_ADDED,
    MIN_LENGTH_REMOVED,
    MIN_LENGTH_INCREASED,
    MIN_LENGTH_DECREASED,
    PATTERN_ADDED,
    PATTERN_REMOVED,
    PATTERN_CHANGED,
    MAXIMUM_ADDED,
    MAXIMUM_REMOVED,
    MAXIMUM_INCREASED,
    MAXIMUM_DECREASED,
    MINIMUM_ADDED,
    MINIMUM_REMOVED,
    MINIMUM_INCREASED,
    MINIMUM_DECREASED,
    EXCLUSIVE_MAXIMUM_ADDED,
    EXCLUSIVE_MAXIMUM_REMOVED,
    EXCLUSIVE_MAXIMUM_INCREASED,
    EXCLUSIVE_MAXIMUM_DECREASED,
    EXCLUSIVE_MINIMUM_ADDED,
    EXCLUSIVE_MINIMUM_REMOVED,
    EXCLUSIVE_MINIMUM_INCREASED,
    EXCLUSIVE_MINIMUM_DECREASED,
    MULTIPLE_OF_ADDED,
    MULTIPLE_OF_REMOVED,
    MULTIPLE_OF_EXPANDED,
    MULTIPLE_OF_REDUCED,
    MULTIPLE_OF_CHANGED,
    REQUIRED_ATTRIBUTE_ADDED,
    REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED,
    REQUIRED_ATTRIBUTE_REMOVED,
    MAX_PROPERTIES_ADDED,
    MAX_PROPERTIES_REMOVED,
    MAX_PROPERTIES_INCREASED,
    MAX_PROPERTIES_DECREASED,
    MIN_PROPERTIES_ADDED,
    MIN_PROPERTIES_REMOVED,
    MIN_PROPERTIES_INCREASED,
    MIN_PROPERTIES_DECREASED,
    ADDITIONAL_PROPERTIES_ADDED,
    ADDITIONAL_PROPERTIES_REMOVED,
    ADDITIONAL_PROPERTIES_EXTENDED,
    ADDITIONAL_PROPERTIES_NARROWED,
    DEPENDENCY_ARRAY_ADDED,
    DEPENDENCY_ARRAY_REMOVED,
    DEPENDENCY_ARRAY_EXTENDED,
    DEPENDENCY_ARRAY_NARROWED,
    DEPENDENCY_ARRAY_CHANGED,
    DEPENDENCY_SCHEMA_ADDED,
    DEPENDENCY_SCHEMA_REMOVED,
    PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL,
    REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL,
    REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL,
    OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL,
    PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL,
    REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL,
    REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL,
    OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL,
    PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL,
    PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL,
    PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL,
    PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    RESERVED_PROPERTY_REMOVED,
    RESERVED_PROPERTY_CONFLICTS_WITH_PROPERTY,
    UNEVALUATED_PROPERTIES_ADDED,
    UNEVALUATED_PROPERTIES_REMOVED,
    UNEVALUATED_PROPERTIES_EXTENDED,
    UNEVALUATED_PROPERTIES_NARROWED,
    MAX_ITEMS_ADDED,
    MAX_ITEMS_REMOVED,
    MAX_ITEMS_INCREASED,
    MAX_ITEMS_DECREASED,
    MIN_ITEMS_ADDED,
    MIN_ITEMS_REMOVED,
    MIN_ITEMS_INCREASED,
    MIN_ITEMS_DECREASED,
    MAX_CONTAINS_ADDED,
    MAX_CONTAINS_REMOVED,
    MAX_CONTAINS_INCREASED,
    MAX_CONTAINS_DECREASED,
    MIN_CONTAINS_ADDED,
    MIN_CONTAINS_REMOVED,
    MIN_CONTAINS_INCREASED,
    MIN_CONTAINS_DECREASED,
    UNIQUE_ITEMS_ADDED,
    UNIQUE_ITEMS_REMOVED,
    ADDITIONAL_ITEMS_ADDED,
    ADDITIONAL_ITEMS_REMOVED,
    ADDITIONAL_ITEMS_EXTENDED,
    ADDITIONAL_ITEMS_NARROWED,
    UNEVALUATED_ITEMS_ADDED,
    UNEVALUATED_ITEMS_REMOVED,
    UNEVALUATED_ITEMS_EXTENDED,
    UNEVALUATED_ITEMS_NARROWED,
    ITEM_ADDED_TO_OPEN_CONTENT_MODEL,
    ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL,
    ITEM_ADDED_TO_CLOSED_CONTENT_MODEL,
    ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL,
    ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL,
    ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL,
    ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    ENUM_ARRAY_EXTENDED,
    ENUM_ARRAY_NARROWED,
    ENUM_ARRAY_CHANGED,
    COMBINED_TYPE_EXTENDED,
    COMBINED_TYPE_CHANGED,
    PRODUCT_TYPE_EXTENDED,
    PRODUCT_TYPE_NARROWED,
    SUM_TYPE_EXTENDED,
    SUM_TYPE_NARROWED,
    COMBINED_TYPE_SUBSCHEMAS_CHANGED,
    NOT_TYPE_EXTENDED,
    NOT_TYPE_NARROWED,
);

use DiffType as T;

/// Changes a reader accepts under the default STRICT policy.
const STRICT: &[DiffType] = &[
    T::ID_CHANGED,
    T::DESCRIPTION_CHANGED,
    T::TITLE_CHANGED,
    T::DEFAULT_CHANGED,
    T::SCHEMA_REMOVED,
    T::TYPE_EXTENDED,
    T::MAX_LENGTH_INCREASED,
    T::MAX_LENGTH_REMOVED,
    T::MIN_LENGTH_DECREASED,
    T::MIN_LENGTH_REMOVED,
    T::PATTERN_REMOVED,
    T::MAXIMUM_INCREASED,
    T::MAXIMUM_REMOVED,
    T::MINIMUM_DECREASED,
    T::MINIMUM_REMOVED,
    T::EXCLUSIVE_MAXIMUM_INCREASED,
    T::EXCLUSIVE_MAXIMUM_REMOVED,
    T::EXCLUSIVE_MINIMUM_DECREASED,
    T::EXCLUSIVE_MINIMUM_REMOVED,
    T::MULTIPLE_OF_REDUCED,
    T::MULTIPLE_OF_REMOVED,
    T::REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED,
    T::REQUIRED_ATTRIBUTE_REMOVED,
    T::DEPENDENCY_ARRAY_NARROWED,
    T::DEPENDENCY_ARRAY_REMOVED,
    T::DEPENDENCY_SCHEMA_REMOVED,
    T::MAX_PROPERTIES_INCREASED,
    T::MAX_PROPERTIES_REMOVED,
    T::MIN_PROPERTIES_DECREASED,
    T::MIN_PROPERTIES_REMOVED,
    T::ADDITIONAL_PROPERTIES_ADDED,
    T::ADDITIONAL_PROPERTIES_EXTENDED,
    T::UNEVALUATED_PROPERTIES_ADDED,
    T::UNEVALUATED_PROPERTIES_EXTENDED,
    T::PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL,
    T::REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL,
    T::OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL,
    T::PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL,
    T::PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL,
    T::PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    T::PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    T::MAX_ITEMS_INCREASED,
    T::MAX_ITEMS_REMOVED,
    T::MIN_ITEMS_DECREASED,
    T::MIN_ITEMS_REMOVED,
    T::MAX_CONTAINS_INCREASED,
    T::MAX_CONTAINS_REMOVED,
    T::MIN_CONTAINS_DECREASED,
    T::MIN_CONTAINS_REMOVED,
    T::UNIQUE_ITEMS_REMOVED,
    T::ADDITIONAL_ITEMS_ADDED,
    T::ADDITIONAL_ITEMS_EXTENDED,
    T::UNEVALUATED_ITEMS_ADDED,
    T::UNEVALUATED_ITEMS_EXTENDED,
    T::ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL,
    T::ITEM_ADDED_TO_CLOSED_CONTENT_MODEL,
    T::ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL,
    T::ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL,
    T::ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    T::ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    T::ENUM_ARRAY_EXTENDED,
    T::COMBINED_TYPE_EXTENDED,
    T::PRODUCT_TYPE_NARROWED,
    T::SUM_TYPE_EXTENDED,
    T::NOT_TYPE_NARROWED,
];

/// What LENIENT accepts on top of STRICT.
const LENIENT_EXTRA: &[DiffType] = &[
    T::ADDITIONAL_PROPERTIES_NARROWED,
    T::ADDITIONAL_PROPERTIES_REMOVED,
    T::UNEVALUATED_PROPERTIES_NARROWED,
    T::UNEVALUATED_PROPERTIES_REMOVED,
    T::REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL,
    T::OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL,
    T::PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL,
    T::PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    T::PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
];

/// Confluent's `compatibilityPolicy` for JSON Schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Policy {
    #[default]
    Strict,
    /// Also accepts changes to open content models and additional properties.
    Lenient,
}

impl Policy {
    /// Whether a difference of this type keeps the schemas compatible.
    #[must_use]
    pub fn allows(self, t: DiffType) -> bool {
        STRICT.contains(&t) || (self == Policy::Lenient && LENIENT_EXTRA.contains(&t))
    }
}

impl std::str::FromStr for Policy {
    type Err = String;

    /// `STRICT` or `LENIENT`, any case (Confluent's `compatibilityPolicy` values for JSON).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("strict") {
            Ok(Policy::Strict)
        } else if s.eq_ignore_ascii_case("lenient") {
            Ok(Policy::Lenient)
        } else {
            Err(format!("unknown JSON Schema compatibility policy '{s}'"))
        }
    }
}

/// Confluent's description for a difference at `path`, with its two `%s` (reader, writer).
pub(crate) fn description(t: DiffType, path: &str) -> String {
    use DiffType as D;
    match t {
        D::MAXIMUM_ADDED
        | D::MINIMUM_ADDED
        | D::EXCLUSIVE_MAXIMUM_ADDED
        | D::EXCLUSIVE_MINIMUM_ADDED
        | D::MULTIPLE_OF_ADDED
        | D::MAX_LENGTH_ADDED
        | D::MIN_LENGTH_ADDED
        | D::PATTERN_ADDED
        | D::REQUIRED_ATTRIBUTE_ADDED
        | D::MAX_PROPERTIES_ADDED
        | D::MIN_PROPERTIES_ADDED
        | D::DEPENDENCY_ARRAY_ADDED
        | D::DEPENDENCY_SCHEMA_ADDED
        | D::MAX_ITEMS_ADDED
        | D::MIN_ITEMS_ADDED
        | D::MAX_CONTAINS_ADDED
        | D::MIN_CONTAINS_ADDED
        | D::UNIQUE_ITEMS_ADDED
        | D::ADDITIONAL_ITEMS_REMOVED
        | D::ADDITIONAL_PROPERTIES_REMOVED
        | D::UNEVALUATED_PROPERTIES_REMOVED
        | D::UNEVALUATED_ITEMS_REMOVED => {
            format!("The keyword at path '{path}' in the %s schema is not present in the %s schema")
        }
        D::MIN_LENGTH_INCREASED
        | D::MINIMUM_INCREASED
        | D::EXCLUSIVE_MINIMUM_INCREASED
        | D::MIN_PROPERTIES_INCREASED
        | D::MULTIPLE_OF_EXPANDED
        | D::MIN_ITEMS_INCREASED
        | D::MIN_CONTAINS_INCREASED => format!(
            "The value at path '{path}' in the %s schema is more than its value in the %s schema"
        ),
        D::MAX_LENGTH_DECREASED
        | D::MAXIMUM_DECREASED
        | D::MAX_ITEMS_DECREASED
        | D::MAX_CONTAINS_DECREASED
        | D::EXCLUSIVE_MAXIMUM_DECREASED
        | D::MAX_PROPERTIES_DECREASED => format!(
            "The value at path '{path}' in the %s schema is less than its value in the %s schema"
        ),
        D::PATTERN_CHANGED | D::MULTIPLE_OF_CHANGED | D::DEPENDENCY_ARRAY_CHANGED => {
            format!("The value at path '{path}' is different between the %s and %s schema")
        }
        D::ADDITIONAL_ITEMS_NARROWED
        | D::ENUM_ARRAY_NARROWED
        | D::SUM_TYPE_NARROWED
        | D::ADDITIONAL_PROPERTIES_NARROWED
        | D::UNEVALUATED_PROPERTIES_NARROWED
        | D::UNEVALUATED_ITEMS_NARROWED => format!(
            "An array or combined type at path '{path}' has fewer elements in the %s schema \
             than the %s schema"
        ),
        D::DEPENDENCY_ARRAY_EXTENDED
        | D::PRODUCT_TYPE_EXTENDED
        | D::SUM_TYPE_EXTENDED
        | D::NOT_TYPE_EXTENDED => format!(
            "An array or combined type at path '{path}' has more elements in the %s schema \
             than the %s schema"
        ),
        D::TYPE_CHANGED
        | D::TYPE_NARROWED
        | D::COMBINED_TYPE_CHANGED
        | D::COMBINED_TYPE_SUBSCHEMAS_CHANGED
        | D::ENUM_ARRAY_CHANGED => {
            format!("A type at path '{path}' is different between the %s schema and the %s schema")
        }
        _ => property_or_item_description(t, path),
    }
}

fn property_or_item_description(t: DiffType, path: &str) -> String {
    use DiffType as D;
    match t {
        D::REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL
        | D::REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL
        | D::OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL
        | D::ITEM_ADDED_TO_OPEN_CONTENT_MODEL => format!(
            "The %s schema has an open content model and has a property or item at path \
             '{path}' which is missing in the %s schema"
        ),
        D::REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL => format!(
            "The %s schema has an unopen content model and has a required property at path \
             '{path}' which is missing in the %s schema"
        ),
        D::PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL
        | D::ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL => {
            format!(
                "The %s has a closed content model and is missing a property or item present at \
                 path '{path}' in the %s schema"
            )
        }
        D::PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
        | D::ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL => format!(
            "A property or item is missing in the %s schema but present at path '{path}' in the \
             %s schema and is not covered by its partially open content model"
        ),
        D::PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
        | D::ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL => format!(
            "The %s schema has a property or item at path '{path}' which is missing in the %s \
             schema and is not covered by its partially open content model"
        ),
        D::RESERVED_PROPERTY_REMOVED => format!(
            "The %s schema has reserved property '{path}' removed from its metadata which is \
             present in the %s schema."
        ),
        D::RESERVED_PROPERTY_CONFLICTS_WITH_PROPERTY => format!(
            "The %s schema has property at path '{path}' that conflicts with the reserved \
             properties which is missing in the %s schema."
        ),
        _ => String::new(),
    }
}

/// Renders Confluent's message: `{errorType:"<TYPE>", description:"<text>'}` (sic: the
/// description opens with `"` and closes with `'`), `%s` filled with reader then writer label.
pub(crate) fn render(t: DiffType, path: &str, reader: &str, writer: &str) -> String {
    let text = description(t, path);
    let mut labels = [reader, writer].into_iter();
    let mut filled = String::with_capacity(text.len() + 8);
    let mut rest = text.as_str();
    while let Some(at) = rest.find("%s") {
        filled.push_str(&rest[..at]);
        filled.push_str(labels.next().unwrap_or(""));
        rest = &rest[at + 2..];
    }
    filled.push_str(rest);
    format!("{{errorType:\"{}\", description:\"{filled}'}}", t.as_str())
}

#[cfg(test)]
mod tests {
    use super::{DiffType, Policy, render};

    #[test]
    fn policy_names() {
        assert_eq!("LENIENT".parse::<Policy>(), Ok(Policy::Lenient));
        assert_eq!("strict".parse::<Policy>(), Ok(Policy::Strict));
        assert!("LOGICAL".parse::<Policy>().is_err());
    }

    #[test]
    fn lenient_is_a_superset_of_strict() {
        for t in DiffType::ALL {
            assert!(
                !Policy::Strict.allows(*t) || Policy::Lenient.allows(*t),
                "{t:?}"
            );
        }
        assert!(!Policy::Lenient.allows(DiffType::TYPE_CHANGED));
    }

    #[test]
    fn schema_added_has_an_empty_description() {
        assert_eq!(
            render(DiffType::SCHEMA_ADDED, "#/items", "new", "old"),
            "{errorType:\"SCHEMA_ADDED\", description:\"'}"
        );
    }
}
