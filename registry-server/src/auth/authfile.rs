//! The loaded authfile: credentials and rules by user name, from either accepted format.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use super::password::{Credential, CredentialError};
use super::pattern::PatternError;
use super::permission::{Principal, Rule};

/// Largest authfile (or JWKS file) read, in bytes.
pub(crate) const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Why an authfile cannot be used. Its text says where (line, or the entry and field).
#[derive(Debug, thiserror::Error)]
pub enum AuthFileError {
    #[error("reading {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is larger than {MAX_FILE_BYTES} bytes")]
    TooLarge { path: String },
    #[error("not UTF-8 text")]
    NotUtf8,
    #[error("Karapace JSON authfile: {0}")]
    Json(#[source] serde_json::Error),
    #[error("TOML authfile: {0}")]
    Toml(#[source] toml::de::Error),
    #[error("{at}: {problem}")]
    Entry { at: String, problem: EntryProblem },
}

/// What is wrong with one entry of the file.
#[derive(Debug, thiserror::Error)]
pub enum EntryProblem {
    #[error("unknown algorithm {0:?} (use sha1, sha256, sha512 or scrypt)")]
    Algorithm(String),
    #[error("unknown operation {0:?} (use Read or Write)")]
    Operation(String),
    #[error(transparent)]
    Credential(#[from] CredentialError),
    #[error(transparent)]
    Pattern(#[from] PatternError),
    #[error("give exactly one of prefix, regex or config = true")]
    Selector,
    #[error("user {0:?} appears twice")]
    DuplicateUser(String),
}

/// Which of the two formats a file is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// Karapace's `registry_authfile` JSON.
    Karapace,
    /// Our TOML form (argon2id, prefixes).
    Native,
}

impl Format {
    /// By extension when it says, else by content: a JSON object is Karapace's.
    pub(crate) fn detect(text: &str, path: Option<&Path>) -> Self {
        match path.and_then(Path::extension).and_then(|e| e.to_str()) {
            Some(ext) if ext.eq_ignore_ascii_case("json") => return Self::Karapace,
            Some(ext) if ext.eq_ignore_ascii_case("toml") => return Self::Native,
            _ => {}
        }
        if text
            .trim_start_matches('\u{feff}')
            .trim_start()
            .starts_with('{')
        {
            Self::Karapace
        } else {
            Self::Native
        }
    }
}

/// Users and their rules, immutable once built; a reload builds a new one.
#[derive(Debug, Default)]
pub(crate) struct AuthData {
    credentials: HashMap<Box<str>, Credential>,
    rules: HashMap<Arc<str>, Arc<[Rule]>>,
    decoy: Option<Credential>,
}

impl AuthData {
    /// Parses an authfile's bytes; `path` only helps tell the format.
    pub(crate) fn parse(bytes: &[u8], path: Option<&Path>) -> Result<Self, AuthFileError> {
        let text = std::str::from_utf8(bytes).map_err(|_| AuthFileError::NotUtf8)?;
        let text = text.trim_start_matches('\u{feff}');
        match Format::detect(text, path) {
            Format::Karapace => super::karapace::parse(text),
            Format::Native => super::native::parse(text),
        }
    }

    pub(crate) fn credential(&self, username: &str) -> Option<&Credential> {
        self.credentials.get(username)
    }

    /// What to check a password against when the user name is unknown (see [`Credential::decoy`]).
    pub(crate) fn decoy(&self) -> Option<&Credential> {
        self.decoy.as_ref()
    }

    /// The principal of that name: the rules the file gives it, or none.
    pub(crate) fn principal(&self, name: &str) -> Principal {
        match self.rules.get_key_value(name) {
            Some((name, rules)) => Principal::new(name.clone(), rules.clone()),
            None => Principal::new(Arc::from(name), Arc::from(Vec::new())),
        }
    }

    pub(crate) fn user_count(&self) -> usize {
        self.credentials.len()
    }

    pub(crate) fn rule_count(&self) -> usize {
        self.rules.values().map(|r| r.len()).sum()
    }
}

/// Collects entries of either format into an [`AuthData`].
#[derive(Default)]
pub(crate) struct Builder {
    credentials: HashMap<Box<str>, Credential>,
    rules: HashMap<Arc<str>, Vec<Rule>>,
}

impl Builder {
    /// Adds a user; answers whether the name was already there (the new entry wins).
    pub(crate) fn user(&mut self, username: &str, credential: Credential) -> bool {
        self.credentials
            .insert(username.into(), credential)
            .is_some()
    }

    pub(crate) fn rule(&mut self, username: &str, rule: Rule) {
        self.rules
            .entry(Arc::from(username))
            .or_default()
            .push(rule);
    }

    pub(crate) fn build(self) -> AuthData {
        // The decoy costs what most users' hashes cost, so timing cannot single out a name.
        let mut classes: HashMap<_, (usize, &Credential)> = HashMap::new();
        for credential in self.credentials.values() {
            classes
                .entry(credential.cost_class())
                .or_insert((0, credential))
                .0 += 1;
        }
        let decoy = classes
            .values()
            .max_by_key(|(count, credential)| (*count, credential.cost_class()))
            .map(|(_, credential)| credential.decoy());
        AuthData {
            credentials: self.credentials,
            rules: self
                .rules
                .into_iter()
                .map(|(name, rules)| (name, rules.into()))
                .collect(),
            decoy,
        }
    }
}

pub(crate) fn entry_error(at: String, problem: impl Into<EntryProblem>) -> AuthFileError {
    AuthFileError::Entry {
        at,
        problem: problem.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_follows_the_extension_then_the_content() {
        let json = Some(Path::new("/etc/sr/auth.json"));
        let toml = Some(Path::new("/etc/sr/auth.TOML"));
        assert_eq!(Format::detect("[[users]]", json), Format::Karapace);
        assert_eq!(Format::detect("{}", toml), Format::Native);
        assert_eq!(
            Format::detect("\n  {\"users\": []}", None),
            Format::Karapace
        );
        assert_eq!(
            Format::detect("[[users]]", Some(Path::new("authfile"))),
            Format::Native
        );
    }

    #[test]
    fn unknown_names_get_a_principal_with_no_rules() {
        let data = Builder::default().build();
        let p = data.principal("nobody");
        assert_eq!(p.name(), "nobody");
        assert!(!p.may(
            super::super::Operation::Read,
            super::super::Resource::Config
        ));
        assert!(data.decoy().is_none());
    }
}
