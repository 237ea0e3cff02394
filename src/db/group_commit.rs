//! Group commit for SQLite's journaled writes: the writes waiting for SQLite's one writer are
//! committed together, each in a savepoint of one transaction, instead of one transaction each.
//!
//! Why: a commit writes every page the transaction touched to the write-ahead log — for a
//! journaled create the record's table and indexes, the journal's and its three indexes — and
//! that copy was a sixth of a create's CPU (`perf`, docs/benchmarks.md). Writes queued behind
//! one another share those pages, so one commit for the queue writes each page once.
//!
//! How (a leader and followers, as in LevelDB's write queue): a writer puts its work on its
//! database's pending queue. If no leader is at work, it leads; otherwise it sleeps until it is
//! woken, once: with its result, or to lead. A leader takes the writers' turn (`SQLITE_WRITER`,
//! first come, first served, shared with `DbConn::write_tx` and the checkpointer), takes the
//! oldest pending writes (its own among them), runs each in a savepoint of one `BEGIN IMMEDIATE`
//! transaction (a write that fails rolls back to its savepoint and fails alone), commits, hands
//! each writer its result, gives up the turn, and wakes the first write still pending to lead
//! the next group (or, none pending, ends). Alone in the queue, a write runs as before, with no
//! savepoint. No write waits for a timer: a group is whatever queued while the previous one
//! committed.
//!
//! A write is answered only after the commit that holds it: if that commit fails, every write
//! of the group gets 503 (nothing of theirs was kept), so none is acknowledged and then lost.
//!
//! Leaders commit on the database's own writer connection (`Writer`), not a pooled one: a
//! writer waiting its turn holds no connection, so a burst of writes never takes the pool from
//! the readers, and a leader never waits for a connection while holding the turn (which
//! `DbConn::write_tx` callers, holding pooled connections, wait for).

use std::collections::VecDeque;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::channel;
use std::sync::{Arc, Mutex, PoisonError};

use diesel::connection::{AnsiTransactionManager, Connection, TransactionManager};
use diesel::r2d2::R2D2Connection;

use super::{DbConn, SQLITE_WRITER};
use crate::error::ApiError;

type Multi = <DbConn as Connection>::TransactionManager;

/// Hands a write its result once the group's commit is known: `None` if it committed, else the
/// error that stopped it.
type Deliver = Box<dyn FnOnce(Option<ApiError>) + Send>;

/// A queued write: runs on the leader's connection, inside the group's transaction, and returns
/// whether it succeeded and how to deliver its result. `alone` says it is the group's only
/// write (no savepoint needed).
type Job = Box<dyn FnOnce(&mut DbConn, bool) -> (bool, Deliver) + Send>;

/// A SQLite database's journaled writes: those waiting for a leader, and the connection
/// leaders commit them on (opened when first needed, reopened if it breaks).
pub struct Writer {
    url: Arc<str>,
    queue: Mutex<Queue>,
    connection: Mutex<Option<DbConn>>,
}

/// The writes not yet taken by a leader, oldest first, and whether a leader is at work: while
/// one is, a new write waits to be served or promoted; when none is, its writer leads.
/// Invariant: writes are pending only while a leader is at work.
#[derive(Default)]
struct Queue {
    pending: VecDeque<Pending>,
    leading: bool,
}

struct Pending {
    job: Job,
    /// Wakes the write's writer to lead the next group (its job first in it); taken when used.
    promote: Option<Box<dyn FnOnce() + Send>>,
}

/// What a waiting writer is woken with.
enum Wake<T> {
    /// Its write's result: a leader ran it, and its group's commit is known.
    Done(Result<T, ApiError>),
    /// Its write is first of those pending: it leads the next group.
    Lead,
}

impl Writer {
    pub fn new(url: &str) -> Writer {
        Writer { url: url.into(), queue: Mutex::new(Queue::default()), connection: Mutex::new(None) }
    }

    fn queue(&self) -> std::sync::MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    #[cfg(test)]
    fn queued(&self) -> usize {
        self.queue().pending.len()
    }
}

/// The most writes one transaction commits: bounds how long the first of them waits.
const MAX_GROUP: usize = 64;

/// Runs `body` in a SQLite write transaction on `writer`'s database, committed with whatever
/// other writes are queued (see the module's comment).
///
/// Each waiting writer is woken once: with its result, or to lead. (Followers used to wait for
/// the writers' turn to collect a result already delivered, each waking the next in line, and
/// no group could begin until the last had: the writer sat idle for a wake-up per follower
/// after every commit. Without that, creates on SQLite served 9–23 % more requests at the same
/// CPU per request, with a higher p99 not yet explained; docs/benchmarks.md, 2026-12-13.)
pub fn write<T, F>(writer: &Writer, body: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let (sender, inbox) = channel::<Wake<T>>();
    let deliver_to = sender.clone();
    let job: Job = Box::new(move |conn, alone| {
        let outcome = run_one(conn, alone, body);
        let succeeded = outcome.is_ok();
        let deliver: Deliver = Box::new(move |commit_failed| {
            let _ = deliver_to.send(Wake::Done(match commit_failed {
                None => outcome,
                Some(error) => outcome.and(Err(error)),
            }));
        });
        (succeeded, deliver)
    });
    let promote: Box<dyn FnOnce() + Send> = Box::new(move || {
        let _ = sender.send(Wake::Lead);
    });
    let mut leads = {
        let mut queue = writer.queue();
        queue.pending.push_back(Pending { job, promote: Some(promote) });
        !std::mem::replace(&mut queue.leading, true)
    };
    loop {
        if leads {
            lead_next_group(writer);
        }
        match inbox.recv() {
            Ok(Wake::Done(outcome)) => return outcome,
            // A leader is woken with its result: its own write was in the group it led.
            Ok(Wake::Lead) if !leads => leads = true,
            // Taken by a leader that never delivered (it panicked, or could not connect): not kept.
            Ok(Wake::Lead) | Err(_) => return Err(ApiError::database_unavailable()),
        }
    }
}

/// As the leader: commits the oldest pending writes (this writer's own among them) in the
/// writers' turn, then hands the lead to the first write still pending, or ends it.
fn lead_next_group(writer: &Writer) {
    // Declared first, dropped last: after the turn, even if leading panicked.
    let mut handoff = Handoff { writer, drained: false };
    let turn = SQLITE_WRITER.lock();
    let group: Vec<Job> = {
        // Later comers wait for the next group.
        let mut queue = writer.queue();
        let take = queue.pending.len().min(MAX_GROUP);
        handoff.drained = true;
        queue.pending.drain(..take).map(|p| p.job).collect()
    };
    {
        let mut connection = writer.connection.lock().unwrap_or_else(PoisonError::into_inner);
        if connection.as_mut().is_none_or(R2D2Connection::is_broken) {
            // Could not open: dropping the group drops its senders, and its writers get 503.
            *connection = super::open_for_pool(&writer.url).ok();
        }
        if let Some(conn) = connection.as_mut() {
            lead(conn, group);
        }
    }
    drop(turn);
}

/// Passes the lead on when a leader is done: to the first write still pending, or to whoever
/// writes next.
struct Handoff<'a> {
    writer: &'a Writer,
    /// Whether the leader took its group off the queue. If it panicked before, its own write is
    /// still first there (a leader's write is first when it starts to lead): dropped, not
    /// promoted, or the lead would go to a writer no longer waiting.
    drained: bool,
}

impl Drop for Handoff<'_> {
    fn drop(&mut self) {
        let mut queue = self.writer.queue();
        if !self.drained {
            queue.pending.pop_front();
        }
        match queue.pending.front_mut().and_then(|next| next.promote.take()) {
            Some(promote) => {
                drop(queue);
                promote();
            }
            None => queue.leading = false,
        }
    }
}

/// One write of a group. Alone, it runs in the transaction itself (a failure rolls the whole
/// transaction back); in a group, in a savepoint that a failure rolls back.
fn run_one<T>(
    conn: &mut DbConn,
    alone: bool,
    body: impl FnOnce(&mut DbConn) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    if alone {
        return catch_unwind(AssertUnwindSafe(|| body(conn))).unwrap_or_else(|_| Err(panicked()));
    }
    // `write_tx` nested inside the group's transaction is a savepoint, rolled back on error.
    match catch_unwind(AssertUnwindSafe(|| conn.write_tx(body))) {
        Ok(outcome) => outcome,
        Err(_) => {
            // A panic skipped the rollbacks of the savepoints it was in: undo them here, down
            // to the group's transaction, so the writes before this one still commit.
            while depth(conn) > 1 {
                if Multi::rollback_transaction(conn).is_err() {
                    break;
                }
            }
            Err(panicked())
        }
    }
}

fn panicked() -> ApiError {
    ApiError::internal(anyhow::anyhow!("a write panicked"))
}

fn depth(conn: &mut DbConn) -> u32 {
    Multi::transaction_manager_status_mut(conn).transaction_depth().ok().flatten().map_or(0, std::num::NonZero::get)
}

/// Runs the group in one transaction and delivers each write's result after the commit.
fn lead(conn: &mut DbConn, group: Vec<Job>) {
    let alone = group.len() == 1;
    let began = match conn {
        DbConn::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE"),
        DbConn::Postgres(_) => unreachable!("group commit is for SQLite"),
    };
    if began.is_err() {
        // Not run: dropping the jobs drops their senders, and their writers get 503.
        return;
    }
    let mut deliveries = Vec::with_capacity(group.len());
    let mut all_succeeded = true;
    for job in group {
        let (succeeded, deliver) = job(conn, alone);
        all_succeeded &= succeeded;
        deliveries.push(deliver);
    }
    // A lone write that failed must not commit (it ran without a savepoint); neither may a
    // group whose savepoints could not all be undone. A group's failed writes were rolled back
    // to their savepoints already, and each gets its own error whatever the commit does.
    let committed = if (alone && !all_succeeded) || depth(conn) != 1 {
        Err(())
    } else {
        Multi::commit_transaction(conn).map_err(|_| ())
    };
    if committed.is_err() {
        // Down to no transaction at all: a lone write's panic can leave savepoints open.
        while depth(conn) > 0 {
            if Multi::rollback_transaction(conn).is_err() {
                break;
            }
        }
    }
    for deliver in deliveries {
        deliver(committed.err().map(|()| ApiError::database_unavailable()));
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;

    use super::{depth, write, Writer, MAX_GROUP};
    use crate::db::{DbConn, SQLITE_WRITER};
    use crate::error::ApiError;

    fn insert(conn: &mut DbConn, n: i32) -> Result<(), ApiError> {
        diesel::sql_query("INSERT INTO t (n) VALUES (?)").bind::<diesel::sql_types::Integer, _>(n).execute(conn)?;
        Ok(())
    }

    /// A new WAL database with an empty table `t (n)`, and its URL; gone with the directory.
    fn fresh_database() -> (tempfile::TempDir, String) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/writes.db", dir.path().display());
        DbConn::establish_url(&url)
            .unwrap()
            .batch_execute("PRAGMA journal_mode = WAL; CREATE TABLE t (n INTEGER PRIMARY KEY);")
            .unwrap();
        (dir, url)
    }

    fn stored(url: &str) -> Vec<i32> {
        #[derive(QueryableByName)]
        struct Row {
            #[diesel(sql_type = diesel::sql_types::Integer)]
            n: i32,
        }
        let mut conn = DbConn::establish_url(url).unwrap();
        let rows: Vec<Row> = diesel::sql_query("SELECT n FROM t ORDER BY n").load(&mut conn).unwrap();
        rows.into_iter().map(|r| r.n).collect()
    }

    /// Many writers at once, each write answered with its own result and every one stored:
    /// no result goes to another writer, and no writer is left waiting when the lead passes
    /// on (a lost wake-up fails this test after a minute).
    #[test]
    fn concurrent_writers_each_get_their_own_result() {
        let (_dir, url) = fresh_database();
        let writer = Arc::new(Writer::new(&url));
        let (done, finished) = std::sync::mpsc::channel();
        for t in 0..12 {
            let (writer, done) = (writer.clone(), done.clone());
            std::thread::spawn(move || {
                let mine: Vec<i32> = (0..40)
                    .map(|i| {
                        let n = t * 1000 + i;
                        write(&writer, move |conn| insert(conn, n).map(|()| n)).unwrap()
                    })
                    .collect();
                let _ = done.send((t, mine));
            });
        }
        for _ in 0..12 {
            // A writer left waiting fails the test here rather than hanging it.
            let (t, mine) = finished.recv_timeout(Duration::from_secs(60)).expect("a writer never got its results");
            assert_eq!(mine, (0..40).map(|i| t * 1000 + i).collect::<Vec<_>>(), "a writer got another's result");
        }
        let expected: Vec<i32> = (0..12).flat_map(|t| (0..40).map(move |i| t * 1000 + i)).collect();
        assert_eq!(stored(&url), expected);
        assert_eq!(writer.queued(), 0);
        assert!(!writer.queue().leading, "the last leader handed off to no one and ended");
    }

    /// While the writer's turn is held elsewhere, more writes queue than one group takes: the
    /// first leader commits the oldest `MAX_GROUP` of them, all on its own thread, and hands
    /// the lead to the first write left, whose writer commits the rest.
    #[test]
    fn a_queue_longer_than_one_group_is_committed_by_two_leaders() {
        let (_dir, url) = fresh_database();
        let writer = Arc::new(Writer::new(&url));
        let queued = MAX_GROUP + 6;
        let turn = SQLITE_WRITER.lock();
        let writers: Vec<_> = (0..queued as i32)
            .map(|n| {
                let writer = writer.clone();
                std::thread::spawn(move || {
                    let ran_on = write(&writer, move |conn| {
                        insert(conn, n)?;
                        Ok((std::thread::current().id(), depth(conn)))
                    })
                    .unwrap();
                    (std::thread::current().id(), ran_on)
                })
            })
            .collect();
        while writer.queued() < queued {
            std::thread::sleep(Duration::from_millis(5));
        }
        drop(turn);
        let results: Vec<_> = writers.into_iter().map(|w| w.join().unwrap()).collect();
        let mut writes_per_leader = std::collections::HashMap::new();
        for (_, (leader, depth)) in &results {
            assert_eq!(*depth, 2, "every write ran in a savepoint of a group");
            *writes_per_leader.entry(*leader).or_insert(0) += 1;
        }
        let mut sizes: Vec<usize> = writes_per_leader.values().copied().collect();
        sizes.sort_unstable();
        assert_eq!(sizes, vec![6, MAX_GROUP], "two groups: a full one, then the rest");
        for leader in writes_per_leader.keys() {
            assert!(
                results.iter().any(|(own, (ran_on, _))| own == leader && ran_on == leader),
                "each group was led by one of its own writers"
            );
        }
        assert_eq!(stored(&url), (0..queued as i32).collect::<Vec<_>>());
        assert!(!writer.queue().leading);
    }

    /// While the writer's turn is held elsewhere, seven writes queue; the first of them, leading,
    /// gets the turn when it is given up and commits all seven as one group, each in its savepoint: the one that fails and
    /// the one that panics are undone, the rest kept.
    #[test]
    fn queued_writes_commit_together_and_a_failed_one_is_undone_alone() {
        let (_dir, url) = fresh_database();
        let writer = Arc::new(Writer::new(&url));
        let turn = SQLITE_WRITER.lock();
        let writers: Vec<_> = (1..=7)
            .map(|n| {
                let writer = writer.clone();
                std::thread::spawn(move || {
                    write(&writer, move |conn| {
                        insert(conn, n)?;
                        match n {
                            5 => Err(ApiError::not_found("thing")),
                            6 => panic!("a write that panics, on purpose"),
                            _ => Ok(depth(conn)),
                        }
                    })
                })
            })
            .collect();
        // Every write is queued (the first, leading, waits for the turn) before it is given up.
        while writer.queued() < 7 {
            std::thread::sleep(Duration::from_millis(5));
        }
        drop(turn);
        let results: Vec<Result<u32, ApiError>> = writers.into_iter().map(|w| w.join().unwrap()).collect();
        for n in [1, 2, 3, 4, 7] {
            assert_eq!(results[n - 1].as_ref().ok(), Some(&2), "write {n} ran in a savepoint of one group");
        }
        assert_eq!(results[4].as_ref().unwrap_err().status.as_u16(), 404);
        assert_eq!(results[5].as_ref().unwrap_err().status.as_u16(), 500);
        assert_eq!(stored(&url), vec![1, 2, 3, 4, 7]);

        // Alone, a write runs in the transaction itself, and one that fails rolls it back.
        assert_eq!(write(&writer, |conn| Ok(depth(conn))).unwrap(), 1);
        let failed: Result<(), ApiError> = write(&writer, |conn| {
            insert(conn, 100)?;
            Err(ApiError::not_found("thing"))
        });
        assert!(failed.is_err());
        assert_eq!(stored(&url), vec![1, 2, 3, 4, 7]);
    }
}
