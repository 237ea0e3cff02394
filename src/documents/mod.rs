//! Documents: the board's DOCX templates filled from records, the same documents laid out as
//! PDF, and the digital signatures of signed PDFs checked. Pure code (bytes in, bytes out); the
//! routes fetch the records and store the results.

pub mod docx;
pub mod pdf;
pub mod signature;
pub mod templates;

/// Any stream of an uploaded PDF may decompress to at most this: a few kilobytes of deflate can
/// ask for hundreds of megabytes (lopdf's own default is 256 MiB a stream).
const MAX_PDF_STREAM: usize = 8 * 1024 * 1024;

/// An uploaded PDF read with its streams bounded by [`MAX_PDF_STREAM`].
fn load_pdf(bytes: &[u8]) -> lopdf::Result<lopdf::Document> {
    lopdf::Document::load_mem_with_options(bytes, lopdf::LoadOptions::with_max_decompressed_size(MAX_PDF_STREAM))
}
