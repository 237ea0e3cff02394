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

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::pg::{Pg, PgValue};
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::{Nullable, Text, Timestamp};
use diesel::sqlite::{Sqlite, SqliteValue};

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
pub(crate) fn parse<T: TextValue>(text: &str) -> deserialize::Result<T> {
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
            fn from_sql(mut value: <Sqlite as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                parse(value.read_text())
            }
        }

        impl FromSql<Text, Pg> for $t {
            fn from_sql(value: <Pg as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                parse(std::str::from_utf8(value.as_bytes())?)
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

/// The naive timestamp a column holds. PostgreSQL sends it as a binary count of microseconds;
/// SQLite stores the text diesel wrote (`YYYY-MM-DD HH:MM:SS.ffffff`), which diesel reads by
/// trying chrono's format strings in turn: 4.6 % of a unit officer's page (docs/benchmarks.md,
/// 2026-12-04). That one layout is read by hand here, anything else by diesel as before.
pub trait StoredTimestamp: Backend {
    fn naive_timestamp(value: Self::RawValue<'_>) -> deserialize::Result<NaiveDateTime>;
}

impl StoredTimestamp for Sqlite {
    fn naive_timestamp(mut value: SqliteValue<'_, '_, '_>) -> deserialize::Result<NaiveDateTime> {
        if let Some(parsed) = parse_stored_timestamp(value.read_text()) {
            return Ok(parsed);
        }
        <NaiveDateTime as FromSql<Timestamp, Sqlite>>::from_sql(value)
    }
}

impl StoredTimestamp for Pg {
    fn naive_timestamp(value: PgValue<'_>) -> deserialize::Result<NaiveDateTime> {
        <NaiveDateTime as FromSql<Timestamp, Pg>>::from_sql(value)
    }
}

impl StoredTimestamp for MultiBackend {
    fn naive_timestamp(value: <MultiBackend as Backend>::RawValue<'_>) -> deserialize::Result<NaiveDateTime> {
        value.from_sql::<StoredNaive, Timestamp>().map(|t| t.0)
    }
}

/// `NaiveDateTime` through `StoredTimestamp`, for `MultiBackend`'s dispatch to its backends.
struct StoredNaive(NaiveDateTime);

impl<DB: StoredTimestamp> FromSql<Timestamp, DB> for StoredNaive {
    fn from_sql(value: DB::RawValue<'_>) -> deserialize::Result<Self> {
        DB::naive_timestamp(value).map(StoredNaive)
    }
}

/// `YYYY-MM-DD HH:MM:SS`, then optionally `.` and 1 to 9 digits; `None` for anything else
/// (diesel's parser then decides).
fn parse_stored_timestamp(text: &str) -> Option<NaiveDateTime> {
    let b = text.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || b[10] != b' ' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let number = |digits: &[u8]| -> Option<u32> {
        digits.iter().try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
    };
    let nanos = match &b[19..] {
        [] => 0,
        [b'.', fraction @ ..] if (1..=9).contains(&fraction.len()) => {
            number(fraction)? * 10u32.pow(9 - fraction.len() as u32)
        }
        _ => return None,
    };
    let year = i32::try_from(number(&b[0..4])?).ok()?;
    NaiveDate::from_ymd_opt(year, number(&b[5..7])?, number(&b[8..10])?)?.and_hms_nano_opt(
        number(&b[11..13])?,
        number(&b[14..16])?,
        number(&b[17..19])?,
        nanos,
    )
}

/// A timestamp column as SQLite writes it into JSON (`json_array` of its stored text: a page's
/// gathered lists, `models::nomination_details`): diesel's layout, or with `T` between date and
/// time, as a column read alone would also accept (`other_layouts_fall_back_to_diesel`).
pub fn timestamp_in_json(text: &str) -> Option<DateTime<Utc>> {
    let naive = match text.as_bytes().get(10) {
        Some(b'T') => parse_stored_timestamp(&text.replacen('T', " ", 1)),
        _ => parse_stored_timestamp(text),
    };
    naive.map(|t| t.and_utc())
}

impl<DB: StoredTimestamp> FromSql<Timestamp, DB> for UtcTimestamp {
    fn from_sql(value: DB::RawValue<'_>) -> deserialize::Result<Self> {
        Ok(UtcTimestamp(DB::naive_timestamp(value)?.and_utc()))
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

impl<DB: StoredTimestamp> FromSql<Nullable<Timestamp>, DB> for NullableUtcTimestamp {
    fn from_sql(value: DB::RawValue<'_>) -> deserialize::Result<Self> {
        Ok(NullableUtcTimestamp(Some(DB::naive_timestamp(value)?.and_utc())))
    }

    fn from_nullable_sql(value: Option<DB::RawValue<'_>>) -> deserialize::Result<Self> {
        value.map_or(Ok(NullableUtcTimestamp(None)), <Self as FromSql<Nullable<Timestamp>, DB>>::from_sql)
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
    use crate::db::test_connections as connections;
    use crate::db::DbConn;
    use crate::domain::campaigns::CampaignStatus;
    use crate::domain::ids::UnitId;
    use crate::domain::units::UnitKind;

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

    /// The hand parser agrees with chrono's on the layout diesel writes, with no fraction and
    /// with one to nine digits of it, and declines (leaving it to diesel) whatever else.
    #[test]
    fn the_stored_layout_is_parsed_as_chrono_parses_it() {
        for text in [
            "2025-07-01 08:30:15",
            "2025-07-01 08:30:15.1",
            "2025-07-01 08:30:15.123456",
            "2025-07-01 08:30:15.123456789",
            "1999-12-31 23:59:59.000001",
            "2024-02-29 00:00:00.5",
        ] {
            let chrono = chrono::NaiveDateTime::parse_from_str(text, "%F %T%.f").unwrap();
            assert_eq!(super::parse_stored_timestamp(text), Some(chrono), "{text}");
        }
        for digits in 1..=9 {
            let text = format!("2025-07-01 08:30:15.{}", &"987654321"[..digits]);
            let chrono = chrono::NaiveDateTime::parse_from_str(&text, "%F %T%.f").unwrap();
            assert_eq!(super::parse_stored_timestamp(&text), Some(chrono), "{text}");
        }
        for text in [
            "2025-07-01T08:30:15",
            "2025-07-01 08:30:15.",
            "2025-07-01 08:30:15.1234567890",
            "2025-02-29 08:30:15",
            "2025-07-01 24:00:00",
            "2025-07-01 08:30:1x",
            "2025-07-01 08:30",
            "+025-07-01 08:30:15",
            "2460000.5",
        ] {
            assert_eq!(super::parse_stored_timestamp(text), None, "{text}");
        }
    }

    /// A timestamp column put into JSON by SQLite (`json_array` of its stored text) reads back
    /// as the value stored.
    #[test]
    fn timestamps_gathered_into_json_read_back() {
        let at = Utc.with_ymd_and_hms(2025, 7, 1, 8, 30, 15).unwrap() + chrono::Duration::microseconds(123_450);
        let mut conn = DbConn::establish_url(":memory:").unwrap();
        let text: String = diesel::sql_query("SELECT json_array(CAST(? AS TEXT)) AS j")
            .bind::<Timestamp, _>(at.naive_utc())
            .get_result::<Gathered>(&mut conn)
            .unwrap()
            .j;
        let inner: Vec<String> = serde_json::from_str(&text).unwrap();
        assert_eq!(super::timestamp_in_json(&inner[0]), Some(at), "{text}");
        assert_eq!(super::timestamp_in_json("2025-07-01T08:30:15"), Some(at - chrono::Duration::microseconds(123_450)));
        assert_eq!(super::timestamp_in_json("2025-07-01X08:30:15"), None);
    }

    #[derive(QueryableByName)]
    struct Gathered {
        #[diesel(sql_type = Text)]
        j: String,
    }

    /// On SQLite a text of another layout still reads as diesel read it (an ISO `T`, a Julian
    /// day number), and one that is no timestamp is an error, not a default.
    #[test]
    fn other_layouts_fall_back_to_diesel() {
        let mut conn = DbConn::establish_url(":memory:").unwrap();
        let at = |sql_text: &str, conn: &mut DbConn| {
            diesel::select(sql::<Timestamp>(sql_text)).get_result::<UtcTimestamp>(conn).map(DateTime::<Utc>::from)
        };
        let expected = Utc.with_ymd_and_hms(2025, 7, 1, 8, 30, 15).unwrap();
        assert_eq!(at("'2025-07-01T08:30:15'", &mut conn).unwrap(), expected);
        assert_eq!(at("'2025-07-01 08:30:15.000'", &mut conn).unwrap(), expected);
        let julian = at("2440587.5", &mut conn).unwrap();
        assert_eq!(julian, Utc.with_ymd_and_hms(1970, 1, 1, 0, 0, 0).unwrap());
        assert!(at("'yesterday'", &mut conn).is_err());
    }
}
