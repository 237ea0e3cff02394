//! The request log with request ids, and the net that turns any error response the framework
//! produced by itself (unknown route, wrong method, …) into a problem document.

use std::time::Instant;

use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::{Condition, ErrorHandlerResponse, ErrorHandlers, Next};
use actix_web::{Error, HttpMessage, ResponseError};
use tracing::Instrument;

use crate::config::Settings;
use crate::error::{i18n, ApiError, Arg, ErrorCode, PROBLEM_JSON};

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
pub const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
/// Set on a response replayed for a repeated `Idempotency-Key`.
pub const IDEMPOTENT_REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

/// CORS for browser frontends on other origins (`THIDUA_CORS_ORIGINS`); off when none are set.
/// Never with credentials: the API takes bearer tokens, not cookies. An origin that is not
/// allowed is not refused (servers and tools send `Origin` too): its responses simply carry no
/// CORS headers, so browsers keep them from the page.
pub fn cors(settings: &Settings) -> Condition<Cors> {
    let origins = &settings.cors_origins;
    let mut cors = Cors::default();
    if origins.iter().any(|o| o == "*") {
        cors = cors.allow_any_origin().send_wildcard();
    } else {
        for origin in origins {
            cors = cors.allowed_origin(origin);
        }
    }
    let cors = cors
        .allowed_methods(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers([header::AUTHORIZATION, header::CONTENT_TYPE, header::IF_MATCH, IDEMPOTENCY_KEY, REQUEST_ID])
        .expose_headers([
            header::ETAG,
            header::LOCATION,
            header::LINK,
            header::RETRY_AFTER,
            header::WWW_AUTHENTICATE,
            header::CONTENT_DISPOSITION,
            REQUEST_ID,
            IDEMPOTENT_REPLAYED,
        ])
        .max_age(3600)
        .block_on_origin_mismatch(false);
    Condition::new(!origins.is_empty(), cors)
}

/// The request's id, for handlers (the journal keeps it with each change).
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

/// Accepts a caller's `X-Request-Id` (up to 128 visible ASCII characters) or makes one, echoes
/// it on the response, and logs one line per request.
pub async fn request_log(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let request_id = req
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_graphic()))
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    req.extensions_mut().insert(RequestId(request_id.clone()));
    let method = req.method().clone();
    let path = req.path().to_owned();
    let started = Instant::now();
    // With traces on (OTLP), this span is the request's trace; its route is known once routed.
    let span = tracing::info_span!(
        "request",
        request_id = %request_id,
        http.request.method = %method,
        http.route = tracing::field::Empty,
        http.response.status_code = tracing::field::Empty,
    );
    join_callers_trace(&span, req.headers());
    let mut res = next.call(req).instrument(span.clone()).await?;
    let status = res.status().as_u16();
    span.record("http.response.status_code", status);
    if let Some(route) = crate::http::register::route_of(res.request()) {
        span.record("http.route", route.as_str());
    }
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    tracing::info!(%request_id, %method, %path, status, latency_ms = format!("{latency_ms:.2}"), "request");
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        res.headers_mut().insert(REQUEST_ID, value);
    }
    Ok(res)
}

/// Makes the request's span a child of the caller's (W3C `traceparent`/`tracestate`), so a
/// gateway's or frontend's trace continues here. Without traces configured, the global
/// propagator is a no-op and this costs a header lookup.
fn join_callers_trace(span: &tracing::Span, headers: &actix_web::http::header::HeaderMap) {
    use tracing_opentelemetry::OpenTelemetrySpanExt;
    struct Headers<'a>(&'a actix_web::http::header::HeaderMap);
    impl opentelemetry::propagation::Extractor for Headers<'_> {
        fn get(&self, key: &str) -> Option<&str> {
            self.0.get(key).and_then(|v| v.to_str().ok())
        }
        fn keys(&self) -> Vec<&str> {
            self.0.keys().map(actix_web::http::header::HeaderName::as_str).collect()
        }
    }
    if !headers.contains_key("traceparent") {
        return;
    }
    let parent = opentelemetry::global::get_text_map_propagator(|p| p.extract(&Headers(headers)));
    // Fails only when no OpenTelemetry layer is installed: then there is nothing to join.
    let _ = span.set_parent(parent);
}

/// The Swagger UI page's policy: its own scripts and styles only (it sets inline styles), images
/// from itself or data URIs, calls to this origin only, no frames, no forms, no plug-ins.
pub const DOCS_CSP: &str =
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; \
connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";
/// Every other answer is data, never a page: nothing may load from it or frame it.
pub const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// Security headers on every response (OWASP REST Security and HTTP Headers cheat sheets):
/// `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`, `X-Frame-Options: DENY`, a
/// `Content-Security-Policy` (strict; the Swagger UI page's allows what that page needs), and
/// `Cache-Control: no-store` on answers to requests that carry credentials (and to sign-in and
/// refresh, whose answers are credentials), unless the handler set its own. It also serves `HEAD` wherever `GET` is served: the request is routed as a
/// `GET` and the server sends the headers without the body.
pub async fn security_headers(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    // Credentials in the request, or credentials in the answer (sign-in, refresh). The path as
    // the router reads it (escapes decoded), so `/api/v1/%61uth/login` is sign-in too.
    let authenticated =
        req.headers().contains_key(header::AUTHORIZATION) || req.match_info().as_str().starts_with("/api/v1/auth/");
    let docs = req.path() == "/docs" || req.path().starts_with("/docs/");
    let head = req.method() == actix_web::http::Method::HEAD;
    if head {
        req.head_mut().method = actix_web::http::Method::GET;
    }
    let mut res = next.call(req).await?;
    let headers = res.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(if docs { DOCS_CSP } else { API_CSP }));
    if authenticated && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    // A 405's `Allow` names HEAD wherever it names GET.
    if let Some(allow) = headers.get(header::ALLOW).and_then(|v| v.to_str().ok()) {
        let methods: Vec<&str> = allow.split(',').map(str::trim).collect();
        if methods.contains(&"GET") && !methods.contains(&"HEAD") {
            if let Ok(value) = HeaderValue::from_str(&format!("{allow}, HEAD")) {
                headers.insert(header::ALLOW, value);
            }
        }
    }
    Ok(res)
}

/// Answers the request in the language its `Accept-Language` prefers (`error::i18n::negotiate`;
/// the public endpoints always in Vietnamese):
/// problem documents built while it is handled — by handlers, extractors, the problem net
/// inside, or a middleware's error caught here — speak that language and say so in
/// `Content-Language`.
pub async fn language(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    // The public pages speak to citizens: always Vietnamese.
    let lang = if req.match_info().as_str().starts_with("/api/v1/public/") {
        i18n::Lang::Vi
    } else {
        i18n::negotiate(req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()))
    };
    req.extensions_mut().insert(lang);
    // An error a middleware returned is rendered by the server, after this scope: it keeps the
    // language with it.
    i18n::scope(lang, next.call(req)).await.map_err(|error| InLanguage(lang, error).into())
}

/// An error rendered in a given language.
#[derive(Debug)]
struct InLanguage(i18n::Lang, Error);

impl std::fmt::Display for InLanguage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.1.fmt(f)
    }
}

impl ResponseError for InLanguage {
    fn status_code(&self) -> StatusCode {
        self.1.as_response_error().status_code()
    }

    fn error_response(&self) -> actix_web::HttpResponse {
        i18n::sync_scope(self.0, || self.1.error_response())
    }
}

/// Marks an error response whose body is deliberately not a problem document (the OAuth token
/// endpoint's RFC 6749 §5.2 errors), so the net below leaves it alone.
#[derive(Clone, Copy)]
pub struct NotAProblem;

pub fn problem_responses<B: 'static>() -> ErrorHandlers<B> {
    ErrorHandlers::new().default_handler(to_problem)
}

fn to_problem<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem = res.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes() == PROBLEM_JSON.as_bytes());
    if is_problem || res.response().extensions().contains::<NotAProblem>() {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let error = match status {
        StatusCode::NOT_FOUND => {
            ApiError::new(ErrorCode::RouteNotFound, format!("no resource at {}", res.request().path()))
                .localized("route_not_found-path", [("path", Arg::text(res.request().path()))])
        }
        StatusCode::METHOD_NOT_ALLOWED => ApiError::new(
            ErrorCode::MethodNotAllowed,
            format!("{} is not supported on {}", res.request().method(), res.request().path()),
        )
        .localized(
            "method_not_allowed-path",
            [("method", Arg::text(res.request().method())), ("path", Arg::text(res.request().path()))],
        ),
        _ => ApiError::with_status(
            status,
            ErrorCode::HttpError,
            status.canonical_reason().unwrap_or("error").to_lowercase(),
        ),
    };
    let (req, _) = res.into_parts();
    let res = ServiceResponse::new(req, error.error_response());
    Ok(ErrorHandlerResponse::Response(res.map_into_right_body()))
}
