//! Replays the Avro matrix the krabka project recorded from Confluent Schema Registry 7.4.0
//! through the REST API on both backends, read at run time from the shared conformance
//! directory (`krabka/avro_matrix.json`; not in this repository, see `build.rs`). Ignored when
//! the data is absent; `avro_compat.rs` covers the same rules with our own schemas.

use registry_tests::{TestApp, both_backends_shared, conformance};

use super::avro_compat::assert_rest_verdict;

async fn recorded_matrix_verdicts_hold_through_rest(app: TestApp) {
    let rows = conformance::read("krabka/avro_matrix.json");
    let rows = rows.as_array().expect("array of rows");
    assert_eq!(rows.len(), 36, "every row is replayed");
    for (i, row) in rows.iter().enumerate() {
        let case = row["case"].as_str().expect("case");
        let level = row["level"].as_str().expect("level");
        let expected = row["is_compatible"].as_bool().expect("verdict");
        let subject = format!("matrix-{i}");
        let writer = row["writer"].as_str().expect("writer");
        let reader = row["reader"].as_str().expect("reader");
        assert_rest_verdict(&app, &subject, level, writer, reader, expected, case).await;
    }
}

both_backends_shared!(recorded_matrix_verdicts_hold_through_rest);
