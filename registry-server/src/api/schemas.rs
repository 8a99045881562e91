//! `/schemas`: schemas by id and guid, their subjects and versions, types (spec §3.3).
//!
//! `GET /schemas/ids/{id}` is the consumers' hot path: ids are immutable, so the rendered
//! body is cached and a hit is a map lookup plus a write of bytes.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;

use super::ApiError;
use super::AppState;
use super::access::Who;
use super::bodies::{SchemaBody, SchemaStringBody, SubjectVersionBody, json};
use super::extract::{ApiPath, Params, not_found, subject_for_read};
use super::routes::Routes;
use crate::domain::SubjectName;
use crate::registry::{
    Caller, MAX_SCHEMAS_PER_LISTING, RegisteredSchema, SubjectPrefix, hash_of_guid,
};
use crate::schema::format::SchemaFormat;
use crate::store::VersionRecord;

/// The consumers' read of a schema by id (also answered by the edge: [`super::direct`]).
pub(super) const BY_ID_ROUTE: &str = "/schemas/ids/{id}";

pub fn routes() -> Routes {
    Routes::new()
        .get("/schemas", list_schemas)
        .get("/schemas/types", types)
        .get(BY_ID_ROUTE, by_id)
        .get("/schemas/ids/{id}/schema", by_id_schema)
        .get("/schemas/ids/{id}/subjects", id_subjects)
        .get("/schemas/ids/{id}/versions", id_versions)
        .get("/schemas/guids/{guid}", by_guid)
        .get("/schemas/guids/{guid}/ids", guid_ids)
}

fn parse_id(raw: &str) -> Result<i32, ApiError> {
    raw.trim().parse().map_err(|_| not_found())
}

/// The `subject` query parameter of `/schemas/ids/...`, followed to its alias.
async fn subject_param(state: &AppState, params: &Params) -> Result<Option<SubjectName>, ApiError> {
    match params.get("subject").map(subject_for_read).transpose()? {
        Some(subject) => Ok(Some(state.registry.resolve_alias(subject).await?)),
        None => Ok(None),
    }
}

/// The body of a schema-by-id (or guid) answer.
fn string_body_of<'a>(
    schema: &'a RegisteredSchema,
    version: Option<&'a VersionRecord>,
    max_id: Option<i32>,
) -> SchemaStringBody<'a> {
    SchemaStringBody {
        subject: version.map(|v| v.subject.as_str()),
        version: version.map(|v| v.version),
        schema: &schema.schema,
        schema_type: schema.schema_type,
        references: &schema.references,
        metadata: schema.metadata.as_ref(),
        rule_set: schema.rule_set.as_ref(),
        guid: &schema.guid,
        ts: schema.ts,
        deleted: version.is_some_and(|v| v.deleted),
        max_id,
    }
}

/// GET /schemas
async fn list_schemas(
    State(state): State<AppState>,
    who: Who,
    params: Params,
) -> Result<Response, ApiError> {
    let prefix = SubjectPrefix::parse(params.get("subjectPrefix"));
    let cap = MAX_SCHEMAS_PER_LISTING.min(state.registry.settings().limits.max_list_items);
    let page = params.page(cap)?;
    let schemas = state
        .registry
        .list_schemas(
            &who.caller(),
            &prefix,
            params.flag("deleted"),
            params.flag("latestOnly"),
            params.get("ruleType").filter(|t| !t.is_empty()),
            page,
        )
        .await?;
    let bodies: Vec<SchemaBody<'_>> = schemas.iter().map(SchemaBody::of).collect();
    Ok(json(&bodies))
}

/// GET /schemas/types
async fn types() -> Response {
    json(&["JSON", "PROTOBUF", "AVRO"])
}

/// GET /schemas/ids/{id}
async fn by_id(
    State(state): State<AppState>,
    who: Who,
    ApiPath(raw_id): ApiPath<String>,
    params: Params,
) -> Result<Response, ApiError> {
    let id = parse_id(&raw_id)?;
    let caller = who.caller();
    let format = SchemaFormat::parse(params.get("format"));
    let plain = params.get("subject").is_none() && !params.flag("fetchMaxId");
    if !(plain && format == SchemaFormat::Stored) {
        // Boxed: the consumers' plain read below does not carry this future's size.
        return Box::pin(by_id_in_full(state, caller, id, params, format)).await;
    }
    plain_by_id(&state, &caller, id).await
}

/// [`by_id`] without a subject, the highest id or a format: the rendered body, cached.
/// Also answered by the edge itself ([`super::direct`]).
pub(super) async fn plain_by_id(
    state: &AppState,
    caller: &Caller,
    id: i32,
) -> Result<Response, ApiError> {
    let body = state
        .registry
        .rendered_schema_by_id(caller, id, |record| {
            let schema = RegisteredSchema::from_schema(record.clone());
            serde_json::to_vec(&string_body_of(&schema, None, None)).map(Bytes::from)
        })
        .await?;
    // No content type: the edge labels every answer with the negotiated one.
    Ok(Response::new(body.into()))
}

/// [`by_id`] with a subject, the highest id or a format asked for.
async fn by_id_in_full(
    state: AppState,
    caller: Caller,
    id: i32,
    params: Params,
    format: SchemaFormat,
) -> Result<Response, ApiError> {
    let subject = subject_param(&state, &params).await?;
    let (record, version) = state
        .registry
        .schema_by_id(&caller, id, subject.as_ref())
        .await?;
    let max_id = if params.flag("fetchMaxId") {
        Some(state.registry.max_schema_id(&record.context).await?)
    } else {
        None
    };
    let mut schema = RegisteredSchema::from_schema(record.clone());
    schema.schema = state
        .registry
        .formatted_schema(subject.as_ref(), &record, format)
        .await?;
    Ok(json(&string_body_of(&schema, version.as_ref(), max_id)))
}

/// GET /schemas/ids/{id}/schema: the raw schema text.
async fn by_id_schema(
    State(state): State<AppState>,
    who: Who,
    ApiPath(raw_id): ApiPath<String>,
    params: Params,
) -> Result<Response, ApiError> {
    let id = parse_id(&raw_id)?;
    let subject = subject_param(&state, &params).await?;
    let (record, _) = state
        .registry
        .schema_by_id(&who.caller(), id, subject.as_ref())
        .await?;
    let format = SchemaFormat::parse(params.get("format"));
    let text = state
        .registry
        .formatted_schema(subject.as_ref(), &record, format)
        .await?;
    Ok(text.into_response())
}

/// GET /schemas/ids/{id}/subjects
async fn id_subjects(
    State(state): State<AppState>,
    who: Who,
    ApiPath(raw_id): ApiPath<String>,
    params: Params,
) -> Result<Response, ApiError> {
    let id = parse_id(&raw_id)?;
    let subject = subject_param(&state, &params).await?;
    let page = params.page(state.registry.settings().limits.max_list_items)?;
    let subjects = state
        .registry
        .subjects_of_id(
            &who.caller(),
            id,
            subject.as_ref(),
            params.flag("deleted"),
            page,
        )
        .await?;
    Ok(json(&subjects))
}

/// GET /schemas/ids/{id}/versions
async fn id_versions(
    State(state): State<AppState>,
    who: Who,
    ApiPath(raw_id): ApiPath<String>,
    params: Params,
) -> Result<Response, ApiError> {
    let id = parse_id(&raw_id)?;
    let subject = subject_param(&state, &params).await?;
    let page = params.page(state.registry.settings().limits.max_list_items)?;
    let versions = state
        .registry
        .versions_of_id(
            &who.caller(),
            id,
            subject.as_ref(),
            params.flag("deleted"),
            page,
        )
        .await?;
    let bodies: Vec<SubjectVersionBody<'_>> = versions
        .iter()
        .map(|v| SubjectVersionBody {
            subject: &v.subject,
            version: v.version,
        })
        .collect();
    Ok(json(&bodies))
}

/// GET /schemas/guids/{guid}
async fn by_guid(
    State(state): State<AppState>,
    who: Who,
    ApiPath(guid): ApiPath<String>,
    params: Params,
) -> Result<Response, ApiError> {
    let record = state.registry.schema_by_guid(&who.caller(), &guid).await?;
    let mut schema = RegisteredSchema::from_schema(record.clone());
    schema.schema = state
        .registry
        .formatted_schema(None, &record, SchemaFormat::parse(params.get("format")))
        .await?;
    Ok(json(&string_body_of(&schema, None, None)))
}

#[derive(serde::Serialize)]
struct ContextIdBody {
    context: String,
    id: i32,
}

/// GET /schemas/guids/{guid}/ids
async fn guid_ids(
    State(state): State<AppState>,
    who: Who,
    ApiPath(guid): ApiPath<String>,
) -> Result<Response, ApiError> {
    let Some(hash) = hash_of_guid(&guid) else {
        return Ok(json(&Vec::<ContextIdBody>::new()));
    };
    let records = state
        .registry
        .schemas_with_hash(&who.caller(), &hash)
        .await?;
    let ids: Vec<ContextIdBody> = records
        .into_iter()
        .map(|r| ContextIdBody {
            context: r.context,
            id: r.id,
        })
        .collect();
    Ok(json(&ids))
}
