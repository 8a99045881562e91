//! Races on the write path, each forced into one interleaving by a [`GateStore`] stop:
//! the first request parks at a chosen point, the racing request runs, then the first goes
//! on. Each test fails when the check it names is made outside the write's transaction.

use std::sync::Arc;
use std::time::Duration;

use registry_server::domain::{SubjectName, VersionRef};
use registry_server::registry::{Caller, Found, Registry, RegistryError, SchemaRequest};
use registry_server::store::Store as _;
use registry_tests::app::record;
use registry_tests::both_backends_gated;
use registry_tests::gate::{Gated, Stop};
use serde_json::json;

fn subject(name: &str) -> SubjectName {
    SubjectName::parse(name).expect("valid subject")
}

fn request(body: serde_json::Value) -> SchemaRequest {
    serde_json::from_value(body).expect("schema request")
}

/// A record of type `B`, registered as version 1 of subject `b`.
async fn register_referenced(registry: &Registry) {
    registry
        .register(
            &Caller::everyone(),
            &subject("b"),
            request(json!({"schema": record("B", &[("x", r#""int""#)])})),
            false,
            false,
        )
        .await
        .expect("b registers");
}

/// A record of subject `a` that uses `B` from `b` version 1.
fn referring() -> SchemaRequest {
    request(json!({
        "schema": r#"{"type":"record","name":"A","fields":[{"name":"b","type":"B"}]}"#,
        "references": [{"name": "B", "subject": "b", "version": 1}],
    }))
}

/// Registers [`referring`] under `a` in a task of its own (it will park at an armed stop).
fn spawn_referring_registration(
    registry: &Arc<Registry>,
) -> tokio::task::JoinHandle<Result<Arc<Found>, RegistryError>> {
    let registry = Arc::clone(registry);
    tokio::spawn(async move {
        registry
            .register(
                &Caller::everyone(),
                &subject("a"),
                referring(),
                false,
                false,
            )
            .await
    })
}

/// The references were resolved, then the referenced version was deleted before the
/// registration's transaction began: the transaction must see the delete and refuse.
async fn a_reference_deleted_before_the_transaction_is_refused(gated: Gated) {
    let registry = Arc::clone(&gated.registry);
    register_referenced(&registry).await;
    let mut parked = gated.gate.arm(Stop::BeginWrite("a".to_owned()));
    let registration = spawn_referring_registration(&registry);
    parked.reached().await;
    registry
        .delete_version(
            &Caller::everyone(),
            &subject("b"),
            VersionRef::Number(1),
            false,
        )
        .await
        .expect("nothing refers to b 1 yet: the soft delete goes through");
    parked.release();
    let refused = registration
        .await
        .expect("registration task")
        .expect_err("a version referring to a deleted version was registered");
    assert_eq!(refused.code(), 42201, "{refused}");
    assert!(
        refused.to_string().contains("No schema reference found"),
        "{refused}"
    );
    let versions = gated.gate.versions("a").await.expect("versions of a");
    assert!(versions.is_empty(), "a partial write: {versions:?}");
}

/// A delete of the referenced version that arrives while the registration's transaction
/// is open waits for it, and then sees the new reference (42206).
async fn a_delete_racing_a_referring_registration_sees_the_reference(gated: Gated) {
    let registry = Arc::clone(&gated.registry);
    register_referenced(&registry).await;
    let mut parked = gated.gate.arm(Stop::BeforeEvent("a".to_owned()));
    let registration = spawn_referring_registration(&registry);
    parked.reached().await;
    let mut delete = tokio::spawn({
        let registry = Arc::clone(&registry);
        async move {
            registry
                .delete_version(
                    &Caller::everyone(),
                    &subject("b"),
                    VersionRef::Number(1),
                    false,
                )
                .await
        }
    });
    // The delete must wait for the registration's locks: finishing now would mean it
    // decided without seeing the reference about to commit.
    let early = tokio::time::timeout(Duration::from_millis(300), &mut delete).await;
    assert!(
        early.is_err(),
        "the delete decided while a registration referring to b 1 was in flight: {early:?}"
    );
    parked.release();
    registration
        .await
        .expect("registration task")
        .expect("a registers");
    let refused = delete
        .await
        .expect("delete task")
        .expect_err("a referenced version was deleted");
    assert_eq!(refused.code(), 42206, "{refused}");
}

/// A by-id read that fetched a schema just before it was hard-deleted may answer it (it
/// started first), but must not leave it in the cache for later reads.
async fn a_by_id_fill_racing_a_hard_delete_is_not_cached(gated: Gated) {
    let registry = Arc::clone(&gated.registry);
    let s = subject("s");
    let id = registry
        .register(
            &Caller::everyone(),
            &s,
            request(json!({"schema": record("S", &[])})),
            false,
            false,
        )
        .await
        .expect("s registers")
        .schema
        .id;
    registry
        .delete_version(&Caller::everyone(), &s, VersionRef::Number(1), false)
        .await
        .expect("soft delete");
    let render = |record: &registry_server::store::SchemaRecord| {
        Ok(bytes::Bytes::from(record.schema.clone()))
    };
    let mut parked = gated.gate.arm(Stop::AfterSchemaRead(id));
    let read = tokio::spawn({
        let registry = Arc::clone(&registry);
        async move {
            registry
                .rendered_schema_by_id(&Caller::everyone(), id, render)
                .await
        }
    });
    parked.reached().await;
    registry
        .delete_version(&Caller::everyone(), &s, VersionRef::Number(1), true)
        .await
        .expect("hard delete");
    parked.release();
    read.await
        .expect("read task")
        .expect("the read began before the delete");
    let after = registry
        .rendered_schema_by_id(&Caller::everyone(), id, render)
        .await
        .expect_err("a hard-deleted schema is still served from the cache");
    assert_eq!(after.code(), 40403, "{after}");
}

/// Sets subject `s` to FULL, starts `read` (spawned), parks it after its read of `s`'s
/// config, sets NONE meanwhile, and answers what `read` gave once released.
async fn with_config_changed_during<T: Send + 'static>(
    gated: &Gated,
    read: impl std::future::Future<Output = T> + Send + 'static,
) -> T {
    let s = subject("s");
    let put = |level: &str| {
        let update = serde_json::from_value(json!({"compatibility": level})).expect("update");
        let registry = Arc::clone(&gated.registry);
        let s = s.clone();
        async move {
            registry
                .put_config(&Caller::everyone(), Some(&s), update)
                .await
                .expect("config write");
        }
    };
    put("FULL").await;
    let mut parked = gated.gate.arm(Stop::AfterConfigRead("s".to_owned()));
    let read = tokio::spawn(read);
    parked.reached().await;
    put("NONE").await;
    parked.release();
    read.await.expect("read task")
}

/// A config read that raced a `PUT /config` must not keep the old config cached.
async fn a_config_fill_racing_a_settings_write_is_not_cached(gated: Gated) {
    let registry = Arc::clone(&gated.registry);
    let level = |value: serde_json::Value| value["compatibilityLevel"].clone();
    let raced = with_config_changed_during(&gated, {
        let registry = Arc::clone(&registry);
        async move {
            registry
                .get_config(&Caller::everyone(), Some(&subject("s")), false)
                .await
        }
    })
    .await
    .expect("config read");
    assert_eq!(level(raced), json!("FULL"));
    let now = registry
        .get_config(&Caller::everyone(), Some(&subject("s")), false)
        .await
        .expect("config read");
    assert_eq!(
        level(now),
        json!("NONE"),
        "the cache kept a config overwritten since"
    );
}

/// The alias check's one read of every scope's settings, racing a `PUT /config`, must not
/// keep the old config cached for the scopes it read.
async fn a_settings_warm_racing_a_settings_write_is_not_cached(gated: Gated) {
    let registry = Arc::clone(&gated.registry);
    with_config_changed_during(&gated, {
        let registry = Arc::clone(&registry);
        async move { registry.resolve_alias(subject("s")).await }
    })
    .await
    .expect("alias check");
    let now = registry
        .effective_level(&subject("s"))
        .await
        .expect("level");
    assert_eq!(
        now.to_string(),
        "NONE",
        "the settings caches kept a config overwritten since"
    );
}

/// A scoped by-id read that found the id used only by a subject it may not read, racing a
/// registration that gives the id a readable user: the read may answer 40403 (it started
/// first), but must not leave the stale users cached for later reads.
async fn an_id_users_fill_racing_a_registration_is_not_cached(gated: Gated) {
    let registry = Arc::clone(&gated.registry);
    let schema = record("Shared", &[]);
    let id = registry
        .register(
            &Caller::everyone(),
            &subject("b"),
            request(json!({ "schema": schema })),
            false,
            false,
        )
        .await
        .expect("b registers")
        .schema
        .id;
    let reader_of_a = || {
        Caller::new(
            None,
            None,
            registry_server::registry::ReadScope::Only(Arc::new(|s: &str| s.starts_with('a'))),
        )
    };
    let render = |record: &registry_server::store::SchemaRecord| {
        Ok(bytes::Bytes::from(record.schema.clone()))
    };
    let mut parked = gated.gate.arm(Stop::AfterUsagesRead(id));
    let read = tokio::spawn({
        let registry = Arc::clone(&registry);
        let caller = reader_of_a();
        async move { registry.rendered_schema_by_id(&caller, id, render).await }
    });
    parked.reached().await;
    let again = registry
        .register(
            &Caller::everyone(),
            &subject("a"),
            request(json!({ "schema": schema })),
            false,
            false,
        )
        .await
        .expect("a registers")
        .schema
        .id;
    assert_eq!(again, id, "the same schema keeps its id");
    parked.release();
    let raced = read.await.expect("read task");
    assert_eq!(raced.map_err(|e| e.code()).err(), Some(40403));
    registry
        .rendered_schema_by_id(&reader_of_a(), id, render)
        .await
        .expect("the cache kept users that a registration changed since");
}

both_backends_gated!(
    an_id_users_fill_racing_a_registration_is_not_cached,
    a_reference_deleted_before_the_transaction_is_refused,
    a_delete_racing_a_referring_registration_sees_the_reference,
    a_by_id_fill_racing_a_hard_delete_is_not_cached,
    a_config_fill_racing_a_settings_write_is_not_cached,
    a_settings_warm_racing_a_settings_write_is_not_cached,
);
