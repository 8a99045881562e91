//! The subject common name (CN) of a DER X.509 certificate: a bounded walk over the few
//! fields before the subject, instead of a full X.509 parser. Every length is checked
//! against what is left; nothing recurses.
//!
//! rustls has already verified the certificate against the client CAs when this runs, but
//! the walk trusts nothing it reads.

/// DER tags (universal, single byte) met on the way to the subject.
const SEQUENCE: u8 = 0x30;
const SET: u8 = 0x31;
const OID: u8 = 0x06;
const UTF8_STRING: u8 = 0x0C;
const PRINTABLE_STRING: u8 = 0x13;
const TELETEX_STRING: u8 = 0x14;
const IA5_STRING: u8 = 0x16;
const BMP_STRING: u8 = 0x1E;
/// `[0] EXPLICIT Version` of a v2/v3 `TBSCertificate`.
const VERSION: u8 = 0xA0;
/// `id-at-commonName` (2.5.4.3), the OID's content bytes.
const COMMON_NAME: &[u8] = &[0x55, 0x04, 0x03];

/// The subject CN of `certificate`, when there is exactly one and it is a non-empty string
/// without control characters; `None` otherwise (no principal rather than a guess).
#[must_use]
pub(super) fn common_name(certificate: &[u8]) -> Option<String> {
    let (certificate, _) = expect(certificate, SEQUENCE)?;
    let (tbs, _) = expect(certificate, SEQUENCE)?;
    let mut rest = tbs;
    let (tag, _, after) = element(rest)?;
    if tag == VERSION {
        rest = after;
    }
    // serialNumber, signature, issuer, validity: skipped whatever their content.
    for _ in 0..4 {
        rest = element(rest)?.2;
    }
    let (mut names, _) = expect(rest, SEQUENCE)?;
    let mut found = None;
    while !names.is_empty() {
        let (mut set, after) = expect(names, SET)?;
        names = after;
        while !set.is_empty() {
            let (attribute, after) = expect(set, SEQUENCE)?;
            set = after;
            let (oid, value) = expect(attribute, OID)?;
            if oid != COMMON_NAME {
                continue;
            }
            if found.is_some() {
                return None;
            }
            let (tag, body, _) = element(value)?;
            found = Some(decode(tag, body)?);
        }
    }
    found.filter(|name: &String| !name.is_empty() && !name.chars().any(char::is_control))
}

/// The text of a directory string.
fn decode(tag: u8, body: &[u8]) -> Option<String> {
    match tag {
        UTF8_STRING => std::str::from_utf8(body).ok().map(str::to_owned),
        PRINTABLE_STRING | IA5_STRING => body
            .is_ascii()
            .then(|| String::from_utf8_lossy(body).into_owned()),
        // T.61 in theory; in practice Latin-1, as most tools read it.
        TELETEX_STRING => Some(body.iter().map(|&b| char::from(b)).collect()),
        BMP_STRING if body.len().is_multiple_of(2) => char::decode_utf16(
            body.chunks_exact(2)
                .map(|pair| u16::from_be_bytes([pair[0], pair[1]])),
        )
        .collect::<Result<String, _>>()
        .ok(),
        _ => None,
    }
}

/// The body of an element with tag `tag` at the start of `input`, and what follows it.
fn expect(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (found, body, rest) = element(input)?;
    (found == tag).then_some((body, rest))
}

/// Tag, body and rest of the DER element at the start of `input`. Only single-byte tags and
/// definite lengths of up to four bytes, as DER certificates use.
fn element(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, input) = input.split_first()?;
    if tag & 0x1F == 0x1F {
        return None;
    }
    let (&first, mut input) = input.split_first()?;
    let length = if first < 0x80 {
        usize::from(first)
    } else {
        let count = usize::from(first & 0x7F);
        if count == 0 || count > 4 || input.len() < count {
            return None;
        }
        let (bytes, after) = input.split_at(count);
        input = after;
        bytes.iter().try_fold(0_usize, |n, &b| {
            n.checked_mul(256)?.checked_add(usize::from(b))
        })?
    };
    if length > input.len() {
        return None;
    }
    let (body, rest) = input.split_at(length);
    Some((tag, body, rest))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rcgen::{CertificateParams, DistinguishedName, DnType, DnValue, KeyPair};

    fn certificate(subject: &[(DnType, DnValue)]) -> Vec<u8> {
        let mut params = CertificateParams::new(vec!["client.test".to_owned()]).expect("params");
        let mut name = DistinguishedName::new();
        for (kind, value) in subject {
            name.push(kind.clone(), value.clone());
        }
        params.distinguished_name = name;
        let key = KeyPair::generate().expect("key");
        params.self_signed(&key).expect("sign").der().to_vec()
    }

    #[test]
    fn reads_the_cn_among_other_attributes() {
        let der = certificate(&[
            (
                DnType::CountryName,
                DnValue::PrintableString("DE".try_into().expect("printable")),
            ),
            (DnType::OrganizationName, DnValue::Utf8String("Acme".into())),
            (
                DnType::CommonName,
                DnValue::Utf8String("orders-service".into()),
            ),
        ]);
        assert_eq!(common_name(&der).as_deref(), Some("orders-service"));
    }

    #[test]
    fn reads_every_string_type_a_ca_uses() {
        let cases = [
            (
                DnValue::PrintableString("svc-1".try_into().expect("printable")),
                "svc-1",
            ),
            (
                DnValue::Ia5String("svc@x".try_into().expect("ia5")),
                "svc@x",
            ),
            (DnValue::Utf8String("Zoë".into()), "Zoë"),
            (DnValue::BmpString("Zoë".try_into().expect("bmp")), "Zoë"),
            (
                DnValue::TeletexString("svc-t".try_into().expect("teletex")),
                "svc-t",
            ),
        ];
        for (value, expected) in cases {
            let der = certificate(&[(DnType::CommonName, value)]);
            assert_eq!(common_name(&der).as_deref(), Some(expected));
        }
    }

    #[test]
    fn no_single_clean_cn_means_no_name() {
        assert_eq!(
            common_name(&certificate(&[(
                DnType::OrganizationName,
                DnValue::Utf8String("Acme".into())
            )])),
            None
        );
        assert_eq!(
            common_name(&certificate(&[(
                DnType::CommonName,
                DnValue::Utf8String(String::new())
            )])),
            None
        );
        assert_eq!(
            common_name(&certificate(&[(
                DnType::CommonName,
                DnValue::Utf8String("admin\nINFO forged".into())
            )])),
            None
        );
    }

    #[test]
    fn truncated_and_garbage_input_answers_none() {
        let der = certificate(&[(DnType::CommonName, DnValue::Utf8String("svc".into()))]);
        for end in 0..der.len() {
            // Cutting the outer element short makes every length disagree with the input.
            assert_eq!(common_name(&der[..end]), None, "prefix of {end} bytes");
        }
        for garbage in [
            &[][..],
            &[0x30],
            &[0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF],
            &[0x30, 0x85, 1, 1, 1, 1, 1],
            &[0x1F, 0x00],
        ] {
            assert_eq!(common_name(garbage), None);
        }
    }
}
