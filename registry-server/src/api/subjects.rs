//! `/subjects`: list, register, look up, read and delete versions (spec §3.2).

use axum::extract::State;
use axum::response::{IntoResponse, Response};

use super::ApiError;
use super::AppState;
use super::access::{Who, require_subject_delete, require_subject_write};
use super::bodies::{SchemaBody, found_json, json};
use super::extract::{NewSubjectPath, Params, SchemaJson, SubjectPath, SubjectVersionPath};
use super::routes::Routes;
use crate::registry::{Answering, SubjectPrefix, VersionsQuery};
use crate::schema::format::SchemaFormat;

pub fn routes() -> Routes {
    Routes::new()
        .get("/subjects", list_subjects)
        .post("/subjects/{subject}", lookup)
        .delete("/subjects/{subject}", delete_subject)
        .get("/subjects/{subject}/metadata", latest_with_metadata)
        .get("/subjects/{subject}/versions", list_versions)
        .post("/subjects/{subject}/versions", register)
        .get("/subjects/{subject}/versions/{version}", get_version)
        .delete("/subjects/{subject}/versions/{version}", delete_version)
        .get(
            "/subjects/{subject}/versions/{version}/schema",
            get_version_schema,
        )
        .get(
            "/subjects/{subject}/versions/{version}/referencedby",
            referenced_by,
        )
}

fn versions_query(params: &Params) -> VersionsQuery {
    VersionsQuery {
        deleted: params.flag("deleted"),
        deleted_only: params.flag("deletedOnly"),
        deleted_as_negative: params.flag("deletedAsNegative"),
    }
}

/// GET /subjects
async fn list_subjects(
    State(state): State<AppState>,
    who: Who,
    params: Params,
) -> Result<Response, ApiError> {
    let prefix = SubjectPrefix::parse(params.get("subjectPrefix"));
    let page = params.page(state.registry.settings().limits.max_list_items)?;
    let subjects = state
        .registry
        .list_subjects(&who.caller(), &prefix, versions_query(&params), page)
        .await?;
    Ok(json(&subjects))
}

/// POST /subjects/{subject}: which version of the subject holds this schema.
async fn lookup(
    State(state): State<AppState>,
    who: Who,
    SubjectPath(subject): SubjectPath,
    params: Params,
    SchemaJson(request): SchemaJson,
) -> Result<Response, ApiError> {
    let found = state
        .registry
        .lookup(
            &who.caller(),
            &subject,
            &request,
            params.flag("normalize"),
            params.flag("deleted"),
        )
        .await?;
    Ok(found_json(&found, Answering::Lookup, |schema| {
        SchemaBody::of(schema)
    }))
}

/// DELETE /subjects/{subject}
async fn delete_subject(
    State(state): State<AppState>,
    who: Who,
    SubjectPath(subject): SubjectPath,
    params: Params,
) -> Result<Response, ApiError> {
    require_subject_delete(&who, &subject)?;
    let versions = state
        .registry
        .delete_subject(&who.caller(), &subject, params.flag("permanent"))
        .await?;
    Ok(json(&versions))
}

/// GET /subjects/{subject}/metadata?key=K&value=V...: the newest version whose metadata
/// properties hold every pair (`key`s and `value`s paired by position).
async fn latest_with_metadata(
    State(state): State<AppState>,
    who: Who,
    SubjectPath(subject): SubjectPath,
    params: Params,
) -> Result<Response, ApiError> {
    let keys = params.all("key");
    let values = params.all("value");
    let pairs: Vec<(String, String)> = keys
        .iter()
        .zip(values.iter())
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let mut schema = state
        .registry
        .latest_with_metadata(&who.caller(), &subject, &pairs, params.flag("deleted"))
        .await?;
    schema.schema = state
        .registry
        .formatted_version(&subject, &schema, SchemaFormat::parse(params.get("format")))
        .await?;
    Ok(json(&SchemaBody::of(&schema)))
}

/// GET /subjects/{subject}/versions
async fn list_versions(
    State(state): State<AppState>,
    who: Who,
    SubjectPath(subject): SubjectPath,
    params: Params,
) -> Result<Response, ApiError> {
    let page = params.page(state.registry.settings().limits.max_list_items)?;
    let versions = state
        .registry
        .list_versions(&who.caller(), &subject, versions_query(&params))
        .await?;
    Ok(json(&page.apply(versions)))
}

/// POST /subjects/{subject}/versions: register.
async fn register(
    State(state): State<AppState>,
    who: Who,
    NewSubjectPath(subject): NewSubjectPath,
    params: Params,
    SchemaJson(request): SchemaJson,
) -> Result<Response, ApiError> {
    require_subject_write(&who, &subject)?;
    let registered = state
        .registry
        .register(
            &who.caller(),
            &subject,
            request,
            params.flag("normalize"),
            params.flag("force"),
        )
        .await?;
    Ok(found_json(&registered, Answering::Registration, |schema| {
        let mut body = SchemaBody::of(schema);
        body.subject = None;
        body
    }))
}

/// GET /subjects/{subject}/versions/{version}
async fn get_version(
    State(state): State<AppState>,
    who: Who,
    SubjectVersionPath(subject, version): SubjectVersionPath,
    params: Params,
) -> Result<Response, ApiError> {
    let mut schema = state
        .registry
        .get_version(&who.caller(), &subject, version, params.flag("deleted"))
        .await?;
    if params
        .get("referenceFormat")
        .is_some_and(|f| f.eq_ignore_ascii_case("qualified"))
    {
        // Reference subjects as stored are relative to the referring subject's context.
        for reference in &mut schema.references {
            reference.subject = subject.qualify_reference(&reference.subject);
        }
    }
    schema.schema = state
        .registry
        .formatted_version(&subject, &schema, SchemaFormat::parse(params.get("format")))
        .await?;
    Ok(json(&SchemaBody::of(&schema)))
}

/// GET /subjects/{subject}/versions/{version}/schema: the raw schema text.
async fn get_version_schema(
    State(state): State<AppState>,
    who: Who,
    SubjectVersionPath(subject, version): SubjectVersionPath,
    params: Params,
) -> Result<Response, ApiError> {
    let schema = state
        .registry
        .get_version(&who.caller(), &subject, version, params.flag("deleted"))
        .await?;
    let text = state
        .registry
        .formatted_version(&subject, &schema, SchemaFormat::parse(params.get("format")))
        .await?;
    Ok(text.into_response())
}

/// GET /subjects/{subject}/versions/{version}/referencedby
async fn referenced_by(
    State(state): State<AppState>,
    who: Who,
    SubjectVersionPath(subject, version): SubjectVersionPath,
    params: Params,
) -> Result<Response, ApiError> {
    let page = params.page(state.registry.settings().limits.max_list_items)?;
    let ids = state
        .registry
        .referenced_by(&who.caller(), &subject, version, params.flag("deleted"))
        .await?;
    Ok(json(&page.apply(ids)))
}

/// DELETE /subjects/{subject}/versions/{version}
async fn delete_version(
    State(state): State<AppState>,
    who: Who,
    SubjectVersionPath(subject, version): SubjectVersionPath,
    params: Params,
) -> Result<Response, ApiError> {
    require_subject_delete(&who, &subject)?;
    let deleted = state
        .registry
        .delete_version(&who.caller(), &subject, version, params.flag("permanent"))
        .await?;
    Ok(json(&deleted))
}
