//! Lays the model out on pages: text measured with the embedded fonts' advances, greedy line
//! breaking, justification, tables with repeated header rows, page numbers.
//!
//! Everything is positioned here in points (origin top-left, y down, as krilla draws); drawing
//! only copies glyphs and rectangles to the PDF. Lines are shared (`Rc`) between the block that
//! made them and the pages that show them, so a repeated header row costs nothing.

use std::borrow::Cow;
use std::rc::Rc;

use krilla::text::Font;
use skrifa::charmap::Charmap;
use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::{FontRef, MetadataProvider};

use super::model::{Align, Block, Borders, Inline, LineRule, PageSetup, Paragraph, RunStyle, Section, Table, VAlign};
use super::PdfError;

static REGULAR: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/fonts/LiberationSerif-Regular.ttf"));
static BOLD: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/fonts/LiberationSerif-Bold.ttf"));
static ITALIC: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/fonts/LiberationSerif-Italic.ttf"));
static BOLD_ITALIC: &[u8] =
    include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/fonts/LiberationSerif-BoldItalic.ttf"));

/// Word's default tab stops: every 1.27 cm.
const TAB_STOP: f32 = 36.0;
/// Page numbers (Decree 30: 13–14 pt).
const PAGE_NUMBER_SIZE: f32 = 13.0;
/// Table rules: single lines, 0.5 pt (`w:sz="4"`).
const BORDER: f32 = 0.5;
/// Pages a document may have: a bound on the work one render does.
const MAX_PAGES: usize = 5000;
/// Slack for comparisons of summed f32 lengths.
const EPS: f32 = 0.01;

// ---------------------------------------------------------------------------------------------
// Fonts

/// One style of Liberation Serif: the krilla font to draw with, and what is needed to measure.
/// Metrics are in em (multiply by the size in points).
pub(super) struct Face {
    pub font: Font,
    charmap: Charmap<'static>,
    advances: GlyphMetrics<'static>,
    ascent: f32,
    descent: f32,
    gap: f32,
    underline_offset: f32,
    underline_thickness: f32,
}

impl Face {
    fn load(data: &'static [u8]) -> Result<Face, PdfError> {
        let font =
            Font::new(data.into(), 0).ok_or_else(|| PdfError::Font("the embedded font cannot be read".into()))?;
        let font_ref =
            FontRef::new(data).map_err(|e| PdfError::Font(format!("the embedded font cannot be read: {e}")))?;
        let metrics = font_ref.metrics(Size::new(1.0), LocationRef::default());
        let underline = metrics.underline.unwrap_or(skrifa::metrics::Decoration { offset: -0.1, thickness: 0.05 });
        Ok(Face {
            font,
            charmap: font_ref.charmap(),
            advances: font_ref.glyph_metrics(Size::new(1.0), LocationRef::default()),
            ascent: metrics.ascent.abs(),
            descent: metrics.descent.abs(),
            gap: metrics.leading.max(0.0),
            underline_offset: underline.offset,
            underline_thickness: underline.thickness.max(0.02),
        })
    }

    /// The glyph for `c` and its advance in em, or `None` if the font lacks it.
    fn glyph(&self, c: char) -> Option<(u32, f32)> {
        let gid = self.charmap.map(c).filter(|g| g.to_u32() != 0)?;
        Some((gid.to_u32(), self.advances.advance_width(gid).unwrap_or(0.0)))
    }
}

/// The four styles, read once per render.
pub(super) struct Fonts {
    faces: [Face; 4],
}

impl Fonts {
    pub(super) fn load() -> Result<Fonts, PdfError> {
        Ok(Fonts { faces: [Face::load(REGULAR)?, Face::load(BOLD)?, Face::load(ITALIC)?, Face::load(BOLD_ITALIC)?] })
    }

    pub(super) fn face(&self, index: usize) -> &Face {
        &self.faces[index % 4]
    }
}

// ---------------------------------------------------------------------------------------------
// Output: what the pages show

/// A filled rectangle: an underline, a paragraph rule, a table border.
#[derive(Clone, Copy, Debug)]
pub(super) struct Rule {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

/// Glyphs of one style on one line, drawn with one krilla call. `text` holds the character
/// each glyph stands for, one for one (spaces included, so extracted text keeps its word gaps).
#[derive(Debug)]
pub(super) struct TextRun {
    pub x: f32,
    pub baseline: f32,
    pub style: Style,
    pub text: String,
    /// Glyph ids and advances in em (a stretched space is wider than the font's).
    pub glyphs: Vec<(u32, f32)>,
}

/// One laid-out line; positions are relative to its top-left corner.
#[derive(Debug, Default)]
pub(super) struct LineBox {
    pub height: f32,
    pub runs: Vec<TextRun>,
    pub rules: Vec<Rule>,
    page_break_after: bool,
}

/// A page: lines at their offsets, and the rules drawn on it.
pub(super) struct PageOut {
    pub width: f32,
    pub height: f32,
    pub lines: Vec<(f32, f32, Rc<LineBox>)>,
    pub rules: Vec<Rule>,
}

// ---------------------------------------------------------------------------------------------
// Paragraphs

/// What a run of text is drawn with: one of [`Fonts`]' faces, at a size in points.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Style {
    pub face: usize,
    pub size: f32,
    underline: bool,
}

impl Style {
    fn of(run: &RunStyle) -> Style {
        Style { face: usize::from(run.bold) | usize::from(run.italic) << 1, size: run.size, underline: run.underline }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Glyph,
    Space,
    Tab,
    Break,
    PageBreak,
}

/// One character of a paragraph with its measured advance (pt).
#[derive(Clone, Copy, Debug)]
struct Ch {
    c: char,
    kind: Kind,
    style: Style,
    glyph: Option<u32>,
    advance: f32,
}

/// A paragraph laid out at one width.
pub(super) struct ParaBox {
    pub lines: Vec<Rc<LineBox>>,
    before: f32,
    after: f32,
    keep_next: bool,
    page_break_before: bool,
}

impl ParaBox {
    fn height(&self) -> f32 {
        self.before + self.lines.iter().map(|l| l.height).sum::<f32>() + self.after
    }
}

/// The characters of a paragraph, measured.
fn characters(fonts: &Fonts, para: &Paragraph) -> Vec<Ch> {
    let mut out = Vec::new();
    for inline in &para.inlines {
        let (run, text) = match inline {
            Inline::Text(run, text) => (run, text.as_str()),
            Inline::Tab(run) => (run, "\t"),
            Inline::Break(run) => (run, "\n"),
            Inline::PageBreak(run) => (run, "\u{c}"),
        };
        let style = Style::of(run);
        let face = fonts.face(style.face);
        for c in text.chars() {
            let kind = match c {
                '\t' => Kind::Tab,
                '\n' | '\r' => Kind::Break,
                '\u{c}' => Kind::PageBreak,
                '\u{a0}' | '\u{2007}' | '\u{202f}' => Kind::Glyph,
                c if c.is_whitespace() => Kind::Space,
                c if c.is_control() || c == '\u{ad}' => continue,
                _ => Kind::Glyph,
            };
            let shown = if kind == Kind::Tab { ' ' } else { c };
            let glyph = face.glyph(shown);
            let advance = glyph.map_or(0.0, |g| g.1 * style.size);
            out.push(Ch { c: shown, kind, style, glyph: glyph.map(|g| g.0), advance });
        }
    }
    out
}

/// A line's characters `start..end` (without the break that ended it).
struct Span {
    start: usize,
    end: usize,
    /// The paragraph's last line (not stretched when justified).
    last: bool,
    page_break: bool,
}

/// Where a line that starts `x` points into the column, a tab at `x` ends: Word's default stops,
/// plus the hanging indent's.
fn tab_end(x: f32, hanging_stop: Option<f32>) -> f32 {
    let next = ((x + EPS) / TAB_STOP).floor() * TAB_STOP + TAB_STOP;
    match hanging_stop {
        Some(stop) if stop > x + EPS && stop < next => stop,
        _ => next,
    }
}

/// Greedy line breaking at spaces and tabs; a word longer than the line is cut where it overflows.
/// Tab advances are set here, as they depend on where the tab falls.
fn break_lines(chars: &mut [Ch], para: &Paragraph, width: f32) -> Vec<Span> {
    let props = &para.props;
    let hanging_stop = (props.first_line < 0.0).then_some(props.left);
    let mut lines: Vec<Span> = Vec::new();
    let mut start = 0;
    loop {
        let origin = props.left + if lines.is_empty() { props.first_line } else { 0.0 };
        let avail = (width - origin - props.right).max(1.0);
        let (mut x, mut i, mut opportunity) = (0.0, start, None);
        let mut end = None;
        while let Some(ch) = chars.get(i).copied() {
            match ch.kind {
                Kind::Break | Kind::PageBreak => {
                    end = Some((i, i + 1));
                    break;
                }
                Kind::Space => x += ch.advance,
                Kind::Tab => {
                    let advance = tab_end(origin + x, hanging_stop) - origin - x;
                    chars[i].advance = advance;
                    x += advance;
                }
                Kind::Glyph => {
                    if i > start && matches!(chars[i - 1].kind, Kind::Space | Kind::Tab) {
                        opportunity = Some(i);
                    }
                    if i > start && x + ch.advance > avail + EPS {
                        let at = opportunity.filter(|&o| o > start).unwrap_or(i);
                        end = Some((at, at));
                        break;
                    }
                    x += ch.advance;
                }
            }
            i += 1;
        }
        let (end, next) = end.unwrap_or((chars.len(), chars.len()));
        let broke = next > end;
        let page_break = broke && chars.get(end).is_some_and(|c| c.kind == Kind::PageBreak);
        let last = !broke && next >= chars.len();
        lines.push(Span { start, end, last, page_break });
        if last {
            return lines;
        }
        start = next;
    }
}

/// Height of a line and where its baseline sits, from the tallest ascent, descent and gap on it.
fn line_metrics(rule: LineRule, ascent: f32, descent: f32, gap: f32) -> (f32, f32) {
    let natural = ascent + descent + gap;
    match rule {
        LineRule::Auto(multiple) => {
            let height = natural * multiple;
            (height, height - descent - gap)
        }
        LineRule::Exact(height) => (height, height - descent),
        LineRule::AtLeast(min) => {
            let height = natural.max(min);
            (height, height - descent - gap)
        }
    }
}

/// Lays a paragraph out in a column `width` points wide.
pub(super) fn layout_paragraph(fonts: &Fonts, para: &Paragraph, width: f32) -> ParaBox {
    let props = &para.props;
    let mut chars = characters(fonts, para);
    let spans = break_lines(&mut chars, para, width);
    let mut lines = Vec::with_capacity(spans.len());
    for (index, span) in spans.iter().enumerate() {
        let items = &chars[span.start..span.end];
        let shown = items.iter().rposition(|c| c.kind != Kind::Space).map_or(0, |p| p + 1);
        let items_shown = &items[..shown];

        let (mut ascent, mut descent, mut gap) = (0.0f32, 0.0f32, 0.0f32);
        let mut measure = |style: Style| {
            let face = fonts.face(style.face);
            ascent = ascent.max(face.ascent * style.size);
            descent = descent.max(face.descent * style.size);
            gap = gap.max(face.gap * style.size);
        };
        match chars.get(span.end) {
            _ if !items.is_empty() => items.iter().for_each(|c| measure(c.style)),
            Some(c) => measure(c.style),
            None => measure(Style { face: 0, size: props.mark_size, underline: false }),
        }
        let (height, baseline) = line_metrics(props.line, ascent, descent, gap);

        let origin = props.left + if index == 0 { props.first_line } else { 0.0 };
        let avail = (width - origin - props.right).max(1.0);
        let natural: f32 = items_shown.iter().map(|c| c.advance).sum();
        let after_tab = items_shown.iter().rposition(|c| c.kind == Kind::Tab).map_or(0, |p| p + 1);
        let stretch = props.align == Align::Distribute || (props.align == Align::Both && !span.last);
        let spaces = items_shown[after_tab..].iter().filter(|c| c.kind == Kind::Space).count();
        let extra = if stretch && spaces > 0 && avail > natural { (avail - natural) / spaces as f32 } else { 0.0 };
        let offset = match props.align {
            Align::Center => (avail - natural) / 2.0,
            Align::Right => avail - natural,
            _ => 0.0,
        };

        let mut line = LineBox { height, page_break_after: span.page_break, ..LineBox::default() };
        let mut x = origin + offset.max(0.0);
        let mut run: Option<TextRun> = None;
        for (k, ch) in items_shown.iter().enumerate() {
            let advance = ch.advance + if ch.kind == Kind::Space && k >= after_tab { extra } else { 0.0 };
            if run.as_ref().is_some_and(|r| r.style != ch.style) || ch.glyph.is_none() {
                finish_run(fonts, &mut line, run.take());
            }
            if let Some(glyph) = ch.glyph {
                let r = run.get_or_insert_with(|| TextRun {
                    x,
                    baseline,
                    style: ch.style,
                    text: String::new(),
                    glyphs: Vec::new(),
                });
                r.text.push(ch.c);
                r.glyphs.push((glyph, advance / ch.style.size));
            }
            x += advance;
        }
        finish_run(fonts, &mut line, run);
        if let (Some(thickness), true) = (props.border_bottom, span.last) {
            let rule_width = (width - props.left - props.right).max(0.0);
            line.rules.push(Rule { x: props.left, y: height + 1.0, w: rule_width, h: thickness });
        }
        lines.push(Rc::new(line));
    }
    ParaBox {
        lines,
        before: props.before,
        after: props.after,
        keep_next: props.keep_next,
        page_break_before: props.page_break_before,
    }
}

/// Adds a finished run to its line, with its underline if its style has one.
fn finish_run(fonts: &Fonts, line: &mut LineBox, run: Option<TextRun>) {
    let Some(run) = run else { return };
    let Style { face, size, underline } = run.style;
    if underline {
        let face = fonts.face(face);
        let width: f32 = run.glyphs.iter().map(|g| g.1 * size).sum();
        let y = run.baseline - face.underline_offset * size;
        line.rules.push(Rule { x: run.x, y, w: width, h: face.underline_thickness * size });
    }
    line.runs.push(run);
}

// ---------------------------------------------------------------------------------------------
// Tables

/// A line placed in a row, relative to the table's left edge and the row's top.
#[derive(Clone)]
struct Placed {
    dx: f32,
    dy: f32,
    line: Rc<LineBox>,
}

#[derive(Clone)]
struct CellBox {
    x: f32,
    width: f32,
    lines: Vec<Placed>,
}

#[derive(Clone)]
struct RowBox {
    height: f32,
    cells: Vec<CellBox>,
}

pub(super) struct TableBox {
    x: f32,
    rows: Vec<RowBox>,
    header_rows: usize,
    borders: Borders,
}

/// Column widths from the grid, completed if rows need more columns than it has, and scaled
/// down to the text width if wider.
fn columns(table: &Table, text_width: f32) -> Vec<f32> {
    let needed = table.rows.iter().map(|r| r.cells.iter().map(|c| c.span).sum::<usize>()).max().unwrap_or(0);
    let mut cols = table.grid.clone();
    let total: f32 = cols.iter().sum();
    if total <= EPS {
        cols = vec![text_width / needed.max(1) as f32; needed];
    } else if cols.len() < needed {
        cols.resize(needed, total / cols.len() as f32);
    }
    let total: f32 = cols.iter().sum();
    if total > text_width {
        cols.iter_mut().for_each(|c| *c *= text_width / total);
    }
    cols
}

fn layout_table(fonts: &Fonts, table: &Table, text_width: f32) -> TableBox {
    let cols = columns(table, text_width);
    let total: f32 = cols.iter().sum();
    let mut rows = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        let (mut col, mut x) = (0, 0.0);
        let mut cells = Vec::with_capacity(row.cells.len());
        let mut heights = Vec::with_capacity(row.cells.len());
        for cell in &row.cells {
            let width: f32 = cols.iter().skip(col).take(cell.span).sum();
            col += cell.span;
            let inner = (width - table.pad_left - table.pad_right).max(1.0);
            let (mut y, mut lines) = (0.0, Vec::new());
            for para in &cell.paragraphs {
                let laid = layout_paragraph(fonts, para, inner);
                y += laid.before;
                for line in laid.lines {
                    let height = line.height;
                    lines.push(Placed { dx: x + table.pad_left, dy: y, line });
                    y += height;
                }
                y += laid.after;
            }
            heights.push(y);
            cells.push(CellBox { x, width, lines });
            x += width;
        }
        let height = heights.iter().copied().fold(row.min_height, f32::max);
        for (cell, (source, content)) in cells.iter_mut().zip(row.cells.iter().zip(heights)) {
            let shift = match source.valign {
                VAlign::Top => 0.0,
                VAlign::Center => (height - content) / 2.0,
                VAlign::Bottom => height - content,
            };
            cell.lines.iter_mut().for_each(|p| p.dy += shift);
        }
        rows.push(RowBox { height, cells });
    }
    let header_rows = table.rows.iter().take_while(|r| r.header).count();
    let x = match table.align {
        Align::Center => (text_width - total) / 2.0,
        Align::Right => text_width - total,
        _ => 0.0,
    };
    TableBox { x: x.max(0.0), rows, header_rows, borders: table.borders }
}

/// Cuts a row taller than the room left into what fits and the rest, line by line (at least one
/// line of a cell moves on, so a row always shrinks).
fn split_row(row: &RowBox, room: f32) -> (RowBox, RowBox) {
    let fits = |c: &CellBox| c.lines.iter().take_while(|p| p.dy + p.line.height <= room + EPS).count();
    let force = row.cells.iter().all(|c| fits(c) == 0);
    let (mut head, mut rest) = (Vec::new(), Vec::new());
    let mut rest_height = 0.0f32;
    for cell in &row.cells {
        let keep = if force { cell.lines.len().min(1) } else { fits(cell) };
        let (kept, moved) = cell.lines.split_at(keep);
        let shift = moved.first().map_or(0.0, |p| p.dy);
        let moved: Vec<Placed> = moved.iter().map(|p| Placed { dy: p.dy - shift, ..p.clone() }).collect();
        rest_height = moved.iter().map(|p| p.dy + p.line.height).fold(rest_height, f32::max);
        head.push(CellBox { lines: kept.to_vec(), ..cell.clone() });
        rest.push(CellBox { lines: moved, ..cell.clone() });
    }
    let head_height = head.iter().flat_map(|c| &c.lines).map(|p| p.dy + p.line.height).fold(room.max(0.0), f32::max);
    (RowBox { height: head_height, cells: head }, RowBox { height: rest_height, cells: rest })
}

// ---------------------------------------------------------------------------------------------
// Pages

enum Laid {
    Para(ParaBox),
    Table(TableBox),
}

impl Laid {
    fn height(&self) -> f32 {
        match self {
            Laid::Para(p) => p.height(),
            Laid::Table(t) => t.rows.iter().map(|r| r.height).sum(),
        }
    }

    /// What must fit for a block to start on a page: its first line, or its header and first row.
    fn first_height(&self) -> f32 {
        match self {
            Laid::Para(p) => p.before + p.lines.first().map_or(0.0, |l| l.height),
            Laid::Table(t) => t.rows.iter().take(t.header_rows + 1).map(|r| r.height).sum(),
        }
    }

    fn keep_next(&self) -> bool {
        matches!(self, Laid::Para(p) if p.keep_next)
    }
}

struct Pager<'f> {
    fonts: &'f Fonts,
    pages: Vec<PageOut>,
    page: PageSetup,
    y: f32,
    /// Nothing but repeated header rows is on the current page yet.
    fresh: bool,
}

/// Lays the sections out on pages; from page 2 on, the page number is centred in the top margin.
pub(super) fn paginate(fonts: &Fonts, sections: &[Section]) -> Result<Vec<PageOut>, PdfError> {
    let page = sections.first().map_or_else(PageSetup::default, |s| s.page);
    let mut pager = Pager { fonts, pages: Vec::new(), page, y: 0.0, fresh: true };
    pager.new_page();
    for (index, section) in sections.iter().enumerate() {
        pager.page = section.page;
        if index > 0 && !section.continuous {
            pager.new_page();
        }
        let width = section.page.width - section.page.left - section.page.right;
        let laid: Vec<Laid> = section
            .blocks
            .iter()
            .map(|block| match block {
                Block::Paragraph(p) => Laid::Para(layout_paragraph(fonts, p, width)),
                Block::Table(t) => Laid::Table(layout_table(fonts, t, width)),
            })
            .collect();
        // What a chain of keep-with-next paragraphs needs on one page, computed from the end so
        // a long chain costs no more than a short one.
        let mut chain = vec![0.0f32; laid.len()];
        for i in (0..laid.len()).rev() {
            if laid[i].keep_next() {
                let next = match laid.get(i + 1) {
                    Some(n) if n.keep_next() => chain[i + 1],
                    Some(n) => n.first_height(),
                    None => 0.0,
                };
                chain[i] = laid[i].height() + next;
            }
        }
        for (block, chain) in laid.iter().zip(chain) {
            match block {
                Laid::Para(p) => pager.place_paragraph(p, chain),
                Laid::Table(t) => pager.place_table(t),
            }
            if pager.pages.len() > MAX_PAGES {
                return Err(PdfError::Write(format!("the document would be longer than {MAX_PAGES} pages")));
            }
        }
    }
    Ok(pager.pages)
}

impl Pager<'_> {
    fn bottom(&self) -> f32 {
        self.page.height - self.page.bottom
    }

    fn room(&self) -> f32 {
        self.bottom() - self.y
    }

    fn full(&self) -> f32 {
        self.page.height - self.page.top - self.page.bottom
    }

    fn fits(&self, height: f32) -> bool {
        self.y + height <= self.bottom() + EPS
    }

    fn new_page(&mut self) {
        let page = self.page;
        self.y = page.top;
        self.fresh = true;
        if self.pages.len() > MAX_PAGES {
            // Over the limit: the rest goes on top of the last page, and `paginate` gives up
            // after the current block.
            return;
        }
        let mut out = PageOut { width: page.width, height: page.height, lines: Vec::new(), rules: Vec::new() };
        let number = self.pages.len() + 1;
        if number > 1 {
            let style = RunStyle { size: PAGE_NUMBER_SIZE, ..RunStyle::default() };
            let mut para = Paragraph { inlines: vec![Inline::Text(style, number.to_string())], ..Paragraph::default() };
            para.props.align = Align::Center;
            let width = page.width - page.left - page.right;
            if let Some(line) = layout_paragraph(self.fonts, &para, width).lines.pop() {
                let y = ((page.top - line.height) / 2.0).max(0.0);
                out.lines.push((page.left, y, line));
            }
        }
        self.pages.push(out);
    }

    fn put(&mut self, x: f32, y: f32, line: &Rc<LineBox>) {
        if let Some(page) = self.pages.last_mut() {
            page.lines.push((x, y, Rc::clone(line)));
        }
    }

    fn rule(&mut self, rule: Rule) {
        if let Some(page) = self.pages.last_mut() {
            page.rules.push(rule);
        }
    }

    fn place_paragraph(&mut self, para: &ParaBox, chain: f32) {
        let keep_moves = para.keep_next && chain > self.room() + EPS && chain <= self.full();
        if !self.fresh && (para.page_break_before || keep_moves) {
            self.new_page();
        }
        // Space before is dropped at the top of a page, as Word does after a natural break.
        let mut before = if self.fresh && self.pages.len() > 1 { 0.0 } else { para.before };
        for line in &para.lines {
            if !self.fits(before + line.height) && !self.fresh {
                self.new_page();
                before = 0.0;
            }
            self.y += before;
            before = 0.0;
            self.put(self.page.left, self.y, line);
            self.y += line.height;
            self.fresh = false;
            if line.page_break_after {
                self.new_page();
            }
        }
        self.y += para.after;
    }

    fn place_table(&mut self, table: &TableBox) {
        let x0 = self.page.left + table.x;
        let headers = &table.rows[..table.header_rows.min(table.rows.len())];
        let header_height: f32 = headers.iter().map(|r| r.height).sum();
        let repeat = !headers.is_empty() && header_height <= self.full() / 2.0;
        // A header row is not left alone at the foot of a page.
        let start = header_height + table.rows.get(headers.len()).map_or(0.0, |r| r.height);
        if !headers.is_empty() && !self.fits(start) && !self.fresh && start <= self.full() {
            self.new_page();
        }
        let mut first_on_page = true;
        let last = table.rows.len().saturating_sub(1);
        for (index, row) in table.rows.iter().enumerate() {
            let mut row = Cow::Borrowed(row);
            loop {
                if self.fits(row.height) {
                    self.put_row(table, &row, x0, index == 0 || first_on_page, index == last);
                    first_on_page = false;
                    self.fresh = false;
                    break;
                }
                if self.fresh {
                    // Only repeated headers here and still no room: the row is taller than a page.
                    let (head, rest) = split_row(&row, self.room());
                    self.put_row(table, &head, x0, first_on_page, false);
                    first_on_page = false;
                    row = Cow::Owned(rest);
                }
                if !first_on_page && table.borders.inside_h {
                    let width = row.cells.last().map_or(0.0, |c| c.x + c.width);
                    self.rule(hline(x0, self.y, width));
                }
                self.new_page();
                first_on_page = true;
                if repeat && index >= headers.len() {
                    for header in headers {
                        self.put_row(table, header, x0, first_on_page, false);
                        first_on_page = false;
                    }
                }
            }
        }
    }

    /// Places a row at the current position with its borders: its top edge (the table's top
    /// border on the first row of the table or page), its vertical edges, and the bottom edge
    /// of the table's last row.
    fn put_row(&mut self, table: &TableBox, row: &RowBox, x0: f32, top: bool, last: bool) {
        let y = self.y;
        for placed in row.cells.iter().flat_map(|c| &c.lines) {
            self.put(x0 + placed.dx, y + placed.dy, &placed.line);
        }
        let b = table.borders;
        let width = row.cells.last().map_or(0.0, |c| c.x + c.width);
        if (top && b.top) || (!top && b.inside_h) {
            self.rule(hline(x0, y, width));
        }
        for (k, cell) in row.cells.iter().enumerate() {
            if (k == 0 && b.left) || (k > 0 && b.inside_v) {
                self.rule(vline(x0 + cell.x, y, row.height));
            }
        }
        if b.right && !row.cells.is_empty() {
            self.rule(vline(x0 + width, y, row.height));
        }
        if last && b.bottom {
            self.rule(hline(x0, y + row.height, width));
        }
        self.y += row.height;
    }
}

fn hline(x: f32, y: f32, width: f32) -> Rule {
    Rule { x: x - BORDER / 2.0, y: y - BORDER / 2.0, w: width + BORDER, h: BORDER }
}

fn vline(x: f32, y: f32, height: f32) -> Rule {
    Rule { x: x - BORDER / 2.0, y, w: BORDER, h: height }
}
