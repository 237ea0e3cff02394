//! A round's spreadsheets: the XLSX template of a unit's dossier (its people and the round's
//! titles as dropdown lists), the filled sheet read back — a preview with row-level errors in
//! Vietnamese that writes nothing, then the commit that adds the lines — and the round's results
//! as XLSX.

use std::io::Cursor;

use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::policy::{self, Action};
use crate::auth::AuthUser;
use crate::db::journal::Scope;
use crate::db::{self, DbConn};
use crate::domain::awards::AwardSubject;
use crate::domain::evidence::EvidenceType;
use crate::domain::ids::{AwardTypeId, DossierId, PersonId, RoundId};
use crate::domain::round_sheets::{person_label, read_rows, title_label, ReadRow, SheetPerson, SheetRow, SheetTitle};
use crate::domain::units::today_in_vietnam;
use crate::error::{ApiError, ErrorCode, FieldError};
use crate::http::extract::QueryParams;
use crate::http::origin::RequestOrigin;
use crate::http::register::Routes;
use crate::http::tabular::{self, Cell, Column, ColumnType, Format, Table, XlsxReportResponses};
use crate::http::upload::{self, FileBytes};
use crate::models::rounds::{self as model, Dossier};
use crate::openapi::errors::{ReadErrors, WriteErrors};
use crate::routes::shared::{load_dossier, nomination_response, NominationResponse};
use crate::state::AppState;

pub fn configure(routes: &mut Routes) {
    routes.service(template).upload(import).service(results);
}

/// The main sheet's name and its columns.
const SHEET: &str = "Đề nghị";
const PEOPLE_SHEET: &str = "Cá nhân";
const TITLES_SHEET: &str = "Danh hiệu";
const HEADINGS: [&str; 4] = [
    "STT",
    "Cá nhân (để trống nếu đề nghị cho tập thể đơn vị)",
    "Danh hiệu, hình thức khen thưởng",
    "Đang bị kỷ luật, thanh tra, khiếu nại (có/không)",
];
/// Rows the template's dropdowns cover (a round's dossier takes up to 10,000 lines).
const MAX_ROWS: u32 = 10_000;

async fn load(state: &AppState, who: &AuthUser, id: Uuid, action: Action) -> Result<Dossier, ApiError> {
    load_dossier(state, who, DossierId::from(id), action).await
}

/// The unit's people and the round's titles, as the sheet names them.
fn lists(conn: &mut DbConn, dossier: &Dossier) -> Result<(Vec<SheetPerson>, Vec<SheetTitle>), ApiError> {
    let people = crate::models::people::list_people(conn, Some(dossier.unit_id), None, None, 100_000)?
        .into_iter()
        .map(|p| SheetPerson { id: p.id.to_string(), full_name: p.full_name })
        .collect();
    let titles = model::round_detail(conn, dossier.round_id)?
        .types
        .into_iter()
        .filter(|(_, a)| a.subject != AwardSubject::Household)
        .map(|(_, a)| SheetTitle {
            individual: a.subject == AwardSubject::Individual,
            id: a.id.to_string(),
            code: a.code,
            name: a.name,
        })
        .collect();
    Ok((people, titles))
}

fn xlsx_failed(e: rust_xlsxwriter::XlsxError) -> ApiError {
    ApiError::internal(anyhow::anyhow!("writing the template: {e}"))
}

fn template_workbook(people: &[SheetPerson], titles: &[SheetTitle]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{DataValidation, DataValidationErrorStyle, Format as CellFormat, Formula, Workbook};
    let mut workbook = Workbook::new();
    let bold = CellFormat::new().set_bold();
    let sheet = workbook.add_worksheet();
    sheet.set_name(SHEET)?;
    for (col, heading) in HEADINGS.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *heading, &bold)?;
    }
    sheet.set_column_width(0, 6)?;
    sheet.set_column_width(1, 45)?;
    sheet.set_column_width(2, 40)?;
    sheet.set_column_width(3, 20)?;
    sheet.set_freeze_panes(1, 0)?;
    let people_list = format!("='{PEOPLE_SHEET}'!$A$2:$A${}", people.len().max(1) + 1);
    let titles_list = format!("='{TITLES_SHEET}'!$A$2:$A${}", titles.len().max(1) + 1);
    let person_rule = DataValidation::new()
        .allow_list_formula(Formula::new(people_list))
        .set_error_style(DataValidationErrorStyle::Warning)
        .set_input_title("Cá nhân")?
        .set_input_message("Chọn trong danh sách cá nhân của đơn vị; để trống nếu đề nghị cho tập thể.")?;
    let title_rule = DataValidation::new()
        .allow_list_formula(Formula::new(titles_list))
        .set_input_title("Danh hiệu")?
        .set_input_message("Chọn một danh hiệu, hình thức khen thưởng của đợt xét.")?;
    let discipline_rule = DataValidation::new().allow_list_strings(&["không", "có"])?;
    sheet.add_data_validation(1, 1, MAX_ROWS, 1, &person_rule)?;
    sheet.add_data_validation(1, 2, MAX_ROWS, 2, &title_rule)?;
    sheet.add_data_validation(1, 3, MAX_ROWS, 3, &discipline_rule)?;

    let list = workbook.add_worksheet();
    list.set_name(PEOPLE_SHEET)?;
    for (col, heading) in ["Cá nhân (như trong danh sách chọn)", "Họ và tên", "Mã"].iter().enumerate() {
        list.write_string_with_format(0, col as u16, *heading, &bold)?;
    }
    for (i, p) in people.iter().enumerate() {
        let row = i as u32 + 1;
        list.write_string(row, 0, person_label(p))?;
        list.write_string(row, 1, &p.full_name)?;
        list.write_string(row, 2, &p.id)?;
    }
    list.set_column_width(0, 45)?;
    list.set_column_width(2, 38)?;

    let list = workbook.add_worksheet();
    list.set_name(TITLES_SHEET)?;
    for (col, heading) in ["Danh hiệu, hình thức khen thưởng", "Mã", "Đối tượng"].iter().enumerate() {
        list.write_string_with_format(0, col as u16, *heading, &bold)?;
    }
    for (i, t) in titles.iter().enumerate() {
        let row = i as u32 + 1;
        list.write_string(row, 0, title_label(t))?;
        list.write_string(row, 1, &t.code)?;
        list.write_string(row, 2, if t.individual { "Cá nhân" } else { "Tập thể" })?;
    }
    list.set_column_width(0, 45)?;
    workbook.save_to_buffer()
}

/// Download the XLSX template of a dossier (whoever may read it): one row per line to propose,
/// the unit's people and the round's titles as dropdown lists (on the sheets "Cá nhân" and
/// "Danh hiệu"), and whether the nominee is under discipline.
#[utoipa::path(operation_id = "download_dossier_template", tag = "rounds", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The dossier's id")),
    responses(XlsxReportResponses, ReadErrors))]
#[get("/dossiers/{id}/template.xlsx")]
pub async fn template(
    state: web::Data<AppState>,
    who: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let dossier = load(&state, &who, id.into_inner(), Action::Read).await?;
    let file_name = format!("mau-ho-so-{}.xlsx", dossier.id);
    let (people, titles) = db::run(&state.db, move |conn| lists(conn, &dossier)).await?;
    let body = web::block(move || template_workbook(&people, &titles))
        .await
        .map_err(|e| ApiError::internal(anyhow::anyhow!("writing the template: {e}")))?
        .map_err(xlsx_failed)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, tabular::XLSX))
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file_name}\"")))
        .body(body))
}

/// The filled rows of the main sheet (or the first sheet), empty rows left out.
fn sheet_rows(bytes: &[u8]) -> Result<Vec<SheetRow>, ApiError> {
    use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
    let unreadable = |why: String| {
        ApiError::validation(vec![FieldError::new(
            "body",
            ErrorCode::Invalid,
            format!("Không đọc được tệp XLSX: {why}"),
        )])
    };
    let mut workbook: Xlsx<Cursor<&[u8]>> =
        open_workbook_from_rs(Cursor::new(bytes)).map_err(|e: calamine::XlsxError| unreadable(e.to_string()))?;
    let range = match workbook.worksheet_range(SHEET) {
        Ok(range) => range,
        Err(_) => match workbook.worksheet_range_at(0) {
            Some(Ok(range)) => range,
            _ => return Err(unreadable("tệp không có trang tính".into())),
        },
    };
    let text = |cell: Option<&Data>| match cell {
        None | Some(Data::Empty) => String::new(),
        Some(Data::String(s)) => s.clone(),
        Some(Data::Float(f)) if f.fract() == 0.0 => format!("{f:.0}"),
        Some(other) => other.to_string(),
    };
    let (Some((first, _)), Some((last, _))) = (range.start(), range.end()) else { return Ok(Vec::new()) };
    let mut rows = Vec::new();
    // Absolute positions: row 0 holds the headings.
    for row in first.max(1)..=last {
        let at = |col: u32| text(range.get_value((row, col)));
        let read = SheetRow { row: row + 1, person: at(1), title: at(2), discipline: at(3) };
        if read.person.trim().is_empty() && read.title.trim().is_empty() && read.discipline.trim().is_empty() {
            continue;
        }
        rows.push(read);
        if rows.len() > MAX_ROWS as usize {
            return Err(ApiError::validation(vec![FieldError::new(
                "body",
                ErrorCode::TooMany,
                format!("Tệp có quá {MAX_ROWS} dòng đề nghị."),
            )]));
        }
    }
    Ok(rows)
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// false (the default): check and preview, nothing written; true: add the rows as lines, if
    /// every row is valid.
    pub commit: Option<bool>,
}

#[derive(Serialize, ToSchema)]
pub struct ImportRow {
    /// The row's number in the sheet (the headings are row 1).
    pub row: u32,
    pub person_id: Option<Uuid>,
    pub award_type_id: Option<Uuid>,
    pub under_discipline: bool,
    /// What is wrong with the row, in Vietnamese; empty when it can be taken.
    pub errors: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ImportPreview {
    pub rows: Vec<ImportRow>,
    pub valid_rows: usize,
    pub invalid_rows: usize,
    /// Whether the rows were added as lines (`commit=true` and every row valid).
    pub committed: bool,
    /// The lines added, when committed.
    pub lines: Vec<ImportedLine>,
}

#[derive(Serialize, ToSchema)]
pub struct ImportedLine {
    pub line_no: i32,
    pub nomination: NominationResponse,
}

fn uuid_of(s: &Option<String>) -> Option<Uuid> {
    s.as_deref().and_then(|s| Uuid::parse_str(s).ok())
}

fn import_row(r: &ReadRow) -> ImportRow {
    ImportRow {
        row: r.row,
        person_id: uuid_of(&r.person_id),
        award_type_id: uuid_of(&r.award_type_id),
        under_discipline: r.under_discipline,
        errors: r.errors.clone(),
    }
}

/// Upload a filled template to a draft dossier (the unit's officers, admins): the raw XLSX as the
/// body. Without `commit` (or `commit=false`) every row is checked and previewed — the person and
/// the title matched against the unit's people and the round's titles, with each row's errors in
/// Vietnamese — and nothing is written (the upload is kept in the audit trail only). With
/// `commit=true` the rows become lines as `POST /dossiers/{id}/lines` would add them; any row in
/// error refuses them all (`422`, each as `rows[<row>]`).
#[utoipa::path(operation_id = "import_dossier_sheet", tag = "rounds", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The dossier's id"), ImportQuery),
    request_body(description = "The filled template, as XLSX (or `application/octet-stream`).", content(
        (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (FileBytes = "application/octet-stream"),
    )),
    responses((status = 200, description = "Checked (and, with `commit=true`, added)", body = ImportPreview), WriteErrors))]
#[post("/dossiers/{id}/import")]
pub async fn import(
    state: web::Data<AppState>,
    who: AuthUser,
    origin: RequestOrigin,
    req: HttpRequest,
    id: web::Path<Uuid>,
    query: QueryParams<ImportQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let dossier = load(&state, &who, id.into_inner(), Action::Update).await?;
    let commit = query.0.commit.unwrap_or(false);
    let received = upload::receive(&req, payload, state.settings.max_upload_bytes).await?;
    if received.file_type != EvidenceType::Xlsx {
        return Err(ApiError::new(ErrorCode::UnsupportedFileType, "the sheet must be an XLSX workbook"));
    }
    let bytes = received.bytes;
    let rows = web::block(move || sheet_rows(&bytes))
        .await
        .map_err(|e| ApiError::internal(anyhow::anyhow!("reading a sheet: {e}")))??;
    if rows.is_empty() {
        return Err(ApiError::validation(vec![FieldError::new(
            "body",
            ErrorCode::Required,
            "Tệp không có dòng đề nghị nào.",
        )]));
    }
    let (actor, today) = (who.user_id, today_in_vietnam());
    let scope = Scope::Unit(dossier.unit_id);
    let body = db::write(&state.db, origin.by(&who), move |conn, journal| {
        let (people, titles) = lists(conn, &dossier)?;
        // The sheet names people and titles by their ids' text.
        let existing: Vec<(Option<String>, String)> = model::proposed_in(conn, dossier.id)?
            .into_iter()
            .map(|(person, award_type)| (person.map(|p| p.to_string()), award_type.to_string()))
            .collect();
        let read = read_rows(&rows, &people, &titles, &existing);
        let invalid = read.iter().filter(|r| !r.errors.is_empty()).count();
        let summary = serde_json::json!({"rows": read.len(), "invalid_rows": invalid, "commit": commit});
        if !commit || invalid > 0 {
            if commit {
                let errors = read
                    .iter()
                    .flat_map(|r| {
                        r.errors
                            .iter()
                            .map(|e| FieldError::new(format!("rows[{}]", r.row), ErrorCode::Invalid, e.clone()))
                    })
                    .collect();
                return Err(ApiError::validation(errors));
            }
            // Nothing written: the upload is kept in the audit trail only.
            journal.record("dossier", "sheet_checked", dossier.id, Scope::AuditOnly, None, Some(summary));
            return Ok(ImportPreview {
                valid_rows: read.len() - invalid,
                invalid_rows: invalid,
                rows: read.iter().map(import_row).collect(),
                committed: false,
                lines: Vec::new(),
            });
        }
        // Every row is valid here: it names a title of the round, and a person of the unit or none.
        let unmatched = |r: &ReadRow| ApiError::internal(anyhow::anyhow!("sheet row {} lost its ids", r.row));
        let inputs = read
            .iter()
            .map(|r| {
                Ok(model::LineInput {
                    award_type_id: r
                        .award_type_id
                        .as_deref()
                        .and_then(AwardTypeId::parse)
                        .ok_or_else(|| unmatched(r))?,
                    person_id: match r.person_id.as_deref() {
                        Some(p) => Some(PersonId::parse(p).ok_or_else(|| unmatched(r))?),
                        None => None,
                    },
                    achievement_ids: Vec::new(),
                    under_discipline: r.under_discipline,
                })
            })
            .collect::<Result<_, ApiError>>()?;
        let added = model::add_lines(conn, dossier.id, inputs, actor, today)?;
        let mut lines = Vec::with_capacity(added.len());
        for (line_no, detail) in added {
            let nomination = nomination_response(detail)?;
            journal.created("nomination", nomination.id, scope.clone(), &nomination);
            lines.push(ImportedLine { line_no, nomination });
        }
        journal.record("dossier", "sheet_imported", dossier.id, scope.clone(), None, Some(summary));
        Ok(ImportPreview {
            valid_rows: read.len(),
            invalid_rows: 0,
            rows: read.iter().map(import_row).collect(),
            committed: true,
            lines,
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(body))
}

/// The round's results as XLSX: every line of every dossier the caller may see (all for the
/// board and province-level readers, their unit's for anyone of a unit) with its status.
#[utoipa::path(operation_id = "export_round_results", tag = "rounds", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The round's id")),
    responses(XlsxReportResponses, ReadErrors))]
#[get("/rounds/{id}/results.xlsx")]
pub async fn results(state: web::Data<AppState>, who: AuthUser, id: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let unit = policy::listed_unit(&who, None)?;
    let id = RoundId::from(id.into_inner());
    let (round, rows) =
        db::run(&state.db, move |conn| Ok((model::find_round(conn, id)?, model::results(conn, id, unit)?))).await?;
    let columns = vec![
        Column::new("unit_code", "Mã đơn vị", ColumnType::Text),
        Column::new("unit_name", "Đơn vị", ColumnType::Text),
        Column::new("line_no", "Số thứ tự", ColumnType::Integer),
        Column::new("nominee", "Đối tượng", ColumnType::Text),
        Column::new("award_type_code", "Mã danh hiệu", ColumnType::Text),
        Column::new("award_type_name", "Danh hiệu, hình thức khen thưởng", ColumnType::Text),
        Column::new("status", "Trạng thái", ColumnType::Text),
        Column::new("warnings", "Cảnh báo", ColumnType::Text),
    ];
    let rows = rows
        .into_iter()
        .map(|r| {
            vec![
                Cell::Text(r.unit_code),
                Cell::Text(r.unit_name.clone()),
                Cell::Integer(i64::from(r.line_no)),
                Cell::Text(r.person_name.unwrap_or(r.unit_name)),
                Cell::Text(r.award_type_code),
                Cell::Text(r.award_type_name),
                Cell::Text(r.status.label_vi().to_string()),
                Cell::Text(r.warnings.join(", ")),
            ]
        })
        .collect();
    let table = Table {
        report: "ket-qua-dot-xet",
        title: format!("Kết quả {}", round.title),
        file_suffix: round.year.to_string(),
        columns,
        rows,
    };
    tabular::respond(table, Format::Xlsx).await
}
