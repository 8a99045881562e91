//! `/mode`: READWRITE, READONLY, IMPORT and FORWARD, global and per subject (spec §3.6).
//!
//! Permissions as for `/config`: `Config:` for the global mode, Write on the subject (or
//! context scope) to change its own.

use axum::extract::State;
use axum::response::Response;
use serde_json::Value;

use super::ApiError;
use super::AppState;
use super::access::{Who, require_config, require_subject_delete, require_subject_write};
use super::bodies::json;
use super::extract::{ApiJson, Params, ScopePath};
use super::routes::Routes;
use crate::auth::Operation;
use crate::domain::SubjectName;
use crate::registry::RegistryError;

pub fn routes() -> Routes {
    Routes::new()
        .get("/mode", get_global)
        .put("/mode", put_global)
        .delete("/mode", delete_global)
        .get("/mode/{subject}", get_subject)
        .put("/mode/{subject}", put_subject)
        .delete("/mode/{subject}", delete_subject)
}

fn mode_body(mode: crate::domain::Mode) -> Response {
    json(&serde_json::json!({ "mode": mode.as_str() }))
}

/// Reads `{"mode": M}`; `null` (or absent) clears. Answers the body as sent, as Confluent echoes it.
async fn put(
    state: &AppState,
    who: &Who,
    subject: Option<&SubjectName>,
    body: Value,
    force: bool,
) -> Result<Response, ApiError> {
    let mode = match body.get("mode") {
        None | Some(Value::Null) => None,
        Some(Value::String(mode)) => Some(mode.as_str()),
        Some(_) => {
            return Err(RegistryError::invalid_mode(crate::domain::InvalidMode.to_string()).into());
        }
    };
    state
        .registry
        .put_mode(&who.caller(), subject, mode, force)
        .await?;
    Ok(json(&body))
}

/// GET /mode
async fn get_global(
    State(state): State<AppState>,
    who: Who,
    params: Params,
) -> Result<Response, ApiError> {
    require_config(&who, Operation::Read)?;
    Ok(mode_body(
        state
            .registry
            .get_mode(&who.caller(), None, params.flag("defaultToGlobal"))
            .await?,
    ))
}

/// PUT /mode
async fn put_global(
    State(state): State<AppState>,
    who: Who,
    params: Params,
    ApiJson(body): ApiJson<Value>,
) -> Result<Response, ApiError> {
    require_config(&who, Operation::Write)?;
    put(&state, &who, None, body, params.flag("force")).await
}

/// DELETE /mode
async fn delete_global(State(state): State<AppState>, who: Who) -> Result<Response, ApiError> {
    require_config(&who, Operation::Write)?;
    Ok(mode_body(
        state.registry.delete_mode(&who.caller(), None).await?,
    ))
}

/// GET /mode/{subject}
async fn get_subject(
    State(state): State<AppState>,
    who: Who,
    ScopePath(subject): ScopePath,
    params: Params,
) -> Result<Response, ApiError> {
    Ok(mode_body(
        state
            .registry
            .get_mode(
                &who.caller(),
                Some(&subject),
                params.flag("defaultToGlobal"),
            )
            .await?,
    ))
}

/// PUT /mode/{subject}
async fn put_subject(
    State(state): State<AppState>,
    who: Who,
    ScopePath(subject): ScopePath,
    params: Params,
    ApiJson(body): ApiJson<Value>,
) -> Result<Response, ApiError> {
    require_subject_write(&who, &subject)?;
    put(&state, &who, Some(&subject), body, params.flag("force")).await
}

/// DELETE /mode/{subject}
async fn delete_subject(
    State(state): State<AppState>,
    who: Who,
    ScopePath(subject): ScopePath,
) -> Result<Response, ApiError> {
    require_subject_delete(&who, &subject)?;
    Ok(mode_body(
        state
            .registry
            .delete_mode(&who.caller(), Some(&subject))
            .await?,
    ))
}
