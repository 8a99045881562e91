//! `--format junit`: JUnit XML with one test case per schema file; an incompatible file is a
//! failure whose text lists its incompatibilities in plain words.

use std::fmt::Write as _;

use super::super::output::CheckOutcome;

const SUITE: &str = "schema-registry check";

/// The outcomes as a JUnit XML document.
#[must_use]
pub fn render(outcomes: &[CheckOutcome]) -> String {
    let failures = outcomes.iter().filter(|o| !o.compatible).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let counts = format!(
        "tests=\"{}\" failures=\"{failures}\" errors=\"0\"",
        outcomes.len()
    );
    let _ = writeln!(out, "<testsuites name=\"{SUITE}\" {counts}>");
    let _ = writeln!(out, "  <testsuite name=\"{SUITE}\" {counts} skipped=\"0\">");
    for outcome in outcomes {
        let classname = outcome
            .subject
            .as_deref()
            .map_or_else(|| "schemas".to_owned(), str::to_owned);
        let _ = write!(
            out,
            "    <testcase classname=\"{}\" name=\"{}\"",
            escape(&classname),
            escape(&outcome.file)
        );
        if outcome.compatible {
            match &outcome.note {
                Some(note) => {
                    let _ = writeln!(
                        out,
                        ">\n      <system-out>{}</system-out>\n    </testcase>",
                        escape(note)
                    );
                }
                None => out.push_str("/>\n"),
            }
            continue;
        }
        let findings = outcome.findings();
        let against = outcome
            .old_version
            .map(|v| format!(" with version {v}"))
            .unwrap_or_default();
        let message = format!(
            "{} incompatibilit{}{against} ({} {})",
            findings.len(),
            if findings.len() == 1 { "y" } else { "ies" },
            outcome.schema_type,
            outcome.level.as_deref().unwrap_or("the subject's level"),
        );
        let mut body = String::new();
        for finding in &findings {
            let at = finding.line.map(|l| format!(":{l}")).unwrap_or_default();
            let _ = writeln!(
                body,
                "{}{at}: {} [{}]",
                outcome.file,
                finding.sentence(),
                finding.kind
            );
        }
        let _ = writeln!(
            out,
            ">\n      <failure message=\"{}\" type=\"INCOMPATIBLE\">{}</failure>\n    </testcase>",
            escape(&message),
            escape(&body)
        );
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// Text safe in XML content and attribute values: the five entities escaped, and
/// characters XML 1.0 cannot hold replaced by U+FFFD.
#[must_use]
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(
            escape("<a href=\"x\">&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;"
        );
        assert_eq!(escape("a\u{0}b\tc"), "a\u{FFFD}b\tc");
    }
}
