//! CORS: allowed origins get the headers a browser needs, others get none, and it is off
//! unless configured.

use actix_web::test::TestRequest;

use crate::helpers::{Options, Response, TestApp};

const FRONTEND: &str = "https://thidua.example.vn";

async fn preflight(app: &TestApp, origin: &str) -> Response {
    let req = TestRequest::default()
        .method(actix_web::http::Method::OPTIONS)
        .uri("/api/v1/campaigns")
        .insert_header(("origin", origin))
        .insert_header(("access-control-request-method", "POST"))
        .insert_header(("access-control-request-headers", "authorization, content-type, idempotency-key, if-match"));
    app.send_anonymous(req).await
}

async fn get_from(app: &TestApp, origin: &str) -> Response {
    app.send(TestRequest::get().uri("/api/v1/campaigns").insert_header(("origin", origin))).await
}

fn listed(res: &Response, header: &str, item: &str) -> bool {
    res.header(header).is_some_and(|v| v.split(',').any(|h| h.trim().eq_ignore_ascii_case(item)))
}

#[actix_web::test]
async fn allowed_origins_get_cors_headers_and_others_none() {
    let app = TestApp::sqlite(Options {
        cors_origins: "http://localhost:5173, https://thidua.example.vn",
        ..Default::default()
    })
    .await;

    let res = preflight(&app, FRONTEND).await;
    assert!(res.status.is_success(), "{} {}", res.status, res.text());
    assert_eq!(res.header("access-control-allow-origin"), Some(FRONTEND));
    assert!(listed(&res, "access-control-allow-methods", "POST"), "{:?}", res.headers);
    for header in ["authorization", "content-type", "idempotency-key", "if-match"] {
        assert!(listed(&res, "access-control-allow-headers", header), "{header}: {:?}", res.headers);
    }
    assert_eq!(res.header("access-control-max-age"), Some("3600"));
    assert_eq!(res.header("access-control-allow-credentials"), None, "bearer tokens, never cookies");

    let res = get_from(&app, FRONTEND).await;
    assert_eq!(res.status.as_u16(), 200, "{}", res.text());
    assert_eq!(res.header("access-control-allow-origin"), Some(FRONTEND));
    for header in ["etag", "location", "link", "retry-after", "x-request-id", "idempotent-replayed"] {
        assert!(listed(&res, "access-control-expose-headers", header), "{header}: {:?}", res.headers);
    }
    // Error answers carry them too, so a browser can read the problem.
    let res = app.send_anonymous(TestRequest::get().uri("/api/v1/campaigns").insert_header(("origin", FRONTEND))).await;
    res.problem(401, "invalid_token");
    assert_eq!(res.header("access-control-allow-origin"), Some(FRONTEND));

    let stranger = "https://evil.example.com";
    let res = preflight(&app, stranger).await;
    assert!(!res.status.is_success(), "a preflight from a stranger is not approved");
    assert_eq!(res.header("access-control-allow-origin"), None);
    assert_eq!(res.header("access-control-allow-methods"), None);
    // A plain request is served (servers send Origin too) but without CORS headers, so a
    // browser keeps the answer from the stranger's page.
    let res = get_from(&app, stranger).await;
    assert_eq!(res.status.as_u16(), 200);
    assert_eq!(res.header("access-control-allow-origin"), None);
}

#[actix_web::test]
async fn any_origin_is_a_wildcard_without_credentials() {
    let app = TestApp::sqlite(Options { cors_origins: "*", ..Default::default() }).await;
    let res = preflight(&app, "https://anywhere.example.org").await;
    assert!(res.status.is_success(), "{}", res.text());
    assert_eq!(res.header("access-control-allow-origin"), Some("*"));
    assert_eq!(res.header("access-control-allow-credentials"), None);
}

#[actix_web::test]
async fn cors_is_off_by_default() {
    let app = TestApp::sqlite(Options::default()).await;
    let res = preflight(&app, FRONTEND).await;
    assert_eq!(res.header("access-control-allow-origin"), None);
    assert_eq!(res.header("access-control-allow-methods"), None);
    let res = get_from(&app, FRONTEND).await;
    assert_eq!(res.status.as_u16(), 200);
    assert_eq!(res.header("access-control-allow-origin"), None);
}
