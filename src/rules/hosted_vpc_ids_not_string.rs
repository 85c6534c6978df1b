//! RL305 `hosted-vpc-ids-not-string`: `VpcSubnetIds`/`VpcSecurityGroupIds` must be comma-joined strings.

use super::{Check, Rule, TemplateContext};
use crate::catalog::HOSTED_VPC_IDS_NOT_STRING as META;
use crate::diagnostic::Diagnostic;
use crate::rotation::ROTATION_SCHEDULE;

pub static RULE: Rule = Rule { meta: &META, check: Check::Template(check) };

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for schedule in cx.facts.template.resources_of_type(ROTATION_SCHEDULE) {
        for property in ["VpcSubnetIds", "VpcSecurityGroupIds"] {
            let path = format!("HostedRotationLambda.{property}");
            let Some(value) = cx.facts.evaluator.property(schedule, &path) else { continue };
            if value.as_list().is_none() {
                continue;
            }
            out.push(
                Diagnostic::new(
                    &META,
                    cx.file,
                    value.span,
                    format!(
                        "`{}` gives `{property}` as a list; the transform expects one comma-separated string",
                        schedule.logical_id
                    ),
                )
                .resource(&schedule.logical_id)
                .label("a list, not a string")
                .help(format!("write `{property}: !Join [\",\", [...]]`")),
            );
        }
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
