//! A per-client request rate limit (token bucket, per instance): past it, 429 with Retry-After.
//! Per instance means N instances allow N times the rate; it shields each instance, while the
//! login throttle, which must hold across instances, lives in the database.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, Error, ResponseError};

use crate::error::ApiError;
use crate::state::AppState;

pub struct RateLimiter {
    per_second: f64,
    burst: f64,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

const MAX_TRACKED_CLIENTS: usize = 100_000;

impl RateLimiter {
    /// `per_minute` requests a minute on average, with bursts of up to a quarter of that.
    pub fn new(per_minute: u32) -> RateLimiter {
        let per_minute = f64::from(per_minute);
        RateLimiter {
            per_second: per_minute / 60.0,
            burst: (per_minute / 4.0).max(1.0),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    pub fn is_enabled(&self) -> bool {
        self.per_second > 0.0
    }

    /// Takes one token for `client`; `Err(seconds)` says how long until one is available.
    pub fn take(&self, client: &str) -> Result<(), u64> {
        let now = Instant::now();
        let Ok(mut buckets) = self.buckets.lock() else { return Ok(()) };
        if buckets.len() >= MAX_TRACKED_CLIENTS && !buckets.contains_key(client) {
            // Forget clients whose buckets have refilled: they are indistinguishable from new ones.
            let (rate, burst) = (self.per_second, self.burst);
            buckets.retain(|_, (tokens, at)| *tokens + at.elapsed().as_secs_f64() * rate < burst);
            if buckets.len() >= MAX_TRACKED_CLIENTS {
                // Flooded with distinct addresses: start over rather than scan on every request.
                buckets.clear();
            }
        }
        let (tokens, at) = buckets.entry(client.to_string()).or_insert((self.burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * self.per_second).min(self.burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *tokens) / self.per_second).ceil() as u64)
        }
    }
}

/// Middleware: every request but the health checks counts against its client's bucket.
pub async fn limit(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let verdict = match req.app_data::<web::Data<AppState>>() {
        Some(state) if state.rate_limiter.is_enabled() && !req.path().starts_with("/health/") => {
            let client = crate::auth::client_addr(req.request(), state.settings.auth.trust_forwarded);
            state.rate_limiter.take(&client)
        }
        _ => Ok(()),
    };
    match verdict {
        Ok(()) => Ok(next.call(req).await?.map_into_left_body()),
        Err(seconds) => {
            let error = ApiError::too_many_requests(seconds, "too many requests from this client; slow down");
            Ok(req.into_response(error.error_response()).map_into_right_body())
        }
    }
}

/// How long to hold a sign-in for a username that has failed `prior_failures` times in the
/// window, from whatever addresses: nothing below `free` failures, then `base_ms` doubled with
/// each further failure, at most `max_ms`. A slow-down rather than a refusal, so that a stranger
/// cannot lock the user out (OWASP Authentication Cheat Sheet, "Account Lockout").
pub fn login_delay(prior_failures: i32, free: i32, base_ms: u64, max_ms: u64) -> std::time::Duration {
    if prior_failures < free || base_ms == 0 {
        return std::time::Duration::ZERO;
    }
    let doublings = (prior_failures - free).min(20) as u32;
    std::time::Duration::from_millis(base_ms.saturating_mul(1 << doublings).min(max_ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failing_usernames_are_slowed_more_and_more_up_to_a_cap() {
        let ms = |n| login_delay(n, 5, 500, 10_000).as_millis();
        assert_eq!((ms(0), ms(4)), (0, 0));
        assert_eq!((ms(5), ms(6), ms(7)), (500, 1000, 2000));
        assert_eq!((ms(10), ms(1000)), (10_000, 10_000));
    }

    #[test]
    fn allows_the_burst_then_refuses_with_a_wait() {
        let limiter = RateLimiter::new(60); // one a second, bursts of 15
        for _ in 0..15 {
            assert!(limiter.take("a").is_ok());
        }
        assert_eq!(limiter.take("a"), Err(1));
        assert!(limiter.take("b").is_ok(), "clients have separate buckets");
    }
}
