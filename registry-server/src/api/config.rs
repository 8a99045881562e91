//! `/config`: compatibility config, global and per subject (spec §3.5).
//!
//! The global config needs Read (GET) or Write (PUT, DELETE) on `Config:`; a subject's (or
//! a context's, `:.ctx:`) needs Write on that subject to change, and looks missing to a
//! caller that may not read it.

use axum::extract::State;
use axum::response::Response;

use super::ApiError;
use super::AppState;
use super::access::{Who, require_config, require_subject_delete, require_subject_write};
use super::bodies::json;
use super::extract::{ApiJson, Params, ScopePath};
use super::routes::Routes;
use crate::auth::Operation;
use crate::registry::ConfigUpdate;

pub fn routes() -> Routes {
    Routes::new()
        .get("/config", get_global)
        .put("/config", put_global)
        .delete("/config", delete_global)
        .get("/config/{subject}", get_subject)
        .put("/config/{subject}", put_subject)
        .delete("/config/{subject}", delete_subject)
}

/// GET /config
async fn get_global(
    State(state): State<AppState>,
    who: Who,
    params: Params,
) -> Result<Response, ApiError> {
    require_config(&who, Operation::Read)?;
    Ok(json(
        &state
            .registry
            .get_config(&who.caller(), None, params.flag("defaultToGlobal"))
            .await?,
    ))
}

/// PUT /config
async fn put_global(
    State(state): State<AppState>,
    who: Who,
    ApiJson(update): ApiJson<ConfigUpdate>,
) -> Result<Response, ApiError> {
    require_config(&who, Operation::Write)?;
    Ok(json(
        &state
            .registry
            .put_config(&who.caller(), None, update)
            .await?,
    ))
}

/// DELETE /config
async fn delete_global(State(state): State<AppState>, who: Who) -> Result<Response, ApiError> {
    require_config(&who, Operation::Write)?;
    Ok(json(
        &state.registry.delete_config(&who.caller(), None).await?,
    ))
}

/// GET /config/{subject}
async fn get_subject(
    State(state): State<AppState>,
    who: Who,
    ScopePath(subject): ScopePath,
    params: Params,
) -> Result<Response, ApiError> {
    Ok(json(
        &state
            .registry
            .get_config(
                &who.caller(),
                Some(&subject),
                params.flag("defaultToGlobal"),
            )
            .await?,
    ))
}

/// PUT /config/{subject}: the subject need not exist.
async fn put_subject(
    State(state): State<AppState>,
    who: Who,
    ScopePath(subject): ScopePath,
    ApiJson(update): ApiJson<ConfigUpdate>,
) -> Result<Response, ApiError> {
    require_subject_write(&who, &subject)?;
    Ok(json(
        &state
            .registry
            .put_config(&who.caller(), Some(&subject), update)
            .await?,
    ))
}

/// DELETE /config/{subject}
async fn delete_subject(
    State(state): State<AppState>,
    who: Who,
    ScopePath(subject): ScopePath,
) -> Result<Response, ApiError> {
    require_subject_delete(&who, &subject)?;
    Ok(json(
        &state
            .registry
            .delete_config(&who.caller(), Some(&subject))
            .await?,
    ))
}
