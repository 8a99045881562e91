//! Who a request is from, as handlers see it, and the permission checks they make before
//! calling the registry: Write on a subject, Read or Write on `Config:`.
//!
//! Reads are not checked here: the [`Caller`] built from the principal carries its read
//! scope into the registry, which answers a subject it may not read as a missing one.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use super::ApiError;
use crate::auth::{Operation, Principal, Resource};
use crate::domain::SubjectName;
use crate::registry::{Caller, ReadScope};

/// What the authentication layer decided for a request.
#[derive(Debug, Clone, Default)]
pub enum Access {
    /// Authentication is off: everything is allowed.
    Open,
    /// An authenticated principal.
    As(Principal),
    /// No principal on a route that needs none (`GET /`, health): nothing is allowed. Also
    /// what a request that did not pass the authentication layer gets.
    #[default]
    Nobody,
}

/// The caller of a request: its access and the peer's address. Put in the request's
/// extensions by the authentication layer; a handler takes it as an extractor.
#[derive(Debug, Clone, Default)]
pub struct Who {
    pub access: Access,
    pub remote: Option<SocketAddr>,
}

impl<S: Send + Sync> FromRequestParts<S> for Who {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<Who>().cloned().unwrap_or_default())
    }
}

impl Who {
    /// The registry's view of this caller: its name and address for the audit trail, and
    /// the subjects it may read.
    #[must_use]
    pub fn caller(&self) -> Caller {
        match &self.access {
            Access::Open => Caller::new(None, self.remote, ReadScope::Everyone),
            Access::As(principal) => {
                let reader = principal.clone();
                Caller::new(
                    Some(Arc::from(principal.name())),
                    self.remote,
                    ReadScope::Only(Arc::new(move |subject: &str| {
                        reader.may(Operation::Read, Resource::Subject(subject))
                    })),
                )
            }
            Access::Nobody => Caller::new(None, self.remote, ReadScope::Only(Arc::new(|_| false))),
        }
    }

    /// Whether this caller may change `subject` (register, config, mode, delete): what the
    /// UI asks before offering a write.
    #[must_use]
    pub fn may_write_subject(&self, subject: &SubjectName) -> bool {
        self.may(Operation::Write, Resource::Subject(subject.as_str()))
    }

    fn may(&self, operation: Operation, resource: Resource<'_>) -> bool {
        match &self.access {
            Access::Open => true,
            Access::As(principal) => principal.may(operation, resource),
            Access::Nobody => false,
        }
    }
}

/// 40301 naming the operation and resource, as Karapace words it.
fn denied(operation: Operation, resource: Resource<'_>) -> ApiError {
    let operation = match operation {
        Operation::Read => "Read",
        Operation::Write => "Write",
    };
    let resource = match resource {
        Resource::Subject(name) => format!("Subject: {name}"),
        Resource::Config => "Config:".to_owned(),
    };
    ApiError::new(
        40301,
        format!("User is denied operation {operation} on {resource}"),
    )
}

/// A write whose answer never depends on whether the subject exists (register, config and
/// mode PUT): 40301 unless the caller may write `subject`.
///
/// # Errors
/// 40301.
pub fn require_subject_write(who: &Who, subject: &SubjectName) -> Result<(), ApiError> {
    let resource = Resource::Subject(subject.as_str());
    if who.may(Operation::Write, resource) {
        Ok(())
    } else {
        Err(denied(Operation::Write, resource))
    }
}

/// A delete (of versions, or of a subject's config or mode): 40301 when the caller may
/// read `subject` but not write it. One that may not even read it passes: the registry
/// answers as for a missing subject and deletes nothing.
///
/// # Errors
/// 40301.
pub fn require_subject_delete(who: &Who, subject: &SubjectName) -> Result<(), ApiError> {
    let resource = Resource::Subject(subject.as_str());
    if who.may(Operation::Read, resource) && !who.may(Operation::Write, resource) {
        Err(denied(Operation::Write, resource))
    } else {
        Ok(())
    }
}

/// The global config and mode (and the audit trail): 40301 unless the caller may
/// `operation` on `Config:`.
///
/// # Errors
/// 40301.
pub fn require_config(who: &Who, operation: Operation) -> Result<(), ApiError> {
    if who.may(operation, Resource::Config) {
        Ok(())
    } else {
        Err(denied(operation, Resource::Config))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_access_allows_everything_and_nobody_nothing() {
        let subject = SubjectName::parse("s").expect("subject");
        let open = Who {
            access: Access::Open,
            remote: None,
        };
        assert!(require_subject_write(&open, &subject).is_ok());
        assert!(require_config(&open, Operation::Write).is_ok());
        assert!(open.caller().may_read("s"));
        let nobody = Who::default();
        let refused = require_subject_write(&nobody, &subject).expect_err("refused");
        assert_eq!(refused.code, 40301);
        assert_eq!(
            refused.message,
            "User is denied operation Write on Subject: s"
        );
        assert_eq!(
            require_config(&nobody, Operation::Read)
                .expect_err("refused")
                .message,
            "User is denied operation Read on Config:"
        );
        assert!(
            require_subject_delete(&nobody, &subject).is_ok(),
            "a subject it cannot read is left to look missing"
        );
        assert!(!nobody.caller().may_read("s"));
    }
}
