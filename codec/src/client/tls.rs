//! TLS options of [`super::HttpClient`]: extra trusted CA certificates and a client
//! certificate (mutual TLS), on whichever TLS backend the crate is built with.

use crate::error::{Error, Result};

/// A client certificate chain and its private key, both PEM, presented to a registry that
/// asks for one. With the `native-tls` feature the key must be PKCS#8
/// (`-----BEGIN PRIVATE KEY-----`; convert with `openssl pkcs8 -topk8 -nocrypt`); with
/// `rustls` alone, PKCS#1 and SEC1 keys work too.
#[derive(Clone)]
pub struct ClientIdentity {
    /// certificate chain, leaf first
    pub cert_pem: Vec<u8>,
    /// the leaf's private key
    pub key_pem: Vec<u8>,
}

impl std::fmt::Debug for ClientIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // never print the key
        write!(
            f,
            "ClientIdentity({} certificate bytes, key ***)",
            self.cert_pem.len()
        )
    }
}

/// `builder` trusting `ca_pem` besides the system's roots and presenting `identity`.
pub(super) fn configure(
    builder: reqwest::ClientBuilder,
    ca_pem: Option<&[u8]>,
    identity: Option<&ClientIdentity>,
) -> Result<reqwest::ClientBuilder> {
    if ca_pem.is_none() && identity.is_none() {
        return Ok(builder);
    }
    backend::configure(builder, ca_pem, identity)
}

#[cfg(any(feature = "native-tls", feature = "rustls"))]
fn ca_certificates(pem: &[u8]) -> Result<Vec<reqwest::Certificate>> {
    let certs = reqwest::Certificate::from_pem_bundle(pem)
        .map_err(|e| Error::Config(format!("CA certificates: {e}")))?;
    if certs.is_empty() {
        return Err(Error::Config(
            "no PEM certificate in the CA certificates".into(),
        ));
    }
    Ok(certs)
}

#[cfg(feature = "native-tls")]
mod backend {
    use super::{ClientIdentity, Error, Result, ca_certificates};

    pub(super) fn configure(
        mut builder: reqwest::ClientBuilder,
        ca_pem: Option<&[u8]>,
        identity: Option<&ClientIdentity>,
    ) -> Result<reqwest::ClientBuilder> {
        // an identity only works on the backend it was made for
        builder = builder.tls_backend_native();
        if let Some(pem) = ca_pem {
            builder = builder.tls_certs_merge(ca_certificates(pem)?);
        }
        if let Some(id) = identity {
            let identity =
                reqwest::Identity::from_pkcs8_pem(&id.cert_pem, &id.key_pem).map_err(|e| {
                    Error::Config(format!(
                        "client certificate: {e} (the key must be PEM PKCS#8)"
                    ))
                })?;
            builder = builder.identity(identity);
        }
        Ok(builder)
    }
}

#[cfg(all(feature = "rustls", not(feature = "native-tls")))]
mod backend {
    use super::{ClientIdentity, Error, Result, ca_certificates};

    pub(super) fn configure(
        mut builder: reqwest::ClientBuilder,
        ca_pem: Option<&[u8]>,
        identity: Option<&ClientIdentity>,
    ) -> Result<reqwest::ClientBuilder> {
        builder = builder.tls_backend_rustls();
        if let Some(pem) = ca_pem {
            builder = builder.tls_certs_merge(ca_certificates(pem)?);
        }
        if let Some(id) = identity {
            let pem = [id.key_pem.as_slice(), b"\n", id.cert_pem.as_slice()].concat();
            let identity = reqwest::Identity::from_pem(&pem)
                .map_err(|e| Error::Config(format!("client certificate: {e}")))?;
            builder = builder.identity(identity);
        }
        Ok(builder)
    }
}

#[cfg(not(any(feature = "native-tls", feature = "rustls")))]
mod backend {
    use super::{ClientIdentity, Error, Result};

    pub(super) fn configure(
        _builder: reqwest::ClientBuilder,
        _ca_pem: Option<&[u8]>,
        _identity: Option<&ClientIdentity>,
    ) -> Result<reqwest::ClientBuilder> {
        Err(Error::Config(
            "CA certificates and client certificates need the codec's `native-tls` or `rustls` feature"
                .into(),
        ))
    }
}
