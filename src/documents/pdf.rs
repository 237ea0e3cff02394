//! A filled DOCX laid out as PDF by thidua itself: the part of WordprocessingML described in
//! docs/design/docx-subset.md, on Liberation Serif (metric-compatible with Times New Roman,
//! embedded and subset), so the text is extractable with correct Vietnamese.
//!
//! Three steps, one submodule each: `model` reads `word/document.xml` into blocks, `layout`
//! measures and places them on pages, and `draw` writes the pages with krilla.

mod layout;
mod model;
#[cfg(test)]
mod tests;

use std::io::{Cursor, Read};

/// `word/document.xml` larger than this is refused: it bounds the work one request can ask for.
const MAX_DOCUMENT_XML: u64 = 20 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("not a DOCX file: {0}")]
    NotADocx(String),
    #[error("word/document.xml cannot be read: {0}")]
    Xml(String),
    #[error("the embedded font cannot be used: {0}")]
    Font(String),
    #[error("the PDF cannot be written: {0}")]
    Write(String),
}

/// The body of a filled DOCX's `word/document.xml` laid out on pages as docx-subset.md says, as
/// a PDF (fonts subset and embedded, text extractable with correct Vietnamese).
pub fn render(docx: &[u8]) -> Result<Vec<u8>, PdfError> {
    let xml = document_xml(docx)?;
    let sections = model::parse(&xml)?;
    let fonts = layout::Fonts::load()?;
    let pages = layout::paginate(&fonts, &sections)?;
    draw::pdf(&fonts, &pages)
}

/// The text of a PDF as a reader extracts it (any PDF, not only ours), NFC; `None` when it has
/// none to extract (a scanned page) or cannot be read.
pub fn extract_text(pdf: &[u8]) -> Option<String> {
    use unicode_normalization::UnicodeNormalization;
    let doc = super::load_pdf(pdf).ok()?;
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    let text: String = doc.extract_text_with_limit(&pages, super::MAX_PDF_STREAM).ok()?.nfc().collect();
    Some(text).filter(|t| !t.trim().is_empty())
}

/// The main part of the package, at most [`MAX_DOCUMENT_XML`] bytes of UTF-8.
fn document_xml(docx: &[u8]) -> Result<String, PdfError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(docx)).map_err(|e| PdfError::NotADocx(e.to_string()))?;
    let part = zip.by_name("word/document.xml").map_err(|e| PdfError::NotADocx(format!("word/document.xml: {e}")))?;
    if part.size() > MAX_DOCUMENT_XML {
        return Err(PdfError::NotADocx(format!("word/document.xml is larger than {MAX_DOCUMENT_XML} bytes")));
    }
    let mut bytes = Vec::new();
    // The size in the zip directory may lie: read one byte past the limit to notice.
    part.take(MAX_DOCUMENT_XML + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| PdfError::NotADocx(format!("word/document.xml: {e}")))?;
    if bytes.len() as u64 > MAX_DOCUMENT_XML {
        return Err(PdfError::NotADocx(format!("word/document.xml is larger than {MAX_DOCUMENT_XML} bytes")));
    }
    String::from_utf8(bytes).map_err(|_| PdfError::Xml("not UTF-8".into()))
}

/// Pages to PDF: no decisions left, only copying.
mod draw {
    use krilla::geom::{PathBuilder, Point, Rect};
    use krilla::page::PageSettings;
    use krilla::paint::Fill;
    use krilla::text::{GlyphId, KrillaGlyph};
    use krilla::Document;

    use super::layout::{Fonts, PageOut};
    use super::PdfError;

    pub(super) fn pdf(fonts: &Fonts, pages: &[PageOut]) -> Result<Vec<u8>, PdfError> {
        let mut document = Document::new();
        let mut glyphs = Vec::new();
        for out in pages {
            let settings = PageSettings::from_wh(out.width, out.height)
                .ok_or_else(|| PdfError::Write(format!("invalid page size {} × {}", out.width, out.height)))?;
            let mut page = document.start_page_with(settings);
            let mut surface = page.surface();
            let mut rules = PathBuilder::new();
            for (x, y, line) in &out.lines {
                for run in &line.runs {
                    glyphs.clear();
                    for ((at, c), &(id, advance)) in run.text.char_indices().zip(&run.glyphs) {
                        let range = at..at + c.len_utf8();
                        glyphs.push(KrillaGlyph::new(GlyphId::new(id), advance, 0.0, 0.0, 0.0, range, None));
                    }
                    let start = Point::from_xy(x + run.x, y + run.baseline);
                    let font = fonts.face(run.style.face).font.clone();
                    surface.draw_glyphs(start, &glyphs, font, &run.text, run.style.size, false);
                }
                for r in &line.rules {
                    push_rect(&mut rules, Rect::from_xywh(x + r.x, y + r.y, r.w, r.h));
                }
            }
            for r in &out.rules {
                push_rect(&mut rules, Rect::from_xywh(r.x, r.y, r.w, r.h));
            }
            if let Some(path) = rules.finish() {
                surface.set_stroke(None);
                surface.set_fill(Some(Fill::default()));
                surface.draw_path(&path);
            }
            surface.finish();
            page.finish();
        }
        document.finish().map_err(|e| PdfError::Write(format!("{e:?}")))
    }

    /// Rectangles too thin to exist (a zero-width cell) are simply not drawn.
    fn push_rect(path: &mut PathBuilder, rect: Option<Rect>) {
        if let Some(rect) = rect {
            path.push_rect(rect);
        }
    }
}
