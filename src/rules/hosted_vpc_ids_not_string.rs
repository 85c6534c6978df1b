//! RL305 `hosted-vpc-ids-not-string`: `VpcSubnetIds`/`VpcSecurityGroupIds` must be comma-joined strings.

use super::{Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Level};
use crate::rotation::ROTATION_SCHEDULE;

pub struct HostedVpcIdsNotString;

static META: RuleMeta = RuleMeta {
    id: "RL305",
    name: "hosted-vpc-ids-not-string",
    level: Level::Error,
    summary: "HostedRotationLambda VpcSubnetIds or VpcSecurityGroupIds is a list, not a comma-joined string",
    docs: include_str!("../../rules/RL305.md"),
};

impl Rule for HostedVpcIdsNotString {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Diagnostic> {
        let Some(facts) = cx.facts else { return Vec::new() };
        let mut out = Vec::new();
        for schedule in facts.template.resources_of_type(ROTATION_SCHEDULE) {
            for property in ["VpcSubnetIds", "VpcSecurityGroupIds"] {
                let path = format!("HostedRotationLambda.{property}");
                let Some(value) = facts.evaluator.property(schedule, &path) else { continue };
                if value.as_list().is_none() {
                    continue;
                }
                out.push(
                    Diagnostic::new(
                        META.id,
                        META.level,
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
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::HostedVpcIdsNotString);
    }
}
