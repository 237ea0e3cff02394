//! Benchmark (issue 16): a decision with a long annex, from its template to a PDF, timed over
//! several runs. `bench/documents.sh` runs it in release and prints the figures recorded in
//! docs/benchmarks.md.
//!
//! `cargo run --release --example decision_pdf -- [annex lines] [runs]`

use std::collections::BTreeMap;
use std::time::Instant;

use thidua::documents::{docx, pdf, templates};
use thidua::domain::documents::TemplateKind;

const FAMILY: [&str; 8] = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Lục", "Nông", "Triệu"];
const GIVEN: [&str; 8] =
    ["Thị Hằng", "Văn Thành", "Đức Minh", "Thị Ánh Tuyết", "Quốc Việt", "Hữu Nghĩa", "Thị Ngọc", "Văn Dũng"];
const UNITS: [&str; 4] = ["Sở Nội vụ", "Xã Đồng Thử", "Phường Đức Xuân", "Sở Giáo dục và Đào tạo"];

fn values(lines: usize) -> docx::Values {
    let mut values = docx::Values::default();
    for (name, value) in [
        ("issuing_body_parent", ""),
        ("issuing_body", "ỦY BAN NHÂN DÂN TỈNH BẮC KẠN"),
        ("number", "125/QĐ-UBND"),
        ("place", "Bắc Kạn"),
        ("date", "ngày 05 tháng 01 năm 2026"),
        ("year", "2026"),
        ("authority", "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH BẮC KẠN"),
        ("signer", "Nguyễn Văn Thành"),
        ("award_count", &lines.to_string()),
        ("total_bonus", "1.167.500.000 đồng"),
        ("decided_on", "ngày 05 tháng 01 năm 2026"),
    ] {
        values.fields.insert(name.into(), value.into());
    }
    let rows = (0..lines)
        .map(|i| {
            let name = format!("{} {}", FAMILY[i % 8], GIVEN[(i / 8) % 8]);
            BTreeMap::from([
                ("no".to_string(), (i + 1).to_string()),
                ("name".to_string(), name),
                ("position_unit".to_string(), format!("Chuyên viên, {}", UNITS[i % 4])),
                ("award_name".to_string(), "Bằng khen của Chủ tịch UBND tỉnh".to_string()),
                ("bonus".to_string(), "2.335.000".to_string()),
            ])
        })
        .collect();
    values.lists.insert("awards".into(), rows);
    values
}

fn main() {
    let mut args = std::env::args().skip(1);
    let lines: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(500);
    let runs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(20);
    let template = templates::built_in(TemplateKind::Decision);
    let values = values(lines);
    let (mut fill_ms, mut render_ms) = (Vec::new(), Vec::new());
    let mut size = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let filled = docx::fill(&template, &values).expect("fills");
        let filled_at = Instant::now();
        let pdf = pdf::render(&filled).expect("renders");
        let done = Instant::now();
        fill_ms.push((filled_at - start).as_secs_f64() * 1000.0);
        render_ms.push((done - filled_at).as_secs_f64() * 1000.0);
        size = pdf.len();
    }
    let summary = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        (v[v.len() / 2], v[v.len() - 1])
    };
    let (fill_median, fill_max) = summary(&mut fill_ms);
    let (render_median, render_max) = summary(&mut render_ms);
    println!("decision with {lines} annex lines, {runs} runs, PDF {size} bytes");
    println!("fill DOCX:   median {fill_median:.1} ms, max {fill_max:.1} ms");
    println!("render PDF:  median {render_median:.1} ms, max {render_max:.1} ms");
    println!("total:       median {:.1} ms", fill_median + render_median);
}
