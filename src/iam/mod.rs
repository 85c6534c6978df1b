//! IAM policy evaluation, as far as a template shows it: `Allow`/`Deny`, `Action`/`NotAction`,
//! `Resource`/`NotResource` with wildcards, `Principal` for resource policies. What a template
//! cannot decide (a symbolic element, a condition, a named principal) is "maybe", never a guess.
//!
//! The logic is AWS's: an explicit deny wins, otherwise an allow is needed, otherwise the request
//! is implicitly denied
//! (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
//! Action names match case-insensitively, resource ARNs case-sensitively
//! (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html).

mod document;
pub mod role;

use crate::template::Value;
use crate::template::glob::{glob, glob_case_sensitive};

use document::Pv;

/// Does a statement (or a set of them) apply to a request?
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Applies {
    No,
    Maybe,
    Yes,
}

/// Who is asking, as the policy's `Principal` and `Condition` elements see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Caller {
    /// An identity policy (attached to the caller's role): no `Principal` element. A condition
    /// makes its statement "maybe".
    Identity,
    /// A resource policy (a VPC endpoint's) read for a caller of the same account whose name the
    /// template does not give. `Principal: "*"` applies; a named principal makes an `Allow`
    /// "maybe". An `Allow`'s condition is taken as met and a `Deny` that names principals or
    /// carries a condition as fencing off other callers: endpoint policies use them to admit the
    /// account's own principals
    /// (https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html).
    SameAccount,
}

/// One call: the action, the resource when known (`None`: `Resource` is not checked), the caller.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    pub action: &'a str,
    pub resource: Option<&'a str>,
    pub caller: Caller,
}

/// How a set of policies answers a request: how strongly some `Allow` and some `Deny` apply.
/// Evaluations of several policies of one caller combine with [`Evaluation::and`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Evaluation {
    pub allowed: Applies,
    pub denied: Applies,
}

/// The answer to a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Allowed,
    /// `explicit`: a `Deny` statement applies; otherwise no `Allow` does.
    Denied {
        explicit: bool,
    },
    /// The template does not show enough to decide.
    Unknown,
}

impl Evaluation {
    /// Nothing applies: the implicit deny.
    pub const NOTHING: Evaluation = Evaluation { allowed: Applies::No, denied: Applies::No };
    /// A policy that certainly allows (an AWS managed policy known to grant the action).
    pub const ALLOWS: Evaluation = Evaluation { allowed: Applies::Yes, denied: Applies::No };
    /// A policy whose content cannot be seen.
    pub const UNKNOWN: Evaluation = Evaluation { allowed: Applies::Maybe, denied: Applies::Maybe };

    /// Both policies apply to the same request.
    pub fn and(self, other: Evaluation) -> Evaluation {
        Evaluation { allowed: self.allowed.max(other.allowed), denied: self.denied.max(other.denied) }
    }

    pub fn decision(self) -> Decision {
        match (self.allowed, self.denied) {
            (_, Applies::Yes) => Decision::Denied { explicit: true },
            (Applies::No, _) => Decision::Denied { explicit: false },
            (Applies::Yes, Applies::No) => Decision::Allowed,
            _ => Decision::Unknown,
        }
    }
}

/// A parsed policy document.
#[derive(Clone, Debug)]
pub struct Policy {
    /// `None`: not a readable document (symbolic, or a string that is not JSON).
    statements: Option<Vec<Pv>>,
}

impl Policy {
    pub fn parse(value: &Value) -> Policy {
        let statements =
            Pv::parse(value).and_then(|doc| doc.get("Statement").map(|s| s.as_list().into_iter().cloned().collect()));
        Policy { statements }
    }

    /// Is the document readable at all (a `Statement` element of known shape)?
    pub fn is_readable(&self) -> bool {
        self.statements.is_some()
    }

    pub fn evaluate(&self, request: &Request<'_>) -> Evaluation {
        let Some(statements) = &self.statements else {
            return Evaluation::UNKNOWN;
        };
        let mut out = Evaluation::NOTHING;
        for stmt in statements {
            let (effect, applies) = statement(stmt, request);
            match effect {
                Some(Effect::Allow) => out.allowed = out.allowed.max(applies),
                Some(Effect::Deny) => out.denied = out.denied.max(applies),
                None if applies != Applies::No => out = out.and(Evaluation::UNKNOWN),
                None => {}
            }
        }
        out
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Effect {
    Allow,
    Deny,
}

/// The statement's effect (`None`: unknown) and whether it applies to the request.
fn statement(stmt: &Pv, request: &Request<'_>) -> (Option<Effect>, Applies) {
    let effect = match stmt.get("Effect") {
        Some(Pv::Str(e)) if e == "Allow" => Some(Effect::Allow),
        Some(Pv::Str(e)) if e == "Deny" => Some(Effect::Deny),
        _ => None,
    };
    let action = names(stmt, "Action", "NotAction", |p| glob(p, request.action));
    let resource = match request.resource {
        Some(arn) => names(stmt, "Resource", "NotResource", |p| glob_case_sensitive(p, arn)),
        None => Applies::Yes,
    };
    let matched = action.min(resource);
    if matched == Applies::No {
        return (effect, Applies::No);
    }
    let conditional = stmt.get("Condition").is_some();
    let applies = match request.caller {
        Caller::Identity if conditional => Applies::Maybe,
        Caller::Identity => matched,
        Caller::SameAccount => match (principal_is_anyone(stmt.get("Principal")), effect) {
            (Applies::Yes, Some(Effect::Deny)) if conditional => Applies::No,
            (Applies::Yes, _) => matched,
            (_, Some(Effect::Deny)) => Applies::No,
            _ => Applies::Maybe,
        },
    };
    (effect, applies)
}

/// Does the element (`key`, or its negation `not_key`) match? Neither present: the statement
/// names nothing, so it applies to nothing. A symbolic element: maybe.
fn names(stmt: &Pv, key: &str, not_key: &str, matches: impl Fn(&str) -> bool) -> Applies {
    let (list, negated) = match (stmt.get(key), stmt.get(not_key)) {
        (Some(list), _) => (list, false),
        (None, Some(list)) => (list, true),
        (None, None) => return Applies::No,
    };
    match list.strings() {
        None => Applies::Maybe,
        Some(patterns) if patterns.iter().any(|p| matches(p)) != negated => Applies::Yes,
        Some(_) => Applies::No,
    }
}

/// `*`, `{"AWS": "*"}` (or a list holding `*`), or no `Principal` at all.
fn principal_is_anyone(principal: Option<&Pv>) -> Applies {
    let Some(principal) = principal else {
        return Applies::Yes;
    };
    let any = |v: &Pv| v.strings().is_some_and(|l| l.contains(&"*"));
    let anyone = match principal {
        Pv::Str(_) | Pv::List(_) => any(principal),
        Pv::Map(_) => principal.get("AWS").is_some_and(any),
        Pv::Opaque => false,
    };
    if anyone { Applies::Yes } else { Applies::Maybe }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::tree::Span;
    use crate::template::ValueKind;

    fn decide(policy: &str, action: &str, resource: Option<&str>, caller: Caller) -> Decision {
        let policy = Policy::parse(&Value::str(policy, Span::default()));
        policy.evaluate(&Request { action, resource, caller }).decision()
    }

    const ROLE: Caller = Caller::Identity;

    #[test]
    fn deny_wins_over_allow() {
        let p = r#"{"Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"},
                   {"Effect":"Deny","Action":"ec2:CreateNetworkInterface","Resource":"*"}]}"#;
        assert_eq!(decide(p, "ec2:CreateNetworkInterface", None, ROLE), Decision::Denied { explicit: true });
        assert_eq!(decide(p, "ec2:DescribeNetworkInterfaces", None, ROLE), Decision::Allowed);
    }

    #[test]
    fn nothing_allows_is_an_implicit_deny() {
        let p = r#"{"Statement":{"Effect":"Allow","Action":["logs:*"],"Resource":"*"}}"#;
        assert_eq!(decide(p, "ec2:CreateNetworkInterface", None, ROLE), Decision::Denied { explicit: false });
    }

    #[test]
    fn not_action_and_not_resource() {
        let p = r#"{"Statement":{"Effect":"Allow","NotAction":"iam:*","NotResource":"arn:aws:s3:::private/*"}}"#;
        assert_eq!(decide(p, "ec2:CreateNetworkInterface", None, ROLE), Decision::Allowed);
        assert_eq!(decide(p, "IAM:PassRole", None, ROLE), Decision::Denied { explicit: false });
        assert_eq!(
            decide(p, "s3:GetObject", Some("arn:aws:s3:::private/a"), ROLE),
            Decision::Denied { explicit: false }
        );
        assert_eq!(decide(p, "s3:GetObject", Some("arn:aws:s3:::public/a"), ROLE), Decision::Allowed);
    }

    #[test]
    fn resources_match_case_sensitively_and_actions_do_not() {
        let p = r#"{"Statement":{"Effect":"Allow","Action":"S3:get*","Resource":"arn:aws:s3:::Bucket/*"}}"#;
        assert_eq!(decide(p, "s3:GetObject", Some("arn:aws:s3:::Bucket/k"), ROLE), Decision::Allowed);
        assert_eq!(
            decide(p, "s3:GetObject", Some("arn:aws:s3:::bucket/k"), ROLE),
            Decision::Denied { explicit: false }
        );
    }

    #[test]
    fn a_condition_on_a_role_policy_is_unknown() {
        let p = r#"{"Statement":{"Effect":"Allow","Action":"ec2:*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}}}"#;
        assert_eq!(decide(p, "ec2:CreateNetworkInterface", None, ROLE), Decision::Unknown);
    }

    #[test]
    fn symbolic_parts_are_unknown() {
        let span = Span::default();
        let actions = Value::new(ValueKind::List(vec![Value::unknown("param", span)]), span);
        let statement = Value::new(
            ValueKind::Map(vec![
                ("Effect".to_owned(), span, Value::str("Allow", span)),
                ("Action".to_owned(), span, actions),
            ]),
            span,
        );
        let statements = Value::new(ValueKind::List(vec![statement]), span);
        let doc = Value::new(ValueKind::Map(vec![("Statement".to_owned(), span, statements)]), span);
        let request = Request { action: "ec2:CreateNetworkInterface", resource: None, caller: ROLE };
        assert_eq!(Policy::parse(&doc).evaluate(&request).decision(), Decision::Unknown);
        assert_eq!(decide("not json", "ec2:CreateNetworkInterface", None, ROLE), Decision::Unknown);
    }

    #[test]
    fn endpoint_policies_read_for_a_same_account_caller() {
        let anyone = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#;
        assert_eq!(decide(anyone, "secretsmanager:GetSecretValue", None, Caller::SameAccount), Decision::Allowed);
        let named = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::1:role/r"},"Action":"*","Resource":"*"}]}"#;
        assert_eq!(decide(named, "secretsmanager:GetSecretValue", None, Caller::SameAccount), Decision::Unknown);
        let fence = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalAccount":"1"}}}]}"#;
        assert_eq!(decide(fence, "secretsmanager:GetSecretValue", None, Caller::SameAccount), Decision::Allowed);
    }

    #[test]
    fn evaluations_of_several_policies_combine() {
        let allow = Evaluation::ALLOWS;
        assert_eq!(allow.and(Evaluation::NOTHING).decision(), Decision::Allowed);
        assert_eq!(allow.and(Evaluation::UNKNOWN).decision(), Decision::Unknown);
        let deny = Evaluation { allowed: Applies::No, denied: Applies::Yes };
        assert_eq!(allow.and(deny).decision(), Decision::Denied { explicit: true });
    }
}
