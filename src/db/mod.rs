//! Storage: one connection type over SQLite and PostgreSQL, the pool, embedded migrations,
//! and `run`, the one way handlers reach the database (on a blocking thread, never on a worker).

pub mod cursor;
pub mod schema;

use std::time::Duration;

use diesel::connection::{SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::r2d2::R2D2Connection;
use diesel::result::Error as DieselError;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::error::ApiError;

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
    url.strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url)
}

#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Postgres(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

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
                    "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL; PRAGMA secure_delete = ON;",
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
            DbConn::Sqlite(_) if outermost => Some(SQLITE_WRITER.lock().unwrap_or_else(std::sync::PoisonError::into_inner)),
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

/// The writers of this process's SQLite databases, one at a time (see `DbConn::write_tx`). One
/// lock for every file: a process serves one database; tests that open many only queue a little.
static SQLITE_WRITER: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Serialises transactions that check-then-write the same thing on PostgreSQL (where READ
/// COMMITTED would let two of them pass the same check): each takes a transaction-scoped
/// advisory lock on `name`. On SQLite, write transactions are serial already.
pub fn lock_for_transaction(conn: &mut DbConn, name: &str) -> Result<(), DieselError> {
    if let DbConn::Postgres(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext($1))")
            .bind::<diesel::sql_types::Text, _>(name)
            .execute(pg)?;
    }
    Ok(())
}

/// A pooled connection, with a flag set when the server went away underneath it, so the pool
/// drops it instead of handing it out again (diesel's own check only sees broken transactions).
pub struct PooledDb {
    pub conn: DbConn,
    lost: bool,
}

pub struct ConnectionManager {
    url: String,
}

impl r2d2::ManageConnection for ConnectionManager {
    type Connection = PooledDb;
    type Error = diesel::ConnectionError;

    fn connect(&self) -> Result<PooledDb, Self::Error> {
        Ok(PooledDb { conn: DbConn::establish_url(&self.url)?, lost: false })
    }

    fn is_valid(&self, conn: &mut PooledDb) -> Result<(), Self::Error> {
        conn.conn.ping().map_err(|e| diesel::ConnectionError::BadConnection(e.to_string()))
    }

    fn has_broken(&self, conn: &mut PooledDb) -> bool {
        conn.lost || std::thread::panicking() || conn.conn.is_broken()
    }
}

pub type DbPool = r2d2::Pool<ConnectionManager>;

/// Builds the pool without connecting yet: connections are made on demand, so a database that
/// is down at the moment answers 503 and the pool recovers by itself when it is back.
pub fn build_pool(url: &str, size: u32, timeout: Duration) -> DbPool {
    r2d2::Pool::builder()
        .max_size(size)
        .min_idle(Some(1.min(size)))
        .connection_timeout(timeout)
        // Checking every checkout costs a round trip per request; lost connections are caught
        // by `PooledDb::lost` instead.
        .test_on_check_out(false)
        .build_unchecked(ConnectionManager { url: url.to_string() })
}

/// Runs `f` with a pooled connection on the blocking thread pool.
pub async fn run<T, F>(pool: &DbPool, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    actix_web::web::block(move || {
        let mut pooled = pool.get().map_err(ApiError::from)?;
        let result = f(&mut pooled.conn);
        if let Err(err) = &result {
            if err.may_mean_connection_lost() && pooled.conn.ping().is_err() {
                pooled.lost = true;
                return Err(ApiError::database_unavailable());
            }
        }
        result
    })
    .await
    .map_err(|e| ApiError::internal(anyhow::anyhow!("blocking task failed: {e}")))?
}

/// Runs a write on the blocking pool in one transaction, with a journal the closure notes its
/// changes in; the journal is appended last, in the same transaction, so a change and its audit
/// entry and feed event commit together or not at all.
pub async fn write<T, F>(pool: &DbPool, origin: crate::models::journal::Origin, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut DbConn, &mut crate::models::journal::Journal) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    run(pool, move |conn| {
        conn.write_tx(|conn| {
            let mut journal = crate::models::journal::Journal::default();
            let value = f(conn, &mut journal)?;
            crate::models::journal::append(conn, &origin, journal)?;
            Ok(value)
        })
    })
    .await
}

/// Now, as stored: naive UTC with microsecond precision (what both backends keep).
pub fn now() -> chrono::NaiveDateTime {
    let now = chrono::Utc::now().naive_utc();
    use chrono::{DurationRound, TimeDelta};
    now.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(now)
}

/// A fresh time-ordered id, stored as text on both backends.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
