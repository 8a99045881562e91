//! `check --against-git REF`: a schema file's content at a git ref, read with the `git`
//! binary from the file's own directory (`git cat-file blob REF:./NAME`), so paths resolve
//! from wherever the repository root is.
//!
//! The ref is validated before it reaches git (no leading `-`, no `:`, no whitespace or
//! control characters), and every git command ends its options with `--end-of-options`; a
//! blob is sized before it is read and refused past the schema size limit.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use anyhow::Context as _;

use super::target::{MAX_SCHEMA_BYTES, schema_text};

/// Longest ref accepted.
const MAX_REF_LEN: usize = 256;

/// A git revision checked to be safe to hand to git as one argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitRef(String);

impl GitRef {
    /// Validates `raw` (`origin/main`, `HEAD~1`, a commit id, a tag).
    ///
    /// # Errors
    /// When it is empty, too long, starts with `-`, or holds `:`, whitespace or control
    /// characters.
    pub fn parse(raw: &str) -> anyhow::Result<Self> {
        if raw.is_empty() {
            anyhow::bail!("--against-git needs a ref, e.g. `--against-git origin/main`");
        }
        if raw.starts_with('-') {
            anyhow::bail!(
                "--against-git {raw}: a ref cannot start with `-`; pass a branch, tag or commit, e.g. `--against-git origin/main`"
            );
        }
        if raw.len() > MAX_REF_LEN
            || raw.contains(':')
            || raw.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            anyhow::bail!(
                "--against-git: {:?} is not a git ref; pass a branch, tag or commit, e.g. `--against-git origin/main`",
                raw.chars().take(64).collect::<String>()
            );
        }
        Ok(GitRef(raw.to_owned()))
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Reads files at one ref, checking the ref once per repository directory.
#[derive(Debug)]
pub struct GitReader {
    git_ref: GitRef,
    verified: HashSet<PathBuf>,
}

impl GitReader {
    #[must_use]
    pub fn new(git_ref: GitRef) -> Self {
        GitReader {
            git_ref,
            verified: HashSet::new(),
        }
    }

    /// The text of `file` at the ref, or `None` when the file does not exist there (a new
    /// file).
    ///
    /// # Errors
    /// When git cannot run, the directory is not in a repository, the ref does not exist, or
    /// the blob is too large or not UTF-8.
    pub fn show(&mut self, file: &Path) -> anyhow::Result<Option<String>> {
        let dir = match file.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .with_context(|| format!("{}: not a file name git can read", file.display()))?;
        let git_ref = self.git_ref.as_str();
        if !self.verified.contains(&dir) {
            let commit = format!("{git_ref}^{{commit}}");
            let out = git(
                &dir,
                &[
                    "rev-parse",
                    "--verify",
                    "--quiet",
                    "--end-of-options",
                    &commit,
                ],
            )?;
            if !out.status.success() {
                if !git(&dir, &["rev-parse", "--git-dir"])?.status.success() {
                    anyhow::bail!(
                        "{} is not inside a git repository; --against-git reads the file's history from git",
                        dir.display()
                    );
                }
                anyhow::bail!(
                    "git ref {git_ref} not found; fetch it first (e.g. `git fetch origin main`) or pass an existing branch, tag or commit"
                );
            }
            self.verified.insert(dir.clone());
        }
        let spec = format!("{git_ref}:./{name}");
        let exists = git(&dir, &["cat-file", "-e", "--end-of-options", &spec])?;
        if !exists.status.success() {
            return Ok(None);
        }
        let size = git(&dir, &["cat-file", "-s", "--end-of-options", &spec])?;
        let size: u64 = String::from_utf8_lossy(&size.stdout)
            .trim()
            .parse()
            .with_context(|| format!("git could not size {spec}"))?;
        if size > MAX_SCHEMA_BYTES as u64 {
            anyhow::bail!(
                "{} at {git_ref} is larger than {MAX_SCHEMA_BYTES} bytes, the most a registry accepts by default (--max-schema-bytes)",
                file.display()
            );
        }
        let blob = git(&dir, &["cat-file", "blob", "--end-of-options", &spec])?;
        if !blob.status.success() {
            anyhow::bail!(
                "git could not read {} at {git_ref}: {}",
                file.display(),
                String::from_utf8_lossy(&blob.stderr).trim()
            );
        }
        schema_text(blob.stdout, &format!("{} at {git_ref}", file.display())).map(Some)
    }
}

/// Runs `git args…` in `dir`.
fn git(dir: &Path, args: &[&str]) -> anyhow::Result<Output> {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .output()
        .context("running git (is it installed and on PATH?)")
}

#[cfg(test)]
mod tests {
    use super::GitRef;

    #[test]
    fn refs_that_could_be_options_or_paths_are_refused() {
        assert!(GitRef::parse("origin/main").is_ok());
        assert!(GitRef::parse("HEAD~1").is_ok());
        for bad in ["", "-n", "--output=x", "main:secret", "a b", "a\nb"] {
            assert!(GitRef::parse(bad).is_err(), "{bad:?}");
        }
    }
}
