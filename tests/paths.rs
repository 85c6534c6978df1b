//! End-to-end tests of `rotlint paths`: the built binary on the stacks in testdata/paths/, each
//! format compared with the snapshot beside the stack (`<stack>.<format>.snap`). Set
//! `ROTLINT_UPDATE_SNAPSHOTS=1` to write them; review means reading the diff.

use std::path::PathBuf;
use std::process::Command;

const FORMATS: [&str; 4] = ["text", "json", "mermaid", "dot"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `rotlint paths` from the crate root, so file names in the output are stable.
fn paths(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rotlint"))
        .current_dir(root())
        .arg("paths")
        .args(args)
        .output()
        .expect("binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn check_snapshots(stack: &str) {
    let update = std::env::var("ROTLINT_UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1");
    let input = format!("testdata/paths/{stack}.yaml");
    let mut failures = Vec::new();
    for format in FORMATS {
        let (code, stdout, stderr) = paths(&["--format", format, &input]);
        assert_eq!(code, 0, "{stack} {format}: {stderr}");
        let snap = root().join(format!("testdata/paths/{stack}.{format}.snap"));
        if update {
            std::fs::write(&snap, &stdout).expect("write snapshot");
            continue;
        }
        match std::fs::read_to_string(&snap) {
            Ok(expected) if expected == stdout => {}
            Ok(expected) => failures.push(format!("{} differs:\n{}", snap.display(), diff(&expected, &stdout))),
            Err(_) => failures.push(format!(
                "{} is missing; run with ROTLINT_UPDATE_SNAPSHOTS=1 and review it:\n{stdout}",
                snap.display()
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The first differing lines, enough to see what changed.
fn diff(expected: &str, actual: &str) -> String {
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    let first = e.iter().zip(&a).position(|(x, y)| x != y).unwrap_or(e.len().min(a.len()));
    let show = |lines: &[&str]| lines.iter().skip(first).take(6).copied().collect::<Vec<_>>().join("\n");
    format!("at line {}:\n--- snapshot\n{}\n+++ actual\n{}", first + 1, show(&e), show(&a))
}

#[test]
fn endpoint_stack_snapshots() {
    check_snapshots("endpoint");
}

#[test]
fn nat_stack_snapshots() {
    check_snapshots("nat");
}

#[test]
fn broken_stack_snapshots() {
    check_snapshots("broken");
}

#[test]
fn unverifiable_stack_snapshots() {
    check_snapshots("unverifiable");
}

#[test]
fn escaping_stack_snapshots() {
    check_snapshots("escaping");
}

#[test]
fn lambda_endpoints_stack_snapshots() {
    check_snapshots("lambda-endpoints");
}

#[test]
fn lambda_unreachable_stack_snapshots() {
    check_snapshots("lambda-unreachable");
}

#[test]
fn fargate_stack_snapshots() {
    check_snapshots("fargate");
}

#[test]
fn every_stack_has_all_snapshots_and_no_orphans() {
    let dir = root().join("testdata/paths");
    let mut stacks = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("testdata/paths") {
        let name = entry.expect("entry").file_name().to_string_lossy().into_owned();
        if let Some(stack) = name.strip_suffix(".yaml") {
            stacks.push(stack.to_owned());
        } else if let Some(rest) = name.strip_suffix(".snap") {
            let (stack, format) = rest.rsplit_once('.').expect("<stack>.<format>.snap");
            assert!(FORMATS.contains(&format), "unknown format in {name}");
            assert!(dir.join(format!("{stack}.yaml")).exists(), "orphan snapshot {name}");
        }
    }
    stacks.sort();
    assert_eq!(
        stacks,
        ["broken", "endpoint", "escaping", "fargate", "lambda-endpoints", "lambda-unreachable", "nat", "unverifiable"],
        "add a test for a new stack"
    );
    for stack in &stacks {
        for format in FORMATS {
            assert!(dir.join(format!("{stack}.{format}.snap")).exists(), "missing {stack}.{format}.snap");
        }
    }
}

#[test]
fn json_follows_the_documented_schema() {
    let (_, stdout, _) = paths(&["--format", "json", "testdata/paths/"]);
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("valid JSON");
    assert_eq!(doc["tool"]["name"], "rotlint");
    let functions = doc["functions"].as_array().expect("functions");
    assert_eq!(functions.len(), 6);
    let sm_verdicts = ["endpoint", "nat", "public-endpoint", "blocked", "unknown"];
    let target_verdicts = ["local", "internet", "nat", "blocked", "unknown"];
    for f in functions {
        for key in ["file", "line", "column", "function", "kind", "type", "rotation_type", "in_vpc"] {
            assert!(f.get(key).is_some(), "missing {key} in {f}");
        }
        check_verdict(&f["secrets_manager"], &sm_verdicts);
        if !f["target"].is_null() {
            for key in ["id", "type", "line", "column", "engine", "port"] {
                assert!(f["target"].get(key).is_some(), "missing target.{key}");
            }
            check_verdict(&f["target"], &target_verdicts);
        }
    }
    let verdicts: Vec<&str> = functions.iter().filter_map(|f| f["secrets_manager"]["verdict"].as_str()).collect();
    assert_eq!(verdicts, ["blocked", "endpoint", "unknown", "nat", "unknown", "public-endpoint"]);
    let workloads = doc["workloads"].as_array().expect("workloads");
    let service_verdicts = ["endpoint", "gateway-endpoint", "nat", "internet", "blocked", "unknown"];
    let mut seen = Vec::new();
    for w in workloads {
        for key in
            ["file", "line", "column", "workload", "kind", "type", "rotation", "task_definition", "unknown_needs"]
        {
            assert!(w.get(key).is_some(), "missing {key} in {w}");
        }
        for s in w["services"].as_array().expect("services") {
            for key in ["service", "endpoint", "label", "purpose", "evidence", "reasons"] {
                assert!(s.get(key).is_some(), "missing service.{key} in {s}");
            }
            assert_eq!(s["evidence"].is_null(), w["kind"] == "task", "{s}");
            assert_eq!(s["purpose"].is_null(), w["kind"] == "function", "{s}");
            assert!(!s["reasons"].as_array().expect("reasons").is_empty(), "every need says why: {s}");
            check_verdict(s, &service_verdicts);
            seen.push(format!(
                "{}/{}:{}",
                w["workload"].as_str().unwrap_or(""),
                s["service"].as_str().unwrap_or(""),
                s["verdict"].as_str().unwrap_or("")
            ));
        }
    }
    assert_eq!(
        seen,
        [
            "Service/ecr.api:endpoint",
            "Service/ecr.dkr:endpoint",
            "Service/s3:gateway-endpoint",
            "Service/secretsmanager:endpoint",
            "Service/logs:blocked",
            "Worker/s3:gateway-endpoint",
            "Worker/sqs:endpoint",
            "Worker/dynamodb:blocked",
        ]
    );
}

/// Templates without VPC functions or Fargate tasks keep the JSON they had: no `workloads` key.
#[test]
fn json_has_no_workloads_key_without_workloads() {
    let (_, stdout, _) = paths(&["--format", "json", "testdata/paths/nat.yaml"]);
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("valid JSON");
    assert!(doc.get("workloads").is_none(), "{stdout}");
}

/// A rotation function's other calls are listed with it as a VPC function; its Secrets Manager
/// path stays with the rotation functions.
#[test]
fn functions_and_tasks_are_drawn_with_a_node_per_service() {
    let (_, mermaid, _) = paths(&["--format", "mermaid", "testdata/paths/lambda-unreachable.yaml"]);
    assert!(mermaid.contains("w0_Routes -.->|\"blocked: "), "{mermaid}");
    assert!(mermaid.contains("w0_svc_dynamodb([\"DynamoDB\"])"), "{mermaid}");
    let (_, dot, _) = paths(&["--format", "dot", "testdata/paths/fargate.yaml"]);
    assert!(dot.contains("w0_S3Gateway -> w0_svc_s3 [color=\"#1a7f37\""), "{dot}");
    assert!(dot.contains("w0_PrivateRoutes -> w0_svc_logs [color=red"), "{dot}");
}

fn check_verdict(v: &serde_json::Value, allowed: &[&str]) {
    let verdict = v["verdict"].as_str().expect("verdict");
    assert!(allowed.contains(&verdict), "verdict {verdict}");
    for key in ["via", "coverage", "reason", "subnets", "endpoint_issues"] {
        assert!(v.get(key).is_some(), "missing {key} in {v}");
    }
    for s in v["subnets"].as_array().expect("subnets") {
        for key in ["subnet", "verdict", "via", "blocker", "reason", "reason_line", "reason_column", "hops"] {
            assert!(s.get(key).is_some(), "missing subnet.{key} in {s}");
        }
        assert_eq!(s["blocker"].is_null(), s["verdict"] != "blocked", "{s}");
        assert_eq!(s["reason"].is_null(), s["verdict"] != "unknown", "{s}");
        let hops = s["hops"].as_array().expect("hops");
        assert!(!hops.is_empty(), "every path starts at the function");
        for h in hops {
            for key in ["resource", "type", "line", "column", "note", "condition"] {
                assert!(h.get(key).is_some(), "missing hop.{key} in {h}");
            }
        }
    }
}

#[test]
fn broken_hops_are_drawn_distinctly() {
    let (_, mermaid, _) = paths(&["--format", "mermaid", "testdata/paths/broken.yaml"]);
    assert!(mermaid.starts_with("flowchart LR\n"), "{mermaid}");
    assert!(mermaid.contains("f0_PrivateRouteTable -.->|\"blocked: "), "{mermaid}");
    assert!(mermaid.contains("classDef blocked stroke:#d00,color:#d00"), "{mermaid}");
    assert!(mermaid.contains("class f0_secrets_manager,f0_PrivateRouteTable,"), "{mermaid}");
    let (_, dot, _) = paths(&["--format", "dot", "testdata/paths/broken.yaml"]);
    assert!(dot.starts_with("digraph "), "{dot}");
    assert!(
        dot.contains("f0_PrivateRouteTable -> f0_secrets_manager [color=red, fontcolor=red, style=dashed"),
        "{dot}"
    );
}

#[test]
fn unverifiable_and_reachable_paths_are_marked() {
    let (_, mermaid, _) = paths(&["--format", "mermaid", "testdata/paths/unverifiable.yaml"]);
    assert!(mermaid.contains("-.->|\"cannot verify: "), "{mermaid}");
    assert!(mermaid.contains("-->|\"public regional endpoint\"| f1_secrets_manager"), "{mermaid}");
    let (_, dot, _) = paths(&["--format", "dot", "testdata/paths/nat.yaml"]);
    assert!(dot.contains("f0_InternetGateway -> f0_secrets_manager [color=\"#1a7f37\""), "{dot}");
}

#[test]
fn labels_are_escaped_for_each_syntax() {
    let (_, mermaid, _) = paths(&["--format", "mermaid", "testdata/paths/escaping.yaml"]);
    assert!(mermaid.contains("subnet-#quot;quoted#quot;\\back#lt;b#gt;#35;x;#124;#amp;amp;end"), "{mermaid}");
    let (_, dot, _) = paths(&["--format", "dot", "testdata/paths/escaping.yaml"]);
    assert!(dot.contains(r#"subnet-\"quoted\"\\back<b>#x;|&amp;amp;end"#), "{dot}");
}

#[test]
fn output_file_gets_the_same_bytes() {
    let out = std::env::temp_dir().join(format!("rotlint-paths-{}.mmd", std::process::id()));
    let out_arg = out.to_str().expect("utf8");
    let (code, stdout, stderr) = paths(&["--format", "mermaid", "-o", out_arg, "testdata/paths/nat.yaml"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    let (_, expected, _) = paths(&["--format", "mermaid", "testdata/paths/nat.yaml"]);
    assert_eq!(std::fs::read_to_string(&out).expect("written"), expected);
    let _ = std::fs::remove_file(&out);
}

#[test]
fn no_rotation_function_still_gives_valid_output() {
    let dir = std::env::temp_dir().join(format!("rotlint-paths-empty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join("bucket.yaml");
    std::fs::write(&file, "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n").expect("write");
    let file_arg = file.to_str().expect("utf8");
    let (_, text, _) = paths(&[file_arg]);
    assert_eq!(text, "no rotation functions found\n");
    let (_, json, _) = paths(&["--format", "json", file_arg]);
    let doc: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(doc["functions"], serde_json::json!([]));
    let (_, mermaid, _) = paths(&["--format", "mermaid", file_arg]);
    assert!(mermaid.starts_with("flowchart LR\n  none["), "{mermaid}");
    let (_, dot, _) = paths(&["--format", "dot", file_arg]);
    assert!(dot.starts_with("digraph rotlint_paths {") && dot.trim_end().ends_with('}'), "{dot}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A placement written as `Fn::If` is stated with its condition, as findings state it.
#[test]
fn conditional_placement_names_the_condition() {
    let fixture = "testdata/RL101/fail/conditional-vpc-config.yaml";
    let (_, text, _) = paths(&[fixture]);
    assert!(text.contains("in a VPC only when `InVpc` is true)"), "{text}");
    let (_, json, _) = paths(&["--format", "json", fixture]);
    let doc: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert_eq!(doc["functions"][0]["in_vpc_when"], serde_json::json!({"condition": "InVpc", "value": true}));
}

#[test]
fn conditional_placement_from_sam_globals_names_the_condition() {
    let fixture = "testdata/RL101/fail/conditional-globals-vpc-config.yaml";
    let (_, text, _) = paths(&[fixture]);
    assert!(text.contains("in a VPC only when `InVpc` is true)"), "{text}");
}

/// A rotation function that calls more than Secrets Manager is listed again as a VPC function,
/// with only its other services: its Secrets Manager path stays with the rotation functions.
#[test]
fn a_rotation_function_lists_its_other_calls_as_a_vpc_function() {
    let dir = std::env::temp_dir().join(format!("rotlint-paths-rotation-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let source = std::fs::read_to_string(root().join("testdata/paths/nat.yaml")).expect("nat.yaml");
    let source = source
        .replace("  RotationFunctionRole:\n", "  Queue:\n    Type: AWS::SQS::Queue\n  RotationFunctionRole:\n")
        .replace(
            "                Action: secretsmanager:GetRandomPassword\n                Resource: \"*\"\n",
            "                Action: secretsmanager:GetRandomPassword\n                Resource: \"*\"\n              - Effect: Allow\n                Action: sqs:SendMessage\n                Resource: !GetAtt Queue.Arn\n",
        );
    let file = dir.join("rotation.yaml");
    std::fs::write(&file, source).expect("write");
    let (_, json, _) = paths(&["--format", "json", file.to_str().expect("utf8")]);
    let doc: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(doc["functions"][0]["secrets_manager"]["verdict"], "nat", "{json}");
    let workloads = doc["workloads"].as_array().expect("workloads");
    assert_eq!(workloads.len(), 1, "{json}");
    assert_eq!(workloads[0]["workload"], "RotationFunction");
    assert_eq!(workloads[0]["rotation"], true);
    let services: Vec<&str> =
        workloads[0]["services"].as_array().expect("services").iter().filter_map(|s| s["service"].as_str()).collect();
    assert_eq!(services, ["sqs"]);
    assert_eq!(workloads[0]["services"][0]["verdict"], "nat");
    let _ = std::fs::remove_dir_all(&dir);
}
