//! Confluent's rendering of an Avro incompatibility (its `avro.Difference`), with the
//! reader/writer labels put in place of the two `%s`.

use super::compatibility::{Found, IncompatibilityType};
use crate::schema::{Incompatibility, Labels};

/// `{errorType:'…', description:'…', additionalInfo:'…'}` for one finding.
pub(crate) fn difference(found: &Found, labels: Labels<'_>) -> Incompatibility {
    let path = &found.location;
    let info = &found.message;
    let description = match found.kind {
        IncompatibilityType::FixedSizeMismatch => format!(
            "The size of FIXED type field at path '{path}' in the %s schema does not match with the %s schema"
        ),
        IncompatibilityType::TypeMismatch => format!(
            "The type (path '{path}') of a field in the %s schema does not match with the %s schema"
        ),
        IncompatibilityType::NameMismatch => {
            format!("The name of the schema has changed (path '{path}')")
        }
        IncompatibilityType::MissingEnumSymbols => format!(
            "The %s schema is missing enum symbols '{info}' at path '{path}' in the %s schema"
        ),
        IncompatibilityType::MissingUnionBranch => format!(
            "The %s schema is missing a type inside a union field at path '{path}' in the %s schema"
        ),
        IncompatibilityType::ReaderFieldMissingDefaultValue => format!(
            "The field '{info}' at path '{path}' in the %s schema has no default value and is missing in the %s schema"
        ),
    };
    let kind = found.kind.as_str();
    let raw =
        format!("{{errorType:'{kind}', description:'{description}', additionalInfo:'{info}'}}");
    Incompatibility {
        kind: kind.to_owned(),
        path: path.clone(),
        message: substitute(&raw, labels),
    }
}

/// What Confluent answers when Avro's checker throws (`message` is the exception's).
pub(crate) fn aborted(message: &str) -> Incompatibility {
    Incompatibility {
        kind: "UNEXPECTED_EXCEPTION".to_owned(),
        path: "/".to_owned(),
        message: format!("Unexpected exception during compatibility check: {message}"),
    }
}

/// Java's `String.format(message, reader, writer)` for the `%s` placeholders.
fn substitute(message: &str, labels: Labels<'_>) -> String {
    let mut out = String::with_capacity(message.len() + 8);
    let mut args = [labels.reader, labels.writer].into_iter();
    let mut rest = message;
    while let Some(at) = rest.find("%s") {
        out.push_str(&rest[..at]);
        out.push_str(args.next().unwrap_or("%s"));
        rest = &rest[at + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substitute_fills_the_two_placeholders_in_order() {
        let labels = Labels {
            reader: "new",
            writer: "old",
        };
        assert_eq!(substitute("a %s b %s c", labels), "a new b old c");
        assert_eq!(substitute("no placeholder", labels), "no placeholder");
    }
}
