//! Scenario tests.
#![expect(clippy::unwrap_used, reason = "test")]
use crate::diagnostic::FileId;
use crate::source::parse_str;
use crate::template::{Evaluator, Template};

#[test]
fn probe() {
    let yaml = r#"
Parameters:
  Subnets:
    Type: List<AWS::EC2::Subnet::Id>
Resources:
  Vpc:
    Type: AWS::EC2::VPC
  E:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      ServiceName: !Sub com.amazonaws.${AWS::Region}.secretsmanager
      SecurityGroupIds: [!GetAtt Vpc.DefaultSecurityGroup]
      J: !Join [",", [!Ref Vpc, !Ref E]]
      P: !Ref Subnets
      Q: !Select [0, !Cidr [!GetAtt Vpc.CidrBlock, 4, 8]]
      R: 443
"#;
    let t = Template::from_tree(FileId(0), parse_str(yaml).tree);
    let ev = Evaluator::new(&t);
    let r = t.resource("E").unwrap();
    for p in ["ServiceName", "SecurityGroupIds", "J", "P", "Q", "R", ""] {
        eprintln!("{p}: {:?}", ev.property(r, p).map(|v| v.kind));
    }
}
