//! Sending webhooks: the HTTP client (which connects only to addresses it has checked), the
//! target check run at subscription time, and the dispatcher that claims due deliveries from
//! the outbox and sends them. See docs/webhooks.md.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::web;
use serde::Serialize;

use crate::config::WebhookSettings;
use crate::db;
use crate::db::journal::{event, Event};
use crate::domain::webhooks::{self as rules, Refusal, Target};
use crate::error::{ApiError, ErrorCode};
use crate::models::webhooks::{self as model, AttemptRecord, Claimed, Outcome};
use crate::state::AppState;

/// Resolves names for the client and drops every address a delivery may not reach, so the
/// address checked is the address connected to: a name that resolves to a public address when
/// checked and to 127.0.0.1 when connecting (DNS rebinding) cannot slip through.
struct GuardedResolver {
    allow_private: bool,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow_private = self.allow_private;
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addrs = resolve_allowed(&host, 0, allow_private).await.map_err(|r| r.message)?;
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// The host's addresses, all of which must be allowed (one internal address refuses the host:
/// a name that points inside is not a public endpoint).
async fn resolve_allowed(host: &str, port: u16, allow_private: bool) -> Result<Vec<SocketAddr>, Refusal> {
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
        .await
        .map_err(|_| Refusal { code: ErrorCode::UnresolvableHost, message: "the host name does not resolve".into() })?
        .collect();
    if addrs.is_empty() {
        return Err(Refusal { code: ErrorCode::UnresolvableHost, message: "the host name does not resolve".into() });
    }
    if addrs.iter().any(|a| !rules::address_allowed(a.ip(), allow_private)) {
        return Err(Refusal {
            code: ErrorCode::PrivateAddress,
            message: "must not point at a loopback, private, link-local or otherwise internal address".into(),
        });
    }
    Ok(addrs)
}

/// The URL checks, then the host's addresses: at subscription time and again before each send.
pub async fn check_target(url: &str, settings: &WebhookSettings) -> Result<Target, Refusal> {
    let target = rules::check_url(url, settings)?;
    if target.ip.is_none() {
        resolve_allowed(&target.host, target.port, settings.allow_private_targets).await?;
    }
    Ok(target)
}

/// The HTTP client deliveries go through: no proxy, no redirects, bounded time, checked DNS.
pub struct WebhookClient {
    http: reqwest::Client,
}

impl WebhookClient {
    pub fn new(settings: &WebhookSettings) -> anyhow::Result<WebhookClient> {
        let http = reqwest::Client::builder()
            .dns_resolver(Arc::new(GuardedResolver { allow_private: settings.allow_private_targets }))
            // A proxy would resolve and connect on our behalf, past the checks.
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.timeout)
            .user_agent(concat!("thidua-webhooks/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(WebhookClient { http })
    }
}

/// What a receiver gets: the feed's event and the subscription it came through.
#[derive(Serialize)]
struct Payload {
    #[serde(flatten)]
    event: Event,
    webhook_id: crate::domain::ids::SubscriptionId,
}

/// Claims one batch of due deliveries and sends them (concurrently); returns how many were
/// attempted. The background loop calls this; tests call it directly.
pub async fn dispatch_once(state: &web::Data<AppState>) -> Result<usize, ApiError> {
    let settings = &state.settings.webhooks;
    // A claim's lease outlasts the longest send, so a live sender never loses it; after a
    // crash the lease runs out and another claim retries the delivery (at least once).
    let lease = chrono::TimeDelta::from_std(settings.timeout * 2 + Duration::from_secs(10))
        .unwrap_or(chrono::TimeDelta::seconds(30));
    let token = db::new_id();
    let limit = settings.batch_size;
    let claim_token = token.clone();
    let batch = db::run(&state.db, move |conn| {
        let now = db::now();
        model::claim(conn, &claim_token, now, now + lease, limit)
    })
    .await?;
    let count = batch.len();
    let sends = batch.into_iter().map(|claimed| deliver(state, &token, claimed));
    for result in futures_util::future::join_all(sends).await {
        // One delivery's bookkeeping failing (database gone) must not stop the others; its
        // lease runs out and it is tried again.
        if let Err(err) = result {
            tracing::warn!(error = %err.detail, cause = ?err.cause, "webhook delivery not recorded");
        }
    }
    Ok(count)
}

async fn deliver(state: &web::Data<AppState>, token: &str, claimed: Claimed) -> Result<(), ApiError> {
    let settings = &state.settings.webhooks;
    // Counted when claimed: this is the attempt's own number, also after a lost lease.
    let attempt = claimed.delivery.attempts;
    let attempted_at = db::now();
    let started = Instant::now();
    let (status_code, error) = match send(state, &claimed, attempt).await {
        Ok(status) => (Some(i32::from(status)), None),
        Err(error) => (None, Some(error)),
    };
    let delivered = status_code.is_some_and(|s| (200..300).contains(&s));
    let outcome = if delivered {
        Outcome::Delivered
    } else if attempt >= settings.max_attempts {
        Outcome::GaveUp
    } else {
        let delay = rules::retry_delay(attempt, settings.retry_base_ms, jitter());
        Outcome::RetryAt(db::now() + chrono::TimeDelta::from_std(delay).unwrap_or(chrono::TimeDelta::hours(24)))
    };
    let record = AttemptRecord {
        attempt,
        attempted_at,
        duration_ms: started.elapsed().as_millis() as i64,
        status_code,
        error,
        outcome,
    };
    let delivery_id = claimed.delivery.id;
    let token = token.to_string();
    db::run(&state.db, move |conn| model::record_attempt(conn, delivery_id, &token, record)).await
}

/// One HTTP attempt: the receiver's status, or why there was none (kept short for the log).
async fn send(state: &web::Data<AppState>, claimed: &Claimed, attempt: i32) -> Result<u16, String> {
    let settings = &state.settings.webhooks;
    // Checked again at send time: the allow-list may have changed since the subscription was
    // made. Names are checked by the resolver, on the addresses actually connected to.
    rules::check_url(&claimed.url, settings).map_err(|r| format!("refused: {}", r.message))?;
    let body =
        serde_json::to_vec(&Payload { event: event(&claimed.entry), webhook_id: claimed.delivery.subscription_id })
            .map_err(|e| format!("cannot encode the event: {e}"))?;
    let timestamp = chrono::Utc::now().timestamp();
    let signature = rules::signature_header(&claimed.secret, timestamp, &body);
    let response = state
        .webhooks
        .http
        .post(&claimed.url)
        .header("content-type", "application/json")
        .header("thidua-webhook-id", claimed.delivery.subscription_id.to_string())
        .header("thidua-event-id", claimed.entry.seq.to_string())
        .header("thidua-delivery-id", claimed.delivery.id.to_string())
        .header("thidua-delivery-attempt", attempt.to_string())
        .header("thidua-signature", signature)
        .body(body)
        .send()
        .await
        .map_err(describe)?;
    Ok(response.status().as_u16())
}

/// A send error without the URL (which the log already names) and its whole source chain.
fn describe(err: reqwest::Error) -> String {
    let kind = if err.is_timeout() {
        "timed out"
    } else if err.is_connect() {
        "could not connect"
    } else if err.is_redirect() {
        "redirect not followed"
    } else {
        "request failed"
    };
    let mut text = kind.to_string();
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text.chars().take(500).collect()
}

/// A uniform value in [-1, 1] for spreading retries.
fn jitter() -> f64 {
    let mut bytes = [0u8; 4];
    if getrandom::fill(&mut bytes).is_err() {
        return 0.0;
    }
    (f64::from(u32::from_le_bytes(bytes)) / f64::from(u32::MAX)) * 2.0 - 1.0
}

/// Runs `dispatch_once` every poll interval on the current actix system until it stops. Every
/// instance may run one: claims never overlap.
pub fn spawn_dispatcher(state: web::Data<AppState>) {
    actix_web::rt::spawn(async move {
        loop {
            // A full batch means more may be waiting: go on at once.
            let sent = match dispatch_once(&state).await {
                Ok(n) => n,
                Err(err) => {
                    tracing::warn!(error = %err.detail, cause = ?err.cause, "webhook dispatch failed");
                    0
                }
            };
            if (sent as i64) < state.settings.webhooks.batch_size {
                actix_web::rt::time::sleep(state.settings.webhooks.poll_interval).await;
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[actix_web::test]
    async fn names_that_resolve_inside_are_refused_when_checked_and_when_connecting() {
        let mut settings = crate::config::Settings::from_lookup(|_| None).unwrap().webhooks;
        settings.allow_http = true;
        // `localhost` resolves (from /etc/hosts, no network needed) to loopback addresses.
        assert_eq!(resolve_allowed("localhost", 80, false).await.unwrap_err().code, "private_address");
        assert!(resolve_allowed("localhost", 80, true).await.is_ok());
        // The client resolves through the same check, so it never connects there.
        let client = WebhookClient::new(&settings).unwrap();
        let err = client.http.post("http://localhost:9/").send().await.unwrap_err();
        assert!(describe(err).contains("internal address"));
    }
}
