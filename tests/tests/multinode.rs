//! Two server processes on one PostgreSQL database under concurrent registrations:
//! 8 writers x 200 schemas, pairs of writers sharing a subject, every fifth schema
//! identical across all writers. No duplicate ids, one id per distinct schema, no gaps or
//! duplicates in any subject's versions, every id readable on both nodes.

use std::collections::{BTreeMap, HashMap};

use registry_tests::postgres;
use registry_tests::process::{ServerProcess, get_json, post_json};
use serde_json::{Value, json};

const WRITERS: usize = 8;
const PER_WRITER: usize = 200;

fn schema_for(writer: usize, i: usize) -> String {
    if i.is_multiple_of(5) {
        format!(r#"{{"type":"record","name":"Shared{i}","fields":[]}}"#)
    } else {
        format!(r#"{{"type":"record","name":"W{writer}N{i}","fields":[]}}"#)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[cfg_attr(
    not(postgres_tests),
    ignore = "set TEST_DATABASE_URL to run PostgreSQL tests"
)]
async fn two_nodes_share_one_database_without_duplicates_or_gaps() {
    let Cluster {
        node_a,
        node_b,
        database,
    } = Cluster::start().await;
    let client = reqwest::Client::new();
    let put = client
        .put(format!("{}/config", node_a.base))
        .json(&json!({"compatibility": "NONE"}))
        .send()
        .await;
    assert!(put.is_ok_and(|r| r.status().is_success()));

    let mut writers = Vec::new();
    for writer in 0..WRITERS {
        let base = if writer % 2 == 0 {
            node_a.base.clone()
        } else {
            node_b.base.clone()
        };
        let client = client.clone();
        writers.push(tokio::spawn(async move {
            let subject = format!("shared-subject-{}", writer % 4);
            let mut acks = Vec::with_capacity(PER_WRITER);
            for i in 0..PER_WRITER {
                let schema = schema_for(writer, i);
                let response = client
                    .post(format!("{base}/subjects/{subject}/versions"))
                    .json(&json!({"schema": schema}))
                    .send()
                    .await
                    .expect("node reachable");
                let status = response.status();
                let body: Value = response.json().await.expect("json body");
                assert!(
                    status.is_success(),
                    "writer {writer} schema {i}: {status} {body}"
                );
                acks.push((
                    subject.clone(),
                    schema,
                    body["id"].as_i64().expect("id"),
                    body["version"].as_i64().expect("version"),
                ));
            }
            acks
        }));
    }
    let mut acks = Vec::new();
    for writer in writers {
        acks.extend(writer.await.expect("writer finished"));
    }
    assert_eq!(acks.len(), WRITERS * PER_WRITER);

    // One id per distinct schema text, and no id shared by two texts.
    let mut id_of: HashMap<&str, i64> = HashMap::new();
    let mut text_of: HashMap<i64, &str> = HashMap::new();
    for (_, schema, id, _) in &acks {
        assert_eq!(
            *id_of.entry(schema).or_insert(*id),
            *id,
            "schema {schema} got two ids"
        );
        assert_eq!(
            *text_of.entry(*id).or_insert(schema),
            schema.as_str(),
            "id {id} names two schemas"
        );
    }

    // Every subject's versions are 1..=n without gaps or duplicates, each version one schema.
    let mut per_subject: BTreeMap<&str, BTreeMap<i64, i64>> = BTreeMap::new();
    for (subject, _, id, version) in &acks {
        let previous = per_subject
            .entry(subject)
            .or_default()
            .insert(*version, *id);
        assert!(
            previous.is_none_or(|p| p == *id),
            "{subject} v{version} answered with two ids"
        );
    }
    for (subject, versions) in &per_subject {
        let listed: Vec<i64> = serde_json::from_value(
            get_json(
                &client,
                &format!("{}/subjects/{subject}/versions", node_b.base),
            )
            .await,
        )
        .expect("a list of versions");
        let expected: Vec<i64> = (1..=i64::try_from(listed.len()).expect("len")).collect();
        assert_eq!(
            listed, expected,
            "{subject}: versions have gaps or duplicates"
        );
        assert_eq!(
            versions.len(),
            listed.len(),
            "{subject}: every version was acknowledged once"
        );
    }

    // Every id is readable on both nodes with its text.
    for (id, text) in &text_of {
        for node in [&node_a, &node_b] {
            let body: Value = get_json(&client, &format!("{}/schemas/ids/{id}", node.base)).await;
            assert_eq!(
                body["schema"].as_str(),
                Some(*text),
                "id {id} on {}",
                node.base
            );
        }
    }
    drop((node_a, node_b));
    postgres::drop_database_detached(database);
}

/// A hard delete on one node frees the id; the other node, which had the id's body
/// cached, stops serving it once the notification arrives.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(postgres_tests),
    ignore = "set TEST_DATABASE_URL to run PostgreSQL tests"
)]
async fn a_hard_delete_on_one_node_reaches_the_other_nodes_cache() {
    let Cluster {
        node_a,
        node_b,
        database,
    } = Cluster::start().await;
    let client = reqwest::Client::new();
    let schema = r#"{"type":"record","name":"Gone","fields":[]}"#;
    let registered: Value = client
        .post(format!("{}/subjects/gone/versions", node_a.base))
        .json(&json!({"schema": schema}))
        .send()
        .await
        .expect("reachable")
        .json()
        .await
        .expect("json");
    let id = registered["id"].as_i64().expect("id");
    let by_id = format!("{}/schemas/ids/{id}", node_b.base);
    let lookup = format!("{}/subjects/gone", node_b.base);
    // Twice, so node B serves both from its caches.
    for _ in 0..2 {
        let status = client.get(&by_id).send().await.expect("reachable").status();
        assert!(status.is_success());
        let (looked_up, _) = post_json(&client, &lookup, &json!({"schema": schema})).await;
        assert!(looked_up.is_success());
    }
    // A soft delete on A: B's cached lookup answer goes (no resync involved).
    delete(&client, &format!("{}/subjects/gone", node_a.base)).await;
    eventually(|| async {
        post_json(&client, &lookup, &json!({"schema": schema}))
            .await
            .0
            == reqwest::StatusCode::NOT_FOUND
    })
    .await;
    assert!(
        client
            .get(&by_id)
            .send()
            .await
            .expect("reachable")
            .status()
            .is_success(),
        "soft-deleted ids stay readable"
    );
    // A permanent delete on A frees the id: B's cached body goes.
    delete(
        &client,
        &format!("{}/subjects/gone?permanent=true", node_a.base),
    )
    .await;
    eventually(|| async {
        client.get(&by_id).send().await.expect("reachable").status()
            == reqwest::StatusCode::NOT_FOUND
    })
    .await;
    drop((node_a, node_b));
    postgres::drop_database_detached(database);
}

/// Config and mode are cached per node; a change on one node reaches the other's cache.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(postgres_tests),
    ignore = "set TEST_DATABASE_URL to run PostgreSQL tests"
)]
async fn a_config_change_on_one_node_reaches_the_other_nodes_cache() {
    let Cluster {
        node_a,
        node_b,
        database,
    } = Cluster::start().await;
    let client = reqwest::Client::new();
    let on_b = format!("{}/config", node_b.base);
    assert_eq!(
        get_json(&client, &on_b).await,
        json!({"compatibilityLevel": "BACKWARD"})
    );
    let put = client
        .put(format!("{}/config", node_a.base))
        .json(&json!({"compatibility": "FULL"}))
        .send()
        .await;
    assert!(put.is_ok_and(|r| r.status().is_success()));
    let mode = client
        .put(format!("{}/mode", node_a.base))
        .json(&json!({"mode": "READONLY"}))
        .send()
        .await;
    assert!(mode.is_ok_and(|r| r.status().is_success()));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let config = get_json(&client, &on_b).await;
        let mode = get_json(&client, &format!("{}/mode", node_b.base)).await;
        if config == json!({"compatibilityLevel": "FULL"}) && mode == json!({"mode": "READONLY"}) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "node B still answers {config} / {mode}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    drop((node_a, node_b));
    postgres::drop_database_detached(database);
}

async fn delete(client: &reqwest::Client, url: &str) {
    let deleted = client.delete(url).send().await.expect("reachable");
    assert!(
        deleted.status().is_success(),
        "DELETE {url}: {}",
        deleted.status()
    );
}

/// Polls `check` until it holds, for at most 10 s.
async fn eventually<F, Fut>(mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !check().await {
        assert!(
            std::time::Instant::now() < deadline,
            "the other node did not catch up within 10 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// Two server processes on one fresh PostgreSQL database.
struct Cluster {
    node_a: ServerProcess,
    node_b: ServerProcess,
    database: String,
}

impl Cluster {
    async fn start() -> Self {
        let (url, database) = postgres::create_database().await;
        let bin = env!("CARGO_BIN_EXE_sr-under-test");
        let node_a = ServerProcess::start(bin, &url).await;
        let node_b = ServerProcess::start(bin, &url).await;
        Cluster {
            node_a,
            node_b,
            database,
        }
    }
}

/// Hard-deleting a subject's last version removes its config and mode; another node that had
/// them cached stops answering them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(postgres_tests),
    ignore = "set TEST_DATABASE_URL to run PostgreSQL tests"
)]
async fn a_hard_delete_drops_the_subject_settings_other_nodes_cached() {
    let Cluster {
        node_a,
        node_b,
        database,
    } = Cluster::start().await;
    let client = reqwest::Client::new();
    let schema = r#"{"type":"record","name":"Short","fields":[]}"#;
    let (status, _) = post_json(
        &client,
        &format!("{}/subjects/short/versions", node_a.base),
        &json!({"schema": schema}),
    )
    .await;
    assert!(status.is_success());
    let put = client
        .put(format!("{}/config/short", node_a.base))
        .json(&json!({"compatibility": "FULL"}))
        .send()
        .await;
    assert!(put.is_ok_and(|r| r.status().is_success()));
    let on_b = format!("{}/config/short", node_b.base);
    eventually(|| async {
        get_json(&client, &on_b).await == json!({"compatibilityLevel": "FULL"})
    })
    .await;
    delete(
        &client,
        &format!("{}/subjects/short/versions/1", node_a.base),
    )
    .await;
    delete(
        &client,
        &format!("{}/subjects/short/versions/1?permanent=true", node_a.base),
    )
    .await;
    eventually(|| async {
        client.get(&on_b).send().await.expect("reachable").status()
            == reqwest::StatusCode::NOT_FOUND
    })
    .await;
    drop((node_a, node_b));
    postgres::drop_database_detached(database);
}
