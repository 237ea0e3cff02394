//! Every machine-readable `code` the API answers — a problem's `code` and each `errors[].code` —
//! in one enum: its wire text, where it appears (with which HTTP status) and a one-line English
//! meaning. The table of codes in docs/api-conventions.md is generated from this list
//! (`cargo run -- error-codes`) and a test fails when the two differ, so a new code cannot ship
//! undocumented. Codes are part of the contract: within v1 they are only ever added.

use actix_web::http::StatusCode;

/// Where a code appears in an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Appears {
    /// As a problem's `code`, always with this HTTP status.
    Problem(u16),
    /// As a problem's `code`, with the status of the HTTP-level error it stands for.
    ProblemAnyStatus,
    /// As `errors[].code`, naming what is wrong with one field or query parameter.
    Field,
    /// Both as a problem's `code` (with this status) and as `errors[].code`.
    ProblemAndField(u16),
}

macro_rules! appears {
    (field) => {
        Appears::Field
    };
    (any) => {
        Appears::ProblemAnyStatus
    };
    ($status:literal) => {
        Appears::Problem($status)
    };
    ($status:literal, field) => {
        Appears::ProblemAndField($status)
    };
}

macro_rules! error_codes {
    ($([$($where:tt)*] $variant:ident = $text:literal: $meaning:literal,)+) => {
        /// A machine-readable error code; serialised as its snake_case text.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ErrorCode {
            $(#[doc = $meaning] $variant,)+
        }

        impl ErrorCode {
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)+];

            /// The wire text.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $text,)+
                }
            }

            pub fn parse(text: &str) -> Option<ErrorCode> {
                match text {
                    $($text => Some(ErrorCode::$variant),)+
                    _ => None,
                }
            }

            pub fn appears(self) -> Appears {
                match self {
                    $(ErrorCode::$variant => appears!($($where)*),)+
                }
            }

            /// What the code means, in English, for people reading the docs (and the key a
            /// translated message is looked up by).
            pub fn meaning(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $meaning,)+
                }
            }
        }
    };
}

error_codes! {
    // Problems (`code`), by status.
    [303] IdempotentRequestCommitted = "idempotent_request_committed": "not an error: a retried `Idempotency-Key` whose first request committed but lost its answer; the body lists the records it changed (`Location`: the first)",
    [400] MalformedJson = "malformed_json": "the body is not JSON (or is empty)",
    [400] UnreadableBody = "unreadable_body": "the body could not be read (the connection broke, or its transfer encoding is invalid)",
    [400] InvalidQuery = "invalid_query": "a query parameter is unknown, of the wrong type, or out of range; a cursor we did not issue, or one issued for another list or other filters (`errors` names the parameter)",
    [400] InvalidPath = "invalid_path": "a path segment is malformed (an id that is not a UUID)",
    [400] InvalidIdempotencyKey = "invalid_idempotency_key": "`Idempotency-Key` is empty, longer than 255 characters or not printable ASCII",
    [401] InvalidToken = "invalid_token": "no access token, or an expired, forged or revoked one (`WWW-Authenticate: Bearer`)",
    [401] InvalidCredentials = "invalid_credentials": "sign-in failed (the same answer whether or not the username exists)",
    [401] InvalidRefreshToken = "invalid_refresh_token": "the refresh token is unknown, expired or revoked",
    [401] RefreshTokenReused = "refresh_token_reused": "the refresh token was already used; the whole session is ended",
    [401] InvalidIdToken = "invalid_id_token": "the identity provider's ID token is not accepted: signature, algorithm, issuer, audience or lifetime (`detail` says which)",
    [401] IdTokenReused = "id_token_reused": "the ID token was already exchanged for a session; sign in at the identity provider again",
    [403] Forbidden = "forbidden": "your roles do not allow the action on a record you can see (and any write by a service client)",
    [403] AccountDeactivated = "account_deactivated": "single sign-on proved who you are, but your account here is deactivated",
    [403] InsufficientScope = "insufficient_scope": "a service client's token lacks the scope the endpoint needs",
    [403] ProofOfWorkRequired = "proof_of_work_required": "a public comment without the proof of work the deployment asks for (docs/awards.md)",
    [404, field] NotFound = "not_found": "no such record — or one of another unit, which you may not know exists; in `errors`, a referenced record that does not exist",
    [404] RouteNotFound = "route_not_found": "no such path",
    [404] SingleSignOnOff = "single_sign_on_off": "single sign-on is not configured on this deployment (`THIDUA_OIDC_ISSUER`)",
    [405] MethodNotAllowed = "method_not_allowed": "the path exists; `Allow` lists the methods served there (by every path whose template matches it)",
    [406] NotAcceptable = "not_acceptable": "none of the formats `Accept` (or `format`) asks for is offered",
    [409, field] Duplicate = "duplicate": "a record with the same key exists; in `errors`, a value given twice where it may appear once",
    [409] Referenced = "referenced": "the record is referenced by, or refers to, records that forbid this change",
    [409] WriteConflict = "write_conflict": "a concurrent change got there first; retry",
    [409] CodeInUse = "code_in_use": "another unit or award type holds this code (for units: during an overlapping period)",
    [409] UnitInUse = "unit_in_use": "other records refer to this unit",
    [409] HasActiveChildren = "has_active_children": "subordinate units remain in force after the date given",
    [409] UnitHasUsers = "unit_has_users": "active accounts belong to this unit",
    [409] AlreadyInactive = "already_inactive": "the unit's validity already ends",
    [409] UsernameTaken = "username_taken": "the username is taken",
    [409] IdentityTaken = "identity_taken": "the identity provider's subject is already linked to another account",
    [409] LastAdmin = "last_admin": "this would leave no active admin",
    [409] CannotLockOutSelf = "cannot_lock_out_self": "you cannot deactivate your own account or remove your own admin role",
    [409] IllegalTransition = "illegal_transition": "the record's lifecycle does not allow this action from its current status",
    [409] CampaignNotLaunched = "campaign_not_launched": "the campaign has not been launched yet",
    [409] CampaignFrozen = "campaign_frozen": "the campaign is closed or cancelled",
    [409] CampaignLaunched = "campaign_launched": "indicators and participants are fixed once the campaign is launched",
    [409] DeadlinePassed = "deadline_passed": "the registration deadline, or a council session's voting deadline, has passed",
    [409] AlreadyRegistered = "already_registered": "this unit has registered for the campaign already",
    [409] RegistrationSubmitted = "registration_submitted": "the board is reviewing this registration",
    [409] RegistrationAccepted = "registration_accepted": "an accepted registration no longer changes",
    [409] AchievementVerified = "achievement_verified": "a verified report no longer changes",
    [409] AchievementInNomination = "achievement_in_nomination": "a nomination under review rests on this report",
    [409, field] ReportingClosed = "reporting_closed": "reports are no longer accepted: the campaign ended more than its grace period ago",
    [409] NoIndicators = "no_indicators": "a campaign needs at least one indicator before launching",
    [409] NoTargets = "no_targets": "a registration needs at least one target before submitting",
    [409] NameTaken = "name_taken": "a cluster of that name exists for that year",
    [409] ClusterInUse = "cluster_in_use": "a launched or finished campaign runs by this cluster: its members and year are fixed",
    [409] NominationLocked = "nomination_locked": "the nomination no longer changes in its current status (documents only on a draft or returned one)",
    [409] BeforeCouncil = "before_council": "the nomination is before an open council session",
    [409] CouncilVoteRequired = "council_vote_required": "this award needs the council's vote first",
    [409] AlreadyVoted = "already_voted": "you have voted on this nomination in this session",
    [409] SessionClosed = "session_closed": "the council session is closed",
    [409] ProposalClosed = "proposal_closed": "the cluster's count is closed: it takes no ballot and closes once",
    [409] NoBallots = "no_ballots": "no member of the cluster has cast a ballot yet",
    [409] VotingInProgress = "voting_in_progress": "a council session closes only once every member has voted or after its deadline",
    [409] NumberInUse = "number_in_use": "a decision with this number exists",
    [409] NotAcknowledgeable = "not_acknowledgeable": "the nomination has no open warning of this code: refusals, and warnings already acknowledged, cannot be acknowledged",
    [409] AlreadyRevoked = "already_revoked": "the award was revoked already",
    [409] AlreadySigned = "already_signed": "the decision's verified signed copy is recorded already",
    [409] DecisionNotFinal = "decision_not_final": "the decision awaits its verified signed copy (the deployer requires one), so it cannot be printed as in effect",
    [409] ClientRevoked = "client_revoked": "rotating the secret of a revoked service client",
    [409] IdempotencyKeyInProgress = "idempotency_key_in_progress": "the first request with this `Idempotency-Key` is still running (or has just committed and is storing its answer); retry after `Retry-After`",
    [412] StaleVersion = "stale_version": "`If-Match` did not match the current version",
    [413] PayloadTooLarge = "payload_too_large": "body over the limit (1 MiB by default)",
    [415] UnsupportedMediaType = "unsupported_media_type": "a body that is not `application/json`",
    [415] UnsupportedFileType = "unsupported_file_type": "an upload that is not PDF, PNG, JPEG, DOCX or XLSX",
    [422] InvalidBody = "invalid_body": "well-formed JSON with a field of the wrong type, a missing required field, or an unknown field",
    [422] ValidationFailed = "validation_failed": "the values break the rules; every offending field is listed in `errors`",
    [422] NotEligible = "not_eligible": "a nomination's submission found blocking problems, each in `errors`",
    [422] IdempotencyKeyReused = "idempotency_key_reused": "this `Idempotency-Key` was used for a different request (another body or query)",
    [428] PreconditionRequired = "precondition_required": "a `PUT` without `If-Match`",
    [429] TooManyRequests = "too_many_requests": "sign-in throttled from this address, a public-comment quota full, or the client's request rate exceeded; wait `Retry-After` seconds",
    [500] InternalError = "internal_error": "a bug; the detail is generic, the log has the cause under the response's `X-Request-Id`",
    [503] DatabaseUnavailable = "database_unavailable": "the database is unreachable; retry after `Retry-After`",
    [503] Busy = "busy": "the service is overloaded (too many sign-ins hashing at once, a busy database); retry after `Retry-After`",
    [503] IdentityProviderUnavailable = "identity_provider_unavailable": "the identity provider cannot be reached to check an ID token; retry after `Retry-After` (password sign-in still works)",
    [503] StorageUnavailable = "storage_unavailable": "the file store is not reachable; retry after `Retry-After`",
    [any] HttpError = "http_error": "any other error the HTTP layer answers, with its own status",

    // Fields (`errors[].code`), alphabetically.
    [field] AchievementAlreadyRewarded = "achievement_already_rewarded": "eligibility: achievements of the nomination are already rewarded or behind another nomination",
    [field] AfterEnd = "after_end": "a date falls after the end of the period it belongs to",
    [field] AlreadyScheduled = "already_scheduled": "the nomination is before another open council session",
    [field] AuthorityMismatch = "authority_mismatch": "the decision's level does not grant this award type (its rules' granting_levels, Law on Emulation and Commendation Art 80)",
    [field] BeforeStart = "before_start": "a date falls before the start of the period it belongs to",
    [field] CannotRemove = "cannot_remove": "a submitted nomination's achievements can be added to, not removed",
    [field] ClusterNotProposed = "cluster_not_proposed": "eligibility warning: the unit's emulation cluster did not propose it for this flag (it proposed another unit, has not closed its count, or the unit is in no cluster that year)",
    [field] CommentsUnreviewed = "comments_unreviewed": "the public's comments on the posting are not all reviewed yet",
    [field] ConflictingParameters = "conflicting_parameters": "query parameters that exclude each other (`year` with `from_year`), or a range whose ends are reversed",
    [field] ContainsUsername = "contains_username": "a password must not contain the username",
    [field] ContentMismatch = "content_mismatch": "an uploaded file's bytes are not of the type its `Content-Type` names",
    [field] CredentialsInUrl = "credentials_in_url": "a webhook URL must not carry a user name or password",
    [field] DuplicateNomination = "duplicate_nomination": "eligibility: the nominee is already nominated for this award and year",
    [field] HostNotAllowed = "host_not_allowed": "a webhook URL's host is not on the service's allow-list",
    [field] Immutable = "immutable": "the field cannot change once the record exists (a record cannot move to another unit)",
    [field] InFuture = "in_future": "a date must not be after today",
    [field] InThePast = "in_the_past": "a date must be in the future",
    [field] InactiveParent = "inactive_parent": "the parent unit is not in force during this unit's validity period",
    [field] InactiveUnit = "inactive_unit": "the unit is not in force when the record needs it",
    [field] InitiativeMissing = "initiative_missing": "eligibility: the nominee has no initiative of the scope and years the rules ask for (nor what they accept instead)",
    [field] InitiativeUnregistered = "initiative_unregistered": "eligibility warning: the initiative is proven only by the dossier's document, not by one in the registry",
    [field] Incomplete = "incomplete": "fields that go together are given only in part",
    [field] Incorrect = "incorrect": "the current password given is wrong",
    [field] InsecureScheme = "insecure_scheme": "a webhook URL must use https://",
    [field] Invalid = "invalid": "the value is not acceptable (a query parameter of the wrong form, a unit as its own parent, an unknown event type)",
    [field] InvalidCharacters = "invalid_characters": "text must not contain control characters",
    [field] InvalidChoice = "invalid_choice": "the value is not one of the allowed choices",
    [field] InvalidCursor = "invalid_cursor": "a cursor this service did not issue, or one issued for another list or other filters",
    [field] InvalidDecimal = "invalid_decimal": "a decimal must be a number written as a string, e.g. \"12.5\"",
    [field] InvalidFormat = "invalid_format": "the value does not have the required format (a GSO code, an email address, a phone number)",
    [field] InvalidType = "invalid_type": "a body field has the wrong JSON type (a string where a number is expected)",
    [field] InvalidScheme = "invalid_scheme": "a webhook URL must be an https:// URL",
    [field] InvalidSignature = "invalid_signature": "a signed PDF whose digital signature does not verify; the message says why (changed after signing, untrusted CA, certificate not valid at signing time, …)",
    [field] InvalidTemplate = "invalid_template": "an uploaded template is not a DOCX this service can fill: not a DOCX, an unknown placeholder, a list's placeholder outside a table row",
    [field] InvalidUrl = "invalid_url": "a webhook URL is not an absolute URL with a host",
    [field] MemberDisciplined = "member_disciplined": "eligibility of a collective: members of the unit were disciplined that year, from the form the rules name up",
    [field] MemberShareShort = "member_share_short": "eligibility of a collective: too few of the unit's people hold the title the rules ask a share of",
    [field] MemberTitleMissing = "member_title_missing": "eligibility of a collective: no one of the unit holds the title the rules ask at least one member to hold",
    [field] MissingDocuments = "missing_documents": "eligibility: the dossier lacks required documents",
    [field] Negative = "negative": "a value must not be negative",
    [field] NoRules = "no_rules": "eligibility: the award type has no rules in force today",
    [field] NoVoteNeeded = "no_vote_needed": "the award needs no council vote",
    [field] NotACouncilMember = "not_a_council_member": "a council seat must go to an active user with the council_member role who is not an admin",
    [field] NotAMember = "not_a_member": "the leading unit must be one of the cluster's members",
    [field] NotAfterCurrent = "not_after_current": "a new version must take effect after the current one",
    [field] NotAllowed = "not_allowed": "the field may not be given here (or by you)",
    [field] NotApproved = "not_approved": "the council has not voted on the nomination yet: posted before it meets, it is decided after the vote",
    [field] NotAppraised = "not_appraised": "only appraised nominations go to the council",
    [field] NotInForce = "not_in_force": "the council's term does not cover today",
    [field] NotInSession = "not_in_session": "the user is not a member of the council session",
    [field] NotOnAgenda = "not_on_agenda": "the council session does not vote on this nomination",
    [field] NotParticipating = "not_participating": "the unit does not take part in the campaign",
    [field] NotPosted = "not_posted": "the award has not been publicly posted",
    [field] NotRegistered = "not_registered": "the unit has not registered a target for this indicator",
    [field] NotWhole = "not_whole": "a count must be a whole number",
    [field] OutOfRange = "out_of_range": "the value is outside its allowed range (a percentage over 100, a date outside 1900–2200)",
    [field] OutsideCampaign = "outside_campaign": "a date must fall within the campaign",
    [field] OutsideLevel = "outside_level": "a unit's level reaches only its own unit and its own round: another unit's dossier, campaign participant or reward fund, or a line of another level's round, is outside it (another unit's nomination answers a unit's own people as an unknown id)",
    [field] PortNotAllowed = "port_not_allowed": "a webhook URL must use a port the service allows",
    [field] PostingNotOver = "posting_not_over": "the award's public posting has not run its course yet",
    [field] PrerequisiteBorderline = "prerequisite_borderline": "eligibility warning: the prerequisite streak holds only with gaps the rules leave to the board",
    [field] PrerequisitePending = "prerequisite_pending": "eligibility warning: the prerequisite is met only with the nominee's nomination for it still under review (the same year's title proposed in the same round)",
    [field] PrerequisiteStreak = "prerequisite_streak": "eligibility: the nominee lacks the prerequisite awards (consecutive years or consecutive awards) the rules ask for; a refusal unless the rules make it a warning",
    [field] PrivateAddress = "private_address": "a webhook URL must not point at a loopback, private, link-local or otherwise internal address",
    [field] QuotaExceeded = "quota_exceeded": "eligibility: the nomination is beyond the unit's quota this year (a warning unless the rules make it a refusal)",
    [field] Required = "required": "the field is required (and must not be empty)",
    [field] TermOverlap = "term_overlap": "another council of this unit starts on or after this day",
    [field] TitleNotRegistered = "title_not_registered": "eligibility warning: a round's line for a title the unit did not register the nominee for that year (no accepted title registration lists it)",
    [field] TooCommon = "too_common": "a password is one of the most common passwords",
    [field] TooFar = "too_far": "a date is too far ahead",
    [field] TooFew = "too_few": "fewer items than the minimum (a council's members)",
    [field] TooLong = "too_long": "the value is longer than allowed",
    [field] TooMany = "too_many": "more items than allowed",
    [field] TooPrecise = "too_precise": "a decimal has more decimal places than allowed",
    [field] TooShort = "too_short": "the value is shorter than allowed (a password, a posting period)",
    [field] TwoChairs = "two_chairs": "a council has at most one chair",
    [field] Unchanged = "unchanged": "a new password must differ from the current one",
    [field] UnderDiscipline = "under_discipline": "eligibility: the nominee is under discipline, inspection or complaint",
    [field] UnknownField = "unknown_field": "the body has a field the endpoint does not know (unknown fields are refused, not ignored)",
    [field] UnknownReference = "unknown_reference": "a query parameter refers to no record",
    [field] UnknownScope = "unknown_scope": "the scope is not one a service client can be granted",
    [field] UnresolvableHost = "unresolvable_host": "a webhook URL's host name does not resolve",
    [field] WrongKind = "wrong_kind": "the referenced record is of another kind (a commune type on `/districts`, a department where a commune is needed)",
    [field] WrongSubject = "wrong_subject": "the award type is for another kind of nominee (individual, collective, household)",
}

impl ErrorCode {
    /// The HTTP status of a problem with this code; `None` when it only names field errors or
    /// takes the status of the error it stands for (`http_error`).
    pub fn status(self) -> Option<StatusCode> {
        match self.appears() {
            Appears::Problem(status) | Appears::ProblemAndField(status) => StatusCode::from_u16(status).ok(),
            Appears::ProblemAnyStatus | Appears::Field => None,
        }
    }

    /// The documentation's table of codes, as it must appear in docs/api-conventions.md between
    /// the `error-codes` markers.
    pub fn markdown_tables() -> String {
        let mut out = String::from("Problem codes (`code`):\n\n| status | code | when |\n|---|---|---|\n");
        // By status (codes of any status last); within a status in the order of the list above,
        // which groups related codes.
        let mut problems: Vec<(u16, String, ErrorCode)> = ErrorCode::ALL
            .iter()
            .filter_map(|c| match c.appears() {
                Appears::Problem(s) | Appears::ProblemAndField(s) => Some((s, s.to_string(), *c)),
                Appears::ProblemAnyStatus => Some((u16::MAX, "4xx, 5xx".to_string(), *c)),
                Appears::Field => None,
            })
            .collect();
        problems.sort_by_key(|(order, _, _)| *order);
        for (_, status, code) in problems {
            out.push_str(&format!("| {status} | `{}` | {} |\n", code.as_str(), code.meaning()));
        }
        out.push_str("\nField codes (`errors[].code`), under `validation_failed`, `invalid_query` or `not_eligible`:\n\n| code | when |\n|---|---|\n");
        let mut fields: Vec<ErrorCode> = ErrorCode::ALL
            .iter()
            .copied()
            .filter(|c| matches!(c.appears(), Appears::Field | Appears::ProblemAndField(_)))
            .collect();
        fields.sort_by_key(|c| c.as_str());
        for code in fields {
            out.push_str(&format!("| `{}` | {} |\n", code.as_str(), code.meaning()));
        }
        out
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl serde::Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for ErrorCode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        ErrorCode::parse(&text).ok_or_else(|| serde::de::Error::custom(format!("unknown error code {text:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const START: &str = "<!-- error-codes:start (generated: cargo run -- error-codes) -->\n";
    const END: &str = "<!-- error-codes:end -->";

    #[test]
    fn codes_are_unique_snake_case_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            let text = code.as_str();
            assert!(seen.insert(text), "{text} twice");
            assert!(text.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{text}");
            assert_eq!(ErrorCode::parse(text), Some(*code));
            assert_eq!(serde_json::to_string(code).unwrap(), format!("\"{text}\""));
            assert_eq!(serde_json::from_str::<ErrorCode>(&format!("\"{text}\"")).unwrap(), *code);
            assert!(!code.meaning().is_empty() && !code.meaning().contains('\n'), "{text}");
            if let Some(status) = code.status() {
                assert!(status.is_redirection() || status.is_client_error() || status.is_server_error(), "{text}");
            }
        }
        assert_eq!(ErrorCode::parse("no_such_code"), None);
    }

    /// The docs' table is the enum's: regenerate it with `cargo run -- error-codes` and paste it
    /// between the markers in docs/api-conventions.md.
    #[test]
    fn the_docs_table_of_codes_is_generated_from_the_enum() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/api-conventions.md");
        let docs = std::fs::read_to_string(path).unwrap();
        let start = docs.find(START).expect("docs/api-conventions.md lacks the error-codes start marker") + START.len();
        let end = docs[start..].find(END).expect("docs/api-conventions.md lacks the error-codes end marker") + start;
        assert!(
            docs[start..end] == ErrorCode::markdown_tables(),
            "docs/api-conventions.md's table of error codes differs from src/error/codes.rs; \
             replace it with the output of `cargo run -q -- error-codes`"
        );
    }
}
