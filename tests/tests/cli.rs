//! The CI gate commands (`check`, `register`, `export`, `import`) run as a separate process,
//! offline and against a spawned server: exit codes, human and JSON output, project files,
//! and an export/import round trip that must reproduce ids, versions and configs exactly.
//!
//! `cli/tls.rs` runs them against an HTTPS registry that requires client certificates.
//!
//! Fixtures are under `tests/fixtures/cli/`: JSON Schema and Avro versions of a few records,
//! and two project files (`repo-ok`, `repo-broken`) mapping them to subjects.

#[path = "cli/errors.rs"]
mod errors;
#[path = "cli/gate.rs"]
mod gate;
#[path = "cli/migrate.rs"]
mod migrate;
#[path = "cli/offline.rs"]
mod offline;
#[path = "cli/online.rs"]
mod online;
#[path = "cli/tls.rs"]
mod tls;

use std::path::{Path, PathBuf};

pub const BINARY: &str = env!("CARGO_BIN_EXE_sr-under-test");

/// What a CLI run printed and answered.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Asserts exit code 2 with exactly one line on stderr containing `needle`.
    #[track_caller]
    pub fn assert_one_line_error(&self, needle: &str) {
        assert_eq!(
            self.code, 2,
            "stdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        assert_eq!(
            self.stderr.lines().count(),
            1,
            "one line expected: {:?}",
            self.stderr
        );
        assert!(
            self.stderr.contains(needle),
            "{needle:?} not in {:?}",
            self.stderr
        );
        assert!(!self.stderr.contains("panicked"), "{}", self.stderr);
    }
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cli")
}

/// Runs the binary with `args` in `cwd`, with none of the registry environment variables.
pub async fn cli_in(cwd: &Path, args: &[&str]) -> Run {
    let output = tokio::process::Command::new(BINARY)
        .args(args)
        .current_dir(cwd)
        .env_remove("SCHEMA_REGISTRY_URL")
        .env_remove("SCHEMA_REGISTRY_USER")
        .env_remove("SCHEMA_REGISTRY_PASSWORD")
        .env_remove("SCHEMA_REGISTRY_TOKEN")
        .env_remove("SCHEMA_REGISTRY_CA_CERT")
        .env_remove("SCHEMA_REGISTRY_CLIENT_CERT")
        .env_remove("SCHEMA_REGISTRY_CLIENT_KEY")
        .output()
        .await
        .expect("run the cli");
    Run {
        code: output.status.code().expect("exit code, not a signal"),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

pub async fn cli(args: &[&str]) -> Run {
    cli_in(&fixtures(), args).await
}
