//! RL206 `shared-sg-without-self-rule`: function and target share a custom security group without a self-referencing ingress rule, and something else admits the function today.

use super::wording::{function_path, target_location};
use super::{Check, Rule, TemplateContext};
use crate::catalog::SHARED_SG_WITHOUT_SELF_RULE as META;
use crate::diagnostic::Diagnostic;
use crate::network::SgKey;

pub static RULE: Rule = Rule { meta: &META, check: Check::Template(check) };

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (f, ff) in cx.facts.functions() {
        let (Some(report), Some(target)) = (&ff.target_path, &ff.target) else { continue };
        let Some(fragile) = report.fragile.first() else { continue };
        let Some(group) = cx.facts.network.security_groups.get(&SgKey::Group(fragile.group.clone())) else {
            continue;
        };
        let mut related = function_path(cx.file, f, &fragile.hops);
        related.push(target_location(cx.file, target));
        out.push(
            Diagnostic::new(
                &META,
                cx.file,
                group.meta.key_span,
                format!(
                    "rotation function `{}` and database `{}` share security group `{}`, which has no self-referencing ingress for tcp/{}; the database admits the function today only through another rule",
                    f.id, target.id, fragile.group, fragile.port
                ),
            )
            .resource(&fragile.group)
            .label("shared group without a self-referencing rule")
            .related_all(related)
            .help("add an AWS::EC2::SecurityGroupIngress with SourceSecurityGroupId equal to the group itself for the database port"),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::RULE);
    }
}
