//! Builds the application: pool, migrations, routes, middleware, and the HTTP server.

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpResponse, HttpServer};
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::oidc::OidcVerifier;
use crate::auth::password::{self, HashParams, PasswordHasher};
use crate::auth::rate_limit::{self, RateLimiter};
use crate::auth::tokens::TokenKeys;
use crate::auth::SessionCache;
use crate::config::Settings;
use crate::db::{self, DbConn};
use crate::documents::signature::TrustAnchors;
use crate::http::public_url::{self, PublicBaseUrl};
use crate::http::{extract, metrics, middleware};
use crate::models::accounts;
use crate::state::{AppState, Shutdown};
use crate::storage::EvidenceStore;
use crate::webhooks::WebhookClient;

/// Applies pending migrations on a fresh connection (at start, and for `thidua migrate`).
pub fn migrate(settings: &Settings) -> anyhow::Result<()> {
    let mut conn = DbConn::establish_url(&settings.database_url)
        .map_err(|e| anyhow::anyhow!("cannot connect to {}: {e}", redact(&settings.database_url)))?;
    conn.run_pending_migrations().map_err(|e| anyhow::anyhow!("migration failed: {e}"))
}

/// The access-token signing key: `THIDUA_JWT_SECRET`, or one generated once and kept in the
/// database so that every instance on it signs and verifies alike.
pub fn signing_key(settings: &Settings) -> anyhow::Result<Vec<u8>> {
    if let Some(secret) = &settings.auth.jwt_secret {
        return Ok(secret.as_bytes().to_vec());
    }
    let mut conn = DbConn::establish_url(&settings.database_url)
        .map_err(|e| anyhow::anyhow!("cannot connect to {}: {e}", redact(&settings.database_url)))?;
    let hex_key =
        accounts::secret(&mut conn, "jwt_hs256_key", password::random_token).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(hex_key.into_bytes())
}

pub fn hash_params(settings: &Settings) -> HashParams {
    HashParams {
        memory_kib: settings.auth.argon2_memory_kib,
        iterations: settings.auth.argon2_iterations,
        lanes: settings.auth.argon2_lanes,
    }
}

pub fn state(settings: Settings, signing_key: &[u8]) -> anyhow::Result<web::Data<AppState>> {
    let evidence = EvidenceStore::open(&settings.evidence_store, &settings.evidence_s3)
        .map_err(|e| anyhow::anyhow!("THIDUA_EVIDENCE_STORE={}: {e}", settings.evidence_store))?;
    let pool = db::build_pool(&settings.database_url, settings.db_pool_size, settings.db_pool_timeout);
    let auth = &settings.auth;
    let webhooks = WebhookClient::new(&settings.webhooks).map_err(|e| anyhow::anyhow!("webhook client: {e}"))?;
    let trust_anchors = match &settings.documents.trust_anchors_pem {
        None => TrustAnchors::none(),
        Some(pem) => TrustAnchors::from_pem(pem).map_err(|e| anyhow::anyhow!("THIDUA_SIGNATURE_TRUST_ANCHORS: {e}"))?,
    };
    Ok(web::Data::new(AppState {
        trust_anchors,
        db: pool,
        evidence,
        webhooks,
        oidc: settings.oidc.clone().map(OidcVerifier::new).transpose()?,
        tokens: TokenKeys::new(signing_key, &auth.jwt_issuer, &auth.jwt_audience, auth.access_token_ttl_secs),
        hasher: PasswordHasher::start(hash_params(&settings), auth.hash_threads, auth.hash_queue),
        sessions: SessionCache::new(auth.session_cache_ttl),
        rate_limiter: RateLimiter::new(auth.rate_limit_per_minute),
        shutdown: Shutdown::default(),
        checkpointer: db::Checkpointer::start(&settings.database_url),
        settings,
        openapi_json: std::sync::OnceLock::new(),
    }))
}

/// The OpenAPI document as `/openapi.json` serves it, made once per application state (the
/// server makes it before its workers start) and shared by every worker.
pub fn served_document(state: &AppState) -> web::Bytes {
    state
        .openapi_json
        .get_or_init(|| {
            let mut api = crate::openapi::document();
            if let Some(base) = &state.settings.ops.public_base_url {
                api.servers = Some(vec![utoipa::openapi::Server::new(base)]);
            }
            web::Bytes::from(api.to_json().expect("the OpenAPI document serializes"))
        })
        .clone()
}

pub fn build_app(
    state: web::Data<AppState>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let cors = middleware::cors(&state.settings);
    let ops = state.settings.ops.clone();
    let openapi_json = served_document(&state);
    let app = App::new().app_data(state).app_data(extract::path_config()).configure(crate::routes::configure);
    // Requests are timed only when metrics are served somewhere (no lock on the hot path otherwise).
    let metrics_on = ops.metrics_token.is_some() || ops.metrics_bind.is_some();
    // Metrics on the API's address only behind their token (else on THIDUA_METRICS_BIND only).
    let app = app.configure(|cfg| {
        if let Some(base) = ops.public_base_url {
            cfg.app_data(PublicBaseUrl(base));
        }
        if ops.metrics_token.is_some() {
            cfg.route("/metrics", web::get().to(crate::routes::metrics::scrape));
        }
    });
    // validatorUrl none: the page never loads a badge from swagger.io (nor sends it the document).
    let swagger_config = utoipa_swagger_ui::Config::new(["/openapi.json"]).validator_url("none");
    // GET only; other methods fall through to the 404 like any path nothing serves.
    app.service(web::resource("/openapi.json").guard(actix_web::guard::Get()).to(move || {
        let document = openapi_json.clone();
        async move { HttpResponse::Ok().content_type(header::ContentType::json()).body(document) }
    }))
    .service(SwaggerUi::new("/docs/{_:.*}").config(swagger_config))
    .route(
        "/docs",
        web::get().to(|| async { HttpResponse::PermanentRedirect().insert_header(("location", "/docs/")).finish() }),
    )
    .default_service(web::to(crate::http::register::not_served))
    .wrap(from_fn(rate_limit::limit))
    .wrap(from_fn(public_url::rewrite_location))
    // Inside the problem net (so a refused preflight is a problem too) and outside the rate
    // limit (so its 429s carry CORS headers and a browser can read them).
    .wrap(cors)
    .wrap(middleware::problem_responses())
    // Outside the problem net, so the problems it makes speak the request's language.
    .wrap(from_fn(middleware::language))
    .wrap(from_fn(middleware::security_headers))
    .wrap(actix_web::middleware::Condition::new(metrics_on, from_fn(metrics::record)))
    .wrap(from_fn(middleware::request_log))
}

/// Binds and starts the server, and the webhook dispatcher unless turned off; migrations must
/// have run. Call inside an actix system.
pub fn serve(state: web::Data<AppState>) -> std::io::Result<(Server, std::net::SocketAddr)> {
    let settings = state.settings.clone();
    let dispatcher_state = state.clone();
    let signal_state = state.clone();
    let state_for_metrics = state.clone();
    // Each worker gets its share of blocking threads, so requests queue for the pool's
    // connections instead of piling up hundreds of threads contending for them.
    let blocking_per_worker = (settings.db_pool_size as usize).div_ceil(settings.workers).max(1);
    // Made here, on the main thread, so no worker's memory holds the building of them.
    served_document(&state);
    crate::routes::table();
    crate::memory::release_free();
    let server = HttpServer::new(move || build_app(state.clone()))
        .workers(settings.workers)
        .worker_max_blocking_threads(blocking_per_worker)
        .shutdown_timeout(settings.shutdown_timeout_secs)
        // Signals are handled below, to tell waiting requests before the server stops.
        .disable_signals()
        .bind(settings.bind)?;
    let addr = server.addrs()[0];
    if settings.webhooks.dispatch {
        crate::webhooks::spawn_dispatcher(dispatcher_state);
    }
    if let Some(bind) = settings.ops.metrics_bind {
        let metrics_state = state_for_metrics;
        let metrics = HttpServer::new(move || {
            App::new().app_data(metrics_state.clone()).route("/metrics", web::get().to(crate::routes::metrics::scrape))
        })
        .workers(1)
        .disable_signals()
        .bind(bind)?
        .run();
        tracing::info!(%bind, "metrics are served");
        // Stops with the process; it holds no work worth finishing.
        actix_web::rt::spawn(metrics);
    }
    let server = server.run();
    let handle = server.handle();
    actix_web::rt::spawn(async move {
        let graceful = stop_signal().await;
        tracing::info!(graceful, "stopping");
        signal_state.shutdown.begin();
        handle.stop(graceful).await;
    });
    Ok((server, addr))
}

/// Waits for SIGTERM (a graceful stop: requests in flight finish, within the shutdown timeout)
/// or SIGINT/SIGQUIT (stop now), as actix-web would.
async fn stop_signal() -> bool {
    use actix_web::rt::signal::unix::{signal, SignalKind};
    let (Ok(mut term), Ok(mut int), Ok(mut quit)) =
        (signal(SignalKind::terminate()), signal(SignalKind::interrupt()), signal(SignalKind::quit()))
    else {
        tracing::warn!("cannot listen for signals; stop the process with SIGKILL");
        return std::future::pending().await;
    };
    let term = std::pin::pin!(term.recv());
    let others = std::pin::pin!(async {
        futures_util::future::select(std::pin::pin!(int.recv()), std::pin::pin!(quit.recv())).await;
    });
    matches!(futures_util::future::select(term, others).await, futures_util::future::Either::Left(_))
}

/// A database URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.find(':') {
                Some(colon) => format!("{}{}:***{}", &url[..scheme + 3], &credentials[..colon], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn redact_hides_only_the_password() {
        assert_eq!(super::redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(super::redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(super::redact("sqlite://data/x.db"), "sqlite://data/x.db");
    }
}
