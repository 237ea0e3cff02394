//! Documents' rows: the board's template versions, the documents generated from records, a
//! decision's verified signature — and the facts each document states about its records
//! (nominees, achievements, past awards), read in a few joined queries.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;

use crate::db::schema::{
    achievements, award_types, awards, campaigns, decision_signatures, decisions, document_templates, dossier_lines,
    generated_documents, indicators, nomination_achievements, nominations, people, units,
};
use crate::db::sql_types::UtcTimestamp;
use crate::db::{self, DbConn};
use crate::domain::awards::NomineeKind;
use crate::domain::documents::{DecisionStatus, DocumentFormat, TemplateKind};
use crate::domain::ids::{
    AwardId, DecisionId, DocumentId, DocumentTemplateId, DossierId, NominationId, PersonId, UnitId, UserId,
};
use crate::domain::statistics::Gender;
use crate::error::{ApiError, ErrorCode};

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = document_templates)]
pub struct TemplateVersion {
    pub id: DocumentTemplateId,
    pub kind: TemplateKind,
    pub version: i32,
    pub filename: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub storage_key: String,
    /// Space-separated.
    pub placeholders: String,
    pub note: Option<String>,
    pub uploaded_by: UserId,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub created_at: DateTime<Utc>,
}

/// Every uploaded version, by kind then version.
pub fn template_versions(conn: &mut DbConn) -> Result<Vec<TemplateVersion>, ApiError> {
    Ok(document_templates::table
        .select(TemplateVersion::as_select())
        .order((document_templates::kind, document_templates::version))
        .load(conn)?)
}

/// An uploaded version of `kind`, or its newest when `version` is `None` (`None`: the board has
/// uploaded none, so the built-in version applies).
pub fn template_version(
    conn: &mut DbConn,
    kind: TemplateKind,
    version: Option<i32>,
) -> Result<Option<TemplateVersion>, ApiError> {
    let mut query = document_templates::table
        .filter(document_templates::kind.eq(kind))
        .select(TemplateVersion::as_select())
        .order(document_templates::version.desc())
        .into_boxed();
    if let Some(version) = version {
        query = query.filter(document_templates::version.eq(version));
    }
    Ok(query.first(conn).optional()?)
}

/// The facts of an uploaded template before it has a version number.
pub struct NewTemplate {
    pub id: DocumentTemplateId,
    pub kind: TemplateKind,
    pub size_bytes: i64,
    pub sha256: String,
    pub storage_key: String,
    pub placeholders: String,
    pub note: Option<String>,
    pub uploaded_by: UserId,
    pub created_at: DateTime<Utc>,
}

/// Records an upload as the next version of its kind (2 after the built-in 1). Two uploads of one
/// kind at once: the unique (kind, version) refuses the second with a 409 (`db::write` retries
/// none of it), never a lost version.
pub fn add_template_version(conn: &mut DbConn, new: NewTemplate) -> Result<TemplateVersion, ApiError> {
    let newest: Option<i32> = document_templates::table
        .filter(document_templates::kind.eq(new.kind))
        .select(diesel::dsl::max(document_templates::version))
        .first(conn)?;
    let version = newest.unwrap_or(crate::domain::documents::BUILT_IN_VERSION) + 1;
    diesel::insert_into(document_templates::table)
        .values((
            document_templates::id.eq(new.id),
            document_templates::kind.eq(new.kind),
            document_templates::version.eq(version),
            document_templates::filename.eq(format!("{}-v{version}.docx", new.kind.as_str())),
            document_templates::size_bytes.eq(new.size_bytes),
            document_templates::sha256.eq(&new.sha256),
            document_templates::storage_key.eq(&new.storage_key),
            document_templates::placeholders.eq(&new.placeholders),
            document_templates::note.eq(&new.note),
            document_templates::uploaded_by.eq(new.uploaded_by),
            document_templates::created_at.eq(new.created_at.naive_utc()),
        ))
        .execute(conn)?;
    Ok(document_templates::table.find(new.id).select(TemplateVersion::as_select()).first(conn)?)
}

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = generated_documents)]
pub struct GeneratedDocument {
    pub id: DocumentId,
    pub kind: TemplateKind,
    pub format: DocumentFormat,
    pub source_id: String,
    /// Whose record it was made from; `None`: the province's.
    pub unit_id: Option<UnitId>,
    pub template_version: i32,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub storage_key: String,
    pub created_by: UserId,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub created_at: DateTime<Utc>,
}

pub fn add_document(conn: &mut DbConn, document: GeneratedDocument) -> Result<GeneratedDocument, ApiError> {
    use generated_documents as g;
    diesel::insert_into(g::table)
        .values((
            g::id.eq(document.id),
            g::kind.eq(document.kind),
            g::format.eq(document.format),
            g::source_id.eq(&document.source_id),
            g::unit_id.eq(document.unit_id),
            g::template_version.eq(document.template_version),
            g::filename.eq(&document.filename),
            g::content_type.eq(&document.content_type),
            g::size_bytes.eq(document.size_bytes),
            g::sha256.eq(&document.sha256),
            g::storage_key.eq(&document.storage_key),
            g::created_by.eq(document.created_by),
            g::created_at.eq(document.created_at.naive_utc()),
        ))
        .execute(conn)?;
    find_document(conn, document.id)
}

pub fn document_not_found() -> ApiError {
    ApiError::not_found("document")
}

pub fn find_document(conn: &mut DbConn, id: DocumentId) -> Result<GeneratedDocument, ApiError> {
    generated_documents::table
        .find(id)
        .select(GeneratedDocument::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(document_not_found)
}

/// The documents made from one record, newest first: `limit + 1` rows after `before`.
pub fn documents_of(
    conn: &mut DbConn,
    source_id: &str,
    kind: Option<TemplateKind>,
    before: Option<DocumentId>,
    limit: i64,
) -> Result<Vec<GeneratedDocument>, ApiError> {
    let mut query = generated_documents::table
        .filter(generated_documents::source_id.eq(source_id))
        .select(GeneratedDocument::as_select())
        .order(generated_documents::id.desc())
        .limit(limit + 1)
        .into_boxed();
    if let Some(kind) = kind {
        query = query.filter(generated_documents::kind.eq(kind));
    }
    if let Some(before) = before {
        query = query.filter(generated_documents::id.lt(before));
    }
    Ok(query.load(conn)?)
}

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = decision_signatures)]
pub struct DecisionSignature {
    pub decision_id: DecisionId,
    pub signer_name: String,
    pub signer_subject: String,
    pub issuer_subject: String,
    pub serial_number: String,
    pub certificate_sha256: String,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub signed_at: DateTime<Utc>,
    /// `signing_time_attribute` or `signature_dictionary`.
    pub signed_at_source: String,
    pub filename: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub storage_key: String,
    pub uploaded_by: UserId,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub verified_at: DateTime<Utc>,
}

/// Records the verified signature of a decision awaiting it, which takes effect. A decision
/// already signed answers 409 `already_signed`.
pub fn record_signature(conn: &mut DbConn, signature: DecisionSignature) -> Result<(), ApiError> {
    let id = signature.decision_id;
    let already = || ApiError::conflict(ErrorCode::AlreadySigned, "this decision's signed copy is already recorded");
    if signature_of(conn, id)?.is_some() {
        return Err(already());
    }
    let reused: Option<DecisionId> = decision_signatures::table
        .filter(decision_signatures::sha256.eq(&signature.sha256))
        .select(decision_signatures::decision_id)
        .first(conn)
        .optional()?;
    if reused.is_some() {
        return Err(ApiError::validation(vec![crate::error::FieldError::new(
            "body",
            ErrorCode::InvalidSignature,
            "this signed file is already recorded as another decision's signed copy",
        )]));
    }
    use decision_signatures as s;
    diesel::insert_into(s::table)
        .values((
            s::decision_id.eq(id),
            s::signer_name.eq(&signature.signer_name),
            s::signer_subject.eq(&signature.signer_subject),
            s::issuer_subject.eq(&signature.issuer_subject),
            s::serial_number.eq(&signature.serial_number),
            s::certificate_sha256.eq(&signature.certificate_sha256),
            s::signed_at.eq(signature.signed_at.naive_utc()),
            s::signed_at_source.eq(&signature.signed_at_source),
            s::filename.eq(&signature.filename),
            s::size_bytes.eq(signature.size_bytes),
            s::sha256.eq(&signature.sha256),
            s::storage_key.eq(&signature.storage_key),
            s::uploaded_by.eq(signature.uploaded_by),
            s::verified_at.eq(signature.verified_at.naive_utc()),
        ))
        .execute(conn)
        .map_err(|e| match e {
            // Another upload of the same decision got there first.
            diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _) => already(),
            other => other.into(),
        })?;
    diesel::update(decisions::table.find(id)).set(decisions::status.eq(DecisionStatus::Final)).execute(conn)?;
    Ok(())
}

pub fn signature_of(conn: &mut DbConn, id: DecisionId) -> Result<Option<DecisionSignature>, ApiError> {
    Ok(decision_signatures::table.find(id).select(DecisionSignature::as_select()).first(conn).optional()?)
}

/// The signatures of several decisions (for a page of them).
pub fn signatures_of(
    conn: &mut DbConn,
    ids: &[DecisionId],
) -> Result<HashMap<DecisionId, DecisionSignature>, ApiError> {
    Ok(decision_signatures::table
        .filter(db::one_of(decision_signatures::decision_id, ids))
        .select(DecisionSignature::as_select())
        .load(conn)?
        .into_iter()
        .map(|s| (s.decision_id, s))
        .collect())
}

/// A nominee or a recipient as documents name them.
#[derive(Debug, Clone)]
pub struct Nominee {
    pub kind: NomineeKind,
    pub person_id: Option<PersonId>,
    /// The person's, the household's or (a collective) the unit's name.
    pub name: String,
    pub birth_year: Option<i32>,
    pub gender: Option<Gender>,
    pub ethnicity_code: Option<String>,
    pub position: Option<String>,
    pub unit_id: UnitId,
    pub unit_name: String,
    pub award_name: String,
    pub year: i32,
}

type NomineeRow = (
    NomineeKind,
    Option<PersonId>,
    Option<String>,
    Option<String>,
    Option<i32>,
    Option<Gender>,
    Option<String>,
    Option<String>,
    UnitId,
    String,
    String,
    i32,
);

fn nominee(
    (kind, person_id, person, household, birth_year, gender, ethnicity, position, unit_id, unit_name, award_name, year): NomineeRow,
) -> Nominee {
    Nominee {
        kind,
        person_id,
        name: person.or(household).unwrap_or_else(|| unit_name.clone()),
        birth_year,
        gender,
        ethnicity_code: ethnicity,
        position,
        unit_id,
        unit_name,
        award_name,
        year,
    }
}

/// The nominees of these nominations, in the order given (unknown ids are left out).
pub fn nominees(conn: &mut DbConn, ids: &[NominationId]) -> Result<Vec<Nominee>, ApiError> {
    let rows: Vec<(NominationId, NomineeRow)> = nominations::table
        .filter(db::one_of(nominations::id, ids))
        .left_join(people::table.on(people::id.nullable().eq(nominations::person_id)))
        .inner_join(units::table.on(units::id.eq(nominations::unit_id)))
        .inner_join(award_types::table.on(award_types::id.eq(nominations::award_type_id)))
        .select((
            nominations::id,
            (
                nominations::nominee_kind,
                nominations::person_id,
                people::full_name.nullable(),
                nominations::household_name,
                people::birth_year.nullable(),
                people::gender.nullable(),
                people::ethnicity_code.nullable(),
                people::position.nullable(),
                nominations::unit_id,
                units::name,
                award_types::name,
                nominations::year,
            ),
        ))
        .load(conn)?;
    let mut by_id: HashMap<NominationId, Nominee> = rows.into_iter().map(|(id, row)| (id, nominee(row))).collect();
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

/// The nominations of a unit's dossier, in line order.
pub fn dossier_nominations(conn: &mut DbConn, id: DossierId) -> Result<Vec<NominationId>, ApiError> {
    Ok(dossier_lines::table
        .filter(dossier_lines::dossier_id.eq(id))
        .order(dossier_lines::line_no)
        .select(dossier_lines::nomination_id)
        .load(conn)?)
}

/// An achievement a nomination cites, as its report lists it.
pub struct CitedAchievement {
    pub campaign: String,
    pub indicator: String,
    pub value: String,
    pub as_of: NaiveDate,
    pub narrative: Option<String>,
}

pub fn cited_achievements(conn: &mut DbConn, id: NominationId) -> Result<Vec<CitedAchievement>, ApiError> {
    let rows: Vec<(String, String, String, NaiveDate, Option<String>)> = nomination_achievements::table
        .filter(nomination_achievements::nomination_id.eq(id))
        .inner_join(achievements::table.on(achievements::id.eq(nomination_achievements::achievement_id)))
        .inner_join(campaigns::table.on(campaigns::id.eq(achievements::campaign_id)))
        .inner_join(indicators::table.on(indicators::id.eq(achievements::indicator_id)))
        .select((campaigns::title, indicators::name, achievements::value, achievements::as_of, achievements::narrative))
        .order((achievements::as_of, achievements::id))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(campaign, indicator, value, as_of, narrative)| CitedAchievement {
            campaign,
            indicator,
            value,
            as_of,
            narrative,
        })
        .collect())
}

/// An award a report lists among the nominee's earlier ones.
pub struct PastAward {
    pub year: i32,
    pub award_name: String,
    pub decision_number: String,
    pub decision_date: NaiveDate,
    /// Who decided it (the authority).
    pub decided_by: String,
}

/// The standing awards of a nominee — a person, a unit itself, or a household of a unit — newest
/// first, at most `limit`.
/// The award `nomination` itself became is not among them.
pub fn past_awards(
    conn: &mut DbConn,
    nominee: &Nominee,
    nomination: NominationId,
    limit: i64,
) -> Result<Vec<PastAward>, ApiError> {
    let mut query = awards::table
        .inner_join(award_types::table.on(award_types::id.eq(awards::award_type_id)))
        .filter(awards::revoked_at.is_null())
        .filter(awards::nomination_id.is_null().or(awards::nomination_id.ne(nomination)))
        .select((awards::year, award_types::name, awards::decision_number, awards::decision_date, awards::decided_by))
        .order((awards::year.desc(), awards::id.desc()))
        .limit(limit)
        .into_boxed();
    query = match (nominee.kind, nominee.person_id) {
        (NomineeKind::Person, Some(person)) => query.filter(awards::person_id.eq(person)),
        (NomineeKind::Household, _) => query.filter(
            awards::recipient_kind
                .eq(NomineeKind::Household)
                .and(awards::unit_id.eq(nominee.unit_id))
                .and(awards::household_name.eq(&nominee.name)),
        ),
        _ => query.filter(awards::recipient_kind.eq(NomineeKind::Unit).and(awards::unit_id.eq(nominee.unit_id))),
    };
    let rows: Vec<(i32, String, String, NaiveDate, String)> = query.load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(year, award_name, decision_number, decision_date, decided_by)| PastAward {
            year,
            award_name,
            decision_number,
            decision_date,
            decided_by,
        })
        .collect())
}

/// The recipients of these awards, in the order given, with the decision each belongs to.
pub fn recipients(conn: &mut DbConn, ids: &[AwardId]) -> Result<Vec<(AwardId, Option<DecisionId>, Nominee)>, ApiError> {
    let rows: Vec<(AwardId, Option<DecisionId>, NomineeRow)> = awards::table
        .filter(db::one_of(awards::id, ids))
        .left_join(people::table.on(people::id.nullable().eq(awards::person_id)))
        .inner_join(units::table.on(units::id.eq(awards::unit_id)))
        .inner_join(award_types::table.on(award_types::id.eq(awards::award_type_id)))
        .select((
            awards::id,
            awards::decision_id,
            (
                awards::recipient_kind,
                awards::person_id,
                people::full_name.nullable(),
                awards::household_name,
                people::birth_year.nullable(),
                people::gender.nullable(),
                people::ethnicity_code.nullable(),
                people::position.nullable(),
                awards::unit_id,
                units::name,
                award_types::name,
                awards::year,
            ),
        ))
        .load(conn)?;
    let mut by_id: HashMap<AwardId, (Option<DecisionId>, Nominee)> =
        rows.into_iter().map(|(id, decision, row)| (id, (decision, nominee(row)))).collect();
    Ok(ids.iter().filter_map(|id| by_id.remove(id).map(|(decision, n)| (*id, decision, n))).collect())
}

/// A unit's name (the proposing unit of a dossier, the level running a session).
pub fn unit_name(conn: &mut DbConn, id: UnitId) -> Result<String, ApiError> {
    Ok(units::table.find(id).select(units::name).first(conn)?)
}
