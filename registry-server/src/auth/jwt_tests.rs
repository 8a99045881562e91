//! Tests of bearer-token verification: keys made at test time with OpenSSL, tokens built by hand.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use openssl::bn::BigNumContext;
use openssl::ec::{EcGroup, EcKey};
use openssl::ecdsa::EcdsaSig;
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::sign::Signer;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

use super::*;

pub(crate) struct RsaKey(pub(crate) PKey<Private>);
pub(crate) struct EcP256(pub(crate) PKey<Private>);

impl RsaKey {
    pub(crate) fn new(bits: u32) -> Self {
        Self(PKey::from_rsa(Rsa::generate(bits).expect("rsa")).expect("pkey"))
    }

    pub(crate) fn jwk(&self, kid: &str) -> Value {
        let rsa = self.0.rsa().expect("rsa");
        json!({"kty": "RSA", "kid": kid, "use": "sig",
               "n": B64.encode(rsa.n().to_vec()), "e": B64.encode(rsa.e().to_vec())})
    }

    pub(crate) fn sign(&self, input: &[u8]) -> Vec<u8> {
        let mut signer = Signer::new(MessageDigest::sha256(), &self.0).expect("signer");
        signer.update(input).expect("update");
        signer.sign_to_vec().expect("sign")
    }

    fn public_pem(&self) -> Vec<u8> {
        self.0.public_key_to_pem().expect("pem")
    }
}

impl EcP256 {
    pub(crate) fn new() -> Self {
        let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).expect("group");
        Self(PKey::from_ec_key(EcKey::generate(&group).expect("ec")).expect("pkey"))
    }

    pub(crate) fn jwk(&self, kid: &str) -> Value {
        let ec = self.0.ec_key().expect("ec");
        let (mut x, mut y) = (
            openssl::bn::BigNum::new().expect("bn"),
            openssl::bn::BigNum::new().expect("bn"),
        );
        let mut ctx = BigNumContext::new().expect("ctx");
        ec.public_key()
            .affine_coordinates(ec.group(), &mut x, &mut y, &mut ctx)
            .expect("coordinates");
        json!({"kty": "EC", "crv": "P-256", "kid": kid, "alg": "ES256",
               "x": B64.encode(x.to_vec_padded(32).expect("x")),
               "y": B64.encode(y.to_vec_padded(32).expect("y"))})
    }

    /// JWS ES256 signatures are r and s side by side, not DER.
    pub(crate) fn sign(&self, input: &[u8]) -> Vec<u8> {
        let mut signer = Signer::new(MessageDigest::sha256(), &self.0).expect("signer");
        signer.update(input).expect("update");
        let sig = EcdsaSig::from_der(&signer.sign_to_vec().expect("sign")).expect("der");
        let mut raw = sig.r().to_vec_padded(32).expect("r");
        raw.extend(sig.s().to_vec_padded(32).expect("s"));
        raw
    }
}

pub(crate) fn now() -> i64 {
    i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("clock")
            .as_secs(),
    )
    .expect("i64")
}

/// A compact JWS of `header` and `claims`, signed by `sign`.
pub(crate) fn token(header: &Value, claims: &Value, sign: impl Fn(&[u8]) -> Vec<u8>) -> String {
    let input = format!(
        "{}.{}",
        B64.encode(header.to_string()),
        B64.encode(claims.to_string())
    );
    let signature = sign(input.as_bytes());
    format!("{input}.{}", B64.encode(signature))
}

pub(crate) fn claims(sub: &str) -> Value {
    json!({"sub": sub, "iss": "https://idp.test", "aud": "registry", "exp": now() + 600, "iat": now()})
}

struct Fixture {
    rsa: RsaKey,
    ec: EcP256,
    verifier: JwtVerifier,
    _dir: tempfile::TempDir,
    path: PathBuf,
    _tasks: Tasks,
}

fn expectations() -> Expectations {
    Expectations {
        issuer: Some("https://idp.test".into()),
        audience: Some("registry".into()),
        principal_claim: "sub".into(),
    }
}

async fn fixture(expect: Expectations) -> Fixture {
    let (rsa, ec) = (RsaKey::new(2048), EcP256::new());
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("jwks.json");
    let jwks = json!({"keys": [rsa.jwk("rsa-1"), ec.jwk("ec-1")]});
    std::fs::write(&path, jwks.to_string()).expect("write");
    let mut tasks = Tasks::default();
    let verifier = JwtVerifier::start(
        &JwksLocation::File(path.clone()),
        expect,
        crate::auth::authenticator::test_intervals(),
        &mut tasks,
    )
    .await
    .expect("starts");
    Fixture {
        rsa,
        ec,
        verifier,
        _dir: dir,
        path,
        _tasks: tasks,
    }
}

fn rs256(kid: &str) -> Value {
    json!({"alg": "RS256", "typ": "JWT", "kid": kid})
}

#[tokio::test]
async fn rs256_and_es256_tokens_name_their_principal() {
    let f = fixture(expectations()).await;
    let rsa_token = token(&rs256("rsa-1"), &claims("alice"), |m| f.rsa.sign(m));
    assert_eq!(f.verifier.verify(&rsa_token).await, Ok("alice".into()));
    let ec_token = token(
        &json!({"alg": "ES256", "kid": "ec-1"}),
        &claims("bob"),
        |m| f.ec.sign(m),
    );
    assert_eq!(f.verifier.verify(&ec_token).await, Ok("bob".into()));
    // Without a kid, the key that fits is found.
    let no_kid = token(&json!({"alg": "RS256"}), &claims("carol"), |m| {
        f.rsa.sign(m)
    });
    assert_eq!(f.verifier.verify(&no_kid).await, Ok("carol".into()));
    // An audience list that contains ours.
    let mut listed = claims("dave");
    listed["aud"] = json!(["other", "registry"]);
    let listed = token(&rs256("rsa-1"), &listed, |m| f.rsa.sign(m));
    assert_eq!(f.verifier.verify(&listed).await, Ok("dave".into()));
}

#[tokio::test]
async fn time_claims_are_honoured_with_a_small_leeway() {
    let f = fixture(expectations()).await;
    let with = |patch: Value| {
        let mut c = claims("alice");
        for (k, v) in patch.as_object().expect("object") {
            c[k] = v.clone();
        }
        token(&rs256("rsa-1"), &c, |m| f.rsa.sign(m))
    };
    assert_eq!(
        f.verifier.verify(&with(json!({"exp": now() - 120}))).await,
        Err(AuthError::Invalid),
        "expired"
    );
    assert!(
        f.verifier
            .verify(&with(json!({"exp": now() - 5})))
            .await
            .is_ok(),
        "within leeway"
    );
    assert_eq!(
        f.verifier.verify(&with(json!({"nbf": now() + 120}))).await,
        Err(AuthError::Invalid),
        "not yet valid"
    );
    assert!(
        f.verifier
            .verify(&with(json!({"nbf": now() + 5})))
            .await
            .is_ok(),
        "within leeway"
    );
    let mut no_exp = claims("alice");
    no_exp.as_object_mut().expect("object").remove("exp");
    let no_exp = token(&rs256("rsa-1"), &no_exp, |m| f.rsa.sign(m));
    assert_eq!(
        f.verifier.verify(&no_exp).await,
        Err(AuthError::Invalid),
        "exp is required"
    );
}

#[tokio::test]
async fn issuer_and_audience_must_match_and_be_present() {
    let f = fixture(expectations()).await;
    for (claim, value) in [
        ("iss", json!("https://evil.test")),
        ("aud", json!("another-service")),
    ] {
        let mut c = claims("alice");
        c[claim] = value;
        let t = token(&rs256("rsa-1"), &c, |m| f.rsa.sign(m));
        assert_eq!(
            f.verifier.verify(&t).await,
            Err(AuthError::Invalid),
            "wrong {claim}"
        );
        c.as_object_mut().expect("object").remove(claim);
        let t = token(&rs256("rsa-1"), &c, |m| f.rsa.sign(m));
        assert_eq!(
            f.verifier.verify(&t).await,
            Err(AuthError::Invalid),
            "missing {claim}"
        );
    }
}

#[tokio::test]
async fn forged_tokens_are_refused() {
    let f = fixture(expectations()).await;
    let stranger = RsaKey::new(2048);
    let wrong_key = token(&rs256("rsa-1"), &claims("alice"), |m| stranger.sign(m));
    assert_eq!(
        f.verifier.verify(&wrong_key).await,
        Err(AuthError::Invalid),
        "wrong signature"
    );
    let wrong_key_no_kid = token(&json!({"alg": "RS256"}), &claims("alice"), |m| {
        stranger.sign(m)
    });
    assert_eq!(
        f.verifier.verify(&wrong_key_no_kid).await,
        Err(AuthError::Invalid)
    );

    let good = token(&rs256("rsa-1"), &claims("alice"), |m| f.rsa.sign(m));
    let mut parts: Vec<&str> = good.split('.').collect();
    let admin = B64.encode(claims("admin").to_string());
    parts[1] = &admin;
    assert_eq!(
        f.verifier.verify(&parts.join(".")).await,
        Err(AuthError::Invalid),
        "payload swapped"
    );

    let none = format!(
        "{}.{}.",
        B64.encode(r#"{"alg":"none","typ":"JWT"}"#),
        B64.encode(claims("alice").to_string())
    );
    assert_eq!(
        f.verifier.verify(&none).await,
        Err(AuthError::Invalid),
        "alg none"
    );
    let none_kid = format!(
        "{}.{}.",
        B64.encode(r#"{"alg":"none","kid":"rsa-1"}"#),
        B64.encode(claims("alice").to_string())
    );
    assert_eq!(
        f.verifier.verify(&none_kid).await,
        Err(AuthError::Invalid),
        "alg none with kid"
    );

    // HS256 keyed with the public key (PEM, and the raw modulus): the classic confusion.
    for secret in [f.rsa.public_pem(), f.rsa.0.rsa().expect("rsa").n().to_vec()] {
        let hmac = PKey::hmac(&secret).expect("hmac key");
        let t = token(
            &json!({"alg": "HS256", "kid": "rsa-1"}),
            &claims("alice"),
            |m| {
                let mut signer = Signer::new(MessageDigest::sha256(), &hmac).expect("signer");
                signer.update(m).expect("update");
                signer.sign_to_vec().expect("sign")
            },
        );
        assert_eq!(
            f.verifier.verify(&t).await,
            Err(AuthError::Invalid),
            "HS256 with the public key"
        );
    }

    // An RSA token presented under the EC key's kid, and an ES256 one under the RSA key's.
    let cross = token(&rs256("ec-1"), &claims("alice"), |m| f.rsa.sign(m));
    assert_eq!(f.verifier.verify(&cross).await, Err(AuthError::Invalid));
    let cross = token(
        &json!({"alg": "ES256", "kid": "rsa-1"}),
        &claims("alice"),
        |m| f.ec.sign(m),
    );
    assert_eq!(f.verifier.verify(&cross).await, Err(AuthError::Invalid));

    let huge = token(
        &rs256("rsa-1"),
        &json!({"sub": "a".repeat(MAX_TOKEN_BYTES), "exp": now() + 60}),
        |m| f.rsa.sign(m),
    );
    assert_eq!(
        f.verifier.verify(&huge).await,
        Err(AuthError::Invalid),
        "oversized"
    );
    assert_eq!(
        f.verifier.verify("not.a.jwt").await,
        Err(AuthError::Invalid)
    );
    assert_eq!(f.verifier.verify("").await, Err(AuthError::Invalid));
}

#[tokio::test]
async fn the_principal_claim_is_configurable_and_required() {
    let mut expect = expectations();
    expect.principal_claim = "email".into();
    let f = fixture(expect).await;
    let mut c = claims("ignored");
    c["email"] = json!("alice@example.com");
    let t = token(&rs256("rsa-1"), &c, |m| f.rsa.sign(m));
    assert_eq!(f.verifier.verify(&t).await, Ok("alice@example.com".into()));
    let t = token(&rs256("rsa-1"), &claims("alice"), |m| f.rsa.sign(m));
    assert_eq!(
        f.verifier.verify(&t).await,
        Err(AuthError::Invalid),
        "no email claim"
    );
    c["email"] = json!(42);
    let t = token(&rs256("rsa-1"), &c, |m| f.rsa.sign(m));
    assert_eq!(
        f.verifier.verify(&t).await,
        Err(AuthError::Invalid),
        "not a string"
    );
}

#[tokio::test]
async fn a_jwks_file_reloads_when_it_changes() {
    let f = fixture(expectations()).await;
    let rotated = RsaKey::new(2048);
    let t = token(&rs256("rsa-2"), &claims("alice"), |m| rotated.sign(m));
    assert_eq!(
        f.verifier.verify(&t).await,
        Err(AuthError::Invalid),
        "unknown kid before the rotation"
    );
    std::fs::write(&f.path, "{broken").expect("write");
    let jwks = json!({"keys": [f.rsa.jwk("rsa-1"), rotated.jwk("rsa-2")]});
    std::fs::write(&f.path, jwks.to_string()).expect("write");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while f.verifier.verify(&t).await.is_err() {
        assert!(std::time::Instant::now() < deadline, "new key never loaded");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Serves one JWKS body over HTTP on 127.0.0.1, counting requests.
pub(crate) struct JwksServer {
    pub(crate) url: reqwest::Url,
    pub(crate) body: Arc<std::sync::Mutex<String>>,
    pub(crate) hits: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl JwksServer {
    pub(crate) async fn start(body: String) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}/jwks.json", listener.local_addr().expect("addr"))
            .parse()
            .expect("url");
        let body = Arc::new(std::sync::Mutex::new(body));
        let hits = Arc::new(AtomicUsize::new(0));
        let (served, counted) = (body.clone(), hits.clone());
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else {
                    return;
                };
                let mut request = Vec::new();
                let mut buf = [0; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 16 * 1024 {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                counted.fetch_add(1, Ordering::SeqCst);
                let body = served.lock().expect("lock").clone();
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(response.as_bytes()).await;
                let _ = socket.shutdown().await;
            }
        });
        Self {
            url,
            body,
            hits,
            task,
        }
    }
}

impl Drop for JwksServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[tokio::test]
async fn an_unknown_kid_refreshes_the_jwks_url_at_most_once_per_interval() {
    let (old, new) = (RsaKey::new(2048), RsaKey::new(2048));
    let server = JwksServer::start(json!({"keys": [old.jwk("old")]}).to_string()).await;
    let mut tasks = Tasks::default();
    let verifier = JwtVerifier::start(
        &JwksLocation::Url(server.url.clone()),
        expectations(),
        crate::auth::authenticator::test_intervals(),
        &mut tasks,
    )
    .await
    .expect("starts");
    assert_eq!(server.hits.load(Ordering::SeqCst), 1, "fetched at start");
    let by_old = token(&rs256("old"), &claims("alice"), |m| old.sign(m));
    assert_eq!(verifier.verify(&by_old).await, Ok("alice".into()));

    // The IdP rotates; a token with the new kid arrives. The startup download was just now,
    // so the first refresh waits out the minimum interval (300 ms in tests).
    *server.body.lock().expect("lock") =
        json!({"keys": [old.jwk("old"), new.jwk("new")]}).to_string();
    let by_new = token(&rs256("new"), &claims("bob"), |m| new.sign(m));
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while verifier.verify(&by_new).await.is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "rotated key never fetched"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let after_rotation = server.hits.load(Ordering::SeqCst);
    assert_eq!(after_rotation, 2, "one download found the new key");

    // A flood of made-up kids costs the IdP at most one download per interval.
    let bogus: Vec<String> = (0..50)
        .map(|i| {
            token(&rs256(&format!("bogus-{i}")), &claims("eve"), |m| {
                new.sign(m)
            })
        })
        .collect();
    let started = std::time::Instant::now();
    for t in &bogus {
        assert_eq!(verifier.verify(t).await, Err(AuthError::Invalid));
    }
    let elapsed_intervals = started.elapsed().as_millis() / 300 + 1;
    let downloads = server.hits.load(Ordering::SeqCst) - after_rotation;
    assert!(
        downloads as u128 <= elapsed_intervals,
        "{downloads} downloads in {} ms",
        started.elapsed().as_millis()
    );
}

#[test]
fn jwks_documents_are_bounded_and_filtered() {
    let rsa = RsaKey::new(2048);
    let weak = RsaKey::new(1024);
    let oct = json!({"kty": "oct", "kid": "secret", "k": B64.encode("shared secret")});
    let enc = {
        let mut k = rsa.jwk("enc");
        k["use"] = json!("enc");
        k
    };
    let unknown = json!({"kty": "XYZ", "kid": "future"});
    let set = KeySet::parse(
        json!({"keys": [oct, enc, unknown, weak.jwk("weak"), rsa.jwk("ok")]})
            .to_string()
            .as_bytes(),
    )
    .expect("one usable key");
    assert_eq!(set.len(), 1);
    assert!(
        set.has_kid("ok") && !set.has_kid("secret") && !set.has_kid("weak") && !set.has_kid("enc")
    );
    assert!(
        set.candidates(Some("ok"), Algorithm::HS256)
            .next()
            .is_none()
    );

    let many: Vec<Value> = (0..65).map(|i| rsa.jwk(&format!("k{i}"))).collect();
    assert!(matches!(
        KeySet::parse(json!({"keys": many}).to_string().as_bytes()),
        Err(JwksError::TooManyKeys(65))
    ));
    assert!(matches!(
        KeySet::parse(br#"{"keys": []}"#),
        Err(JwksError::NoUsableKey)
    ));
    assert!(matches!(KeySet::parse(b"[]"), Err(JwksError::Json(_))));
    let mut mislabelled = rsa.jwk("x");
    mislabelled["alg"] = json!("ES256");
    assert!(matches!(
        KeySet::parse(json!({"keys": [mislabelled]}).to_string().as_bytes()),
        Err(JwksError::NoUsableKey)
    ));
}
