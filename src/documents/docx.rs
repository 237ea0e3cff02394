//! DOCX templates: list their placeholders, fill them, package a generated `word/document.xml`, read text back.
//!
//! Placeholder grammar, over the text a reader sees (Word splits typed text into runs at will, with
//! `w:proofErr`, bookmarks or formatting changes between the pieces; that does not matter here):
//! - `{{name}}` is a field, filled from [`Values::fields`]; `name` is `[a-z0-9_]+`.
//! - `{{list.field}}` is an item field (both parts `[a-z0-9_]+`). The innermost table row (`w:tr`) holding
//!   it is repeated once per item of [`Values::lists`]`[list]`; an empty list removes the row. One row
//!   repeats for one list only; a nested row may repeat for another list, while still reading the outer
//!   row's item.
//! - Spaces inside the braces are ignored: `{{ name }}` is `{{name}}`.
//! - A placeholder lives inside one paragraph: a `{{` without a `}}` after it in that paragraph is an error.
//! - Anything else between the braces (`{{Họ tên}}`) is still reported as a placeholder, so upload
//!   validation rejects it by name and [`fill`] finds no value for it, rather than leaving it in the output.
//!
//! The value goes into the run where its `{{` starts (taking that run's formatting); the rest of the
//! placeholder is cut out of the following runs, which keep their own formatting. Only `word/document.xml`,
//! `word/header*.xml` and `word/footer*.xml` are rewritten; every other entry is copied byte for byte.
//! Element names are matched with Word's `w:` prefix, which every mainstream producer uses.

use std::collections::{BTreeMap, HashSet};
use std::io::{Cursor, Read, Write};

use quick_xml::events::{BytesEnd, BytesRef, BytesStart, BytesText, Event};
use quick_xml::{Reader, Writer};
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

/// Largest story part read uncompressed: a real document.xml is far below it, a zip bomb far above.
const MAX_PART_BYTES: u64 = 20 * 1024 * 1024;
/// All story parts together (a bomb could also spread over a thousand headers).
const MAX_TOTAL_BYTES: u64 = 64 * 1024 * 1024;
const DOCUMENT_XML: &str = "word/document.xml";
/// The way out of most damaged packages.
const SAVE_AGAIN: &str = "; open it in Word, save it as \"Word Document (*.docx)\" and upload it again";

/// Values to fill: `{{field}}` from `fields`; a table row mentioning `{{list.field}}` is repeated once per item of `lists[list]`.
#[derive(Debug, Default, Clone)]
pub struct Values {
    pub fields: BTreeMap<String, String>,
    pub lists: BTreeMap<String, Vec<BTreeMap<String, String>>>,
}

/// Why a template could not be read or filled; each message tells the board what to fix.
#[derive(Debug, thiserror::Error)]
pub enum DocxError {
    /// Not a zip, no `word/document.xml`, damaged or oversized entries.
    #[error("the file is not a usable Word document (.docx): {0}")]
    NotADocx(String),
    /// Malformed XML in a part; the payload says which part and where.
    #[error("the Word document is damaged: {0}; open it in Word, save it again as .docx and upload it again")]
    Xml(String),
    /// The payload is the placeholder's name as written between the braces.
    #[error("the template uses the placeholder {{{{{0}}}}}, which has no value for this document; remove it or replace it with one of the placeholders this kind of document provides")]
    UnknownPlaceholder(String),
    /// The payload quotes the text from the unclosed `{{` and says where it is.
    #[error("a placeholder is not closed: {0}; every \"{{{{\" needs a \"}}}}\" after it in the same paragraph")]
    UnclosedPlaceholder(String),
    /// The payload is the placeholder's name.
    #[error("the placeholder {{{{{0}}}}} names a list, so it must be inside the table row to repeat once per item; move it into a table row")]
    ListOutsideRow(String),
    /// The payload names two placeholders of different lists found in one row.
    #[error(
        "one table row uses two lists ({0}); a row is repeated for one list only, so put each list in its own row"
    )]
    MixedListsInRow(String),
}

/// Every distinct placeholder of a template (document.xml, headers and footers), in order of first appearance, e.g. ["issuing_body", "nominees.name"].
///
/// It checks the structure too (unclosed placeholders, lists outside rows, two lists in a row), so an upload
/// is refused with the errors [`fill`] would give later; the caller checks the names against the document kind.
pub fn placeholders(docx: &[u8]) -> Result<Vec<String>, DocxError> {
    let mut zip = open(docx)?;
    let mut budget = MAX_TOTAL_BYTES;
    let mut seen = HashSet::new();
    let mut found = Vec::new();
    for (index, name) in story_parts(&mut zip)? {
        let xml = read_part(&mut zip, index, &name, &mut budget)?;
        let template = Template::parse(strip_bom(&xml), &name)?;
        for para in &template.paras {
            for ph in &para.placeholders {
                if seen.insert(ph.name.clone()) {
                    found.push(ph.name.clone());
                }
            }
        }
    }
    Ok(found)
}

/// The template filled: only word/document.xml, word/header*.xml, word/footer*.xml rewritten; other entries copied raw. Values are NFC-normalised; a value with '\n' becomes several lines (`<w:br/>` between); XML special chars escaped. A placeholder with no value -> Err(UnknownPlaceholder). A repeated row with an empty list -> the row is removed (the table keeps its other rows).
///
/// A tab becomes `<w:tab/>`; characters XML cannot carry (NUL, most C0 controls) are dropped. A table left
/// with no row at all is removed whole, because word processors handle a row-less table badly. In repeated
/// rows, bookmarks and comment anchors are kept in the first copy only, so their ids stay unique.
pub fn fill(docx: &[u8], values: &Values) -> Result<Vec<u8>, DocxError> {
    let mut zin = open(docx)?;
    let mut zout = ZipWriter::new(Cursor::new(Vec::new())).set_auto_large_file();
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    let mut budget = MAX_TOTAL_BYTES;
    let rewrite_failed =
        |e: &dyn std::fmt::Display| DocxError::NotADocx(format!("its entries could not be copied ({e}){SAVE_AGAIN}"));
    for index in 0..zin.len() {
        let name = entry_name(&mut zin, index)?;
        if is_story_part(&name) {
            let xml = read_part(&mut zin, index, &name, &mut budget)?;
            let filled = Template::parse(strip_bom(&xml), &name)?.fill(values)?;
            zout.start_file(name.as_str(), options).map_err(|e| rewrite_failed(&e))?;
            zout.write_all(&filled).map_err(|e| rewrite_failed(&e))?;
        } else {
            let raw = zin.by_index_raw(index).map_err(|e| damaged_entry(&name, &e))?;
            zout.raw_copy_file(raw).map_err(|e| rewrite_failed(&e))?;
        }
    }
    Ok(zout.finish().map_err(|e| rewrite_failed(&e))?.into_inner())
}

/// A minimal, valid DOCX package around a complete word/document.xml.
///
/// Parts: [Content_Types].xml, _rels/.rels, word/_rels/document.xml.rels, word/styles.xml (Times New Roman
/// 14 pt, vi-VN, styles "Normal" and "TableGrid"), word/settings.xml, docProps/core.xml and app.xml. The
/// document may use those two styles but no other part (no header, footer, image or numbering).
pub fn package(document_xml: &str) -> Vec<u8> {
    // Writing into memory cannot fail (large files switch to zip64 on their own), so there is no error to return.
    try_package(document_xml).expect("writing a zip into memory cannot fail")
}

/// The text of word/document.xml as a reader sees it: each paragraph's w:t texts joined, paragraphs separated by '\n', table cells separated by '\t' within a row (a row ends with '\n'), NFC-normalised. Used by tests to read generated documents back.
///
/// A line break (`w:br`, `w:cr`) reads as '\n', a tab (`w:tab` in a run) as '\t'; deleted text, field codes
/// and the fallback copy of text boxes (`mc:Fallback`) are not read.
pub fn text_of(docx: &[u8]) -> Result<String, DocxError> {
    let mut zip = open(docx)?;
    let index = zip.index_for_name(DOCUMENT_XML).ok_or_else(no_document)?;
    let mut budget = MAX_TOTAL_BYTES;
    let xml = read_part(&mut zip, index, DOCUMENT_XML, &mut budget)?;
    let events = parse_events(strip_bom(&xml), DOCUMENT_XML)?;
    let text = read_text(&events, DOCUMENT_XML)?;
    Ok(text.nfc().collect())
}

// ---------------------------------------------------------------------------------------------------------------
// The zip package.

type Archive<'a> = ZipArchive<Cursor<&'a [u8]>>;

fn open(docx: &[u8]) -> Result<Archive<'_>, DocxError> {
    let zip = ZipArchive::new(Cursor::new(docx))
        .map_err(|e| DocxError::NotADocx(format!("it is not a zip package ({e}){SAVE_AGAIN}")))?;
    if zip.index_for_name(DOCUMENT_XML).is_none() {
        return Err(no_document());
    }
    Ok(zip)
}

fn no_document() -> DocxError {
    DocxError::NotADocx(format!(
        "it has no {DOCUMENT_XML}, so it is some other kind of file (.xlsx, .odt?){SAVE_AGAIN}"
    ))
}

fn damaged_entry(name: &str, e: &dyn std::fmt::Display) -> DocxError {
    DocxError::NotADocx(format!("its entry {name} is damaged or encrypted ({e}){SAVE_AGAIN}"))
}

fn entry_name(zip: &mut Archive<'_>, index: usize) -> Result<String, DocxError> {
    let file = zip.by_index_raw(index).map_err(|e| damaged_entry(&format!("#{index}"), &e))?;
    let name = file.name().map_err(|e| damaged_entry(&format!("#{index}"), &e))?.into_owned();
    Ok(name)
}

/// The parts that hold text to fill: the body, then headers, then footers (a reader's order).
fn is_story_part(name: &str) -> bool {
    let Some(file) = name.strip_prefix("word/") else { return false };
    file == "document.xml"
        || (file.starts_with("header") || file.starts_with("footer")) && file.ends_with(".xml") && !file.contains('/')
}

fn story_parts(zip: &mut Archive<'_>) -> Result<Vec<(usize, String)>, DocxError> {
    let mut parts = Vec::new();
    for index in 0..zip.len() {
        let name = entry_name(zip, index)?;
        if is_story_part(&name) {
            parts.push((index, name));
        }
    }
    // document.xml, then header*, then footer*; header2 before header10.
    let rank = |name: &str| match name {
        DOCUMENT_XML => 0,
        n if n.starts_with("word/header") => 1,
        _ => 2,
    };
    parts.sort_by(|(_, a), (_, b)| (rank(a), a.len(), a).cmp(&(rank(b), b.len(), b)));
    Ok(parts)
}

/// Reads one part uncompressed, stopping at the limits whatever the zip claims its size is.
fn read_part(zip: &mut Archive<'_>, index: usize, name: &str, budget: &mut u64) -> Result<String, DocxError> {
    let file = zip.by_index(index).map_err(|e| damaged_entry(name, &e))?;
    let limit = MAX_PART_BYTES.min(*budget);
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes).map_err(|e| damaged_entry(name, &e))?;
    let read = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if read > limit {
        return Err(DocxError::NotADocx(if limit == MAX_PART_BYTES {
            format!(
                "{name} is larger than {} MB uncompressed, far more than any real document; use a smaller template",
                MAX_PART_BYTES >> 20
            )
        } else {
            format!(
                "its text parts together are larger than {} MB uncompressed; use a smaller template",
                MAX_TOTAL_BYTES >> 20
            )
        }));
    }
    *budget -= read;
    String::from_utf8(bytes)
        .map_err(|e| DocxError::Xml(format!("{name} is not UTF-8 text (byte {})", e.utf8_error().valid_up_to())))
}

fn strip_bom(xml: &str) -> &str {
    xml.strip_prefix('\u{feff}').unwrap_or(xml)
}

fn try_package(document_xml: &str) -> zip::result::ZipResult<Vec<u8>> {
    let parts = [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("word/document.xml", document_xml),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS),
        ("word/styles.xml", STYLES),
        ("word/settings.xml", SETTINGS),
        ("docProps/core.xml", CORE),
        ("docProps/app.xml", APP),
    ];
    let mut zip = ZipWriter::new(Cursor::new(Vec::new())).set_auto_large_file();
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, body) in parts {
        zip.start_file(name, options)?;
        zip.write_all(body.as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>"#;

const DOCUMENT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/></Relationships>"#;

/// Decree 30/2020 asks for Times New Roman, 13–14 pt; Word needs the table and character defaults to exist.
const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:eastAsia="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman"/><w:sz w:val="28"/><w:szCs w:val="28"/><w:lang w:val="vi-VN" w:eastAsia="vi-VN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style><w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style><w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style><w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="39"/><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:left w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:right w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="auto"/></w:tblBorders></w:tblPr></w:style></w:styles>"#;

const SETTINGS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:zoom w:percent="100"/><w:defaultTabStop w:val="720"/><w:characterSpacingControl w:val="doNotCompress"/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat><w:themeFontLang w:val="vi-VN"/></w:settings>"#;

const CORE: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>thidua</dc:creator></cp:coreProperties>"#;

const APP: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><Application>thidua</Application></Properties>"#;

// ---------------------------------------------------------------------------------------------------------------
// XML events.

/// Events borrow from the part's text: no copy of the untouched parts of the document.
fn parse_events<'a>(xml: &'a str, part: &str) -> Result<Vec<Event<'a>>, DocxError> {
    let mut reader = Reader::from_str(xml);
    let mut events = Vec::new();
    let mut depth = 0usize;
    loop {
        let event = reader.read_event().map_err(|e| {
            DocxError::Xml(format!("{part} is not well-formed XML at byte {} ({e})", reader.error_position()))
        })?;
        // quick-xml reads attributes lazily; check them now so a damaged template is refused at upload.
        if let Event::Start(e) | Event::Empty(e) = &event {
            if let Some(Err(err)) = e.attributes().find(Result::is_err) {
                let at = reader.buffer_position();
                return Err(DocxError::Xml(format!("{part} has a malformed attribute before byte {at} ({err})")));
            }
        }
        match &event {
            Event::Eof => break,
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            // A DTD could declare entities; Word documents never have one.
            Event::DocType(_) => return Err(DocxError::Xml(format!("{part} has a DOCTYPE declaration"))),
            // Written back as they are, so an undeclared entity would reach Word, which refuses it.
            Event::GeneralRef(r) => push_ref(&mut String::new(), r, part)?,
            _ => {}
        }
        events.push(event);
    }
    if depth != 0 {
        return Err(DocxError::Xml(format!("{part} ends before all its elements are closed")));
    }
    Ok(events)
}

fn name_of<'e>(start: &'e BytesStart<'_>) -> &'e str {
    start.name().0
}

fn end_name<'e>(end: &'e BytesEnd<'_>) -> &'e str {
    end.name().0
}

/// quick-xml reports `&amp;` and `&#233;` as separate events; resolve them to the character.
fn push_ref(text: &mut String, r: &BytesRef<'_>, part: &str) -> Result<(), DocxError> {
    let bad = |what: String| DocxError::Xml(format!("{part} has {what}"));
    match r.resolve_char_ref() {
        Ok(Some(c)) => text.push(c),
        Ok(None) => text.push(match &**r {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            other => return Err(bad(format!("an unknown entity &{other};"))),
        }),
        Err(e) => return Err(bad(format!("a bad character reference &{}; ({e})", &**r))),
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------------
// Templates: a part's events with its text slots, paragraphs, placeholders and table rows located.

/// What starts at an event index.
#[derive(Clone, Copy)]
enum Mark {
    None,
    Para(usize),
    Slot(usize),
    Row(usize),
}

/// One `<w:t>`: events from its mark up to `end`, and its text decoded.
struct Slot {
    end: usize,
    text: String,
}

/// One `<w:p>` and its own `<w:t>`s (not those of a text box inside it).
struct Para {
    slots: Vec<usize>,
    /// Byte offset of each slot's text in the paragraph's joined text.
    offsets: Vec<usize>,
    row: Option<usize>,
    placeholders: Vec<Placeholder>,
}

/// `{{name}}` at bytes `from..to` of its paragraph's joined text.
struct Placeholder {
    name: String,
    from: usize,
    to: usize,
}

/// One `<w:tr>`: events `start..=end`.
struct Row {
    start: usize,
    end: usize,
    /// The list it repeats for, and the first placeholder naming it (for the error if the list is missing).
    list: Option<(String, String)>,
}

struct Template<'a> {
    events: Vec<Event<'a>>,
    marks: Vec<Mark>,
    slots: Vec<Slot>,
    paras: Vec<Para>,
    rows: Vec<Row>,
}

enum Name<'n> {
    Field,
    Item { list: &'n str, field: &'n str },
    Invalid,
}

fn is_ident(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn classify(name: &str) -> Name<'_> {
    match name.split_once('.') {
        None if is_ident(name) => Name::Field,
        Some((list, field)) if is_ident(list) && is_ident(field) => Name::Item { list, field },
        _ => Name::Invalid,
    }
}

/// Where a part's text is, in words a board member knows.
fn part_label(part: &str) -> &'static str {
    if part.starts_with("word/header") {
        "in a page header"
    } else if part.starts_with("word/footer") {
        "in a page footer"
    } else {
        "in the document"
    }
}

/// The placeholders of one paragraph's joined text, in order.
fn find_placeholders(joined: &str, part: &str) -> Result<Vec<Placeholder>, DocxError> {
    let unclosed = |rest: &str| {
        let mut quote: String = rest.chars().take(40).collect();
        if quote.len() < rest.len() {
            quote.push('…');
        }
        DocxError::UnclosedPlaceholder(format!("\"{quote}\" {}", part_label(part)))
    };
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = joined[from..].find("{{").map(|i| i + from) {
        let inner_start = at + 2;
        let Some(len) = joined[inner_start..].find("}}") else { return Err(unclosed(&joined[at..])) };
        let inner = &joined[inner_start..inner_start + len];
        if inner.contains("{{") {
            return Err(unclosed(&joined[at..]));
        }
        let to = inner_start + len + 2;
        found.push(Placeholder { name: inner.trim().to_owned(), from: at, to });
        from = to;
    }
    Ok(found)
}

impl<'a> Template<'a> {
    fn parse(xml: &'a str, part: &str) -> Result<Template<'a>, DocxError> {
        let events = parse_events(xml, part)?;
        let mut marks = vec![Mark::None; events.len()];
        let mut slots: Vec<Slot> = Vec::new();
        let mut paras: Vec<Para> = Vec::new();
        let mut rows: Vec<Row> = Vec::new();
        let (mut para_stack, mut row_stack) = (Vec::new(), Vec::new());
        // The open <w:t> (its slot) and how deep inside it we are (nothing nests there in valid files).
        let mut open: Option<(usize, usize)> = None;
        for (i, event) in events.iter().enumerate() {
            if let Some((slot, depth)) = open.as_mut() {
                let text = &mut slots[*slot].text;
                match event {
                    Event::Text(t) => text.push_str(&t.xml10_content()),
                    Event::CData(t) => text.push_str(&t.xml10_content()),
                    Event::GeneralRef(r) => push_ref(text, r, part)?,
                    Event::Start(_) => *depth += 1,
                    Event::End(_) if *depth > 0 => *depth -= 1,
                    Event::End(_) => {
                        slots[*slot].end = i;
                        open = None;
                    }
                    _ => {}
                }
                continue;
            }
            match event {
                Event::Start(e) => match name_of(e) {
                    "w:p" => {
                        marks[i] = Mark::Para(paras.len());
                        para_stack.push(paras.len());
                        let row = row_stack.last().copied();
                        paras.push(Para { slots: Vec::new(), offsets: Vec::new(), row, placeholders: Vec::new() });
                    }
                    "w:tr" => {
                        marks[i] = Mark::Row(rows.len());
                        row_stack.push(rows.len());
                        rows.push(Row { start: i, end: i, list: None });
                    }
                    "w:t" => {
                        // Text outside any paragraph does not occur in valid files; it is left alone.
                        if let Some(&p) = para_stack.last() {
                            marks[i] = Mark::Slot(slots.len());
                            paras[p].slots.push(slots.len());
                            slots.push(Slot { end: i, text: String::new() });
                            open = Some((slots.len() - 1, 0));
                        }
                    }
                    _ => {}
                },
                Event::Empty(e) if name_of(e) == "w:t" => {
                    if let Some(&p) = para_stack.last() {
                        marks[i] = Mark::Slot(slots.len());
                        paras[p].slots.push(slots.len());
                        slots.push(Slot { end: i, text: String::new() });
                    }
                }
                Event::End(e) => match end_name(e) {
                    "w:p" => {
                        para_stack.pop();
                    }
                    "w:tr" => {
                        if let Some(r) = row_stack.pop() {
                            rows[r].end = i;
                        }
                    }
                    _ => {}
                },
                _ => {}
            }
        }

        for para in &mut paras {
            let mut joined = String::new();
            for &s in &para.slots {
                para.offsets.push(joined.len());
                joined.push_str(&slots[s].text);
            }
            if joined.contains("{{") {
                para.placeholders = find_placeholders(&joined, part)?;
            }
        }
        let mut template = Template { events, marks, slots, paras, rows };
        template.bind_rows()?;
        Ok(template)
    }

    /// Decides which row repeats for which list: the innermost row naming a list no enclosing row repeats for.
    fn bind_rows(&mut self) -> Result<(), DocxError> {
        // Per row: the lists its own paragraphs name, with the first placeholder naming each.
        let mut named: Vec<Vec<(&str, &str)>> = vec![Vec::new(); self.rows.len()];
        let mut seen = HashSet::new();
        for para in &self.paras {
            for ph in &para.placeholders {
                if let Name::Item { list, .. } = classify(&ph.name) {
                    let Some(row) = para.row else { return Err(DocxError::ListOutsideRow(ph.name.clone())) };
                    if seen.insert((row, list)) {
                        named[row].push((list, &ph.name));
                    }
                }
            }
        }
        // Rows come in document order, so the bound rows enclosing the current one form a stack; their lists
        // are distinct (a row never binds a list an enclosing row binds), so a set tells them apart.
        let mut bound: Vec<Option<(String, String)>> = vec![None; self.rows.len()];
        let mut enclosing: Vec<(usize, &str)> = Vec::new();
        let mut enclosing_lists: HashSet<&str> = HashSet::new();
        for (r, lists) in named.iter().enumerate() {
            while let Some(&(a, list)) = enclosing.last() {
                if self.rows[a].end > self.rows[r].start {
                    break;
                }
                enclosing.pop();
                enclosing_lists.remove(list);
            }
            let mut own = lists.iter().filter(|(list, _)| !enclosing_lists.contains(list));
            if let Some(&(list, first)) = own.next() {
                if let Some(&(_, other)) = own.next() {
                    return Err(DocxError::MixedListsInRow(format!("{{{{{first}}}}} and {{{{{other}}}}}")));
                }
                bound[r] = Some((list.to_owned(), first.to_owned()));
                enclosing.push((r, list));
                enclosing_lists.insert(list);
            }
        }
        for (row, list) in self.rows.iter_mut().zip(bound) {
            row.list = list;
        }
        Ok(())
    }

    fn fill(&self, values: &Values) -> Result<Vec<u8>, DocxError> {
        let mut filler = Filler {
            template: self,
            values,
            bindings: Vec::new(),
            clones: 0,
            pieces: vec![None; self.slots.len()],
            tables: Vec::new(),
            out: Writer::new(Vec::with_capacity(self.events.len() * 32)),
        };
        filler.emit(0, self.events.len())?;
        Ok(filler.out.into_inner())
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Filling.

/// What a filled `<w:t>` becomes: text runs with line breaks and tabs between them.
#[derive(Clone, Debug)]
enum Piece {
    Text(String),
    Break,
    Tab,
}

fn push_text(pieces: &mut Vec<Piece>, text: &str) {
    if text.is_empty() {
        return;
    }
    if let Some(Piece::Text(last)) = pieces.last_mut() {
        last.push_str(text);
    } else {
        pieces.push(Piece::Text(text.to_owned()));
    }
}

/// Characters XML 1.0 can carry; others (NUL, most C0 controls) would make the part unreadable, so they are dropped.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// A value as pieces: NFC, `\n` (or `\r\n`) as a line break, `\t` as a tab. Escaping happens when written.
fn push_value(pieces: &mut Vec<Piece>, value: &str) {
    let nfc: std::borrow::Cow<'_, str> = if is_nfc_quick(value.chars()) == IsNormalized::Yes {
        value.into()
    } else {
        value.nfc().collect::<String>().into()
    };
    let mut text = String::new();
    let mut chars = nfc.chars().peekable();
    while let Some(c) = chars.next() {
        let piece = match c {
            '\r' => {
                chars.next_if_eq(&'\n');
                Piece::Break
            }
            '\n' => Piece::Break,
            '\t' => Piece::Tab,
            c if is_xml_char(c) => {
                text.push(c);
                continue;
            }
            _ => continue,
        };
        push_text(pieces, &text);
        text.clear();
        pieces.push(piece);
    }
    push_text(pieces, &text);
}

struct Filler<'t, 'a, 'v> {
    template: &'t Template<'a>,
    values: &'v Values,
    /// The items of the rows being repeated, innermost last.
    bindings: Vec<(&'t str, &'v BTreeMap<String, String>)>,
    /// How many enclosing repeats are past their first item (one-off markers are kept only in the first).
    clones: usize,
    /// The new content of each slot of the paragraphs being written; `None` keeps the original.
    pieces: Vec<Option<Vec<Piece>>>,
    /// Open tables: where each starts in the output and how many rows it got.
    tables: Vec<(usize, usize)>,
    out: Writer<Vec<u8>>,
}

fn write_failed(e: &std::io::Error) -> DocxError {
    DocxError::Xml(format!("the filled part could not be written ({e})"))
}

impl<'v> Filler<'_, '_, 'v> {
    fn emit(&mut self, from: usize, to: usize) -> Result<(), DocxError> {
        let template = self.template;
        let mut i = from;
        while i < to {
            match template.marks[i] {
                Mark::Para(p) if !template.paras[p].placeholders.is_empty() => {
                    self.fill_para(p)?;
                    self.write(i)?;
                }
                Mark::Slot(s) if self.pieces[s].is_some() => {
                    self.write_slot(s)?;
                    i = template.slots[s].end;
                }
                Mark::Row(r) => {
                    let row = &template.rows[r];
                    if let Some((list, first)) = &row.list {
                        let items =
                            self.values.lists.get(list).ok_or_else(|| DocxError::UnknownPlaceholder(first.clone()))?;
                        for (k, item) in items.iter().enumerate() {
                            self.bindings.push((list, item));
                            self.clones += usize::from(k > 0);
                            self.write(row.start)?;
                            self.emit(row.start + 1, row.end)?;
                            self.write(row.end)?;
                            self.clones -= usize::from(k > 0);
                            self.bindings.pop();
                        }
                        i = row.end;
                    } else {
                        self.write(i)?;
                    }
                }
                _ => self.write(i)?,
            }
            i += 1;
        }
        Ok(())
    }

    /// Writes one template event as it is, keeping count of table rows so an emptied table can be dropped.
    fn write(&mut self, i: usize) -> Result<(), DocxError> {
        let event = &self.template.events[i];
        match event {
            Event::Start(e) if name_of(e) == "w:tbl" => self.tables.push((self.out.get_mut().len(), 0)),
            Event::Start(e) if name_of(e) == "w:tr" => {
                if let Some((_, rows)) = self.tables.last_mut() {
                    *rows += 1;
                }
            }
            Event::End(e) if end_name(e) == "w:tbl" => {
                if let Some((start, 0)) = self.tables.pop() {
                    self.out.get_mut().truncate(start);
                    return Ok(());
                }
            }
            // Bookmarks and comment anchors carry ids that must stay unique: keep them in the first copy only.
            Event::Empty(e)
                if self.clones > 0
                    && matches!(
                        name_of(e),
                        "w:bookmarkStart"
                            | "w:bookmarkEnd"
                            | "w:commentRangeStart"
                            | "w:commentRangeEnd"
                            | "w:commentReference"
                    ) =>
            {
                return Ok(());
            }
            _ => {}
        }
        self.out.write_event(event.borrow()).map_err(|e| write_failed(&e))
    }

    fn value(&self, name: &str) -> Option<&'v str> {
        let value = match classify(name) {
            Name::Field => self.values.fields.get(name),
            Name::Item { list, field } => {
                self.bindings.iter().rev().find(|(l, _)| *l == list).and_then(|(_, item)| item.get(field))
            }
            Name::Invalid => None,
        };
        value.map(String::as_str)
    }

    /// Computes the new content of paragraph `p`'s slots under the current bindings.
    fn fill_para(&mut self, p: usize) -> Result<(), DocxError> {
        let template = self.template;
        let para = &template.paras[p];
        let phs = &para.placeholders;
        let mut values = Vec::with_capacity(phs.len());
        for ph in phs {
            let value = self.value(&ph.name).ok_or_else(|| DocxError::UnknownPlaceholder(ph.name.clone()))?;
            let mut pieces = Vec::new();
            push_value(&mut pieces, value);
            values.push(pieces);
        }
        let mut first = 0;
        for (&s, &start) in para.slots.iter().zip(&para.offsets) {
            let text = &template.slots[s].text;
            let end = start + text.len();
            while first < phs.len() && phs[first].to <= start {
                first += 1;
            }
            if first == phs.len() || phs[first].from >= end {
                self.pieces[s] = None;
                continue;
            }
            let mut pieces = Vec::new();
            let mut at = start;
            for (ph, value) in phs[first..].iter().zip(&values[first..]) {
                if ph.from >= end {
                    break;
                }
                if ph.from > at {
                    push_text(&mut pieces, &text[at - start..ph.from - start]);
                }
                if ph.from >= start {
                    for piece in value {
                        match piece {
                            Piece::Text(t) => push_text(&mut pieces, t),
                            other => pieces.push(other.clone()),
                        }
                    }
                }
                at = ph.to.min(end).max(at);
            }
            if at < end {
                push_text(&mut pieces, &text[at - start..]);
            }
            self.pieces[s] = Some(pieces);
        }
        Ok(())
    }

    /// Writes a filled `<w:t>`: one `w:t` per line, `<w:br/>`/`<w:tab/>` between, all in the original run.
    fn write_slot(&mut self, s: usize) -> Result<(), DocxError> {
        let Some(pieces) = self.pieces[s].as_ref() else { return Ok(()) };
        for piece in pieces {
            let result = match piece {
                Piece::Text(t) => {
                    let mut start = BytesStart::new("w:t");
                    start.push_attribute(("xml:space", "preserve"));
                    self.out
                        .write_event(Event::Start(start))
                        .and_then(|()| self.out.write_event(Event::Text(BytesText::new(t))))
                        .and_then(|()| self.out.write_event(Event::End(BytesEnd::new("w:t"))))
                }
                Piece::Break => self.out.write_event(Event::Empty(BytesStart::new("w:br"))),
                Piece::Tab => self.out.write_event(Event::Empty(BytesStart::new("w:tab"))),
            };
            result.map_err(|e| write_failed(&e))?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Reading text back.

/// The innermost open cell's text, or the document's.
fn current<'b>(doc: &'b mut String, cells: &'b mut [String]) -> &'b mut String {
    cells.last_mut().unwrap_or(doc)
}

fn read_text(events: &[Event<'_>], part: &str) -> Result<String, DocxError> {
    let mut doc = String::new();
    // Open cells and rows as separate stacks: the innermost of each is then found in constant time.
    let mut cells: Vec<String> = Vec::new();
    let mut rows: Vec<Vec<String>> = Vec::new();
    let (mut in_t, mut in_run, mut in_fallback) = (0usize, 0usize, 0usize);
    for event in events {
        match event {
            Event::Start(e) => match name_of(e) {
                "w:tr" => rows.push(Vec::new()),
                "w:tc" => cells.push(String::new()),
                "w:t" => in_t += 1,
                "w:r" => in_run += 1,
                "mc:Fallback" => in_fallback += 1,
                _ => {}
            },
            Event::End(e) => match end_name(e) {
                "w:p" if in_fallback == 0 => current(&mut doc, &mut cells).push('\n'),
                "w:t" => in_t = in_t.saturating_sub(1),
                "w:r" => in_run = in_run.saturating_sub(1),
                "mc:Fallback" => in_fallback = in_fallback.saturating_sub(1),
                "w:tc" => {
                    if let Some(mut text) = cells.pop() {
                        text.truncate(text.trim_end_matches('\n').len());
                        if let Some(row) = rows.last_mut() {
                            row.push(text);
                        } else {
                            let out = current(&mut doc, &mut cells);
                            out.push_str(&text);
                            out.push('\n');
                        }
                    }
                }
                "w:tr" => {
                    if let Some(row) = rows.pop() {
                        let out = current(&mut doc, &mut cells);
                        out.push_str(&row.join("\t"));
                        out.push('\n');
                    }
                }
                _ => {}
            },
            Event::Empty(e) if in_fallback == 0 => match name_of(e) {
                "w:p" => current(&mut doc, &mut cells).push('\n'),
                "w:br" | "w:cr" if in_run > 0 => current(&mut doc, &mut cells).push('\n'),
                "w:tab" if in_run > 0 => current(&mut doc, &mut cells).push('\t'),
                _ => {}
            },
            _ if in_t == 0 || in_fallback > 0 => {}
            Event::Text(t) => current(&mut doc, &mut cells).push_str(&t.xml10_content()),
            Event::CData(t) => current(&mut doc, &mut cells).push_str(&t.xml10_content()),
            Event::GeneralRef(r) => push_ref(current(&mut doc, &mut cells), r, part)?,
            _ => {}
        }
    }
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

    /// A complete document.xml around `body`, A4 with Decree 30 margins.
    fn doc(body: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="{W}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>{body}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" w:right="851" w:bottom="1134" w:left="1701" w:header="709" w:footer="709" w:gutter="0"/></w:sectPr></w:body></w:document>"#
        )
    }

    fn p(text: &str) -> String {
        format!("<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>")
    }

    fn cell(text: &str) -> String {
        format!("<w:tc><w:tcPr><w:tcW w:w=\"2000\" w:type=\"dxa\"/></w:tcPr>{}</w:tc>", p(text))
    }

    fn row(cells: &[&str]) -> String {
        format!("<w:tr>{}</w:tr>", cells.iter().map(|c| cell(c)).collect::<String>())
    }

    fn table(rows: &[String]) -> String {
        format!(
            "<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"0\" w:type=\"auto\"/></w:tblPr><w:tblGrid><w:gridCol w:w=\"2000\"/><w:gridCol w:w=\"2000\"/></w:tblGrid>{}</w:tbl>",
            rows.concat()
        )
    }

    fn fields(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    fn values(pairs: &[(&str, &str)]) -> Values {
        Values { fields: fields(pairs), lists: BTreeMap::new() }
    }

    fn part(docx: &[u8], name: &str) -> String {
        let mut zip = ZipArchive::new(Cursor::new(docx)).unwrap();
        let mut text = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut text).unwrap();
        text
    }

    /// A package with extra parts (headers, footers) that `package` does not make.
    fn with_parts(docx: &[u8], extra: &[(&str, &str)]) -> Vec<u8> {
        let mut zin = ZipArchive::new(Cursor::new(docx)).unwrap();
        let mut zout = ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..zin.len() {
            zout.raw_copy_file(zin.by_index_raw(i).unwrap()).unwrap();
        }
        for (name, body) in extra {
            zout.start_file(*name, SimpleFileOptions::default()).unwrap();
            zout.write_all(body.as_bytes()).unwrap();
        }
        zout.finish().unwrap().into_inner()
    }

    /// Every rewritten part must still be well-formed XML.
    fn assert_well_formed(docx: &[u8]) {
        let mut zip = ZipArchive::new(Cursor::new(docx)).unwrap();
        for i in 0..zip.len() {
            let mut file = zip.by_index(i).unwrap();
            let name = file.name().unwrap().into_owned();
            if name.ends_with(".xml") || name.ends_with(".rels") {
                let mut xml = String::new();
                file.read_to_string(&mut xml).unwrap();
                parse_events(&xml, &name).unwrap_or_else(|e| panic!("{name}: {e}"));
            }
        }
    }

    #[test]
    fn fills_simple_fields() {
        let template = package(&doc(&format!("{}{}", p("Kính gửi: {{recipient}}"), p("{{ place }}, {{date}}"))));
        let out =
            fill(&template, &values(&[("recipient", "Hội đồng"), ("place", "Bắc Kạn"), ("date", "ngày 5")])).unwrap();
        assert_eq!(text_of(&out).unwrap(), "Kính gửi: Hội đồng\nBắc Kạn, ngày 5\n");
        assert_well_formed(&out);
        // Untouched entries are copied as they were.
        assert_eq!(part(&out, "word/styles.xml"), part(&template, "word/styles.xml"));
    }

    #[test]
    fn split_placeholder_keeps_the_other_runs_formatting() {
        let body = r#"<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>Kính gửi:</w:t></w:r><w:r><w:t xml:space="preserve"> Số {{iss</w:t></w:r><w:proofErr w:type="spellStart"/><w:bookmarkStart w:id="0" w:name="_GoBack"/><w:r><w:rPr><w:i/></w:rPr><w:t>uing_</w:t></w:r><w:bookmarkEnd w:id="0"/><w:r><w:rPr><w:u w:val="single"/></w:rPr><w:t xml:space="preserve">body}} hết</w:t></w:r><w:proofErr w:type="spellEnd"/></w:p>"#;
        let template = package(&doc(body));
        assert_eq!(placeholders(&template).unwrap(), ["issuing_body"]);
        let out = fill(&template, &values(&[("issuing_body", "SỞ NỘI VỤ")])).unwrap();
        assert_eq!(text_of(&out).unwrap(), "Kính gửi: Số SỞ NỘI VỤ hết\n");
        let xml = part(&out, DOCUMENT_XML);
        // The bold run is untouched, the value sits in the run where "{{" was, the underlined run keeps " hết".
        assert!(xml.contains(r#"<w:r><w:rPr><w:b/></w:rPr><w:t>Kính gửi:</w:t></w:r>"#), "{xml}");
        assert!(xml.contains(r#"<w:r><w:t xml:space="preserve"> Số SỞ NỘI VỤ</w:t></w:r>"#), "{xml}");
        assert!(xml.contains(r#"<w:r><w:rPr><w:i/></w:rPr></w:r>"#), "{xml}");
        assert!(xml.contains(r#"<w:rPr><w:u w:val="single"/></w:rPr><w:t xml:space="preserve"> hết</w:t>"#), "{xml}");
        assert!(xml.contains(r#"<w:proofErr w:type="spellStart"/><w:bookmarkStart w:id="0" w:name="_GoBack"/>"#));
        assert_well_formed(&out);
    }

    fn list(items: &[&[(&str, &str)]]) -> Vec<BTreeMap<String, String>> {
        items.iter().map(|item| fields(item)).collect()
    }

    fn nominee_template() -> Vec<u8> {
        package(&doc(&format!(
            "{}{}{}",
            p("Danh sách {{unit_name}}"),
            table(&[
                row(&["STT", "Họ và tên"]),
                row(&["{{nominees.no}}", "{{ nominees.name }} ({{year}})"]),
                row(&["", "Tổng: {{nominee_count}}"])
            ]),
            p("Hết")
        )))
    }

    #[test]
    fn repeats_a_row_per_item() {
        let mut v = values(&[("unit_name", "Sở Nội vụ"), ("year", "2026"), ("nominee_count", "3")]);
        v.lists.insert(
            "nominees".into(),
            list(&[&[("no", "1"), ("name", "An")], &[("no", "2"), ("name", "Bình")], &[("no", "3"), ("name", "Chi")]]),
        );
        let out = fill(&nominee_template(), &v).unwrap();
        assert_eq!(
            text_of(&out).unwrap(),
            "Danh sách Sở Nội vụ\nSTT\tHọ và tên\n1\tAn (2026)\n2\tBình (2026)\n3\tChi (2026)\n\tTổng: 3\nHết\n"
        );
        assert_well_formed(&out);
    }

    #[test]
    fn an_empty_list_removes_its_row() {
        let mut v = values(&[("unit_name", "X"), ("year", "2026"), ("nominee_count", "0")]);
        v.lists.insert("nominees".into(), Vec::new());
        let out = fill(&nominee_template(), &v).unwrap();
        assert_eq!(text_of(&out).unwrap(), "Danh sách X\nSTT\tHọ và tên\n\tTổng: 0\nHết\n");
        assert_well_formed(&out);

        // A table whose only row was removed goes too: Word rejects a table without rows.
        let only = package(&doc(&format!("{}{}", table(&[row(&["{{nominees.name}}"])]), p("Hết"))));
        let out = fill(&only, &v).unwrap();
        assert_eq!(text_of(&out).unwrap(), "Hết\n");
        assert!(!part(&out, DOCUMENT_XML).contains("w:tbl"));
    }

    #[test]
    fn nested_tables_repeat_their_own_rows() {
        let inner = table(&[row(&["{{awards.name}}", "{{people.name}}"])]);
        let outer = format!(
            "<w:tbl><w:tblPr/><w:tblGrid><w:gridCol w:w=\"4000\"/></w:tblGrid><w:tr><w:tc>{}{inner}{}</w:tc></w:tr></w:tbl>",
            p("{{people.name}}:"),
            p("")
        );
        let mut v = Values::default();
        v.lists.insert("people".into(), list(&[&[("name", "An")], &[("name", "Bình")]]));
        v.lists.insert("awards".into(), list(&[&[("name", "BK")], &[("name", "GK")]]));
        let out = fill(&package(&doc(&format!("{outer}{}", p("")))), &v).unwrap();
        assert_eq!(text_of(&out).unwrap(), "An:\nBK\tAn\nGK\tAn\nBình:\nBK\tBình\nGK\tBình\n\n");
        assert_well_formed(&out);
    }

    #[test]
    fn values_cannot_inject_xml_and_newlines_become_breaks() {
        let template = package(&doc(&p("Ghi chú: {{note}}.")));
        let note = "a <b> & \"c\" </w:t><w:b/>\nline 2\r\nline 3\u{0}\u{1b}";
        let out = fill(&template, &values(&[("note", note)])).unwrap();
        let xml = part(&out, DOCUMENT_XML);
        assert!(xml.contains("a &lt;b&gt; &amp;"), "{xml}");
        assert!(!xml.contains("<w:b/>"), "{xml}");
        assert_eq!(xml.matches("<w:br/>").count(), 2);
        assert_eq!(text_of(&out).unwrap(), "Ghi chú: a <b> & \"c\" </w:t><w:b/>\nline 2\nline 3.\n");
        assert_well_formed(&out);
    }

    #[test]
    fn entity_references_in_the_template_are_read() {
        let template = package(&doc(&p("A &amp; B: {{na&#109;e}} &lt;{{ unit }}&gt;")));
        assert_eq!(placeholders(&template).unwrap(), ["name", "unit"]);
        let out = fill(&template, &values(&[("name", "X&Y"), ("unit", "Z")])).unwrap();
        assert_eq!(text_of(&out).unwrap(), "A & B: X&Y <Z>\n");
        assert_well_formed(&out);
    }

    #[test]
    fn values_come_out_nfc() {
        let nfd = "Nguye\u{302}\u{303}n Va\u{306}n Đi\u{323}nh";
        let template = package(&doc(&p("{{full_name}}")));
        let mut v = values(&[("full_name", nfd)]);
        v.lists.insert("x".into(), Vec::new());
        let out = fill(&template, &v).unwrap();
        let xml = part(&out, DOCUMENT_XML);
        assert!(xml.contains("Nguyễn Văn Định"), "{xml}");
        assert!(!xml.contains('\u{302}'));
        assert_eq!(text_of(&out).unwrap(), "Nguyễn Văn Định\n");
    }

    #[test]
    fn missing_values_are_errors() {
        let err = fill(&package(&doc(&p("{{a}} {{b}}"))), &values(&[("a", "1")])).unwrap_err();
        assert!(matches!(&err, DocxError::UnknownPlaceholder(name) if name == "b"), "{err}");
        assert!(err.to_string().contains("{{b}}"), "{err}");

        // A badly written name is never filled, even if a value happens to exist under that key.
        let err = fill(&package(&doc(&p("{{Họ tên}}"))), &values(&[("Họ tên", "x")])).unwrap_err();
        assert!(matches!(&err, DocxError::UnknownPlaceholder(name) if name == "Họ tên"), "{err}");

        // A list that was not given, and an item without the field.
        let err = fill(&nominee_template(), &values(&[("unit_name", "X"), ("year", "1"), ("nominee_count", "1")]))
            .unwrap_err();
        assert!(matches!(&err, DocxError::UnknownPlaceholder(name) if name == "nominees.no"), "{err}");
        let mut v = values(&[("unit_name", "X"), ("year", "1"), ("nominee_count", "1")]);
        v.lists.insert("nominees".into(), list(&[&[("no", "1")]]));
        let err = fill(&nominee_template(), &v).unwrap_err();
        assert!(matches!(&err, DocxError::UnknownPlaceholder(name) if name == "nominees.name"), "{err}");
    }

    #[test]
    fn lists_placeholders_in_order_once() {
        let body = format!("{}{}{}", p("{{b}} {{a}} {{b}}"), nominee_body_rows(), p("{{ a }}{{c}}"));
        let header = format!(r#"<w:hdr xmlns:w="{W}">{}</w:hdr>"#, p("{{issuing_body}} {{a}}"));
        let footer = format!(r#"<w:ftr xmlns:w="{W}">{}</w:ftr>"#, p("{{page_note}}"));
        let template =
            with_parts(&package(&doc(&body)), &[("word/footer1.xml", &footer), ("word/header1.xml", &header)]);
        assert_eq!(
            placeholders(&template).unwrap(),
            ["b", "a", "nominees.no", "nominees.name", "year", "c", "issuing_body", "page_note"]
        );
        let mut v =
            values(&[("a", "A"), ("b", "B"), ("c", "C"), ("year", "Y"), ("issuing_body", "SỞ"), ("page_note", "N")]);
        v.lists.insert("nominees".into(), list(&[&[("no", "1"), ("name", "An")]]));
        let out = fill(&template, &v).unwrap();
        assert!(part(&out, "word/header1.xml").contains("SỞ A"));
        assert!(part(&out, "word/footer1.xml").contains(">N<"));
        assert_well_formed(&out);
        let err = fill(&template, &values(&[("a", "A"), ("b", "B"), ("c", "C"), ("year", "Y")])).unwrap_err();
        assert!(matches!(err, DocxError::UnknownPlaceholder(_)));
    }

    fn nominee_body_rows() -> String {
        table(&[row(&["STT", "Tên"]), row(&["{{nominees.no}}", "{{nominees.name}} {{year}}"])])
    }

    #[test]
    fn rejects_malformed_templates() {
        for garbage in [&b""[..], b"not a zip at all", b"PK\x03\x04garbage", &[0xff; 4096]] {
            assert!(matches!(placeholders(garbage), Err(DocxError::NotADocx(_))));
            assert!(matches!(fill(garbage, &Values::default()), Err(DocxError::NotADocx(_))));
            assert!(matches!(text_of(garbage), Err(DocxError::NotADocx(_))));
        }
        // A zip without word/document.xml (an .xlsx, say).
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file("xl/workbook.xml", SimpleFileOptions::default()).unwrap();
        zip.write_all(b"<workbook/>").unwrap();
        let xlsx = zip.finish().unwrap().into_inner();
        assert!(matches!(placeholders(&xlsx), Err(DocxError::NotADocx(m)) if m.contains("word/document.xml")));

        let bad_xml = ["<w:document><w:body>", "<w:p></w:r>", "<a>&nbsp;</a>", "<!DOCTYPE x><x/>", "<a b=></a>"];
        for xml in bad_xml {
            let template = package(xml);
            assert!(matches!(placeholders(&template), Err(DocxError::Xml(_))), "{xml}");
            assert!(matches!(fill(&template, &Values::default()), Err(DocxError::Xml(_))), "{xml}");
        }

        let unclosed = package(&doc(&format!("{}{}", p("Số {{number"), p("}}"))));
        let err = placeholders(&unclosed).unwrap_err();
        assert!(matches!(&err, DocxError::UnclosedPlaceholder(m) if m.contains("{{number")), "{err}");
        let twice = package(&doc(&p("{{a {{b}}")));
        assert!(matches!(placeholders(&twice), Err(DocxError::UnclosedPlaceholder(_))));

        let outside = package(&doc(&p("{{nominees.name}}")));
        assert!(matches!(placeholders(&outside), Err(DocxError::ListOutsideRow(n)) if n == "nominees.name"));
        assert!(matches!(fill(&outside, &Values::default()), Err(DocxError::ListOutsideRow(_))));

        let mixed = package(&doc(&table(&[row(&["{{a.x}}", "{{b.y}}"])])));
        let err = placeholders(&mixed).unwrap_err();
        assert!(matches!(&err, DocxError::MixedListsInRow(m) if m == "{{a.x}} and {{b.y}}"), "{err}");
    }

    #[test]
    fn never_panics_on_damaged_packages() {
        let template = nominee_template();
        for len in (0..template.len()).step_by(7) {
            let _ = placeholders(&template[..len]);
            let _ = fill(&template[..len], &Values::default());
            let _ = text_of(&template[..len]);
        }
        let mut flipped = template.clone();
        for i in (0..flipped.len()).step_by(13) {
            flipped[i] ^= 0x5a;
            let _ = placeholders(&flipped);
            let _ = fill(&flipped, &Values::default());
            flipped[i] ^= 0x5a;
        }
    }

    #[test]
    fn deep_nesting_takes_linear_time() {
        let depth = 5000;
        let mut body = String::new();
        for level in 0..depth {
            body.push_str(&format!("<w:tbl><w:tr><w:tc><w:p><w:r><w:t>{{{{l{level}.x}}}}</w:t></w:r></w:p>"));
        }
        body.push_str(&"</w:tc></w:tr></w:tbl>".repeat(depth));
        let template = package(&doc(&body));
        let started = std::time::Instant::now();
        assert_eq!(placeholders(&template).unwrap().len(), depth);
        assert!(matches!(fill(&template, &Values::default()), Err(DocxError::UnknownPlaceholder(n)) if n == "l0.x"));
        assert!(text_of(&template).unwrap().starts_with("{{l0.x}}\n{{l1.x}}"));
        assert!(started.elapsed() < std::time::Duration::from_secs(5), "{:?}", started.elapsed());
    }

    #[test]
    fn refuses_an_oversized_document_xml() {
        // Stored, not deflated, to keep the test fast: the limit counts uncompressed bytes either way.
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
        zip.start_file(DOCUMENT_XML, stored).unwrap();
        let chunk = vec![b' '; 1 << 20];
        for _ in 0..=(MAX_PART_BYTES >> 20) {
            zip.write_all(&chunk).unwrap();
        }
        let big = zip.finish().unwrap().into_inner();
        let err = placeholders(&big).unwrap_err();
        assert!(matches!(&err, DocxError::NotADocx(m) if m.contains("20 MB")), "{err}");
        assert!(matches!(fill(&big, &Values::default()), Err(DocxError::NotADocx(_))));
    }

    #[test]
    fn text_of_reads_back_paragraphs_and_tables() {
        let body = format!(
            "{}{}{}<w:p/>{}",
            p("QUYẾT ĐỊNH"),
            table(&[row(&["a", "b"]), row(&["c", ""])]),
            r#"<w:p><w:r><w:t>x</w:t><w:br/><w:t>y</w:t><w:tab/><w:delText>gone</w:delText></w:r></w:p>"#,
            p("Nguye\u{302}\u{303}n")
        );
        let docx = package(&doc(&body));
        assert_eq!(text_of(&docx).unwrap(), "QUYẾT ĐỊNH\na\tb\nc\t\nx\ny\t\n\nNguyễn\n");
        // Filling with nothing to fill gives the same document text back.
        assert_eq!(text_of(&fill(&docx, &Values::default()).unwrap()).unwrap(), text_of(&docx).unwrap());
    }

    #[test]
    fn package_parts_are_well_formed() {
        let docx = package(&doc(&p("x")));
        assert_well_formed(&docx);
        let styles = part(&docx, "word/styles.xml");
        assert!(styles.contains(r#"w:styleId="TableGrid""#) && styles.contains(r#"<w:sz w:val="28"/>"#));
        assert!(styles.contains(r#"w:val="vi-VN""#));
    }

    #[test]
    fn fills_500_rows_quickly() {
        let template = package(&doc(&table(&[
            row(&["STT", "Họ và tên", "Chức vụ, đơn vị"]),
            row(&["{{awards.no}}", "{{awards.name}}", "{{awards.position_unit}}"]),
        ])));
        let mut v = Values::default();
        let items = (1..=500)
            .map(|n| {
                let (no, name) = (n.to_string(), format!("Nguyễn Văn {n}"));
                fields(&[("no", no.as_str()), ("name", name.as_str()), ("position_unit", "Chuyên viên, Sở Nội vụ")])
            })
            .collect();
        v.lists.insert("awards".into(), items);
        let started = std::time::Instant::now();
        let out = fill(&template, &v).unwrap();
        let elapsed = started.elapsed();
        eprintln!("filled 500 rows in {elapsed:?}");
        let text = text_of(&out).unwrap();
        assert_eq!(text.lines().count(), 501);
        assert!(text.ends_with("500\tNguyễn Văn 500\tChuyên viên, Sở Nội vụ\n"));
        // Generous: debug builds on a loaded machine; release takes a few milliseconds.
        assert!(elapsed < std::time::Duration::from_secs(5), "{elapsed:?}");
    }
}
