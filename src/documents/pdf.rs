//! STUB (the lead's placeholder while helper-26 writes the real module).
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("not a DOCX file: {0}")]
    NotADocx(String),
}
pub fn render(_docx: &[u8]) -> Result<Vec<u8>, PdfError> {
    Err(PdfError::NotADocx("stub".into()))
}
