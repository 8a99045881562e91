//! Tests of the façade: every credential kind end to end, the cache, and authfile reloads.

use std::time::{Duration, Instant};

use base64::Engine as _;
use http::header::AUTHORIZATION;
use serde_json::json;

use super::*;
use crate::auth::jwt::JwksLocation;
use crate::auth::jwt::tests::{RsaKey, claims, token};
use crate::auth::permission::{Operation, Resource};

// Each user's hash computed with Python's hashlib, as Karapace computes it:
//   python3 -c 'import hashlib,base64;print(base64.b64encode(hashlib.pbkdf2_hmac("sha1",b"pw-one",b"salt1",5000)).decode())'
//   (likewise "sha256" b"pw-two" b"salt2", "sha512" b"pw-three" b"salt3"), and
//   python3 -c 'import hashlib,base64;print(base64.b64encode(hashlib.scrypt(b"pw-four",salt=b"salt4",n=16384,r=8,p=1)).decode())'
const KARAPACE_FILE: &str = r#"{
  "users": [
    {"username": "one", "algorithm": "sha1", "salt": "salt1", "password_hash": "hg/hXuFugvMNCWnqaz0UcMoc6ws="},
    {"username": "two", "algorithm": "sha256", "salt": "salt2", "password_hash": "j7ae9F9zn5lbV4X6TYBpDrvw38yM0ThLMWpKiFrKugs="},
    {"username": "three", "algorithm": "sha512", "salt": "salt3", "password_hash": "QkJeWvTIhAJBJ41xGtb0Z87Z0q7RCyEL2EcNBSpD76GxgCb1Bvc8xpHY5q4WRqUtZToipt/elMVpshpz6RJtEQ=="},
    {"username": "four", "algorithm": "scrypt", "salt": "salt4", "password_hash": "czkqZkccga77q9B/UFtY3gPNXaoj2WgvcIIo2BqprQhCccaR5bDjQPlmTuX0iZkyDN6gkmuDAiOUtCo6ruKilw=="}
  ],
  "permissions": [
    {"username": "one", "operation": "Write", "resource": "Config:"},
    {"username": "two", "operation": "Read", "resource": "Subject:orders-"},
    {"username": "svc-reporting", "operation": "Read", "resource": "Subject:.*"}
  ]
}"#;
// python3 -c 'import hashlib,base64;print(base64.b64encode(hashlib.pbkdf2_hmac("sha256",b"pw-two-rotated",b"salt2",5000)).decode())'
const TWO_ROTATED: &str = "ilOft3kX4pdRAax+U8DEZgpPbPd/GqfbbJYZllQXMXg=";
const TWO_ORIGINAL: &str = "j7ae9F9zn5lbV4X6TYBpDrvw38yM0ThLMWpKiFrKugs=";

fn basic(user: &str, password: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    headers.insert(
        AUTHORIZATION,
        HeaderValue::from_str(&format!("Basic {encoded}")).expect("value"),
    );
    headers
}

fn bearer(token: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        AUTHORIZATION,
        HeaderValue::from_str(&format!("Bearer {token}")).expect("value"),
    );
    headers
}

struct Setup {
    auth: Authenticator,
    dir: tempfile::TempDir,
}

impl Setup {
    fn authfile(&self) -> std::path::PathBuf {
        self.dir.path().join("authfile.json")
    }
}

async fn with_authfile(text: &str, jwks: Option<serde_json::Value>) -> Setup {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("authfile.json");
    std::fs::write(&path, text).expect("write");
    let mut args = AuthArgs {
        auth_file: Some(path),
        jwt_principal_claim: "sub".into(),
        ..AuthArgs::default()
    };
    if let Some(jwks) = jwks {
        let jwks_path = dir.path().join("jwks.json");
        std::fs::write(&jwks_path, jwks.to_string()).expect("write");
        args.jwt_jwks = Some(JwksLocation::File(jwks_path));
        args.jwt_issuer = Some("https://idp.test".into());
        args.jwt_audience = Some("registry".into());
    }
    let auth = Authenticator::start(&args, test_intervals())
        .await
        .expect("starts");
    Setup { auth, dir }
}

async fn name_of(auth: &Authenticator, headers: &HeaderMap) -> Result<String, AuthError> {
    auth.authenticate(headers, None)
        .await
        .map(|p| p.expect("auth is on").name().to_owned())
}

#[tokio::test]
async fn without_flags_authentication_is_off() {
    let auth = Authenticator::from_args(&AuthArgs::default())
        .await
        .expect("starts");
    assert!(!auth.is_enabled());
    assert_eq!(
        auth.authenticate(&HeaderMap::new(), None)
            .await
            .map(|p| p.is_none()),
        Ok(true)
    );
    assert!(!auth.protects_health_and_metrics());
}

#[tokio::test]
async fn a_karapace_authfile_with_each_hash_algorithm_authenticates() {
    let s = with_authfile(KARAPACE_FILE, None).await;
    for (user, password) in [
        ("one", "pw-one"),
        ("two", "pw-two"),
        ("three", "pw-three"),
        ("four", "pw-four"),
    ] {
        assert_eq!(
            name_of(&s.auth, &basic(user, password)).await,
            Ok(user.to_owned()),
            "{user}"
        );
        assert_eq!(
            name_of(&s.auth, &basic(user, "wrong")).await,
            Err(AuthError::Invalid),
            "{user}"
        );
    }
    assert_eq!(
        name_of(&s.auth, &basic("nobody", "pw-one")).await,
        Err(AuthError::Invalid)
    );
    assert_eq!(
        name_of(&s.auth, &basic("svc-reporting", "")).await,
        Err(AuthError::Invalid),
        "rules but no password"
    );
    assert_eq!(
        s.auth
            .authenticate(&HeaderMap::new(), None)
            .await
            .map(|_| ()),
        Err(AuthError::Missing)
    );

    let one = s
        .auth
        .authenticate(&basic("one", "pw-one"), None)
        .await
        .expect("ok")
        .expect("on");
    assert!(one.may(Operation::Write, Resource::Config));
    assert!(!one.may(Operation::Read, Resource::Subject("orders-x")));
    let two = s
        .auth
        .authenticate(&basic("two", "pw-two"), None)
        .await
        .expect("ok")
        .expect("on");
    assert!(two.may(Operation::Read, Resource::Subject("orders-x")));
    assert!(!two.may(Operation::Write, Resource::Subject("orders-x")));
    assert!(
        s.auth
            .challenge()
            .to_str()
            .expect("ascii")
            .starts_with("Basic realm=")
    );
}

#[tokio::test]
async fn successful_checks_are_cached_and_failures_are_not() {
    let s = with_authfile(KARAPACE_FILE, None).await;
    let inner = s.auth.inner.as_ref().expect("on");
    let generation = inner.users.load().generation;
    assert!(name_of(&s.auth, &basic("four", "wrong")).await.is_err());
    assert!(!inner.cache.verified("four", "wrong", generation));
    let started = Instant::now();
    assert!(name_of(&s.auth, &basic("four", "pw-four")).await.is_ok());
    let hashed = started.elapsed();
    assert!(inner.cache.verified("four", "pw-four", generation));
    let started = Instant::now();
    for _ in 0..20 {
        assert!(name_of(&s.auth, &basic("four", "pw-four")).await.is_ok());
    }
    // Twenty cached checks together cost less than one scrypt.
    assert!(
        started.elapsed() < hashed,
        "{:?} vs {hashed:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn the_authfile_reloads_and_a_broken_version_keeps_the_old_one() {
    let s = with_authfile(KARAPACE_FILE, None).await;
    assert!(name_of(&s.auth, &basic("two", "pw-two")).await.is_ok());

    std::fs::write(s.authfile(), "{ this is not json").expect("write");
    // A broken file is skipped: give the watcher a few polls, the old users still work.
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(name_of(&s.auth, &basic("two", "pw-two")).await.is_ok());

    std::fs::write(
        s.authfile(),
        KARAPACE_FILE.replace(TWO_ORIGINAL, TWO_ROTATED),
    )
    .expect("write");
    let deadline = Instant::now() + Duration::from_secs(10);
    while name_of(&s.auth, &basic("two", "pw-two-rotated"))
        .await
        .is_err()
    {
        assert!(Instant::now() < deadline, "rotated password never loaded");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // The old password was cached, but the cache does not outlive the file version.
    assert_eq!(
        name_of(&s.auth, &basic("two", "pw-two")).await,
        Err(AuthError::Invalid)
    );
}

#[tokio::test]
async fn a_client_certificate_name_maps_to_the_authfile_user() {
    let s = with_authfile(KARAPACE_FILE, None).await;
    let p = s
        .auth
        .authenticate(&HeaderMap::new(), Some("svc-reporting"))
        .await
        .expect("ok")
        .expect("on");
    assert_eq!(p.name(), "svc-reporting");
    assert!(p.may(Operation::Read, Resource::Subject("anything")));
    let stranger = s
        .auth
        .authenticate(&HeaderMap::new(), Some("stranger"))
        .await
        .expect("ok")
        .expect("on");
    assert!(
        !stranger.may(Operation::Read, Resource::Subject("anything")),
        "known to the CA, not to the file"
    );
    // An Authorization header speaks louder than the certificate.
    let p = s
        .auth
        .authenticate(&basic("two", "pw-two"), Some("svc-reporting"))
        .await
        .expect("ok")
        .expect("on");
    assert_eq!(p.name(), "two");
    assert_eq!(
        s.auth
            .authenticate(&basic("two", "wrong"), Some("svc-reporting"))
            .await
            .map(|_| ()),
        Err(AuthError::Invalid)
    );
}

#[tokio::test]
async fn a_token_principal_gets_the_permissions_of_its_name() {
    let key = RsaKey::new(2048);
    let s = with_authfile(KARAPACE_FILE, Some(json!({"keys": [key.jwk("k1")]}))).await;
    let t = token(
        &json!({"alg": "RS256", "kid": "k1"}),
        &claims("svc-reporting"),
        |m| key.sign(m),
    );
    let p = s
        .auth
        .authenticate(&bearer(&t), None)
        .await
        .expect("ok")
        .expect("on");
    assert_eq!(p.name(), "svc-reporting");
    assert!(p.may(Operation::Read, Resource::Subject("x")));
    assert!(!p.may(Operation::Write, Resource::Subject("x")));
    let t = token(
        &json!({"alg": "RS256", "kid": "k1"}),
        &claims("unlisted"),
        |m| key.sign(m),
    );
    let p = s
        .auth
        .authenticate(&bearer(&t), None)
        .await
        .expect("ok")
        .expect("on");
    assert!(
        !p.may(Operation::Read, Resource::Subject("x")),
        "authenticated, no permissions"
    );
    assert_eq!(
        s.auth.challenge().to_str().expect("ascii"),
        r#"Basic realm="schema-registry", Bearer realm="schema-registry""#
    );
}

#[tokio::test]
async fn each_scheme_needs_its_flag() {
    let s = with_authfile(KARAPACE_FILE, None).await;
    assert_eq!(
        name_of(&s.auth, &bearer("a.b.c")).await,
        Err(AuthError::Invalid),
        "no --jwt-jwks"
    );

    let key = RsaKey::new(2048);
    let dir = tempfile::tempdir().expect("tempdir");
    let jwks = dir.path().join("jwks.json");
    std::fs::write(&jwks, json!({"keys": [key.jwk("k1")]}).to_string()).expect("write");
    let args = AuthArgs {
        jwt_jwks: Some(JwksLocation::File(jwks)),
        jwt_principal_claim: "sub".into(),
        ..AuthArgs::default()
    };
    let auth = Authenticator::start(&args, test_intervals())
        .await
        .expect("starts");
    assert_eq!(
        name_of(&auth, &basic("one", "pw-one")).await,
        Err(AuthError::Invalid),
        "no --auth-file"
    );
    assert_eq!(
        auth.challenge().to_str().expect("ascii"),
        r#"Bearer realm="schema-registry""#
    );
}

#[tokio::test]
async fn setup_errors_name_the_file_and_the_problem() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("auth.toml");
    std::fs::write(
        &path,
        "[[users]]\nusername = \"a\"\npassword_hash = \"x\"\n",
    )
    .expect("write");
    let args = AuthArgs {
        auth_file: Some(path),
        ..AuthArgs::default()
    };
    let error = Authenticator::start(&args, test_intervals())
        .await
        .expect_err("bad hash")
        .to_string();
    assert!(
        error.starts_with("--auth-file ") && error.contains("users[0] (\"a\").password_hash"),
        "{error}"
    );
    let args = AuthArgs {
        auth_file: Some(dir.path().join("missing.json")),
        ..AuthArgs::default()
    };
    assert!(Authenticator::start(&args, test_intervals()).await.is_err());
}
