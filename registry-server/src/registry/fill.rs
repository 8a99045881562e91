//! Cache fills ordered against invalidations, so no fill that raced a change survives it.
//!
//! A fill takes a [`Ticket`] before it reads the database and stores its answer only if no
//! invalidation has happened since. An invalidation advances the generation and drops the
//! entries under one write lock; a fill compares and inserts under the read lock. So a fill
//! either stores before the drop (and is dropped with the rest) or sees the new generation
//! and stores nothing: after the invalidation point a cache holds only what was read after it.

use std::borrow::Borrow;
use std::future::Future;
use std::hash::Hash;
use std::sync::{PoisonError, RwLock};

/// The generation of one family of caches.
#[derive(Debug, Default)]
pub(crate) struct FillGate {
    generation: RwLock<u64>,
}

/// The generation a fill started in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ticket(u64);

impl FillGate {
    /// Taken before the read whose answer will be cached.
    pub(crate) fn ticket(&self) -> Ticket {
        Ticket(
            *self
                .generation
                .read()
                .unwrap_or_else(PoisonError::into_inner),
        )
    }

    /// Runs `insert` unless an invalidation happened since `ticket` was taken; answers
    /// whether it ran.
    pub(crate) fn store_if_current(&self, ticket: Ticket, insert: impl FnOnce()) -> bool {
        let generation = self
            .generation
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        if *generation == ticket.0 {
            insert();
            true
        } else {
            false
        }
    }

    /// The cached value of `key`, or the one `read` answers, stored unless an invalidation
    /// raced it. `read` must be lazy (an async fn call or block): the ticket is taken before
    /// it is first polled.
    pub(crate) async fn get_or_fill<K, Q, V, E>(
        &self,
        cache: &moka::sync::Cache<K, V>,
        key: &Q,
        read: impl Future<Output = Result<V, E>>,
    ) -> Result<V, E>
    where
        K: Borrow<Q> + Hash + Eq + Send + Sync + 'static,
        Q: ToOwned<Owned = K> + Hash + Eq + ?Sized,
        V: Clone + Send + Sync + 'static,
    {
        if let Some(value) = cache.get(key) {
            return Ok(value);
        }
        let ticket = self.ticket();
        let value = read.await?;
        self.store_if_current(ticket, || cache.insert(key.to_owned(), value.clone()));
        Ok(value)
    }

    /// Starts a new generation and runs `drop` (the invalidation) before any fill of the
    /// old generation can store.
    pub(crate) fn invalidate(&self, drop: impl FnOnce()) {
        let mut generation = self
            .generation
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        *generation = generation.wrapping_add(1);
        drop();
    }
}

#[cfg(test)]
mod tests {
    use super::FillGate;

    #[test]
    fn a_fill_that_raced_an_invalidation_does_not_store() {
        let gate = FillGate::default();
        let before = gate.ticket();
        gate.invalidate(|| {});
        assert!(!gate.store_if_current(before, || panic!("a stale fill stored")));
        let after = gate.ticket();
        let mut stored = false;
        assert!(gate.store_if_current(after, || stored = true));
        assert!(stored);
    }
}
