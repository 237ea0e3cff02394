//! SQLite's write-ahead log, checkpointed in the background (`Checkpointer`), and the
//! checkpoint modes other writers run (`WalCheckpoint`).

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::result::Error as DieselError;

use super::{Backend, DbConn, SQLITE_WRITER};

/// Checkpoints a SQLite database's write-ahead log in the background, so no request pays for it.
/// SQLite's automatic checkpoint (every 1,000 pages) runs inside whichever commit crosses the
/// mark and copies the log into the database file with two fsyncs: on a shared disk that commit,
/// and every writer queued behind it, waits tens to hundreds of milliseconds. Connections of a
/// serving process turn it off (`PRAGMA wal_autocheckpoint = 0`, see `ConnectionManager`) and
/// this thread runs a PASSIVE checkpoint (never waits for writers or readers) every 200 ms.
///
/// A PASSIVE checkpoint copies the log's pages into the database but never starts the log
/// again: SQLite does that when a writer begins after a checkpoint that copied *every* frame,
/// and under a steady stream of writes frames keep arriving while it copies, so the log only
/// grew (3.3 GB after 20 s of creates, every page read searching a longer index of it). When
/// the log passes `WAL_RESET_FRAMES`, the thread runs a second PASSIVE (for what arrived during
/// the first), takes the writers' turn (`SQLITE_WRITER`, so no write of this process starts
/// meanwhile) and runs a RESTART checkpoint: it copies what is left, syncs, waits at most
/// `RESET_WAIT_MS` for readers of older snapshots, and the next write starts the log over,
/// cutting the file back to `WAL_FILE_LIMIT` if it grew past it. Writers wait for that copy and
/// sync once per `WAL_RESET_FRAMES` (2–3 ms on this project's test machine; as long as a
/// commit's sync, plus that wait for readers, on a slow disk).
/// It stops when the returned handle is dropped.
pub struct Checkpointer {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

/// 32 MiB of 4 KiB pages.
const WAL_RESET_FRAMES: i64 = 8192;
/// What the log's file is cut back to when it starts over (`journal_size_limit`): twice the
/// length at which it is started over, so a file that reached it is reused, not regrown.
pub(crate) const WAL_FILE_LIMIT: i64 = 2 * WAL_RESET_FRAMES * 4096;
/// The busy timeout of the checkpointer's connection: how long a reset waits for readers while
/// holding the writers' turn; busy after that, it tries again at the next round.
pub(crate) const RESET_WAIT_MS: u32 = 100;

/// The part of `PRAGMA wal_checkpoint`'s answer used here: whether it was blocked, and the
/// log's length in frames.
#[derive(diesel::QueryableByName)]
pub(crate) struct WalCheckpoint {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub busy: i32,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub log: i32,
}

/// How a checkpoint treats writers and readers (SQLite's modes of the same names).
#[derive(Clone, Copy)]
pub(crate) enum CheckpointMode {
    Passive,
    Restart,
    Truncate,
}

impl WalCheckpoint {
    pub(crate) fn run(conn: &mut diesel::SqliteConnection, mode: CheckpointMode) -> Result<WalCheckpoint, DieselError> {
        let mode = match mode {
            CheckpointMode::Passive => "PASSIVE",
            CheckpointMode::Restart => "RESTART",
            CheckpointMode::Truncate => "TRUNCATE",
        };
        diesel::sql_query(format!("PRAGMA wal_checkpoint({mode})")).get_result(conn)
    }

    /// A checkpoint that waits for writers (RESTART, TRUNCATE) run in the writers' turn: this
    /// process's writes queue behind it in order rather than retry in SQLite's busy handler,
    /// and it never waits for one of them. Give `conn` a short busy timeout: the turn is held
    /// while it waits for readers.
    pub(crate) fn run_holding_writers(
        conn: &mut diesel::SqliteConnection,
        mode: CheckpointMode,
    ) -> Result<WalCheckpoint, DieselError> {
        let _turn = SQLITE_WRITER.lock();
        WalCheckpoint::run(conn, mode)
    }
}

impl Checkpointer {
    pub fn start(url: &str) -> Option<Checkpointer> {
        Checkpointer::start_with(url, Duration::from_millis(200), WAL_RESET_FRAMES)
    }

    fn start_with(url: &str, every: Duration, reset_frames: i64) -> Option<Checkpointer> {
        if Backend::from_url(url).ok()? != Backend::Sqlite {
            return None;
        }
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (url, stopped) = (url.to_string(), stop.clone());
        std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || {
                let mut conn: Option<diesel::SqliteConnection> = None;
                let mut reset = LogReset { frames: reset_frames, above: reset_frames, restarted_at: None };
                while !stopped.load(std::sync::atomic::Ordering::Relaxed) {
                    std::thread::sleep(every);
                    if conn.is_none() {
                        conn = match DbConn::establish_url(&url) {
                            Ok(DbConn::Sqlite(mut c)) => {
                                c.batch_execute(&format!("PRAGMA busy_timeout = {RESET_WAIT_MS};")).ok().map(|()| c)
                            }
                            Ok(DbConn::Postgres(_)) => None,
                            Err(e) => {
                                tracing::warn!(error = %e, "the checkpointer cannot open the database");
                                None
                            }
                        };
                    }
                    if let Some(c) = conn.as_mut() {
                        if let Err(e) = checkpoint(c, &mut reset) {
                            tracing::warn!(error = %e, "background checkpoint failed");
                            conn = None;
                        }
                    }
                }
            })
            .ok()?;
        Some(Checkpointer { stop })
    }
}

/// When the checkpointer starts the log over.
struct LogReset {
    /// The length, in frames, past which it does.
    frames: i64,
    /// Past which it tries next: `frames`, or more after a try that readers held up (a long
    /// report): each try holds the writers back for up to `RESET_WAIT_MS`.
    above: i64,
    /// The log's length at the last restart: SQLite reports it until the next write starts the
    /// log over, and a quiet database must not be restarted again every round.
    restarted_at: Option<i32>,
}

/// One round of the checkpointer: PASSIVE, and a restart of the log once it is long.
fn checkpoint(conn: &mut diesel::SqliteConnection, reset: &mut LogReset) -> Result<(), DieselError> {
    let passive = WalCheckpoint::run(conn, CheckpointMode::Passive)?;
    if i64::from(passive.log) <= reset.above || reset.restarted_at == Some(passive.log) {
        return Ok(());
    }
    // Once more outside the turn: it copies what arrived during the first, so the restart
    // below, which writers wait for, has only the last moment's frames left to copy.
    WalCheckpoint::run(conn, CheckpointMode::Passive)?;
    let started = std::time::Instant::now();
    let restart = WalCheckpoint::run_holding_writers(conn, CheckpointMode::Restart)?;
    tracing::debug!(
        frames = restart.log,
        busy = restart.busy,
        took_us = started.elapsed().as_micros() as u64,
        "write-ahead log restarted"
    );
    if restart.busy == 0 {
        (reset.above, reset.restarted_at) = (reset.frames, Some(restart.log));
    } else {
        reset.above = i64::from(restart.log) + reset.frames;
    }
    Ok(())
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    /// Under a steady stream of writes (each taking the writers' turn, as every commit of a
    /// serving process does) a PASSIVE checkpoint never lets SQLite start the log again; the
    /// checkpointer resets it once it passes its length.
    #[test]
    fn the_write_ahead_log_stays_short_under_a_steady_stream_of_writes() {
        use super::Checkpointer;
        use crate::db::{DbConn, SQLITE_WRITER};
        use diesel::connection::SimpleConnection;
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/steady.db", dir.path().display());
        let DbConn::Sqlite(mut writer) = crate::db::open_for_pool(&url).unwrap() else { unreachable!() };
        writer
            .batch_execute("PRAGMA journal_mode = WAL; CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB NOT NULL);")
            .unwrap();
        let reset_frames = 64;
        let checkpointer = Checkpointer::start_with(&url, std::time::Duration::from_millis(20), reset_frames);
        let started = std::time::Instant::now();
        let mut writes = 0u64;
        while started.elapsed() < std::time::Duration::from_millis(1500) {
            let _turn = SQLITE_WRITER.lock();
            // A row of most of a page: about one frame a write.
            writer.batch_execute("INSERT INTO t (body) VALUES (randomblob(3000));").unwrap();
            writes += 1;
        }
        drop(checkpointer);
        let log_bytes = std::fs::metadata(dir.path().join("steady.db-wal")).map(|m| m.len()).unwrap_or(0);
        let written_bytes = writes * 4096;
        assert!(writes > 20 * reset_frames as u64, "too few writes to show anything: {writes}");
        // Without the restart the log outgrows what was written (about three times); with it,
        // the file is as long as the longest stretch between two restarts. Half leaves room for
        // the checkpoint thread being starved for a while when the whole suite shares two
        // cores (a third was seen once in CI), and still fails without the restart.
        assert!(
            log_bytes < written_bytes / 2,
            "the log kept {log_bytes} bytes of the {written_bytes} written in {writes} writes"
        );
    }
}
