//! End-to-end tests: run the built binary on files and check output formats and exit codes.

use std::path::PathBuf;
use std::process::Command;

fn rotlint(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rotlint")).args(args).output().expect("binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rotlint-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

const CLEAN: &str = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Bucket:\n    Type: AWS::S3::Bucket\n";
const BROKEN: &str = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Bucket: [unclosed\n";
const NO_PERMISSION: &str = "AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Secret:
    Type: AWS::SecretsManager::Secret
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
      Runtime: python3.12
      Role: arn:aws:iam::123456789012:role/x
      Timeout: 30
      Environment:
        Variables:
          SECRETS_MANAGER_ENDPOINT: !Sub https://secretsmanager.${AWS::Region}.amazonaws.com
  Schedule:
    Type: AWS::SecretsManager::RotationSchedule
    Properties:
      SecretId: !Ref Secret
      RotationLambdaARN: !GetAtt Fn.Arn
";

#[test]
fn clean_template_exits_zero() {
    let dir = temp_dir("clean");
    let file = dir.join("clean.yaml");
    std::fs::write(&file, CLEAN).expect("write");
    let (code, stdout, _) = rotlint(&[file.to_str().expect("utf8")]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("0 errors, 0 warnings, 0 notes in 1 file"), "{stdout}");
}

#[test]
fn parse_error_is_a_finding_with_exit_one_and_other_files_still_linted() {
    let dir = temp_dir("broken");
    std::fs::write(dir.join("a-broken.yaml"), BROKEN).expect("write");
    std::fs::write(dir.join("b-rotation.yaml"), NO_PERMISSION).expect("write");
    let (code, stdout, _) = rotlint(&["--format", "json", dir.to_str().expect("utf8")]);
    assert_eq!(code, 1);
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(json["files_scanned"], 2);
    let rules: Vec<&str> =
        json["findings"].as_array().expect("array").iter().filter_map(|f| f["rule"].as_str()).collect();
    assert!(rules.contains(&"RL001"), "{rules:?}");
    assert!(rules.contains(&"RL303"), "{rules:?}");
    let first = &json["findings"][0];
    assert!(first["file"].as_str().is_some_and(|f| f.ends_with("a-broken.yaml")));
    assert!(first["line"].as_u64().is_some_and(|l| l >= 3), "{first}");
}

#[test]
fn json_contract_fields() {
    let dir = temp_dir("contract");
    let file = dir.join("t.yaml");
    std::fs::write(&file, NO_PERMISSION).expect("write");
    let (_, stdout, _) = rotlint(&["--format", "json", file.to_str().expect("utf8")]);
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(json["tool"]["name"], "rotlint");
    let f = json["findings"].as_array().and_then(|a| a.iter().find(|f| f["rule"] == "RL303")).expect("RL303");
    for key in [
        "rule",
        "name",
        "level",
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "resource",
        "message",
        "related",
        "suppressed",
    ] {
        assert!(f.get(key).is_some(), "missing {key} in {f}");
    }
    assert_eq!(f["name"], "missing-invoke-permission");
    assert_eq!(f["resource"], "Fn");
    assert_eq!((f["line"].as_u64(), f["column"].as_u64()), (Some(5), Some(3)));
    assert!(f["suppressed"].is_null());
}

#[test]
fn fail_level_controls_exit_code() {
    let dir = temp_dir("fail-level");
    let file = dir.join("t.yaml");
    // Only a warning: timeout too short (permission and endpoint present).
    let text = NO_PERMISSION.replace("Timeout: 30", "Timeout: 10")
        + "  Permission:\n    Type: AWS::Lambda::Permission\n    Properties:\n      Action: lambda:InvokeFunction\n      FunctionName: !Ref Fn\n      Principal: secretsmanager.amazonaws.com\n";
    std::fs::write(&file, text).expect("write");
    let path = file.to_str().expect("utf8");
    assert_eq!(rotlint(&[path]).0, 0);
    assert_eq!(rotlint(&["--fail-level", "warning", path]).0, 1);
}

#[test]
fn bad_arguments_exit_two() {
    assert_eq!(rotlint(&["--format", "nope"]).0, 2);
    assert_eq!(rotlint(&["/definitely/not/here.yaml"]).0, 2);
    assert_eq!(rotlint(&["explain", "RL999"]).0, 2);
}

#[test]
fn explain_prints_the_rule_doc() {
    let (code, stdout, _) = rotlint(&["explain", "RL101"]);
    assert_eq!(code, 0);
    assert!(stdout.starts_with("# RL101 no-secrets-manager-path"));
    assert!(stdout.contains("## Fix"));
}

#[test]
fn output_file_and_no_color() {
    let dir = temp_dir("output");
    let file = dir.join("t.yaml");
    std::fs::write(&file, NO_PERMISSION).expect("write");
    let report = dir.join("report.txt");
    let (code, stdout, _) =
        rotlint(&["--color", "never", "-o", report.to_str().expect("utf8"), file.to_str().expect("utf8")]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    let text = std::fs::read_to_string(&report).expect("report written");
    assert!(text.contains("error[RL303]"));
    assert!(!text.contains('\u{1b}'), "no ANSI escapes with --color never");
}

#[test]
fn output_is_identical_whatever_the_thread_count() {
    let examples = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata");
    let one = rotlint(&["--format", "json", "--threads", "1", examples]).1;
    let two = rotlint(&["--format", "json", "--threads", "2", examples]).1;
    assert!(!one.is_empty());
    assert_eq!(one, two);
}

#[test]
fn walked_directories_skip_non_templates_and_gitignored_files() {
    let dir = temp_dir("walk");
    std::fs::write(dir.join("package.json"), "{\"name\": \"x\"}").expect("write");
    std::fs::write(dir.join("ignored.yaml"), BROKEN).expect("write");
    std::fs::write(dir.join(".gitignore"), "ignored.yaml\n").expect("write");
    std::fs::write(dir.join("t.yaml"), CLEAN).expect("write");
    let (code, stdout, _) = rotlint(&["--format", "json", dir.to_str().expect("utf8")]);
    assert_eq!(code, 0, "{stdout}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(json["files_scanned"], 1);
}

#[test]
fn parameter_flags_are_validated() {
    let dir = temp_dir("params");
    let file = dir.join("t.yaml");
    std::fs::write(&file, CLEAN).expect("write");
    let path = file.to_str().expect("utf8");
    assert_eq!(rotlint(&["--parameter", "novalue", path]).0, 2);
    // A name no template declares is an error naming it (tests/cli_input.rs has the details).
    assert_eq!(rotlint(&["--parameter", "Key=Value", path]).0, 2);
    std::fs::write(&file, format!("Parameters:\n  A: {{Type: String}}\n{CLEAN}")).expect("write");
    assert_eq!(rotlint(&["--parameter", "A=Value", path]).0, 0);
    let params = dir.join("p.json");
    std::fs::write(&params, "[{\"ParameterKey\": \"A\", \"ParameterValue\": \"b\"}]").expect("write");
    assert_eq!(rotlint(&["--parameters", params.to_str().expect("utf8"), path]).0, 0);
}

#[test]
fn config_file_levels_fail_level_and_unknown_keys() {
    let dir = temp_dir("config");
    let file = dir.join("t.yaml");
    std::fs::write(&file, NO_PERMISSION).expect("write");
    let path = file.to_str().expect("utf8");
    let config = dir.join("rotlint.toml");
    let config_path = config.to_str().expect("utf8");
    std::fs::write(&config, "[rules]\nmissing-invoke-permission = \"off\"\n").expect("write");
    let (code, stdout, _) = rotlint(&["--config", config_path, "--format", "json", path]);
    assert_eq!(code, 0, "RL303 is off, nothing else is an error: {stdout}");
    assert!(!stdout.contains("RL303"));
    // Only a warning (RL304) below: exit 0 by default, 1 with the config's fail-level.
    let warning_only = dir.join("warning.yaml");
    let text = NO_PERMISSION.replace("Timeout: 30", "Timeout: 10")
        + "  Permission:\n    Type: AWS::Lambda::Permission\n    Properties:\n      Action: lambda:InvokeFunction\n      FunctionName: !Ref Fn\n      Principal: secretsmanager.amazonaws.com\n";
    std::fs::write(&warning_only, text).expect("write");
    let warning_path = warning_only.to_str().expect("utf8");
    std::fs::write(&config, "\n").expect("write");
    assert_eq!(rotlint(&["--config", config_path, warning_path]).0, 0);
    std::fs::write(&config, "fail-level = \"warning\"\n").expect("write");
    assert_eq!(rotlint(&["--config", config_path, warning_path]).0, 1);
    assert_eq!(rotlint(&["--config", config_path, "--fail-level", "error", warning_path]).0, 0, "the flag wins");
    std::fs::write(&config, "fail_levle = \"note\"\n").expect("write");
    let (code, _, stderr) = rotlint(&["--config", config_path, path]);
    assert_eq!(code, 2);
    assert!(stderr.contains("fail_levle") && stderr.contains("rotlint.toml"), "{stderr}");
}

#[test]
fn only_templates_skips_named_non_templates() {
    let dir = temp_dir("only-templates");
    let compose = dir.join("docker-compose.yml");
    std::fs::write(&compose, "services:\n  web:\n    image: nginx\n").expect("write");
    let (code, stdout, _) = rotlint(&["--only-templates", "--format", "json", compose.to_str().expect("utf8")]);
    assert_eq!(code, 0);
    assert!(stdout.contains("\"files_scanned\": 0"), "{stdout}");
}

#[test]
fn baseline_reports_only_new_findings() {
    let dir = temp_dir("baseline");
    let file = dir.join("t.yaml");
    std::fs::write(&file, NO_PERMISSION).expect("write");
    let path = file.to_str().expect("utf8");
    let baseline = dir.join("baseline.json");
    let baseline_path = baseline.to_str().expect("utf8");
    assert_eq!(rotlint(&["--write-baseline", baseline_path, path]).0, 0);
    // Unrelated lines above the finding do not change its fingerprint.
    std::fs::write(&file, format!("# a comment\n# another\n{NO_PERMISSION}")).expect("write");
    let (code, stdout, _) = rotlint(&["--baseline", baseline_path, "--format", "json", path]);
    assert_eq!(code, 0, "{stdout}");
    assert!(!stdout.contains("RL303"));
    // A new finding (a second function without permission) is reported.
    let extra = NO_PERMISSION
        .replace("  Fn:\n", "  Fn2:\n    Type: AWS::Lambda::Function\n    Properties:\n      Timeout: 30\n  Fn:\n")
        + "  Schedule2:\n    Type: AWS::SecretsManager::RotationSchedule\n    Properties:\n      SecretId: !Ref Secret2\n      RotationLambdaARN: !GetAtt Fn2.Arn\n  Secret2:\n    Type: AWS::SecretsManager::Secret\n";
    std::fs::write(&file, extra).expect("write");
    let (code, stdout, _) = rotlint(&["--baseline", baseline_path, "--format", "json", path]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("`Fn2`") && !stdout.contains("function `Fn` has no"), "{stdout}");
    std::fs::write(&baseline, "{\"nope\": 1}").expect("write");
    assert_eq!(rotlint(&["--baseline", baseline_path, path]).0, 2);
}

/// Cross-stack: the application stack imports its subnets from the network stack. Alone, the
/// network is invisible (RL901 notes); linted together, the imports resolve to real verdicts.
#[test]
fn cross_stack_imports_resolve_when_the_exporting_stack_is_linted_too() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/cross-stack");
    let json = |args: &[&str]| -> serde_json::Value {
        let (_, stdout, _) = rotlint(args);
        serde_json::from_str(&stdout).expect("json")
    };
    let rules = |v: &serde_json::Value| -> Vec<String> {
        v["findings"].as_array().expect("array").iter().map(|f| f["rule"].as_str().unwrap_or("").to_owned()).collect()
    };
    let alone = json(&["--format", "json", &format!("{dir}/good/app.yaml")]);
    assert!(rules(&alone).iter().all(|r| r == "RL901") && !rules(&alone).is_empty(), "{alone}");
    let together = json(&["--format", "json", &format!("{dir}/good")]);
    assert!(rules(&together).is_empty(), "{together}");
    let broken = json(&["--format", "json", &format!("{dir}/broken")]);
    let finding = &broken["findings"][0];
    assert_eq!(rules(&broken), vec!["RL101"]);
    assert!(finding["file"].as_str().is_some_and(|f| f.ends_with("app.yaml")));
    let hops: Vec<&str> =
        finding["related"].as_array().expect("related").iter().filter_map(|r| r["file"].as_str()).collect();
    assert!(hops.iter().any(|f| f.ends_with("network.yaml")), "path leads into the network stack: {hops:?}");
    let subnet_hop =
        finding["related"].as_array().and_then(|r| r.iter().find(|h| h["resource"] == "SubnetA")).expect("hop");
    assert_eq!((subnet_hop["line"].as_u64(), subnet_hop["column"].as_u64()), (Some(11), Some(3)));
}

/// A schedule that names its function by literal ARN, and the template that defines a function
/// with that `FunctionName`: alone, RL903 and nothing; together, the function's verdicts.
#[test]
fn a_literal_function_arn_links_templates_of_one_run() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/literal-arn");
    let findings = |path: &str| -> Vec<(String, String)> {
        let (_, stdout, _) = rotlint(&["--format", "json", path]);
        let doc: serde_json::Value = serde_json::from_str(&stdout).expect("json");
        doc["findings"]
            .as_array()
            .expect("array")
            .iter()
            .map(|f| {
                let file = f["file"].as_str().unwrap_or("").rsplit('/').next().unwrap_or("").to_owned();
                (file, f["rule"].as_str().unwrap_or("").to_owned())
            })
            .collect()
    };
    let schedule_alone = findings(&format!("{dir}/schedule.yaml"));
    assert_eq!(schedule_alone, vec![("schedule.yaml".to_owned(), "RL903".to_owned())]);
    assert!(findings(&format!("{dir}/function.yaml")).is_empty());
    let together = findings(dir);
    assert_eq!(together, vec![("function.yaml".to_owned(), "RL101".to_owned())], "{together:?}");
}

/// Nested stacks from local templates: the parent reads `GetAtt Network.Outputs.*` of a child
/// template linted in the same run, and passes it `Parameters`.
#[test]
fn nested_stack_outputs_and_parameters_are_followed() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/nested-stack");
    let json = |path: &str| -> serde_json::Value {
        let (_, stdout, _) = rotlint(&["--format", "json", path]);
        serde_json::from_str(&stdout).expect("json")
    };
    let good = json(&format!("{dir}/good"));
    assert_eq!(good["findings"].as_array().map(Vec::len), Some(0), "{good}");
    let broken = json(&format!("{dir}/broken"));
    let findings = broken["findings"].as_array().expect("array");
    assert_eq!(findings.len(), 1, "{broken}");
    assert_eq!(findings[0]["rule"], "RL101");
    assert!(findings[0]["file"].as_str().is_some_and(|f| f.ends_with("broken/app.yaml")));
    let into_child = findings[0]["related"]
        .as_array()
        .is_some_and(|r| r.iter().any(|h| h["file"].as_str().is_some_and(|f| f.ends_with("broken/network.yaml"))));
    assert!(into_child, "the path leads into the nested template: {broken}");
    let (_, paths, _) = rotlint(&["paths", "--format", "json", &format!("{dir}/broken")]);
    assert!(paths.contains("broken/network.yaml"), "{paths}");
}
