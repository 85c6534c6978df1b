//! RL005 `yaml-alias`: The template uses YAML anchors, aliases or merge keys, which CloudFormation rejects unless packaged.
//!
//! Found by the loader while reading text (see `crate::source`); this rule forwards them.

use super::{Context, Rule, RuleMeta, forward_load_findings};
use crate::diagnostic::{Diagnostic, Level};

pub struct YamlAlias;

static META: RuleMeta = RuleMeta {
    id: "RL005",
    name: "yaml-alias",
    level: Level::Warning,
    summary: "The template uses YAML anchors, aliases or merge keys, which CloudFormation rejects unless packaged",
    docs: include_str!("../../rules/RL005.md"),
};

impl Rule for YamlAlias {
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
        crate::rules::harness::run_fixtures(&super::YamlAlias);
    }
}
