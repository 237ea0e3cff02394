//! The emulation and commendation statistics the province sends to the Ministry of Home Affairs
//! each year (Circular 2/2023/TT-BNV): Biểu 0601.N (emulation campaigns), 0602.N (commendations
//! at the State's level the province proposed) and 0603.N (commendations at the province's
//! level), as JSON, CSV or XLSX.

use actix_web::{get, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{fixed_format, FormatQuery};
use crate::auth::policy;
use crate::auth::{AuthUser, OwnScopeUser};
use crate::db;
use crate::domain::awards::GrantingLevel;
use crate::domain::statistics::{
    campaign_form, form_rows, provincial_column, state_column, Counted, FormColumn, FormRow, RowCodes,
    CAMPAIGN_COLUMNS, PROVINCIAL_COLUMNS, PROVINCIAL_ROWS, STATE_COLUMNS, STATE_ROWS,
};
use crate::error::{ApiError, ErrorCode};
use crate::http::extract::QueryParams;
use crate::http::register::Routes;
use crate::http::tabular::{
    self, Cell, Column, ColumnType, CsvReportResponses, Format, ReportResponses, Table, XlsxReportResponses,
};
use crate::models::reports as model;
use crate::openapi::errors::ReportErrors;
use crate::state::AppState;

pub fn configure(routes: &mut Routes) {
    routes
        .service(provincial_statistics_report)
        .service(provincial_statistics_report_csv)
        .service(provincial_statistics_report_xlsx)
        .service(state_statistics_report)
        .service(state_statistics_report_csv)
        .service(state_statistics_report_xlsx)
        .service(campaign_statistics_report)
        .service(campaign_statistics_report_csv)
        .service(campaign_statistics_report_xlsx);
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StatisticsReportQuery {
    /// The report year: awards decided from 1 December of the year before to 30 November of
    /// this one (the reporting period of the commendation statistics, Circular 2/2023/TT-BNV).
    #[param(minimum = 1990, maximum = 2200, example = 2025)]
    pub year: i32,
    /// Documented by `FormatQuery` (the negotiating operations only).
    #[param(ignore)]
    pub format: Option<Format>,
}

/// The number of commendations at the province's level for the statistics sent to the Ministry
/// of Home Affairs (Biểu 0603.N/BNV-TĐKT, Circular 2/2023/TT-BNV): awards the province grants,
/// decided in the reporting period, by whom commended, by type of commendation and by column
/// (Bằng khen, Chiến sĩ thi đua, Cờ thi đua, Kỷ niệm chương; titles the form has no column for
/// counted apart). A row the service does not record (enterprises among collectives) is empty.
/// Then individuals not categorised, awards of no recorded type, women and ethnic minorities.
/// The board and province-level readers only (it counts protected attributes).
///
/// The format follows `format`, else `Accept`; the `.csv` and `.xlsx` URLs answer one format each.
#[utoipa::path(operation_id = "report_provincial_commendations", tag = "reports", security(("bearer" = []), ("client" = ["reports:read"])),
    params(StatisticsReportQuery, FormatQuery),
    responses(ReportResponses, ReportErrors))]
#[get("/reports/statistics/provincial-commendations")]
pub async fn provincial_statistics_report(
    state: web::Data<AppState>,
    who: OwnScopeUser,
    req: HttpRequest,
    query: QueryParams<StatisticsReportQuery>,
) -> Result<HttpResponse, ApiError> {
    let format = tabular::negotiate(&req, query.0.format)?;
    tabular::respond(statistics_table(&state, &who, query.0, &PROVINCIAL).await?, format).await
}

/// The number of commendations at the State's level (Biểu 0602.N/BNV-TĐKT, Circular
/// 2/2023/TT-BNV) the province proposed and recorded the outcome of: awards the central level
/// grants, decided in the reporting period, by whom commended, by type of commendation and by
/// group of forms (orders, medals, prizes, honorary titles, the Government's flag, the Prime
/// Minister's certificate, Chiến sĩ thi đua toàn quốc). Rows the service does not record
/// (proposals by ministries, enterprises among collectives) are empty. The board and
/// province-level readers only.
///
/// The format follows `format`, else `Accept`; the `.csv` and `.xlsx` URLs answer one format each.
#[utoipa::path(operation_id = "report_state_commendations", tag = "reports", security(("bearer" = []), ("client" = ["reports:read"])),
    params(StatisticsReportQuery, FormatQuery),
    responses(ReportResponses, ReportErrors))]
#[get("/reports/statistics/state-commendations")]
pub async fn state_statistics_report(
    state: web::Data<AppState>,
    who: OwnScopeUser,
    req: HttpRequest,
    query: QueryParams<StatisticsReportQuery>,
) -> Result<HttpResponse, ApiError> {
    let format = tabular::negotiate(&req, query.0.format)?;
    tabular::respond(statistics_table(&state, &who, query.0, &STATE).await?, format).await
}

/// The number of emulation campaigns (Biểu 0601.N/BNV-TĐKT, Circular 2/2023/TT-BNV): the
/// campaigns launched by the province and by its departments and communes that start in the
/// reporting period, by scope, duration and method, in columns by the level that launched them
/// (the central level's column is empty: not the province's to count). Drafts and cancelled
/// campaigns are not counted. The board and province-level readers only.
///
/// The format follows `format`, else `Accept`; the `.csv` and `.xlsx` URLs answer one format each.
#[utoipa::path(operation_id = "report_campaign_statistics", tag = "reports", security(("bearer" = []), ("client" = ["reports:read"])),
    params(StatisticsReportQuery, FormatQuery),
    responses(ReportResponses, ReportErrors))]
#[get("/reports/statistics/campaigns")]
pub async fn campaign_statistics_report(
    state: web::Data<AppState>,
    who: OwnScopeUser,
    req: HttpRequest,
    query: QueryParams<StatisticsReportQuery>,
) -> Result<HttpResponse, ApiError> {
    let format = tabular::negotiate(&req, query.0.format)?;
    tabular::respond(campaign_table(&state, &who, query.0).await?, format).await
}

fixed_format_reports! {
    provincial_statistics_report_csv: "/reports/statistics/provincial-commendations.csv", "report_provincial_commendations_csv", Format::Csv, CsvReportResponses,
        |state, who, query: StatisticsReportQuery| statistics_table(&state, &who, query, &PROVINCIAL);
    provincial_statistics_report_xlsx: "/reports/statistics/provincial-commendations.xlsx", "report_provincial_commendations_xlsx", Format::Xlsx, XlsxReportResponses,
        |state, who, query: StatisticsReportQuery| statistics_table(&state, &who, query, &PROVINCIAL);
    state_statistics_report_csv: "/reports/statistics/state-commendations.csv", "report_state_commendations_csv", Format::Csv, CsvReportResponses,
        |state, who, query: StatisticsReportQuery| statistics_table(&state, &who, query, &STATE);
    state_statistics_report_xlsx: "/reports/statistics/state-commendations.xlsx", "report_state_commendations_xlsx", Format::Xlsx, XlsxReportResponses,
        |state, who, query: StatisticsReportQuery| statistics_table(&state, &who, query, &STATE);
    campaign_statistics_report_csv: "/reports/statistics/campaigns.csv", "report_campaign_statistics_csv", Format::Csv, CsvReportResponses,
        |state, who, query: StatisticsReportQuery| campaign_table(&state, &who, query);
    campaign_statistics_report_xlsx: "/reports/statistics/campaigns.xlsx", "report_campaign_statistics_xlsx", Format::Xlsx, XlsxReportResponses,
        |state, who, query: StatisticsReportQuery| campaign_table(&state, &who, query);
}

/// One of the forms: what it counts and how it lays it out.
struct Form {
    report: &'static str,
    title: &'static str,
    /// The awards it counts: those this level grants.
    granted_by: GrantingLevel,
    columns: &'static [FormColumn],
    column_of: fn(&str) -> usize,
    rows: &'static RowCodes,
}

const PROVINCIAL: Form = Form {
    report: "provincial-commendations",
    title: "Số lượng khen thưởng cấp tỉnh năm {year} (Biểu 0603.N/BNV-TĐKT)",
    granted_by: GrantingLevel::Province,
    columns: &PROVINCIAL_COLUMNS,
    column_of: provincial_column,
    rows: &PROVINCIAL_ROWS,
};

const STATE: Form = Form {
    report: "state-commendations",
    title: "Số lượng khen thưởng cấp Nhà nước năm {year} (Biểu 0602.N/BNV-TĐKT)",
    granted_by: GrantingLevel::Central,
    columns: &STATE_COLUMNS,
    column_of: state_column,
    rows: &STATE_ROWS,
};

/// Who may read the statistics (the board and province-level readers: they count protected
/// attributes and every unit's work), and the reporting period of `year`: 1 December of the year
/// before to 30 November.
fn reporting_period(who: &AuthUser, year: i32) -> Result<(chrono::NaiveDate, chrono::NaiveDate), ApiError> {
    policy::require_scope(who, "reports:read")?;
    if !policy::reads_all_units(who) {
        return Err(ApiError::forbidden());
    }
    (1990..=2200)
        .contains(&year)
        .then(|| chrono::NaiveDate::from_ymd_opt(year - 1, 12, 1).zip(chrono::NaiveDate::from_ymd_opt(year, 11, 30)))
        .flatten()
        .ok_or_else(|| ApiError::bad_query_because("year", ErrorCode::OutOfRange, "must be between 1990 and 2200"))
}

/// A form's rows as table rows: its number, its label, then the counts (empty where the row, or
/// the column, is not recorded).
fn table_rows(rows: Vec<FormRow>, columns: &[FormColumn], unrecorded_columns: &[&str]) -> Vec<Vec<Cell>> {
    rows.into_iter()
        .map(|row| {
            let mut cells = vec![row.code.map_or(Cell::Empty, Cell::from), row.label.into()];
            match row.counts {
                Some(counts) => cells.extend(counts.iter().enumerate().map(|(i, n)| {
                    let unrecorded = i > 0 && unrecorded_columns.contains(&columns[i - 1].key);
                    if unrecorded {
                        Cell::Empty
                    } else {
                        Cell::Integer(*n)
                    }
                })),
                None => cells.extend(std::iter::repeat_n(Cell::Empty, columns.len() + 1)),
            }
            cells
        })
        .collect()
}

fn table_columns(form_columns: &[FormColumn]) -> Vec<Column> {
    let mut columns = vec![
        Column::new("row_code", "Mã số", ColumnType::Text),
        Column::new("row", "Chỉ tiêu", ColumnType::Text),
        Column::new("total", "Tổng số", ColumnType::Integer),
    ];
    columns.extend(form_columns.iter().map(|c| Column::new(c.key, c.label, ColumnType::Integer)));
    columns
}

async fn campaign_table(state: &AppState, who: &AuthUser, query: StatisticsReportQuery) -> Result<Table, ApiError> {
    let year = query.year;
    let (from, to) = reporting_period(who, year)?;
    let campaigns = db::run(&state.db, move |conn| model::campaigns_started(conn, from, to)).await?;
    Ok(Table {
        report: "campaign-statistics",
        title: format!("Số phong trào thi đua năm {year} (Biểu 0601.N/BNV-TĐKT)"),
        file_suffix: year.to_string(),
        columns: table_columns(&CAMPAIGN_COLUMNS),
        rows: table_rows(campaign_form(&campaigns), &CAMPAIGN_COLUMNS, &["trung_uong"]),
    })
}

async fn statistics_table(
    state: &AppState,
    who: &AuthUser,
    query: StatisticsReportQuery,
    form: &'static Form,
) -> Result<Table, ApiError> {
    let year = query.year;
    let (from, to) = reporting_period(who, year)?;
    let awards = db::run(&state.db, move |conn| model::awards_decided(conn, from, to, form.granted_by)).await?;
    let counted: Vec<Counted> = awards
        .iter()
        .map(|a| Counted {
            column: (form.column_of)(&a.award_type_code),
            recipient: a.recipient_kind,
            gender: a.gender,
            ethnicity_code: a.ethnicity_code.as_deref(),
            staff_category: a.staff_category,
            commendation_type: a.commendation_type,
        })
        .collect();
    Ok(Table {
        report: form.report,
        title: form.title.replace("{year}", &year.to_string()),
        file_suffix: year.to_string(),
        columns: table_columns(form.columns),
        rows: table_rows(form_rows(&counted, form.columns.len(), form.rows), form.columns, &[]),
    })
}
