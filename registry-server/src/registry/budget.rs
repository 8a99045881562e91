//! The caches' shares of one memory budget (`serve --cache-bytes`), and what their entries
//! weigh: an estimate of the bytes an entry holds, its key and the cache's own bookkeeping
//! included, so that the budget bounds resident memory rather than a count of entries.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The default budget: 256 MiB.
pub const DEFAULT_CACHE_BYTES: u64 = 256 * 1024 * 1024;

/// What a cache spends on an entry beyond its key and value (the entry, its place in the
/// hash table and the eviction queues).
pub(crate) const ENTRY_OVERHEAD: usize = 160;

/// Bytes of the budget per cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shares {
    /// Rendered `GET /schemas/ids/{id}` bodies: the consumers' hot path.
    pub rendered: u64,
    /// Parsed stored schemas.
    pub parsed: u64,
    /// Digests of submitted texts.
    pub digests: u64,
    /// Per-subject versions and lookup answers.
    pub lookups: u64,
    /// The subjects using each id.
    pub id_users: u64,
    /// Compatibility verdicts.
    pub verdicts: u64,
    /// Each of the four settings caches (stored config and mode, effective config and mode).
    pub settings: u64,
}

impl Shares {
    /// `total` split between the caches, in percent: rendered 35, parsed 25, digests 10,
    /// lookups 10, id users 8, verdicts 7, settings 5 (1.25 each).
    pub(crate) fn of(total: u64) -> Self {
        let percent = |p: u64| total / 100 * p;
        Shares {
            rendered: percent(35),
            parsed: percent(25),
            digests: percent(10),
            lookups: percent(10),
            id_users: percent(8),
            verdicts: percent(7),
            settings: percent(5) / 4,
        }
    }
}

/// A cache weight from an estimate of bytes, overhead included (moka weighs in `u32`).
pub(crate) fn weight(bytes: usize) -> u32 {
    u32::try_from(bytes.saturating_add(ENTRY_OVERHEAD)).unwrap_or(u32::MAX)
}

/// Bytes held by the values of a cache whose entries grow after they are inserted (the
/// per-subject lookups): a value adds what it takes only while the total stays within the
/// share, and gives it back when the cache drops the entry.
#[derive(Debug)]
pub(crate) struct Account {
    share: usize,
    used: AtomicUsize,
}

impl Account {
    pub(crate) fn new(share: u64) -> Arc<Self> {
        Arc::new(Account {
            share: usize::try_from(share).unwrap_or(usize::MAX),
            used: AtomicUsize::new(0),
        })
    }

    /// Takes `bytes` if the share has room for them.
    pub(crate) fn take(&self, bytes: usize) -> bool {
        self.used
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |used| {
                used.checked_add(bytes).filter(|total| *total <= self.share)
            })
            .is_ok()
    }

    /// Gives back bytes taken before.
    pub(crate) fn give_back(&self, bytes: usize) {
        let _ = self
            .used
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |used| {
                Some(used.saturating_sub(bytes))
            });
    }

    #[cfg(test)]
    pub(crate) fn used(&self) -> usize {
        self.used.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_stay_within_the_total() {
        for total in [0, 1, 100, DEFAULT_CACHE_BYTES, u64::MAX / 2] {
            let s = Shares::of(total);
            let sum = s.rendered
                + s.parsed
                + s.digests
                + s.lookups
                + s.id_users
                + s.verdicts
                + 4 * s.settings;
            assert!(sum <= total, "{total}: {sum}");
        }
        let s = Shares::of(DEFAULT_CACHE_BYTES);
        assert!(s.rendered > s.parsed && s.parsed > s.lookups && s.settings > 0);
    }

    #[test]
    fn an_account_refuses_what_does_not_fit_and_takes_back_what_is_returned() {
        let account = Account::new(100);
        assert!(account.take(60));
        assert!(!account.take(41));
        assert!(account.take(40));
        assert!(!account.take(1));
        account.give_back(60);
        assert_eq!(account.used(), 40);
        assert!(account.take(60));
        account.give_back(1_000);
        assert_eq!(account.used(), 0);
    }

    #[test]
    fn weights_include_the_overhead_and_saturate() {
        assert_eq!(weight(0), u32::try_from(ENTRY_OVERHEAD).unwrap_or(u32::MAX));
        assert_eq!(weight(usize::MAX), u32::MAX);
    }
}
