//! Signed PDFs for the tests: a throwaway CA (root → intermediate → signer, all ECDSA P-256), a
//! PAdES signer that appends a signature as an incremental update, as real signing tools do,
//! and the tests of `thidua::documents::signature::verify` against them.

use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use chrono::{DateTime, TimeZone, Utc};
use cms::builder::{SignedDataBuilder, SignerInfoBuilder};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::signed_data::{EncapsulatedContentInfo, SignerIdentifier};
use lopdf::{dictionary, Dictionary, Document, IncrementalDocument, Object, StringFormat};
use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{DerSignature, SigningKey};
use p256::elliptic_curve::rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};
use thidua::documents::signature::{verify, SignatureProblem, SigningTimeSource, TrustAnchors};
use x509_cert::attr::{Attribute, AttributeTypeAndValue};
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::der::asn1::{Any, ObjectIdentifier, OctetString, SetOfVec};
use x509_cert::der::pem::LineEnding;
use x509_cert::der::{Decode, Encode, EncodePem, Tag};
use x509_cert::ext::pkix::SubjectKeyIdentifier;
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::time::{Time, Validity};
use x509_cert::Certificate;

const DAY: Duration = Duration::from_secs(86_400);
const OID_COUNTRY: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.6");
const OID_ORGANIZATION: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.10");
const OID_COMMON_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
const OID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const OID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const OID_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const OID_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const OID_SIGNING_TIME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.5");
const OID_SIGNING_CERTIFICATE_V2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");
const OID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const OID_ECDSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
/// Room for the CMS in /Contents (bytes; written as twice as many hex digits).
const CONTENTS_ROOM: usize = 8192;

/// A certification authority for tests: a root and an intermediate that issues signers.
pub struct TestCa {
    name: String,
    root: Certificate,
    intermediate_key: SigningKey,
    intermediate: Certificate,
}

/// One CA for the whole suite, so an app told to trust its root (a PEM file named in its
/// settings) accepts what any test signs with it.
pub fn shared_ca() -> &'static TestCa {
    static CA: OnceLock<TestCa> = OnceLock::new();
    CA.get_or_init(|| TestCa::new("Thi đua Test"))
}

/// A signing certificate, its key and the intermediate that issued it (sent along in the CMS).
pub struct Signer {
    key: SigningKey,
    certificate: Certificate,
    intermediate: Certificate,
}

impl TestCa {
    /// Root "CN=<name> Root CA,O=<name>,C=VN" (valid ten years either side of now) and an
    /// intermediate "CN=<name> Signing CA" under it.
    pub fn new(name: &str) -> TestCa {
        let root_key = SigningKey::random(&mut OsRng);
        let root_name = name_of(name, &format!("{name} Root CA"));
        let root = certificate(Profile::Root, ten_years(), root_name.clone(), &root_key, &root_key);
        let intermediate_key = SigningKey::random(&mut OsRng);
        let intermediate = certificate(
            Profile::SubCA { issuer: root_name, path_len_constraint: Some(0) },
            ten_years(),
            name_of(name, &format!("{name} Signing CA")),
            &intermediate_key,
            &root_key,
        );
        TestCa { name: name.to_owned(), root, intermediate_key, intermediate }
    }

    /// The root certificate, as a deployer would configure it.
    pub fn root_pem(&self) -> String {
        self.root.to_pem(LineEnding::LF).expect("PEM of the root")
    }

    /// Valid from a day ago for a year. `common_name` may be any Unicode ("Nguyễn Văn An").
    pub fn signer(&self, common_name: &str) -> Signer {
        let now = SystemTime::now();
        self.signer_valid(common_name, now - DAY, now + 365 * DAY)
    }

    /// Valid only in the past: from two years ago to one year ago.
    pub fn expired_signer(&self, common_name: &str) -> Signer {
        let now = SystemTime::now();
        self.signer_valid(common_name, now - 730 * DAY, now - 365 * DAY)
    }

    fn signer_valid(&self, common_name: &str, not_before: SystemTime, not_after: SystemTime) -> Signer {
        let key = SigningKey::random(&mut OsRng);
        let validity = Validity {
            not_before: Time::try_from(not_before).expect("not before"),
            not_after: Time::try_from(not_after).expect("not after"),
        };
        let certificate = certificate(
            Profile::Leaf {
                issuer: self.intermediate.tbs_certificate.subject.clone(),
                enable_key_agreement: false,
                enable_key_encipherment: false,
            },
            validity,
            name_of(&self.name, common_name),
            &key,
            &self.intermediate_key,
        );
        Signer { key, certificate, intermediate: self.intermediate.clone() }
    }
}

impl Signer {
    /// The signing certificate's DER (its SHA-256 is `VerifiedSignature::certificate_sha256`).
    pub fn certificate_der(&self) -> Vec<u8> {
        self.certificate.to_der().expect("DER of the signer")
    }
}

/// `pdf` (a valid, complete PDF such as one thidua generated, possibly with several pages)
/// signed by `signer` at `signed_at`: a signature field (AcroForm, SigFlags 3) on the first page,
/// a /Sig dictionary (Filter Adobe.PPKLite, SubFilter ETSI.CAdES.detached, /M) and a detached CMS
/// with signingTime, signing-certificate-v2, the signer's and the intermediate's certificates.
/// Returns the whole signed file: the original bytes followed by an incremental update, as real
/// signing tools write it (its cross-reference section is of the original's kind).
pub fn sign_pdf(pdf: &[u8], signer: &Signer, signed_at: DateTime<Utc>) -> Vec<u8> {
    sign_pdf_with(pdf, signed_at, |digest| cms(signer, digest, &CmsOptions::new(signed_at)))
}

/// What the CMS holds, to make the unusual signatures some tests need.
struct CmsOptions {
    signing_time: Option<DateTime<Utc>>,
    by_key_identifier: bool,
    with_intermediate: bool,
    /// The certificate the signing-certificate-v2 attribute names (None: the signer's own).
    named_certificate: Option<Vec<u8>>,
    /// Signs with this key instead of the signer's.
    other_key: Option<SigningKey>,
}

impl CmsOptions {
    fn new(signed_at: DateTime<Utc>) -> CmsOptions {
        CmsOptions {
            signing_time: Some(signed_at),
            by_key_identifier: false,
            with_intermediate: true,
            named_certificate: None,
            other_key: None,
        }
    }
}

/// Adds the field and a zeroed placeholder, fixes /ByteRange, hashes what it covers and writes
/// the CMS `make_cms` returns for that SHA-256 into /Contents.
fn sign_pdf_with(pdf: &[u8], signed_at: DateTime<Utc>, make_cms: impl FnOnce(&[u8]) -> Vec<u8>) -> Vec<u8> {
    let mut out = with_placeholder(pdf, signed_at);
    // The placeholder dictionary is appended, its /ByteRange written before its /Contents.
    let byte_range = find(&out, b"/ByteRange", pdf.len()).expect("/ByteRange");
    let contents = find(&out, b"/Contents", byte_range).expect("/Contents");
    let start = find(&out, b"<", contents).expect("<");
    let end = find(&out, b">", start).expect(">") + 1;
    let open = find(&out, b"[", byte_range).expect("[");
    let close = find(&out, b"]", open).expect("]");
    let ranges = format!("0 {start} {end} {}", out.len() - end);
    let width = close - open - 1;
    assert!(ranges.len() <= width, "the /ByteRange placeholder is too short");
    out[open + 1..close].copy_from_slice(format!("{ranges:<width$}").as_bytes());

    let mut hasher = Sha256::new();
    hasher.update(&out[..start]);
    hasher.update(&out[end..]);
    let cms = make_cms(&hasher.finalize());
    let hex = hex::encode_upper(cms);
    assert!(hex.len() <= end - start - 2, "the CMS does not fit in /Contents");
    out[start + 1..start + 1 + hex.len()].copy_from_slice(hex.as_bytes());
    out
}

fn with_placeholder(pdf: &[u8], signed_at: DateTime<Utc>) -> Vec<u8> {
    let previous = Document::load_mem(pdf).expect("a PDF to sign");
    let page = *previous.get_pages().values().next().expect("a page");
    let root = previous.trailer.get(b"Root").and_then(Object::as_reference).expect("a catalog");
    // Existing fields stay (a second signature is then a second field).
    let mut fields = previous
        .get_dictionary(root)
        .and_then(|catalog| catalog.get(b"AcroForm"))
        .and_then(|form| previous.dereference(form))
        .and_then(|(_, form)| form.as_dict())
        .and_then(|form| form.get(b"Fields"))
        .and_then(|fields| previous.dereference(fields))
        .and_then(|(_, fields)| fields.as_array())
        .cloned()
        .unwrap_or_default();
    let page_annotations = previous
        .get_dictionary(page)
        .and_then(|page| page.get(b"Annots"))
        .and_then(|annots| previous.dereference(annots))
        .and_then(|(_, annots)| annots.as_array())
        .cloned()
        .unwrap_or_default();
    let field_name = format!("Signature{}", fields.len() + 1);

    let mut update = IncrementalDocument::create_from(pdf.to_vec(), previous);
    let placeholder = Object::Integer(9_999_999_999);
    let signature = update.new_document.add_object(dictionary! {
        "Type" => "Sig",
        "Filter" => "Adobe.PPKLite",
        "SubFilter" => "ETSI.CAdES.detached",
        "M" => Object::string_literal(signed_at.format("D:%Y%m%d%H%M%S+00'00'").to_string()),
        "ByteRange" => vec![0.into(), placeholder.clone(), placeholder.clone(), placeholder],
        "Contents" => Object::String(vec![0; CONTENTS_ROOM], StringFormat::Hexadecimal),
    });
    let field = update.new_document.add_object(dictionary! {
        "Type" => "Annot",
        "Subtype" => "Widget",
        "FT" => "Sig",
        "T" => Object::string_literal(field_name),
        "V" => signature,
        "F" => 132,
        "Rect" => vec![0.into(), 0.into(), 0.into(), 0.into()],
        "P" => page,
    });
    fields.push(field.into());
    let mut annotations = page_annotations;
    annotations.push(field.into());

    update.opt_clone_object_to_new_document(page).expect("the page");
    dictionary_mut(&mut update, page).set("Annots", annotations);
    update.opt_clone_object_to_new_document(root).expect("the catalog");
    dictionary_mut(&mut update, root).set("AcroForm", dictionary! { "Fields" => fields, "SigFlags" => 3 });

    let mut out = Vec::new();
    update.save_to(&mut out).expect("the incremental update");
    out
}

fn dictionary_mut(update: &mut IncrementalDocument, id: (u32, u16)) -> &mut Dictionary {
    update.new_document.get_object_mut(id).and_then(Object::as_dict_mut).expect("a dictionary")
}

/// A detached CMS SignedData over `digest`, as PAdES signers write it.
fn cms(signer: &Signer, digest: &[u8], options: &CmsOptions) -> Vec<u8> {
    let content = EncapsulatedContentInfo { econtent_type: OID_DATA, econtent: None };
    let sha256 = AlgorithmIdentifierOwned { oid: OID_SHA256, parameters: None };
    let key = options.other_key.as_ref().unwrap_or(&signer.key);
    let mut info =
        SignerInfoBuilder::new(key, signer_identifier(signer, options), sha256.clone(), &content, Some(digest))
            .expect("signer info");
    for attribute in extra_signed_attributes(signer, options) {
        info.add_signed_attribute(attribute).expect("signed attribute");
    }
    let mut data = SignedDataBuilder::new(&content);
    data.add_digest_algorithm(sha256).expect("digest algorithm");
    data.add_certificate(CertificateChoices::Certificate(signer.certificate.clone())).expect("signer certificate");
    if options.with_intermediate {
        data.add_certificate(CertificateChoices::Certificate(signer.intermediate.clone())).expect("intermediate");
    }
    data.add_signer_info::<SigningKey, DerSignature>(info).expect("signature");
    data.build().expect("CMS").to_der().expect("CMS DER")
}

fn signer_identifier(signer: &Signer, options: &CmsOptions) -> SignerIdentifier {
    let tbs = &signer.certificate.tbs_certificate;
    if options.by_key_identifier {
        let extension =
            tbs.extensions.iter().flatten().find(|e| e.extn_id == ObjectIdentifier::new_unwrap("2.5.29.14"));
        let identifier = SubjectKeyIdentifier::from_der(extension.expect("a key identifier").extn_value.as_bytes());
        SignerIdentifier::SubjectKeyIdentifier(identifier.expect("a key identifier"))
    } else {
        SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: tbs.issuer.clone(),
            serial_number: tbs.serial_number.clone(),
        })
    }
}

/// signingTime and signing-certificate-v2 (the builder adds content-type and messageDigest).
fn extra_signed_attributes(signer: &Signer, options: &CmsOptions) -> Vec<Attribute> {
    let mut attributes = Vec::new();
    if let Some(at) = options.signing_time {
        let since_epoch = Duration::from_secs(u64::try_from(at.timestamp()).expect("after 1970"));
        let time = Time::try_from(SystemTime::UNIX_EPOCH + since_epoch).expect("a signing time");
        attributes.push(attribute(OID_SIGNING_TIME, &time.to_der().expect("time DER")));
    }
    let named = options.named_certificate.clone().unwrap_or_else(|| signer.certificate_der());
    // SigningCertificateV2 { certs: [ ESSCertIDv2 { certHash } ] }, hash algorithm SHA-256 by default.
    let hash = OctetString::new(Sha256::digest(named).to_vec()).expect("hash").to_der().expect("hash DER");
    attributes.push(attribute(OID_SIGNING_CERTIFICATE_V2, &tlv(0x30, &tlv(0x30, &tlv(0x30, &hash)))));
    attributes
}

fn attribute(oid: ObjectIdentifier, value_der: &[u8]) -> Attribute {
    let value = Any::from_der(value_der).expect("attribute value");
    Attribute { oid, values: SetOfVec::try_from(vec![value]).expect("one value") }
}

/// A DER element from its tag and content.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let length = content.len();
    if length < 0x80 {
        out.push(u8::try_from(length).expect("short length"));
    } else {
        let digits: Vec<u8> = length.to_be_bytes().into_iter().skip_while(|&b| b == 0).collect();
        out.push(0x80 | u8::try_from(digits.len()).expect("length of length"));
        out.extend(digits);
    }
    out.extend_from_slice(content);
    out
}

fn certificate(
    profile: Profile,
    validity: Validity,
    subject: Name,
    subject_key: &SigningKey,
    issuer_key: &SigningKey,
) -> Certificate {
    let mut serial = [0u8; 16];
    OsRng.fill_bytes(&mut serial);
    serial[0] = (serial[0] & 0x7f) | 0x40; // positive, no leading zero
    let public_key = SubjectPublicKeyInfoOwned::from_key(*subject_key.verifying_key()).expect("public key");
    CertificateBuilder::new(
        profile,
        SerialNumber::new(&serial).expect("serial"),
        validity,
        subject,
        public_key,
        issuer_key,
    )
    .expect("certificate builder")
    .build::<DerSignature>()
    .expect("certificate")
}

fn ten_years() -> Validity {
    let now = SystemTime::now();
    Validity {
        not_before: Time::try_from(now - 3650 * DAY).expect("not before"),
        not_after: Time::try_from(now + 3650 * DAY).expect("not after"),
    }
}

/// "CN=<common_name>,O=<organization>,C=VN", the names as UTF8String.
fn name_of(organization: &str, common_name: &str) -> Name {
    let rdn = |oid: ObjectIdentifier, tag: Tag, value: &str| {
        let value = Any::new(tag, value.as_bytes()).expect("attribute value");
        RelativeDistinguishedName(SetOfVec::try_from(vec![AttributeTypeAndValue { oid, value }]).expect("RDN"))
    };
    RdnSequence(vec![
        rdn(OID_COUNTRY, Tag::PrintableString, "VN"),
        rdn(OID_ORGANIZATION, Tag::Utf8String, organization),
        rdn(OID_COMMON_NAME, Tag::Utf8String, common_name),
    ])
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack.get(from..)?.windows(needle.len()).position(|window| window == needle).map(|at| at + from)
}

/// A one-page PDF with an uncompressed line of text, as lopdf writes it.
pub fn sample_pdf() -> Vec<u8> {
    let mut document = Document::with_version("1.7");
    let pages = document.new_object_id();
    let font = document.add_object(dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Times-Roman" });
    let content = lopdf::Stream::new(
        dictionary! {},
        b"BT /F1 14 Tf 72 770 Td (Quyet dinh khen thuong so 05/QD-UBND) Tj ET".to_vec(),
    );
    let content = document.add_object(content);
    let page = document.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
        "Contents" => content,
    });
    document.objects.insert(
        pages,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 }),
    );
    let catalog = document.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
    document.trailer.set("Root", catalog);
    let mut out = Vec::new();
    document.save_to(&mut out).expect("the sample PDF");
    out
}

/// Three A4 pages of Vietnamese text written by krilla, as thidua's generated documents are.
fn krilla_pdf() -> Vec<u8> {
    use krilla::geom::Point;
    use krilla::page::PageSettings;
    use krilla::text::{Font, TextDirection};
    static FONT: &[u8] = include_bytes!("../../fonts/LiberationSerif-Regular.ttf");
    let font = Font::new(FONT.into(), 0).expect("the font");
    let mut document = krilla::Document::new();
    for number in 1..=3 {
        let mut page = document.start_page_with(PageSettings::from_wh(595.28, 841.89).expect("A4"));
        let mut surface = page.surface();
        for (line, text) in
            ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "QUYẾT ĐỊNH"].iter().enumerate()
        {
            let y = 70.0 + 20.0 * f32::from(u8::try_from(line).expect("few lines"));
            surface.draw_text(Point::from_xy(85.0, y), font.clone(), 13.0, text, false, TextDirection::Auto);
        }
        surface.draw_text(
            Point::from_xy(85.0, 200.0),
            font.clone(),
            13.0,
            &format!("Trang {number}"),
            false,
            TextDirection::Auto,
        );
        surface.finish();
        page.finish();
    }
    document.finish().expect("the krilla PDF")
}

fn anchors(ca: &TestCa) -> TrustAnchors {
    TrustAnchors::from_pem(ca.root_pem().as_bytes()).expect("the test root")
}

/// A time with whole seconds (the signing time keeps no fraction).
fn signing_time() -> DateTime<Utc> {
    Utc.timestamp_opt(Utc::now().timestamp() - 3600, 0).single().expect("a time")
}

/// Where the unsigned gap (the `<…>` of /Contents) of a signed file is.
fn gap(signed: &[u8]) -> (usize, usize) {
    let byte_range = find(signed, b"/ByteRange", 0).expect("/ByteRange");
    let open = find(signed, b"[", byte_range).expect("[");
    let close = find(signed, b"]", open).expect("]");
    let numbers: Vec<usize> = std::str::from_utf8(&signed[open + 1..close])
        .expect("ASCII")
        .split_whitespace()
        .map(|n| n.parse().expect("a number"))
        .collect();
    (numbers[1], numbers[2])
}

#[test]
fn a_valid_signature_names_the_signer_and_the_time() {
    let ca = TestCa::new("Ban Cơ yếu Test");
    let signer = ca.signer("Nguyễn Văn An");
    let signed_at = signing_time();
    let signed = sign_pdf(&sample_pdf(), &signer, signed_at);
    let verified = verify(&signed, &anchors(&ca)).expect("a valid signature");
    assert_eq!(verified.signer_name, "Nguyễn Văn An");
    assert_eq!(verified.signer_subject, "CN=Nguyễn Văn An,O=Ban Cơ yếu Test,C=VN");
    assert_eq!(verified.issuer_subject, "CN=Ban Cơ yếu Test Signing CA,O=Ban Cơ yếu Test,C=VN");
    assert_eq!(verified.signed_at, signed_at);
    assert_eq!(verified.signed_at_source, SigningTimeSource::SigningTimeAttribute);
    assert_eq!(verified.certificate_sha256, hex::encode(Sha256::digest(signer.certificate_der())));
    let serial = hex::encode(signer.certificate.tbs_certificate.serial_number.as_bytes());
    assert_eq!(verified.serial_number, serial);
}

#[test]
fn a_krilla_document_of_several_pages_signs_and_verifies() {
    let ca = TestCa::new("Krilla");
    let signed_at = signing_time();
    let original = krilla_pdf();
    let signed = sign_pdf(&original, &ca.signer("Trần Thị Bình"), signed_at);
    assert_eq!(&signed[..original.len()], &original[..], "an incremental update keeps the original bytes");
    assert_eq!(Document::load_mem(&signed).expect("the signed PDF").get_pages().len(), 3);
    let verified = verify(&signed, &anchors(&ca)).expect("a valid signature");
    assert_eq!((verified.signer_name.as_str(), verified.signed_at), ("Trần Thị Bình", signed_at));
}

#[test]
fn a_signer_named_by_key_identifier_is_found() {
    let ca = TestCa::new("Key Id");
    let signer = ca.signer("Lê Văn Cường");
    let signed_at = signing_time();
    let signed = sign_pdf_with(&sample_pdf(), signed_at, |digest| {
        cms(&signer, digest, &CmsOptions { by_key_identifier: true, ..CmsOptions::new(signed_at) })
    });
    assert_eq!(verify(&signed, &anchors(&ca)).map(|v| v.signer_name), Ok("Lê Văn Cường".to_owned()));
}

#[test]
fn without_signing_time_the_dictionary_date_is_used() {
    let ca = TestCa::new("PAdES");
    let signer = ca.signer("Phạm Thị Dung");
    let signed_at = signing_time();
    let signed = sign_pdf_with(&sample_pdf(), signed_at, |digest| {
        cms(&signer, digest, &CmsOptions { signing_time: None, ..CmsOptions::new(signed_at) })
    });
    let verified = verify(&signed, &anchors(&ca)).expect("a valid signature");
    assert_eq!(verified.signed_at, signed_at);
    assert_eq!(verified.signed_at_source, SigningTimeSource::SignatureDictionary);
}

/// Some signers write the signed attributes unsorted (BER); the signature is over those bytes,
/// which a DER re-encoding would reorder.
#[test]
fn unsorted_signed_attributes_verify() {
    let ca = TestCa::new("BER");
    let signer = ca.signer("Hoàng Văn Em");
    let signed_at = signing_time();
    let signed = sign_pdf_with(&sample_pdf(), signed_at, |digest| {
        let mut attributes = extra_signed_attributes(&signer, &CmsOptions::new(signed_at));
        attributes.push(attribute(OID_CONTENT_TYPE, &OID_DATA.to_der().expect("OID")));
        let digest = OctetString::new(digest.to_vec()).expect("digest").to_der().expect("digest DER");
        attributes.push(attribute(OID_MESSAGE_DIGEST, &digest));
        let mut encoded: Vec<Vec<u8>> = attributes.iter().map(|a| a.to_der().expect("attribute")).collect();
        encoded.sort();
        encoded.reverse(); // DER wants them sorted
        let content = encoded.concat();
        let signature: DerSignature = signer.key.sign(&tlv(0x31, &content));
        hand_made_cms(&signer, &tlv(0xa0, &content), signature.as_bytes())
    });
    let verified = verify(&signed, &anchors(&ca)).expect("a valid signature");
    assert_eq!(verified.signer_name, "Hoàng Văn Em");
}

/// ContentInfo { signedData, SignedData { 1, {sha256}, {data}, [0] certificates, { SignerInfo } } }.
fn hand_made_cms(signer: &Signer, signed_attributes: &[u8], signature: &[u8]) -> Vec<u8> {
    let sha256 = AlgorithmIdentifierOwned { oid: OID_SHA256, parameters: None }.to_der().expect("SHA-256");
    let ecdsa = AlgorithmIdentifierOwned { oid: OID_ECDSA_SHA256, parameters: None }.to_der().expect("ECDSA");
    let SignerIdentifier::IssuerAndSerialNumber(sid) = signer_identifier(signer, &CmsOptions::new(signing_time()))
    else {
        unreachable!("issuer and serial")
    };
    let version = [0x02, 0x01, 0x01];
    let signer_info = tlv(
        0x30,
        &[&version[..], &sid.to_der().expect("sid"), &sha256, signed_attributes, &ecdsa, &tlv(0x04, signature)]
            .concat(),
    );
    let content = EncapsulatedContentInfo { econtent_type: OID_DATA, econtent: None }.to_der().expect("content");
    let certificates = [signer.certificate_der(), signer.intermediate.to_der().expect("intermediate")].concat();
    let signed_data = tlv(
        0x30,
        &[&version[..], &tlv(0x31, &sha256), &content, &tlv(0xa0, &certificates), &tlv(0x31, &signer_info)].concat(),
    );
    tlv(0x30, &[OID_SIGNED_DATA.to_der().expect("OID"), tlv(0xa0, &signed_data)].concat())
}

#[test]
fn a_changed_byte_outside_the_signature_is_a_digest_mismatch() {
    let ca = TestCa::new("Tamper");
    let signed = sign_pdf(&sample_pdf(), &ca.signer("Nguyễn Văn An"), signing_time());
    let mut changed = signed.clone();
    let at = find(&changed, b"so 05/QD", 0).expect("the text") + 4;
    changed[at] = b'6';
    assert_eq!(verify(&changed, &anchors(&ca)), Err(SignatureProblem::DigestMismatch));
    assert_eq!(SignatureProblem::DigestMismatch.to_string(), "the file was changed after it was signed");
}

#[test]
fn bytes_appended_after_signing_are_not_covered() {
    let ca = TestCa::new("Append");
    let mut signed = sign_pdf(&sample_pdf(), &ca.signer("Nguyễn Văn An"), signing_time());
    signed.extend_from_slice(b"\n% an incremental update would go here\n");
    assert_eq!(verify(&signed, &anchors(&ca)), Err(SignatureProblem::NotWholeDocument));
}

#[test]
fn a_ca_that_is_not_trusted_is_reported() {
    let ca = shared_ca();
    let stranger = TestCa::new("Stranger");
    let signed = sign_pdf(&sample_pdf(), &stranger.signer("Nguyễn Văn An"), signing_time());
    let problem = verify(&signed, &anchors(ca)).expect_err("an unknown CA");
    assert_eq!(problem, SignatureProblem::UntrustedChain("UnknownIssuer".to_owned()));
    assert_eq!(problem.code(), "untrusted_chain");
    assert_eq!(
        problem.to_string(),
        "the signer's certificate does not chain to a trusted certification authority: UnknownIssuer"
    );
}

#[test]
fn a_missing_intermediate_breaks_the_chain() {
    let ca = TestCa::new("No intermediate");
    let signer = ca.signer("Nguyễn Văn An");
    let signed_at = signing_time();
    let signed = sign_pdf_with(&sample_pdf(), signed_at, |digest| {
        cms(&signer, digest, &CmsOptions { with_intermediate: false, ..CmsOptions::new(signed_at) })
    });
    assert_eq!(verify(&signed, &anchors(&ca)), Err(SignatureProblem::UntrustedChain("UnknownIssuer".to_owned())));
}

#[test]
fn an_expired_certificate_is_not_valid_at_signing_time() {
    let ca = TestCa::new("Expired");
    let signed = sign_pdf(&sample_pdf(), &ca.expired_signer("Nguyễn Văn An"), signing_time());
    assert_eq!(verify(&signed, &anchors(&ca)), Err(SignatureProblem::CertificateNotValidAtSigningTime));
}

/// The time is the signer's claim: backdated into the certificate's validity, it passes. Only a
/// timestamp token (not checked yet) would prove when the signature was made.
#[test]
fn a_backdated_claim_with_an_expired_certificate_passes() {
    let ca = TestCa::new("Backdated");
    let backdated = signing_time() - chrono::Duration::days(500);
    let signed = sign_pdf(&sample_pdf(), &ca.expired_signer("Nguyễn Văn An"), backdated);
    assert_eq!(verify(&signed, &anchors(&ca)).map(|v| v.signed_at), Ok(backdated));
}

#[test]
fn a_signature_by_another_key_is_bad() {
    let ca = TestCa::new("Forger");
    let signer = ca.signer("Nguyễn Văn An");
    let signed_at = signing_time();
    let signed = sign_pdf_with(&sample_pdf(), signed_at, |digest| {
        cms(
            &signer,
            digest,
            &CmsOptions { other_key: Some(SigningKey::random(&mut OsRng)), ..CmsOptions::new(signed_at) },
        )
    });
    assert_eq!(verify(&signed, &anchors(&ca)), Err(SignatureProblem::BadSignature));
}

#[test]
fn a_signing_certificate_attribute_naming_another_certificate_is_refused() {
    let ca = TestCa::new("ESS");
    let signer = ca.signer("Nguyễn Văn An");
    let other = ca.signer("Nguyễn Văn An").certificate_der();
    let signed_at = signing_time();
    let signed = sign_pdf_with(&sample_pdf(), signed_at, |digest| {
        cms(&signer, digest, &CmsOptions { named_certificate: Some(other), ..CmsOptions::new(signed_at) })
    });
    assert_eq!(verify(&signed, &anchors(&ca)), Err(SignatureProblem::SignerCertificateMissing));
}

#[test]
fn a_second_signature_is_not_supported_yet() {
    let ca = TestCa::new("Twice");
    let once = sign_pdf(&sample_pdf(), &ca.signer("Nguyễn Văn An"), signing_time());
    let twice = sign_pdf(&once, &ca.signer("Trần Thị Bình"), signing_time());
    assert_eq!(verify(&once, &anchors(&ca)).map(|v| v.signer_name), Ok("Nguyễn Văn An".to_owned()));
    assert_eq!(verify(&twice, &anchors(&ca)), Err(SignatureProblem::SeveralSignatures));
}

#[test]
fn unsigned_and_garbage_files_are_told_apart() {
    let ca = TestCa::new("Plain");
    assert_eq!(verify(&sample_pdf(), &anchors(&ca)), Err(SignatureProblem::NoSignature));
    assert_eq!(verify(&krilla_pdf(), &anchors(&ca)), Err(SignatureProblem::NoSignature));
    assert_eq!(verify(b"PK\x03\x04 not a PDF at all", &anchors(&ca)), Err(SignatureProblem::NotAPdf));
    assert_eq!(verify(b"", &anchors(&ca)), Err(SignatureProblem::NotAPdf));
    assert!(matches!(verify(b"%PDF-1.7\nrubbish", &anchors(&ca)), Err(SignatureProblem::Malformed(_))));
}

#[test]
fn without_trust_anchors_nothing_verifies() {
    let ca = TestCa::new("Nobody");
    let signed = sign_pdf(&sample_pdf(), &ca.signer("Nguyễn Văn An"), signing_time());
    assert_eq!(verify(&signed, &TrustAnchors::none()), Err(SignatureProblem::NoTrustAnchors));
    assert!(TrustAnchors::none().is_empty());
}

#[test]
fn trust_anchors_come_from_pem_bundles_only() {
    let first = TestCa::new("First");
    let second = TestCa::new("Second");
    let bundle =
        format!("# Ban Cơ yếu\n{}\nsome comment\r\n{}", first.root_pem(), second.root_pem().replace('\n', "\r\n"));
    let anchors = TrustAnchors::from_pem(bundle.as_bytes()).expect("two roots");
    assert_eq!((anchors.len(), anchors.is_empty()), (2, false));
    let signed = sign_pdf(&sample_pdf(), &second.signer("Nguyễn Văn An"), signing_time());
    assert!(verify(&signed, &anchors).is_ok());

    let pem = first.root_pem();
    let truncated = &pem[..pem.len() - 30];
    let corrupted = pem.replacen("MII", "M!I", 1);
    let inner = pem.lines().filter(|l| !l.starts_with("-----")).collect::<String>();
    let not_a_certificate = format!("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n{inner}");
    for junk in ["", "junk", "-----BEGIN CERTIFICATE-----", truncated, &corrupted, &not_a_certificate] {
        assert!(TrustAnchors::from_pem(junk.as_bytes()).is_err(), "{junk:?} must be refused");
    }
    assert!(TrustAnchors::from_pem(&[0xff, 0xfe, 0x00]).is_err());
}

#[test]
fn problem_codes_are_stable() {
    let codes: Vec<&str> = [
        SignatureProblem::NotAPdf,
        SignatureProblem::NoSignature,
        SignatureProblem::SeveralSignatures,
        SignatureProblem::NotWholeDocument,
        SignatureProblem::Malformed(String::new()),
        SignatureProblem::UnsupportedAlgorithm(String::new()),
        SignatureProblem::DigestMismatch,
        SignatureProblem::BadSignature,
        SignatureProblem::NoSigningTime,
        SignatureProblem::SignerCertificateMissing,
        SignatureProblem::CertificateNotValidAtSigningTime,
        SignatureProblem::UntrustedChain(String::new()),
        SignatureProblem::NoTrustAnchors,
    ]
    .iter()
    .map(SignatureProblem::code)
    .collect();
    assert_eq!(
        codes,
        [
            "not_a_pdf",
            "no_signature",
            "several_signatures",
            "not_whole_document",
            "malformed",
            "unsupported_algorithm",
            "digest_mismatch",
            "bad_signature",
            "no_signing_time",
            "signer_certificate_missing",
            "certificate_not_valid_at_signing_time",
            "untrusted_chain",
            "no_trust_anchors",
        ]
    );
}

/// Whatever the bytes, an answer and no panic; and no change to the signed bytes passes.
#[test]
fn damaged_files_never_panic() {
    let ca = TestCa::new("Fuzz");
    let anchors = anchors(&ca);
    let signed = sign_pdf(&sample_pdf(), &ca.signer("Nguyễn Văn An"), signing_time());
    let (gap_start, gap_end) = gap(&signed);
    let mut random = [0u8; 4096];
    for _ in 0..50 {
        OsRng.fill_bytes(&mut random);
        let _ = verify(&random, &anchors);
        let with_header = [&b"%PDF-1.7\n"[..], &random[..]].concat();
        let _ = verify(&with_header, &anchors);
        let block = [&b"-----BEGIN CERTIFICATE-----\n"[..], &random[..64], b"\n-----END CERTIFICATE-----\n"].concat();
        assert!(TrustAnchors::from_pem(&block).is_err());
        let encoded = x509_cert::der::pem::encode_string("CERTIFICATE", LineEnding::LF, &random[..300]).expect("PEM");
        assert!(TrustAnchors::from_pem(encoded.as_bytes()).is_err());
    }
    for end in (0..signed.len()).step_by(131).chain(signed.len() - 40..signed.len()) {
        assert!(verify(&signed[..end], &anchors).is_err(), "truncated at {end}");
    }
    for _ in 0..200 {
        let at = usize::try_from(OsRng.next_u64() % u64::try_from(signed.len()).expect("length")).expect("index");
        let mut damaged = signed.clone();
        damaged[at] ^= 1 << (OsRng.next_u32() % 8);
        let answer = verify(&damaged, &anchors);
        if at < gap_start || at >= gap_end {
            assert!(answer.is_err(), "a change at {at} passed");
        }
    }
    // Deep nesting must not overflow the stack.
    let deep = [&b"%PDF-1.7\n1 0 obj\n"[..], &b"[".repeat(100_000), &b"<<".repeat(50_000)].concat();
    assert!(verify(&deep, &anchors).is_err());
    // A /ByteRange pointing anywhere.
    let byte_range = find(&signed, b"/ByteRange", 0).expect("/ByteRange");
    let open = find(&signed, b"[", byte_range).expect("[");
    let close = find(&signed, b"]", open).expect("]");
    let length = signed.len();
    for ranges in [
        format!("0 {gap_start} {gap_end}"),
        format!("0 {gap_start} {gap_end} {}", length - gap_end - 1),
        format!("0 {gap_end} {gap_start} {}", length - gap_start),
        format!("1 {gap_start} {gap_end} {}", length - gap_end),
        format!("0 {} {gap_end} {}", gap_start + 2, length - gap_end),
        format!("0 {gap_start} {} {}", gap_start + 1, length - gap_start - 1),
        format!("0 -{gap_start} {gap_end} {}", length - gap_end),
        "0 99999999999999999999 1 1".to_owned(),
        "0 1.5 2 3".to_owned(),
        "/Name (x) <00> 4".to_owned(),
    ] {
        let mut damaged = signed.clone();
        let width = close - open - 1;
        damaged[open + 1..close].copy_from_slice(format!("{ranges:<width$}").as_bytes());
        assert!(verify(&damaged, &anchors).is_err(), "/ByteRange [{ranges}] passed");
    }
}
