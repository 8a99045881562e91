//! `check`'s renderers for people and CI systems: plain text, GitHub Actions annotations,
//! JUnit XML and SARIF. Each is deterministic (outcomes in the order checked, no times).

pub mod github;
pub mod junit;
pub mod sarif;
pub mod text;

use super::output::CheckOutcome;

/// The closing line every text-like rendering ends with.
#[must_use]
pub fn tally(outcomes: &[CheckOutcome]) -> String {
    let incompatible = outcomes.iter().filter(|o| !o.compatible).count();
    format!(
        "checked {} schema file(s): {} compatible, {incompatible} incompatible",
        outcomes.len(),
        outcomes.len() - incompatible
    )
}
