//! The access policy: the one place that decides whether a signed-in user may do an action on
//! a record, from the user's roles and unit and the record's unit. Every endpoint asks here.
//! Service clients (machines signed in with client credentials) are principals too: read-only,
//! limited to their scopes and, when bound to a unit, to that unit.

use crate::domain::ids::{UnitId, UserId};
use crate::error::{ApiError, ErrorCode};

// What a user is to the board is a domain notion; the policy decides what each role may do.
pub use crate::domain::roles::{Role, ALL_ROLES};

/// Scopes a service client can be granted.
pub const SCOPE_READ: &str = "read";
pub const SCOPE_EVENTS_READ: &str = "events:read";
pub const SCOPE_REPORTS_READ: &str = "reports:read";
pub const SCOPE_AUDIT_READ: &str = "audit:read";
pub const ALL_SCOPES: [&str; 4] = [SCOPE_READ, SCOPE_EVENTS_READ, SCOPE_REPORTS_READ, SCOPE_AUDIT_READ];

/// Who is asking: the claims of a verified access token whose session (or client) is still valid.
#[derive(Clone, Debug)]
pub struct Principal {
    /// The user's id; for a service client, the client's id.
    pub user_id: UserId,
    pub session_id: String,
    /// A service client's roles are always `[Viewer]`.
    pub roles: Vec<Role>,
    /// The department or commune the user acts for (or a client is bound to); none for
    /// provincial staff.
    pub unit_id: Option<UnitId>,
    /// The service client's id; None for users.
    pub client_id: Option<String>,
    /// A service client's granted scopes; None for users, who are not scope-limited.
    pub scopes: Option<Vec<String>>,
}

impl Principal {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    pub fn is_client(&self) -> bool {
        self.client_id.is_some()
    }

    /// Users hold every scope; clients those they were granted.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.as_ref().is_none_or(|granted| granted.iter().any(|s| s == scope))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Read,
    Create,
    Update,
    Delete,
}

/// What is being acted on, with the unit that owns it.
#[derive(Clone, Copy, Debug)]
pub enum Resource {
    /// The units registry and the catalogues: shared by everyone, written by the board.
    Registry,
    /// A user account, belonging to a unit (or to the province when none).
    UserAccount { unit_id: Option<UnitId> },
    /// Anything a unit produces (registrations, achievements, nominations): visible to the
    /// unit's own people and to province-level staff, changed by the unit's officers.
    UnitRecord { unit_id: UnitId },
    /// A unit's record a council member may need to review: a nomination on the agenda of one of
    /// their sessions, or what its dossier rests on (the nominee, the achievements it cites and
    /// their evidence). `on_agenda` says whether the record is linked to such a nomination.
    /// Otherwise exactly a `UnitRecord`.
    ReviewedRecord { unit_id: UnitId, on_agenda: bool },
}

#[derive(Debug, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// 403: the user may see the record but not do this.
    Forbidden,
    /// 404: the user may not even know the record exists.
    Hidden,
}

pub fn decide(who: &Principal, action: Action, resource: Resource) -> Decision {
    // Clients are read-only in this version. (Their `read` scope is checked by the `AuthUser`
    // extractor for every endpoint but the feed, reports and audit trail, which have their own.)
    if who.is_client() && action != Action::Read {
        return Decision::Forbidden;
    }
    if who.has(Role::Admin) {
        return Decision::Allow;
    }
    match resource {
        Resource::Registry => match action {
            Action::Read => Decision::Allow,
            _ => Decision::Forbidden,
        },
        Resource::UserAccount { unit_id } => {
            // Officers see the accounts of their own unit; the unit's admin manages them (which
            // roles it may give is the endpoint's check); the rest is the board's.
            let own_unit = who.unit_id.is_some() && who.unit_id == unit_id;
            match (who.has(Role::UnitAdmin), who.has(Role::UnitOfficer), own_unit, action) {
                (true, _, true, _) | (_, true, true, Action::Read) => Decision::Allow,
                (_, true, true, _) => Decision::Forbidden,
                _ => Decision::Hidden,
            }
        }
        // A council member reads what their agenda needs — and, if they belong to a unit, their
        // own unit's records too (agenda or own unit); they never change another unit's.
        Resource::ReviewedRecord { unit_id, on_agenda } => {
            if action == Action::Read && on_agenda && who.has(Role::CouncilMember) && !who.is_client() {
                Decision::Allow
            } else {
                decide(who, action, Resource::UnitRecord { unit_id })
            }
        }
        Resource::UnitRecord { unit_id } => {
            if !sees_unit(who, unit_id) {
                Decision::Hidden
            } else if action == Action::Read || (acts_for_unit(who) && who.unit_id == Some(unit_id)) {
                Decision::Allow
            } else {
                Decision::Forbidden
            }
        }
    }
}

/// Officers and the unit's admin do the unit's own work (registrations, achievements,
/// nominations) for it.
fn acts_for_unit(who: &Principal) -> bool {
    who.has(Role::UnitOfficer) || who.has(Role::UnitAdmin)
}

/// Whether `who` runs the work of a level — its campaigns, rounds, councils, the nominations of
/// the awards its head grants and its decisions: the board every level's, a unit's admin only
/// its own unit's. `None` is the province's level, which only the board runs.
pub fn runs_level(who: &Principal, level: Option<UnitId>) -> bool {
    !who.is_client() && (who.has(Role::Admin) || (who.has(Role::UnitAdmin) && level.is_some() && level == who.unit_id))
}

/// `runs_level` as the error a handler returns (403: the record itself is visible).
pub fn require_runs_level(who: &Principal, level: Option<UnitId>) -> Result<(), ApiError> {
    if runs_level(who, level) {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

/// The level new work runs at when `who` asks for `asked`: a unit's admin always runs its own
/// unit's (asking for another is refused); the board runs the province's, or records a unit's
/// when it names one.
pub fn level_for_new(who: &Principal, asked: Option<UnitId>) -> Result<Option<UnitId>, ApiError> {
    if who.has(Role::Admin) && !who.is_client() {
        return Ok(asked);
    }
    let own = who.unit_id.filter(|_| who.has(Role::UnitAdmin) && !who.is_client());
    match (own, asked) {
        (Some(own), None) => Ok(Some(own)),
        (Some(own), Some(asked)) if asked == own => Ok(Some(own)),
        _ => Err(ApiError::forbidden()),
    }
}

/// How much of the change feed a reader sees: the same records `decide` lets them read. Admins
/// see everything; province-level readers see the registry and every unit's records; anyone
/// bound to a unit sees the registry and their own unit's records.
pub fn feed_reach(who: &Principal) -> crate::db::journal::FeedReach {
    use crate::db::journal::FeedReach;
    if who.has(Role::Admin) {
        return FeedReach::Everything;
    }
    match who.unit_id {
        // Those who read the unit's accounts (`Resource::UserAccount`) follow them too.
        Some(unit) if who.has(Role::UnitAdmin) || who.has(Role::UnitOfficer) => FeedReach::OneUnitWithAccounts(unit),
        Some(unit) => FeedReach::OneUnit(unit),
        None if province_reader(who) => FeedReach::AllUnits,
        // Council members who are nothing else see nominations only on their agenda (through
        // the council endpoints), so their feed carries shared data only; so does anyone else
        // without a unit or a province-level role.
        None => FeedReach::RegistryOnly,
    }
}

/// Whether `who` may see records of `unit_id` at all (scopes aside): admins and province-level
/// readers see every unit, everyone else (unit-bound clients included) only their own. Council
/// members are not province-level readers: they see what is on their agenda
/// (`Resource::ReviewedRecord`), not every unit's people, achievements and registrations. For
/// endpoints such as a change feed that filter many records after `require_scope`.
pub fn sees_unit(who: &Principal, unit_id: UnitId) -> bool {
    if who.has(Role::Admin) {
        return true;
    }
    match who.unit_id {
        Some(own) => own == unit_id,
        None => province_reader(who),
    }
}

/// Province-level readers: approvers and viewers without a unit read every unit's records.
fn province_reader(who: &Principal) -> bool {
    who.unit_id.is_none() && who.roles.iter().any(|r| matches!(r, Role::Approver | Role::Viewer))
}

/// Whether `who` reads unit records across units without a unit of their own (admins,
/// approvers and viewers of the province): lists for anyone else are limited to their unit, or
/// refused when they have none.
pub fn reads_all_units(who: &Principal) -> bool {
    who.has(Role::Admin) || province_reader(who)
}

/// Whose unit records a caller may list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ListReach {
    /// Every unit's (admins and province-level readers), optionally narrowed by the caller.
    AllUnits,
    /// Only this unit's: the caller's own, whatever unit they asked for.
    OwnUnit(UnitId),
}

/// How far a caller's lists of unit records reach: every unit for those who `reads_all_units`,
/// the own unit for anyone bound to one, and none (`None`) for the rest — council members
/// without a unit, who list only their agenda, and accounts bound to no unit.
pub fn list_reach(who: &Principal) -> Option<ListReach> {
    if reads_all_units(who) {
        Some(ListReach::AllUnits)
    } else {
        who.unit_id.map(ListReach::OwnUnit)
    }
}

/// The unit a caller's list of unit records is limited to: the one asked for (`None`: every
/// unit's) for those whose lists reach all units, their own for the rest whatever they asked,
/// and 403 for a caller whose lists reach no unit.
pub fn listed_unit(who: &Principal, asked: Option<UnitId>) -> Result<Option<UnitId>, ApiError> {
    match list_reach(who) {
        Some(ListReach::AllUnits) => Ok(asked),
        Some(ListReach::OwnUnit(own)) => Ok(Some(own)),
        None => Err(ApiError::forbidden()),
    }
}

/// Whether the caller reads unit records as a council member — the agenda of their sessions
/// (and, if they belong to a unit, their unit's too) — rather than every unit's.
pub fn reviews_agenda(who: &Principal) -> bool {
    who.has(Role::CouncilMember) && !reads_all_units(who)
}

/// For endpoints that need a scope (a client's token must carry it; users always pass):
/// 403 `insufficient_scope` otherwise.
pub fn require_scope(who: &Principal, scope: &str) -> Result<(), ApiError> {
    if who.has_scope(scope) {
        Ok(())
    } else {
        Err(ApiError::new(ErrorCode::InsufficientScope, format!("this client's token lacks the `{scope}` scope"))
            .localized("insufficient_scope-scope", [("scope", crate::error::Arg::text(scope))]))
    }
}

/// `decide`, as the error a handler returns.
pub fn authorize(who: &Principal, action: Action, resource: Resource) -> Result<(), ApiError> {
    authorize_or_hide(who, action, resource, || ApiError::not_found("record"))
}

/// `decide` for a record just loaded: a record the caller may not know of answers `missing()`,
/// exactly as one that does not exist.
pub fn authorize_or_hide(
    who: &Principal,
    action: Action,
    resource: Resource,
    missing: impl FnOnce() -> ApiError,
) -> Result<(), ApiError> {
    match decide(who, action, resource) {
        Decision::Allow => Ok(()),
        Decision::Forbidden => Err(ApiError::forbidden()),
        Decision::Hidden => Err(missing()),
    }
}

/// For endpoints that only some roles may use at all: checked before any record is loaded, so
/// the answer (403) is the same whether or not the id exists.
pub fn require_any(who: &Principal, roles: &[Role]) -> Result<(), ApiError> {
    if who.has(Role::Admin) || roles.iter().any(|r| who.has(*r)) {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: UnitId = UnitId::from_u128(0xA);
    const B: UnitId = UnitId::from_u128(0xB);

    fn user(roles: &[Role], unit: Option<UnitId>) -> Principal {
        Principal {
            user_id: UserId::generate(),
            session_id: "s".into(),
            roles: roles.to_vec(),
            unit_id: unit,
            client_id: None,
            scopes: None,
        }
    }

    fn client(scopes: &[&str], unit: Option<UnitId>) -> Principal {
        Principal {
            client_id: Some("c".into()),
            scopes: Some(scopes.iter().map(std::string::ToString::to_string).collect()),
            ..user(&[Role::Viewer], unit)
        }
    }

    #[test]
    fn clients_only_read_within_their_scope_and_unit() {
        let provincial = client(&[SCOPE_READ], None);
        for action in [Action::Create, Action::Update, Action::Delete] {
            assert_eq!(decide(&provincial, action, Resource::Registry), Decision::Forbidden);
            assert_eq!(decide(&provincial, action, Resource::UnitRecord { unit_id: A }), Decision::Forbidden);
        }
        assert_eq!(decide(&provincial, Action::Read, Resource::UnitRecord { unit_id: A }), Decision::Allow);
        let bound = client(&[SCOPE_READ], Some(A));
        assert_eq!(decide(&bound, Action::Read, Resource::UnitRecord { unit_id: A }), Decision::Allow);
        assert_eq!(decide(&bound, Action::Read, Resource::UnitRecord { unit_id: B }), Decision::Hidden);
        // The `read` scope itself is the extractor's check (tests/api/service_clients.rs).
        let feed_only = client(&[SCOPE_EVENTS_READ], None);
        assert!(require_scope(&feed_only, SCOPE_READ).is_err());
        assert!(require_scope(&feed_only, SCOPE_EVENTS_READ).is_ok());
        assert_eq!(require_scope(&feed_only, SCOPE_AUDIT_READ).unwrap_err().code, "insufficient_scope");
        assert!(require_scope(&user(&[Role::Viewer], None), SCOPE_AUDIT_READ).is_ok(), "users are not scope-limited");
    }

    #[test]
    fn registry_is_read_by_all_and_written_by_admins() {
        for role in ALL_ROLES {
            let who = user(&[role], Some(A));
            assert_eq!(decide(&who, Action::Read, Resource::Registry), Decision::Allow);
            let write = decide(&who, Action::Update, Resource::Registry);
            assert_eq!(write == Decision::Allow, role == Role::Admin, "{role:?}");
        }
    }

    #[test]
    fn officers_act_only_within_their_unit_and_other_units_are_hidden() {
        let officer = user(&[Role::UnitOfficer], Some(A));
        for action in [Action::Read, Action::Create, Action::Update, Action::Delete] {
            assert_eq!(decide(&officer, action, Resource::UnitRecord { unit_id: A }), Decision::Allow);
            assert_eq!(decide(&officer, action, Resource::UnitRecord { unit_id: B }), Decision::Hidden);
            assert_eq!(decide(&officer, action, Resource::UserAccount { unit_id: Some(B) }), Decision::Hidden);
        }
        assert_eq!(decide(&officer, Action::Read, Resource::UserAccount { unit_id: Some(A) }), Decision::Allow);
        assert_eq!(decide(&officer, Action::Update, Resource::UserAccount { unit_id: Some(A) }), Decision::Forbidden);
        assert_eq!(decide(&officer, Action::Read, Resource::UserAccount { unit_id: None }), Decision::Hidden);
    }

    #[test]
    fn viewers_only_read() {
        let provincial = user(&[Role::Viewer], None);
        assert_eq!(decide(&provincial, Action::Read, Resource::UnitRecord { unit_id: B }), Decision::Allow);
        assert_eq!(decide(&provincial, Action::Update, Resource::UnitRecord { unit_id: B }), Decision::Forbidden);
        let local = user(&[Role::Viewer], Some(A));
        assert_eq!(decide(&local, Action::Read, Resource::UnitRecord { unit_id: A }), Decision::Allow);
        assert_eq!(decide(&local, Action::Create, Resource::UnitRecord { unit_id: A }), Decision::Forbidden);
        assert_eq!(decide(&local, Action::Read, Resource::UnitRecord { unit_id: B }), Decision::Hidden);
    }

    #[test]
    fn the_feed_reaches_what_decide_lets_a_reader_read() {
        use crate::db::journal::FeedReach;
        assert_eq!(feed_reach(&user(&[Role::Admin], None)), FeedReach::Everything);
        assert_eq!(feed_reach(&user(&[Role::Viewer], None)), FeedReach::AllUnits);
        assert_eq!(feed_reach(&user(&[Role::CouncilMember, Role::Viewer], None)), FeedReach::AllUnits);
        assert_eq!(feed_reach(&user(&[Role::CouncilMember], None)), FeedReach::RegistryOnly);
        // Officers and the unit's admin read their unit's accounts, so they follow them too.
        assert_eq!(feed_reach(&user(&[Role::UnitOfficer], Some(A))), FeedReach::OneUnitWithAccounts(A));
        assert_eq!(feed_reach(&user(&[Role::UnitAdmin], Some(A))), FeedReach::OneUnitWithAccounts(A));
        assert_eq!(
            decide(&user(&[Role::Viewer], Some(A)), Action::Read, Resource::UserAccount { unit_id: Some(A) }),
            Decision::Hidden
        );
        assert_eq!(feed_reach(&user(&[Role::Viewer], Some(A))), FeedReach::OneUnit(A));
        // An officer without a unit reads no unit's records, so no unit's events either.
        let unbound = user(&[Role::UnitOfficer], None);
        assert_eq!(decide(&unbound, Action::Read, Resource::UnitRecord { unit_id: B }), Decision::Hidden);
        assert_eq!(feed_reach(&unbound), FeedReach::RegistryOnly);
    }

    #[test]
    fn council_members_read_their_agenda_and_their_own_unit_only() {
        let member = user(&[Role::CouncilMember], None);
        let agenda = Resource::ReviewedRecord { unit_id: B, on_agenda: true };
        let elsewhere = Resource::ReviewedRecord { unit_id: B, on_agenda: false };
        assert_eq!(decide(&member, Action::Read, agenda), Decision::Allow);
        assert_eq!(decide(&member, Action::Read, elsewhere), Decision::Hidden);
        assert_eq!(
            decide(&member, Action::Read, Resource::UnitRecord { unit_id: B }),
            Decision::Hidden,
            "not a province-level reader"
        );
        assert_eq!(decide(&member, Action::Update, agenda), Decision::Hidden, "reviewing is reading");
        assert!(!sees_unit(&member, B) && !reads_all_units(&member));
        // A member who also belongs to a unit: agenda or own unit.
        let local = user(&[Role::CouncilMember], Some(A));
        assert_eq!(
            decide(&local, Action::Read, Resource::ReviewedRecord { unit_id: A, on_agenda: false }),
            Decision::Allow
        );
        assert_eq!(
            decide(&local, Action::Read, Resource::ReviewedRecord { unit_id: B, on_agenda: true }),
            Decision::Allow
        );
        assert_eq!(
            decide(&local, Action::Read, Resource::ReviewedRecord { unit_id: B, on_agenda: false }),
            Decision::Hidden
        );
        // Other roles are unchanged by an agenda.
        assert_eq!(decide(&user(&[Role::UnitOfficer], Some(A)), Action::Read, agenda), Decision::Hidden);
        assert_eq!(decide(&user(&[Role::CouncilMember, Role::Viewer], None), Action::Read, elsewhere), Decision::Allow);
    }

    #[test]
    fn lists_reach_every_unit_only_for_the_board_and_province_level_readers() {
        for roles in [&[Role::Admin][..], &[Role::Viewer], &[Role::Approver], &[Role::CouncilMember, Role::Viewer]] {
            assert_eq!(list_reach(&user(roles, None)), Some(ListReach::AllUnits), "{roles:?}");
            assert!(reads_all_units(&user(roles, None)) && !reviews_agenda(&user(roles, None)), "{roles:?}");
        }
        // Admins read every unit even when they belong to one.
        assert_eq!(list_reach(&user(&[Role::Admin], Some(A))), Some(ListReach::AllUnits));
        // Anyone else bound to a unit: that unit's, whatever the role.
        for role in [Role::UnitOfficer, Role::CouncilMember, Role::Approver, Role::Viewer] {
            let local = user(&[role], Some(A));
            assert_eq!(list_reach(&local), Some(ListReach::OwnUnit(A)), "{role:?}");
            assert!(!reads_all_units(&local) && !sees_unit(&local, B), "{role:?}");
        }
        assert!(reviews_agenda(&user(&[Role::CouncilMember], Some(A))));
        // No unit and no province-level role: no unit's records (council members: their agenda).
        let member = user(&[Role::CouncilMember], None);
        assert_eq!(list_reach(&member), None);
        assert!(reviews_agenda(&member));
        let unbound = user(&[Role::UnitOfficer], None);
        assert_eq!(list_reach(&unbound), None);
        assert_eq!(listed_unit(&unbound, None).unwrap_err().code, "forbidden");
        // A list is narrowed to the unit asked for, or to the caller's own whatever they asked.
        assert_eq!(listed_unit(&user(&[Role::Admin], Some(A)), Some(B)).unwrap(), Some(B));
        assert_eq!(listed_unit(&user(&[Role::Admin], Some(A)), None).unwrap(), None);
        assert_eq!(listed_unit(&user(&[Role::UnitOfficer], Some(A)), Some(B)).unwrap(), Some(A));
        assert_eq!(listed_unit(&user(&[Role::Viewer], Some(A)), None).unwrap(), Some(A));
        // A client reads like a viewer: every unit unbound, its unit when bound.
        assert_eq!(list_reach(&client(&[SCOPE_READ], None)), Some(ListReach::AllUnits));
        assert_eq!(list_reach(&client(&[SCOPE_READ], Some(A))), Some(ListReach::OwnUnit(A)));
    }

    #[test]
    fn a_units_admin_runs_its_own_level_and_nothing_else() {
        let admin_a = user(&[Role::UnitAdmin], Some(A));
        assert!(runs_level(&admin_a, Some(A)));
        assert!(!runs_level(&admin_a, Some(B)), "another unit's level");
        assert!(!runs_level(&admin_a, None), "the province's level is the board's");
        assert!(runs_level(&user(&[Role::Admin], None), Some(B)) && runs_level(&user(&[Role::Admin], None), None));
        for role in [Role::UnitOfficer, Role::Approver, Role::Viewer, Role::CouncilMember] {
            assert!(!runs_level(&user(&[role], Some(A)), Some(A)), "{role:?}");
        }
        assert!(!runs_level(&user(&[Role::UnitAdmin], None), None), "an admin of no unit runs nothing");
        // New work: its own unit's, whatever it asks; the board's as asked.
        assert_eq!(level_for_new(&admin_a, None).unwrap(), Some(A));
        assert_eq!(level_for_new(&admin_a, Some(A)).unwrap(), Some(A));
        assert_eq!(level_for_new(&admin_a, Some(B)).unwrap_err().code, "forbidden");
        assert_eq!(level_for_new(&user(&[Role::Admin], None), Some(B)).unwrap(), Some(B));
        assert_eq!(level_for_new(&user(&[Role::UnitOfficer], Some(A)), None).unwrap_err().code, "forbidden");
        // Its unit's accounts are its to manage; other units' and the province's do not exist for it.
        for action in [Action::Read, Action::Create, Action::Update, Action::Delete] {
            assert_eq!(decide(&admin_a, action, Resource::UserAccount { unit_id: Some(A) }), Decision::Allow);
            assert_eq!(decide(&admin_a, action, Resource::UserAccount { unit_id: Some(B) }), Decision::Hidden);
            assert_eq!(decide(&admin_a, action, Resource::UserAccount { unit_id: None }), Decision::Hidden);
            assert_eq!(decide(&admin_a, action, Resource::UnitRecord { unit_id: A }), Decision::Allow);
            assert_eq!(decide(&admin_a, action, Resource::UnitRecord { unit_id: B }), Decision::Hidden);
        }
        assert_eq!(decide(&admin_a, Action::Update, Resource::Registry), Decision::Forbidden);
        assert_eq!(list_reach(&admin_a), Some(ListReach::OwnUnit(A)));
    }

    #[test]
    fn roles_round_trip_through_storage() {
        let stored = Role::join(&[Role::Viewer, Role::Admin, Role::Viewer]);
        assert_eq!(stored, "admin,viewer");
        assert_eq!(Role::split(&stored), [Role::Admin, Role::Viewer]);
    }
}
