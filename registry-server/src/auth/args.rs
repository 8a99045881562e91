//! `serve` flags of authentication; every one also reads an `SR_*` environment variable.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::Args;

use super::jwt::JwksLocation;

/// Authentication is on when `--auth-file` or `--jwt-jwks` is given.
#[derive(Debug, Clone, Args)]
pub struct AuthArgs {
    /// Users and permissions: Karapace's `registry_authfile` JSON as it is, or our TOML form
    /// (argon2id, subject prefixes; see `schema-registry passwd`). Reloaded when it changes.
    #[arg(long, env = "SR_AUTH_FILE")]
    pub auth_file: Option<PathBuf>,

    /// Keys that sign bearer tokens (JWKS): a file path, or an `https://` URL.
    #[arg(long, env = "SR_JWT_JWKS", value_parser = parse_jwks)]
    pub jwt_jwks: Option<JwksLocation>,

    /// Required `iss` of bearer tokens.
    #[arg(long, env = "SR_JWT_ISSUER", requires = "jwt_jwks")]
    pub jwt_issuer: Option<String>,

    /// Required `aud` of bearer tokens (one of theirs must be this).
    #[arg(long, env = "SR_JWT_AUDIENCE", requires = "jwt_jwks")]
    pub jwt_audience: Option<String>,

    /// Token claim naming the principal, whose permissions are the auth file's for that name.
    #[arg(long, env = "SR_JWT_PRINCIPAL_CLAIM", default_value = "sub", value_parser = parse_claim)]
    pub jwt_principal_claim: String,

    /// Require credentials on `/health/*` and `/metrics` too (by default they are open).
    #[arg(long, env = "SR_AUTH_HEALTH_AND_METRICS")]
    pub auth_health_and_metrics: bool,
}

impl Default for AuthArgs {
    /// Authentication off; the values the flags default to.
    fn default() -> Self {
        Self {
            auth_file: None,
            jwt_jwks: None,
            jwt_issuer: None,
            jwt_audience: None,
            jwt_principal_claim: "sub".to_owned(),
            auth_health_and_metrics: false,
        }
    }
}

fn parse_claim(raw: &str) -> Result<String, String> {
    if raw.is_empty() {
        Err("the claim name is empty".into())
    } else {
        Ok(raw.to_owned())
    }
}

/// A path, or a URL: `https://` anywhere, `http://` only to a loopback address (keys fetched
/// in clear text from afar could be replaced on the way).
pub(crate) fn parse_jwks(raw: &str) -> Result<JwksLocation, String> {
    let lower = raw.to_ascii_lowercase();
    if !lower.starts_with("http://") && !lower.starts_with("https://") {
        return Ok(JwksLocation::File(PathBuf::from(raw)));
    }
    let url = reqwest::Url::parse(raw).map_err(|e| format!("{raw}: {e}"))?;
    let host = url.host_str().unwrap_or("");
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if url.scheme() == "http" && !loopback {
        return Err(format!(
            "{raw}: use https:// (http:// only to a loopback address)"
        ));
    }
    Ok(JwksLocation::Url(url))
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        auth: AuthArgs,
    }

    #[test]
    fn jwks_locations() {
        assert_eq!(
            parse_jwks("/etc/jwks.json"),
            Ok(JwksLocation::File("/etc/jwks.json".into()))
        );
        assert!(matches!(
            parse_jwks("https://idp.example/keys"),
            Ok(JwksLocation::Url(_))
        ));
        assert!(matches!(
            parse_jwks("http://127.0.0.1:9/keys"),
            Ok(JwksLocation::Url(_))
        ));
        assert!(matches!(
            parse_jwks("http://[::1]/keys"),
            Ok(JwksLocation::Url(_))
        ));
        assert!(parse_jwks("http://idp.example/keys").is_err());
    }

    #[test]
    fn flags_parse_and_default() {
        let cli = Cli::try_parse_from(["x"]).expect("parses");
        assert_eq!(cli.auth.jwt_principal_claim, "sub");
        assert!(!cli.auth.auth_health_and_metrics);
        assert!(cli.auth.auth_file.is_none());
        assert!(
            Cli::try_parse_from(["x", "--jwt-issuer", "me"]).is_err(),
            "issuer needs a JWKS"
        );
        let cli = Cli::try_parse_from([
            "x",
            "--auth-file",
            "a.json",
            "--jwt-jwks",
            "k.json",
            "--jwt-audience",
            "sr",
            "--jwt-principal-claim",
            "email",
            "--auth-health-and-metrics",
        ])
        .expect("parses");
        assert_eq!(cli.auth.jwt_audience.as_deref(), Some("sr"));
        assert_eq!(cli.auth.jwt_principal_claim, "email");
        assert!(cli.auth.auth_health_and_metrics);
    }
}
