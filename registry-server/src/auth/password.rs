//! Password hashes: Karapace's (PBKDF2-HMAC with 5,000 rounds, scrypt n=2^14 r=8 p=1) and argon2id.

use argon2::{Argon2, PasswordHash, PasswordHasher as _};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rand::RngCore as _;
use subtle::ConstantTimeEq as _;

/// PBKDF2 rounds Karapace uses for its `sha*` algorithms.
const PBKDF2_ROUNDS: u32 = 5000;
/// scrypt cost Karapace uses: n = 2^14, r = 8, p = 1 (16 MiB of memory per hash).
const SCRYPT_LOG_N: u8 = 14;
/// Karapace keeps Python's `hashlib.scrypt` default output length.
const SCRYPT_LEN: usize = 64;

/// Ceilings on argon2id costs an authfile may ask for, so a typo cannot make every login
/// allocate gigabytes or run for seconds.
const ARGON2_MAX_M_KIB: u32 = 256 * 1024;
const ARGON2_MAX_T: u32 = 16;
const ARGON2_MAX_P: u32 = 16;
/// Longest salt text accepted in a Karapace user entry, in bytes.
const MAX_SALT_BYTES: usize = 1024;

/// The hash algorithms of Karapace's authfile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum KarapaceAlgorithm {
    Sha1,
    Sha256,
    Sha512,
    Scrypt,
}

impl KarapaceAlgorithm {
    pub(crate) fn parse(raw: &str) -> Option<Self> {
        match raw {
            "sha1" => Some(Self::Sha1),
            "sha256" => Some(Self::Sha256),
            "sha512" => Some(Self::Sha512),
            "scrypt" => Some(Self::Scrypt),
            _ => None,
        }
    }

    /// The name Karapace writes in the `algorithm` field.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Sha1 => "sha1",
            Self::Sha256 => "sha256",
            Self::Sha512 => "sha512",
            Self::Scrypt => "scrypt",
        }
    }

    fn output_len(self) -> usize {
        match self {
            Self::Sha1 => 20,
            Self::Sha256 => 32,
            Self::Sha512 => 64,
            Self::Scrypt => SCRYPT_LEN,
        }
    }

    /// The raw hash of `password`; the salt is the salt *text*'s UTF-8 bytes, as in Karapace.
    fn derive(self, password: &[u8], salt: &[u8]) -> Vec<u8> {
        let mut out = vec![0; self.output_len()];
        match self {
            Self::Sha1 => {
                pbkdf2::pbkdf2_hmac::<sha1::Sha1>(password, salt, PBKDF2_ROUNDS, &mut out)
            }
            Self::Sha256 => {
                pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password, salt, PBKDF2_ROUNDS, &mut out);
            }
            Self::Sha512 => {
                pbkdf2::pbkdf2_hmac::<sha2::Sha512>(password, salt, PBKDF2_ROUNDS, &mut out);
            }
            Self::Scrypt => {
                // Both cannot fail: the parameters and the output length are constants in range.
                if let Ok(params) = scrypt::Params::new(SCRYPT_LOG_N, 8, 1) {
                    let _ = scrypt::scrypt(password, salt, &params, &mut out);
                }
            }
        }
        out
    }
}

/// A user entry whose password hash cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum CredentialError {
    #[error("password_hash is not standard base64")]
    Base64,
    #[error("password_hash decodes to {actual} bytes; {algorithm} hashes have {expected}")]
    Length {
        algorithm: &'static str,
        expected: usize,
        actual: usize,
    },
    #[error("salt is longer than {MAX_SALT_BYTES} bytes")]
    SaltTooLong,
    #[error("not an argon2id PHC string: {0}")]
    Phc(String),
    #[error(
        "argon2id costs too high (m={m} KiB, t={t}, p={p}; at most m={ARGON2_MAX_M_KIB}, t={ARGON2_MAX_T}, p={ARGON2_MAX_P})"
    )]
    Argon2Cost { m: u32, t: u32, p: u32 },
}

/// A stored password hash, parsed once at load.
#[derive(Clone)]
pub(crate) enum Credential {
    Karapace {
        algorithm: KarapaceAlgorithm,
        salt: Box<[u8]>,
        hash: Box<[u8]>,
    },
    Argon2id {
        params: argon2::Params,
        salt: Box<[u8]>,
        hash: Box<[u8]>,
    },
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the hash: logs of a loaded authfile must not help an offline attack.
        match self {
            Self::Karapace { algorithm, .. } => {
                write!(f, "Credential::Karapace({})", algorithm.name())
            }
            Self::Argon2id { .. } => f.write_str("Credential::Argon2id"),
        }
    }
}

impl Credential {
    pub(crate) fn karapace(
        algorithm: KarapaceAlgorithm,
        salt: &str,
        password_hash: &str,
    ) -> Result<Self, CredentialError> {
        if salt.len() > MAX_SALT_BYTES {
            return Err(CredentialError::SaltTooLong);
        }
        let expected = algorithm.output_len();
        // The base64 of a hash is short: refuse long text before decoding it.
        if password_hash.len() > 4 * expected.div_ceil(3) + 4 {
            return Err(CredentialError::Length {
                algorithm: algorithm.name(),
                expected,
                actual: password_hash.len() * 3 / 4,
            });
        }
        let hash = STANDARD
            .decode(password_hash)
            .map_err(|_| CredentialError::Base64)?;
        if hash.len() != expected {
            return Err(CredentialError::Length {
                algorithm: algorithm.name(),
                expected,
                actual: hash.len(),
            });
        }
        Ok(Self::Karapace {
            algorithm,
            salt: salt.as_bytes().into(),
            hash: hash.into(),
        })
    }

    pub(crate) fn argon2id(phc: &str) -> Result<Self, CredentialError> {
        let parsed = PasswordHash::new(phc).map_err(|e| CredentialError::Phc(e.to_string()))?;
        if parsed.algorithm.as_str() != "argon2id" {
            return Err(CredentialError::Phc(format!(
                "algorithm is {}, not argon2id",
                parsed.algorithm.as_str()
            )));
        }
        if parsed.version.is_some_and(|v| v != 0x13) {
            return Err(CredentialError::Phc(
                "only version 19 (v=19) is supported".into(),
            ));
        }
        let params =
            argon2::Params::try_from(&parsed).map_err(|e| CredentialError::Phc(e.to_string()))?;
        let (m, t, p) = (params.m_cost(), params.t_cost(), params.p_cost());
        if m > ARGON2_MAX_M_KIB || t > ARGON2_MAX_T || p > ARGON2_MAX_P {
            return Err(CredentialError::Argon2Cost { m, t, p });
        }
        let (Some(salt), Some(hash)) = (&parsed.salt, &parsed.hash) else {
            return Err(CredentialError::Phc("salt or hash missing".into()));
        };
        Ok(Self::Argon2id {
            params,
            salt: salt.as_ref().into(),
            hash: hash.as_bytes().into(),
        })
    }

    /// Whether `password` hashes to this credential. Slow by design: run it off the async
    /// threads. The comparison does not stop at the first differing byte.
    pub(crate) fn verify(&self, password: &[u8]) -> bool {
        let computed = match self {
            Self::Karapace {
                algorithm, salt, ..
            } => algorithm.derive(password, salt),
            Self::Argon2id { params, salt, hash } => {
                let mut out = vec![0; hash.len()];
                let hasher = Argon2::new(
                    argon2::Algorithm::Argon2id,
                    argon2::Version::V0x13,
                    params.clone(),
                );
                if hasher.hash_password_into(password, salt, &mut out).is_err() {
                    return false;
                }
                out
            }
        };
        let expected = match self {
            Self::Karapace { hash, .. } | Self::Argon2id { hash, .. } => hash,
        };
        bool::from(computed.as_slice().ct_eq(expected))
    }

    /// A credential that costs as much to check as this one but matches no password: checked
    /// for unknown user names so that response time does not tell which names exist.
    pub(crate) fn decoy(&self) -> Self {
        match self {
            Self::Karapace {
                algorithm,
                salt,
                hash,
            } => Self::Karapace {
                algorithm: *algorithm,
                salt: random_bytes(salt.len()).into(),
                hash: random_bytes(hash.len()).into(),
            },
            Self::Argon2id { params, salt, hash } => Self::Argon2id {
                params: params.clone(),
                salt: random_bytes(salt.len()).into(),
                hash: random_bytes(hash.len()).into(),
            },
        }
    }

    /// Groups credentials of equal cost (algorithm and parameters).
    pub(crate) fn cost_class(&self) -> (u8, u32, u32, u32) {
        match self {
            Self::Karapace { algorithm, .. } => (*algorithm as u8, 0, 0, 0),
            Self::Argon2id { params, .. } => {
                (u8::MAX, params.m_cost(), params.t_cost(), params.p_cost())
            }
        }
    }
}

fn random_bytes(len: usize) -> Vec<u8> {
    let mut bytes = vec![0; len];
    rand::rng().fill_bytes(&mut bytes);
    bytes
}

/// A Karapace `password_hash` of `password` with `salt` (the base64 text Karapace stores).
#[must_use]
pub fn karapace_hash(algorithm: KarapaceAlgorithm, salt: &str, password: &str) -> String {
    STANDARD.encode(algorithm.derive(password.as_bytes(), salt.as_bytes()))
}

/// A fresh salt as Karapace's own tool makes them: 16 random bytes, URL-safe base64.
#[must_use]
pub fn karapace_salt() -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes(16))
}

/// An argon2id PHC string of `password` with a random salt and the crate's default costs
/// (m=19 MiB, t=2, p=1).
pub fn argon2id_hash(password: &str) -> Result<String, CredentialError> {
    let salt = random_bytes(16);
    Argon2::default()
        .hash_password_with_salt(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| CredentialError::Phc(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values computed with Python's hashlib, the library Karapace hashes with:
    //   python3 -c 'import hashlib,base64;print(base64.b64encode(hashlib.pbkdf2_hmac("sha1",b"s3cret pw",b"salt-Abc_123",5000)).decode())'
    // and the same with "sha256" and "sha512", and for scrypt:
    //   python3 -c 'import hashlib,base64;print(base64.b64encode(hashlib.scrypt(b"s3cret pw",salt=b"salt-Abc_123",n=16384,r=8,p=1)).decode())'
    const PASSWORD: &str = "s3cret pw";
    const SALT: &str = "salt-Abc_123";
    const SHA1: &str = "562HeXaDSefRx4jupxREdlFWrt0=";
    const SHA256: &str = "/vxyk9hwpp9NLTybbdN33kevAFAKgqEC3egyeRyM0Ew=";
    const SHA512: &str =
        "3XzXo45NJIdFuZ9oAZ2N8aV1Sw0hRPYu4j72tiGw5OOaa/oMLjD2/mPgpaqwmNMnZ3cBMDz3y75/kCc8qDyiOg==";
    const SCRYPT: &str =
        "c8LAg8POydoExhYru3/96aUERjclo/lMfQ301H/4AT/I87TJLgFm8h4V8wdCwdTfeLyAT10pFsDF8QSrJlCoRg==";
    // Non-ASCII password and salt are hashed as their UTF-8 bytes:
    //   python3 -c 'import hashlib,base64;print(base64.b64encode(hashlib.pbkdf2_hmac("sha256","pässwörd".encode(),"sälz".encode(),5000)).decode())'
    const SHA256_UTF8: &str = "/Eqx8nT2hFHXrbLXftbJB4OHUdv3L7o+zoKlSSFuxEI=";

    #[test]
    fn karapace_hashes_match_python_hashlib() {
        for (algorithm, expected) in [
            (KarapaceAlgorithm::Sha1, SHA1),
            (KarapaceAlgorithm::Sha256, SHA256),
            (KarapaceAlgorithm::Sha512, SHA512),
            (KarapaceAlgorithm::Scrypt, SCRYPT),
        ] {
            assert_eq!(
                karapace_hash(algorithm, SALT, PASSWORD),
                expected,
                "{}",
                algorithm.name()
            );
            let credential = Credential::karapace(algorithm, SALT, expected).expect("loads");
            assert!(
                credential.verify(PASSWORD.as_bytes()),
                "{}",
                algorithm.name()
            );
            assert!(!credential.verify(b"s3cret pW"), "{}", algorithm.name());
            assert!(!credential.decoy().verify(PASSWORD.as_bytes()));
        }
        assert_eq!(
            karapace_hash(KarapaceAlgorithm::Sha256, "sälz", "pässwörd"),
            SHA256_UTF8
        );
    }

    #[test]
    fn karapace_entries_with_unusable_hashes_are_refused() {
        assert!(matches!(
            Credential::karapace(KarapaceAlgorithm::Sha256, SALT, SHA1),
            Err(CredentialError::Length {
                expected: 32,
                actual: 20,
                ..
            })
        ));
        assert!(matches!(
            Credential::karapace(KarapaceAlgorithm::Sha1, SALT, "not base64!"),
            Err(CredentialError::Base64)
        ));
        assert!(Credential::karapace(KarapaceAlgorithm::Sha1, SALT, &"A".repeat(10_000)).is_err());
    }

    #[test]
    fn argon2id_round_trip_and_refusals() {
        let phc = argon2id_hash("hunter2").expect("hashes");
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        let credential = Credential::argon2id(&phc).expect("parses");
        assert!(credential.verify(b"hunter2"));
        assert!(!credential.verify(b"hunter3"));
        assert!(!credential.decoy().verify(b"hunter2"));
        assert!(Credential::argon2id(&phc.replace("argon2id", "argon2i")).is_err());
        let greedy = phc.replace("m=19456", "m=4194304");
        assert!(matches!(
            Credential::argon2id(&greedy),
            Err(CredentialError::Argon2Cost { .. })
        ));
        assert!(Credential::argon2id("plain text").is_err());
    }

    #[test]
    fn debug_output_never_shows_the_hash() {
        let credential = Credential::karapace(KarapaceAlgorithm::Sha1, SALT, SHA1).expect("loads");
        assert_eq!(format!("{credential:?}"), "Credential::Karapace(sha1)");
    }

    #[test]
    fn salts_look_like_karapaces() {
        let salt = karapace_salt();
        assert_eq!(salt.len(), 22);
        assert!(
            salt.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
    }
}
