//! RL904 `unused-suppression`: a suppression matches no finding, or gives no reason.
//!
//! Produced by the suppression layer (`crate::suppress`) after every other rule has run, because
//! only then is it known which suppressions matched; this entry gives it docs and fixtures.

use super::{Check, Rule};
use crate::catalog::UNUSED_SUPPRESSION as META;

pub static RULE: Rule = Rule { meta: &META, check: Check::Elsewhere };

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::RULE);
    }
}
