//! The languages the API speaks to people: Vietnamese by default, English on request.
//!
//! Messages live in Fluent catalogues (`locales/<tag>.ftl`, compiled into the binary), keyed by
//! the machine codes of `ErrorCode`: a problem code's message is the problem's `detail` when the
//! call site gave no more specific one, its `.title` attribute the problem's `title`; a field
//! code's message is an `errors[].message`, with the field's name (`field-<name>`) as `$field`.
//! The language of an answer is chosen from `Accept-Language` (RFC 9110 §12.5.4) by
//! `negotiate`, kept for the request in a task-local (`scope`), and named in `Content-Language`.
//!
//! English is the source language: call sites write their English detail, which an English
//! answer carries as it is; the catalogues carry the other languages (docs/api-conventions.md
//! tells how a deployer adds one).

use std::future::Future;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// A language the API answers in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    Vi,
    En,
}

impl Lang {
    /// In order of preference when a client accepts any (`*`): the default first.
    pub const ALL: &'static [Lang] = &[Lang::Vi, Lang::En];
    pub const DEFAULT: Lang = Lang::Vi;

    /// The BCP 47 tag, as sent in `Content-Language`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    fn source(self) -> &'static str {
        match self {
            Lang::Vi => include_str!("../../locales/vi.ftl"),
            Lang::En => include_str!("../../locales/en.ftl"),
        }
    }

    /// The language a language range names by its primary subtag (`vi-VN` → Vietnamese).
    fn of_range(range: &str) -> Option<Lang> {
        let primary = range.split('-').next().unwrap_or_default();
        Lang::ALL.iter().copied().find(|l| l.tag().eq_ignore_ascii_case(primary))
    }
}

/// The language of an `Accept-Language` header (RFC 9110 §12.5.4): the acceptable language
/// with the highest weight (the first listed among equals), where a range matches a language
/// by its primary subtag (`vi-VN`, `en-GB` count as `vi`, `en`) and `*` any language not
/// otherwise named. `q=0` refuses a language. No header, nothing we speak, or a malformed
/// header: Vietnamese — the header is advice, never a reason to refuse an answer.
pub fn negotiate(header: Option<&str>) -> Lang {
    let Some(header) = header else { return Lang::DEFAULT };
    let mut weights: Vec<(Lang, u16)> = Vec::new();
    let mut any: Option<u16> = None;
    for item in header.split(',') {
        let mut parts = item.split(';');
        let range = parts.next().unwrap_or_default().trim();
        if range.is_empty() {
            continue;
        }
        let mut weight = Some(1000);
        for param in parts {
            let param = param.trim();
            if let Some(value) = param.strip_prefix("q=").or_else(|| param.strip_prefix("Q=")) {
                weight = parse_qvalue(value.trim());
            }
        }
        let Some(weight) = weight else { continue };
        if range == "*" {
            any.get_or_insert(weight);
        } else if let Some(lang) = Lang::of_range(range) {
            // The most specific range decides for a language; among ranges of one language, the
            // first listed (a client lists `vi-VN, vi;q=0.9`, never the reverse on purpose).
            if !weights.iter().any(|(l, _)| *l == lang) {
                weights.push((lang, weight));
            }
        }
    }
    if let Some(any) = any {
        for lang in Lang::ALL {
            if !weights.iter().any(|(l, _)| l == lang) {
                weights.push((*lang, any));
            }
        }
    }
    let mut best: Option<(Lang, u16)> = None;
    for (lang, weight) in weights {
        if weight > 0 && best.is_none_or(|(_, b)| weight > b) {
            best = Some((lang, weight));
        }
    }
    best.map_or(Lang::DEFAULT, |(lang, _)| lang)
}

/// `qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )`, in thousandths.
fn parse_qvalue(text: &str) -> Option<u16> {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths: u16 = format!("{frac:0<3}").parse().ok()?;
    match int {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

tokio::task_local! {
    static CURRENT: Lang;
}

/// Runs `future` (a request's handling) answering in `lang`.
pub async fn scope<F: Future>(lang: Lang, future: F) -> F::Output {
    CURRENT.scope(lang, future).await
}

/// Runs `f` answering in `lang` (rendering an error after its request's scope).
pub fn sync_scope<R>(lang: Lang, f: impl FnOnce() -> R) -> R {
    CURRENT.sync_scope(lang, f)
}

/// The language of the request being answered; the default outside one.
pub fn current() -> Lang {
    CURRENT.try_with(|l| *l).unwrap_or(Lang::DEFAULT)
}

fn bundles() -> &'static [(Lang, FluentBundle<FluentResource>)] {
    static BUNDLES: OnceLock<Vec<(Lang, FluentBundle<FluentResource>)>> = OnceLock::new();
    BUNDLES.get_or_init(|| {
        Lang::ALL
            .iter()
            .map(|lang| {
                let resource = FluentResource::try_new(lang.source().to_string())
                    .unwrap_or_else(|(_, errors)| panic!("locales/{}.ftl does not parse: {errors:?}", lang.tag()));
                let mut bundle = FluentBundle::new_concurrent(vec![lang.tag().parse().expect("a language tag")]);
                // No Unicode isolation marks around arguments: both languages are left-to-right,
                // and the marks would reach JSON clients as invisible characters.
                bundle.set_use_isolating(false);
                bundle.add_resource(resource).unwrap_or_else(|errors| panic!("locales/{}.ftl: {errors:?}", lang.tag()));
                (*lang, bundle)
            })
            .collect()
    })
}

fn bundle(lang: Lang) -> &'static FluentBundle<FluentResource> {
    &bundles().iter().find(|(l, _)| *l == lang).expect("every language has a bundle").1
}

/// Message `id` (or its attribute, `id.attribute`) in `lang`, with `args` (numbers are passed
/// as numbers, for plural forms); `None` when the catalogue lacks it or an argument is missing.
pub fn text(lang: Lang, id: &str, args: &[(&str, &str)]) -> Option<String> {
    let bundle = bundle(lang);
    let (message, attribute) = match id.split_once('.') {
        Some((message, attribute)) => (message, Some(attribute)),
        None => (id, None),
    };
    let message = bundle.get_message(message)?;
    let pattern = match attribute {
        Some(attribute) => message.get_attribute(attribute)?.value(),
        None => message.value()?,
    };
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        // Whole numbers as numbers (plural forms select on them); anything else as text.
        let number = value.parse::<f64>().ok().filter(|_| value.bytes().all(|b| b.is_ascii_digit()));
        match number {
            Some(number) => fluent_args.set(*name, FluentValue::from(number)),
            None => fluent_args.set(*name, FluentValue::from(*value)),
        };
    }
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
    errors.is_empty().then(|| text.into_owned())
}

/// Whether `lang`'s catalogue has message `id` (or `id.attribute`).
pub fn has(lang: Lang, id: &str) -> bool {
    let bundle = bundle(lang);
    match id.split_once('.') {
        Some((message, attribute)) => bundle.get_message(message).is_some_and(|m| m.get_attribute(attribute).is_some()),
        None => bundle.get_message(id).is_some_and(|m| m.value().is_some()),
    }
}

/// A field's name for people: `field-<name>` of the path's last segment without indices
/// (`predecessors[0].part` → `part`), else the path itself in quotes.
pub fn field_label(lang: Lang, path: &str) -> String {
    let last = path.rsplit('.').next().unwrap_or(path);
    let name = last.split('[').next().unwrap_or(last);
    text(lang, &format!("field-{name}"), &[])
        .or_else(|| text(lang, "field-unnamed", &[("path", path)]))
        .unwrap_or_else(|| format!("«{path}»"))
}

/// A kind of record for people (`record-award_type`), for "not found" details.
pub fn record_label(lang: Lang, what: &str) -> Option<String> {
    text(lang, &format!("record-{}", what.replace(' ', "_")), &[])
}

#[cfg(test)]
mod tests {
    use super::super::{Appears, ErrorCode};
    use super::*;

    /// Arguments enough for any message (unused ones are ignored).
    const ARGS: &[(&str, &str)] = &[
        ("field", "F"),
        ("status", "400"),
        ("param", "p"),
        ("message", "m"),
        ("what", "w"),
        ("path", "/p"),
        ("method", "GET"),
        ("allow", "GET"),
        ("username", "u"),
        ("number", "1"),
        ("count", "2"),
        ("max", "3"),
        ("min", "1"),
    ];

    /// The contract with the codes: a problem code has a detail and a title, a field code a
    /// message, a code that is both all three — in every language, formatting without error.
    #[test]
    fn every_code_has_its_messages_in_every_language() {
        let mut missing = Vec::new();
        for lang in Lang::ALL {
            for code in ErrorCode::ALL {
                let id = code.as_str();
                let needed: Vec<String> = match code.appears() {
                    Appears::Problem(_) | Appears::ProblemAnyStatus => vec![id.into(), format!("{id}.title")],
                    Appears::Field => vec![id.into()],
                    Appears::ProblemAndField(_) => vec![id.into(), format!("{id}.title"), format!("{id}.field")],
                };
                for id in needed {
                    if text(*lang, &id, ARGS).is_none_or(|t| t.trim().is_empty()) {
                        missing.push(format!("{}: {id}", lang.tag()));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "messages missing (or with unknown arguments): {missing:?}");
    }

    /// Message ids and attributes of a catalogue, line by line (`id =`, `    .attribute =`).
    fn ids(source: &str) -> std::collections::BTreeSet<String> {
        let mut ids = std::collections::BTreeSet::new();
        let mut current = String::new();
        for line in source.lines() {
            if let Some((id, _)) = line.split_once(" =").filter(|(id, _)| !id.starts_with([' ', '#']) && !id.is_empty())
            {
                current = id.to_string();
                ids.insert(current.clone());
            } else if let Some((attribute, _)) = line.trim_start().strip_prefix('.').and_then(|l| l.split_once(" =")) {
                ids.insert(format!("{current}.{attribute}"));
            }
        }
        ids
    }

    #[test]
    fn every_language_has_the_same_messages() {
        let english = ids(Lang::En.source());
        for lang in Lang::ALL {
            let other = ids(lang.source());
            let only_en: Vec<_> = english.difference(&other).collect();
            let only_other: Vec<_> = other.difference(&english).collect();
            assert!(
                only_en.is_empty() && only_other.is_empty(),
                "{}: lacks {only_en:?}, extra {only_other:?}",
                lang.tag()
            );
            for id in &other {
                assert!(has(*lang, id), "{}: {id} does not load", lang.tag());
            }
        }
    }

    /// Every `.localized("id", …)` in the code names a message of the catalogues.
    #[test]
    fn every_message_the_code_names_exists() {
        fn walk(dir: &std::path::Path, found: &mut Vec<(String, String)>) {
            for entry in std::fs::read_dir(dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, found);
                } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("error/i18n.rs") {
                    let source = std::fs::read_to_string(&path).unwrap();
                    for (i, _) in source.match_indices("localized(") {
                        let rest = source[i + "localized(".len()..].trim_start();
                        if let Some(rest) = rest.strip_prefix('"') {
                            let id = rest.split('"').next().unwrap_or_default();
                            found.push((path.display().to_string(), id.to_string()));
                        }
                    }
                }
            }
        }
        let mut found = Vec::new();
        walk(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")), &mut found);
        assert!(found.len() > 5, "the scan finds the call sites");
        for lang in Lang::ALL {
            for (file, id) in &found {
                assert!(has(*lang, id), "{file} names {id}, which locales/{}.ftl lacks", lang.tag());
            }
        }
    }

    #[test]
    fn negotiation_follows_rfc_9110() {
        assert_eq!(negotiate(None), Lang::Vi);
        assert_eq!(negotiate(Some("")), Lang::Vi);
        assert_eq!(negotiate(Some("en")), Lang::En);
        assert_eq!(negotiate(Some("EN-us")), Lang::En);
        assert_eq!(negotiate(Some("vi-VN")), Lang::Vi);
        assert_eq!(negotiate(Some("fr")), Lang::Vi, "nothing we speak: the default");
        assert_eq!(negotiate(Some("fr, en;q=0.5")), Lang::En);
        assert_eq!(negotiate(Some("vi;q=0.4, en;q=0.8")), Lang::En);
        assert_eq!(negotiate(Some("en;q=0.4, vi;q=0.8")), Lang::Vi);
        assert_eq!(negotiate(Some("en;q=0.5, vi;q=0.5")), Lang::En, "equal weights: the first listed");
        assert_eq!(negotiate(Some("vi;q=0, *")), Lang::En, "vi refused, anything else welcome");
        assert_eq!(negotiate(Some("*")), Lang::Vi);
        assert_eq!(negotiate(Some("en;q=0")), Lang::Vi, "nothing acceptable: the default");
        assert_eq!(negotiate(Some("en;q=1.5, vi;q=0.1")), Lang::Vi, "a malformed weight drops its range");
        assert_eq!(negotiate(Some("en;q=0.0001")), Lang::Vi);
        assert_eq!(negotiate(Some("en ; q=0.9 , de")), Lang::En);
    }

    #[test]
    fn qvalues_parse_per_the_grammar() {
        assert_eq!(parse_qvalue("1"), Some(1000));
        assert_eq!(parse_qvalue("1.000"), Some(1000));
        assert_eq!(parse_qvalue("0.5"), Some(500));
        assert_eq!(parse_qvalue("0.123"), Some(123));
        assert_eq!(parse_qvalue("0"), Some(0));
        assert_eq!(parse_qvalue("1.1"), None);
        assert_eq!(parse_qvalue("0.1234"), None);
        assert_eq!(parse_qvalue("x"), None);
    }

    #[test]
    fn catalogues_are_nfc_and_format_without_isolation_marks() {
        use unicode_normalization::UnicodeNormalization;
        for lang in Lang::ALL {
            let source = lang.source();
            assert_eq!(source.nfc().collect::<String>(), source, "locales/{}.ftl is not NFC", lang.tag());
        }
        assert_eq!(
            text(Lang::Vi, "required", &[("field", "Ngày bắt đầu")]).as_deref(),
            Some("Ngày bắt đầu là bắt buộc.")
        );
        assert_eq!(field_label(Lang::Vi, "targets[2].start_date"), "Ngày bắt đầu");
        assert_eq!(text(Lang::Vi, "required", &[]), None, "a missing argument is not papered over");
    }
}
