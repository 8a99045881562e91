//! JWTs and JWKS documents made at test time: an RSA key, its JWKS, and RS256 tokens with
//! chosen claims, for the bearer-authentication tests.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::sign::Signer;
use serde_json::{Value, json};

/// The issuer and audience the test servers expect.
pub const ISSUER: &str = "https://idp.test";
pub const AUDIENCE: &str = "schema-registry";

/// A fresh 2048-bit RSA key.
///
/// # Panics
/// When OpenSSL cannot make one: the test fails.
#[must_use]
pub fn rsa_key() -> PKey<Private> {
    PKey::from_rsa(Rsa::generate(2048).expect("rsa key")).expect("pkey")
}

/// The JWKS publishing `key`'s public half under `kid`.
///
/// # Panics
/// When `key` is not RSA.
#[must_use]
pub fn jwks(key: &PKey<Private>, kid: &str) -> Value {
    let rsa = key.rsa().expect("rsa");
    json!({"keys": [{"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256",
        "n": B64.encode(rsa.n().to_vec()), "e": B64.encode(rsa.e().to_vec())}]})
}

/// Seconds since the epoch.
///
/// # Panics
/// When the clock is before 1970.
#[must_use]
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

/// Claims naming `sub`, issued now by [`ISSUER`] for [`AUDIENCE`], valid ten minutes.
#[must_use]
pub fn claims(sub: &str) -> Value {
    let now = now();
    json!({"sub": sub, "iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 600})
}

/// An RS256 JWT carrying `claims`, signed by `key` under `kid`.
///
/// # Panics
/// When OpenSSL cannot sign.
#[must_use]
pub fn jwt(key: &PKey<Private>, kid: &str, claims: &Value) -> String {
    let header = json!({"alg": "RS256", "typ": "JWT", "kid": kid});
    let input = format!(
        "{}.{}",
        B64.encode(header.to_string()),
        B64.encode(claims.to_string())
    );
    let mut signer = Signer::new(MessageDigest::sha256(), key).expect("signer");
    signer.update(input.as_bytes()).expect("sign");
    let signature = signer.sign_to_vec().expect("sign");
    format!("{input}.{}", B64.encode(signature))
}
