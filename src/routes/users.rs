//! User accounts: the board (admin) manages them; a unit's officers can see their own unit's.
//! Accounts are never deleted, so what they did stays attributable: they are deactivated.

use actix_web::http::header;
use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::password::check_password;
use crate::auth::policy::{self, Action, Principal, Resource, Role};
use crate::auth::AuthUser;
use crate::db::journal::Scope;
use crate::db::{self, cursor, DbConn};
use crate::domain::ids::{UnitId, UserId};
use crate::domain::units::UnitKind;
use crate::domain::{users as rules, Checks};
use crate::error::{ApiError, ErrorCode, FieldError, Problem};
use crate::http::extract::{etag, if_match_version, patch_field, JsonBody, QueryParams};
use crate::http::origin::RequestOrigin;
use crate::http::register::Routes;
use crate::models::accounts::{self as model, NewUser, User, UserChanges, UserFilter};
use crate::openapi::errors::{CreateErrors, ListErrors, ReadErrors, WriteErrors};
use crate::routes::shared::{user_ok, UserResponse};
use crate::state::AppState;

pub fn configure(routes: &mut Routes) {
    routes
        .service(list)
        .service(create)
        .service(read)
        .service(update)
        .service(deactivate)
        .service(activate)
        .service(reset_password);
}

#[derive(Serialize, ToSchema)]
pub struct UserPage {
    pub items: Vec<UserResponse>,
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UserListQuery {
    /// Only users of this unit (unit officers always see only their own unit).
    pub unit_id: Option<Uuid>,
    /// Only users with this role.
    #[param(inline)]
    pub role: Option<Role>,
    pub active: Option<bool>,
    /// Part of the username or full name (case-insensitive).
    pub q: Option<String>,
    /// Page size, 1–100 (default 20).
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    #[schema(required = true, example = "hoa.nt")]
    pub username: Option<String>,
    #[schema(required = true, example = "Nguyễn Thị Hoa")]
    pub full_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// A department or commune; required for unit officers.
    pub unit_id: Option<Uuid>,
    #[schema(required = true, value_type = Vec<Role>, min_items = 1)]
    #[serde(default)]
    pub roles: Vec<String>,
    /// At least 10 characters, not a common password, not containing the username.
    #[schema(required = true, value_type = String, min_length = 10)]
    pub password: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    pub full_name: Option<String>,
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<Uuid>)]
    pub unit_id: Option<Option<Uuid>>,
    /// Replaces the roles. Tokens issued before stop working; clients refresh.
    #[schema(value_type = Option<Vec<Role>>, min_items = 1)]
    pub roles: Option<Vec<String>>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetPasswordRequest {
    /// At least 10 characters, not a common password, not containing the username.
    #[schema(min_length = 10)]
    pub new_password: String,
}

/// Only the board gives the board's role: a unit's admin gives its unit's roles.
fn check_grantable(who: &AuthUser, roles: &[Role], checks: &mut Checks) {
    if !who.has(Role::Admin) {
        if let Some(i) = roles.iter().position(|r| *r == Role::Admin) {
            checks.fail(&format!("roles[{i}]"), ErrorCode::NotAllowed, "only the board makes admins");
        }
    }
}

/// Whether `who` may change `target` (within a write): an account of another unit (or of the
/// province) does not exist for a unit's admin, and the board's accounts — an admin bound to
/// this unit too — are the board's alone (403): a unit's admin could otherwise take one over by
/// a password reset.
fn may_manage(conn: &mut DbConn, who: &Principal, target: &User) -> Result<(), ApiError> {
    policy::authorize_or_hide(
        who,
        Action::Update,
        Resource::UserAccount { unit_id: target.unit_id },
        model::user_not_found,
    )?;
    if who.has(Role::Admin) {
        return Ok(());
    }
    // Nor a member of another level's council (the province's, say): their ballots are that
    // level's.
    if target.role_list().contains(&Role::Admin)
        || crate::models::councils::seated_outside(conn, target.id, who.unit_id)?
    {
        return Err(ApiError::forbidden());
    }
    Ok(())
}

/// A unit's admin runs a department or a commune: not the province (the board's) nor a former
/// district.
fn check_unit_admin_unit(conn: &mut DbConn, roles: &[Role], unit: Option<UnitId>) -> Result<(), ApiError> {
    let Some(unit) = unit.filter(|_| roles.contains(&Role::UnitAdmin)) else {
        return Ok(());
    };
    match crate::models::units::kind_of(conn, unit)? {
        Some(UnitKind::Department | UnitKind::Commune) => Ok(()),
        _ => Err(ApiError::validation(vec![FieldError::new(
            "unit_id",
            ErrorCode::WrongKind,
            "a unit's admin runs a department or a commune",
        )])),
    }
}

/// The account, if the caller may see it; one they may not see answers exactly like one that
/// does not exist.
async fn load_visible(state: &AppState, who: &AuthUser, id: Uuid, action: Action) -> Result<User, ApiError> {
    let user = db::run(&state.db, move |conn| model::find_user(conn, id.into())).await?;
    policy::authorize_or_hide(who, action, Resource::UserAccount { unit_id: user.unit_id }, model::user_not_found)?;
    Ok(user)
}

/// List users: everyone for the board, a unit officer's own unit for them.
#[utoipa::path(
    operation_id = "list_users",
    tag = "users",
    security(("bearer" = [])),
    params(UserListQuery),
    responses(
        (status = 200, description = "One page of users, by username", body = UserPage),
        ListErrors,
        (status = 403, description = "Only admins, unit admins and unit officers list users", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/users")]
pub async fn list(
    state: web::Data<AppState>,
    who: AuthUser,
    scope: cursor::ListScope,
    query: QueryParams<UserListQuery>,
) -> Result<HttpResponse, ApiError> {
    policy::require_any(&who, &[Role::UnitOfficer, Role::UnitAdmin])?;
    let query = query.0;
    let limit = cursor::limit(query.limit)?;
    let unit_id = if who.has(Role::Admin) {
        query.unit_id.map(UnitId::from)
    } else {
        // An officer's (or the unit's admin's) list is their unit's, whatever they asked for.
        match (who.unit_id, query.unit_id) {
            (Some(own), Some(asked)) if own != UnitId::from(asked) => {
                return Ok(HttpResponse::Ok().json(UserPage { items: vec![], next_cursor: None }))
            }
            (Some(own), _) => Some(own),
            (None, _) => return Err(ApiError::forbidden()),
        }
    };
    let filter = UserFilter {
        unit_id,
        role: query.role,
        active: query.active,
        search: query.q.map(|q| q.trim().to_lowercase()).filter(|q| !q.is_empty()),
        after: query.cursor.as_deref().map(|c| cursor::decode(&scope, c)).transpose()?,
        limit,
    };
    let rows = db::run(&state.db, move |conn| model::list_users(conn, &filter)).await?;
    let (rows, next_cursor) = cursor::page(rows, limit, &scope, |u| (u.username.clone(), u.id));
    let items: Vec<_> = rows.into_iter().map(UserResponse::from).collect();
    crate::http::page::ok(items.len(), &UserPage { items, next_cursor })
}

/// Create a user (admins; a unit's admin in its own unit, never an admin).
#[utoipa::path(
    operation_id = "create_user",
    tag = "users",
    security(("bearer" = [])),
    request_body = CreateUserRequest,
    responses(
        (status = 201, description = "Created; `Location` and `ETag` are set", body = UserResponse),
        CreateErrors,
        (status = 403, description = "Only admins and unit admins create users; a unit admin only in its unit", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The username is taken", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database or hashing unavailable", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/users")]
pub async fn create(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    body: JsonBody<CreateUserRequest>,
) -> Result<HttpResponse, ApiError> {
    policy::require_any(&who, &[Role::UnitAdmin])?;
    let body = body.0;
    // A unit's admin creates accounts of its own unit (the unit left out is its own).
    let unit_id = policy::level_for_new(&who, body.unit_id.map(UnitId::from))?;
    let mut checks = Checks::default();
    let username = match &body.username {
        Some(u) => rules::check_username(u, &mut checks),
        None => {
            checks.fail("username", ErrorCode::Required, "is required");
            String::new()
        }
    };
    let full_name = match &body.full_name {
        Some(n) => rules::check_full_name(n, &mut checks),
        None => {
            checks.fail("full_name", ErrorCode::Required, "is required");
            String::new()
        }
    };
    let email = rules::check_email(body.email.as_deref(), &mut checks);
    let phone = rules::check_phone(body.phone.as_deref(), &mut checks);
    let roles = rules::check_roles(&body.roles, unit_id.is_some(), &mut checks);
    check_grantable(&who, &roles, &mut checks);
    match &body.password {
        Some(p) => check_password("password", p, &username, &mut checks),
        None => checks.fail("password", ErrorCode::Required, "is required"),
    }
    if !checks.0.is_empty() {
        return Err(ApiError::validation(checks.0));
    }
    let password_hash = state.hasher.hash(body.password.unwrap_or_default()).await?;
    let new = NewUser { username, full_name, email, phone, unit_id, roles, password_hash };
    let user = db::write(&state.db, origin.by(&who), move |conn, journal| {
        check_unit_admin_unit(conn, &new.roles, new.unit_id)?;
        let user = UserResponse::from(model::insert_user(conn, new)?);
        journal.created("user", user.id, account_scope(&user), &user);
        Ok(user)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/users/{}", user.id)))
        .insert_header(etag(user.version))
        .json(user))
}

/// Get a user: admins any, unit officers those of their unit (others answer 404).
#[utoipa::path(
    operation_id = "get_user",
    tag = "users",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The user's id")),
    responses(
        (status = 200, description = "The user; `ETag` is set", body = UserResponse),
        ReadErrors,
        (status = 403, description = "Only admins, unit admins and unit officers read users", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user, or one of another unit", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/users/{id}")]
pub async fn read(state: web::Data<AppState>, who: AuthUser, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    policy::require_any(&who, &[Role::UnitOfficer, Role::UnitAdmin])?;
    user_ok(load_visible(&state, &who, id.into_inner(), Action::Read).await?)
}

/// Change a user's name, contact details, unit or roles (admins; a unit's admin its unit's accounts). Role or unit changes
/// cut off the user's current access tokens; their sessions refresh into new ones.
#[utoipa::path(
    operation_id = "update_user",
    tag = "users",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The user's id"), ("If-Match" = Option<String>, Header, description = "The `ETag` last read")),
    request_body = UpdateUserRequest,
    responses(
        (status = 200, description = "Updated; the new `ETag` is set", body = UserResponse),
        WriteErrors,
        (status = 403, description = "Only admins and unit admins change users", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "An admin cannot remove their own admin role", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/users/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: JsonBody<UpdateUserRequest>,
) -> Result<HttpResponse, ApiError> {
    policy::require_any(&who, &[Role::UnitAdmin])?;
    let expected = if_match_version(&req)?;
    let body = body.0;
    let mut checks = Checks::default();
    let full_name = body.full_name.as_deref().map(|n| rules::check_full_name(n, &mut checks));
    let email = body.email.map(|e| rules::check_email(e.as_deref(), &mut checks));
    let phone = body.phone.map(|p| rules::check_phone(p.as_deref(), &mut checks));
    // Whether the unit is set is checked against the stored one in the transaction.
    let roles = body.roles.as_deref().map(|r| rules::check_roles(r, true, &mut checks));
    if let Some(roles) = &roles {
        check_grantable(&who, roles, &mut checks);
    }
    // A unit's admin keeps its accounts in its unit.
    if let Some(moved_to) = body.unit_id {
        if !who.has(Role::Admin) && moved_to.map(UnitId::from) != who.unit_id {
            checks.fail("unit_id", ErrorCode::NotAllowed, "a unit's admin keeps its accounts in its own unit");
        }
    }
    if !checks.0.is_empty() {
        return Err(ApiError::validation(checks.0));
    }
    let id = UserId::from(id.into_inner());
    if id == who.user_id && who.has(Role::Admin) && roles.as_ref().is_some_and(|r| !r.contains(&Role::Admin)) {
        return Err(ApiError::conflict(
            ErrorCode::CannotLockOutSelf,
            "you cannot remove your own admin role; ask another admin",
        ));
    }
    let changes = UserChanges {
        full_name,
        email,
        phone,
        unit_id: body.unit_id.map(|u| u.map(UnitId::from)),
        roles,
        ..Default::default()
    };
    let caller = who.0.clone();
    let user = db::write(&state.db, origin.by(&who), move |conn, journal| {
        model::lock_user(conn, id)?;
        let found = model::find_user(conn, id)?;
        may_manage(conn, &caller, &found)?;
        let after = model::update_user(conn, id, changes, expected)?;
        check_unit_admin_unit(conn, &after.role_list(), after.unit_id)?;
        let (before, after) = (UserResponse::from(found), UserResponse::from(after));
        if before.unit_id == after.unit_id {
            journal.updated("user", id, account_scope(&after), &before, &after);
        } else {
            // Moved by the board: the unit it left sees it go as it knew it; the unit it joined
            // sees it arrive as it is now — neither reads the other's view of the account.
            journal.record("user", "moved_out", id, account_scope(&before), serde_json::to_value(&before).ok(), None);
            journal.record("user", "moved_in", id, account_scope(&after), None, serde_json::to_value(&after).ok());
        }
        Ok(after)
    })
    .await?;
    state.sessions.clear();
    Ok(HttpResponse::Ok().insert_header(etag(user.version)).json(user))
}

/// Who follows an account's changes in the feed: those who read it (its unit's officers and
/// admin, and the board); an account of no unit, the board only.
fn account_scope(user: &UserResponse) -> Scope {
    user.unit_id.map_or(Scope::Admin, |unit| Scope::UnitAccounts(UnitId::from(unit)))
}

async fn set_active(
    state: &AppState,
    who: &AuthUser,
    origin: RequestOrigin,
    req: &HttpRequest,
    id: Uuid,
    active: bool,
) -> Result<HttpResponse, ApiError> {
    policy::require_any(who, &[Role::UnitAdmin])?;
    let id = UserId::from(id);
    if !active && id == who.user_id {
        return Err(ApiError::conflict(
            ErrorCode::CannotLockOutSelf,
            "you cannot deactivate your own account; ask another admin",
        ));
    }
    let expected = if_match_version(req)?;
    let changes = UserChanges { active: Some(active), ..Default::default() };
    let caller = who.0.clone();
    let user = db::write(&state.db, origin.by(who), move |conn, journal| {
        model::lock_user(conn, id)?;
        let found = model::find_user(conn, id)?;
        may_manage(conn, &caller, &found)?;
        let before = UserResponse::from(found);
        let after = UserResponse::from(model::update_user(conn, id, changes, expected)?);
        let scope = account_scope(&after);
        journal.changed("user", if active { "activated" } else { "deactivated" }, id, scope, &before, &after);
        Ok(after)
    })
    .await?;
    state.sessions.clear();
    Ok(HttpResponse::Ok().insert_header(etag(user.version)).json(user))
}

/// Deactivate a user (admins; a unit's admin its unit's accounts): every session and access token of theirs ends at once.
#[utoipa::path(
    operation_id = "deactivate_user",
    tag = "users",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The user's id"), ("If-Match" = Option<String>, Header, description = "The `ETag` last read")),
    responses(
        (status = 200, description = "Deactivated", body = UserResponse),
        WriteErrors,
        (status = 403, description = "Only admins and unit admins deactivate users", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Admins cannot deactivate themselves", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/users/{id}/deactivate")]
pub async fn deactivate(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    set_active(&state, &who, origin, &req, id.into_inner(), false).await
}

/// Reactivate a user (admins; a unit's admin its unit's accounts). Their old sessions stay ended; they sign in again.
#[utoipa::path(
    operation_id = "activate_user",
    tag = "users",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The user's id"), ("If-Match" = Option<String>, Header, description = "The `ETag` last read")),
    responses(
        (status = 200, description = "Active again", body = UserResponse),
        WriteErrors,
        (status = 403, description = "Only admins and unit admins activate users", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/users/{id}/activate")]
pub async fn activate(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    set_active(&state, &who, origin, &req, id.into_inner(), true).await
}

/// Set a new password for a user (admins; a unit's admin its unit's accounts); every session of theirs ends.
#[utoipa::path(
    operation_id = "reset_user_password",
    tag = "users",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The user's id")),
    request_body = ResetPasswordRequest,
    responses(
        (status = 204, description = "Password replaced; the user's sessions are ended"),
        WriteErrors,
        (status = 403, description = "Only admins and unit admins reset passwords", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The account changed while the password was being set; try again", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The password breaks the policy", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database or hashing unavailable", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/users/{id}/reset-password")]
pub async fn reset_password(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    id: web::Path<Uuid>,
    body: JsonBody<ResetPasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    policy::require_any(&who, &[Role::UnitAdmin])?;
    let user = load_visible(&state, &who, id.into_inner(), Action::Update).await?;
    let mut checks = Checks::default();
    check_password("new_password", &body.0.new_password, &user.username, &mut checks);
    if !checks.0.is_empty() {
        return Err(ApiError::validation(checks.0));
    }
    let hash = state.hasher.hash(body.0.new_password).await?;
    let changes = UserChanges { password_hash: Some(hash), ..Default::default() };
    // Only over the account as read: a concurrent change (say, the user changing it) is refused.
    // The journal notes that it happened, never the hash.
    let caller = who.0.clone();
    db::write(&state.db, origin.by(&who), move |conn, journal| {
        may_manage(conn, &caller, &user)?;
        model::update_user(conn, user.id, changes, Some(user.version))?;
        journal.record("user", "password_reset", user.id, Scope::AuditOnly, None, None);
        Ok(())
    })
    .await?;
    state.sessions.clear();
    Ok(HttpResponse::NoContent().finish())
}
