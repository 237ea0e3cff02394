//! The evidence store on S3-compatible storage, against a real S3 server (moto's, started by
//! `.ci/s3`, which sets THIDUA_TEST_S3_ENDPOINT). Without it these tests skip, unless
//! THIDUA_REQUIRE_S3=1 (as in CI) makes that a failure. Each app gets its own prefix in one
//! bucket. The store is independent of the database, so these run on SQLite only.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use futures_util::TryStreamExt;
use object_store::aws::AmazonS3Builder;
use object_store::path::Path;
use object_store::ObjectStore;
use serde_json::json;

use crate::achievements::{day, setup};
use crate::helpers::{Options, TestApp};

const BUCKET: &str = "thidua-test";

fn endpoint() -> Option<String> {
    let url = std::env::var("THIDUA_TEST_S3_ENDPOINT").ok().filter(|u| !u.is_empty());
    assert!(
        url.is_some() || !std::env::var("THIDUA_REQUIRE_S3").is_ok_and(|v| v == "1"),
        "THIDUA_REQUIRE_S3=1 but THIDUA_TEST_S3_ENDPOINT is not set (run .ci/s3)"
    );
    url
}

fn s3_settings(endpoint: &str) -> Vec<(&'static str, String)> {
    vec![
        ("AWS_ENDPOINT", endpoint.to_string()),
        ("AWS_ALLOW_HTTP", "true".to_string()),
        ("AWS_ACCESS_KEY_ID", "thidua-test".to_string()),
        ("AWS_SECRET_ACCESS_KEY", "thidua-test-secret".to_string()),
        ("AWS_REGION", "us-east-1".to_string()),
    ]
}

/// An app whose evidence store is a fresh prefix of the test bucket, reached at `endpoint`.
async fn app_on_s3(endpoint: &str, prefix: &str) -> TestApp {
    let direct = std::env::var("THIDUA_TEST_S3_ENDPOINT").unwrap();
    let created = reqwest::Client::new().put(format!("{direct}/{BUCKET}")).send().await.expect("reach the S3 server");
    assert!(created.status().is_success() || created.status() == 409, "create the bucket: {}", created.status());
    let mut env = s3_settings(endpoint);
    env.push(("THIDUA_EVIDENCE_STORE", format!("s3://{BUCKET}/{prefix}")));
    TestApp::sqlite(Options { env, ..Default::default() }).await
}

/// How many objects lie under `bucket/prefix`, listed with `settings`.
pub fn objects_under(bucket_and_prefix: &str, settings: &[(&'static str, String)]) -> usize {
    let (bucket, prefix) = bucket_and_prefix.split_once('/').unwrap_or((bucket_and_prefix, ""));
    let mut builder = AmazonS3Builder::new().with_bucket_name(bucket);
    for (name, value) in settings {
        builder = builder.with_config(name.to_ascii_lowercase().parse().expect("an S3 setting"), value);
    }
    let store = builder.build().expect("an S3 client");
    let prefix = Path::from(prefix);
    // The caller is inside the test's runtime; list on a thread with its own.
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            store.list(Some(&prefix)).try_collect::<Vec<_>>().await.expect("list the bucket").len()
        })
    })
    .join()
    .expect("the listing thread")
}

#[actix_web::test]
async fn evidence_files_live_in_s3() {
    let Some(endpoint) = endpoint() else { return };
    let app = app_on_s3(&endpoint, &uuid::Uuid::now_v7().to_string()).await;
    assert!(app.state.settings.evidence_store.starts_with("s3://"));
    // The same test as on a directory: uploads checked, downloads equal, refusals store
    // nothing, no orphan left when the record is refused after the put.
    crate::achievements::evidence_uploads_are_checked_and_atomic(app).await;
}

#[actix_web::test]
async fn dossier_documents_live_in_s3() {
    let Some(endpoint) = endpoint() else { return };
    let app = app_on_s3(&endpoint, &uuid::Uuid::now_v7().to_string()).await;
    crate::nominations::from_draft_to_approval(app).await;
}

/// The store's connection breaks in the middle of a file: the client gets 503 with
/// `Retry-After`, no record is written and no object (whole or partial) is left behind.
#[actix_web::test]
async fn a_store_failing_mid_upload_writes_nothing() {
    let Some(endpoint) = endpoint() else { return };
    let upstream: SocketAddr = endpoint.trim_start_matches("http://").parse().expect("an ip:port endpoint");
    // Headers pass, then 8 KiB of the 40 KiB body, then the connection is cut (both ways).
    let proxy = cutting_proxy(upstream, 8 * 1024);
    let prefix = uuid::Uuid::now_v7().to_string();
    let app = app_on_s3(&format!("http://{proxy}"), &prefix).await;
    let s = setup(&app, 1).await;
    s.register(&app, 0, &[(0, "100")]).await;
    let report = s.report(&app, 0, 0, "10", &day(-1), false).await;
    let mut pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n".to_vec();
    pdf.resize(40 * 1024, b' ');
    pdf.extend_from_slice(b"\ntrailer << /Root 1 0 R >>\n%%EOF\n");
    let report_path = format!("/api/v1/achievements/{}", report["id"].as_str().unwrap());
    let res = app
        .send(
            TestRequest::post()
                .uri(&format!("{report_path}/evidence?filename=bien-ban.pdf"))
                .insert_header(("content-type", "application/pdf"))
                .set_payload(pdf),
        )
        .await;
    res.problem(503, "storage_unavailable");
    assert!(res.header("retry-after").is_some());
    let after = app.get(&report_path).await;
    assert_eq!(after.status, StatusCode::OK);
    assert_eq!(after.json()["evidence"], json!([]), "no record");
    assert_eq!(after.json()["version"], report["version"], "the report is unchanged");
    let direct = s3_settings(&endpoint);
    assert_eq!(objects_under(&format!("{BUCKET}/{prefix}"), &direct), 0, "no object, whole or partial");
}

/// A TCP proxy to `upstream` that forwards the first `cut_after` bytes a client sends, then
/// closes both connections — a store that dies in the middle of a request.
fn cutting_proxy(upstream: SocketAddr, cut_after: usize) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let Ok(server) = TcpStream::connect(upstream) else { continue };
            let (mut from_client, mut to_server) = (client.try_clone().unwrap(), server.try_clone().unwrap());
            let (mut from_server, mut to_client) = (server, client);
            std::thread::spawn(move || {
                let mut sent = 0;
                let mut buf = [0u8; 4096];
                while let Ok(n @ 1..) = from_client.read(&mut buf) {
                    let n = n.min(cut_after - sent);
                    if to_server.write_all(&buf[..n]).is_err() {
                        break;
                    }
                    sent += n;
                    if sent >= cut_after {
                        break;
                    }
                }
                let _ = to_server.shutdown(Shutdown::Both);
                let _ = from_client.shutdown(Shutdown::Both);
            });
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut from_server, &mut to_client);
                let _ = to_client.shutdown(Shutdown::Both);
            });
        }
    });
    addr
}
