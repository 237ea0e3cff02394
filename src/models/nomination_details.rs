//! A nomination with its achievements, documents and history read in the same statement as the
//! nomination itself, so a page of 50 is one statement rather than four (docs/benchmarks.md,
//! 2026-12-06). Each backend gathers the lists its own way, on its own connection (`LoadDetails`):
//!
//! - **PostgreSQL**: three columns, each an array from one correlated subquery — the
//!   achievement ids, and the documents and the transitions as records — read in binary:
//!   timestamps travel as their 8 bytes and strings as they are, with no JSON built by the
//!   server or parsed here. Built as JSON, a page whose nominations carry a history spent more
//!   of the database's time making the text than finding the rows (2026-12-15).
//! - **SQLite**: one correlated subquery gathers the three lists into one JSON array, each child
//!   tagged with its list (`{"a": id}`, `{"d": [document]}`, `{"h": [transition]}`): its JSON
//!   functions are cheap, and its rows come back as text anyway.

use chrono::{DateTime, Utc};
use diesel::dsl::SqlTypeOf;
use diesel::pg::sql_types::Record;
use diesel::pg::{Pg, PgConnection};
use diesel::prelude::*;
use diesel::sql_types::{Array, Nullable, Text};
use diesel::sqlite::{Sqlite, SqliteConnection};
use serde::Deserialize;

use super::nominations::{Nomination, NominationDetail, NominationTransition};
use crate::db::schema::{nomination_transitions, nominations, stored_files};
use crate::db::{fixed_sql_column, sql_types};
use crate::domain::ids::AchievementId;
use crate::domain::TextValue;
use crate::error::ApiError;
use crate::models::stored_files::StoredFile;

/// Reads the nominations a query selects, each with its lists, in the query's order.
pub trait LoadDetails {
    type Backend: diesel::backend::Backend;

    fn load_details(
        &mut self,
        query: nominations::BoxedQuery<'_, Self::Backend>,
    ) -> Result<Vec<NominationDetail>, ApiError>;
}

/// The nomination and its lists, each put in the order the separate reads give
/// (`nominations::details`): achievements and documents by id, the history oldest first. The
/// order is set here rather than by the database: an ordered aggregate sets up a sort for every
/// row of the page even when it gathers nothing (PostgreSQL spent an eighth of its time on an
/// officer's page in `tuplesort_begin_heap`, 2026-12-09).
fn detail(
    nomination: Nomination,
    mut achievement_ids: Vec<AchievementId>,
    mut documents: Vec<StoredFile>,
    mut history: Vec<NominationTransition>,
) -> NominationDetail {
    achievement_ids.sort_unstable();
    documents.sort_unstable_by_key(|d| d.id);
    history.sort_unstable_by_key(|t| (t.at, t.id));
    NominationDetail { nomination, achievement_ids, documents, history }
}

// ---------- PostgreSQL: records read in binary ----------

/// A stored file's columns and a transition's, as the records below list them: every column of
/// the table, in the schema's order (a record of another length is an error when read), read
/// into the values diesel builds `StoredFile` and `NominationTransition` from (`built`).
type DocumentColumns = SqlTypeOf<<stored_files::table as Table>::AllColumns>;
type DocumentRecord = <StoredFile as Queryable<DocumentColumns, Pg>>::Row;
type TransitionColumns = SqlTypeOf<<nomination_transitions::table as Table>::AllColumns>;
type TransitionRecord = <NominationTransition as Queryable<TransitionColumns, Pg>>::Row;

fixed_sql_column!(
    /// The nomination's achievement ids, in no order (an empty array for none).
    AchievementIdsOf: Array<Text>, on nominations,
    pg: "ARRAY(SELECT a.achievement_id FROM nomination_achievements a WHERE a.nomination_id = \"nominations\".\"id\")",
);

fixed_sql_column!(
    /// The nomination's dossier documents as records, in no order.
    DocumentRecordsOf: Array<Record<DocumentColumns>>, on nominations,
    pg: "ARRAY(SELECT ROW(f.id, f.achievement_id, f.nomination_id, f.kind, f.filename, f.content_type, f.size_bytes, \
         f.sha256, f.storage_key, f.uploaded_by, f.created_at, f.initiative_id, f.dossier_id, f.review_id, f.covenant_id) \
         FROM stored_files f WHERE f.nomination_id = \"nominations\".\"id\")",
);

fixed_sql_column!(
    /// The nomination's transitions as records, in no order.
    TransitionRecordsOf: Array<Record<TransitionColumns>>, on nominations,
    pg: "ARRAY(SELECT ROW(t.id, t.nomination_id, t.from_status, t.to_status, t.actor_id, t.reason, t.at) \
         FROM nomination_transitions t WHERE t.nomination_id = \"nominations\".\"id\")",
);

/// A nomination row with its three lists, as `PgConnection::load_details` selects it.
type GatheredRecords = (Nomination, Vec<AchievementId>, Vec<DocumentRecord>, Vec<TransitionRecord>);

impl LoadDetails for PgConnection {
    type Backend = Pg;

    fn load_details(&mut self, query: nominations::BoxedQuery<'_, Pg>) -> Result<Vec<NominationDetail>, ApiError> {
        let rows: Vec<GatheredRecords> = query
            .select((Nomination::as_select(), AchievementIdsOf, DocumentRecordsOf, TransitionRecordsOf))
            .load(self)?;
        rows.into_iter()
            .map(|(nomination, achievement_ids, documents, history)| {
                Ok(detail(
                    nomination,
                    achievement_ids,
                    built::<DocumentColumns, _, _>(documents)?,
                    built::<TransitionColumns, _, _>(history)?,
                ))
            })
            .collect()
    }
}

/// Records as the rows they are, built as diesel builds a row of their table.
fn built<Columns, Row, T>(records: Vec<Row>) -> Result<Vec<T>, ApiError>
where
    T: Queryable<Columns, Pg, Row = Row>,
{
    records
        .into_iter()
        .map(T::build)
        .collect::<diesel::deserialize::Result<_>>()
        .map_err(|e| ApiError::internal(anyhow::anyhow!(e)))
}

// ---------- SQLite: one JSON array ----------

fixed_sql_column!(
    /// The nomination's achievement links, dossier documents and transitions as a JSON array of
    /// `Child`, in no order; NULL for none.
    ChildrenOf: Nullable<Text>, on nominations,
    sqlite: "(SELECT '[' || group_concat(g.v, ',') || ']' FROM (\
             SELECT json_object('a', a.achievement_id) AS v \
             FROM nomination_achievements a WHERE a.nomination_id = \"nominations\".\"id\" \
             UNION ALL SELECT json_object('d', json_array(f.id, f.achievement_id, f.nomination_id, f.kind, \
             f.filename, f.content_type, f.size_bytes, f.sha256, f.storage_key, f.uploaded_by, f.created_at, \
             f.initiative_id, f.dossier_id, f.review_id, f.covenant_id)) \
             FROM stored_files f WHERE f.nomination_id = \"nominations\".\"id\" \
             UNION ALL SELECT json_object('h', json_array(t.id, t.nomination_id, t.from_status, t.to_status, \
             t.actor_id, t.reason, t.at)) \
             FROM nomination_transitions t WHERE t.nomination_id = \"nominations\".\"id\") g)",
);

impl LoadDetails for SqliteConnection {
    type Backend = Sqlite;

    fn load_details(&mut self, query: nominations::BoxedQuery<'_, Sqlite>) -> Result<Vec<NominationDetail>, ApiError> {
        let rows: Vec<(Nomination, Option<String>)> = query.select((Nomination::as_select(), ChildrenOf)).load(self)?;
        rows.into_iter().map(|(nomination, children)| unfold(nomination, children.as_deref())).collect()
    }
}

/// One gathered child, tagged with its list.
#[derive(Deserialize)]
enum Child {
    #[serde(rename = "a")]
    Achievement(String),
    #[serde(rename = "d")]
    Document(DocumentRow),
    #[serde(rename = "h")]
    Transition(TransitionRow),
}

/// The nomination and the lists of its JSON children (`ChildrenOf`).
fn unfold(nomination: Nomination, children: Option<&str>) -> Result<NominationDetail, ApiError> {
    let (mut achievement_ids, mut documents, mut history) = (Vec::new(), Vec::new(), Vec::new());
    for child in json_rows::<Child>(children)? {
        match child {
            Child::Achievement(id) => achievement_ids.push(stored::<AchievementId>(&id)?),
            Child::Document(row) => documents.push(row.into_file()?),
            Child::Transition(row) => history.push(row.into_transition()?),
        }
    }
    Ok(detail(nomination, achievement_ids, documents, history))
}

/// A stored file's columns in the order `ChildrenOf` lists a document's.
#[derive(Deserialize)]
struct DocumentRow {
    id: String,
    achievement_id: Option<String>,
    nomination_id: Option<String>,
    kind: Option<String>,
    filename: String,
    content_type: String,
    size_bytes: i64,
    sha256: String,
    storage_key: String,
    uploaded_by: String,
    created_at: String,
    initiative_id: Option<String>,
    dossier_id: Option<String>,
    review_id: Option<String>,
    covenant_id: Option<String>,
}

impl DocumentRow {
    fn into_file(self) -> Result<StoredFile, ApiError> {
        Ok(StoredFile {
            id: stored(&self.id)?,
            achievement_id: optional(self.achievement_id.as_deref())?,
            nomination_id: optional(self.nomination_id.as_deref())?,
            kind: optional(self.kind.as_deref())?,
            filename: self.filename,
            content_type: self.content_type,
            size_bytes: self.size_bytes,
            sha256: self.sha256,
            storage_key: self.storage_key,
            uploaded_by: stored(&self.uploaded_by)?,
            created_at: timestamp(&self.created_at)?,
            initiative_id: optional(self.initiative_id.as_deref())?,
            dossier_id: optional(self.dossier_id.as_deref())?,
            review_id: optional(self.review_id.as_deref())?,
            covenant_id: optional(self.covenant_id.as_deref())?,
        })
    }
}

/// A transition's columns in the order `ChildrenOf` lists a transition's.
#[derive(Deserialize)]
struct TransitionRow {
    id: String,
    nomination_id: String,
    from_status: String,
    to_status: String,
    actor_id: String,
    reason: Option<String>,
    at: String,
}

impl TransitionRow {
    fn into_transition(self) -> Result<NominationTransition, ApiError> {
        Ok(NominationTransition {
            id: stored(&self.id)?,
            nomination_id: stored(&self.nomination_id)?,
            from_status: stored(&self.from_status)?,
            to_status: stored(&self.to_status)?,
            actor_id: stored(&self.actor_id)?,
            reason: self.reason,
            at: timestamp(&self.at)?,
        })
    }
}

fn json_rows<T: for<'de> Deserialize<'de>>(text: Option<&str>) -> Result<Vec<T>, ApiError> {
    match text {
        None => Ok(Vec::new()),
        Some(json) => serde_json::from_str(json)
            .map_err(|e| ApiError::internal(anyhow::anyhow!("a gathered list is not the JSON expected: {e}"))),
    }
}

/// A stored text as `T` (as `FromSql` reads a column), or the error naming it.
fn stored<T: TextValue>(text: &str) -> Result<T, ApiError> {
    sql_types::parse(text).map_err(|e| ApiError::internal(anyhow::anyhow!(e)))
}

fn optional<T: TextValue>(text: Option<&str>) -> Result<Option<T>, ApiError> {
    text.map(stored).transpose()
}

fn timestamp(text: &str) -> Result<DateTime<Utc>, ApiError> {
    sql_types::timestamp_in_json(text)
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("stored text {text:?} is not a timestamp")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::awards::NomineeKind;
    use crate::domain::ids::{AwardTypeId, NominationId, NominationTransitionId, StoredFileId, UnitId, UserId};
    use crate::domain::nominations::NominationStatus;

    fn sorted<T: Ord>(mut ids: Vec<T>) -> Vec<T> {
        ids.sort();
        ids
    }

    /// The aggregate gathers in no order (on a real table, whatever order the scans meet the
    /// rows); `unfold` sorts the children into their lists and orders each as the separate
    /// reads do, whatever order it is given.
    #[test]
    fn each_gathered_list_comes_out_in_the_order_of_the_separate_reads() {
        let id = NominationId::generate();
        let actor = UserId::generate();
        let nomination = Nomination {
            id,
            award_type_id: AwardTypeId::generate(),
            award_type_version_id: None,
            nominee_kind: NomineeKind::Unit,
            person_id: None,
            unit_id: UnitId::generate(),
            household_name: None,
            year: 2026,
            campaign_id: None,
            under_discipline: false,
            status: NominationStatus::Returned,
            eligibility: None,
            version: 3,
            created_by: actor,
            created_at: Utc::now(),
            updated_at: Utc::now(),
            posting_until: None,
            commendation_type: None,
        };
        let achievements =
            sorted(vec![AchievementId::generate(), AchievementId::generate(), AchievementId::generate()]);
        let link = |a: AchievementId| format!(r#"{{"a":"{}"}}"#, a.uuid());
        let files = sorted(vec![StoredFileId::generate(), StoredFileId::generate()]);
        let file = |f: StoredFileId| {
            format!(
                r#"["{}",null,"{}",null,"a.pdf","application/pdf",3,"00","k","{}","2026-12-01 08:00:00",null,null,null,null]"#,
                f.uuid(),
                id.uuid(),
                actor.uuid()
            )
        };
        let document = |f: StoredFileId| format!(r#"{{"d":{}}}"#, file(f));
        // Two at the same moment (ordered by id) and one earlier, given latest first.
        let steps = sorted(vec![
            NominationTransitionId::generate(),
            NominationTransitionId::generate(),
            NominationTransitionId::generate(),
        ]);
        let step = |t: NominationTransitionId, at: &str| {
            format!(
                r#"{{"h":["{}","{}","submitted","returned","{}","thiếu hồ sơ","{at}"]}}"#,
                t.uuid(),
                id.uuid(),
                actor.uuid()
            )
        };
        // The lists' children mixed, each list out of order.
        let children = [
            step(steps[2], "2026-12-02 09:00:00.5"),
            link(achievements[2]),
            document(files[1]),
            step(steps[1], "2026-12-02 09:00:00.5"),
            link(achievements[0]),
            document(files[0]),
            step(steps[0], "2026-12-02 08:59:59"),
            link(achievements[1]),
        ];
        let detail = unfold(nomination, Some(&format!("[{}]", children.join(",")))).unwrap();
        assert_eq!(detail.achievement_ids, achievements);
        assert_eq!(detail.documents.iter().map(|d| d.id).collect::<Vec<_>>(), files);
        assert_eq!(detail.history.iter().map(|t| t.id).collect::<Vec<_>>(), steps);
    }
}
