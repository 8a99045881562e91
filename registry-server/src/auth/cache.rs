//! Remembers recent successful password checks so that Basic auth does not hash on every request.

use std::time::Duration;

use moka::sync::Cache;
use rand::RngCore as _;
use sha2::{Digest as _, Sha256};

/// How long a verified password is trusted without hashing it again.
const TTL: Duration = Duration::from_secs(5 * 60);
/// Most distinct (user, password) pairs remembered; only successes are stored, so this bounds
/// the memory of legitimate clients, and failures cost no memory at all.
const CAPACITY: u64 = 10_000;

/// Successful verifications, keyed by a digest of user name and password (never the password),
/// valued by the authfile generation they were checked against.
pub(crate) struct VerifiedCache {
    entries: Cache<[u8; 32], u64>,
    /// Per-process key mixed into every digest: a memory dump does not give a plain SHA-256 of
    /// the password to brute-force offline.
    key: [u8; 32],
}

impl VerifiedCache {
    pub(crate) fn new() -> Self {
        let mut key = [0; 32];
        rand::rng().fill_bytes(&mut key);
        Self {
            entries: Cache::builder()
                .max_capacity(CAPACITY)
                .time_to_live(TTL)
                .build(),
            key,
        }
    }

    fn digest(&self, username: &str, password: &str) -> [u8; 32] {
        // Length-prefixed so that ("ab", "c") and ("a", "bc") differ.
        Sha256::new()
            .chain_update(self.key)
            .chain_update((username.len() as u64).to_be_bytes())
            .chain_update(username)
            .chain_update(password)
            .finalize()
            .into()
    }

    /// Whether this pair was verified against authfile `generation` within the TTL.
    pub(crate) fn verified(&self, username: &str, password: &str, generation: u64) -> bool {
        self.entries.get(&self.digest(username, password)) == Some(generation)
    }

    pub(crate) fn remember(&self, username: &str, password: &str, generation: u64) {
        self.entries
            .insert(self.digest(username, password), generation);
    }

    pub(crate) fn clear(&self) {
        self.entries.invalidate_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hits_need_the_same_pair_and_generation() {
        let cache = VerifiedCache::new();
        cache.remember("alice", "pw", 1);
        assert!(cache.verified("alice", "pw", 1));
        assert!(
            !cache.verified("alice", "pw", 2),
            "a reload makes old checks stale"
        );
        assert!(!cache.verified("alice", "pW", 1));
        assert!(!cache.verified("alic", "epw", 1));
        cache.clear();
        assert!(!cache.verified("alice", "pw", 1));
    }
}
