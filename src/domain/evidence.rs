//! Evidence files: the types accepted, recognised by their content rather than their name.

text_enum! {
    /// The file types accepted as evidence, by media type.
    pub enum EvidenceType {
        Pdf = "application/pdf" => "Tệp PDF",
        Png = "image/png" => "Ảnh PNG",
        Jpeg = "image/jpeg" => "Ảnh JPEG",
        Docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => "Văn bản Word (DOCX)",
        Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => "Bảng tính Excel (XLSX)",
    }
}

/// What the bytes are, from their signature; `None` for anything not on the list.
pub fn sniff(bytes: &[u8]) -> Option<EvidenceType> {
    if bytes.starts_with(b"%PDF-") {
        Some(EvidenceType::Pdf)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(EvidenceType::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(EvidenceType::Jpeg)
    } else if bytes.starts_with(b"PK\x03\x04") {
        // Office documents are zip archives; their part names say which kind.
        let contains = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
        if contains(b"word/") {
            Some(EvidenceType::Docx)
        } else if contains(b"xl/") {
            Some(EvidenceType::Xlsx)
        } else {
            None
        }
    } else {
        None
    }
}

/// A file name safe to store and send back: no directories, no control characters, at most
/// 200 characters; empty becomes "evidence".
pub fn clean_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    // Bidirectional controls would make "\u{202E}fdp.exe" display as "exe.pdf".
    let cleaned: String =
        crate::domain::text::strip_hidden(base).chars().filter(|c| !c.is_control() && *c != '"').take(200).collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "evidence".to_string()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_content_not_names() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some(EvidenceType::Pdf));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some(EvidenceType::Png));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(EvidenceType::Jpeg));
        assert_eq!(sniff(b"PK\x03\x04....word/document.xml"), Some(EvidenceType::Docx));
        assert_eq!(sniff(b"PK\x03\x04....just a zip"), None);
        assert_eq!(sniff(b"MZ\x90\x00 an executable"), None);
        assert_eq!(sniff(b"<html>"), None);
    }

    #[test]
    fn filenames_lose_paths_and_control_characters() {
        assert_eq!(clean_filename("../../etc/passwd"), "passwd");
        assert_eq!(clean_filename("C:\\Báo cáo\\thành tích.pdf"), "thành tích.pdf");
        assert_eq!(clean_filename("a\u{0}b\n.pdf"), "ab.pdf");
        assert_eq!(clean_filename(".."), "evidence");
        assert_eq!(clean_filename("\u{202E}fdp.exe"), "fdp.exe");
        assert_eq!(clean_filename("\u{200B}\u{FEFF}"), "evidence");
    }
}
