//! Reads the `Authorization` header: HTTP Basic or Bearer, with every length bounded.

use base64::Engine as _;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use http::HeaderMap;
use http::header::AUTHORIZATION;

use super::error::AuthError;

/// Largest bearer token accepted, in bytes.
pub(crate) const MAX_TOKEN_BYTES: usize = 16 * 1024;
/// Largest base64 part of a Basic header: user name and password of up to ~3 KiB together.
const MAX_BASIC_BASE64: usize = 4096;
/// Longest `Authorization` value read at all.
const MAX_HEADER_BYTES: usize = MAX_TOKEN_BYTES + 16;

/// Standard alphabet; clients differ on padding, so both forms are read.
const BASIC_BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// What the `Authorization` header carries.
#[derive(PartialEq, Eq)]
pub(crate) enum Credentials<'a> {
    Basic { username: String, password: String },
    Bearer(&'a str),
}

impl std::fmt::Debug for Credentials<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Basic { username, .. } => write!(f, "Basic({username:?}, <password>)"),
            Self::Bearer(_) => f.write_str("Bearer(<token>)"),
        }
    }
}

/// `Ok(None)` without the header; `Invalid` for anything malformed, oversized or repeated.
pub(crate) fn credentials(headers: &HeaderMap) -> Result<Option<Credentials<'_>>, AuthError> {
    let mut values = headers.get_all(AUTHORIZATION).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        tracing::debug!("several Authorization headers");
        return Err(AuthError::Invalid);
    }
    if value.len() > MAX_HEADER_BYTES {
        tracing::debug!(bytes = value.len(), "Authorization header too long");
        return Err(AuthError::Invalid);
    }
    let value = value.to_str().map_err(|_| AuthError::Invalid)?;
    let (scheme, rest) = value.split_once(' ').ok_or(AuthError::Invalid)?;
    let rest = rest.trim_matches(' ');
    if scheme.eq_ignore_ascii_case("basic") {
        basic(rest).map(Some)
    } else if scheme.eq_ignore_ascii_case("bearer") {
        bearer(rest).map(Some)
    } else {
        tracing::debug!(scheme, "unsupported Authorization scheme");
        Err(AuthError::Invalid)
    }
}

fn basic(encoded: &str) -> Result<Credentials<'static>, AuthError> {
    if encoded.len() > MAX_BASIC_BASE64 {
        return Err(AuthError::Invalid);
    }
    let decoded = BASIC_BASE64
        .decode(encoded)
        .map_err(|_| AuthError::Invalid)?;
    let text = String::from_utf8(decoded).map_err(|_| AuthError::Invalid)?;
    let (username, password) = text.split_once(':').ok_or(AuthError::Invalid)?;
    Ok(Credentials::Basic {
        username: username.to_owned(),
        password: password.to_owned(),
    })
}

fn bearer(token: &str) -> Result<Credentials<'_>, AuthError> {
    let token68 = |b: u8| b.is_ascii_alphanumeric() || b"-._~+/=".contains(&b);
    if token.is_empty() || token.len() > MAX_TOKEN_BYTES || !token.bytes().all(token68) {
        return Err(AuthError::Invalid);
    }
    Ok(Credentials::Bearer(token))
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    fn with(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(AUTHORIZATION, HeaderValue::from_str(value).expect("value"));
        }
        headers
    }

    fn basic_of(user_pass: &str) -> String {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(user_pass)
        )
    }

    #[test]
    fn basic_credentials_split_at_the_first_colon() {
        let headers = with(&[&basic_of("alice:pa:ss")]);
        assert_eq!(
            credentials(&headers),
            Ok(Some(Credentials::Basic {
                username: "alice".into(),
                password: "pa:ss".into()
            }))
        );
        let lower = with(&[&basic_of("bob:").replace("Basic", "basic")]);
        assert_eq!(
            credentials(&lower),
            Ok(Some(Credentials::Basic {
                username: "bob".into(),
                password: String::new()
            }))
        );
        let unpadded = with(&["Basic YTpi"]);
        assert!(matches!(
            credentials(&unpadded),
            Ok(Some(Credentials::Basic { .. }))
        ));
    }

    #[test]
    fn absent_header_is_none_and_bad_ones_are_invalid() {
        assert_eq!(credentials(&HeaderMap::new()), Ok(None));
        for bad in [
            "Basic",
            "Basic !!!",
            &basic_of("no-colon"),
            "Digest abc",
            "Bearer ",
            "Bearer a b",
            "Bearer a\"b",
        ] {
            assert_eq!(
                credentials(&with(&[bad])),
                Err(AuthError::Invalid),
                "{bad:?}"
            );
        }
        let not_utf8 = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode([0xff, b':'])
        );
        assert_eq!(credentials(&with(&[&not_utf8])), Err(AuthError::Invalid));
        assert_eq!(
            credentials(&with(&[&basic_of("a:b"), &basic_of("c:d")])),
            Err(AuthError::Invalid),
            "two headers are ambiguous"
        );
    }

    #[test]
    fn lengths_are_bounded() {
        let long_basic = format!("Basic {}", "QUFB".repeat(MAX_BASIC_BASE64 / 4 + 1));
        assert_eq!(credentials(&with(&[&long_basic])), Err(AuthError::Invalid));
        let long_token = format!("Bearer {}", "a".repeat(MAX_TOKEN_BYTES + 1));
        assert_eq!(credentials(&with(&[&long_token])), Err(AuthError::Invalid));
        let fits = format!("Bearer {}", "a".repeat(MAX_TOKEN_BYTES));
        assert!(matches!(
            credentials(&with(&[&fits])),
            Ok(Some(Credentials::Bearer(_)))
        ));
    }
}
