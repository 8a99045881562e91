//! Request limits (issue 9): subject length, references, schema size, listing pages, ids
//! and versions that must never brick a context. Every case runs on SQLite and PostgreSQL.

use registry_server::config::ServeArgs;
use registry_server::domain::{MAX_IMPORTED_ID, MAX_SUBJECT_BYTES, SchemaType};
use registry_server::schema::identity::SchemaReference;
use registry_server::store::{self, SchemaRecord, VersionRecord};
use registry_tests::app::{Answer, record};
use registry_tests::{TestApp, both_backends};
use serde_json::{Value, json};

/// Instantiates `async fn $name(app: TestApp)` on both backends over a server whose
/// settings `$adjust` changes.
macro_rules! both_backends_with {
    ($name:ident, $adjust:expr) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let adjust: fn(&mut super::ServeArgs) = $adjust;
                let app =
                    registry_tests::spawn_app_with(registry_tests::Backend::Sqlite, adjust).await;
                super::$name(app).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[cfg_attr(
                not(postgres_tests),
                ignore = "set TEST_DATABASE_URL to run PostgreSQL tests"
            )]
            async fn postgres() {
                let adjust: fn(&mut super::ServeArgs) = $adjust;
                let app =
                    registry_tests::spawn_app_with(registry_tests::Backend::Postgres, adjust).await;
                super::$name(app).await;
            }
        }
    };
}

/// `len` letters and digits from a fixed pseudo-random sequence (URL-safe, no encoding).
fn random_name(len: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..len)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let index = usize::try_from(state >> 33).unwrap_or(0) % ALPHABET.len();
            char::from(ALPHABET[index])
        })
        .collect()
}

fn schema_body(schema: &str) -> Value {
    json!({ "schema": schema })
}

async fn long_subjects_are_refused_before_the_database(app: TestApp) {
    let long = random_name(3000);
    let answer = app.register(&long, &record("A", &[])).await;
    answer.assert_error(42208);
    assert!(
        answer.message().starts_with(&format!(
            "The specified subject '{}...' is not a valid.",
            &long[..64]
        )),
        "{}",
        answer.message()
    );
    assert!(
        answer
            .message()
            .ends_with("A subject name is at most 1024 bytes; this one has 3000"),
        "{}",
        answer.message()
    );
    // Every way a subject name reaches the store is bounded the same way.
    app.post(
        &format!("/subjects/{long}"),
        &schema_body(&record("A", &[])),
    )
    .await
    .assert_error(42208);
    app.get(&format!("/subjects/{long}/versions"))
        .await
        .assert_error(42208);
    app.get(&format!("/subjects/{long}/versions/1/referencedby"))
        .await
        .assert_error(42208);
    app.put(
        &format!("/config/{long}"),
        &json!({"compatibility": "NONE"}),
    )
    .await
    .assert_error(42208);
    app.put(&format!("/mode/{long}"), &json!({"mode": "READONLY"}))
        .await
        .assert_error(42208);
    app.register_id("s", &record("A", &[])).await;
    app.get(&format!("/schemas/ids/1?subject={long}"))
        .await
        .assert_error(42208);
    app.get(&format!("/schemas/ids/1?subject=:.{long}:s"))
        .await
        .assert_error(42208);
    assert_eq!(
        app.get(&format!("/subjects?subjectPrefix={long}"))
            .await
            .body,
        json!([])
    );
    assert_eq!(
        app.get(&format!("/schemas?subjectPrefix=:.{long}:"))
            .await
            .body,
        json!([])
    );
    let referring = app
        .post(
            "/subjects/r/versions",
            &json!({
                "schema": record("R", &[("a", "\"A\"")]),
                "references": [{"name": "A", "subject": long, "version": 1}],
            }),
        )
        .await;
    referring.assert_error(42201);
    assert!(
        referring.message().contains("No schema reference found"),
        "{}",
        referring.message()
    );

    // At the limit, qualified or not, a name is stored and read back on both backends.
    let at_limit = random_name(MAX_SUBJECT_BYTES);
    let id = app.register_id(&at_limit, &record("B", &[])).await;
    let context = format!(":.ctx:{}", random_name(MAX_SUBJECT_BYTES - 6));
    app.register_id(&context, &record("B", &[])).await;
    assert_eq!(
        app.get(&format!("/subjects/{at_limit}/versions/1"))
            .await
            .assert_ok()["id"],
        id
    );
    app.put(
        &format!("/config/{at_limit}"),
        &json!({"compatibility": "NONE"}),
    )
    .await
    .assert_ok();
    app.put(&format!("/mode/{context}"), &json!({"mode": "READONLY"}))
        .await
        .assert_ok();
    app.register(&format!("{at_limit}x"), &record("B", &[]))
        .await
        .assert_error(42208);
}

fn references(count: usize) -> Value {
    (0..count)
        .map(|i| json!({"name": format!("T{i}"), "subject": format!("nope-{i}"), "version": 1}))
        .collect()
}

async fn requests_with_too_many_references_are_refused_naming_the_limit(app: TestApp) {
    let body = json!({"schema": record("R", &[]), "references": references(1001)});
    for path in [
        "/subjects/r/versions",
        "/subjects/r",
        "/compatibility/subjects/r/versions",
    ] {
        let answer = app.post(path, &body).await;
        answer.assert_error(42201);
        assert_eq!(
            answer.message(),
            "Invalid schema, details: the request has 1001 references, over the limit of 1000 (max-references)",
            "{path}"
        );
    }
    // At the limit the references are looked up (and here, not found).
    let at_limit = json!({"schema": record("R", &[]), "references": references(1000)});
    let answer = app.post("/subjects/r/versions", &at_limit).await;
    answer.assert_error(42201);
    assert!(answer.message().contains("No schema reference found"));
}

async fn fifty_thousand_references_answer_at_once(app: TestApp) {
    let body = json!({"schema": record("R", &[]), "references": references(50_000)});
    let answer = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        app.post("/subjects/r/versions", &body),
    )
    .await
    .expect("answers within 30 s");
    answer.assert_error(42201);
    assert!(
        answer.message().contains("50000 references"),
        "{}",
        answer.message()
    );
    app.get("/subjects").await.assert_ok();
}

/// Registers `C1` (no references) to `C{n}`, each referencing the one before.
async fn register_chain(app: &TestApp, n: usize) -> Vec<Answer> {
    let mut answers = Vec::new();
    for i in 1..=n {
        let fields: Vec<(String, String)> = if i == 1 {
            Vec::new()
        } else {
            vec![("prev".to_owned(), format!("\"C{}\"", i - 1))]
        };
        let fields: Vec<(&str, &str)> = fields
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let references: Vec<Value> = if i == 1 {
            Vec::new()
        } else {
            vec![
                json!({"name": format!("C{}", i - 1), "subject": format!("c{}", i - 1), "version": 1}),
            ]
        };
        answers.push(
            app.post(
                &format!("/subjects/c{i}/versions"),
                &json!({"schema": record(&format!("C{i}"), &fields), "references": references}),
            )
            .await,
        );
    }
    answers
}

async fn transitive_references_are_bounded(app: TestApp) {
    // max-references is 3: C4 reaches C3, C2, C1; C5 would reach four schemas.
    let answers = register_chain(&app, 5).await;
    for answer in &answers[..4] {
        answer.assert_ok();
    }
    answers[4].assert_error(42201);
    assert_eq!(
        answers[4].message(),
        "Invalid schema, details: resolving the references reaches more than 3 schemas (max-references)"
    );
}

async fn reference_cycles_are_refused(app: TestApp) {
    // Only an import could make a cycle; write one straight into the store.
    let store = store::connect(&app.database_url, 2).await.expect("store");
    let mut tx = store.begin_write(&["a", "b"]).await.expect("begin");
    for (subject, id, target) in [("a", 1, "b"), ("b", 2, "a")] {
        tx.insert_schema(&SchemaRecord {
            context: ".".to_owned(),
            id,
            schema_type: SchemaType::Avro,
            schema: "\"string\"".to_owned(),
            hash: format!("cycle-{subject}"),
            references: vec![SchemaReference {
                name: target.to_uppercase(),
                subject: target.to_owned(),
                version: 1,
            }],
            metadata: None,
            rule_set: None,
            created_at: 0,
        })
        .await
        .expect("schema");
        tx.insert_version(&VersionRecord {
            subject: subject.to_owned(),
            version: 1,
            context: ".".to_owned(),
            schema_id: id,
            deleted: false,
            created_at: 0,
        })
        .await
        .expect("version");
        tx.observe_id(".", id).await.expect("id");
    }
    tx.commit().await.expect("commit");
    let answer = app
        .post(
            "/subjects/r/versions",
            &json!({
                "schema": record("R", &[("a", "\"A\"")]),
                "references": [{"name": "A", "subject": "a", "version": 1}],
            }),
        )
        .await;
    answer.assert_error(42201);
    assert!(
        answer.message().contains("references form a cycle"),
        "{}",
        answer.message()
    );
    app.get("/subjects").await.assert_ok();
}

async fn schema_texts_over_the_limit_are_refused_before_parsing(app: TestApp) {
    // 2,000 bytes is the limit here; the text is not even JSON, so only the limit can answer.
    let big = format!("not parsed {}", "x".repeat(2000));
    for path in [
        "/subjects/s/versions",
        "/subjects/s",
        "/compatibility/subjects/s/versions",
    ] {
        let answer = app.post(path, &schema_body(&big)).await;
        answer.assert_error(42201);
        assert_eq!(
            answer.message(),
            "Invalid schema, details: the schema text is 2011 bytes, over the limit of 2000 bytes (max-schema-bytes)",
            "{path}"
        );
    }
    let fits = record("A", &[("padding", "\"string\"")]);
    assert!(fits.len() <= 2000);
    app.register_id("s", &fits).await;
}

async fn listings_page_and_stop_at_the_cap(app: TestApp) {
    // max-list-items is 3 here.
    app.put("/config", &json!({"compatibility": "NONE"}))
        .await
        .assert_ok();
    app.register_id("base", &record("Base", &[])).await;
    for subject in ["e", "b", "d", "a", "c"] {
        app.post(
            &format!("/subjects/{subject}/versions"),
            &json!({
                "schema": record("R", &[("base", "\"Base\"")]),
                "references": [{"name": "Base", "subject": "base", "version": 1}],
            }),
        )
        .await
        .assert_ok();
    }
    for name in ["V2", "V3", "V4"] {
        app.register_id("a", &record(name, &[])).await;
    }
    assert_eq!(app.get("/subjects").await.body, json!(["a", "b", "base"]));
    assert_eq!(
        app.get("/subjects?limit=100").await.body,
        json!(["a", "b", "base"])
    );
    assert_eq!(
        app.get("/subjects?limit=-1").await.body,
        json!(["a", "b", "base"])
    );
    assert_eq!(
        app.get("/subjects?offset=3").await.body,
        json!(["c", "d", "e"])
    );
    assert_eq!(
        app.get("/subjects?offset=1&limit=2").await.body,
        json!(["b", "base"])
    );
    assert_eq!(app.get("/subjects?offset=2147483647").await.body, json!([]));
    app.get("/subjects?offset=2147483648")
        .await
        .assert_error(404);
    app.get("/subjects?limit=abc").await.assert_error(404);

    let schemas = app.get("/schemas").await;
    let subjects_and_versions: Vec<(String, i64)> = schemas
        .body
        .as_array()
        .expect("array")
        .iter()
        .map(|s| {
            (
                s["subject"].as_str().unwrap_or_default().to_owned(),
                s["version"].as_i64().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        subjects_and_versions,
        vec![("a".into(), 1), ("a".into(), 2), ("a".into(), 3)]
    );
    let next = app.get("/schemas?offset=3&limit=2").await;
    let next: Vec<Value> = next
        .body
        .as_array()
        .expect("array")
        .iter()
        .map(|s| json!([s["subject"], s["version"]]))
        .collect();
    assert_eq!(next, vec![json!(["a", 4]), json!(["b", 1])]);
    let latest = app.get("/schemas?latestOnly=true&offset=1&limit=2").await;
    let latest: Vec<Value> = latest
        .body
        .as_array()
        .expect("array")
        .iter()
        .map(|s| json!([s["subject"], s["version"]]))
        .collect();
    assert_eq!(latest, vec![json!(["b", 1]), json!(["base", 1])]);

    assert_eq!(app.get("/subjects/a/versions").await.body, json!([1, 2, 3]));
    assert_eq!(
        app.get("/subjects/a/versions?offset=2&limit=5").await.body,
        json!([3, 4])
    );
    let shared = app.get("/subjects/b/versions/1").await.assert_ok()["id"].clone();
    assert_eq!(
        app.get(&format!("/schemas/ids/{shared}/subjects"))
            .await
            .body,
        json!(["a", "b", "c"])
    );
    assert_eq!(
        app.get(&format!("/schemas/ids/{shared}/subjects?offset=4"))
            .await
            .body,
        json!(["e"])
    );
    assert_eq!(
        app.get(&format!("/schemas/ids/{shared}/versions?limit=2"))
            .await
            .body,
        json!([{"subject": "a", "version": 1}, {"subject": "b", "version": 1}])
    );
    assert_eq!(
        app.get("/subjects/base/versions/1/referencedby").await.body,
        json!([shared])
    );
    for (name, context) in [("x", ".c1"), ("y", ".c2"), ("z", ".c3")] {
        app.register_id(&format!(":{context}:{name}"), &record("Z", &[]))
            .await;
    }
    assert_eq!(app.get("/contexts").await.body, json!([".", ".c1", ".c2"]));
    assert_eq!(
        app.get("/contexts?offset=2&limit=9").await.body,
        json!([".c2", ".c3"])
    );
}

async fn imported_ids_leave_room_for_new_ones(app: TestApp) {
    app.put("/mode?force=true", &json!({"mode": "IMPORT"}))
        .await
        .assert_ok();
    let import = |subject: &str, id: i64, name: &str| json!({"schema": record(name, &[]), "id": id, "version": 1, "subject": subject});
    for id in [i64::from(i32::MAX), i64::from(MAX_IMPORTED_ID) + 1] {
        let answer = app
            .post("/subjects/s/versions", &import("s", id, "A"))
            .await;
        answer.assert_error(42205);
        assert_eq!(
            answer.message(),
            format!(
                "Schema id {id} in context . is not permitted: imported ids must be at most 2146435071, so that new ids can still be issued"
            )
        );
    }
    // Ids above 2^31-1 are not ids at all.
    app.post("/subjects/s/versions", &import("s", 1 << 31, "A"))
        .await
        .assert_error(400);
    let highest = app
        .post(
            "/subjects/s/versions",
            &import("s", i64::from(MAX_IMPORTED_ID), "A"),
        )
        .await;
    assert_eq!(highest.assert_ok()["id"], MAX_IMPORTED_ID);
    // Id 0 is an id (Confluent imports any id ≥ 0).
    let zero = app.post("/subjects/z/versions", &import("z", 0, "Z")).await;
    assert_eq!(zero.assert_ok()["id"], 0);
    app.get("/schemas/ids/0").await.assert_ok();

    app.put("/mode", &json!({"mode": "READWRITE"}))
        .await
        .assert_ok();
    let next = app.register_id("t", &record("B", &[])).await;
    assert_eq!(next, i64::from(MAX_IMPORTED_ID) + 1);
    let after = app.register_id("u", &record("C", &[])).await;
    assert_eq!(after, next + 1);
}

async fn an_exhausted_context_answers_a_clear_error(app: TestApp) {
    // A database whose high-water mark reached 2^31-1 (say, imported before the limit existed).
    let store = store::connect(&app.database_url, 2).await.expect("store");
    let mut tx = store.begin_write(&["s"]).await.expect("begin");
    tx.observe_id(".", i32::MAX).await.expect("observe");
    tx.commit().await.expect("commit");
    for _ in 0..2 {
        let answer = app.register("s", &record("A", &[])).await;
        answer.assert_error(42205);
        assert_eq!(
            answer.message(),
            "No schema id is left to issue in context .: id 2147483647 is taken"
        );
    }
    // Other contexts are not affected.
    assert_eq!(app.register_id(":.eu:s", &record("A", &[])).await, 1);
}

async fn the_highest_version_number_does_not_brick_a_subject(app: TestApp) {
    app.put("/mode/s?force=true", &json!({"mode": "IMPORT"}))
        .await
        .assert_ok();
    app.post(
        "/subjects/s/versions",
        &json!({"schema": record("A", &[]), "id": 7, "version": i32::MAX}),
    )
    .await
    .assert_ok();
    app.delete("/mode/s").await.assert_ok();
    app.put("/config/s", &json!({"compatibility": "NONE"}))
        .await
        .assert_ok();
    let answer = app.register("s", &record("B", &[])).await;
    answer.assert_error(42205);
    assert_eq!(
        answer.message(),
        "Subject s has no version number left: version 2147483647 exists"
    );
    assert_eq!(
        app.get("/subjects/s/versions/2147483647").await.assert_ok()["id"],
        7
    );
    assert_eq!(
        app.get("/subjects/s/versions/latest").await.assert_ok()["version"],
        i32::MAX
    );
    app.get("/schemas/ids/2147483647").await.assert_error(40403);
    app.get("/schemas/ids/2147483648").await.assert_error(404);
    app.get("/subjects/s/versions/2147483648")
        .await
        .assert_error(42202);
}

both_backends!(
    long_subjects_are_refused_before_the_database,
    requests_with_too_many_references_are_refused_naming_the_limit,
    reference_cycles_are_refused,
    imported_ids_leave_room_for_new_ones,
    an_exhausted_context_answers_a_clear_error,
    the_highest_version_number_does_not_brick_a_subject,
);
both_backends_with!(fifty_thousand_references_answer_at_once, |args| args
    .max_body_bytes =
    16 * 1024 * 1024);
both_backends_with!(transitive_references_are_bounded, |args| args
    .max_references =
    3);
both_backends_with!(
    schema_texts_over_the_limit_are_refused_before_parsing,
    |args| args.max_schema_bytes = 2000
);
both_backends_with!(listings_page_and_stop_at_the_cap, |args| args
    .max_list_items =
    3);
