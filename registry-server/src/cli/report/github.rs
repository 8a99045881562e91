//! `--format github`: GitHub Actions workflow commands, one `::error` annotation per
//! incompatibility on the schema file and line, a `::notice` for a file new at the git ref.
//!
//! Workflow command values are escaped as the runner expects: `%`, `\r` and `\n` everywhere,
//! and `:` and `,` too inside the `key=value` properties.

use super::super::output::CheckOutcome;
use super::tally;

/// The outcomes as workflow commands, then the tally as a plain line.
#[must_use]
pub fn render(outcomes: &[CheckOutcome]) -> String {
    let mut out = String::new();
    for outcome in outcomes {
        if let Some(note) = &outcome.note {
            out.push_str(&format!(
                "::notice file={},title={}::{}\n",
                property(&outcome.file),
                property("schema-registry check"),
                data(note)
            ));
        }
        for finding in outcome.findings() {
            let title = match finding.name {
                Some(name) => format!("{} ({name})", finding.kind),
                None => finding.kind.to_owned(),
            };
            out.push_str(&format!(
                "::error file={},line={},title={}::{}\n",
                property(&outcome.file),
                finding.line.unwrap_or(1),
                property(&title),
                data(&finding.sentence())
            ));
        }
    }
    out.push_str(&tally(outcomes));
    out.push('\n');
    out
}

/// A command's message.
#[must_use]
pub fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A command's property value.
#[must_use]
pub fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_data_and_properties() {
        assert_eq!(data("50% done\r\nnext: a,b"), "50%25 done%0D%0Anext: a,b");
        assert_eq!(property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
