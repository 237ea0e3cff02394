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
mod pool;
pub mod schema;
pub mod sql_types;

pub use checkpoint::Checkpointer;
pub(crate) use checkpoint::{CheckpointMode, WalCheckpoint, RESET_WAIT_MS, WAL_FILE_LIMIT};
pub(crate) use fixed_sql::fixed_sql_column;
pub use one_of::one_of;
pub use one_statement::{execute_insert, insert_one};
pub(crate) use pool::open_for_pool;
pub use pool::{build_pool, run, write, ConnectionManager, DbPool, PooledDb, POOL_WAITING};

use diesel::connection::{SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::result::Error as DieselError;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

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
