//! HTTP plumbing shared by every resource: the JSON body extractor, problem responses for
//! framework errors, conditional requests, and the request log.

pub mod extract;
pub mod middleware;
pub mod tabular;
pub mod upload;
