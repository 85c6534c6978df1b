//! A workload kind defined here, in the test only, goes through the engine unchanged: adding a
//! kind is one module that reads the template and states what each workload needs.
#![expect(clippy::panic, reason = "a mismatched answer is a failed test")]

use crate::diagnostic::FileId;
use crate::network::service::{self, Service};
use crate::network::{ApiCall, ApiHost, Network, Outcome, Placement, ROTATION_ACTIONS, Via};
use crate::source::parse_str;
use crate::template::{Evaluator, Template};

use super::{Answer, Need, Workload, answer};

/// A VPC with two subnets: `Private` routes to nowhere but has a Secrets Manager endpoint,
/// `Natted` routes its default route to a NAT gateway in a public subnet.
const TEMPLATE: &str = r#"
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16, EnableDnsSupport: true, EnableDnsHostnames: true}
  Private:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24}
  Natted:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.2.0/24}
  Public:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.3.0/24}
  Igw:
    Type: AWS::EC2::InternetGateway
  IgwAttachment:
    Type: AWS::EC2::VPCGatewayAttachment
    Properties: {VpcId: !Ref Vpc, InternetGatewayId: !Ref Igw}
  PublicRoutes:
    Type: AWS::EC2::RouteTable
    Properties: {VpcId: !Ref Vpc}
  PublicDefault:
    Type: AWS::EC2::Route
    Properties: {RouteTableId: !Ref PublicRoutes, DestinationCidrBlock: 0.0.0.0/0, GatewayId: !Ref Igw}
  PublicAssoc:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {SubnetId: !Ref Public, RouteTableId: !Ref PublicRoutes}
  NatEip:
    Type: AWS::EC2::EIP
    Properties: {Domain: vpc}
  Nat:
    Type: AWS::EC2::NatGateway
    Properties: {SubnetId: !Ref Public, AllocationId: !GetAtt NatEip.AllocationId}
  NattedRoutes:
    Type: AWS::EC2::RouteTable
    Properties: {VpcId: !Ref Vpc}
  NattedDefault:
    Type: AWS::EC2::Route
    Properties: {RouteTableId: !Ref NattedRoutes, DestinationCidrBlock: 0.0.0.0/0, NatGatewayId: !Ref Nat}
  NattedAssoc:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {SubnetId: !Ref Natted, RouteTableId: !Ref NattedRoutes}
  Endpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: !Sub com.amazonaws.${AWS::Region}.secretsmanager
      VpcEndpointType: Interface
      PrivateDnsEnabled: true
      SubnetIds: [!Ref Private]
      SecurityGroupIds: [!GetAtt Vpc.DefaultSecurityGroup]
  InPrivate:
    Type: AWS::EC2::Instance
    Properties: {SubnetId: !Ref Private, SecurityGroupIds: [!GetAtt Vpc.DefaultSecurityGroup]}
  InNatted:
    Type: AWS::EC2::Instance
    Properties: {SubnetId: !Ref Natted, SecurityGroupIds: [!GetAtt Vpc.DefaultSecurityGroup]}
"#;

/// A service without PrivateLink on its own port, known to this test only.
const TEST_API: Service =
    Service { label: "Test API", endpoint: "testapi", interface: false, gateway: false, port: 8443 };

/// The test's workload kind: every EC2 instance calls Secrets Manager and the test API.
fn instances(ev: &Evaluator<'_>) -> Vec<Workload> {
    let call = |service: &'static Service| {
        Need::Api(ApiCall { service, host: ApiHost::RegionalDefault, actions: &ROTATION_ACTIONS, purpose: "test" })
    };
    ev.template()
        .resources
        .iter()
        .filter(|r| r.type_name == "AWS::EC2::Instance")
        .map(|r| Workload {
            id: r.logical_id.clone(),
            type_name: r.type_name.clone(),
            key_span: r.key_span,
            placement: Some(Placement::function(
                ev.property(r, "SubnetId").into_iter().collect(),
                ev.property(r, "SecurityGroupIds").into_iter().collect(),
            )),
            needs: vec![call(&service::SECRETS_MANAGER), call(&TEST_API)],
        })
        .collect()
}

fn via(answer: &Answer) -> &Outcome {
    let Answer::Api(report) = answer else { panic!("{answer:#?}") };
    assert_eq!(report.per_subnet.len(), 1, "{report:#?}");
    &report.per_subnet[0].1
}

#[test]
fn a_test_only_workload_kind_is_answered_by_the_engine() {
    let loaded = parse_str(TEMPLATE);
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let template = Template::from_tree(FileId(0), loaded.tree);
    let ev = Evaluator::new(&template);
    let net = Network::build(&ev);
    let workloads = instances(&ev);
    assert_eq!(workloads.iter().map(|w| w.id.as_str()).collect::<Vec<_>>(), ["InPrivate", "InNatted"]);

    let private = answer(&net, &workloads[0]);
    assert!(matches!(via(&private[0]), Outcome::Reachable { via: Via::Endpoint(e), .. } if e == "Endpoint"));
    assert!(matches!(via(&private[1]), Outcome::Blocked { .. }), "no route out: {:#?}", private[1]);

    let natted = answer(&net, &workloads[1]);
    // Private DNS answers the regional host in the whole VPC: the endpoint is used from here too.
    assert!(matches!(via(&natted[0]), Outcome::Reachable { via: Via::Endpoint(e), .. } if e == "Endpoint"));
    assert!(matches!(via(&natted[1]), Outcome::Reachable { via: Via::Nat(n), .. } if n == "Nat"));
}

#[test]
fn an_undecided_placement_answers_nothing() {
    let loaded = parse_str(TEMPLATE);
    let template = Template::from_tree(FileId(0), loaded.tree);
    let ev = Evaluator::new(&template);
    let net = Network::build(&ev);
    let mut workload = instances(&ev).remove(0);
    workload.placement = None;
    assert!(answer(&net, &workload).is_empty());
}
