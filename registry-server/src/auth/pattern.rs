//! Which resources a rule covers: a subject-name prefix, the global config, or a Karapace regex.

use regex::{Regex, RegexBuilder};

use super::permission::Resource;

/// Longest regex source accepted, in bytes.
const MAX_REGEX_SOURCE: usize = 4096;
/// Compiled-program and lazy-DFA budget of one regex: a pathological pattern fails at load
/// instead of eating memory.
const REGEX_SIZE_LIMIT: usize = 1 << 20;
const REGEX_NEST_LIMIT: u32 = 64;

/// The resources one rule covers.
#[derive(Debug, Clone)]
pub(crate) enum Pattern {
    /// Subjects whose full name (context prefix included) starts with this text; `""` is all.
    SubjectPrefix(Box<str>),
    /// The global config and mode (`Config:`).
    Config,
    /// A regex over the rendered resource (`Subject:<name>`, `Config:`), anchored at the start
    /// only, as Python's `re.match` does.
    Regex(Regex),
}

/// A regex the authfile names that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum PatternError {
    #[error("regex is {0} bytes, more than the {MAX_REGEX_SOURCE} accepted")]
    TooLong(usize),
    #[error("invalid regex: {0}")]
    Invalid(#[source] regex::Error),
}

impl Pattern {
    /// Compiles a Karapace `resource` regex with `re.match` semantics.
    pub(crate) fn karapace_regex(source: &str) -> Result<Self, PatternError> {
        if source.len() > MAX_REGEX_SOURCE {
            return Err(PatternError::TooLong(source.len()));
        }
        let translated = translate_python(source);
        // Compiled alone first: an unbalanced `)` would otherwise escape the anchoring group
        // below (`a)|(b` would become `\A(?:a)|(b)`, with `b` unanchored).
        build(&translated)?;
        Ok(Self::Regex(build(&format!(r"\A(?:{translated})"))?))
    }

    pub(crate) fn matches(&self, resource: Resource<'_>, rendered: &mut Option<String>) -> bool {
        match (self, resource) {
            (Self::SubjectPrefix(prefix), Resource::Subject(name)) => name.starts_with(&**prefix),
            (Self::Config, Resource::Config) => true,
            (Self::SubjectPrefix(_), Resource::Config) | (Self::Config, Resource::Subject(_)) => {
                false
            }
            (Self::Regex(regex), resource) => {
                regex.is_match(rendered.get_or_insert_with(|| resource.to_string()))
            }
        }
    }
}

fn build(source: &str) -> Result<Regex, PatternError> {
    RegexBuilder::new(source)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .nest_limit(REGEX_NEST_LIMIT)
        .build()
        .map_err(PatternError::Invalid)
}

/// Python's `\Z` (end of text) is Rust's `\z`; everything else both read alike or Rust refuses
/// it with an error (look-around, back-references), which the loader reports.
fn translate_python(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut chars = source.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('Z') => out.push_str(r"\z"),
            Some(next) => {
                out.push('\\');
                out.push(next);
            }
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, resource: Resource<'_>) -> bool {
        Pattern::karapace_regex(pattern)
            .expect("valid")
            .matches(resource, &mut None)
    }

    #[test]
    fn python_end_of_text_escape_is_understood() {
        assert!(matches(r"Subject:a\Z", Resource::Subject("a")));
        assert!(!matches(r"Subject:a\Z", Resource::Subject("ab")));
        assert!(matches(r"Subject:a\\Z", Resource::Subject(r"a\Z")));
    }

    #[test]
    fn unbalanced_parentheses_cannot_escape_the_anchor() {
        assert!(matches!(
            Pattern::karapace_regex("Subject:a)|(Subject:b"),
            Err(PatternError::Invalid(_))
        ));
    }

    #[test]
    fn python_only_constructs_are_refused_with_an_error() {
        assert!(Pattern::karapace_regex("Subject:(?!secret)").is_err());
        assert!(Pattern::karapace_regex(r"Subject:(a)\1").is_err());
    }

    #[test]
    fn oversized_regexes_are_refused() {
        let long = "a".repeat(MAX_REGEX_SOURCE + 1);
        assert!(matches!(
            Pattern::karapace_regex(&long),
            Err(PatternError::TooLong(_))
        ));
        // Small source, huge program: bounded repetition of a Unicode class.
        assert!(matches!(
            Pattern::karapace_regex(r"\w{1000}\w{1000}\w{1000}"),
            Err(PatternError::Invalid(_))
        ));
    }
}
