//! RL003 `unresolved-reference`: a `Ref`, `GetAtt`, `DependsOn` or `${}` names nothing.
//!
//! The template model finds these while indexing names (see `crate::template`); this rule
//! forwards them.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Level};

pub struct UnresolvedReference;

static META: RuleMeta = RuleMeta {
    id: "RL003",
    name: "unresolved-reference",
    level: Level::Error,
    summary: "A Ref, GetAtt, DependsOn or ${} names no parameter, resource or pseudo parameter",
    docs: include_str!("../../rules/RL003.md"),
};

impl Rule for UnresolvedReference {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let Some(template) = cx.template else { return Vec::new() };
        template.diagnostics.iter().filter(|d| d.rule == META.id).cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::UnresolvedReference);
    }
}
