//! Behind a gateway (`THIDUA_PUBLIC_BASE_URL`): the `Location` headers handlers write as paths
//! (`/api/v1/users/…`) become the URLs clients reach them at, path prefix included.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::Error;

/// The public base URL, without its final `/`, as app data.
#[derive(Clone, Debug)]
pub struct PublicBaseUrl(pub String);

impl PublicBaseUrl {
    /// `path` (starting with `/`) as a public URL.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.0)
    }
}

pub async fn rewrite_location(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let base = req.app_data::<PublicBaseUrl>().cloned();
    let mut res = next.call(req).await?;
    if let Some(base) = base {
        let location = res.headers().get(header::LOCATION).and_then(|v| v.to_str().ok());
        // A path on this server (`/…`, not the scheme-relative `//host/…`).
        if let Some(path) = location.filter(|l| l.starts_with('/') && !l.starts_with("//")) {
            if let Ok(value) = HeaderValue::from_str(&base.url(path)) {
                res.headers_mut().insert(header::LOCATION, value);
            }
        }
    }
    Ok(res)
}
