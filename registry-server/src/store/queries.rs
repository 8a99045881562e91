//! The statement texts both backends run: SQLite and PostgreSQL accept `$N` placeholders,
//! `ON CONFLICT ... DO UPDATE` and `RETURNING`, so each is written once. Listings sort
//! subjects by bytes on both: SQLite compares text bytewise, and PostgreSQL's subject
//! columns have the "C" collation (migration 0002).

pub(super) const SCHEMA_BY_ID: &str = "SELECT context, id, schema_type, schema_text, hash, refs, metadata, rule_set, created_at \
     FROM schemas WHERE context = $1 AND id = $2";
pub(super) const MAX_ID: &str =
    "SELECT CAST(COALESCE(MAX(max_id), 0) AS INTEGER) FROM id_high_water WHERE context = $1";
pub(super) const SUBJECTS: &str = "SELECT subject, \
     CAST(SUM(CASE WHEN deleted THEN 0 ELSE 1 END) AS BIGINT) AS live, CAST(COUNT(*) AS BIGINT) AS total \
     FROM subject_versions GROUP BY subject";
pub(super) const VERSIONS: &str = "SELECT subject, version, context, schema_id, deleted, created_at \
     FROM subject_versions WHERE subject = $1 ORDER BY version";
/// The columns of a version joined with its schema (a macro so `concat!` can extend it).
macro_rules! version_schema_select {
    ($tail:expr) => {
        concat!(
            "SELECT v.subject, v.version, v.context, v.schema_id, v.deleted, v.created_at, ",
            "s.schema_type, s.schema_text, s.hash, s.refs, s.metadata, s.rule_set, s.created_at AS schema_created_at ",
            "FROM subject_versions v JOIN schemas s ON s.context = v.context AND s.id = v.schema_id",
            $tail
        )
    };
}
pub(super) const VERSIONS_WITH_SCHEMAS: &str =
    version_schema_select!(" WHERE v.subject = $1 ORDER BY v.version");
/// Driven by the digest index, not by the subject: a subject may have thousands of versions.
/// (`CROSS JOIN` keeps SQLite's planner from reordering; PostgreSQL treats it as a plain join.)
pub(super) const FIND_BY_HASH: &str = "SELECT v.subject, v.version, v.context, v.schema_id, v.deleted, v.created_at, \
     s.schema_type, s.schema_text, s.hash, s.refs, s.metadata, s.rule_set, s.created_at AS schema_created_at \
     FROM schemas s CROSS JOIN subject_versions v \
     WHERE s.hash = $2 AND v.context = s.context AND v.schema_id = s.id AND v.subject = $1 \
     ORDER BY v.version";
/// What registering under a subject reads before its transaction, in one statement: every
/// version of `$1` ascending, with its schema's columns when that schema has digest `$2`
/// or the version is the latest live one (else NULL). Driven by the subject's versions,
/// each joined by the schema's key.
pub(super) const VERSIONS_FOR_REGISTRATION: &str = "SELECT v.subject, v.version, v.context, v.schema_id, v.deleted, v.created_at, \
     s.schema_type, s.schema_text, s.hash, s.refs, s.metadata, s.rule_set, s.created_at AS schema_created_at \
     FROM subject_versions v LEFT JOIN schemas s ON s.context = v.context AND s.id = v.schema_id \
     AND (s.hash = $2 OR v.version = (SELECT MAX(w.version) FROM subject_versions w \
     WHERE w.subject = $1 AND NOT w.deleted)) \
     WHERE v.subject = $1 ORDER BY v.version";
pub(super) const SCHEMAS_WITH_HASH: &str = "SELECT context, id, schema_type, schema_text, hash, refs, metadata, rule_set, created_at \
     FROM schemas WHERE hash = $1 ORDER BY context, id";
/// The `WHERE` of listings: `$1` a name prefix (empty: any), `$2` 1 for the default context
/// only (names not of the form `:.ctx:name`). `substr`/`length` count characters on both
/// backends, so the prefix test is exact.
macro_rules! subject_filter {
    ($column:literal) => {
        concat!(
            " WHERE ($1 = '' OR substr(",
            $column,
            ", 1, length($1)) = $1)",
            " AND ($2 = 0 OR ",
            $column,
            " NOT LIKE ':.%:%')"
        )
    };
}
/// A page of subject names; `$3` is the [`DeletedFilter`](super::DeletedFilter) code.
pub(super) const SUBJECTS_PAGE: &str = concat!(
    "SELECT subject FROM subject_versions",
    subject_filter!("subject"),
    " GROUP BY subject HAVING CASE $3",
    " WHEN 0 THEN SUM(CASE WHEN deleted THEN 0 ELSE 1 END) > 0",
    " WHEN 2 THEN SUM(CASE WHEN deleted THEN 0 ELSE 1 END) = 0",
    " ELSE TRUE END",
    " ORDER BY subject LIMIT $4 OFFSET $5"
);
/// A page of versions with their schemas: `$3` true to include soft-deleted versions,
/// `$4` true for each subject's highest selected version only.
pub(super) const SCHEMAS_PAGE: &str = version_schema_select!(concat!(
    subject_filter!("v.subject"),
    " AND ($3 OR NOT v.deleted)",
    " AND (NOT $4 OR v.version = (SELECT MAX(w.version) FROM subject_versions w",
    " WHERE w.subject = v.subject AND ($3 OR NOT w.deleted)))",
    " ORDER BY v.subject, v.version LIMIT $5 OFFSET $6"
));
/// A page of the versions carrying one id: `$1` context, `$2` id, `$3` true to include
/// soft-deleted versions.
pub(super) const USAGES_PAGE: &str = "SELECT subject, version, context, schema_id, deleted, created_at \
     FROM subject_versions WHERE context = $1 AND schema_id = $2 AND ($3 OR NOT deleted) \
     ORDER BY subject, version LIMIT $4 OFFSET $5";
/// The subjects of [`USAGES_PAGE`], each once.
pub(super) const USAGE_SUBJECTS_PAGE: &str = "SELECT subject FROM subject_versions \
     WHERE context = $1 AND schema_id = $2 AND ($3 OR NOT deleted) \
     GROUP BY subject ORDER BY subject LIMIT $4 OFFSET $5";
/// What a registration reads once its locks are held, as `(kind, number, version columns)`
/// rows: kind 0 holds the highest version number of subject `$1` (0 for none), kind 1 a
/// live version of it, kind 2 (number only) the id of a schema with digest `$3` in context
/// `$2`, unordered (the caller sorts). A macro so that both variants below share it; `$live`
/// picks the live versions.
macro_rules! registration_reads {
    ($live:expr) => {
        concat!(
            "SELECT 0, CAST(COALESCE(MAX(version), 0) AS INTEGER), ",
            "NULL, NULL, NULL, NULL, NULL, NULL FROM subject_versions WHERE subject = $1 ",
            "UNION ALL SELECT 1, 0, subject, version, context, schema_id, deleted, created_at ",
            "FROM subject_versions WHERE subject = $1 AND ",
            $live,
            " UNION ALL SELECT 2, id, NULL, NULL, NULL, NULL, NULL, NULL ",
            "FROM schemas WHERE context = $2 AND hash = $3"
        )
    };
}
/// [`registration_reads!`] with every live version.
pub(super) const REGISTRATION_READS: &str = registration_reads!("NOT deleted");
/// [`registration_reads!`] with the latest live version only.
pub(super) const REGISTRATION_READS_LATEST: &str = registration_reads!(
    "version = (SELECT MAX(version) FROM subject_versions WHERE subject = $1 AND NOT deleted)"
);
pub(super) const VERSIONS_WITH_ID: &str = "SELECT subject, version, context, schema_id, deleted, created_at \
     FROM subject_versions WHERE subject = $1 AND schema_id = $2";
pub(super) const ONE_VERSION: &str = "SELECT subject, version, context, schema_id, deleted, created_at \
     FROM subject_versions WHERE subject = $1 AND version = $2";
pub(super) const USAGES: &str = "SELECT subject, version, context, schema_id, deleted, created_at \
     FROM subject_versions WHERE context = $1 AND schema_id = $2 ORDER BY subject, version";
pub(super) const REFERRERS: &str = "SELECT DISTINCT r.context, r.schema_id, \
     NOT EXISTS (SELECT 1 FROM subject_versions v WHERE v.context = r.context AND v.schema_id = r.schema_id AND NOT v.deleted) AS all_deleted \
     FROM schema_refs r WHERE r.ref_subject = $1 AND r.ref_version = $2 \
     AND EXISTS (SELECT 1 FROM subject_versions v WHERE v.context = r.context AND v.schema_id = r.schema_id) \
     ORDER BY r.schema_id";
/// The first context after `$1`: one index seek (`contexts` walks them this way, never
/// scanning the schemas table).
pub(super) const NEXT_CONTEXT: &str = "SELECT MIN(context) FROM schemas WHERE context > $1";
pub(super) const CONFIG: &str = "SELECT config FROM configs WHERE scope = $1";
pub(super) const PUT_CONFIG: &str = "INSERT INTO configs (scope, config) VALUES ($1, $2) \
     ON CONFLICT (scope) DO UPDATE SET config = excluded.config";
/// The modes and configs of three scopes (`$1`..`$3`), as `(kind, scope, value)`.
pub(super) const SETTINGS_OF_SCOPES: &str = "SELECT CAST('mode' AS TEXT), scope, mode FROM modes \
     WHERE scope IN ($1, $2, $3, $4) \
     UNION ALL SELECT CAST('config' AS TEXT), scope, config FROM configs WHERE scope IN ($1, $2, $3, $4)";
pub(super) const MODE: &str = "SELECT mode FROM modes WHERE scope = $1";
pub(super) const PUT_MODE: &str = "INSERT INTO modes (scope, mode) VALUES ($1, $2) \
     ON CONFLICT (scope) DO UPDATE SET mode = excluded.mode";
pub(super) const IDS_WITH_HASH: &str =
    "SELECT id FROM schemas WHERE context = $1 AND hash = $2 ORDER BY id";
/// No row comes back once 2^31-1 has been issued: the increment would overflow the column
/// (PostgreSQL) or the id type (SQLite stores 64 bits).
pub(super) const NEXT_ID: &str = "INSERT INTO id_high_water (context, max_id) VALUES ($1, 1) \
     ON CONFLICT (context) DO UPDATE SET max_id = id_high_water.max_id + 1 \
     WHERE id_high_water.max_id < 2147483647 RETURNING max_id";
pub(super) const OBSERVE_ID: &str = "INSERT INTO id_high_water (context, max_id) VALUES ($1, $2) \
     ON CONFLICT (context) DO UPDATE SET max_id = \
     CASE WHEN id_high_water.max_id < excluded.max_id THEN excluded.max_id ELSE id_high_water.max_id END";
pub(super) const INSERT_SCHEMA: &str = "INSERT INTO schemas \
     (context, id, schema_type, schema_text, hash, refs, metadata, rule_set, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
pub(super) const INSERT_REF: &str = "INSERT INTO schema_refs (context, schema_id, position, name, ref_subject, ref_version) \
     VALUES ($1, $2, $3, $4, $5, $6)";
pub(super) const INSERT_VERSION: &str = "INSERT INTO subject_versions \
     (subject, version, context, schema_id, deleted, created_at) VALUES ($1, $2, $3, $4, $5, $6)";
pub(super) const MARK_DELETED: &str =
    "UPDATE subject_versions SET deleted = TRUE WHERE subject = $1 AND version = $2";
pub(super) const REMOVE_VERSION: &str =
    "DELETE FROM subject_versions WHERE subject = $1 AND version = $2 RETURNING context, schema_id";
pub(super) const SCHEMA_HASH: &str = "SELECT hash FROM schemas WHERE context = $1 AND id = $2";
/// Deletes a schema row no version carries. Takes its `schema_refs` rows with it (ON
/// DELETE CASCADE); a version carrying it would refuse the delete (the foreign key).
pub(super) const DELETE_SCHEMA_IF_UNUSED: &str = "DELETE FROM schemas WHERE context = $1 AND id = $2 \
     AND NOT EXISTS (SELECT 1 FROM subject_versions v WHERE v.context = $1 AND v.schema_id = $2)";
pub(super) const DELETE_CONFIG: &str = "DELETE FROM configs WHERE scope = $1";
pub(super) const DELETE_MODE: &str = "DELETE FROM modes WHERE scope = $1";
pub(super) const APPEND_EVENT: &str = "INSERT INTO events \
     (at, kind, subject, version, context, schema_id, principal, remote_addr) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
/// The audit trail, newest first; one subject's when `$1` is not NULL.
pub(super) const EVENTS_PAGE: &str = "SELECT seq, at, kind, subject, version, context, schema_id, principal, remote_addr \
     FROM events WHERE CAST($1 AS TEXT) IS NULL OR subject = $1 ORDER BY seq DESC LIMIT $2 OFFSET $3";
/// A registration's rows in one round trip: the version (`$1`..`$6`, as [`INSERT_VERSION`])
/// and its event (`$7`..`$14`, as [`APPEND_EVENT`]). On SQLite, statements that sqlx runs in
/// turn (`$N` is the N-th argument in each); on PostgreSQL, one statement whose `WITH`
/// clauses all run, which also announces the event (`$15` the channel, `$16` the payload).
pub(super) const RECORD_VERSION_SQLITE: &str = "INSERT INTO subject_versions \
     (subject, version, context, schema_id, deleted, created_at) VALUES ($1, $2, $3, $4, $5, $6); \
     INSERT INTO events (at, kind, subject, version, context, schema_id, principal, remote_addr) \
     VALUES ($7, $8, $9, $10, $11, $12, $13, $14)";
pub(super) const RECORD_VERSION_POSTGRES: &str = "WITH version AS (INSERT INTO subject_versions \
     (subject, version, context, schema_id, deleted, created_at) VALUES ($1, $2, $3, $4, $5, $6)), \
     event AS (INSERT INTO events (at, kind, subject, version, context, schema_id, principal, remote_addr) \
     VALUES ($7, $8, $9, $10, $11, $12, $13, $14)) \
     SELECT pg_notify($15, $16)";
/// [`RECORD_VERSION_SQLITE`] and [`RECORD_VERSION_POSTGRES`] with the version's new schema
/// row first (`$17`..`$25`, as [`INSERT_SCHEMA`]; its references are inserted after).
pub(super) const RECORD_SCHEMA_VERSION_SQLITE: &str = "INSERT INTO schemas \
     (context, id, schema_type, schema_text, hash, refs, metadata, rule_set, created_at) \
     VALUES ($17, $18, $19, $20, $21, $22, $23, $24, $25); \
     INSERT INTO subject_versions \
     (subject, version, context, schema_id, deleted, created_at) VALUES ($1, $2, $3, $4, $5, $6); \
     INSERT INTO events (at, kind, subject, version, context, schema_id, principal, remote_addr) \
     VALUES ($7, $8, $9, $10, $11, $12, $13, $14)";
/// The version's foreign key is checked at the end of the statement, when the schema row
/// its first clause inserts is there.
pub(super) const RECORD_SCHEMA_VERSION_POSTGRES: &str = "WITH schema AS (INSERT INTO schemas \
     (context, id, schema_type, schema_text, hash, refs, metadata, rule_set, created_at) \
     VALUES ($17, $18, $19, $20, $21, $22, $23, $24, $25)), \
     version AS (INSERT INTO subject_versions \
     (subject, version, context, schema_id, deleted, created_at) VALUES ($1, $2, $3, $4, $5, $6)), \
     event AS (INSERT INTO events (at, kind, subject, version, context, schema_id, principal, remote_addr) \
     VALUES ($7, $8, $9, $10, $11, $12, $13, $14)) \
     SELECT pg_notify($15, $16)";
