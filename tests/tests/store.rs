//! The `Store` contract, written once and instantiated for SQLite and PostgreSQL.

use std::sync::Arc;

use registry_server::domain::SchemaType;
use registry_server::schema::identity::SchemaReference;
use registry_server::store::{self, SchemaRecord, Store, StoreError, VersionRecord};

struct Fixture {
    store: Arc<dyn Store>,
    _dir: Option<tempfile::TempDir>,
    pg: Option<String>,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        if let Some(name) = self.pg.take() {
            registry_tests::postgres::drop_database_detached(name);
        }
    }
}

async fn sqlite() -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("store.db").display());
    Fixture {
        store: store::connect(&url, 4).await.expect("sqlite store"),
        _dir: Some(dir),
        pg: None,
    }
}

async fn postgres() -> Fixture {
    let (url, name) = registry_tests::postgres::create_database().await;
    Fixture {
        store: store::connect(&url, 4).await.expect("postgres store"),
        _dir: None,
        pg: Some(name),
    }
}

fn schema(context: &str, id: i32, text: &str, references: Vec<SchemaReference>) -> SchemaRecord {
    SchemaRecord {
        context: context.to_owned(),
        id,
        schema_type: SchemaType::Avro,
        schema: text.to_owned(),
        hash: format!("hash-of-{text}"),
        references,
        metadata: None,
        rule_set: None,
        created_at: 1,
    }
}

fn version(subject: &str, version: i32, id: i32) -> VersionRecord {
    VersionRecord {
        subject: subject.to_owned(),
        version,
        context: ".".to_owned(),
        schema_id: id,
        deleted: false,
        created_at: 2,
    }
}

async fn ids_are_issued_per_context_and_never_go_back(store: Arc<dyn Store>) {
    let mut tx = store.begin_write(&["s"]).await.expect("begin");
    assert_eq!(tx.next_id(".").await.expect("id"), 1);
    assert_eq!(tx.next_id(".").await.expect("id"), 2);
    assert_eq!(tx.next_id(".eu").await.expect("id"), 1);
    tx.observe_id(".", 100).await.expect("observe");
    tx.observe_id(".", 50).await.expect("observe lower");
    assert_eq!(tx.next_id(".").await.expect("id"), 101);
    tx.commit().await.expect("commit");
    assert_eq!(store.max_schema_id(".").await.expect("max"), 101);
    assert_eq!(store.max_schema_id(".eu").await.expect("max"), 1);
    assert_eq!(store.max_schema_id(".none").await.expect("max"), 0);
}

async fn uncommitted_transactions_leave_nothing(store: Arc<dyn Store>) {
    {
        let mut tx = store.begin_write(&["s"]).await.expect("begin");
        let id = tx.next_id(".").await.expect("id");
        tx.insert_schema(&schema(".", id, "A", vec![]))
            .await
            .expect("insert");
        tx.insert_version(&version("s", 1, id))
            .await
            .expect("insert");
        // dropped without commit
    }
    assert!(store.versions("s").await.expect("versions").is_empty());
    assert!(store.schema(".", 1).await.expect("schema").is_none());
    // SQLite issues ids in the transaction; PostgreSQL outside it, like a sequence, so the
    // id the dropped transaction took stays spent there.
    let spent = i32::from(store.backend() == "postgres");
    assert_eq!(store.max_schema_id(".").await.expect("max"), spent);
    let mut tx = store.begin_write(&["s"]).await.expect("begin");
    assert_eq!(tx.next_id(".").await.expect("id"), spent + 1);
}

async fn a_version_number_is_taken_once(store: Arc<dyn Store>) {
    let mut tx = store.begin_write(&["s"]).await.expect("begin");
    tx.insert_schema(&schema(".", 1, "A", vec![]))
        .await
        .expect("insert");
    tx.insert_version(&version("s", 1, 1))
        .await
        .expect("insert");
    let clash = tx.insert_version(&version("s", 1, 1)).await;
    assert!(matches!(clash, Err(StoreError::Conflict(_))), "{clash:?}");
}

/// One statement answers what a registration reads: live versions (all, or the latest),
/// the highest number with soft-deleted ones counted, and the ids of one digest in one
/// context only.
async fn registration_reads_answer_versions_and_ids_of_a_digest(store: Arc<dyn Store>) {
    let mut tx = store.begin_write(&["s"]).await.expect("begin");
    for (context, id, text) in [(".", 7, "A"), (".", 3, "A"), (".", 5, "B"), (".eu", 9, "A")] {
        tx.insert_schema(&schema(context, id, text, vec![]))
            .await
            .expect("schema");
    }
    for (number, id) in [(1, 7), (2, 5), (3, 3)] {
        tx.insert_version(&version("s", number, id))
            .await
            .expect("version");
    }
    tx.mark_deleted("s", 3).await.expect("soft delete");
    tx.commit().await.expect("commit");

    let mut tx = store.begin_write(&["s"]).await.expect("begin");
    let all = tx
        .registration_reads("s", false, ".", "hash-of-A")
        .await
        .expect("reads");
    let numbers =
        |reads: &store::RegistrationReads| reads.live.iter().map(|v| v.version).collect::<Vec<_>>();
    assert_eq!(numbers(&all), vec![1, 2]);
    assert_eq!(all.max_version, 3);
    assert_eq!(all.same_digest_ids, vec![3, 7]);
    let latest = tx
        .registration_reads("s", true, ".eu", "hash-of-A")
        .await
        .expect("reads");
    assert_eq!(numbers(&latest), vec![2]);
    assert_eq!(latest.max_version, 3);
    assert_eq!(latest.same_digest_ids, vec![9]);
    let none = tx
        .registration_reads("new", false, ".", "hash-of-C")
        .await
        .expect("reads");
    assert!(none.live.is_empty() && none.same_digest_ids.is_empty());
    assert_eq!(none.max_version, 0);
}

async fn versions_schemas_and_deletes(store: Arc<dyn Store>) {
    let mut tx = store.begin_write(&["s"]).await.expect("begin");
    tx.insert_schema(&schema(".", 1, "A", vec![]))
        .await
        .expect("insert");
    tx.insert_schema(&schema(".", 2, "B", vec![]))
        .await
        .expect("insert");
    tx.insert_version(&version("s", 1, 1)).await.expect("v1");
    tx.insert_version(&version("s", 2, 2)).await.expect("v2");
    tx.insert_version(&version("t", 1, 1)).await.expect("t1");
    tx.commit().await.expect("commit");

    let both = store.versions_with_schemas("s").await.expect("read");
    assert_eq!(
        both.iter()
            .map(|(v, s)| (v.version, s.schema.as_str()))
            .collect::<Vec<_>>(),
        vec![(1, "A"), (2, "B")]
    );
    assert_eq!(
        store
            .find_by_hash("s", "hash-of-B")
            .await
            .expect("find")
            .len(),
        1
    );
    assert_eq!(store.usages(".", 1).await.expect("usages").len(), 2);
    let subjects = store.subjects().await.expect("subjects");
    assert_eq!(
        subjects
            .iter()
            .map(|s| (s.subject.as_str(), s.live, s.total))
            .collect::<Vec<_>>(),
        vec![("s", 2, 2), ("t", 1, 1)]
    );

    let mut tx = store.begin_write(&["s"]).await.expect("begin");
    tx.mark_deleted("s", 2).await.expect("soft");
    tx.remove_version("s", 2).await.expect("hard");
    tx.remove_version("s", 1).await.expect("hard");
    tx.commit().await.expect("commit");
    assert!(
        store.schema(".", 2).await.expect("read").is_none(),
        "an unused schema row goes with its last version"
    );
    assert!(
        store.schema(".", 1).await.expect("read").is_some(),
        "a schema still used by t stays"
    );
    assert!(store.versions("s").await.expect("read").is_empty());
}

async fn referrers_count_only_schemas_with_versions(store: Arc<dyn Store>) {
    let reference = SchemaReference {
        name: "Address".into(),
        subject: "address".into(),
        version: 1,
    };
    let mut tx = store
        .begin_write(&["address", "person"])
        .await
        .expect("begin");
    tx.insert_schema(&schema(".", 1, "Address", vec![]))
        .await
        .expect("insert");
    tx.insert_version(&version("address", 1, 1))
        .await
        .expect("insert");
    tx.insert_schema(&schema(".", 2, "Person", vec![reference]))
        .await
        .expect("insert");
    tx.insert_version(&version("person", 1, 2))
        .await
        .expect("insert");
    tx.commit().await.expect("commit");
    let referrers = store.referrers("address", 1).await.expect("referrers");
    assert_eq!(referrers.len(), 1);
    assert!(!referrers[0].all_deleted);
    assert_eq!(
        store
            .schema(".", 2)
            .await
            .expect("read")
            .expect("stored")
            .references
            .len(),
        1
    );

    let mut tx = store.begin_write(&["person"]).await.expect("begin");
    tx.mark_deleted("person", 1).await.expect("soft");
    tx.commit().await.expect("commit");
    assert!(store.referrers("address", 1).await.expect("referrers")[0].all_deleted);

    let mut tx = store.begin_write(&["person"]).await.expect("begin");
    tx.remove_version("person", 1).await.expect("hard");
    tx.commit().await.expect("commit");
    assert!(
        store
            .referrers("address", 1)
            .await
            .expect("referrers")
            .is_empty()
    );
}

async fn config_and_mode_rows(store: Arc<dyn Store>) {
    assert!(store.config("__GLOBAL").await.expect("read").is_none());
    let mut tx = store.begin_write(&["settings:s"]).await.expect("begin");
    tx.put_config("s", &serde_json::json!({"compatibilityLevel": "FULL"}))
        .await
        .expect("put");
    tx.put_config("s", &serde_json::json!({"compatibilityLevel": "NONE"}))
        .await
        .expect("put again");
    assert_eq!(
        tx.config("s").await.expect("read in the transaction"),
        Some(serde_json::json!({"compatibilityLevel": "NONE"}))
    );
    tx.put_mode("__GLOBAL", "READONLY").await.expect("put");
    tx.commit().await.expect("commit");
    assert_eq!(
        store.config("s").await.expect("read"),
        Some(serde_json::json!({"compatibilityLevel": "NONE"}))
    );
    assert_eq!(
        store.mode("__GLOBAL").await.expect("read").as_deref(),
        Some("READONLY")
    );

    let mut tx = store.begin_write(&["settings:s"]).await.expect("begin");
    let settings = tx
        .obey_settings(&["s".to_owned(), "__GLOBAL".to_owned()])
        .await
        .expect("settings");
    assert_eq!(
        settings.modes.get("__GLOBAL").map(String::as_str),
        Some("READONLY")
    );
    assert_eq!(
        settings.configs.get("s"),
        Some(&serde_json::json!({"compatibilityLevel": "NONE"}))
    );
    tx.delete_config("s").await.expect("delete");
    tx.delete_mode("__GLOBAL").await.expect("delete");
    tx.commit().await.expect("commit");
    assert!(store.config("s").await.expect("read").is_none());
    assert!(store.mode("__GLOBAL").await.expect("read").is_none());
    store.ping().await.expect("ping");
}

macro_rules! store_suite {
    ($($name:ident),+ $(,)?) => {
        mod sqlite_store {
            $(
                #[tokio::test]
                async fn $name() {
                    let fixture = super::sqlite().await;
                    super::$name(std::sync::Arc::clone(&fixture.store)).await;
                }
            )+
        }
        mod postgres_store {
            $(
                #[tokio::test]
                #[cfg_attr(not(postgres_tests), ignore = "set TEST_DATABASE_URL to run PostgreSQL tests")]
                async fn $name() {
                    let fixture = super::postgres().await;
                    super::$name(std::sync::Arc::clone(&fixture.store)).await;
                }
            )+
        }
    };
}

/// A hard delete must not remove a schema row that a concurrent registration is reusing:
/// the registration holds the schema's digest lock, and the delete waits for it before it
/// decides the row is unused (stepped by hand: the delete starts while the registration's
/// transaction is open).
async fn a_hard_delete_waits_for_a_registration_reusing_the_id(store: Arc<dyn Store>) {
    let mut setup = store.begin_write(&["old"]).await.expect("begin");
    setup
        .insert_schema(&schema(".", 1, "A", vec![]))
        .await
        .expect("schema");
    setup
        .insert_version(&version("old", 1, 1))
        .await
        .expect("old v1");
    setup.commit().await.expect("setup");

    let mut registration = store.begin_write(&["new"]).await.expect("begin");
    registration
        .lock_key(&store::digest_lock_key(".", "hash-of-A"))
        .await
        .expect("digest lock");
    let reused = registration
        .ids_with_hash(".", "hash-of-A")
        .await
        .expect("ids");
    assert_eq!(reused, vec![1]);

    let delete = tokio::spawn({
        let store = Arc::clone(&store);
        async move {
            let mut tx = store.begin_write(&["old"]).await?;
            tx.remove_version("old", 1).await?;
            tx.commit().await
        }
    });
    // Room for the delete to run ahead if nothing holds it back.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    registration
        .insert_version(&version("new", 1, 1))
        .await
        .expect("new v1 reusing id 1");
    registration.commit().await.expect("registration commits");
    delete.await.expect("delete task").expect("delete commits");

    assert!(store.versions("old").await.expect("old").is_empty());
    assert!(
        store.schema(".", 1).await.expect("read").is_some(),
        "the delete removed a schema row a committed version points at"
    );
}

store_suite!(
    a_hard_delete_waits_for_a_registration_reusing_the_id,
    ids_are_issued_per_context_and_never_go_back,
    uncommitted_transactions_leave_nothing,
    a_version_number_is_taken_once,
    registration_reads_answer_versions_and_ids_of_a_digest,
    versions_schemas_and_deletes,
    referrers_count_only_schemas_with_versions,
    config_and_mode_rows,
);

/// `step`, which must not wait on another transaction: a wait would last until that one ends.
async fn within<T>(step: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(std::time::Duration::from_secs(20), step)
        .await
        .expect("waited on another transaction's id")
}

/// PostgreSQL issues and raises ids outside the writer's transaction: a writer holding an
/// id it has not committed does not hold up another writer's id, in either node's pool,
/// and an IMPORT's raise survives its rollback (ids are never issued twice).
#[tokio::test]
#[cfg_attr(
    not(postgres_tests),
    ignore = "set TEST_DATABASE_URL to run PostgreSQL tests"
)]
async fn postgres_ids_do_not_wait_for_the_transaction_that_took_one() {
    let fixture = postgres().await;
    let url = registry_tests::postgres::with_database(
        &registry_tests::postgres::admin_url(),
        fixture.pg.as_deref().expect("a PostgreSQL fixture"),
    );
    let other_node = store::connect(&url, 4).await.expect("second node");

    let mut first = fixture.store.begin_write(&["a"]).await.expect("begin");
    assert_eq!(first.next_id(".").await.expect("id"), 1);
    let mut second = other_node.begin_write(&["b"]).await.expect("begin");
    assert_eq!(within(second.next_id(".")).await.expect("id"), 2);
    let mut importing = fixture.store.begin_write(&["c"]).await.expect("begin");
    within(importing.observe_id(".", 100)).await.expect("raise");
    assert_eq!(within(second.next_id(".")).await.expect("id"), 101);

    drop(importing);
    drop(first);
    second.commit().await.expect("commit");
    let mut later = fixture.store.begin_write(&["d"]).await.expect("begin");
    assert_eq!(later.next_id(".").await.expect("id"), 102);
}

#[tokio::test]
async fn in_memory_sqlite_is_refused_with_a_clear_error() {
    let Err(error) = store::connect("sqlite::memory:", 4).await else {
        panic!("an in-memory database was accepted");
    };
    assert!(
        error
            .to_string()
            .contains("in-memory SQLite is not supported"),
        "{error}"
    );
}
