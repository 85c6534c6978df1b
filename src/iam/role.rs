//! The policies a template attaches to one of its IAM roles: the role's `ManagedPolicyArns` and
//! inline `Policies`, and the `AWS::IAM::Policy`, `ManagedPolicy` and `RolePolicy` resources
//! that name it (`Roles`, `RoleName`).

use crate::template::{Evaluator, Resource, Value, ValueKind};

/// Standalone policy resources that attach to roles.
pub const POLICY_TYPES: [&str; 3] = ["AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::RolePolicy"];

/// What is attached to a role, evaluated, in template order.
pub struct RolePolicies<'t> {
    /// The items of `ManagedPolicyArns`.
    pub managed: Vec<Value>,
    /// The items of `Policies` (maps with `PolicyName` and `PolicyDocument`).
    pub inline: Vec<Value>,
    /// Standalone policies naming the role, by type in [`POLICY_TYPES`] order.
    pub attached: Vec<&'t Resource>,
}

/// The policies of the role `role_id`; `None` when the template does not define it.
pub fn role_policies<'t>(ev: &Evaluator<'t>, role_id: &str) -> Option<RolePolicies<'t>> {
    let template = ev.template();
    let role = template.resource(role_id)?;
    let items = |v: Option<Value>| v.and_then(|v| v.as_list().map(<[Value]>::to_vec)).unwrap_or_default();
    let managed = items(ev.property(role, "ManagedPolicyArns"));
    let inline = items(ev.property(role, "Policies"));
    let mut attached = Vec::new();
    for kind in POLICY_TYPES {
        for policy in template.resources_of_type(kind) {
            if ["Roles", "RoleName"].iter().any(|k| ev.property(policy, k).is_some_and(|v| mentions(&v, role_id))) {
                attached.push(policy);
            }
        }
    }
    Some(RolePolicies { managed, inline, attached })
}

/// Does the value refer to the resource `id` (`Ref`, `GetAtt`, in a list or a `Fn::Sub`)?
pub fn mentions(value: &Value, id: &str) -> bool {
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match &v.kind {
            ValueKind::Ref(r) | ValueKind::GetAtt { resource: r, .. } if r == id => return true,
            ValueKind::List(items) | ValueKind::Concat(items) => stack.extend(items),
            _ => {}
        }
    }
    false
}
