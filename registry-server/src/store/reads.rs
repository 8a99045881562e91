//! The reads, each written once: the [`Store`](super::Store) runs them on the pool, a
//! [`WriteTx`](super::WriteTx) on its transaction's connection.

use super::exec::{Exec, run};
use super::queries;
use super::records::{SchemaRow, VersionMaybeSchemaRow, VersionSchemaRow, config_column};
use super::{
    DeletedFilter, EventRecord, Referrer, RegistrationReads, SchemaRecord, ScopeSettings,
    StoreError, StoreResult, SubjectFilter, SubjectSummary, VersionRecord,
};
use crate::domain::Page;

pub(super) async fn ping(db: Exec<'_>) -> StoreResult<()> {
    run!(db, |ex| sqlx::query("SELECT 1")
        .execute(ex)
        .await?
        .rows_affected());
    Ok(())
}

pub(super) async fn schema(
    db: Exec<'_>,
    context: &str,
    id: i32,
) -> StoreResult<Option<SchemaRecord>> {
    let row: Option<SchemaRow> = run!(db, |ex| sqlx::query_as(queries::SCHEMA_BY_ID)
        .bind(context)
        .bind(id)
        .fetch_optional(ex)
        .await?);
    row.map(SchemaRecord::try_from).transpose()
}

pub(super) async fn max_schema_id(db: Exec<'_>, context: &str) -> StoreResult<i32> {
    let (max,): (i32,) = run!(db, |ex| sqlx::query_as(queries::MAX_ID)
        .bind(context)
        .fetch_one(ex)
        .await?);
    Ok(max)
}

pub(super) async fn subjects(db: Exec<'_>) -> StoreResult<Vec<SubjectSummary>> {
    let mut subjects: Vec<SubjectSummary> = run!(db, |ex| sqlx::query_as(queries::SUBJECTS)
        .fetch_all(ex)
        .await?);
    // By bytes, as the listings sort (PostgreSQL's subject columns collate "C").
    subjects.sort_by(|a, b| a.subject.cmp(&b.subject));
    Ok(subjects)
}

pub(super) async fn versions(db: Exec<'_>, subject: &str) -> StoreResult<Vec<VersionRecord>> {
    Ok(run!(db, |ex| sqlx::query_as(queries::VERSIONS)
        .bind(subject)
        .fetch_all(ex)
        .await?))
}

pub(super) async fn versions_with_schemas(
    db: Exec<'_>,
    subject: &str,
) -> StoreResult<Vec<(VersionRecord, SchemaRecord)>> {
    let rows: Vec<VersionSchemaRow> = run!(db, |ex| sqlx::query_as(queries::VERSIONS_WITH_SCHEMAS)
        .bind(subject)
        .fetch_all(ex)
        .await?);
    rows.into_iter().map(TryInto::try_into).collect()
}

pub(super) async fn find_by_hash(
    db: Exec<'_>,
    subject: &str,
    hash: &str,
) -> StoreResult<Vec<(VersionRecord, SchemaRecord)>> {
    let rows: Vec<VersionSchemaRow> = run!(db, |ex| sqlx::query_as(queries::FIND_BY_HASH)
        .bind(subject)
        .bind(hash)
        .fetch_all(ex)
        .await?);
    rows.into_iter().map(TryInto::try_into).collect()
}

pub(super) async fn versions_for_registration(
    db: Exec<'_>,
    subject: &str,
    hash: &str,
) -> StoreResult<Vec<(VersionRecord, Option<SchemaRecord>)>> {
    let rows: Vec<VersionMaybeSchemaRow> =
        run!(db, |ex| sqlx::query_as(queries::VERSIONS_FOR_REGISTRATION)
            .bind(subject)
            .bind(hash)
            .fetch_all(ex)
            .await?);
    rows.into_iter().map(TryInto::try_into).collect()
}

pub(super) async fn schemas_with_hash(db: Exec<'_>, hash: &str) -> StoreResult<Vec<SchemaRecord>> {
    let rows: Vec<SchemaRow> = run!(db, |ex| sqlx::query_as(queries::SCHEMAS_WITH_HASH)
        .bind(hash)
        .fetch_all(ex)
        .await?);
    rows.into_iter().map(SchemaRecord::try_from).collect()
}

pub(super) async fn subjects_page(
    db: Exec<'_>,
    filter: &SubjectFilter,
    page: Page,
) -> StoreResult<Vec<String>> {
    let rows: Vec<(String,)> = run!(db, |ex| sqlx::query_as(queries::SUBJECTS_PAGE)
        .bind(&filter.prefix)
        .bind(i32::from(filter.default_context_only))
        .bind(filter.deleted.code())
        .bind(page.sql_limit())
        .bind(page.sql_offset())
        .fetch_all(ex)
        .await?);
    Ok(rows.into_iter().map(|(s,)| s).collect())
}

pub(super) async fn schemas_page(
    db: Exec<'_>,
    filter: &SubjectFilter,
    latest_only: bool,
    page: Page,
) -> StoreResult<Vec<(VersionRecord, SchemaRecord)>> {
    let rows: Vec<VersionSchemaRow> = run!(db, |ex| sqlx::query_as(queries::SCHEMAS_PAGE)
        .bind(&filter.prefix)
        .bind(i32::from(filter.default_context_only))
        .bind(filter.deleted != DeletedFilter::Exclude)
        .bind(latest_only)
        .bind(page.sql_limit())
        .bind(page.sql_offset())
        .fetch_all(ex)
        .await?);
    rows.into_iter().map(TryInto::try_into).collect()
}

pub(super) async fn usages(
    db: Exec<'_>,
    context: &str,
    id: i32,
) -> StoreResult<Vec<VersionRecord>> {
    Ok(run!(db, |ex| sqlx::query_as(queries::USAGES)
        .bind(context)
        .bind(id)
        .fetch_all(ex)
        .await?))
}

pub(super) async fn usages_page(
    db: Exec<'_>,
    context: &str,
    id: i32,
    include_deleted: bool,
    page: Page,
) -> StoreResult<Vec<VersionRecord>> {
    Ok(run!(db, |ex| sqlx::query_as(queries::USAGES_PAGE)
        .bind(context)
        .bind(id)
        .bind(include_deleted)
        .bind(page.sql_limit())
        .bind(page.sql_offset())
        .fetch_all(ex)
        .await?))
}

pub(super) async fn usage_subjects_page(
    db: Exec<'_>,
    context: &str,
    id: i32,
    include_deleted: bool,
    page: Page,
) -> StoreResult<Vec<String>> {
    let rows: Vec<(String,)> = run!(db, |ex| sqlx::query_as(queries::USAGE_SUBJECTS_PAGE)
        .bind(context)
        .bind(id)
        .bind(include_deleted)
        .bind(page.sql_limit())
        .bind(page.sql_offset())
        .fetch_all(ex)
        .await?);
    Ok(rows.into_iter().map(|(s,)| s).collect())
}

pub(super) async fn referrers(
    db: Exec<'_>,
    subject: &str,
    version: i32,
) -> StoreResult<Vec<Referrer>> {
    Ok(run!(db, |ex| sqlx::query_as(queries::REFERRERS)
        .bind(subject)
        .bind(version)
        .fetch_all(ex)
        .await?))
}

/// One page of the change log, newest first; only the events naming `subject` when given.
pub(super) async fn events_page(
    db: Exec<'_>,
    subject: Option<&str>,
    page: Page,
) -> StoreResult<Vec<EventRecord>> {
    Ok(run!(db, |ex| sqlx::query_as(queries::EVENTS_PAGE)
        .bind(subject)
        .bind(page.sql_limit())
        .bind(page.sql_offset())
        .fetch_all(ex)
        .await?))
}

/// The contexts holding a schema, sorted, found by one index seek each.
pub(super) async fn contexts(mut db: Exec<'_>) -> StoreResult<Vec<String>> {
    let mut contexts: Vec<String> = Vec::new();
    loop {
        let after = contexts.last().map_or("", String::as_str);
        let (next,): (Option<String>,) =
            run!(db.reborrow(), |ex| sqlx::query_as(queries::NEXT_CONTEXT)
                .bind(after)
                .fetch_one(ex)
                .await?);
        match next {
            Some(context) => contexts.push(context),
            None => return Ok(contexts),
        }
    }
}

pub(super) async fn config(db: Exec<'_>, scope: &str) -> StoreResult<Option<serde_json::Value>> {
    let row: Option<(String,)> = run!(db, |ex| sqlx::query_as(queries::CONFIG)
        .bind(scope)
        .fetch_optional(ex)
        .await?);
    config_column(row)
}

pub(super) async fn mode(db: Exec<'_>, scope: &str) -> StoreResult<Option<String>> {
    let row: Option<(String,)> = run!(db, |ex| sqlx::query_as(queries::MODE)
        .bind(scope)
        .fetch_optional(ex)
        .await?);
    Ok(row.map(|(m,)| m))
}

/// The modes and configs of exactly three scopes (padded by the caller).
pub(super) async fn settings_of_scopes(
    db: Exec<'_>,
    scopes: [&str; super::records::SETTINGS_SCOPES],
) -> StoreResult<ScopeSettings> {
    let rows: Vec<(String, String, String)> =
        run!(db, |ex| sqlx::query_as(queries::SETTINGS_OF_SCOPES)
            .bind(scopes[0])
            .bind(scopes[1])
            .bind(scopes[2])
            .bind(scopes[3])
            .fetch_all(ex)
            .await?);
    ScopeSettings::from_rows(rows)
}

/// A row of [`queries::REGISTRATION_READS`]: its kind, a number, and a version's columns.
type RegistrationRow = (
    i32,
    i32,
    Option<String>,
    Option<i32>,
    Option<String>,
    Option<i32>,
    Option<bool>,
    Option<i64>,
);

/// See [`RegistrationReads`]: one statement.
pub(super) async fn registration_reads(
    db: Exec<'_>,
    subject: &str,
    latest_only: bool,
    context: &str,
    hash: &str,
) -> StoreResult<RegistrationReads> {
    let sql = if latest_only {
        queries::REGISTRATION_READS_LATEST
    } else {
        queries::REGISTRATION_READS
    };
    let rows: Vec<RegistrationRow> = run!(db, |ex| sqlx::query_as(sql)
        .bind(subject)
        .bind(context)
        .bind(hash)
        .fetch_all(ex)
        .await?);
    let mut reads = RegistrationReads::default();
    for (kind, number, subject, version, context, schema_id, deleted, created_at) in rows {
        match (
            kind, subject, version, context, schema_id, deleted, created_at,
        ) {
            (0, ..) => reads.max_version = number,
            (
                1,
                Some(subject),
                Some(version),
                Some(context),
                Some(schema_id),
                Some(deleted),
                Some(created_at),
            ) => reads.live.push(VersionRecord {
                subject,
                version,
                context,
                schema_id,
                deleted,
                created_at,
            }),
            (2, ..) => reads.same_digest_ids.push(number),
            _ => {
                return Err(StoreError::Corrupt(format!(
                    "registration read row of kind {kind}"
                )));
            }
        }
    }
    reads.live.sort_unstable_by_key(|v| v.version);
    reads.same_digest_ids.sort_unstable();
    Ok(reads)
}

pub(super) async fn versions_with_id(
    db: Exec<'_>,
    subject: &str,
    id: i32,
) -> StoreResult<Vec<VersionRecord>> {
    // Unordered in SQL so the (subject, schema_id) index serves it; few rows.
    let mut rows: Vec<VersionRecord> = run!(db, |ex| sqlx::query_as(queries::VERSIONS_WITH_ID)
        .bind(subject)
        .bind(id)
        .fetch_all(ex)
        .await?);
    rows.sort_by_key(|v| v.version);
    Ok(rows)
}

pub(super) async fn version(
    db: Exec<'_>,
    subject: &str,
    version: i32,
) -> StoreResult<Option<VersionRecord>> {
    Ok(run!(db, |ex| sqlx::query_as(queries::ONE_VERSION)
        .bind(subject)
        .bind(version)
        .fetch_optional(ex)
        .await?))
}

pub(super) async fn ids_with_hash(
    db: Exec<'_>,
    context: &str,
    hash: &str,
) -> StoreResult<Vec<i32>> {
    let rows: Vec<(i32,)> = run!(db, |ex| sqlx::query_as(queries::IDS_WITH_HASH)
        .bind(context)
        .bind(hash)
        .fetch_all(ex)
        .await?);
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// The identity digest of schema `id` of `context`, if its row exists.
pub(super) async fn schema_hash(
    db: Exec<'_>,
    context: &str,
    id: i32,
) -> StoreResult<Option<String>> {
    let row: Option<(String,)> = run!(db, |ex| sqlx::query_as(queries::SCHEMA_HASH)
        .bind(context)
        .bind(id)
        .fetch_optional(ex)
        .await?);
    Ok(row.map(|(hash,)| hash))
}
