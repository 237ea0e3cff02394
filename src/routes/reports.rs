//! Read-only reports, each one table answered as JSON, CSV or XLSX (`http::tabular`): campaign
//! progress by unit and by cluster, awards by year, type and unit, and the nominations pipeline.
//! Each applies the visibility rules of the endpoint it summarises.

use std::collections::HashMap;

use actix_web::{get, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::auth::policy::{self, Action, Resource};
use crate::auth::{AuthUser, OwnScopeUser};
use crate::db;
use crate::domain::ids::{AwardTypeId, UnitId};
use crate::domain::progress::ProgressResponse;
use crate::error::{ApiError, ErrorCode};
use crate::http::extract::QueryParams;
use crate::http::register::Routes;
use crate::http::tabular::{
    self, Cell, Column, ColumnType, CsvReportResponses, Format, ReportResponses, Table, XlsxReportResponses,
};
use crate::models::reports::{self as model, AwardCountFilter, NominationCountFilter};
use crate::openapi::errors::ReportErrors;
use crate::routes::shared::{campaign_progress, visible_scope};
use crate::state::AppState;

pub fn configure(routes: &mut Routes) {
    routes
        .service(progress_report)
        .service(progress_report_csv)
        .service(progress_report_xlsx)
        .service(awards_report)
        .service(awards_report_csv)
        .service(awards_report_xlsx)
        .service(nominations_report)
        .service(nominations_report_csv)
        .service(nominations_report_xlsx);
    statistics::configure(routes);
}

/// The `format` parameter of the negotiating report operations.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documents the parameter; it is read into each report's query
pub struct FormatQuery {
    /// Overrides `Accept`. Clients generated from this document decode one media type per
    /// answer: for CSV or XLSX they should call the `….csv` / `….xlsx` operations instead.
    #[param(inline)]
    format: Option<Format>,
}

/// A report at its one-format URL: a `format` parameter, if sent, must agree.
fn fixed_format(asked: Option<Format>, fixed: Format) -> Result<Format, ApiError> {
    match asked {
        Some(other) if other != fixed => Err(ApiError::bad_query_because(
            "format",
            ErrorCode::ConflictingParameters,
            "this URL answers in one format only",
        )),
        _ => Ok(fixed),
    }
}

/// The one-format operations of each report: the same table as the negotiating operation.
macro_rules! fixed_format_reports {
    ($($name:ident: $path:literal, $id:literal, $format:expr, $responses:ty, |$state:ident, $who:ident, $query:ident : $query_type:ty $(, $extra:ident : $extra_type:ty = $extra_doc:literal)?| $table:expr;)+) => {$(
        #[doc = concat!("The report as one file (", $path, "); see the operation without the extension.")]
        #[utoipa::path(operation_id = $id, tag = "reports", summary = concat!("The report as one file (", $path, ")"), security(("bearer" = []), ("client" = ["reports:read"])),
            params($(("id" = $extra_type, Path, description = $extra_doc),)? $query_type),
            responses($responses, ReportErrors))]
        #[get($path)]
        pub async fn $name(
            $state: web::Data<AppState>,
            $who: OwnScopeUser,
            $($extra: web::Path<$extra_type>,)?
            query: QueryParams<$query_type>,
        ) -> Result<HttpResponse, ApiError> {
            let format = fixed_format(query.0.format, $format)?;
            let $query = query.0;
            tabular::respond($table.await?, format).await
        }
    )+};
}

fixed_format_reports! {
    progress_report_csv: "/reports/campaigns/{id}/progress.csv", "report_campaign_progress_csv", Format::Csv, CsvReportResponses,
        |state, who, query: ProgressReportQuery, id: Uuid = "The campaign's id"| progress_table(&state, &who, id.into_inner(), query);
    progress_report_xlsx: "/reports/campaigns/{id}/progress.xlsx", "report_campaign_progress_xlsx", Format::Xlsx, XlsxReportResponses,
        |state, who, query: ProgressReportQuery, id: Uuid = "The campaign's id"| progress_table(&state, &who, id.into_inner(), query);
    awards_report_csv: "/reports/awards.csv", "report_awards_csv", Format::Csv, CsvReportResponses,
        |state, who, query: AwardsReportQuery| awards_table(&state, &who, query);
    awards_report_xlsx: "/reports/awards.xlsx", "report_awards_xlsx", Format::Xlsx, XlsxReportResponses,
        |state, who, query: AwardsReportQuery| awards_table(&state, &who, query);
    nominations_report_csv: "/reports/nominations.csv", "report_nominations_csv", Format::Csv, CsvReportResponses,
        |state, who, query: NominationsReportQuery| nominations_table(&state, &who, query);
    nominations_report_xlsx: "/reports/nominations.xlsx", "report_nominations_xlsx", Format::Xlsx, XlsxReportResponses,
        |state, who, query: NominationsReportQuery| nominations_table(&state, &who, query);
}

// The statistics sent upward, after the macro they use.
mod statistics;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProgressBy {
    /// One row per registered unit, with each indicator's target, actual and completion.
    #[default]
    Unit,
    /// One row per unit in each cluster's ranking; with a scoring scheme, every criteria
    /// group's and indicator's points beside the score.
    Cluster,
    /// The province's table by cluster: one row per cluster (its members, its leader by
    /// score, each indicator over its members), then the province.
    Province,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ProgressReportQuery {
    /// Rows by unit (default), by cluster, or the province's table by cluster.
    #[param(inline)]
    pub by: Option<ProgressBy>,
    /// A review date: count the verified reports dated on or before it (default: all).
    pub as_of: Option<chrono::NaiveDate>,
    /// Documented by `FormatQuery` (the negotiating operations only).
    #[param(ignore)]
    pub format: Option<Format>,
}

/// Campaign progress as a table. Everyone who may read the campaign sees every unit's rank and
/// score; the targets and actuals of a unit only its own people, the board and province-level
/// readers (as in `GET /campaigns/{id}/progress`): other units' cells are empty.
///
/// The format follows `format`, else `Accept`; `…/progress.csv` and `…/progress.xlsx` answer one
/// format each (for clients generated from this document, which read one media type per answer).
#[utoipa::path(operation_id = "report_campaign_progress", tag = "reports", security(("bearer" = []), ("client" = ["reports:read"])),
    params(("id" = Uuid, Path, description = "The campaign's id"), ProgressReportQuery, FormatQuery),
    responses(ReportResponses, ReportErrors))]
#[get("/reports/campaigns/{id}/progress")]
pub async fn progress_report(
    state: web::Data<AppState>,
    who: OwnScopeUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
    query: QueryParams<ProgressReportQuery>,
) -> Result<HttpResponse, ApiError> {
    let format = tabular::negotiate(&req, query.0.format)?;
    tabular::respond(progress_table(&state, &who, id.into_inner(), query.0).await?, format).await
}

async fn progress_table(
    state: &AppState,
    who: &AuthUser,
    id: Uuid,
    query: ProgressReportQuery,
) -> Result<Table, ApiError> {
    policy::require_scope(who, "reports:read")?;
    let progress = campaign_progress(state, who, id, query.as_of).await?;
    let ids: Vec<UnitId> = progress.units.iter().map(|u| UnitId::from(u.unit_id)).collect();
    let kinds: HashMap<String, String> = db::run(&state.db, move |conn| model::unit_labels(conn, &ids))
        .await?
        .into_iter()
        .map(|(id, _, _, kind)| (id.to_string(), kind.as_str().to_string()))
        .collect();
    let table = match query.by.unwrap_or_default() {
        ProgressBy::Unit => progress_by_unit(&progress, &kinds),
        ProgressBy::Cluster => progress_by_cluster(&progress, &kinds),
        ProgressBy::Province => province_by_cluster(&progress),
    };
    let file_suffix = match query.as_of {
        Some(date) => format!("{id}-{date}"),
        None => id.to_string(),
    };
    Ok(Table { file_suffix, ..table })
}

fn progress_by_unit(progress: &ProgressResponse, kinds: &HashMap<String, String>) -> Table {
    let mut columns = vec![
        Column::new("rank", "Hạng", ColumnType::Integer),
        Column::new("unit_code", "Mã đơn vị", ColumnType::Text),
        Column::new("unit_name", "Tên đơn vị", ColumnType::Text),
        Column::new("unit_kind", "Loại đơn vị", ColumnType::Text),
        Column::new("overall_score", "Điểm tổng hợp (%)", ColumnType::Decimal),
    ];
    // Columns by the indicator's position: names can repeat and do not make keys.
    for (n, indicator) in progress.indicators.iter().enumerate() {
        let name = format!("{} ({})", indicator.name, indicator.unit_of_measure);
        columns.push(Column::new(format!("target_{}", n + 1), format!("{name}: chỉ tiêu"), ColumnType::Decimal));
        columns.push(Column::new(format!("actual_{}", n + 1), format!("{name}: thực hiện"), ColumnType::Decimal));
        columns.push(Column::new(
            format!("completion_{}", n + 1),
            format!("{name}: % hoàn thành"),
            ColumnType::Decimal,
        ));
    }
    let rows = progress
        .units
        .iter()
        .map(|unit| {
            let mut row = vec![
                Cell::Integer(unit.rank.into()),
                unit.unit_code.as_str().into(),
                unit.unit_name.as_str().into(),
                kind_cell(kinds, &unit.unit_id),
                Cell::Decimal(unit.overall_score.clone()),
            ];
            for indicator in &progress.indicators {
                // Empty when the unit did not register the indicator, or may not be seen.
                match unit.indicators.iter().find(|i| i.indicator_id == indicator.indicator_id) {
                    Some(own) => row.extend([
                        Cell::Decimal(own.target.clone()),
                        own.actual.clone().map_or(Cell::Empty, Cell::Decimal),
                        Cell::Decimal(own.completion.clone()),
                    ]),
                    None => row.extend([Cell::Empty, Cell::Empty, Cell::Empty]),
                }
            }
            row
        })
        .collect();
    Table {
        report: "campaign-progress",
        title: "Tiến độ thi đua theo đơn vị".into(),
        file_suffix: String::new(),
        columns,
        rows,
    }
}

fn progress_by_cluster(progress: &ProgressResponse, kinds: &HashMap<String, String>) -> Table {
    let mut columns = vec![
        Column::new("cluster_name", "Cụm, khối thi đua", ColumnType::Text),
        Column::new("rank", "Hạng trong cụm", ColumnType::Integer),
        Column::new("unit_code", "Mã đơn vị", ColumnType::Text),
        Column::new("unit_name", "Tên đơn vị", ColumnType::Text),
        Column::new("unit_kind", "Loại đơn vị", ColumnType::Text),
        Column::new("leading_unit", "Trưởng cụm", ColumnType::Text),
        Column::new("overall_score", "Điểm tổng hợp (%)", ColumnType::Decimal),
    ];
    // With a scoring scheme: the points, by criteria group and by indicator (in the scheme's
    // order, read from a scored unit: every unit is scored on the same list).
    let scored = progress.units.iter().find_map(|u| u.points.as_ref());
    if let Some(points) = scored {
        columns.push(Column::new("total_points", "Tổng điểm", ColumnType::Decimal));
        columns.push(Column::new("max_points", "Điểm tối đa", ColumnType::Decimal));
        for group in &points.groups {
            columns.push(Column::new(
                format!("group_{}", group.code),
                format!("{}. {} (hệ số {}): điểm", group.code, group.name, group.weight),
                ColumnType::Decimal,
            ));
        }
        for scored in &points.indicators {
            let position = progress.indicators.iter().position(|i| i.indicator_id == scored.indicator_id);
            let name = position.map_or(String::new(), |n| progress.indicators[n].name.clone());
            columns.push(Column::new(
                format!("points_{}", position.map_or(0, |n| n + 1)),
                format!("{name}: điểm (tối đa {})", scored.max_points),
                ColumnType::Decimal,
            ));
        }
    }
    let unit_of: HashMap<Uuid, &crate::domain::progress::UnitProgress> =
        progress.units.iter().map(|u| (u.unit_id, u)).collect();
    let mut rows = Vec::new();
    for cluster in &progress.clusters {
        for ranked in &cluster.ranking {
            let unit = unit_of.get(&ranked.unit_id);
            let mut row = vec![
                cluster.name.as_str().into(),
                Cell::Integer(ranked.rank.into()),
                unit.map_or("", |u| u.unit_code.as_str()).into(),
                ranked.unit_name.as_str().into(),
                kind_cell(kinds, &ranked.unit_id),
                if cluster.leading_unit_id == Some(ranked.unit_id) { "x".into() } else { Cell::Empty },
                Cell::Decimal(ranked.overall_score.clone()),
            ];
            if let Some(layout) = scored {
                let own = unit.and_then(|u| u.points.as_ref());
                row.push(own.map_or(Cell::Empty, |p| Cell::Decimal(p.total.clone())));
                row.push(own.map_or(Cell::Empty, |p| Cell::Decimal(p.max_points.clone())));
                for group in &layout.groups {
                    let found = own.and_then(|p| p.groups.iter().find(|g| g.code == group.code));
                    row.push(found.map_or(Cell::Empty, |g| Cell::Decimal(g.points.clone())));
                }
                for indicator in &layout.indicators {
                    let found =
                        own.and_then(|p| p.indicators.iter().find(|i| i.indicator_id == indicator.indicator_id));
                    // An optional indicator the unit did not take on is blank, not 0.
                    row.push(found.filter(|i| i.counted).map_or(Cell::Empty, |i| Cell::Decimal(i.points.clone())));
                }
            }
            rows.push(row);
        }
    }
    Table {
        report: "campaign-progress-by-cluster",
        title: "Xếp hạng theo cụm, khối thi đua".into(),
        file_suffix: String::new(),
        columns,
        rows,
    }
}

/// The province's table by cluster: per cluster its members, how many are ranked, its leader by
/// score and each indicator over its members; the province's figures last.
fn province_by_cluster(progress: &ProgressResponse) -> Table {
    let mut columns = vec![
        Column::new("cluster_name", "Cụm, khối thi đua", ColumnType::Text),
        Column::new("ranked_units", "Số đơn vị được xếp hạng", ColumnType::Integer),
        Column::new("first_unit", "Đơn vị dẫn đầu", ColumnType::Text),
        Column::new("first_score", "Điểm của đơn vị dẫn đầu (%)", ColumnType::Decimal),
    ];
    for (n, indicator) in progress.indicators.iter().enumerate() {
        columns.push(Column::new(
            format!("actual_{}", n + 1),
            format!("{} ({}): thực hiện", indicator.name, indicator.unit_of_measure),
            ColumnType::Decimal,
        ));
    }
    let mut rows: Vec<Vec<Cell>> = progress
        .clusters
        .iter()
        .map(|cluster| {
            // Units sharing the first rank are all named.
            let first: Vec<&str> =
                cluster.ranking.iter().filter(|r| r.rank == 1).map(|r| r.unit_name.as_str()).collect();
            let mut row = vec![
                cluster.name.as_str().into(),
                Cell::Integer(cluster.ranking.len() as i64),
                if first.is_empty() { Cell::Empty } else { first.join("; ").into() },
                cluster.ranking.first().map_or(Cell::Empty, |r| Cell::Decimal(r.overall_score.clone())),
            ];
            for indicator in &progress.indicators {
                let found = cluster.indicators.iter().find(|i| i.indicator_id == indicator.indicator_id);
                row.push(
                    found.filter(|i| i.units_reporting > 0).map_or(Cell::Empty, |i| Cell::Decimal(i.actual.clone())),
                );
            }
            row
        })
        .collect();
    let first: Vec<&str> = progress.units.iter().filter(|u| u.rank == 1).map(|u| u.unit_name.as_str()).collect();
    let mut province = vec![
        "Toàn tỉnh".into(),
        Cell::Integer(progress.units.len() as i64),
        if first.is_empty() { Cell::Empty } else { first.join("; ").into() },
        progress.units.first().map_or(Cell::Empty, |u| Cell::Decimal(u.overall_score.clone())),
    ];
    province.extend(progress.indicators.iter().map(|i| Cell::Decimal(i.province_actual.clone())));
    rows.push(province);
    Table {
        report: "campaign-province-by-cluster",
        title: "Tổng hợp toàn tỉnh theo cụm, khối thi đua".into(),
        file_suffix: String::new(),
        columns,
        rows,
    }
}

fn kind_cell(kinds: &HashMap<String, String>, unit_id: &Uuid) -> Cell {
    kinds.get(&unit_id.to_string()).map_or(Cell::Empty, |k| k.as_str().into())
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AwardsReportQuery {
    /// One year; not with `from_year`/`to_year`.
    pub year: Option<i32>,
    pub from_year: Option<i32>,
    pub to_year: Option<i32>,
    /// An award type's id or code (e.g. `CSTD_CO_SO`).
    pub award_type: Option<String>,
    /// Count the awards of merged or split units under the units that replaced them.
    #[serde(default)]
    pub roll_up: bool,
    /// Documented by `FormatQuery` (the negotiating operations only).
    #[param(ignore)]
    pub format: Option<Format>,
}

/// Awards (not revoked) counted by year, award type and unit. With `roll_up=true` an award of a
/// unit that was merged or split counts under today's unit(s) instead, as the award history's
/// `roll_up` lists it; a unit split between several successors counts under each of them.
///
/// The format follows `format`, else `Accept`; `/reports/awards.csv` and `/reports/awards.xlsx`
/// answer one format each.
#[utoipa::path(operation_id = "report_awards", tag = "reports", security(("bearer" = []), ("client" = ["reports:read"])), params(AwardsReportQuery, FormatQuery),
    responses(ReportResponses, ReportErrors))]
#[get("/reports/awards")]
pub async fn awards_report(
    state: web::Data<AppState>,
    who: OwnScopeUser,
    req: HttpRequest,
    query: QueryParams<AwardsReportQuery>,
) -> Result<HttpResponse, ApiError> {
    let format = tabular::negotiate(&req, query.0.format)?;
    tabular::respond(awards_table(&state, &who, query.0).await?, format).await
}

async fn awards_table(state: &AppState, who: &AuthUser, query: AwardsReportQuery) -> Result<Table, ApiError> {
    policy::require_scope(who, "reports:read")?;
    // Awards are published by decision: everyone signed in reads the history, so the counts.
    policy::authorize(who, Action::Read, Resource::Registry)?;
    let (from_year, to_year) = match (query.year, query.from_year, query.to_year) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
            return Err(ApiError::bad_query_because(
                "year",
                ErrorCode::ConflictingParameters,
                "give either year or from_year/to_year",
            ))
        }
        (Some(year), None, None) => (Some(year), Some(year)),
        (None, Some(from), Some(to)) if from > to => {
            return Err(ApiError::bad_query_because(
                "from_year",
                ErrorCode::ConflictingParameters,
                "must not be after to_year",
            ))
        }
        (None, from, to) => (from, to),
    };
    let roll_up = query.roll_up;
    let wanted_type = query.award_type;
    let (counts, types, units) = db::run(&state.db, move |conn| {
        let types = model::award_type_labels(conn)?;
        let award_type_id = match wanted_type {
            None => None,
            Some(wanted) => Some(
                types
                    .iter()
                    .find(|(id, code, _)| id.to_string() == wanted || *code == wanted)
                    .map(|(id, ..)| *id)
                    .ok_or_else(|| {
                        ApiError::bad_query_because(
                            "award_type",
                            ErrorCode::UnknownReference,
                            "no award type has this id or code",
                        )
                    })?,
            ),
        };
        let raw = model::award_counts(conn, &AwardCountFilter { from_year, to_year, award_type_id })?;
        let counts: Vec<((i32, AwardTypeId, UnitId), i64)> = if roll_up {
            let targets = model::roll_up_targets(conn)?;
            let mut merged: HashMap<(i32, AwardTypeId, UnitId), i64> = HashMap::new();
            for (year, award_type, unit, n) in raw {
                match targets.get(&unit) {
                    Some(successors) => {
                        for successor in successors {
                            *merged.entry((year, award_type, *successor)).or_default() += n;
                        }
                    }
                    None => *merged.entry((year, award_type, unit)).or_default() += n,
                }
            }
            merged.into_iter().collect()
        } else {
            raw.into_iter().map(|(year, award_type, unit, n)| ((year, award_type, unit), n)).collect()
        };
        let mut unit_ids: Vec<UnitId> = counts.iter().map(|((_, _, u), _)| *u).collect();
        unit_ids.sort();
        unit_ids.dedup();
        let units = model::unit_labels(conn, &unit_ids)?;
        Ok((counts, types, units))
    })
    .await?;

    let type_of: HashMap<AwardTypeId, (&str, &str)> =
        types.iter().map(|(id, code, name)| (*id, (code.as_str(), name.as_str()))).collect();
    let unit_of: HashMap<UnitId, (&str, &str, &str)> =
        units.iter().map(|(id, code, name, kind)| (*id, (code.as_str(), name.as_str(), kind.as_str()))).collect();
    let mut rows: Vec<(i32, &str, &str, Vec<Cell>)> = counts
        .iter()
        .map(|((year, award_type, unit), n)| {
            let (type_code, type_name) = type_of.get(award_type).copied().unwrap_or_default();
            let (unit_code, unit_name, unit_kind) = unit_of.get(unit).copied().unwrap_or_default();
            let cells = vec![
                Cell::Integer((*year).into()),
                type_code.into(),
                type_name.into(),
                unit_code.into(),
                unit_name.into(),
                unit_kind.into(),
                Cell::Integer(*n),
            ];
            (*year, type_code, unit_code, cells)
        })
        .collect();
    rows.sort_by(|a, b| (a.0, a.1, a.2).cmp(&(b.0, b.1, b.2)));
    let columns = vec![
        Column::new("year", "Năm", ColumnType::Integer),
        Column::new("award_type_code", "Mã hình thức", ColumnType::Text),
        Column::new("award_type_name", "Danh hiệu, hình thức khen thưởng", ColumnType::Text),
        Column::new("unit_code", "Mã đơn vị", ColumnType::Text),
        Column::new("unit_name", "Tên đơn vị", ColumnType::Text),
        Column::new("unit_kind", "Loại đơn vị", ColumnType::Text),
        Column::new("awards", "Số lượt khen thưởng", ColumnType::Integer),
    ];
    let file_suffix = match (from_year, to_year) {
        (Some(from), Some(to)) if from == to => from.to_string(),
        (from, to) => {
            [from, to].iter().map(|y| y.map(|y| y.to_string()).unwrap_or_default()).collect::<Vec<_>>().join("-")
        }
    };
    let table = Table {
        report: if roll_up { "awards-rolled-up" } else { "awards" },
        title: "Khen thưởng theo năm, loại và đơn vị".into(),
        file_suffix: if file_suffix == "-" { String::new() } else { file_suffix },
        columns,
        rows: rows.into_iter().map(|(.., cells)| cells).collect(),
    };
    Ok(table)
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct NominationsReportQuery {
    /// The nominations' award year; all years when absent.
    pub year: Option<i32>,
    /// Documented by `FormatQuery` (the negotiating operations only).
    #[param(ignore)]
    pub format: Option<Format>,
}

/// The nominations pipeline: how many nominations are in each status, by award type. Counts only
/// the nominations the caller may list: the board and province-level readers all, a unit's
/// people their unit's, a council member the nominations before their sessions.
///
/// The format follows `format`, else `Accept`; `/reports/nominations.csv` and
/// `/reports/nominations.xlsx` answer one format each.
#[utoipa::path(operation_id = "report_nominations", tag = "reports", security(("bearer" = []), ("client" = ["reports:read"])), params(NominationsReportQuery, FormatQuery),
    responses(ReportResponses, ReportErrors))]
#[get("/reports/nominations")]
pub async fn nominations_report(
    state: web::Data<AppState>,
    who: OwnScopeUser,
    req: HttpRequest,
    query: QueryParams<NominationsReportQuery>,
) -> Result<HttpResponse, ApiError> {
    let format = tabular::negotiate(&req, query.0.format)?;
    tabular::respond(nominations_table(&state, &who, query.0).await?, format).await
}

async fn nominations_table(state: &AppState, who: &AuthUser, query: NominationsReportQuery) -> Result<Table, ApiError> {
    policy::require_scope(who, "reports:read")?;
    let (council_member, unit_id) = visible_scope(who)?;
    let filter = NominationCountFilter { council_member, unit_id, year: query.year };
    let (counts, types) =
        db::run(&state.db, move |conn| Ok((model::nomination_counts(conn, &filter)?, model::award_type_labels(conn)?)))
            .await?;
    let type_of: HashMap<AwardTypeId, (&str, &str)> =
        types.iter().map(|(id, code, name)| (*id, (code.as_str(), name.as_str()))).collect();
    // Statuses in pipeline order, then award types by code.
    let mut rows: Vec<(usize, &str, Vec<Cell>)> = counts
        .iter()
        .map(|(status, award_type, n)| {
            let (code, name) = type_of.get(award_type).copied().unwrap_or_default();
            let cells =
                vec![status.as_str().into(), status.label_vi().into(), code.into(), name.into(), Cell::Integer(*n)];
            (status.position(), code, cells)
        })
        .collect();
    rows.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    let columns = vec![
        Column::new("status", "Mã trạng thái", ColumnType::Text),
        Column::new("status_name", "Trạng thái", ColumnType::Text),
        Column::new("award_type_code", "Mã hình thức", ColumnType::Text),
        Column::new("award_type_name", "Danh hiệu, hình thức khen thưởng", ColumnType::Text),
        Column::new("nominations", "Số đề nghị", ColumnType::Integer),
    ];
    let table = Table {
        report: "nominations",
        title: "Đề nghị khen thưởng theo trạng thái".into(),
        file_suffix: query.year.map(|y| y.to_string()).unwrap_or_default(),
        columns,
        rows: rows.into_iter().map(|(.., cells)| cells).collect(),
    };
    Ok(table)
}
