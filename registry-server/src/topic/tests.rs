//! Decoding and folding of `_schemas` records, one row per behaviour of
//! `/work/shared/spec/schemas-topic.md` §10 (no broker).

use serde_json::{Value, json};

use super::fold::{Folded, Refused, Touched};
use super::record::{MAX_KEY_BYTES, Malformed, Record, decode};
use crate::store::GLOBAL_SCOPE;

fn bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).expect("json")
}

fn schema_key(subject: &str, version: i32) -> Value {
    json!({"keytype": "SCHEMA", "subject": subject, "version": version, "magic": 1})
}

fn schema_value(subject: &str, version: i32, id: i32, schema: &str, deleted: bool) -> Value {
    json!({"subject": subject, "version": version, "id": id, "schema": schema, "deleted": deleted})
}

/// A small log builder: records applied in order, each answering what it touched.
#[derive(Default)]
struct Log {
    folded: Folded,
    ts: i64,
}

impl Log {
    fn put(&mut self, key: &Value, value: Option<&Value>) -> Result<Vec<Touched>, String> {
        self.ts += 1;
        let value = value.map(bytes);
        let record = decode(Some(&bytes(key)), value.as_deref()).map_err(|e| e.to_string())?;
        self.folded
            .apply(record, self.ts)
            .map_err(|e| e.to_string())
    }

    fn register(&mut self, subject: &str, version: i32, id: i32, schema: &str) {
        self.put(
            &schema_key(subject, version),
            Some(&schema_value(subject, version, id, schema, false)),
        )
        .expect("applied");
    }

    /// (version, id, deleted) of every version of `subject`.
    fn versions(&self, subject: &str) -> Vec<(i32, i32, bool)> {
        self.folded
            .versions()
            .filter(|(s, _, _)| *s == subject)
            .map(|(_, v, e)| (v, e.value.id, e.value.deleted))
            .collect()
    }
}

#[test]
fn a_schema_record_decodes_with_avro_as_the_default_type() {
    let record = decode(
        Some(&bytes(&schema_key("orders-value", 1))),
        Some(&bytes(&schema_value(
            "orders-value",
            1,
            7,
            "\"string\"",
            false,
        ))),
    )
    .expect("decodes");
    let Record::Schema {
        subject,
        version,
        value: Some(value),
    } = record
    else {
        panic!("a schema record: {record:?}");
    };
    assert_eq!((subject.as_str(), version), ("orders-value", 1));
    assert_eq!((value.id, value.schema_type.as_str()), (7, "AVRO"));
    assert!(!value.deleted && value.references.is_empty());
}

#[test]
fn keys_with_extra_fields_legacy_order_or_magic_zero_are_accepted() {
    let value = bytes(&schema_value("s", 1, 1, "\"int\"", false));
    for key in [
        r#"{"keytype":"SCHEMA","subject":"s","version":1,"magic":1,"seq":"abc","node":3}"#,
        r#"{"subject":"s","version":1,"magic":1,"keytype":"SCHEMA"}"#,
        r#"{"keytype":"SCHEMA","subject":"s","version":1,"magic":0}"#,
    ] {
        let record = decode(Some(key.as_bytes()), Some(&value)).expect(key);
        assert!(
            matches!(record, Record::Schema { value: Some(_), .. }),
            "{key}"
        );
    }
}

#[test]
fn malformed_records_name_what_is_wrong() {
    let value = bytes(&schema_value("s", 1, 1, "\"int\"", false));
    type Case = (Option<Vec<u8>>, Option<Vec<u8>>, fn(&Malformed) -> bool);
    let cases: Vec<Case> = vec![
        (Some(b"not json".to_vec()), Some(value.clone()), |m| {
            matches!(m, Malformed::BadKey(_))
        }),
        (Some(b"{}".to_vec()), None, |m| {
            matches!(m, Malformed::BadKey(_))
        }),
        (Some(b"[1,2]".to_vec()), None, |m| {
            matches!(m, Malformed::BadKey(_))
        }),
        (
            Some(bytes(
                &json!({"keytype": "SCHEMA", "subject": "s", "version": 1, "magic": 2}),
            )),
            Some(value.clone()),
            |m| matches!(m, Malformed::BadMagic(2)),
        ),
        (
            Some(bytes(&json!({"keytype": "SCHEMA", "subject": "s"}))),
            Some(value.clone()),
            |m| matches!(m, Malformed::BadKey(_)),
        ),
        (
            Some(bytes(&schema_key("s", 1))),
            Some(b"{\"id\":".to_vec()),
            |m| {
                matches!(
                    m,
                    Malformed::BadValue {
                        keytype: "SCHEMA",
                        ..
                    }
                )
            },
        ),
        (
            Some(bytes(&schema_key("s", 1))),
            Some(bytes(&json!({"id": -4, "schema": "\"int\""}))),
            |m| matches!(m, Malformed::BadValue { .. }),
        ),
        (
            Some(bytes(
                &json!({"keytype": "ASSOC", "subject": "s", "magic": 0}),
            )),
            Some(b"{}".to_vec()),
            |m| matches!(m, Malformed::UnknownKeyType(t) if t == "ASSOC"),
        ),
        (None, Some(value.clone()), |m| {
            matches!(m, Malformed::MissingKey)
        }),
        (Some(vec![b' '; MAX_KEY_BYTES + 1]), None, |m| {
            matches!(m, Malformed::KeyTooLarge(_))
        }),
        (
            Some(bytes(&json!({"keytype": "CONFIG", "magic": 0}))),
            Some(bytes(&json!({"compatibilityLevel": "SOMETIMES"}))),
            |m| {
                matches!(
                    m,
                    Malformed::BadValue {
                        keytype: "CONFIG",
                        ..
                    }
                )
            },
        ),
        (
            Some(bytes(&json!({"keytype": "MODE", "magic": 0}))),
            Some(bytes(&json!({"mode": "SIDEWAYS"}))),
            |m| {
                matches!(
                    m,
                    Malformed::BadValue {
                        keytype: "MODE",
                        ..
                    }
                )
            },
        ),
    ];
    for (i, (key, value, expected)) in cases.into_iter().enumerate() {
        let error = decode(key.as_deref(), value.as_deref()).expect_err("malformed");
        assert!(expected(&error), "case {i}: {error:?}");
        assert!(!error.to_string().is_empty());
    }
}

#[test]
fn empty_values_are_deletes_and_empty_records_are_noops() {
    let record = decode(Some(&bytes(&schema_key("s", 1))), Some(b"")).expect("decodes");
    assert_eq!(
        record,
        Record::Schema {
            subject: "s".to_owned(),
            version: 1,
            value: None
        }
    );
    assert_eq!(decode(None, None), Ok(Record::Noop));
    assert_eq!(decode(Some(b""), Some(b"")), Ok(Record::Noop));
    for keytype in ["NOOP", "CONTEXT"] {
        let key = bytes(&json!({"keytype": keytype, "magic": 0}));
        assert_eq!(decode(Some(&key), None), Ok(Record::Noop), "{keytype}");
    }
    let delete_subject = bytes(&json!({"keytype": "DELETE_SUBJECT", "subject": "s", "magic": 0}));
    assert_eq!(decode(Some(&delete_subject), None), Ok(Record::Noop));
}

#[test]
fn configs_bind_to_the_key_scope_and_drop_nulls_and_cache_fields() {
    let global = [
        json!({"keytype": "CONFIG", "magic": 0}),
        json!({"keytype": "CONFIG", "subject": null, "magic": 0}),
    ];
    let value = bytes(
        &json!({"compatibilityLevel": "FULL", "normalize": true, "alias": null, "offset": 9, "ts": 1}),
    );
    for key in global {
        let record = decode(Some(&bytes(&key)), Some(&value)).expect("decodes");
        let Record::Config {
            scope: None,
            value: Some(config),
        } = record
        else {
            panic!("a global config: {record:?}");
        };
        assert_eq!(
            Value::Object(config),
            json!({"compatibilityLevel": "FULL", "normalize": true})
        );
    }
    // A legacy value without `subject` (and one naming another) binds to the key's subject.
    let key = bytes(&json!({"keytype": "CONFIG", "subject": "s", "magic": 0}));
    for value in [
        json!({"compatibilityLevel": "NONE"}),
        json!({"subject": "other", "compatibilityLevel": "NONE"}),
    ] {
        let record = decode(Some(&key), Some(&bytes(&value))).expect("decodes");
        assert!(
            matches!(&record, Record::Config { scope: Some(s), value: Some(_) } if s == "s"),
            "{record:?}"
        );
    }
}

#[test]
fn versions_replay_in_order_and_the_last_record_per_key_wins() {
    let mut log = Log::default();
    log.register("s", 1, 1, "\"int\"");
    log.register("s", 2, 2, "\"long\"");
    assert_eq!(log.versions("s"), vec![(1, 1, false), (2, 2, false)]);
    // Soft delete: the version stays, marked.
    let touched = log
        .put(
            &schema_key("s", 2),
            Some(&schema_value("s", 2, 2, "\"long\"", true)),
        )
        .expect("applied");
    assert_eq!(touched, vec![Touched::Version("s".to_owned(), 2)]);
    assert_eq!(log.versions("s"), vec![(1, 1, false), (2, 2, true)]);
    // A magic-0 key for the same version is the same logical entry.
    let legacy = json!({"keytype": "SCHEMA", "subject": "s", "version": 2, "magic": 0});
    log.put(&legacy, Some(&schema_value("s", 2, 2, "\"long\"", false)))
        .expect("applied");
    assert_eq!(log.versions("s"), vec![(1, 1, false), (2, 2, false)]);
    // Hard delete (null value) removes it.
    log.put(&schema_key("s", 2), None).expect("applied");
    assert_eq!(log.versions("s"), vec![(1, 1, false)]);
    assert_eq!(log.folded.max_id("."), 2, "a removed id still counts");
}

#[test]
fn a_topic_holding_only_the_soft_delete_still_defines_the_version() {
    let mut log = Log::default();
    log.put(
        &schema_key("s", 3),
        Some(&schema_value("s", 3, 9, "\"int\"", true)),
    )
    .expect("applied");
    assert_eq!(log.versions("s"), vec![(3, 9, true)]);
}

#[test]
fn delete_subject_marks_versions_up_to_its_version_and_later_ones_stay_live() {
    let mut log = Log::default();
    log.register("s", 1, 1, "\"int\"");
    log.register("s", 2, 2, "\"long\"");
    let key = json!({"keytype": "DELETE_SUBJECT", "subject": "s", "magic": 0});
    let touched = log
        .put(&key, Some(&json!({"subject": "s", "version": 2})))
        .expect("applied");
    assert_eq!(touched.len(), 2);
    log.register("s", 3, 3, "\"float\"");
    assert_eq!(
        log.versions("s"),
        vec![(1, 1, true), (2, 2, true), (3, 3, false)]
    );
}

#[test]
fn a_hard_delete_then_re_registration_is_live_despite_an_older_delete_subject() {
    let mut log = Log::default();
    log.register("s", 1, 1, "\"int\"");
    let key = json!({"keytype": "DELETE_SUBJECT", "subject": "s", "magic": 0});
    log.put(&key, Some(&json!({"subject": "s", "version": 1})))
        .expect("applied");
    log.put(&schema_key("s", 1), None).expect("applied");
    log.register("s", 1, 4, "\"double\"");
    assert_eq!(log.versions("s"), vec![(1, 4, false)]);
}

#[test]
fn clear_subject_drops_soft_deleted_versions_of_its_scope() {
    let mut log = Log::default();
    for subject in ["a", "b", ":.ctx:c"] {
        log.register(subject, 1, 1, "\"int\"");
        log.register(subject, 2, 2, "\"long\"");
        log.put(
            &schema_key(subject, 1),
            Some(&schema_value(subject, 1, 1, "\"int\"", true)),
        )
        .expect("applied");
    }
    let clear = |subject: Option<&str>| {
        let mut key = json!({"keytype": "CLEAR_SUBJECT", "magic": 0});
        if let Some(s) = subject {
            key["subject"] = json!(s);
        }
        key
    };
    log.put(&clear(Some("a")), Some(&json!({"subject": "a"})))
        .expect("applied");
    assert_eq!(log.versions("a"), vec![(2, 2, false)]);
    assert_eq!(
        log.versions("b").len(),
        2,
        "another subject keeps its versions"
    );
    log.put(&clear(Some(":.ctx:")), Some(&json!({"subject": ":.ctx:"})))
        .expect("applied");
    assert_eq!(log.versions(":.ctx:c"), vec![(2, 2, false)]);
    assert_eq!(
        log.versions("b").len(),
        2,
        "the default context is not .ctx"
    );
    log.put(&clear(None), Some(&json!({}))).expect("applied");
    assert_eq!(log.versions("b"), vec![(2, 2, false)]);
}

#[test]
fn configs_and_modes_replace_whole_and_tombstones_remove_them() {
    let mut log = Log::default();
    let global = json!({"keytype": "CONFIG", "magic": 0});
    let global_null = json!({"keytype": "CONFIG", "subject": null, "magic": 0});
    log.put(
        &global,
        Some(&json!({"compatibilityLevel": "FULL", "normalize": true})),
    )
    .expect("applied");
    // A later record under another byte form of the same key replaces it whole.
    log.put(&global_null, Some(&json!({"compatibilityLevel": "NONE"})))
        .expect("applied");
    assert_eq!(
        log.folded
            .config(GLOBAL_SCOPE)
            .map(|c| Value::Object(c.clone())),
        Some(json!({"compatibilityLevel": "NONE"}))
    );
    let context = json!({"keytype": "CONFIG", "subject": ":.ctx:", "magic": 0});
    log.put(&context, Some(&json!({"compatibilityLevel": "FORWARD"})))
        .expect("applied");
    assert!(log.folded.config(":.ctx:").is_some());
    let special = json!({"keytype": "MODE", "subject": ":.__GLOBAL:", "magic": 0});
    let touched = log
        .put(&special, Some(&json!({"mode": "READONLY"})))
        .expect("applied");
    assert_eq!(touched, vec![Touched::Mode(":.__GLOBAL:".to_owned())]);
    assert_eq!(log.folded.mode(":.__GLOBAL:"), Some("READONLY"));
    assert_eq!(log.folded.mode(GLOBAL_SCOPE), None);
    let global_mode = json!({"keytype": "MODE", "magic": 0});
    log.put(&global_mode, Some(&json!({"mode": "IMPORT"})))
        .expect("applied");
    assert_eq!(log.folded.mode(GLOBAL_SCOPE), Some("IMPORT"));
    log.put(&global_mode, None).expect("applied");
    assert_eq!(log.folded.mode(GLOBAL_SCOPE), None);
    log.put(&global, None).expect("applied");
    assert!(log.folded.config(GLOBAL_SCOPE).is_none());
}

#[test]
fn a_duplicate_id_with_another_schema_is_ignored_but_contexts_have_their_own_ids() {
    let mut log = Log::default();
    log.register("a", 1, 5, "\"int\"");
    let refused = log
        .put(
            &schema_key("b", 1),
            Some(&schema_value("b", 1, 5, "\"long\"", false)),
        )
        .expect_err("refused");
    assert!(refused.contains("schema id 5"), "{refused}");
    assert!(log.versions("b").is_empty());
    log.register("b", 1, 5, "\"int\"");
    log.register(":.eu:a", 1, 5, "\"long\"");
    assert_eq!(log.versions(":.eu:a"), vec![(1, 5, false)]);
    // Once no version carries the id, it may hold another schema.
    log.put(&schema_key("a", 1), None).expect("applied");
    log.put(&schema_key("b", 1), None).expect("applied");
    log.register("c", 1, 5, "\"long\"");
    assert_eq!(log.versions("c"), vec![(1, 5, false)]);
}

#[test]
fn max_ids_are_per_context_and_count_deleted_versions_and_gaps() {
    let mut log = Log::default();
    for (version, id) in [(1, 1), (2, 21), (3, 41)] {
        log.register(
            "s",
            version,
            id,
            &format!("{{\"type\":\"fixed\",\"name\":\"f{id}\",\"size\":{id}}}"),
        );
    }
    log.put(
        &schema_key("t", 1),
        Some(&schema_value("t", 1, 50, "\"int\"", true)),
    )
    .expect("applied");
    log.register(":.eu:s", 1, 3, "\"int\"");
    assert_eq!(log.folded.max_id("."), 50);
    assert_eq!(log.folded.max_id(".eu"), 3);
    assert_eq!(log.folded.max_id(".none"), 0);
}

#[test]
fn invalid_subjects_are_refused_not_folded() {
    let mut folded = Folded::default();
    let record = Record::Schema {
        subject: "bad\nname".to_owned(),
        version: 1,
        value: None,
    };
    assert!(matches!(folded.apply(record, 0), Err(Refused::Subject(..))));
}

#[test]
fn referenced_versions_are_ordered_before_their_referrers() {
    let mut log = Log::default();
    // The referrer has the lower id (IMPORT-mode ids), so id order alone would be wrong.
    let mut referrer = schema_value(
        "app",
        1,
        1,
        "{\"type\":\"record\",\"name\":\"A\",\"fields\":[{\"name\":\"b\",\"type\":\"B\"}]}",
        false,
    );
    referrer["references"] = json!([{"name": "B", "subject": "lib", "version": 1}]);
    log.put(&schema_key("app", 1), Some(&referrer))
        .expect("applied");
    log.register(
        "lib",
        1,
        2,
        "{\"type\":\"fixed\",\"name\":\"B\",\"size\":1}",
    );
    log.register("other", 1, 3, "\"int\"");
    let keys: Vec<(String, i32)> = log
        .folded
        .versions()
        .map(|(s, v, _)| (s.to_owned(), v))
        .collect();
    let order: Vec<String> = log
        .folded
        .ordered(&keys)
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    assert_eq!(order, vec!["lib", "app", "other"]);
}
