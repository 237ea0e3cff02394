//! The journal read back: the change feed (up to the horizon of transactions still in
//! progress), the audit trail with its filters, and how an entry is shown as an event.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::{Db, Entry, FEED_REGISTRY, FEED_UNIT, FEED_UNIT_ACCOUNTS};
use crate::db::schema::journal;
use crate::db::{self, DbConn};
use crate::domain::ids::UnitId;
use crate::domain::webhooks::TypePattern;
use crate::error::ApiError;

/// On PostgreSQL, the feed's horizon: every entry below this position is settled — its
/// transaction has finished, and nothing new will ever appear below it. Read in a statement of
/// its own, before the entries are read in the next (see docs/journal.md for why that order is
/// the proof) — outside any explicit transaction: inside one, PostgreSQL would show both
/// statements the same `pg_stat_activity` (and, in REPEATABLE READ, the same snapshot).
/// `None` on SQLite, where every committed entry is settled.
fn horizon(conn: &mut DbConn) -> Result<Option<i64>, ApiError> {
    match conn {
        DbConn::Postgres(pg) => {
            #[derive(QueryableByName)]
            struct Horizon {
                #[diesel(sql_type = diesel::sql_types::BigInt)]
                below: i64,
            }
            let h: Horizon = diesel::sql_query("SELECT journal_horizon() AS below").get_result(pg)?;
            Ok(Some(h.below))
        }
        DbConn::Sqlite(_) => Ok(None),
    }
}

/// How much of the feed a reader may see (decided by `auth::policy::feed_reach`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FeedReach {
    /// Every entry with a feed audience.
    Everything,
    /// Registry entries and every unit's records.
    AllUnits,
    /// Registry entries and one unit's records.
    OneUnit(UnitId),
    /// Registry entries, one unit's records and its accounts.
    OneUnitWithAccounts(UnitId),
    /// Registry entries only.
    RegistryOnly,
}

/// Feed entries after `after`, oldest first; `limit + 1` rows.
pub fn list_feed(
    conn: &mut DbConn,
    after: i64,
    limit: i64,
    reach: &FeedReach,
    types: &[TypePattern],
) -> Result<Vec<Entry>, ApiError> {
    let horizon = horizon(conn)?;
    let mut query =
        journal::table.filter(journal::seq.gt(after)).filter(journal::feed.is_not_null()).into_boxed::<Db>();
    if let Some(below) = horizon {
        query = query.filter(journal::seq.lt(below));
    }
    query = match reach {
        FeedReach::Everything => query,
        FeedReach::AllUnits => query.filter(journal::feed.eq_any([FEED_REGISTRY, FEED_UNIT])),
        FeedReach::OneUnit(unit) => query
            .filter(journal::feed.eq(FEED_REGISTRY).or(journal::feed.eq(FEED_UNIT).and(journal::unit_id.eq(*unit)))),
        FeedReach::OneUnitWithAccounts(unit) => query.filter(
            journal::feed
                .eq(FEED_REGISTRY)
                .or(journal::feed.eq_any([FEED_UNIT, FEED_UNIT_ACCOUNTS]).and(journal::unit_id.eq(*unit))),
        ),
        FeedReach::RegistryOnly => query.filter(journal::feed.eq(FEED_REGISTRY)),
    };
    if !types.is_empty() {
        let exact: Vec<String> =
            types.iter().filter_map(|t| if let TypePattern::Exact(a) = t { Some(a.clone()) } else { None }).collect();
        let kinds: Vec<String> =
            types.iter().filter_map(|t| if let TypePattern::Kind(k) = t { Some(k.clone()) } else { None }).collect();
        query = query.filter(journal::action.eq_any(exact).or(journal::record_kind.eq_any(kinds)));
    }
    Ok(query.order(journal::seq.asc()).limit(limit + 1).select(Entry::as_select()).load(conn)?)
}

/// The newest settled entry's sequence number (0 when empty): where a new feed reader can
/// start. Entries of transactions still in progress come after it.
pub fn latest_seq(conn: &mut DbConn) -> Result<i64, ApiError> {
    let horizon = horizon(conn)?;
    let mut query = journal::table.select(diesel::dsl::max(journal::seq)).into_boxed::<Db>();
    if let Some(below) = horizon {
        query = query.filter(journal::seq.lt(below));
    }
    let max: Option<i64> = query.first(conn)?;
    Ok(max.unwrap_or(0))
}

#[derive(Default)]
pub struct AuditFilter {
    pub record_kind: Option<String>,
    pub record_id: Option<String>,
    pub actor_id: Option<String>,
    pub action: Option<String>,
    pub unit_id: Option<String>,
    pub since: Option<chrono::NaiveDateTime>,
    pub until: Option<chrono::NaiveDateTime>,
    /// Where the previous page ended.
    pub before: Option<AuditPosition>,
    pub limit: i64,
}

/// An audit entry's place in its list: its sequence number, and its time when the list is
/// ordered by time (`AuditFilter::by_time`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum AuditPosition {
    Seq(i64),
    /// Microseconds since the Unix epoch, and the sequence number.
    Time(i64, i64),
}

impl AuditFilter {
    /// A time window with no filter that has its own index (record, actor, unit) is read by
    /// `journal_occurred (occurred_at, seq)`, newest first by time then sequence: ordered by
    /// sequence alone, such a page scanned the journal back from its end to the window
    /// (1.1–4 s for a month ten years back, at 10M entries).
    pub fn by_time(&self) -> bool {
        (self.since.is_some() || self.until.is_some())
            && self.record_id.is_none()
            && self.actor_id.is_none()
            && self.unit_id.is_none()
    }
}

impl AuditPosition {
    /// The position of `entry` in a list ordered by time (`by_time`) or by sequence: the next
    /// page's cursor.
    pub fn of(entry: &Entry, by_time: bool) -> Self {
        if by_time {
            AuditPosition::Time(entry.occurred_at.timestamp_micros(), entry.seq)
        } else {
            AuditPosition::Seq(entry.seq)
        }
    }
}

/// Audit entries, newest first; `limit + 1` rows.
pub fn list_audit(conn: &mut DbConn, filter: &AuditFilter) -> Result<Vec<Entry>, ApiError> {
    let mut query = journal::table.into_boxed::<Db>();
    if let Some(kind) = &filter.record_kind {
        query = query.filter(journal::record_kind.eq(kind.clone()));
    }
    if let Some(id) = &filter.record_id {
        query = query.filter(journal::record_id.eq(id.clone()));
    }
    if let Some(actor) = &filter.actor_id {
        query = query.filter(journal::actor_id.eq(actor.clone()));
    }
    if let Some(action) = &filter.action {
        query = query.filter(journal::action.eq(action.clone()));
    }
    if let Some(unit) = &filter.unit_id {
        query = query.filter(journal::unit_id.eq(unit.clone()));
    }
    if let Some(since) = filter.since {
        query = query.filter(journal::occurred_at.ge(since));
    }
    if let Some(until) = filter.until {
        query = query.filter(journal::occurred_at.lt(until));
    }
    let query = query.limit(filter.limit + 1).select(Entry::as_select());
    if filter.by_time() {
        let query = match filter.before {
            Some(AuditPosition::Time(micros, seq)) => {
                let at = chrono::DateTime::from_timestamp_micros(micros).ok_or_else(db::cursor::invalid)?.naive_utc();
                // `occurred_at <= at` bounds the index scan; the rest drops the page's own
                // instant's later entries. (As one `OR`, PostgreSQL scans from the window's end:
                // 88 ms a page deep into a month, against 0.2 ms.)
                query.filter(journal::occurred_at.le(at).and(journal::occurred_at.lt(at).or(journal::seq.lt(seq))))
            }
            Some(AuditPosition::Seq(_)) => return Err(db::cursor::invalid()),
            None => query,
        };
        return Ok(query.order((journal::occurred_at.desc(), journal::seq.desc())).load(conn)?);
    }
    let query = match filter.before {
        Some(AuditPosition::Seq(seq)) => query.filter(journal::seq.lt(seq)),
        Some(AuditPosition::Time(..)) => return Err(db::cursor::invalid()),
        None => query,
    };
    Ok(query.order(journal::seq.desc()).load(conn)?)
}

/// The record an event is about.
#[derive(Serialize, ToSchema, Debug)]
pub struct RecordRef {
    #[schema(example = "nomination")]
    pub kind: String,
    pub id: String,
    /// Where to read the record now (absent for records without their own address).
    #[schema(example = "/api/v1/nominations/0193a9c2-7f1e-7c3a-9b1d-2f4e5a6b7c8d")]
    pub href: Option<String>,
}

/// A change to a record. Events are thin: read the record at `href` for its current state
/// (which also applies the reader's access rights to its fields).
#[derive(Serialize, ToSchema, Debug)]
pub struct Event {
    /// The event's position in the feed; pass it as `after` to read on from here.
    #[schema(example = "1042")]
    pub cursor: String,
    /// `<kind>.<verb>`, e.g. `campaign.launched`, `nomination.submitted`.
    #[serde(rename = "type")]
    #[schema(example = "nomination.submitted")]
    pub event_type: String,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub occurred_at: DateTime<Utc>,
    pub record: RecordRef,
    /// The unit that owns the record, for a unit's records.
    pub unit_id: Option<String>,
}

/// Where a kind of record lives in the API.
pub fn href(kind: &str, id: &str) -> Option<String> {
    let collection = match kind {
        "province" => "provinces",
        "district" => "districts",
        "commune" => "communes",
        "department" => "departments",
        "user" => "users",
        "cluster" => "clusters",
        "campaign" => "campaigns",
        "scoring_scheme" => "scoring-schemes",
        "review" => "reviews",
        "registration" => "registrations",
        "achievement" => "achievements",
        "award_type" => "award-types",
        "person" => "people",
        "award" => "awards",
        "nomination" => "nominations",
        "initiative" => "initiatives",
        "round" => "rounds",
        "dossier" => "dossiers",
        "title_registration" => "title-registrations",
        "council_session" => "council-sessions",
        "decision" => "decisions",
        "council" => "councils",
        "service_client" => "service-clients",
        "webhook" => "webhooks",
        _ => return None,
    };
    Some(format!("/api/v1/{collection}/{id}"))
}

pub fn event(entry: &Entry) -> Event {
    Event {
        cursor: entry.seq.to_string(),
        event_type: entry.action.clone(),
        occurred_at: entry.occurred_at,
        record: RecordRef {
            kind: entry.record_kind.clone(),
            id: entry.record_id.clone(),
            href: href(&entry.record_kind, &entry.record_id),
        },
        unit_id: entry.unit_id.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::{list_audit, AuditFilter, AuditPosition};
    use crate::db::DbConn;
    use crate::error::ErrorCode;

    /// A cursor carries the order of the list that issued it; given to a list in the other
    /// order it would skip or repeat entries, so it is refused before any row is read (the
    /// connection has no tables at all).
    #[test]
    fn a_position_of_one_order_does_not_page_the_other() {
        let mut conn = DbConn::establish_url("sqlite://:memory:").unwrap();
        let window = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
        let by_time =
            AuditFilter { since: Some(window), before: Some(AuditPosition::Seq(10)), limit: 5, ..Default::default() };
        assert!(by_time.by_time());
        let by_seq = AuditFilter { before: Some(AuditPosition::Time(0, 10)), limit: 5, ..Default::default() };
        assert!(!by_seq.by_time());
        for filter in [by_time, by_seq] {
            let refused = list_audit(&mut conn, &filter).unwrap_err();
            assert_eq!(refused.code, ErrorCode::InvalidQuery);
            assert_eq!(refused.errors[0].code, ErrorCode::InvalidCursor);
            assert_eq!(refused.errors[0].field, "cursor");
        }
    }
}
