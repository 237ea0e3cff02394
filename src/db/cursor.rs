//! Opaque keyset-pagination cursors: the sort key of the last item served, with a tag that
//! binds it to the list it came from (the path and every filter but `cursor` and `limit`),
//! base64url-encoded. Clients must not build them; a cursor that does not decode, or that
//! another list (or the same list with other filters) issued, is a 400 problem.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::de::DeserializeOwned;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{ApiError, ErrorCode};

pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 100;

/// The list a cursor belongs to: a short hash of the path and the filters, in a canonical order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListScope(String);

impl ListScope {
    pub fn new(path: &str, query: &str) -> ListScope {
        let mut filters: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
            .filter(|(k, _)| k != "cursor" && k != "limit")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        filters.sort();
        let mut hasher = Sha256::new();
        hasher.update(path.as_bytes());
        for (k, v) in filters {
            hasher.update([0]);
            hasher.update(k.as_bytes());
            hasher.update([1]);
            hasher.update(v.as_bytes());
        }
        ListScope(hex::encode(&hasher.finalize()[..8]))
    }
}

/// A handler argument: the list the request asks for.
impl actix_web::FromRequest for ListScope {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &actix_web::HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(Ok(ListScope::new(req.path(), req.query_string())))
    }
}

pub fn encode<K: Serialize>(scope: &ListScope, key: &K) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&(&scope.0, key)).expect("cursor keys serialize"))
}

/// The answer to a `cursor` that this list did not issue.
pub fn invalid() -> ApiError {
    ApiError::bad_query_because(
        "cursor",
        ErrorCode::InvalidCursor,
        "is not a cursor this list issued (cursors work only with the list and filters they came from)",
    )
}

pub fn decode<K: DeserializeOwned>(scope: &ListScope, cursor: &str) -> Result<K, ApiError> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    let (tag, key): (String, K) = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    if tag != scope.0 {
        return Err(invalid());
    }
    Ok(key)
}

/// The page size asked for, checked against the bounds every list shares.
pub fn limit(requested: Option<i64>) -> Result<i64, ApiError> {
    match requested {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(ApiError::bad_query("limit", &format!("must be between 1 and {MAX_LIMIT}"))),
    }
}

/// Splits a page fetched with `limit + 1` rows into the items and the cursor for the next page.
pub fn page<T, K: Serialize>(
    mut rows: Vec<T>,
    limit: i64,
    scope: &ListScope,
    key: impl Fn(&T) -> K,
) -> (Vec<T>, Option<String>) {
    let has_more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next = if has_more { rows.last().map(|last| encode(scope, &key(last))) } else { None };
    (rows, next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_garbage() {
        let scope = ListScope::new("/api/v1/people", "unit_id=a");
        let key = ("01840".to_string(), "0193-abc".to_string());
        let c = encode(&scope, &key);
        assert_eq!(decode::<(String, String)>(&scope, &c).unwrap(), key);
        assert!(decode::<(String, String)>(&scope, "not a cursor!").is_err());
        assert!(decode::<(String, String)>(&scope, &encode(&scope, &42)).is_err());
        // The old unbound form (the bare key) is refused too.
        assert!(decode::<(String, String)>(&scope, &URL_SAFE_NO_PAD.encode(serde_json::to_vec(&key).unwrap())).is_err());
    }

    #[test]
    fn a_cursor_works_only_on_its_own_list_and_filters() {
        let people = ListScope::new("/api/v1/people", "unit_id=a&limit=5");
        let c = encode(&people, &"0193".to_string());
        assert!(
            decode::<String>(&ListScope::new("/api/v1/people", "limit=50&unit_id=a&cursor=x"), &c).is_ok(),
            "limit and cursor may change"
        );
        assert!(decode::<String>(&ListScope::new("/api/v1/nominations", "unit_id=a"), &c).is_err(), "another endpoint");
        assert!(decode::<String>(&ListScope::new("/api/v1/people", "unit_id=b"), &c).is_err(), "another filter");
        assert!(decode::<String>(&ListScope::new("/api/v1/people", ""), &c).is_err(), "a filter dropped");
    }

    #[test]
    fn page_cuts_at_limit_and_points_after_the_last_item() {
        let scope = ListScope::new("/x", "");
        let (items, next) = page(vec![1, 2, 3], 2, &scope, |n| *n);
        assert_eq!(items, vec![1, 2]);
        assert_eq!(decode::<i32>(&scope, &next.unwrap()).unwrap(), 2);
        let (items, next) = page(vec![1, 2], 2, &scope, |n| *n);
        assert_eq!(items, vec![1, 2]);
        assert!(next.is_none());
    }
}
