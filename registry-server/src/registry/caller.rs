//! Who a use-case runs for: the identity the audit trail records, and which subjects it may read.
//!
//! The registry knows nothing of HTTP or of authentication: the API turns an authenticated
//! principal into a [`Caller`] whose read scope is a predicate over full subject names
//! (context prefix included). Reads treat a subject outside the scope exactly as a missing
//! one; listings leave it out; an id is visible only through a subject in the scope.

use std::net::SocketAddr;
use std::sync::Arc;

/// A predicate over full subject names (`orders-value`, `:.ctx:orders`).
pub type SubjectPredicate = Arc<dyn Fn(&str) -> bool + Send + Sync>;

/// Which subjects a caller may read.
#[derive(Clone, Default)]
pub enum ReadScope {
    /// Every subject (authentication off, or an internal caller).
    #[default]
    Everyone,
    /// The subjects the predicate accepts.
    Only(SubjectPredicate),
}

/// The caller of a use-case.
#[derive(Clone, Default)]
pub struct Caller {
    principal: Option<Arc<str>>,
    remote: Option<SocketAddr>,
    scope: ReadScope,
}

impl std::fmt::Debug for Caller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Caller")
            .field("principal", &self.principal)
            .field("remote", &self.remote)
            .field("scoped", &matches!(self.scope, ReadScope::Only(_)))
            .finish()
    }
}

impl Caller {
    /// A caller that reads everything and names no one (tools, tests, authentication off).
    #[must_use]
    pub fn everyone() -> Self {
        Self::default()
    }

    #[must_use]
    pub fn new(principal: Option<Arc<str>>, remote: Option<SocketAddr>, scope: ReadScope) -> Self {
        Self {
            principal,
            remote,
            scope,
        }
    }

    /// Whether `subject` (its full name) is readable by this caller.
    #[must_use]
    pub fn may_read(&self, subject: &str) -> bool {
        match &self.scope {
            ReadScope::Everyone => true,
            ReadScope::Only(predicate) => predicate(subject),
        }
    }

    /// Whether nothing is hidden from this caller (listings can page in the database).
    #[must_use]
    pub fn sees_everything(&self) -> bool {
        matches!(self.scope, ReadScope::Everyone)
    }

    /// The principal's name, for the audit trail.
    #[must_use]
    pub fn principal(&self) -> Option<&str> {
        self.principal.as_deref()
    }

    /// The client's address, for the audit trail.
    #[must_use]
    pub fn remote(&self) -> Option<SocketAddr> {
        self.remote
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scoped_caller_reads_what_its_predicate_accepts() {
        let everyone = Caller::everyone();
        assert!(everyone.may_read("anything") && everyone.sees_everything());
        let scoped = Caller::new(
            Some(Arc::from("alice")),
            None,
            ReadScope::Only(Arc::new(|s: &str| s.starts_with('a'))),
        );
        assert!(scoped.may_read("a1"));
        assert!(!scoped.may_read("b1"));
        assert!(!scoped.sees_everything());
        assert_eq!(scoped.principal(), Some("alice"));
    }
}
