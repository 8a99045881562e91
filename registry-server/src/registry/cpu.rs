//! A bounded pool for the CPU-heavy steps (parsing, normalization, compatibility checks), so
//! they never run on the async workers that answer cheap reads.
//!
//! Work goes to tokio's blocking threads, at most `workers` jobs at once; further jobs wait
//! (asynchronously) for a permit. The permit travels with the job, so a request that times
//! out and drops its future does not free a slot while its job still burns a core: the
//! schema engines' work budget is what ends such a job.

use std::sync::Arc;

use tokio::sync::Semaphore;

use super::RegistryError;
use super::{Registry, wrap_schema_error};
use crate::domain::SchemaType;
use crate::schema::{Dependency, ParseOptions, ParsedSchema};

/// The pool: a semaphore over tokio's blocking threads.
#[derive(Debug, Clone)]
pub(crate) struct CpuPool {
    permits: Arc<Semaphore>,
}

impl CpuPool {
    /// A pool running at most `workers` jobs at once (at least one).
    pub(crate) fn new(workers: usize) -> Self {
        CpuPool {
            permits: Arc::new(Semaphore::new(workers.max(1))),
        }
    }

    /// Runs `work` on a blocking thread once a slot is free.
    ///
    /// # Errors
    /// 50001 when the job panicked (logged), which a bounded engine should never do.
    pub(crate) async fn run<T, F>(&self, work: F) -> Result<T, RegistryError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(|_| RegistryError::Internal("Internal Server Error".to_owned()))?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work()
        })
        .await
        .map_err(|error| {
            tracing::error!(%error, "schema work failed on the cpu pool");
            RegistryError::Internal("Internal Server Error".to_owned())
        })
    }
}

/// The default number of concurrent CPU jobs: the machine's cores.
#[must_use]
pub fn default_workers() -> usize {
    std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
}

impl Registry {
    /// Parses `text` on the CPU pool; a refusal is Confluent's 42201.
    pub(crate) async fn parse_on_pool(
        &self,
        schema_type: SchemaType,
        text: String,
        dependencies: Vec<Dependency>,
        options: ParseOptions,
    ) -> Result<Arc<ParsedSchema>, RegistryError> {
        self.parse_then(schema_type, text, dependencies, options, |_| ())
            .await
    }

    /// [`Registry::parse_on_pool`] for a submission whose digest will be taken: its identity
    /// text (lazy, and for Protobuf a normalization) is computed on the pool too, not on the
    /// async worker that hashes it.
    pub(crate) async fn parse_submission_on_pool(
        &self,
        schema_type: SchemaType,
        text: String,
        dependencies: Vec<Dependency>,
        options: ParseOptions,
    ) -> Result<Arc<ParsedSchema>, RegistryError> {
        self.parse_then(schema_type, text, dependencies, options, |parsed| {
            let _ = parsed.identity();
        })
        .await
    }

    /// Parses on the pool (or here, when [`parses_inline`]) and runs `then` on the parse.
    async fn parse_then(
        &self,
        schema_type: SchemaType,
        text: String,
        dependencies: Vec<Dependency>,
        options: ParseOptions,
        then: impl FnOnce(&ParsedSchema) + Send + 'static,
    ) -> Result<Arc<ParsedSchema>, RegistryError> {
        let (text_len, deps_empty) = (text.len(), dependencies.is_empty());
        let work = move || {
            let parsed = ParsedSchema::parse(schema_type, &text, &dependencies, options);
            if let Ok(parsed) = &parsed {
                then(parsed);
            }
            parsed
        };
        let parsed = if parses_inline(schema_type, text_len, deps_empty) {
            work()
        } else {
            self.cpu.run(work).await?
        };
        parsed
            .map(Arc::new)
            .map_err(|e| RegistryError::invalid_schema(wrap_schema_error(schema_type, &e.message)))
    }
}

/// The largest Avro text parsed on the async worker itself.
const INLINE_PARSE_BYTES: usize = 2048;

/// A small Avro text without references parses in microseconds: handing it to a blocking
/// thread would cost more (two thread switches each way) than the parse. Anything else, or
/// anything larger, goes to the pool.
fn parses_inline(schema_type: SchemaType, text_len: usize, no_dependencies: bool) -> bool {
    schema_type == SchemaType::Avro && no_dependencies && text_len <= INLINE_PARSE_BYTES
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    #[test]
    fn only_small_avro_without_references_parses_inline() {
        assert!(parses_inline(SchemaType::Avro, INLINE_PARSE_BYTES, true));
        assert!(!parses_inline(
            SchemaType::Avro,
            INLINE_PARSE_BYTES + 1,
            true
        ));
        assert!(!parses_inline(SchemaType::Avro, 10, false));
        assert!(!parses_inline(SchemaType::Json, 10, true));
        assert!(!parses_inline(SchemaType::Protobuf, 10, true));
    }

    #[tokio::test(flavor = "current_thread")]
    async fn work_runs_off_the_async_thread() {
        let pool = CpuPool::new(1);
        let here = std::thread::current().id();
        let there = pool.run(|| std::thread::current().id()).await.unwrap();
        assert_ne!(here, there);
    }

    #[tokio::test]
    async fn at_most_workers_jobs_run_at_once() {
        let pool = CpuPool::new(2);
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let jobs: Vec<_> = (0..8)
            .map(|_| {
                let (pool, running, most) = (pool.clone(), running.clone(), most.clone());
                tokio::spawn(async move {
                    pool.run(move || {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(20));
                        running.fetch_sub(1, Ordering::SeqCst);
                    })
                    .await
                })
            })
            .collect();
        for job in jobs {
            job.await.unwrap().unwrap();
        }
        assert_eq!(most.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn an_abandoned_job_keeps_its_slot_until_it_ends() {
        let pool = CpuPool::new(1);
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let (started, running) = tokio::sync::oneshot::channel::<()>();
        let abandoned = tokio::spawn({
            let pool = pool.clone();
            async move {
                pool.run(move || {
                    let _ = started.send(());
                    wait.recv().is_ok()
                })
                .await
            }
        });
        running.await.unwrap();
        abandoned.abort();
        let next = tokio::time::timeout(Duration::from_millis(200), pool.run(|| 1)).await;
        assert!(next.is_err(), "the slot was freed while the job still ran");
        release.send(()).unwrap();
        let next = tokio::time::timeout(Duration::from_secs(10), pool.run(|| 1)).await;
        assert_eq!(next.ok().and_then(Result::ok), Some(1));
    }

    #[tokio::test]
    async fn a_panicking_job_answers_50001() {
        let pool = CpuPool::new(1);
        let error = pool.run(|| panic!("engine bug")).await.unwrap_err();
        assert_eq!(error.code(), 50001);
        // The slot is back.
        assert_eq!(pool.run(|| 7).await.unwrap(), 7);
    }
}
