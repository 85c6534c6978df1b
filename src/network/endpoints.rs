//! VPC endpoints: CloudFormation defaults (type Gateway, private DNS off, the VPC default group),
//! service-name matching, and whether an endpoint policy lets rotation through.

use std::sync::LazyLock;

use regex::Regex;

use crate::iam;
use crate::source::tree::Span;
use crate::template::{Resource, Value};

use super::graph::Ctx;
use super::model::{Endpoint, EndpointKind, Items, Link, Meta, Unseen};
use super::refs::{Kind, list_items};
use super::service;

/// The actions a rotation function calls, which an endpoint policy must allow
/// (https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_lambda-functions.html).
pub const ROTATION_ACTIONS: [&str; 5] = [
    "secretsmanager:DescribeSecret",
    "secretsmanager:GetSecretValue",
    "secretsmanager:PutSecretValue",
    "secretsmanager:UpdateSecretVersionStage",
    "secretsmanager:GetRandomPassword",
];

/// The endpoint service name pattern of every service in `service::ALL`, compiled once.
static KNOWN: LazyLock<Vec<(&'static str, Regex)>> =
    LazyLock::new(|| service::ALL.iter().filter_map(|s| Some((s.endpoint, service_regex(s.endpoint)?))).collect());

static FIPS: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"-fips$").ok());

/// The pattern of `com.amazonaws.<region>.<service>` (also `-fips` and the `cn.` form).
pub fn service_regex(service: &str) -> Option<Regex> {
    Regex::new(&format!(r"^(cn\.)?com\.amazonaws\.[a-z0-9-]+\.{}(-fips)?$", regex::escape(service))).ok()
}

pub(crate) fn build(ctx: &Ctx, res: &Resource, meta: Meta) -> Endpoint {
    let kind_value = ctx.prop(res, "VpcEndpointType");
    let kind = match &kind_value {
        None => EndpointKind::Gateway,
        Some(v) => match v.as_str() {
            Some(text) => match text.to_ascii_lowercase().as_str() {
                "interface" => EndpointKind::Interface,
                "gateway" => EndpointKind::Gateway,
                "gatewayloadbalancer" => EndpointKind::GatewayLoadBalancer,
                _ => EndpointKind::Other(text.to_owned()),
            },
            None => EndpointKind::Unknown(v.clone()),
        },
    };
    let subnets_value = ctx.prop(res, "SubnetIds");
    let subnets = match &subnets_value {
        None => Items::Known(Vec::new()),
        Some(v) => links(v, "subnets", |item| ctx.kinds.link(item, Kind::Subnet, "subnet")),
    };
    let security_groups_value = ctx.prop(res, "SecurityGroupIds");
    // An empty list is the same as omitting it: the VPC default group.
    let security_groups = security_groups_value
        .as_ref()
        .map(|v| links(v, "security groups", |item| ctx.kinds.sg(item)))
        .filter(|items| !matches!(items, Items::Known(list) if list.is_empty()));
    let route_tables_value = ctx.prop(res, "RouteTableIds");
    let route_tables = match &route_tables_value {
        None => Items::Known(Vec::new()),
        Some(v) => links(v, "route tables", |item| ctx.kinds.link(item, Kind::RouteTable, "route table")),
    };
    Endpoint {
        service: ctx.prop(res, "ServiceName"),
        vpc: ctx.link(res, "VpcId", Kind::Vpc, "VPC").unwrap_or_else(|| {
            let value = Value::unknown("no VpcId", meta.key_span);
            Link::Unseen(Unseen { value, what: "VPC" })
        }),
        kind,
        kind_value,
        private_dns: ctx.setting(res, "PrivateDnsEnabled", false),
        inbound_only: ctx.prop(res, "DnsOptions.PrivateDnsOnlyForInboundResolverEndpoint"),
        subnets,
        subnets_value,
        security_groups,
        security_groups_value,
        policy: ctx.prop(res, "PolicyDocument"),
        route_tables,
        route_tables_value,
        meta,
    }
}

fn links<K>(value: &Value, what: &'static str, resolve: impl Fn(&Value) -> Link<K>) -> Items<Link<K>> {
    match list_items(value) {
        Ok(items) => Items::Known(items.iter().map(resolve).collect()),
        Err(whole) => Items::Unseen(Unseen { value: whole, what }),
    }
}

/// Whether an interface endpoint with private DNS answers lookups from inside its VPC, for a
/// service that has gateway endpoints too (S3). `PrivateDnsOnlyForInboundResolverEndpoint:
/// OnlyInboundResolver` "routes traffic that originates from the VPC to the gateway endpoint and
/// traffic that originates from on-premises to the interface endpoint"
/// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-ec2-vpcendpoint-dnsoptionsspecification.html);
/// `AllResolvers` answers every resolver. AWS documents no default for an omitted or
/// `NotSpecified` value: `Undocumented`, at the value or where private DNS is set.
pub enum InVpcDns {
    Answers,
    InboundOnly,
    Undocumented(Span),
}

impl Endpoint {
    /// See [`InVpcDns`]; `service_has_gateway`: the endpoint's service also has gateway endpoints
    /// (for the others the setting does not exist, and private DNS answers every resolver).
    pub fn in_vpc_dns(&self, service_has_gateway: bool) -> InVpcDns {
        if !service_has_gateway {
            return InVpcDns::Answers;
        }
        match self.inbound_only.as_ref().and_then(Value::as_str) {
            Some(v) if v.eq_ignore_ascii_case("AllResolvers") => InVpcDns::Answers,
            Some(v) if v.eq_ignore_ascii_case("OnlyInboundResolver") => InVpcDns::InboundOnly,
            _ => InVpcDns::Undocumented(
                self.inbound_only.as_ref().map_or(self.private_dns.span_or(self.meta.key_span), |v| v.span),
            ),
        }
    }

    /// Does `ServiceName` name `com.amazonaws.<region>.<service>` (or `-fips`, or the `cn.`
    /// form)? `None` when the name is not known; `Some(false)` when absent (Lattice endpoints).
    pub fn service_matches(&self, service: &str) -> Option<bool> {
        let Some(name) = &self.service else {
            return Some(false);
        };
        if let Some((_, known)) = KNOWN.iter().find(|(name, _)| *name == service) {
            return name.matches_pattern(known);
        }
        name.matches_pattern(&service_regex(service)?)
    }

    pub fn is_secretsmanager(&self) -> Option<bool> {
        self.service_matches(service::SECRETS_MANAGER.endpoint)
    }

    /// Is it the FIPS variant (`…secretsmanager-fips`)? Private DNS of an endpoint covers the
    /// default DNS name of the service it was created for, so a FIPS endpoint answers only the
    /// FIPS host name and a regular one only the regional name.
    pub fn is_fips(&self) -> Option<bool> {
        self.service.as_ref()?.matches_pattern(FIPS.as_ref()?)
    }
}

/// What an endpoint policy says about the actions a workload calls.
#[derive(Clone, Debug, PartialEq)]
pub enum PolicyVerdict {
    Allows,
    /// The actions not allowed (or explicitly denied).
    Denies(Vec<&'static str>),
    /// Parts of the policy are not known (or name specific principals).
    Maybe(Value),
}

/// Evaluates the endpoint policy for `actions`, each called by a principal of the workload's own
/// account (see [`iam::Caller::SameAccount`] for what is assumed about conditions); `Resource` is
/// not checked (how GetRandomPassword is evaluated is unconfirmed).
pub fn policy_allows(policy: &Value, actions: &[&'static str]) -> PolicyVerdict {
    let parsed = iam::Policy::parse(policy);
    if !parsed.is_readable() {
        return PolicyVerdict::Maybe(policy.clone());
    }
    let mut refused = Vec::new();
    let mut uncertain = false;
    for &action in actions {
        let request = iam::Request { action, resource: None, caller: iam::Caller::SameAccount };
        match parsed.evaluate(&request).decision() {
            iam::Decision::Allowed => {}
            iam::Decision::Denied { .. } => refused.push(action),
            iam::Decision::Unknown => uncertain = true,
        }
    }
    if !refused.is_empty() {
        PolicyVerdict::Denies(refused)
    } else if uncertain {
        PolicyVerdict::Maybe(policy.clone())
    } else {
        PolicyVerdict::Allows
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::tree::Span;
    use crate::template::glob::glob;

    #[test]
    fn globbing() {
        assert!(glob("secretsmanager:*", "secretsmanager:GetSecretValue"));
        assert!(glob("*", "secretsmanager:GetSecretValue"));
        assert!(glob("SecretsManager:Get*Value", "secretsmanager:GetSecretValue"));
        assert!(glob("secretsmanager:?etSecretValue", "secretsmanager:GetSecretValue"));
        assert!(!glob("secretsmanager:Get*", "secretsmanager:PutSecretValue"));
        assert!(!glob("kms:*", "secretsmanager:GetSecretValue"));
        assert!(glob("a*b*c", "axxbyyc"));
        assert!(!glob("a*b*c", "axxbyy"));
    }

    fn json_policy(text: &str) -> PolicyVerdict {
        policy_allows(&Value::str(text, Span::default()), &ROTATION_ACTIONS)
    }

    #[test]
    fn policies() {
        let all = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#;
        assert_eq!(json_policy(all), PolicyVerdict::Allows);
        let sm =
            r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":["secretsmanager:*"],"Resource":"*"}}"#;
        assert_eq!(json_policy(sm), PolicyVerdict::Allows);
        let read_only = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":["secretsmanager:GetSecretValue","secretsmanager:DescribeSecret"],"Resource":"*"}]}"#;
        let PolicyVerdict::Denies(missing) = json_policy(read_only) else { panic!("expected denies") };
        assert_eq!(
            missing,
            vec![
                "secretsmanager:PutSecretValue",
                "secretsmanager:UpdateSecretVersionStage",
                "secretsmanager:GetRandomPassword"
            ]
        );
        let deny = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"secretsmanager:PutSecretValue","Resource":"*"}]}"#;
        assert_eq!(json_policy(deny), PolicyVerdict::Denies(vec!["secretsmanager:PutSecretValue"]));
        let conditional_deny = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalAccount":"1"}}}]}"#;
        assert_eq!(json_policy(conditional_deny), PolicyVerdict::Allows);
        let role = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::1:role/r"},"Action":"*","Resource":"*"}]}"#;
        assert!(matches!(json_policy(role), PolicyVerdict::Maybe(_)));
        assert!(matches!(json_policy("not json"), PolicyVerdict::Maybe(_)));
    }
}
