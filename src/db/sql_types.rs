//! How typed values cross the database boundary. Ids and status/kind enums are stored as text
//! (as vaultwarden stores its ids): `stored_as_text!` gives each `domain::TextValue` diesel's
//! `ToSql`/`FromSql<Text>` for SQLite, PostgreSQL and `MultiBackend` (the backend of `DbConn`,
//! which delegates to the other two). A stored text that does not parse is a deserialization
//! error naming the value, which diesel wraps with the column's name; it reaches the client as
//! the 500 whose logged cause says what was wrong, never as a default.
//!
//! Timestamps are stored naive (UTC by convention, see `db::now`); `UtcTimestamp` and
//! `NullableUtcTimestamp` read them as `DateTime<Utc>` for rows that say
//! `#[diesel(deserialize_as = …)]`, so nothing above the models calls `.and_utc()`.

use std::io::Write;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::pg::Pg;
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::{Nullable, Text, Timestamp};
use diesel::sqlite::Sqlite;

use super::MultiBackend;
use crate::domain::awards::PostingStage;
use crate::domain::awards::{AwardCategory, AwardSubject, CommendationType, NomineeKind, Severity};
use crate::domain::calendar::{DayCount, DayKind};
use crate::domain::campaigns::{
    AchievementStatus, CampaignKind, CampaignStatus, Direction, IndicatorKind, Participation, RegistrationStatus,
    ReviewKind,
};
use crate::domain::cluster_votes::{ProposalMethod, ProposalStatus};
use crate::domain::collectives::DisciplineForm;
use crate::domain::council::{SeatRole, SessionStatus};
use crate::domain::documents::{DecisionStatus, DocumentFormat, TemplateKind};
use crate::domain::ids::{
    AchievementId, AttemptId, AwardId, AwardTypeId, AwardTypeVersionId, BaseSalaryId, CampaignId, CampaignTransitionId,
    ClusterId, ClusterProposalId, CommentId, CouncilId, CouncilSessionId, CovenantId, DecisionId, DeliveryId,
    DisciplineId, DocumentId, DocumentTemplateId, DossierId, FundEntryId, IndicatorId, InitiativeId, NominationId,
    NominationTransitionId, PersonId, RegistrationId, ReviewId, RoundId, ScoringSchemeId, ServiceClientId,
    StoredFileId, SubscriptionId, TitleRegistrationId, UnitId, UserId,
};
use crate::domain::initiatives::RecognitionScope;
use crate::domain::money::FundEntryKind;
use crate::domain::nominations::{DocumentKind, NominationStatus};
use crate::domain::rounds::{DossierStatus, RoundStatus, TitleRegistrationStatus};
use crate::domain::statistics::{Gender, StaffCategory};
use crate::domain::units::{LinkPart, UnitKind, UnitType};
use crate::domain::webhooks::DeliveryStatus;
use crate::domain::TextValue;

/// Reads a stored text as `T`, or says which text is not a `T`.
fn parse<T: TextValue>(text: &str) -> deserialize::Result<T> {
    T::from_text(text).ok_or_else(|| format!("stored text {text:?} is not a valid {}", T::WHAT).into())
}

macro_rules! stored_as_text {
    ($($t:ty),+ $(,)?) => {$(
        impl ToSql<Text, Sqlite> for $t {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
                out.set_value(self.to_text().into_owned());
                Ok(IsNull::No)
            }
        }

        impl ToSql<Text, Pg> for $t {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
                out.write_all(self.to_text().as_bytes())?;
                Ok(IsNull::No)
            }
        }

        impl ToSql<Text, MultiBackend> for $t {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, MultiBackend>) -> serialize::Result {
                out.set_value((Text, self));
                Ok(IsNull::No)
            }
        }

        impl FromSql<Text, Sqlite> for $t {
            fn from_sql(value: <Sqlite as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                parse(&<String as FromSql<Text, Sqlite>>::from_sql(value)?)
            }
        }

        impl FromSql<Text, Pg> for $t {
            fn from_sql(value: <Pg as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                parse(&<String as FromSql<Text, Pg>>::from_sql(value)?)
            }
        }

        impl FromSql<Text, MultiBackend> for $t {
            fn from_sql(value: <MultiBackend as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                value.from_sql::<Self, Text>()
            }
        }
    )+};
}

stored_as_text!(
    TemplateKind,
    DocumentFormat,
    DecisionStatus,
    DocumentTemplateId,
    DocumentId,
    NomineeKind,
    CommendationType,
    ClusterProposalId,
    ProposalMethod,
    ProposalStatus,
    DayKind,
    DayCount,
    PostingStage,
    Gender,
    StaffCategory,
    DisciplineId,
    DisciplineForm,
    UnitId,
    ClusterId,
    CampaignId,
    CampaignTransitionId,
    IndicatorId,
    RegistrationId,
    AchievementId,
    UserId,
    PersonId,
    AwardTypeId,
    AwardTypeVersionId,
    NominationId,
    NominationTransitionId,
    AwardId,
    CouncilId,
    CouncilSessionId,
    CommentId,
    DecisionId,
    InitiativeId,
    StoredFileId,
    SubscriptionId,
    DeliveryId,
    AttemptId,
    ServiceClientId,
    BaseSalaryId,
    FundEntryId,
    RoundId,
    DossierId,
    RoundStatus,
    DossierStatus,
    TitleRegistrationId,
    TitleRegistrationStatus,
    ScoringSchemeId,
    ReviewId,
    CovenantId,
    ReviewKind,
    UnitKind,
    UnitType,
    LinkPart,
    FundEntryKind,
    CampaignKind,
    CampaignStatus,
    Participation,
    IndicatorKind,
    Direction,
    RegistrationStatus,
    AchievementStatus,
    NominationStatus,
    DocumentKind,
    SeatRole,
    SessionStatus,
    AwardCategory,
    AwardSubject,
    Severity,
    RecognitionScope,
    DeliveryStatus,
);

/// A stored timestamp read as UTC: the type a row's `DateTime<Utc>` field is deserialized as.
#[derive(Debug, Clone, Copy, FromSqlRow)]
pub struct UtcTimestamp(DateTime<Utc>);

impl<DB> FromSql<Timestamp, DB> for UtcTimestamp
where
    DB: Backend,
    NaiveDateTime: FromSql<Timestamp, DB>,
{
    fn from_sql(value: DB::RawValue<'_>) -> deserialize::Result<Self> {
        Ok(UtcTimestamp(<NaiveDateTime as FromSql<Timestamp, DB>>::from_sql(value)?.and_utc()))
    }
}

impl From<UtcTimestamp> for DateTime<Utc> {
    fn from(t: UtcTimestamp) -> DateTime<Utc> {
        t.0
    }
}

/// `UtcTimestamp` for a nullable column (an `Option<DateTime<Utc>>` field).
#[derive(Debug, Clone, Copy, FromSqlRow)]
pub struct NullableUtcTimestamp(Option<DateTime<Utc>>);

impl<DB> FromSql<Nullable<Timestamp>, DB> for NullableUtcTimestamp
where
    DB: Backend,
    NaiveDateTime: FromSql<Timestamp, DB>,
{
    fn from_sql(value: DB::RawValue<'_>) -> deserialize::Result<Self> {
        Ok(NullableUtcTimestamp(Some(<NaiveDateTime as FromSql<Timestamp, DB>>::from_sql(value)?.and_utc())))
    }

    fn from_nullable_sql(value: Option<DB::RawValue<'_>>) -> deserialize::Result<Self> {
        value.map_or(Ok(NullableUtcTimestamp(None)), Self::from_sql)
    }
}

impl From<NullableUtcTimestamp> for Option<DateTime<Utc>> {
    fn from(t: NullableUtcTimestamp) -> Option<DateTime<Utc>> {
        t.0
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, TimeZone, Utc};
    use diesel::dsl::sql;
    use diesel::prelude::*;
    use diesel::sql_types::{Nullable, Text, Timestamp};

    use super::{NullableUtcTimestamp, UtcTimestamp};
    use crate::db::DbConn;
    use crate::domain::campaigns::CampaignStatus;
    use crate::domain::ids::UnitId;
    use crate::domain::units::UnitKind;

    /// SQLite in memory, and PostgreSQL when the suite has one (`THIDUA_TEST_DATABASE_URL`).
    fn connections() -> Vec<DbConn> {
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

    #[test]
    fn ids_and_enums_round_trip_as_text() {
        for mut conn in connections() {
            // Written as a bind parameter (`ToSql`), read back through `FromSql`.
            let id = UnitId::generate();
            assert_eq!(diesel::select(id.into_sql::<Text>()).get_result::<UnitId>(&mut conn).unwrap(), id);
            let kind = diesel::select(UnitKind::Commune.into_sql::<Text>()).get_result::<UnitKind>(&mut conn);
            assert_eq!(kind.unwrap(), UnitKind::Commune);
            let status =
                diesel::select(CampaignStatus::Launched.into_sql::<Text>()).get_result::<CampaignStatus>(&mut conn);
            assert_eq!(status.unwrap(), CampaignStatus::Launched);
            // Stored as the text the API shows, so existing rows and SQL written by hand agree.
            let text: String =
                diesel::select(CampaignStatus::Launched.into_sql::<Text>()).get_result(&mut conn).unwrap();
            assert_eq!(text, "launched");
            let text: String = diesel::select(id.into_sql::<Text>()).get_result(&mut conn).unwrap();
            assert_eq!(text, id.uuid().to_string());
        }
    }

    #[test]
    fn a_stored_text_that_does_not_parse_is_an_error_naming_it() {
        for mut conn in connections() {
            let status = diesel::select(sql::<Text>("'lanched'")).get_result::<CampaignStatus>(&mut conn);
            let message = format!("{:#}", anyhow::Error::from(status.unwrap_err()));
            assert!(message.contains("\"lanched\"") && message.contains("CampaignStatus"), "{message}");
            let id = diesel::select(sql::<Text>("'not-a-uuid'")).get_result::<UnitId>(&mut conn);
            let message = format!("{:#}", anyhow::Error::from(id.unwrap_err()));
            assert!(message.contains("\"not-a-uuid\"") && message.contains("unit id"), "{message}");
        }
    }

    #[test]
    fn timestamps_read_as_utc() {
        let at: DateTime<Utc> = Utc.with_ymd_and_hms(2025, 7, 1, 8, 30, 15).unwrap();
        for mut conn in connections() {
            let read: UtcTimestamp =
                diesel::select(at.naive_utc().into_sql::<Timestamp>()).get_result(&mut conn).unwrap();
            assert_eq!(DateTime::<Utc>::from(read), at);
            let none: NullableUtcTimestamp =
                diesel::select(sql::<Nullable<Timestamp>>("NULL")).get_result(&mut conn).unwrap();
            assert_eq!(Option::<DateTime<Utc>>::from(none), None);
        }
    }
}
