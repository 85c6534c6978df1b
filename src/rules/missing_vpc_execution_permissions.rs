//! RL306 `missing-vpc-execution-permissions`: a VPC function whose role cannot create its ENIs.

use super::value_fix;
use super::{Check, Rule, TemplateContext};
use crate::catalog::MISSING_VPC_EXECUTION_PERMISSIONS as META;
use crate::diagnostic::{Applicability, Diagnostic, Fix, Location};
use crate::facts::Facts;
use crate::fix::{Step, Value as FixValue};
use crate::iam;
use crate::rotation::{FunctionKind, RotationFunction};
use crate::template::{Value, ValueKind};

pub static RULE: Rule = Rule { meta: &META, check: Check::Template(check) };

/// Managed policies that grant the ENI actions Lambda needs in a VPC (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html).
const VPC_POLICIES: &[&str] = &["AWSLambdaVPCAccessExecutionRole", "AWSLambdaENIManagementAccess"];
const ENI_ACTION: &str = "ec2:CreateNetworkInterface";

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    let fixer = value_fix::Fixer::new(cx.template, cx.file);
    cx.facts
        .rotations
        .functions
        .iter()
        .filter(|f| f.in_vpc() && f.is_custom())
        .filter_map(|f| finding(cx, &fixer, f))
        .collect()
}

fn finding(cx: &TemplateContext<'_>, fixer: &value_fix::Fixer<'_>, f: &RotationFunction) -> Option<Diagnostic> {
    let facts = cx.facts;
    let res = facts.template.resource(&f.id)?;
    // SAM generates a role with the VPC policy when none is given (`VpcConfig` of https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-function.html).
    let role_value = facts.evaluator.property(res, "Role").filter(|v| !v.is_no_value());
    if role_value.is_none() && f.kind == FunctionKind::Serverless {
        return None;
    }
    let role_value = role_value?;
    let role_id = match &role_value.kind {
        ValueKind::GetAtt { resource, .. } | ValueKind::Ref(resource) => resource.clone(),
        // A role from outside the template: its policies cannot be seen, so say nothing.
        _ => return None,
    };
    let role = facts.template.resource(&role_id).filter(|r| r.type_name == "AWS::IAM::Role")?;
    let explicit = match role_eni_decision(facts, &role_id)? {
        iam::Decision::Denied { explicit } => explicit,
        iam::Decision::Allowed | iam::Decision::Unknown => return None,
    };
    let detail = if explicit {
        format!("denies `{ENI_ACTION}` in a Deny statement, which overrides any Allow")
    } else {
        format!("lacks `{ENI_ACTION}` (AWSLambdaVPCAccessExecutionRole)")
    };
    Some(
        Diagnostic::new(
            &META,
            cx.file,
            role_value.span,
            format!(
                "rotation function `{}` runs in a VPC but its role `{role_id}` {detail}",
                f.id
            ),
        )
        .resource(&f.id)
        .label("this role cannot create the function's network interfaces")
        .related(Location {
            file: cx.file,
            span: role.key_span,
            resource: Some(role_id.clone()),
            message: "role without ENI permissions".to_owned(),
        })
        .help("add `arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole` to the role's ManagedPolicyArns")
        .fix(if explicit { None } else { fix(cx, fixer, &role_id) }),
    )
}

/// What the role's policies in this template (managed, inline, attached) decide for the ENI action:
/// an explicit `Deny` wins, an `Allow` is needed, a policy that cannot be read or a condition
/// leaves it unknown. `None` when the role is not in the template.
/// The managed policy that grants the ENI actions, as the role's `ManagedPolicyArns` item.
const VPC_POLICY_ARN: &str = "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole";

/// Unsafe (it grants the role more): add the VPC execution policy to the role's
/// `ManagedPolicyArns`, creating the list when there is none. A role that denies the action
/// explicitly gets no fix: an Allow would not override the Deny.
fn fix(cx: &TemplateContext<'_>, fixer: &value_fix::Fixer<'_>, role: &str) -> Option<Fix> {
    let arn = FixValue::map([("Fn::Sub", FixValue::str(VPC_POLICY_ARN))]);
    let title = format!("add the AWSLambdaVPCAccessExecutionRole managed policy to role `{role}`");
    let properties = cx.template.resource(role)?.properties;
    let listed = properties.is_some_and(|p| cx.template.tree.get_pair(p, "ManagedPolicyArns").is_some());
    fixer.fix(title, Applicability::Unsafe, |doc| {
        if listed {
            doc.add_item(
                &[Step::Key("Resources"), Step::Key(role), Step::Key("Properties"), Step::Key("ManagedPolicyArns")],
                &arn,
            )
        } else {
            value_fix::set_property(cx.template, doc, role, "ManagedPolicyArns", &FixValue::Seq(vec![arn.clone()]))
        }
    })
}

fn role_eni_decision(facts: &Facts<'_>, role_id: &str) -> Option<iam::Decision> {
    let template = facts.template;
    let ev = &facts.evaluator;
    let policies = iam::role::role_policies(ev, role_id)?;
    let request = iam::Request { action: ENI_ACTION, resource: None, caller: iam::Caller::Identity };
    let document = |d: &Value| iam::Policy::parse(d).evaluate(&request);
    let mut all = iam::Evaluation::NOTHING;
    for arn in &policies.managed {
        let text = arn.display();
        if VPC_POLICIES.iter().any(|p| text.contains(p)) {
            all = all.and(iam::Evaluation::ALLOWS);
            continue;
        }
        match &arn.kind {
            ValueKind::Ref(id) if template.resource(id).is_some() => {
                let policy = template.resource(id)?;
                if let Some(d) = ev.property(policy, "PolicyDocument") {
                    all = all.and(document(&d));
                }
            }
            // A literal ARN of another policy: read as granting nothing (most are AWS managed
            // policies for logs, X-Ray or other services).
            ValueKind::Str(_) | ValueKind::Concat(_) => {}
            _ => all = all.and(iam::Evaluation::UNKNOWN),
        }
    }
    for policy in &policies.inline {
        if let Some(d) = policy.get("PolicyDocument") {
            all = all.and(document(d));
        }
    }
    // Standalone policies attached to the role.
    for policy in policies.attached {
        if let Some(d) = ev.property(policy, "PolicyDocument") {
            all = all.and(document(&d));
        }
    }
    Some(all.decision())
}

#[cfg(test)]
mod tests {
    use crate::template::glob::glob as action_matches;

    #[test]
    fn fixtures() {
        crate::rules::harness::run_fixtures(&super::RULE);
    }

    #[test]
    fn action_globs() {
        assert!(action_matches("ec2:*", "ec2:CreateNetworkInterface"));
        assert!(action_matches("*", "ec2:CreateNetworkInterface"));
        assert!(action_matches("EC2:Create*Interface", "ec2:CreateNetworkInterface"));
        assert!(!action_matches("ec2:Describe*", "ec2:CreateNetworkInterface"));
        assert!(!action_matches("secretsmanager:*", "ec2:CreateNetworkInterface"));
    }
}
