//! Certificates made at test time for the TLS tests: a CA, server certificates for
//! `127.0.0.1` and `localhost`, client certificates with a CN (also expired ones), written
//! as PEM files. Keys are PKCS#8, which every client here (native-tls) accepts.

use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};

/// A certificate authority that issues server and client certificates.
pub struct Ca {
    issuer: Issuer<'static, KeyPair>,
    /// The CA certificate, PEM.
    pub pem: String,
}

/// A certificate and its private key, PEM (the key PKCS#8).
#[derive(Debug, Clone)]
pub struct Pair {
    pub cert: String,
    pub key: String,
    /// The certificate, DER: what a TLS peer sees.
    pub der: Vec<u8>,
}

/// Paths of a [`Pair`] written to disk.
#[derive(Debug, Clone)]
pub struct PairFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl Ca {
    /// A new self-signed CA named `name`.
    ///
    /// # Panics
    /// When rcgen fails (the test fails).
    #[must_use]
    pub fn new(name: &str) -> Ca {
        let mut params = CertificateParams::new(Vec::new()).expect("ca params");
        params.distinguished_name.push(DnType::CommonName, name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let key = KeyPair::generate().expect("ca key");
        let cert = params.self_signed(&key).expect("ca certificate");
        Ca {
            pem: cert.pem(),
            issuer: Issuer::new(params, key),
        }
    }

    /// A server certificate for `127.0.0.1` and `localhost`.
    #[must_use]
    pub fn server(&self) -> Pair {
        self.issue(
            vec!["127.0.0.1".to_owned(), "localhost".to_owned()],
            "schema registry",
            ExtendedKeyUsagePurpose::ServerAuth,
            false,
        )
    }

    /// A client certificate whose subject CN is `cn`.
    #[must_use]
    pub fn client(&self, cn: &str) -> Pair {
        self.issue(Vec::new(), cn, ExtendedKeyUsagePurpose::ClientAuth, false)
    }

    /// A client certificate whose subject CN is `cn`, expired since 2001.
    #[must_use]
    pub fn expired_client(&self, cn: &str) -> Pair {
        self.issue(Vec::new(), cn, ExtendedKeyUsagePurpose::ClientAuth, true)
    }

    fn issue(
        &self,
        names: Vec<String>,
        cn: &str,
        usage: ExtendedKeyUsagePurpose,
        expired: bool,
    ) -> Pair {
        let mut params = CertificateParams::new(names).expect("params");
        params.distinguished_name.push(DnType::CommonName, cn);
        params.extended_key_usages = vec![usage];
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        if expired {
            params.not_before = rcgen::date_time_ymd(2000, 1, 1);
            params.not_after = rcgen::date_time_ymd(2001, 1, 1);
        }
        let key = KeyPair::generate().expect("key");
        let cert = params.signed_by(&key, &self.issuer).expect("sign");
        Pair {
            cert: cert.pem(),
            key: key.serialize_pem(),
            der: cert.der().to_vec(),
        }
    }

    /// Writes the CA certificate to `dir/name`.
    ///
    /// # Panics
    /// When the file cannot be written.
    #[must_use]
    pub fn write(&self, dir: &Path, name: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, &self.pem).expect("write ca");
        path
    }
}

impl Pair {
    /// Writes `dir/{name}.crt` and `dir/{name}.key`.
    ///
    /// # Panics
    /// When the files cannot be written.
    #[must_use]
    pub fn write(&self, dir: &Path, name: &str) -> PairFiles {
        let files = PairFiles {
            cert: dir.join(format!("{name}.crt")),
            key: dir.join(format!("{name}.key")),
        };
        std::fs::write(&files.cert, &self.cert).expect("write certificate");
        std::fs::write(&files.key, &self.key).expect("write key");
        files
    }

    /// The pair as a reqwest (native-tls) client identity.
    ///
    /// # Panics
    /// When native-tls refuses it.
    #[must_use]
    pub fn identity(&self) -> reqwest::Identity {
        reqwest::Identity::from_pkcs8_pem(self.cert.as_bytes(), self.key.as_bytes())
            .expect("client identity")
    }
}
