//! RL105 `endpoint-private-dns-off`: The function relies on a Secrets Manager endpoint whose private DNS is off.

use super::value_fix::ValueFix;
use super::wording::secrets_manager_blockers;
use super::{Check, Rule, TemplateContext};
use crate::catalog::ENDPOINT_PRIVATE_DNS_OFF as META;
use crate::diagnostic::Diagnostic;
use crate::network::Blocker;

pub static RULE: Rule = Rule { meta: &META, check: Check::Template(check) };

/// A written `false` becomes `true` (unquoted: a boolean).
pub(super) static FIX: ValueFix = ValueFix {
    key: "PrivateDnsEnabled",
    from: &["false", "False", "FALSE"],
    to: "true",
    keep_quotes: false,
    title: "set `PrivateDnsEnabled: true`",
};

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    let found = secrets_manager_blockers(
        cx,
        &META,
        |b| matches!(b, Blocker::PrivateDnsOff(_)),
        "set `PrivateDnsEnabled: true` on the endpoint, or point SECRETS_MANAGER_ENDPOINT at the endpoint's own DNS name",
    );
    // Each finding sits on the endpoint's `PrivateDnsEnabled` value, or on its key when omitted.
    found
        .into_iter()
        .map(|d| {
            let fix = d.primary.resource.as_deref().and_then(|e| FIX.at(cx.template, cx.file, e, d.primary.span));
            d.fix(fix)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::RULE);
    }
}
