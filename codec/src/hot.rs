//! The read-mostly map behind every cache hit on the message path: readers take no lock and bump
//! no reference count (an `arc-swap` snapshot), writers copy the map on the rare miss.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::sync::Arc;

use arc_swap::ArcSwap;

/// FNV-1a: a few nanoseconds for short topic names and 4-byte ids. Keys are topics chosen by the
/// program and ids that resolved in the registry, so flooding is not a concern here.
#[derive(Default)]
pub(crate) struct FnvHasher(u64);

impl Hasher for FnvHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type Map<K, V> = HashMap<K, Arc<V>, BuildHasherDefault<FnvHasher>>;

/// A bounded copy-on-write map. When full, an insert starts over with an empty map (the loading
/// caches behind it still hold the entries, so refilling costs no registry call).
pub(crate) struct HotMap<K, V> {
    snapshot: ArcSwap<Map<K, V>>,
    capacity: usize,
}

impl<K: Eq + Hash + Clone, V> HotMap<K, V> {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            snapshot: ArcSwap::from_pointee(Map::default()),
            capacity: capacity.max(1),
        }
    }

    /// Runs `f` on the entry for `key`, if any, without cloning it.
    #[inline]
    pub(crate) fn with<Q, R>(&self, key: &Q, f: impl FnOnce(&Arc<V>) -> R) -> Option<R>
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let snap = self.snapshot.load();
        snap.get(key).map(f)
    }

    pub(crate) fn insert(&self, key: K, value: Arc<V>) {
        self.snapshot.rcu(|old| {
            let mut next = if old.len() >= self.capacity {
                Map::default()
            } else {
                Map::clone(old)
            };
            next.insert(key.clone(), value.clone());
            next
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_and_readable() {
        let m: HotMap<String, i32> = HotMap::new(2);
        m.insert("a".into(), Arc::new(1));
        m.insert("b".into(), Arc::new(2));
        assert_eq!(m.with("a", |v| **v), Some(1));
        m.insert("c".into(), Arc::new(3)); // full: starts over
        assert_eq!(m.with("a", |v| **v), None);
        assert_eq!(m.with("c", |v| **v), Some(3));
    }
}
