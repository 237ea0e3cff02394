//! Files kept in the file store, in one table: a report's evidence, a nomination's dossier
//! documents and an initiative's evidence are the same thing — bytes with a name, a type, a hash and an owner. Who may add or
//! read one is the owner's business (`models::achievements`, `models::nominations` and their
//! routes); this module only records and finds the rows.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::stored_files;
use crate::db::sql_types::UtcTimestamp;
use crate::db::{self, DbConn};
use crate::domain::ids::{
    AchievementId, CovenantId, DossierId, InitiativeId, NominationId, ReviewId, StoredFileId, UserId,
};
use crate::domain::nominations::DocumentKind;
use crate::error::ApiError;

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = stored_files)]
pub struct StoredFile {
    pub id: StoredFileId,
    /// Set for a report's evidence.
    pub achievement_id: Option<AchievementId>,
    /// Set for a nomination's dossier document.
    pub nomination_id: Option<NominationId>,
    /// A dossier document's kind; none for evidence.
    pub kind: Option<DocumentKind>,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub storage_key: String,
    pub uploaded_by: UserId,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub created_at: DateTime<Utc>,
    /// Set for an initiative's evidence.
    pub initiative_id: Option<InitiativeId>,
    /// Set for a unit dossier's shared document (with its kind).
    pub dossier_id: Option<DossierId>,
    /// Set for a file a campaign's review rests on.
    pub review_id: Option<ReviewId>,
    /// Set for a file of a cluster's covenant (its signed copy).
    pub covenant_id: Option<CovenantId>,
}

/// What a file belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    /// Evidence of this report.
    Achievement(AchievementId),
    /// A document of this nomination's dossier, of this kind.
    Nomination(NominationId, DocumentKind),
    /// Evidence of this initiative.
    Initiative(InitiativeId),
    /// A shared document of this unit dossier (of a round), of this kind.
    Dossier(DossierId, DocumentKind),
    /// A file this campaign review rests on.
    Review(ReviewId),
    /// A file of this cluster covenant.
    Covenant(CovenantId),
}

/// The facts of a file just put in the store, before it has an owner.
pub struct NewFile {
    pub id: StoredFileId,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub storage_key: String,
    pub uploaded_by: UserId,
    pub created_at: DateTime<Utc>,
}

impl NewFile {
    pub fn owned_by(self, owner: Owner) -> StoredFile {
        let NewFile { id, filename, content_type, size_bytes, sha256, storage_key, uploaded_by, created_at } = self;
        let mut file = StoredFile {
            id,
            achievement_id: None,
            nomination_id: None,
            kind: None,
            filename,
            content_type,
            size_bytes,
            sha256,
            storage_key,
            uploaded_by,
            created_at,
            initiative_id: None,
            dossier_id: None,
            review_id: None,
            covenant_id: None,
        };
        match owner {
            Owner::Achievement(id) => file.achievement_id = Some(id),
            Owner::Nomination(id, kind) => (file.nomination_id, file.kind) = (Some(id), Some(kind)),
            Owner::Initiative(id) => file.initiative_id = Some(id),
            Owner::Dossier(id, kind) => (file.dossier_id, file.kind) = (Some(id), Some(kind)),
            Owner::Review(id) => file.review_id = Some(id),
            Owner::Covenant(id) => file.covenant_id = Some(id),
        }
        file
    }
}

/// Records a file (inside the owner's write, which checks that it may take it).
pub fn insert(conn: &mut DbConn, file: &StoredFile) -> Result<(), ApiError> {
    diesel::insert_into(stored_files::table)
        .values((
            stored_files::id.eq(file.id),
            stored_files::achievement_id.eq(file.achievement_id),
            stored_files::nomination_id.eq(file.nomination_id),
            stored_files::kind.eq(file.kind),
            stored_files::filename.eq(&file.filename),
            stored_files::content_type.eq(&file.content_type),
            stored_files::size_bytes.eq(file.size_bytes),
            stored_files::sha256.eq(&file.sha256),
            stored_files::storage_key.eq(&file.storage_key),
            stored_files::uploaded_by.eq(file.uploaded_by),
            stored_files::created_at.eq(file.created_at.naive_utc()),
            stored_files::initiative_id.eq(file.initiative_id),
            stored_files::dossier_id.eq(file.dossier_id),
            stored_files::review_id.eq(file.review_id),
            stored_files::covenant_id.eq(file.covenant_id),
        ))
        .execute(conn)?;
    Ok(())
}

/// A report's evidence, by id.
pub fn of_achievement(conn: &mut DbConn, achievement_id: AchievementId) -> Result<Vec<StoredFile>, ApiError> {
    Ok(stored_files::table
        .filter(stored_files::achievement_id.eq(achievement_id))
        .order(stored_files::id)
        .select(StoredFile::as_select())
        .load(conn)?)
}

/// The dossier documents of several nominations, by id.
pub fn of_nominations(conn: &mut DbConn, nomination_ids: &[NominationId]) -> Result<Vec<StoredFile>, ApiError> {
    Ok(stored_files::table
        .filter(db::one_of(stored_files::nomination_id, nomination_ids))
        .order(stored_files::id)
        .select(StoredFile::as_select())
        .load(conn)?)
}

/// A file by id, if it is evidence (`Some(achievement id)`).
pub fn find_evidence(conn: &mut DbConn, id: StoredFileId) -> Result<Option<(StoredFile, AchievementId)>, ApiError> {
    let file: Option<StoredFile> = stored_files::table
        .find(id)
        .filter(stored_files::achievement_id.is_not_null())
        .select(StoredFile::as_select())
        .first(conn)
        .optional()?;
    Ok(file.and_then(|f| f.achievement_id.map(|owner| (f, owner))))
}

/// A file by id, if it is a dossier document (`Some(nomination id)`).
pub fn find_document(conn: &mut DbConn, id: StoredFileId) -> Result<Option<(StoredFile, NominationId)>, ApiError> {
    let file: Option<StoredFile> = stored_files::table
        .find(id)
        .filter(stored_files::nomination_id.is_not_null())
        .select(StoredFile::as_select())
        .first(conn)
        .optional()?;
    Ok(file.and_then(|f| f.nomination_id.map(|owner| (f, owner))))
}

/// The evidence of several initiatives, by id.
pub fn of_initiatives(conn: &mut DbConn, initiative_ids: &[InitiativeId]) -> Result<Vec<StoredFile>, ApiError> {
    Ok(stored_files::table
        .filter(db::one_of(stored_files::initiative_id, initiative_ids))
        .order(stored_files::id)
        .select(StoredFile::as_select())
        .load(conn)?)
}

/// A file by id, whoever owns it.
pub fn find(conn: &mut DbConn, id: StoredFileId) -> Result<Option<StoredFile>, ApiError> {
    Ok(stored_files::table.find(id).select(StoredFile::as_select()).first(conn).optional()?)
}

/// A unit dossier's shared documents.
pub fn of_dossier(conn: &mut DbConn, dossier_id: DossierId) -> Result<Vec<StoredFile>, ApiError> {
    Ok(stored_files::table
        .filter(stored_files::dossier_id.eq(dossier_id))
        .order(stored_files::id)
        .select(StoredFile::as_select())
        .load(conn)?)
}

/// The files a campaign review rests on, oldest first.
pub fn of_review(conn: &mut DbConn, review_id: ReviewId) -> Result<Vec<StoredFile>, ApiError> {
    Ok(stored_files::table
        .filter(stored_files::review_id.eq(review_id))
        .order(stored_files::id)
        .select(StoredFile::as_select())
        .load(conn)?)
}

/// A cluster covenant's files, oldest first.
pub fn of_covenant(conn: &mut DbConn, covenant_id: CovenantId) -> Result<Vec<StoredFile>, ApiError> {
    Ok(stored_files::table
        .filter(stored_files::covenant_id.eq(covenant_id))
        .order(stored_files::id)
        .select(StoredFile::as_select())
        .load(conn)?)
}
