//! `/config`: compatibility config, global and per subject (spec §3.5).

use axum::extract::State;
use axum::response::Response;

use super::ApiError;
use super::AppState;
use super::bodies::json;
use super::extract::{ApiJson, Params, SubjectPath};
use super::routes::Routes;
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
async fn get_global(State(state): State<AppState>, params: Params) -> Result<Response, ApiError> {
    Ok(json(
        &state
            .registry
            .get_config(None, params.flag("defaultToGlobal"))
            .await?,
    ))
}

/// PUT /config
async fn put_global(
    State(state): State<AppState>,
    ApiJson(update): ApiJson<ConfigUpdate>,
) -> Result<Response, ApiError> {
    Ok(json(&state.registry.put_config(None, update).await?))
}

/// DELETE /config
async fn delete_global(State(state): State<AppState>) -> Result<Response, ApiError> {
    Ok(json(&state.registry.delete_config(None).await?))
}

/// GET /config/{subject}
async fn get_subject(
    State(state): State<AppState>,
    SubjectPath(subject): SubjectPath,
    params: Params,
) -> Result<Response, ApiError> {
    Ok(json(
        &state
            .registry
            .get_config(Some(&subject), params.flag("defaultToGlobal"))
            .await?,
    ))
}

/// PUT /config/{subject}: the subject need not exist.
async fn put_subject(
    State(state): State<AppState>,
    SubjectPath(subject): SubjectPath,
    ApiJson(update): ApiJson<ConfigUpdate>,
) -> Result<Response, ApiError> {
    Ok(json(
        &state.registry.put_config(Some(&subject), update).await?,
    ))
}

/// DELETE /config/{subject}
async fn delete_subject(
    State(state): State<AppState>,
    SubjectPath(subject): SubjectPath,
) -> Result<Response, ApiError> {
    Ok(json(&state.registry.delete_config(Some(&subject)).await?))
}
