//! `{version}` path segments: a number in 1..=2^31-1, `latest`, or `-1`.

use std::fmt;
use std::str::FromStr;

/// A version as a request names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VersionRef {
    /// A concrete version number (1..=i32::MAX).
    Number(i32),
    /// The highest live version (`latest` or `-1`).
    Latest,
}

impl VersionRef {
    /// The number Confluent prints in 40402 messages (`latest` shows as -1).
    #[must_use]
    pub fn as_number(self) -> i32 {
        match self {
            VersionRef::Number(n) => n,
            VersionRef::Latest => -1,
        }
    }
}

impl fmt::Display for VersionRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VersionRef::Number(n) => write!(f, "{n}"),
            VersionRef::Latest => f.write_str("latest"),
        }
    }
}

/// 42202: the segment is not a valid version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "The specified version '{0}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\""
)]
pub struct InvalidVersion(pub String);

impl FromStr for VersionRef {
    type Err = InvalidVersion;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let trimmed = s.trim();
        if trimmed.eq_ignore_ascii_case("latest") {
            return Ok(VersionRef::Latest);
        }
        match trimmed.parse::<i32>() {
            Ok(-1) => Ok(VersionRef::Latest),
            Ok(n) if n >= 1 => Ok(VersionRef::Number(n)),
            _ => Err(InvalidVersion(s.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_numbers_latest_and_minus_one() {
        assert_eq!("1".parse(), Ok(VersionRef::Number(1)));
        assert_eq!("2147483647".parse(), Ok(VersionRef::Number(i32::MAX)));
        assert_eq!("latest".parse(), Ok(VersionRef::Latest));
        assert_eq!(" LATEST ".parse(), Ok(VersionRef::Latest));
        assert_eq!("-1".parse(), Ok(VersionRef::Latest));
    }

    #[test]
    fn rejects_zero_negatives_overflow_and_words() {
        for bad in ["0", "-2", "2147483648", "abc", "1.5", ""] {
            assert!(
                bad.parse::<VersionRef>().is_err(),
                "{bad} should be rejected"
            );
        }
        assert_eq!(
            "abc".parse::<VersionRef>().unwrap_err().to_string(),
            "The specified version 'abc' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\""
        );
    }
}
