//! RL504 `task-execution-role-missing-permissions`: the task execution role of a Fargate task
//! cannot do what the task needs before its containers start: pull its ECR image, read the
//! secrets its containers reference, decrypt them with a customer key, create its log stream.
//!
//! The ECS and Fargate agents make those calls with the task execution role
//! (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html).
//! The role's policies in the template are read with the IAM evaluator: an explicit `Deny` wins,
//! an `Allow` is needed; what the template cannot decide (a condition, a symbolic element, a
//! managed policy rotlint does not know) is skipped, never reported.

use super::{Check, Rule, TemplateContext};
use crate::catalog::TASK_EXECUTION_ROLE_MISSING_PERMISSIONS as META;
use crate::diagnostic::{Diagnostic, Location};
use crate::facts::Facts;
use crate::iam;
use crate::template::glob::glob;
use crate::template::{Value, ValueKind};
use crate::workload::ecs::{Image, Store, TaskFacts};

pub static RULE: Rule = Rule { meta: &META, check: Check::Template(check) };

/// The pull actions for a private ECR image: "the Amazon ECS, or Fargate, container agent must have
/// permissions to make the ecr:BatchGetImage, ecr:GetDownloadUrlForLayer, and
/// ecr:GetAuthorizationToken APIs" (https://docs.aws.amazon.com/AmazonECR/latest/userguide/ECR_on_ECS.html).
/// `ecr:BatchCheckLayerAvailability`, also in the managed execution role policy, is a push action.
const ECR_ACTIONS: &[&str] = &["ecr:GetAuthorizationToken", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"];
/// The `awslogs` driver's calls (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html).
const LOG_ACTIONS: &[&str] = &["logs:CreateLogStream", "logs:PutLogEvents"];
/// Secrets (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html,
/// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-ssm-paramstore.html).
const SECRET_ACTION: &str = "secretsmanager:GetSecretValue";
const PARAMETER_ACTION: &str = "ssm:GetParameters";
const KMS_ACTION: &str = "kms:Decrypt";

/// AWS managed policies and the actions (globs) they allow on every resource, read from their
/// pages in the AWS Managed Policy Reference Guide
/// (`https://docs.aws.amazon.com/aws-managed-policy/latest/reference/<Name>.html`). A managed
/// policy not listed here is unknown: what it allows is not guessed.
const MANAGED: &[(&str, &[&str])] = &[
    ("AdministratorAccess", &["*"]),
    ("AmazonEC2ContainerRegistryFullAccess", &["ecr:*"]),
    (
        "AmazonEC2ContainerRegistryPowerUser",
        &[
            "ecr:GetAuthorizationToken",
            "ecr:BatchCheckLayerAvailability",
            "ecr:GetDownloadUrlForLayer",
            "ecr:BatchGetImage",
        ],
    ),
    (
        "AmazonEC2ContainerRegistryPullOnly",
        &["ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
    ),
    (
        "AmazonEC2ContainerRegistryReadOnly",
        &[
            "ecr:GetAuthorizationToken",
            "ecr:BatchCheckLayerAvailability",
            "ecr:GetDownloadUrlForLayer",
            "ecr:BatchGetImage",
        ],
    ),
    (
        "AmazonECSTaskExecutionRolePolicy",
        &[
            "ecr:GetAuthorizationToken",
            "ecr:BatchCheckLayerAvailability",
            "ecr:GetDownloadUrlForLayer",
            "ecr:BatchGetImage",
            "logs:CreateLogStream",
            "logs:PutLogEvents",
        ],
    ),
    ("AmazonSSMFullAccess", &["ssm:*"]),
    ("AmazonSSMReadOnlyAccess", &["ssm:Describe*", "ssm:Get*", "ssm:List*"]),
    ("CloudWatchLogsFullAccess", &["logs:*"]),
    ("SecretsManagerReadWrite", &["secretsmanager:*"]),
];

fn check(cx: &TemplateContext<'_>) -> Vec<Diagnostic> {
    cx.facts.tasks.iter().filter_map(|tf| finding(cx, tf)).collect()
}

/// One thing the execution role must be allowed, and why.
struct Need {
    action: &'static str,
    why: String,
}

fn needs(facts: &Facts<'_>, tf: &TaskFacts) -> Vec<Need> {
    let containers = &tf.task.containers;
    let mut out = Vec::new();
    let mut push = |action: &'static str, why: String| {
        if !out.iter().any(|n: &Need| n.action == action) {
            out.push(Need { action, why });
        }
    };
    if let Some(c) = containers.iter().find(|c| matches!(c.image, Some((Image::Ecr, _)))) {
        for action in ECR_ACTIONS {
            push(action, format!("container `{}` pulls an ECR image", c.name));
        }
    }
    for c in containers {
        for (store, value) in &c.secrets {
            let action = match store {
                Store::SecretsManager => SECRET_ACTION,
                Store::ParameterStore => PARAMETER_ACTION,
            };
            let name = match &value.kind {
                ValueKind::Ref(id) => id.clone(),
                _ => value.display(),
            };
            push(action, format!("container `{}` references `{name}`", c.name));
        }
    }
    for c in containers {
        for (store, value) in &c.secrets {
            if *store != Store::SecretsManager {
                continue;
            }
            if let Some((secret, key)) = customer_key(facts, value) {
                push(KMS_ACTION, format!("secret `{secret}` is encrypted with the customer key `{key}`"));
            }
        }
    }
    if let Some(c) = containers.iter().find(|c| c.awslogs.is_some()) {
        for action in LOG_ACTIONS {
            push(action, format!("container `{}` logs with awslogs", c.name));
        }
    }
    out
}

/// The template's secret a `ValueFrom` names and the template's KMS key it is encrypted with.
fn customer_key(facts: &Facts<'_>, value: &Value) -> Option<(String, String)> {
    let ValueKind::Ref(secret) = &value.kind else { return None };
    let res = facts.template.resource(secret).filter(|r| r.type_name == "AWS::SecretsManager::Secret")?;
    let key = facts.evaluator.property(res, "KmsKeyId")?;
    let key_id = match &key.kind {
        ValueKind::Ref(id) | ValueKind::GetAtt { resource: id, .. } => id.clone(),
        _ => return None,
    };
    facts.template.resource(&key_id).filter(|r| r.type_name == "AWS::KMS::Key")?;
    Some((secret.clone(), key_id))
}

fn finding(cx: &TemplateContext<'_>, tf: &TaskFacts) -> Option<Diagnostic> {
    let facts = cx.facts;
    let def_id = tf.task.task_definition.as_ref()?;
    let def = facts.template.resource(def_id)?;
    let needs = needs(facts, tf);
    if needs.is_empty() {
        return None;
    }
    let task = super::task_needs::task_name(tf);
    let role_value = facts.evaluator.property(def, "ExecutionRoleArn").filter(|v| !v.is_no_value());
    let Some(role_value) = role_value else {
        let whys: Vec<&str> = dedup(needs.iter().map(|n| n.why.as_str()));
        return Some(
            Diagnostic::new(
                &META,
                cx.file,
                def.key_span,
                format!(
                    "{task} has no task execution role (`ExecutionRoleArn`) but needs one: {}",
                    whys.join("; ")
                ),
            )
            .resource(&tf.task.id)
            .label("this task definition has no ExecutionRoleArn")
            .related(launcher(cx, tf))
            .help("set `ExecutionRoleArn` to a role that trusts ecs-tasks.amazonaws.com with the AmazonECSTaskExecutionRolePolicy managed policy (and read access to the task's secrets)"),
        );
    };
    let role_id = match &role_value.kind {
        ValueKind::GetAtt { resource, .. } | ValueKind::Ref(resource) => resource.clone(),
        // A role from outside the template: its policies cannot be seen.
        _ => return None,
    };
    let role = facts.template.resource(&role_id).filter(|r| r.type_name == "AWS::IAM::Role")?;
    let mut missing = Vec::new();
    for need in &needs {
        if need.action == KMS_ACTION && key_policy_names_role(cx, tf, &role_id) {
            continue;
        }
        if let Some(iam::Decision::Denied { explicit }) = decide(facts, &role_id, need.action) {
            missing.push((need, explicit));
        }
    }
    if missing.is_empty() {
        return None;
    }
    // One clause per reason and verb: "lacks `a`, `b` (why)".
    let mut groups: Vec<(bool, &str, Vec<&str>)> = Vec::new();
    for (need, explicit) in &missing {
        match groups.iter_mut().find(|(e, why, _)| e == explicit && *why == need.why) {
            Some((_, _, actions)) => actions.push(need.action),
            None => groups.push((*explicit, &need.why, vec![need.action])),
        }
    }
    let parts: Vec<String> = groups
        .iter()
        .map(|(explicit, why, actions)| {
            let verb = if *explicit { "denies" } else { "lacks" };
            let actions: Vec<String> = actions.iter().map(|a| format!("`{a}`")).collect();
            format!("{verb} {} ({why})", actions.join(", "))
        })
        .collect();
    Some(
        Diagnostic::new(
            &META,
            cx.file,
            role_value.span,
            format!("the task execution role `{role_id}` of {task} {}", parts.join("; ")),
        )
        .resource(&tf.task.id)
        .label("this role cannot start the task")
        .related_all(vec![
            launcher(cx, tf),
            Location {
                file: cx.file,
                span: role.key_span,
                resource: Some(role_id.clone()),
                message: "task execution role without the permissions".to_owned(),
            },
        ])
        .help("attach `arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy` (ECR pull and awslogs) and allow `secretsmanager:GetSecretValue`, `ssm:GetParameters` and `kms:Decrypt` on the task's secrets, without a Deny that overrides them"),
    )
}

fn dedup<'a>(items: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

fn launcher(cx: &TemplateContext<'_>, tf: &TaskFacts) -> Location {
    Location {
        file: cx.file,
        span: tf.task.key_span,
        resource: Some(tf.task.id.clone()),
        message: format!("{} `{}` runs a Fargate task", tf.task.type_name, tf.task.id),
    }
}

/// A KMS key policy can grant the role `kms:Decrypt` itself, without any identity policy
/// (https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html): when a customer
/// key's policy names the role or any principal (`*`), the role's policies do not decide.
fn key_policy_names_role(cx: &TemplateContext<'_>, tf: &TaskFacts, role_id: &str) -> bool {
    let facts = cx.facts;
    tf.task.containers.iter().flat_map(|c| &c.secrets).any(|(_, value)| {
        let Some((_, key)) = customer_key(facts, value) else { return false };
        let Some(res) = facts.template.resource(&key) else { return false };
        match facts.evaluator.property(res, "KeyPolicy") {
            Some(policy) => refers_to(&policy, role_id) || names_anyone(&policy),
            None => false,
        }
    })
}

/// Does the value, maps included, refer to the resource `id`?
fn refers_to(value: &Value, id: &str) -> bool {
    match &value.kind {
        ValueKind::Map(entries) => entries.iter().any(|(_, _, v)| refers_to(v, id)),
        ValueKind::List(items) => items.iter().any(|v| refers_to(v, id)),
        _ => iam::role::mentions(value, id),
    }
}

/// Does a `Principal` anywhere in the policy hold `*` or something symbolic?
fn names_anyone(policy: &Value) -> bool {
    let statements = match policy.get("Statement").map(|s| &s.kind) {
        Some(ValueKind::List(items)) => items.clone(),
        Some(ValueKind::Map(_)) => policy.get("Statement").cloned().into_iter().collect(),
        // A policy given as a string or symbolically: cannot be read, so do not decide.
        _ => return !matches!(policy.kind, ValueKind::Map(_)),
    };
    statements.iter().any(|s| {
        let Some(principal) = s.get("Principal") else { return false };
        let mut stack = vec![principal];
        while let Some(v) = stack.pop() {
            match &v.kind {
                ValueKind::Str(text) if text == "*" => return true,
                // The account root and other resources of the template (the role itself is
                // found by `refers_to`).
                ValueKind::Str(_) | ValueKind::Pseudo(_) | ValueKind::Ref(_) | ValueKind::GetAtt { .. } => {}
                ValueKind::List(items) | ValueKind::Concat(items) => stack.extend(items),
                ValueKind::Map(entries) => stack.extend(entries.iter().map(|(_, _, v)| v)),
                // A principal from a reference or a parameter: maybe the role.
                _ => return true,
            }
        }
        false
    })
}

/// What the role's policies in the template decide for `action` on any resource; `None` when
/// it cannot be told (the caller then says nothing about the task).
fn decide(facts: &Facts<'_>, role_id: &str, action: &str) -> Option<iam::Decision> {
    let template = facts.template;
    let ev = &facts.evaluator;
    let policies = iam::role::role_policies(ev, role_id)?;
    let request = iam::Request { action, resource: None, caller: iam::Caller::Identity };
    let document = |d: &Value| iam::Policy::parse(d).evaluate(&request);
    let mut all = iam::Evaluation::NOTHING;
    for arn in &policies.managed {
        if let ValueKind::Ref(id) = &arn.kind
            && let Some(policy) = template.resource(id)
        {
            all = all.and(ev.property(policy, "PolicyDocument").map_or(iam::Evaluation::UNKNOWN, |d| document(&d)));
            continue;
        }
        all = all.and(managed(arn, action));
    }
    for policy in &policies.inline {
        all = all.and(policy.get("PolicyDocument").map_or(iam::Evaluation::UNKNOWN, document));
    }
    for policy in policies.attached {
        all = all.and(ev.property(policy, "PolicyDocument").map_or(iam::Evaluation::UNKNOWN, |d| document(&d)));
    }
    match all.decision() {
        iam::Decision::Unknown => None,
        decision => Some(decision),
    }
}

/// An AWS managed policy by ARN: allows the action, or not; unknown when not in [`MANAGED`]
/// or not an AWS managed policy ARN.
fn managed(arn: &Value, action: &str) -> iam::Evaluation {
    let Some(text) = arn.wildcard_text() else { return iam::Evaluation::UNKNOWN };
    let Some((_, rest)) = text.split_once(":iam::aws:policy/") else { return iam::Evaluation::UNKNOWN };
    let name = rest.rsplit('/').next().unwrap_or(rest);
    match MANAGED.iter().find(|(n, _)| *n == name) {
        Some((_, actions)) if actions.iter().any(|p| glob(p, action)) => iam::Evaluation::ALLOWS,
        Some(_) => iam::Evaluation::NOTHING,
        None => iam::Evaluation::UNKNOWN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::tree::Span;

    #[test]
    fn fixtures() {
        super::super::harness::run_fixtures(&super::RULE);
    }

    #[test]
    fn managed_policies_by_arn() {
        let arn = |s: &str| Value::str(s, Span::default());
        let exec = arn("arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy");
        assert_eq!(managed(&exec, "ecr:BatchGetImage"), iam::Evaluation::ALLOWS);
        assert_eq!(managed(&exec, "secretsmanager:GetSecretValue"), iam::Evaluation::NOTHING);
        let ssm = arn("arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess");
        assert_eq!(managed(&ssm, "ssm:GetParameters"), iam::Evaluation::ALLOWS);
        assert_eq!(
            managed(&arn("arn:aws:iam::aws:policy/SomethingElse"), "ssm:GetParameters"),
            iam::Evaluation::UNKNOWN
        );
        assert_eq!(
            managed(&arn("arn:aws:iam::123456789012:policy/mine"), "ssm:GetParameters"),
            iam::Evaluation::UNKNOWN
        );
    }

    #[test]
    fn table_is_sorted() {
        let names: Vec<&str> = MANAGED.iter().map(|(n, _)| *n).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted);
    }
}
