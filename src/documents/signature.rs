//! The digital signature of a signed PDF (a decision signed by the chairman, a certificate of
//! merit signed by the board), checked without a network: bytes in, result out.
//!
//! What [`verify`] checks, in this order:
//! - the file is a PDF with exactly one signature (a `/ByteRange` and `/Contents` dictionary);
//! - the signature covers the whole file except its own `/Contents` value, so nothing was
//!   appended (an incremental update) or changed after signing;
//! - the CMS (`adbe.pkcs7.detached` or `ETSI.CAdES.detached`) `messageDigest` equals the digest
//!   of the signed bytes (SHA-256/384/512);
//! - the signature over the signed attributes verifies with the signer's certificate (ECDSA
//!   P-256/P-384, RSA PKCS#1 v1.5 of 2048 to 8192 bits), and, when present, the
//!   signing-certificate-v2 attribute names that certificate;
//! - that certificate chains, through the other certificates the CMS carries, to one of the
//!   deployment's trust anchors, every certificate being valid at the claimed signing time.
//!
//! What it does not check:
//! - revocation: no CRL or OCSP is fetched or read, so a revoked certificate still passes;
//! - the time: `signed_at` is what the signer claims (the CMS signingTime, else the `/M` of the
//!   signature dictionary). An RFC 3161 timestamp token, when present, is not verified;
//! - documents with several signatures or with changes after signing (LTV data, annotations),
//!   which are reported, not analysed revision by revision;
//! - what the signature field looks like on the page, and any certificate policy: a signing
//!   certificate with no extended key usage, or with documentSigning, emailProtection,
//!   clientAuth or anyExtendedKeyUsage, is accepted.
//!
//! Certificates are checked by rustls-webpki, which follows the Web PKI's strict rules: no
//! SHA-1, no RSA below 2048 bits, no unknown critical extension, no version 1 certificates.

use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerIdentifier, SignerInfo};
use lopdf::{Dictionary, Document, Object};
use rustls_pki_types::{CertificateDer, SignatureVerificationAlgorithm, TrustAnchor, UnixTime};
use sha2::{Digest, Sha256, Sha384, Sha512};
use webpki::{EndEntityCert, KeyPurposeId, KeyPurposeIdIter, KeyUsage, RequiredEkuNotFoundContext};
use x509_cert::der::asn1::{Any, ObjectIdentifier, OctetString};
use x509_cert::der::oid::db::DB;
use x509_cert::der::{Decode, Encode, Tagged};
use x509_cert::ext::pkix::SubjectKeyIdentifier;
use x509_cert::name::Name;
use x509_cert::time::Time;
use x509_cert::Certificate;

/// The CA certificates a deployer trusts for signed decisions (Vietnam's public CAs, the government CA).
///
/// Empty ([`TrustAnchors::none`], also `Default`) for a deployment that configured none:
/// [`verify`] then answers [`SignatureProblem::NoTrustAnchors`] for any otherwise sound signature.
#[derive(Debug, Clone, Default)]
pub struct TrustAnchors {
    certificates: Vec<CertificateDer<'static>>,
    anchors: Vec<TrustAnchor<'static>>,
}

impl TrustAnchors {
    /// Every certificate of a PEM bundle (one or more "BEGIN CERTIFICATE" blocks). Err(message) if none or any is malformed.
    ///
    /// Text between the blocks (comments, other PEM blocks) is ignored, as bundles often carry it.
    pub fn from_pem(pem: &[u8]) -> Result<TrustAnchors, String> {
        const BEGIN: &[u8] = b"-----BEGIN CERTIFICATE-----";
        const END: &[u8] = b"-----END CERTIFICATE-----";
        let mut certificates = Vec::new();
        let mut anchors = Vec::new();
        let mut rest = pem;
        while let Some(start) = find(rest, BEGIN) {
            let number = certificates.len() + 1;
            let block = &rest[start..];
            let end = find(block, END).ok_or_else(|| format!("certificate {number} has no END line"))? + END.len();
            let (label, der) = x509_cert::der::pem::decode_vec(&block[..end])
                .map_err(|e| format!("certificate {number} is not valid PEM: {e}"))?;
            if label != "CERTIFICATE" {
                return Err(format!("certificate {number} is labelled {label}"));
            }
            Certificate::from_der(&der)
                .map_err(|e| format!("certificate {number} is not an X.509 certificate: {e}"))?;
            let der = CertificateDer::from(der);
            let anchor = webpki::anchor_from_trusted_cert(&der)
                .map_err(|e| format!("certificate {number} cannot be a trust anchor: {e:?}"))?
                .to_owned();
            anchors.push(anchor);
            certificates.push(der);
            rest = &block[end..];
        }
        if certificates.is_empty() {
            return Err("no \"BEGIN CERTIFICATE\" block found".to_owned());
        }
        Ok(TrustAnchors { certificates, anchors })
    }

    /// No anchor: every signature ends in [`SignatureProblem::NoTrustAnchors`].
    pub fn none() -> TrustAnchors {
        TrustAnchors::default()
    }

    pub fn len(&self) -> usize {
        self.anchors.len()
    }

    pub fn is_empty(&self) -> bool {
        self.anchors.is_empty()
    }

    /// The DER of each anchor, in the bundle's order (to list them for an administrator).
    pub fn certificates(&self) -> &[CertificateDer<'static>] {
        &self.certificates
    }
}

/// Who signed and when, once every check has passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedSignature {
    /// The signer certificate's CN (or the whole subject if it has none).
    pub signer_name: String,
    /// RFC 4514-style, most specific attribute first: "CN=Nguyễn Văn An,O=…,C=VN".
    pub signer_subject: String,
    pub issuer_subject: String,
    /// Lower-case hex, without leading zero bytes.
    pub serial_number: String,
    /// Lower-case hex SHA-256 of the signer certificate's DER.
    pub certificate_sha256: String,
    /// The claimed time: CMS signingTime, else the signature dictionary's /M. Not a trusted time.
    pub signed_at: DateTime<Utc>,
    pub signed_at_source: SigningTimeSource,
}

/// Where [`VerifiedSignature::signed_at`] was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SigningTimeSource {
    /// The signingTime attribute, covered by the signature.
    SigningTimeAttribute,
    /// The `/M` entry of the signature dictionary (PAdES baseline leaves signingTime out); it is
    /// in the signed bytes too.
    SignatureDictionary,
}

/// Why a signed PDF was not accepted. The messages are meant for the clerk who uploaded it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureProblem {
    #[error("the file is not a PDF")]
    NotAPdf,
    #[error("the PDF is not signed")]
    NoSignature,
    #[error("the PDF carries more than one signature, which cannot be checked yet")]
    SeveralSignatures,
    #[error("the signature does not cover the whole file: something was added or changed after signing")]
    NotWholeDocument,
    #[error("the signature cannot be read: {0}")]
    Malformed(String),
    #[error("the signature uses an algorithm that is not supported: {0}")]
    UnsupportedAlgorithm(String),
    #[error("the file was changed after it was signed")]
    DigestMismatch,
    #[error("the signature does not match the signer's certificate")]
    BadSignature,
    #[error("the signature does not say when it was made")]
    NoSigningTime,
    #[error("the signer's certificate is not included in the signature")]
    SignerCertificateMissing,
    #[error("the signer's certificate (or one above it) was not valid at the time of signing")]
    CertificateNotValidAtSigningTime,
    #[error("the signer's certificate does not chain to a trusted certification authority: {0}")]
    UntrustedChain(String),
    #[error("no trusted certification authorities are configured, so signatures cannot be checked")]
    NoTrustAnchors,
}

impl SignatureProblem {
    /// A stable snake_case code for the API ("digest_mismatch", "untrusted_chain", ...).
    pub fn code(&self) -> &'static str {
        match self {
            SignatureProblem::NotAPdf => "not_a_pdf",
            SignatureProblem::NoSignature => "no_signature",
            SignatureProblem::SeveralSignatures => "several_signatures",
            SignatureProblem::NotWholeDocument => "not_whole_document",
            SignatureProblem::Malformed(_) => "malformed",
            SignatureProblem::UnsupportedAlgorithm(_) => "unsupported_algorithm",
            SignatureProblem::DigestMismatch => "digest_mismatch",
            SignatureProblem::BadSignature => "bad_signature",
            SignatureProblem::NoSigningTime => "no_signing_time",
            SignatureProblem::SignerCertificateMissing => "signer_certificate_missing",
            SignatureProblem::CertificateNotValidAtSigningTime => "certificate_not_valid_at_signing_time",
            SignatureProblem::UntrustedChain(_) => "untrusted_chain",
            SignatureProblem::NoTrustAnchors => "no_trust_anchors",
        }
    }
}

type Problem = SignatureProblem;

fn malformed(what: impl Into<String>) -> Problem {
    Problem::Malformed(what.into())
}

/// Checks the one signature of a signed PDF: covers the whole file, the digest matches, the signature over the signed attributes verifies with the signer certificate, and that certificate chains (through the CMS's other certificates) to one of `anchors`, valid at the claimed signing time.
///
/// Documents with more than one signature (co-signed, or with a document timestamp) are not
/// supported yet: they give [`SignatureProblem::SeveralSignatures`]. CPU-bound (a few
/// milliseconds for a typical decision): call it off the async workers for large files.
pub fn verify(pdf: &[u8], anchors: &TrustAnchors) -> Result<VerifiedSignature, SignatureProblem> {
    // PDF readers accept the header anywhere in the first 1024 bytes.
    if find(&pdf[..pdf.len().min(1024)], b"%PDF-").is_none() {
        return Err(Problem::NotAPdf);
    }
    let document = super::load_pdf(pdf).map_err(|e| malformed(format!("the PDF cannot be read ({e})")))?;
    let dictionary = the_signature_dictionary(&document)?;
    check_sub_filter(dictionary)?;
    let (first_length, second_offset) = covered_ranges(pdf, dictionary)?;
    let signed_parts = [&pdf[..first_length], &pdf[second_offset..]];
    let cms = cms_bytes(&pdf[first_length + 1..second_offset - 1], dictionary)?;
    let parsed = parse_cms(cms)?;
    let info = &parsed.signer_info;

    let digest_hash = Hash::of_digest(&info.digest_alg.oid)?;
    let document_digest = digest_hash.digest(&signed_parts);

    // With signed attributes (always, for PAdES) the signature covers them and they carry the
    // document's digest; without, it covers the document itself.
    let mut signing_certificate = None;
    let mut claimed_time = None;
    let messages = match &info.signed_attrs {
        Some(attributes) => {
            let content_type = single_attribute(attributes, &OID_CONTENT_TYPE)?
                .ok_or_else(|| malformed("the content-type attribute is missing"))?;
            if content_type.decode_as::<ObjectIdentifier>().ok() != Some(OID_DATA) {
                return Err(malformed("the signed content type is not data"));
            }
            let message_digest = single_attribute(attributes, &OID_MESSAGE_DIGEST)?
                .ok_or_else(|| malformed("the message-digest attribute is missing"))?;
            let message_digest = message_digest
                .decode_as::<OctetString>()
                .map_err(|e| malformed(format!("the message-digest attribute is not an octet string ({e})")))?;
            if message_digest.as_bytes() != document_digest.as_slice() {
                return Err(Problem::DigestMismatch);
            }
            signing_certificate = single_attribute(attributes, &OID_SIGNING_CERTIFICATE_V2)?;
            if let Some(value) = single_attribute(attributes, &OID_SIGNING_TIME)? {
                claimed_time = Some(signing_time_attribute(value)?);
            }
            signed_attributes_messages(&parsed, attributes)?
        }
        None => vec![signed_parts.concat()],
    };

    let signer = find_signer(&parsed)?;
    let certificate = &signer.parsed;
    let algorithm = signature_algorithm(info, digest_hash, certificate)?;
    let end_entity = EndEntityCert::try_from(&signer.der_owned)
        .map_err(|e| malformed(format!("the signer's certificate cannot be read ({})", webpki_error_name(&e))))?;
    let mut verified = false;
    for message in &messages {
        match end_entity.verify_signature(algorithm, message, info.signature.as_bytes()) {
            Ok(()) => {
                verified = true;
                break;
            }
            Err(webpki::Error::InvalidSignatureForPublicKey) => {}
            Err(
                e @ (webpki::Error::UnsupportedSignatureAlgorithmForPublicKeyContext(_)
                | webpki::Error::UnsupportedSignatureAlgorithmContext(_)),
            ) => return Err(Problem::UnsupportedAlgorithm(webpki_error_name(&e))),
            Err(_) => return Err(Problem::BadSignature),
        }
    }
    if !verified {
        return Err(Problem::BadSignature);
    }
    if let Some(value) = signing_certificate {
        check_signing_certificate_v2(value, signer.der)?;
    }

    let (signed_at, signed_at_source) = match claimed_time {
        Some(time) => (time, SigningTimeSource::SigningTimeAttribute),
        None => (signature_dictionary_time(dictionary)?, SigningTimeSource::SignatureDictionary),
    };
    check_chain(&end_entity, &parsed, &signer, anchors, signed_at)?;

    Ok(VerifiedSignature {
        signer_name: common_name(&certificate.tbs_certificate.subject)
            .unwrap_or_else(|| name_string(&certificate.tbs_certificate.subject)),
        signer_subject: name_string(&certificate.tbs_certificate.subject),
        issuer_subject: name_string(&certificate.tbs_certificate.issuer),
        serial_number: serial_hex(certificate.tbs_certificate.serial_number.as_bytes()),
        certificate_sha256: hex::encode(Sha256::digest(signer.der)),
        signed_at,
        signed_at_source,
    })
}

const OID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const OID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const OID_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const OID_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const OID_SIGNING_TIME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.5");
const OID_SIGNING_CERTIFICATE_V2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");
const OID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const OID_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
const OID_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");
const OID_RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const OID_SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const OID_SHA384_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12");
const OID_SHA512_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13");
const OID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const OID_ECDSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const OID_ECDSA_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");
const OID_ECDSA_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.4");
const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const OID_P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const OID_SUBJECT_KEY_IDENTIFIER: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.14");
const OID_COMMON_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");

/// The one signature dictionary. A signature is a dictionary with /ByteRange and /Contents,
/// usually an object of its own, sometimes written inside its field's /V.
fn the_signature_dictionary(document: &Document) -> Result<&Dictionary, Problem> {
    fn is_signature(dictionary: &Dictionary) -> bool {
        dictionary.has(b"ByteRange") && dictionary.has(b"Contents")
    }
    let mut found: Option<&Dictionary> = None;
    for object in document.objects.values() {
        let Object::Dictionary(dictionary) = object else { continue };
        let signature = if is_signature(dictionary) {
            dictionary
        } else if let Ok(Object::Dictionary(value)) = dictionary.get(b"V") {
            if !is_signature(value) {
                continue;
            }
            value
        } else {
            continue;
        };
        if found.is_some() {
            return Err(Problem::SeveralSignatures);
        }
        found = Some(signature);
    }
    found.ok_or(Problem::NoSignature)
}

/// Only the detached CMS formats are signatures over the file; the others are legacy (SHA-1) or
/// document timestamps.
fn check_sub_filter(dictionary: &Dictionary) -> Result<(), Problem> {
    let Ok(sub_filter) = dictionary.get(b"SubFilter") else { return Ok(()) };
    let name = sub_filter.as_name().map_err(|_| malformed("/SubFilter is not a name"))?;
    match name {
        b"adbe.pkcs7.detached" | b"ETSI.CAdES.detached" => Ok(()),
        other => Err(Problem::UnsupportedAlgorithm(format!("signature format {}", String::from_utf8_lossy(other)))),
    }
}

/// `[0 a b c]`: the signed bytes are `..a` and `b..b+c`, which must be the whole file but the
/// `<…>` of the signature value. Returns (a, b).
fn covered_ranges(pdf: &[u8], dictionary: &Dictionary) -> Result<(usize, usize), Problem> {
    let numbers = dictionary
        .get(b"ByteRange")
        .and_then(Object::as_array)
        .map_err(|_| malformed("/ByteRange is not an array"))?
        .iter()
        .map(|number| number.as_i64().ok().and_then(|n| usize::try_from(n).ok()))
        .collect::<Option<Vec<usize>>>()
        .ok_or_else(|| malformed("/ByteRange holds something other than offsets"))?;
    let [start, first_length, second_offset, second_length] = numbers[..] else {
        return Err(malformed("/ByteRange does not hold four numbers"));
    };
    let whole = start == 0
        && first_length < second_offset
        && second_offset.checked_add(second_length) == Some(pdf.len())
        && pdf.get(first_length) == Some(&b'<')
        && pdf.get(second_offset - 1) == Some(&b'>')
        && first_length + 1 < second_offset;
    if !whole {
        return Err(Problem::NotWholeDocument);
    }
    Ok((first_length, second_offset))
}

/// The unsigned gap, decoded from hex, must be the dictionary's /Contents: otherwise the byte
/// range skips something else and that something could be changed freely.
fn cms_bytes<'a>(gap: &[u8], dictionary: &'a Dictionary) -> Result<&'a [u8], Problem> {
    let contents =
        dictionary.get(b"Contents").and_then(Object::as_str).map_err(|_| malformed("/Contents is not a string"))?;
    let digits: Vec<u8> = gap.iter().copied().filter(|b| !b" \t\r\n\x0c\0".contains(b)).collect();
    let mut decoded = Vec::with_capacity(digits.len() / 2 + 1);
    for pair in digits.chunks(2) {
        let high = hex_value(pair[0]);
        let low = pair.get(1).map_or(Some(0), |&b| hex_value(b));
        match (high, low) {
            (Some(high), Some(low)) => decoded.push((high << 4) | low),
            _ => return Err(Problem::NotWholeDocument),
        }
    }
    if decoded != contents {
        return Err(Problem::NotWholeDocument);
    }
    // The value is zero-padded up to the room the signer reserved.
    let end = contents.iter().rposition(|&b| b != 0).map_or(0, |last| last + 1);
    if end == 0 {
        return Err(malformed("the signature value is empty"));
    }
    Ok(contents)
}

fn hex_value(digit: u8) -> Option<u8> {
    char::from(digit).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

/// The CMS decoded, with the raw bytes that re-encoding could change (signatures are over them).
struct ParsedCms<'a> {
    signer_info: SignerInfo,
    /// Each certificate's DER as the signer wrote it (webpki checks signatures over these bytes).
    certificates: Vec<&'a [u8]>,
    /// The signer info's `[0] IMPLICIT` signed attributes as written.
    raw_signed_attributes: Option<&'a [u8]>,
}

fn parse_cms(contents: &[u8]) -> Result<ParsedCms<'_>, Problem> {
    let (whole, padding) = read_tlv(contents).ok_or_else(|| malformed("the signature value is not DER"))?;
    if padding.iter().any(|&b| b != 0) {
        return Err(malformed("data follows the signature value"));
    }
    let content_info = ContentInfo::from_der(whole.bytes).map_err(|e| malformed(format!("not a CMS message ({e})")))?;
    if content_info.content_type != OID_SIGNED_DATA {
        return Err(malformed("the CMS message is not signed data"));
    }
    let signed_data: SignedData =
        content_info.content.decode_as().map_err(|e| malformed(format!("the CMS signed data cannot be read ({e})")))?;
    if signed_data.encap_content_info.econtent.is_some() {
        return Err(Problem::UnsupportedAlgorithm("a signature that embeds its content (not detached)".to_owned()));
    }
    let signer_info = match signed_data.signer_infos.0.as_slice() {
        [] => return Err(malformed("the CMS message has no signer")),
        [one] => one.clone(),
        _ => return Err(Problem::SeveralSignatures),
    };
    let raw = raw_parts(whole).ok_or_else(|| malformed("the CMS message's structure is unexpected"))?;
    Ok(ParsedCms { signer_info, certificates: raw.certificates, raw_signed_attributes: raw.signed_attributes })
}

struct RawParts<'a> {
    certificates: Vec<&'a [u8]>,
    signed_attributes: Option<&'a [u8]>,
}

/// ContentInfo { oid, [0] SignedData { version, digests, encap, [0] certificates?, [1] crls?,
/// SET OF SignerInfo { version, sid, digest, [0] signedAttrs?, … } } }, walked by hand.
fn raw_parts(content_info: Tlv<'_>) -> Option<RawParts<'_>> {
    let outer = children(content_info.content)?;
    let explicit = outer.get(1).filter(|t| t.tag == 0xa0)?;
    let (signed_data, _) = read_tlv(explicit.content)?;
    let parts = children(signed_data.content)?;
    let certificates = match parts.iter().find(|t| t.tag == 0xa0) {
        Some(set) => children(set.content)?.into_iter().filter(|t| t.tag == 0x30).map(|t| t.bytes).collect(),
        None => Vec::new(),
    };
    let signer_infos = parts.last().filter(|t| t.tag == 0x31)?;
    let (signer_info, _) = read_tlv(signer_infos.content)?;
    let signed_attributes = children(signer_info.content)?.get(3).filter(|t| t.tag == 0xa0).map(|t| t.bytes);
    Some(RawParts { certificates, signed_attributes })
}

/// The messages the signature may cover: the signed attributes as written, re-tagged as a SET
/// (0x31) as RFC 5652 §5.4 says; and their DER re-encoding when that differs (some signers
/// write an unsorted SET, and der sorts it on decoding).
fn signed_attributes_messages(
    parsed: &ParsedCms<'_>,
    attributes: &x509_cert::attr::Attributes,
) -> Result<Vec<Vec<u8>>, Problem> {
    let reencoded =
        attributes.to_der().map_err(|e| malformed(format!("the signed attributes cannot be encoded ({e})")))?;
    let mut messages = Vec::with_capacity(2);
    if let Some(raw) = parsed.raw_signed_attributes {
        let mut raw = raw.to_vec();
        raw[0] = 0x31;
        messages.push(raw);
    }
    if !messages.contains(&reencoded) {
        messages.push(reencoded);
    }
    Ok(messages)
}

/// The value of an attribute that must occur at most once with one value.
fn single_attribute<'a>(
    attributes: &'a x509_cert::attr::Attributes,
    oid: &ObjectIdentifier,
) -> Result<Option<&'a Any>, Problem> {
    let mut matching = attributes.iter().filter(|a| a.oid == *oid);
    let Some(attribute) = matching.next() else { return Ok(None) };
    if matching.next().is_some() || attribute.values.len() != 1 {
        return Err(malformed(format!("the attribute {} occurs more than once", oid_name(oid))));
    }
    Ok(attribute.values.iter().next())
}

fn signing_time_attribute(value: &Any) -> Result<DateTime<Utc>, Problem> {
    let der = value.to_der().map_err(|e| malformed(format!("the signing time cannot be read ({e})")))?;
    let time = Time::from_der(&der).map_err(|e| malformed(format!("the signing time cannot be read ({e})")))?;
    unix_to_chrono(time.to_unix_duration()).ok_or_else(|| malformed("the signing time is out of range"))
}

fn unix_to_chrono(since_epoch: Duration) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(i64::try_from(since_epoch.as_secs()).ok()?, since_epoch.subsec_nanos())
}

/// `/M (D:YYYYMMDDHHmmSSOHH'mm')`, every part after the year optional (ISO 32000-1 §7.9.4).
fn signature_dictionary_time(dictionary: &Dictionary) -> Result<DateTime<Utc>, Problem> {
    let Ok(value) = dictionary.get(b"M") else { return Err(Problem::NoSigningTime) };
    let text = value.as_str().map_err(|_| malformed("/M is not a date string"))?;
    parse_pdf_date(text).ok_or_else(|| malformed(format!("/M is not a PDF date: {}", String::from_utf8_lossy(text))))
}

fn parse_pdf_date(text: &[u8]) -> Option<DateTime<Utc>> {
    let text = std::str::from_utf8(text).ok()?.trim();
    let text = text.strip_prefix("D:").unwrap_or(text);
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if !(4..=14).contains(&digits) || !digits.is_multiple_of(2) {
        return None;
    }
    let (stamp, zone) = text.split_at(digits);
    let field = |at: usize, default: u32| stamp.get(at..at + 2).map_or(Some(default), |s| s.parse().ok());
    let year: i32 = stamp.get(..4)?.parse().ok()?;
    let local = NaiveDate::from_ymd_opt(year, field(4, 1)?, field(6, 1)?)?.and_hms_opt(
        field(8, 0)?,
        field(10, 0)?,
        field(12, 0)?,
    )?;
    let offset_minutes: i64 = match zone.as_bytes().first() {
        None | Some(b'Z') => 0,
        Some(&sign @ (b'+' | b'-')) => {
            let rest: Vec<&str> = zone[1..].split('\'').map(str::trim).filter(|part| !part.is_empty()).collect();
            let hours: i64 = rest.first()?.parse().ok()?;
            let minutes: i64 = rest.get(1).map_or(Some(0), |m| m.parse().ok())?;
            if hours > 23 || minutes > 59 {
                return None;
            }
            let total = hours * 60 + minutes;
            if sign == b'-' {
                -total
            } else {
                total
            }
        }
        Some(_) => return None,
    };
    Some(local.and_utc() - chrono::Duration::minutes(offset_minutes))
}

struct SignerCertificate<'a> {
    der: &'a [u8],
    der_owned: CertificateDer<'a>,
    parsed: Certificate,
}

/// The certificate the signer info names, by issuer and serial or by key identifier.
fn find_signer<'a>(parsed: &ParsedCms<'a>) -> Result<SignerCertificate<'a>, Problem> {
    // In the order written; other certificate formats (tagged, not SEQUENCEs) are not listed.
    for der in &parsed.certificates {
        let Ok(certificate) = Certificate::from_der(der) else { continue };
        let matches = match &parsed.signer_info.sid {
            SignerIdentifier::IssuerAndSerialNumber(id) => {
                certificate.tbs_certificate.issuer == id.issuer
                    && certificate.tbs_certificate.serial_number == id.serial_number
            }
            SignerIdentifier::SubjectKeyIdentifier(id) => subject_key_identifier(&certificate).as_ref() == Some(id),
        };
        if matches {
            return Ok(SignerCertificate { der, der_owned: CertificateDer::from(*der), parsed: certificate });
        }
    }
    Err(Problem::SignerCertificateMissing)
}

fn subject_key_identifier(certificate: &Certificate) -> Option<SubjectKeyIdentifier> {
    let extension =
        certificate.tbs_certificate.extensions.as_ref()?.iter().find(|e| e.extn_id == OID_SUBJECT_KEY_IDENTIFIER)?;
    SubjectKeyIdentifier::from_der(extension.extn_value.as_bytes()).ok()
}

/// SigningCertificateV2 { certs SEQUENCE OF ESSCertIDv2 { hashAlgorithm DEFAULT sha256,
/// certHash, … }, … }: the first names the signer's certificate. Stops a certificate being
/// swapped for another one with the same key.
fn check_signing_certificate_v2(value: &Any, signer_der: &[u8]) -> Result<(), Problem> {
    let unreadable = || malformed("the signing-certificate-v2 attribute cannot be read");
    let der = value.to_der().map_err(|_| unreadable())?;
    let (outer, _) = read_tlv(&der).filter(|(t, _)| t.tag == 0x30).ok_or_else(unreadable)?;
    let (certs, _) = read_tlv(outer.content).filter(|(t, _)| t.tag == 0x30).ok_or_else(unreadable)?;
    let (first, _) = read_tlv(certs.content).filter(|(t, _)| t.tag == 0x30).ok_or_else(unreadable)?;
    let fields = children(first.content).ok_or_else(unreadable)?;
    let (hash, cert_hash) = match fields.as_slice() {
        [algorithm, cert_hash, ..] if algorithm.tag == 0x30 && cert_hash.tag == 0x04 => {
            let (oid, _) = read_tlv(algorithm.content).filter(|(t, _)| t.tag == 0x06).ok_or_else(unreadable)?;
            let oid = ObjectIdentifier::from_der(oid.bytes).map_err(|_| unreadable())?;
            match Hash::of_digest(&oid) {
                Ok(hash) => (hash, cert_hash.content),
                // A hash we do not compute: the check is optional, skip it.
                Err(_) => return Ok(()),
            }
        }
        [cert_hash, ..] if cert_hash.tag == 0x04 => (Hash::Sha256, cert_hash.content),
        _ => return Err(unreadable()),
    };
    if hash.digest(&[signer_der]) != cert_hash {
        return Err(Problem::SignerCertificateMissing);
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hash {
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    fn name(self) -> &'static str {
        match self {
            Hash::Sha256 => "SHA-256",
            Hash::Sha384 => "SHA-384",
            Hash::Sha512 => "SHA-512",
        }
    }

    fn of_digest(oid: &ObjectIdentifier) -> Result<Hash, Problem> {
        match *oid {
            OID_SHA256 => Ok(Hash::Sha256),
            OID_SHA384 => Ok(Hash::Sha384),
            OID_SHA512 => Ok(Hash::Sha512),
            _ => Err(Problem::UnsupportedAlgorithm(format!("digest {}", oid_name(oid)))),
        }
    }

    fn digest(self, parts: &[&[u8]]) -> Vec<u8> {
        fn run<D: Digest>(parts: &[&[u8]]) -> Vec<u8> {
            let mut hasher = D::new();
            for part in parts {
                hasher.update(part);
            }
            hasher.finalize().to_vec()
        }
        match self {
            Hash::Sha256 => run::<Sha256>(parts),
            Hash::Sha384 => run::<Sha384>(parts),
            Hash::Sha512 => run::<Sha512>(parts),
        }
    }
}

/// The webpki algorithm for the signer info's signature algorithm and the certificate's key.
/// `rsaEncryption` and `id-ecPublicKey` as signature algorithms (seen in the wild) take the hash
/// from the digest algorithm.
fn signature_algorithm(
    info: &SignerInfo,
    digest: Hash,
    certificate: &Certificate,
) -> Result<&'static dyn SignatureVerificationAlgorithm, Problem> {
    enum Family {
        Rsa,
        Ecdsa,
    }
    let oid = info.signature_algorithm.oid;
    let (family, hash) = match oid {
        OID_RSA_ENCRYPTION => (Family::Rsa, digest),
        OID_SHA256_WITH_RSA => (Family::Rsa, Hash::Sha256),
        OID_SHA384_WITH_RSA => (Family::Rsa, Hash::Sha384),
        OID_SHA512_WITH_RSA => (Family::Rsa, Hash::Sha512),
        OID_EC_PUBLIC_KEY => (Family::Ecdsa, digest),
        OID_ECDSA_SHA256 => (Family::Ecdsa, Hash::Sha256),
        OID_ECDSA_SHA384 => (Family::Ecdsa, Hash::Sha384),
        OID_ECDSA_SHA512 => (Family::Ecdsa, Hash::Sha512),
        _ => return Err(Problem::UnsupportedAlgorithm(format!("signature {}", oid_name(&oid)))),
    };
    let key = &certificate.tbs_certificate.subject_public_key_info;
    match family {
        Family::Rsa => {
            if key.algorithm.oid != OID_RSA_ENCRYPTION {
                return Err(Problem::BadSignature);
            }
            let bits = rsa_modulus_bits(key.subject_public_key.raw_bytes())
                .ok_or_else(|| malformed("the signer's RSA key cannot be read"))?;
            if !(2048..=8192).contains(&bits) {
                return Err(Problem::UnsupportedAlgorithm(format!("RSA key of {bits} bits")));
            }
            Ok(match hash {
                Hash::Sha256 => webpki::ring::RSA_PKCS1_2048_8192_SHA256,
                Hash::Sha384 => webpki::ring::RSA_PKCS1_2048_8192_SHA384,
                Hash::Sha512 => webpki::ring::RSA_PKCS1_2048_8192_SHA512,
            })
        }
        Family::Ecdsa => {
            if key.algorithm.oid != OID_EC_PUBLIC_KEY {
                return Err(Problem::BadSignature);
            }
            let curve = key.algorithm.parameters.as_ref().and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
            match (curve, hash) {
                (Some(OID_P256), Hash::Sha256) => Ok(webpki::ring::ECDSA_P256_SHA256),
                (Some(OID_P256), Hash::Sha384) => Ok(webpki::ring::ECDSA_P256_SHA384),
                (Some(OID_P384), Hash::Sha256) => Ok(webpki::ring::ECDSA_P384_SHA256),
                (Some(OID_P384), Hash::Sha384) => Ok(webpki::ring::ECDSA_P384_SHA384),
                (Some(curve), hash) => {
                    Err(Problem::UnsupportedAlgorithm(format!("ECDSA on {} with {}", oid_name(&curve), hash.name())))
                }
                (None, _) => Err(malformed("the signer's EC key names no curve")),
            }
        }
    }
}

/// RSAPublicKey { modulus INTEGER, publicExponent INTEGER }: the modulus's size in bits.
fn rsa_modulus_bits(key: &[u8]) -> Option<usize> {
    let (sequence, _) = read_tlv(key).filter(|(t, _)| t.tag == 0x30)?;
    let (modulus, _) = read_tlv(sequence.content).filter(|(t, _)| t.tag == 0x02)?;
    let first = modulus.content.iter().position(|&b| b != 0)?;
    let significant = &modulus.content[first..];
    Some(significant.len() * 8 - significant[0].leading_zeros() as usize)
}

/// The chain to an anchor, every certificate valid at the claimed time, with the other CMS
/// certificates as intermediates.
fn check_chain(
    end_entity: &EndEntityCert<'_>,
    parsed: &ParsedCms<'_>,
    signer: &SignerCertificate<'_>,
    anchors: &TrustAnchors,
    signed_at: DateTime<Utc>,
) -> Result<(), Problem> {
    if anchors.is_empty() {
        return Err(Problem::NoTrustAnchors);
    }
    let seconds = u64::try_from(signed_at.timestamp()).map_err(|_| malformed("the signing time is before 1970"))?;
    let time = UnixTime::since_unix_epoch(Duration::from_secs(seconds));
    let intermediates: Vec<CertificateDer<'_>> =
        parsed.certificates.iter().filter(|der| **der != signer.der).map(|der| CertificateDer::from(*der)).collect();
    match end_entity.verify_for_usage(
        webpki::ALL_VERIFICATION_ALGS,
        &anchors.anchors,
        &intermediates,
        time,
        DocumentSigningEku,
        None,
        None,
    ) {
        Ok(_) => Ok(()),
        Err(webpki::Error::CertExpired { .. } | webpki::Error::CertNotValidYet { .. }) => {
            Err(Problem::CertificateNotValidAtSigningTime)
        }
        Err(e) => Err(Problem::UntrustedChain(webpki_error_name(&e))),
    }
}

/// Extended key usages a document-signing certificate may carry. Vietnamese CAs issue signing
/// certificates with no EKU, documentSigning, emailProtection or clientAuth, so all pass.
struct DocumentSigningEku;

impl DocumentSigningEku {
    const DOCUMENT_SIGNING: &'static [u8] = &[0x2b, 6, 1, 5, 5, 7, 3, 36]; // 1.3.6.1.5.5.7.3.36
    const ACCEPTED: &'static [&'static [u8]] = &[
        Self::DOCUMENT_SIGNING,
        &[0x2b, 6, 1, 5, 5, 7, 3, 4], // emailProtection
        &[0x2b, 6, 1, 5, 5, 7, 3, 2], // clientAuth
        &[0x55, 0x1d, 0x25, 0x00],    // anyExtendedKeyUsage
    ];
}

impl webpki::ExtendedKeyUsageValidator for DocumentSigningEku {
    fn validate(&self, iter: KeyPurposeIdIter<'_, '_>) -> Result<(), webpki::Error> {
        let mut present = Vec::new();
        for purpose in iter {
            let purpose = purpose?;
            if Self::ACCEPTED.iter().any(|accepted| KeyPurposeId::new(accepted) == purpose) {
                return Ok(());
            }
            present.push(purpose.to_decoded_oid());
        }
        if present.is_empty() {
            return Ok(());
        }
        Err(webpki::Error::RequiredEkuNotFoundContext(RequiredEkuNotFoundContext {
            required: KeyUsage::required_if_present(Self::DOCUMENT_SIGNING),
            present,
        }))
    }
}

/// "UnknownIssuer", "RequiredEkuNotFound": the variant's name, without its context.
fn webpki_error_name(error: &webpki::Error) -> String {
    let debug = format!("{error:?}");
    let name: String = debug.chars().take_while(char::is_ascii_alphanumeric).collect();
    name.strip_suffix("Context").map_or_else(|| name.clone(), str::to_owned)
}

fn oid_name(oid: &ObjectIdentifier) -> String {
    DB.by_oid(oid).map_or_else(|| oid.to_string(), str::to_owned)
}

/// The most specific common name.
fn common_name(name: &Name) -> Option<String> {
    name.0
        .iter()
        .rev()
        .flat_map(|rdn| rdn.0.iter())
        .find(|atv| atv.oid == OID_COMMON_NAME)
        .and_then(|atv| directory_string(&atv.value))
}

/// RFC 4514's form, with BMPString and UniversalString decoded too (older Vietnamese CAs use
/// BMPString for names with diacritics, which x509-cert's Display prints as hex).
fn name_string(name: &Name) -> String {
    let mut out = String::new();
    for rdn in name.0.iter().rev() {
        for (i, atv) in rdn.0.iter().enumerate() {
            if !out.is_empty() {
                out.push(if i == 0 { ',' } else { '+' });
            }
            let key = match atv.oid.to_string().as_str() {
                "2.5.4.3" => "CN".to_owned(),
                "2.5.4.6" => "C".to_owned(),
                "2.5.4.7" => "L".to_owned(),
                "2.5.4.8" => "ST".to_owned(),
                "2.5.4.9" => "STREET".to_owned(),
                "2.5.4.10" => "O".to_owned(),
                "2.5.4.11" => "OU".to_owned(),
                "0.9.2342.19200300.100.1.1" => "UID".to_owned(),
                "0.9.2342.19200300.100.1.25" => "DC".to_owned(),
                _ => oid_name(&atv.oid),
            };
            out.push_str(&key);
            out.push('=');
            match directory_string(&atv.value) {
                Some(value) => {
                    let last = value.chars().count().saturating_sub(1);
                    for (at, c) in value.chars().enumerate() {
                        match c {
                            '#' if at == 0 => out.push_str("\\#"),
                            ' ' if at == 0 || at == last => out.push_str("\\ "),
                            '"' | '+' | ',' | ';' | '<' | '>' | '\\' => {
                                out.push('\\');
                                out.push(c);
                            }
                            _ if c.is_control() => out.push_str(&format!("\\{:02x}", u32::from(c))),
                            _ => out.push(c),
                        }
                    }
                }
                None => {
                    out.push('#');
                    out.push_str(&hex::encode(atv.value.to_der().unwrap_or_default()));
                }
            }
        }
    }
    out
}

/// A DirectoryString (or IA5String) as text.
fn directory_string(value: &Any) -> Option<String> {
    let bytes = value.value();
    match u8::from(value.tag()) {
        // UTF8String, PrintableString, IA5String, VisibleString
        0x0c | 0x13 | 0x16 | 0x1a => std::str::from_utf8(bytes).ok().map(str::to_owned),
        // TeletexString: in practice Latin-1
        0x14 => Some(bytes.iter().map(|&b| char::from(b)).collect()),
        // BMPString: UTF-16BE
        0x1e => {
            if !bytes.len().is_multiple_of(2) {
                return None;
            }
            let units = bytes.chunks(2).map(|pair| u16::from_be_bytes([pair[0], pair[1]]));
            char::decode_utf16(units).collect::<Result<String, _>>().ok()
        }
        // UniversalString: UTF-32BE
        0x1c => {
            if !bytes.len().is_multiple_of(4) {
                return None;
            }
            bytes
                .chunks(4)
                .map(|quad| char::from_u32(u32::from_be_bytes([quad[0], quad[1], quad[2], quad[3]])))
                .collect()
        }
        _ => None,
    }
}

fn serial_hex(bytes: &[u8]) -> String {
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len().saturating_sub(1));
    hex::encode(&bytes[first..])
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

/// One DER element as written: its tag, its value and all its bytes.
#[derive(Clone, Copy)]
struct Tlv<'a> {
    tag: u8,
    content: &'a [u8],
    bytes: &'a [u8],
}

/// The first element of `input` and what follows it. Definite lengths only (DER), one-byte tags.
fn read_tlv(input: &[u8]) -> Option<(Tlv<'_>, &[u8])> {
    let (&tag, rest) = input.split_first()?;
    if tag & 0x1f == 0x1f {
        return None;
    }
    let (&first, mut rest) = rest.split_first()?;
    let length = if first < 0x80 {
        usize::from(first)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 {
            return None;
        }
        let (digits, after) = rest.split_at_checked(count)?;
        rest = after;
        digits.iter().fold(0usize, |length, &digit| (length << 8) | usize::from(digit))
    };
    let header = input.len() - rest.len();
    let content = rest.get(..length)?;
    let bytes = input.get(..header.checked_add(length)?)?;
    Some((Tlv { tag, content, bytes }, &rest[length..]))
}

/// The elements of a constructed value, or None if one is malformed.
fn children(mut content: &[u8]) -> Option<Vec<Tlv<'_>>> {
    let mut out = Vec::new();
    while !content.is_empty() {
        let (element, rest) = read_tlv(content)?;
        out.push(element);
        content = rest;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_dates() {
        let at = |s: &str| parse_pdf_date(s.as_bytes()).map(|t| t.to_rfc3339());
        assert_eq!(at("D:20260105143000+07'00'").as_deref(), Some("2026-01-05T07:30:00+00:00"));
        assert_eq!(at("D:20260105143000+07'00").as_deref(), Some("2026-01-05T07:30:00+00:00"));
        assert_eq!(at("D:20260105143000Z").as_deref(), Some("2026-01-05T14:30:00+00:00"));
        assert_eq!(at("D:20260105143000-05'30'").as_deref(), Some("2026-01-05T20:00:00+00:00"));
        assert_eq!(at("D:2026").as_deref(), Some("2026-01-01T00:00:00+00:00"));
        assert_eq!(at("20260105").as_deref(), Some("2026-01-05T00:00:00+00:00"));
        assert_eq!(at("D:2026013"), None);
        assert_eq!(at("D:20261305"), None);
        assert_eq!(at("D:20260105143000X"), None);
        assert_eq!(at(""), None);
    }

    #[test]
    fn tlv_reader_refuses_what_it_cannot_read() {
        assert!(read_tlv(&[]).is_none());
        assert!(read_tlv(&[0x30]).is_none());
        assert!(read_tlv(&[0x30, 0x80, 0, 0]).is_none(), "indefinite length");
        assert!(read_tlv(&[0x30, 0x85, 1, 1, 1, 1, 1]).is_none());
        assert!(read_tlv(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]).is_none());
        assert!(read_tlv(&[0x30, 0x03, 1, 2]).is_none());
        let (tlv, rest) = read_tlv(&[0x04, 0x81, 0x01, 9, 7]).unwrap();
        assert_eq!((tlv.tag, tlv.content, tlv.bytes.len(), rest), (0x04, &[9u8][..], 4, &[7u8][..]));
    }

    #[test]
    fn rsa_modulus_size() {
        // SEQUENCE { INTEGER 00 80 00 (17 bits → 16 significant), INTEGER 3 }
        assert_eq!(rsa_modulus_bits(&[0x30, 0x08, 0x02, 0x03, 0x00, 0x80, 0x00, 0x02, 0x01, 0x03]), Some(16));
        assert_eq!(rsa_modulus_bits(&[0x30, 0x00]), None);
    }

    #[test]
    fn names() {
        assert_eq!(serial_hex(&[0, 0x81, 2]), "8102");
        assert_eq!(serial_hex(&[0]), "00");
        let bmp = Any::new(x509_cert::der::Tag::BmpString, vec![0x00, 0x4e, 0x1e, 0xef]).unwrap();
        assert_eq!(directory_string(&bmp).as_deref(), Some("Nữ"));
    }
}
