//! The timer behind hyper's header read timeout, cheap per request. hyper arms one sleep per
//! request on a kept-alive connection (while it waits for the next request's headers) and
//! drops it once they arrive; with tokio's timer that is a timer-wheel entry registered and
//! removed per request, about 1,100 instructions of a cached read's 22,000 (README,
//! Benchmarks). Here a waiting sleep registers its waker in a slab (one uncontended lock),
//! about 500 in all, and one sweeper task wakes the expired ones every [`SWEEP_EVERY`]: a
//! connection that sends no headers is still closed, at most that much after its deadline.
//!
//! Invariant: an entry is removed only by the sleep that inserted it (on drop or when it
//! completes), so no sleep can remove another's reused slab key. The sweeper only wakes.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use slab::Slab;

/// How often expired sleeps are woken.
pub const SWEEP_EVERY: Duration = Duration::from_millis(100);

/// Lock shards: each thread registers in its own, so worker threads do not contend.
const SHARDS: usize = 8;

/// A sleep waiting for its deadline.
struct Entry {
    deadline: Instant,
    waker: Waker,
}

/// Every waiting sleep of one timer.
struct Sleepers {
    shards: Box<[Mutex<Slab<Entry>>]>,
}

impl Sleepers {
    fn new() -> Self {
        Sleepers {
            shards: (0..SHARDS).map(|_| Mutex::new(Slab::new())).collect(),
        }
    }

    fn shard(&self, index: usize) -> std::sync::MutexGuard<'_, Slab<Entry>> {
        self.shards[index % SHARDS]
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Wakes every sleep whose deadline is at or before `now`; they complete when polled.
    fn wake_expired(&self, now: Instant) {
        for index in 0..SHARDS {
            for (_, entry) in self.shard(index).iter() {
                if entry.deadline <= now {
                    entry.waker.wake_by_ref();
                }
            }
        }
    }

    #[cfg(test)]
    fn waiting(&self) -> usize {
        (0..SHARDS).map(|index| self.shard(index).len()).sum()
    }
}

/// The shard of the calling thread.
fn this_threads_shard() -> usize {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    thread_local! {
        static SHARD: Cell<Option<usize>> = const { Cell::new(None) };
    }
    SHARD.with(|shard| {
        shard.get().unwrap_or_else(|| {
            let index = NEXT.fetch_add(1, Ordering::Relaxed) % SHARDS;
            shard.set(Some(index));
            index
        })
    })
}

/// A hyper timer whose sleeps are woken by one sweeper task.
#[derive(Clone)]
pub struct CoarseTimer {
    sleepers: Arc<Sleepers>,
}

impl CoarseTimer {
    /// A timer and its sweeper, on the current tokio runtime. The sweeper ends once the
    /// timer and all its sleeps are gone.
    ///
    /// # Panics
    /// Outside a tokio runtime.
    #[must_use]
    pub fn start() -> Self {
        let sleepers = Arc::new(Sleepers::new());
        let weak = Arc::downgrade(&sleepers);
        tokio::spawn(sweep(weak));
        CoarseTimer { sleepers }
    }
}

/// Wakes `sleepers`' expired sleeps every [`SWEEP_EVERY`] while they exist.
async fn sweep(sleepers: Weak<Sleepers>) {
    let mut tick = tokio::time::interval(SWEEP_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let Some(sleepers) = sleepers.upgrade() else {
            return;
        };
        sleepers.wake_expired(Instant::now());
    }
}

impl hyper::rt::Timer for CoarseTimer {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn hyper::rt::Sleep>> {
        // A duration too long to add to the clock never ends.
        match Instant::now().checked_add(duration) {
            Some(deadline) => self.sleep_until(deadline),
            None => Box::pin(CoarseSleep::new(&self.sleepers, None)),
        }
    }

    fn sleep_until(&self, deadline: Instant) -> Pin<Box<dyn hyper::rt::Sleep>> {
        Box::pin(CoarseSleep::new(&self.sleepers, Some(deadline)))
    }
}

/// One sleep: its deadline (`None`: never), and its entry once it has waited.
struct CoarseSleep {
    deadline: Option<Instant>,
    sleepers: Arc<Sleepers>,
    /// (shard, slab key) of its entry.
    entry: Option<(usize, usize)>,
}

impl CoarseSleep {
    fn new(sleepers: &Arc<Sleepers>, deadline: Option<Instant>) -> Self {
        CoarseSleep {
            deadline,
            sleepers: Arc::clone(sleepers),
            entry: None,
        }
    }

    /// Removes its entry, if it has one.
    fn deregister(&mut self) {
        if let Some((shard, key)) = self.entry.take() {
            self.sleepers.shard(shard).try_remove(key);
        }
    }
}

impl Future for CoarseSleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        let Some(deadline) = this.deadline else {
            return Poll::Pending;
        };
        if Instant::now() >= deadline {
            this.deregister();
            return Poll::Ready(());
        }
        match this.entry {
            None => {
                let shard = this_threads_shard();
                let key = this.sleepers.shard(shard).insert(Entry {
                    deadline,
                    waker: cx.waker().clone(),
                });
                this.entry = Some((shard, key));
            }
            Some((shard, key)) => {
                if let Some(entry) = this.sleepers.shard(shard).get_mut(key)
                    && !entry.waker.will_wake(cx.waker())
                {
                    entry.waker = cx.waker().clone();
                }
            }
        }
        Poll::Pending
    }
}

impl Drop for CoarseSleep {
    fn drop(&mut self) {
        self.deregister();
    }
}

impl hyper::rt::Sleep for CoarseSleep {}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::task::{Context, Poll, Waker};
    use std::time::{Duration, Instant};

    use hyper::rt::Timer as _;

    use super::{CoarseTimer, SWEEP_EVERY};

    #[tokio::test]
    async fn a_sleep_past_its_deadline_is_ready_at_once_and_registers_nothing() {
        let timer = CoarseTimer::start();
        let mut sleep = timer.sleep_until(Instant::now());
        let mut cx = Context::from_waker(Waker::noop());
        assert_eq!(sleep.as_mut().poll(&mut cx), Poll::Ready(()));
        assert_eq!(timer.sleepers.waiting(), 0);
    }

    #[tokio::test]
    async fn a_waiting_sleep_is_woken_soon_after_its_deadline() {
        let timer = CoarseTimer::start();
        let started = Instant::now();
        tokio::time::timeout(
            Duration::from_secs(10),
            timer.sleep(Duration::from_millis(150)),
        )
        .await
        .expect("the sweeper did not wake the sleep");
        let took = started.elapsed();
        assert!(took >= Duration::from_millis(150), "{took:?}");
        assert_eq!(
            timer.sleepers.waiting(),
            0,
            "a completed sleep keeps no entry"
        );
    }

    #[tokio::test]
    async fn dropped_sleeps_leave_no_entries() {
        let timer = CoarseTimer::start();
        let mut cx = Context::from_waker(Waker::noop());
        let far = Instant::now() + Duration::from_secs(3600);
        let mut sleeps: Vec<_> = (0..10_000).map(|_| timer.sleep_until(far)).collect();
        for sleep in &mut sleeps {
            assert_eq!(sleep.as_mut().poll(&mut cx), Poll::Pending);
            // Polled again: still one entry each.
            assert_eq!(sleep.as_mut().poll(&mut cx), Poll::Pending);
        }
        assert_eq!(timer.sleepers.waiting(), 10_000);
        drop(sleeps);
        assert_eq!(timer.sleepers.waiting(), 0);
        // A duration past the clock's end waits forever and registers nothing.
        let mut never = timer.sleep(Duration::MAX);
        assert_eq!(never.as_mut().poll(&mut cx), Poll::Pending);
        assert_eq!(timer.sleepers.waiting(), 0);
    }

    #[tokio::test]
    async fn the_sweeper_ends_with_the_timer() {
        let timer = CoarseTimer::start();
        let sleepers = Arc::downgrade(&timer.sleepers);
        drop(timer);
        // The sweeper holds its timer only while it wakes.
        tokio::time::sleep(SWEEP_EVERY * 3).await;
        assert!(sleepers.upgrade().is_none());
    }
}
