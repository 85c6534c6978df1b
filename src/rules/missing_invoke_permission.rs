//! RL303 `missing-invoke-permission`: no `AWS::Lambda::Permission` lets Secrets Manager invoke the function.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Level};
use crate::rotation::permitted_functions;

pub struct MissingInvokePermission;

static META: RuleMeta = RuleMeta {
    id: "RL303",
    name: "missing-invoke-permission",
    level: Level::Error,
    summary: "An in-template rotation function has no Lambda permission for secretsmanager.amazonaws.com",
    docs: include_str!("../../rules/RL303.md"),
};

impl Rule for MissingInvokePermission {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let Some(facts) = cx.facts else { return Vec::new() };
        let permitted = permitted_functions(&facts.evaluator);
        facts
            .rotations
            .functions
            .iter()
            .filter(|f| f.is_custom() && !f.schedules.is_empty() && !permitted.contains(&f.id))
            .map(|f| {
                Diagnostic::new(
                    META.id,
                    META.level,
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
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::MissingInvokePermission);
    }
}
