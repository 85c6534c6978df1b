//! RL102 `function-in-public-subnet`: A function subnet sends 0.0.0.0/0 to an internet gateway and no usable endpoint exists.

use super::wording::secrets_manager_blockers_on_function;
use super::{Check, Rule, TemplateContext};
use crate::catalog::FUNCTION_IN_PUBLIC_SUBNET as META;
use crate::diagnostic::Diagnostic;
use crate::network::Blocker;

pub static RULE: Rule = Rule { meta: &META, check: Check::Template(check) };

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    secrets_manager_blockers_on_function(
        cx,
        &META,
        |b| matches!(b, Blocker::PublicSubnet { .. }),
        "put the function in private subnets whose default route goes to a NAT gateway, or add an interface endpoint for secretsmanager with PrivateDnsEnabled: true",
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::RULE);
    }

    /// RL102 is a function-level verdict (JSON `resource` is the function); the route is on the path.
    #[test]
    fn resource_is_the_rotation_function() {
        let resources = crate::rules::harness::resources_of("RL102", "fail/function-in-public-subnet.yaml");
        assert_eq!(resources, ["RotationFunction"]);
    }
}
