//! Cross-site request forgery defence for the UI's write forms: a token bound to the
//! principal (a keyed digest under a key made at start, so it needs no session store and
//! a page from another site cannot know it), plus a same-origin check of the browser's
//! `Origin` and `Sec-Fetch-Site` headers when they are sent.

use http::HeaderMap;
use rand::RngCore as _;
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

use crate::api::access::{Access, Who};

/// The name of the hidden form field carrying the token.
pub const FIELD: &str = "token";

/// The key tokens are derived from (new at every start: a restart invalidates open forms).
pub struct Csrf {
    key: [u8; 32],
}

impl Csrf {
    #[must_use]
    pub fn random() -> Self {
        let mut key = [0; 32];
        rand::rng().fill_bytes(&mut key);
        Csrf { key }
    }

    /// The token for forms shown to `who`.
    #[must_use]
    pub fn token(&self, who: &Who) -> String {
        let principal = match &who.access {
            Access::Open => "open:",
            Access::As(principal) => principal.name(),
            Access::Nobody => "nobody:",
        };
        let digest = Sha256::new()
            .chain_update(self.key)
            .chain_update(b"registry ui write form\0")
            .chain_update((principal.len() as u64).to_be_bytes())
            .chain_update(principal)
            .chain_update(self.key)
            .finalize();
        digest[..16].iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Whether `token` is the one for `who` (compared in constant time).
    #[must_use]
    pub fn verify(&self, who: &Who, token: &str) -> bool {
        let expected = self.token(who);
        expected.len() == token.len() && bool::from(expected.as_bytes().ct_eq(token.as_bytes()))
    }
}

/// False when the browser says the request comes from another site: `Sec-Fetch-Site` other
/// than `same-origin`, or an `Origin` whose host is not the `Host` the request was sent to.
/// Clients that send neither header (scripts, old browsers) rely on the token alone.
#[must_use]
pub fn same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site")
        && site.as_bytes() != b"same-origin"
    {
        return false;
    }
    let Some(origin) = headers.get(http::header::ORIGIN) else {
        return true;
    };
    let Some(host) = headers
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok())
    else {
        return false;
    };
    let origin = origin.to_str().unwrap_or_default();
    let origin_host = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"));
    origin_host.is_some_and(|o| o.eq_ignore_ascii_case(host))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, http::HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn tokens_are_per_principal_and_per_key() {
        let csrf = Csrf::random();
        let open = Who {
            access: Access::Open,
            remote: None,
        };
        let nobody = Who::default();
        let token = csrf.token(&open);
        assert_eq!(token.len(), 32);
        assert!(csrf.verify(&open, &token));
        assert!(!csrf.verify(&nobody, &token));
        assert!(!csrf.verify(&open, ""));
        assert!(!csrf.verify(&open, &token[..31]));
        assert!(!Csrf::random().verify(&open, &token));
    }

    #[test]
    fn cross_site_requests_are_refused() {
        assert!(same_origin(&headers(&[])));
        assert!(same_origin(&headers(&[
            ("host", "127.0.0.1:8081"),
            ("origin", "http://127.0.0.1:8081"),
            ("sec-fetch-site", "same-origin"),
        ])));
        assert!(!same_origin(&headers(&[
            ("host", "127.0.0.1:8081"),
            ("origin", "http://evil.example"),
        ])));
        assert!(!same_origin(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(!same_origin(&headers(&[("sec-fetch-site", "same-site")])));
        assert!(!same_origin(&headers(&[("origin", "null"), ("host", "a")])));
        assert!(!same_origin(&headers(&[("origin", "http://a")])));
    }
}
