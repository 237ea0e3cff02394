//! Storage: one connection type over SQLite and PostgreSQL, the pool, embedded migrations,
//! and `run`, the one way handlers reach the database (on a blocking thread, never on a worker).
//! `write` runs a change in one transaction with its bookkeeping: the journal (`journal`, with
//! the webhook outbox) and the `Idempotency-Key` mark (`idempotency`). This layer imports only
//! `domain` and `error` (see `.ci/layers`).

mod checkpoint;
pub mod cursor;
mod fixed_sql;
mod group_commit;
pub mod idempotency;
pub mod journal;
mod one_of;
mod one_statement;
pub mod schema;
pub mod sql_types;

pub use checkpoint::Checkpointer;
pub(crate) use checkpoint::{CheckpointMode, WalCheckpoint, RESET_WAIT_MS, WAL_FILE_LIMIT};
pub(crate) use fixed_sql::fixed_sql_column;
pub use one_of::one_of;
pub use one_statement::{execute_insert, insert_one};

use std::time::Duration;

use diesel::connection::{SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::r2d2::R2D2Connection;
use diesel::result::Error as DieselError;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::error::ApiError;
use journal::{Journal, Origin};

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// The database behind a `DATABASE_URL`, decided by its scheme rather than by trial connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Result<Backend, String> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else if url.starts_with("sqlite:") || !url.contains("://") {
            Ok(Backend::Sqlite)
        } else {
            Err("expected sqlite://<path>, a file path, or postgres://…".into())
        }
    }
}

/// The file path of a SQLite URL (`sqlite://data/x.db`, `sqlite:data/x.db` or `data/x.db`).
pub fn sqlite_path(url: &str) -> &str {
    url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url)
}

#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Postgres(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

/// Runs `$body` with `$c` bound to the connection of its own backend. For what diesel offers
/// each backend but not `DbConn` itself: multi-row inserts (one statement for 500 rows instead
/// of 500 round trips to PostgreSQL); and for hot statements, which through `DbConn` have
/// their SQL written out again on every run even when cached (docs/benchmarks.md, 2026-12-10).
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConn::Postgres($c) => $body,
            $crate::db::DbConn::Sqlite($c) => $body,
        }
    };
}
pub(crate) use on_backend;

/// Rows per multi-row statement, and ids per `= ANY(…)` list: few round trips, and well under
/// SQLite's limit of bound parameters (32,766) at up to 60 columns a row.
pub const BATCH_ROWS: usize = 500;

/// Inserts `$rows` (a slice of value tuples) into `$table`, `BATCH_ROWS` rows a statement.
macro_rules! insert_batches {
    ($conn:expr, $table:expr, $rows:expr) => {
        for chunk in $rows.chunks($crate::db::BATCH_ROWS) {
            let insert = diesel::insert_into($table).values(chunk);
            $crate::db::on_backend!(&mut *$conn, |c| insert.execute(c)?);
        }
    };
}
pub(crate) use insert_batches;

/// On PostgreSQL, locks the row of `$table` with primary key `$id` until the transaction ends;
/// a missing row locks nothing. A write takes it before it reads what it is about to change, so
/// that read — the journal's `before` included — is the state the write replaces, not one a
/// concurrent writer has since replaced (READ COMMITTED reads each statement's own snapshot).
/// `FOR NO KEY UPDATE`, the lock an `UPDATE` of non-key columns takes: writers of the row wait,
/// rows inserted elsewhere that refer to it (a foreign key's `KEY SHARE`) do not.
/// SQLite's write transactions run one at a time already. Evaluates to
/// `Result<(), diesel::result::Error>`.
macro_rules! lock_row {
    ($conn:expr, $table:expr, $id:expr) => {
        match $conn {
            $crate::db::DbConn::Postgres(pg) => $table
                .find($id)
                .select(diesel::dsl::sql::<diesel::sql_types::Integer>("1"))
                .for_no_key_update()
                .execute(pg)
                .map(|_| ()),
            $crate::db::DbConn::Sqlite(_) => Ok(()),
        }
    };
}
pub(crate) use lock_row;

impl DbConn {
    pub fn establish_url(url: &str) -> Result<DbConn, diesel::ConnectionError> {
        match Backend::from_url(url).map_err(diesel::ConnectionError::InvalidConnectionUrl)? {
            Backend::Postgres => Ok(DbConn::Postgres(diesel::PgConnection::establish(url)?)),
            Backend::Sqlite => {
                let path = sqlite_path(url);
                if let Some(dir) = std::path::Path::new(path).parent() {
                    if !dir.as_os_str().is_empty() {
                        std::fs::create_dir_all(dir).map_err(|e| {
                            diesel::ConnectionError::BadConnection(format!("cannot create {}: {e}", dir.display()))
                        })?;
                    }
                }
                let mut conn = diesel::SqliteConnection::establish(path)?;
                // Per connection: enforce foreign keys, wait for the writer instead of failing at once,
                // the durability WAL mode makes safe to relax, and zero deleted content (the ballot box).
                conn.batch_execute(
                    &format!("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}; PRAGMA synchronous = NORMAL; PRAGMA secure_delete = ON;"),
                )
                .map_err(|e| diesel::ConnectionError::BadConnection(e.to_string()))?;
                Ok(DbConn::Sqlite(conn))
            }
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            DbConn::Postgres(_) => Backend::Postgres,
            DbConn::Sqlite(_) => Backend::Sqlite,
        }
    }

    pub fn run_pending_migrations(&mut self) -> Result<(), String> {
        let result = match self {
            DbConn::Postgres(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|_| ()),
            DbConn::Sqlite(c) => {
                // WAL is a property of the file: set once, before anything else writes.
                c.batch_execute("PRAGMA journal_mode = WAL;").map_err(|e| e.to_string())?;
                c.run_pending_migrations(SQLITE_MIGRATIONS).map(|_| ())
            }
        };
        result.map_err(|e| e.to_string())
    }

    pub fn revert_all_migrations(&mut self) -> Result<(), String> {
        let result = match self {
            DbConn::Postgres(c) => c.revert_all_migrations(POSTGRES_MIGRATIONS).map(|_| ()),
            DbConn::Sqlite(c) => c.revert_all_migrations(SQLITE_MIGRATIONS).map(|_| ()),
        };
        result.map_err(|e| e.to_string())
    }

    /// Reverts the latest migration applied (for tests of a migration's down and up).
    pub fn revert_last_migration(&mut self) -> Result<(), String> {
        let result = match self {
            DbConn::Postgres(c) => c.revert_last_migration(POSTGRES_MIGRATIONS).map(|_| ()),
            DbConn::Sqlite(c) => c.revert_last_migration(SQLITE_MIGRATIONS).map(|_| ()),
        };
        result.map_err(|e| e.to_string())
    }

    /// A write transaction. On SQLite it starts with `BEGIN IMMEDIATE`, taking the write lock up
    /// front: a deferred transaction that reads and then writes can fail with SQLITE_BUSY when
    /// another writer got there first, and the busy timeout does not help in that case.
    pub fn write_tx<T, E, F>(&mut self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E>,
        E: From<DieselError>,
    {
        type Ansi = diesel::connection::AnsiTransactionManager;
        type Multi = <DbConn as Connection>::TransactionManager;
        let outermost = Multi::transaction_manager_status_mut(self).transaction_depth()?.is_none();
        // SQLite has one writer at a time; writers that find the lock taken wait in SQLite's busy
        // handler, which sleeps in growing steps (up to 100 ms) and lets late comers overtake, so
        // under a burst of writes a few wait for a second or more. Queueing them here first, on a
        // lock that wakes the next waiter at once, keeps the wait to the writes ahead of them.
        let _writer = match self {
            DbConn::Sqlite(_) if outermost => Some(SQLITE_WRITER.lock()),
            _ => None,
        };
        match self {
            DbConn::Sqlite(c) if outermost => Ansi::begin_transaction_sql(c, "BEGIN IMMEDIATE")?,
            // PostgreSQL, or nested: diesel's own (a savepoint when nested).
            _ => Multi::begin_transaction(self)?,
        }
        let result = f(self);
        match result {
            Ok(value) => {
                Multi::commit_transaction(self)?;
                Ok(value)
            }
            Err(e) => {
                // The original error is the one worth reporting; a failed rollback leaves the
                // transaction manager marked broken and the pool discards the connection.
                let _ = Multi::rollback_transaction(self);
                Err(e)
            }
        }
    }
}

/// The writers of this process's SQLite databases, one at a time and first come, first served
/// (see `DbConn::write_tx`). One queue for every file: a process serves one database; tests that
/// open many only queue a little.
static SQLITE_WRITER: WriterQueue = WriterQueue::new();

/// A FIFO lock (a ticket lock): each writer takes a number and waits for its turn. A plain mutex
/// lets the thread that just released it take it again before the woken waiter runs, so under a
/// steady stream of writes one waiter can lose many times in a row — the tail that remained
/// after queueing writers in-process (p99 ≈ 100 ms at 8 connections).
struct WriterQueue {
    turns: std::sync::Mutex<(u64, u64)>,
    changed: std::sync::Condvar,
}

struct WriterTurn(&'static WriterQueue);

impl WriterQueue {
    const fn new() -> WriterQueue {
        WriterQueue { turns: std::sync::Mutex::new((0, 0)), changed: std::sync::Condvar::new() }
    }

    fn lock(&'static self) -> WriterTurn {
        let mut turns = self.turns.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mine = turns.0;
        turns.0 += 1;
        while turns.1 != mine {
            turns = self.changed.wait(turns).unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        WriterTurn(self)
    }
}

impl Drop for WriterTurn {
    fn drop(&mut self) {
        let mut turns = self.0.turns.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        turns.1 += 1;
        drop(turns);
        self.0.changed.notify_all();
    }
}

/// How long a SQLite connection waits for a lock (another writer, a checkpoint) before failing.
pub(crate) const SQLITE_BUSY_TIMEOUT_MS: u32 = 5000;

/// Serialises transactions that check-then-write the same thing on PostgreSQL (where READ
/// COMMITTED would let two of them pass the same check): each takes a transaction-scoped
/// advisory lock on `name`. On SQLite, write transactions are serial already.
pub fn lock_for_transaction(conn: &mut DbConn, name: &str) -> Result<(), DieselError> {
    if let DbConn::Postgres(pg) = conn {
        diesel::select(in_turn_for(name)).execute(pg)?;
    }
    Ok(())
}

/// The condition "this transaction holds the advisory lock on `name`" (the lock
/// `lock_for_transaction` takes), for a statement's `WHERE`: an uncorrelated subquery, so
/// PostgreSQL takes the lock once, before the statement reads any row, and waiters are served
/// first come, first served. PostgreSQL only.
pub fn in_turn_for(name: &str) -> InTurn {
    diesel::dsl::sql::<diesel::sql_types::Bool>("(SELECT pg_advisory_xact_lock(hashtext(")
        .bind::<diesel::sql_types::Text, _>(name.to_owned())
        .sql("))) IS NOT NULL")
}

pub type InTurn = diesel::expression::SqlLiteral<
    diesel::sql_types::Bool,
    diesel::expression::UncheckedBind<
        diesel::expression::SqlLiteral<diesel::sql_types::Bool>,
        <String as diesel::expression::AsExpression<diesel::sql_types::Text>>::Expression,
    >,
>;

/// For the rest of the transaction, PostgreSQL plans each statement for its own values instead
/// of reusing a cached generic plan. For bulk writes (a dossier's thousands of lines): a plan
/// cached while a table was nearly empty (a new installation's first round) reads it by
/// sequential scan, once per row, long after the table has grown. No-op on SQLite.
pub fn plan_each_statement(conn: &mut DbConn) -> Result<(), DieselError> {
    if let DbConn::Postgres(pg) = conn {
        diesel::sql_query("SET LOCAL plan_cache_mode = force_custom_plan").execute(pg)?;
    }
    Ok(())
}

/// A pooled connection, with a flag set when the server went away underneath it, so the pool
/// drops it instead of handing it out again (diesel's own check only sees broken transactions),
/// and when it was last used.
pub struct PooledDb {
    pub conn: DbConn,
    lost: bool,
    /// `None` until first used: a connection the pool opened in the background may have waited
    /// idle (and lost its server) before any request took it.
    last_used: Option<std::time::Instant>,
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
fn open_for_pool(url: &str) -> Result<DbConn, diesel::ConnectionError> {
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
    sqlite_writer: Option<std::sync::Arc<group_commit::Writer>>,
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
fn checkout(pool: &DbPool, check_all: bool) -> Result<Pooled, ApiError> {
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
fn after_failure(pooled: &mut Pooled, err: &ApiError) -> bool {
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

/// Now, as stored: naive UTC with microsecond precision (what both backends keep).
pub fn now() -> chrono::NaiveDateTime {
    let now = chrono::Utc::now().naive_utc();
    use chrono::{DurationRound, TimeDelta};
    now.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(now)
}

/// `now`, as a row reads it back (`sql_types::UtcTimestamp`).
pub fn now_utc() -> chrono::DateTime<chrono::Utc> {
    now().and_utc()
}

/// A fresh time-ordered id, stored as text on both backends.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

#[cfg(test)]
/// SQLite in memory, and PostgreSQL when the suite has one (`THIDUA_TEST_DATABASE_URL`).
pub(crate) fn test_connections() -> Vec<DbConn> {
    let mut found = vec![DbConn::establish_url(":memory:").expect("sqlite in memory")];
    if let Ok(url) = std::env::var("THIDUA_TEST_DATABASE_URL") {
        match DbConn::establish_url(&url) {
            Ok(conn) => found.push(conn),
            Err(e) if std::env::var("THIDUA_REQUIRE_POSTGRES").is_ok() => panic!("postgres: {e}"),
            Err(_) => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use diesel::connection::Connection;
    use diesel::prelude::*;

    #[derive(QueryableByName)]
    struct CompileOption {
        #[diesel(sql_type = diesel::sql_types::Text)]
        compile_options: String,
    }

    /// `.cargo/config.toml` builds the bundled SQLite with the query planner stability
    /// guarantee (without it every statement with a bound LIMIT is re-planned on each run), and
    /// in multi-thread mode (no mutex per call on a connection only one thread uses at a time),
    /// each connection with a page cache of its own.
    #[test]
    fn the_bundled_sqlite_plans_a_statement_once_and_takes_no_connection_mutex() {
        let mut conn = diesel::SqliteConnection::establish(":memory:").unwrap();
        let options: Vec<CompileOption> = diesel::sql_query("PRAGMA compile_options").load(&mut conn).unwrap();
        let has = |option: &str| options.iter().any(|o| o.compile_options == option);
        assert!(
            has("ENABLE_QPSG"),
            "SQLite was built without SQLITE_ENABLE_QPSG (LIBSQLITE3_FLAGS in .cargo/config.toml)"
        );
        assert!(
            has("THREADSAFE=2"),
            "SQLite was not built in multi-thread mode (LIBSQLITE3_FLAGS in .cargo/config.toml)"
        );
        assert!(!has("ENABLE_MEMORY_MANAGEMENT"), "connections would share one page cache behind a mutex");
    }
}
