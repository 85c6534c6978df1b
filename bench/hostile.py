#!/usr/bin/env python3
"""Hostile-input benchmark: time, peak memory and report size of one rotlint binary on inputs
built to hurt it (see BENCHMARKS.md, "Hostile inputs"). Writes nothing into the repository.

Usage: bench/hostile.py [ROTLINT_BINARY]   (default target/release/rotlint)
Needs /usr/bin/time (Debian package `time`). Each run is killed after 60 s.
"""
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target/release/rotlint")


def sub_doubling(levels):
    value = "x"
    for _ in range(levels):
        value = {"Fn::Sub": ["${a}${a}", {"a": value}]}
    return {"Resources": {
        "Secret": {"Type": "AWS::SecretsManager::Secret"},
        "Fn": {"Type": "AWS::Lambda::Function", "Properties": {
            "Timeout": 30, "Environment": {"Variables": {"SECRETS_MANAGER_ENDPOINT": value}}}},
        "Rot": {"Type": "AWS::SecretsManager::RotationSchedule", "Properties": {
            "SecretId": {"Ref": "Secret"}, "RotationLambdaARN": {"Fn::GetAtt": ["Fn", "Arn"]}}}}}


def inputs(d):
    """(name, description) of every input, written into d."""
    pad = {"P%d" % i: {"Type": "String"} for i in range(5000)}
    with open(os.path.join(d, "long-line.json"), "w") as f:
        json.dump({"Parameters": pad, "Resources": {"A": {"Type": "AWS::SNS::Topic", "Properties": {
            "TopicName": {"Ref": "Nope"}}}}}, f)
    with open(os.path.join(d, "sub-doubling.json"), "w") as f:
        json.dump(sub_doubling(60), f)
    with open(os.path.join(d, "dup-keys.yaml"), "w") as f:
        f.write("Resources:\n  T:\n    Type: AWS::SNS::Topic\n    Properties:\n")
        f.writelines("      K: %d\n" % i for i in range(20000))
    with open(os.path.join(d, "one-line-findings.json"), "w") as f:
        keys = ",".join('"K":%d' % i for i in range(4000))
        f.write('{"Resources":{"T":{"Type":"AWS::SNS::Topic","Properties":{%s}}}}' % keys)
    with open(os.path.join(d, "long-id.json"), "w") as f:
        props = {"P%d" % i: {"Ref": "Missing%d" % i} for i in range(100)}
        json.dump({"Resources": {"R" * (1024 * 1024): {"Type": "AWS::SNS::Topic", "Properties": props}}}, f)
    with open(os.path.join(d, "array-of-zeros.json"), "w") as f:
        f.write('{"Resources":{"T":{"Type":"AWS::SNS::Topic","Properties":{"L":[%s]}}}}'
                % ",".join(["0"] * 1000000))
    fan = os.path.join(d, "fan-in")
    os.mkdir(fan)
    with open(os.path.join(fan, "child.yaml"), "w") as f:
        f.write("Resources:\n  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}\n")
        f.writelines("  Topic%d: {Type: AWS::SNS::Topic, Properties: {TopicName: t%d, DisplayName: topic %d}}\n"
                     % (i, i, i) for i in range(60000))
    for p in range(300):
        with open(os.path.join(fan, "parent%d.yaml" % p), "w") as f:
            f.write("Resources:\n  Net:\n    Type: AWS::CloudFormation::Stack\n"
                    "    Properties: {TemplateURL: ./child.yaml}\n")
    return [
        ("long-line.json", "finding at column 100k of a one-line JSON template"),
        ("sub-doubling.json", "60 levels of Fn::Sub doubling (2 KB)"),
        ("dup-keys.yaml", "20,000 duplicate keys"),
        ("one-line-findings.json", "4,000 findings on one 35 KB line"),
        ("long-id.json", "1 MiB resource id named by 100 findings"),
        ("array-of-zeros.json", "2 MB JSON array of one-digit numbers"),
        ("fan-in", "4 MB child nested by 300 parents"),
    ]


def run(path, fmt):
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        try:
            proc = subprocess.run(["/usr/bin/time", "-f", "%e %M", BINARY, "--format", fmt, path],
                                  stdout=out, stderr=err, timeout=60)
        except subprocess.TimeoutExpired:
            return "killed after 60 s"
        err.seek(0)
        last = err.read().decode(errors="replace").strip().splitlines()[-1].split()
        size = out.tell()
        if proc.returncode not in (0, 1, 2):
            return "exit %d (%s s, %s MiB)" % (proc.returncode, last[0], int(last[-1]) // 1024)
        return "%s s, %d MiB, %s" % (last[0], int(last[-1]) // 1024, human(size))


def human(size):
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return "%d %s" % (size, unit) if unit == "B" else "%.1f %s" % (size, unit)
        size /= 1000.0


def main():
    with tempfile.TemporaryDirectory() as d:
        print("| input | text | json | sarif |")
        print("|---|---|---|---|")
        for name, what in inputs(d):
            cells = [run(os.path.join(d, name), fmt) for fmt in ("text", "json", "sarif")]
            print("| %s | %s |" % (what, " | ".join(cells)))


if __name__ == "__main__":
    main()
