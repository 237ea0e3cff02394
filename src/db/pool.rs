//! The connection pool, and running a request's reads (`run`) and journaled writes (`write`)
//! on it, on the blocking thread pool: a dead connection is dropped and replaced, and a write
//! whose transaction could not even begin is tried once more.

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::R2D2Connection;

use super::journal::{self, Journal, Origin};
use super::{group_commit, idempotency, Backend, DbConn, WAL_FILE_LIMIT};
use crate::error::ApiError;

/// A pooled connection, with a flag set when the server went away underneath it, so the pool
/// drops it instead of handing it out again (diesel's own check only sees broken transactions),
/// and when it was last used.
pub struct PooledDb {
    pub conn: DbConn,
    lost: bool,
    /// `None` until first used: a connection the pool opened in the background may have waited
    /// idle (and lost its server) before any request took it.
    pub(super) last_used: Option<std::time::Instant>,
}

impl PooledDb {
    /// A PostgreSQL connection idle for a while may have lost its server meanwhile (a restart, an
    /// administrator terminating backends): worth one round trip to find out before using it.
    /// Busy connections skip the check; SQLite connections cannot lose their file.
    fn worth_checking(&self) -> bool {
        matches!(self.conn, DbConn::Postgres(_)) && self.last_used.is_none_or(|at| at.elapsed() >= IDLE_CHECK_AFTER)
    }
}

/// How long a pooled PostgreSQL connection may idle before it is checked when taken out.
const IDLE_CHECK_AFTER: Duration = Duration::from_secs(1);

/// A connection as a serving process uses it (pooled, or SQLite's writer connection).
pub(crate) fn open_for_pool(url: &str) -> Result<DbConn, diesel::ConnectionError> {
    let mut conn = DbConn::establish_url(url)?;
    if let DbConn::Sqlite(c) = &mut conn {
        // Checkpoints run in the background (`Checkpointer`), not in a request's commit.
        c.batch_execute(&format!("PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = {WAL_FILE_LIMIT};"))
            .map_err(|e| diesel::ConnectionError::BadConnection(e.to_string()))?;
    }
    Ok(conn)
}

pub struct ConnectionManager {
    url: String,
}

impl r2d2::ManageConnection for ConnectionManager {
    type Connection = PooledDb;
    type Error = diesel::ConnectionError;

    fn connect(&self) -> Result<PooledDb, Self::Error> {
        Ok(PooledDb { conn: open_for_pool(&self.url)?, lost: false, last_used: None })
    }

    fn is_valid(&self, conn: &mut PooledDb) -> Result<(), Self::Error> {
        conn.conn.ping().map_err(|e| diesel::ConnectionError::BadConnection(e.to_string()))
    }

    fn has_broken(&self, conn: &mut PooledDb) -> bool {
        conn.lost || std::thread::panicking() || conn.conn.is_broken()
    }
}

/// The database's connections: the pool, and on SQLite the writer that journaled writes
/// commit on (`group_commit`). Dereferences to the pool.
#[derive(Clone)]
pub struct DbPool {
    pool: r2d2::Pool<ConnectionManager>,
    pub(super) sqlite_writer: Option<std::sync::Arc<group_commit::Writer>>,
}

impl std::ops::Deref for DbPool {
    type Target = r2d2::Pool<ConnectionManager>;
    fn deref(&self) -> &Self::Target {
        &self.pool
    }
}

type Pooled = r2d2::PooledConnection<ConnectionManager>;

/// Builds the pool without connecting yet: connections are made on demand, so a database that
/// is down at the moment answers 503 and the pool recovers by itself when it is back.
pub fn build_pool(url: &str, size: u32, timeout: Duration) -> DbPool {
    let pool = r2d2::Pool::builder()
        .max_size(size)
        .min_idle(Some(1.min(size)))
        .connection_timeout(timeout)
        // Checking every checkout costs a round trip per request; connections idle for a while
        // are checked in `checkout`, and lost ones are caught by `PooledDb::lost`.
        .test_on_check_out(false)
        .build_unchecked(ConnectionManager { url: url.into() });
    let sqlite_writer =
        (Backend::from_url(url) == Ok(Backend::Sqlite)).then(|| std::sync::Arc::new(group_commit::Writer::new(url)));
    DbPool { pool, sqlite_writer }
}

/// Requests of this process waiting for a pooled connection now (for the metrics).
pub static POOL_WAITING: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// A connection from the pool. One that idled long enough to have lost its server (or any, with
/// `check_all`, once one was found dead) is checked first; a dead one is dropped and the next
/// taken (new connections need no check), so the requests after a database restart do not each
/// meet a dead connection.
pub(super) fn checkout(pool: &DbPool, check_all: bool) -> Result<Pooled, ApiError> {
    for _ in 0..=pool.max_size() {
        POOL_WAITING.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let got = pool.get();
        POOL_WAITING.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
        let mut pooled = got.map_err(ApiError::from)?;
        let worth_checking = pooled.worth_checking() || (check_all && matches!(pooled.conn, DbConn::Postgres(_)));
        if !worth_checking || pooled.conn.ping().is_ok() {
            return Ok(pooled);
        }
        pooled.lost = true;
    }
    Err(ApiError::database_unavailable())
}

/// After `f` failed on `pooled`: when the failure may mean the server went away and the
/// connection no longer answers, the connection is dropped from the pool and the request gets
/// 503 (with `Retry-After`) instead of 500.
pub(super) fn after_failure(pooled: &mut Pooled, err: &ApiError) -> bool {
    if err.may_mean_connection_lost() && pooled.conn.ping().is_err() {
        pooled.lost = true;
        return true;
    }
    false
}

/// Runs `f` with a pooled connection on the blocking thread pool.
pub async fn run<T, F>(pool: &DbPool, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    actix_web::web::block(move || {
        let mut pooled = checkout(&pool, false)?;
        let result = f(&mut pooled.conn);
        pooled.last_used = Some(std::time::Instant::now());
        match result {
            Err(err) if after_failure(&mut pooled, &err) => Err(ApiError::database_unavailable()),
            result => result,
        }
    })
    .await
    .map_err(|e| ApiError::internal(anyhow::anyhow!("blocking task failed: {e}")))?
}

/// Runs a write on the blocking pool in one transaction, with a journal the closure notes its
/// changes in; the journal is appended last, in the same transaction, so a change and its audit
/// entry and feed event commit together or not at all.
///
/// When the request holds an `Idempotency-Key` (`origin.idempotency`), the key is marked
/// committed in the same transaction: a retry of a request whose write committed is never run
/// again, whatever happens between the commit and the storing of its answer.
///
/// A connection found dead when the transaction begins (nothing has run on it) is dropped and
/// the write tried once more on another.
pub async fn write<T, F>(pool: &DbPool, origin: Origin, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut DbConn, &mut Journal) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    actix_web::web::block(move || {
        let mut f = Some(f);
        let mut tries = 0;
        loop {
            tries += 1;
            // The second try checks every connection it is given: the first found one dead,
            // and its idle neighbours are likely dead too.
            if let Some(writer) = &pool.sqlite_writer {
                // Committed with the other writes queued for SQLite's one writer, on its own
                // connection: no pooled connection is held while waiting.
                let (f, hold) = (f.take().expect("the transaction body runs once"), origin.idempotency.clone());
                let value = group_commit::write(writer, move |conn| journaled(conn, &origin, f))?;
                if let Some(hold) = hold {
                    fault::after_commit(&hold.id.key);
                }
                return Ok(value);
            }
            let mut pooled = checkout(&pool, tries > 1)?;
            let result = pooled
                .conn
                .write_tx(|conn| journaled(conn, &origin, f.take().expect("the transaction body runs once")));
            pooled.last_used = Some(std::time::Instant::now());
            match result {
                Ok(value) => {
                    if let Some(hold) = &origin.idempotency {
                        fault::after_commit(&hold.id.key);
                    }
                    return Ok(value);
                }
                Err(err) if after_failure(&mut pooled, &err) => {
                    // The body never ran: the transaction could not even begin.
                    if f.is_some() && tries < 2 {
                        continue;
                    }
                    return Err(ApiError::database_unavailable());
                }
                Err(err) => return Err(err),
            }
        }
    })
    .await
    .map_err(|e| ApiError::internal(anyhow::anyhow!("blocking task failed: {e}")))?
}

/// A write's body with its bookkeeping, inside its transaction: the change, then the
/// `Idempotency-Key` mark and the journal.
fn journaled<T>(
    conn: &mut DbConn,
    origin: &Origin,
    f: impl FnOnce(&mut DbConn, &mut Journal) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let mut journal = Journal::default();
    let value = f(conn, &mut journal)?;
    if let Some(hold) = &origin.idempotency {
        idempotency::mark_committed(conn, hold, &journal.records())?;
    }
    journal::append(conn, origin, journal)?;
    Ok(value)
}

/// Fault injection for tests of the write path, and nothing else: with
/// `THIDUA_TEST_KILL_AFTER_COMMIT=<prefix>` set, the process kills itself with SIGKILL right
/// after committing a write made under an `Idempotency-Key` that starts with `<prefix>`: after
/// the commit, before the answer is stored or sent. Never set it in production.
mod fault {
    use std::sync::OnceLock;

    static PREFIX: OnceLock<Option<String>> = OnceLock::new();

    pub fn after_commit(key: &str) {
        let prefix =
            PREFIX.get_or_init(|| std::env::var("THIDUA_TEST_KILL_AFTER_COMMIT").ok().filter(|p| !p.is_empty()));
        if let Some(prefix) = prefix {
            if key.starts_with(prefix.as_str()) {
                tracing::warn!(key, "THIDUA_TEST_KILL_AFTER_COMMIT: killing this process after the commit");
                let _ = std::process::Command::new("kill").arg("-9").arg(std::process::id().to_string()).status();
                std::process::abort();
            }
        }
    }
}
