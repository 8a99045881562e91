//! The macro that implements [`Store`] and [`WriteTx`] once for each backend over the
//! shared statements of [`queries`](super::queries). Each backend file supplies only what
//! differs: opening a write transaction, taking a lock, and announcing an event.
//!
//! [`Store`]: super::Store
//! [`WriteTx`]: super::WriteTx

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
                    sqlx::query_as($crate::store::queries::SCHEMA_BY_ID)
                        .bind(context)
                        .bind(id)
                        .fetch_optional(&self.pool)
                        .await?;
                row.map($crate::store::SchemaRecord::try_from).transpose()
            }

            async fn max_schema_id(&self, context: &str) -> $crate::store::StoreResult<i32> {
                let (max,): (i32,) = sqlx::query_as($crate::store::queries::MAX_ID)
                    .bind(context)
                    .fetch_one(&self.pool)
                    .await?;
                Ok(max)
            }

            async fn subjects(
                &self,
            ) -> $crate::store::StoreResult<Vec<$crate::store::SubjectSummary>> {
                let mut subjects: Vec<$crate::store::SubjectSummary> =
                    sqlx::query_as($crate::store::queries::SUBJECTS)
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
                Ok(sqlx::query_as($crate::store::queries::VERSIONS)
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
                    sqlx::query_as($crate::store::queries::VERSIONS_WITH_SCHEMAS)
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
                    sqlx::query_as($crate::store::queries::FIND_BY_HASH)
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
                    sqlx::query_as($crate::store::queries::SCHEMAS_WITH_HASH)
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
                    $crate::store::queries::SUBJECTS_PAGE_POSTGRES
                } else {
                    $crate::store::queries::SUBJECTS_PAGE_SQLITE
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
                    $crate::store::queries::SCHEMAS_PAGE_POSTGRES
                } else {
                    $crate::store::queries::SCHEMAS_PAGE_SQLITE
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
                Ok(sqlx::query_as($crate::store::queries::USAGES)
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
                    $crate::store::queries::USAGES_PAGE_POSTGRES
                } else {
                    $crate::store::queries::USAGES_PAGE_SQLITE
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
                    $crate::store::queries::USAGE_SUBJECTS_PAGE_POSTGRES
                } else {
                    $crate::store::queries::USAGE_SUBJECTS_PAGE_SQLITE
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
                Ok(sqlx::query_as($crate::store::queries::REFERRERS)
                    .bind(subject)
                    .bind(version)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn events_page(
                &self,
                subject: Option<&str>,
                page: $crate::domain::Page,
            ) -> $crate::store::StoreResult<Vec<$crate::store::EventRecord>> {
                Ok(sqlx::query_as($crate::store::queries::EVENTS_PAGE)
                    .bind(subject)
                    .bind(page.sql_limit())
                    .bind(page.sql_offset())
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn contexts(&self) -> $crate::store::StoreResult<Vec<String>> {
                let rows: Vec<(String,)> = sqlx::query_as($crate::store::queries::CONTEXTS)
                    .fetch_all(&self.pool)
                    .await?;
                Ok(rows.into_iter().map(|(c,)| c).collect())
            }

            async fn config(
                &self,
                scope: &str,
            ) -> $crate::store::StoreResult<Option<serde_json::Value>> {
                let row: Option<(String,)> = sqlx::query_as($crate::store::queries::CONFIG)
                    .bind(scope)
                    .fetch_optional(&self.pool)
                    .await?;
                $crate::store::records::config_column(row)
            }

            async fn mode(&self, scope: &str) -> $crate::store::StoreResult<Option<String>> {
                let row: Option<(String,)> = sqlx::query_as($crate::store::queries::MODE)
                    .bind(scope)
                    .fetch_optional(&self.pool)
                    .await?;
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
                    sqlx::query_as($crate::store::queries::SETTINGS_OF_SCOPES)
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
                let row: Option<(String,)> = sqlx::query_as($crate::store::queries::CONFIG)
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
                sqlx::query($crate::store::queries::PUT_CONFIG)
                    .bind(scope)
                    .bind(config.to_string())
                    .execute(&mut *self.tx)
                    .await?;
                Ok(())
            }

            async fn mode(&mut self, scope: &str) -> $crate::store::StoreResult<Option<String>> {
                let row: Option<(String,)> = sqlx::query_as($crate::store::queries::MODE)
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
                sqlx::query($crate::store::queries::PUT_MODE)
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
                Ok(sqlx::query_as($crate::store::queries::VERSIONS)
                    .bind(subject)
                    .fetch_all(&mut *self.tx)
                    .await?)
            }

            async fn max_version(&mut self, subject: &str) -> $crate::store::StoreResult<i32> {
                let (max,): (i32,) = sqlx::query_as($crate::store::queries::MAX_VERSION)
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
                    $crate::store::queries::LATEST_LIVE_VERSION
                } else {
                    $crate::store::queries::LIVE_VERSIONS
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
                    sqlx::query_as($crate::store::queries::VERSIONS_WITH_ID)
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
                Ok(sqlx::query_as($crate::store::queries::ONE_VERSION)
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
                    sqlx::query_as($crate::store::queries::SCHEMA_BY_ID)
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
                let rows: Vec<(i32,)> = sqlx::query_as($crate::store::queries::IDS_WITH_HASH)
                    .bind(context)
                    .bind(hash)
                    .fetch_all(&mut *self.tx)
                    .await?;
                Ok(rows.into_iter().map(|(id,)| id).collect())
            }

            async fn next_id(&mut self, context: &str) -> $crate::store::StoreResult<i32> {
                let row: Option<(i32,)> = sqlx::query_as($crate::store::queries::NEXT_ID)
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
                sqlx::query($crate::store::queries::OBSERVE_ID)
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
                sqlx::query($crate::store::queries::INSERT_SCHEMA)
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
                    sqlx::query($crate::store::queries::INSERT_REF)
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
                sqlx::query($crate::store::queries::INSERT_VERSION)
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
                sqlx::query($crate::store::queries::MARK_DELETED)
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
                    sqlx::query_as($crate::store::queries::REMOVE_VERSION)
                        .bind(subject)
                        .bind(version)
                        .fetch_optional(&mut *self.tx)
                        .await?;
                let Some((context, schema_id)) = removed else {
                    return Ok(());
                };
                // A registration holding this schema's digest lock may be about to reuse
                // the id: wait for it before deciding the row is unused.
                let hash: Option<(String,)> = sqlx::query_as($crate::store::queries::SCHEMA_HASH)
                    .bind(&context)
                    .bind(schema_id)
                    .fetch_optional(&mut *self.tx)
                    .await?;
                let Some((hash,)) = hash else {
                    return Ok(());
                };
                self.take_lock(&$crate::store::digest_lock_key(&context, &hash))
                    .await?;
                let (in_use,): (i64,) = sqlx::query_as($crate::store::queries::SCHEMA_IN_USE)
                    .bind(&context)
                    .bind(schema_id)
                    .fetch_one(&mut *self.tx)
                    .await?;
                if in_use == 0 {
                    sqlx::query($crate::store::queries::DELETE_SCHEMA_REFS)
                        .bind(&context)
                        .bind(schema_id)
                        .execute(&mut *self.tx)
                        .await?;
                    sqlx::query($crate::store::queries::DELETE_SCHEMA)
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
                Ok(sqlx::query_as($crate::store::queries::REFERRERS)
                    .bind(subject)
                    .bind(version)
                    .fetch_all(&mut *self.tx)
                    .await?)
            }

            async fn delete_config(&mut self, scope: &str) -> $crate::store::StoreResult<()> {
                sqlx::query($crate::store::queries::DELETE_CONFIG_IN_TX)
                    .bind(scope)
                    .execute(&mut *self.tx)
                    .await?;
                Ok(())
            }

            async fn delete_mode(&mut self, scope: &str) -> $crate::store::StoreResult<()> {
                sqlx::query($crate::store::queries::DELETE_MODE_IN_TX)
                    .bind(scope)
                    .execute(&mut *self.tx)
                    .await?;
                Ok(())
            }

            async fn append_event(
                &mut self,
                event: &$crate::store::Event,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query($crate::store::queries::APPEND_EVENT)
                    .bind($crate::store::now_millis())
                    .bind(event.kind)
                    .bind(&event.subject)
                    .bind(event.version)
                    .bind(&event.context)
                    .bind(event.schema_id)
                    .bind(&event.principal)
                    .bind(&event.remote_addr)
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
