//! DOCX packages built here, rendered, and read back with lopdf.

use std::io::{Cursor, Write};
use std::time::Instant;

use unicode_normalization::UnicodeNormalization;
use zip::write::SimpleFileOptions;

use super::*;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;

/// A minimal package around a `w:body`'s content.
fn docx(body: &str) -> Vec<u8> {
    package(&format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    ))
}

/// A minimal package around a `word/document.xml`.
fn package(xml: &str) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in [("[Content_Types].xml", CONTENT_TYPES), ("word/document.xml", xml)] {
        zip.start_file(name, options).unwrap();
        zip.write_all(content.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A paragraph: `ppr` inside `w:pPr`, then runs of (`rpr`, text).
fn para(ppr: &str, runs: &[(&str, &str)]) -> String {
    let runs: String = runs
        .iter()
        .map(|(rpr, text)| format!(r#"<w:r><w:rPr>{rpr}</w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>"#))
        .collect();
    format!("<w:p><w:pPr>{ppr}</w:pPr>{runs}</w:p>")
}

fn cell(width: u32, ppr: &str, rpr: &str, text: &str) -> String {
    format!(r#"<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>{}</w:tc>"#, para(ppr, &[(rpr, text)]))
}

/// The text of every page, NFC, its words separated by single spaces (lopdf ends a line at
/// every change of style, and a line of the PDF is not one of the document anyway).
fn pages_text(pdf: &[u8]) -> Vec<String> {
    let document = lopdf::Document::load_mem(pdf).expect("lopdf reads the PDF");
    let numbers: Vec<u32> = document.get_pages().keys().copied().collect();
    let text = |n: u32| -> String { document.extract_text(&[n]).expect("text extracts").nfc().collect() };
    numbers.into_iter().map(|n| text(n).split_whitespace().collect::<Vec<_>>().join(" ")).collect()
}

const BORDERS: &str = r#"<w:tblBorders><w:top w:val="single" w:sz="4"/><w:left w:val="single" w:sz="4"/><w:bottom w:val="single" w:sz="4"/><w:right w:val="single" w:sz="4"/><w:insideH w:val="single" w:sz="4"/><w:insideV w:val="single" w:sz="4"/></w:tblBorders>"#;
const NO_BORDERS: &str = r#"<w:tblBorders><w:top w:val="nil"/><w:left w:val="nil"/><w:bottom w:val="nil"/><w:right w:val="nil"/><w:insideH w:val="nil"/><w:insideV w:val="nil"/></w:tblBorders>"#;
const MARGINS: &str = r#"<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar>"#;
const SECT: &str = r#"<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1701"/></w:sectPr>"#;
const BODY: &str = r#"<w:spacing w:before="0" w:after="120" w:line="276" w:lineRule="auto"/><w:ind w:firstLine="567"/><w:jc w:val="both"/>"#;
const CENTER: &str = r#"<w:spacing w:before="0" w:after="0"/><w:jc w:val="center"/>"#;

/// A decision as the built-in template lays it out: the Decree 30 header, a justified body and
/// an annex table of `rows` people with a repeated header row.
fn decision(rows: usize) -> Vec<u8> {
    let header = format!(
        r#"<w:tbl><w:tblPr><w:tblW w:w="9071" w:type="dxa"/><w:jc w:val="center"/>{NO_BORDERS}{MARGINS}</w:tblPr><w:tblGrid><w:gridCol w:w="3402"/><w:gridCol w:w="5669"/></w:tblGrid>
        <w:tr><w:tc>{}{}{}</w:tc><w:tc>{}{}</w:tc></w:tr>
        <w:tr><w:tc>{}</w:tc><w:tc>{}</w:tc></w:tr></w:tbl>"#,
        para(CENTER, &[(r#"<w:sz w:val="26"/>"#, "ỦY BAN NHÂN DÂN")]),
        para(CENTER, &[(r#"<w:b/><w:sz w:val="26"/>"#, "TỈNH BẮC KẠN")]),
        para(
            r#"<w:spacing w:before="0" w:after="0" w:line="195" w:lineRule="exact"/><w:jc w:val="center"/>"#,
            &[(r#"<w:sz w:val="26"/>"#, "__________")]
        ),
        para(CENTER, &[(r#"<w:b/><w:sz w:val="26"/>"#, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")]),
        para(CENTER, &[(r#"<w:b/><w:u w:val="single"/><w:sz w:val="28"/>"#, "Độc lập - Tự do - Hạnh phúc")]),
        para(r#"<w:spacing w:before="120"/><w:jc w:val="center"/>"#, &[(r#"<w:sz w:val="26"/>"#, "Số: 12/QĐ-UBND")]),
        para(
            r#"<w:spacing w:before="120"/><w:jc w:val="center"/>"#,
            &[(r#"<w:i/><w:sz w:val="28"/>"#, "Bắc Kạn, ngày 5 tháng 01 năm 2026")]
        ),
    );
    let title = [
        para(r#"<w:keepNext/><w:spacing w:before="360"/><w:jc w:val="center"/>"#, &[("<w:b/>", "QUYẾT ĐỊNH")]),
        para(r#"<w:keepNext/><w:jc w:val="center"/>"#, &[("<w:b/>", "Về việc khen thưởng")]),
        para(r#"<w:spacing w:before="0" w:after="240"/><w:ind w:left="3400" w:right="3400"/><w:pBdr><w:bottom w:val="single" w:sz="6"/></w:pBdr>"#, &[]),
        para(r#"<w:spacing w:after="240"/><w:jc w:val="center"/>"#, &[("<w:b/>", "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH BẮC KẠN")]),
        para(BODY, &[("<w:i/>", "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;")]),
        para(BODY, &[("<w:i/>", "Căn cứ Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025 của Chính phủ quy định về phân cấp, phân quyền trong lĩnh vực thi đua, khen thưởng; quy định chi tiết và hướng dẫn thi hành một số điều của Luật Thi đua, khen thưởng;")]),
        para(BODY, &[("<w:b/>", "Điều 1."), ("", " Tặng Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh cho bà Nguyễn Thị Ánh Tuyết và các tập thể, cá nhân có tên trong danh sách kèm theo đã có thành tích xuất sắc trong phong trào thi đua yêu nước năm 2025.")]),
        para(BODY, &[("<w:b/>", "Điều 2."), ("", " Quyết định khen thưởng này có hiệu lực kể từ ngày ký./.")]),
    ]
    .concat();
    let cols = [650, 2500, 2600, 1821, 1500];
    let grid: String = cols.iter().map(|w| format!(r#"<w:gridCol w:w="{w}"/>"#)).collect();
    let head_cell = |w: u32, t: &str| cell(w, CENTER, "<w:b/><w:sz w:val=\"26\"/>", t);
    let head = format!(
        r#"<w:tr><w:trPr><w:tblHeader/></w:trPr>{}{}{}{}{}</w:tr>"#,
        head_cell(650, "STT"),
        head_cell(2500, "Họ và tên"),
        head_cell(2600, "Chức vụ, đơn vị"),
        head_cell(1821, "Hình thức"),
        head_cell(1500, "Tiền thưởng (đồng)")
    );
    let body_rows: String = (1..=rows)
        .map(|i| {
            let rpr = r#"<w:sz w:val="26"/>"#;
            format!(
                "<w:tr>{}{}{}{}{}</w:tr>",
                cell(650, CENTER, rpr, &i.to_string()),
                cell(2500, "", rpr, &format!("Nguyễn Thị Ánh Tuyết {i}")),
                cell(2600, "", rpr, "Phó Trưởng phòng Tổ chức cán bộ, Sở Giáo dục và Đào tạo"),
                cell(1821, "", rpr, "Bằng khen của Chủ tịch UBND tỉnh"),
                cell(1500, r#"<w:jc w:val="right"/>"#, rpr, "1.490.000"),
            )
        })
        .collect();
    let annex = format!(
        r#"{}<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:jc w:val="center"/>{BORDERS}{MARGINS}</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{head}{body_rows}</w:tbl>"#,
        para(
            r#"<w:pageBreakBefore/><w:keepNext/><w:spacing w:after="240"/><w:jc w:val="center"/>"#,
            &[("<w:b/>", "DANH SÁCH")]
        ),
    );
    docx(&format!("{header}{title}{annex}{SECT}"))
}

#[test]
fn vietnamese_text_comes_back() {
    let pages = pages_text(&render(&decision(3)).unwrap());
    let all = pages.concat();
    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Nguyễn Thị Ánh Tuyết",
        "Quyết định khen thưởng",
        "Số: 12/QĐ-UBND",
        "Bắc Kạn, ngày 5 tháng 01 năm 2026",
        "Điều 1. Tặng Bằng khen",
    ] {
        assert!(all.contains(expected), "{expected:?} missing from {all}");
    }
}

#[test]
fn decomposed_input_is_normalised() {
    let nfd: String = "Nguyễn Thị Ánh Tuyết".nfd().collect();
    let pdf = render(&docx(&para("", &[("", &nfd)]))).unwrap();
    assert!(pages_text(&pdf)[0].contains("Nguyễn Thị Ánh Tuyết"));
}

#[test]
fn a_long_paragraph_wraps_and_keeps_its_word_gaps() {
    let sentence = "Tặng Bằng khen cho các tập thể, cá nhân đã có thành tích xuất sắc trong phong trào thi đua. ";
    let text = sentence.repeat(8);
    let sections = model::parse(&format!("<w:document><w:body>{}</w:body></w:document>", para(BODY, &[("", &text)])));
    let fonts = layout::Fonts::load().unwrap();
    let Some(model::Block::Paragraph(p)) = sections.unwrap().remove(0).blocks.pop() else { panic!("no paragraph") };
    assert!(layout::layout_paragraph(&fonts, &p, 450.0).lines.len() >= 8);

    // Justified lines are stretched at their spaces, which must still extract as spaces: the
    // words of one run come back separated, not glued.
    let pdf = render(&docx(&para(BODY, &[("", &text)]))).unwrap();
    let document = lopdf::Document::load_mem(&pdf).unwrap();
    let raw: String = document.extract_text(&[1]).unwrap().nfc().collect();
    let lines: Vec<&str> = raw.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    assert!(lines.len() >= 8, "{lines:?}");
    assert!(lines.iter().all(|l| l.split(' ').all(|w| !w.is_empty() && sentence.contains(w))), "{lines:?}");
    assert_eq!(raw.split_whitespace().collect::<Vec<_>>(), text.split_whitespace().collect::<Vec<_>>());
}

#[test]
fn a_long_table_repeats_its_header_and_numbers_pages() {
    let started = Instant::now();
    let pdf = render(&decision(500)).unwrap();
    let elapsed = started.elapsed();
    // Unoptimised this takes well under a second; far more means something went quadratic.
    assert!(elapsed.as_secs_f32() < 5.0, "500 rows took {elapsed:?}");
    let pages = pages_text(&pdf);
    assert!(pages.len() > 10, "{} pages", pages.len());
    // The annex starts on page 2 and its header row is on every page from there.
    let headers = pages.iter().filter(|p| p.contains("STT Họ và tên Chức vụ, đơn vị")).count();
    assert_eq!(headers, pages.len() - 1);
    assert!(pages.concat().contains("Nguyễn Thị Ánh Tuyết 500"));
    assert!(!pages[0].trim_start().starts_with('1'), "page 1 has no number");
    for (index, page) in pages.iter().enumerate().skip(1) {
        let first = page.split(' ').next().unwrap_or("");
        assert_eq!(first, (index + 1).to_string(), "page {} starts {page:?}", index + 1);
    }
}

#[test]
fn a_page_break_makes_two_pages() {
    let body = format!(
        r#"{}<w:p><w:r><w:t>một</w:t></w:r><w:r><w:br w:type="page"/></w:r><w:r><w:t>hai</w:t></w:r></w:p>"#,
        para("", &[("", "trước")])
    );
    let pages = pages_text(&render(&docx(&body)).unwrap());
    assert_eq!(pages.len(), 2);
    assert!(pages[0].contains("một") && !pages[0].contains("hai"));
    assert!(pages[1].contains("hai"));

    let pages = pages_text(
        &render(&docx(&format!("{}{}", para("", &[("", "a")]), para("<w:pageBreakBefore/>", &[("", "b")])))).unwrap(),
    );
    assert_eq!(pages.len(), 2);
}

#[test]
fn garbage_is_an_error() {
    assert!(matches!(render(b"not a zip"), Err(PdfError::NotADocx(_))));
    assert!(matches!(render(&[]), Err(PdfError::NotADocx(_))));
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file("other.xml", SimpleFileOptions::default()).unwrap();
    let no_document = zip.finish().unwrap().into_inner();
    assert!(matches!(render(&no_document), Err(PdfError::NotADocx(_))));
    assert!(matches!(render(&docx("<w:p><w:r><w:t>x</w:r></w:p>")), Err(PdfError::Xml(_))));
}

#[test]
fn absurd_values_are_clamped() {
    let body = format!(
        r#"{}{}{}<w:tbl><w:tblGrid><w:gridCol w:w="99999999"/></w:tblGrid><w:tr><w:tc><w:tcPr><w:gridSpan w:val="1000"/></w:tcPr>{}</w:tc><w:tc/></w:tr><w:tr/></w:tbl><w:tbl/>{}"#,
        para(
            r#"<w:ind w:left="999999" w:hanging="-5"/><w:spacing w:line="0" w:before="-40"/>"#,
            &[(r#"<w:sz w:val="999999"/>"#, "Rất to")]
        ),
        para(
            r#"<w:spacing w:line="99999999" w:lineRule="exact"/>"#,
            &[(r#"<w:sz w:val="0"/>"#, "Rất nhỏ \u{1F600} \u{E000}")]
        ),
        para(r#"<w:jc w:val="both"/>"#, &[("", &"x".repeat(5000))]),
        para("", &[("", "ô")]),
        r#"<w:sectPr><w:pgSz w:w="999999999" w:h="-5"/><w:pgMar w:top="999999" w:bottom="abc" w:left="NaN" w:right="inf"/></w:sectPr>"#,
    );
    let pdf = render(&docx(&body)).unwrap();
    assert!(pages_text(&pdf).concat().contains("Rất nhỏ"));
    let tiny = r#"<w:p><w:r><w:t>nhỏ</w:t></w:r></w:p><w:sectPr><w:pgSz w:w="0" w:h="0"/></w:sectPr>"#;
    // A page of 1 inch at least, a fifth of it for text: a letter a line, a line a page.
    assert_eq!(pages_text(&render(&docx(tiny)).unwrap()), ["nh", "2 ỏ"]);
}

#[test]
fn a_row_taller_than_a_page_is_split() {
    let tall = format!("<w:tbl><w:tr><w:tc>{}</w:tc></w:tr></w:tbl>", para("", &[("", &"dòng ".repeat(3000))]));
    let pages = pages_text(&render(&docx(&tall)).unwrap());
    assert!(pages.len() > 1);
    assert_eq!(pages.concat().matches("dòng").count(), 3000);
}

#[test]
fn work_is_bounded() {
    // One letter a page, 200 pt tall on a page of 1 inch: far more pages than allowed.
    let pages = format!(
        r#"{}<w:sectPr><w:pgSz w:w="1440" w:h="1440"/></w:sectPr>"#,
        para("", &[(r#"<w:sz w:val="400"/>"#, &"x".repeat(6000))])
    );
    assert!(matches!(render(&docx(&pages)), Err(PdfError::Write(_))));
    let text = para("", &[("", &"x".repeat(1_100_000))]);
    assert!(matches!(render(&docx(&text)), Err(PdfError::Xml(_))));
    let paragraphs = "<w:p/>".repeat(1_100_000);
    assert!(matches!(render(&docx(&paragraphs)), Err(PdfError::Xml(_))));
}

#[test]
fn a_section_starts_a_page_of_its_own_size() {
    let landscape = r#"<w:sectPr><w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/></w:sectPr>"#;
    let body = format!(
        r#"<w:p><w:pPr><w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:pPr><w:r><w:t>dọc</w:t></w:r></w:p>{}{landscape}"#,
        para("", &[("", "ngang")])
    );
    let pdf = render(&docx(&body)).unwrap();
    let document = lopdf::Document::load_mem(&pdf).unwrap();
    let sizes: Vec<f32> = document
        .get_pages()
        .values()
        .map(|id| {
            let page = document.get_dictionary(*id).unwrap();
            let media = page.get(b"MediaBox").unwrap().as_array().unwrap();
            media[2].as_float().unwrap()
        })
        .collect();
    assert_eq!(sizes.len(), 2);
    assert!((sizes[0] - 595.3).abs() < 0.5 && (sizes[1] - 841.9).abs() < 0.5, "{sizes:?}");
    assert_eq!(pages_text(&pdf), vec!["dọc".to_string(), "2 ngang".to_string()]);
}

#[test]
fn nested_tables_and_unknown_elements_keep_their_text() {
    let inner = format!("<w:tbl><w:tr><w:tc>{}</w:tc></w:tr></w:tbl>", para("", &[("", "bên trong")]));
    let body = format!(
        r#"<w:tbl><w:tr><w:tc>{inner}{}</w:tc></w:tr></w:tbl><w:sdt><w:sdtContent><w:p><w:hyperlink><w:r><w:t>liên kết</w:t></w:r></w:hyperlink><w:r><w:drawing><w:t>ẩn</w:t></w:drawing></w:r></w:p></w:sdtContent></w:sdt>"#,
        para("", &[("", "sau")])
    );
    let text = pages_text(&render(&docx(&body)).unwrap()).concat();
    assert!(text.contains("bên trong") && text.contains("sau") && text.contains("liên kết"));
    assert!(!text.contains("ẩn"));
}

/// The sample for eyes: `THIDUA_WRITE_SAMPLE=1 cargo test sample` writes decision-sample.pdf to
/// the temporary directory.
#[test]
fn sample_decision() {
    let pdf = render(&decision(40)).unwrap();
    if std::env::var_os("THIDUA_WRITE_SAMPLE").is_some() {
        let path = std::env::temp_dir().join("decision-sample.pdf");
        std::fs::write(&path, &pdf).unwrap();
        eprintln!("wrote {}", path.display());
    }
}

/// The built-in templates, unfilled, stay inside the subset: they render, and keep their text.
#[test]
fn built_in_templates_render() {
    for kind in crate::domain::documents::TemplateKind::ALL.iter().copied() {
        let xml = crate::documents::templates::built_in_xml(kind);
        let pdf = render(&package(xml)).unwrap_or_else(|e| panic!("{}: {e}", kind.as_str()));
        let text = pages_text(&pdf).concat();
        assert!(text.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), "{}: {text}", kind.as_str());
        if std::env::var_os("THIDUA_WRITE_SAMPLE").is_some() {
            std::fs::write(std::env::temp_dir().join(format!("{}.pdf", kind.as_str())), &pdf).unwrap();
        }
    }
}

/// An uploaded PDF whose page asks for more than `MAX_PDF_STREAM` once inflated is read as
/// having no text, not inflated whole; the same page within the bound reads.
#[test]
fn extract_text_bounds_what_a_stream_inflates_to() {
    use lopdf::{dictionary, Document, Object, Stream};
    fn one_page(content: Vec<u8>) -> Vec<u8> {
        let mut doc = Document::with_version("1.7");
        let pages_id = doc.new_object_id();
        let font = doc.add_object(dictionary! {"Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica"});
        let mut stream = Stream::new(dictionary! {}, content);
        stream.compress().unwrap();
        let content_id = doc.add_object(stream);
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
            "Resources" => dictionary! {"Font" => dictionary! {"F1" => font}},
        });
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! {"Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1}),
        );
        let catalog = doc.add_object(dictionary! {"Type" => "Catalog", "Pages" => pages_id});
        doc.trailer.set("Root", catalog);
        let mut out = Vec::new();
        doc.save_to(&mut out).unwrap();
        out
    }
    let text = b"BT /F1 12 Tf 72 720 Td (So 15/QD-UBND) Tj ET\n".to_vec();
    assert!(extract_text(&one_page(text.clone())).is_some_and(|t| t.contains("15/QD-UBND")));
    // The same text after 40 MiB of spaces: about 40 KB compressed.
    let mut bomb = vec![b' '; 40 * 1024 * 1024];
    bomb.extend_from_slice(&text);
    let pdf = one_page(bomb);
    assert!(pdf.len() < 1024 * 1024, "{} bytes", pdf.len());
    assert_eq!(extract_text(&pdf), None);
}
