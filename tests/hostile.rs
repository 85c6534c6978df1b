//! Hostile input through the built binary: what an outsider's pull request can put in a
//! template, a file name or a side file must give a bounded, escaped report, never a crash, a
//! hang, an overwritten input or a leaked file. Inputs are generated here; nothing large is
//! checked in. Each run has a hang guard (a generous limit, not a speed measurement: speed is
//! measured in BENCHMARKS.md).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// Kill a run that takes longer than this; debug builds on a loaded 2-core machine finish
/// every case here in a few seconds.
const HANG_GUARD: Duration = Duration::from_secs(60);
/// The report-size budget of one hostile template, in any format.
const MAX_REPORT_BYTES: usize = 20 * 1024 * 1024;

struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("rotlint-hostile-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        Scratch(dir)
    }

    fn write(&self, name: impl AsRef<Path>, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).expect("write input");
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Run the binary in `dir`, killing it after [`HANG_GUARD`]; the exit code must be 0, 1 or 2.
fn rotlint(dir: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rotlint"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary starts");
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    let waiter = std::thread::spawn(move || {
        if rx.recv_timeout(HANG_GUARD).is_err() {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
        }
    });
    let stdout = child.stdout.take().expect("stdout");
    let stderr = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || read_all(stdout));
    let err = std::thread::spawn(move || read_all(stderr));
    let status = child.wait().expect("wait");
    let _ = tx.send(());
    let _ = waiter.join();
    let output = Output { status, stdout: out.join().expect("stdout"), stderr: err.join().expect("stderr") };
    let code = output.status.code();
    assert!(
        matches!(code, Some(0..=2)),
        "rotlint {args:?} ended with {:?} (killed after {HANG_GUARD:?}?)\nstderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn read_all(mut from: impl std::io::Read) -> Vec<u8> {
    let mut bytes = Vec::new();
    let _ = from.read_to_end(&mut bytes);
    bytes
}

fn text(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("reports are UTF-8")
}

const GOOD: &str = include_str!("../examples/nat/broken.yaml");

/// Item 1: a finding past column 65,535 of a one-line JSON template: the text report used to panic
/// (and lose every other file's findings).
#[test]
fn a_finding_far_along_one_line_is_reported() {
    let scratch = Scratch::new("long-line");
    scratch.write("good.yaml", GOOD);
    let padding: Vec<String> = (0..5000).map(|i| format!("\"P{i}\": {{\"Type\": \"String\"}}")).collect();
    let template = format!(
        "{{\"Parameters\": {{{}}}, \"Resources\": {{\"T\": {{\"Type\": \"AWS::SNS::Topic\", \"Properties\": {{\"TopicName\": {{\"Ref\": \"Nope\"}}}}}}}}}}",
        padding.join(", ")
    );
    scratch.write("long.json", &template);
    let out = rotlint(&scratch.0, &["--format", "text", "."]);
    assert_eq!(out.status.code(), Some(1));
    let report = text(&out);
    assert!(report.contains("long.json:1:") && report.contains("RL003"), "{report}");
    assert!(report.contains("good.yaml:") && report.contains("RL101"), "the other file is still reported");
    assert!(report.lines().all(|l| l.chars().count() < 1000), "long lines are clipped in excerpts");
}

/// Item 2: `Fn::Sub` doubling sixty times: bounded by the evaluator, reported as RL004.
#[test]
fn sub_doubling_is_cut_and_reported() {
    let scratch = Scratch::new("sub-bomb");
    let mut value = "\"x\"".to_owned();
    for _ in 0..60 {
        value = format!("{{\"Fn::Sub\": [\"${{a}}${{a}}\", {{\"a\": {value}}}]}}");
    }
    let template = format!(
        r#"{{"Resources": {{
  "Secret": {{"Type": "AWS::SecretsManager::Secret"}},
  "Fn": {{"Type": "AWS::Lambda::Function", "Properties": {{"Timeout": 30,
    "Environment": {{"Variables": {{"SECRETS_MANAGER_ENDPOINT": {value}}}}},
    "VpcConfig": {{"SubnetIds": [{value}], "SecurityGroupIds": [{value}]}}}}}},
  "Rot": {{"Type": "AWS::SecretsManager::RotationSchedule",
    "Properties": {{"SecretId": {{"Ref": "Secret"}}, "RotationLambdaARN": {{"Fn::GetAtt": ["Fn", "Arn"]}}}}}}}}}}"#
    );
    scratch.write("bomb.json", template);
    let out = rotlint(&scratch.0, &["--format", "json", "bomb.json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let rules: Vec<&str> =
        report["findings"].as_array().expect("findings").iter().filter_map(|f| f["rule"].as_str()).collect();
    assert!(rules.contains(&"RL004"), "{rules:?}");
}

/// Items 3 and 4: twenty thousand findings, thousands on one long line, and a megabyte-long resource
/// id named by many findings: every format stays within the report budget.
#[test]
fn many_findings_and_long_names_keep_every_format_small() {
    let scratch = Scratch::new("amplify");
    let mut dups = String::from("Resources:\n  T:\n    Type: AWS::SNS::Topic\n    Properties:\n");
    for i in 0..20_000 {
        dups.push_str(&format!("      K: {i}\n"));
    }
    scratch.write("dups.yaml", dups);
    let keys: Vec<String> = (0..4000).map(|i| format!("\"K\":{i}")).collect();
    scratch.write(
        "oneline.json",
        format!("{{\"Resources\":{{\"T\":{{\"Type\":\"AWS::SNS::Topic\",\"Properties\":{{{}}}}}}}}}", keys.join(",")),
    );
    let id = "R".repeat(1024 * 1024);
    let refs: Vec<String> = (0..300).map(|i| format!("\"P{i}\": {{\"Ref\": \"Missing{i}\"}}")).collect();
    scratch.write(
        "bigid.json",
        format!(
            "{{\"Resources\": {{\"{id}\": {{\"Type\": \"AWS::SNS::Topic\", \"Properties\": {{{}}}}}}}}}",
            refs.join(", ")
        ),
    );
    for name in ["dups.yaml", "oneline.json", "bigid.json"] {
        for format in ["text", "json", "sarif", "compact", "github", "junit"] {
            let out = rotlint(&scratch.0, &["--format", format, name]);
            assert_eq!(out.status.code(), Some(1), "{name} {format}");
            assert!(out.stdout.len() < MAX_REPORT_BYTES, "{name} {format}: {} bytes", out.stdout.len());
        }
    }
    let out = rotlint(&scratch.0, &["--format", "json", "dups.yaml"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let findings = report["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 1001, "1,000 findings and one that counts the rest");
    let last = findings.last().expect("summary");
    assert_eq!(last["rule"], "RL004");
    assert!(last["message"].as_str().is_some_and(|m| m.starts_with("18999 more findings")), "{last}");
    let out = rotlint(&scratch.0, &["--format", "json", "bigid.json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    for finding in report["findings"].as_array().expect("findings") {
        assert!(finding["message"].as_str().is_some_and(|m| m.len() < 4000), "messages clip long names");
    }
}

/// Item 6: a resource id and a file name carrying a newline, a workflow command and terminal control
/// characters: no format lets them start a line or reach the terminal raw.
#[test]
fn template_text_cannot_inject_into_any_format() {
    let scratch = Scratch::new("inject");
    let evil = "Bad\n::error file=x::pwned\u{1b}[31m\u{7}\u{9b}2J\u{202e}";
    let template = serde_json::json!({
        "Transform": "AWS::SecretsManager-2024-09-16",
        "Resources": {
            evil: {"Type": "AWS::SNS::Topic", "Properties": {"X": {"Ref": "Nope\n::warning::x\u{1b}]0;t\u{7}"}}},
            "Secret": {"Type": "AWS::SecretsManager::Secret"},
            "Schedule": {"Type": "AWS::SecretsManager::RotationSchedule", "Properties": {
                "SecretId": {"Ref": "Secret"},
                "HostedRotationLambda": {"RotationType": "PostgreSQLSingleUser",
                    "VpcSubnetIds": "subnet-1\n::error::x", "VpcSecurityGroupIds": "sg-1\u{1b}[2J"}}}
        }
    });
    scratch.write("plain.json", serde_json::to_string(&template).expect("JSON"));
    scratch.write("evil\n::error file=y::name\u{1b}[1m.json", serde_json::to_string(&template).expect("JSON"));
    let check = |what: &str, bytes: &[u8]| {
        let report = String::from_utf8(bytes.to_vec()).expect("UTF-8");
        for line in report.lines() {
            assert!(!line.trim_start().starts_with("::"), "{what}: a line starts a workflow command: {line:?}");
        }
        let raw = report.chars().find(|&c| rotlint::report::escape::is_unsafe(c) && c != '\n');
        assert_eq!(raw, None, "{what}: a control character reached the output");
    };
    for format in ["text", "compact", "json", "sarif", "junit"] {
        let out = rotlint(&scratch.0, &["--format", format, "--color", "never", "."]);
        check(format, &out.stdout);
        check(&format!("{format} (stderr)"), &out.stderr);
    }
    for format in ["text", "json", "mermaid", "dot"] {
        let out = rotlint(&scratch.0, &["paths", "--format", format, "."]);
        check(&format!("paths {format}"), &out.stdout);
    }
    // GitHub annotations: one command per finding, each at the start of its own line.
    let out = rotlint(&scratch.0, &["--format", "github", "."]);
    let report = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(
        report.lines().all(|l| l.starts_with("::error ") || l.starts_with("::warning ") || l.starts_with("::notice "))
    );
    // JSON keeps the exact names (escaped in the document, equal once read).
    let out = rotlint(&scratch.0, &["--format", "json", "plain.json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let names: Vec<&str> =
        report["findings"].as_array().expect("findings").iter().filter_map(|f| f["resource"].as_str()).collect();
    assert!(names.contains(&evil), "{names:?}");
}

/// Item 7: an output path that is an input: refused with exit 2, the input untouched.
#[test]
fn outputs_never_overwrite_an_input() {
    let scratch = Scratch::new("overwrite");
    let template = scratch.write("stack.yaml", GOOD);
    scratch.write("params.json", "{}");
    let cases: &[&[&str]] = &[
        &["-o", "stack.yaml", "stack.yaml"],
        &["-o", "./stack.yaml", "."],
        &["--write-baseline", "stack.yaml", "."],
        &["--parameters", "params.json", "-o", "params.json", "stack.yaml"],
        &["paths", "-o", "stack.yaml", "."],
    ];
    for args in cases {
        let out = rotlint(&scratch.0, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("refusing to write"), "{args:?}");
        assert_eq!(std::fs::read_to_string(&template).expect("read"), GOOD, "{args:?} changed the template");
    }
    assert_eq!(std::fs::read_to_string(scratch.0.join("params.json")).expect("read"), "{}");
    // Writing elsewhere works, and leaves no temporary file.
    let out = rotlint(&scratch.0, &["-o", "report.json", "--format", "json", "stack.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    let mut names: Vec<String> = std::fs::read_dir(&scratch.0)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["params.json", "report.json", "stack.yaml"]);
}

/// Item 11: side files that never end or are not files: refused at once with exit 2.
#[test]
fn side_files_must_be_regular_files() {
    let scratch = Scratch::new("side");
    scratch.write("stack.yaml", GOOD);
    let fifo = scratch.0.join("fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().is_ok_and(|s| s.success());
    let mut sources = vec!["/dev/zero".to_owned()];
    if made {
        sources.push(fifo.display().to_string());
    } else {
        eprintln!("mkfifo is not available: FIFO cases skipped");
    }
    for source in &sources {
        for flag in ["--parameters", "--baseline", "--config"] {
            let out = rotlint(&scratch.0, &[flag, source, "stack.yaml"]);
            assert_eq!(out.status.code(), Some(2), "{flag} {source}");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(stderr.contains("not a regular file"), "{flag} {source}: {stderr}");
        }
    }
    // A parameters file with a UTF-8 byte-order mark is read like a template with one.
    scratch.write("bom.json", "\u{feff}{\"ArtifactBucket\": \"prod\"}");
    let out = rotlint(&scratch.0, &["--parameters", "bom.json", "stack.yaml"]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Item 13: one large child nested by many parents is parsed once, not once per parent.
#[test]
fn a_nested_child_of_many_parents_is_read_once() {
    let scratch = Scratch::new("fan-in");
    let mut child = String::from("Resources:\n  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}\n");
    for i in 0..20_000 {
        child.push_str(&format!("  Topic{i}: {{Type: AWS::SNS::Topic, Properties: {{TopicName: t{i}}}}}\n"));
    }
    scratch.write("child.yaml", child);
    for p in 0..100 {
        scratch.write(
            format!("parent{p}.yaml"),
            "Resources:\n  Net:\n    Type: AWS::CloudFormation::Stack\n    Properties: {TemplateURL: ./child.yaml}\n",
        );
    }
    let out = rotlint(&scratch.0, &["--format", "compact", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Item 14: paths that cannot be walked, BOM-less UTF-16 and absurd thread counts.
#[test]
fn odd_paths_encodings_and_thread_counts_are_reported() {
    let scratch = Scratch::new("odd");
    scratch.write("stack.yaml", GOOD);
    let utf16: Vec<u8> =
        "Resources:\n  T: {Type: AWS::SNS::Topic}\n".encode_utf16().flat_map(u16::to_le_bytes).collect();
    scratch.write("utf16.yaml", utf16);
    // Directories nested past PATH_MAX (4,096 bytes), made one relative level at a time.
    let name = "d".repeat(200);
    let script =
        format!("mkdir deep && cd deep && for i in $(seq 24); do mkdir {name} && cd {name}; done && echo x > t.yaml");
    let deep_made =
        Command::new("sh").arg("-c").arg(&script).current_dir(&scratch.0).status().is_ok_and(|s| s.success());
    if !deep_made {
        eprintln!("could not build a path past PATH_MAX here: that case is skipped");
    }
    let out = rotlint(&scratch.0, &["--format", "compact", "."]);
    let report = text(&out);
    assert!(report.contains("utf16.yaml:1:1: error[RL001]") && report.contains("UTF-16"), "{report}");
    if deep_made {
        assert!(report.contains("./deep/"), "the unwalkable directory is reported: {report}");
    }
    let out = rotlint(&scratch.0, &["--threads", "100000", "stack.yaml"]);
    assert_eq!(out.status.code(), Some(2));
}
