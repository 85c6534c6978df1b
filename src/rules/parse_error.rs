//! RL001 `parse-error`: The file is not valid YAML or JSON.
//!
//! Found by the loader while reading text (see `crate::source`); this rule forwards them.

use super::{Check, Context, Rule, forward_load_findings};
use crate::catalog::PARSE_ERROR as META;
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
