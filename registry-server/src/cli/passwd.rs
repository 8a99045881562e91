//! `schema-registry passwd`: prints an authfile user entry for a password read from stdin.

use std::io::{BufRead, IsTerminal as _, Write};

use anyhow::{Context as _, bail};
use clap::Args;

use crate::auth::{KarapaceAlgorithm, argon2id_hash, karapace_hash, karapace_salt};

/// Longest password line read, in bytes.
const MAX_PASSWORD_BYTES: u64 = 4096;

/// Settings of `passwd`.
#[derive(Debug, Args)]
pub struct PasswdArgs {
    /// User name of the entry.
    #[arg(short, long)]
    pub username: String,

    /// Print a Karapace `registry_authfile` user object (JSON) instead of a TOML entry with
    /// an argon2id hash.
    #[arg(long)]
    pub karapace: bool,

    /// Hash of the Karapace entry.
    #[arg(long, value_enum, default_value_t = KarapaceAlgorithm::Scrypt, requires = "karapace")]
    pub algorithm: KarapaceAlgorithm,

    /// Read the password from standard input, one line (the only way: never from arguments,
    /// which other users of the machine can see). Accepted to say so in scripts.
    #[arg(long)]
    pub password_stdin: bool,
}

/// Reads the password from standard input and prints the entry on standard output.
pub fn run(args: &PasswdArgs) -> anyhow::Result<()> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("password for {}: ", args.username);
    }
    let password = read_password(stdin.lock())?;
    let entry = entry(args, &password)?;
    let mut out = std::io::stdout().lock();
    out.write_all(entry.as_bytes())
        .context("writing the entry")?;
    Ok(())
}

/// The first line of `input`, without its line ending.
fn read_password(input: impl BufRead) -> anyhow::Result<String> {
    let mut line = String::new();
    input
        .take(MAX_PASSWORD_BYTES + 1)
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    if line.len() as u64 > MAX_PASSWORD_BYTES {
        bail!("password longer than {MAX_PASSWORD_BYTES} bytes");
    }
    let password = line.strip_suffix('\n').unwrap_or(&line);
    let password = password.strip_suffix('\r').unwrap_or(password);
    if password.is_empty() {
        bail!("empty password: give it on standard input, one line");
    }
    Ok(password.to_owned())
}

/// The user entry, in the format asked for.
fn entry(args: &PasswdArgs, password: &str) -> anyhow::Result<String> {
    if args.karapace {
        let salt = karapace_salt();
        let user = serde_json::json!({
            "username": args.username,
            "algorithm": args.algorithm.name(),
            "salt": salt,
            "password_hash": karapace_hash(args.algorithm, &salt, password),
        });
        Ok(format!("{}\n", serde_json::to_string_pretty(&user)?))
    } else {
        #[derive(serde::Serialize)]
        struct File<'a> {
            users: [User<'a>; 1],
        }
        #[derive(serde::Serialize)]
        struct User<'a> {
            username: &'a str,
            password_hash: String,
        }
        let password_hash = argon2id_hash(password).context("hashing the password")?;
        let file = File {
            users: [User {
                username: &args.username,
                password_hash,
            }],
        };
        toml::to_string(&file).context("writing the TOML entry")
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use clap::Parser;
    use http::{HeaderMap, HeaderValue};

    use super::*;
    use crate::auth::{AuthArgs, Authenticator};

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        passwd: PasswdArgs,
    }

    fn args(argv: &[&str]) -> PasswdArgs {
        Cli::try_parse_from(std::iter::once("passwd").chain(argv.iter().copied()))
            .expect("parses")
            .passwd
    }

    /// Loads `file` as the authfile and signs in with Basic.
    async fn signs_in(file: &str, name: &str, user: &str, password: &str) -> bool {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(name);
        std::fs::write(&path, file).expect("write");
        let auth_args = AuthArgs {
            auth_file: Some(path),
            ..AuthArgs::default()
        };
        let auth = Authenticator::from_args(&auth_args).await.expect("loads");
        let mut headers = HeaderMap::new();
        let encoded =
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        headers.insert(
            http::header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Basic {encoded}")).expect("value"),
        );
        auth.authenticate(&headers, None).await.is_ok()
    }

    #[tokio::test]
    async fn the_native_entry_is_a_loadable_toml_user() {
        let password = read_password("correct horse\r\n".as_bytes()).expect("reads");
        assert_eq!(password, "correct horse");
        let text = entry(&args(&["-u", "alice", "--password-stdin"]), &password).expect("entry");
        assert!(
            text.starts_with("[[users]]\nusername = \"alice\"\npassword_hash = \"$argon2id$"),
            "{text}"
        );
        assert!(signs_in(&text, "auth.toml", "alice", "correct horse").await);
        assert!(!signs_in(&text, "auth.toml", "alice", "correct horse ").await);
    }

    #[tokio::test]
    async fn karapace_entries_load_in_a_karapace_file() {
        for algorithm in ["sha1", "sha256", "sha512", "scrypt"] {
            let text = entry(
                &args(&["-u", "bob", "--karapace", "--algorithm", algorithm]),
                "pw",
            )
            .expect("entry");
            let user: serde_json::Value = serde_json::from_str(&text).expect("json");
            assert_eq!(user["algorithm"], algorithm);
            assert_eq!(user["salt"].as_str().expect("salt").len(), 22);
            let file = serde_json::json!({"users": [user], "permissions": []}).to_string();
            assert!(
                signs_in(&file, "auth.json", "bob", "pw").await,
                "{algorithm}"
            );
        }
    }

    #[test]
    fn passwords_come_from_stdin_only() {
        assert!(read_password("".as_bytes()).is_err());
        assert!(read_password("\n".as_bytes()).is_err());
        assert_eq!(
            read_password("a:b c\nsecond line".as_bytes()).expect("reads"),
            "a:b c"
        );
        let long = "x".repeat(5000);
        assert!(read_password(long.as_bytes()).is_err());
        let cli = Cli::try_parse_from(["passwd", "-u", "a", "--password", "pw"]);
        assert!(cli.is_err(), "no flag takes the password itself");
        assert!(
            Cli::try_parse_from(["passwd", "-u", "a", "--algorithm", "sha1"]).is_err(),
            "--algorithm needs --karapace"
        );
        assert_eq!(
            args(&["-u", "a", "--karapace"]).algorithm,
            KarapaceAlgorithm::Scrypt
        );
    }
}
