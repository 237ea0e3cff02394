//! Vietnamese text: NFC for storage and display, a folded form for search.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// The canonical stored form: NFC, trimmed, inner whitespace collapsed to single spaces.
pub fn normalize(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").nfc().collect()
}

/// The search key: no diacritics, "đ" as "d", lowercase, single spaces.
/// "Bắc Kạn", "BẮC KẠN" and "bac kan" all fold to "bac kan".
pub fn fold(s: &str) -> String {
    s.split_whitespace()
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
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_contains("50%_x\\"), "%50\\%\\_x\\\\%");
    }
}
