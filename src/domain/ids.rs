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

            /// A fixed id, for tests.
            #[cfg(test)]
            pub const fn from_u128(n: u128) -> $name {
                $name(Uuid::from_u128(n))
            }

            /// The id a text names, if it is a UUID (for ids that arrive in text the service
            /// issued itself, such as a token's claims; request paths and bodies take `Uuid`).
            pub fn parse(text: &str) -> Option<$name> {
                Uuid::parse_str(text).ok().map($name)
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
                $name::parse(text)
            }
        }
    )+};
}

ids! {
    /// A unit (commune, department) of the registry.
    UnitId = "unit id",
    /// An emulation cluster (cụm, khối thi đua).
    ClusterId = "cluster id",
    /// A cluster's proposal of its leading unit for a Cờ thi đua.
    ClusterProposalId = "cluster proposal id",
    /// An emulation campaign (phong trào, đợt thi đua).
    CampaignId = "campaign id",
    /// One entry of a campaign's status history.
    CampaignTransitionId = "campaign transition id",
    /// A campaign's indicator (chỉ tiêu).
    IndicatorId = "indicator id",
    /// A unit's registration for a campaign.
    RegistrationId = "registration id",
    /// A reported achievement (kết quả) against an indicator.
    AchievementId = "achievement id",
    /// A user account.
    UserId = "user id",
    /// A person who can be nominated (cá nhân).
    PersonId = "person id",
    /// A kind of award (danh hiệu, hình thức khen thưởng).
    AwardTypeId = "award type id",
    /// One version of an award type's rules.
    AwardTypeVersionId = "award type version id",
    /// A nomination (đề nghị khen thưởng).
    NominationId = "nomination id",
    /// One entry of a nomination's status history.
    NominationTransitionId = "nomination transition id",
    /// An award granted (khen thưởng).
    AwardId = "award id",
    /// A standing emulation and commendation council (hội đồng thi đua – khen thưởng).
    CouncilId = "council id",
    /// A council session that votes on nominations.
    CouncilSessionId = "council session id",
    /// A comment on a public posting.
    CommentId = "comment id",
    /// A decision (quyết định) granting awards.
    DecisionId = "decision id",
    /// A recognised initiative (sáng kiến).
    InitiativeId = "initiative id",
    /// A stored file (evidence or a nomination document).
    StoredFileId = "stored file id",
    /// A webhook subscription.
    SubscriptionId = "webhook subscription id",
    /// One delivery of an event to a webhook subscription.
    DeliveryId = "webhook delivery id",
    /// One attempt at a webhook delivery.
    AttemptId = "webhook attempt id",
    /// A machine client of the API.
    ServiceClientId = "service client id",
    /// A level of the base salary (lương cơ sở) and the date it took effect.
    BaseSalaryId = "base salary id",
    /// An entry of a unit's reward fund ledger.
    FundEntryId = "fund entry id",
    /// An annual round (đợt xét khen thưởng cuối năm) the board opens.
    RoundId = "round id",
    /// A unit's dossier in a round (hồ sơ đề nghị của đơn vị), listing many nominees.
    DossierId = "dossier id",
    /// A unit's title registration for a year (đăng ký danh hiệu thi đua).
    TitleRegistrationId = "title registration id",
    /// A person's discipline record (kỷ luật).
    DisciplineId = "discipline id",
    /// A version of a campaign's scoring scheme (thang điểm).
    ScoringSchemeId = "scoring scheme id",
    /// A campaign's review (sơ kết, tổng kết).
    ReviewId = "review id",
    /// A cluster's annual covenant (giao ước thi đua).
    CovenantId = "covenant id",
    /// A version of a document template a board uploaded.
    DocumentTemplateId = "document template id",
    /// A document generated from a record (tờ trình, biên bản, quyết định, …).
    DocumentId = "document id",
}
