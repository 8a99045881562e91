//! The audit trail: every write's event names who made it and from where, is logged on
//! the `audit` target once committed, and can be read back newest first.

use super::{Caller, Registry, RegistryError};
use crate::domain::{Page, SubjectName};
use crate::store::{Event, EventRecord};

/// The most audit entries one read answers.
pub const MAX_AUDIT_ENTRIES: usize = 1000;

/// An event of `kind` made by `caller`.
pub(crate) fn event(
    caller: &Caller,
    kind: &'static str,
    subject: Option<String>,
    version: Option<i32>,
    context: Option<String>,
    schema_id: Option<i32>,
) -> Event {
    Event {
        kind,
        subject,
        version,
        context,
        schema_id,
        principal: caller.principal().map(str::to_owned),
        remote_addr: caller.remote().map(|addr| addr.to_string()),
    }
}

impl Registry {
    /// After this node committed `event`: logs it for the audit trail and drops what it
    /// makes stale.
    pub(crate) async fn committed(&self, event: &Event) {
        tracing::info!(
            target: "audit",
            kind = event.kind,
            subject = event.subject.as_deref(),
            version = event.version,
            context = event.context.as_deref(),
            id = event.schema_id,
            principal = event.principal.as_deref(),
            remote = event.remote_addr.as_deref(),
            "write"
        );
        self.apply_change(&event.change()).await;
    }

    /// One page of the audit trail, newest first; only `subject`'s writes when given.
    ///
    /// # Errors
    /// 50001 when the store fails.
    pub async fn audit_trail(
        &self,
        subject: Option<&SubjectName>,
        page: Page,
    ) -> Result<Vec<EventRecord>, RegistryError> {
        Ok(self
            .store
            .events_page(subject.map(SubjectName::as_str), page)
            .await?)
    }
}
