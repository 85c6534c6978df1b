//! End-to-end tests of `--format sarif|github|compact`: run the built binary on the fixtures and
//! the examples, and check the output against the JSON format, the SARIF 2.1.0 schema and the
//! rules SARIF consumers (GitHub code scanning, IDEs) rely on.
#![expect(clippy::unwrap_used, reason = "a failed lookup in the output is a failed test")]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

mod support;

const MANIFEST_DIR: &str = env!("CARGO_MANIFEST_DIR");

/// Runs rotlint in `dir` and returns stdout; exit codes 0 and 1 (findings) are both fine.
fn rotlint_in(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_rotlint")).args(args).current_dir(dir).output().unwrap();
    let code = out.status.code().unwrap_or(-1);
    assert!(code == 0 || code == 1, "rotlint {args:?} exited {code}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn rotlint(args: &[&str]) -> String {
    rotlint_in(Path::new(MANIFEST_DIR), args)
}

fn json(args: &[&str]) -> Value {
    serde_json::from_str(&rotlint(args)).unwrap()
}

fn sarif(paths: &[&str]) -> Value {
    let mut args = vec!["--format", "sarif"];
    args.extend_from_slice(paths);
    json(&args)
}

fn findings(paths: &[&str]) -> Vec<Value> {
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(paths);
    json(&args)["findings"].as_array().unwrap().clone()
}

fn results(log: &Value) -> &Vec<Value> {
    log["runs"][0]["results"].as_array().unwrap()
}

fn region(location: &Value) -> &Value {
    &location["physicalLocation"]["region"]
}

fn uri(location: &Value) -> &str {
    location["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap()
}

/// A scratch directory unique to this process and test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rotlint-report-formats-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn sarif_log_has_schema_version_and_the_whole_registry() {
    let log = sarif(&["examples/"]);
    assert_eq!(log["$schema"], "https://json.schemastore.org/sarif-2.1.0.json");
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(log["runs"].as_array().unwrap().len(), 1);
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "rotlint");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(driver["semanticVersion"], env!("CARGO_PKG_VERSION"));
    assert_eq!(driver["informationUri"], "https://github.com/rotlint/rotlint");

    let listed: Vec<String> =
        rotlint(&["rules"]).lines().map(|l| l.split_whitespace().next().unwrap().to_owned()).collect();
    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, listed);
    for rule in rules {
        let id = rule["id"].as_str().unwrap();
        assert!(rule["name"].as_str().is_some_and(|n| !n.is_empty()), "{id}");
        assert!(rule["shortDescription"]["text"].as_str().is_some_and(|t| !t.is_empty()), "{id}");
        let full = rule["fullDescription"]["text"].as_str().unwrap();
        assert!(!full.is_empty() && !full.contains("## "), "{id}: fullDescription is the What it does section");
        let markdown = rule["help"]["markdown"].as_str().unwrap();
        assert!(markdown.contains("## What it does") && markdown.contains("## Fix"), "{id}");
        assert!(rule["help"]["text"].as_str().is_some_and(|t| !t.is_empty()), "{id}");
        let level = rule["defaultConfiguration"]["level"].as_str().unwrap();
        assert!(["error", "warning", "note"].contains(&level), "{id}");
        assert!(!rule["properties"]["tags"].as_array().unwrap().is_empty(), "{id}");
        let precision = rule["properties"]["precision"].as_str().unwrap();
        assert!(["very-high", "high", "medium", "low"].contains(&precision), "{id}");
    }
    assert!(rules.iter().any(|r| r["properties"]["tags"].as_array().unwrap().contains(&"security".into())));
}

#[test]
fn sarif_validates_against_the_2_1_0_schema() {
    let validator = support::sarif_validator();
    for paths in [&["examples/", "testdata/"][..], &["testdata/RL904/pass/inline-suppression-used.yaml"]] {
        let log = sarif(paths);
        let errors: Vec<String> =
            validator.iter_errors(&log).map(|e| format!("{} at {}", e, e.instance_path())).collect();
        assert!(errors.is_empty(), "{paths:?}: {errors:#?}");
    }
    // The validator is live: a 0-based line (cfn-guard's mistake) is rejected.
    let mut broken = sarif(&["testdata/RL104/fail/endpoint-type-gateway.yaml"]);
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0.into();
    assert!(!validator.is_valid(&broken));
}

#[test]
fn sarif_regions_match_the_json_format() {
    let paths = ["examples/", "testdata/"];
    let log = sarif(&paths);
    let found = findings(&paths);
    let results = results(&log);
    assert_eq!(results.len(), found.len());
    let artifacts = log["runs"][0]["artifacts"].as_array().unwrap();
    for (r, f) in results.iter().zip(&found) {
        assert_eq!(r["ruleId"], f["rule"]);
        assert_eq!(r["level"], f["level"]);
        let primary = &r["locations"][0];
        let file = f["file"].as_str().unwrap();
        assert_eq!(uri(primary), file.trim_start_matches("./"), "{file} has no spaces, so its URI is its path");
        let index = primary["physicalLocation"]["artifactLocation"]["index"].as_u64().unwrap() as usize;
        assert_eq!(artifacts[index]["location"]["uri"].as_str(), Some(uri(primary)));
        let reg = region(primary);
        let at = format!("{file}:{}:{}", f["line"], f["column"]);
        assert_eq!(reg["startLine"], f["line"], "{at}");
        assert_eq!(reg["startColumn"], f["column"], "{at}");
        assert_eq!(reg["endLine"], f["end_line"], "{at}");
        assert_eq!(reg["endColumn"], f["end_column"], "{at}");
        assert!(reg["startLine"].as_u64().unwrap() >= 1 && reg["startColumn"].as_u64().unwrap() >= 1, "{at}");
        assert!(reg["snippet"]["text"].is_string(), "{at}");
        let context = &primary["physicalLocation"]["contextRegion"];
        assert!(context["startLine"].as_u64() <= reg["startLine"].as_u64(), "{at}");
        assert!(context["endLine"].as_u64() >= reg["endLine"].as_u64(), "{at}");
        if let Some(resource) = f["resource"].as_str() {
            assert_eq!(primary["logicalLocations"][0]["name"], resource, "{at}");
        }
        let related = r["relatedLocations"].as_array().map_or(&[][..], Vec::as_slice);
        let expected = f["related"].as_array().unwrap();
        assert_eq!(related.len(), expected.len(), "{at}");
        for (got, want) in related.iter().zip(expected) {
            assert_eq!(region(got)["startLine"], want["line"], "{at}");
            assert_eq!(region(got)["startColumn"], want["column"], "{at}");
            assert_eq!(got["message"]["text"], want["message"], "{at}");
        }
    }
    // Artifacts are listed once each, in file order.
    let uris: Vec<&str> = artifacts.iter().map(|a| a["location"]["uri"].as_str().unwrap()).collect();
    let unique: BTreeSet<&str> = uris.iter().copied().collect();
    assert_eq!(unique.len(), uris.len());
    let mut sorted = uris.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, uris);
}

#[test]
fn rule_index_points_at_the_rule() {
    let log = sarif(&["examples/", "testdata/"]);
    let rules = log["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    for r in results(&log) {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
    }
}

/// Ids referenced by `[text](id)` links in a SARIF message (escaped brackets are not links).
fn linked_ids(text: &str) -> Vec<u64> {
    let mut ids = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("](") {
        let escaped = rest[..at].ends_with('\\');
        let after = &rest[at + 2..];
        let close = after.find(')').unwrap_or(0);
        if !escaped && let Ok(id) = after[..close].parse() {
            ids.push(id);
        }
        rest = after;
    }
    ids
}

#[test]
fn related_locations_are_linked_from_the_message_and_form_the_code_flow() {
    let log = sarif(&["examples/", "testdata/"]);
    let mut with_path = 0;
    for r in results(&log) {
        let related = r["relatedLocations"].as_array().map_or(&[][..], Vec::as_slice);
        let ids: Vec<u64> = related.iter().map(|l| l["id"].as_u64().unwrap()).collect();
        let unique: BTreeSet<u64> = ids.iter().copied().collect();
        assert_eq!(unique.len(), ids.len(), "related location ids are unique");
        let text = r["message"]["text"].as_str().unwrap();
        let linked = linked_ids(text);
        assert!(linked.iter().all(|id| unique.contains(id)), "{text}");
        assert_eq!(linked.iter().copied().collect::<BTreeSet<_>>(), unique, "every hop is linked: {text}");
        if related.is_empty() {
            assert!(r.get("codeFlows").is_none());
            continue;
        }
        with_path += 1;
        let flows = r["codeFlows"].as_array().unwrap();
        assert_eq!(flows.len(), 1);
        let hops = flows[0]["threadFlows"][0]["locations"].as_array().unwrap();
        // The path in order; the primary location is appended unless the path already has it.
        for (hop, rel) in hops.iter().zip(related) {
            assert_eq!(region(&hop["location"])["startLine"], region(rel)["startLine"]);
            assert_eq!(region(&hop["location"])["startColumn"], region(rel)["startColumn"]);
        }
        let primary = region(&r["locations"][0]);
        let essential: Vec<&Value> = hops.iter().filter(|h| h["importance"] == "essential").collect();
        assert!(!essential.is_empty());
        assert!(essential.iter().all(|h| region(&h["location"])["startLine"] == primary["startLine"]));
        assert!(hops.len() == related.len() || hops.len() == related.len() + 1);
        let orders: Vec<u64> = hops.iter().map(|h| h["executionOrder"].as_u64().unwrap()).collect();
        assert_eq!(orders, (1..=hops.len() as u64).collect::<Vec<_>>());
    }
    assert!(with_path > 5, "the examples have multi-hop findings");
}

fn fingerprints(log: &Value) -> Vec<(String, String, u64)> {
    results(log)
        .iter()
        .map(|r| {
            let print = r["partialFingerprints"]["rotlint/v1"].as_str().unwrap().to_owned();
            assert_eq!(print.len(), 16);
            (r["ruleId"].as_str().unwrap().to_owned(), print, region(&r["locations"][0])["startLine"].as_u64().unwrap())
        })
        .collect()
}

#[test]
fn fingerprints_survive_lines_inserted_above_the_resource() {
    let original = std::fs::read_to_string(Path::new(MANIFEST_DIR).join("examples/nat/broken.yaml")).unwrap();
    let shifted = format!("# an unrelated comment\n\n# another one\n\n\n{original}");
    let before = scratch("fp-before");
    let after = scratch("fp-after");
    std::fs::write(before.join("stack.yaml"), &original).unwrap();
    std::fs::write(after.join("stack.yaml"), &shifted).unwrap();
    let a: Value = serde_json::from_str(&rotlint_in(&before, &["--format", "sarif", "stack.yaml"])).unwrap();
    let b: Value = serde_json::from_str(&rotlint_in(&after, &["--format", "sarif", "stack.yaml"])).unwrap();
    let (a, b) = (fingerprints(&a), fingerprints(&b));
    assert!(a.len() >= 2);
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.0, y.0);
        assert_eq!(x.1, y.1, "{} moved from line {} to {} and kept its fingerprint", x.0, x.2, y.2);
        assert_eq!(x.2 + 5, y.2);
    }
    let distinct: BTreeSet<&String> = a.iter().map(|f| &f.1).collect();
    assert_eq!(distinct.len(), a.len(), "different findings, different fingerprints");
    let _ = std::fs::remove_dir_all(before);
    let _ = std::fs::remove_dir_all(after);
}

#[test]
fn fingerprints_are_unique_across_the_fixtures() {
    let log = sarif(&["examples/", "testdata/"]);
    let prints = fingerprints(&log);
    let distinct: BTreeSet<&String> = prints.iter().map(|f| &f.1).collect();
    assert_eq!(distinct.len(), prints.len());
}

#[test]
fn suppressed_findings_carry_a_suppression() {
    let file = "testdata/RL904/pass/inline-suppression-used.yaml";
    let log = sarif(&[file]);
    let suppressed: Vec<&Value> = results(&log).iter().filter(|r| r.get("suppressions").is_some()).collect();
    assert_eq!(suppressed.len(), 1);
    let r = suppressed[0];
    assert_eq!(r["ruleId"], "RL110");
    assert_eq!(r["suppressions"][0]["kind"], "inSource");
    assert_eq!(r["suppressions"][0]["justification"], "audited");
    let metadata = sarif(&["testdata/RL904/pass/metadata-suppression-used.yaml"]);
    assert!(results(&metadata).iter().any(|r| r["suppressions"][0]["kind"] == "inSource"));
}

/// `text` with the replacement of a SARIF fix applied (one replacement on one line).
fn apply_fix(text: &str, replacement: &Value) -> String {
    let deleted = &replacement["deletedRegion"];
    let line = deleted["startLine"].as_u64().unwrap() as usize;
    assert_eq!(deleted["endLine"].as_u64(), Some(line as u64));
    let (start, end) =
        (deleted["startColumn"].as_u64().unwrap() as usize, deleted["endColumn"].as_u64().unwrap() as usize);
    let inserted = replacement["insertedContent"]["text"].as_str().unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let chars: Vec<char> = lines[line - 1].chars().collect();
    lines[line - 1] = format!(
        "{}{inserted}{}",
        chars[..start - 1].iter().collect::<String>(),
        chars[end - 1..].iter().collect::<String>()
    );
    lines.join("\n")
}

#[test]
fn exact_fixes_for_written_values_only() {
    for (file, rule, fixed_line) in
        [("testdata/RL105/fail/private-dns-false-hosted.yaml", "RL105", "      PrivateDnsEnabled: true")]
    {
        let log = sarif(&[file]);
        let r = results(&log).iter().find(|r| r["ruleId"] == rule).unwrap();
        let change = &r["fixes"][0]["artifactChanges"][0];
        assert_eq!(change["artifactLocation"]["uri"], file);
        let replacement = &change["replacements"][0];
        let deleted = &replacement["deletedRegion"];
        let primary = region(&r["locations"][0]);
        for key in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert_eq!(deleted[key], primary[key], "{file}: the fix replaces the flagged value");
        }
        let text = std::fs::read_to_string(Path::new(MANIFEST_DIR).join(file)).unwrap();
        let fixed = apply_fix(&text, replacement);
        let line = deleted["startLine"].as_u64().unwrap() as usize;
        assert_eq!(fixed.lines().nth(line - 1), Some(fixed_line));
    }
    // Values inside Fn::If get no fix, nor a gateway endpoint without subnets (the type alone
    // would not make it work).
    for file in ["testdata/RL105/fail/conditional-private-dns.yaml", "testdata/RL104/fail/endpoint-type-gateway.yaml"] {
        let log = sarif(&[file]);
        assert!(results(&log).iter().all(|r| r.get("fixes").is_none()), "{file}");
    }
    // An absent property is added: an insertion (an empty deleted region) after the last property.
    for (file, rule, added) in [
        ("testdata/RL104/fail/endpoint-type-omitted.yaml", "RL104", "VpcEndpointType: Interface"),
        ("testdata/RL105/fail/private-dns-omitted.yaml", "RL105", "PrivateDnsEnabled: true"),
    ] {
        let log = sarif(&[file]);
        let r = results(&log).iter().find(|r| r["ruleId"] == rule).unwrap();
        let replacement = &r["fixes"][0]["artifactChanges"][0]["replacements"][0];
        let deleted = &replacement["deletedRegion"];
        assert_eq!((&deleted["startLine"], &deleted["startColumn"]), (&deleted["endLine"], &deleted["endColumn"]));
        assert!(replacement["insertedContent"]["text"].as_str().unwrap().contains(added), "{file}");
    }
}

#[test]
fn output_is_byte_identical_across_runs_and_thread_counts() {
    let args = ["--format", "sarif", "examples/", "testdata/"];
    let first = rotlint(&args);
    assert_eq!(first, rotlint(&args));
    let one = rotlint(&["--threads", "1", "--format", "sarif", "examples/", "testdata/"]);
    let two = rotlint(&["--threads", "2", "--format", "sarif", "examples/", "testdata/"]);
    assert_eq!(one, first);
    assert_eq!(one, two);
    for format in ["github", "compact"] {
        let one = rotlint(&["--threads", "1", "--format", format, "examples/", "testdata/"]);
        assert_eq!(one, rotlint(&["--threads", "2", "--format", format, "examples/", "testdata/"]));
    }
}

#[test]
fn uris_are_relative_to_srcroot_and_percent_encoded() {
    let dir = scratch("uris");
    std::fs::create_dir_all(dir.join("my stacks")).unwrap();
    let src = Path::new(MANIFEST_DIR).join("testdata/RL104/fail/endpoint-type-gateway.yaml");
    std::fs::copy(src, dir.join("my stacks/ünï code.yaml")).unwrap();
    let log: Value = serde_json::from_str(&rotlint_in(&dir, &["--format", "sarif", "./my stacks/"])).unwrap();
    let run = &log["runs"][0];
    let root = run["originalUriBaseIds"]["%SRCROOT%"]["uri"].as_str().unwrap();
    assert!(root.starts_with("file:///") && root.ends_with('/'), "{root}");
    let location = &run["artifacts"][0]["location"];
    assert_eq!(location["uri"], "my%20stacks/%C3%BCn%C3%AF%20code.yaml");
    assert_eq!(location["uriBaseId"], "%SRCROOT%");
    // Not a git work tree: no provenance rather than a guess.
    let in_git = Command::new("git").args(["rev-parse"]).current_dir(&dir).stderr(std::process::Stdio::null()).status();
    if !in_git.is_ok_and(|s| s.success()) {
        assert!(run.get("versionControlProvenance").is_none());
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn provenance_names_the_commit_inside_a_work_tree() {
    let head = Command::new("git").args(["rev-parse", "HEAD"]).current_dir(MANIFEST_DIR).output();
    let Ok(head) = head else { return };
    if !head.status.success() {
        return; // a source tarball: nothing to check
    }
    let log = sarif(&["testdata/RL001/pass/"]);
    let vcs = &log["runs"][0]["versionControlProvenance"][0];
    assert_eq!(vcs["revisionId"].as_str(), Some(String::from_utf8_lossy(&head.stdout).trim()));
    let repository = vcs["repositoryUri"].as_str().unwrap();
    assert!(repository.contains("://") && !repository.contains('@'), "{repository}");
}

#[cfg(unix)]
#[test]
fn unreadable_files_are_tool_execution_notifications() {
    let log = sarif(&["/dev/null"]);
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true);
    let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["level"], "error");
    assert_eq!(notes[0]["associatedRule"]["id"], "RL001");
    assert!(notes[0]["message"]["text"].as_str().unwrap().starts_with("cannot read `/dev/null`"));
    let clean = sarif(&["testdata/RL001/pass/"]);
    assert!(clean["runs"][0]["invocations"][0].get("toolExecutionNotifications").is_none());
}

/// One multi-hop finding, condensed to what a reviewer reads: message, related locations, code
/// flow and fingerprint. Update the expectation when a deliberate change alters it.
#[test]
fn snapshot_of_a_multi_hop_finding() {
    let log = sarif(&["examples/nat/broken.yaml"]);
    let r = results(&log).iter().find(|r| r["ruleId"] == "RL103").unwrap();
    let mut got = String::new();
    let at = |l: &Value| {
        let reg = region(l);
        format!("{}:{}-{}:{}", reg["startLine"], reg["startColumn"], reg["endLine"], reg["endColumn"])
    };
    got += &format!("{} {} index={} {}\n", r["ruleId"], r["level"], r["ruleIndex"], r["partialFingerprints"]);
    got += &format!("message: {}\n", r["message"]["text"].as_str().unwrap());
    got += &format!("primary: {} {}\n", at(&r["locations"][0]), r["locations"][0]["message"]["text"]);
    for l in r["relatedLocations"].as_array().unwrap() {
        got += &format!("related {}: {} {}\n", l["id"], at(l), l["message"]["text"]);
    }
    for h in r["codeFlows"][0]["threadFlows"][0]["locations"].as_array().unwrap() {
        got += &format!("flow {} {}: {}\n", h["executionOrder"], h["importance"], at(&h["location"]));
    }
    assert_eq!(got, SNAPSHOT, "\n--- actual (paste into SNAPSHOT if the change is intended) ---\n{got}");
}

const SNAPSHOT: &str = r#""RL103" "error" index=7 {"rotlint/v1":"8bdd0089dd3937f6"}
message: rotation function `RotationFunction` cannot reach Secrets Manager from subnet `PrivateSubnetA`: NAT gateway `NatGateway` cannot reach the internet: its subnet `PrivateSubnetA` does not route 0.0.0.0/0 to an internet gateway. Path: [rotation function `RotationFunction`](1) → [function subnet `PrivateSubnetA` in VPC `Vpc`](2) → [subnet `PrivateSubnetA` uses route table `PrivateRouteTable`](3) → [route `PrivateDefaultRoute` sends 0.0.0.0/0 to NAT gateway `NatGateway`](4) → [NAT gateway `NatGateway` is in subnet `PrivateSubnetA`](5) → [route `PrivateDefaultRoute` of NAT subnet `PrivateSubnetA` sends 0.0.0.0/0 to NAT gateway `NatGateway`](6). Fix: use a public NAT gateway in a subnet whose route table sends 0.0.0.0/0 to an internet gateway attached to the VPC.
primary: 53:3-53:13 "this blocks the path to Secrets Manager"
related 1: 172:3-172:19 "rotation function `RotationFunction`"
related 2: 59:3-59:17 "function subnet `PrivateSubnetA` in VPC `Vpc`"
related 3: 71:3-71:20 "subnet `PrivateSubnetA` uses route table `PrivateRouteTable`"
related 4: 80:21-80:36 "route `PrivateDefaultRoute` sends 0.0.0.0/0 to NAT gateway `NatGateway`"
related 5: 53:3-53:13 "NAT gateway `NatGateway` is in subnet `PrivateSubnetA`"
related 6: 80:21-80:36 "route `PrivateDefaultRoute` of NAT subnet `PrivateSubnetA` sends 0.0.0.0/0 to NAT gateway `NatGateway`"
flow 1 "important": 172:3-172:19
flow 2 "important": 59:3-59:17
flow 3 "important": 71:3-71:20
flow 4 "important": 80:21-80:36
flow 5 "essential": 53:3-53:13
flow 6 "important": 80:21-80:36
"#;

#[test]
fn github_annotations_are_exact_workflow_commands() {
    let out = rotlint(&["--format", "github", "examples/", "testdata/"]);
    let found = findings(&["examples/", "testdata/"]);
    let unsuppressed: Vec<&Value> = found.iter().filter(|f| f["suppressed"].is_null()).collect();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), unsuppressed.len(), "one line per unsuppressed finding");
    for (line, f) in lines.iter().zip(&unsuppressed) {
        let command = match f["level"].as_str().unwrap() {
            "error" => "error",
            "warning" => "warning",
            _ => "notice",
        };
        let prefix = format!(
            "::{command} file={},line={},col={},endLine={},endColumn={},title={} {}::",
            f["file"].as_str().unwrap().trim_start_matches("./"),
            f["line"],
            f["column"],
            f["end_line"],
            f["end_column"],
            f["rule"].as_str().unwrap(),
            f["name"].as_str().unwrap()
        );
        assert!(line.starts_with(&prefix), "{line}\nexpected prefix {prefix}");
        let data = &line[prefix.len()..];
        let message = f["message"].as_str().unwrap().replace('%', "%25");
        assert!(data.starts_with(&message), "{data}");
        assert!(!data.contains('\r'));
    }
    let suppressed = rotlint(&["--format", "github", "testdata/RL904/pass/inline-suppression-used.yaml"]);
    assert!(!suppressed.contains("RL110"), "suppressed findings are omitted: {suppressed}");
}

#[test]
fn github_annotation_of_one_fixture() {
    let out = rotlint(&["--format", "github", "testdata/RL104/fail/endpoint-type-gateway.yaml"]);
    let line = out.lines().find(|l| l.contains("title=RL104")).unwrap();
    assert_eq!(
        line,
        "::error file=testdata/RL104/fail/endpoint-type-gateway.yaml,line=53,col=24,endLine=53,endColumn=31,\
         title=RL104 endpoint-not-interface::Secrets Manager endpoint `SecretsManagerEndpoint` sets \
         `VpcEndpointType: Gateway`; Secrets Manager supports only interface endpoints, so the stack fails\
         %0Ahelp: set `VpcEndpointType: Interface` and give `SubnetIds`"
    );
}

#[test]
fn compact_is_one_grep_friendly_line_per_finding() {
    let out = rotlint(&["--format", "compact", "examples/", "testdata/"]);
    let found: Vec<Value> =
        findings(&["examples/", "testdata/"]).into_iter().filter(|f| f["suppressed"].is_null()).collect();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), found.len(), "one line per unsuppressed finding");
    for (line, f) in lines.iter().zip(&found) {
        let expected = format!(
            "{}:{}:{}: {}[{}] {}",
            f["file"].as_str().unwrap(),
            f["line"],
            f["column"],
            f["level"].as_str().unwrap(),
            f["rule"].as_str().unwrap(),
            f["message"].as_str().unwrap()
        );
        assert_eq!(*line, expected);
    }
    let one = rotlint(&["--format", "compact", "testdata/RL904/pass/inline-suppression-used.yaml"]);
    assert!(!one.contains("RL110"), "suppressed findings are not printed: {one}");
}
