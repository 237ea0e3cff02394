//! What each generated document says: the record it is made from, read and checked for the
//! caller, turned into the template's placeholder values (`domain::documents` names them).

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::auth::policy::{self, Action, Principal, Resource, Role};
use crate::config::DocumentSettings;
use crate::db::DbConn;
use crate::documents::docx::Values;
use crate::domain::awards::NomineeKind;
use crate::domain::council::SeatRole;
use crate::domain::display::{admin_date, group_thousands};
use crate::domain::documents::{DecisionStatus, TemplateKind};
use crate::domain::ids::{AwardId, CouncilSessionId, DecisionId, DossierId, NominationId, UnitId};
use crate::domain::statistics::ethnic_group;
use crate::domain::units::{date_in_vietnam, today_in_vietnam};
use crate::error::{ApiError, ErrorCode, FieldError};
use crate::models::awards as awards_model;
use crate::models::council as sessions;
use crate::models::council_minutes;
use crate::models::decisions as decisions_model;
use crate::models::documents::{self as model, Nominee};
use crate::models::nominations as nominations_model;
use crate::models::rounds as rounds_model;

/// A document's content, and whose record it came from.
pub struct Filled {
    pub values: Values,
    /// The unit whose record it is; `None`: the province's (or a level's decision).
    pub unit_id: Option<UnitId>,
    /// The file's name, without extension: "to-trinh-<id>".
    pub stem: String,
}

/// Reads the record `source` names for a document of `kind`, checks the caller may make it,
/// and fills the values.
pub fn fill(
    conn: &mut DbConn,
    who: &Principal,
    settings: &DocumentSettings,
    kind: TemplateKind,
    source: uuid::Uuid,
) -> Result<Filled, ApiError> {
    let today = today_in_vietnam();
    let mut values = Values::default();
    let common = |values: &mut Values, issuing_body: String, number: String, date: NaiveDate| {
        let fields = &mut values.fields;
        fields.insert("issuing_body_parent".into(), settings.issuing_body.to_uppercase());
        fields.insert("issuing_body".into(), issuing_body.to_uppercase());
        fields.insert("number".into(), number);
        fields.insert("place".into(), settings.place.clone());
        fields.insert("date".into(), admin_date(date));
        fields.insert("year".into(), date.format("%Y").to_string());
    };
    let (unit_id, stem) = match kind {
        TemplateKind::Submission | TemplateKind::NomineeList => {
            let id = DossierId::from(source);
            let dossier = rounds_model::find_dossier(conn, id)?;
            policy::authorize_or_hide(who, Action::Update, Resource::UnitRecord { unit_id: dossier.unit_id }, || {
                rounds_model::dossier_not_found()
            })?;
            let round = rounds_model::find_round(conn, dossier.round_id)?;
            let unit_name = model::unit_name(conn, dossier.unit_id)?;
            let nomination_ids = model::dossier_nominations(conn, id)?;
            let nominees = model::nominees(conn, &nomination_ids)?;
            // The list goes with the tờ trình and cites its number.
            common(&mut values, unit_name.clone(), "      /TTr".to_string(), today);
            let collective = nominees.iter().filter(|n| n.kind != NomineeKind::Person).count();
            let fields = &mut values.fields;
            fields.insert("recipient".into(), "Hội đồng Thi đua – Khen thưởng".into());
            fields.insert("round_name".into(), round.title);
            fields.insert("unit_name".into(), unit_name);
            fields.insert("nominee_count".into(), nominees.len().to_string());
            fields.insert("collective_count".into(), collective.to_string());
            fields.insert("individual_count".into(), (nominees.len() - collective).to_string());
            fields.insert("signer_title".into(), "THỦ TRƯỞNG ĐƠN VỊ".into());
            fields.insert("signer_name".into(), String::new());
            let mut rows = Vec::with_capacity(nominees.len());
            for (i, n) in nominees.iter().enumerate() {
                let mut row = BTreeMap::new();
                row.insert("no".to_string(), (i + 1).to_string());
                row.insert("name".to_string(), n.name.clone());
                row.insert("position_unit".to_string(), position_unit(n));
                row.insert("award_name".to_string(), n.award_name.clone());
                row.insert("birth_year".to_string(), n.birth_year.map(|y| y.to_string()).unwrap_or_default());
                row.insert("gender".to_string(), n.gender.map(|g| g.label_vi().to_string()).unwrap_or_default());
                rows.push(row);
            }
            // Only the list summarises achievements (a query per line); fields a template does
            // not use are ignored.
            if kind == TemplateKind::NomineeList {
                for (row, nomination) in rows.iter_mut().zip(nomination_ids) {
                    row.insert("achievement_summary".to_string(), achievement_summary(conn, nomination)?);
                }
            }
            values.lists.insert("nominees".into(), rows);
            (Some(dossier.unit_id), format!("{}-{source}", stem_of(kind)))
        }
        TemplateKind::AchievementReportIndividual | TemplateKind::AchievementReportCollective => {
            let id = NominationId::from(source);
            let nomination = nominations_model::find_nomination(conn, id)?;
            policy::authorize_or_hide(
                who,
                Action::Update,
                Resource::UnitRecord { unit_id: nomination.unit_id },
                nominations_model::nomination_not_found,
            )?;
            let individual = nomination.nominee_kind == NomineeKind::Person;
            if individual != (kind == TemplateKind::AchievementReportIndividual) {
                return Err(ApiError::validation(vec![FieldError::new(
                    "kind",
                    ErrorCode::WrongSubject,
                    "an individual's nomination has achievement_report_individual, a collective's or household's achievement_report_collective",
                )
                .localized("wrong_subject-report", [])]));
            }
            let nominee = model::nominees(conn, &[id])?.pop().ok_or_else(nominations_model::nomination_not_found)?;
            common(&mut values, nominee.unit_name.clone(), String::new(), today);
            let fields = &mut values.fields;
            fields.insert("award_name".into(), nominee.award_name.clone());
            fields.insert("unit_name".into(), nominee.unit_name.clone());
            fields.insert("nomination_year".into(), nominee.year.to_string());
            if individual {
                fields.insert("full_name".into(), nominee.name.clone());
                fields.insert("birth_year".into(), nominee.birth_year.map(|y| y.to_string()).unwrap_or_default());
                fields.insert("gender".into(), nominee.gender.map(|g| g.label_vi().to_string()).unwrap_or_default());
                let ethnicity = nominee.ethnicity_code.as_deref().and_then(ethnic_group).unwrap_or_default();
                fields.insert("ethnicity".into(), ethnicity.to_string());
                fields.insert("position".into(), nominee.position.clone().unwrap_or_default());
            } else {
                fields.insert("collective_name".into(), nominee.name.clone());
            }
            let achievements = model::cited_achievements(conn, id)?
                .into_iter()
                .enumerate()
                .map(|(i, a)| {
                    row(&[
                        ("no", (i + 1).to_string()),
                        ("campaign", a.campaign),
                        ("indicator", a.indicator),
                        ("value", a.value),
                        ("as_of", a.as_of.format("%d/%m/%Y").to_string()),
                        ("narrative", a.narrative.unwrap_or_default()),
                    ])
                })
                .collect();
            values.lists.insert("achievements".into(), achievements);
            let past = model::past_awards(conn, &nominee, id, 50)?
                .into_iter()
                .enumerate()
                .map(|(i, a)| {
                    row(&[
                        ("no", (i + 1).to_string()),
                        ("year", a.year.to_string()),
                        ("award_name", a.award_name),
                        (
                            "decision",
                            format!(
                                "{} ngày {} của {}",
                                a.decision_number,
                                a.decision_date.format("%d/%m/%Y"),
                                a.decided_by
                            ),
                        ),
                    ])
                })
                .collect();
            values.lists.insert("past_awards".into(), past);
            (Some(nomination.unit_id), format!("{}-{source}", stem_of(kind)))
        }
        TemplateKind::CouncilMinutes => {
            let id = CouncilSessionId::from(source);
            let session = sessions::find_session(conn, id)?;
            let level = sessions::session_unit(conn, &session)?;
            if !policy::runs_level(who, level) {
                return Err(if sessions::members(conn, id)?.contains(&who.user_id) {
                    ApiError::forbidden()
                } else {
                    sessions::session_not_found()
                });
            }
            let minutes = council_minutes::minutes(conn, id)?;
            let held_on = minutes.session.closed_at.map_or(today, date_in_vietnam);
            let issuing_body = minutes.council_name.clone().unwrap_or_else(|| "Hội đồng Thi đua – Khen thưởng".into());
            common(&mut values, issuing_body.clone(), "      /BB-HĐTĐKT".into(), held_on);
            let chair = minutes.members.iter().find(|m| m.seat == Some(SeatRole::Chair)).map(|m| m.full_name.clone());
            let present = minutes.members.iter().filter(|m| m.present == Some(true)).count();
            let passed = minutes.lines.iter().filter(|l| l.passed == Some(true)).count();
            let secretary = match minutes.session.closed_by {
                Some(user) => crate::models::accounts::find_user(conn, user).map(|u| u.full_name).unwrap_or_default(),
                None => String::new(),
            };
            let fields = &mut values.fields;
            fields.insert("council_name".into(), issuing_body);
            fields.insert("session_title".into(), minutes.session.title.clone());
            fields.insert("held_on".into(), admin_date(held_on));
            fields.insert("chair_name".into(), chair.unwrap_or_default());
            fields.insert("secretary_name".into(), secretary);
            fields.insert("member_count".into(), minutes.members.len().to_string());
            fields.insert("present_count".into(), present.to_string());
            fields.insert("line_count".into(), minutes.lines.len().to_string());
            fields.insert("passed_count".into(), passed.to_string());
            let members = minutes
                .members
                .iter()
                .enumerate()
                .map(|(i, m)| {
                    let attendance = match m.present {
                        Some(true) => "Có mặt",
                        Some(false) => "Vắng mặt",
                        None => "",
                    };
                    row(&[
                        ("no", (i + 1).to_string()),
                        ("name", m.full_name.clone()),
                        ("seat", m.seat.map(SeatRole::label_vi).unwrap_or("Thành viên").to_string()),
                        ("attendance", attendance.to_string()),
                    ])
                })
                .collect();
            values.lists.insert("members".into(), members);
            let results = minutes
                .lines
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let (votes_for, ballots) = l
                        .tally
                        .map_or((String::new(), String::new()), |(yes, no)| (yes.to_string(), (yes + no).to_string()));
                    let result = match l.passed {
                        Some(true) => "Đạt",
                        Some(false) => "Không đạt",
                        None => "Không công bố",
                    };
                    row(&[
                        ("no", (i + 1).to_string()),
                        ("nominee", l.nominee.clone()),
                        ("unit_name", l.unit_name.clone()),
                        ("award_name", l.award_name.clone()),
                        ("votes_for", votes_for),
                        ("ballots", ballots),
                        ("result", result.to_string()),
                    ])
                })
                .collect();
            values.lists.insert("results".into(), results);
            (level, format!("{}-{source}", stem_of(kind)))
        }
        TemplateKind::Decision => {
            let (decision, granted) = decisions_model::find_decision(conn, DecisionId::from(source))?;
            may_print_decision(who, decision.run_by_unit_id)?;
            common(&mut values, decision.authority.clone(), decision.number.clone(), decision.decided_on);
            let ids: Vec<AwardId> = granted.iter().map(|(a, _)| *a).collect();
            let bonuses: std::collections::HashMap<AwardId, Option<i64>> = granted.iter().copied().collect();
            let total: i64 = granted.iter().filter_map(|(_, b)| *b).sum();
            let fields = &mut values.fields;
            fields.insert("authority".into(), decision.authority.to_uppercase());
            fields.insert("signer".into(), decision.signer.clone());
            fields.insert("award_count".into(), ids.len().to_string());
            fields.insert("total_bonus".into(), format!("{} đồng", group_thousands(total)));
            fields.insert("decided_on".into(), admin_date(decision.decided_on));
            let awards = model::recipients(conn, &ids)?
                .into_iter()
                .enumerate()
                .map(|(i, (award, _, n))| {
                    let bonus = bonuses.get(&award).copied().flatten().map(group_thousands).unwrap_or_default();
                    row(&[
                        ("no", (i + 1).to_string()),
                        ("name", n.name.clone()),
                        ("position_unit", position_unit(&n)),
                        ("award_name", n.award_name.clone()),
                        ("bonus", bonus),
                    ])
                })
                .collect();
            values.lists.insert("awards".into(), awards);
            (decision.run_by_unit_id, format!("{}-{}", stem_of(kind), file_safe(&decision.number)))
        }
        TemplateKind::Certificate => {
            let id = AwardId::from(source);
            let award = awards_model::find_award(conn, id)?;
            if award.revoked_at.is_some() {
                return Err(ApiError::conflict(ErrorCode::AlreadyRevoked, "a revoked award has no certificate"));
            }
            let decision = match award.decision_id {
                Some(decision) => Some(decisions_model::find_decision(conn, decision)?),
                None => None,
            };
            let run_by = decision.as_ref().and_then(|(d, _)| d.run_by_unit_id);
            may_print_decision(who, run_by)?;
            if decision.as_ref().is_some_and(|(d, _)| d.status != DecisionStatus::Final) {
                return Err(ApiError::conflict(
                    ErrorCode::DecisionNotFinal,
                    "the decision awaits its verified signed copy; its certificates are printed once it is in effect",
                ));
            }
            let (_, _, recipient) =
                model::recipients(conn, &[id])?.pop().ok_or_else(|| ApiError::not_found("award"))?;
            let (authority, signer, register_number) = match &decision {
                Some((d, granted)) => {
                    let place = granted.iter().position(|(a, _)| *a == id).map_or(1, |p| p + 1);
                    (d.authority.to_uppercase(), d.signer.clone(), format!("{place}/{}", d.number))
                }
                None => (award.decided_by.to_uppercase(), String::new(), award.decision_number.clone()),
            };
            common(&mut values, award.decided_by.clone(), award.decision_number.clone(), award.decision_date);
            let fields = &mut values.fields;
            fields.insert("award_name".into(), certificate_title(&recipient.award_name));
            fields.insert("authority".into(), authority);
            fields.insert("recipient_name".into(), recipient.name.clone());
            fields.insert("position_unit".into(), position_unit(&recipient));
            fields.insert(
                "achievement".into(),
                format!("Đã có thành tích xuất sắc trong thực hiện nhiệm vụ năm {}", recipient.year),
            );
            fields.insert("decision_number".into(), award.decision_number.clone());
            fields.insert("decided_on".into(), admin_date(award.decision_date));
            fields.insert("signer".into(), signer);
            fields.insert("register_number".into(), register_number);
            (run_by, format!("{}-{source}", stem_of(kind)))
        }
    };
    Ok(Filled { values, unit_id, stem })
}

/// Who may print a decision and its certificates: the board any; a caller bound to a unit (its
/// admin, its head as approver) its unit's; a province approver the province's.
fn may_print_decision(who: &Principal, run_by: Option<UnitId>) -> Result<(), ApiError> {
    policy::require_any(who, &[Role::Approver, Role::UnitAdmin])?;
    if who.has(Role::Admin) || who.unit_id == run_by {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

/// "BẰNG KHEN" or "GIẤY KHEN" when the award's name starts so, else the name, upper case.
fn certificate_title(award_name: &str) -> String {
    let upper = award_name.to_uppercase();
    ["BẰNG KHEN", "GIẤY KHEN"].into_iter().find(|t| upper.starts_with(t)).map_or(upper.clone(), str::to_string)
}

/// "Chuyên viên, Sở Nội vụ"; a collective: its unit's name alone.
fn position_unit(n: &Nominee) -> String {
    match (&n.kind, n.position.as_deref().filter(|p| !p.is_empty())) {
        (NomineeKind::Person, Some(position)) => format!("{position}, {}", n.unit_name),
        _ => n.unit_name.clone(),
    }
}

/// A nominee's achievements as the list summarises them: "indicator: value" of each cited report.
fn achievement_summary(conn: &mut DbConn, id: NominationId) -> Result<String, ApiError> {
    let cited = model::cited_achievements(conn, id)?;
    Ok(cited.into_iter().map(|a| format!("{}: {}", a.indicator, a.value)).collect::<Vec<_>>().join("; "))
}

fn row(cells: &[(&str, String)]) -> BTreeMap<String, String> {
    cells.iter().map(|(k, v)| ((*k).to_string(), v.clone())).collect()
}

/// The file name's start for each kind (ASCII, as Vietnamese clerks name them).
fn stem_of(kind: TemplateKind) -> &'static str {
    match kind {
        TemplateKind::Submission => "to-trinh",
        TemplateKind::NomineeList => "danh-sach-trich-ngang",
        TemplateKind::AchievementReportIndividual => "bao-cao-thanh-tich-ca-nhan",
        TemplateKind::AchievementReportCollective => "bao-cao-thanh-tich-tap-the",
        TemplateKind::CouncilMinutes => "bien-ban-hoi-dong",
        TemplateKind::Decision => "quyet-dinh",
        TemplateKind::Certificate => "chung-nhan",
    }
}

/// A decision number as part of a file name: "12/QĐ-UBND" → "12-QĐ-UBND".
fn file_safe(number: &str) -> String {
    number.chars().map(|c| if c.is_alphanumeric() || c == '-' { c } else { '-' }).collect()
}
