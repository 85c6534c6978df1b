//! RL003 `unresolved-reference`: a `Ref`, `GetAtt`, `DependsOn` or `${}` names nothing.
//!
//! The template model finds these while indexing names (see `crate::template`); this rule
//! forwards them.

use super::{Check, Context, Rule, forward_load_findings};
use crate::catalog::UNRESOLVED_REFERENCE as META;
use crate::diagnostic::Diagnostic;

pub static RULE: Rule = Rule { meta: &META, check: Check::File(check) };

fn check(cx: &Context<'_>) -> Vec<Diagnostic> {
    forward_load_findings(cx, &META)
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::RULE);
    }
}
