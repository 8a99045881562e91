//! `/compatibility`: would this schema be accepted? (spec §3.4)

use axum::extract::State;
use axum::response::Response;
use serde::Serialize;

use super::ApiError;
use super::AppState;
use super::access::Who;
use super::bodies::json;
use super::extract::{Params, SchemaJson, SubjectPath, SubjectVersionPath};
use super::routes::Routes;
use crate::schema::compat::CompatibilityReport;

pub fn routes() -> Routes {
    Routes::new()
        .post(
            "/compatibility/subjects/{subject}/versions",
            against_subject,
        )
        .post(
            "/compatibility/subjects/{subject}/versions/{version}",
            against_version,
        )
}

#[derive(Serialize)]
struct CheckBody<'a> {
    is_compatible: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    messages: Option<&'a [String]>,
}

fn answer(report: &CompatibilityReport, verbose: bool) -> Response {
    json(&CheckBody {
        is_compatible: report.is_compatible(),
        messages: verbose.then_some(report.messages.as_slice()),
    })
}

/// POST /compatibility/subjects/{subject}/versions: the check a registration would run.
async fn against_subject(
    State(state): State<AppState>,
    who: Who,
    SubjectPath(subject): SubjectPath,
    params: Params,
    SchemaJson(request): SchemaJson,
) -> Result<Response, ApiError> {
    let verbose = params.flag("verbose");
    let report = state
        .registry
        .check_compatibility(
            &who.caller(),
            &subject,
            None,
            &request,
            params.flag("normalize"),
            verbose,
        )
        .await?;
    Ok(answer(&report, verbose))
}

/// POST /compatibility/subjects/{subject}/versions/{version}: against that one version.
async fn against_version(
    State(state): State<AppState>,
    who: Who,
    SubjectVersionPath(subject, version): SubjectVersionPath,
    params: Params,
    SchemaJson(request): SchemaJson,
) -> Result<Response, ApiError> {
    let verbose = params.flag("verbose");
    let report = state
        .registry
        .check_compatibility(
            &who.caller(),
            &subject,
            Some(version),
            &request,
            params.flag("normalize"),
            verbose,
        )
        .await?;
    Ok(answer(&report, verbose))
}
