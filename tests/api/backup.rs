//! `thidua backup` and `thidua restore` (SQLite): the restore drill. A backup taken while the
//! service writes holds every write acknowledged before it began, each evidence file it refers
//! to is restored byte for byte, and a restore never overwrites a database unasked.

use std::process::Command;
use std::time::{Duration, Instant};

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use diesel::prelude::*;
use sha2::{Digest, Sha256};
use thidua::config::Settings;
use thidua::db::schema::{stored_files, units};
use thidua::db::DbConn;

use crate::achievements::{day, setup};
use crate::helpers::TestApp;

fn pdf(n: usize) -> Vec<u8> {
    format!("%PDF-1.7\n% biên bản số {n}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
        .into_bytes()
}

/// The settings of a service on a fresh database and store in `dir`.
fn settings_in(dir: &std::path::Path) -> Settings {
    let url = format!("sqlite://{}", dir.join("restored.db").display());
    let mut settings = Settings::from_lookup(|name| (name == "DATABASE_URL").then(|| url.clone())).unwrap();
    settings.evidence_store = dir.join("evidence").display().to_string();
    settings
}

#[actix_web::test]
async fn a_backup_under_write_load_restores_every_acknowledged_write() {
    let app = TestApp::sqlite(Default::default()).await;
    let s = setup(&app, 1).await;
    s.register(&app, 0, &[(0, "100")]).await;
    let report = s.report(&app, 0, 0, "10", &day(-1), false).await;
    let evidence_uri = format!("/api/v1/achievements/{}/evidence", report["id"].as_str().unwrap());
    let province_id = s.communes[0]["parent_id"].clone();

    let backup_dir = tempfile::tempdir().unwrap();
    let backup_path = backup_dir.path().join("backup");
    let settings = app.state.settings.clone();
    let mut backup: Option<std::thread::JoinHandle<anyhow::Result<thidua::backup::Report>>> = None;
    let mut began = None;
    // (evidence id, SHA-256) and commune ids, each acknowledged before the backup began or not.
    let mut files: Vec<(String, String, bool)> = Vec::new();
    let mut communes: Vec<(String, bool)> = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut n = 0;
    // Writes go on until the backup has finished, and at least 20 after it began.
    while backup.as_ref().is_none_or(|b| !b.is_finished()) || n < 40 {
        assert!(Instant::now() < deadline, "the backup did not finish");
        n += 1;
        if n == 20 {
            let settings = settings.clone();
            let path = backup_path.clone();
            began = Some(n);
            backup = Some(std::thread::spawn(move || thidua::backup::backup(&settings, &path)));
        }
        let before = began.is_none();
        let bytes = pdf(n);
        let res = app
            .send(
                TestRequest::post()
                    .uri(&format!("{evidence_uri}?filename=bien-ban-{n}.pdf"))
                    .insert_header(("content-type", "application/pdf"))
                    .set_payload(bytes.clone()),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
        files.push((res.json()["id"].as_str().unwrap().to_string(), hex::encode(Sha256::digest(&bytes)), before));
        let commune = app
            .create(
                "communes",
                serde_json::json!({"code": format!("8{n:04}"), "name": format!("Xã Sao Lưu {n}"), "type": "xa",
                    "parent_id": province_id}),
            )
            .await;
        communes.push((commune["id"].as_str().unwrap().to_string(), before));
    }
    let made = backup.unwrap().join().unwrap().expect("the backup succeeds");
    assert!(made.files >= 19, "{made:?}");

    // A second backup into the same directory is refused: backups never mix.
    let again = thidua::backup::backup(&settings, &backup_path).unwrap_err();
    assert!(again.to_string().contains("not empty"), "{again}");

    let target_dir = tempfile::tempdir().unwrap();
    let target = settings_in(target_dir.path());
    let restored = off_runtime(|| thidua::backup::restore(&target, &backup_path, false)).expect("the restore succeeds");
    assert_eq!(restored.files, made.files);
    thidua::startup::migrate(&target).expect("the restored database takes the migrations");

    let mut conn = DbConn::establish_url(&target.database_url).unwrap();
    let stored: Vec<(String, String, String)> = stored_files::table
        .select((stored_files::id, stored_files::sha256, stored_files::storage_key))
        .load(&mut conn)
        .unwrap();
    for (id, sha256, before) in &files {
        let row = stored.iter().find(|(stored_id, _, _)| stored_id == id);
        if *before {
            assert!(row.is_some(), "evidence {id}, acknowledged before the backup began, is missing");
        }
        if let Some((_, stored_sha, _)) = row {
            assert_eq!(stored_sha, sha256);
        }
    }
    // Every file the restored database names is in the restored store, byte for byte.
    for (id, sha256, key) in &stored {
        let bytes = std::fs::read(target_dir.path().join("evidence").join(key))
            .unwrap_or_else(|e| panic!("evidence {id} ({key}) was not restored: {e}"));
        assert_eq!(&hex::encode(Sha256::digest(&bytes)), sha256);
    }
    let unit_ids: Vec<String> = units::table.select(units::id).load(&mut conn).unwrap();
    for (id, before) in &communes {
        if *before {
            assert!(unit_ids.contains(id), "commune {id}, acknowledged before the backup began, is missing");
        }
    }
    drop(conn);

    // The restored database is never overwritten unasked; with --replace it is.
    let refused = off_runtime(|| thidua::backup::restore(&target, &backup_path, false)).unwrap_err();
    assert!(refused.to_string().contains("--replace"), "{refused}");
    off_runtime(|| thidua::backup::restore(&target, &backup_path, true)).expect("replacing is allowed when asked");

    // A damaged backup is refused before anything is written.
    let (_, _, key) = &stored[0];
    std::fs::write(backup_path.join("evidence").join(key), b"not the file").unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let damaged = off_runtime(|| thidua::backup::restore(&settings_in(elsewhere.path()), &backup_path, false));
    assert!(damaged.unwrap_err().to_string().contains("damaged"));
}

/// The commands run outside the server's runtime (they start their own).
fn off_runtime<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| scope.spawn(f).join().unwrap())
}

fn thidua(url: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_thidua"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn");
    cmd
}

#[test]
fn the_commands_round_trip_and_point_postgres_to_its_procedure() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("a.db").display());
    let evidence = dir.path().join("evidence");
    let out = thidua(&db).arg("migrate").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let backup = dir.path().join("backup");
    let out = thidua(&db).env("THIDUA_EVIDENCE_STORE", &evidence).arg("backup").arg(&backup).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(backup.join("manifest.json").exists() && backup.join("thidua.db").exists());
    let restored = format!("sqlite://{}", dir.path().join("b.db").display());
    let out = thidua(&restored)
        .env("THIDUA_EVIDENCE_STORE", dir.path().join("evidence-b"))
        .arg("restore")
        .arg(&backup)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let out = thidua("postgres://postgres@127.0.0.1:1/x").arg("backup").arg(dir.path().join("pg")).output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("pg_dump") && stderr.contains("docs/operations.md"), "{stderr}");
}
