// Prototype for issue 16 (not compiled with the project): a scratch crate written while
// researching documents; see docs/design/documents-research.md. Its Cargo.toml [dependencies]:
//   [dependencies]
//   zip = { version = "9", default-features = false, features = ["deflate"] }
//   quick-xml = "0.42"

//! Fill a DOCX template: {{key}} placeholders (Word may split them over runs) and
//! table rows repeated for {{list.field}} placeholders.
use std::collections::HashMap;
use std::io::{Cursor, Read, Write};

use quick_xml::events::{BytesStart, BytesText, Event};
use quick_xml::{Reader, Writer};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

type Ev = Event<'static>;

fn parse(xml: &str) -> Vec<Ev> {
    let mut r = Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match r.read_event().expect("well-formed part") {
            Event::Eof => break,
            e => out.push(e.into_owned()),
        }
    }
    out
}

fn is(e: &BytesStart, name: &str) -> bool { e.name().as_ref() == name }

/// The text of one <w:t> element's content events (Text and entity references).
fn slot_text(evs: &[Ev]) -> String {
    let mut s = String::new();
    for e in evs {
        match e {
            Event::Text(t) => s.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                if let Some(c) = r.resolve_char_ref().unwrap() { s.push(c) } else {
                    s.push_str(match &*r.clone().into_inner() { "amp" => "&", "lt" => "<", "gt" => ">", "quot" => "\"", "apos" => "'", _ => "" })
                }
            }
            _ => {}
        }
    }
    s
}

/// Replace placeholders in the paragraphs of `evs[range]`, each paragraph on its own.
fn fill_paragraphs(evs: Vec<Ev>, lookup: &dyn Fn(&str) -> Option<String>) -> Vec<Ev> {
    let mut out = Vec::with_capacity(evs.len());
    let mut i = 0;
    while i < evs.len() {
        if let Event::Start(s) = &evs[i] { if is(s, "w:p") {
            let mut depth = 0; let mut j = i;
            loop { match &evs[j] { Event::Start(s) if is(s, "w:p") => depth += 1, Event::End(e) if e.name().as_ref() == "w:p" => { depth -= 1; if depth == 0 { break } } _ => {} } j += 1; }
            out.extend(fill_one_paragraph(&evs[i..=j], lookup));
            i = j + 1; continue;
        } }
        out.push(evs[i].clone()); i += 1;
    }
    out
}

fn fill_one_paragraph(p: &[Ev], lookup: &dyn Fn(&str) -> Option<String>) -> Vec<Ev> {
    // Slots: (index of <w:t>, index of </w:t>, text).
    let mut slots: Vec<(usize, usize, String)> = Vec::new();
    let mut k = 0;
    while k < p.len() {
        if let Event::Start(s) = &p[k] { if is(s, "w:t") {
            let end = (k..p.len()).find(|&m| matches!(&p[m], Event::End(e) if e.name().as_ref() == "w:t")).unwrap();
            slots.push((k, end, slot_text(&p[k + 1..end])));
            k = end;
        } }
        k += 1;
    }
    let joined: String = slots.iter().map(|s| s.2.as_str()).collect();
    if !joined.contains("{{") { return p.to_vec(); }
    // Byte offset of each slot in `joined`.
    let mut starts = Vec::new(); let mut acc = 0;
    for s in &slots { starts.push(acc); acc += s.2.len(); }
    let mut texts: Vec<String> = slots.iter().map(|s| s.2.clone()).collect();
    // Placeholders, right to left so earlier offsets stay valid.
    let mut found = Vec::new(); let mut from = 0;
    while let Some(a) = joined[from..].find("{{").map(|x| x + from) {
        let Some(b) = joined[a..].find("}}").map(|x| x + a + 2) else { break };
        found.push((a, b)); from = b;
    }
    for &(a, b) in found.iter().rev() {
        let key = joined[a + 2..b - 2].trim();
        let Some(value) = lookup(key) else { continue }; // unknown: left as is (upload validation catches it)
        let slot_of = |off: usize| starts.iter().rposition(|&s| s <= off).unwrap();
        let (sa, sb) = (slot_of(a), slot_of(b - 1));
        for s in sa..=sb {
            let (lo, hi) = (a.max(starts[s]) - starts[s], b.min(starts[s] + slots[s].2.len()) - starts[s]);
            let orig = &slots[s].2;
            let repl = if s == sa { value.as_str() } else { "" };
            // `texts[s]` may already have been edited to the right of `hi` by a later placeholder.
            let tail = &texts[s][hi.min(texts[s].len())..];
            let _ = orig;
            texts[s] = format!("{}{}{}", &texts[s][..lo], repl, tail);
        }
    }
    let mut out = Vec::with_capacity(p.len());
    let mut k = 0; let mut n = 0;
    while k < p.len() {
        if n < slots.len() && k == slots[n].0 {
            let mut start = BytesStart::new("w:t");
            start.push_attribute(("xml:space", "preserve"));
            out.push(Event::Start(start));
            out.push(Event::Text(BytesText::new(&texts[n]).into_owned()));
            out.push(p[slots[n].1].clone());
            k = slots[n].1 + 1; n += 1; continue;
        }
        out.push(p[k].clone()); k += 1;
    }
    out
}

/// Repeat each <w:tr> that mentions {{list.…}} once per item of `list`.
fn repeat_rows(evs: Vec<Ev>, lists: &HashMap<&str, Vec<HashMap<&str, String>>>) -> Vec<Ev> {
    let mut out = Vec::new(); let mut i = 0;
    while i < evs.len() {
        if let Event::Start(s) = &evs[i] { if is(s, "w:tr") {
            let mut depth = 0; let mut j = i;
            loop { match &evs[j] { Event::Start(s) if is(s, "w:tr") => depth += 1, Event::End(e) if e.name().as_ref() == "w:tr" => { depth -= 1; if depth == 0 { break } } _ => {} } j += 1; }
            let row = &evs[i..=j];
            let text: String = row.iter().filter_map(|e| if let Event::Text(t) = e { Some(t.xml10_content().into_owned()) } else { None }).collect();
            if let Some((name, items)) = lists.iter().find(|(n, _)| text.contains(&format!("{n}."))) {
                for item in items {
                    let prefix = format!("{name}.");
                    out.extend(fill_paragraphs(row.to_vec(), &|k: &str| k.strip_prefix(prefix.as_str()).and_then(|f| item.get(f).cloned())));
                }
            } else { out.extend(row.iter().cloned()); }
            i = j + 1; continue;
        } }
        out.push(evs[i].clone()); i += 1;
    }
    out
}

fn fill_part(xml: &str, vars: &HashMap<&str, String>, lists: &HashMap<&str, Vec<HashMap<&str, String>>>) -> String {
    let evs = repeat_rows(parse(xml), lists);
    let evs = fill_paragraphs(evs, &|k: &str| vars.get(k).cloned());
    let mut w = Writer::new(Vec::new());
    for e in evs { w.write_event(e).unwrap(); }
    String::from_utf8(w.into_inner()).unwrap()
}

pub fn fill_docx(template: &[u8], vars: &HashMap<&str, String>, lists: &HashMap<&str, Vec<HashMap<&str, String>>>) -> Vec<u8> {
    let mut zin = ZipArchive::new(Cursor::new(template)).unwrap();
    let mut zout = ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let is_text_part = name == "word/document.xml" || (name.starts_with("word/header") || name.starts_with("word/footer")) && name.ends_with(".xml");
        if is_text_part {
            let mut xml = String::new(); f.read_to_string(&mut xml).unwrap();
            zout.start_file(name, SimpleFileOptions::default().compression_method(CompressionMethod::Deflated)).unwrap();
            zout.write_all(fill_part(&xml, vars, lists).as_bytes()).unwrap();
        } else {
            drop(f);
            zout.raw_copy_file(zin.by_index_raw(i).unwrap()).unwrap();
        }
    }
    zout.finish().unwrap().into_inner()
}

const DOC: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
<w:p><w:r><w:t>Số: {{so</w:t></w:r><w:proofErr w:type="spellStart"/><w:r><w:rPr><w:b/></w:rPr><w:t>_ky_hieu</w:t></w:r><w:r><w:t>}} – {{dia_danh}}, {{ngay}} &amp; hết</w:t></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>STT</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Họ và tên</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:p><w:r><w:t>{{ds.stt}}</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>{{ds.</w:t></w:r><w:r><w:t>ho_ten}}</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
</w:body></w:document>"#;

fn main() {
    // A template zip with the part above, as Word would leave it (placeholder split over runs).
    let mut z = ZipWriter::new(Cursor::new(Vec::new()));
    z.start_file("[Content_Types].xml", SimpleFileOptions::default()).unwrap();
    z.write_all(b"<Types/>").unwrap();
    z.start_file("word/document.xml", SimpleFileOptions::default()).unwrap();
    z.write_all(DOC.as_bytes()).unwrap();
    let template = z.finish().unwrap().into_inner();

    let vars: HashMap<&str, String> = [("so_ky_hieu", "15/QĐ-UBND".to_string()), ("dia_danh", "Thái Nguyên".into()), ("ngay", "ngày 05 tháng 01 năm 2026".into())].into();
    let ds = (1..=3).map(|n| HashMap::from([("stt", n.to_string()), ("ho_ten", format!("Nguyễn Văn <{n}> & Cộng sự"))])).collect();
    let lists = HashMap::from([("ds", ds)]);
    let out = fill_docx(&template, &vars, &lists);
    let mut zin = ZipArchive::new(Cursor::new(out)).unwrap();
    let mut xml = String::new();
    zin.by_name("word/document.xml").unwrap().read_to_string(&mut xml).unwrap();
    println!("{xml}");
}
