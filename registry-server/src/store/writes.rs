//! The write statements, each written once, run on a write transaction's connection.

use super::exec::{Exec, run};
use super::group_commit::Member;
use super::queries;
use super::records::encode_json_columns;
use super::{Event, SchemaRecord, StoreError, StoreResult, VersionRecord, now_millis};

/// Binds a `schemas` row's columns in [`queries::INSERT_SCHEMA`]'s order; `$columns` are its
/// encoded JSON columns (see [`encode_json_columns`]).
macro_rules! bind_schema {
    ($query:expr, $schema:expr, $columns:expr) => {{
        let (schema, (refs, metadata, rule_set)): (&SchemaRecord, &JsonColumns) =
            ($schema, $columns);
        $query
            .bind(&schema.context)
            .bind(schema.id)
            .bind(schema.schema_type.as_str())
            .bind(&schema.schema)
            .bind(&schema.hash)
            .bind(refs.clone())
            .bind(metadata.clone())
            .bind(rule_set.clone())
            .bind(schema.created_at)
    }};
}

/// Binds a version record in [`queries::INSERT_VERSION`]'s order.
macro_rules! bind_version {
    ($query:expr, $version:expr) => {{
        let version: &VersionRecord = $version;
        $query
            .bind(&version.subject)
            .bind(version.version)
            .bind(&version.context)
            .bind(version.schema_id)
            .bind(version.deleted)
            .bind(version.created_at)
    }};
}

/// Binds an event in [`queries::APPEND_EVENT`]'s order, stamped now.
macro_rules! bind_event {
    ($query:expr, $event:expr) => {{
        let event: &Event = $event;
        $query
            .bind(now_millis())
            .bind(event.kind)
            .bind(&event.subject)
            .bind(event.version)
            .bind(&event.context)
            .bind(event.schema_id)
            .bind(&event.principal)
            .bind(&event.remote_addr)
    }};
}

pub(super) async fn put_config(
    db: Exec<'_>,
    scope: &str,
    config: &serde_json::Value,
) -> StoreResult<()> {
    run!(db, |ex| sqlx::query(queries::PUT_CONFIG)
        .bind(scope)
        .bind(config.to_string())
        .execute(ex)
        .await?
        .rows_affected());
    Ok(())
}

pub(super) async fn put_mode(db: Exec<'_>, scope: &str, mode: &str) -> StoreResult<()> {
    run!(db, |ex| sqlx::query(queries::PUT_MODE)
        .bind(scope)
        .bind(mode)
        .execute(ex)
        .await?
        .rows_affected());
    Ok(())
}

pub(super) async fn delete_config(db: Exec<'_>, scope: &str) -> StoreResult<()> {
    run!(db, |ex| sqlx::query(queries::DELETE_CONFIG)
        .bind(scope)
        .execute(ex)
        .await?
        .rows_affected());
    Ok(())
}

pub(super) async fn delete_mode(db: Exec<'_>, scope: &str) -> StoreResult<()> {
    run!(db, |ex| sqlx::query(queries::DELETE_MODE)
        .bind(scope)
        .execute(ex)
        .await?
        .rows_affected());
    Ok(())
}

/// Issues the next id of `context`; [`StoreError::IdsExhausted`] past 2^31-1.
pub(super) async fn next_id(db: Exec<'_>, context: &str) -> StoreResult<i32> {
    let row: Option<(i32,)> = run!(db, |ex| sqlx::query_as(queries::NEXT_ID)
        .bind(context)
        .fetch_optional(ex)
        .await?);
    row.map(|(id,)| id)
        .ok_or_else(|| StoreError::IdsExhausted(context.to_owned()))
}

pub(super) async fn observe_id(db: Exec<'_>, context: &str, id: i32) -> StoreResult<()> {
    run!(db, |ex| sqlx::query(queries::OBSERVE_ID)
        .bind(context)
        .bind(id)
        .execute(ex)
        .await?
        .rows_affected());
    Ok(())
}

/// The `schemas` row only; its references are [`insert_reference`]s.
pub(super) async fn insert_schema(db: Exec<'_>, schema: &SchemaRecord) -> StoreResult<()> {
    let columns = encode_json_columns(schema)?;
    run!(db, |ex| bind_schema!(
        sqlx::query(queries::INSERT_SCHEMA),
        schema,
        &columns
    )
    .execute(ex)
    .await?
    .rows_affected());
    Ok(())
}

/// Reference number `position` of `schema`, for `referencedby` and the delete guard.
pub(super) async fn insert_reference(
    db: Exec<'_>,
    schema: &SchemaRecord,
    position: i32,
    reference: &crate::schema::identity::SchemaReference,
) -> StoreResult<()> {
    run!(db, |ex| sqlx::query(queries::INSERT_REF)
        .bind(&schema.context)
        .bind(schema.id)
        .bind(position)
        .bind(&reference.name)
        .bind(&reference.subject)
        .bind(reference.version)
        .execute(ex)
        .await?
        .rows_affected());
    Ok(())
}

pub(super) async fn insert_version(db: Exec<'_>, version: &VersionRecord) -> StoreResult<()> {
    run!(db, |ex| bind_version!(
        sqlx::query(queries::INSERT_VERSION),
        version
    )
    .execute(ex)
    .await?
    .rows_affected());
    Ok(())
}

pub(super) async fn mark_deleted(db: Exec<'_>, subject: &str, version: i32) -> StoreResult<()> {
    run!(db, |ex| sqlx::query(queries::MARK_DELETED)
        .bind(subject)
        .bind(version)
        .execute(ex)
        .await?
        .rows_affected());
    Ok(())
}

/// Deletes a version record; answers the schema it carried, if it existed.
pub(super) async fn remove_version(
    db: Exec<'_>,
    subject: &str,
    version: i32,
) -> StoreResult<Option<(String, i32)>> {
    Ok(run!(db, |ex| sqlx::query_as(queries::REMOVE_VERSION)
        .bind(subject)
        .bind(version)
        .fetch_optional(ex)
        .await?))
}

/// Deletes schema `id` of `context` if no version carries it (its references go with it).
pub(super) async fn delete_schema_if_unused(
    db: Exec<'_>,
    context: &str,
    id: i32,
) -> StoreResult<()> {
    run!(db, |ex| sqlx::query(queries::DELETE_SCHEMA_IF_UNUSED)
        .bind(context)
        .bind(id)
        .execute(ex)
        .await?
        .rows_affected());
    Ok(())
}

/// Appends `event` to the change log (announcing it is the backend's part).
pub(super) async fn append_event(db: Exec<'_>, event: &Event) -> StoreResult<()> {
    run!(db, |ex| bind_event!(
        sqlx::query(queries::APPEND_EVENT),
        event
    )
    .execute(ex)
    .await?
    .rows_affected());
    Ok(())
}

/// Binds a registration's arguments, in the order of [`queries::RECORD_VERSION_SQLITE`]
/// and its siblings: the version, its event, the announcement (PostgreSQL only, else
/// unused), then the new schema row if there is one.
macro_rules! bind_registration {
    ($query:expr, $rows:expr, $channel:expr, $payload:expr) => {{
        let rows: &Registration<'_> = $rows;
        let query = bind_version!($query, rows.version);
        let query = bind_event!(query, rows.event).bind($channel).bind($payload);
        match &rows.new_schema {
            Some((schema, columns)) => bind_schema!(query, *schema, columns),
            None => query,
        }
    }};
}

/// What a registration writes: a version, its event, and the schema row the version
/// carries when it is new (with its JSON columns encoded).
pub(super) struct Registration<'a> {
    version: &'a VersionRecord,
    event: &'a Event,
    new_schema: Option<(&'a SchemaRecord, JsonColumns)>,
}

/// A schema's `refs`, `metadata` and `rule_set` columns, encoded.
type JsonColumns = (String, Option<String>, Option<String>);

impl<'a> Registration<'a> {
    pub(super) fn new(
        new_schema: Option<&'a SchemaRecord>,
        version: &'a VersionRecord,
        event: &'a Event,
    ) -> StoreResult<Self> {
        let new_schema = match new_schema {
            Some(schema) => Some((schema, encode_json_columns(schema)?)),
            None => None,
        };
        Ok(Registration {
            version,
            event,
            new_schema,
        })
    }

    pub(super) fn event(&self) -> &Event {
        self.event
    }
}

/// Writes `rows` on SQLite in one call to the connection's worker.
pub(super) async fn record_registration_sqlite(
    conn: &mut sqlx::SqliteConnection,
    rows: &Registration<'_>,
) -> StoreResult<()> {
    bind_sqlite_registration(sqlx::query(sqlite_registration_text(rows)), rows)
        .execute(conn)
        .await?;
    Ok(())
}

/// Writes `rows` on SQLite and commits `member`, the writes and the end of the member's
/// turn in one call to the connection's worker.
pub(super) async fn commit_registration_sqlite(
    member: Member,
    rows: &Registration<'_>,
) -> StoreResult<()> {
    member
        .commit_after(sqlite_registration_text(rows), |query| {
            bind_sqlite_registration(query, rows)
        })
        .await
}

/// The statements that write `rows` on SQLite (with the schema row when it is new).
fn sqlite_registration_text(rows: &Registration<'_>) -> &'static str {
    if rows.new_schema.is_some() {
        queries::RECORD_SCHEMA_VERSION_SQLITE
    } else {
        queries::RECORD_VERSION_SQLITE
    }
}

/// `query` (a [`sqlite_registration_text`]) with `rows` bound.
fn bind_sqlite_registration<'q>(
    query: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments>,
    rows: &'q Registration<'q>,
) -> sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments> {
    // Arguments 15 and 16 (the announcement) name no parameter here.
    bind_registration!(query, rows, None::<&'q str>, None::<String>)
}

/// Writes `rows` on PostgreSQL in one statement, which also announces the event on
/// `channel` with `payload` (delivered when the transaction commits).
pub(super) async fn record_registration_postgres(
    conn: &mut sqlx::PgConnection,
    rows: &Registration<'_>,
    channel: &str,
    payload: String,
) -> StoreResult<()> {
    let text = if rows.new_schema.is_some() {
        queries::RECORD_SCHEMA_VERSION_POSTGRES
    } else {
        queries::RECORD_VERSION_POSTGRES
    };
    bind_registration!(sqlx::query(text), rows, channel, payload)
        .execute(conn)
        .await?;
    Ok(())
}
