//! SQL shared by both backends, and the macro that implements [`Store`] and [`WriteTx`]
//! once for each of them.
//!
//! Both SQLite and PostgreSQL accept `$N` placeholders, `ON CONFLICT ... DO UPDATE` and
//! `RETURNING`, so the statements are written once here. Each backend file supplies only
//! what differs: opening a write transaction, taking a lock, and announcing an event.
//!
//! [`Store`]: super::Store
//! [`WriteTx`]: super::WriteTx

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
/// `$order` makes PostgreSQL sort by bytes as SQLite does, whatever the database collation.
macro_rules! subjects_page {
    ($order:literal) => {
        concat!(
            "SELECT subject FROM subject_versions",
            subject_filter!("subject"),
            " GROUP BY subject HAVING CASE $3",
            " WHEN 0 THEN SUM(CASE WHEN deleted THEN 0 ELSE 1 END) > 0",
            " WHEN 2 THEN SUM(CASE WHEN deleted THEN 0 ELSE 1 END) = 0",
            " ELSE TRUE END",
            " ORDER BY subject",
            $order,
            " LIMIT $4 OFFSET $5"
        )
    };
}
pub(super) const SUBJECTS_PAGE_SQLITE: &str = subjects_page!("");
pub(super) const SUBJECTS_PAGE_POSTGRES: &str = subjects_page!(" COLLATE \"C\"");
/// A page of versions with their schemas: `$3` true to include soft-deleted versions,
/// `$4` true for each subject's highest selected version only.
macro_rules! schemas_page {
    ($order:literal) => {
        version_schema_select!(concat!(
            subject_filter!("v.subject"),
            " AND ($3 OR NOT v.deleted)",
            " AND (NOT $4 OR v.version = (SELECT MAX(w.version) FROM subject_versions w",
            " WHERE w.subject = v.subject AND ($3 OR NOT w.deleted)))",
            " ORDER BY v.subject",
            $order,
            ", v.version LIMIT $5 OFFSET $6"
        ))
    };
}
/// A page of the versions carrying one id: `$1` context, `$2` id, `$3` true to include
/// soft-deleted versions.
macro_rules! usages_page {
    ($order:literal) => {
        concat!(
            "SELECT subject, version, context, schema_id, deleted, created_at FROM subject_versions",
            " WHERE context = $1 AND schema_id = $2 AND ($3 OR NOT deleted)",
            " ORDER BY subject", $order, ", version LIMIT $4 OFFSET $5"
        )
    };
}
pub(super) const USAGES_PAGE_SQLITE: &str = usages_page!("");
pub(super) const USAGES_PAGE_POSTGRES: &str = usages_page!(" COLLATE \"C\"");
/// The subjects of [`USAGES_PAGE_SQLITE`], each once.
macro_rules! usage_subjects_page {
    ($order:literal) => {
        concat!(
            "SELECT subject FROM subject_versions",
            " WHERE context = $1 AND schema_id = $2 AND ($3 OR NOT deleted)",
            " GROUP BY subject ORDER BY subject",
            $order,
            " LIMIT $4 OFFSET $5"
        )
    };
}
pub(super) const USAGE_SUBJECTS_PAGE_SQLITE: &str = usage_subjects_page!("");
pub(super) const USAGE_SUBJECTS_PAGE_POSTGRES: &str = usage_subjects_page!(" COLLATE \"C\"");
pub(super) const SCHEMAS_PAGE_SQLITE: &str = schemas_page!("");
pub(super) const SCHEMAS_PAGE_POSTGRES: &str = schemas_page!(" COLLATE \"C\"");
pub(super) const MAX_VERSION: &str =
    "SELECT CAST(COALESCE(MAX(version), 0) AS INTEGER) FROM subject_versions WHERE subject = $1";
pub(super) const LIVE_VERSIONS: &str = "SELECT subject, version, context, schema_id, deleted, created_at \
     FROM subject_versions WHERE subject = $1 AND NOT deleted ORDER BY version";
pub(super) const LATEST_LIVE_VERSION: &str = "SELECT subject, version, context, schema_id, deleted, created_at \
     FROM subject_versions WHERE subject = $1 AND NOT deleted ORDER BY version DESC LIMIT 1";
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
pub(super) const CONTEXTS: &str = "SELECT DISTINCT context FROM schemas ORDER BY context";
pub(super) const CONFIG: &str = "SELECT config FROM configs WHERE scope = $1";
pub(super) const PUT_CONFIG: &str = "INSERT INTO configs (scope, config) VALUES ($1, $2) \
     ON CONFLICT (scope) DO UPDATE SET config = excluded.config";
pub(super) const DELETE_CONFIG: &str = "DELETE FROM configs WHERE scope = $1 RETURNING config";
/// The modes and configs of three scopes (`$1`..`$3`), as `(kind, scope, value)`.
pub(super) const SETTINGS_OF_SCOPES: &str = "SELECT CAST('mode' AS TEXT), scope, mode FROM modes \
     WHERE scope IN ($1, $2, $3) \
     UNION ALL SELECT CAST('config' AS TEXT), scope, config FROM configs WHERE scope IN ($1, $2, $3)";
pub(super) const MODE: &str = "SELECT mode FROM modes WHERE scope = $1";
pub(super) const PUT_MODE: &str = "INSERT INTO modes (scope, mode) VALUES ($1, $2) \
     ON CONFLICT (scope) DO UPDATE SET mode = excluded.mode";
pub(super) const DELETE_MODE: &str = "DELETE FROM modes WHERE scope = $1 RETURNING mode";
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
pub(super) const SCHEMA_IN_USE: &str =
    "SELECT CAST(COUNT(*) AS BIGINT) FROM subject_versions WHERE context = $1 AND schema_id = $2";
pub(super) const DELETE_SCHEMA_REFS: &str =
    "DELETE FROM schema_refs WHERE context = $1 AND schema_id = $2";
pub(super) const DELETE_SCHEMA: &str = "DELETE FROM schemas WHERE context = $1 AND id = $2";
pub(super) const DELETE_CONFIG_IN_TX: &str = "DELETE FROM configs WHERE scope = $1";
pub(super) const DELETE_MODE_IN_TX: &str = "DELETE FROM modes WHERE scope = $1";
pub(super) const APPEND_EVENT: &str = "INSERT INTO events (at, kind, subject, version, context, schema_id) \
     VALUES ($1, $2, $3, $4, $5, $6)";

/// Implements `Store` for `$store` and `WriteTx` for `$tx` over database `$db`.
///
/// `$store` must have a `pool` field and an inherent `open_write(&self, &[&str])`;
/// `$tx` must have a `tx` field that dereferences to `$db`'s connection and has an async
/// `commit` (a `sqlx::Transaction`, or SQLite's group-commit member), and inherent
/// `take_lock(&mut self, &str)`, `take_shared_locks(&mut self, [String; 3])` and
/// `announce(&mut self, &Event)` methods.
macro_rules! impl_sql_store {
    ($store:ty, $tx:ty, $db:ty, $backend:literal) => {
        #[async_trait::async_trait]
        impl $crate::store::Store for $store {
            fn backend(&self) -> &'static str {
                $backend
            }

            async fn ping(&self) -> $crate::store::StoreResult<()> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            async fn schema(
                &self,
                context: &str,
                id: i32,
            ) -> $crate::store::StoreResult<Option<$crate::store::SchemaRecord>> {
                let row: Option<$crate::store::records::SchemaRow> =
                    sqlx::query_as($crate::store::sql::SCHEMA_BY_ID)
                        .bind(context)
                        .bind(id)
                        .fetch_optional(&self.pool)
                        .await?;
                row.map($crate::store::SchemaRecord::try_from).transpose()
            }

            async fn max_schema_id(&self, context: &str) -> $crate::store::StoreResult<i32> {
                let (max,): (i32,) = sqlx::query_as($crate::store::sql::MAX_ID)
                    .bind(context)
                    .fetch_one(&self.pool)
                    .await?;
                Ok(max)
            }

            async fn subjects(
                &self,
            ) -> $crate::store::StoreResult<Vec<$crate::store::SubjectSummary>> {
                let mut subjects: Vec<$crate::store::SubjectSummary> =
                    sqlx::query_as($crate::store::sql::SUBJECTS)
                        .fetch_all(&self.pool)
                        .await?;
                // Sorted here, by bytes: a database collation would order differently per backend.
                subjects.sort_by(|a, b| a.subject.cmp(&b.subject));
                Ok(subjects)
            }

            async fn versions(
                &self,
                subject: &str,
            ) -> $crate::store::StoreResult<Vec<$crate::store::VersionRecord>> {
                Ok(sqlx::query_as($crate::store::sql::VERSIONS)
                    .bind(subject)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn versions_with_schemas(
                &self,
                subject: &str,
            ) -> $crate::store::StoreResult<
                Vec<($crate::store::VersionRecord, $crate::store::SchemaRecord)>,
            > {
                let rows: Vec<$crate::store::records::VersionSchemaRow> =
                    sqlx::query_as($crate::store::sql::VERSIONS_WITH_SCHEMAS)
                        .bind(subject)
                        .fetch_all(&self.pool)
                        .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn find_by_hash(
                &self,
                subject: &str,
                hash: &str,
            ) -> $crate::store::StoreResult<
                Vec<($crate::store::VersionRecord, $crate::store::SchemaRecord)>,
            > {
                let rows: Vec<$crate::store::records::VersionSchemaRow> =
                    sqlx::query_as($crate::store::sql::FIND_BY_HASH)
                        .bind(subject)
                        .bind(hash)
                        .fetch_all(&self.pool)
                        .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn schemas_with_hash(
                &self,
                hash: &str,
            ) -> $crate::store::StoreResult<Vec<$crate::store::SchemaRecord>> {
                let rows: Vec<$crate::store::records::SchemaRow> =
                    sqlx::query_as($crate::store::sql::SCHEMAS_WITH_HASH)
                        .bind(hash)
                        .fetch_all(&self.pool)
                        .await?;
                rows.into_iter()
                    .map($crate::store::SchemaRecord::try_from)
                    .collect()
            }

            async fn subjects_page(
                &self,
                filter: &$crate::store::SubjectFilter,
                page: $crate::domain::Page,
            ) -> $crate::store::StoreResult<Vec<String>> {
                let sql = if $backend == "postgres" {
                    $crate::store::sql::SUBJECTS_PAGE_POSTGRES
                } else {
                    $crate::store::sql::SUBJECTS_PAGE_SQLITE
                };
                let rows: Vec<(String,)> = sqlx::query_as(sql)
                    .bind(&filter.prefix)
                    .bind(i32::from(filter.default_context_only))
                    .bind(filter.deleted.code())
                    .bind(page.sql_limit())
                    .bind(page.sql_offset())
                    .fetch_all(&self.pool)
                    .await?;
                Ok(rows.into_iter().map(|(s,)| s).collect())
            }

            async fn schemas_page(
                &self,
                filter: &$crate::store::SubjectFilter,
                latest_only: bool,
                page: $crate::domain::Page,
            ) -> $crate::store::StoreResult<
                Vec<($crate::store::VersionRecord, $crate::store::SchemaRecord)>,
            > {
                let sql = if $backend == "postgres" {
                    $crate::store::sql::SCHEMAS_PAGE_POSTGRES
                } else {
                    $crate::store::sql::SCHEMAS_PAGE_SQLITE
                };
                let rows: Vec<$crate::store::records::VersionSchemaRow> = sqlx::query_as(sql)
                    .bind(&filter.prefix)
                    .bind(i32::from(filter.default_context_only))
                    .bind(filter.deleted != $crate::store::DeletedFilter::Exclude)
                    .bind(latest_only)
                    .bind(page.sql_limit())
                    .bind(page.sql_offset())
                    .fetch_all(&self.pool)
                    .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn usages(
                &self,
                context: &str,
                id: i32,
            ) -> $crate::store::StoreResult<Vec<$crate::store::VersionRecord>> {
                Ok(sqlx::query_as($crate::store::sql::USAGES)
                    .bind(context)
                    .bind(id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn usages_page(
                &self,
                context: &str,
                id: i32,
                include_deleted: bool,
                page: $crate::domain::Page,
            ) -> $crate::store::StoreResult<Vec<$crate::store::VersionRecord>> {
                let sql = if $backend == "postgres" {
                    $crate::store::sql::USAGES_PAGE_POSTGRES
                } else {
                    $crate::store::sql::USAGES_PAGE_SQLITE
                };
                Ok(sqlx::query_as(sql)
                    .bind(context)
                    .bind(id)
                    .bind(include_deleted)
                    .bind(page.sql_limit())
                    .bind(page.sql_offset())
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn usage_subjects_page(
                &self,
                context: &str,
                id: i32,
                include_deleted: bool,
                page: $crate::domain::Page,
            ) -> $crate::store::StoreResult<Vec<String>> {
                let sql = if $backend == "postgres" {
                    $crate::store::sql::USAGE_SUBJECTS_PAGE_POSTGRES
                } else {
                    $crate::store::sql::USAGE_SUBJECTS_PAGE_SQLITE
                };
                let rows: Vec<(String,)> = sqlx::query_as(sql)
                    .bind(context)
                    .bind(id)
                    .bind(include_deleted)
                    .bind(page.sql_limit())
                    .bind(page.sql_offset())
                    .fetch_all(&self.pool)
                    .await?;
                Ok(rows.into_iter().map(|(s,)| s).collect())
            }

            async fn referrers(
                &self,
                subject: &str,
                version: i32,
            ) -> $crate::store::StoreResult<Vec<$crate::store::Referrer>> {
                Ok(sqlx::query_as($crate::store::sql::REFERRERS)
                    .bind(subject)
                    .bind(version)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn contexts(&self) -> $crate::store::StoreResult<Vec<String>> {
                let rows: Vec<(String,)> = sqlx::query_as($crate::store::sql::CONTEXTS)
                    .fetch_all(&self.pool)
                    .await?;
                Ok(rows.into_iter().map(|(c,)| c).collect())
            }

            async fn config(
                &self,
                scope: &str,
            ) -> $crate::store::StoreResult<Option<serde_json::Value>> {
                let row: Option<(String,)> = sqlx::query_as($crate::store::sql::CONFIG)
                    .bind(scope)
                    .fetch_optional(&self.pool)
                    .await?;
                $crate::store::records::config_column(row)
            }

            async fn put_config(
                &self,
                scope: &str,
                config: &serde_json::Value,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query($crate::store::sql::PUT_CONFIG)
                    .bind(scope)
                    .bind(config.to_string())
                    .execute(&self.pool)
                    .await?;
                self.announce_settings(scope).await
            }

            async fn delete_config(
                &self,
                scope: &str,
            ) -> $crate::store::StoreResult<Option<serde_json::Value>> {
                let row: Option<(String,)> = sqlx::query_as($crate::store::sql::DELETE_CONFIG)
                    .bind(scope)
                    .fetch_optional(&self.pool)
                    .await?;
                self.announce_settings(scope).await?;
                $crate::store::records::config_column(row)
            }

            async fn mode(&self, scope: &str) -> $crate::store::StoreResult<Option<String>> {
                let row: Option<(String,)> = sqlx::query_as($crate::store::sql::MODE)
                    .bind(scope)
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(row.map(|(m,)| m))
            }

            async fn put_mode(&self, scope: &str, mode: &str) -> $crate::store::StoreResult<()> {
                sqlx::query($crate::store::sql::PUT_MODE)
                    .bind(scope)
                    .bind(mode)
                    .execute(&self.pool)
                    .await?;
                self.announce_settings(scope).await
            }

            async fn delete_mode(&self, scope: &str) -> $crate::store::StoreResult<Option<String>> {
                let row: Option<(String,)> = sqlx::query_as($crate::store::sql::DELETE_MODE)
                    .bind(scope)
                    .fetch_optional(&self.pool)
                    .await?;
                self.announce_settings(scope).await?;
                Ok(row.map(|(m,)| m))
            }

            async fn begin_write(
                &self,
                lock_keys: &[&str],
            ) -> $crate::store::StoreResult<Box<dyn $crate::store::WriteTx>> {
                Ok(Box::new(self.open_write(lock_keys).await?))
            }

            fn spawn_change_listener(
                &self,
                sink: std::sync::Arc<dyn $crate::store::ChangeSink>,
            ) -> Option<tokio::task::JoinHandle<()>> {
                self.listen_for_changes(sink)
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::WriteTx for $tx {
            async fn lock_key(&mut self, key: &str) -> $crate::store::StoreResult<()> {
                self.take_lock(key).await
            }

            async fn obey_settings(
                &mut self,
                scopes: &[String],
            ) -> $crate::store::StoreResult<$crate::store::ScopeSettings> {
                let Some(scopes) = $crate::store::records::padded_scopes(scopes) else {
                    return Err($crate::store::StoreError::Corrupt(format!(
                        "{} settings scopes",
                        scopes.len()
                    )));
                };
                self.take_shared_locks(scopes.map($crate::store::settings_lock_key))
                    .await?;
                let rows: Vec<(String, String, String)> =
                    sqlx::query_as($crate::store::sql::SETTINGS_OF_SCOPES)
                        .bind(scopes[0])
                        .bind(scopes[1])
                        .bind(scopes[2])
                        .fetch_all(&mut *self.tx)
                        .await?;
                $crate::store::ScopeSettings::from_rows(rows)
            }

            async fn config(
                &mut self,
                scope: &str,
            ) -> $crate::store::StoreResult<Option<serde_json::Value>> {
                let row: Option<(String,)> = sqlx::query_as($crate::store::sql::CONFIG)
                    .bind(scope)
                    .fetch_optional(&mut *self.tx)
                    .await?;
                $crate::store::records::config_column(row)
            }

            async fn put_config(
                &mut self,
                scope: &str,
                config: &serde_json::Value,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query($crate::store::sql::PUT_CONFIG)
                    .bind(scope)
                    .bind(config.to_string())
                    .execute(&mut *self.tx)
                    .await?;
                Ok(())
            }

            async fn mode(&mut self, scope: &str) -> $crate::store::StoreResult<Option<String>> {
                let row: Option<(String,)> = sqlx::query_as($crate::store::sql::MODE)
                    .bind(scope)
                    .fetch_optional(&mut *self.tx)
                    .await?;
                Ok(row.map(|(m,)| m))
            }

            async fn put_mode(
                &mut self,
                scope: &str,
                mode: &str,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query($crate::store::sql::PUT_MODE)
                    .bind(scope)
                    .bind(mode)
                    .execute(&mut *self.tx)
                    .await?;
                Ok(())
            }

            async fn versions(
                &mut self,
                subject: &str,
            ) -> $crate::store::StoreResult<Vec<$crate::store::VersionRecord>> {
                Ok(sqlx::query_as($crate::store::sql::VERSIONS)
                    .bind(subject)
                    .fetch_all(&mut *self.tx)
                    .await?)
            }

            async fn max_version(&mut self, subject: &str) -> $crate::store::StoreResult<i32> {
                let (max,): (i32,) = sqlx::query_as($crate::store::sql::MAX_VERSION)
                    .bind(subject)
                    .fetch_one(&mut *self.tx)
                    .await?;
                Ok(max)
            }

            async fn live_versions(
                &mut self,
                subject: &str,
                latest_only: bool,
            ) -> $crate::store::StoreResult<Vec<$crate::store::VersionRecord>> {
                let sql = if latest_only {
                    $crate::store::sql::LATEST_LIVE_VERSION
                } else {
                    $crate::store::sql::LIVE_VERSIONS
                };
                Ok(sqlx::query_as(sql)
                    .bind(subject)
                    .fetch_all(&mut *self.tx)
                    .await?)
            }

            async fn versions_with_id(
                &mut self,
                subject: &str,
                id: i32,
            ) -> $crate::store::StoreResult<Vec<$crate::store::VersionRecord>> {
                // Unordered in SQL so the (subject, schema_id) index serves it; few rows.
                let mut rows: Vec<$crate::store::VersionRecord> =
                    sqlx::query_as($crate::store::sql::VERSIONS_WITH_ID)
                        .bind(subject)
                        .bind(id)
                        .fetch_all(&mut *self.tx)
                        .await?;
                rows.sort_by_key(|v| v.version);
                Ok(rows)
            }

            async fn version(
                &mut self,
                subject: &str,
                version: i32,
            ) -> $crate::store::StoreResult<Option<$crate::store::VersionRecord>> {
                Ok(sqlx::query_as($crate::store::sql::ONE_VERSION)
                    .bind(subject)
                    .bind(version)
                    .fetch_optional(&mut *self.tx)
                    .await?)
            }

            async fn schema(
                &mut self,
                context: &str,
                id: i32,
            ) -> $crate::store::StoreResult<Option<$crate::store::SchemaRecord>> {
                let row: Option<$crate::store::records::SchemaRow> =
                    sqlx::query_as($crate::store::sql::SCHEMA_BY_ID)
                        .bind(context)
                        .bind(id)
                        .fetch_optional(&mut *self.tx)
                        .await?;
                row.map($crate::store::SchemaRecord::try_from).transpose()
            }

            async fn ids_with_hash(
                &mut self,
                context: &str,
                hash: &str,
            ) -> $crate::store::StoreResult<Vec<i32>> {
                let rows: Vec<(i32,)> = sqlx::query_as($crate::store::sql::IDS_WITH_HASH)
                    .bind(context)
                    .bind(hash)
                    .fetch_all(&mut *self.tx)
                    .await?;
                Ok(rows.into_iter().map(|(id,)| id).collect())
            }

            async fn next_id(&mut self, context: &str) -> $crate::store::StoreResult<i32> {
                let row: Option<(i32,)> = sqlx::query_as($crate::store::sql::NEXT_ID)
                    .bind(context)
                    .fetch_optional(&mut *self.tx)
                    .await?;
                row.map(|(id,)| id)
                    .ok_or_else(|| $crate::store::StoreError::IdsExhausted(context.to_owned()))
            }

            async fn observe_id(
                &mut self,
                context: &str,
                id: i32,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query($crate::store::sql::OBSERVE_ID)
                    .bind(context)
                    .bind(id)
                    .execute(&mut *self.tx)
                    .await?;
                Ok(())
            }

            async fn insert_schema(
                &mut self,
                schema: &$crate::store::SchemaRecord,
            ) -> $crate::store::StoreResult<()> {
                let (refs, metadata, rule_set) =
                    $crate::store::records::encode_json_columns(schema)?;
                sqlx::query($crate::store::sql::INSERT_SCHEMA)
                    .bind(&schema.context)
                    .bind(schema.id)
                    .bind(schema.schema_type.as_str())
                    .bind(&schema.schema)
                    .bind(&schema.hash)
                    .bind(refs)
                    .bind(metadata)
                    .bind(rule_set)
                    .bind(schema.created_at)
                    .execute(&mut *self.tx)
                    .await?;
                for (position, reference) in (0i32..).zip(&schema.references) {
                    sqlx::query($crate::store::sql::INSERT_REF)
                        .bind(&schema.context)
                        .bind(schema.id)
                        .bind(position)
                        .bind(&reference.name)
                        .bind(&reference.subject)
                        .bind(reference.version)
                        .execute(&mut *self.tx)
                        .await?;
                }
                Ok(())
            }

            async fn insert_version(
                &mut self,
                version: &$crate::store::VersionRecord,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query($crate::store::sql::INSERT_VERSION)
                    .bind(&version.subject)
                    .bind(version.version)
                    .bind(&version.context)
                    .bind(version.schema_id)
                    .bind(version.deleted)
                    .bind(version.created_at)
                    .execute(&mut *self.tx)
                    .await?;
                Ok(())
            }

            async fn mark_deleted(
                &mut self,
                subject: &str,
                version: i32,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query($crate::store::sql::MARK_DELETED)
                    .bind(subject)
                    .bind(version)
                    .execute(&mut *self.tx)
                    .await?;
                Ok(())
            }

            async fn remove_version(
                &mut self,
                subject: &str,
                version: i32,
            ) -> $crate::store::StoreResult<()> {
                let removed: Option<(String, i32)> =
                    sqlx::query_as($crate::store::sql::REMOVE_VERSION)
                        .bind(subject)
                        .bind(version)
                        .fetch_optional(&mut *self.tx)
                        .await?;
                let Some((context, schema_id)) = removed else {
                    return Ok(());
                };
                // A registration holding this schema's digest lock may be about to reuse
                // the id: wait for it before deciding the row is unused.
                let hash: Option<(String,)> = sqlx::query_as($crate::store::sql::SCHEMA_HASH)
                    .bind(&context)
                    .bind(schema_id)
                    .fetch_optional(&mut *self.tx)
                    .await?;
                let Some((hash,)) = hash else {
                    return Ok(());
                };
                self.take_lock(&$crate::store::digest_lock_key(&context, &hash))
                    .await?;
                let (in_use,): (i64,) = sqlx::query_as($crate::store::sql::SCHEMA_IN_USE)
                    .bind(&context)
                    .bind(schema_id)
                    .fetch_one(&mut *self.tx)
                    .await?;
                if in_use == 0 {
                    sqlx::query($crate::store::sql::DELETE_SCHEMA_REFS)
                        .bind(&context)
                        .bind(schema_id)
                        .execute(&mut *self.tx)
                        .await?;
                    sqlx::query($crate::store::sql::DELETE_SCHEMA)
                        .bind(&context)
                        .bind(schema_id)
                        .execute(&mut *self.tx)
                        .await?;
                }
                Ok(())
            }

            async fn referrers(
                &mut self,
                subject: &str,
                version: i32,
            ) -> $crate::store::StoreResult<Vec<$crate::store::Referrer>> {
                Ok(sqlx::query_as($crate::store::sql::REFERRERS)
                    .bind(subject)
                    .bind(version)
                    .fetch_all(&mut *self.tx)
                    .await?)
            }

            async fn delete_config(&mut self, scope: &str) -> $crate::store::StoreResult<()> {
                sqlx::query($crate::store::sql::DELETE_CONFIG_IN_TX)
                    .bind(scope)
                    .execute(&mut *self.tx)
                    .await?;
                Ok(())
            }

            async fn delete_mode(&mut self, scope: &str) -> $crate::store::StoreResult<()> {
                sqlx::query($crate::store::sql::DELETE_MODE_IN_TX)
                    .bind(scope)
                    .execute(&mut *self.tx)
                    .await?;
                Ok(())
            }

            async fn append_event(
                &mut self,
                event: &$crate::store::Event,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query($crate::store::sql::APPEND_EVENT)
                    .bind($crate::store::now_millis())
                    .bind(event.kind)
                    .bind(&event.subject)
                    .bind(event.version)
                    .bind(&event.context)
                    .bind(event.schema_id)
                    .execute(&mut *self.tx)
                    .await?;
                self.announce(event).await
            }

            async fn commit(self: Box<Self>) -> $crate::store::StoreResult<()> {
                self.tx.commit().await?;
                Ok(())
            }
        }
    };
}

pub(super) use impl_sql_store;
