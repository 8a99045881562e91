//! Polls a file and hands each changed, valid version to a callback; a broken one is logged and skipped.

use std::fmt::Display;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use sha2::{Digest as _, Sha256};
use tokio::io::AsyncReadExt as _;
use tokio::task::JoinHandle;

use super::authfile::{AuthFileError, MAX_FILE_BYTES};

/// How often files are polled unless told otherwise.
pub(crate) const DEFAULT_POLL: Duration = Duration::from_secs(2);

/// What is cheap to compare on every poll.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    modified: Option<SystemTime>,
    len: u64,
}

/// One read of a watched file.
pub(crate) struct Snapshot {
    pub(crate) bytes: Vec<u8>,
    stamp: Stamp,
    digest: [u8; 32],
}

/// Reads the whole file, refusing one larger than [`MAX_FILE_BYTES`].
pub(crate) async fn read(path: &Path) -> Result<Snapshot, AuthFileError> {
    let io = |source| AuthFileError::Io {
        path: path.display().to_string(),
        source,
    };
    let file = tokio::fs::File::open(path).await.map_err(io)?;
    let meta = file.metadata().await.map_err(io)?;
    let stamp = Stamp {
        modified: meta.modified().ok(),
        len: meta.len(),
    };
    let mut bytes =
        Vec::with_capacity(usize::try_from(meta.len().min(MAX_FILE_BYTES)).unwrap_or(0));
    // One byte past the limit tells a file that grew since the stat.
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .await
        .map_err(io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(AuthFileError::TooLarge {
            path: path.display().to_string(),
        });
    }
    let digest = Sha256::digest(&bytes).into();
    Ok(Snapshot {
        bytes,
        stamp,
        digest,
    })
}

async fn stamp(path: &Path) -> std::io::Result<Stamp> {
    let meta = tokio::fs::metadata(path).await?;
    Ok(Stamp {
        modified: meta.modified().ok(),
        len: meta.len(),
    })
}

/// Every `interval`, re-reads `path` when its size or time changed and its content differs
/// from the last version seen; `apply` receives what `parse` made of it. A version that does
/// not parse is logged once and the previous one stays in force.
pub(crate) fn watch<T, E, P, A>(
    path: PathBuf,
    interval: Duration,
    initial: &Snapshot,
    parse: P,
    apply: A,
) -> JoinHandle<()>
where
    T: Send + 'static,
    E: Display + Send + 'static,
    P: Fn(&[u8]) -> Result<T, E> + Send + Sync + Clone + 'static,
    A: Fn(T) + Send + 'static,
{
    let (mut last_stamp, mut last_digest) = (initial.stamp, initial.digest);
    tokio::spawn(async move {
        let mut stat_failed = false;
        loop {
            tokio::time::sleep(interval).await;
            match stamp(&path).await {
                Ok(now) if now == last_stamp => continue,
                Ok(_) => stat_failed = false,
                Err(error) => {
                    if !stat_failed {
                        tracing::error!(path = %path.display(), %error, "cannot read watched file; keeping the version loaded");
                        stat_failed = true;
                    }
                    continue;
                }
            }
            let snapshot = match read(&path).await {
                Ok(snapshot) => snapshot,
                Err(error) => {
                    tracing::error!(path = %path.display(), %error, "cannot read watched file; keeping the version loaded");
                    continue;
                }
            };
            last_stamp = snapshot.stamp;
            if snapshot.digest == last_digest {
                continue;
            }
            last_digest = snapshot.digest;
            // Parsing compiles regexes and keys: off the async threads.
            let parse = parse.clone();
            let parsed = tokio::task::spawn_blocking(move || parse(&snapshot.bytes)).await;
            match parsed {
                Ok(Ok(value)) => {
                    apply(value);
                    tracing::info!(path = %path.display(), "reloaded changed file");
                }
                Ok(Err(error)) => {
                    tracing::error!(path = %path.display(), %error, "changed file is invalid; keeping the version loaded");
                }
                Err(error) => {
                    tracing::error!(path = %path.display(), %error, "parsing changed file failed; keeping the version loaded");
                }
            }
        }
    })
}

/// Aborts the tasks it holds when dropped, so watchers end with their owner.
#[derive(Debug, Default)]
pub(crate) struct Tasks(Vec<JoinHandle<()>>);

impl Tasks {
    pub(crate) fn push(&mut self, task: JoinHandle<()>) {
        self.0.push(task);
    }
}

impl Drop for Tasks {
    fn drop(&mut self) {
        for task in &self.0 {
            task.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};
    use std::time::Instant;

    use super::*;

    /// Polls `check` until it holds or a deadline passes.
    pub(crate) async fn eventually(mut check: impl FnMut() -> bool) -> bool {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if check() {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        check()
    }

    #[tokio::test]
    async fn changes_are_applied_and_broken_versions_skipped() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("n");
        std::fs::write(&path, "1").expect("write");
        let initial = read(&path).await.expect("read");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        let parse = |bytes: &[u8]| -> Result<u32, String> {
            std::str::from_utf8(bytes)
                .map_err(|e| e.to_string())?
                .parse()
                .map_err(|e: std::num::ParseIntError| e.to_string())
        };
        let mut tasks = Tasks::default();
        tasks.push(watch(
            path.clone(),
            Duration::from_millis(20),
            &initial,
            parse,
            move |n| {
                sink.lock().expect("lock").push(n);
            },
        ));

        std::fs::write(&path, "22").expect("write");
        assert!(eventually(|| seen.lock().expect("lock").as_slice() == [22]).await);
        std::fs::write(&path, "not a number").expect("write");
        std::fs::write(&path, "333").expect("write");
        assert!(eventually(|| seen.lock().expect("lock").last() == Some(&333)).await);
        assert!(!seen.lock().expect("lock").contains(&0));
        drop(tasks);
    }

    #[tokio::test]
    async fn oversized_files_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("big");
        let file = std::fs::File::create(&path).expect("create");
        file.set_len(MAX_FILE_BYTES + 1).expect("grow");
        assert!(matches!(
            read(&path).await,
            Err(AuthFileError::TooLarge { .. })
        ));
    }
}
