//! `serve --follow-kafka`: a background task that keeps the registry in step with a
//! schemas topic another registry writes, and the status the API reads (to refuse writes
//! while following, and for `GET /v1/follow`).
//!
//! The task reads the whole topic, writes the folded state (removing versions the topic
//! does not have), then fetches new records as they come and writes the keys they touch.
//! A failure (broker gone, store error) is logged, and the task starts over after a
//! backoff (1 s doubling to 30 s): a fresh read of the whole topic, so nothing is missed.
//! Cut-over (`DELETE /v1/follow`) asks the task to apply the records up to the topic's end as
//! it is then and stop; from then on the registry is the writer.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::watch;

use super::apply::{mirror_caller, write_all, write_touched};
use super::kafka::{KafkaArgs, TopicReader};
use super::replay::{Replayed, fold_batch, read_more, read_until};
use crate::registry::Registry;

/// How long a fetch waits for new records.
const POLL_WAIT_MS: i32 = 200;
const FIRST_BACKOFF: Duration = Duration::from_secs(1);
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// How long cut-over waits for the last records before stopping anyway.
pub const CUT_OVER_WAIT: Duration = Duration::from_secs(10);

/// `serve` options of the follower.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct FollowArgs {
    /// Follow a Confluent or Karapace schemas topic on these brokers (`host:port,...`):
    /// this registry mirrors it and refuses writes (42205) until cut-over (`DELETE /v1/follow`,
    /// or a restart without this option).
    #[arg(long, env = "SR_FOLLOW_KAFKA", value_name = "BROKERS")]
    pub follow_kafka: Option<String>,
    #[command(flatten)]
    pub kafka: KafkaArgs,
}

/// What the follower is doing, shared with the API.
#[derive(Debug)]
pub struct FollowStatus {
    pub brokers: String,
    pub topic: String,
    following: AtomicBool,
    /// The offset after the last record applied (-1 before the first read).
    applied: AtomicI64,
    /// The topic's end as last seen (-1 before the first read).
    end: AtomicI64,
    caught_up: AtomicBool,
    skipped: AtomicU64,
    restarts: AtomicU64,
    last_error: std::sync::Mutex<Option<String>>,
    stop: watch::Sender<bool>,
}

impl FollowStatus {
    fn new(brokers: &str, topic: &str) -> Self {
        FollowStatus {
            brokers: brokers.to_owned(),
            topic: topic.to_owned(),
            following: AtomicBool::new(true),
            applied: AtomicI64::new(-1),
            end: AtomicI64::new(-1),
            caught_up: AtomicBool::new(false),
            skipped: AtomicU64::new(0),
            restarts: AtomicU64::new(0),
            last_error: std::sync::Mutex::new(None),
            stop: watch::channel(false).0,
        }
    }

    /// Whether the topic's owner is still the writer (writes here are refused).
    #[must_use]
    pub fn following(&self) -> bool {
        self.following.load(Ordering::Acquire)
    }

    /// The 42205 message of a refused write.
    #[must_use]
    pub fn refusal(&self) -> String {
        format!(
            "This registry follows the {} topic at {}; writes go to the registry that owns it (cut over with DELETE /v1/follow, or restart without --follow-kafka)",
            self.topic, self.brokers
        )
    }

    /// The `GET /v1/follow` body.
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        let applied = self.applied.load(Ordering::Acquire);
        let end = self.end.load(Ordering::Acquire);
        serde_json::json!({
            "following": self.following(),
            "brokers": self.brokers,
            "topic": self.topic,
            "appliedOffset": applied,
            "endOffset": end,
            "lag": (end - applied).max(0),
            "caughtUp": self.caught_up.load(Ordering::Acquire),
            "skippedRecords": self.skipped.load(Ordering::Acquire),
            "restarts": self.restarts.load(Ordering::Acquire),
            "lastError": self.last_error.lock().ok().and_then(|e| e.clone()),
        })
    }

    /// Cut-over: asks the follower to apply what the topic holds now and stop; answers once
    /// it stopped (or after [`CUT_OVER_WAIT`] plus a margin, stopping it regardless).
    pub async fn cut_over(&self) {
        let _ = self.stop.send(true);
        let deadline = tokio::time::Instant::now() + CUT_OVER_WAIT + Duration::from_secs(5);
        while self.following() && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.following.store(false, Ordering::Release);
    }

    fn record_progress(&self, replayed: &Replayed, end: i64) {
        self.applied.store(replayed.next_offset, Ordering::Release);
        self.end
            .store(end.max(replayed.next_offset), Ordering::Release);
        self.skipped
            .store(replayed.warnings.count, Ordering::Release);
        #[allow(clippy::cast_precision_loss)]
        {
            metrics::gauge!("schemas_topic_applied_offset").set(replayed.next_offset as f64);
            metrics::gauge!("schemas_topic_lag").set((end - replayed.next_offset).max(0) as f64);
        }
    }
}

/// Starts following when `args` names brokers; answers the status the API reads.
#[must_use]
pub fn spawn(registry: Arc<Registry>, args: &FollowArgs) -> Option<Arc<FollowStatus>> {
    let brokers = args.follow_kafka.clone()?;
    let status = Arc::new(FollowStatus::new(&brokers, &args.kafka.topic));
    let kafka = args.kafka.clone();
    let task_status = Arc::clone(&status);
    tokio::spawn(async move {
        run(&registry, &brokers, &kafka, &task_status).await;
        task_status.following.store(false, Ordering::Release);
        tracing::info!(topic = %kafka.topic, "stopped following the schemas topic: this registry is the writer");
    });
    Some(status)
}

/// Follows until cut-over, starting over after failures.
async fn run(registry: &Registry, brokers: &str, kafka: &KafkaArgs, status: &FollowStatus) {
    let mut backoff = FIRST_BACKOFF;
    let mut stop = status.stop.subscribe();
    loop {
        match follow_once(registry, brokers, kafka, status, &mut stop).await {
            Ok(()) => return,
            Err(error) => {
                let error = format!("{error:#}");
                tracing::warn!(%error, ?backoff, "following the schemas topic failed; starting over");
                if let Ok(mut last) = status.last_error.lock() {
                    *last = Some(error);
                }
                status.restarts.fetch_add(1, Ordering::AcqRel);
            }
        }
        if *stop.borrow() {
            return;
        }
        tokio::select! {
            () = tokio::time::sleep(backoff) => {}
            _ = stop.changed() => return,
        }
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

/// One connection's worth of following: the whole topic, then new records until cut-over.
async fn follow_once(
    registry: &Registry,
    brokers: &str,
    kafka: &KafkaArgs,
    status: &FollowStatus,
    stop: &mut watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let caller = mirror_caller(&kafka.topic);
    let reader = TopicReader::connect(brokers, kafka).await?;
    let end = reader.end_offset().await?;
    let mut replayed = read_until(&reader, end).await?;
    let mut warnings = std::mem::take(&mut replayed.warnings);
    write_all(registry, &caller, &replayed.folded, &mut warnings).await?;
    replayed.warnings = warnings;
    status.record_progress(&replayed, end);
    status.caught_up.store(true, Ordering::Release);
    if let Ok(mut last) = status.last_error.lock() {
        *last = None;
    }
    tracing::info!(
        records = replayed.records,
        versions = replayed.folded.version_count(),
        skipped = replayed.warnings.count,
        offset = replayed.next_offset,
        "caught up with the schemas topic"
    );
    loop {
        if *stop.borrow() {
            // Cut-over: what the topic holds now, then stop.
            let end = reader.end_offset().await?;
            tokio::time::timeout(
                CUT_OVER_WAIT,
                step(registry, &caller, &reader, &mut replayed, end),
            )
            .await
            .map_err(|_| anyhow::anyhow!("cut-over did not catch up within {CUT_OVER_WAIT:?}"))??;
            status.record_progress(&replayed, end);
            return Ok(());
        }
        let (records, end) = tokio::select! {
            fetched = reader.fetch(replayed.next_offset, POLL_WAIT_MS) => fetched?,
            _ = stop.changed() => continue,
        };
        if records.is_empty() {
            status.record_progress(&replayed, end);
            continue;
        }
        let mut touched = Vec::new();
        fold_batch(&mut replayed, records, i64::MAX, &mut touched);
        write(registry, &caller, &mut replayed, touched).await?;
        status.record_progress(&replayed, end);
    }
}

/// Reads on up to `end` and writes what the new records touched.
async fn step(
    registry: &Registry,
    caller: &crate::registry::Caller,
    reader: &TopicReader,
    replayed: &mut Replayed,
    end: i64,
) -> anyhow::Result<()> {
    let touched = read_more(reader, replayed, end).await?;
    write(registry, caller, replayed, touched).await
}

/// Writes the current state of the `touched` keys.
async fn write(
    registry: &Registry,
    caller: &crate::registry::Caller,
    replayed: &mut Replayed,
    touched: Vec<super::fold::Touched>,
) -> anyhow::Result<()> {
    let mut warnings = std::mem::take(&mut replayed.warnings);
    let written = write_touched(registry, caller, &replayed.folded, touched, &mut warnings).await;
    replayed.warnings = warnings;
    written.map(|_| ())
}
