//! Rules without I/O: what a valid unit is, how Vietnamese text is compared.

/// An enumeration stored and sent as text: serde names, `as_str`, `parse`, `ALL` and the OpenAPI
/// schema from one list. The schema is written here rather than derived because utoipa's derive
/// does not see a `serde(rename)` whose value comes from a macro fragment: it would publish the
/// Rust variant names instead of the wire values.
macro_rules! text_enum {
    ($(#[doc = $doc:expr])* pub enum $name:ident { $($(#[doc = $vdoc:expr])* $variant:ident = $text:literal => $label:literal),+ $(,)? }) => {
        $(#[doc = $doc])*
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
            diesel::expression::AsExpression, diesel::deserialize::FromSqlRow,
        )]
        #[diesel(sql_type = diesel::sql_types::Text)]
        pub enum $name {
            $($(#[doc = $vdoc])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// Its place in `ALL` (the order the values are declared in).
            pub fn position(self) -> usize {
                self as usize
            }

            pub fn parse(s: &str) -> Option<$name> {
                match s {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }

            /// The value as people read it, in Vietnamese: sent beside the value as `<field>_label`.
            pub fn label_vi(self) -> &'static str {
                match self {
                    $($name::$variant => $label),+
                }
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                let docs: &[&str] = &[$($doc),*];
                let variants: &[(&str, &str, &[&str])] = &[$(($text, $label, &[$($vdoc),*])),+];
                $crate::domain::text_enum_schema(docs, variants)
            }
        }

        impl utoipa::ToSchema for $name {}

        impl $crate::domain::TextValue for $name {
            const WHAT: &'static str = stringify!($name);

            fn to_text(&self) -> std::borrow::Cow<'_, str> {
                std::borrow::Cow::Borrowed(self.as_str())
            }

            fn from_text(text: &str) -> Option<$name> {
                $name::parse(text)
            }
        }
    };
}

/// `TextValue` for an enum with `as_str` and `parse` written by hand.
macro_rules! text_value {
    ($($name:ident),+) => {$(
        impl $crate::domain::TextValue for $name {
            const WHAT: &'static str = stringify!($name);

            fn to_text(&self) -> std::borrow::Cow<'_, str> {
                std::borrow::Cow::Borrowed(self.as_str())
            }

            fn from_text(text: &str) -> Option<$name> {
                $name::parse(text)
            }
        }
    )+};
}
pub(crate) use text_value;

/// A value stored in a text column: ids and `text_enum!`s. `db::sql_types` turns it into
/// diesel's `ToSql`/`FromSql`, where a stored text that does not parse is an error naming the
/// column and the text (never a default).
pub trait TextValue: Sized {
    /// What the value is, for the error about a stored text that is not one.
    const WHAT: &'static str;
    fn to_text(&self) -> std::borrow::Cow<'_, str>;
    fn from_text(text: &str) -> Option<Self>;
}

/// The schema of a `text_enum!`: a string with the wire values, described by the enum's doc
/// comment and each documented value's.
pub fn text_enum_schema(
    docs: &[&str],
    variants: &[(&str, &str, &[&str])],
) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use utoipa::openapi::{ObjectBuilder, Type};
    let mut description: String = docs.iter().map(|d| d.trim()).collect::<Vec<_>>().join(" ");
    if !description.is_empty() {
        description.push('\n');
    }
    description.push_str(
        "Values and their Vietnamese labels (an answer carries the label beside the value, as `<field>_label`):",
    );
    for (text, label, variant_docs) in variants {
        let doc = variant_docs.iter().map(|d| d.trim()).collect::<Vec<_>>().join(" ");
        description.push_str(&format!(
            "\n- `{text}` ({label}){}",
            if doc.is_empty() { String::new() } else { format!(": {doc}") }
        ));
    }
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(variants.iter().map(|(text, _, _)| *text)))
        .description(Some(description))
        .into()
}

pub mod awards;
pub mod calendar;
pub mod campaigns;
pub mod cluster_votes;
pub mod collectives;
pub mod council;
pub mod display;
pub mod documents;
pub mod evidence;
pub mod ids;
pub mod initiatives;
pub mod money;
pub mod nominations;
pub mod progress;
pub mod public;
pub mod roles;
pub mod round_sheets;
pub mod rounds;
pub mod scoring;
pub mod statistics;
pub mod text;
pub mod timestamps;
pub mod units;
pub mod users;
pub mod webhooks;

use chrono::NaiveDate;

use crate::error::{Arg, ErrorCode, FieldError};

/// Collects one error per invalid field rather than stopping at the first.
#[derive(Default)]
pub struct Checks(pub Vec<FieldError>);

impl Checks {
    pub fn fail(&mut self, field: &str, code: ErrorCode, message: impl Into<String>) {
        self.0.push(FieldError::new(field, code, message));
    }

    pub fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, Vec<FieldError>> {
        if self.0.is_empty() {
            Ok(value())
        } else {
            Err(self.0)
        }
    }
}

/// Checks a required line of text (a name, a title) and returns its stored form: NFC, single
/// spaces, no invisible characters or bidirectional controls (`text::normalize`); nothing
/// visible is "required". Control characters are refused: they have no place in a name and PostgreSQL refuses NUL.
pub fn check_text(field: &str, value: &str, max_chars: usize, checks: &mut Checks) -> String {
    let value = text::normalize(value);
    if value.is_empty() {
        // Also when only invisible characters were sent.
        checks.fail(field, ErrorCode::Required, "must not be empty");
    } else if value.chars().count() > max_chars {
        checks.0.push(
            FieldError::new(field, ErrorCode::TooLong, format!("must be at most {max_chars} characters"))
                .localized("too_long-max", [("max", Arg::text(max_chars))]),
        );
    } else if value.chars().any(char::is_control) {
        checks.fail(field, ErrorCode::InvalidCharacters, "must not contain control characters");
    }
    value
}

/// Checks multi-line text (a comment, a note) and returns its stored form: hidden characters
/// removed (`text::normalize_block`), no control characters but line breaks and tabs.
pub fn check_text_block(field: &str, value: &str, max: usize, checks: &mut Checks) -> String {
    let value = text::normalize_block(value);
    if value.is_empty() {
        checks.fail(field, ErrorCode::Required, "must not be empty");
    } else if value.chars().count() > max {
        checks.0.push(
            FieldError::new(field, ErrorCode::TooLong, format!("must be at most {max} characters"))
                .localized("too_long-max", [("max", Arg::text(max))]),
        );
    } else if value.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        checks.fail(field, ErrorCode::InvalidCharacters, "must not contain control characters");
    }
    value
}

/// The dates the service accepts: far enough back for any historical record, and within what
/// both databases store and compare alike (SQLite keeps dates as text).
pub fn date_is_supported(date: NaiveDate) -> bool {
    let first = NaiveDate::from_ymd_opt(1900, 1, 1).expect("valid date");
    let last = NaiveDate::from_ymd_opt(2200, 12, 31).expect("valid date");
    (first..=last).contains(&date)
}

pub const DATE_RANGE: &str = "must be between 1900-01-01 and 2200-12-31";

pub fn check_date(field: &str, date: Option<NaiveDate>, checks: &mut Checks) {
    if date.is_some_and(|d| !date_is_supported(d)) {
        checks.fail(field, ErrorCode::OutOfRange, DATE_RANGE);
    }
}

/// 32 random bytes, hex: refresh tokens, signing keys, webhook secrets, dummy passwords.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source works");
    hex::encode(bytes)
}

#[cfg(test)]
mod label_tests {
    use unicode_normalization::UnicodeNormalization;

    /// Every value has a Vietnamese label, in NFC, and no two values of one enumeration share one.
    #[test]
    fn every_value_has_its_own_vietnamese_label() {
        fn check(labels: Vec<&'static str>) {
            let mut seen = std::collections::HashSet::new();
            for label in labels {
                assert!(!label.trim().is_empty());
                assert_eq!(label.nfc().collect::<String>(), label, "{label} is not NFC");
                assert!(seen.insert(label), "{label} twice");
            }
        }
        macro_rules! labels {
            ($($t:ty),+) => {$(check(<$t>::ALL.iter().map(|v| v.label_vi()).collect());)+};
        }
        use super::awards::*;
        use super::campaigns::*;
        use super::council::*;
        use super::evidence::*;
        use super::nominations::*;
        labels!(
            AwardCategory,
            AwardSubject,
            CampaignKind,
            Participation,
            CampaignStatus,
            CampaignAction,
            IndicatorKind
        );
        labels!(Direction, RegistrationStatus, RegistrationAction, AchievementStatus, AchievementAction, SeatRole);
        labels!(EvidenceType, NominationStatus, NominationAction, DocumentKind);
        use super::rounds::*;
        labels!(RoundStatus, DossierStatus, LineAction, TitleRegistrationStatus);
        check(super::roles::ALL_ROLES.iter().map(|r| r.label_vi()).collect());
    }
}
