#!/usr/bin/env python3
"""Generate the per-service fixtures of RL401/RL405 (run from the repository root).

One VPC function per file calls one service on strong evidence (an IAM statement whose Resource
is a resource of the template). States: an interface endpoint with private DNS (RL401 pass), no
endpoint and no NAT (RL401 fail), the endpoint with private DNS off (RL401 fail), only NAT
(RL405 fail). S3 and DynamoDB also get gateway endpoints on / off the route table (RL401 pass,
RL403 fail). Re-run after changing it, then update the snapshots (ROTLINT_UPDATE_SNAPSHOTS=1).
"""
import os

# prefix, endpoint name, resource (logical id, type, properties), action, how the statement names it
SERVICES = [
    ("sqs", "sqs", ("Queue", "AWS::SQS::Queue", ""), "sqs:SendMessage", "!GetAtt Queue.Arn"),
    ("sns", "sns", ("Topic", "AWS::SNS::Topic", ""), "sns:Publish", "!Ref Topic"),
    ("kms", "kms", ("Key", "AWS::KMS::Key", "      KeyPolicy: {Version: '2012-10-17', Statement: []}\n"), "kms:Decrypt", "!GetAtt Key.Arn"),
    ("secretsmanager", "secretsmanager", ("Secret", "AWS::SecretsManager::Secret", ""), "secretsmanager:GetSecretValue", "!Ref Secret"),
    ("kinesis", "kinesis-streams", ("Stream", "AWS::Kinesis::Stream", "      ShardCount: 1\n"), "kinesis:PutRecord", "!GetAtt Stream.Arn"),
    ("firehose", "kinesis-firehose", ("Delivery", "AWS::KinesisFirehose::DeliveryStream", ""), "firehose:PutRecord", "!GetAtt Delivery.Arn"),
    ("states", "states", ("Machine", "AWS::StepFunctions::StateMachine", ""), "states:StartExecution", "!Ref Machine"),
    ("lambda", "lambda", ("Other", "AWS::Lambda::Function", ""), "lambda:InvokeFunction", "!GetAtt Other.Arn"),
    ("events", "events", ("Bus", "AWS::Events::EventBus", "      Name: orders\n"), "events:PutEvents", "!GetAtt Bus.Arn"),
    ("ecr", "ecr.api", ("Repo", "AWS::ECR::Repository", ""), "ecr:DescribeImages", "!GetAtt Repo.Arn"),
    ("cognito-idp", "cognito-idp", ("Pool", "AWS::Cognito::UserPool", ""), "cognito-idp:AdminGetUser", "!GetAtt Pool.Arn"),
    ("glue", "glue", ("Catalog", "AWS::Glue::Database", ""), "glue:GetDatabase", "!Sub 'arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}:database/${Catalog}'"),
    ("xray", "xray", ("Sampling", "AWS::XRay::Group", ""), "xray:GetGroup", "!GetAtt Sampling.GroupARN"),
    ("ses", "email", ("Identity", "AWS::SES::EmailIdentity", "      EmailIdentity: example.com\n"), "ses:SendEmail", "!Sub 'arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/${Identity}'"),
    ("elasticfilesystem", "elasticfilesystem", ("Files", "AWS::EFS::FileSystem", ""), "elasticfilesystem:DescribeMountTargets", "!GetAtt Files.Arn"),
    ("dynamodb", "dynamodb", ("Table", "AWS::DynamoDB::Table", "      BillingMode: PAY_PER_REQUEST\n      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]\n      KeySchema: [{AttributeName: id, KeyType: HASH}]\n"), "dynamodb:GetItem", "!GetAtt Table.Arn"),
    ("s3", "s3", ("Bucket", "AWS::S3::Bucket", ""), "s3:GetObject", "!Sub '${Bucket.Arn}/*'"),
]

BASE = """AWSTemplateFormatVersion: "2010-09-09"
Description: '{desc}'
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {{CidrBlock: 10.0.0.0/16, EnableDnsSupport: true, EnableDnsHostnames: true}}
  PrivateA:
    Type: AWS::EC2::Subnet
    Properties: {{VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24}}
  Routes:
    Type: AWS::EC2::RouteTable
    Properties: {{VpcId: !Ref Vpc}}
  AssocA:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {{SubnetId: !Ref PrivateA, RouteTableId: !Ref Routes}}
  FnSg:
    Type: AWS::EC2::SecurityGroup
    Properties: {{GroupDescription: worker, VpcId: !Ref Vpc}}
  EndpointSg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: endpoints
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - {{IpProtocol: tcp, FromPort: 443, ToPort: 443, SourceSecurityGroupId: !Ref FnSg}}
  {rid}:
    Type: {rtype}
{rprops}  WorkerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - {{Effect: Allow, Principal: {{Service: lambda.amazonaws.com}}, Action: sts:AssumeRole}}
      ManagedPolicyArns:
        - !Sub arn:${{AWS::Partition}}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole
      Policies:
        - PolicyName: work
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: {action}
                Resource: {resource}
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Timeout: 30
      Role: !GetAtt WorkerRole.Arn
      Code: {{ZipFile: "def handler(event, context): return None"}}
      VpcConfig:
        SubnetIds: [!Ref PrivateA]
        SecurityGroupIds: [!Ref FnSg]
"""

def interface(endpoint, dns="true"):
    return f"""  Endpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: !Sub com.amazonaws.${{AWS::Region}}.{endpoint}
      VpcEndpointType: Interface
      PrivateDnsEnabled: {dns}
      SubnetIds: [!Ref PrivateA]
      SecurityGroupIds: [!Ref EndpointSg]
"""

def gateway(endpoint, tables):
    return f"""  Gateway:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: !Sub com.amazonaws.${{AWS::Region}}.{endpoint}
      RouteTableIds: {tables}
"""

NAT = """  Igw:
    Type: AWS::EC2::InternetGateway
  IgwAttachment:
    Type: AWS::EC2::VPCGatewayAttachment
    Properties: {VpcId: !Ref Vpc, InternetGatewayId: !Ref Igw}
  Public:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.0.0/24}
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
  NatDefault:
    Type: AWS::EC2::Route
    Properties: {RouteTableId: !Ref Routes, DestinationCidrBlock: 0.0.0.0/0, NatGatewayId: !Ref Nat}
"""

def write(rule, kind, name, desc, service, extra=""):
    prefix, endpoint, (rid, rtype, rprops), action, resource = service
    props = f"    Properties:\n{rprops}" if rprops else ""
    text = BASE.format(desc=desc, rid=rid, rtype=rtype, rprops=props, action=action, resource=resource) + extra
    path = os.path.join("testdata", rule, kind, f"service-{prefix}-{name}.yaml")
    with open(path, "w") as out:
        out.write(text)

for s in SERVICES:
    prefix, endpoint = s[0], s[1]
    # S3 and DynamoDB interface endpoints answer the regional name in the VPC only under DNS
    # options rotlint does not model yet (PrivateDnsOnlyForInboundResolverEndpoint): their pass
    # case is the gateway endpoint.
    if prefix not in ("s3", "dynamodb"):
        write("RL401", "pass", "interface-endpoint", f"{prefix}: an interface endpoint with private DNS admits the function.", s, interface(endpoint))
    write("RL401", "fail", "no-path", f"{prefix}: no endpoint and no NAT route.", s)
    write("RL401", "fail", "private-dns-off", f"{prefix}: the endpoint has private DNS off, so the regional name resolves to public addresses.", s, interface(endpoint, "false"))
    write("RL405", "fail", "only-nat", f"{prefix}: reached only through NAT.", s, NAT)
    if prefix in ("s3", "dynamodb"):
        write("RL401", "pass", "gateway-routed", f"{prefix}: a gateway endpoint on the subnet's route table.", s, gateway(endpoint, "[!Ref Routes]"))
        other = "  OtherRoutes:\n    Type: AWS::EC2::RouteTable\n    Properties: {VpcId: !Ref Vpc}\n"
        write("RL403", "fail", "gateway-not-routed", f"{prefix}: the gateway endpoint is on another route table.", s, other + gateway(endpoint, "[!Ref OtherRoutes]"))
