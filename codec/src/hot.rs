//! The read-mostly map behind every cache hit on the message path. Readers take no lock: a
//! per-thread memo answers repeated keys with no atomic read-modify-write at all, and behind it an
//! `arc-swap` snapshot answers the rest; writers copy the map on the rare miss.

use std::any::Any;
use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

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

static NEXT_MAP_ID: AtomicU64 = AtomicU64::new(1);

/// Entries per thread. Each keeps its value alive until replaced, so the memo is small.
const MEMO_SLOTS: usize = 8;

struct Slot {
    map: u64,
    generation: u64,
    key: Box<dyn Any>,
    value: Arc<dyn Any + Send + Sync>,
}

thread_local! {
    static MEMO: RefCell<Vec<Slot>> = const { RefCell::new(Vec::new()) };
}

/// A bounded copy-on-write map. When full, an insert starts over with an empty map (the loading
/// caches behind it still hold the entries, so refilling costs no registry call).
pub(crate) struct HotMap<K, V> {
    snapshot: ArcSwap<Map<K, V>>,
    capacity: usize,
    id: u64,
    /// bumped on every insert; memo entries of an older generation are ignored
    generation: AtomicU64,
}

impl<K, V> HotMap<K, V>
where
    K: Eq + Hash + Clone + 'static,
    V: Send + Sync + 'static,
{
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            snapshot: ArcSwap::from_pointee(Map::default()),
            capacity: capacity.max(1),
            id: NEXT_MAP_ID.fetch_add(1, Ordering::Relaxed),
            generation: AtomicU64::new(0),
        }
    }

    /// Runs `f` on the entry for `key`, if any, without cloning it.
    #[inline]
    pub(crate) fn with<Q, R>(&self, key: &Q, f: impl FnOnce(&V) -> R) -> Option<R>
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let generation = self.generation.load(Ordering::Acquire);
        let mut f = Some(f);
        let hit = MEMO.with(|memo| {
            let memo = memo.try_borrow().ok()?;
            let slot = memo.iter().find(|s| {
                s.map == self.id
                    && s.generation == generation
                    && s.key.downcast_ref::<K>().is_some_and(|k| k.borrow() == key)
            })?;
            let v = slot.value.downcast_ref::<V>()?;
            f.take().map(|f| f(v))
        });
        if hit.is_some() {
            return hit;
        }
        let f = f?; // only None if `f` ran, and then `hit` was Some
        let snap = self.snapshot.load();
        let (k, v) = snap.get_key_value(key)?;
        self.remember(generation, k, v);
        Some(f(v))
    }

    #[cold]
    fn remember(&self, generation: u64, key: &K, value: &Arc<V>) {
        MEMO.with(|memo| {
            let Ok(mut memo) = memo.try_borrow_mut() else {
                return;
            };
            let slot = Slot {
                map: self.id,
                generation,
                key: Box::new(key.clone()),
                value: value.clone(),
            };
            let same = |s: &Slot| s.map == self.id && s.key.downcast_ref::<K>() == Some(key);
            if let Some(i) = memo.iter().position(same) {
                memo[i] = slot;
            } else {
                if memo.len() >= MEMO_SLOTS {
                    memo.remove(0);
                }
                memo.push(slot);
            }
        });
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
        self.generation.fetch_add(1, Ordering::Release);
    }
}

/// A per-topic prepared state that can go stale (use-latest re-checks the latest version).
pub(crate) trait Expiring {
    /// When the state stops being usable; `None` for never.
    fn expires(&self) -> Option<std::time::Instant>;
}

impl<K, V> HotMap<K, V>
where
    K: Eq + Hash + Clone + 'static,
    V: Expiring + Send + Sync + 'static,
{
    /// Runs `f` on the entry for `key` unless it is absent or has expired.
    #[inline]
    pub(crate) fn with_fresh<Q, R>(&self, key: &Q, f: impl FnOnce(&V) -> R) -> Option<R>
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.with(key, |v| match v.expires() {
            Some(at) if std::time::Instant::now() >= at => None,
            _ => Some(f(v)),
        })
        .flatten()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn bounded_and_readable() {
        let m: HotMap<String, i32> = HotMap::new(2);
        m.insert("a".into(), Arc::new(1));
        m.insert("b".into(), Arc::new(2));
        assert_eq!(m.with("a", |v| *v), Some(1));
        assert_eq!(m.with("a", |v| *v), Some(1)); // from the memo
        m.insert("c".into(), Arc::new(3)); // full: starts over
        assert_eq!(
            m.with("a", |v| *v),
            None,
            "the memo does not outlive an insert"
        );
        assert_eq!(m.with("c", |v| *v), Some(3));
    }

    #[test]
    fn replaced_values_are_seen_at_once() {
        let m: HotMap<i32, &'static str> = HotMap::new(10);
        m.insert(1, Arc::new("old"));
        assert_eq!(m.with(&1, |v| *v), Some("old"));
        m.insert(1, Arc::new("new"));
        assert_eq!(m.with(&1, |v| *v), Some("new"));
    }

    #[test]
    fn maps_do_not_share_memo_entries() {
        let a: HotMap<i32, i32> = HotMap::new(10);
        let b: HotMap<i32, i32> = HotMap::new(10);
        a.insert(1, Arc::new(10));
        b.insert(1, Arc::new(20));
        for _ in 0..3 {
            assert_eq!(a.with(&1, |v| *v), Some(10));
            assert_eq!(b.with(&1, |v| *v), Some(20));
        }
        // many maps on one thread: the memo stays bounded and answers stay right
        let many: Vec<HotMap<i32, i32>> = (0..20).map(|_| HotMap::new(4)).collect();
        for (i, m) in many.iter().enumerate() {
            m.insert(0, Arc::new(i as i32));
        }
        for _ in 0..2 {
            for (i, m) in many.iter().enumerate() {
                assert_eq!(m.with(&0, |v| *v), Some(i as i32));
            }
        }
        MEMO.with(|memo| assert!(memo.borrow().len() <= MEMO_SLOTS));
    }

    #[test]
    fn nested_lookups_do_not_panic() {
        let a: HotMap<i32, i32> = HotMap::new(10);
        a.insert(1, Arc::new(1));
        a.with(&1, |_| ()); // fill the memo
        let inner = a.with(&1, |_| a.with(&1, |v| *v));
        assert_eq!(inner, Some(Some(1)));
    }
}
