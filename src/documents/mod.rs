//! Documents: the board's DOCX templates filled from records, the same documents laid out as
//! PDF, and the digital signatures of signed PDFs checked. Pure code (bytes in, bytes out); the
//! routes fetch the records and store the results.

pub mod docx;
pub mod pdf;
pub mod signature;
pub mod templates;
