//! Subject names, with Confluent's qualified form `:.context:name`.

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The default context, where unqualified subjects live.
pub const DEFAULT_CONTEXT: &str = ".";

/// A subject as stored: the full qualified string plus the context it lives in.
///
/// `orders-value` lives in the default context `.`; `:.eu:orders-value` lives in `.eu`.
/// Schema ids are allocated per context.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SubjectName {
    qualified: String,
    context: String,
}

/// The longest subject name accepted, in UTF-8 bytes, context prefix included.
///
/// Confluent has no limit; every name reaches database indexes here (PostgreSQL refuses
/// B-tree entries over ~2.7 KB), so one limit, checked before any database sees the name,
/// keeps both backends alike. Kafka topic names stop at 249 characters, so real subjects
/// (`<topic>-value`, possibly qualified with a context) stay far below it.
pub const MAX_SUBJECT_BYTES: usize = 1024;

/// The most `--max-subject-bytes` may raise the limit to: PostgreSQL's B-tree entries stop
/// near 2.7 KB, and the subject shares its index entries with other columns.
pub const SUBJECT_BYTES_CEILING: usize = 2048;

/// The limit in force: a process-wide setting, made once at start ([`set_max_subject_bytes`]),
/// read wherever a name is parsed.
static SUBJECT_BYTES_LIMIT: AtomicUsize = AtomicUsize::new(MAX_SUBJECT_BYTES);

/// Sets the longest subject name accepted (clamped to 1..=[`SUBJECT_BYTES_CEILING`]).
pub fn set_max_subject_bytes(limit: usize) {
    SUBJECT_BYTES_LIMIT.store(limit.clamp(1, SUBJECT_BYTES_CEILING), Ordering::Relaxed);
}

/// The longest subject name accepted now, in UTF-8 bytes.
#[must_use]
pub fn max_subject_bytes() -> usize {
    SUBJECT_BYTES_LIMIT.load(Ordering::Relaxed)
}

/// How much of an over-long name an error message repeats.
const SHOWN_PREFIX_CHARS: usize = 64;

/// 42208: a subject name Confluent refuses, or one over [`MAX_SUBJECT_BYTES`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidSubject {
    /// A control character or a reserved name.
    #[error("The specified subject '{0}' is not a valid.")]
    Refused(String),
    /// Longer than [`max_subject_bytes`]; only the start of the name is kept.
    #[error(
        "The specified subject '{shown}...' is not a valid. A subject name is at most {limit} bytes; this one has {bytes}"
    )]
    TooLong {
        shown: String,
        bytes: usize,
        limit: usize,
    },
}

impl SubjectName {
    /// Parses a subject for a write (register): no control characters, not a reserved name.
    ///
    /// # Errors
    /// [`InvalidSubject`] for control characters, `__GLOBAL`, `__EMPTY`, a context's scope
    /// (`:.ctx:`, no subject name), or the global context.
    pub fn parse(raw: &str) -> Result<Self, InvalidSubject> {
        let subject = Self::parse_lenient(raw)?;
        let local = subject.local_name();
        if subject.is_context_scope()
            || local == "__GLOBAL"
            || local == "__EMPTY"
            || subject.context == ".__GLOBAL"
        {
            return Err(InvalidSubject::Refused(raw.to_owned()));
        }
        Ok(subject)
    }

    /// Parses a subject for reads and config/mode scopes: only control characters and
    /// over-long names are refused.
    ///
    /// # Errors
    /// [`InvalidSubject`] when the name contains an ISO control character or is longer than
    /// [`max_subject_bytes`].
    pub fn parse_lenient(raw: &str) -> Result<Self, InvalidSubject> {
        let limit = max_subject_bytes();
        if raw.len() > limit {
            return Err(InvalidSubject::TooLong {
                limit,
                shown: raw
                    .chars()
                    .take(SHOWN_PREFIX_CHARS)
                    .filter(|c| !c.is_control())
                    .collect(),
                bytes: raw.len(),
            });
        }
        if raw.chars().any(char::is_control) {
            return Err(InvalidSubject::Refused(raw.to_owned()));
        }
        let (context, local) = split_qualified(raw);
        // `:.:name` is the default context spelled out; store it unqualified. `:.ctx` (no
        // closing colon) is the context's scope, spelled `:.ctx:`.
        let qualified = if context == DEFAULT_CONTEXT {
            local.to_owned()
        } else {
            format!(":{context}:{local}")
        };
        Ok(SubjectName {
            qualified,
            context: context.to_owned(),
        })
    }

    /// The name as stored and listed (qualified for non-default contexts).
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.qualified
    }

    /// The context this subject's schema ids belong to (`.` by default).
    #[must_use]
    pub fn context(&self) -> &str {
        &self.context
    }

    /// The name without its context prefix.
    #[must_use]
    pub fn local_name(&self) -> &str {
        split_qualified(&self.qualified).1
    }

    /// The scope naming a whole context (`:.ctx:`, or the default context's empty name):
    /// the owner of a schema read by id.
    #[must_use]
    pub fn context_scope(context: &str) -> Self {
        if context == DEFAULT_CONTEXT {
            SubjectName {
                qualified: String::new(),
                context: DEFAULT_CONTEXT.to_owned(),
            }
        } else {
            SubjectName {
                qualified: format!(":{context}:"),
                context: context.to_owned(),
            }
        }
    }

    /// Whether this names a whole context (`:.ctx:`) rather than a subject in it.
    #[must_use]
    pub fn is_context_scope(&self) -> bool {
        self.context != DEFAULT_CONTEXT && self.local_name().is_empty()
    }

    /// Qualifies a reference's subject against this (referring) subject's context.
    #[must_use]
    pub fn qualify_reference(&self, referenced: &str) -> String {
        if self.context == DEFAULT_CONTEXT || referenced.starts_with(":.") {
            referenced.to_owned()
        } else {
            format!(":{}:{}", self.context, referenced)
        }
    }
}

impl fmt::Display for SubjectName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.qualified)
    }
}

/// Splits `:.ctx:name` into (`.ctx`, `name`) and `:.ctx` into (`.ctx`, ``), as Confluent
/// reads a context without its closing colon; anything else is (`.`, whole).
fn split_qualified(raw: &str) -> (&str, &str) {
    if let Some(rest) = raw.strip_prefix(":.") {
        let (context, local) = match rest.find(':') {
            Some(end) => (&raw[1..end + 2], &rest[end + 1..]),
            None => (&raw[1..], ""),
        };
        return (
            if context == "." {
                DEFAULT_CONTEXT
            } else {
                context
            },
            local,
        );
    }
    (DEFAULT_CONTEXT, raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_context_without_its_closing_colon_is_the_context_scope() {
        let s = SubjectName::parse_lenient(":.eu").expect("valid");
        assert_eq!(s.context(), ".eu");
        assert_eq!(s.as_str(), ":.eu:");
        assert!(s.is_context_scope());
        let default = SubjectName::parse_lenient(":.").expect("valid");
        assert_eq!(default.context(), ".");
        assert_eq!(default.as_str(), "");
    }

    #[test]
    fn unqualified_names_live_in_the_default_context() {
        let s = SubjectName::parse("orders-value").expect("valid");
        assert_eq!(s.context(), ".");
        assert_eq!(s.as_str(), "orders-value");
    }

    #[test]
    fn qualified_names_carry_their_context() {
        let s = SubjectName::parse(":.eu:orders-value").expect("valid");
        assert_eq!(s.context(), ".eu");
        assert_eq!(s.local_name(), "orders-value");
        assert_eq!(s.as_str(), ":.eu:orders-value");
        assert_eq!(s.qualify_reference("addr"), ":.eu:addr");
        let d = SubjectName::parse(":.:plain").expect("valid");
        assert_eq!((d.context(), d.as_str()), (".", "plain"));
    }

    #[test]
    fn odd_characters_are_fine_but_control_characters_are_not() {
        for ok in ["a/b", "100%", "a+b", "with space", "ünïcødé-主题", "*", ""] {
            assert!(SubjectName::parse(ok).is_ok(), "{ok:?}");
        }
        for bad in [
            "a\nb",
            "tab\there",
            "nul\0",
            "__GLOBAL",
            "__EMPTY",
            ":.eu:",
            ":.eu",
        ] {
            assert!(SubjectName::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            SubjectName::parse("a\nb").unwrap_err().to_string(),
            "The specified subject 'a\nb' is not a valid."
        );
    }

    #[test]
    fn names_longer_than_the_limit_are_refused_by_bytes() {
        let at_limit = "s".repeat(MAX_SUBJECT_BYTES);
        assert!(SubjectName::parse(&at_limit).is_ok());
        assert!(SubjectName::parse(&format!("{at_limit}x")).is_err());
        // Four bytes per character: a quarter of the limit in characters already fills it.
        let wide = "\u{1F600}".repeat(MAX_SUBJECT_BYTES / 4 + 1);
        let error = SubjectName::parse_lenient(&wide).unwrap_err();
        assert!(matches!(error, InvalidSubject::TooLong { .. }), "{error}");
        let long = format!(":.ctx:{}", "n".repeat(3000));
        let message = SubjectName::parse(&long).unwrap_err().to_string();
        assert!(
            message.starts_with("The specified subject ':.ctx:nnn"),
            "{message}"
        );
        assert!(
            message.contains("at most 1024 bytes; this one has 3006"),
            "{message}"
        );
        assert!(
            message.len() < 300,
            "the message repeats only the start: {message}"
        );
    }
}
