//! `--format text`: a header per file, then each incompatibility in plain words: where, what
//! changed, who breaks and a fix, with Confluent's difference type last.

use super::super::output::CheckOutcome;
use super::tally;

/// The outcomes as lines for people.
#[must_use]
pub fn render(outcomes: &[CheckOutcome]) -> String {
    let mut out = String::new();
    for outcome in outcomes {
        let verdict = if outcome.compatible {
            "compatible"
        } else {
            "INCOMPATIBLE"
        };
        let subject = outcome.subject.as_deref().unwrap_or("(no subject)");
        let level = outcome.level.as_deref().unwrap_or("the subject's level");
        out.push_str(&format!(
            "{verdict}: subject {subject}, file {}, {} {level}, against {} ({})\n",
            outcome.file, outcome.schema_type, outcome.compared, outcome.against
        ));
        if let Some(note) = &outcome.note {
            out.push_str(&format!("  note: {note}\n"));
        }
        if let Some(version) = outcome.old_version {
            out.push_str(&format!("  breaks version {version}\n"));
        }
        for finding in outcome.findings() {
            if finding.breaks.is_none() {
                // Only Confluent's message is known (a registry's verdict).
                let at = finding
                    .path
                    .map(|p| format!("at {p}: "))
                    .unwrap_or_default();
                out.push_str(&format!("  - {at}{}\n", finding.message));
                continue;
            }
            let at = match finding.line {
                Some(line) => format!("{}:{line}", outcome.file),
                None => outcome.file.clone(),
            };
            out.push_str(&format!("  - {at}: {}\n", finding.summary));
            out.push_str(&format!(
                "      was: {}  now: {}\n",
                finding.old.unwrap_or("(absent)"),
                finding.new.unwrap_or("(absent)")
            ));
            if let Some(breaks) = finding.breaks {
                out.push_str(&format!("      breaks: {breaks}\n"));
            }
            if let Some(fix) = finding.fix {
                out.push_str(&format!("      fix: {fix}\n"));
            }
            let path = finding.path.map(|p| format!(" at {p}")).unwrap_or_default();
            out.push_str(&format!("      rule: {}{path}\n", finding.kind));
        }
    }
    out.push_str(&tally(outcomes));
    out.push('\n');
    out
}
