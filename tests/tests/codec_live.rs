//! The `codec` crate against our real server (spawned per test on a fresh SQLite database):
//! every serializer mode, the GUID header form, and JSON validation.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use codec::client::RegistryClient;
use codec::{
    AvroDeserializer, AvroSerializer, CachedClient, HttpClient, JsonDeserializer, JsonSerializer,
    Schema, SchemaId, SchemaSelection, SerializerConfig,
};
use registry_tests::{Backend, TestApp, spawn_app};
use serde::{Deserialize, Serialize};

/// A codec client for `app`.
fn registry(app: &TestApp) -> Arc<CachedClient<HttpClient>> {
    Arc::new(CachedClient::new(HttpClient::new(&app.base).unwrap()))
}

fn unique(prefix: &str) -> String {
    let n = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{prefix}-{n}")
}

const V1: &str = r#"{"type":"record","name":"Live","namespace":"codec.live","fields":[{"name":"n","type":"long"},{"name":"s","type":"string"}]}"#;

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Live {
    n: i64,
    s: String,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn avro_modes_and_forms() {
    let app = spawn_app(Backend::Sqlite).await;
    let reg = registry(&app);
    let topic = unique("codec-live");
    let v = Live {
        n: 5,
        s: "x".into(),
    };

    // lookup-only before anything is registered: 40401 (no subject)
    let lookup = SerializerConfig::value().selection(SchemaSelection::LookupOnly);
    let ser = AvroSerializer::<Live>::new(reg.clone(), Schema::avro(V1), lookup.clone()).unwrap();
    let err = ser.serialize(&topic, &v).await.unwrap_err();
    assert!(
        matches!(err.error_code(), Some(40401) | Some(40403)),
        "{err}"
    );

    // auto-register, then decode
    let ser = AvroSerializer::<Live>::new(reg.clone(), Schema::avro(V1), SerializerConfig::value())
        .unwrap();
    let bytes = ser.serialize(&topic, &v).await.unwrap().payload;
    let de = AvroDeserializer::new(reg.clone());
    assert_eq!(de.deserialize::<Live>(&bytes).await.unwrap(), v);
    let id = codec::wire::decode(&bytes).unwrap().0;

    // lookup-only now finds it; use-latest and use-id write the same id
    for cfg in [
        lookup,
        SerializerConfig::value().selection(SchemaSelection::UseLatest { strict: true }),
        SerializerConfig::value().selection(SchemaSelection::UseId {
            id: match id {
                codec::SchemaRef::Id(i) => i,
                codec::SchemaRef::Guid(_) => unreachable!(),
            },
            strict: true,
        }),
    ] {
        let s = AvroSerializer::<Live>::new(reg.clone(), Schema::avro(V1), cfg).unwrap();
        assert_eq!(s.serialize(&topic, &v).await.unwrap().payload, bytes);
    }

    // header form: the registry must hand out a GUID that resolves back to the schema
    let hs = AvroSerializer::<Live>::new(
        reg.clone(),
        Schema::avro(V1),
        SerializerConfig::value().header_form(),
    )
    .unwrap();
    let e = hs.serialize(&topic, &v).await.unwrap();
    let h = e.header.unwrap();
    assert_eq!(
        de.deserialize_with_header::<Live>(Some(&h.value), &e.payload)
            .await
            .unwrap(),
        v
    );

    // unknown id: Confluent's 40403
    let err = reg.schema_by_id(SchemaId(i32::MAX)).await.unwrap_err();
    assert_eq!(err.error_code(), Some(40403), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_with_validation() {
    let app = spawn_app(Backend::Sqlite).await;
    let reg = registry(&app);
    let topic = unique("codec-live-json");
    let schema = Schema::json(
        r#"{"type":"object","properties":{"n":{"type":"integer","minimum":0}},"required":["n"]}"#,
    );
    let ser = JsonSerializer::<serde_json::Value>::new(
        reg.clone(),
        schema,
        SerializerConfig::value().validate(true),
    )
    .unwrap();
    let bytes = ser
        .serialize(&topic, &serde_json::json!({"n": 1}))
        .await
        .unwrap()
        .payload;
    assert!(
        ser.serialize(&topic, &serde_json::json!({"n": -1}))
            .await
            .is_err()
    );
    let de = JsonDeserializer::new(reg, true);
    assert_eq!(
        de.decode_json(None, &bytes).await.unwrap(),
        serde_json::json!({"n": 1})
    );
}

/// The codec's `HttpClient` against an HTTPS registry that requires client certificates:
/// it registers and fetches with one, and cannot connect without.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fetches_a_schema_over_https_with_a_client_certificate() {
    use codec::HttpClientConfig;
    use registry_server::tls::TlsArgs;
    use registry_tests::certs::Ca;

    let dir = tempfile::tempdir().unwrap();
    let ca = Ca::new("test ca");
    let server = ca.server().write(dir.path(), "server");
    let client_ca = ca.write(dir.path(), "ca.pem");
    let app = registry_tests::spawn_app_with(Backend::Sqlite, |args| {
        args.tls = TlsArgs {
            tls_cert: Some(server.cert.clone()),
            tls_key: Some(server.key.clone()),
            tls_client_ca: Some(client_ca),
            tls_client_auth: None,
        };
    })
    .await;
    let identity = ca.client("orders-producer");
    let config = || {
        HttpClientConfig::new(&app.base)
            .retries(0, std::time::Duration::from_millis(10))
            .ca_certs_pem(ca.pem.clone())
    };
    let client = HttpClient::with_config(
        config().client_cert_pem(identity.cert.clone(), identity.key.clone()),
    )
    .unwrap();
    let registered = client
        .register("orders-value", &Schema::avro(V1), false)
        .await
        .unwrap();
    let id = registered.id.unwrap();
    let fetched = client.schema_by_id(id).await.unwrap();
    assert_eq!(fetched.schema.schema_type, codec::SchemaType::Avro);
    assert!(fetched.schema.schema.contains("codec.live"), "{fetched:?}");

    let anonymous = HttpClient::with_config(config()).unwrap();
    let err = anonymous.schema_by_id(id).await.unwrap_err();
    assert!(matches!(err, codec::Error::Transport(_)), "{err}");
}
