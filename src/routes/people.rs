//! People (cá nhân) whom awards go to. A unit's officers keep their unit's people; identity
//! numbers and what the statistics count of a person (gender, ethnic group, staff category),
//! when stored, are set and seen by admins only, and never appear in lists or the journal.

use actix_web::http::header;
use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::policy::{self, Action, Decision, Resource, Role};
use crate::auth::AuthUser;
use crate::db::journal::Scope;
use crate::db::{self, cursor};
use crate::domain::collectives::DisciplineForm;
use crate::domain::ids::{PersonId, UnitId};
use crate::domain::statistics::{ethnic_group, Gender, StaffCategory};
use crate::domain::{check_text, text, Checks};
use crate::error::{ApiError, ErrorCode, FieldError};
use crate::http::extract::{etag, required_if_match, JsonBody, QueryParams};
use crate::http::origin::RequestOrigin;
use crate::http::register::Routes;
use crate::models::collectives::{self as disciplines, Discipline, NewDiscipline};
use crate::models::people::{self as model, Person, PersonFields};
use crate::openapi::errors::{CreateErrors, ListErrors, ReadErrors, ReplaceErrors};
use crate::state::AppState;

pub fn configure(routes: &mut Routes) {
    routes
        .service(list)
        .service(create)
        .service(read)
        .service(replace)
        .service(list_disciplines)
        .service(add_discipline);
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonRequest {
    #[schema(example = "Hoàng Thị Mai")]
    pub full_name: String,
    #[schema(example = "Chủ tịch UBND phường")]
    pub position: Option<String>,
    pub unit_id: Uuid,
    /// From 1900 to the current year.
    #[schema(minimum = 1900)]
    pub birth_year: Option<i32>,
    /// Citizen identity number; admins only.
    pub identity_number: Option<String>,
    /// For the national commendation statistics, like the identity number admins only (and
    /// left out, what is stored is kept): `male` or `female`.
    pub gender: Option<Gender>,
    /// The ethnic group's GSO code, `01` (Kinh) to `54` (Rơ Măm); admins only.
    #[schema(example = "02")]
    pub ethnicity_code: Option<String>,
    /// Which row of the commendation statistics the person counts in; admins only.
    pub staff_category: Option<StaffCategory>,
}

#[derive(Serialize, ToSchema)]
pub struct PersonResponse {
    pub id: Uuid,
    pub full_name: String,
    pub position: Option<String>,
    pub unit_id: Uuid,
    pub birth_year: Option<i32>,
    /// Present only for admins reading one person.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_number: Option<String>,
    /// Present only for admins reading one person, like the identity number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gender: Option<Gender>,
    /// `gender` as people read it; present with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gender_label: Option<&'static str>,
    /// Present only for admins reading one person.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ethnicity_code: Option<String>,
    /// The ethnic group's name; present with its code.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "Tày")]
    pub ethnicity_name: Option<&'static str>,
    /// Present only for admins reading one person.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub staff_category: Option<StaffCategory>,
    /// `staff_category` as people read it; present with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub staff_category_label: Option<&'static str>,
    pub version: i32,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub created_at: chrono::DateTime<chrono::Utc>,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// A person as `show_protected` callers (the board, reading one person) see them; everyone
/// else, lists and the journal never carry the identity number or the statistics' attributes.
fn response(p: Person, show_protected: bool) -> PersonResponse {
    let (gender, ethnicity_code, staff_category) =
        if show_protected { (p.gender, p.ethnicity_code, p.staff_category) } else { (None, None, None) };
    PersonResponse {
        id: p.id.into(),
        unit_id: p.unit_id.into(),
        identity_number: if show_protected { p.identity_number } else { None },
        gender_label: gender.map(Gender::label_vi),
        gender,
        ethnicity_name: ethnicity_code.as_deref().and_then(ethnic_group),
        ethnicity_code,
        staff_category_label: staff_category.map(StaffCategory::label_vi),
        staff_category,
        full_name: p.full_name,
        position: p.position,
        birth_year: p.birth_year,
        version: p.version,
        created_at: p.created_at,
        updated_at: p.updated_at,
    }
}

fn fields(who: &AuthUser, body: PersonRequest) -> Result<PersonFields, ApiError> {
    let mut checks = Checks::default();
    let full_name = check_text("full_name", &body.full_name, 200, &mut checks);
    let position = body.position.filter(|p| !p.trim().is_empty()).map(|p| check_text("position", &p, 200, &mut checks));
    let this_year = chrono::Datelike::year(&crate::domain::units::today_in_vietnam());
    if body.birth_year.is_some_and(|y| !(1900..=this_year).contains(&y)) {
        checks.fail("birth_year", ErrorCode::OutOfRange, format!("must be between 1900 and {this_year}"));
    }
    let identity_number = body.identity_number.filter(|n| !n.trim().is_empty()).map(|n| n.trim().to_string());
    if let Some(number) = &identity_number {
        if !who.has(Role::Admin) {
            checks.fail("identity_number", ErrorCode::NotAllowed, "only admins record identity numbers");
        } else if !(9..=12).contains(&number.len()) || !number.bytes().all(|b| b.is_ascii_digit()) {
            checks.fail("identity_number", ErrorCode::InvalidFormat, "must be 9 or 12 digits");
        }
    }
    let ethnicity_code = body.ethnicity_code.map(|c| c.trim().to_string()).filter(|c| !c.is_empty());
    if ethnicity_code.as_deref().is_some_and(|c| ethnic_group(c).is_none()) {
        checks.fail("ethnicity_code", ErrorCode::InvalidChoice, "must be a GSO ethnic group code, 01 to 54");
    }
    let protected = [
        ("gender", body.gender.is_some()),
        ("ethnicity_code", ethnicity_code.is_some()),
        ("staff_category", body.staff_category.is_some()),
    ];
    for (field, given) in protected {
        if given && !who.has(Role::Admin) {
            checks.fail(field, ErrorCode::NotAllowed, "only admins record what the statistics count of a person");
        }
    }
    if !checks.0.is_empty() {
        return Err(ApiError::validation(checks.0));
    }
    Ok(PersonFields {
        full_name,
        position,
        unit_id: body.unit_id.into(),
        birth_year: body.birth_year,
        identity_number,
        gender: body.gender,
        ethnicity_code,
        staff_category: body.staff_category,
    })
}

async fn load(state: &AppState, who: &AuthUser, id: Uuid, action: Action) -> Result<Person, ApiError> {
    let id = PersonId::from(id);
    // A council member may read the nominee of a nomination on their agenda.
    let member = (action == Action::Read && who.has(Role::CouncilMember)).then_some(who.user_id);
    let (person, on_agenda) = db::run(&state.db, move |conn| {
        let person = model::find_person(conn, id)?;
        let on_agenda = match member {
            Some(member) => crate::models::nominations::on_agenda_of(
                conn,
                member,
                crate::models::nominations::AgendaLink::Person(person.id),
            )?,
            None => false,
        };
        Ok((person, on_agenda))
    })
    .await?;
    policy::authorize_or_hide(
        who,
        action,
        Resource::ReviewedRecord { unit_id: person.unit_id, on_agenda },
        model::person_not_found,
    )?;
    Ok(person)
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PeopleQuery {
    /// Only this unit's people (unit-bound users always get their own unit's).
    pub unit_id: Option<Uuid>,
    /// Part of the name, ignoring case and diacritics.
    pub q: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PersonPage {
    pub items: Vec<PersonResponse>,
    pub next_cursor: Option<String>,
}

/// List people, by name (never with identity numbers).
#[utoipa::path(operation_id = "list_people", tag = "awards", security(("bearer" = [])), params(PeopleQuery),
    responses((status = 200, description = "One page of people", body = PersonPage), ListErrors))]
#[get("/people")]
pub async fn list(
    state: web::Data<AppState>,
    who: AuthUser,
    scope: cursor::ListScope,
    query: QueryParams<PeopleQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.0;
    let limit = cursor::limit(query.limit)?;
    let unit = policy::listed_unit(&who, query.unit_id.map(UnitId::from))?;
    let search = query.q.as_deref().map(text::fold).filter(|q| !q.is_empty());
    let after = query.cursor.as_deref().map(|c| cursor::decode(&scope, c)).transpose()?;
    let rows = db::run(&state.db, move |conn| model::list_people(conn, unit, search.as_deref(), after, limit)).await?;
    let (rows, next_cursor) = cursor::page(rows, limit, &scope, |p| (p.full_name_folded.clone(), p.id));
    let items: Vec<_> = rows.into_iter().map(|p| response(p, false)).collect();
    crate::http::page::ok(items.len(), &PersonPage { items, next_cursor })
}

/// Add a person to a unit (the unit's officers, admins).
#[utoipa::path(operation_id = "create_person", tag = "awards", security(("bearer" = [])), request_body = PersonRequest,
    responses((status = 201, description = "Created; `Location` and `ETag` are set", body = PersonResponse), CreateErrors))]
#[post("/people")]
pub async fn create(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    body: JsonBody<PersonRequest>,
) -> Result<HttpResponse, ApiError> {
    let unit_id = UnitId::from(body.0.unit_id);
    if policy::decide(&who, Action::Create, Resource::UnitRecord { unit_id }) != Decision::Allow {
        return Err(ApiError::new(ErrorCode::Forbidden, "you add people only to your own unit"));
    }
    let fields = fields(&who, body.0)?;
    // The journal (and the unit's feed) never carries the protected fields; the caller's
    // answer does for admins.
    let admin = who.has(Role::Admin);
    let body = db::insert_one(
        &state.db,
        origin.by(&who),
        move |journal| {
            let (created, insert) = model::new_person(fields);
            journal.created("person", created.id, Scope::Unit(unit_id), &response(created.clone(), false));
            Ok((insert, response(created, admin)))
        },
        move |conn| model::why_not_created(conn, unit_id),
    )
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/people/{}", body.id)))
        .insert_header(etag(body.version))
        .json(body))
}

/// Get a person (the identity number only for admins).
#[utoipa::path(operation_id = "get_person", tag = "awards", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The person's id")),
    responses((status = 200, description = "The person; `ETag` is set", body = PersonResponse), ReadErrors))]
#[get("/people/{id}")]
pub async fn read(state: web::Data<AppState>, who: AuthUser, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let person = load(&state, &who, id.into_inner(), Action::Read).await?;
    let body = response(person, who.has(Role::Admin));
    Ok(HttpResponse::Ok().insert_header(etag(body.version)).json(body))
}

/// Replace a person's details (the unit's officers, admins). Send `If-Match`.
#[utoipa::path(operation_id = "replace_person", tag = "awards", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The person's id"), ("If-Match" = String, Header, description = "The `ETag` last read (required)")),
    request_body = PersonRequest,
    responses((status = 200, description = "Replaced; the new `ETag` is set", body = PersonResponse), ReplaceErrors))]
#[put("/people/{id}")]
pub async fn replace(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: JsonBody<PersonRequest>,
) -> Result<HttpResponse, ApiError> {
    let expected = required_if_match(&req)?;
    let current = load(&state, &who, id.into_inner(), Action::Update).await?;
    let new_unit = UnitId::from(body.0.unit_id);
    if policy::decide(&who, Action::Update, Resource::UnitRecord { unit_id: new_unit }) != Decision::Allow {
        return Err(ApiError::validation(vec![FieldError::new(
            "unit_id",
            ErrorCode::NotAllowed,
            "you can move people only within your own unit",
        )]));
    }
    let fields = fields(&who, body.0)?;
    // Only admins set it; leaving it out keeps what is stored.
    let keep_identity = !who.has(Role::Admin) || fields.identity_number.is_none();
    let admin = who.has(Role::Admin);
    let body = db::write(&state.db, origin.by(&who), move |conn, journal| {
        model::lock_person(conn, current.id)?;
        let before = response(model::find_person(conn, current.id)?, false);
        let after = model::replace_person(conn, current.id, fields, keep_identity, expected)?;
        // A person moved to another unit is now that unit's record.
        journal.updated("person", current.id, Scope::Unit(new_unit), &before, &response(after.clone(), false));
        Ok(response(after, admin))
    })
    .await?;
    Ok(HttpResponse::Ok().insert_header(etag(body.version)).json(body))
}

// ---------- discipline records ----------

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisciplineRequest {
    /// The year it counts against (a collective title of that year looks at it).
    #[schema(minimum = 1990, maximum = 2200, example = 2025)]
    pub year: i32,
    pub form: DisciplineForm,
    #[schema(example = "25/QĐ-UBND")]
    pub decision_number: String,
    pub decided_on: chrono::NaiveDate,
}

#[derive(Serialize, ToSchema)]
pub struct DisciplineResponse {
    pub id: Uuid,
    pub person_id: Uuid,
    pub year: i32,
    pub form: DisciplineForm,
    /// `form` as people read it (Vietnamese).
    pub form_label: &'static str,
    pub decision_number: String,
    pub decided_on: chrono::NaiveDate,
    #[serde(serialize_with = "crate::domain::timestamps::rfc3339")]
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<Discipline> for DisciplineResponse {
    fn from(d: Discipline) -> DisciplineResponse {
        DisciplineResponse {
            id: d.id.into(),
            person_id: d.person_id.into(),
            year: d.year,
            form: d.form,
            form_label: d.form.label_vi(),
            decision_number: d.decision_number,
            decided_on: d.decided_on,
            created_at: d.created_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct DisciplineList {
    pub items: Vec<DisciplineResponse>,
}

/// A person's discipline records (kỷ luật), newest year first: personal data, for the person's
/// unit's officers and admins only. Collective titles look at them (docs/rounds.md).
///
/// Not paged: a person has a handful at most.
#[utoipa::path(operation_id = "list_person_disciplines", tag = "awards", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The person's id")),
    responses((status = 200, description = "The records", body = DisciplineList), ReadErrors))]
#[get("/people/{id}/disciplines")]
pub async fn list_disciplines(
    state: web::Data<AppState>,
    who: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    // Who may change the person may see these; readers of the person may not.
    let person = load(&state, &who, id.into_inner(), Action::Update).await?;
    let rows = db::run(&state.db, move |conn| disciplines::of_person(conn, person.id)).await?;
    Ok(HttpResponse::Ok().json(DisciplineList { items: rows.into_iter().map(DisciplineResponse::from).collect() }))
}

/// Record a discipline of a person (the person's unit's officers, admins). Kept out of the
/// change feed: the journal records it for audit only.
#[utoipa::path(operation_id = "add_person_discipline", tag = "awards", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The person's id")),
    request_body = DisciplineRequest,
    responses((status = 201, description = "Recorded", body = DisciplineResponse), CreateErrors))]
#[post("/people/{id}/disciplines")]
pub async fn add_discipline(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    id: web::Path<Uuid>,
    body: JsonBody<DisciplineRequest>,
) -> Result<HttpResponse, ApiError> {
    let person = load(&state, &who, id.into_inner(), Action::Update).await?;
    let body = body.0;
    let mut checks = Checks::default();
    if !(1990..=2200).contains(&body.year) {
        checks.fail("year", ErrorCode::OutOfRange, "must be between 1990 and 2200");
    }
    let decision_number = check_text("decision_number", &body.decision_number, 100, &mut checks);
    crate::domain::check_date("decided_on", Some(body.decided_on), &mut checks);
    if !checks.0.is_empty() {
        return Err(ApiError::validation(checks.0));
    }
    let new = NewDiscipline { year: body.year, form: body.form, decision_number, decided_on: body.decided_on };
    let actor = who.user_id;
    let created = db::write(&state.db, origin.by(&who), move |conn, journal| {
        let created = DisciplineResponse::from(disciplines::add(conn, person.id, new, actor)?);
        journal.created("person_discipline", created.id, Scope::AuditOnly, &created);
        Ok(created)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/people/{}/disciplines", created.person_id)))
        .json(created))
}
