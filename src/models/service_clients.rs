//! Service clients in SQL: machines that sign in with client credentials (see routes::oauth).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::service_clients;
use crate::db::sql_types::{NullableUtcTimestamp, UtcTimestamp};
use crate::db::{self, DbConn};
use crate::domain::ids::{ServiceClientId, UnitId, UserId};
use crate::error::{ApiError, ErrorCode};
use crate::models::accounts::{self, SessionState};

#[derive(Queryable, Selectable, Debug, Clone, PartialEq)]
#[diesel(table_name = service_clients)]
pub struct ServiceClient {
    pub id: ServiceClientId,
    pub name: String,
    /// Sorted, space-separated.
    pub scopes: String,
    pub unit_id: Option<UnitId>,
    pub secret_hash: String,
    pub secret_generation: i32,
    pub created_by: UserId,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub created_at: DateTime<Utc>,
    #[diesel(deserialize_as = UtcTimestamp)]
    pub secret_rotated_at: DateTime<Utc>,
    #[diesel(deserialize_as = NullableUtcTimestamp)]
    pub revoked_at: Option<DateTime<Utc>>,
}

impl ServiceClient {
    pub fn scope_list(&self) -> Vec<String> {
        self.scopes.split(' ').filter(|s| !s.is_empty()).map(str::to_owned).collect()
    }
}

pub struct NewServiceClient {
    pub name: String,
    pub scopes: Vec<String>,
    pub unit_id: Option<UnitId>,
    pub secret_hash: String,
    pub created_by: UserId,
}

pub fn client_not_found() -> ApiError {
    ApiError::not_found("service client")
}

pub fn find_client(conn: &mut DbConn, id: ServiceClientId) -> Result<ServiceClient, ApiError> {
    service_clients::table
        .find(id)
        .select(ServiceClient::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(client_not_found)
}

/// Holds the client's row until the transaction ends (see `db::lock_row!`): take it before
/// reading the client for a write.
pub fn lock_client(conn: &mut DbConn, id: ServiceClientId) -> Result<(), ApiError> {
    Ok(db::lock_row!(conn, service_clients::table, id)?)
}

/// For signing in: the client, if it exists (whatever its state).
pub fn lookup_client(conn: &mut DbConn, id: &str) -> Result<Option<ServiceClient>, ApiError> {
    Ok(service_clients::table.find(id).select(ServiceClient::as_select()).first(conn).optional()?)
}

pub fn insert_client(conn: &mut DbConn, new: NewServiceClient) -> Result<ServiceClient, ApiError> {
    // A client is bound to a unit that has its own records: a department or a commune.
    if let Some(error) = accounts::check_user_unit(conn, new.unit_id)? {
        return Err(ApiError::validation(vec![error]));
    }
    let mut scopes = new.scopes;
    scopes.sort_unstable();
    scopes.dedup();
    let now = db::now();
    let id = ServiceClientId::generate();
    diesel::insert_into(service_clients::table)
        .values((
            service_clients::id.eq(id),
            service_clients::name.eq(&new.name),
            service_clients::scopes.eq(scopes.join(" ")),
            service_clients::unit_id.eq(new.unit_id),
            service_clients::secret_hash.eq(&new.secret_hash),
            service_clients::secret_generation.eq(1),
            service_clients::created_by.eq(new.created_by),
            service_clients::created_at.eq(now),
            service_clients::secret_rotated_at.eq(now),
        ))
        .execute(conn)?;
    find_client(conn, id)
}

/// One page by id (creation order); `limit + 1` rows so the caller knows whether more follow.
pub fn list_clients(
    conn: &mut DbConn,
    after: Option<ServiceClientId>,
    limit: i64,
) -> Result<Vec<ServiceClient>, ApiError> {
    let mut query = service_clients::table.into_boxed();
    if let Some(after) = after {
        query = query.filter(service_clients::id.gt(after));
    }
    Ok(query.order(service_clients::id.asc()).limit(limit + 1).select(ServiceClient::as_select()).load(conn)?)
}

/// Replaces the secret and bumps the generation, so tokens issued under the old one fail.
/// A revoked client stays revoked (409).
pub fn rotate_secret(conn: &mut DbConn, id: ServiceClientId, secret_hash: &str) -> Result<ServiceClient, ApiError> {
    let client = find_client(conn, id)?;
    if client.revoked_at.is_some() {
        return Err(ApiError::conflict(ErrorCode::ClientRevoked, "this service client is revoked; create a new one"));
    }
    diesel::update(service_clients::table.find(id))
        .set((
            service_clients::secret_hash.eq(secret_hash),
            service_clients::secret_generation.eq(service_clients::secret_generation + 1),
            service_clients::secret_rotated_at.eq(db::now()),
        ))
        .execute(conn)?;
    find_client(conn, id)
}

/// Revokes the client for good; revoking twice changes nothing.
pub fn revoke_client(conn: &mut DbConn, id: ServiceClientId) -> Result<ServiceClient, ApiError> {
    diesel::update(service_clients::table.find(id).filter(service_clients::revoked_at.is_null()))
        .set(service_clients::revoked_at.eq(db::now()))
        .execute(conn)?;
    find_client(conn, id)
}

/// What a client token's validity depends on, in the shape a user session's has: open while
/// the client is not revoked, current while its secret generation matches the token's.
pub fn client_state(conn: &mut DbConn, id: &str) -> Result<Option<SessionState>, ApiError> {
    let row: Option<(Option<NaiveDateTime>, i32)> = service_clients::table
        .find(id)
        .select((service_clients::revoked_at, service_clients::secret_generation))
        .first(conn)
        .optional()?;
    Ok(row.map(|(revoked_at, generation)| SessionState {
        open: revoked_at.is_none(),
        user_active: true,
        token_version: generation,
    }))
}
