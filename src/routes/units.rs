//! The registry of units: `/provinces`, `/districts`, `/communes` and `/departments` share one
//! set of endpoints (list, read, read by code, create, update, deactivate, delete, lineage),
//! generated per collection by `unit_endpoints!` so each gets its own paths, operation ids and tag.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::policy::{self, Action, Resource};
use crate::auth::AuthUser;
use crate::db::journal::{Origin, Scope};
use crate::db::{self, cursor};
use crate::domain::ids::UnitId;
use crate::domain::units::{self as rules, LinkPart, UnitKind, UnitType};
use crate::domain::{date_is_supported, text, DATE_RANGE};
use crate::error::{ApiError, ErrorCode, Problem};
use crate::http::extract::{etag, if_match_version, patch_field, JsonBody, QueryParams};
use crate::http::origin::RequestOrigin;
use crate::models::units::{self as model, Unit, UnitChanges, UnitFilter, UnitLink};
use crate::state::AppState;

/// A unit: a province, district, commune or department.
#[derive(Serialize, ToSchema)]
pub struct UnitResponse {
    pub id: Uuid,
    pub kind: UnitKind,
    /// `kind` as people read it (Vietnamese).
    #[schema(example = "Cấp xã")]
    pub kind_label: &'static str,
    /// GSO code for administrative units; the service's own code for departments.
    pub code: String,
    /// Official name, Vietnamese, NFC.
    #[schema(example = "Phường Đức Xuân")]
    pub name: String,
    #[serde(rename = "type")]
    pub unit_type: UnitType,
    /// The type in Vietnamese, for display.
    #[schema(example = "Phường")]
    pub type_label: &'static str,
    pub parent_id: Option<Uuid>,
    /// First day in force (inclusive); null when it predates the records.
    pub valid_from: Option<NaiveDate>,
    /// Last day in force (inclusive); null while in force.
    pub valid_until: Option<NaiveDate>,
    /// In force today (Vietnam time).
    pub active: bool,
    /// Incremented by every change; also the `ETag`.
    pub version: i32,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub created_at: chrono::DateTime<chrono::Utc>,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl From<Unit> for UnitResponse {
    fn from(u: Unit) -> Self {
        UnitResponse {
            id: u.id.into(),
            kind: u.kind,
            kind_label: u.kind.label_vi(),
            parent_id: u.parent_id.map(Uuid::from),
            active: rules::is_active_on(u.valid_from, u.valid_until, rules::today_in_vietnam()),
            type_label: u.unit_type.label(),
            unit_type: u.unit_type,
            code: u.code,
            name: u.name,
            valid_from: u.valid_from,
            valid_until: u.valid_until,
            version: u.version,
            created_at: u.created_at,
            updated_at: u.updated_at,
        }
    }
}

/// One page of units, in code order.
#[derive(Serialize, ToSchema)]
pub struct UnitPage {
    pub items: Vec<UnitResponse>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UnitListQuery {
    /// Only units directly under this parent.
    pub parent_id: Option<Uuid>,
    /// Only units of this type, one of this kind's (communes: `xa`, `phuong`, `thi_tran`,
    /// `dac_khu`; a type of another kind answers 400 `wrong_kind`).
    #[serde(rename = "type")]
    #[param(rename = "type", inline)]
    pub unit_type: Option<UnitType>,
    /// Only units in force on this day (YYYY-MM-DD).
    pub active_on: Option<NaiveDate>,
    /// Search name or code, ignoring case and Vietnamese diacritics ("bac kan" finds "Bắc Kạn").
    #[param(min_length = 1, max_length = 100)]
    pub q: Option<String>,
    /// Page size, 1–100 (default 20).
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ByCodeQuery {
    /// The day the code is looked up on (default: the unit in force today, else the latest).
    pub active_on: Option<NaiveDate>,
}

/// A new unit. `code`, `name` and `type` are required; every invalid field is reported.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUnitRequest {
    /// The GSO code: 2 digits for a province, 3 for a district, 5 for a commune; a department's
    /// code is 2–32 characters of A–Z, 0–9, `-` and `.`.
    #[schema(required = true, value_type = String, example = "01840", pattern = "^[A-Z0-9.-]{2,32}$")]
    pub code: Option<String>,
    #[schema(required = true, value_type = String, min_length = 1, example = "Phường Đức Xuân")]
    pub name: Option<String>,
    /// One of this kind's types (communes: `xa`, `phuong`, `thi_tran`, `dac_khu`).
    #[serde(rename = "type")]
    #[schema(required = true, value_type = UnitType)]
    pub unit_type: Option<String>,
    /// Required except for provinces: a province (for districts, departments and post-2025
    /// communes) or a district (for communes before 2025-07-01).
    pub parent_id: Option<Uuid>,
    /// The day the unit came into force; required when `predecessors` are given.
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    /// Units this one replaces, effective on `valid_from`.
    #[serde(default)]
    pub predecessors: Vec<PredecessorRef>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PredecessorRef {
    pub unit_id: Uuid,
    pub part: LinkPart,
}

/// Fields to change; fields left out keep their value, `null` clears a nullable one.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUnitRequest {
    pub code: Option<String>,
    pub name: Option<String>,
    #[serde(rename = "type")]
    #[schema(value_type = Option<UnitType>)]
    pub unit_type: Option<String>,
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<Uuid>)]
    pub parent_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<NaiveDate>)]
    pub valid_from: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<NaiveDate>)]
    pub valid_until: Option<Option<NaiveDate>>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeactivateRequest {
    /// Last day in force (inclusive); default today (Vietnam time).
    pub valid_until: Option<NaiveDate>,
}

/// The units a unit replaced and the units that replaced it.
#[derive(Serialize, ToSchema)]
pub struct UnitLineage {
    pub predecessors: Vec<LinkedUnit>,
    pub successors: Vec<LinkedUnit>,
}

#[derive(Serialize, ToSchema)]
pub struct LinkedUnit {
    /// `full`: the whole predecessor went into the successor; `partial`: it was split.
    pub part: LinkPart,
    /// `part` as people read it (Vietnamese).
    pub part_label: &'static str,
    pub effective_on: NaiveDate,
    pub unit: UnitResponse,
}

fn linked(pairs: Vec<(UnitLink, Unit)>) -> Vec<LinkedUnit> {
    pairs
        .into_iter()
        .map(|(link, unit)| LinkedUnit {
            part: link.part,
            part_label: link.part.label_vi(),
            effective_on: link.effective_on,
            unit: unit.into(),
        })
        .collect()
}

fn unit_ok(unit: Unit) -> Result<HttpResponse, ApiError> {
    let body = UnitResponse::from(unit);
    Ok(HttpResponse::Ok().insert_header(etag(body.version)).json(body))
}

async fn list_units(
    state: &AppState,
    kind: UnitKind,
    scope: cursor::ListScope,
    query: UnitListQuery,
) -> Result<HttpResponse, ApiError> {
    let limit = cursor::limit(query.limit)?;
    let search = match query.q.as_deref().map(text::fold) {
        Some(q) if q.is_empty() => return Err(ApiError::bad_query("q", "must not be empty")),
        Some(q) if q.chars().count() > 100 => return Err(ApiError::bad_query("q", "must be at most 100 characters")),
        other => other,
    };
    if query.active_on.is_some_and(|d| !date_is_supported(d)) {
        return Err(ApiError::bad_query_because("active_on", ErrorCode::OutOfRange, DATE_RANGE));
    }
    if let Some(t) = query.unit_type.filter(|t| t.kind() != kind) {
        return Err(ApiError::bad_query_because(
            "type",
            ErrorCode::WrongKind,
            &format!("{} is not a type of {}; use one of {}", t.as_str(), kind.as_str(), UnitType::names_for(kind)),
        ));
    }
    let filter = UnitFilter {
        parent_id: query.parent_id.map(UnitId::from),
        unit_type: query.unit_type,
        active_on: query.active_on,
        search,
        after: query.cursor.as_deref().map(|c| cursor::decode(&scope, c)).transpose()?,
        limit,
    };
    let rows = db::run(&state.db, move |conn| model::list(conn, kind, &filter)).await?;
    let (rows, next_cursor) = cursor::page(rows, limit, &scope, |u| (u.code.clone(), u.id.to_string()));
    let items: Vec<_> = rows.into_iter().map(UnitResponse::from).collect();
    crate::http::page::ok(items.len(), &UnitPage { items, next_cursor })
}

async fn read_unit(state: &AppState, kind: UnitKind, id: Uuid) -> Result<HttpResponse, ApiError> {
    unit_ok(db::run(&state.db, move |conn| model::find(conn, kind, id.into())).await?)
}

async fn read_unit_by_code(
    state: &AppState,
    kind: UnitKind,
    code: String,
    on: Option<NaiveDate>,
) -> Result<HttpResponse, ApiError> {
    if on.is_some_and(|d| !date_is_supported(d)) {
        return Err(ApiError::bad_query_because("active_on", ErrorCode::OutOfRange, DATE_RANGE));
    }
    if code.is_empty() || code.len() > 64 || code.contains(char::is_control) {
        // No unit has such a code; answered here so it never reaches the database.
        return Err(ApiError::not_found(kind.as_str()));
    }
    unit_ok(db::run(&state.db, move |conn| model::find_by_code(conn, kind, &code, on)).await?)
}

async fn create_unit(
    state: &AppState,
    origin: Origin,
    kind: UnitKind,
    collection: &str,
    body: CreateUnitRequest,
) -> Result<HttpResponse, ApiError> {
    let fields = rules::check_new_unit(
        kind,
        body.code.as_deref(),
        body.name.as_deref(),
        body.unit_type.as_deref(),
        body.valid_from,
        body.valid_until,
    )
    .map_err(ApiError::validation)?;
    let new = model::NewUnit {
        kind,
        fields,
        parent_id: body.parent_id.map(UnitId::from),
        predecessors: body.predecessors.iter().map(|p| (p.unit_id.into(), p.part)).collect(),
    };
    let unit = db::write(&state.db, origin, move |conn, journal| {
        let unit = UnitResponse::from(model::create(conn, new)?);
        journal.created(kind.as_str(), unit.id, Scope::Registry, &unit);
        Ok(unit)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/{collection}/{}", unit.id)))
        .insert_header(etag(unit.version))
        .json(unit))
}

async fn update_unit(
    state: &AppState,
    origin: Origin,
    kind: UnitKind,
    req: &HttpRequest,
    id: Uuid,
    body: UpdateUnitRequest,
) -> Result<HttpResponse, ApiError> {
    let expected = if_match_version(req)?;
    let changes = UnitChanges {
        code: body.code,
        name: body.name,
        unit_type: body.unit_type,
        parent_id: body.parent_id.map(|p| p.map(UnitId::from)),
        valid_from: body.valid_from,
        valid_until: body.valid_until,
    };
    let id = UnitId::from(id);
    let unit = db::write(&state.db, origin, move |conn, journal| {
        let (before, after) = model::update(conn, kind, id, changes, expected)?;
        let (before, after) = (UnitResponse::from(before), UnitResponse::from(after));
        journal.updated(kind.as_str(), id, Scope::Registry, &before, &after);
        Ok(after)
    })
    .await?;
    Ok(HttpResponse::Ok().insert_header(etag(unit.version)).json(unit))
}

async fn deactivate_unit(
    state: &AppState,
    origin: Origin,
    kind: UnitKind,
    req: &HttpRequest,
    id: Uuid,
    body: DeactivateRequest,
) -> Result<HttpResponse, ApiError> {
    let expected = if_match_version(req)?;
    let until = body.valid_until.unwrap_or_else(rules::today_in_vietnam);
    if !date_is_supported(until) {
        return Err(ApiError::validation(vec![crate::error::FieldError::new(
            "valid_until",
            ErrorCode::OutOfRange,
            DATE_RANGE,
        )]));
    }
    let id = UnitId::from(id);
    let unit = db::write(&state.db, origin, move |conn, journal| {
        let (before, after) = model::deactivate(conn, kind, id, until, expected)?;
        let (before, after) = (UnitResponse::from(before), UnitResponse::from(after));
        journal.changed(kind.as_str(), "deactivated", id, Scope::Registry, &before, &after);
        Ok(after)
    })
    .await?;
    Ok(HttpResponse::Ok().insert_header(etag(unit.version)).json(unit))
}

async fn delete_unit(
    state: &AppState,
    origin: Origin,
    kind: UnitKind,
    req: &HttpRequest,
    id: Uuid,
) -> Result<HttpResponse, ApiError> {
    let expected = if_match_version(req)?;
    let id = UnitId::from(id);
    db::write(&state.db, origin, move |conn, journal| {
        let before = UnitResponse::from(model::delete(conn, kind, id, expected)?);
        journal.deleted(kind.as_str(), id, Scope::Registry, &before);
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

async fn unit_lineage(state: &AppState, kind: UnitKind, id: Uuid) -> Result<HttpResponse, ApiError> {
    let lineage = db::run(&state.db, move |conn| model::lineage(conn, kind, id.into())).await?;
    Ok(HttpResponse::Ok()
        .json(UnitLineage { predecessors: linked(lineage.predecessors), successors: linked(lineage.successors) }))
}

macro_rules! unit_endpoints {
    (
        $module:ident, $kind:expr,
        singular = $one:tt, plural = $many:tt,
        list = $list:tt, item = $item:tt, by_code = $by_code:tt,
        deactivate = $deactivate:tt, lineage = $lineage:tt
    ) => {
        pub mod $module {
            use super::*;
            use actix_web::{delete, get, patch, post};
            use crate::http::register::Routes;
            use crate::openapi::errors::{CreateErrors, ListErrors, ReadErrors, WriteErrors};

            const KIND: UnitKind = $kind;

            pub fn configure(routes: &mut Routes) {
                // by-code before {id}/…, so a code is never taken for an id.
                routes.service(list).service(create).service(read_by_code).service(read).service(update).service(remove).service(deactivate).service(lineage);
            }

            #[doc = concat!("List ", $many, ", filtered and searched, in code order.")]
            #[utoipa::path(
                summary = concat!("List ", $many, ", filtered and searched, in code order."),
                operation_id = concat!("list_", $many),
                tag = $many,
                security(("bearer" = [])),
                params(UnitListQuery),
                responses(
                    (status = 200, description = "One page of units", body = UnitPage),
                    ListErrors,
                )
            )]
            #[get($list)]
            pub async fn list(state: web::Data<AppState>, who: AuthUser, scope: cursor::ListScope, query: QueryParams<UnitListQuery>) -> Result<HttpResponse, ApiError> {
                policy::authorize(&who, Action::Read, Resource::Registry)?;
                list_units(&state, KIND, scope, query.0).await
            }

            #[doc = concat!("Create a ", $one, ", optionally as the successor of existing ones.")]
            #[utoipa::path(
                summary = concat!("Create a ", $one, ", optionally as the successor of existing ones."),
                operation_id = concat!("create_", $one),
                tag = $many,
                security(("bearer" = [])),
                request_body = CreateUnitRequest,
                responses(
                    (status = 201, description = "Created; `Location` and `ETag` are set", body = UnitResponse),
                    CreateErrors,
                    (status = 409, description = "The code is held by another unit in an overlapping period", body = Problem, content_type = "application/problem+json"),
                    (status = 403, description = "Only admins change the registry", body = Problem, content_type = "application/problem+json"),
                )
            )]
            #[post($list)]
            pub async fn create(state: web::Data<AppState>, who: AuthUser, origin: RequestOrigin, body: JsonBody<CreateUnitRequest>) -> Result<HttpResponse, ApiError> {
                policy::authorize(&who, Action::Create, Resource::Registry)?;
                create_unit(&state, origin.by(&who), KIND, $many, body.0).await
            }

            #[doc = concat!("Get a ", $one, " by its GSO code (or department code).")]
            #[utoipa::path(
                summary = concat!("Get a ", $one, " by its GSO code (or department code)."),
                operation_id = concat!("get_", $one, "_by_code"),
                tag = $many,
                security(("bearer" = [])),
                params(("code" = String, Path, description = "The unit's code"), ByCodeQuery),
                responses(
                    (status = 200, description = "The unit; `ETag` is set", body = UnitResponse),
                    ReadErrors,
                    (status = 400, description = "Invalid date", body = Problem, content_type = "application/problem+json"),
                    (status = 404, description = "No unit with this code (on that day)", body = Problem, content_type = "application/problem+json"),
                )
            )]
            #[get($by_code)]
            pub async fn read_by_code(state: web::Data<AppState>, who: AuthUser, code: web::Path<String>, query: QueryParams<ByCodeQuery>) -> Result<HttpResponse, ApiError> {
                policy::authorize(&who, Action::Read, Resource::Registry)?;
                read_unit_by_code(&state, KIND, code.into_inner(), query.0.active_on).await
            }

            #[doc = concat!("Get a ", $one, " by id.")]
            #[utoipa::path(
                summary = concat!("Get a ", $one, " by id."),
                operation_id = concat!("get_", $one),
                tag = $many,
                security(("bearer" = [])),
                params(("id" = Uuid, Path, description = "The unit's id")),
                responses(
                    (status = 200, description = "The unit; `ETag` is set", body = UnitResponse),
                    ReadErrors,
                )
            )]
            #[get($item)]
            pub async fn read(state: web::Data<AppState>, who: AuthUser, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
                policy::authorize(&who, Action::Read, Resource::Registry)?;
                read_unit(&state, KIND, id.into_inner()).await
            }

            #[doc = concat!("Change some fields of a ", $one, ". Send `If-Match` with the `ETag` you read to be refused (412) if someone changed it since.")]
            #[utoipa::path(
                summary = concat!("Change some fields of a ", $one, ". Send `If-Match` with the `ETag` you read to be refused (412) if someone changed it since."),
                operation_id = concat!("update_", $one),
                tag = $many,
                security(("bearer" = [])),
                params(
                    ("id" = Uuid, Path, description = "The unit's id"),
                    ("If-Match" = Option<String>, Header, description = "The `ETag` last read"),
                ),
                request_body = UpdateUnitRequest,
                responses(
                    (status = 200, description = "Updated; the new `ETag` is set", body = UnitResponse),
                    WriteErrors,
                    (status = 409, description = "The change conflicts with another unit or with subordinate units", body = Problem, content_type = "application/problem+json"),
                    (status = 403, description = "Only admins change the registry", body = Problem, content_type = "application/problem+json"),
                )
            )]
            #[patch($item)]
            pub async fn update(state: web::Data<AppState>, who: AuthUser, origin: RequestOrigin, req: HttpRequest, id: web::Path<Uuid>, body: JsonBody<UpdateUnitRequest>) -> Result<HttpResponse, ApiError> {
                policy::authorize(&who, Action::Update, Resource::Registry)?;
                update_unit(&state, origin.by(&who), KIND, &req, id.into_inner(), body.0).await
            }

            #[doc = concat!("Delete a ", $one, " that nothing refers to. Units with subordinates, successors, predecessors or any record attached are kept: deactivate them instead.")]
            #[utoipa::path(
                summary = concat!("Delete a ", $one, " that nothing refers to. Units with subordinates, successors, predecessors or any record attached are kept: deactivate them instead."),
                operation_id = concat!("delete_", $one),
                tag = $many,
                security(("bearer" = [])),
                params(
                    ("id" = Uuid, Path, description = "The unit's id"),
                    ("If-Match" = Option<String>, Header, description = "The `ETag` last read"),
                ),
                responses(
                    (status = 204, description = "Deleted"),
                    WriteErrors,
                    (status = 409, description = "Other records refer to the unit", body = Problem, content_type = "application/problem+json"),
                    (status = 403, description = "Only admins change the registry", body = Problem, content_type = "application/problem+json"),
                )
            )]
            #[delete($item)]
            pub async fn remove(state: web::Data<AppState>, who: AuthUser, origin: RequestOrigin, req: HttpRequest, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
                policy::authorize(&who, Action::Delete, Resource::Registry)?;
                delete_unit(&state, origin.by(&who), KIND, &req, id.into_inner()).await
            }

            #[doc = concat!("End a ", $one, "'s validity on a day (default today). Send `{}` for today.")]
            #[utoipa::path(
                summary = concat!("End a ", $one, "'s validity on a day (default today). Send `{}` for today."),
                operation_id = concat!("deactivate_", $one),
                tag = $many,
                security(("bearer" = [])),
                params(
                    ("id" = Uuid, Path, description = "The unit's id"),
                    ("If-Match" = Option<String>, Header, description = "The `ETag` last read"),
                ),
                request_body = DeactivateRequest,
                responses(
                    (status = 200, description = "Deactivated; the new `ETag` is set", body = UnitResponse),
                    WriteErrors,
                    (status = 409, description = "Already ended by then, or subordinate units outlive the date", body = Problem, content_type = "application/problem+json"),
                    (status = 422, description = "The date is before the unit's start", body = Problem, content_type = "application/problem+json"),
                    (status = 403, description = "Only admins change the registry", body = Problem, content_type = "application/problem+json"),
                )
            )]
            #[post($deactivate)]
            pub async fn deactivate(state: web::Data<AppState>, who: AuthUser, origin: RequestOrigin, req: HttpRequest, id: web::Path<Uuid>, body: JsonBody<DeactivateRequest>) -> Result<HttpResponse, ApiError> {
                policy::authorize(&who, Action::Update, Resource::Registry)?;
                deactivate_unit(&state, origin.by(&who), KIND, &req, id.into_inner(), body.0).await
            }

            #[doc = concat!("The units a ", $one, " replaced (predecessors) and those that replaced it (successors), with full or partial links.")]
            #[utoipa::path(
                summary = concat!("The units a ", $one, " replaced (predecessors) and those that replaced it (successors), with full or partial links."),
                operation_id = concat!("get_", $one, "_lineage"),
                tag = $many,
                security(("bearer" = [])),
                params(("id" = Uuid, Path, description = "The unit's id")),
                responses(
                    (status = 200, description = "Direct predecessors and successors", body = UnitLineage),
                    ReadErrors,
                )
            )]
            #[get($lineage)]
            pub async fn lineage(state: web::Data<AppState>, who: AuthUser, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
                policy::authorize(&who, Action::Read, Resource::Registry)?;
                unit_lineage(&state, KIND, id.into_inner()).await
            }
        }
    };
}

unit_endpoints!(
    provinces,
    UnitKind::Province,
    singular = "province",
    plural = "provinces",
    list = "/provinces",
    item = "/provinces/{id}",
    by_code = "/provinces/by-code/{code}",
    deactivate = "/provinces/{id}/deactivate",
    lineage = "/provinces/{id}/lineage"
);
unit_endpoints!(
    districts,
    UnitKind::District,
    singular = "district",
    plural = "districts",
    list = "/districts",
    item = "/districts/{id}",
    by_code = "/districts/by-code/{code}",
    deactivate = "/districts/{id}/deactivate",
    lineage = "/districts/{id}/lineage"
);
unit_endpoints!(
    communes,
    UnitKind::Commune,
    singular = "commune",
    plural = "communes",
    list = "/communes",
    item = "/communes/{id}",
    by_code = "/communes/by-code/{code}",
    deactivate = "/communes/{id}/deactivate",
    lineage = "/communes/{id}/lineage"
);
unit_endpoints!(
    departments,
    UnitKind::Department,
    singular = "department",
    plural = "departments",
    list = "/departments",
    item = "/departments/{id}",
    by_code = "/departments/by-code/{code}",
    deactivate = "/departments/{id}/deactivate",
    lineage = "/departments/{id}/lineage"
);
