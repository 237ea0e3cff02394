//! Reports as one table (columns + rows) rendered as JSON, CSV or XLSX, chosen by the `format`
//! query parameter or else the `Accept` header. Each report builds its table once.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{ApiError, ErrorCode};

pub const JSON: &str = "application/json";
pub const CSV: &str = "text/csv";
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The `format` query parameter; it overrides `Accept`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Json,
    Csv,
    Xlsx,
}

impl Format {
    fn media_type(self) -> &'static str {
        match self {
            Format::Json => JSON,
            Format::Csv => CSV,
            Format::Xlsx => XLSX,
        }
    }
}

/// The format to answer in: the parameter when given, else the best match of `Accept` (JSON when
/// it is missing or allows anything), else 406.
pub fn negotiate(req: &HttpRequest, param: Option<Format>) -> Result<Format, ApiError> {
    if let Some(format) = param {
        return Ok(format);
    }
    let Some(accept) = req.headers().get(header::ACCEPT) else { return Ok(Format::Json) };
    let accept = accept.to_str().map_err(|_| not_acceptable())?;
    if accept.trim().is_empty() {
        return Ok(Format::Json);
    }
    from_accept(accept).ok_or_else(not_acceptable)
}

fn not_acceptable() -> ApiError {
    ApiError::new(
        ErrorCode::NotAcceptable,
        format!("reports are available as {JSON}, {CSV} or {XLSX} (or with format=json|csv|xlsx)"),
    )
    .localized("not_acceptable-formats", [])
}

/// The supported type with the highest quality; on a tie the one listed first. Wildcards match
/// JSON for `*/*` and `application/*`, CSV for `text/*`.
fn from_accept(accept: &str) -> Option<Format> {
    let mut best: Option<(u32, Format)> = None;
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let mut quality = 1000;
        for param in parts {
            if let Some((name, value)) = param.split_once('=') {
                if name.trim().eq_ignore_ascii_case("q") {
                    quality = value.trim().parse::<f32>().map_or(0, |q| (q.clamp(0.0, 1.0) * 1000.0).round() as u32);
                }
            }
        }
        let format = match media.as_str() {
            JSON | "application/*" | "*/*" => Format::Json,
            CSV | "text/*" => Format::Csv,
            XLSX => Format::Xlsx,
            _ => continue,
        };
        if quality > 0 && best.is_none_or(|(q, _)| quality > q) {
            best = Some((quality, format));
        }
    }
    best.map(|(_, format)| format)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ColumnType {
    Text,
    /// A JSON number; a number cell in XLSX.
    Integer,
    /// An exact decimal: a JSON string (see the API conventions); a number cell in XLSX.
    Decimal,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Column {
    /// The field name in JSON rows (an English identifier).
    pub key: String,
    /// The heading in CSV and XLSX (Vietnamese).
    pub label: String,
    #[serde(rename = "type")]
    pub kind: ColumnType,
}

impl Column {
    pub fn new(key: impl Into<String>, label: impl Into<String>, kind: ColumnType) -> Column {
        Column { key: key.into(), label: label.into(), kind }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Integer(i64),
    /// Canonical decimal text, as the API writes decimals.
    Decimal(String),
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<i64> for Cell {
    fn from(n: i64) -> Cell {
        Cell::Integer(n)
    }
}

pub struct Table {
    /// The report's identifier, also the file name's stem (ASCII).
    pub report: &'static str,
    /// The XLSX sheet's first row; its name too, shortened on word boundaries to Excel's 31
    /// characters (`sheet_name`).
    pub title: String,
    /// Appended to the file name, e.g. a year or an id (ASCII).
    pub file_suffix: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
}

/// The JSON form of a report: columns, then one object per row keyed by column key.
#[derive(Serialize, ToSchema)]
pub struct ReportDocument {
    #[schema(example = "awards")]
    pub report: String,
    #[schema(example = "Khen thưởng theo năm, loại và đơn vị")]
    pub title: String,
    pub columns: Vec<Column>,
    /// Integers are numbers, decimals strings, missing values null.
    #[schema(value_type = Vec<Object>)]
    pub rows: Vec<serde_json::Map<String, serde_json::Value>>,
}

/// The 200 of a report, for the OpenAPI document: JSON, CSV or XLSX as negotiated (or only one
/// of them, at a report's one-format URL), the files as attachments named in `Content-Disposition`.
fn report_responses(
    formats: &[Format],
) -> std::collections::BTreeMap<String, utoipa::openapi::RefOr<utoipa::openapi::Response>> {
    use utoipa::openapi::header::HeaderBuilder;
    use utoipa::openapi::{ContentBuilder, ObjectBuilder, Ref, ResponseBuilder, Type};
    let text = || ObjectBuilder::new().schema_type(Type::String);
    let mut response = ResponseBuilder::new().description(match formats {
        [Format::Csv] => "The report as CSV (UTF-8 with a BOM, CRLF), an attachment",
        [Format::Xlsx] => "The report as an XLSX workbook, an attachment",
        _ => "The report: JSON, or CSV (UTF-8 with a BOM) or XLSX as an attachment",
    });
    for format in formats {
        let schema: utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> = match format {
            Format::Json => Ref::from_schema_name("ReportDocument").into(),
            Format::Csv => text().into(),
            Format::Xlsx => crate::http::upload::binary_schema().into(),
        };
        response = response.content(format.media_type(), ContentBuilder::new().schema(Some(schema)).build());
    }
    if formats.iter().any(|f| *f != Format::Json) {
        response = response.header(
            "Content-Disposition",
            HeaderBuilder::new()
                .schema(text())
                .description(Some("`attachment; filename=\"….csv\"` (or `.xlsx`), with CSV and XLSX"))
                .build(),
        );
    }
    [("200".to_string(), response.build().into())].into_iter().collect()
}

/// The 200 of a negotiating report operation.
pub struct ReportResponses;
impl utoipa::IntoResponses for ReportResponses {
    fn responses() -> std::collections::BTreeMap<String, utoipa::openapi::RefOr<utoipa::openapi::Response>> {
        report_responses(&[Format::Json, Format::Csv, Format::Xlsx])
    }
}

/// The 200 of a report's `.csv` URL.
pub struct CsvReportResponses;
impl utoipa::IntoResponses for CsvReportResponses {
    fn responses() -> std::collections::BTreeMap<String, utoipa::openapi::RefOr<utoipa::openapi::Response>> {
        report_responses(&[Format::Csv])
    }
}

/// The 200 of a report's `.xlsx` URL.
pub struct XlsxReportResponses;
impl utoipa::IntoResponses for XlsxReportResponses {
    fn responses() -> std::collections::BTreeMap<String, utoipa::openapi::RefOr<utoipa::openapi::Response>> {
        report_responses(&[Format::Xlsx])
    }
}

/// Renders off the async worker (a large sheet takes a while) and answers with `Vary: Accept`,
/// and as an attachment for CSV and XLSX.
pub async fn respond(table: Table, format: Format) -> Result<HttpResponse, ApiError> {
    let file_name = format!(
        "{}{}{}.{}",
        table.report,
        if table.file_suffix.is_empty() { "" } else { "-" },
        table.file_suffix,
        match format {
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    );
    let body = web::block(move || render(table, format))
        .await
        .map_err(|e| ApiError::internal(anyhow::anyhow!("rendering a report: {e}")))??;
    let content_type = match format {
        Format::Csv => "text/csv; charset=utf-8",
        other => other.media_type(),
    };
    let mut response = HttpResponse::Ok();
    response
        .insert_header((header::CONTENT_TYPE, content_type))
        .insert_header((header::VARY, HeaderValue::from_static("Accept")));
    if format != Format::Json {
        response.insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file_name}\"")));
    }
    Ok(response.body(body))
}

pub fn render(table: Table, format: Format) -> Result<Vec<u8>, ApiError> {
    match format {
        Format::Json => Ok(serde_json::to_vec(&document(table)).map_err(|e| ApiError::internal(e.into()))?),
        Format::Csv => csv(&table),
        Format::Xlsx => xlsx(&table),
    }
}

fn document(table: Table) -> ReportDocument {
    let rows = table
        .rows
        .into_iter()
        .map(|row| {
            table
                .columns
                .iter()
                .zip(row)
                .map(|(column, cell)| {
                    let value = match cell {
                        Cell::Empty => serde_json::Value::Null,
                        Cell::Text(s) | Cell::Decimal(s) => serde_json::Value::String(s),
                        Cell::Integer(n) => n.into(),
                    };
                    (column.key.clone(), value)
                })
                .collect()
        })
        .collect();
    ReportDocument { report: table.report.to_string(), title: table.title, columns: table.columns, rows }
}

/// Text a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) gets a leading
/// apostrophe (OWASP's advice against CSV injection); names come from users. Numbers are cells
/// of their own kind and stay as they are.
fn inert(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// UTF-8 with a byte-order mark: without it Excel reads the file in the machine's legacy code
/// page and garbles Vietnamese. Quoting per RFC 4180, CRLF line ends.
fn csv(table: &Table) -> Result<Vec<u8>, ApiError> {
    let failed = |e: csv::Error| ApiError::internal(e.into());
    let mut out = Vec::with_capacity(64 * (table.rows.len() + 1));
    out.extend_from_slice("\u{feff}".as_bytes());
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(out);
    writer.write_record(table.columns.iter().map(|c| inert(&c.label))).map_err(failed)?;
    for row in &table.rows {
        let texts: Vec<String> = row
            .iter()
            .map(|cell| match cell {
                Cell::Empty => String::new(),
                Cell::Text(s) => inert(s),
                Cell::Decimal(s) => s.clone(),
                Cell::Integer(n) => n.to_string(),
            })
            .collect();
        writer.write_record(&texts).map_err(failed)?;
    }
    writer.into_inner().map_err(|e| ApiError::internal(anyhow::anyhow!("writing CSV: {e}")))
}

/// One sheet: the full title in the first row, then a bold header row, both frozen; numbers as
/// numbers; widths from the content.
fn xlsx(table: &Table) -> Result<Vec<u8>, ApiError> {
    use rust_xlsxwriter::{Format as CellFormat, Workbook};
    let failed = |e: rust_xlsxwriter::XlsxError| ApiError::internal(anyhow::anyhow!("writing XLSX: {e}"));
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name(&table.title)).map_err(failed)?;
    let bold = CellFormat::new().set_bold();
    // The title spills over the empty cells to its right; it does not widen the first column.
    sheet
        .write_string_with_format(0, 0, &table.title, &CellFormat::new().set_bold().set_font_size(13))
        .map_err(failed)?;
    let mut widths: Vec<usize> = table.columns.iter().map(|c| c.label.chars().count()).collect();
    for (col, column) in table.columns.iter().enumerate() {
        sheet.write_string_with_format(1, col as u16, &column.label, &bold).map_err(failed)?;
    }
    for (i, row) in table.rows.iter().enumerate() {
        let r = (i + 2) as u32;
        for (col, cell) in row.iter().enumerate() {
            let c = col as u16;
            let width = match cell {
                Cell::Empty => 0,
                Cell::Text(s) => {
                    sheet.write_string(r, c, s).map_err(failed)?;
                    s.chars().count()
                }
                Cell::Integer(n) => {
                    sheet.write_number(r, c, *n as f64).map_err(failed)?;
                    n.to_string().len()
                }
                Cell::Decimal(s) => {
                    match s.parse::<f64>() {
                        Ok(n) => sheet.write_number(r, c, n).map_err(failed)?,
                        Err(_) => sheet.write_string(r, c, s).map_err(failed)?,
                    };
                    s.len()
                }
            };
            if let Some(w) = widths.get_mut(col) {
                *w = (*w).max(width);
            }
        }
    }
    for (col, width) in widths.into_iter().enumerate() {
        // Roughly one unit per character, with a margin; very long names wrap at 60.
        sheet.set_column_width(col as u16, (width.clamp(6, 60) + 2) as f64).map_err(failed)?;
    }
    sheet.set_freeze_panes(2, 0).map_err(failed)?;
    workbook.save_to_buffer().map_err(failed)
}

/// Excel's limits on sheet names: at most 31 characters, none of `[]:*?/\`, no apostrophe at
/// either end. A longer title is shortened on a word boundary — whole words while they fit, no
/// trailing punctuation or dangling conjunction ("…theo năm, loại", never "…loại và đ"); only a
/// first word longer than 31 characters is cut.
fn sheet_name(title: &str) -> String {
    const MAX: usize = 31;
    /// Words a shortened name must not end on: it would read as cut off.
    const DANGLING: &[&str] = &["và", "của", "theo", "hoặc", "cho", "với", "trong", "tại", "các", "những"];
    let cleaned: String = title.chars().map(|c| if "[]:*?/\\".contains(c) { '-' } else { c }).collect();
    let cleaned = cleaned.trim_matches('\'').trim();
    let name = if cleaned.chars().count() <= MAX {
        cleaned.to_string()
    } else {
        let mut words: Vec<&str> = Vec::new();
        let mut length = 0;
        for word in cleaned.split_whitespace() {
            let next = length + usize::from(!words.is_empty()) + word.chars().count();
            if next > MAX {
                break;
            }
            words.push(word);
            length = next;
        }
        while let Some(last) = words.pop() {
            let last = last.trim_end_matches([',', ';', '-', '–', '(', '.', '\'']);
            if !last.is_empty() && (words.is_empty() || !DANGLING.contains(&last.to_lowercase().as_str())) {
                words.push(last);
                break;
            }
        }
        if words.is_empty() {
            cleaned.chars().take(MAX).collect::<String>().trim_matches('\'').trim().to_string()
        } else {
            words.join(" ")
        }
    };
    if name.is_empty() {
        "Báo cáo".to_string()
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_a_spreadsheet_would_run_is_made_inert() {
        assert_eq!(inert("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
        assert_eq!(inert("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(inert("-1+2"), "'-1+2");
        assert_eq!(inert("Xã Đồng Tiến"), "Xã Đồng Tiến");
    }

    #[test]
    fn accept_picks_the_best_supported_type() {
        assert_eq!(from_accept(CSV), Some(Format::Csv));
        assert_eq!(from_accept(&format!("{JSON};q=0.5, {XLSX}")), Some(Format::Xlsx));
        assert_eq!(from_accept(&format!("{XLSX};q=0, text/*;q=0.2")), Some(Format::Csv));
        assert_eq!(from_accept("text/html, */*;q=0.1"), Some(Format::Json));
        assert_eq!(from_accept(&format!("{CSV}, {JSON}")), Some(Format::Csv), "a tie goes to the first");
        assert_eq!(from_accept("text/html, image/png"), None);
        assert_eq!(from_accept(&format!("{JSON};q=0")), None);
    }

    #[test]
    fn sheet_names_fit_excel_on_word_boundaries() {
        assert_eq!(sheet_name("Tiến độ: cụm/khối [2025]"), "Tiến độ- cụm-khối -2025-");
        assert_eq!(sheet_name("Khen thưởng theo năm, loại và đơn vị"), "Khen thưởng theo năm, loại");
        assert_eq!(sheet_name("Tiến độ thực hiện chỉ tiêu phong trào thi đua năm 2026"), "Tiến độ thực hiện chỉ tiêu");
        assert_eq!(sheet_name("Hồ sơ đề nghị theo trạng thái và hình thức"), "Hồ sơ đề nghị theo trạng thái");
        assert_eq!(sheet_name(&"Đ".repeat(40)).chars().count(), 31, "one overlong word is cut");
        assert_eq!(sheet_name("''"), "Báo cáo");
        for title in ["Khen thưởng theo năm, loại và đơn vị", "Xếp hạng thi đua trong cụm, khối năm 2026 của tỉnh"]
        {
            let name = sheet_name(title);
            assert!(name.chars().count() <= 31 && title.starts_with(&name), "{name}");
            assert!(title[name.len()..].starts_with([' ', ',']), "{name} ends mid-word");
        }
    }
}
