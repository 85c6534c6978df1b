//! RL002 `duplicate-key`: A mapping repeats a key, which CloudFormation rejects.
//!
//! Found by the loader while reading text (see `crate::source`); this rule forwards them.

use super::{Context, Rule, RuleMeta, forward_load_findings};
use crate::diagnostic::{Diagnostic, Level};

pub struct DuplicateKey;

static META: RuleMeta = RuleMeta {
    id: "RL002",
    name: "duplicate-key",
    level: Level::Error,
    summary: "A mapping repeats a key, which CloudFormation rejects",
    docs: include_str!("../../rules/RL002.md"),
};

impl Rule for DuplicateKey {
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
        crate::rules::harness::run_fixtures(&super::DuplicateKey);
    }
}
