//! Text hygiene in one place: NFC for storage and display, no characters that make text look
//! other than it is (invisible ones, bidirectional controls), a folded form for search.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Characters that render as nothing: zero-width space, non-joiner and joiner, word joiner and
/// invisible operators, the byte-order mark, soft hyphen, combining grapheme joiner, Mongolian
/// vowel separator, Hangul fillers. A value made only of these looks empty.
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{034F}' | '\u{115F}' | '\u{1160}' | '\u{180E}' | '\u{200B}'..='\u{200D}' | '\u{2060}'..='\u{2064}' | '\u{3164}' | '\u{FEFF}' | '\u{FFA0}')
}

/// Bidirectional controls (embeddings, overrides, isolates, marks): U+202E turns
/// "\u{202E}fdp.exe" into what displays as "exe.pdf". Vietnamese never needs them.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Removes what `is_invisible` and `is_bidi_control` match.
pub fn strip_hidden(s: &str) -> String {
    s.chars().filter(|c| !is_invisible(*c) && !is_bidi_control(*c)).collect()
}

/// The canonical stored form of a line (a name, a title, a file name): invisible characters and
/// bidirectional controls removed, NFC, trimmed, inner whitespace collapsed to single spaces.
/// Empty when nothing visible was sent.
pub fn normalize(s: &str) -> String {
    strip_hidden(s).split_whitespace().collect::<Vec<_>>().join(" ").nfc().collect()
}

/// The stored form of multi-line text (a comment, a note): hidden characters removed, NFC,
/// trimmed; line breaks kept.
pub fn normalize_block(s: &str) -> String {
    strip_hidden(s).trim().nfc().collect()
}

/// Plain text from what may hold HTML markup: tags and comments (`<b>`, `</script>`, `<!-- -->`,
/// `<?xml ?>`) are taken out, everything else — `a < b` included — is kept as typed. The result
/// is text to show as text, never to insert into a page as HTML.
pub fn strip_markup(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let starts_tag = after.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '/' | '!' | '?'));
        match after.find('>') {
            Some(end) if starts_tag => rest = &after[end + 1..],
            _ => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A decimal as the API takes it: `-?digits(.digits)?` — no sign `+`, no `_` separators, no
/// bare `.5` or `5.`, no exponent.
pub fn is_plain_decimal(s: &str) -> bool {
    let unsigned = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = match unsigned.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (unsigned, None),
    };
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    digits(int) && frac.is_none_or(digits)
}

/// The search key: no diacritics, "đ" as "d", lowercase, single spaces.
/// "Bắc Kạn", "BẮC KẠN" and "bac kan" all fold to "bac kan".
pub fn fold(s: &str) -> String {
    strip_hidden(s)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Escapes `%`, `_` and the escape character itself for a `LIKE … ESCAPE '\'` pattern.
pub fn like_contains(folded: &str) -> String {
    let mut pattern = String::with_capacity(folded.len() + 2);
    pattern.push('%');
    for c in folded.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_ignores_case_and_diacritics() {
        assert_eq!(fold("Bắc Kạn"), "bac kan");
        assert_eq!(fold("BẮC KẠN"), "bac kan");
        assert_eq!(fold("bac kan"), "bac kan");
        assert_eq!(fold("Đức Xuân"), "duc xuan");
        assert_eq!(fold("  Chợ   Đồn "), "cho don");
        // Decomposed input (as some keyboards on macOS send it) folds the same way.
        assert_eq!(fold("Ba\u{0306}\u{0301}c"), "bac");
    }

    #[test]
    fn normalize_composes_to_nfc_and_collapses_spaces() {
        let decomposed = "Ba\u{0306}\u{0301}c  Ka\u{0323}n";
        assert_eq!(normalize(decomposed), "Bắc Kạn");
        assert_eq!(normalize(decomposed).chars().count(), 7);
    }

    #[test]
    fn hidden_characters_are_removed_and_leave_nothing_visible_empty() {
        assert_eq!(normalize("\u{200B}\u{FEFF}\u{200B}"), "");
        assert_eq!(normalize(" \u{2060}\u{00AD} "), "");
        assert_eq!(normalize("Hoàng\u{200B} Thị\u{FEFF} Mai"), "Hoàng Thị Mai");
        assert_eq!(normalize("\u{202E}fdp.exe"), "fdp.exe");
        assert_eq!(normalize("a\u{2066}b\u{2069}\u{200F}c"), "abc");
        assert_eq!(normalize_block("  dòng 1\n\u{202E}dòng 2  "), "dòng 1\ndòng 2");
        assert_eq!(fold("Bắc\u{200B}Kạn"), "backan");
    }

    #[test]
    fn markup_is_taken_out_and_other_text_kept() {
        assert_eq!(strip_markup("<script>alert(1)</script>Hay!"), "alert(1)Hay!");
        assert_eq!(strip_markup("<img src=x onerror=alert(1)>ảnh"), "ảnh");
        assert_eq!(strip_markup("a < b và 3<4, <!-- x -->xong"), "a < b và 3<4, xong");
        assert_eq!(strip_markup("mở < không đóng"), "mở < không đóng");
    }

    #[test]
    fn decimals_are_plain() {
        for ok in ["0", "15", "-3", "12.5", "-0.25", "007"] {
            assert!(is_plain_decimal(ok), "{ok}");
        }
        for bad in ["", "1_5", "+5", ".5", "5.", "1e3", "-", "1.2.3", " 5", "５", "1,5"] {
            assert!(!is_plain_decimal(bad), "{bad}");
        }
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_contains("50%_x\\"), "%50\\%\\_x\\\\%");
    }
}
