//! HTTPS for the accept loop: the `--tls-*` flags, a rustls server config reloaded when its
//! files change, the bounded handshake, and the client-certificate principal (mTLS).
//!
//! Each connection takes a snapshot of the current config when it is accepted, so a reload
//! applies to new connections and never disturbs open ones. The auth layer reads the
//! principal from the request's extensions ([`ClientCertPrincipal`]); this module only
//! verifies the certificate and names its subject.

mod subject;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use anyhow::Context as _;
use arc_swap::ArcSwap;
use rustls::ServerConfig;
use rustls::server::WebPkiClientVerifier;
use rustls_pki_types::pem::PemObject as _;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::TcpStream;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

/// How often the certificate, key and client CA files are checked for changes.
pub const RELOAD_POLL: Duration = Duration::from_secs(2);

/// TLS settings of `schema-registry serve`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct TlsArgs {
    /// Serve HTTPS with this certificate chain (PEM, leaf first); needs --tls-key. Both files
    /// are re-read when they change (checked every 2 s); new connections get the new pair.
    #[arg(long, env = "SR_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// Private key of --tls-cert (PEM: PKCS#8, RSA or EC).
    #[arg(long, env = "SR_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// CA certificates (PEM bundle) that client certificates must chain to: turns on mutual
    /// TLS. The certificate's subject CN becomes the request's principal.
    #[arg(long, env = "SR_TLS_CLIENT_CA", requires = "tls_cert")]
    pub tls_client_ca: Option<PathBuf>,

    /// Whether clients must present a certificate (default `required` with --tls-client-ca);
    /// with `optional`, clients without one are served without a certificate principal.
    #[arg(
        long,
        env = "SR_TLS_CLIENT_AUTH",
        value_enum,
        requires = "tls_client_ca"
    )]
    pub tls_client_auth: Option<ClientAuth>,
}

/// Whether a client certificate is required when client CAs are configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ClientAuth {
    /// Handshakes without a valid client certificate are refused.
    Required,
    /// A client certificate, if presented, must be valid; none is also accepted.
    Optional,
}

impl ClientAuth {
    /// The flag value.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ClientAuth::Required => "required",
            ClientAuth::Optional => "optional",
        }
    }
}

/// The verified client certificate's subject CN, in the extensions of every request of a
/// mutual-TLS connection. Absent when the client presented no certificate.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClientCertPrincipal(pub String);

/// The files a [`ServerConfig`] is built from.
#[derive(Debug, Clone)]
struct TlsFiles {
    cert: PathBuf,
    key: PathBuf,
    client_ca: Option<(PathBuf, ClientAuth)>,
}

/// HTTPS is on: the current server config, and what it is reloaded from.
pub struct Tls {
    files: TlsFiles,
    current: Arc<ArcSwap<ServerConfig>>,
    /// The files' modification times and lengths when `current` was built.
    loaded: Stamp,
}

impl std::fmt::Debug for Tls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tls").field("files", &self.files).finish()
    }
}

impl Tls {
    /// The TLS config `args` ask for: `None` when no certificate is given (plain HTTP).
    ///
    /// # Errors
    /// A certificate without a key (or the reverse), client options without a certificate,
    /// or files that cannot be read or do not form a valid certificate and key.
    pub fn load(args: &TlsArgs) -> anyhow::Result<Option<Tls>> {
        let (cert, key) = match (&args.tls_cert, &args.tls_key) {
            (Some(cert), Some(key)) => (cert.clone(), key.clone()),
            (Some(_), None) => anyhow::bail!("--tls-cert needs --tls-key (SR_TLS_KEY)"),
            (None, Some(_)) => anyhow::bail!("--tls-key needs --tls-cert (SR_TLS_CERT)"),
            (None, None) if args.tls_client_ca.is_some() || args.tls_client_auth.is_some() => {
                anyhow::bail!("--tls-client-ca and --tls-client-auth need --tls-cert and --tls-key")
            }
            (None, None) => return Ok(None),
        };
        let client_ca = match (&args.tls_client_ca, args.tls_client_auth) {
            (Some(ca), auth) => Some((ca.clone(), auth.unwrap_or(ClientAuth::Required))),
            (None, Some(_)) => anyhow::bail!("--tls-client-auth needs --tls-client-ca"),
            (None, None) => None,
        };
        let files = TlsFiles {
            cert,
            key,
            client_ca,
        };
        // Stamped before reading: a change made while loading is seen by the next poll.
        let loaded = stamp(&files);
        let config = files.server_config()?;
        Ok(Some(Tls {
            files,
            current: Arc::new(ArcSwap::from_pointee(config)),
            loaded,
        }))
    }

    /// Whether and how client certificates are asked for.
    #[must_use]
    pub fn client_auth(&self) -> Option<ClientAuth> {
        self.files.client_ca.as_ref().map(|(_, auth)| *auth)
    }

    /// An acceptor with the config of this moment, for one connection.
    pub(crate) fn acceptor(&self) -> TlsAcceptor {
        TlsAcceptor::from(self.current.load_full())
    }

    /// Starts checking the files every [`RELOAD_POLL`]; a changed set that loads replaces
    /// the config, one that does not is logged and the previous config stays. Stops when
    /// the answer is dropped.
    pub(crate) fn watch(&self) -> Watcher {
        let files = self.files.clone();
        let current = Arc::clone(&self.current);
        let mut seen = self.loaded.clone();
        let task = tokio::spawn(async move {
            let mut tick = tokio::time::interval(RELOAD_POLL);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            tick.tick().await;
            loop {
                tick.tick().await;
                // Three `stat`s: cheap enough not to leave the async worker for.
                let now = stamp(&files);
                if now == seen {
                    continue;
                }
                seen = now;
                let source = files.clone();
                match tokio::task::spawn_blocking(move || source.server_config()).await {
                    Ok(Ok(config)) => {
                        current.store(Arc::new(config));
                        tracing::info!("tls certificate reloaded");
                    }
                    // Not retried until the files change again (a pair replaced one file at
                    // a time loads when its second file lands).
                    Ok(Err(error)) => {
                        tracing::error!(
                            error = %format!("{error:#}"),
                            "tls files changed but do not load; still serving the previous certificate"
                        );
                    }
                    Err(error) => tracing::error!(%error, "tls reload check failed"),
                }
            }
        });
        Watcher(task)
    }
}

/// The reload task of [`Tls::watch`]; aborted when dropped.
pub(crate) struct Watcher(tokio::task::JoinHandle<()>);

impl Drop for Watcher {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Completes the handshake of `stream` within `within`; answers the TLS stream and, with a
/// client certificate, its principal.
///
/// # Errors
/// The client did not complete a handshake in time, or it failed (not TLS, no or a refused
/// client certificate, no protocol in common).
pub(crate) async fn handshake(
    acceptor: TlsAcceptor,
    stream: TcpStream,
    within: Duration,
) -> anyhow::Result<(TlsStream<TcpStream>, Option<ClientCertPrincipal>)> {
    let stream = tokio::time::timeout(within, acceptor.accept(stream))
        .await
        .map_err(|_| anyhow::anyhow!("no tls handshake within {within:?}"))?
        .context("tls handshake")?;
    let leaf = stream
        .get_ref()
        .1
        .peer_certificates()
        .and_then(<[_]>::first);
    let principal = leaf.and_then(|leaf| {
        let name = subject::common_name(leaf);
        if name.is_none() {
            tracing::warn!("client certificate has no single printable subject CN: no principal");
        }
        name.map(ClientCertPrincipal)
    });
    Ok((stream, principal))
}

impl TlsFiles {
    /// A server config from the files as they are now.
    fn server_config(&self) -> anyhow::Result<ServerConfig> {
        let chain = read_certificates(&self.cert)?;
        let key = PrivateKeyDer::from_pem_file(&self.key).map_err(|e| {
            anyhow::anyhow!("reading a private key from {}: {e}", self.key.display())
        })?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = ServerConfig::builder_with_provider(Arc::clone(&provider))
            .with_safe_default_protocol_versions()
            .context("tls protocol versions")?;
        let builder = match &self.client_ca {
            None => builder.with_no_client_auth(),
            Some((path, auth)) => {
                let mut roots = rustls::RootCertStore::empty();
                for cert in read_certificates(path)? {
                    roots
                        .add(cert)
                        .with_context(|| format!("client CA in {}", path.display()))?;
                }
                let verifier =
                    WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider);
                let verifier = match auth {
                    ClientAuth::Required => verifier,
                    ClientAuth::Optional => verifier.allow_unauthenticated(),
                };
                let verifier = verifier
                    .build()
                    .with_context(|| format!("client CAs of {}", path.display()))?;
                builder.with_client_cert_verifier(verifier)
            }
        };
        let mut config = builder.with_single_cert(chain, key).with_context(|| {
            format!(
                "certificate {} with key {}",
                self.cert.display(),
                self.key.display()
            )
        })?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(config)
    }
}

/// Every certificate in a PEM file; at least one.
fn read_certificates(path: &Path) -> anyhow::Result<Vec<CertificateDer<'static>>> {
    let certs = CertificateDer::pem_file_iter(path)
        .and_then(Iterator::collect::<Result<Vec<_>, _>>)
        .map_err(|e| anyhow::anyhow!("reading certificates from {}: {e}", path.display()))?;
    if certs.is_empty() {
        anyhow::bail!("no PEM certificate in {}", path.display());
    }
    Ok(certs)
}

/// Modification time and length of each file (`None` when it cannot be read).
type Stamp = Vec<Option<(SystemTime, u64)>>;

fn stamp(files: &TlsFiles) -> Stamp {
    let mut paths = vec![&files.cert, &files.key];
    if let Some((ca, _)) = &files.client_ca {
        paths.push(ca);
    }
    paths
        .into_iter()
        .map(|path| {
            let meta = std::fs::metadata(path).ok()?;
            Some((meta.modified().ok()?, meta.len()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(cert: bool, key: bool, ca: bool, auth: Option<ClientAuth>) -> TlsArgs {
        TlsArgs {
            tls_cert: cert.then(|| PathBuf::from("cert.pem")),
            tls_key: key.then(|| PathBuf::from("key.pem")),
            tls_client_ca: ca.then(|| PathBuf::from("ca.pem")),
            tls_client_auth: auth,
        }
    }

    fn error(args: &TlsArgs) -> String {
        match Tls::load(args) {
            Ok(_) => String::new(),
            Err(error) => format!("{error:#}"),
        }
    }

    #[test]
    fn no_certificate_means_plain_http() {
        assert!(matches!(Tls::load(&TlsArgs::default()), Ok(None)));
    }

    #[test]
    fn half_configured_tls_is_a_startup_error() {
        assert_eq!(
            error(&args(true, false, false, None)),
            "--tls-cert needs --tls-key (SR_TLS_KEY)"
        );
        assert_eq!(
            error(&args(false, true, false, None)),
            "--tls-key needs --tls-cert (SR_TLS_CERT)"
        );
        assert!(error(&args(false, false, true, None)).contains("need --tls-cert"));
        assert_eq!(
            error(&args(true, true, false, Some(ClientAuth::Optional))),
            "--tls-client-auth needs --tls-client-ca"
        );
    }

    #[test]
    fn unreadable_files_are_named() {
        let message = error(&args(true, true, false, None));
        assert!(message.contains("cert.pem"), "{message}");
    }

    #[test]
    fn a_key_of_another_certificate_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let one = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).expect("cert");
        let two = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).expect("cert");
        let cert = dir.path().join("cert.pem");
        let key = dir.path().join("key.pem");
        std::fs::write(&cert, one.cert.pem()).expect("write");
        std::fs::write(&key, two.signing_key.serialize_pem()).expect("write");
        let args = TlsArgs {
            tls_cert: Some(cert.clone()),
            tls_key: Some(key.clone()),
            ..TlsArgs::default()
        };
        assert!(error(&args).contains("with key"), "{}", error(&args));
        std::fs::write(&key, one.signing_key.serialize_pem()).expect("write");
        assert!(matches!(Tls::load(&args), Ok(Some(_))));
    }
}
