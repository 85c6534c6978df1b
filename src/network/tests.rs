//! Scenario tests: small templates in, reachability outcomes and explaining paths out.
#![expect(clippy::unwrap_used, clippy::panic, reason = "a failed lookup is a failed test")]

use crate::diagnostic::FileId;
use crate::source::parse_str;
use crate::source::tree::Span;
use crate::template::{Evaluator, Template, Value, ValueKind};

use super::*;

/// A VPC with DNS on, two isolated subnets (no route tables) and a rotation function.
const VPC: &str = r#"
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
      EnableDnsSupport: true
      EnableDnsHostnames: true
  SubnetA:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.1.0/24
  SubnetB:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.2.0/24
"#;

/// The AWS example pattern: interface endpoint with private DNS and the default SG everywhere.
const ENDPOINT: &str = r#"
  Endpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: !Sub com.amazonaws.${AWS::Region}.secretsmanager
      VpcEndpointType: Interface
      PrivateDnsEnabled: true
      SubnetIds: [!Ref SubnetA, !Ref SubnetB]
      SecurityGroupIds: [!GetAtt Vpc.DefaultSecurityGroup]
"#;

const FN_DEFAULT_SG: &str = r#"
  RotationFn:
    Type: AWS::Lambda::Function
    Properties:
      VpcConfig:
        SubnetIds: [!Ref SubnetA, !Ref SubnetB]
        SecurityGroupIds: [!GetAtt Vpc.DefaultSecurityGroup]
"#;

/// Public subnet with an attached IGW, a NAT in it, and SubnetA routed to the NAT.
const NAT: &str = r#"
  Igw:
    Type: AWS::EC2::InternetGateway
  IgwAttachment:
    Type: AWS::EC2::VPCGatewayAttachment
    Properties:
      VpcId: !Ref Vpc
      InternetGatewayId: !Ref Igw
  PublicSubnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.0.0/24
  PublicRt:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref Vpc
  PublicDefault:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref PublicRt
      DestinationCidrBlock: 0.0.0.0/0
      GatewayId: !Ref Igw
  PublicAssoc:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref PublicSubnet
      RouteTableId: !Ref PublicRt
  Nat:
    Type: AWS::EC2::NatGateway
    Properties:
      SubnetId: !Ref PublicSubnet
      AllocationId: eipalloc-123
  PrivateRt:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref Vpc
  PrivateDefault:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref PrivateRt
      DestinationCidrBlock: 0.0.0.0/0
      NatGatewayId: !Ref Nat
  PrivateAssoc:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref SubnetA
      RouteTableId: !Ref PrivateRt
"#;

/// A custom function SG (no inline egress: default allow-all) and the function in SubnetA only.
const FN_SG: &str = r#"
  FnSg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: rotation function
      VpcId: !Ref Vpc
  RotationFn:
    Type: AWS::Lambda::Function
    Properties:
      VpcConfig:
        SubnetIds: [!Ref SubnetA]
        SecurityGroupIds: [!GetAtt FnSg.GroupId]
"#;

struct Built {
    template: Template,
}

impl Built {
    fn new(parts: &[&str]) -> Built {
        let text = parts.concat();
        let loaded = parse_str(&text);
        assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
        Built { template: Template::from_tree(FileId(0), loaded.tree) }
    }

    fn net(&self) -> Network {
        Network::build(&Evaluator::new(&self.template))
    }

    /// The placement of `RotationFn` as the rotation module would build it.
    fn placement(&self) -> Placement {
        let ev = Evaluator::new(&self.template);
        let Some(res) = self.template.resource("RotationFn") else {
            return Placement::function(Vec::new(), Vec::new());
        };
        let list = |path| ev.property(res, path).map(|v| vec![v]).unwrap_or_default();
        Placement::function(list("VpcConfig.SubnetIds"), list("VpcConfig.SecurityGroupIds"))
    }

    /// `RotationFn` calling `service` at `host` (the rotation actions).
    fn api(&self, service: &'static Service, host: ApiHost) -> ApiReport {
        let call = ApiCall { service, host, actions: &ROTATION_ACTIONS, purpose: "rotation" };
        reach_api(&self.net(), &self.placement(), &call)
    }

    fn sm(&self) -> ApiReport {
        self.api(&service::SECRETS_MANAGER, ApiHost::RegionalDefault)
    }

    /// The span of `text`'s first occurrence at or after the `after` marker.
    fn span_of(&self, after: &str, text: &str) -> Span {
        let source = &self.template.tree.source;
        let from = source.find(after).unwrap();
        let start = from + source[from..].find(text).unwrap();
        Span::new(start, start + text.len())
    }
}

fn ids(hops: &[Hop]) -> Vec<&str> {
    hops.iter().map(|h| h.resource.as_str()).collect()
}

fn only_outcome(report: &ApiReport) -> &Outcome {
    assert_eq!(report.per_subnet.len(), 1, "{report:#?}");
    &report.per_subnet[0].1
}

fn blocker(outcome: &Outcome) -> &Blocker {
    match outcome {
        Outcome::Blocked { blocker, .. } => blocker,
        other => panic!("expected blocked, got {other:#?}"),
    }
}

fn r#ref(id: &str) -> Value {
    Value::new(ValueKind::Ref(id.into()), Span::default())
}

// ---- defaults -------------------------------------------------------------------------------

#[test]
fn cloudformation_defaults() {
    let b = Built::new(&[r#"
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  Endpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: com.amazonaws.eu-west-1.secretsmanager
"#]);
    let net = b.net();
    let vpc = &net.vpcs["Vpc"];
    assert_eq!(vpc.dns_support.value, Some(true));
    assert_eq!(vpc.dns_hostnames, Setting { value: Some(false), written: None });
    let ep = &net.endpoints["Endpoint"];
    assert_eq!(ep.private_dns, Setting { value: Some(false), written: None });
    assert_eq!(ep.kind, EndpointKind::Gateway);
    assert_eq!(ep.is_secretsmanager(), Some(true));
    assert_eq!(ep.service_matches("rds"), Some(false));
    assert_eq!(net.endpoint_groups(ep), Items::Known(vec![Link::Known(SgKey::VpcDefault("Vpc".into()))]));
    // The default security group: everything from itself, everything out.
    let sg = &net.security_groups[&SgKey::VpcDefault("Vpc".into())];
    assert_eq!(sg.ingress.len(), 1);
    assert_eq!(sg.ingress[0].peer, Peer::Group(Link::Known(SgKey::VpcDefault("Vpc".into()))));
    assert_eq!(sg.egress[0].peer, Peer::Cidr(CidrSpec::Known(Cidr::ANY)));
    // The default ACL allows all both ways.
    let acl = &net.nacls[&NaclKey::VpcDefault("Vpc".into())];
    assert!(acl.entries.iter().all(|e| e.allow == Some(true) && e.protocol == Protocol::All));
    assert_eq!(acl.entries.len(), 2);
}

#[test]
fn service_name_variants() {
    let b = Built::new(&[r#"
Resources:
  Fips:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      ServiceName: !Join ["", ["com.amazonaws.", !Ref "AWS::Region", ".secretsmanager-fips"]]
  China:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      ServiceName: cn.com.amazonaws.cn-north-1.secretsmanager
  Rds:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      ServiceName: !Sub com.amazonaws.${AWS::Region}.rds
  Serverless:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      ServiceName: com.amazonaws.us-east-1.redshift-serverless
  Hidden:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      ServiceName: !ImportValue SomeName
"#]);
    let net = b.net();
    assert_eq!(net.endpoints["Fips"].is_secretsmanager(), Some(true));
    assert_eq!(net.endpoints["China"].is_secretsmanager(), Some(true));
    assert_eq!(net.endpoints["Rds"].is_secretsmanager(), Some(false));
    assert_eq!(net.endpoints["Rds"].service_matches("rds"), Some(true));
    assert_eq!(net.endpoints["Serverless"].service_matches("redshift"), Some(false));
    assert_eq!(net.endpoints["Serverless"].service_matches("redshift-serverless"), Some(true));
    assert_eq!(net.endpoints["Hidden"].is_secretsmanager(), None);
}

#[test]
fn security_group_egress_defaults() {
    let b = Built::new(&[
        VPC,
        r#"
  NoEgress:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: d
      VpcId: !Ref Vpc
  InlineEgress:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: d
      VpcId: !Ref Vpc
      SecurityGroupEgress:
        - IpProtocol: tcp
          FromPort: 5432
          ToPort: 5432
          CidrIp: 10.0.0.0/16
  StandaloneEgress:
    Type: AWS::EC2::SecurityGroupEgress
    Properties:
      GroupId: !GetAtt NoEgress.GroupId
      IpProtocol: tcp
      FromPort: 5432
      ToPort: 5432
      DestinationSecurityGroupId: !Ref InlineEgress
  Ingress:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !Ref InlineEgress
      IpProtocol: "-1"
      SourceSecurityGroupId: !Ref NoEgress
  NoPeer:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !Ref InlineEgress
      IpProtocol: tcp
      FromPort: 1
      ToPort: 2
"#,
    ]);
    let net = b.net();
    let no_egress = &net.security_groups[&SgKey::Group("NoEgress".into())];
    // The standalone rule is added; the allow-all default stays (AWS::EC2::SecurityGroup SecurityGroupEgress: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-securitygroup.html).
    assert_eq!(no_egress.egress.len(), 2);
    assert!(no_egress.egress.iter().any(|r| r.implicit && r.protocol == Protocol::All));
    assert!(no_egress.egress.iter().any(|r| r.resource == "StandaloneEgress" && r.ports == Ports::Range(5432, 5432)));
    let inline = &net.security_groups[&SgKey::Group("InlineEgress".into())];
    assert_eq!(inline.egress.len(), 1);
    assert!(!inline.egress[0].implicit);
    // A standalone rule without a peer is never created.
    assert_eq!(inline.ingress.len(), 1);
    assert_eq!(inline.ingress[0].peer, Peer::Group(Link::Known(SgKey::Group("NoEgress".into()))));
}

#[test]
fn parameter_cidr_and_conditions() {
    let b = Built::new(&[r#"
Parameters:
  VpcCidr:
    Type: String
    Default: 10.9.0.0/16
  Env:
    Type: String
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  Never: !Equals [a, b]
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: !Ref VpcCidr
  Maybe:
    Type: AWS::EC2::Subnet
    Condition: IsProd
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: !Select [0, !Cidr [!GetAtt Vpc.CidrBlock, 4, 8]]
  Gone:
    Type: AWS::EC2::Subnet
    Condition: Never
    Properties:
      VpcId: !Ref Vpc
"#]);
    let net = b.net();
    assert_eq!(net.vpcs["Vpc"].cidr, Cidr::parse("10.9.0.0/16"));
    assert!(!net.subnets.contains_key("Gone"));
    assert_eq!(net.subnets["Maybe"].meta.condition.as_deref(), Some("IsProd"));
    assert_eq!(net.subnet_cidr("Maybe"), None);
    // An unknown subnet block still lies inside its VPC's block.
    let range = net.subnet_range("Maybe");
    assert_eq!(net.relate(&CidrSpec::Known(Cidr::parse("10.9.0.0/16").unwrap()), &range), Rel::Covers);
    assert_eq!(net.relate(&CidrSpec::Known(Cidr::parse("10.8.0.0/16").unwrap()), &range), Rel::Disjoint);
    assert_eq!(net.relate(&CidrSpec::VpcPrimary("Vpc".into()), &range), Rel::Covers);
}

// ---- Secrets Manager --------------------------------------------------------------------

#[test]
fn isolated_subnets_with_endpoint_reach_via_endpoint() {
    let b = Built::new(&[VPC, ENDPOINT, FN_DEFAULT_SG]);
    let report = b.sm();
    assert_eq!(report.overall, Overall::All);
    assert_eq!(report.per_subnet.len(), 2);
    let (subnet, outcome) = &report.per_subnet[0];
    assert_eq!(subnet, &SubnetRef::Subnet("SubnetA".into()));
    let Outcome::Reachable { via, hops } = outcome else { panic!("{outcome:#?}") };
    assert_eq!(via, &Via::Endpoint("Endpoint".into()));
    assert_eq!(ids(hops), ["SubnetA", "Endpoint", "Vpc"]);
    assert_eq!(hops[0].note, "function subnet `SubnetA` in VPC `Vpc`");
    assert_eq!(hops[0].span, b.span_of("  SubnetA:", "SubnetA"));
    assert_eq!(hops[1].note, "Secrets Manager endpoint `Endpoint` with private DNS");
    assert_eq!(
        hops[2].note,
        "security group `Vpc.DefaultSecurityGroup` of endpoint `Endpoint` admits all traffic from `Vpc.DefaultSecurityGroup` (implicit)"
    );
    assert!(report.endpoint_issues.is_empty());
    assert!(report.only_via_nat().is_none());
}

#[test]
fn nat_stack_reaches_via_nat() {
    let b = Built::new(&[VPC, NAT, FN_SG]);
    let report = b.sm();
    let Outcome::Reachable { via, hops } = only_outcome(&report) else { panic!("{report:#?}") };
    assert_eq!(via, &Via::Nat("Nat".into()));
    assert_eq!(ids(hops), ["SubnetA", "PrivateRt", "PrivateDefault", "Nat", "PublicDefault", "Igw"]);
    assert_eq!(hops[2].note, "route `PrivateDefault` sends 0.0.0.0/0 to NAT gateway `Nat`");
    assert_eq!(hops[2].span, b.span_of("PrivateDefault:", "!Ref Nat"));
    assert_eq!(hops[5].note, "internet gateway `Igw` is attached to `Vpc` by `IgwAttachment`");
    assert_eq!(report.only_via_nat().map(|(nats, _)| nats), Some(vec!["Nat"]));
}

#[test]
fn nat_path_reports_unusable_endpoint() {
    let no_dns = ENDPOINT.replace("      PrivateDnsEnabled: true\n", "");
    let b = Built::new(&[VPC, NAT, FN_SG, &no_dns]);
    let report = b.sm();
    assert!(matches!(only_outcome(&report), Outcome::Reachable { via: Via::Nat(_), .. }));
    assert_eq!(report.endpoint_issues.len(), 1);
    assert_eq!(
        report.endpoint_issues[0].blocker,
        Blocker::PrivateDnsOff { endpoint: "Endpoint".into(), written: false }
    );
}

#[test]
fn public_subnet_is_blocked() {
    let b = Built::new(&[VPC, NAT, FN_SG.replace("[!Ref SubnetA]", "[!Ref PublicSubnet]").as_str()]);
    let report = b.sm();
    let outcome = only_outcome(&report);
    assert_eq!(blocker(outcome), &Blocker::PublicSubnet { igw: "Igw".into(), route: "PublicDefault".into() });
    assert_eq!(ids(outcome.hops()), ["PublicSubnet", "PublicRt", "PublicDefault", "Igw"]);
    let (resource, span) = blocker(outcome).primary(&b.net()).unwrap();
    assert_eq!((resource.as_str(), span), ("PublicDefault", b.span_of("PublicDefault:", "!Ref Igw")));
}

#[test]
fn private_nat_has_no_internet() {
    let nat = NAT.replace("      AllocationId: eipalloc-123\n", "      ConnectivityType: private\n");
    let b = Built::new(&[VPC, &nat, FN_SG]);
    let report = b.sm();
    let outcome = only_outcome(&report);
    assert_eq!(blocker(outcome), &Blocker::NatNoInternet { nat: "Nat".into(), why: NatProblem::Private });
    assert_eq!(ids(outcome.hops()), ["SubnetA", "PrivateRt", "PrivateDefault", "Nat"]);
    assert_eq!(outcome.hops()[3].span, b.span_of("ConnectivityType", "private"));
}

#[test]
fn zonal_nat_without_igw_route() {
    // The NAT sits in SubnetB, which has no route table association (main table, local only).
    let nat =
        NAT.replace("SubnetId: !Ref PublicSubnet\n      AllocationId", "SubnetId: !Ref SubnetB\n      AllocationId");
    let b = Built::new(&[VPC, &nat, FN_SG]);
    let outcome = b.sm().per_subnet[0].1.clone();
    let why = NatProblem::NoIgwRoute { subnet: "SubnetB".into(), route_table: None };
    assert_eq!(blocker(&outcome), &Blocker::NatNoInternet { nat: "Nat".into(), why });
    assert_eq!(outcome.hops().last().unwrap().resource, "SubnetB");
}

#[test]
fn regional_nat_needs_attached_igw() {
    let nat = NAT.replace(
        "      SubnetId: !Ref PublicSubnet\n      AllocationId: eipalloc-123\n",
        "      AvailabilityMode: regional\n      VpcId: !Ref Vpc\n",
    );
    let b = Built::new(&[VPC, &nat, FN_SG]);
    assert!(matches!(only_outcome(&b.sm()), Outcome::Reachable { via: Via::Nat(_), .. }));
    let detached = nat.replace("      InternetGatewayId: !Ref Igw\n", "      VpnGatewayId: vgw-1\n");
    let b = Built::new(&[VPC, &detached, FN_SG]);
    let why = NatProblem::NoIgwAttached { vpc: "Vpc".into() };
    assert_eq!(blocker(only_outcome(&b.sm())), &Blocker::NatNoInternet { nat: "Nat".into(), why });
}

#[test]
fn isolated_subnet_without_endpoint_has_no_route() {
    let b = Built::new(&[VPC, FN_SG]);
    let report = b.sm();
    assert_eq!(report.overall, Overall::None);
    let outcome = only_outcome(&report);
    assert_eq!(blocker(outcome), &Blocker::NoRoute { subnet: "SubnetA".into(), route_table: None });
    assert!(outcome.hops()[1].note.contains("main route table"));
}

#[test]
fn endpoint_without_private_dns() {
    let no_dns = ENDPOINT.replace("      PrivateDnsEnabled: true\n", "");
    let b = Built::new(&[VPC, &no_dns, FN_DEFAULT_SG]);
    let report = b.sm();
    assert_eq!(report.overall, Overall::None);
    let outcome = &report.per_subnet[0].1;
    assert_eq!(blocker(outcome), &Blocker::PrivateDnsOff { endpoint: "Endpoint".into(), written: false });
    assert!(outcome.hops().last().unwrap().note.contains("omits PrivateDnsEnabled (default false)"));
    let (resource, span) = blocker(outcome).primary(&b.net()).unwrap();
    assert_eq!((resource.as_str(), span), ("Endpoint", b.span_of("  Endpoint:", "Endpoint")));
    // The function names the endpoint's own DNS name: private DNS is not needed.
    let named = b.api(&service::SECRETS_MANAGER, ApiHost::NamesEndpoint("Endpoint".into()));
    assert_eq!(named.overall, Overall::All);
    assert!(matches!(&named.per_subnet[0].1, Outcome::Reachable { via: Via::Endpoint(e), .. } if e == "Endpoint"));
}

#[test]
fn endpoint_type_and_vpc_dns_defaults_block() {
    let gateway = ENDPOINT.replace("      VpcEndpointType: Interface\n", "");
    let b = Built::new(&[VPC, &gateway, FN_DEFAULT_SG]);
    // A Gateway endpoint never captures the regional name; with no route the endpoint explains it.
    assert_eq!(blocker(&b.sm().per_subnet[0].1), &Blocker::EndpointNotInterface("Endpoint".into()));
    let vpc = VPC.replace("      EnableDnsHostnames: true\n", "");
    let b = Built::new(&[&vpc, ENDPOINT, FN_DEFAULT_SG]);
    let expected =
        Blocker::VpcDnsOff { endpoint: Some("Endpoint".into()), vpc: "Vpc".into(), attribute: "EnableDnsHostnames" };
    assert_eq!(blocker(&b.sm().per_subnet[0].1), &expected);
    let no_subnets = ENDPOINT.replace("      SubnetIds: [!Ref SubnetA, !Ref SubnetB]\n", "");
    let b = Built::new(&[VPC, &no_subnets, FN_DEFAULT_SG]);
    assert_eq!(blocker(&b.sm().per_subnet[0].1), &Blocker::EndpointNoSubnets("Endpoint".into()));
}

const ENDPOINT_SG: &str = r#"
  EndpointSg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: endpoint
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          SourceSecurityGroupId: !Ref FnSg
"#;

fn custom_endpoint() -> String {
    ENDPOINT.replace("[!GetAtt Vpc.DefaultSecurityGroup]", "[!Ref EndpointSg]")
}

#[test]
fn endpoint_sg_admitting_function_sg() {
    let b = Built::new(&[VPC, &custom_endpoint(), ENDPOINT_SG, FN_SG]);
    let report = b.sm();
    let Outcome::Reachable { hops, .. } = only_outcome(&report) else { panic!("{report:#?}") };
    assert_eq!(ids(hops), ["SubnetA", "Endpoint", "EndpointSg"]);
    assert_eq!(hops[2].note, "security group `EndpointSg` of endpoint `Endpoint` admits tcp/443 from `FnSg`");
}

#[test]
fn endpoint_sg_blocks() {
    let sg = ENDPOINT_SG.replace("SourceSecurityGroupId: !Ref FnSg", "CidrIp: 192.168.0.0/16");
    let b = Built::new(&[VPC, &custom_endpoint(), &sg, FN_SG]);
    let outcome = b.sm().per_subnet[0].1.clone();
    let expected = Blocker::EndpointSgBlocks {
        endpoint: "Endpoint".into(),
        groups: vec![SgKey::Group("EndpointSg".into())],
        port: 443,
    };
    assert_eq!(blocker(&outcome), &expected);
    assert_eq!(ids(outcome.hops()), ["SubnetA", "Endpoint", "EndpointSg"]);
    // A CIDR covering the function subnet admits it.
    let sg = ENDPOINT_SG.replace("SourceSecurityGroupId: !Ref FnSg", "CidrIp: !GetAtt Vpc.CidrBlock");
    let b = Built::new(&[VPC, &custom_endpoint(), &sg, FN_SG]);
    assert!(b.sm().per_subnet[0].1.is_reachable());
    // The default SG on the endpoint admits only its own members, not FnSg.
    let b = Built::new(&[VPC, ENDPOINT, FN_SG]);
    let expected = Blocker::EndpointSgBlocks {
        endpoint: "Endpoint".into(),
        groups: vec![SgKey::VpcDefault("Vpc".into())],
        port: 443,
    };
    assert_eq!(blocker(&b.sm().per_subnet[0].1), &expected);
}

#[test]
fn function_egress_only_5432() {
    let fn_sg = FN_SG.replace(
        "      VpcId: !Ref Vpc\n  RotationFn:",
        "      VpcId: !Ref Vpc\n      SecurityGroupEgress:\n        - IpProtocol: tcp\n          FromPort: 5432\n          ToPort: 5432\n          CidrIp: 0.0.0.0/0\n  RotationFn:",
    );
    let b = Built::new(&[VPC, &custom_endpoint(), ENDPOINT_SG, &fn_sg]);
    let outcome = b.sm().per_subnet[0].1.clone();
    let Blocker::FunctionEgressBlocks { groups, to, .. } = blocker(&outcome) else { panic!("{outcome:#?}") };
    assert_eq!(groups, &[SgKey::Group("FnSg".into())]);
    assert!(to.starts_with("endpoint `Endpoint`"), "{to}");
    // The hop points at the inline egress list that replaced the allow-all default.
    assert_eq!(outcome.hops().last().unwrap().span.start, b.span_of("SecurityGroupEgress:", "- IpProtocol: tcp").start);
    // The NAT path checks egress to 0.0.0.0/0 the same way.
    let b = Built::new(&[VPC, NAT, &fn_sg]);
    let expected =
        Blocker::FunctionEgressBlocks { groups: vec![SgKey::Group("FnSg".into())], to: "0.0.0.0/0".into(), port: 443 };
    assert_eq!(blocker(only_outcome(&b.sm())), &expected);
}

const DENY_HTTPS_ACL: &str = r#"
  Acl:
    Type: AWS::EC2::NetworkAcl
    Properties:
      VpcId: !Ref Vpc
  DenyHttps:
    Type: AWS::EC2::NetworkAclEntry
    Properties:
      NetworkAclId: !Ref Acl
      RuleNumber: 100
      Egress: true
      Protocol: 6
      PortRange: {From: 443, To: 443}
      RuleAction: deny
      CidrBlock: 0.0.0.0/0
  AllowOut:
    Type: AWS::EC2::NetworkAclEntry
    Properties:
      NetworkAclId: !Ref Acl
      RuleNumber: 200
      Egress: true
      Protocol: -1
      RuleAction: allow
      CidrBlock: 0.0.0.0/0
  AllowIn:
    Type: AWS::EC2::NetworkAclEntry
    Properties:
      NetworkAclId: !Ref Acl
      RuleNumber: 100
      Protocol: -1
      RuleAction: allow
      CidrBlock: 0.0.0.0/0
  AclAssoc:
    Type: AWS::EC2::SubnetNetworkAclAssociation
    Properties:
      SubnetId: !Ref SubnetA
      NetworkAclId: !Ref Acl
"#;

#[test]
fn nacl_denying_https() {
    let endpoint = custom_endpoint().replace("[!Ref SubnetA, !Ref SubnetB]", "[!Ref SubnetB]");
    let b = Built::new(&[VPC, &endpoint, ENDPOINT_SG, FN_SG, DENY_HTTPS_ACL]);
    let outcome = b.sm().per_subnet[0].1.clone();
    let expected = Blocker::NaclBlocks {
        nacl: NaclKey::Acl("Acl".into()),
        subnet: "SubnetA".into(),
        egress: true,
        ports: (443, 443),
        entry: Some("DenyHttps".into()),
    };
    assert_eq!(blocker(&outcome), &expected);
    assert_eq!(outcome.hops().last().unwrap().resource, "DenyHttps");
    // Without the deny entry the custom ACL passes (ingress allows all, egress all).
    let allowed = DENY_HTTPS_ACL.replace("RuleAction: deny", "RuleAction: allow");
    let b = Built::new(&[VPC, &endpoint, ENDPOINT_SG, FN_SG, &allowed]);
    assert!(b.sm().per_subnet[0].1.is_reachable());
    // An endpoint in the function's own subnet is not behind the subnet's ACL.
    let same = custom_endpoint().replace("[!Ref SubnetA, !Ref SubnetB]", "[!Ref SubnetA]");
    let b = Built::new(&[VPC, &same, ENDPOINT_SG, FN_SG, DENY_HTTPS_ACL]);
    assert!(b.sm().per_subnet[0].1.is_reachable());
}

#[test]
fn nacl_without_return_path() {
    // A custom ACL with only outbound 443 allowed: replies on ephemeral ports are dropped.
    let acl = DENY_HTTPS_ACL.replace("RuleAction: deny", "RuleAction: allow").replace("      Protocol: -1\n      RuleAction: allow\n      CidrBlock: 0.0.0.0/0\n  AclAssoc", "      Protocol: 6\n      PortRange: {From: 22, To: 22}\n      RuleAction: allow\n      CidrBlock: 0.0.0.0/0\n  AclAssoc");
    let endpoint = custom_endpoint().replace("[!Ref SubnetA, !Ref SubnetB]", "[!Ref SubnetB]");
    let b = Built::new(&[VPC, &endpoint, ENDPOINT_SG, FN_SG, &acl]);
    let outcome = b.sm().per_subnet[0].1.clone();
    let Blocker::NaclBlocks { egress, ports, entry, .. } = blocker(&outcome) else { panic!("{outcome:#?}") };
    assert_eq!((*egress, *ports, entry.as_deref()), (false, EPHEMERAL, None));
}

#[test]
fn endpoint_policy_denies() {
    let policy = format!(
        "{}      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal: \"*\"\n            Action: secretsmanager:GetSecretValue\n            Resource: \"*\"\n",
        ENDPOINT
    );
    let b = Built::new(&[VPC, &policy, FN_DEFAULT_SG]);
    let outcome = b.sm().per_subnet[0].1.clone();
    let Blocker::EndpointPolicyDenies { endpoint, actions } = blocker(&outcome) else { panic!("{outcome:#?}") };
    assert_eq!(endpoint, "Endpoint");
    assert!(actions.contains(&"secretsmanager:PutSecretValue"));
}

#[test]
fn subnets_from_parameter_are_unverifiable() {
    let b = Built::new(&[
        "Parameters:\n  SubnetIds:\n    Type: List<AWS::EC2::Subnet::Id>\n",
        VPC,
        &FN_SG.replace("[!Ref SubnetA]", "!Ref SubnetIds"),
    ]);
    let report = b.sm();
    assert_eq!(report.overall, Overall::Unknown);
    let (subnet, outcome) = &report.per_subnet[0];
    let Outcome::Unverifiable { reason: Unverifiable::Input(unseen), span, .. } = outcome else {
        panic!("{outcome:#?}")
    };
    assert_eq!(unseen.value.kind, ValueKind::Parameter("SubnetIds".into()));
    assert_eq!(unseen.what, "subnet");
    assert_eq!(*span, b.span_of("SubnetIds: !Ref", "!Ref SubnetIds"));
    assert!(matches!(subnet, SubnetRef::Unseen(_)));
}

#[test]
fn literal_subnet_id_is_unverifiable() {
    let b = Built::new(&[VPC, &FN_SG.replace("[!Ref SubnetA]", "[subnet-0abc, !Ref SubnetA]")]);
    let report = b.sm();
    assert_eq!(report.per_subnet.len(), 2);
    assert!(
        matches!(&report.per_subnet[0].1, Outcome::Unverifiable { reason: Unverifiable::Input(u), .. } if u.value.as_str() == Some("subnet-0abc"))
    );
    assert!(matches!(&report.per_subnet[1].1, Outcome::Blocked { .. }));
    assert_eq!(report.overall, Overall::Unknown);
}

#[test]
fn transit_gateway_default_route_is_unverifiable() {
    let nat = NAT.replace("      NatGatewayId: !Ref Nat\n", "      TransitGatewayId: tgw-0123\n");
    let b = Built::new(&[VPC, &nat, FN_SG]);
    let outcome = b.sm().per_subnet[0].1.clone();
    let Outcome::Unverifiable { reason: Unverifiable::Egress { route, target, .. }, span, hops } = &outcome else {
        panic!("{outcome:#?}")
    };
    assert_eq!(route, "PrivateDefault");
    assert_eq!(target.kind(), "transit gateway");
    assert_eq!(*span, b.span_of("TransitGatewayId", "tgw-0123"));
    assert_eq!(ids(hops), ["SubnetA", "PrivateRt", "PrivateDefault"]);
}

#[test]
fn partial_subnet_coverage() {
    // SubnetA routes to the NAT, SubnetB stays isolated.
    let fn_sg = FN_SG.replace("[!Ref SubnetA]", "!Join [\",\", [!Ref SubnetA, !Ref SubnetB]]");
    let b = Built::new(&[VPC, NAT, &fn_sg]);
    let report = b.sm();
    assert_eq!(report.overall, Overall::Some);
    assert_eq!(report.reachable_subnets().collect::<Vec<_>>(), [&SubnetRef::Subnet("SubnetA".into())]);
    assert!(matches!(report.first_blocker(), Some((Blocker::NoRoute { .. }, _))));
}

#[test]
fn outside_vpc_reaches_public_endpoint() {
    let b = Built::new(&[VPC]);
    let report = b.sm();
    assert_eq!(report.overall, Overall::All);
    assert_eq!(report.per_subnet[0].0, SubnetRef::OutsideVpc);
}

// ---- targets ------------------------------------------------------------------------------

const DB: &str = r#"
  DbSg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: db
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 5432
          ToPort: 5432
          SourceSecurityGroupId: !Ref FnSg
"#;

fn target(subnets: &[&str], groups: &[&str], public: Option<bool>) -> TargetPlacement {
    TargetPlacement {
        subnets: subnets.iter().map(|s| r#ref(s)).collect(),
        security_groups: groups.iter().map(|s| r#ref(s)).collect(),
        publicly_accessible: public,
    }
}

fn target_outcome(b: &Built, t: &TargetPlacement) -> Outcome {
    let report = to_target(&b.net(), &b.placement(), t, 5432);
    assert_eq!(report.per_subnet.len(), 1, "{report:#?}");
    report.per_subnet[0].1.clone()
}

#[test]
fn target_in_same_vpc() {
    let b = Built::new(&[VPC, DB, FN_SG]);
    let outcome = target_outcome(&b, &target(&["SubnetB"], &["DbSg"], Some(false)));
    let Outcome::Reachable { via: Via::Local, hops } = &outcome else { panic!("{outcome:#?}") };
    assert_eq!(ids(hops), ["SubnetA", "Vpc", "DbSg"]);
    assert_eq!(hops[2].note, "security group `DbSg` of the target admits tcp/5432 from `FnSg`");
}

#[test]
fn target_sg_from_unrelated_sg() {
    let db = DB.replace("!Ref FnSg", "!Ref OtherSg");
    let other = "  OtherSg:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: o\n      VpcId: !Ref Vpc\n";
    let b = Built::new(&[VPC, &db, other, FN_SG]);
    let outcome = target_outcome(&b, &target(&["SubnetB"], &["DbSg"], Some(false)));
    assert_eq!(
        blocker(&outcome),
        &Blocker::TargetSgBlocks { groups: vec![SgKey::Group("DbSg".into())], port: 5432, shared: None }
    );
    assert_eq!(outcome.hops().last().unwrap().resource, "DbSg");
}

#[test]
fn target_without_groups_uses_default_sg() {
    let b = Built::new(&[VPC, FN_DEFAULT_SG]);
    let report = to_target(&b.net(), &b.placement(), &target(&["SubnetB"], &[], None), 5432);
    assert_eq!(report.overall, Overall::All);
}

#[test]
fn shared_custom_sg_without_self_rule() {
    let b = Built::new(&[VPC, FN_SG]);
    let outcome = target_outcome(&b, &target(&["SubnetB"], &["FnSg"], Some(false)));
    let expected =
        Blocker::TargetSgBlocks { groups: vec![SgKey::Group("FnSg".into())], port: 5432, shared: Some("FnSg".into()) };
    assert_eq!(blocker(&outcome), &expected);
    // With a self-referencing rule it works.
    let self_rule = "  SelfRule:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n      GroupId: !Ref FnSg\n      IpProtocol: tcp\n      FromPort: 5432\n      ToPort: 5432\n      SourceSecurityGroupId: !Ref FnSg\n";
    let b = Built::new(&[VPC, FN_SG, self_rule]);
    assert!(target_outcome(&b, &target(&["SubnetB"], &["FnSg"], Some(false))).is_reachable());
}

#[test]
fn function_egress_blocks_target() {
    let fn_sg = FN_SG.replace(
        "      VpcId: !Ref Vpc\n  RotationFn:",
        "      VpcId: !Ref Vpc\n      SecurityGroupEgress:\n        - IpProtocol: tcp\n          FromPort: 443\n          ToPort: 443\n          CidrIp: 0.0.0.0/0\n  RotationFn:",
    );
    let b = Built::new(&[VPC, DB, &fn_sg]);
    let outcome = target_outcome(&b, &target(&["SubnetB"], &["DbSg"], Some(false)));
    let expected = Blocker::FunctionEgressBlocksTarget { groups: vec![SgKey::Group("FnSg".into())], port: 5432 };
    assert_eq!(blocker(&outcome), &expected);
}

const OTHER_VPC: &str = r#"
  Vpc2:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.1.0.0/16
  DbSubnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc2
      CidrBlock: 10.1.1.0/24
"#;

#[test]
fn target_in_another_vpc() {
    let b = Built::new(&[VPC, OTHER_VPC, DB, FN_SG]);
    let outcome = target_outcome(&b, &target(&["DbSubnet"], &["DbSg"], Some(false)));
    let expected = Blocker::DifferentVpc { function_vpc: "Vpc".into(), target_vpc: Some("Vpc2".into()) };
    assert_eq!(blocker(&outcome), &expected);
    // A peering route towards the target's block makes it unverifiable instead.
    let peering = r#"
  Rt:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref Vpc
  ToPeer:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref Rt
      DestinationCidrBlock: 10.1.0.0/16
      VpcPeeringConnectionId: pcx-1
  Assoc:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref SubnetA
      RouteTableId: !Ref Rt
"#;
    let b = Built::new(&[VPC, OTHER_VPC, DB, FN_SG, peering]);
    let outcome = target_outcome(&b, &target(&["DbSubnet"], &["DbSg"], Some(false)));
    assert!(
        matches!(outcome, Outcome::Unverifiable { reason: Unverifiable::Egress { ref route, .. }, .. } if route == "ToPeer")
    );
}

#[test]
fn public_target_from_outside_vpc() {
    let open = DB.replace("SourceSecurityGroupId: !Ref FnSg", "CidrIp: 0.0.0.0/0");
    let b = Built::new(&[VPC, NAT, &open]);
    let t = target(&["PublicSubnet"], &["DbSg"], Some(true));
    let outcome = target_outcome(&b, &t);
    let Outcome::Reachable { via: Via::Internet, hops } = &outcome else { panic!("{outcome:#?}") };
    assert_eq!(ids(hops), ["PublicDefault", "DbSg"]);
    // The group admits only the VPC: closed to the function's public address.
    let closed = DB.replace("SourceSecurityGroupId: !Ref FnSg", "CidrIp: 10.0.0.0/16");
    let b = Built::new(&[VPC, NAT, &closed]);
    let outcome = target_outcome(&b, &t);
    assert_eq!(
        blocker(&outcome),
        &Blocker::PublicTargetSgClosed { groups: vec![SgKey::Group("DbSg".into())], port: 5432 }
    );
    // Not public at all, or in a private subnet.
    assert_eq!(
        blocker(&target_outcome(&b, &target(&["PublicSubnet"], &["DbSg"], Some(false)))),
        &Blocker::PrivateTarget(PrivateWhy::NotPublic)
    );
    let b = Built::new(&[VPC, NAT, &open]);
    let private = blocker(&target_outcome(&b, &target(&["SubnetB"], &["DbSg"], Some(true)))).clone();
    assert_eq!(private, Blocker::PrivateTarget(PrivateWhy::NoIgwRoute { subnet: "SubnetB".into() }));
}

#[test]
fn build_is_linear_on_a_large_template() {
    // 3000 subnets, each with its own table, route and association: a quadratic pass would take
    // seconds here; the build must stay well under that.
    let mut text = String::from(VPC);
    for i in 0..3000 {
        text.push_str(&format!(
            "  S{i}:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: !Ref Vpc\n      CidrBlock: 10.0.{}.0/28\n  T{i}:\n    Type: AWS::EC2::RouteTable\n    Properties:\n      VpcId: !Ref Vpc\n  R{i}:\n    Type: AWS::EC2::Route\n    Properties:\n      RouteTableId: !Ref T{i}\n      DestinationCidrBlock: 0.0.0.0/0\n      GatewayId: !Ref Igw\n  A{i}:\n    Type: AWS::EC2::SubnetRouteTableAssociation\n    Properties:\n      SubnetId: !Ref S{i}\n      RouteTableId: !Ref T{i}\n",
            i % 256
        ));
    }
    text.push_str("  Igw:\n    Type: AWS::EC2::InternetGateway\n");
    let b = Built::new(&[&text]);
    let started = std::time::Instant::now();
    let net = b.net();
    assert_eq!(net.subnets.len(), 3002);
    assert_eq!(net.routes.len(), 3000);
    assert!(matches!(route_default(&net, "S2999"), Some(DefaultRoute::Route { .. })));
    assert!(started.elapsed().as_secs() < 5);
}

/// A service that exists only in this test: adding one is a `Service` value, with no change to
/// the engine. Its endpoint listens on 8443, so a group that admits only 443 blocks it.
const TEST_QUEUE: Service =
    Service { label: "Test Queue", endpoint: "testqueue", interface: true, gateway: false, port: 8443 };

/// The same service without PrivateLink: only the route out reaches it.
const TEST_PUBLIC_ONLY: Service =
    Service { label: "Test Public", endpoint: "testqueue", interface: false, gateway: false, port: 8443 };

const QUEUE_ENDPOINT: &str = r#"
  QueueSg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: queue endpoint
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIp: 10.0.0.0/16
  QueueEndpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: !Sub com.amazonaws.${AWS::Region}.testqueue
      VpcEndpointType: Interface
      PrivateDnsEnabled: true
      SubnetIds: [!Ref SubnetA]
      SecurityGroupIds: [!GetAtt QueueSg.GroupId]
"#;

#[test]
fn a_test_only_service_is_checked_on_its_own_port_and_endpoint_name() {
    // The queue's endpoint admits 443 only: the service's port 8443 is blocked there.
    let b = Built::new(&[VPC, QUEUE_ENDPOINT, NAT, FN_SG]);
    let report = b.api(&TEST_QUEUE, ApiHost::RegionalDefault);
    let outcome = only_outcome(&report);
    let Blocker::EndpointSgBlocks { endpoint, port, .. } = blocker(outcome) else { panic!("{outcome:#?}") };
    assert_eq!((endpoint.as_str(), *port), ("QueueEndpoint", 8443));
    assert!(outcome.hops().iter().any(|h| h.note == "Test Queue endpoint `QueueEndpoint` with private DNS"));
    // Secrets Manager has no endpoint in this VPC: the same function goes out through the NAT.
    assert!(matches!(only_outcome(&b.sm()), Outcome::Reachable { via: Via::Nat(_), .. }));
    // Without PrivateLink the endpoint is not considered: the NAT path answers, on port 8443.
    let public = b.api(&TEST_PUBLIC_ONLY, ApiHost::RegionalDefault);
    assert!(matches!(only_outcome(&public), Outcome::Reachable { via: Via::Nat(nat), .. } if nat == "Nat"));
}

/// A store with gateway endpoints only, under S3's endpoint name (test-only value).
const TEST_STORE: Service = Service { label: "Test Store", endpoint: "s3", interface: false, gateway: true, port: 443 };

/// SubnetA on its own route table without a default route, and a gateway endpoint for S3.
fn gateway_on(tables: &str) -> String {
    format!(
        r#"
  IsolatedRt:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref Vpc
  IsolatedAssoc:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref SubnetA
      RouteTableId: !Ref IsolatedRt
  OtherRt:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref Vpc
  StoreGateway:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: !Sub com.amazonaws.${{AWS::Region}}.s3
      RouteTableIds: {tables}
"#
    )
}

#[test]
fn a_gateway_endpoint_on_the_subnets_route_table_reaches_the_service() {
    let b = Built::new(&[VPC, FN_SG, &gateway_on("[!Ref IsolatedRt]")]);
    let report = b.api(&TEST_STORE, ApiHost::RegionalDefault);
    let outcome = only_outcome(&report);
    assert!(matches!(outcome, Outcome::Reachable { via: Via::Endpoint(e), .. } if e == "StoreGateway"), "{outcome:#?}");
    assert!(
        outcome.hops().iter().any(|h| h.note == "Test Store gateway endpoint `StoreGateway` routes table `IsolatedRt`")
    );
}

#[test]
fn a_gateway_endpoint_on_another_table_is_the_reason_when_nothing_else_reaches() {
    let b = Built::new(&[VPC, FN_SG, &gateway_on("[!Ref OtherRt]")]);
    let report = b.api(&TEST_STORE, ApiHost::RegionalDefault);
    let outcome = only_outcome(&report);
    assert_eq!(
        blocker(outcome),
        &Blocker::GatewayNotRouted {
            endpoint: "StoreGateway".into(),
            service: "Test Store",
            subnet: "SubnetA".into(),
            route_table: Some("IsolatedRt".into()),
        }
    );
    // A table id the template cannot resolve may be the subnet's: undecided, not blocked.
    let b = Built::new(&[VPC, FN_SG, &gateway_on("[rtb-0123456789abcdef0]")]);
    let report = b.api(&TEST_STORE, ApiHost::RegionalDefault);
    assert!(matches!(only_outcome(&report), Outcome::Unverifiable { .. }), "{report:#?}");
}

#[test]
fn an_unrouted_gateway_endpoint_does_not_matter_when_nat_reaches_the_service() {
    let gateway = gateway_on("[!Ref OtherRt]").replace("SubnetId: !Ref SubnetA", "SubnetId: !Ref SubnetB");
    let b = Built::new(&[VPC, NAT, FN_SG, &gateway]);
    let report = b.api(&TEST_STORE, ApiHost::RegionalDefault);
    assert!(matches!(only_outcome(&report), Outcome::Reachable { via: Via::Nat(n), .. } if n == "Nat"), "{report:#?}");
}

#[test]
fn the_function_egress_must_allow_the_service_prefix_list() {
    let closed = FN_SG.replace(
        "      GroupDescription: rotation function\n",
        "      GroupDescription: rotation function\n      SecurityGroupEgress:\n        - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/16}\n",
    );
    let b = Built::new(&[VPC, &closed, &gateway_on("[!Ref IsolatedRt]")]);
    let report = b.api(&TEST_STORE, ApiHost::RegionalDefault);
    let Blocker::FunctionEgressBlocks { to, port, .. } = blocker(only_outcome(&report)) else { panic!("{report:#?}") };
    assert_eq!((to.as_str(), *port), ("the Test Store prefix list", 443));
}
