//! The Kafka connection: options named as Kafka clients name them, and reading partition 0
//! of the schemas topic in batches (rskafka: pure Rust, TLS through rustls/ring).

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context as _;
use rskafka::client::partition::{OffsetAt, PartitionClient, UnknownTopicHandling};
use rskafka::client::{ClientBuilder, Credentials, SaslConfig};
use rustls_pki_types::pem::PemObject as _;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

/// Bytes asked for per fetch (a batch holds at least one record, whatever its size).
const FETCH_BYTES: i32 = 4 * 1024 * 1024;

/// `security.protocol`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
#[value(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SecurityProtocol {
    #[default]
    Plaintext,
    Ssl,
    SaslPlaintext,
    SaslSsl,
}

/// `sasl.mechanism`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum SaslMechanism {
    #[default]
    #[value(name = "PLAIN")]
    Plain,
    #[value(name = "SCRAM-SHA-256")]
    ScramSha256,
    #[value(name = "SCRAM-SHA-512")]
    ScramSha512,
}

/// How to reach the schemas topic.
#[derive(Debug, Clone, clap::Args)]
pub struct KafkaArgs {
    /// The schemas topic (Confluent's `kafkastore.topic`, Karapace's `topic_name`).
    #[arg(long, env = "SR_KAFKA_TOPIC", default_value = "_schemas")]
    pub topic: String,
    /// `security.protocol`: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL.
    #[arg(long, env = "SR_KAFKA_SECURITY_PROTOCOL", value_enum, default_value_t)]
    pub security_protocol: SecurityProtocol,
    /// `sasl.mechanism`: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512.
    #[arg(long, env = "SR_KAFKA_SASL_MECHANISM", value_enum, default_value_t)]
    pub sasl_mechanism: SaslMechanism,
    /// `sasl.username`.
    #[arg(long, env = "SR_KAFKA_SASL_USERNAME")]
    pub sasl_username: Option<String>,
    /// `sasl.password`.
    #[arg(long, env = "SR_KAFKA_SASL_PASSWORD", hide_env_values = true)]
    pub sasl_password: Option<String>,
    /// `ssl.ca.location`: CA certificates (PEM) trusted for the brokers; the system's
    /// store when absent.
    #[arg(long, env = "SR_KAFKA_SSL_CA_LOCATION")]
    pub ssl_ca_location: Option<PathBuf>,
    /// `ssl.certificate.location`: client certificate chain (PEM), for brokers that ask.
    #[arg(
        long,
        env = "SR_KAFKA_SSL_CERTIFICATE_LOCATION",
        requires = "ssl_key_location"
    )]
    pub ssl_certificate_location: Option<PathBuf>,
    /// `ssl.key.location`: the client certificate's private key (PEM).
    #[arg(
        long,
        env = "SR_KAFKA_SSL_KEY_LOCATION",
        requires = "ssl_certificate_location"
    )]
    pub ssl_key_location: Option<PathBuf>,
}

impl Default for KafkaArgs {
    fn default() -> Self {
        KafkaArgs {
            topic: "_schemas".to_owned(),
            security_protocol: SecurityProtocol::default(),
            sasl_mechanism: SaslMechanism::default(),
            sasl_username: None,
            sasl_password: None,
            ssl_ca_location: None,
            ssl_certificate_location: None,
            ssl_key_location: None,
        }
    }
}

/// Partition 0 of the schemas topic on a connected cluster.
pub struct TopicReader {
    partition: PartitionClient,
}

impl std::fmt::Debug for TopicReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TopicReader")
            .field("topic", &self.partition.topic())
            .finish()
    }
}

/// One record as read.
#[derive(Debug, Clone)]
pub struct RawRecord {
    pub offset: i64,
    pub key: Option<Vec<u8>>,
    pub value: Option<Vec<u8>>,
    /// Milliseconds since the epoch.
    pub timestamp: i64,
}

impl TopicReader {
    /// Connects to `brokers` (comma-separated `host:port`) and opens partition 0 of the topic.
    ///
    /// # Errors
    /// Unreadable TLS files, missing SASL credentials, a cluster that cannot be reached
    /// or that has no such topic.
    pub async fn connect(brokers: &str, args: &KafkaArgs) -> anyhow::Result<Self> {
        let bootstrap: Vec<String> = brokers
            .split(',')
            .map(str::trim)
            .filter(|b| !b.is_empty())
            .map(str::to_owned)
            .collect();
        if bootstrap.is_empty() {
            anyhow::bail!(
                "no Kafka broker named: give --follow-kafka/--from-kafka HOST:PORT[,...]"
            );
        }
        let mut builder = ClientBuilder::new(bootstrap).client_id("schema-registry");
        if matches!(
            args.security_protocol,
            SecurityProtocol::Ssl | SecurityProtocol::SaslSsl
        ) {
            builder = builder.tls_config(Arc::new(tls_config(args)?));
        }
        if matches!(
            args.security_protocol,
            SecurityProtocol::SaslPlaintext | SecurityProtocol::SaslSsl
        ) {
            builder = builder.sasl_config(sasl_config(args)?);
        }
        let client = tokio::time::timeout(std::time::Duration::from_secs(30), builder.build())
            .await
            .map_err(|_| anyhow::anyhow!("no Kafka broker at {brokers} answered within 30 s"))?
            .with_context(|| format!("connecting to Kafka at {brokers}"))?;
        let partition = client
            .partition_client(args.topic.clone(), 0, UnknownTopicHandling::Error)
            .await
            .with_context(|| format!("opening partition 0 of topic {}", args.topic))?;
        Ok(TopicReader { partition })
    }

    /// The offset of the first record still kept.
    ///
    /// # Errors
    /// The broker does not answer.
    pub async fn start_offset(&self) -> anyhow::Result<i64> {
        self.partition
            .get_offset(OffsetAt::Earliest)
            .await
            .context("asking for the topic's earliest offset")
    }

    /// The offset the next record will get (the high watermark).
    ///
    /// # Errors
    /// The broker does not answer.
    pub async fn end_offset(&self) -> anyhow::Result<i64> {
        self.partition
            .get_offset(OffsetAt::Latest)
            .await
            .context("asking for the topic's end offset")
    }

    /// Records from `offset` on (waiting up to `max_wait_ms` when there are none yet), and
    /// the high watermark.
    ///
    /// # Errors
    /// The broker does not answer, or the batch does not decode.
    pub async fn fetch(
        &self,
        offset: i64,
        max_wait_ms: i32,
    ) -> anyhow::Result<(Vec<RawRecord>, i64)> {
        let (records, high_watermark) = self
            .partition
            .fetch_records(offset, 1..FETCH_BYTES, max_wait_ms)
            .await
            .with_context(|| format!("fetching from offset {offset}"))?;
        let records = records
            .into_iter()
            .filter(|r| r.offset >= offset)
            .map(|r| RawRecord {
                offset: r.offset,
                key: r.record.key,
                value: r.record.value,
                timestamp: r.record.timestamp.timestamp_millis(),
            })
            .collect();
        Ok((records, high_watermark))
    }
}

fn sasl_config(args: &KafkaArgs) -> anyhow::Result<SaslConfig> {
    let (Some(username), Some(password)) = (&args.sasl_username, &args.sasl_password) else {
        anyhow::bail!(
            "--security-protocol {:?} needs --sasl-username and --sasl-password",
            args.security_protocol
        );
    };
    let credentials = Credentials::new(username.clone(), password.clone());
    Ok(match args.sasl_mechanism {
        SaslMechanism::Plain => SaslConfig::Plain(credentials),
        SaslMechanism::ScramSha256 => SaslConfig::ScramSha256(credentials),
        SaslMechanism::ScramSha512 => SaslConfig::ScramSha512(credentials),
    })
}

fn tls_config(args: &KafkaArgs) -> anyhow::Result<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    if let Some(path) = &args.ssl_ca_location {
        for cert in CertificateDer::pem_file_iter(path)
            .with_context(|| format!("reading --ssl-ca-location {}", path.display()))?
        {
            let cert =
                cert.with_context(|| format!("reading --ssl-ca-location {}", path.display()))?;
            roots
                .add(cert)
                .with_context(|| format!("a CA certificate of {}", path.display()))?;
        }
    } else {
        let found = rustls_native_certs::load_native_certs();
        for cert in found.certs {
            // A system certificate rustls cannot use is left out, as browsers do.
            let _ = roots.add(cert);
        }
    }
    if roots.is_empty() {
        anyhow::bail!("no CA certificate to trust the brokers: give --ssl-ca-location");
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .context("TLS protocol versions")?
        .with_root_certificates(roots);
    match (&args.ssl_certificate_location, &args.ssl_key_location) {
        (Some(cert), Some(key)) => {
            let chain = CertificateDer::pem_file_iter(cert)
                .and_then(Iterator::collect::<Result<Vec<_>, _>>)
                .with_context(|| {
                    format!("reading --ssl-certificate-location {}", cert.display())
                })?;
            let key = PrivateKeyDer::from_pem_file(key)
                .with_context(|| format!("reading --ssl-key-location {}", key.display()))?;
            builder
                .with_client_auth_cert(chain, key)
                .context("the client certificate and key do not match")
        }
        _ => Ok(builder.with_no_client_auth()),
    }
}
