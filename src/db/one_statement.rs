//! Creates sent to PostgreSQL as one statement: a one-row `INSERT`, its journal entry and the
//! entry's webhook deliveries, committed on their own without a transaction around them
//! (docs/journal.md, "A create in one statement"). On SQLite, under an `Idempotency-Key`, or
//! with other than exactly one entry, the same insert runs through `db::write`.

use diesel::prelude::*;
use diesel::query_builder::{QueryFragment, QueryId};

use super::journal::{EntryValues, Journal, Origin};
use super::pool::{after_failure, checkout};
use super::schema::journal;
use super::{on_backend, DbConn, DbPool};
use crate::domain::ids::DeliveryId;
use crate::domain::webhooks::DeliveryStatus;
use crate::error::ApiError;

/// A write that is one `INSERT` of values known before it runs, and its one journal entry.
/// `prepare` notes the entry and returns the insert (without `RETURNING`; it inserts one row,
/// or none when a condition written into it fails) with the answer; `explain` says why no row
/// went in.
///
/// On PostgreSQL, for a request without an `Idempotency-Key`, the insert, its entry and the
/// entry's webhook deliveries go as one statement that commits on its own
/// (`InsertWithEntry`): one round trip instead of a transaction's four. Otherwise (SQLite's
/// group commit, a key to mark, other than exactly one entry) it runs as `write` does. A connection
/// found lost when the statement fails (dead before it was sent, or lost on the way) is dropped,
/// and on a fresh one the statement is sent again unless its journal entry shows it committed:
/// its record's id is chosen here, so a second send can never make a second record.
pub async fn insert_one<S, T, P, E>(pool: &DbPool, origin: Origin, prepare: P, explain: E) -> Result<T, ApiError>
where
    P: FnOnce(&mut Journal) -> Result<(S, T), ApiError> + Send + 'static,
    E: Fn(&mut DbConn) -> ApiError + Send + 'static,
    S: diesel::query_builder::QueryFragment<diesel::pg::Pg>
        + diesel::query_builder::QueryFragment<diesel::sqlite::Sqlite>
        + diesel::query_builder::QueryId
        + Send
        + 'static,
    T: Send + 'static,
{
    let mut journal = Journal::default();
    let (insert, value) = prepare(&mut journal)?;
    // The pool has a SQLite writer exactly when the database is SQLite.
    let one_statement = pool.sqlite_writer.is_none() && origin.idempotency.is_none();
    let parts = if one_statement { InsertWithEntry::new(insert, &origin, journal) } else { Err((insert, journal)) };
    let statement = match parts {
        Ok(statement) => statement,
        Err((insert, journal)) => {
            return super::write(pool, origin, move |conn, noted| {
                *noted = journal;
                execute_insert(conn, insert, explain).map(|()| value)
            })
            .await
        }
    };
    let pool = pool.clone();
    actix_web::web::block(move || {
        let mut tries = 0;
        loop {
            tries += 1;
            let mut pooled = checkout(&pool, tries > 1)?;
            let DbConn::Postgres(pg) = &mut pooled.conn else {
                return Err(ApiError::internal(anyhow::anyhow!("a PostgreSQL pool gave another connection")));
            };
            // After a lost connection: the statement carries its record's id, so its entry
            // tells whether it committed, and sending it again cannot make a second record.
            let appended = match tries {
                1 => (&statement).get_result::<i64>(pg).optional(),
                _ => match statement.committed(pg) {
                    Ok(true) => return Ok(value),
                    Ok(false) => (&statement).get_result::<i64>(pg).optional(),
                    Err(e) => Err(e),
                },
            };
            // Used just now: the next request on it needs no check (`worth_checking`).
            pooled.last_used = Some(std::time::Instant::now());
            let result = match appended.map_err(ApiError::from) {
                Ok(Some(_)) => return Ok(value),
                Ok(None) => Err(explain(&mut pooled.conn)),
                Err(err) => Err(err),
            };
            match result {
                Err(err) if after_failure(&mut pooled, &err) => {
                    if tries < 2 {
                        continue;
                    }
                    return Err(ApiError::database_unavailable());
                }
                result => return result,
            }
        }
    })
    .await
    .map_err(|e| ApiError::internal(anyhow::anyhow!("blocking task failed: {e}")))?
}

/// Runs `insert`, one row that a condition written into it may keep out; when none went in,
/// `explain` says why.
pub fn execute_insert<S>(
    conn: &mut DbConn,
    insert: S,
    explain: impl FnOnce(&mut DbConn) -> ApiError,
) -> Result<(), ApiError>
where
    S: QueryFragment<diesel::pg::Pg> + QueryFragment<diesel::sqlite::Sqlite> + QueryId,
{
    let inserted = on_backend!(&mut *conn, |c| diesel::query_dsl::methods::ExecuteDsl::execute(insert, c)?);
    if inserted == 0 {
        return Err(explain(conn));
    }
    Ok(())
}

/// On PostgreSQL, a write that is one `INSERT` and one journal entry, sent as one statement
/// that commits on its own (see `db::insert_one`): the insert, then the entry for the row it
/// inserted (none when it inserted none), then the entry's webhook deliveries. One round trip
/// where a transaction takes four (`BEGIN`, the insert, the journal, `COMMIT`); the same rows
/// as `append` writes, all or none.
///
/// The deliveries are chosen in SQL, by the rule of `domain::webhooks::matches` (no filters,
/// an exact type, or `<kind>.*`), which `append` applies in Rust; the webhook tests run on
/// both backends and so check one against the other. Their ids: the first 28 characters of a
/// fresh `DeliveryId` (its time and its counter, which orders ids within a process) and the
/// delivery's index for the last 8 (the random part): unique, one event's deliveries going to
/// different subscriptions. Ids are taken before the pool wait, so two concurrent creates'
/// deliveries may list in the other order than their positions (the log is by id; docs/webhooks.md
/// promises no order).
#[derive(diesel::query_builder::QueryId)]
pub struct InsertWithEntry<S> {
    insert: S,
    entry: EntryValues,
    first_delivery: String,
    now: chrono::NaiveDateTime,
}

impl<S> InsertWithEntry<S> {
    /// `insert`: an `INSERT` of one row without `RETURNING`. Given back, with `journal`,
    /// unless `journal` holds exactly one change.
    pub fn new(insert: S, origin: &Origin, journal: Journal) -> Result<Self, (S, Journal)> {
        match EntryValues::single(origin, journal) {
            Ok(entry) => Ok(InsertWithEntry {
                insert,
                now: entry.occurred_at,
                entry,
                first_delivery: DeliveryId::generate().to_string(),
            }),
            Err(journal) => Err((insert, journal)),
        }
    }

    /// Whether this statement committed: its entry names a record whose id was chosen for it.
    pub fn committed(&self, pg: &mut diesel::PgConnection) -> QueryResult<bool> {
        let seq = journal::table
            .filter(journal::record_kind.eq(self.entry.record_kind))
            .filter(journal::record_id.eq(&self.entry.record_id))
            .filter(journal::action.eq(&self.entry.action))
            .select(journal::seq)
            .first::<i64>(pg)
            .optional()?;
        Ok(seq.is_some())
    }
}

impl<S> diesel::query_builder::Query for InsertWithEntry<S> {
    /// The entry's position (`seq`); no row when the insert inserted none.
    type SqlType = diesel::sql_types::BigInt;
}

impl<S> RunQueryDsl<diesel::PgConnection> for &InsertWithEntry<S> {}

impl<S: diesel::query_builder::QueryFragment<diesel::pg::Pg>> diesel::query_builder::QueryFragment<diesel::pg::Pg>
    for InsertWithEntry<S>
{
    fn walk_ast<'b>(&'b self, mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>) -> QueryResult<()> {
        use diesel::sql_types::{Nullable, Text, Timestamp};
        let entry = &self.entry;
        out.push_sql("WITH changed AS (");
        self.insert.walk_ast(out.reborrow())?;
        out.push_sql(
            " RETURNING 1), appended AS (INSERT INTO journal (occurred_at, action, record_kind, record_id, \
             unit_id, feed, actor_kind, actor_id, client_addr, request_id, before_value, after_value) SELECT ",
        );
        out.push_bind_param::<Timestamp, _>(&entry.occurred_at)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(&entry.action)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(&entry.record_kind)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(&entry.record_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Nullable<Text>, _>(&entry.unit_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Nullable<Text>, _>(&entry.feed)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(&entry.actor_kind)?;
        for value in [&entry.actor_id, &entry.client_addr, &entry.request_id, &entry.before_value, &entry.after_value] {
            out.push_sql(", ");
            out.push_bind_param::<Nullable<Text>, _>(value)?;
        }
        out.push_sql(
            " FROM changed RETURNING seq, action, record_kind, feed), \
             delivered AS (INSERT INTO webhook_deliveries (id, subscription_id, event_seq, status, attempts, \
             next_attempt_at, created_at) SELECT left(",
        );
        out.push_bind_param::<Text, _>(&self.first_delivery)?;
        out.push_sql(", 28) || lpad(to_hex(row_number() OVER ()), 8, '0'), s.id, a.seq, ");
        out.push_bind_param::<Text, _>(&DeliveryStatus::Pending)?;
        out.push_sql(", 0, ");
        out.push_bind_param::<Timestamp, _>(&self.now)?;
        out.push_sql(", ");
        out.push_bind_param::<Timestamp, _>(&self.now)?;
        out.push_sql(
            " FROM appended a JOIN webhook_subscriptions s ON s.active AND a.feed IS NOT NULL \
             AND (s.event_types = '' OR string_to_array(s.event_types, ',') && ARRAY[a.action, a.record_kind || '.*'])) \
             SELECT seq FROM appended",
        );
        Ok(())
    }
}
