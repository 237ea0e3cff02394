//! HTTP plumbing shared by every resource: the JSON body extractor, problem responses for
//! framework errors, conditional requests, idempotency keys, CORS, and the request log.

pub mod extract;
pub mod idempotency;
pub mod metrics;
pub mod middleware;
pub mod origin;
pub mod page;
pub mod public_url;
pub mod register;
pub mod tabular;
pub mod upload;
