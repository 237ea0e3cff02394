// Prototype for issue 16 (not compiled with the project): a scratch crate written while
// researching documents; see docs/design/documents-research.md. Its Cargo.toml [dependencies]:
//   [dependencies]
//   krilla = { version = "=0.8.2", default-features = false, features = ["simple-text"] }
//   skrifa = "0.42"
//   lopdf = { version = "0.47", default-features = false }
//   unicode-normalization = "0.1"
//   
//   [profile.dev.package.krilla]
//   opt-level = 3
//   [profile.dev.package.rustybuzz]
//   opt-level = 3
//   [profile.dev.package.skrifa]
//   opt-level = 3
//   [profile.dev.package.read-fonts]
//   opt-level = 3
//   [profile.dev.package.subsetter]
//   opt-level = 3
//   [profile.dev.package.pdf-writer]
//   opt-level = 3
//   [profile.dev.package.flate2]
//   opt-level = 3
//   [profile.dev.package.miniz_oxide]
//   opt-level = 3

use std::time::Instant;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::page::PageSettings;
use krilla::paint::Stroke;
use krilla::text::{Font, TextDirection};
use krilla::Document;
use skrifa::instance::{LocationRef, Size};
use skrifa::MetadataProvider;
use unicode_normalization::UnicodeNormalization;

static REG: &[u8] = include_bytes!("../fonts/LiberationSerif-Regular.ttf");
static BOLD: &[u8] = include_bytes!("../fonts/LiberationSerif-Bold.ttf");
const MM: f32 = 72.0 / 25.4;

fn width(font: &skrifa::FontRef, text: &str, size: f32) -> f32 {
    let cmap = font.charmap();
    let gm = font.glyph_metrics(Size::new(size), LocationRef::default());
    text.chars().map(|c| gm.advance_width(cmap.map(c).unwrap_or_default()).unwrap_or(0.0)).sum()
}

fn build(rows: usize) -> Vec<u8> {
    let reg = Font::new(REG.into(), 0).unwrap();
    let bold = Font::new(BOLD.into(), 0).unwrap();
    let reg_m = skrifa::FontRef::new(REG).unwrap();
    let (pw, ph) = (210.0 * MM, 297.0 * MM);
    let (left, right, top, bottom) = (30.0 * MM, 15.0 * MM, 20.0 * MM, 20.0 * MM);
    let mut doc = Document::new();
    let mut row = 0usize;
    let mut page_no = 0;
    while row < rows || page_no == 0 {
        page_no += 1;
        let mut page = doc.start_page_with(PageSettings::from_wh(pw, ph).unwrap());
        let mut s = page.surface();
        let mut y = top + 13.0;
        if page_no == 1 {
            let t = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".nfc().collect::<String>();
            let w = width(&reg_m, &t, 13.0);
            s.draw_text(Point::from_xy(pw - right - w - 10.0, y), bold.clone(), 13.0, &t, false, TextDirection::Auto);
            y += 18.0;
            let t = "Độc lập - Tự do - Hạnh phúc";
            s.draw_text(Point::from_xy(pw - right - 200.0, y), bold.clone(), 14.0, t, false, TextDirection::Auto);
            y += 30.0;
            // decomposed input (NFD) on purpose: krilla shapes it with rustybuzz
            let nfd: String = "QUYẾT ĐỊNH về việc tặng Bằng khen".nfd().collect();
            s.draw_text(Point::from_xy(left, y), bold.clone(), 14.0, &nfd, false, TextDirection::Auto);
            y += 24.0;
        }
        while row < rows && y < ph - bottom - 20.0 {
            let line = format!("{:>3}. Ông Nguyễn Văn Đức – Trưởng phòng Tổ chức, Sở Giáo dục và Đào tạo tỉnh Quảng Ngãi", row + 1);
            s.draw_text(Point::from_xy(left, y), reg.clone(), 13.0, &line, false, TextDirection::Auto);
            // a table rule under each row
            let mut pb = PathBuilder::new();
            pb.push_rect(Rect::from_xywh(left, y + 4.0, pw - left - right, 0.01).unwrap());
            s.set_stroke(Some(Stroke { width: 0.5, ..Default::default() }));
            s.set_fill(None);
            s.draw_path(&pb.finish().unwrap());
            s.set_stroke(None);
            s.set_fill(Some(Default::default()));
            y += 19.0;
            row += 1;
        }
        let footer = format!("Trang {page_no}");
        s.draw_text(Point::from_xy(pw / 2.0, ph - 10.0 * MM), reg.clone(), 11.0, &footer, false, TextDirection::Auto);
        s.finish();
        page.finish();
    }
    doc.finish().unwrap()
}

fn main() {
    let _ = build(1); // warm
    let t = Instant::now();
    let pdf = build(500);
    let gen = t.elapsed();
    std::fs::write("/tmp/exp-pdf/out.pdf", &pdf).unwrap();
    let t = Instant::now();
    let d = lopdf::Document::load_mem(&pdf).unwrap();
    let pages: Vec<u32> = d.get_pages().keys().copied().collect();
    let text = d.extract_text(&pages[..1]).unwrap();
    let ext = t.elapsed();
    println!("gen 500 rows: {:?}, {} bytes, {} pages; extract p1 {:?}", gen, pdf.len(), pages.len(), ext);
    println!("---p1 text head---\n{}", text.chars().take(400).collect::<String>());
    let nfc = text.nfc().collect::<String>();
    println!("contains NFC 'CỘNG HÒA': {}", nfc.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
    println!("contains 'QUYẾT ĐỊNH' after NFC: {}", nfc.contains("QUYẾT ĐỊNH"));
    println!("contains 'Nguyễn Văn Đức': {}", nfc.contains("Nguyễn Văn Đức"));
}
