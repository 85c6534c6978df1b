//! End-to-end tests of `--guard-rules`: the built binary runs real Guard rule files from
//! `testdata/guard/rules/` and the bundled ones from `rules/guard/` against the templates in
//! `testdata/guard/templates/`, and every failure is checked for its rule id, level and exact
//! line and column (against the source text there).
#![cfg(feature = "guard")]
#![expect(clippy::unwrap_used, reason = "a failed lookup in the output is a failed test")]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

mod support;

const MANIFEST_DIR: &str = env!("CARGO_MANIFEST_DIR");
const TEMPLATES: &str = "testdata/guard/templates";
const PROPERTIES: &str = "testdata/guard/rules/properties.guard";
const REVEAL: &str = "testdata/guard/rules/reveal-facts.guard";
const BUNDLED: &str = "rules/guard";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn rotlint_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_rotlint")).args(args).current_dir(dir).output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn rotlint(args: &[&str]) -> Run {
    rotlint_in(Path::new(MANIFEST_DIR), args)
}

/// `(rule, level, file:line:column, message)` of every Guard finding, in output order.
fn guard_findings(args: &[&str]) -> Vec<(String, String, String, String)> {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let run = rotlint(&all);
    assert!(run.code == 0 || run.code == 1, "rotlint {all:?} exited {}: {}", run.code, run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"].as_str().unwrap().starts_with("GUARD"))
        .map(|f| {
            let at = format!("{}:{}:{}", f["file"].as_str().unwrap(), f["line"], f["column"]);
            let text = |k: &str| f[k].as_str().unwrap().to_owned();
            (text("rule"), text("level"), at, text("message"))
        })
        .collect()
}

/// The source text at `file:line:column` (1-based, columns in characters), to the end of the line.
fn source_at(at: &str) -> String {
    let mut parts = at.rsplitn(3, ':');
    let column: usize = parts.next().unwrap().parse().unwrap();
    let line: usize = parts.next().unwrap().parse().unwrap();
    let text = std::fs::read_to_string(Path::new(MANIFEST_DIR).join(parts.next().unwrap())).unwrap();
    text.lines().nth(line - 1).unwrap().chars().skip(column - 1).collect()
}

/// Each expected `(rule, file:line:column, source text there)` is found, at error level.
fn assert_located(found: &[(String, String, String, String)], expected: &[(&str, &str, &str)]) {
    let got: Vec<(&str, &str)> = found.iter().map(|(r, _, at, _)| (r.as_str(), at.as_str())).collect();
    let want: Vec<(&str, &str)> = expected.iter().map(|(r, at, _)| (*r, *at)).collect();
    assert_eq!(got, want);
    for ((rule, level, at, _), (_, _, text)) in found.iter().zip(expected) {
        assert_eq!(level, "error", "{rule} at {at}");
        assert!(source_at(at).starts_with(text), "{rule} at {at}: source there is `{}`", source_at(at));
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rotlint-guard-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn short_form_yaml_failures_are_located_at_the_value() {
    let found = guard_findings(&["--guard-rules", PROPERTIES, "testdata/guard/templates/properties.yaml"]);
    let file = "testdata/guard/templates/properties.yaml";
    assert_located(
        &found,
        &[
            ("GUARD:secret_tagged", &format!("{file}:9:5"), "Properties:"),
            ("GUARD:schedule_days", &format!("{file}:17:33"), "90"),
            ("GUARD:ingress_not_open", &format!("{file}:28:64"), "0.0.0.0/0 }"),
            ("GUARD:endpoint_vpc_is_a_ref", &format!("{file}:32:14"), "!ImportValue shared-vpc-id"),
            ("GUARD:TIMEOUT60", &format!("{file}:43:16"), "30"),
        ],
    );
    assert_eq!(found[4].3, "rotation functions need a timeout of at least 60 seconds");
    assert!(found[1].3.contains("AutomaticallyAfterDays LESS THAN EQUALS 30") && found[1].3.contains("`90`"));
    assert!(found[0].3.contains("`Tags` is missing"), "{}", found[0].3);
}

#[test]
fn json_failures_are_located_at_the_value() {
    let found = guard_findings(&["--guard-rules", PROPERTIES, "testdata/guard/templates/properties.json"]);
    let file = "testdata/guard/templates/properties.json";
    assert_located(
        &found,
        &[
            ("GUARD:secret_tagged", &format!("{file}:7:7"), "\"Properties\""),
            ("GUARD:schedule_days", &format!("{file}:16:53"), "90}"),
            ("GUARD:ingress_not_open", &format!("{file}:26:73"), "\"0.0.0.0/0\"}"),
            ("GUARD:endpoint_vpc_is_a_ref", &format!("{file}:33:9"), "\"VpcId\""),
            ("GUARD:TIMEOUT60", &format!("{file}:45:20"), "30"),
        ],
    );
}

#[test]
fn nat_only_stack_fails_the_interface_endpoint_policy_and_the_endpoint_stack_passes() {
    let rule = format!("{BUNDLED}/rotation-uses-interface-endpoint.guard");
    let found = guard_findings(&["--guard-rules", &rule, "testdata/guard/templates/nat.yaml"]);
    assert_located(
        &found,
        &[("GUARD:rotation-uses-interface-endpoint", "testdata/guard/templates/nat.yaml:170:3", "RotationFunction:")],
    );
    assert!(found[0].3.contains("NAT gateway"), "{}", found[0].3);
    assert!(guard_findings(&["--guard-rules", &rule, "testdata/guard/templates/endpoint.yaml"]).is_empty());
    assert!(guard_findings(&["--guard-rules", &rule, "testdata/guard/templates/sar.yaml"]).is_empty());
}

#[test]
fn rotlint_section_carries_the_reachability_facts_at_the_functions_key() {
    let facts = |template: &str| -> Vec<(String, String, String)> {
        guard_findings(&["--guard-rules", REVEAL, template])
            .into_iter()
            .map(|(rule, _, at, message)| {
                let value = message.rsplit("the value is ").next().unwrap().trim_matches('`').to_owned();
                (rule.trim_start_matches("GUARD:reveal_").to_owned(), at, value)
            })
            .collect()
    };
    let expect = |template: &str, at: &str, values: &[(&str, &str)]| {
        let got = facts(template);
        let want: Vec<(String, String, String)> =
            values.iter().map(|(k, v)| ((*k).to_owned(), format!("{template}:{at}"), (*v).to_owned())).collect();
        assert_eq!(got, want, "{template}");
    };
    let nat = "testdata/guard/templates/nat.yaml";
    expect(
        nat,
        "170:3",
        &[
            ("endpoint", "null"),
            ("in_vpc", "true"),
            ("kind", "\"lambda\""),
            ("nat", "\"NatGateway\""),
            ("path", "\"nat\""),
            ("target", "\"Database\""),
            ("target_reachable", "true"),
        ],
    );
    assert!(source_at(&format!("{nat}:170:3")).starts_with("RotationFunction:"));
    // Hosted rotation: the function is the RotationSchedule.
    let endpoint = "testdata/guard/templates/endpoint.yaml";
    expect(
        endpoint,
        "103:3",
        &[
            ("endpoint", "\"SecretsManagerEndpoint\""),
            ("in_vpc", "true"),
            ("kind", "\"hosted\""),
            ("nat", "null"),
            ("path", "\"endpoint\""),
            ("target", "\"Database\""),
            ("target_reachable", "true"),
        ],
    );
    assert!(source_at(&format!("{endpoint}:103:3")).starts_with("AppSecretRotationSchedule:"));
    // A SAR rotation app: the function is the AWS::Serverless::Application.
    let sar = "testdata/guard/templates/sar.yaml";
    expect(
        sar,
        "76:3",
        &[
            ("endpoint", "\"SecretsManagerEndpoint\""),
            ("in_vpc", "true"),
            ("kind", "\"sar\""),
            ("nat", "null"),
            ("path", "\"endpoint\""),
            ("target", "null"),
            ("target_reachable", "null"),
        ],
    );
    assert!(source_at(&format!("{sar}:76:3")).starts_with("RotationApp:"));
}

#[test]
fn bundled_policies_on_plain_properties() {
    let schedule = format!("{BUNDLED}/rotation-schedule-max-30-days.guard");
    let found = guard_findings(&["--guard-rules", &schedule, TEMPLATES]);
    assert_located(
        &found,
        &[
            ("GUARD:rotation-schedule-max-30-days", "testdata/guard/templates/integer-keys.yaml:23:33", "45"),
            ("GUARD:rotation-schedule-max-30-days", "testdata/guard/templates/properties.json:16:53", "90"),
            ("GUARD:rotation-schedule-max-30-days", "testdata/guard/templates/properties.yaml:17:33", "90"),
        ],
    );
    let dns = format!("{BUNDLED}/secretsmanager-endpoint-private-dns.guard");
    let found = guard_findings(&["--guard-rules", &dns, TEMPLATES]);
    assert_located(
        &found,
        &[("GUARD:secretsmanager-endpoint-private-dns", "testdata/guard/templates/sar.yaml:61:26", "false")],
    );
    // Fn::Sub service names count too: the examples' endpoint without PrivateDnsEnabled fails.
    let found = guard_findings(&["--guard-rules", &dns, "examples/private-dns-off/broken.yaml"]);
    assert_located(
        &found,
        &[("GUARD:secretsmanager-endpoint-private-dns", "examples/private-dns-off/broken.yaml:65:5", "Properties:")],
    );
}

#[test]
fn bundled_policies_are_documented_and_start_with_a_header() {
    let readme = std::fs::read_to_string(Path::new(MANIFEST_DIR).join(BUNDLED).join("README.md")).unwrap();
    let mut count = 0;
    for entry in std::fs::read_dir(Path::new(MANIFEST_DIR).join(BUNDLED)).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "guard") {
            continue;
        }
        count += 1;
        let name = path.file_name().unwrap().to_str().unwrap();
        let stem = name.trim_end_matches(".guard");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with(&format!("# {stem}: ")), "{name}: header comment names the policy");
        assert!(text.contains(&format!("id: {stem}")), "{name}: findings carry the policy's id");
        assert!(readme.contains(&format!("`{name}`")), "{name} is not in rules/guard/README.md");
    }
    assert_eq!(count, 3);
    for key in ["InVpc", "SecretsManagerPath", "Endpoint", "Nat", "Target", "TargetReachable", "Kind", "Schedules"] {
        assert!(readme.contains(&format!("`{key}`")), "README documents `{key}`");
    }
}

#[test]
fn a_rule_file_that_does_not_parse_stops_the_run_naming_file_and_position() {
    let run = rotlint(&["--guard-rules", "testdata/guard/broken/syntax-error.guard", TEMPLATES]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr.contains("testdata/guard/broken/syntax-error.guard:5:24: Guard rules do not parse"),
        "{}",
        run.stderr
    );
    let run = rotlint(&["--guard-rules", "testdata/guard/broken", TEMPLATES]);
    assert_eq!(run.code, 2, "a directory is checked file by file: {}", run.stderr);
    for missing in [TEMPLATES, "testdata/guard/no-such-dir"] {
        let run = rotlint(&["--guard-rules", missing, TEMPLATES]);
        assert_eq!(run.code, 2, "{missing}: {}", run.stderr);
        assert!(run.stderr.contains(missing), "{}", run.stderr);
    }
}

#[test]
fn a_rule_file_guard_cannot_evaluate_gives_one_finding_per_template_and_the_run_goes_on() {
    let broken = "testdata/guard/broken/undefined-variable.guard";
    let templates = ["testdata/guard/templates/integer-keys.yaml", "testdata/guard/templates/properties.yaml"];
    let found = guard_findings(&["--guard-rules", PROPERTIES, "--guard-rules", broken, templates[0], templates[1]]);
    for template in templates {
        let errors: Vec<_> = found.iter().filter(|f| f.0 == "GUARD" && f.2.starts_with(template)).collect();
        assert_eq!(errors.len(), 1, "{template}: {found:?}");
        assert!(errors[0].3.contains("undefined-variable.guard") && errors[0].3.contains("undefined"), "{errors:?}");
        assert!(source_at(&errors[0].2).starts_with("Resources:"));
    }
    // The good rule file still reports, on both templates (integer mapping keys included).
    assert!(found.iter().any(|f| f.0 == "GUARD:schedule_days" && f.2 == format!("{}:23:33", templates[0])));
    assert_eq!(found.iter().filter(|f| f.2.starts_with(templates[1])).count(), 6, "{found:?}");
}

#[test]
fn sarif_lists_the_guard_rules_and_every_reference_resolves() {
    let run = rotlint(&["--format", "sarif", "--guard-rules", PROPERTIES, "--guard-rules", BUNDLED, TEMPLATES]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let log: Value = serde_json::from_str(&run.stdout).unwrap();
    let rules = log["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    let mut guard_results = 0;
    for result in results {
        let id = result["ruleId"].as_str().unwrap();
        let index = result["ruleIndex"].as_u64().unwrap_or_else(|| panic!("{id} has no ruleIndex")) as usize;
        assert_eq!(rules[index]["id"], id, "ruleIndex of {id}");
        if id.starts_with("GUARD:") {
            guard_results += 1;
            let rule = &rules[index];
            assert_eq!(rule["name"], id.trim_start_matches("GUARD:"));
            assert!(rule["shortDescription"]["text"].as_str().is_some_and(|t| t.contains("Guard")));
            assert_eq!(rule["defaultConfiguration"]["level"], "error");
            assert!(result["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64().unwrap() > 1);
        }
    }
    assert!(guard_results >= 10, "{guard_results}");
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let mut sorted = ids.clone();
    sorted.dedup();
    assert_eq!(ids.len(), sorted.len(), "rule ids are unique");
    assert!(ids.contains(&"GUARD:rotation-uses-interface-endpoint") && ids.contains(&"GUARD:TIMEOUT60"));
}

#[test]
fn json_text_and_compact_formats_carry_the_guard_findings() {
    let args = ["--guard-rules", PROPERTIES, "testdata/guard/templates/properties.yaml"];
    let json = guard_findings(&args);
    assert_eq!(json.len(), 5);
    for format in ["text", "compact", "github"] {
        let mut all = vec!["--format", format, "--color", "never"];
        all.extend_from_slice(&args);
        let out = rotlint(&all).stdout;
        for (rule, _, at, _) in &json {
            let line_col = at.trim_start_matches("testdata/guard/templates/properties.yaml:");
            let (line, col) = line_col.split_once(':').unwrap();
            let found = match format {
                "github" => {
                    out.contains(&format!("line={line},col={col},"))
                        && out.contains(&format!("title={}", rule.replace(':', "%3A")))
                }
                _ => out.contains(&format!("{at}: error[{rule}]")),
            };
            assert!(found, "{format}: {rule} at {at}\n{out}");
        }
    }
}

#[test]
fn config_file_names_rules_relative_to_itself_and_sets_their_level() {
    let dir = scratch("config");
    std::fs::create_dir_all(dir.join("policies")).unwrap();
    std::fs::copy(Path::new(MANIFEST_DIR).join(PROPERTIES), dir.join("policies/properties.guard")).unwrap();
    std::fs::write(dir.join(".rotlint.toml"), "guard-rules = [\"policies\"]\nguard-level = \"warning\"\n").unwrap();
    let template = Path::new(MANIFEST_DIR).join("testdata/guard/templates/properties.yaml");
    let config = dir.join(".rotlint.toml");
    let args = ["--format", "json", "--config", config.to_str().unwrap(), template.to_str().unwrap()];
    let report: Value = serde_json::from_str(&rotlint(&args).stdout).unwrap();
    let levels: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"].as_str().unwrap().starts_with("GUARD:"))
        .map(|f| f["level"].as_str().unwrap())
        .collect();
    assert_eq!(levels, vec!["warning"; 5]);
    std::fs::write(&config, "guard-rules = [\"policies\"]\nguard-level = \"off\"\n").unwrap();
    let report: Value = serde_json::from_str(&rotlint(&args).stdout).unwrap();
    assert!(!report["findings"].as_array().unwrap().iter().any(|f| f["rule"].as_str().unwrap().starts_with("GUARD")));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn guard_findings_can_be_suppressed_like_any_rule() {
    let dir = scratch("suppress");
    let source =
        std::fs::read_to_string(Path::new(MANIFEST_DIR).join("testdata/guard/templates/properties.yaml")).unwrap();
    // Template Metadata: an inline `# rotlint-ignore GUARD:x: reason` would be read as rule
    // `GUARD` with reason `x: reason` (the comment syntax splits at the first colon).
    let text = source.replace(
        "    Type: AWS::SecretsManager::RotationSchedule\n",
        "    Type: AWS::SecretsManager::RotationSchedule\n    Metadata:\n      rotlint:\n        ignore:\n          - rule: GUARD:schedule_days\n            reason: quarterly by policy\n",
    );
    assert_ne!(text, source);
    std::fs::write(dir.join("t.yaml"), text).unwrap();
    let rules = Path::new(MANIFEST_DIR).join(PROPERTIES);
    let run = rotlint_in(&dir, &["--format", "json", "--guard-rules", rules.to_str().unwrap(), "t.yaml"]);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let schedule = findings.iter().find(|f| f["rule"] == "GUARD:schedule_days").unwrap();
    assert_eq!(schedule["suppressed"]["reason"], "quarterly by policy");
    assert!(!findings.iter().any(|f| f["rule"] == "RL904"), "the suppression is used");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn output_with_guard_rules_does_not_depend_on_the_thread_count() {
    let base = ["--format", "sarif", "--guard-rules", BUNDLED, "--guard-rules", REVEAL, TEMPLATES, "examples"];
    let one = rotlint(&[&base[..], &["--threads", "1"]].concat()).stdout;
    let two = rotlint(&[&base[..], &["--threads", "2"]].concat()).stdout;
    assert!(one.contains("GUARD:reveal_kind"));
    assert_eq!(one, two);
}

#[test]
fn sarif_with_guard_findings_validates_against_the_2_1_0_schema() {
    let validator = support::sarif_validator();
    let broken = "testdata/guard/broken/undefined-variable.guard";
    let run = rotlint(&["--format", "sarif", "--guard-rules", BUNDLED, "--guard-rules", broken, TEMPLATES]);
    let log: Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(log["runs"][0]["results"].as_array().unwrap().iter().any(|r| r["ruleId"] == "GUARD"));
    let errors: Vec<String> = validator.iter_errors(&log).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

/// `Rotlint.Functions.<LogicalId>.Services.<iam-prefix>`: a policy that every service a VPC
/// function calls with strong evidence is reachable passes on a function that reaches S3 and
/// SQS through endpoints and fails, at the function, on one whose DynamoDB has no path.
#[test]
fn vpc_function_services_are_facts_a_policy_can_require() {
    let dir = scratch("functions");
    let rule = dir.join("functions.guard");
    std::fs::write(
        &rule,
        "rule vpc_services_reachable when Rotlint.Functions.* !empty {\n    Rotlint.Functions.*.Services.*[ Evidence == \"strong\" ].Status == \"reachable\"\n}\n\nrule dynamodb_not_through_nat when Rotlint.Functions.*.Services.dynamodb exists {\n    Rotlint.Functions.*.Services.dynamodb.Path != \"nat\"\n}\n",
    )
    .unwrap();
    let rule = rule.to_str().unwrap();
    assert!(guard_findings(&["--guard-rules", rule, "testdata/paths/lambda-endpoints.yaml"]).is_empty());
    let found = guard_findings(&["--guard-rules", rule, "testdata/paths/lambda-unreachable.yaml"]);
    assert_located(
        &found,
        &[("GUARD:vpc_services_reachable", "testdata/paths/lambda-unreachable.yaml:49:3", "Worker:")],
    );
    assert!(found[0].3.contains("blocked"), "{}", found[0].3);
    // The DynamoDB fixture that only reaches DynamoDB through NAT fails the second rule.
    let nat = "testdata/RL405/fail/service-dynamodb-only-nat.yaml";
    let found = guard_findings(&["--guard-rules", rule, nat]);
    let rules: Vec<&str> = found.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(rules, ["GUARD:dynamodb_not_through_nat"], "{found:?}");
    let _ = std::fs::remove_dir_all(&dir);
}
