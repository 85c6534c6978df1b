//! RL303 `missing-invoke-permission`: no `AWS::Lambda::Permission` lets Secrets Manager invoke the function.

use super::{Check, Rule, TemplateContext};
use crate::catalog::MISSING_INVOKE_PERMISSION as META;
use crate::diagnostic::Diagnostic;
use crate::rotation::permitted_functions;

pub static RULE: Rule = Rule { meta: &META, check: Check::Template(check) };

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    let permitted = permitted_functions(&cx.facts.evaluator);
    cx.facts
        .rotations
        .functions
        .iter()
        .filter(|f| f.is_custom() && !f.schedules.is_empty() && !permitted.contains(&f.id))
        .map(|f| {
            Diagnostic::new(
                &META,
                cx.file,
                f.key_span,
                format!(
                    "rotation function `{}` has no `AWS::Lambda::Permission` for `secretsmanager.amazonaws.com`; configuring rotation fails with access denied",
                    f.id
                ),
            )
            .resource(&f.id)
            .label("Secrets Manager cannot invoke this function")
            .help("add an AWS::Lambda::Permission with Action lambda:InvokeFunction, Principal secretsmanager.amazonaws.com and SourceAccount !Ref AWS::AccountId")
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
