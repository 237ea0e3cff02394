//! `thidua backup <dir>` and `thidua restore <dir>` on SQLite (docs/operations.md).
//!
//! A backup is consistent: the database is copied as one snapshot (`VACUUM INTO`, a read
//! transaction, so the service keeps serving and writing meanwhile), then exactly the evidence
//! files that snapshot refers to are copied. Files are stored before their record commits and
//! never removed while a record names them, so every one of them is in the store. The manifest
//! is written last: a directory without one is an unfinished backup. PostgreSQL is backed up
//! with `pg_dump` and a copy of the object store (the documented procedure).

use std::path::{Component, Path, PathBuf};

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::Settings;
use crate::db::schema::stored_files;
use crate::db::{self, Backend, DbConn};
use crate::storage::EvidenceStore;

const DATABASE_FILE: &str = "thidua.db";
const EVIDENCE_DIR: &str = "evidence";
const MANIFEST: &str = "manifest.json";

#[derive(Serialize, Deserialize)]
struct Manifest {
    /// Bumped when the layout changes.
    format: u32,
    created_at: chrono::DateTime<chrono::Utc>,
    database: String,
    /// The database file's SHA-256, and every evidence file the database refers to.
    database_sha256: String,
    files: Vec<StoredFile>,
}

#[derive(Serialize, Deserialize, Clone)]
struct StoredFile {
    key: String,
    sha256: String,
    size_bytes: i64,
}

#[derive(Debug)]
pub struct Report {
    pub files: usize,
    pub bytes: u64,
}

fn sqlite_only(settings: &Settings, what: &str) -> anyhow::Result<PathBuf> {
    match Backend::from_url(&settings.database_url).map_err(|e| anyhow::anyhow!(e))? {
        Backend::Sqlite => Ok(PathBuf::from(db::sqlite_path(&settings.database_url))),
        Backend::Postgres => anyhow::bail!(
            "thidua {what} works on SQLite; on PostgreSQL use pg_dump/pg_restore and copy the object store \
             (docs/operations.md, \"Back up\")"
        ),
    }
}

/// A file's place under the backup's `evidence/`; a key that would leave it is refused.
fn evidence_path(dir: &Path, key: &str) -> anyhow::Result<PathBuf> {
    let relative = Path::new(key);
    anyhow::ensure!(
        !key.is_empty() && relative.components().all(|c| matches!(c, Component::Normal(_))),
        "storage key {key:?} is not a plain relative path"
    );
    Ok(dir.join(EVIDENCE_DIR).join(relative))
}

fn sha256_file(path: &Path) -> anyhow::Result<String> {
    let bytes = std::fs::read(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    Ok(hex::encode(Sha256::digest(&bytes)))
}

/// Backs the service's SQLite database and its evidence files up into `dir` (new or empty).
pub fn backup(settings: &Settings, dir: &Path) -> anyhow::Result<Report> {
    sqlite_only(settings, "backup")?;
    if dir.exists() {
        anyhow::ensure!(std::fs::read_dir(dir)?.next().is_none(), "{} is not empty", dir.display());
    }
    std::fs::create_dir_all(dir)?;
    let snapshot = dir.join(DATABASE_FILE);
    let snapshot_text = snapshot.to_str().ok_or_else(|| anyhow::anyhow!("{} is not UTF-8", snapshot.display()))?;
    let mut live = DbConn::establish_url(&settings.database_url)?;
    diesel::sql_query("VACUUM INTO ?")
        .bind::<diesel::sql_types::Text, _>(snapshot_text)
        .execute(&mut live)
        .map_err(|e| anyhow::anyhow!("snapshot of the database: {e}"))?;
    drop(live);

    let mut copy = DbConn::establish_url(&format!("sqlite://{snapshot_text}"))?;
    let mut files: Vec<StoredFile> = Vec::new();
    // Evidence files and dossier documents alike (one table since the stored_files migration).
    for (key, sha256, size_bytes) in stored_files::table
        .select((stored_files::storage_key, stored_files::sha256, stored_files::size_bytes))
        .load::<(String, String, i64)>(&mut copy)?
    {
        files.push(StoredFile { key, sha256, size_bytes });
    }
    drop(copy);
    files.sort_by(|a, b| a.key.cmp(&b.key));
    files.dedup_by(|a, b| a.key == b.key);

    let store = EvidenceStore::open(&settings.evidence_store, &settings.evidence_s3)
        .map_err(|e| anyhow::anyhow!("evidence store: {e}"))?;
    let bytes = actix_web::rt::System::new().block_on(async {
        let mut total = 0u64;
        for file in &files {
            let path = evidence_path(dir, &file.key)?;
            let content = store.get(&file.key).await.map_err(|e| anyhow::anyhow!("evidence file {}: {e}", file.key))?;
            let sha256 = hex::encode(Sha256::digest(&content));
            anyhow::ensure!(sha256 == file.sha256, "evidence file {} does not match its record's SHA-256", file.key);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&path, &content)?;
            total += content.len() as u64;
        }
        anyhow::Ok(total)
    })?;

    let manifest = Manifest {
        format: 1,
        created_at: chrono::Utc::now(),
        database: DATABASE_FILE.into(),
        database_sha256: sha256_file(&snapshot)?,
        files,
    };
    let temporary = dir.join(format!("{MANIFEST}.partial"));
    std::fs::write(&temporary, serde_json::to_vec_pretty(&manifest)?)?;
    std::fs::rename(&temporary, dir.join(MANIFEST))?;
    Ok(Report { files: manifest.files.len(), bytes })
}

/// Restores a backup made by [`backup`] into the configured database and evidence store. The
/// service must be stopped. An existing database is replaced only with `replace`.
pub fn restore(settings: &Settings, dir: &Path, replace: bool) -> anyhow::Result<Report> {
    let target = sqlite_only(settings, "restore")?;
    let manifest: Manifest = serde_json::from_slice(&std::fs::read(dir.join(MANIFEST)).map_err(|e| {
        anyhow::anyhow!("{}: {e} (an unfinished backup has no manifest)", dir.join(MANIFEST).display())
    })?)?;
    anyhow::ensure!(manifest.format == 1, "backup format {} is not known to this version", manifest.format);
    // Everything is checked before anything is written.
    let database = dir.join(&manifest.database);
    anyhow::ensure!(sha256_file(&database)? == manifest.database_sha256, "{} is damaged", database.display());
    for file in &manifest.files {
        let path = evidence_path(dir, &file.key)?;
        anyhow::ensure!(sha256_file(&path)? == file.sha256, "{} is damaged", path.display());
    }
    if target.exists() && !replace {
        anyhow::bail!("{} exists; stop the service and pass --replace to overwrite it", target.display());
    }

    // Files first: if the restore stops half-way, the old database (or none) is still there,
    // and a stray file names no record.
    let store = EvidenceStore::open(&settings.evidence_store, &settings.evidence_s3)
        .map_err(|e| anyhow::anyhow!("evidence store: {e}"))?;
    let bytes = actix_web::rt::System::new().block_on(async {
        let mut total = 0u64;
        for file in &manifest.files {
            let content = std::fs::read(evidence_path(dir, &file.key)?)?;
            total += content.len() as u64;
            store
                .put(&file.key, content.into())
                .await
                .map_err(|e| anyhow::anyhow!("evidence file {}: {e}", file.key))?;
        }
        anyhow::Ok(total)
    })?;

    if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let incoming = target.with_extension("db.restoring");
    std::fs::copy(&database, &incoming)?;
    // The old write-ahead log belongs to the old file: it must not be replayed into this one.
    for suffix in ["-wal", "-shm"] {
        let mut side = target.clone().into_os_string();
        side.push(suffix);
        match std::fs::remove_file(&side) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
    }
    std::fs::rename(&incoming, &target)?;
    let mut conn = DbConn::establish_url(&settings.database_url)?;
    let check: Vec<IntegrityCheck> = diesel::sql_query("PRAGMA integrity_check").load(&mut conn)?;
    anyhow::ensure!(
        check.len() == 1 && check[0].integrity_check == "ok",
        "the restored database fails its integrity check"
    );
    Ok(Report { files: manifest.files.len(), bytes })
}

#[derive(QueryableByName)]
struct IntegrityCheck {
    #[diesel(sql_type = diesel::sql_types::Text)]
    integrity_check: String,
}
