//! What every handler can reach: the application state the server hands each request. Its own
//! module, below the routes, so that the layers which read it (`auth`, `http`, `webhooks`) do
//! not import `startup` (which wires the routes) and no import points back up.

use crate::auth::oidc::OidcVerifier;
use crate::auth::password::PasswordHasher;
use crate::auth::rate_limit::RateLimiter;
use crate::auth::tokens::TokenKeys;
use crate::auth::SessionCache;
use crate::config::Settings;
use crate::db::{self, DbPool};
use crate::storage::EvidenceStore;
use crate::webhooks::WebhookClient;

/// What every handler can reach. Nothing here is mutable: all state lives in the database,
/// so any number of instances can serve one PostgreSQL.
pub struct AppState {
    pub db: DbPool,
    pub settings: Settings,
    pub tokens: TokenKeys,
    pub hasher: PasswordHasher,
    pub sessions: SessionCache,
    pub rate_limiter: RateLimiter,
    pub evidence: EvidenceStore,
    pub webhooks: WebhookClient,
    /// Sign-in through the provincial identity provider, when configured.
    pub oidc: Option<OidcVerifier>,
    /// Set when the server begins to stop: long-polls answer at once instead of holding the
    /// shutdown back.
    pub shutdown: Shutdown,
    /// SQLite: the write-ahead log's checkpoints, off the request path.
    pub checkpointer: Option<db::Checkpointer>,
    /// The OpenAPI document as `/openapi.json` serves it: finished and serialized by the first
    /// worker that builds its app, then shared by all (a worker keeping its own document held
    /// about 25 MB).
    pub openapi_json: std::sync::OnceLock<actix_web::web::Bytes>,
    /// The CAs a decision's signed copy must chain to (`THIDUA_SIGNATURE_TRUST_ANCHORS`).
    pub trust_anchors: crate::documents::signature::TrustAnchors,
}

/// The start of a shutdown, for requests that wait (the change feed's long poll).
#[derive(Default)]
pub struct Shutdown {
    begun: std::sync::atomic::AtomicBool,
    notify: tokio::sync::Notify,
}

impl Shutdown {
    /// The server is stopping: wakes every waiter, now and later.
    pub fn begin(&self) {
        self.begun.store(true, std::sync::atomic::Ordering::SeqCst);
        self.notify.notify_waiters();
    }

    pub fn has_begun(&self) -> bool {
        self.begun.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Returns once the shutdown has begun.
    pub async fn begun(&self) {
        let notified = self.notify.notified();
        let mut notified = std::pin::pin!(notified);
        // Registered before the flag is read, so a `begin` in between is not missed.
        notified.as_mut().enable();
        if self.has_begun() {
            return;
        }
        notified.await;
    }
}
