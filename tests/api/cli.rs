//! The command line: bootstrapping the first admin, and refusing bad settings.

use std::io::Write;
use std::process::{Command, Stdio};

fn thidua(db: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_thidua"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", format!("sqlite://{}", db.display()))
        .env("RUST_LOG", "warn");
    cmd
}

#[actix_web::test]
async fn create_admin_takes_the_password_from_stdin_and_never_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.db");

    // No password at all: refused.
    let out = thidua(&db)
        .args(["create-admin", "--username", "bantdkt", "--full-name", "Ban Thi đua – Khen thưởng"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("password"), "{}", String::from_utf8_lossy(&out.stderr));

    let mut child = thidua(&db)
        .args(["create-admin", "--username", "bantdkt", "--full-name", "Ban Thi đua – Khen thưởng"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all("Mật khẩu quản trị 2026\n".as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    // The admin can sign in to a service on that database.
    let app = crate::helpers::TestApp::start(&format!("sqlite://{}", db.display()), Default::default()).await;
    let res = app.login("bantdkt", "Mật khẩu quản trị 2026").await;
    assert_eq!(res.status.as_u16(), 200, "{}", res.text());
    assert_eq!(res.json()["user"]["roles"], serde_json::json!(["admin"]));

    // A second admin with the same name is refused.
    let out = thidua(&db)
        .args(["create-admin", "--username", "bantdkt", "--full-name", "X"])
        .env("THIDUA_ADMIN_PASSWORD", "Mật khẩu quản trị khác")
        .output()
        .unwrap();
    assert!(!out.status.success());
}

/// What a newcomer runs first, on an empty database: reference and demo data load, twice.
#[test]
fn seed_with_demo_works_on_a_fresh_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fresh.db");
    for run in 0..2 {
        let out = thidua(&db)
            .args(["seed", "--demo"])
            .env("THIDUA_EVIDENCE_STORE", dir.path().join("evidence"))
            .output()
            .unwrap();
        assert!(out.status.success(), "run {run}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

#[test]
fn an_invalid_setting_stops_the_start_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let out = thidua(&dir.path().join("x.db")).arg("migrate").env("THIDUA_DB_POOL_SIZE", "zero").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("THIDUA_DB_POOL_SIZE") && stderr.contains("zero"), "{stderr}");
}
