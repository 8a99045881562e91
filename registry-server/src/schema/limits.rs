//! Bounds on the work one schema can cause: how deep a walk over it may nest (parsing,
//! `$ref` chains, canonical form, compatibility) and how many steps a compatibility check
//! may take, so that no request overflows a thread's stack or burns unbounded CPU.
//!
//! Every engine walk over request data counts its nesting against [`SchemaLimits::max_depth`];
//! the compatibility engines charge a [`WorkBudget`] per pair of nodes compared and refuse a
//! combined schema (`allOf`/`anyOf`/`oneOf`) whose pairwise matching would be too large.

use std::time::{Duration, Instant};

/// Default deepest nesting of any walk over a schema. Real schemas nest a few dozen levels;
/// 256 levels of the deepest walk fit comfortably in a 2 MiB thread stack (tokio's worker
/// and blocking threads), which `tests/hostile_schemas/` checks on such a thread.
pub const DEFAULT_MAX_DEPTH: usize = 256;

/// Default step budget of one compatibility check: one step per pair of nodes compared, plus
/// one per property, required name, enum symbol or record field walked. Comparing two
/// versions of a large real schema takes thousands of steps; at the slowest step measured
/// (a few microseconds) this is about a second of CPU.
pub const DEFAULT_MAX_CHECK_STEPS: u64 = 250_000;

/// Default largest branch-pair matrix of one `allOf`/`anyOf`/`oneOf` comparison (200 × 200
/// branches). Every pair is compared before the matching, so this caps that work up front.
pub const DEFAULT_MAX_COMBINED_PAIRS: u64 = 40_000;

/// Steps between two looks at the clock when a check has a time limit.
const CLOCK_EVERY: u64 = 1024;

/// The configurable bounds (see the module docs); [`Default`] is safe for any input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchemaLimits {
    /// Deepest nesting of a schema walk, `$ref` hops included.
    pub max_depth: usize,
    /// Most steps of one compatibility check (one check of a new schema against one
    /// previous version in one direction).
    pub max_check_steps: u64,
    /// Largest `branches(old) × branches(new)` of one combined-schema comparison.
    pub max_combined_pairs: u64,
    /// Wall-clock limit of one compatibility check, if any (checked every few steps).
    pub max_check_time: Option<Duration>,
}

impl Default for SchemaLimits {
    fn default() -> Self {
        SchemaLimits {
            max_depth: DEFAULT_MAX_DEPTH,
            max_check_steps: DEFAULT_MAX_CHECK_STEPS,
            max_combined_pairs: DEFAULT_MAX_COMBINED_PAIRS,
            max_check_time: None,
        }
    }
}

/// Why a compatibility check gave up before reaching a verdict.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckAborted {
    /// More steps than [`SchemaLimits::max_check_steps`].
    #[error("compatibility check exceeded its work budget of {0} steps")]
    Steps(u64),
    /// Longer than [`SchemaLimits::max_check_time`].
    #[error("compatibility check exceeded its time budget of {0} ms")]
    Time(u128),
    /// One combined schema pairs more branches than [`SchemaLimits::max_combined_pairs`].
    #[error(
        "compatibility check of a combined schema would compare {pairs} pairs of subschemas, more than the limit of {limit}"
    )]
    CombinedPairs { pairs: u64, limit: u64 },
    /// The compared schemas nest deeper than [`SchemaLimits::max_depth`].
    #[error("compatibility check nests deeper than {0} levels")]
    Depth(usize),
}

impl CheckAborted {
    /// The text for an API error body: the log text, capitalized as Confluent's are.
    #[must_use]
    pub fn message(&self) -> String {
        let text = self.to_string();
        let mut chars = text.chars();
        match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => text,
        }
    }
}

/// A step counter with an optional deadline, charged by the heavy loops of a check.
#[derive(Debug, Clone)]
pub struct WorkBudget {
    used: u64,
    max: u64,
    deadline: Option<(Instant, Duration)>,
    next_clock: u64,
}

impl WorkBudget {
    /// A fresh budget for one check under `limits` (the clock starts now).
    #[must_use]
    pub fn new(limits: &SchemaLimits) -> Self {
        WorkBudget {
            used: 0,
            max: limits.max_check_steps,
            deadline: limits.max_check_time.map(|d| (Instant::now() + d, d)),
            next_clock: CLOCK_EVERY,
        }
    }

    /// Steps charged so far.
    #[must_use]
    pub fn used(&self) -> u64 {
        self.used
    }

    /// Charges `steps`.
    ///
    /// # Errors
    /// [`CheckAborted::Steps`] past the step budget, [`CheckAborted::Time`] past the deadline.
    pub fn charge(&mut self, steps: u64) -> Result<(), CheckAborted> {
        self.used = self.used.saturating_add(steps);
        if self.used > self.max {
            return Err(CheckAborted::Steps(self.max));
        }
        if let Some((deadline, limit)) = self.deadline
            && self.used >= self.next_clock
        {
            self.next_clock = self.used.saturating_add(CLOCK_EVERY);
            if Instant::now() >= deadline {
                return Err(CheckAborted::Time(limit.as_millis()));
            }
        }
        Ok(())
    }
}

/// The parse error for a walk that nested past `max_depth` (`what` names the walk).
#[must_use]
pub(crate) fn too_deep(what: &str, max_depth: usize) -> String {
    format!("{what} deeper than {max_depth} levels")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_refuses_the_step_past_its_limit() {
        let limits = SchemaLimits {
            max_check_steps: 10,
            ..SchemaLimits::default()
        };
        let mut budget = WorkBudget::new(&limits);
        assert_eq!(budget.charge(10), Ok(()));
        assert_eq!(budget.charge(1), Err(CheckAborted::Steps(10)));
    }

    #[test]
    fn budget_refuses_after_its_deadline() {
        let limits = SchemaLimits {
            max_check_time: Some(Duration::ZERO),
            ..SchemaLimits::default()
        };
        let mut budget = WorkBudget::new(&limits);
        let mut result = Ok(());
        for _ in 0..=CLOCK_EVERY {
            result = budget.charge(1);
            if result.is_err() {
                break;
            }
        }
        assert_eq!(result, Err(CheckAborted::Time(0)));
    }

    #[test]
    fn messages_are_lowercase_in_logs_and_capitalized_for_clients() {
        let aborted = CheckAborted::Steps(5);
        assert_eq!(
            aborted.to_string(),
            "compatibility check exceeded its work budget of 5 steps"
        );
        assert_eq!(
            aborted.message(),
            "Compatibility check exceeded its work budget of 5 steps"
        );
    }
}
