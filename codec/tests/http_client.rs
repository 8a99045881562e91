//! The HTTP client against a scripted axum stub on 127.0.0.1:0: retries, auth headers, failover,
//! timeouts, Confluent error codes, media types and path encoding.
#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use codec::client::{HttpClient, HttpClientConfig, RegistryClient};
use codec::{AvroDeserializer, AvroSerializer, CachedClient, Schema, SchemaId, SerializerConfig};

#[derive(Debug, Clone)]
struct Seen {
    method: String,
    uri: String,
    auth: Option<String>,
    accept: Option<String>,
    content_type: Option<String>,
    body: String,
}

type Script = dyn Fn(&Seen, usize) -> (u16, String) + Send + Sync;

#[derive(Clone)]
struct Stub {
    seen: Arc<Mutex<Vec<Seen>>>,
    script: Arc<Script>,
    delay: Option<Duration>,
}

async fn handle(State(stub): State<Stub>, req: Request) -> Response {
    let (auth, accept, content_type) = {
        let h = |n: &str| {
            req.headers()
                .get(n)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        (h("authorization"), h("accept"), h("content-type"))
    };
    let method = req.method().to_string();
    let uri = req.uri().to_string();
    let body = axum::body::to_bytes(req.into_body(), 1 << 20)
        .await
        .unwrap();
    let seen = Seen {
        method,
        uri,
        auth,
        accept,
        content_type,
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    let n = {
        let mut all = stub.seen.lock().unwrap();
        all.push(seen.clone());
        all.len() - 1
    };
    if let Some(d) = stub.delay {
        tokio::time::sleep(d).await;
    }
    let (status, body) = (stub.script)(&seen, n);
    (
        StatusCode::from_u16(status).unwrap(),
        [("content-type", "application/vnd.schemaregistry.v1+json")],
        Body::from(body),
    )
        .into_response()
}

/// Starts a stub answering with `script(request, index)`; returns its base URL and what it saw.
async fn stub(
    delay: Option<Duration>,
    script: impl Fn(&Seen, usize) -> (u16, String) + Send + Sync + 'static,
) -> (String, Arc<Mutex<Vec<Seen>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let app = Router::new().fallback(handle).with_state(Stub {
        seen: seen.clone(),
        script: Arc::new(script),
        delay,
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), seen)
}

/// A URL nothing listens on.
async fn dead_url() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    drop(l);
    format!("http://{addr}")
}

const INT_SCHEMA: &str = r#"{"schema":"\"int\""}"#;

fn fast(urls: &str) -> HttpClientConfig {
    HttpClientConfig::new(urls).retries(3, Duration::from_millis(10))
}

#[tokio::test]
async fn retries_503_then_succeeds() {
    let (url, seen) = stub(None, |_, n| {
        if n < 2 {
            (503, "busy".into())
        } else {
            (200, INT_SCHEMA.into())
        }
    })
    .await;
    let c = HttpClient::with_config(fast(&url)).unwrap();
    let s = c.schema_by_id(SchemaId(1)).await.unwrap();
    assert_eq!(s.schema.schema, "\"int\"");
    assert_eq!(seen.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn retries_408_and_429() {
    let (url, seen) = stub(None, |_, n| match n {
        0 => (408, String::new()),
        1 => (429, String::new()),
        _ => (200, INT_SCHEMA.into()),
    })
    .await;
    let c = HttpClient::with_config(fast(&url)).unwrap();
    assert!(c.schema_by_id(SchemaId(1)).await.is_ok());
    assert_eq!(seen.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn retries_are_bounded() {
    let (url, seen) = stub(None, |_, _| {
        (
            500,
            r#"{"error_code":50001,"message":"Error in the backend data store"}"#.into(),
        )
    })
    .await;
    let c =
        HttpClient::with_config(HttpClientConfig::new(&url).retries(2, Duration::from_millis(5)))
            .unwrap();
    let err = c.schema_by_id(SchemaId(1)).await.unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert_eq!(err.error_code(), Some(50001));
    assert_eq!(seen.lock().unwrap().len(), 3, "first attempt + 2 retries");
}

#[tokio::test]
async fn client_errors_are_not_retried_and_keep_error_code() {
    let (url, seen) = stub(None, |_, _| {
        (
            404,
            r#"{"error_code":40403,"message":"Schema 7 not found"}"#.into(),
        )
    })
    .await;
    let c = HttpClient::with_config(fast(&url)).unwrap();
    let err = c.schema_by_id(SchemaId(7)).await.unwrap_err();
    assert_eq!(err.error_code(), Some(40403));
    assert!(err.is_not_found());
    assert!(err.to_string().contains("Schema 7 not found"), "{err}");
    assert_eq!(seen.lock().unwrap().len(), 1);
    assert_eq!(seen.lock().unwrap()[0].uri, "/schemas/ids/7");
}

#[tokio::test]
async fn non_json_error_bodies_are_kept_as_text() {
    let (url, _) = stub(None, |_, _| (401, "Unauthorized".into())).await;
    let c = HttpClient::with_config(fast(&url)).unwrap();
    let err = c.schema_by_id(SchemaId(1)).await.unwrap_err();
    assert_eq!((err.status(), err.error_code()), (Some(401), None));
    assert!(err.to_string().contains("Unauthorized"));
}

#[tokio::test]
async fn basic_and_bearer_auth_headers() {
    let (url, seen) = stub(None, |_, _| (200, INT_SCHEMA.into())).await;
    let c = HttpClient::with_config(fast(&url).basic_auth("user", "pass")).unwrap();
    c.schema_by_id(SchemaId(1)).await.unwrap();
    let c = HttpClient::with_config(fast(&url).bearer_auth("tok3n")).unwrap();
    c.schema_by_id(SchemaId(1)).await.unwrap();
    let c = HttpClient::with_config(fast(&url)).unwrap();
    c.schema_by_id(SchemaId(1)).await.unwrap();
    let seen = seen.lock().unwrap();
    assert_eq!(seen[0].auth.as_deref(), Some("Basic dXNlcjpwYXNz"));
    assert_eq!(seen[1].auth.as_deref(), Some("Bearer tok3n"));
    assert_eq!(seen[2].auth, None);
    assert!(!format!("{:?}", fast(&url).basic_auth("u", "secret")).contains("secret"));
}

#[tokio::test]
async fn fails_over_to_the_next_url_and_sticks_to_it() {
    let (url, seen) = stub(None, |_, _| (200, INT_SCHEMA.into())).await;
    let dead = dead_url().await;
    let c = HttpClient::with_config(fast(&format!("{dead}, {url}/"))).unwrap();
    assert_eq!(c.urls(), [dead.clone(), url.clone()]);
    c.schema_by_id(SchemaId(1)).await.unwrap();
    c.schema_by_id(SchemaId(2)).await.unwrap();
    assert_eq!(seen.lock().unwrap().len(), 2);
    // every URL down: a transport error after the bounded retries
    let c = HttpClient::with_config(fast(&format!("{dead},{}", dead_url().await))).unwrap();
    assert!(matches!(
        c.schema_by_id(SchemaId(1)).await,
        Err(codec::Error::Transport(_))
    ));
}

#[tokio::test]
async fn fails_over_on_5xx_too() {
    let (bad, _) = stub(None, |_, _| (503, String::new())).await;
    let (good, seen) = stub(None, |_, _| (200, INT_SCHEMA.into())).await;
    let c = HttpClient::with_config(fast(&format!("{bad},{good}"))).unwrap();
    c.schema_by_id(SchemaId(1)).await.unwrap();
    assert_eq!(seen.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn timeouts_are_enforced() {
    let (url, _) = stub(Some(Duration::from_secs(5)), |_, _| {
        (200, INT_SCHEMA.into())
    })
    .await;
    let c = HttpClient::with_config(
        fast(&url)
            .timeout(Duration::from_millis(100))
            .retries(1, Duration::from_millis(1)),
    )
    .unwrap();
    let t = Instant::now();
    assert!(matches!(
        c.schema_by_id(SchemaId(1)).await,
        Err(codec::Error::Transport(_))
    ));
    assert!(t.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn requests_use_confluent_media_type_and_encoded_paths() {
    let (url, seen) = stub(None, |s, _| {
        if s.uri.contains("/versions?") {
            (200, r#"{"id":12}"#.into())
        } else {
            (200, r#"{"subject":"a/b","version":3,"id":12,"guid":"0f8e2d9c-1b7a-4c3e-9d5f-6a4b3c2d1e0f","schema":"\"int\""}"#.into())
        }
    })
    .await;
    let c = HttpClient::with_config(fast(&url)).unwrap();
    let schema = Schema::avro("\"int\"");
    let r = c.register("a/b", &schema, true).await.unwrap();
    assert_eq!(
        (r.id, r.subject.as_deref(), &r.schema),
        (Some(SchemaId(12)), Some("a/b"), &schema)
    );
    let l = c.lookup("a/b", &schema, false).await.unwrap();
    assert_eq!(
        (l.version, l.guid.map(|g| g.to_string())),
        (Some(3), Some("0f8e2d9c-1b7a-4c3e-9d5f-6a4b3c2d1e0f".into()))
    );
    c.latest_version("a/b").await.unwrap();
    c.version("a/b", 3).await.unwrap();
    c.schema_by_guid("0f8e2d9c-1b7a-4c3e-9d5f-6a4b3c2d1e0f".parse().unwrap())
        .await
        .unwrap();
    let seen = seen.lock().unwrap();
    let uris: Vec<_> = seen
        .iter()
        .map(|s| format!("{} {}", s.method, s.uri))
        .collect();
    assert_eq!(
        uris,
        [
            "POST /subjects/a%2Fb/versions?normalize=true",
            "POST /subjects/a%2Fb?normalize=false",
            "GET /subjects/a%2Fb/versions/latest",
            "GET /subjects/a%2Fb/versions/3",
            "GET /schemas/guids/0f8e2d9c-1b7a-4c3e-9d5f-6a4b3c2d1e0f",
        ]
    );
    for s in seen.iter() {
        assert_eq!(
            s.accept.as_deref(),
            Some("application/vnd.schemaregistry.v1+json")
        );
    }
    assert_eq!(
        seen[0].content_type.as_deref(),
        Some("application/vnd.schemaregistry.v1+json")
    );
    let body: serde_json::Value = serde_json::from_str(&seen[0].body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"schemaType": "AVRO", "schema": "\"int\""})
    );
}

#[tokio::test]
async fn codec_round_trip_over_http_hits_the_registry_once_each_way() {
    let (url, seen) = stub(None, |s, _| {
        if s.method == "POST" {
            (200, r#"{"id":5}"#.into())
        } else if s.uri == "/schemas/ids/5" {
            (200, r#"{"schema":"{\"type\":\"record\",\"name\":\"P\",\"fields\":[{\"name\":\"x\",\"type\":\"long\"}]}"}"#.into())
        } else {
            (404, r#"{"error_code":40403,"message":"Schema not found"}"#.into())
        }
    })
    .await;
    #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
    struct P {
        x: i64,
    }
    let registry = Arc::new(CachedClient::new(HttpClient::new(&url).unwrap()));
    let schema =
        Schema::avro(r#"{"type":"record","name":"P","fields":[{"name":"x","type":"long"}]}"#);
    let ser =
        AvroSerializer::<P>::new(registry.clone(), schema, SerializerConfig::value()).unwrap();
    let de = AvroDeserializer::new(registry);
    for x in 0..5 {
        let bytes = ser.serialize("points", &P { x }).await.unwrap().payload;
        assert_eq!(&bytes[..5], &[0, 0, 0, 0, 5]);
        assert_eq!(de.deserialize::<P>(&bytes).await.unwrap(), P { x });
    }
    // registering seeds the shared by-id cache (like Confluent's client), so the consumer
    // sharing this client never asks; a separate consumer client asks once
    assert_eq!(
        seen_uris(&seen),
        ["/subjects/points-value/versions?normalize=false"]
    );
    let other = AvroDeserializer::new(Arc::new(CachedClient::new(HttpClient::new(&url).unwrap())));
    let bytes = ser.serialize("points", &P { x: 9 }).await.unwrap().payload;
    for _ in 0..3 {
        assert_eq!(other.deserialize::<P>(&bytes).await.unwrap(), P { x: 9 });
    }
    assert_eq!(
        seen_uris(&seen).last().map(String::as_str),
        Some("/schemas/ids/5")
    );
    assert_eq!(seen_uris(&seen).len(), 2);
}

fn seen_uris(seen: &Mutex<Vec<Seen>>) -> Vec<String> {
    seen.lock().unwrap().iter().map(|s| s.uri.clone()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocking_codecs_over_http_from_worker_and_plain_threads() {
    let (url, _) = stub(None, |s, _| {
        if s.method == "POST" {
            (200, r#"{"id":3}"#.into())
        } else {
            (200, r#"{"schema":"\"string\""}"#.into())
        }
    })
    .await;
    let registry = Arc::new(CachedClient::new(HttpClient::new(&url).unwrap()));
    let ser = codec::Blocking::new(
        AvroSerializer::<str>::new(
            registry,
            Schema::avro(r#""string""#),
            SerializerConfig::value(),
        )
        .unwrap(),
    );
    // on this runtime worker thread: must not panic
    let bytes = ser.serialize("t", "hi").unwrap().payload;
    assert_eq!(bytes, [0, 0, 0, 0, 3, 4, b'h', b'i']);
    // on a plain thread, with a fresh client so the schema is fetched over HTTP
    let url2 = url.clone();
    let decoded = std::thread::spawn(move || {
        let registry = Arc::new(CachedClient::new(HttpClient::new(&url2).unwrap()));
        codec::Blocking::new(AvroDeserializer::new(registry)).deserialize::<String>(&bytes)
    })
    .join()
    .unwrap()
    .unwrap();
    assert_eq!(decoded, "hi");
}

#[tokio::test]
async fn oversized_answers_are_refused() {
    let (url, _) = stub(None, |_, _| {
        (200, format!(r#"{{"schema":"{}"}}"#, "x".repeat(4096)))
    })
    .await;
    let mut cfg = fast(&url).retries(0, Duration::from_millis(1));
    cfg.max_response_bytes = 1024;
    let c = HttpClient::with_config(cfg).unwrap();
    let err = c.schema_by_id(SchemaId(1)).await.unwrap_err();
    assert!(err.to_string().contains("larger than 1024"), "{err}");
    let ok = HttpClient::with_config(fast(&url)).unwrap();
    assert_eq!(
        ok.schema_by_id(SchemaId(1))
            .await
            .unwrap()
            .schema
            .schema
            .len(),
        4096
    );
}

/// TLS options need a TLS backend: without one, building the client says so instead of
/// silently connecting without the certificates.
#[cfg(not(any(feature = "native-tls", feature = "rustls")))]
#[test]
fn tls_options_without_a_tls_feature_are_a_config_error() {
    let config = HttpClientConfig::new("https://127.0.0.1:1").ca_certs_pem("PEM");
    let err = HttpClient::with_config(config).err().expect("refused");
    assert!(
        err.to_string().contains("`native-tls` or `rustls` feature"),
        "{err}"
    );
    let config = HttpClientConfig::new("https://127.0.0.1:1").client_cert_pem("cert", "key");
    assert!(HttpClient::with_config(config).is_err());
}

/// Unreadable PEM is a configuration error naming what it is.
#[cfg(feature = "native-tls")]
#[test]
fn unreadable_tls_material_is_a_config_error() {
    let config = HttpClientConfig::new("https://127.0.0.1:1").ca_certs_pem("not a certificate");
    let err = HttpClient::with_config(config).err().expect("refused");
    assert!(err.to_string().contains("CA certificates"), "{err}");
    let config = HttpClientConfig::new("https://127.0.0.1:1").client_cert_pem("cert", "key");
    let err = HttpClient::with_config(config).err().expect("refused");
    assert!(err.to_string().contains("client certificate"), "{err}");
}
