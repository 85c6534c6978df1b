#!/usr/bin/env python3
"""Generate a large CloudFormation template for rotlint benchmarks.

The template is a fleet of VPCs ("cells"). Each cell has an internet gateway, a public subnet
with a NAT gateway, and `--groups-per-vpc` rotation groups; each group has a private subnet, its
route table, default route and association, two security groups, a secret, a database, a
rotation Lambda function in the VPC, its invoke permission and the rotation schedule. Every
tenth cell also has a Secrets Manager interface endpoint. Groups are added until the output
reaches `--size-mb` megabytes (10**6 bytes), so the size scales linearly with the group count.

Usage: gen_big.py --size-mb 10 [--format yaml|json] [--groups-per-vpc 20] OUT
"""

import argparse
import json
import sys


def ref(name):
    return {"Ref": name}


def getatt(name, attr):
    return {"Fn::GetAtt": [name, attr]}


def cell_resources(v):
    """Shared per-VPC resources of cell `v`."""
    p = f"V{v}"
    res = {
        f"{p}Vpc": {
            "Type": "AWS::EC2::VPC",
            "Properties": {"CidrBlock": "10.0.0.0/16", "EnableDnsSupport": True, "EnableDnsHostnames": True},
        },
        f"{p}Igw": {"Type": "AWS::EC2::InternetGateway"},
        f"{p}IgwAttach": {
            "Type": "AWS::EC2::VPCGatewayAttachment",
            "Properties": {"VpcId": ref(f"{p}Vpc"), "InternetGatewayId": ref(f"{p}Igw")},
        },
        f"{p}PublicSubnet": {
            "Type": "AWS::EC2::Subnet",
            "Properties": {
                "VpcId": ref(f"{p}Vpc"),
                "CidrBlock": "10.0.255.0/24",
                "AvailabilityZone": {"Fn::Select": [0, {"Fn::GetAZs": ""}]},
                "MapPublicIpOnLaunch": True,
            },
        },
        f"{p}PublicRt": {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": ref(f"{p}Vpc")}},
        f"{p}PublicRoute": {
            "Type": "AWS::EC2::Route",
            "DependsOn": f"{p}IgwAttach",
            "Properties": {
                "RouteTableId": ref(f"{p}PublicRt"),
                "DestinationCidrBlock": "0.0.0.0/0",
                "GatewayId": ref(f"{p}Igw"),
            },
        },
        f"{p}PublicAssoc": {
            "Type": "AWS::EC2::SubnetRouteTableAssociation",
            "Properties": {"SubnetId": ref(f"{p}PublicSubnet"), "RouteTableId": ref(f"{p}PublicRt")},
        },
        f"{p}NatEip": {"Type": "AWS::EC2::EIP", "Properties": {"Domain": "vpc"}},
        f"{p}Nat": {
            "Type": "AWS::EC2::NatGateway",
            "Properties": {"AllocationId": getatt(f"{p}NatEip", "AllocationId"), "SubnetId": ref(f"{p}PublicSubnet")},
        },
    }
    if v % 10 == 0:
        res[f"{p}SmEndpoint"] = {
            "Type": "AWS::EC2::VPCEndpoint",
            "Properties": {
                "VpcId": ref(f"{p}Vpc"),
                "ServiceName": {"Fn::Sub": "com.amazonaws.${AWS::Region}.secretsmanager"},
                "VpcEndpointType": "Interface",
                "PrivateDnsEnabled": True,
                "SubnetIds": [ref(f"{p}PublicSubnet")],
            },
        }
    return res


def group_resources(v, g):
    """One rotation group `g` inside cell `v`."""
    p = f"V{v}G{g}"
    vpc = f"V{v}Vpc"
    return {
        f"{p}Subnet": {
            "Type": "AWS::EC2::Subnet",
            "Properties": {
                "VpcId": ref(vpc),
                "CidrBlock": f"10.0.{g % 250}.0/24",
                "AvailabilityZone": {"Fn::Select": [g % 2, {"Fn::GetAZs": ""}]},
                "Tags": [{"Key": "Name", "Value": {"Fn::Sub": "${AWS::StackName}-" + p}}],
            },
        },
        f"{p}Rt": {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": ref(vpc)}},
        f"{p}Route": {
            "Type": "AWS::EC2::Route",
            "Properties": {
                "RouteTableId": ref(f"{p}Rt"),
                "DestinationCidrBlock": "0.0.0.0/0",
                "NatGatewayId": ref(f"V{v}Nat"),
            },
        },
        f"{p}Assoc": {
            "Type": "AWS::EC2::SubnetRouteTableAssociation",
            "Properties": {"SubnetId": ref(f"{p}Subnet"), "RouteTableId": ref(f"{p}Rt")},
        },
        f"{p}FnSg": {
            "Type": "AWS::EC2::SecurityGroup",
            "Properties": {"GroupDescription": f"rotation function {p}", "VpcId": ref(vpc)},
        },
        f"{p}DbSg": {
            "Type": "AWS::EC2::SecurityGroup",
            "Properties": {
                "GroupDescription": f"database {p}",
                "VpcId": ref(vpc),
                "SecurityGroupIngress": [
                    {
                        "IpProtocol": "tcp",
                        "FromPort": 5432,
                        "ToPort": 5432,
                        "SourceSecurityGroupId": getatt(f"{p}FnSg", "GroupId"),
                    }
                ],
            },
        },
        f"{p}DbSubnets": {
            "Type": "AWS::RDS::DBSubnetGroup",
            "Properties": {"DBSubnetGroupDescription": p, "SubnetIds": [ref(f"{p}Subnet"), ref(f"V{v}PublicSubnet")]},
        },
        f"{p}Secret": {
            "Type": "AWS::SecretsManager::Secret",
            "Properties": {
                "GenerateSecretString": {
                    "SecretStringTemplate": '{"username": "app"}',
                    "GenerateStringKey": "password",
                    "PasswordLength": 32,
                }
            },
        },
        f"{p}Db": {
            "Type": "AWS::RDS::DBInstance",
            "Properties": {
                "Engine": "postgres",
                "DBInstanceClass": "db.t4g.micro",
                "AllocatedStorage": "20",
                "DBSubnetGroupName": ref(f"{p}DbSubnets"),
                "VPCSecurityGroups": [getatt(f"{p}DbSg", "GroupId")],
                "MasterUsername": {"Fn::Sub": "{{resolve:secretsmanager:${" + p + "Secret}::username}}"},
                "MasterUserPassword": {"Fn::Sub": "{{resolve:secretsmanager:${" + p + "Secret}::password}}"},
            },
        },
        f"{p}Attach": {
            "Type": "AWS::SecretsManager::SecretTargetAttachment",
            "Properties": {"SecretId": ref(f"{p}Secret"), "TargetId": ref(f"{p}Db"), "TargetType": "AWS::RDS::DBInstance"},
        },
        f"{p}Fn": {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "Runtime": "python3.12",
                "Handler": "lambda_function.lambda_handler",
                "Code": {"S3Bucket": "artifacts", "S3Key": "rotation/postgresql-single-user.zip"},
                "Role": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/rotation"},
                "Timeout": 30,
                "VpcConfig": {"SubnetIds": [ref(f"{p}Subnet")], "SecurityGroupIds": [getatt(f"{p}FnSg", "GroupId")]},
                "Environment": {
                    "Variables": {"SECRETS_MANAGER_ENDPOINT": {"Fn::Sub": "https://secretsmanager.${AWS::Region}.amazonaws.com"}}
                },
            },
        },
        f"{p}Perm": {
            "Type": "AWS::Lambda::Permission",
            "Properties": {
                "FunctionName": getatt(f"{p}Fn", "Arn"),
                "Action": "lambda:InvokeFunction",
                "Principal": "secretsmanager.amazonaws.com",
            },
        },
        f"{p}Schedule": {
            "Type": "AWS::SecretsManager::RotationSchedule",
            "DependsOn": [f"{p}Attach", f"{p}Perm"],
            "Properties": {
                "SecretId": ref(f"{p}Secret"),
                "RotationLambdaARN": getatt(f"{p}Fn", "Arn"),
                "RotationRules": {"AutomaticallyAfterDays": 30},
            },
        },
    }


def yaml_scalar(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(value)  # a JSON string is a valid double-quoted YAML scalar


def emit_yaml(value, indent, out):
    """Block-style YAML, written iteratively by the caller's nesting (templates are shallow)."""
    pad = "  " * indent
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, (dict, list)) and v:
                out.append(f"{pad}{k}:\n")
                emit_yaml(v, indent + 1, out)
            else:
                out.append(f"{pad}{k}: {yaml_scalar(v) if not isinstance(v, (dict, list)) else json.dumps(v)}\n")
    else:
        for item in value:
            if isinstance(item, dict) and item:
                inner = []
                emit_yaml(item, indent + 1, inner)
                first = inner[0].lstrip(" ")
                out.append(f"{pad}- {first}")
                out.extend(inner[1:])
            elif isinstance(item, list):
                out.append(f"{pad}- {json.dumps(item)}\n")
            else:
                out.append(f"{pad}- {yaml_scalar(item)}\n")


def render(resources, fmt):
    doc = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "rotlint benchmark: generated fleet of rotation groups",
        "Resources": resources,
    }
    if fmt == "json":
        return json.dumps(doc, indent=1) + "\n"
    out = []
    emit_yaml(doc, 0, out)
    return "".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size-mb", type=float, default=10.0)
    ap.add_argument("--format", choices=["yaml", "json"], default="yaml")
    ap.add_argument("--groups-per-vpc", type=int, default=20)
    ap.add_argument("out")
    args = ap.parse_args()
    target = int(args.size_mb * 1_000_000)
    # Size one cell to learn bytes per group, then generate just enough cells.
    probe = {}
    probe.update(cell_resources(0))
    for g in range(args.groups_per_vpc):
        probe.update(group_resources(0, g))
    per_cell = len(render(probe, args.format))
    cells = max(1, round(target / per_cell))
    resources = {}
    for v in range(cells):
        resources.update(cell_resources(v))
        for g in range(args.groups_per_vpc):
            resources.update(group_resources(v, g))
    text = render(resources, args.format)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"{args.out}: {len(text)} bytes, {len(resources)} resources, {cells} VPCs", file=sys.stderr)


if __name__ == "__main__":
    main()
