//! Settings decide a write as the write's own transaction reads them, not as a cache last
//! saw them. Each test changes the stored settings behind the server's back (no
//! notification, as a racing writer's change looks to a request already past its reads),
//! then asks for a write the cached value would allow or merge wrongly.

use registry_tests::app::record;
use registry_tests::{Backend, TestApp, both_backends};
use serde_json::json;
use sqlx::Connection as _;

/// Runs `statement` on the server's database through a connection of its own.
async fn behind_the_back(app: &TestApp, statement: &str) {
    let statement = sqlx::AssertSqlSafe(statement.to_owned());
    match app.backend {
        Backend::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(&app.database_url)
                .await
                .expect("sqlite connection");
            sqlx::query(statement)
                .execute(&mut conn)
                .await
                .expect("statement");
        }
        Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(&app.database_url)
                .await
                .expect("postgres connection");
            sqlx::query(statement)
                .execute(&mut conn)
                .await
                .expect("statement");
        }
    }
}

async fn a_registration_obeys_the_stored_mode(app: TestApp) {
    app.register_id("s", &record("A", &[])).await;
    // The server has now read (and cached) READWRITE for s, its context and the registry.
    behind_the_back(
        &app,
        "INSERT INTO modes (scope, mode) VALUES ('__GLOBAL', 'READONLY')",
    )
    .await;
    let refused = app.register("s", &record("A", &[("f", r#""int""#)])).await;
    refused.assert_error(42205);
    let refused = app.delete("/subjects/s/versions/1").await;
    refused.assert_error(42205);
}

async fn a_registration_obeys_the_stored_level(app: TestApp) {
    app.put("/config", &json!({"compatibility": "NONE"}))
        .await
        .assert_ok();
    app.register_id("s", &record("A", &[("f", r#""int""#)]))
        .await;
    behind_the_back(
        &app,
        r#"UPDATE configs SET config = '{"compatibilityLevel":"BACKWARD"}' WHERE scope = '__GLOBAL'"#,
    )
    .await;
    // A new required field without a default: incompatible under BACKWARD only.
    let answer = app
        .register("s", &record("A", &[("f", r#""int""#), ("g", r#""int""#)]))
        .await;
    answer.assert_error(409);
}

async fn a_config_update_merges_what_is_stored(app: TestApp) {
    assert_eq!(app.get("/config/s").await.body["error_code"], 40408);
    behind_the_back(
        &app,
        r#"INSERT INTO configs (scope, config) VALUES ('s', '{"normalize":true}')"#,
    )
    .await;
    let answer = app
        .put("/config/s", &json!({"compatibility": "FULL"}))
        .await;
    assert_eq!(
        answer.assert_ok(),
        &json!({"normalize": true, "compatibility": "FULL"})
    );
}

both_backends!(
    a_registration_obeys_the_stored_mode,
    a_registration_obeys_the_stored_level,
    a_config_update_merges_what_is_stored,
);
