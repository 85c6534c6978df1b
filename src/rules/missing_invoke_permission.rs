//! RL303 `missing-invoke-permission`: no `AWS::Lambda::Permission` lets Secrets Manager invoke the function.

use super::value_fix;
use super::{Check, Rule, TemplateContext};
use crate::catalog::MISSING_INVOKE_PERMISSION as META;
use crate::diagnostic::{Applicability, Diagnostic, Fix};
use crate::fix::Value;
use crate::rotation::permitted_functions;

pub static RULE: Rule = Rule { meta: &META, check: Check::Template(check) };

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    let permitted = permitted_functions(&cx.facts.evaluator);
    let fixer = value_fix::Fixer::new(cx.template, cx.file);
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
            .fix(fix(cx, &fixer, &f.id))
        })
        .collect()
}

/// Unsafe (it adds a resource): an `AWS::Lambda::Permission` for Secrets Manager under a new
/// logical id, after the other resources. None for a function under a `Condition` (the
/// permission would name a resource that may not exist).
fn fix(cx: &TemplateContext<'_>, fixer: &value_fix::Fixer<'_>, function: &str) -> Option<Fix> {
    let resource = cx.template.resource(function)?;
    if resource.condition.is_some() {
        return None;
    }
    let reference = |id: &str| Value::map([("Ref", Value::str(id))]);
    let body = Value::map([
        ("Type", Value::str("AWS::Lambda::Permission")),
        (
            "Properties",
            Value::map([
                ("Action", Value::str("lambda:InvokeFunction")),
                ("FunctionName", reference(function)),
                ("Principal", Value::str("secretsmanager.amazonaws.com")),
                ("SourceAccount", reference("AWS::AccountId")),
            ]),
        ),
    ]);
    let mut id = String::new();
    let added = fixer.fix(String::new(), Applicability::Unsafe, |doc| {
        id = doc.fresh_logical_id(&format!("{function}SecretsManagerPermission"));
        doc.add_resource(&id, &body)
    })?;
    Some(Fix { title: format!("add `{id}`, a Lambda permission for Secrets Manager to invoke `{function}`"), ..added })
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::RULE);
    }
}
