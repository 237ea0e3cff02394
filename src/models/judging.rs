//! The facts eligibility is judged on, gathered for many nominations at once (a dossier's
//! thousands of lines) in a few queries per 500 nominations instead of a dozen per nomination.
//!
//! What is the same for every line (award types and their rules, the round's quotas, the
//! dossier's shared documents, the unit's title registration) is read once; what differs (prior
//! awards, nominations under review or granted, documents, achievements, initiatives) is read for
//! all the nominations together, before any is judged. Each nomination that passes is then
//! counted in memory as submitted ([`Judging::accept`]), so the next one is judged as it would be
//! one request at a time: the same dossier's LĐTT line meets a CSTĐ line's prerequisite, a second
//! line for the same person is a duplicate, the quota fills up. The caller writes each accepted
//! nomination's new status before judging the next, so the few facts still read per nomination
//! (a collective's members and predecessors, a household's titles) see it too.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::schema::{
    award_round_types, awards, dossier_lines, initiative_authors, initiatives, nomination_achievements, nominations,
    stored_files, title_registration_entries, title_registrations, unit_dossiers,
};
use crate::db::{self, DbConn};
use crate::domain::awards::{quota, NomineeKind, Severity};
use crate::domain::ids::{AchievementId, AwardTypeId, AwardTypeVersionId, DossierId, NominationId, PersonId, UnitId};
use crate::domain::initiatives::RecognitionScope;
use crate::domain::nominations::{
    judge, required_documents, DocumentKind, Eligibility, EligibilityFacts, NominationStatus,
};
use crate::domain::rounds::TitleRegistrationStatus;
use crate::error::ApiError;
use crate::models::awards::{
    find_award_type, find_award_type_by_code, unit_and_predecessors, version_on, AwardType, AwardTypeVersion,
};
use crate::models::nominations::Nomination;

type Db = <DbConn as Connection>::Backend;

/// A title, a year and a unit: the scope of quotas and of the duplicate check.
type Scope = (AwardTypeId, i32, UnitId);

/// A title for a person, or for the unit itself (None), as a registration lists it.
type Listed = (AwardTypeId, Option<PersonId>);

/// A nomination under review or granted, as the duplicate check and the quota count it.
#[derive(Clone)]
struct Running {
    id: NominationId,
    person_id: Option<PersonId>,
    kind: NomineeKind,
    household: Option<String>,
}

impl Running {
    fn of(n: &Nomination) -> Self {
        Running { id: n.id, person_id: n.person_id, kind: n.nominee_kind, household: n.household_name.clone() }
    }
}

/// Statuses that count against a quota and make a second nomination a duplicate.
fn granting() -> Vec<NominationStatus> {
    NominationStatus::ALL.iter().copied().filter(|s| s.uses_quota()).collect()
}

/// Statuses of a nomination still in the running for its title (a prerequisite proposed in the
/// same round meets it with a warning).
const UNDER_REVIEW: [NominationStatus; 4] =
    [NominationStatus::Submitted, NominationStatus::Appraised, NominationStatus::Approved, NominationStatus::Posted];

/// One nomination judged: the result and the rules version it was judged under.
pub struct Judged {
    pub eligibility: Eligibility,
    pub version_id: Option<AwardTypeVersionId>,
}

/// The facts for a batch of nominations, read once and kept current as nominations pass.
pub struct Judging {
    today: NaiveDate,
    types: HashMap<AwardTypeId, (AwardType, Vec<AwardTypeVersion>)>,
    by_code: HashMap<String, Option<AwardType>>,
    line_dossier: HashMap<NominationId, DossierId>,
    round_quota: HashMap<(DossierId, AwardTypeId), Option<(AwardTypeId, String)>>,
    dossier_documents: HashMap<DossierId, Vec<DocumentKind>>,
    documents: HashMap<NominationId, Vec<DocumentKind>>,
    achievements: HashMap<NominationId, Vec<AchievementId>>,
    /// For each achievement, the nominations under review or granted that rest on it.
    rewarded: HashMap<AchievementId, Vec<NominationId>>,
    /// A person's award years by title (not revoked).
    person_awards: HashMap<(PersonId, AwardTypeId), Vec<i32>>,
    /// A person's nominations under review by title: (nomination, year).
    person_pending: HashMap<(PersonId, AwardTypeId), Vec<(NominationId, i32)>>,
    /// Nominations under review or granted per title, year and unit.
    running: HashMap<Scope, Vec<Running>>,
    /// Holders of a title per title, year and unit (quota bases): the person, or None.
    held: HashMap<Scope, Vec<Option<PersonId>>>,
    /// The titles each (unit, year)'s accepted registration lists: (title, person or None).
    registered: HashMap<(UnitId, i32), HashSet<Listed>>,
    recognitions: HashMap<PersonId, Vec<(RecognitionScope, i32)>>,
}

impl Judging {
    /// Reads the facts for `batch` (judged in that order afterwards, each after [`Self::accept`]
    /// of those before it that passed).
    pub fn load(conn: &mut DbConn, batch: &[Nomination], today: NaiveDate) -> Result<Judging, ApiError> {
        let mut j = Judging {
            today,
            types: HashMap::new(),
            by_code: HashMap::new(),
            line_dossier: HashMap::new(),
            round_quota: HashMap::new(),
            dossier_documents: HashMap::new(),
            documents: HashMap::new(),
            achievements: HashMap::new(),
            rewarded: HashMap::new(),
            person_awards: HashMap::new(),
            person_pending: HashMap::new(),
            running: HashMap::new(),
            held: HashMap::new(),
            registered: HashMap::new(),
            recognitions: HashMap::new(),
        };
        // The titles, their rules, and the titles those rules name (prerequisites, quota bases).
        let mut required: HashSet<AwardTypeId> = HashSet::new();
        let mut needs_recognitions: HashSet<PersonId> = HashSet::new();
        for n in batch {
            if let std::collections::hash_map::Entry::Vacant(slot) = j.types.entry(n.award_type_id) {
                slot.insert(find_award_type(conn, n.award_type_id)?);
            }
            let Some(version) = j.version_of(n.award_type_id).cloned() else { continue };
            for p in version.prerequisite_list()? {
                if let Some(t) = j.type_by_code(conn, &p.award_type_code)? {
                    required.insert(t.id);
                }
            }
            if let Some(code) = &version.quota_of_code {
                j.type_by_code(conn, code)?;
            }
            if let (Some(_), Some(person)) = (version.initiative_requirement()?, n.person_id) {
                needs_recognitions.insert(person);
            }
        }
        let ids: Vec<NominationId> = batch.iter().map(|n| n.id).collect();
        let persons: Vec<PersonId> =
            batch.iter().filter_map(|n| n.person_id).collect::<HashSet<_>>().into_iter().collect();
        let required: Vec<AwardTypeId> = required.into_iter().collect();
        let granting = granting();
        for chunk in ids.chunks(db::BATCH_ROWS) {
            let lines: Vec<(NominationId, DossierId)> = dossier_lines::table
                .filter(db::one_of(dossier_lines::nomination_id, chunk))
                .select((dossier_lines::nomination_id, dossier_lines::dossier_id))
                .load(conn)?;
            j.line_dossier.extend(lines);
            let kinds: Vec<(Option<NominationId>, Option<DocumentKind>)> = stored_files::table
                .filter(db::one_of(stored_files::nomination_id, chunk))
                .select((stored_files::nomination_id, stored_files::kind))
                .load(conn)?;
            for (id, kind) in kinds {
                if let (Some(id), Some(kind)) = (id, kind) {
                    j.documents.entry(id).or_default().push(kind);
                }
            }
            let links: Vec<(NominationId, AchievementId)> = nomination_achievements::table
                .filter(db::one_of(nomination_achievements::nomination_id, chunk))
                .select((nomination_achievements::nomination_id, nomination_achievements::achievement_id))
                .load(conn)?;
            for (id, achievement) in links {
                j.achievements.entry(id).or_default().push(achievement);
            }
        }
        let used: Vec<AchievementId> =
            j.achievements.values().flatten().copied().collect::<HashSet<_>>().into_iter().collect();
        for chunk in used.chunks(db::BATCH_ROWS) {
            let behind: Vec<(AchievementId, NominationId)> = nomination_achievements::table
                .inner_join(nominations::table.on(nominations::id.eq(nomination_achievements::nomination_id)))
                .filter(db::one_of(nomination_achievements::achievement_id, chunk))
                .filter(db::one_of(nominations::status, &granting))
                .select((nomination_achievements::achievement_id, nominations::id))
                .load(conn)?;
            for (achievement, id) in behind {
                j.rewarded.entry(achievement).or_default().push(id);
            }
        }
        if !required.is_empty() {
            for chunk in persons.chunks(db::BATCH_ROWS) {
                let held: Vec<(Option<PersonId>, AwardTypeId, i32)> = awards::table
                    .filter(db::one_of(awards::person_id, chunk))
                    .filter(db::one_of(awards::award_type_id, &required))
                    .filter(awards::revoked_at.is_null())
                    .select((awards::person_id, awards::award_type_id, awards::year))
                    .load(conn)?;
                for (person, award_type, year) in held {
                    if let Some(person) = person {
                        j.person_awards.entry((person, award_type)).or_default().push(year);
                    }
                }
                let pending: Vec<(Option<PersonId>, AwardTypeId, NominationId, i32)> = nominations::table
                    .filter(db::one_of(nominations::person_id, chunk))
                    .filter(db::one_of(nominations::award_type_id, &required))
                    .filter(db::one_of(nominations::status, &UNDER_REVIEW))
                    .select((nominations::person_id, nominations::award_type_id, nominations::id, nominations::year))
                    .load(conn)?;
                for (person, award_type, id, year) in pending {
                    if let Some(person) = person {
                        j.person_pending.entry((person, award_type)).or_default().push((id, year));
                    }
                }
            }
        }
        // Each title, year and unit a nomination is counted in: its own (duplicates, the quota
        // used) and its quota's base title.
        let mut scopes: HashSet<Scope> = HashSet::new();
        let mut bases: HashSet<Scope> = HashSet::new();
        let mut dossiers: HashSet<DossierId> = HashSet::new();
        for n in batch {
            scopes.insert((n.award_type_id, n.year, n.unit_id));
            let base = match j.line_dossier.get(&n.id).copied() {
                Some(dossier) => {
                    dossiers.insert(dossier);
                    j.round_quota_of(conn, dossier, n.award_type_id)?.map(|(base, _)| base)
                }
                None => j.rules_quota_of(n.award_type_id)?.and_then(|(base, _)| base),
            };
            if let Some(base) = base {
                scopes.insert((base, n.year, n.unit_id));
                bases.insert((base, n.year, n.unit_id));
            }
        }
        for scope @ (award_type, year, unit) in scopes {
            let rows: Vec<(NominationId, Option<PersonId>, NomineeKind, Option<String>)> = nominations::table
                .filter(nominations::award_type_id.eq(award_type))
                .filter(nominations::year.eq(year))
                .filter(nominations::unit_id.eq(unit))
                .filter(db::one_of(nominations::status, &granting))
                .select((
                    nominations::id,
                    nominations::person_id,
                    nominations::nominee_kind,
                    nominations::household_name,
                ))
                .load(conn)?;
            let running = rows
                .into_iter()
                .map(|(id, person_id, kind, household)| Running { id, person_id, kind, household })
                .collect();
            j.running.insert(scope, running);
        }
        for scope @ (award_type, year, unit) in bases {
            let holders: Vec<Option<PersonId>> = awards::table
                .filter(awards::award_type_id.eq(award_type))
                .filter(awards::unit_id.eq(unit))
                .filter(awards::year.eq(year))
                .filter(awards::revoked_at.is_null())
                .select(awards::person_id)
                .load(conn)?;
            j.held.insert(scope, holders);
        }
        for dossier in dossiers {
            let kinds: Vec<Option<DocumentKind>> = stored_files::table
                .filter(stored_files::dossier_id.eq(dossier))
                .select(stored_files::kind)
                .load(conn)?;
            j.dossier_documents.insert(dossier, kinds.into_iter().flatten().collect());
        }
        let unit_years: HashSet<(UnitId, i32)> =
            batch.iter().filter(|n| j.line_dossier.contains_key(&n.id)).map(|n| (n.unit_id, n.year)).collect();
        for (unit, year) in unit_years {
            let listed: Vec<(AwardTypeId, Option<PersonId>)> = title_registration_entries::table
                .inner_join(
                    title_registrations::table
                        .on(title_registrations::id.eq(title_registration_entries::registration_id)),
                )
                .filter(title_registrations::unit_id.eq(unit))
                .filter(title_registrations::year.eq(year))
                .filter(title_registrations::status.eq(TitleRegistrationStatus::Accepted))
                .select((title_registration_entries::award_type_id, title_registration_entries::person_id))
                .load(conn)?;
            j.registered.insert((unit, year), listed.into_iter().collect());
        }
        let needs_recognitions: Vec<PersonId> = needs_recognitions.into_iter().collect();
        for chunk in needs_recognitions.chunks(db::BATCH_ROWS) {
            let found: Vec<(PersonId, RecognitionScope, i32)> = initiatives::table
                .inner_join(initiative_authors::table.on(initiative_authors::initiative_id.eq(initiatives::id)))
                .filter(db::one_of(initiative_authors::person_id, chunk))
                .select((initiative_authors::person_id, initiatives::scope, initiatives::year))
                .load(conn)?;
            for (person, scope, year) in found {
                j.recognitions.entry(person).or_default().push((scope, year));
            }
        }
        Ok(j)
    }

    fn version_of(&self, award_type: AwardTypeId) -> Option<&AwardTypeVersion> {
        self.types.get(&award_type).and_then(|(_, versions)| version_on(versions, self.today))
    }

    fn type_by_code(&mut self, conn: &mut DbConn, code: &str) -> Result<Option<AwardType>, ApiError> {
        if !self.by_code.contains_key(code) {
            let found = find_award_type_by_code(conn, code)?;
            self.by_code.insert(code.to_string(), found);
        }
        Ok(self.by_code[code].clone())
    }

    /// The quota a round sets for a title (for its dossiers' lines): the base title and the percent.
    fn round_quota_of(
        &mut self,
        conn: &mut DbConn,
        dossier: DossierId,
        award_type: AwardTypeId,
    ) -> Result<Option<(AwardTypeId, String)>, ApiError> {
        if let Some(known) = self.round_quota.get(&(dossier, award_type)) {
            return Ok(known.clone());
        }
        let found: Option<(Option<AwardTypeId>, Option<String>)> = unit_dossiers::table
            .inner_join(award_round_types::table.on(award_round_types::round_id.eq(unit_dossiers::round_id)))
            .filter(unit_dossiers::id.eq(dossier))
            .filter(award_round_types::award_type_id.eq(award_type))
            .select((award_round_types::quota_of_award_type_id, award_round_types::quota_percent))
            .first(conn)
            .optional()?;
        let quota = found.and_then(|(base, percent)| Some((base?, percent?)));
        self.round_quota.insert((dossier, award_type), quota.clone());
        Ok(quota)
    }

    /// The quota of a title's rules in force (outside a round): the base title, if it exists,
    /// and the percent. Reads only what `load` already read.
    fn rules_quota_of(&self, award_type: AwardTypeId) -> Result<Option<(Option<AwardTypeId>, String)>, ApiError> {
        let Some(v) = self.version_of(award_type) else { return Ok(None) };
        let (Some(code), Some(percent)) = (&v.quota_of_code, &v.quota_percent) else { return Ok(None) };
        Ok(Some((self.by_code.get(code).cloned().flatten().map(|b| b.id), percent.clone())))
    }

    /// Judges one nomination of the batch on the facts as they stand.
    pub fn judge(&mut self, conn: &mut DbConn, n: &Nomination) -> Result<Judged, ApiError> {
        let Some(award_type) = self.types.get(&n.award_type_id).map(|(t, _)| t.clone()) else {
            return Err(ApiError::internal(anyhow::anyhow!("nomination {} was judged without being loaded", n.id)));
        };
        let version = self.version_of(n.award_type_id).cloned();
        let mut prerequisites = Vec::new();
        let mut prerequisite_names = HashMap::new();
        let mut pending: HashMap<String, Vec<i32>> = HashMap::new();
        if let Some(v) = &version {
            for p in v.prerequisite_list()? {
                let Some(required) = self.by_code.get(&p.award_type_code).cloned().flatten() else { continue };
                prerequisite_names.insert(required.code.clone(), required.name.clone());
                let (years, pending_years) = match n.person_id {
                    Some(person) => (
                        self.person_awards.get(&(person, required.id)).cloned().unwrap_or_default(),
                        self.person_pending
                            .get(&(person, required.id))
                            .map(|rows| rows.iter().filter(|(id, _)| *id != n.id).map(|(_, year)| *year).collect())
                            .unwrap_or_default(),
                    ),
                    None => {
                        (collective_award_years(conn, n, required.id)?, collective_pending_years(conn, n, required.id)?)
                    }
                };
                pending.entry(required.code.clone()).or_default().extend(pending_years);
                prerequisites.push((p, years));
            }
        }
        let mine = self.achievements.get(&n.id).cloned().unwrap_or_default();
        let already_rewarded = mine
            .iter()
            .filter_map(|a| self.rewarded.get(a))
            .map(|behind| behind.iter().filter(|id| **id != n.id).count())
            .sum();
        let (duplicate, used) = {
            let others: Vec<&Running> = self
                .running
                .get(&(n.award_type_id, n.year, n.unit_id))
                .map(|rows| rows.iter().filter(|r| r.id != n.id).collect())
                .unwrap_or_default();
            let duplicate = others.iter().any(|r| match n.person_id {
                Some(person) => r.person_id == Some(person),
                None => r.kind == n.nominee_kind && r.household == n.household_name,
            });
            (duplicate, others.len())
        };
        // A dossier line is held to its round's quota (which the board set, or copied from the
        // rules when it opened the round), so the line and the round's quota report agree; any
        // other nomination to the quota of its rules.
        let line = self.line_dossier.get(&n.id).copied();
        let quota_rule = match line {
            Some(dossier) => self.round_quota_of(conn, dossier, n.award_type_id)?.map(|(base, p)| (Some(base), p)),
            None => self.rules_quota_of(n.award_type_id)?,
        };
        let quota = quota_rule.map(|(base_type, percent)| {
            // The unit's holders of the base title that year, and those proposed for it still
            // under review (an annual round proposes LĐTT and CSTĐ cơ sở together), each once.
            let base_count = match base_type {
                Some(base) => {
                    let scope = (base, n.year, n.unit_id);
                    let held = self.held.get(&scope).map(Vec::as_slice).unwrap_or_default();
                    let unnamed = held.iter().filter(|p| p.is_none()).count();
                    let proposed = self.running.get(&scope).map(Vec::as_slice).unwrap_or_default();
                    let named: HashSet<PersonId> =
                        held.iter().copied().chain(proposed.iter().map(|r| r.person_id)).flatten().collect();
                    named.len() + unnamed
                }
                None => 0,
            };
            let percent = crate::domain::campaigns::stored_decimal(&percent).unwrap_or_default();
            let severity = version.as_ref().map_or(Severity::Warning, |v| v.quota_on_failure);
            (quota(base_count as u32, percent), used as u32 + 1, severity)
        });
        let mut present = self.documents.get(&n.id).cloned().unwrap_or_default();
        // A dossier line also has the dossier's shared documents (its tờ trình, biên bản bình
        // xét), but not a shared initiative document: an initiative proves one nominee's merit, so
        // it counts only when filed with that nominee's line. The line is also checked against the
        // unit's title registration of the year.
        let mut registered = None;
        if let Some(dossier) = line {
            let shared = self.dossier_documents.get(&dossier).map(Vec::as_slice).unwrap_or_default();
            present.extend(shared.iter().copied().filter(|k| *k != DocumentKind::SangKien));
            let listed = self
                .registered
                .get(&(n.unit_id, n.year))
                .is_some_and(|titles| titles.contains(&(n.award_type_id, n.person_id)));
            registered = Some((listed, award_type.name.clone()));
        }
        let missing_documents =
            required_documents(&award_type.code).into_iter().filter(|k| !present.contains(k)).collect();
        let initiatives = match (
            version.as_ref().map(AwardTypeVersion::initiative_requirement).transpose()?.flatten(),
            n.person_id,
        ) {
            (Some(requirement), Some(person)) => {
                let held = self.recognitions.get(&person).cloned().unwrap_or_default();
                Some((requirement, held, present.contains(&DocumentKind::SangKien)))
            }
            _ => None,
        };
        // A collective title whose rules ask things of the unit's members (Tập thể lao động xuất
        // sắc, tiên tiến): judged from the unit's people, read now (after the lines before it).
        let members =
            match (version.as_ref().map(AwardTypeVersion::member_requirement).transpose()?.flatten(), n.nominee_kind) {
                (Some(requirement), NomineeKind::Unit) => {
                    let (facts, title, one_title) =
                        crate::models::collectives::member_facts(conn, n.unit_id, n.year, &requirement)?;
                    Some((requirement, facts, title, one_title))
                }
                _ => None,
            };
        // A flag the unit's cluster must propose it for (Cờ thi đua): read now, per line (a
        // dossier holds one such line at most per unit).
        let cluster =
            match (version.as_ref().map(AwardTypeVersion::cluster_proposal).transpose()?.flatten(), n.nominee_kind) {
                (Some(_), NomineeKind::Unit) => {
                    Some(crate::models::cluster_votes::standing_of(conn, n.unit_id, n.year, n.award_type_id)?)
                }
                _ => None,
            };
        let facts = EligibilityFacts {
            has_rules: version.is_some(),
            prerequisites,
            prerequisite_names,
            pending,
            year: n.year,
            already_rewarded,
            duplicate,
            quota,
            missing_documents,
            under_discipline: n.under_discipline,
            initiatives,
            registered,
            members,
            cluster,
        };
        Ok(Judged { eligibility: judge(&facts), version_id: version.map(|v| v.id) })
    }

    /// Counts `n` as submitted for the nominations judged after it.
    pub fn accept(&mut self, n: &Nomination) {
        if let Some(person) = n.person_id {
            self.person_pending.entry((person, n.award_type_id)).or_default().push((n.id, n.year));
        }
        if let Some(rows) = self.running.get_mut(&(n.award_type_id, n.year, n.unit_id)) {
            rows.push(Running::of(n));
        }
        for achievement in self.achievements.get(&n.id).into_iter().flatten() {
            self.rewarded.entry(*achievement).or_default().push(n.id);
        }
    }
}

/// The years a unit (or its predecessors) or a household got a title.
fn collective_award_years(conn: &mut DbConn, n: &Nomination, required: AwardTypeId) -> Result<Vec<i32>, ApiError> {
    let query = awards::table.filter(awards::award_type_id.eq(required)).filter(awards::revoked_at.is_null());
    let years = match n.nominee_kind {
        NomineeKind::Unit => query
            .filter(db::one_of(awards::unit_id, &unit_and_predecessors(conn, n.unit_id)?))
            .filter(awards::recipient_kind.eq(NomineeKind::Unit))
            .select(awards::year)
            .load(conn)?,
        _ => query
            .filter(awards::unit_id.eq(n.unit_id))
            .filter(awards::household_name.eq(n.household_name.clone().unwrap_or_default()))
            .select(awards::year)
            .load(conn)?,
    };
    Ok(years)
}

/// The years of a unit's or a household's other nominations for a title still under review.
fn collective_pending_years(conn: &mut DbConn, n: &Nomination, required: AwardTypeId) -> Result<Vec<i32>, ApiError> {
    let query = nominations::table
        .filter(nominations::award_type_id.eq(required))
        .filter(nominations::id.ne(n.id))
        .filter(db::one_of(nominations::status, &UNDER_REVIEW))
        .filter(nominations::unit_id.eq(n.unit_id))
        .into_boxed::<Db>();
    let query = match n.nominee_kind {
        NomineeKind::Unit => query.filter(nominations::nominee_kind.eq(NomineeKind::Unit)),
        _ => query.filter(nominations::household_name.eq(n.household_name.clone().unwrap_or_default())),
    };
    Ok(query.select(nominations::year).load(conn)?)
}
