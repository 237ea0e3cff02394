// Prototype for issue 16 (not compiled with the project): a scratch crate written while
// researching documents; see docs/design/documents-research.md. Its Cargo.toml [dependencies]:
//   [dependencies]
//   cms = { version = "=0.2.3", features = ["builder"] }
//   x509-cert = { version = "0.2.5", features = ["builder"] }
//   der = { version = "0.7", features = ["alloc", "std"] }
//   spki = "0.7"
//   const-oid = { version = "0.9", features = ["db"] }
//   p256 = { version = "0.13", features = ["ecdsa", "pkcs8"] }
//   sha2 = { version = "0.10", features = ["oid"] }
//   rustls-webpki = { version = "0.103", default-features = false, features = ["std", "ring"] }
//   rustls-pki-types = "1"
//   lopdf = { version = "0.47", default-features = false }
//   hex = "0.4"

use std::str::FromStr;
use std::time::Duration;

use cms::builder::{create_signing_time_attribute, SignedDataBuilder, SignerInfoBuilder};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::ContentInfo;
use cms::signed_data::{EncapsulatedContentInfo, SignedData, SignerIdentifier};
use const_oid::db::{rfc5911, rfc5912};
use der::{Decode, Encode};
use lopdf::{dictionary, Document, Object, StringFormat};
use p256::ecdsa::{DerSignature, SigningKey};
use p256::pkcs8::EncodePublicKey;
use rustls_pki_types::{CertificateDer, UnixTime};
use sha2::{Digest, Sha256};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::Validity;
use x509_cert::Certificate;

fn make_cert(profile: Profile, serial: u8, subject: &str, subject_key: &SigningKey, issuer_key: &SigningKey) -> Certificate {
    let spki = SubjectPublicKeyInfoOwned::from_key(*subject_key.verifying_key()).unwrap();
    let validity = Validity::from_now(Duration::from_secs(365 * 86400)).unwrap();
    let b = CertificateBuilder::new(profile, SerialNumber::from(serial), validity,
        Name::from_str(subject).unwrap(), spki, issuer_key).unwrap();
    b.build::<DerSignature>().unwrap()
}

const PLACEHOLDER_BYTES: usize = 8192;

/// A one-page PDF whose /Sig dictionary has a zeroed /Contents and a padded /ByteRange.
fn unsigned_pdf() -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let page_id = doc.add_object(dictionary! {"Type" => "Page", "Parent" => pages_id, "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()]});
    doc.objects.insert(pages_id, Object::Dictionary(dictionary! {"Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1}));
    let sig_id = doc.add_object(dictionary! {
        "Type" => "Sig", "Filter" => "Adobe.PPKLite", "SubFilter" => "ETSI.CAdES.detached",
        "ByteRange" => vec![0.into(), 9_999_999_999i64.into(), 9_999_999_999i64.into(), 9_999_999_999i64.into()],
        "Contents" => Object::String(vec![0u8; PLACEHOLDER_BYTES], StringFormat::Hexadecimal),
    });
    let field_id = doc.add_object(dictionary! {"FT" => "Sig", "T" => Object::string_literal("Sig1"), "V" => sig_id, "Type" => "Annot", "Subtype" => "Widget", "Rect" => vec![0.into(),0.into(),0.into(),0.into()], "P" => page_id});
    let acro = doc.add_object(dictionary! {"Fields" => vec![field_id.into()], "SigFlags" => 3});
    let catalog = doc.add_object(dictionary! {"Type" => "Catalog", "Pages" => pages_id, "AcroForm" => acro});
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

fn find(h: &[u8], n: &[u8], from: usize) -> Option<usize> { h[from..].windows(n.len()).position(|w| w == n).map(|p| p + from) }

fn sign(mut pdf: Vec<u8>, key: &SigningKey, cert: &Certificate, chain: &[Certificate]) -> Vec<u8> {
    let br = find(&pdf, b"/ByteRange", 0).expect("ByteRange in plain bytes");
    let c = find(&pdf, b"/Contents", 0).unwrap();
    let lt = find(&pdf, b"<", c).unwrap();
    let gt = find(&pdf, b">", lt).unwrap() + 1;
    let len = pdf.len();
    let (a, b) = (lt, gt);
    let lb = find(&pdf, b"[", br).unwrap();
    let rb = find(&pdf, b"]", lb).unwrap();
    let width = rb - lb - 1;
    let text = format!("0 {} {} {}", a, b, len - b);
    assert!(text.len() <= width);
    let padded = format!("{:<width$}", text);
    pdf[lb + 1..rb].copy_from_slice(padded.as_bytes());
    let mut h = Sha256::new();
    h.update(&pdf[..a]);
    h.update(&pdf[b..]);
    let digest = h.finalize();

    let eci = EncapsulatedContentInfo { econtent_type: rfc5911::ID_DATA, econtent: None };
    let sid = SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
        issuer: cert.tbs_certificate.issuer.clone(), serial_number: cert.tbs_certificate.serial_number.clone() });
    let sha256 = AlgorithmIdentifierOwned { oid: rfc5912::ID_SHA_256, parameters: None };
    let mut sib = SignerInfoBuilder::new(key, sid, sha256.clone(), &eci, Some(&digest)).unwrap();
    sib.add_signed_attribute(create_signing_time_attribute().unwrap()).unwrap();
    let mut sdb = SignedDataBuilder::new(&eci);
    sdb.add_digest_algorithm(sha256).unwrap();
    sdb.add_certificate(CertificateChoices::Certificate(cert.clone())).unwrap();
    for c in chain { sdb.add_certificate(CertificateChoices::Certificate(c.clone())).unwrap(); }
    sdb.add_signer_info::<SigningKey, DerSignature>(sib).unwrap();
    let ci = sdb.build().unwrap();
    let der = ci.to_der().unwrap();
    let hexs = hex::encode_upper(&der);
    assert!(hexs.len() <= 2 * PLACEHOLDER_BYTES);
    pdf[a + 1..a + 1 + hexs.len()].copy_from_slice(hexs.as_bytes());
    pdf
}

#[derive(Debug)]
struct Verified { signing_time: UnixTime, signer_subject: String }

/// Accepts certificates without EKU or with one for signing documents.
struct DocSigningEku;
impl webpki::ExtendedKeyUsageValidator for DocSigningEku {
    fn validate(&self, iter: webpki::KeyPurposeIdIter<'_, '_>) -> Result<(), webpki::Error> {
        const OK: &[&[u8]] = &[
            &[0x2b, 6, 1, 5, 5, 7, 3, 36], // id-kp-documentSigning 1.3.6.1.5.5.7.3.36
            &[0x2b, 6, 1, 5, 5, 7, 3, 4],  // emailProtection
            &[0x2b, 6, 1, 5, 5, 7, 3, 2],  // clientAuth
            &[0x55, 0x1d, 0x25, 0x00],     // anyExtendedKeyUsage
        ];
        let mut any = false;
        for p in iter { any = true; let p = p?; if OK.iter().any(|o| webpki::KeyPurposeId::new(o) == p) { return Ok(()); } }
        #[allow(deprecated)]
        if any { Err(webpki::Error::RequiredEkuNotFound) } else { Ok(()) }
    }
}

fn verify(pdf: &[u8], roots: &[CertificateDer<'_>]) -> Result<Verified, String> {
    let doc = Document::load_mem(pdf).map_err(|e| e.to_string())?;
    let sig = doc.objects.values().filter_map(|o| o.as_dict().ok())
        .find(|d| d.has(b"ByteRange") && d.has(b"Contents")).ok_or("no signature")?;
    let br: Vec<i64> = sig.get(b"ByteRange").and_then(Object::as_array).map_err(|e| e.to_string())?
        .iter().map(|o| o.as_i64().unwrap_or(-1)).collect();
    let contents = sig.get(b"Contents").and_then(Object::as_str).map_err(|e| e.to_string())?;
    // 1. The byte range covers the whole file but the /Contents hex string.
    let [o1, l1, o2, l2]: [i64; 4] = br.try_into().map_err(|_| "ByteRange must have 4 numbers")?;
    let (o1, l1, o2, l2) = (o1 as usize, l1 as usize, o2 as usize, l2 as usize);
    if o1 != 0 || o2 + l2 != pdf.len() || l1 >= o2 || pdf[l1] != b'<' || pdf[o2 - 1] != b'>' {
        return Err("ByteRange does not cover the whole file".into());
    }
    let mut h = Sha256::new();
    h.update(&pdf[o1..o1 + l1]);
    h.update(&pdf[o2..o2 + l2]);
    let digest = h.finalize();
    // 2. CMS (trailing zero padding ignored).
    let mut reader = der::SliceReader::new(contents).map_err(|e| e.to_string())?;
    let ci = <ContentInfo as der::Decode>::decode(&mut reader).map_err(|e| e.to_string())?;
    if ci.content_type != rfc5911::ID_SIGNED_DATA { return Err("not SignedData".into()); }
    let sd: SignedData = ci.content.decode_as().map_err(|e| e.to_string())?;
    let si = sd.signer_infos.0.get(0).ok_or("no signer")?;
    if si.digest_alg.oid != rfc5912::ID_SHA_256 { return Err("only SHA-256 here".into()); }
    let attrs = si.signed_attrs.as_ref().ok_or("no signed attributes")?;
    let attr = |oid| attrs.iter().find(|a| a.oid == oid).and_then(|a| a.values.get(0));
    let md = attr(rfc5911::ID_MESSAGE_DIGEST).ok_or("no messageDigest")?;
    let md = der::asn1::OctetString::from_der(&md.to_der().unwrap()).map_err(|e| e.to_string())?;
    if md.as_bytes() != digest.as_slice() { return Err("messageDigest does not match the document".into()); }
    let st = attr(rfc5911::ID_SIGNING_TIME).ok_or("no signingTime")?;
    let st = x509_cert::time::Time::from_der(&st.to_der().unwrap()).map_err(|e| e.to_string())?;
    let signing_time = UnixTime::since_unix_epoch(st.to_unix_duration());
    // 3. Signer certificate by issuer and serial.
    let certs: Vec<&Certificate> = sd.certificates.as_ref().map(|c| c.0.iter().filter_map(|c| match c {
        CertificateChoices::Certificate(c) => Some(c), _ => None }).collect()).unwrap_or_default();
    let SignerIdentifier::IssuerAndSerialNumber(ias) = &si.sid else { return Err("sid by SKI not handled here".into()) };
    let signer = certs.iter().find(|c| c.tbs_certificate.issuer == ias.issuer && c.tbs_certificate.serial_number == ias.serial_number)
        .ok_or("signer certificate missing")?;
    let signer_der = CertificateDer::from(signer.to_der().unwrap());
    let ee = webpki::EndEntityCert::try_from(&signer_der).map_err(|e| format!("{e:?}"))?;
    // 4. Signature over the DER SET OF signed attributes.
    let signed_attrs_der = attrs.to_der().unwrap(); // tag 0x31, not the [0] IMPLICIT of the SignerInfo
    let alg: &dyn rustls_pki_types::SignatureVerificationAlgorithm = match si.signature_algorithm.oid {
        o if o == rfc5912::ECDSA_WITH_SHA_256 => webpki::ring::ECDSA_P256_SHA256,
        o if o == rfc5912::SHA_256_WITH_RSA_ENCRYPTION || o == rfc5912::RSA_ENCRYPTION => webpki::ring::RSA_PKCS1_2048_8192_SHA256,
        o => return Err(format!("unsupported signature algorithm {o}")),
    };
    ee.verify_signature(alg, &signed_attrs_der, si.signature.as_bytes()).map_err(|e| format!("bad signature: {e:?}"))?;
    // 5. Chain to the trusted roots, valid at signing time.
    let anchors: Vec<_> = roots.iter().map(|r| webpki::anchor_from_trusted_cert(r).unwrap().to_owned()).collect();
    let inter: Vec<CertificateDer> = certs.iter().filter(|c| !std::ptr::eq(**c, *signer))
        .map(|c| CertificateDer::from(c.to_der().unwrap())).collect();
    ee.verify_for_usage(webpki::ALL_VERIFICATION_ALGS, &anchors, &inter, signing_time, DocSigningEku, None, None)
        .map_err(|e| format!("chain: {e:?}"))?;
    Ok(Verified { signing_time, signer_subject: signer.tbs_certificate.subject.to_string() })
}

fn main() {
    let mut rng = p256::elliptic_curve::rand_core::OsRng;
    let root_key = SigningKey::random(&mut rng);
    let inter_key = SigningKey::random(&mut rng);
    let leaf_key = SigningKey::random(&mut rng);
    let other_root_key = SigningKey::random(&mut rng);
    let root_name = "CN=Test Root CA,O=Thi dua test,C=VN";
    let root = make_cert(Profile::Root, 1, root_name, &root_key, &root_key);
    let inter = make_cert(Profile::SubCA { issuer: Name::from_str(root_name).unwrap(), path_len_constraint: Some(0) }, 2, "CN=Test Sub CA,C=VN", &inter_key, &root_key);
    let leaf = make_cert(Profile::Leaf { issuer: Name::from_str("CN=Test Sub CA,C=VN").unwrap(), enable_key_agreement: false, enable_key_encipherment: false }, 3, "CN=Nguyễn Văn A,C=VN", &leaf_key, &inter_key);
    let other_root = make_cert(Profile::Root, 9, "CN=Other Root,C=VN", &other_root_key, &other_root_key);
    let root_der = CertificateDer::from(root.to_der().unwrap());
    let other_der = CertificateDer::from(other_root.to_der().unwrap());

    let t = std::time::Instant::now();
    let signed = sign(unsigned_pdf(), &leaf_key, &leaf, &[inter.clone()]);
    println!("signed {} bytes in {:?}", signed.len(), t.elapsed());
    std::fs::write("/tmp/exp-sig/signed.pdf", &signed).unwrap();
    let t = std::time::Instant::now();
    println!("valid: {:?} ({:?})", verify(&signed, &[root_der.clone()]), t.elapsed());
    println!("untrusted root: {:?}", verify(&signed, &[other_der]));
    // Tamper with one byte outside /Contents.
    let mut bad = signed.clone();
    let i = find(&bad, b"/MediaBox", 0).unwrap();
    bad[i + 12] = b'6';
    println!("tampered: {:?}", verify(&bad, &[root_der.clone()]));
    // Wrong key signs.
    let forged = sign(unsigned_pdf(), &other_root_key, &leaf, &[inter]);
    println!("wrong key: {:?}", verify(&forged, &[root_der]));
    let _ = leaf_key.verifying_key().to_public_key_der();
}
