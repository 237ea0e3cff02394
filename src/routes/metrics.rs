//! `GET /metrics`: the service's state in the Prometheus text format, for operators (outside
//! the API and its document, like the Swagger UI). Served only when configured: on the API's
//! address with a bearer token (`THIDUA_METRICS_TOKEN`), and/or on a separate address
//! (`THIDUA_METRICS_BIND`). See docs/operations.md.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::db::schema::webhook_deliveries;
use crate::db::{self, DbConn};
use crate::error::{ApiError, ErrorCode};
use crate::http::metrics::{gauge, render_requests};
use crate::state::AppState;

pub async fn scrape(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    if let Some(token) = &state.settings.ops.metrics_token {
        let sent = req.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
        let sent = sent.and_then(|v| v.strip_prefix("Bearer ")).unwrap_or_default();
        // Compared as digests, so the time taken says nothing about the token.
        if Sha256::digest(sent.as_bytes()) != Sha256::digest(token.as_bytes()) {
            return Err(ApiError::unauthorized(ErrorCode::InvalidToken, "the metrics token is missing or wrong"));
        }
    }
    let mut out = String::with_capacity(16 * 1024);
    render_requests(&mut out);
    let pool = state.db.state();
    let in_use = f64::from(pool.connections - pool.idle_connections);
    gauge(
        &mut out,
        "thidua_db_pool_connections",
        "Database connections open, by state.",
        &[("state=\"in_use\"", in_use), ("state=\"idle\"", f64::from(pool.idle_connections))],
    );
    gauge(
        &mut out,
        "thidua_db_pool_max",
        "The most connections the pool opens.",
        &[("", f64::from(state.db.max_size()))],
    );
    let waiting = db::POOL_WAITING.load(std::sync::atomic::Ordering::Relaxed);
    gauge(&mut out, "thidua_db_pool_waiting", "Requests waiting for a database connection.", &[("", waiting as f64)]);
    let hash_queue = state.hasher.queue_depth();
    gauge(
        &mut out,
        "thidua_hash_queue_depth",
        "Sign-ins waiting for a password-hashing thread.",
        &[("", hash_queue as f64)],
    );
    // The database's figures; when it cannot answer, they are left out and `database_up` says so.
    let figures = db::run(&state.db, database_figures).await;
    gauge(
        &mut out,
        "thidua_database_up",
        "Whether the database answered this scrape.",
        &[("", if figures.is_ok() { 1.0 } else { 0.0 })],
    );
    if let Ok(figures) = figures {
        gauge(
            &mut out,
            "thidua_webhook_deliveries",
            "Webhook deliveries waiting to be sent (pending) or given up (failed).",
            &[("status=\"pending\"", figures.pending as f64), ("status=\"failed\"", figures.failed as f64)],
        );
        gauge(
            &mut out,
            "thidua_journal_head",
            "The sequence number of the latest change in the journal.",
            &[("", figures.journal_head as f64)],
        );
    }
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(out))
}

struct DatabaseFigures {
    pending: i64,
    failed: i64,
    journal_head: i64,
}

fn database_figures(conn: &mut DbConn) -> Result<DatabaseFigures, ApiError> {
    use crate::domain::webhooks::DeliveryStatus;
    let mut count = |status: DeliveryStatus| -> QueryResult<i64> {
        webhook_deliveries::table.filter(webhook_deliveries::status.eq(status)).count().get_result(conn)
    };
    let pending = count(DeliveryStatus::Pending)?;
    let failed = count(DeliveryStatus::Failed)?;
    Ok(DatabaseFigures { pending, failed, journal_head: crate::db::journal::latest_seq(conn)? })
}
