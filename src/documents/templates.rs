//! The built-in version 1 of each template: `templates/<kind>.xml`, the `word/document.xml` of a
//! DOCX kept as readable XML and packaged when asked for. (The kinds and the placeholders each
//! may use are in `domain::documents`.)

use crate::documents::docx;
use crate::domain::documents::TemplateKind;

pub use crate::domain::documents::BUILT_IN_VERSION;

/// The `word/document.xml` of the built-in template of `kind`.
pub fn built_in_xml(kind: TemplateKind) -> &'static str {
    match kind {
        TemplateKind::Submission => include_str!("../../templates/submission.xml"),
        TemplateKind::NomineeList => include_str!("../../templates/nominee_list.xml"),
        TemplateKind::AchievementReportIndividual => include_str!("../../templates/achievement_report_individual.xml"),
        TemplateKind::AchievementReportCollective => include_str!("../../templates/achievement_report_collective.xml"),
        TemplateKind::CouncilMinutes => include_str!("../../templates/council_minutes.xml"),
        TemplateKind::Decision => include_str!("../../templates/decision.xml"),
        TemplateKind::Certificate => include_str!("../../templates/certificate.xml"),
    }
}

/// The built-in template of `kind` as a DOCX file.
pub fn built_in(kind: TemplateKind) -> Vec<u8> {
    docx::package(built_in_xml(kind))
}

/// The file name a template version downloads as: `quyet_dinh-v3.docx`.
pub fn filename(kind: TemplateKind, version: i32) -> String {
    format!("{}-v{version}.docx", kind.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every built-in template uses only the placeholders its kind fills, and fills with
    /// every list empty.
    #[test]
    fn built_in_templates_use_only_known_placeholders() {
        for kind in TemplateKind::ALL.iter().copied() {
            let template = built_in(kind);
            let used = docx::placeholders(&template).unwrap_or_else(|e| panic!("{}: {e}", kind.as_str()));
            assert!(!used.is_empty(), "{} has no placeholder", kind.as_str());
            for name in &used {
                assert!(kind.knows(name), "{} uses unknown placeholder {name}", kind.as_str());
            }
        }
    }
}
