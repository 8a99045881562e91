//! Registry modes: READWRITE, READONLY, READONLY_OVERRIDE, IMPORT and FORWARD.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Mode {
    #[default]
    ReadWrite,
    ReadOnly,
    ReadOnlyOverride,
    Import,
    /// Cluster-link replication target: registers like IMPORT; global scope only.
    Forward,
}

impl Mode {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::ReadWrite => "READWRITE",
            Mode::ReadOnly => "READONLY",
            Mode::ReadOnlyOverride => "READONLY_OVERRIDE",
            Mode::Import => "IMPORT",
            Mode::Forward => "FORWARD",
        }
    }

    /// Modes that refuse writes.
    #[must_use]
    pub fn is_read_only(self) -> bool {
        matches!(self, Mode::ReadOnly | Mode::ReadOnlyOverride)
    }

    /// Modes that take explicit ids and versions and skip checks.
    #[must_use]
    pub fn is_import_like(self) -> bool {
        matches!(self, Mode::Import | Mode::Forward)
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A mode name Confluent does not know (42204).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Invalid mode. Valid values are READWRITE, READONLY, and IMPORT.")]
pub struct InvalidMode;

impl FromStr for Mode {
    type Err = InvalidMode;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_uppercase().as_str() {
            "READWRITE" => Ok(Mode::ReadWrite),
            "READONLY" => Ok(Mode::ReadOnly),
            "READONLY_OVERRIDE" => Ok(Mode::ReadOnlyOverride),
            "IMPORT" => Ok(Mode::Import),
            "FORWARD" => Ok(Mode::Forward),
            _ => Err(InvalidMode),
        }
    }
}
