//! The by-id bodies served most recently, in a small direct-mapped table in front of the
//! bounded `rendered` cache: a hit costs a read lock and a reference count, where the
//! cache's lookup also hashes the key, records the read for its eviction policy and reads
//! the clock (about 900 instructions of a 22,000-instruction request; README, Benchmarks).
//!
//! Bounded by construction: [`SLOTS`] slots, each holding at most one body of at most
//! [`MAX_BODY_BYTES`] (larger ones are served from the cache alone), so at most 4 MiB; the
//! bodies are shared with the cache while it holds them. Bodies are put here only as the
//! cache answers them, under the ids gate, and dropped with the cache's (see `fill`).

use std::sync::{PoisonError, RwLock};

use bytes::Bytes;

/// How many ids the table holds at once: id `n` has slot `n mod SLOTS`, so a run of
/// consecutive ids (what a registry hands out) never collides.
pub(crate) const SLOTS: usize = 1024;

/// The largest body kept here.
pub(crate) const MAX_BODY_BYTES: usize = 4096;

/// One id's body.
type Slot = RwLock<Option<(i32, Bytes)>>;

pub(crate) struct HotBodies {
    slots: Box<[Slot]>,
}

impl Default for HotBodies {
    fn default() -> Self {
        HotBodies {
            slots: (0..SLOTS).map(|_| RwLock::new(None)).collect(),
        }
    }
}

impl HotBodies {
    /// The body of `id`, when its slot holds it.
    pub(crate) fn get(&self, id: i32) -> Option<Bytes> {
        let slot = self.slot(id).read().unwrap_or_else(PoisonError::into_inner);
        match &*slot {
            Some((held, body)) if *held == id => Some(body.clone()),
            _ => None,
        }
    }

    /// Keeps `body` as `id`'s, in place of whatever its slot held; a body over
    /// [`MAX_BODY_BYTES`] is not kept.
    pub(crate) fn put(&self, id: i32, body: &Bytes) {
        if body.len() > MAX_BODY_BYTES {
            return;
        }
        *self
            .slot(id)
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Some((id, body.clone()));
    }

    /// Drops `id`'s body.
    pub(crate) fn forget(&self, id: i32) {
        let mut slot = self
            .slot(id)
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if slot.as_ref().is_some_and(|(held, _)| *held == id) {
            *slot = None;
        }
    }

    /// Drops every body.
    pub(crate) fn forget_all(&self) {
        for slot in &self.slots {
            *slot.write().unwrap_or_else(PoisonError::into_inner) = None;
        }
    }

    fn slot(&self, id: i32) -> &Slot {
        // `rem_euclid` of a positive modulus is in 0..SLOTS, negative ids included.
        let index = usize::try_from(id.rem_euclid(SLOTS as i32)).unwrap_or_default();
        &self.slots[index]
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::{HotBodies, MAX_BODY_BYTES, SLOTS};

    fn body(text: &str) -> Bytes {
        Bytes::from(text.to_owned())
    }

    #[test]
    fn a_body_is_found_under_its_own_id_only() {
        let hot = HotBodies::default();
        assert_eq!(hot.get(7), None);
        hot.put(7, &body("seven"));
        assert_eq!(hot.get(7), Some(body("seven")));
        // Same slot, other id: not a hit.
        let same_slot = 7 + i32::try_from(SLOTS).expect("fits");
        assert_eq!(hot.get(same_slot), None);
        // It takes the slot over.
        hot.put(same_slot, &body("other"));
        assert_eq!(hot.get(7), None);
        assert_eq!(hot.get(same_slot), Some(body("other")));
    }

    #[test]
    fn forgetting_drops_one_id_or_all() {
        let hot = HotBodies::default();
        for id in 1..=3 {
            hot.put(id, &body(&id.to_string()));
        }
        hot.forget(2);
        // Forgetting an id whose slot holds another leaves that one.
        hot.forget(1 + i32::try_from(SLOTS).expect("fits"));
        assert_eq!(hot.get(1), Some(body("1")));
        assert_eq!(hot.get(2), None);
        hot.forget_all();
        assert_eq!(hot.get(1), None);
        assert_eq!(hot.get(3), None);
    }

    #[test]
    fn large_bodies_and_odd_ids_are_safe() {
        let hot = HotBodies::default();
        hot.put(1, &Bytes::from(vec![b'x'; MAX_BODY_BYTES + 1]));
        assert_eq!(hot.get(1), None);
        hot.put(2, &Bytes::from(vec![b'x'; MAX_BODY_BYTES]));
        assert!(hot.get(2).is_some());
        for id in [i32::MIN, -1, 0, i32::MAX] {
            hot.put(id, &body("edge"));
            assert_eq!(hot.get(id), Some(body("edge")), "{id}");
        }
    }
}
