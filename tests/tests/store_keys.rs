//! What migration 0002 guarantees, on both backends: a version never points at a missing
//! schema row, a reference row never outlives its schema, a database created by migration
//! 0001 migrates with its data, and listings sort subjects by bytes whatever the
//! database's collation.

use std::path::Path;

use registry_server::domain::SchemaType;
use registry_server::store::{self, SchemaRecord, Store, VersionRecord};
use registry_tests::Backend;
use sqlx::migrate::Migrator;
use sqlx::postgres::PgPool;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};

/// A fresh, empty database of one backend, reached by raw SQL as well as by the store.
struct Database {
    url: String,
    raw: Raw,
    _dir: Option<tempfile::TempDir>,
    pg: Option<String>,
}

/// A connection pool of the test's own, for statements the store would never run.
enum Raw {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Some(name) = self.pg.take() {
            registry_tests::postgres::drop_database_detached(name);
        }
    }
}

impl Database {
    async fn new(backend: Backend) -> Self {
        Self::with_collation(backend, None).await
    }

    /// A fresh database; on PostgreSQL with ICU collation `icu_locale` when given.
    async fn with_collation(backend: Backend, icu_locale: Option<&str>) -> Self {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("keys.db").display());
                let options: SqliteConnectOptions = url.parse().expect("sqlite url");
                // Enforcing, as every store connection is (sqlx's default, asserted by the
                // store's own unit test).
                let options = options.create_if_missing(true).foreign_keys(true);
                let pool = SqlitePool::connect_with(options).await.expect("raw sqlite");
                Database {
                    url,
                    raw: Raw::Sqlite(pool),
                    _dir: Some(dir),
                    pg: None,
                }
            }
            Backend::Postgres => {
                let (url, name) = match icu_locale {
                    None => registry_tests::postgres::create_database().await,
                    Some(locale) => create_database_with_icu(locale).await,
                };
                let pool = PgPool::connect(&url).await.expect("raw postgres");
                Database {
                    url,
                    raw: Raw::Postgres(pool),
                    _dir: None,
                    pg: Some(name),
                }
            }
        }
    }

    async fn store(&self) -> std::sync::Arc<dyn Store> {
        store::connect(&self.url, 4).await.expect("store opens")
    }

    /// Brings the empty database to migration 0001 only, as a release before 0002 left it.
    async fn migrate_to_0001(&self) {
        let folder = match self.raw {
            Raw::Sqlite(_) => "sqlite",
            Raw::Postgres(_) => "postgres",
        };
        let source = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../migrations")
            .join(folder)
            .join("0001_init.sql");
        // A folder holding 0001 alone: the migrator applies it as the released binary did
        // (same text, so the same checksum the current binary expects).
        let only_0001 = tempfile::tempdir().expect("temp dir");
        std::fs::copy(&source, only_0001.path().join("0001_init.sql")).expect("copy 0001");
        let migrator = Migrator::new(only_0001.path())
            .await
            .expect("migrations folder");
        match &self.raw {
            Raw::Sqlite(pool) => migrator.run(pool).await,
            Raw::Postgres(pool) => migrator.run(pool).await,
        }
        .expect("migration 0001");
    }

    /// Runs one statement (same text on both backends).
    async fn execute(&self, sql: &'static str) -> Result<u64, sqlx::Error> {
        match &self.raw {
            Raw::Sqlite(pool) => sqlx::query(sql)
                .execute(pool)
                .await
                .map(|r| r.rows_affected()),
            Raw::Postgres(pool) => sqlx::query(sql)
                .execute(pool)
                .await
                .map(|r| r.rows_affected()),
        }
    }

    async fn count(&self, sql: &'static str) -> i64 {
        match &self.raw {
            Raw::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
            Raw::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
        }
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }
}

/// A new PostgreSQL database whose default collation is ICU `locale` (dropped with the
/// [`Database`]).
async fn create_database_with_icu(locale: &str) -> (String, String) {
    use sqlx::Connection as _;
    let admin = registry_tests::postgres::admin_url();
    let name = format!(
        "sr_test_icu_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos())
    );
    let mut conn = sqlx::PgConnection::connect(&admin).await.expect("admin");
    let create = format!(
        "CREATE DATABASE {name} TEMPLATE template0 LOCALE_PROVIDER icu \
         ICU_LOCALE '{locale}' LOCALE 'C.UTF-8'"
    );
    sqlx::raw_sql(sqlx::AssertSqlSafe(create))
        .execute(&mut conn)
        .await
        .expect("create a database with an ICU collation");
    (registry_tests::postgres::with_database(&admin, &name), name)
}

fn is_foreign_key_violation(result: &Result<u64, sqlx::Error>) -> bool {
    matches!(result, Err(sqlx::Error::Database(db)) if db.is_foreign_key_violation())
}

fn schema_record(id: i32, text: &str) -> SchemaRecord {
    SchemaRecord {
        context: ".".to_owned(),
        id,
        schema_type: SchemaType::Avro,
        schema: text.to_owned(),
        hash: format!("hash-of-{text}"),
        references: vec![],
        metadata: None,
        rule_set: None,
        created_at: 1,
    }
}

fn version_record(subject: &str, version: i32, id: i32) -> VersionRecord {
    VersionRecord {
        subject: subject.to_owned(),
        version,
        context: ".".to_owned(),
        schema_id: id,
        deleted: false,
        created_at: 2,
    }
}

/// Rows of two schemas (7 referencing `a` v1), three versions and one reference.
const SEED: [&str; 6] = [
    "INSERT INTO schemas (context, id, schema_type, schema_text, hash, refs, created_at) \
     VALUES ('.', 1, 'AVRO', '\"string\"', 'h1', '[]', 1)",
    "INSERT INTO schemas (context, id, schema_type, schema_text, hash, refs, created_at) \
     VALUES ('.', 7, 'AVRO', '\"long\"', 'h7', '[{\"name\":\"A\",\"subject\":\"a\",\"version\":1}]', 1)",
    "INSERT INTO schema_refs (context, schema_id, position, name, ref_subject, ref_version) \
     VALUES ('.', 7, 0, 'A', 'a', 1)",
    "INSERT INTO subject_versions (subject, version, context, schema_id, deleted, created_at) \
     VALUES ('a', 1, '.', 1, FALSE, 2)",
    "INSERT INTO subject_versions (subject, version, context, schema_id, deleted, created_at) \
     VALUES ('b', 1, '.', 7, FALSE, 2)",
    "INSERT INTO subject_versions (subject, version, context, schema_id, deleted, created_at) \
     VALUES ('b', 2, '.', 1, TRUE, 2)",
];

async fn seed(db: &Database) {
    for statement in SEED {
        db.execute(statement)
            .await
            .unwrap_or_else(|e| panic!("{statement}: {e}"));
    }
}

async fn the_store_refuses_a_version_of_a_missing_schema(backend: Backend) {
    let db = Database::new(backend).await;
    let store = db.store().await;
    let mut tx = store.begin_write(&["s"]).await.expect("begin");
    let refused = tx.insert_version(&version_record("s", 1, 42)).await;
    assert!(refused.is_err(), "a version of schema 42, which has no row");
    drop(tx);
    assert!(store.versions("s").await.expect("read").is_empty());
}

async fn a_raw_version_of_a_missing_schema_fails(backend: Backend) {
    let db = Database::new(backend).await;
    let _store = db.store().await;
    seed(&db).await;
    let orphan = db
        .execute(
            "INSERT INTO subject_versions (subject, version, context, schema_id, deleted, created_at) \
             VALUES ('c', 1, '.', 99, FALSE, 2)",
        )
        .await;
    assert!(is_foreign_key_violation(&orphan), "{orphan:?}");
    // Same id, other context: the key is (context, id).
    let elsewhere = db
        .execute(
            "INSERT INTO subject_versions (subject, version, context, schema_id, deleted, created_at) \
             VALUES ('c', 1, '.eu', 1, FALSE, 2)",
        )
        .await;
    assert!(is_foreign_key_violation(&elsewhere), "{elsewhere:?}");
    let reference = db
        .execute(
            "INSERT INTO schema_refs (context, schema_id, position, name, ref_subject, ref_version) \
             VALUES ('.', 99, 0, 'A', 'a', 1)",
        )
        .await;
    assert!(is_foreign_key_violation(&reference), "{reference:?}");
}

async fn a_raw_delete_of_a_schema_carried_by_a_version_fails(backend: Backend) {
    let db = Database::new(backend).await;
    let _store = db.store().await;
    seed(&db).await;
    let carried = db
        .execute("DELETE FROM schemas WHERE context = '.' AND id = 7")
        .await;
    assert!(is_foreign_key_violation(&carried), "{carried:?}");
    assert_eq!(db.count("SELECT COUNT(*) FROM schemas").await, 2);

    // Once no version carries it, it goes, and its reference rows with it.
    db.execute("DELETE FROM subject_versions WHERE subject = 'b' AND version = 1")
        .await
        .expect("hard delete of the version");
    db.execute("DELETE FROM schemas WHERE context = '.' AND id = 7")
        .await
        .expect("delete of an unused schema");
    assert_eq!(db.count("SELECT COUNT(*) FROM schema_refs").await, 0);
}

async fn the_store_deletes_in_an_order_the_keys_accept(backend: Backend) {
    let db = Database::new(backend).await;
    let store = db.store().await;
    let mut tx = store.begin_write(&["s", "t"]).await.expect("begin");
    let mut referencing = schema_record(2, "B");
    referencing.references = vec![registry_server::schema::identity::SchemaReference {
        name: "A".into(),
        subject: "s".into(),
        version: 1,
    }];
    tx.insert_schema(&schema_record(1, "A")).await.expect("A");
    tx.insert_schema(&referencing).await.expect("B");
    tx.insert_version(&version_record("s", 1, 1))
        .await
        .expect("s1");
    tx.insert_version(&version_record("t", 1, 2))
        .await
        .expect("t1");
    tx.insert_version(&version_record("t", 2, 1))
        .await
        .expect("t2");
    tx.commit().await.expect("commit");

    let mut tx = store.begin_write(&["s", "t"]).await.expect("begin");
    tx.remove_version("t", 1).await.expect("t1 and schema 2");
    tx.remove_version("s", 1)
        .await
        .expect("s1, schema 1 stays for t2");
    tx.commit().await.expect("commit");
    assert!(store.schema(".", 2).await.expect("read").is_none());
    assert!(store.schema(".", 1).await.expect("read").is_some());
    assert_eq!(db.count("SELECT COUNT(*) FROM schema_refs").await, 0);
}

/// Re-registering a schema whose only version the same transaction tombstones (the
/// registry does that for soft-deleted versions with the same id): the row is decided
/// unused at commit, not at the removal, so the new version's key holds.
async fn a_removed_version_s_schema_row_stays_for_a_new_version_of_the_id(backend: Backend) {
    let db = Database::new(backend).await;
    let store = db.store().await;
    let mut tx = store.begin_write(&["s"]).await.expect("begin");
    tx.insert_schema(&schema_record(1, "A")).await.expect("A");
    tx.insert_version(&version_record("s", 1, 1))
        .await
        .expect("s1");
    tx.mark_deleted("s", 1).await.expect("soft delete");
    tx.commit().await.expect("commit");

    let mut tx = store.begin_write(&["s"]).await.expect("begin");
    tx.remove_version("s", 1).await.expect("tombstone s1");
    tx.insert_version(&version_record("s", 2, 1))
        .await
        .expect("s2 carries id 1");
    tx.commit().await.expect("commit");
    let s: Vec<(i32, i32)> = store
        .versions_with_schemas("s")
        .await
        .expect("read")
        .into_iter()
        .map(|(v, schema)| (v.version, schema.id))
        .collect();
    assert_eq!(s, vec![(2, 1)]);
}

/// A database that a release before 0002 created and filled (one of its versions pointing at
/// a schema row that is gone, as a racing hard delete could leave it) opens with its data,
/// the orphan set aside, and the keys enforced.
async fn a_database_at_0001_migrates_with_its_data(backend: Backend) {
    let db = Database::new(backend).await;
    db.migrate_to_0001().await;
    seed(&db).await;
    for orphan in [
        "INSERT INTO subject_versions (subject, version, context, schema_id, deleted, created_at) \
         VALUES ('gone', 1, '.', 5, FALSE, 2)",
        "INSERT INTO schema_refs (context, schema_id, position, name, ref_subject, ref_version) \
         VALUES ('.', 5, 0, 'A', 'a', 1)",
        "INSERT INTO configs (scope, config) VALUES ('b', '{\"compatibilityLevel\":\"NONE\"}')",
        "INSERT INTO id_high_water (context, max_id) VALUES ('.', 7)",
    ] {
        db.execute(orphan)
            .await
            .unwrap_or_else(|e| panic!("{orphan}: {e}"));
    }

    let store = db.store().await;
    let b: Vec<(i32, i32, String)> = store
        .versions_with_schemas("b")
        .await
        .expect("b")
        .into_iter()
        .map(|(v, s)| (v.version, s.id, s.schema))
        .collect();
    assert_eq!(
        b,
        vec![
            (1, 7, "\"long\"".to_owned()),
            (2, 1, "\"string\"".to_owned())
        ]
    );
    assert_eq!(store.referrers("a", 1).await.expect("referrers").len(), 1);
    assert_eq!(store.max_schema_id(".").await.expect("max"), 7);
    assert!(store.config("b").await.expect("config").is_some());
    assert!(store.versions("gone").await.expect("gone").is_empty());
    assert_eq!(
        db.count(
            "SELECT COUNT(*) FROM orphaned_subject_versions \
             WHERE subject = 'gone' AND version = 1 AND schema_id = 5"
        )
        .await,
        1,
        "the orphaned version is kept aside"
    );
    assert_eq!(
        db.count("SELECT COUNT(*) FROM schema_refs WHERE schema_id = 5")
            .await,
        0
    );

    let orphan = db
        .execute(
            "INSERT INTO subject_versions (subject, version, context, schema_id, deleted, created_at) \
             VALUES ('c', 1, '.', 99, FALSE, 2)",
        )
        .await;
    assert!(is_foreign_key_violation(&orphan), "{orphan:?}");
    let carried = db
        .execute("DELETE FROM schemas WHERE context = '.' AND id = 1")
        .await;
    assert!(is_foreign_key_violation(&carried), "{carried:?}");

    // The store goes on writing over the migrated rows.
    let mut tx = store.begin_write(&["b"]).await.expect("begin");
    tx.remove_version("b", 1).await.expect("hard delete");
    tx.commit().await.expect("commit");
    assert!(store.schema(".", 7).await.expect("read").is_none());
    assert!(store.referrers("a", 1).await.expect("referrers").is_empty());
}

/// In en-US order these would come out `_x a b B`; the registry lists by bytes.
async fn listings_sort_subjects_by_bytes(backend: Backend) {
    use registry_server::domain::Page;
    use registry_server::store::{DeletedFilter, SubjectFilter};
    let db = Database::with_collation(backend, Some("en-US")).await;
    let store = db.store().await;
    let subjects = ["b", "B", "a", "_x"];
    let mut tx = store.begin_write(&subjects).await.expect("begin");
    tx.insert_schema(&schema_record(1, "A")).await.expect("A");
    for subject in subjects {
        tx.insert_version(&version_record(subject, 1, 1))
            .await
            .expect("version");
    }
    tx.commit().await.expect("commit");

    let bytes_order = vec!["B", "_x", "a", "b"];
    let all = Page::new(None, None, 100);
    let filter = SubjectFilter {
        prefix: String::new(),
        default_context_only: false,
        deleted: DeletedFilter::Exclude,
    };
    assert_eq!(
        store.subjects_page(&filter, all).await.expect("subjects"),
        bytes_order
    );
    let listed: Vec<String> = store
        .schemas_page(&filter, false, all)
        .await
        .expect("schemas")
        .into_iter()
        .map(|(v, _)| v.subject)
        .collect();
    assert_eq!(listed, bytes_order);
    let usages: Vec<String> = store
        .usages_page(".", 1, false, all)
        .await
        .expect("usages")
        .into_iter()
        .map(|v| v.subject)
        .collect();
    assert_eq!(usages, bytes_order);
    assert_eq!(
        store
            .usage_subjects_page(".", 1, false, all)
            .await
            .expect("usage subjects"),
        bytes_order
    );
    let summary: Vec<String> = store
        .subjects()
        .await
        .expect("subjects")
        .into_iter()
        .map(|s| s.subject)
        .collect();
    assert_eq!(summary, bytes_order);
}

macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(registry_tests::Backend::Sqlite).await;
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test]
                #[cfg_attr(not(postgres_tests), ignore = "set TEST_DATABASE_URL to run PostgreSQL tests")]
                async fn $name() {
                    super::$name(registry_tests::Backend::Postgres).await;
                }
            )+
        }
    };
}

on_both_backends!(
    the_store_refuses_a_version_of_a_missing_schema,
    a_raw_version_of_a_missing_schema_fails,
    a_raw_delete_of_a_schema_carried_by_a_version_fails,
    the_store_deletes_in_an_order_the_keys_accept,
    a_removed_version_s_schema_row_stays_for_a_new_version_of_the_id,
    a_database_at_0001_migrates_with_its_data,
    listings_sort_subjects_by_bytes,
);
