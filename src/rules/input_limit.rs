//! RL004 `input-limit`: A safety limit was hit: file size, nesting depth or alias expansion.
//!
//! Found by the loader while reading text (see `crate::source`); this rule forwards them.

use super::{Context, Rule, RuleMeta, forward_load_findings};
use crate::diagnostic::{Diagnostic, Level};

pub struct InputLimit;

static META: RuleMeta = RuleMeta {
    id: "RL004",
    name: "input-limit",
    level: Level::Error,
    summary: "A safety limit was hit: file size, nesting depth or alias expansion",
    docs: include_str!("../../rules/RL004.md"),
};

impl Rule for InputLimit {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        forward_load_findings(cx, META.id)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::InputLimit);
    }
}
