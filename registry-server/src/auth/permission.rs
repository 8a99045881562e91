//! What a principal may do: operations, resources as Karapace renders them, and the rules of a user.

use std::fmt;
use std::sync::Arc;

use super::pattern::Pattern;

/// What a request does to a resource. `Write` implies `Read`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    Read,
    Write,
}

impl Operation {
    /// Parses Karapace's spelling (`Read`, `Write`; case matters, as there).
    pub(crate) fn parse(raw: &str) -> Option<Self> {
        match raw {
            "Read" => Some(Self::Read),
            "Write" => Some(Self::Write),
            _ => None,
        }
    }

    /// Whether a rule granting `self` also grants `wanted`.
    fn grants(self, wanted: Operation) -> bool {
        self == Operation::Write || wanted == Operation::Read
    }
}

/// What a permission is checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource<'a> {
    /// A subject, by its full name including any context prefix (`:.ctx:name`).
    Subject(&'a str),
    /// The global config and mode.
    Config,
}

impl fmt::Display for Resource<'_> {
    /// Karapace's rendering, the text its authfile regexes are matched against.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Resource::Subject(name) => write!(f, "Subject:{name}"),
            Resource::Config => f.write_str("Config:"),
        }
    }
}

/// One permission of one user: an operation over the resources a pattern selects.
#[derive(Debug, Clone)]
pub(crate) struct Rule {
    pub(crate) operation: Operation,
    pub(crate) pattern: Pattern,
}

/// An authenticated caller and the rules the authfile gives that name.
#[derive(Debug, Clone)]
pub struct Principal {
    name: Arc<str>,
    rules: Arc<[Rule]>,
}

impl Principal {
    pub(crate) fn new(name: Arc<str>, rules: Arc<[Rule]>) -> Self {
        Self { name, rules }
    }

    /// The user name (HTTP Basic), token claim (JWT) or certificate CN (mTLS).
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether any rule of this principal grants `operation` on `resource`.
    #[must_use]
    pub fn may(&self, operation: Operation, resource: Resource<'_>) -> bool {
        // Rendered once, lazily: only regex rules need the text.
        let mut rendered: Option<String> = None;
        self.rules.iter().any(|rule| {
            rule.operation.grants(operation) && rule.pattern.matches(resource, &mut rendered)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(rules: Vec<Rule>) -> Principal {
        Principal::new(Arc::from("alice"), rules.into())
    }

    fn regex(operation: Operation, pattern: &str) -> Rule {
        Rule {
            operation,
            pattern: Pattern::karapace_regex(pattern).expect("valid regex"),
        }
    }

    #[test]
    fn resources_render_as_karapace_does() {
        assert_eq!(
            Resource::Subject("orders-value").to_string(),
            "Subject:orders-value"
        );
        assert_eq!(
            Resource::Subject(":.ctx:orders").to_string(),
            "Subject::.ctx:orders"
        );
        assert_eq!(Resource::Config.to_string(), "Config:");
    }

    #[test]
    fn write_implies_read_but_read_does_not_imply_write() {
        let writer = principal(vec![regex(Operation::Write, "Subject:orders")]);
        let reader = principal(vec![regex(Operation::Read, "Subject:orders")]);
        let subject = Resource::Subject("orders");
        assert!(writer.may(Operation::Read, subject));
        assert!(writer.may(Operation::Write, subject));
        assert!(reader.may(Operation::Read, subject));
        assert!(!reader.may(Operation::Write, subject));
    }

    #[test]
    fn regex_is_anchored_at_the_start_only_like_python_re_match() {
        let p = principal(vec![regex(Operation::Read, "Subject:orders")]);
        assert!(p.may(Operation::Read, Resource::Subject("orders")));
        assert!(
            p.may(Operation::Read, Resource::Subject("orders-value")),
            "not anchored at the end"
        );
        assert!(
            !p.may(Operation::Read, Resource::Subject("x-orders")),
            "anchored at the start"
        );
        assert!(!p.may(Operation::Read, Resource::Config));
    }

    #[test]
    fn alternation_stays_anchored_at_the_start() {
        let p = principal(vec![regex(Operation::Read, "Subject:a|Subject:b")]);
        assert!(p.may(Operation::Read, Resource::Subject("b1")));
        assert!(!p.may(Operation::Read, Resource::Subject("xb")));
        let anchored_end = principal(vec![regex(Operation::Read, "Subject:a$")]);
        assert!(anchored_end.may(Operation::Read, Resource::Subject("a")));
        assert!(!anchored_end.may(Operation::Read, Resource::Subject("ab")));
    }

    #[test]
    fn config_needs_a_rule_that_matches_config() {
        let admin = principal(vec![regex(Operation::Write, "Config:")]);
        assert!(admin.may(Operation::Write, Resource::Config));
        assert!(!admin.may(Operation::Read, Resource::Subject("Config:")));
        let everything = principal(vec![regex(Operation::Read, ".*")]);
        assert!(everything.may(Operation::Read, Resource::Config));
        assert!(!everything.may(Operation::Write, Resource::Config));
    }

    #[test]
    fn prefixes_select_subject_names_and_contexts() {
        let p = principal(vec![
            Rule {
                operation: Operation::Write,
                pattern: Pattern::SubjectPrefix("orders-".into()),
            },
            Rule {
                operation: Operation::Read,
                pattern: Pattern::SubjectPrefix(":.billing:".into()),
            },
        ]);
        assert!(p.may(Operation::Write, Resource::Subject("orders-value")));
        assert!(!p.may(Operation::Write, Resource::Subject("payments")));
        assert!(!p.may(Operation::Write, Resource::Subject(":.other:orders-value")));
        assert!(p.may(Operation::Read, Resource::Subject(":.billing:x")));
        assert!(!p.may(Operation::Write, Resource::Subject(":.billing:x")));
        assert!(!p.may(Operation::Read, Resource::Config));
    }

    #[test]
    fn no_rules_means_nothing_is_allowed() {
        let p = principal(Vec::new());
        assert!(!p.may(Operation::Read, Resource::Subject("any")));
        assert!(!p.may(Operation::Read, Resource::Config));
    }
}
