//! A JSON Web Key Set: the public keys bearer tokens are checked with, from a file or a URL.

use std::time::Duration;

use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey};
use serde::Deserialize;

/// Largest JWKS document read, in bytes.
pub(crate) const MAX_JWKS_BYTES: usize = 1024 * 1024;
/// Most keys one set may hold (a token without `kid` is tried against each that fits).
const MAX_KEYS: usize = 64;
/// RSA moduli accepted, in bytes: 2048 to 8192 bits.
const RSA_MODULUS_BYTES: std::ops::RangeInclusive<usize> = 256..=1024;
/// Time limit of one JWKS download.
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);

const RSA_ALGS: &[Algorithm] = &[
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
];

/// Why a JWKS cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum JwksError {
    #[error("not a JWKS document (an object with \"keys\"): {0}")]
    Json(#[source] serde_json::Error),
    #[error("{0} keys; at most {MAX_KEYS} are accepted")]
    TooManyKeys(usize),
    #[error("no usable signature key (RSA of 2048 to 8192 bits, EC P-256 or P-384, Ed25519)")]
    NoUsableKey,
    #[error("larger than {MAX_JWKS_BYTES} bytes")]
    TooLarge,
    #[error("download failed: {0}")]
    Fetch(String),
    #[error(transparent)]
    File(#[from] super::authfile::AuthFileError),
}

/// One verification key and the algorithms it may verify.
pub(crate) struct Key {
    pub(crate) kid: Option<String>,
    pub(crate) algorithms: Vec<Algorithm>,
    pub(crate) key: DecodingKey,
}

/// The usable keys of one JWKS document.
#[derive(Default)]
pub(crate) struct KeySet {
    keys: Vec<Key>,
}

#[derive(Deserialize)]
struct Document {
    keys: Vec<serde_json::Value>,
}

impl KeySet {
    /// Keeps the signature keys it can use and skips (with a log line) the others: an IdP
    /// publishing a key type we do not know must not lock everyone out.
    pub(crate) fn parse(bytes: &[u8]) -> Result<Self, JwksError> {
        if bytes.len() > MAX_JWKS_BYTES {
            return Err(JwksError::TooLarge);
        }
        let document: Document = serde_json::from_slice(bytes).map_err(JwksError::Json)?;
        if document.keys.len() > MAX_KEYS {
            return Err(JwksError::TooManyKeys(document.keys.len()));
        }
        let keys: Vec<Key> = document.keys.into_iter().filter_map(usable).collect();
        if keys.is_empty() {
            return Err(JwksError::NoUsableKey);
        }
        Ok(Self { keys })
    }

    pub(crate) fn has_kid(&self, kid: &str) -> bool {
        self.keys.iter().any(|k| k.kid.as_deref() == Some(kid))
    }

    /// Keys that may verify a token signed with `alg` and naming `kid` (any key, without one).
    pub(crate) fn candidates<'a>(
        &'a self,
        kid: Option<&'a str>,
        alg: Algorithm,
    ) -> impl Iterator<Item = &'a Key> {
        self.keys.iter().filter(move |k| {
            k.algorithms.contains(&alg) && (kid.is_none() || k.kid.as_deref() == kid)
        })
    }

    pub(crate) fn len(&self) -> usize {
        self.keys.len()
    }
}

fn usable(value: serde_json::Value) -> Option<Key> {
    let jwk: Jwk = match serde_json::from_value(value) {
        Ok(jwk) => jwk,
        Err(error) => {
            tracing::warn!(%error, "skipping a JWKS key that does not parse");
            return None;
        }
    };
    let kid = jwk.common.key_id.clone();
    let skip = |why: &str| {
        tracing::warn!(
            kid = kid.as_deref().unwrap_or(""),
            why,
            "skipping a JWKS key"
        );
        None
    };
    if matches!(jwk.common.public_key_use, Some(PublicKeyUse::Encryption)) {
        return skip("an encryption key");
    }
    let algorithms: Vec<Algorithm> = match &jwk.algorithm {
        AlgorithmParameters::RSA(rsa) => {
            let modulus = base64::Engine::decode(
                &base64::engine::general_purpose::URL_SAFE_NO_PAD,
                rsa.n.trim_end_matches('='),
            );
            let bits_ok = modulus.is_ok_and(|n| {
                let significant = n.iter().skip_while(|b| **b == 0).count();
                RSA_MODULUS_BYTES.contains(&significant)
            });
            if !bits_ok {
                return skip("RSA modulus not 2048 to 8192 bits");
            }
            RSA_ALGS.to_vec()
        }
        AlgorithmParameters::EllipticCurve(ec) => match ec.curve {
            EllipticCurve::P256 => vec![Algorithm::ES256],
            EllipticCurve::P384 => vec![Algorithm::ES384],
            _ => return skip("unsupported curve"),
        },
        AlgorithmParameters::OctetKeyPair(okp) if okp.curve == EllipticCurve::Ed25519 => {
            vec![Algorithm::EdDSA]
        }
        // A shared secret in a public key set would let anyone who reads it sign tokens.
        AlgorithmParameters::OctetKey(_) => return skip("a symmetric key"),
        _ => return skip("unsupported key type"),
    };
    // A key that names its algorithm verifies that one only.
    let algorithms = match jwk.common.key_algorithm {
        None => algorithms,
        Some(named) => {
            let named = serde_json::to_value(named).ok();
            match algorithms
                .into_iter()
                .find(|a| serde_json::to_value(a).ok() == named)
            {
                Some(alg) => vec![alg],
                None => return skip("its alg does not fit its key type"),
            }
        }
    };
    match DecodingKey::from_jwk(&jwk) {
        Ok(key) => Some(Key {
            kid: jwk.common.key_id,
            algorithms,
            key,
        }),
        Err(_) => skip("key material does not decode"),
    }
}

/// Downloads a JWKS with a time limit and a size limit.
pub(crate) async fn fetch(
    client: &reqwest::Client,
    url: &reqwest::Url,
) -> Result<KeySet, JwksError> {
    let fetch_error = |e: reqwest::Error| JwksError::Fetch(e.to_string());
    let mut response = client.get(url.clone()).send().await.map_err(fetch_error)?;
    if !response.status().is_success() {
        return Err(JwksError::Fetch(format!(
            "HTTP status {}",
            response.status()
        )));
    }
    if response
        .content_length()
        .is_some_and(|len| len > MAX_JWKS_BYTES as u64)
    {
        return Err(JwksError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(fetch_error)? {
        if body.len() + chunk.len() > MAX_JWKS_BYTES {
            return Err(JwksError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    // Parsing checks RSA moduli and points: off the async threads.
    tokio::task::spawn_blocking(move || KeySet::parse(&body))
        .await
        .map_err(|e| JwksError::Fetch(e.to_string()))?
}

/// The HTTP client JWKS downloads use.
pub(crate) fn client() -> Result<reqwest::Client, JwksError> {
    reqwest::Client::builder()
        .timeout(FETCH_TIMEOUT)
        .connect_timeout(FETCH_TIMEOUT)
        .redirect(reqwest::redirect::Policy::limited(3))
        .build()
        .map_err(|e| JwksError::Fetch(e.to_string()))
}
