//! Every route of the router × {anonymous, wrong password, reader of `a*`, writer of `b*`
//! only, admin}: 401, looks-missing, 403 or allowed. The routes come from the router's own
//! table, so a new route fails here until it is classified.
//!
//! Subject routes address `a1` (readable by the reader, hidden from the writer); a
//! looks-missing answer must equal the admin's answer for a subject (or id, or guid) that
//! does not exist, with the name swapped.

use registry_tests::app::{Answer, record};
use reqwest::Method;
use serde_json::{Value, json};

use super::support::{As, EVERYONE, Secured, assert_unauthorized};

/// How a route is guarded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Guard {
    /// No credentials needed.
    Open,
    /// Any authenticated principal (listings are filtered).
    Authenticated,
    /// Reads a subject: hidden subjects look missing.
    SubjectRead,
    /// Writes a subject whatever exists: 403 without Write.
    SubjectWrite,
    /// Deletes from a subject: 403 when readable but not writable, else looks missing.
    SubjectDelete,
    /// Reads by id or guid: an id used by no readable subject looks missing.
    IdRead,
    /// Read on `Config:`.
    ConfigRead,
    /// Write on `Config:`.
    ConfigWrite,
}

fn guard(method: &Method, path: &str) -> Guard {
    use Guard::*;
    match (method.as_str(), path) {
        ("GET", "/" | "/schemas/types" | "/health/live" | "/health/ready" | "/metrics") => Open,
        ("POST", "/")
        | (
            "GET",
            "/v1/metadata/id" | "/v1/metadata/version" | "/contexts" | "/subjects" | "/schemas",
        )
        | ("DELETE", "/contexts/{context}") => Authenticated,
        (
            "POST",
            "/subjects/{subject}"
            | "/compatibility/subjects/{subject}/versions"
            | "/compatibility/subjects/{subject}/versions/{version}",
        )
        | (
            "GET",
            "/subjects/{subject}/versions"
            | "/subjects/{subject}/metadata"
            | "/subjects/{subject}/versions/{version}"
            | "/subjects/{subject}/versions/{version}/schema"
            | "/subjects/{subject}/versions/{version}/referencedby"
            | "/config/{subject}"
            | "/mode/{subject}",
        ) => SubjectRead,
        ("POST", "/subjects/{subject}/versions")
        | ("PUT", "/config/{subject}" | "/mode/{subject}") => SubjectWrite,
        (
            "DELETE",
            "/subjects/{subject}"
            | "/subjects/{subject}/versions/{version}"
            | "/config/{subject}"
            | "/mode/{subject}",
        ) => SubjectDelete,
        (
            "GET",
            "/schemas/ids/{id}"
            | "/schemas/ids/{id}/schema"
            | "/schemas/ids/{id}/subjects"
            | "/schemas/ids/{id}/versions"
            | "/schemas/guids/{guid}"
            | "/schemas/guids/{guid}/ids",
        ) => IdRead,
        ("GET", "/config" | "/mode") => ConfigRead,
        ("GET", "/v1/follow") => ConfigRead,
        ("PUT" | "DELETE", "/config" | "/mode")
        | ("GET", "/v1/audit")
        | ("DELETE", "/v1/follow") => ConfigWrite,
        _ => panic!("classify the new route {method} {path} in tests/tests/auth/matrix.rs"),
    }
}

const A1: &str = r#"{"type":"record","name":"A1","fields":[]}"#;
const MISSING_ID: &str = "99999";
const MISSING_GUID: &str = "00000000-0000-0000-0000-000000000000";

/// What a route's placeholders become.
struct Target {
    subject: &'static str,
    id: String,
    guid: String,
}

impl Target {
    fn path(&self, method: &Method, template: &str) -> String {
        let mut path = template
            .replace("{subject}", self.subject)
            .replace("{version}", "1")
            .replace("{id}", &self.id)
            .replace("{guid}", &self.guid)
            .replace("{context}", ".ctx");
        // Deletes of versions are asked permanently: refused (40405/40407) for live
        // versions, so the admin's allowed answer changes nothing.
        if method == Method::DELETE && path.starts_with("/subjects/") {
            path.push_str("?permanent=true");
        }
        path
    }
}

fn body(method: &Method, path: &str) -> Option<Value> {
    match (method.as_str(), path) {
        ("POST", "/") => Some(json!({})),
        ("POST", _) => Some(json!({ "schema": A1 })),
        ("PUT", p) if p.starts_with("/config") => Some(json!({"compatibility": "BACKWARD"})),
        ("PUT", p) if p.starts_with("/mode") => Some(json!({"mode": "READWRITE"})),
        _ => None,
    }
}

async fn send(app: &Secured, who: As, method: &Method, template: &str, target: &Target) -> Answer {
    let path = target.path(method, template);
    app.call(who, method.clone(), &path, body(method, template).as_ref())
        .await
}

/// Seeds `a1`, `b1` and `:.ctx:a1` as admin, plus a config and mode on `a1`.
async fn seed(app: &Secured) {
    app.register(As::Admin, "a1", A1).await;
    app.register(As::Admin, "b1", &record("B1", &[])).await;
    app.register(As::Admin, ":.ctx:a1", &record("C1", &[]))
        .await;
    reseed_settings(app).await;
}

async fn reseed_settings(app: &Secured) {
    app.put(As::Admin, "/config/a1", &json!({"compatibility": "FULL"}))
        .await
        .assert_ok();
    app.put(As::Admin, "/mode/a1", &json!({"mode": "READWRITE"}))
        .await
        .assert_ok();
}

fn allowed(answer: &Answer, missing: Option<&Answer>, what: &str) {
    let status = answer.status.as_u16();
    assert!(
        status != 401 && status != 403,
        "{what}: expected allowed, got {}",
        answer.text
    );
    assert!(status < 500, "{what}: {}", answer.text);
    if let Some(missing) = missing
        && !missing.status.is_success()
    {
        assert_ne!(
            (answer.status, &answer.body),
            (missing.status, &missing.body),
            "{what}: answered as missing"
        );
    }
}

fn forbidden(answer: &Answer, what: &str) {
    assert_eq!(answer.status.as_u16(), 403, "{what}: {}", answer.text);
    assert_eq!(answer.error_code(), Some(40301), "{what}");
    assert!(
        answer.message().starts_with("User is denied operation "),
        "{what}: {}",
        answer.message()
    );
}

fn looks_missing(answer: &Answer, missing: &Answer, swap: (&str, &str), what: &str) {
    let expected = missing.text.replace(swap.0, swap.1);
    assert_eq!(
        (answer.status, answer.text.as_str()),
        (missing.status, expected.as_str()),
        "{what}: does not look missing"
    );
}

async fn every_route_answers_each_principal_as_its_permissions_say(app: Secured) {
    seed(&app).await;
    let by_id = app.get(As::Admin, "/schemas/ids/1").await;
    let guid = by_id.assert_ok()["guid"].as_str().expect("guid").to_owned();
    let present = Target {
        subject: "a1",
        id: "1".to_owned(),
        guid: guid.clone(),
    };
    let absent = Target {
        subject: "a2",
        id: MISSING_ID.to_owned(),
        guid: MISSING_GUID.to_owned(),
    };
    let routes = registry_server::api::route_table();
    assert!(routes.len() > 30, "the route table is populated");
    for (method, template) in routes {
        let kind = guard(&method, template);
        reseed_settings(&app).await;
        // The admin's answer for something that does not exist: what "hidden" must look like.
        let missing = match kind {
            Guard::SubjectRead | Guard::SubjectDelete | Guard::IdRead => {
                Some(send(&app, As::Admin, &method, template, &absent).await)
            }
            _ => None,
        };
        let swap = if template.contains("{guid}") {
            (MISSING_GUID, guid.as_str())
        } else if template.contains("{id}") {
            (MISSING_ID, "1")
        } else {
            ("a2", "a1")
        };
        for who in EVERYONE {
            let what = format!("{who:?} {method} {template} ({kind:?})");
            let answer = send(&app, who, &method, template, &present).await;
            match (who, kind) {
                (_, Guard::Open) => allowed(&answer, None, &what),
                (As::Anonymous | As::WrongPassword, _) => assert_unauthorized(&answer, &what),
                (_, Guard::Authenticated) | (As::Admin, _) => {
                    allowed(&answer, missing.as_ref(), &what);
                }
                (As::Reader, Guard::SubjectRead | Guard::IdRead) => {
                    allowed(&answer, missing.as_ref(), &what);
                }
                (As::Writer, Guard::SubjectRead | Guard::SubjectDelete | Guard::IdRead) => {
                    let missing = missing.as_ref().expect("a missing answer");
                    looks_missing(&answer, missing, swap, &what);
                }
                (
                    As::Reader | As::Writer,
                    Guard::SubjectWrite
                    | Guard::SubjectDelete
                    | Guard::ConfigRead
                    | Guard::ConfigWrite,
                ) => forbidden(&answer, &what),
            }
        }
    }
}

/// The writer may write its own subjects; the 403 names the subject and operation.
async fn a_writer_writes_its_own_prefix_and_is_told_why_elsewhere(app: Secured) {
    seed(&app).await;
    app.register(As::Writer, "b2", &record("B2", &[])).await;
    app.put(As::Writer, "/config/b2", &json!({"compatibility": "NONE"}))
        .await
        .assert_ok();
    app.put(As::Writer, "/mode/b2", &json!({"mode": "READONLY"}))
        .await
        .assert_ok();
    app.delete(As::Writer, "/mode/b2").await.assert_ok();
    app.delete(As::Writer, "/subjects/b2").await.assert_ok();
    let refused = app
        .post(
            As::Reader,
            "/subjects/a1/versions",
            &json!({ "schema": A1 }),
        )
        .await;
    assert_eq!(
        refused.body,
        json!({"error_code": 40301, "message": "User is denied operation Write on Subject: a1"})
    );
    let global = app
        .put(As::Writer, "/mode", &json!({"mode": "READONLY"}))
        .await;
    assert_eq!(
        global.body,
        json!({"error_code": 40301, "message": "User is denied operation Write on Config:"})
    );
    let read = app.get(As::Reader, "/config").await;
    assert_eq!(
        read.body,
        json!({"error_code": 40301, "message": "User is denied operation Read on Config:"})
    );
    // A subject the writer may not read: deleting it looks missing and deletes nothing.
    app.delete(As::Writer, "/subjects/a1")
        .await
        .assert_error(40401);
    app.delete(As::Writer, "/config/a1")
        .await
        .assert_error(40401);
    app.delete(As::Writer, "/mode/a1").await.assert_error(40401);
    app.get(As::Admin, "/subjects/a1/versions")
        .await
        .assert_ok();
    app.get(As::Admin, "/config/a1").await.assert_ok();
    app.get(As::Admin, "/mode/a1").await.assert_ok();
}

/// Malformed, oversized or unknown-scheme credentials are a 401, never a 5xx.
async fn bad_authorization_headers_are_401(app: Secured) {
    let huge = format!("Basic {}", "A".repeat(60_000));
    for header in [
        "Basic !!!not-base64",
        "Basic",
        "Bearer",
        "Bearer not.a.jwt",
        "Negotiate abc",
        huge.as_str(),
    ] {
        let response = app
            .app
            .client
            .get(format!("{}/subjects", app.app.base))
            .header("Authorization", header)
            .send()
            .await
            .expect("reachable");
        let answer = registry_tests::TestApp::answer(response).await;
        assert_unauthorized(&answer, &header[..header.len().min(20)]);
    }
    // The open routes answer anyone.
    assert!(app.get(As::Anonymous, "/").await.status.is_success());
    assert!(
        app.get(As::Anonymous, "/schemas/types")
            .await
            .status
            .is_success()
    );
    assert!(
        app.get(As::Anonymous, "/health/live")
            .await
            .status
            .is_success()
    );
    assert_unauthorized(&app.get(As::Anonymous, "/nope").await, "unknown path");
}

async fn start(backend: registry_tests::Backend) -> Secured {
    Secured::start(backend).await
}

crate::secured_tests!(
    start;
    every_route_answers_each_principal_as_its_permissions_say,
    a_writer_writes_its_own_prefix_and_is_told_why_elsewhere,
    bad_authorization_headers_are_401,
);
