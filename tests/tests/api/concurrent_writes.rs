//! Registrations racing one another: each lands once, with its own version, whatever the
//! interleaving (on SQLite they share group commits, so a writer's previous version may be
//! uncommitted when it is checked).

use std::sync::Arc;

use registry_tests::{TestApp, both_backends};

/// A record every other one of the set can read and be read by (BACKWARD both ways): a
/// shared field plus one optional field of its own.
fn variant(k: usize) -> String {
    format!(
        r#"{{"type":"record","name":"R","fields":[{{"name":"id","type":"long"}},{{"name":"g{k}","type":["null","string"],"default":null}}]}}"#
    )
}

async fn compatible_versions_of_one_subject_all_land(app: TestApp) {
    let app = Arc::new(app);
    let writers: Vec<_> = (0..16)
        .map(|k| {
            let app = Arc::clone(&app);
            tokio::spawn(async move { app.register("raced-value", &variant(k)).await })
        })
        .collect();
    let mut versions = Vec::new();
    for writer in writers {
        let answer = writer.await.expect("writer task");
        versions.push(answer.assert_ok()["version"].as_i64().expect("version"));
    }
    versions.sort_unstable();
    assert_eq!(versions, (1..=16).collect::<Vec<_>>());
    let listed = app.get("/subjects/raced-value/versions").await;
    assert_eq!(listed.assert_ok().as_array().map(Vec::len), Some(16));
}

both_backends!(compatible_versions_of_one_subject_all_land);
