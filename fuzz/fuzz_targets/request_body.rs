//! The REST API on hostile request bodies, through the real server's routing over SQLite, in process.
//!
//! An input is up to six requests separated by `0xFF` bytes; each one's first byte picks the
//! route and content type (register, lookup, compatibility, config, mode, plain or normalized,
//! context-level or subject-level) and the rest is the body. Every input runs in a context of
//! its own (`/contexts/.fN/...`), so inputs do not see each other's subjects and a finding
//! replays alone. Asserted: never a 5xx; every error is Confluent-shaped; a schema that
//! registers is found again by a lookup of the same body, under the same id (any id
//! when the body named one, as IMPORT allows).
#![no_main]

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::Body;
use clap::Parser;
use http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use libfuzzer_sys::fuzz_target;
use registry_server::config::ServeArgs;
use registry_server::server::Front;
use serde_json::Value;
use tower::ServiceExt;

/// Server settings from the flags' defaults (whatever flags exist), as `serve` would get them.
#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    serve: ServeArgs,
}

struct App {
    runtime: tokio::runtime::Runtime,
    router: Front,
    _dir: tempfile::TempDir,
}

fn app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    APP.get_or_init(|| {
        // RAM-backed when available: registrations fsync.
        let dir = tempfile::tempdir_in("/dev/shm")
            .or_else(|_| tempfile::tempdir())
            .expect("a temporary directory");
        let url = format!("sqlite://{}", dir.path().join("registry.db").display());
        let cli = Cli::parse_from([
            "fuzz",
            "--database-url",
            url.as_str(),
            "--database-max-connections",
            "4",
        ]);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let router = runtime
            .block_on(registry_server::server::build(&cli.serve))
            .expect("the server builds over a fresh SQLite database");
        App {
            runtime,
            router,
            _dir: dir,
        }
    })
}

const MEDIA_TYPES: [Option<&str>; 4] = [
    Some("application/vnd.schemaregistry.v1+json"),
    Some("application/json"),
    None,
    Some("text/plain"),
];

/// (method, path after the context prefix, is a registration with this normalize flag)
const ROUTES: [(Method, &str, Option<bool>); 11] = [
    (Method::POST, "/subjects/fz/versions", Some(false)),
    (
        Method::POST,
        "/subjects/fz/versions?normalize=true",
        Some(true),
    ),
    (Method::POST, "/subjects/fz2/versions", Some(false)),
    (Method::POST, "/subjects/fz", None),
    (
        Method::POST,
        "/subjects/fz?normalize=true&deleted=true",
        None,
    ),
    (
        Method::POST,
        "/compatibility/subjects/fz/versions/latest?verbose=true",
        None,
    ),
    (
        Method::POST,
        "/compatibility/subjects/fz/versions?verbose=true",
        None,
    ),
    (Method::PUT, "/config/fz", None),
    (Method::PUT, "/config", None),
    (Method::PUT, "/mode/fz?force=true", None),
    (Method::PUT, "/mode", None),
];

async fn send(
    router: &Front,
    method: Method,
    uri: &str,
    media: Option<&str>,
    body: &[u8],
) -> (StatusCode, Vec<u8>) {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(media) = media {
        request = request.header(header::CONTENT_TYPE, media);
    }
    let request = request
        .body(Body::from(body.to_vec()))
        .expect("a well-formed request");
    let response = router
        .clone()
        .oneshot(request)
        .await
        .expect("the router is infallible");
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("the body is readable")
        .to_bytes()
        .to_vec();
    (status, bytes)
}

fn check_answer(uri: &str, body: &[u8], status: StatusCode, answer: &[u8]) {
    let text = String::from_utf8_lossy(answer);
    assert!(
        !status.is_server_error(),
        "{uri} answered {status}: {text}\nrequest body: {:?}",
        String::from_utf8_lossy(body)
    );
    if status.is_client_error() {
        let error: Value = serde_json::from_slice(answer)
            .unwrap_or_else(|e| panic!("{uri} {status}: error body is not JSON ({e}): {text}"));
        assert!(
            error.get("error_code").is_some_and(Value::is_i64)
                && error.get("message").is_some_and(Value::is_string),
            "{uri} {status}: not a Confluent error body: {text}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    static INPUT: AtomicU64 = AtomicU64::new(0);
    let app = app();
    let prefix = format!("/contexts/.f{}", INPUT.fetch_add(1, Ordering::Relaxed));
    registry_fuzz::on_server_stack(|| {
        app.runtime.block_on(async {
        for part in data.split(|&b| b == 0xFF).take(6) {
            let Some((&selector, body)) = part.split_first() else {
                continue;
            };
            let (method, path, registration) = &ROUTES[usize::from(selector) % ROUTES.len()];
            let media = MEDIA_TYPES[usize::from(selector / 16) % MEDIA_TYPES.len()];
            let uri = format!("{prefix}{path}");
            let (status, answer) = send(&app.router, method.clone(), &uri, media, body).await;
            check_answer(&uri, body, status, &answer);
            // A registered schema is found again, under the same id.
            // (A body without a schema re-registers the latest one: nothing to look up.)
            let names_schema = serde_json::from_slice::<Value>(body).is_ok_and(|b| {
                b.get("schema")
                    .and_then(Value::as_str)
                    .is_some_and(|s| !s.trim().is_empty())
            });
            if let Some(normalize) = registration
                && status == StatusCode::OK
                && names_schema
            {
                let registered: Value =
                    serde_json::from_slice(&answer).expect("a registration answers JSON");
                let subject = path.split('/').nth(2).unwrap_or_default();
                let lookup = if *normalize {
                    format!("{prefix}/subjects/{subject}?normalize=true")
                } else {
                    format!("{prefix}/subjects/{subject}")
                };
                let (found, answer) = send(&app.router, Method::POST, &lookup, media, body).await;
                check_answer(&lookup, body, found, &answer);
                let looked_up: Value = serde_json::from_slice(&answer).unwrap_or_default();
                // IMPORT may give one schema two ids (explicit `id`s): then any of them.
                let explicit_id = serde_json::from_slice::<Value>(body)
                    .is_ok_and(|b| b.get("id").is_some_and(|id| !id.is_null()));
                assert!(
                    found == StatusCode::OK
                        && (explicit_id || looked_up.get("id") == registered.get("id")),
                    "registered {registered} but the lookup answered {found} {looked_up}\nbody: {:?}",
                    String::from_utf8_lossy(body)
                );
            }
        }
    })
    });
});
