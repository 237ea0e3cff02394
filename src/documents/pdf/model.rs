//! `word/document.xml` read into the small model the layout understands (docx-subset.md).
//!
//! One streaming pass over the XML with a stack of open element names: no DOM, no recursion,
//! so neither a large nor a deeply nested document can exhaust memory or the stack. Elements
//! outside the subset are transparent (their runs still count); drawings, objects and tracked
//! changes' old state are skipped whole.

use std::borrow::Cow;

use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use unicode_normalization::UnicodeNormalization;

use super::PdfError;

/// Twentieths of a point, the unit of every length in WordprocessingML but font sizes.
const TWIPS_PER_PT: f32 = 20.0;
/// The size of text without `w:sz` (Decree 30 body text).
pub(super) const DEFAULT_SIZE: f32 = 14.0;
/// Paragraphs, rows, cells, breaks and characters of text a document may have: about 300
/// pages of dense text, or an annex of 7000 rows (0.7 s and 130 MB to render, optimised). It
/// bounds the memory and time of a render (at worst about 300 MB, for a million empty paragraphs).
const MAX_ITEMS: usize = 1_000_000;
/// No length in a page layout is sensibly longer than this (twips: 22 inches, Word's maximum).
const MAX_TWIPS: f32 = 31_680.0;

/// Horizontal alignment of a paragraph's lines, or of a table on the page.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Align {
    Left,
    Center,
    Right,
    /// Justified, the last line left-aligned.
    Both,
    /// Justified, the last line too.
    Distribute,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum LineRule {
    /// A multiple of the font's natural line height.
    Auto(f32),
    /// Exactly this many points.
    Exact(f32),
    /// At least this many points.
    AtLeast(f32),
}

#[derive(Clone, Debug)]
pub(super) struct ParaProps {
    pub align: Align,
    /// Indents in points; `first_line` is negative for a hanging indent.
    pub left: f32,
    pub right: f32,
    pub first_line: f32,
    pub before: f32,
    pub after: f32,
    pub line: LineRule,
    pub page_break_before: bool,
    pub keep_next: bool,
    /// Thickness (pt) of a rule under the paragraph.
    pub border_bottom: Option<f32>,
    /// Size of the paragraph mark: the height of an empty paragraph.
    pub mark_size: f32,
}

impl Default for ParaProps {
    fn default() -> Self {
        ParaProps {
            align: Align::Left,
            left: 0.0,
            right: 0.0,
            first_line: 0.0,
            before: 0.0,
            after: 0.0,
            line: LineRule::Auto(1.0),
            page_break_before: false,
            keep_next: false,
            border_bottom: None,
            mark_size: DEFAULT_SIZE,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct RunStyle {
    pub bold: bool,
    pub italic: bool,
    pub underline: bool,
    pub caps: bool,
    pub size: f32,
}

impl Default for RunStyle {
    fn default() -> Self {
        RunStyle { bold: false, italic: false, underline: false, caps: false, size: DEFAULT_SIZE }
    }
}

#[derive(Clone, Debug)]
pub(super) enum Inline {
    /// NFC text, already upper-cased for `w:caps`.
    Text(RunStyle, String),
    Tab(RunStyle),
    Break(RunStyle),
    PageBreak(RunStyle),
}

#[derive(Clone, Debug, Default)]
pub(super) struct Paragraph {
    pub props: ParaProps,
    pub inlines: Vec<Inline>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(super) enum VAlign {
    #[default]
    Top,
    Center,
    Bottom,
}

/// Which of a table's six border kinds are drawn (all single lines).
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Borders {
    pub top: bool,
    pub bottom: bool,
    pub left: bool,
    pub right: bool,
    pub inside_h: bool,
    pub inside_v: bool,
}

#[derive(Clone, Debug)]
pub(super) struct Table {
    /// Column widths (pt) from `w:tblGrid`.
    pub grid: Vec<f32>,
    pub align: Align,
    pub pad_left: f32,
    pub pad_right: f32,
    pub borders: Borders,
    pub rows: Vec<Row>,
    /// `w:tblBorders` as written (top, bottom, left, right, insideH, insideV); unset sides
    /// follow the table style.
    sides: [Option<bool>; 6],
    style: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub(super) struct Row {
    pub header: bool,
    pub min_height: f32,
    pub cells: Vec<Cell>,
}

#[derive(Clone, Debug)]
pub(super) struct Cell {
    pub span: usize,
    pub valign: VAlign,
    /// Paragraphs; a nested table arrives here as its cells' paragraphs.
    pub paragraphs: Vec<Paragraph>,
}

#[derive(Clone, Debug)]
pub(super) enum Block {
    Paragraph(Paragraph),
    Table(Table),
}

/// Page size and margins in points.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct PageSetup {
    pub width: f32,
    pub height: f32,
    pub top: f32,
    pub bottom: f32,
    pub left: f32,
    pub right: f32,
}

impl Default for PageSetup {
    /// A4 with Decree 30 margins (20 mm, 20 mm, 30 mm, 20 mm).
    fn default() -> Self {
        let pt = |twips: f32| twips / TWIPS_PER_PT;
        PageSetup {
            width: pt(11906.0),
            height: pt(16838.0),
            top: pt(1134.0),
            bottom: pt(1134.0),
            left: pt(1701.0),
            right: pt(1134.0),
        }
    }
}

impl PageSetup {
    /// Keeps the page between 1 and 200 inches and at least a fifth of it for text.
    fn clamped(self) -> PageSetup {
        let width = self.width.clamp(72.0, 14_400.0);
        let height = self.height.clamp(72.0, 14_400.0);
        let margin = |m: f32, dim: f32| m.clamp(0.0, dim * 0.4);
        PageSetup {
            width,
            height,
            top: margin(self.top, height),
            bottom: margin(self.bottom, height),
            left: margin(self.left, width),
            right: margin(self.right, width),
        }
    }
}

/// A run of blocks on pages of one size; a section starts on a new page unless `continuous`.
#[derive(Clone, Debug)]
pub(super) struct Section {
    pub page: PageSetup,
    pub continuous: bool,
    pub blocks: Vec<Block>,
}

/// Elements whose whole content is left out: drawings and text boxes (their text would land in
/// the middle of a line), OLE objects, and the previous state kept by tracked changes.
const SKIPPED: &[&str] = &[
    "drawing",
    "pict",
    "object",
    "AlternateContent",
    "moveFrom",
    "rPrChange",
    "pPrChange",
    "tblPrChange",
    "trPrChange",
    "tcPrChange",
    "sectPrChange",
    "tblGridChange",
];

/// Reads the body of `word/document.xml` into sections of blocks.
pub(super) fn parse(xml: &str) -> Result<Vec<Section>, PdfError> {
    let mut reader = Reader::from_str(xml);
    let mut p = Parser::default();
    loop {
        let event =
            reader.read_event().map_err(|e| PdfError::Xml(format!("{e} at byte {}", reader.error_position())))?;
        if p.skip > 0 {
            match event {
                Event::Start(_) => p.skip += 1,
                Event::End(_) => p.skip -= 1,
                Event::Eof => break,
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(e) => {
                let name = e.local_name();
                if SKIPPED.contains(&name.as_ref()) {
                    p.skip = 1;
                    continue;
                }
                p.open(name.as_ref(), &e);
                p.stack.push(context(name.as_ref()));
            }
            Event::Empty(e) => {
                let name = e.local_name();
                if !SKIPPED.contains(&name.as_ref()) {
                    p.open(name.as_ref(), &e);
                    p.close(context(name.as_ref()));
                }
            }
            Event::End(_) => {
                if let Some(name) = p.stack.pop() {
                    p.close(name);
                }
            }
            Event::Text(t) => {
                if let Some(buf) = p.text.as_mut() {
                    buf.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some(buf) = p.text.as_mut() {
                    buf.push_str(&t.into_inner());
                }
            }
            Event::GeneralRef(r) => {
                if let Some(buf) = p.text.as_mut() {
                    let c = match &*r {
                        "amp" => Some('&'),
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        _ => r.resolve_char_ref().ok().flatten(),
                    };
                    buf.extend(c);
                }
            }
            Event::Eof => break,
            _ => {}
        }
        if p.items > MAX_ITEMS {
            return Err(PdfError::Xml(format!("more than {MAX_ITEMS} paragraphs, cells and characters")));
        }
    }
    let page = p.final_section.unwrap_or((PageSetup::default(), false));
    p.sections.push(Section { page: page.0.clamped(), continuous: page.1, blocks: std::mem::take(&mut p.blocks) });
    Ok(p.sections)
}

/// The parser's state between events.
#[derive(Default)]
struct Parser {
    /// The open elements, as far as their names matter to what they contain.
    stack: Vec<&'static str>,
    /// Depth inside a skipped element (0: not skipping).
    skip: usize,
    sections: Vec<Section>,
    blocks: Vec<Block>,
    /// Open tables, innermost last.
    tables: Vec<Table>,
    para: Option<Paragraph>,
    /// What has been read, counted against [`MAX_ITEMS`].
    items: usize,
    /// Nesting of `w:p` (text boxes can nest them); only the outermost makes a paragraph.
    para_depth: usize,
    run: RunStyle,
    /// Text of the open `w:t` and whether it keeps its outer spaces.
    text: Option<String>,
    preserve: bool,
    /// The `w:sectPr` being read, and the one a paragraph ends its section with.
    sect: (PageSetup, bool),
    para_section: Option<(PageSetup, bool)>,
    final_section: Option<(PageSetup, bool)>,
}

impl Parser {
    fn parent(&self, depth: usize) -> &'static str {
        self.stack.len().checked_sub(depth + 1).and_then(|i| self.stack.get(i)).copied().unwrap_or("")
    }

    fn cell(&mut self) -> Option<&mut Cell> {
        self.tables.last_mut()?.rows.last_mut()?.cells.last_mut()
    }

    fn open(&mut self, name: &str, e: &BytesStart) {
        let (parent, grand) = (self.parent(0), self.parent(1));
        let in_run_props = parent == "rPr" && grand == "r";
        if matches!(name, "p" | "tr" | "tc" | "tab" | "br" | "cr") {
            self.items += 1;
        }
        let under_para_props = parent == "rPr" && grand == "pPr";
        match (name, parent) {
            ("p", _) => {
                self.para_depth += 1;
                if self.para_depth == 1 {
                    self.para = Some(Paragraph::default());
                }
            }
            ("r", _) => self.run = RunStyle::default(),
            ("t", "r") => {
                self.text = Some(String::new());
                self.preserve = attr_raw(e, "xml:space").as_deref() == Some("preserve");
            }
            ("tab", "r") => self.push_inline(Inline::Tab(self.run)),
            ("cr", "r") => self.push_inline(Inline::Break(self.run)),
            ("br", "r") => {
                let page = attr(e, "type").as_deref() == Some("page");
                self.push_inline(if page { Inline::PageBreak(self.run) } else { Inline::Break(self.run) });
            }
            ("noBreakHyphen", "r") => self.push_inline(Inline::Text(self.run, "-".into())),
            ("b", _) if in_run_props => self.run.bold = toggle(e),
            ("i", _) if in_run_props => self.run.italic = toggle(e),
            ("caps", _) if in_run_props => self.run.caps = toggle(e),
            ("u", _) if in_run_props => self.run.underline = !matches!(attr(e, "val").as_deref(), Some("none" | "0")),
            ("sz", _) if in_run_props => self.run.size = half_points(e).unwrap_or(DEFAULT_SIZE),
            ("sz", _) if under_para_props => {
                if let (Some(para), Some(size)) = (self.para.as_mut(), half_points(e)) {
                    para.props.mark_size = size;
                }
            }
            (_, "pPr") => self.paragraph_property(name, e),
            ("bottom", "pBdr") => {
                if let Some(para) = self.para.as_mut() {
                    let eighths = number(e, "sz").unwrap_or(4.0).clamp(2.0, 96.0);
                    para.props.border_bottom = drawn(e).then_some(eighths / 8.0);
                }
            }
            ("tbl", _) => self.tables.push(Table {
                grid: Vec::new(),
                align: Align::Left,
                pad_left: 108.0 / TWIPS_PER_PT,
                pad_right: 108.0 / TWIPS_PER_PT,
                borders: Borders::default(),
                rows: Vec::new(),
                sides: [None; 6],
                style: None,
            }),
            _ => self.table_property(name, parent, e),
        }
    }

    fn paragraph_property(&mut self, name: &str, e: &BytesStart) {
        if name == "sectPr" {
            self.sect = (PageSetup::default(), false);
            return;
        }
        let Some(props) = self.para.as_mut().map(|p| &mut p.props) else { return };
        match name {
            "jc" => props.align = align(e),
            "ind" => {
                props.left = twips(e, "left").or_else(|| twips(e, "start")).unwrap_or(0.0);
                props.right = twips(e, "right").or_else(|| twips(e, "end")).unwrap_or(0.0);
                props.first_line = match (twips(e, "hanging"), twips(e, "firstLine")) {
                    (Some(hanging), _) => -hanging,
                    (None, first) => first.unwrap_or(0.0),
                };
            }
            "spacing" => {
                props.before = twips(e, "before").unwrap_or(props.before).max(0.0);
                props.after = twips(e, "after").unwrap_or(props.after).max(0.0);
                if let Some(line) = number(e, "line") {
                    props.line = match attr(e, "lineRule").as_deref() {
                        Some("exact") => LineRule::Exact((line.abs() / TWIPS_PER_PT).clamp(1.0, MAX_TWIPS / 20.0)),
                        Some("atLeast") => LineRule::AtLeast((line / TWIPS_PER_PT).clamp(0.0, MAX_TWIPS / 20.0)),
                        _ => LineRule::Auto((line / 240.0).clamp(0.25, 10.0)),
                    };
                }
            }
            "pageBreakBefore" => props.page_break_before = toggle(e),
            "keepNext" => props.keep_next = toggle(e),
            _ => {}
        }
    }

    fn table_property(&mut self, name: &str, parent: &str, e: &BytesStart) {
        if parent == "sectPr" {
            let page = &mut self.sect.0;
            match name {
                "pgSz" => {
                    page.width = twips(e, "w").unwrap_or(page.width);
                    page.height = twips(e, "h").unwrap_or(page.height);
                }
                "pgMar" => {
                    let side = |key, old: f32| twips(e, key).map_or(old, f32::abs);
                    (page.top, page.bottom) = (side("top", page.top), side("bottom", page.bottom));
                    (page.left, page.right) = (side("left", page.left), side("right", page.right));
                }
                "type" => self.sect.1 = attr(e, "val").as_deref() == Some("continuous"),
                _ => {}
            }
            return;
        }
        if name == "sectPr" {
            self.sect = (PageSetup::default(), false);
            return;
        }
        let Some(table) = self.tables.last_mut() else { return };
        match (name, parent) {
            ("tblStyle", "tblPr") => table.style = attr(e, "val").map(String::from),
            ("jc", "tblPr") => table.align = align(e),
            ("left" | "start", "tblCellMar") => table.pad_left = twips(e, "w").unwrap_or(table.pad_left).max(0.0),
            ("right" | "end", "tblCellMar") => table.pad_right = twips(e, "w").unwrap_or(table.pad_right).max(0.0),
            (_, "tblBorders") => {
                let index = ["top", "bottom", "left", "right", "insideH", "insideV"].iter().position(|s| *s == name);
                let index = index.or(match name {
                    "start" => Some(2),
                    "end" => Some(3),
                    _ => None,
                });
                if let Some(i) = index {
                    table.sides[i] = Some(drawn(e));
                }
            }
            ("gridCol", "tblGrid") => table.grid.push(twips(e, "w").unwrap_or(0.0).max(0.0)),
            ("tr", _) => table.rows.push(Row::default()),
            ("tblHeader", "trPr") => {
                if let Some(row) = table.rows.last_mut() {
                    row.header = toggle(e);
                }
            }
            ("trHeight", "trPr") => {
                if let Some(row) = table.rows.last_mut() {
                    row.min_height = twips(e, "val").unwrap_or(0.0).max(0.0);
                }
            }
            ("tc", _) => {
                if table.rows.is_empty() {
                    table.rows.push(Row::default());
                }
                if let Some(row) = table.rows.last_mut() {
                    row.cells.push(Cell { span: 1, valign: VAlign::Top, paragraphs: Vec::new() });
                }
            }
            ("gridSpan", "tcPr") => {
                if let Some(cell) = self.cell() {
                    cell.span = number(e, "val").unwrap_or(1.0).clamp(1.0, 64.0) as usize;
                }
            }
            ("vAlign", "tcPr") => {
                if let Some(cell) = self.cell() {
                    cell.valign = match attr(e, "val").as_deref() {
                        Some("center") => VAlign::Center,
                        Some("bottom") => VAlign::Bottom,
                        _ => VAlign::Top,
                    };
                }
            }
            _ => {}
        }
    }

    fn close(&mut self, name: &'static str) {
        match name {
            "t" => {
                let Some(raw) = self.text.take() else { return };
                let raw = if self.preserve { raw.as_str() } else { raw.trim() };
                let mut text: String =
                    if unicode_normalization::is_nfc(raw) { raw.to_owned() } else { raw.nfc().collect() };
                if self.run.caps {
                    text = text.to_uppercase();
                }
                self.items += text.chars().count();
                if !text.is_empty() {
                    self.push_inline(Inline::Text(self.run, text));
                }
            }
            "p" => {
                self.para_depth = self.para_depth.saturating_sub(1);
                if self.para_depth > 0 {
                    return;
                }
                let Some(para) = self.para.take() else { return };
                if self.tables.is_empty() {
                    self.blocks.push(Block::Paragraph(para));
                    if let Some((page, continuous)) = self.para_section.take() {
                        let blocks = std::mem::take(&mut self.blocks);
                        self.sections.push(Section { page: page.clamped(), continuous, blocks });
                    }
                } else if let Some(cell) = self.cell() {
                    cell.paragraphs.push(para);
                }
            }
            "sectPr" => match self.parent(0) {
                "pPr" => self.para_section = Some(self.sect),
                "body" => self.final_section = Some(self.sect),
                _ => {}
            },
            "tbl" => {
                let Some(mut table) = self.tables.pop() else { return };
                let ruled = table.style.as_deref().is_some_and(|s| s != "TableNormal");
                let [top, bottom, left, right, inside_h, inside_v] = table.sides.map(|side| side.unwrap_or(ruled));
                table.borders = Borders { top, bottom, left, right, inside_h, inside_v };
                if self.tables.is_empty() {
                    self.blocks.push(Block::Table(table));
                } else if let Some(cell) = self.cell() {
                    let inner = table.rows.into_iter().flat_map(|r| r.cells).flat_map(|c| c.paragraphs);
                    cell.paragraphs.extend(inner);
                }
            }
            _ => {}
        }
    }

    fn push_inline(&mut self, inline: Inline) {
        if let Some(para) = self.para.as_mut() {
            para.inlines.push(inline);
        }
    }
}

/// Names of the elements whose children are read in their context ("" for the others).
fn context(name: &str) -> &'static str {
    const NAMES: &[&str] = &[
        "body",
        "p",
        "pPr",
        "pBdr",
        "r",
        "rPr",
        "t",
        "tbl",
        "tblPr",
        "tblBorders",
        "tblCellMar",
        "tblGrid",
        "tr",
        "trPr",
        "tc",
        "tcPr",
        "sectPr",
    ];
    NAMES.iter().find(|n| **n == name).copied().unwrap_or("")
}

/// The value of the attribute whose local name is `key` (`w:val` → "val").
fn attr<'e>(e: &'e BytesStart, key: &str) -> Option<Cow<'e, str>> {
    e.attributes().flatten().find(|a: &Attribute| a.key.local_name().as_ref() == key).map(|a| a.value)
}

/// The value of the attribute whose full name is `key` (`xml:space`).
fn attr_raw<'e>(e: &'e BytesStart, key: &str) -> Option<Cow<'e, str>> {
    e.attributes().flatten().find(|a: &Attribute| a.key.as_ref() == key).map(|a| a.value)
}

/// A number attribute; some writers use decimals, and nothing here needs more than f32.
fn number(e: &BytesStart, key: &str) -> Option<f32> {
    let v: f32 = attr(e, key)?.trim().parse().ok()?;
    v.is_finite().then_some(v.clamp(-MAX_TWIPS, MAX_TWIPS))
}

/// A length attribute in twips, as points.
fn twips(e: &BytesStart, key: &str) -> Option<f32> {
    number(e, key).map(|v| v / TWIPS_PER_PT)
}

/// `w:sz` (half-points) as points, between 1 and 200.
fn half_points(e: &BytesStart) -> Option<f32> {
    number(e, "val").map(|v| (v / 2.0).clamp(1.0, 200.0))
}

/// A toggle property: on unless `w:val` switches it off.
fn toggle(e: &BytesStart) -> bool {
    !matches!(attr(e, "val").as_deref(), Some("0" | "false" | "off"))
}

/// Whether a border element draws a line.
fn drawn(e: &BytesStart) -> bool {
    !matches!(attr(e, "val").as_deref(), Some("nil" | "none") | None)
}

fn align(e: &BytesStart) -> Align {
    match attr(e, "val").as_deref() {
        Some("center") => Align::Center,
        Some("right" | "end") => Align::Right,
        Some("both" | "justify") => Align::Both,
        Some("distribute") => Align::Distribute,
        _ => Align::Left,
    }
}
