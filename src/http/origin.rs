//! Where a write comes from, for the journal: the caller's address and the request id, joined
//! with the signed-in actor by the handler.

use std::future::{ready, Ready};

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};

use crate::auth::policy::Principal;
use crate::db::idempotency::Hold;
use crate::db::journal::Origin;
use crate::error::ApiError;
use crate::http::middleware::RequestId;
use crate::state::AppState;

/// A handler argument: the request's address and id, waiting for the actor.
pub struct RequestOrigin {
    client_addr: String,
    request_id: Option<String>,
    /// The request's `Idempotency-Key` reservation (put there by `http::idempotency::guard`).
    idempotency: Option<Hold>,
}

impl RequestOrigin {
    /// The change is made by this signed-in user (or service client).
    pub fn by(self, who: &Principal) -> Origin {
        Origin {
            actor_kind: if who.is_client() { "client" } else { "user" },
            actor_id: Some(who.user_id.to_string()),
            client_addr: Some(self.client_addr),
            request_id: self.request_id,
            idempotency: self.idempotency,
        }
    }

    /// The change is made by this user, before they hold a token (signing in).
    pub fn acting_as(self, user_id: &str) -> Origin {
        Origin {
            actor_kind: "user",
            actor_id: Some(user_id.to_string()),
            client_addr: Some(self.client_addr),
            request_id: self.request_id,
            idempotency: self.idempotency,
        }
    }

    /// The change is made by someone not signed in (a public comment).
    pub fn anonymous(self) -> Origin {
        Origin {
            actor_kind: "anonymous",
            actor_id: None,
            client_addr: Some(self.client_addr),
            request_id: self.request_id,
            idempotency: self.idempotency,
        }
    }
}

impl FromRequest for RequestOrigin {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let trust_forwarded = req.app_data::<web::Data<AppState>>().is_some_and(|s| s.settings.auth.trust_forwarded);
        ready(Ok(RequestOrigin {
            client_addr: crate::auth::client_addr(req, trust_forwarded),
            request_id: req.extensions().get::<RequestId>().map(|id| id.0.clone()),
            idempotency: req.extensions().get::<Hold>().cloned(),
        }))
    }
}
