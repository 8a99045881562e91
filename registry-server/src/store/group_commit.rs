//! Group commit for SQLite: writers that queue behind one another share one transaction
//! and one fsync, so a durable commit (`synchronous=FULL`) costs one disk flush per batch
//! instead of one per registration.
//!
//! Writers still run one at a time, behind the writer lock. The first opens the batch
//! (`BEGIN IMMEDIATE`); each runs its work inside a savepoint of it. On `commit`, a writer
//! releases its savepoint and leaves the batch open for whoever queued behind it, then
//! waits: the batch commits when a waiting member gets the lock back and finds its batch
//! still open, that is once every writer queued before it has had its turn. Every member
//! is answered with the outcome of that one `COMMIT`, so nothing is acknowledged before it
//! is on disk, and nothing a member wrote is visible to readers before that either.
//!
//! A writer that leaves without committing (an error, a cancelled request) has its
//! savepoint rolled back by the next holder of the lock; the others' work stays.
//!
//! Failures: when the `COMMIT` fails, or a statement fails in a way that makes SQLite roll
//! the whole transaction back (a full disk can), every member of the batch, waiting or yet
//! to commit, is answered with an error; none is acknowledged. The batch's connection is
//! then closed, not returned to the pool: its transaction state is not known, and a
//! connection left in a transaction would hold SQLite's write lock (or refuse the next
//! `BEGIN`) for ever. The batch opens and ends its transaction with plain statements for
//! that reason: sqlx's `Transaction` counts its depth itself, and that count goes wrong
//! when SQLite rolls back on its own.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use sqlx::pool::PoolConnection;
use sqlx::sqlite::SqliteArguments;
use sqlx::{AssertSqlSafe, Execute, Executor as _, Sqlite, SqliteConnection, SqlitePool};
use tokio::sync::{Mutex, OwnedMutexGuard, oneshot};

use super::{StoreError, StoreResult};

/// Members in one batch at most; the one that fills it commits at once.
const MAX_MEMBERS: usize = 64;

/// Opens a batch and its first member's savepoint.
const BEGIN_WITH_SAVEPOINT: &str = "BEGIN IMMEDIATE; SAVEPOINT member";

/// Keeps a member's work and opens the next member's savepoint (which the batch's `COMMIT`
/// commits, empty, if nobody takes it).
const KEEP_AND_REOPEN: &str = "RELEASE member; SAVEPOINT member";

/// The writer lock and the batch it guards.
#[derive(Debug, Clone, Default)]
pub(super) struct Writer(Arc<Mutex<WriterState>>);

#[derive(Debug, Default)]
struct WriterState {
    /// The open batch, between two members' turns.
    open: Option<Batch>,
    /// Numbers batches, so a waiting member knows whether its own is still open.
    batches: u64,
}

#[derive(Debug)]
struct Batch {
    /// In `BEGIN IMMEDIATE` from [`Writer::join`] to [`Batch::finish`].
    conn: PoolConnection<Sqlite>,
    /// Set once the transaction is over (committed, or never begun); until then, dropping
    /// the batch closes its connection, which rolls the transaction back.
    settled: bool,
    number: u64,
    members: usize,
    /// Members that released their savepoint and wait for the commit.
    waiting: Vec<oneshot::Sender<Result<(), String>>>,
    /// A member left without committing: its savepoint must be rolled back first.
    abandoned: bool,
    /// A savepoint with no work in it is open for the next member: the batch opens the
    /// first with its `BEGIN`, and a member that commits opens the next in the same call
    /// that releases its own, one statement fewer per member.
    /// The batch's `COMMIT` commits it, empty, if nobody takes it.
    next_savepoint_open: bool,
}

/// One writer's turn: a savepoint in the open batch, holding the writer lock.
/// Dereferences to the batch's connection; dropping it without [`Member::commit`] undoes
/// this member's work only.
#[derive(Debug)]
pub struct Member {
    turn: Option<(Batch, OwnedMutexGuard<WriterState>)>,
    writer: Writer,
}

impl Writer {
    /// Waits for the lock, then joins the open batch or begins one.
    pub(super) async fn join(&self, pool: &SqlitePool) -> StoreResult<Member> {
        let mut state = Arc::clone(&self.0).lock_owned().await;
        let mut batch = match state.open.take() {
            Some(batch) => batch,
            None => {
                state.batches += 1;
                Batch::begin(pool, state.batches).await?
            }
        };
        if let Err(error) = batch.start_member().await {
            batch.fail(&error);
            return Err(error.into());
        }
        Ok(Member {
            turn: Some((batch, state)),
            writer: self.clone(),
        })
    }

    /// Commits batch `number` if it is still open once every writer queued before this
    /// call has had its turn.
    async fn settle(self, number: u64) {
        let mut state = self.0.lock_owned().await;
        if state.open.as_ref().is_some_and(|b| b.number == number)
            && let Some(batch) = state.open.take()
        {
            batch.finish().await;
        }
    }
}

impl Batch {
    /// Takes a connection and opens the batch's transaction on it.
    async fn begin(pool: &SqlitePool, number: u64) -> Result<Batch, sqlx::Error> {
        let mut batch = Batch {
            conn: pool.acquire().await?,
            // Closed on drop from here on: a cancelled `BEGIN` may still have begun.
            settled: false,
            number,
            members: 0,
            waiting: Vec::new(),
            abandoned: false,
            next_savepoint_open: false,
        };
        // The first member's savepoint opens in the same call. On an error (SQLITE_BUSY:
        // another process holds the write lock) the transaction may or may not have begun,
        // so the connection is closed on drop rather than returned to the pool.
        sqlx::raw_sql(BEGIN_WITH_SAVEPOINT)
            .execute(&mut *batch.conn)
            .await?;
        batch.next_savepoint_open = true;
        Ok(batch)
    }

    async fn start_member(&mut self) -> Result<(), sqlx::Error> {
        if self.abandoned {
            // The abandoned member's savepoint is the innermost one: undo and close it,
            // then open this member's.
            sqlx::raw_sql("ROLLBACK TO member; RELEASE member; SAVEPOINT member")
                .execute(&mut *self.conn)
                .await?;
            self.abandoned = false;
        } else if !self.next_savepoint_open {
            sqlx::query("SAVEPOINT member")
                .execute(&mut *self.conn)
                .await?;
        }
        self.next_savepoint_open = false;
        self.members += 1;
        Ok(())
    }

    /// Commits (after undoing an abandoned member) and answers every waiting member.
    async fn finish(mut self) {
        let outcome = async {
            if self.abandoned {
                sqlx::query("ROLLBACK TO member")
                    .execute(&mut *self.conn)
                    .await?;
                sqlx::query("RELEASE member")
                    .execute(&mut *self.conn)
                    .await?;
            }
            sqlx::query("COMMIT").execute(&mut *self.conn).await?;
            self.settled = true;
            Ok::<(), sqlx::Error>(())
        }
        .await
        .map_err(|e| e.to_string());
        if let Err(error) = &outcome {
            tracing::error!(%error, members = self.waiting.len(), "group commit failed");
        }
        for member in self.waiting.drain(..) {
            let _ = member.send(outcome.clone());
        }
    }

    /// Gives up the batch: every waiting member is told its work is lost, and the
    /// transaction rolls back as the connection closes on drop.
    fn fail(mut self, error: &sqlx::Error) {
        tracing::error!(%error, members = self.waiting.len(), "group commit abandoned");
        for member in self.waiting.drain(..) {
            let _ = member.send(Err(error.to_string()));
        }
    }
}

impl Drop for Batch {
    fn drop(&mut self) {
        if !self.settled {
            self.conn.close_on_drop();
        }
    }
}

impl Member {
    /// Keeps this member's work and answers once the batch holding it is committed.
    ///
    /// # Errors
    /// The batch's `COMMIT` failed (nothing of it was written), or the savepoint could not
    /// be released.
    pub async fn commit(self) -> StoreResult<()> {
        self.end_turn(sqlx::raw_sql(KEEP_AND_REOPEN)).await
    }

    /// Runs `statements` (this member's last writes, bound by `bind`) and keeps its work in
    /// the same call to the connection, one round trip fewer than writing, then calling
    /// [`Member::commit`], and answers as that does. When a statement fails, none of this
    /// member's work stays.
    ///
    /// # Errors
    /// A statement failed, or the batch's `COMMIT` did.
    pub async fn commit_after<'q>(
        self,
        statements: &str,
        bind: impl FnOnce(
            sqlx::query::Query<'q, Sqlite, SqliteArguments>,
        ) -> sqlx::query::Query<'q, Sqlite, SqliteArguments>,
    ) -> StoreResult<()> {
        let text = format!("{statements}; {KEEP_AND_REOPEN}");
        self.end_turn(bind(sqlx::query(AssertSqlSafe(text)))).await
    }

    /// Runs `last` (which ends with [`KEEP_AND_REOPEN`]) and waits for the batch's commit.
    async fn end_turn<'q>(mut self, last: impl Execute<'q, Sqlite> + 'q) -> StoreResult<()> {
        let Some((mut batch, mut state)) = self.turn.take() else {
            return Err(StoreError::Batch("write turn already ended".to_owned()));
        };
        if let Err(error) = (&mut *batch.conn).execute(last).await {
            // Whatever failed, a savepoint named `member` may be open, holding whatever of
            // this member's work ran; if none is, the rollback fails and the whole batch
            // is answered with an error.
            batch.abandoned = true;
            let number = batch.number;
            state.open = Some(batch);
            drop(state);
            self.writer.clone().settle(number).await;
            return Err(error.into());
        }
        batch.next_savepoint_open = true;
        let (answer, mut answered) = oneshot::channel();
        batch.waiting.push(answer);
        let number = batch.number;
        let outcome = if batch.members >= MAX_MEMBERS {
            batch.finish().await;
            drop(state);
            answered.await
        } else {
            state.open = Some(batch);
            drop(state);
            // Whoever queued behind this member joins the batch; the lock coming back to
            // this call (or another member's) commits it.
            tokio::select! {
                biased;
                outcome = &mut answered => outcome,
                () = self.writer.clone().settle(number) => answered.await,
            }
        };
        match outcome {
            Ok(Ok(())) => Ok(()),
            Ok(Err(message)) => Err(StoreError::Batch(message)),
            Err(_) => Err(StoreError::Batch("the batch ended unanswered".to_owned())),
        }
    }
}

impl Drop for Member {
    fn drop(&mut self) {
        let Some((mut batch, mut state)) = self.turn.take() else {
            return;
        };
        batch.abandoned = true;
        let number = batch.number;
        state.open = Some(batch);
        drop(state);
        // Close the batch even if no writer comes: its open transaction holds SQLite's
        // write lock, and members may be waiting for it.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(self.writer.clone().settle(number));
        }
    }
}

impl Deref for Member {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        match &self.turn {
            Some((batch, _)) => &batch.conn,
            None => unreachable!("a member's connection is used only during its turn"),
        }
    }
}

impl DerefMut for Member {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        match &mut self.turn {
            Some((batch, _)) => &mut batch.conn,
            None => unreachable!("a member's connection is used only during its turn"),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;
    use std::time::Duration;

    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};

    use super::*;

    async fn pool(dir: &tempfile::TempDir) -> SqlitePool {
        let url = format!("sqlite://{}", dir.path().join("batch.db").display());
        let options = SqliteConnectOptions::from_str(&url)
            .unwrap()
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .unwrap();
        run(&pool, "CREATE TABLE t (x INTEGER NOT NULL)").await;
        pool
    }

    /// Runs `statement` on `pool`, outside any batch (the test's own setup).
    async fn run(pool: &SqlitePool, statement: &'static str) {
        sqlx::query(statement).execute(pool).await.unwrap();
    }

    async fn rows(pool: &SqlitePool) -> Vec<i64> {
        sqlx::query_scalar("SELECT x FROM t ORDER BY x")
            .fetch_all(pool)
            .await
            .unwrap()
    }

    async fn insert(member: &mut Member, x: i64) {
        sqlx::query("INSERT INTO t (x) VALUES ($1)")
            .bind(x)
            .execute(&mut **member)
            .await
            .unwrap();
    }

    /// A writer and its first member, which holds the lock and has inserted `x`.
    async fn writer_holding(pool: &SqlitePool, x: i64) -> (Writer, Member) {
        let writer = Writer::default();
        let mut member = writer.join(pool).await.unwrap();
        insert(&mut member, x).await;
        (writer, member)
    }

    /// Runs `work` on a task of its own with a member that joins after `delay`, queueing
    /// behind whoever holds the lock by then.
    fn spawn_member<T, F>(
        writer: &Writer,
        pool: &SqlitePool,
        delay: Duration,
        work: impl FnOnce(Member) -> F + Send + 'static,
    ) -> tokio::task::JoinHandle<T>
    where
        F: std::future::Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        let (writer, pool) = (writer.clone(), pool.clone());
        tokio::spawn(async move {
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            let member = writer.join(&pool).await.unwrap();
            work(member).await
        })
    }

    async fn batches(writer: &Writer) -> u64 {
        writer.0.lock().await.batches
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn queued_writers_share_one_commit_and_all_land() {
        let dir = tempfile::tempdir().unwrap();
        let pool = pool(&dir).await;
        let (writer, first) = writer_holding(&pool, 0).await;
        let others: Vec<_> = (1..16)
            .map(|x| {
                spawn_member(
                    &writer,
                    &pool,
                    Duration::ZERO,
                    move |mut member| async move {
                        insert(&mut member, x).await;
                        member.commit().await
                    },
                )
            })
            .collect();
        // Let the others queue behind the lock the first member holds.
        tokio::time::sleep(Duration::from_millis(200)).await;
        first.commit().await.unwrap();
        for other in others {
            other.await.unwrap().unwrap();
        }
        assert_eq!(rows(&pool).await, (0..16).collect::<Vec<_>>());
        assert!(
            batches(&writer).await < 16,
            "every writer paid its own commit"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_abandoned_member_loses_only_its_own_work() {
        let dir = tempfile::tempdir().unwrap();
        let pool = pool(&dir).await;
        let (writer, kept) = writer_holding(&pool, 1).await;
        let dropped = spawn_member(
            &writer,
            &pool,
            Duration::ZERO,
            move |mut member| async move {
                insert(&mut member, 2).await;
                // Leaves without committing: an error or a cancelled request.
            },
        );
        let after = spawn_member(
            &writer,
            &pool,
            Duration::from_millis(100),
            move |mut member| async move {
                insert(&mut member, 3).await;
                member.commit().await
            },
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
        kept.commit().await.unwrap();
        dropped.await.unwrap();
        after.await.unwrap().unwrap();
        assert_eq!(rows(&pool).await, vec![1, 3]);
    }

    /// Inserts `x` and then `y` in one call that also ends the member's turn.
    async fn insert_two_and_commit(member: Member, x: i64, y: i64) -> StoreResult<()> {
        member
            .commit_after(
                "INSERT INTO t (x) VALUES ($1); INSERT INTO t (x) VALUES ($2)",
                |query| query.bind(x).bind(y),
            )
            .await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn last_writes_run_with_the_commit_and_land_in_the_batch() {
        let dir = tempfile::tempdir().unwrap();
        let pool = pool(&dir).await;
        let (writer, first) = writer_holding(&pool, 1).await;
        let second = spawn_member(&writer, &pool, Duration::ZERO, move |member| async move {
            insert_two_and_commit(member, 2, 3).await
        });
        tokio::time::sleep(Duration::from_millis(100)).await;
        first.commit().await.unwrap();
        second.await.unwrap().unwrap();
        // A third member after them finds the batch's savepoint machinery intact.
        let mut third = writer.join(&pool).await.unwrap();
        insert(&mut third, 4).await;
        third.commit().await.unwrap();
        assert_eq!(rows(&pool).await, vec![1, 2, 3, 4]);
        assert_eq!(batches(&writer).await, 2, "the first two shared one commit");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn last_writes_that_fail_halfway_leave_nothing_of_their_member() {
        let dir = tempfile::tempdir().unwrap();
        let pool = pool(&dir).await;
        run(&pool, "CREATE UNIQUE INDEX t_x ON t (x)").await;
        let (writer, kept) = writer_holding(&pool, 1).await;
        let failing = spawn_member(
            &writer,
            &pool,
            Duration::ZERO,
            move |mut member| async move {
                insert(&mut member, 5).await;
                // 6 goes in, then 1 breaks the unique index: 5 and 6 must go too.
                insert_two_and_commit(member, 6, 1).await
            },
        );
        let after = spawn_member(
            &writer,
            &pool,
            Duration::from_millis(100),
            move |member| async move { insert_two_and_commit(member, 7, 8).await },
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
        kept.commit().await.unwrap();
        assert!(
            failing.await.unwrap().is_err(),
            "the broken write was acknowledged"
        );
        after.await.unwrap().unwrap();
        assert_eq!(rows(&pool).await, vec![1, 7, 8]);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_lone_abandoned_member_releases_the_database() {
        let dir = tempfile::tempdir().unwrap();
        let pool = pool(&dir).await;
        let (_writer, member) = writer_holding(&pool, 1).await;
        drop(member);
        // The batch is closed without a new writer: another connection can write.
        let mut direct = None;
        for _ in 0..50 {
            if sqlx::query("INSERT INTO t (x) VALUES (9)")
                .execute(&pool)
                .await
                .is_ok()
            {
                direct = Some(());
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(direct.is_some(), "the abandoned batch kept the write lock");
        assert_eq!(rows(&pool).await, vec![9]);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_waiting_member_is_not_visible_before_its_batch_commits() {
        let dir = tempfile::tempdir().unwrap();
        let pool = pool(&dir).await;
        let (writer, first) = writer_holding(&pool, 1).await;
        // A second writer queues, so the first one's commit waits for it.
        let (go, hold) = tokio::sync::oneshot::channel::<()>();
        let second = spawn_member(
            &writer,
            &pool,
            Duration::ZERO,
            move |mut member| async move {
                insert(&mut member, 2).await;
                hold.await.unwrap();
                member.commit().await
            },
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
        let first = tokio::spawn(first.commit());
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(
            !first.is_finished(),
            "acknowledged before its batch committed"
        );
        assert_eq!(rows(&pool).await, Vec::<i64>::new());
        go.send(()).unwrap();
        first.await.unwrap().unwrap();
        second.await.unwrap().unwrap();
        assert_eq!(rows(&pool).await, vec![1, 2]);
    }

    /// A pool whose connections check a deferred foreign key: a member can write a row that
    /// only the batch's `COMMIT` refuses.
    async fn pool_with_deferred_key(dir: &tempfile::TempDir) -> SqlitePool {
        let pool = pool(dir).await;
        for statement in [
            "CREATE TABLE parent (id INTEGER PRIMARY KEY)",
            "CREATE TABLE child (parent INTEGER NOT NULL \
             REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)",
        ] {
            run(&pool, statement).await;
        }
        pool
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failed_batch_commit_answers_every_member_with_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let pool = pool_with_deferred_key(&dir).await;
        let (writer, first) = writer_holding(&pool, 1).await;
        let second = spawn_member(
            &writer,
            &pool,
            Duration::ZERO,
            move |mut member| async move {
                insert(&mut member, 2).await;
                // Accepted now, refused by the batch's COMMIT.
                sqlx::query("INSERT INTO child (parent) VALUES (42)")
                    .execute(&mut *member)
                    .await
                    .unwrap();
                member.commit().await
            },
        );
        // The second member queues behind the first, so both are in one batch.
        tokio::time::sleep(Duration::from_millis(200)).await;
        let first = first.commit().await;
        let second = second.await.unwrap();
        assert!(
            matches!(first, Err(StoreError::Batch(_))),
            "first acknowledged: {first:?}"
        );
        assert!(
            matches!(second, Err(StoreError::Batch(_))),
            "second acknowledged: {second:?}"
        );
        assert_eq!(rows(&pool).await, Vec::<i64>::new());

        // The connection went back to the pool rolled back: writers go on.
        for x in [3, 4] {
            let mut member = writer.join(&pool).await.unwrap();
            insert(&mut member, x).await;
            member.commit().await.unwrap();
        }
        assert_eq!(rows(&pool).await, vec![3, 4]);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_member_failing_on_a_full_database_leaves_the_batch_consistent() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("full.db").display());
        let options = SqliteConnectOptions::from_str(&url)
            .unwrap()
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .pragma("max_page_count", "64");
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .unwrap();
        run(&pool, "CREATE TABLE t (x INTEGER NOT NULL, pad BLOB)").await;
        let (writer, first) = writer_holding(&pool, 1).await;
        let second = spawn_member(
            &writer,
            &pool,
            Duration::ZERO,
            move |mut member| async move {
                // Needs more pages than the cap allows: SQLITE_FULL.
                sqlx::query("INSERT INTO t (x, pad) VALUES (2, zeroblob(1000000))")
                    .execute(&mut *member)
                    .await
                    .map(|_| ())
                // dropped: its work is abandoned
            },
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
        let first = first.commit().await;
        let second = second.await.unwrap();
        assert!(second.is_err(), "the oversized insert fit: {second:?}");
        // Acknowledged means stored; refused means absent. Nothing of the second.
        let stored = rows(&pool).await;
        match first {
            Ok(()) => assert_eq!(stored, vec![1]),
            Err(_) => assert_eq!(stored, Vec::<i64>::new()),
        }
        // No connection is left in a transaction: writers go on.
        for x in [3, 4] {
            let mut member = writer.join(&pool).await.unwrap();
            insert(&mut member, x).await;
            member.commit().await.unwrap();
        }
        assert!(rows(&pool).await.ends_with(&[3, 4]));
        let check: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(check, "ok");
    }
}
