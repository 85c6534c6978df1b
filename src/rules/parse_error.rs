//! RL001 `parse-error`: The file is not valid YAML or JSON.
//!
//! Found by the loader while reading text (see `crate::source`); this rule forwards them.

use super::{Context, Rule, RuleMeta, forward_load_findings};
use crate::diagnostic::{Diagnostic, Level};

pub struct ParseError;

static META: RuleMeta = RuleMeta {
    id: "RL001",
    name: "parse-error",
    level: Level::Error,
    summary: "The file is not valid YAML or JSON",
    docs: include_str!("../../rules/RL001.md"),
};

impl Rule for ParseError {
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
        crate::rules::harness::run_fixtures(&super::ParseError);
    }
}
