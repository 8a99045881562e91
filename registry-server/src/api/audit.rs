//! `/v1/audit`: the audit trail of writes, newest first (our own prefix; not Confluent's).
//! Needs Write on `Config:` when authentication is on.

use axum::extract::State;
use axum::response::Response;
use serde::Serialize;

use super::ApiError;
use super::AppState;
use super::access::{Who, require_config};
use super::bodies::json;
use super::extract::{Params, subject_for_read};
use super::routes::Routes;
use crate::auth::Operation;
use crate::registry::MAX_AUDIT_ENTRIES;
use crate::store::EventRecord;

pub fn routes() -> Routes {
    Routes::new().get("/v1/audit", list)
}

/// One write as the audit trail shows it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AuditEntry<'a> {
    seq: i64,
    /// Milliseconds since the epoch.
    ts: i64,
    kind: &'a str,
    subject: Option<&'a str>,
    version: Option<i32>,
    context: Option<&'a str>,
    id: Option<i32>,
    principal: Option<&'a str>,
    remote_addr: Option<&'a str>,
}

impl<'a> From<&'a EventRecord> for AuditEntry<'a> {
    fn from(e: &'a EventRecord) -> Self {
        AuditEntry {
            seq: e.seq,
            ts: e.at,
            kind: &e.kind,
            subject: e.subject.as_deref(),
            version: e.version,
            context: e.context.as_deref(),
            id: e.schema_id,
            principal: e.principal.as_deref(),
            remote_addr: e.remote_addr.as_deref(),
        }
    }
}

/// GET /v1/audit?offset=&limit=&subject=
async fn list(
    State(state): State<AppState>,
    who: Who,
    params: Params,
) -> Result<Response, ApiError> {
    require_config(&who, Operation::Write)?;
    let page = params.page(MAX_AUDIT_ENTRIES)?;
    let subject = params.get("subject").map(subject_for_read).transpose()?;
    let events = state.registry.audit_trail(subject.as_ref(), page).await?;
    let entries: Vec<AuditEntry<'_>> = events.iter().map(AuditEntry::from).collect();
    Ok(json(&entries))
}
