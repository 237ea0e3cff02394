//! Opaque keyset-pagination cursors: the sort key of the last item served, base64url-encoded.
//! Clients must not build them; a cursor that does not decode is a 400 problem.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::ApiError;

pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 100;

pub fn encode<K: Serialize>(key: &K) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(key).expect("cursor keys serialize"))
}

pub fn decode<K: DeserializeOwned>(cursor: &str) -> Result<K, ApiError> {
    let invalid = || ApiError::bad_query_because("cursor", "invalid_cursor", "is not a cursor this service issued");
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    serde_json::from_slice(&bytes).map_err(|_| invalid())
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
pub fn page<T, K: Serialize>(mut rows: Vec<T>, limit: i64, key: impl Fn(&T) -> K) -> (Vec<T>, Option<String>) {
    let has_more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next = if has_more { rows.last().map(|last| encode(&key(last))) } else { None };
    (rows, next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_garbage() {
        let key = ("01840".to_string(), "0193-abc".to_string());
        let c = encode(&key);
        assert_eq!(decode::<(String, String)>(&c).unwrap(), key);
        assert!(decode::<(String, String)>("not a cursor!").is_err());
        assert!(decode::<(String, String)>(&encode(&42)).is_err());
    }

    #[test]
    fn page_cuts_at_limit_and_points_after_the_last_item() {
        let (items, next) = page(vec![1, 2, 3], 2, |n| *n);
        assert_eq!(items, vec![1, 2]);
        assert_eq!(decode::<i32>(&next.unwrap()).unwrap(), 2);
        let (items, next) = page(vec![1, 2], 2, |n| *n);
        assert_eq!(items, vec![1, 2]);
        assert!(next.is_none());
    }
}
