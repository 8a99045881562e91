//! SQLite faults answer 50001 and leave the file consistent: a write lock held by another
//! connection past the busy timeout (`SQLITE_BUSY`), and a full database (`SQLITE_FULL`,
//! made without root by capping the store's connections with `max_page_count` and filling
//! the file from a connection of the test's own). Once the fault is gone the same server
//! writes again.

use std::time::{Duration, Instant};

use registry_tests::{Backend, TestApp, spawn_app_with};
use serde_json::json;
use sqlx::Connection as _;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};

/// A connection of the test's own to the app's database file.
async fn side_connection(app: &TestApp) -> SqliteConnection {
    let path = app
        .database_url
        .trim_start_matches("sqlite://")
        .split('?')
        .next()
        .unwrap_or_default();
    SqliteConnection::connect_with(&SqliteConnectOptions::new().filename(path))
        .await
        .expect("side connection")
}

async fn count(conn: &mut SqliteConnection, table: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM {table}");
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .fetch_one(conn)
        .await
        .expect("count")
}

/// Rows of every table a registration writes.
async fn footprint(conn: &mut SqliteConnection) -> [i64; 5] {
    [
        count(conn, "schemas").await,
        count(conn, "subject_versions").await,
        count(conn, "schema_refs").await,
        count(conn, "events").await,
        sqlx::query_scalar("SELECT COALESCE(MAX(max_id), 0) FROM id_high_water")
            .fetch_one(&mut *conn)
            .await
            .expect("high water"),
    ]
}

async fn assert_intact(conn: &mut SqliteConnection) {
    let check: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut *conn)
        .await
        .expect("integrity check");
    assert_eq!(check, vec!["ok".to_owned()]);
    let broken_keys: Vec<(String, i64, String, i64)> = sqlx::query_as("PRAGMA foreign_key_check")
        .fetch_all(&mut *conn)
        .await
        .expect("foreign key check");
    assert!(broken_keys.is_empty(), "{broken_keys:?}");
}

fn small(name: &str) -> String {
    format!(r#"{{"type":"record","name":"{name}","fields":[]}}"#)
}

/// A schema whose text alone needs several new pages (overflow pages) to be stored.
fn large(name: &str) -> String {
    let doc = "x".repeat(20_000);
    format!(r#"{{"type":"record","name":"{name}","doc":"{doc}","fields":[]}}"#)
}

async fn no_compatibility_checks(app: &TestApp) {
    app.put("/config", &json!({"compatibility": "NONE"}))
        .await
        .assert_ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_lock_held_elsewhere_answers_50001_then_clears() {
    let app = spawn_app_with(Backend::Sqlite, |args| {
        args.database_url.push_str("?busy_timeout_ms=300");
    })
    .await;
    no_compatibility_checks(&app).await;
    app.register_id("before", &small("Before")).await;
    let mut other = side_connection(&app).await;
    let before = footprint(&mut other).await;

    // Another process (here: connection) holds the write lock past the busy timeout.
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .expect("side write lock");
    let started = Instant::now();
    let attempts: Vec<_> = (0..3)
        .map(|i| {
            let (client, base) = (app.client.clone(), app.base.clone());
            tokio::spawn(async move {
                let response = client
                    .post(format!("{base}/subjects/during-{i}/versions"))
                    .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                    .body(json!({ "schema": small(&format!("During{i}")) }).to_string())
                    .send()
                    .await
                    .expect("the server answers");
                TestApp::answer(response).await
            })
        })
        .collect();
    for attempt in attempts {
        attempt.await.expect("request task").assert_error(50001);
    }
    // Queued writers each wait one busy timeout at most: no hang.
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "answered after {:?}",
        started.elapsed()
    );
    sqlx::query("ROLLBACK")
        .execute(&mut other)
        .await
        .expect("release the lock");

    assert_eq!(
        footprint(&mut other).await,
        before,
        "a refused write left rows"
    );
    for i in 0..3 {
        app.get(&format!("/subjects/during-{i}/versions"))
            .await
            .assert_error(40401);
    }
    app.register_id("during-0", &small("During0")).await;
    assert_intact(&mut other).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_database_answers_50001_writes_nothing_and_recovers() {
    const MAX_PAGES: i64 = 400;
    let app = spawn_app_with(Backend::Sqlite, |args| {
        args.database_url
            .push_str(&format!("?max_page_count={MAX_PAGES}"));
    })
    .await;
    no_compatibility_checks(&app).await;
    let first = app.register_id("first", &large("First")).await;

    // The "disk" fills up: another writer takes every page up to the store's cap.
    let mut other = side_connection(&app).await;
    let pages: i64 = sqlx::query_scalar("PRAGMA page_count")
        .fetch_one(&mut other)
        .await
        .expect("page count");
    sqlx::query("CREATE TABLE filler (b BLOB NOT NULL)")
        .execute(&mut other)
        .await
        .expect("filler table");
    sqlx::query("INSERT INTO filler (b) VALUES (zeroblob($1))")
        .bind((MAX_PAGES - pages + 10) * 4096)
        .execute(&mut other)
        .await
        .expect("fill the file");
    let before = footprint(&mut other).await;

    // Writers in one group-commit batch: some need new pages and must fail; any that fits
    // in the pages already there may succeed, but only wholly.
    let attempts: Vec<_> = (0..8)
        .map(|i| {
            let (client, base) = (app.client.clone(), app.base.clone());
            let subject = format!("full-{i}");
            let schema = if i % 2 == 0 {
                large(&format!("Full{i}"))
            } else {
                small(&format!("Full{i}"))
            };
            tokio::spawn(async move {
                let response = client
                    .post(format!("{base}/subjects/{subject}/versions"))
                    .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                    .body(json!({ "schema": schema }).to_string())
                    .send()
                    .await
                    .expect("the server answers");
                (i, TestApp::answer(response).await)
            })
        })
        .collect();
    let mut acknowledged = 0;
    for attempt in attempts {
        let (i, answer) = attempt.await.expect("request task");
        let listed = app.get(&format!("/subjects/full-{i}/versions")).await;
        if answer.status == reqwest::StatusCode::OK {
            acknowledged += 1;
            assert_eq!(
                listed.assert_ok(),
                &json!([1]),
                "acknowledged but not stored"
            );
        } else {
            answer.assert_error(50001);
            listed.assert_error(40401);
        }
        if i % 2 == 0 {
            assert_ne!(
                answer.status,
                reqwest::StatusCode::OK,
                "{i} needed new pages"
            );
        }
    }
    let after = footprint(&mut other).await;
    assert_eq!(
        after[1],
        before[1] + acknowledged,
        "versions: {before:?} → {after:?}"
    );
    assert_eq!(
        after[0],
        before[0] + acknowledged,
        "schemas: {before:?} → {after:?}"
    );
    assert_eq!(
        after[3],
        before[3] + acknowledged,
        "events: {before:?} → {after:?}"
    );
    assert_eq!(
        after[4],
        before[4] + acknowledged,
        "ids: {before:?} → {after:?}"
    );
    assert_intact(&mut other).await;

    // Space comes back: the same server writes again, and nothing earlier was lost.
    sqlx::query("DROP TABLE filler")
        .execute(&mut other)
        .await
        .expect("free the pages");
    let again = app.register_id("full-0", &large("Full0")).await;
    assert!(again > first);
    app.get("/subjects/first/versions/1").await.assert_ok();
    assert_intact(&mut other).await;
}
