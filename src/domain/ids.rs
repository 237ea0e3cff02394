//! Typed ids: one type per kind of record, holding a UUID. Rows carry them instead of strings, so
//! a stored id that is not a UUID fails where the row is read (a deserialization error naming the
//! column, see `db::sql_types`), not later in a handler, and a unit id cannot be passed where a
//! campaign id is expected. Stored and sent as the UUID's lowercase hyphenated text.

use std::borrow::Cow;

use uuid::Uuid;

use super::TextValue;

macro_rules! ids {
    ($($(#[doc = $doc:expr])* $name:ident = $what:literal),+ $(,)?) => {$(
        $(#[doc = $doc])*
        #[derive(
            Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize, diesel::expression::AsExpression, diesel::deserialize::FromSqlRow,
        )]
        #[serde(transparent)]
        #[diesel(sql_type = diesel::sql_types::Text)]
        pub struct $name(Uuid);

        impl $name {
            /// A fresh time-ordered id (UUID v7), so ids sort roughly by creation.
            pub fn generate() -> $name {
                $name(Uuid::now_v7())
            }

            pub fn uuid(self) -> Uuid {
                self.0
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> $name {
                $name(id)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Uuid {
                id.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0.hyphenated())
            }
        }

        impl TextValue for $name {
            const WHAT: &'static str = $what;

            fn to_text(&self) -> Cow<'_, str> {
                Cow::Owned(self.to_string())
            }

            fn from_text(text: &str) -> Option<$name> {
                Uuid::parse_str(text).ok().map($name)
            }
        }
    )+};
}

ids! {
    /// A unit (commune, department) of the registry.
    UnitId = "unit id",
    /// An emulation cluster (cụm, khối thi đua).
    ClusterId = "cluster id",
    /// A level of the base salary (lương cơ sở) and the date it took effect.
    BaseSalaryId = "base salary id",
    /// An entry of a unit's reward fund ledger.
    FundEntryId = "fund entry id",
    /// A version of a campaign's scoring scheme (thang điểm).
    ScoringSchemeId = "scoring scheme id",
    /// A campaign's review (sơ kết, tổng kết).
    ReviewId = "review id",
}
