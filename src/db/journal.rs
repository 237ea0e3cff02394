//! The journal: every change to a record, written in the same transaction as the change. Read
//! back as the audit trail (admins) and as the change feed and webhook outbox (rows with a feed
//! audience). The table is append-only; triggers refuse updates and deletes.
//!
//! Why it sits in `db`: `db::write` drives it. A write's closure notes its changes in a
//! `Journal`; `db::write` appends them (`append`) last, in the write's own transaction, with
//! the webhook deliveries they call for (`enqueue`) and the `Idempotency-Key` mark
//! (`db::idempotency`). Everything that bookkeeping touches is defined here or below, so the
//! transaction code never imports `models`; the models (and everything above) take `Journal`,
//! `Origin` and `Scope` from here. Reading it back — the feed, the audit trail, and `Event`,
//! how the feed and webhooks show an entry — is in `reads`.

use diesel::prelude::*;
use serde::Serialize;
use serde_json::Value;

use crate::db::schema::{journal, webhook_deliveries, webhook_subscriptions};
use crate::db::{self, DbConn};
use crate::domain::ids::{DeliveryId, SubscriptionId, UnitId};
use crate::domain::webhooks::DeliveryStatus;
use crate::domain::webhooks::{self as rules, TypePattern};
use crate::error::ApiError;

mod reads;
pub use reads::{
    event, href, latest_seq, list_audit, list_feed, AuditFilter, AuditPosition, Event, FeedReach, RecordRef,
};

type Db = <DbConn as Connection>::Backend;

/// Who may see a change in the feed, and the unit that owns the record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Shared data everyone reads (units, clusters, campaigns, catalogues, decisions).
    Registry,
    /// A unit's own record: its people and province-level readers.
    Unit(UnitId),
    /// A unit's accounts: the board, and that unit's people who read its accounts (its officers
    /// and its admin).
    UnitAccounts(UnitId),
    /// Board business (the board's own accounts, council sessions, comments): admins.
    Admin,
    /// Audit only, never in the feed (sessions, ballots).
    AuditOnly,
}

impl Scope {
    fn feed(&self) -> Option<&'static str> {
        match self {
            Scope::Registry => Some(FEED_REGISTRY),
            Scope::Unit(_) => Some(FEED_UNIT),
            Scope::UnitAccounts(_) => Some(FEED_UNIT_ACCOUNTS),
            Scope::Admin => Some(FEED_ADMIN),
            Scope::AuditOnly => None,
        }
    }

    fn unit_id(&self) -> Option<UnitId> {
        match self {
            Scope::Unit(unit) | Scope::UnitAccounts(unit) => Some(*unit),
            _ => None,
        }
    }
}

pub const FEED_REGISTRY: &str = "registry";
pub const FEED_UNIT: &str = "unit";
pub const FEED_ADMIN: &str = "admin";
pub const FEED_UNIT_ACCOUNTS: &str = "unit_accounts";

/// Where a change came from: the actor and the request.
#[derive(Clone, Debug)]
pub struct Origin {
    /// `user`, `client`, `anonymous` or `system`.
    pub actor_kind: &'static str,
    pub actor_id: Option<String>,
    pub client_addr: Option<String>,
    pub request_id: Option<String>,
    /// The `Idempotency-Key` reservation the request holds, if any: `db::write` marks it
    /// committed in the write's own transaction.
    pub idempotency: Option<crate::db::idempotency::Hold>,
}

impl Origin {
    pub fn system() -> Origin {
        Origin { actor_kind: "system", actor_id: None, client_addr: None, request_id: None, idempotency: None }
    }
}

/// One change, before it is written.
#[derive(Debug)]
pub struct Change {
    pub action: String,
    pub record_kind: &'static str,
    pub record_id: String,
    pub scope: Scope,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// The changes a write transaction collects; `db::write` appends them before it commits.
#[derive(Default, Debug)]
pub struct Journal {
    changes: Vec<Change>,
    /// Who the changes are by, when only the transaction finds out (a refresh token's owner, a
    /// service client whose secret it checked): (kind, id).
    actor: Option<(&'static str, String)>,
}

fn snapshot<T: Serialize>(value: &T) -> Option<Value> {
    serde_json::to_value(value).ok()
}

impl Journal {
    /// `<kind>.created`, with the record as the API shows it.
    pub fn created<T: Serialize>(&mut self, kind: &'static str, id: impl ToString, scope: Scope, after: &T) {
        self.record(kind, "created", id, scope, None, snapshot(after));
    }

    /// `<kind>.updated`, with the record before and after.
    pub fn updated<T: Serialize>(
        &mut self,
        kind: &'static str,
        id: impl ToString,
        scope: Scope,
        before: &T,
        after: &T,
    ) {
        self.record(kind, "updated", id, scope, snapshot(before), snapshot(after));
    }

    /// `<kind>.<verb>` for a state change (`campaign.launched`), before and after.
    pub fn changed<T: Serialize>(
        &mut self,
        kind: &'static str,
        verb: &str,
        id: impl ToString,
        scope: Scope,
        before: &T,
        after: &T,
    ) {
        self.record(kind, verb, id, scope, snapshot(before), snapshot(after));
    }

    /// `<kind>.deleted`, with the record as it was.
    pub fn deleted<T: Serialize>(&mut self, kind: &'static str, id: impl ToString, scope: Scope, before: &T) {
        self.record(kind, "deleted", id, scope, snapshot(before), None);
    }

    /// Any change; values that must not be kept (secrets, ballots) are simply not passed.
    pub fn record(
        &mut self,
        kind: &'static str,
        verb: &str,
        id: impl ToString,
        scope: Scope,
        before: Option<Value>,
        after: Option<Value>,
    ) {
        self.changes.push(Change {
            action: format!("{kind}.{verb}"),
            record_kind: kind,
            record_id: id.to_string(),
            scope,
            before,
            after,
        });
    }

    /// The changes are by this actor (`user` or `client`), known only inside the transaction.
    pub fn act_as(&mut self, kind: &'static str, id: impl ToString) {
        self.actor = Some((kind, id.to_string()));
    }

    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The records changed so far, (kind, id), in order, without repeats.
    pub fn records(&self) -> Vec<(String, String)> {
        let mut records: Vec<(String, String)> = Vec::new();
        for change in &self.changes {
            let record = (change.record_kind.to_string(), change.record_id.clone());
            if !records.contains(&record) {
                records.push(record);
            }
        }
        records
    }
}

/// A journal row.
#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = journal)]
pub struct Entry {
    pub seq: i64,
    #[diesel(deserialize_as = super::sql_types::UtcTimestamp)]
    pub occurred_at: chrono::DateTime<chrono::Utc>,
    pub action: String,
    pub record_kind: String,
    pub record_id: String,
    pub unit_id: Option<String>,
    pub feed: Option<String>,
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub client_addr: Option<String>,
    pub request_id: Option<String>,
    pub before_value: Option<String>,
    pub after_value: Option<String>,
}

/// Appends a transaction's changes; call inside the write transaction, last.
///
/// No lock: on PostgreSQL each entry's position (`seq`) is derived from its transaction's id,
/// and feed readers stop below the oldest transaction still in progress (`horizon`), so a
/// reader that has seen `seq` 11 can never later find a 10 committed behind it, while writers
/// commit concurrently. SQLite writers are serial and keep AUTOINCREMENT order. See
/// docs/journal.md, "Order and concurrency".
pub fn append(conn: &mut DbConn, origin: &Origin, journal: Journal) -> Result<Vec<i64>, ApiError> {
    if journal.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<_> = EntryValues::of(origin, journal)
        .into_iter()
        .map(|entry| {
            (
                journal::occurred_at.eq(entry.occurred_at),
                journal::action.eq(entry.action),
                journal::record_kind.eq(entry.record_kind),
                journal::record_id.eq(entry.record_id),
                journal::unit_id.eq(entry.unit_id),
                journal::feed.eq(entry.feed),
                journal::actor_kind.eq(entry.actor_kind),
                journal::actor_id.eq(entry.actor_id),
                journal::client_addr.eq(entry.client_addr),
                journal::request_id.eq(entry.request_id),
                journal::before_value.eq(entry.before_value),
                journal::after_value.eq(entry.after_value),
            )
        })
        .collect();
    // The position: AUTOINCREMENT on SQLite; on PostgreSQL the column's default,
    // `journal_next_position()` (the transaction's id << 16, plus its index), drawn row by row
    // in the order given. Many rows a statement (a dossier's thousands of lines); RETURNING's
    // order is not promised, the positions' is. A write of one entry (most writes) gets the
    // active webhook subscriptions back in the same statement (a scalar subquery), so its
    // fan-out costs no round trip of its own; a larger write reads them once instead, rather
    // than receive the list again with each of its rows. The one-entry statement is built of
    // parts diesel can cache (a single row, `ActiveSubscriptionLines`): SQLite spent a tenth of
    // a create preparing it again on every write.
    let single = rows.len() == 1;
    let mut appended = Vec::with_capacity(rows.len());
    if single {
        let columns = (journal::seq, journal::action, journal::record_kind, journal::feed, ActiveSubscriptionLines);
        let insert = diesel::insert_into(journal::table).values(rows.into_iter().next().expect("one row"));
        let written: Appended = db::on_backend!(&mut *conn, |c| insert.returning(columns).get_result(c)?);
        appended.push(written);
    } else {
        let columns = (
            journal::seq,
            journal::action,
            journal::record_kind,
            journal::feed,
            diesel::dsl::sql::<diesel::sql_types::Nullable<diesel::sql_types::Text>>("NULL"),
        );
        for chunk in rows.chunks(db::BATCH_ROWS) {
            let insert = diesel::insert_into(journal::table).values(chunk);
            let written: Vec<Appended> =
                db::on_backend!(&mut *conn, |c| insert.returning(columns.clone()).get_results(c)?);
            appended.extend(written);
        }
    }
    appended.sort_by_key(|e| e.seq);
    // The webhook outbox, in the same transaction as the events.
    if appended.iter().any(|e| e.feed.is_some()) {
        let active = match appended.first() {
            Some(entry) if single => parse_subscriptions(entry.subscriptions.as_deref().unwrap_or_default()),
            _ => active_subscriptions(conn)?,
        };
        enqueue(conn, &appended, &active)?;
    }
    Ok(appended.into_iter().map(|e| e.seq).collect())
}

/// One journal row's values as written: the change, when, and by whom.
pub(super) struct EntryValues {
    pub(super) occurred_at: chrono::NaiveDateTime,
    pub(super) action: String,
    pub(super) record_kind: &'static str,
    pub(super) record_id: String,
    pub(super) unit_id: Option<UnitId>,
    pub(super) feed: Option<&'static str>,
    pub(super) actor_kind: &'static str,
    pub(super) actor_id: Option<String>,
    pub(super) client_addr: Option<String>,
    pub(super) request_id: Option<String>,
    pub(super) before_value: Option<String>,
    pub(super) after_value: Option<String>,
}

impl EntryValues {
    /// The row of a journal holding exactly one change; the journal back otherwise.
    pub(super) fn single(origin: &Origin, journal: Journal) -> Result<EntryValues, Journal> {
        if journal.changes.len() != 1 {
            return Err(journal);
        }
        Ok(EntryValues::of(origin, journal).pop().expect("one change, one row"))
    }

    fn of(origin: &Origin, journal: Journal) -> Vec<EntryValues> {
        let at = db::now();
        let (actor_kind, actor_id) = match &journal.actor {
            Some((kind, id)) => (*kind, Some(id.clone())),
            None => (origin.actor_kind, origin.actor_id.clone()),
        };
        journal
            .changes
            .into_iter()
            .map(|change| EntryValues {
                occurred_at: at,
                unit_id: change.scope.unit_id(),
                feed: change.scope.feed(),
                action: change.action,
                record_kind: change.record_kind,
                record_id: change.record_id,
                actor_kind,
                actor_id: actor_id.clone(),
                client_addr: origin.client_addr.clone(),
                request_id: origin.request_id.clone(),
                before_value: change.before.map(|v| v.to_string()),
                after_value: change.after.map(|v| v.to_string()),
            })
            .collect()
    }
}

/// The active subscriptions as one scalar subquery: one `<id> <event types>` line each (ids
/// are UUIDs and event type patterns have no spaces or line breaks), as of the statement that
/// appends the entries. A type of its own rather than `dsl::sql`, whose statements diesel never
/// caches.
#[derive(Debug, Clone, Copy, diesel::query_builder::QueryId)]
struct ActiveSubscriptionLines;

impl diesel::Expression for ActiveSubscriptionLines {
    type SqlType = diesel::sql_types::Nullable<diesel::sql_types::Text>;
}

impl<QS> diesel::AppearsOnTable<QS> for ActiveSubscriptionLines {}
impl<QS> diesel::SelectableExpression<QS> for ActiveSubscriptionLines {}

impl diesel::expression::ValidGrouping<()> for ActiveSubscriptionLines {
    type IsAggregate = diesel::expression::is_aggregate::Never;
}

impl diesel::query_builder::QueryFragment<diesel::pg::Pg> for ActiveSubscriptionLines {
    fn walk_ast<'b>(&'b self, mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>) -> QueryResult<()> {
        out.push_sql("(SELECT string_agg(id || ' ' || event_types, chr(10)) FROM webhook_subscriptions WHERE active)");
        Ok(())
    }
}

impl diesel::query_builder::QueryFragment<diesel::sqlite::Sqlite> for ActiveSubscriptionLines {
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, diesel::sqlite::Sqlite>,
    ) -> QueryResult<()> {
        out.push_sql(
            "(SELECT group_concat(id || ' ' || event_types, char(10)) FROM webhook_subscriptions WHERE active)",
        );
        Ok(())
    }
}

type ActiveSubscriptions = Vec<(SubscriptionId, Vec<TypePattern>)>;

fn parse_subscriptions(lines: &str) -> ActiveSubscriptions {
    lines
        .lines()
        .filter_map(|line| {
            let (id, types) = line.split_once(' ')?;
            Some((SubscriptionId::parse(id)?, rules::stored_patterns(types)))
        })
        .collect()
}

fn active_subscriptions(conn: &mut DbConn) -> Result<ActiveSubscriptions, ApiError> {
    let rows: Vec<(SubscriptionId, String)> = webhook_subscriptions::table
        .filter(webhook_subscriptions::active.eq(true))
        .select((webhook_subscriptions::id, webhook_subscriptions::event_types))
        .load(conn)?;
    Ok(rows.into_iter().map(|(id, types)| (id, rules::stored_patterns(&types))).collect())
}

/// What the fan-out needs of an entry just appended, with the active subscriptions.
#[derive(Queryable)]
struct Appended {
    seq: i64,
    action: String,
    record_kind: String,
    feed: Option<String>,
    subscriptions: Option<String>,
}

/// The outbox: one pending delivery per (feed event, matching active subscription). Called by
/// `append` in the write's own transaction, so an event and its deliveries commit
/// together or not at all.
fn enqueue(conn: &mut DbConn, appended: &[Appended], active: &ActiveSubscriptions) -> Result<(), ApiError> {
    let events: Vec<&Appended> = appended.iter().filter(|e| e.feed.is_some()).collect();
    let now = db::now();
    let mut deliveries = Vec::new();
    for (subscription_id, patterns) in active {
        for event in events.iter().filter(|e| rules::matches(patterns, &e.action, &e.record_kind)) {
            deliveries.push((
                webhook_deliveries::id.eq(DeliveryId::generate()),
                webhook_deliveries::subscription_id.eq(*subscription_id),
                webhook_deliveries::event_seq.eq(event.seq),
                webhook_deliveries::status.eq(DeliveryStatus::Pending),
                webhook_deliveries::attempts.eq(0),
                webhook_deliveries::next_attempt_at.eq(now),
                webhook_deliveries::created_at.eq(now),
            ));
        }
    }
    db::insert_batches!(conn, webhook_deliveries::table, deliveries);
    Ok(())
}
