//! Avro Java's name validators (`NameValidator.STRICT_VALIDATOR` / `UTF_VALIDATOR`) and
//! their error texts.

/// Which of Avro Java's name validators applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameCheck {
    /// `NameValidator.STRICT_VALIDATOR`: ASCII names, namespaces checked too.
    Strict,
    /// `NameValidator.UTF_VALIDATOR` on simple names, field names and symbols only.
    Utf,
    /// `NameValidator.NO_VALIDATION`.
    Off,
}

pub(crate) fn strict_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return Err("Empty name".to_owned());
    };
    if !(first.is_ascii_alphabetic() || first == '_') {
        return Err(format!("Illegal initial character: {name}"));
    }
    if chars.any(|c| !(c.is_ascii_alphanumeric() || c == '_')) {
        return Err(format!("Illegal character in: {name}"));
    }
    Ok(())
}

pub(crate) fn utf_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return Err("Empty name".to_owned());
    };
    if !(first.is_alphabetic() || first == '_') {
        return Err(format!("Illegal initial character: {name}"));
    }
    if chars.any(|c| !(c.is_alphanumeric() || c == '_')) {
        return Err(format!("Illegal character in: {name}"));
    }
    Ok(())
}
