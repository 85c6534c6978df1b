//! RL904 `unused-suppression`: a suppression matches no finding, or gives no reason.
//!
//! Produced by the suppression layer (`crate::suppress`) after every other rule has run, because
//! only then is it known which suppressions matched; this entry gives it docs and fixtures.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Level};

pub struct UnusedSuppression;

static META: RuleMeta = RuleMeta {
    id: "RL904",
    name: "unused-suppression",
    level: Level::Warning,
    summary: "A suppression matches no finding",
    docs: include_str!("../../rules/RL904.md"),
};

impl Rule for UnusedSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, _cx: &Context<'_>) -> Vec<Diagnostic> {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::UnusedSuppression);
    }
}
