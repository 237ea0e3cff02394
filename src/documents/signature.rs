//! STUB (the lead's placeholder while helper-25 writes the real module).
pub struct TrustAnchors(Vec<Vec<u8>>);
impl TrustAnchors {
    pub fn from_pem(_pem: &[u8]) -> Result<TrustAnchors, String> {
        Err("stub".into())
    }
    pub fn none() -> TrustAnchors {
        TrustAnchors(Vec::new())
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SigningTimeSource {
    SigningTimeAttribute,
    SignatureDictionary,
}
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedSignature {
    pub signer_name: String,
    pub signer_subject: String,
    pub issuer_subject: String,
    pub serial_number: String,
    pub certificate_sha256: String,
    pub signed_at: chrono::DateTime<chrono::Utc>,
    pub signed_at_source: SigningTimeSource,
}
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureProblem {
    #[error("not a PDF")]
    NotAPdf,
}
impl SignatureProblem {
    pub fn code(&self) -> &'static str {
        "not_a_pdf"
    }
}
pub fn verify(_pdf: &[u8], _anchors: &TrustAnchors) -> Result<VerifiedSignature, SignatureProblem> {
    Err(SignatureProblem::NotAPdf)
}
