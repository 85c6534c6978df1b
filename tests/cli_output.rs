//! End-to-end tests of what a run writes: text layout, colour, several outputs in one run, JUnit,
//! `--quiet`, rule listings, completions and the man page.

use std::path::{Path, PathBuf};
use std::process::Command;

fn run(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rotlint"));
    command.args(args).env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE").env_remove("CLICOLOR");
    for (k, v) in env {
        command.env(k, v);
    }
    let out = command.output().expect("binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn rotlint(args: &[&str]) -> (i32, String, String) {
    run(args, &[])
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rotlint-out-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn repo(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path).to_str().expect("utf8").to_owned()
}

/// The findings of a text report, each as its lines (header line first), summary left out.
fn text_findings(report: &str) -> Vec<Vec<&str>> {
    let mut findings: Vec<Vec<&str>> = Vec::new();
    let summary = report.lines().count().saturating_sub(1);
    for line in report.lines().take(summary) {
        let header =
            !line.starts_with(' ') && [": error[", ": warning[", ": note["].iter().any(|level| line.contains(level));
        if header {
            findings.push(vec![line]);
        } else if let Some(last) = findings.last_mut()
            && !line.is_empty()
        {
            last.push(line);
        }
    }
    findings
}

/// A snippet line of miette's: ` 185 │ ...`.
fn snippet_line_number(line: &str) -> Option<u32> {
    let (number, rest) = line.trim_start().split_once(' ')?;
    rest.starts_with('│').then(|| number.parse().ok()).flatten()
}

/// NAT exposure in the bundled example: the path has 7 hops between lines 19 and 185. The
/// snippet shows only the lines around the finding; every hop is one line of `path:`.
#[test]
fn text_shows_the_primary_snippet_and_lists_far_hops_one_line_each() {
    let (code, stdout, _) = rotlint(&["--color", "never", &repo("examples/nat/fixed.yaml")]);
    assert_eq!(code, 0, "a warning only: {stdout}");
    let findings = text_findings(&stdout);
    assert_eq!(findings.len(), 1, "{stdout}");
    let finding = &findings[0];
    assert!(finding[0].ends_with("fixed.yaml:185:11: warning[RL110] nat-exposure"), "{stdout}");
    let shown: Vec<u32> = finding.iter().filter_map(|l| snippet_line_number(l)).collect();
    assert_eq!(shown, (183..=188).collect::<Vec<_>>(), "two lines of context around 185-186: {stdout}");
    let hops: Vec<&&str> = finding.iter().skip_while(|l| l.trim() != "path:").skip(1).collect();
    assert_eq!(hops.len(), 7, "{stdout}");
    assert!(
        hops[6].trim_start().starts_with("7. ")
            && hops[6].contains("fixed.yaml:19:3 `InternetGateway`: internet gateway")
    );
    assert!(finding.len() < 30, "{} lines: {stdout}", finding.len());
}

/// A primary span over many lines (a `!Sub` script naming an unknown resource) is shown as its
/// first line, and the label says where it ends.
#[test]
fn text_cuts_a_long_primary_span_to_its_first_line() {
    let dir = temp_dir("long-span");
    let file = dir.join("t.yaml");
    let script: String = (0..80).map(|n| format!("        echo line {n}\n")).collect();
    let template = format!(
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Instance:\n    Type: AWS::EC2::Instance\n    Properties:\n      UserData: !Sub |\n        #!/bin/bash\n{script}        echo ${{Missing.Arn}}\n"
    );
    std::fs::write(&file, template).expect("write");
    let (code, stdout, _) = rotlint(&["--color", "never", file.to_str().expect("utf8")]);
    assert_eq!(code, 1, "{stdout}");
    let findings = text_findings(&stdout);
    assert!(!findings.is_empty(), "{stdout}");
    for finding in &findings {
        assert!(finding[0].contains("[RL003]"), "{stdout}");
        let shown: Vec<u32> = finding.iter().filter_map(|l| snippet_line_number(l)).collect();
        assert_eq!(shown, vec![5, 6, 7, 8, 9], "{stdout}");
        assert!(finding.iter().any(|l| l.contains("(continues to line 89)")), "{stdout}");
        assert!(finding.len() < 20, "{stdout}");
    }
}

mod support;

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
      Timeout: 10
      Environment:
        Variables:
          SECRETS_MANAGER_ENDPOINT: !Sub https://secretsmanager.${AWS::Region}.amazonaws.com
  Schedule:
    Type: AWS::SecretsManager::RotationSchedule
    Properties:
      SecretId: !Ref Secret
      RotationLambdaARN: !GetAtt Fn.Arn
";

/// One element of a JUnit report: its name, attributes (unescaped) and text, children in order.
#[derive(Debug, Default)]
struct Element {
    name: String,
    attributes: Vec<(String, String)>,
    text: String,
    children: Vec<Element>,
}

impl Element {
    fn attr(&self, name: &str) -> &str {
        self.attributes.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
    }
    fn count(&self, name: &str) -> usize {
        self.attr(name).parse().unwrap_or_else(|_| panic!("`{name}` of <{}> is a number", self.name))
    }
}

/// Parse a JUnit report strictly: well-formed XML (matching end tags, unique attributes, known
/// entities), only characters XML 1.0 allows, one root. Panics otherwise.
fn parse_xml(text: &str) -> Element {
    use quick_xml::events::{BytesStart, Event};
    let forbidden = text
        .chars()
        .find(|&c| !matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..));
    assert_eq!(forbidden, None, "a character XML 1.0 forbids");
    assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"), "{text}");
    let mut reader = quick_xml::Reader::from_str(text);
    reader.check_end_names(true);
    let open = |e: &BytesStart<'_>| Element {
        name: String::from_utf8(e.name().as_ref().to_vec()).expect("UTF-8 name"),
        attributes: e
            .attributes()
            .map(|a| {
                let a = a.expect("well-formed attribute, no duplicates");
                let key = String::from_utf8(a.key.as_ref().to_vec()).expect("UTF-8 key");
                (key, a.unescape_value().expect("known entities").into_owned())
            })
            .collect(),
        ..Element::default()
    };
    let mut stack: Vec<Element> = vec![Element::default()];
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => stack.push(open(&e)),
            Event::Empty(e) => {
                let element = open(&e);
                stack.last_mut().expect("parent").children.push(element);
            }
            Event::End(_) => {
                let element = stack.pop().expect("open element");
                stack.last_mut().expect("parent").children.push(element);
            }
            Event::Text(t) => {
                let text = t.unescape().expect("known entities");
                stack.last_mut().expect("element").text.push_str(&text);
            }
            Event::CData(_) | Event::Comment(_) | Event::PI(_) | Event::DocType(_) => panic!("unexpected XML"),
            Event::Decl(_) => {}
            Event::Eof => break,
        }
    }
    let mut document = stack.pop().expect("document");
    assert!(stack.is_empty(), "unclosed elements");
    assert_eq!(document.children.len(), 1, "one root element");
    assert!(document.text.trim().is_empty());
    document.children.remove(0)
}

/// The JUnit schema's shape (testsuites > testsuite > testcase > failure | skipped |
/// system-out) and its counts.
fn check_junit(root: &Element) {
    assert_eq!(root.name, "testsuites");
    let (mut tests, mut failures, mut skipped) = (0, 0, 0);
    for suite in &root.children {
        assert_eq!(suite.name, "testsuite");
        assert!(!suite.attr("name").is_empty());
        assert_eq!(suite.count("tests"), suite.children.len());
        let failed = suite.children.iter().filter(|c| c.children.iter().any(|e| e.name == "failure")).count();
        let skip = suite.children.iter().filter(|c| c.children.iter().any(|e| e.name == "skipped")).count();
        assert_eq!((suite.count("failures"), suite.count("skipped"), suite.count("errors")), (failed, skip, 0));
        for case in &suite.children {
            assert_eq!(case.name, "testcase");
            assert_eq!(case.attr("classname"), suite.attr("name"));
            assert!(case.children.len() <= 1);
            for child in &case.children {
                assert!(["failure", "skipped", "system-out"].contains(&child.name.as_str()), "{}", child.name);
            }
        }
        tests += suite.children.len();
        failures += failed;
        skipped += skip;
    }
    assert_eq!((root.count("tests"), root.count("failures"), root.count("skipped")), (tests, failures, skipped));
}

/// `--format FORMAT=FILE` several times: every report from one run, each valid for its format.
#[test]
fn several_reports_from_one_run() {
    let dir = temp_dir("several");
    let file = dir.join("t.yaml");
    std::fs::write(&file, NO_PERMISSION).expect("write");
    let (sarif, junit) = (dir.join("r.sarif"), dir.join("r.xml"));
    let sarif_arg = format!("sarif={}", sarif.display());
    let junit_arg = format!("junit={}", junit.display());
    let (code, stdout, stderr) = rotlint(&[
        "--format",
        &sarif_arg,
        "--output-format",
        &junit_arg,
        "--format",
        "json",
        file.to_str().expect("utf8"),
    ]);
    assert_eq!(code, 1, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("JSON on standard output");
    let rules: Vec<&str> =
        json["findings"].as_array().expect("findings").iter().filter_map(|f| f["rule"].as_str()).collect();
    assert!(rules.contains(&"RL303") && rules.contains(&"RL304"), "{rules:?}");
    let log: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).expect("SARIF written")).expect("JSON");
    let validator = support::sarif_validator();
    let errors: Vec<String> = validator.iter_errors(&log).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(log["runs"][0]["results"].as_array().map(Vec::len), Some(rules.len()));
    let root = parse_xml(&std::fs::read_to_string(&junit).expect("JUnit written"));
    check_junit(&root);
    assert_eq!(root.count("tests"), rules.len());

    // `-o` takes the report without a file; the text report of a file is not coloured.
    let report = dir.join("report.txt");
    let (code, stdout, _) = rotlint(&[
        "-o",
        report.to_str().expect("utf8"),
        "--format",
        &junit_arg,
        "--format",
        "text",
        file.to_str().expect("utf8"),
    ]);
    assert_eq!((code, stdout.as_str()), (1, ""));
    let text = std::fs::read_to_string(&report).expect("text written");
    assert!(text.contains("error[RL303]") && !text.contains('\u{1b}'), "{text}");
}

#[test]
fn report_destinations_that_cannot_work_exit_two() {
    let dir = temp_dir("destinations");
    let file = dir.join("t.yaml");
    std::fs::write(&file, NO_PERMISSION).expect("write");
    let path = file.to_str().expect("utf8");
    let (code, _, stderr) = rotlint(&["--format", "json", "--format", "text", path]);
    assert_eq!(code, 2);
    assert!(stderr.contains("2 reports would go to standard output"), "{stderr}");
    let (code, _, stderr) = rotlint(&["--format", "json=a.json", "-o", "b.txt", path]);
    assert_eq!(code, 2);
    assert!(stderr.contains("-o `b.txt`"), "{stderr}");
    let same = dir.join("same.out");
    let (json, sarif) = (format!("json={}", same.display()), format!("sarif={}", same.display()));
    let (code, _, stderr) = rotlint(&["--format", &json, "--format", &sarif, path]);
    assert_eq!(code, 2);
    assert!(stderr.contains("two reports would be written to") && stderr.contains("same.out"), "{stderr}");
    let onto_input = format!("junit={path}");
    let (code, _, stderr) = rotlint(&["--format", &onto_input, path]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("refusing to write"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&file).expect("read"), NO_PERMISSION, "the template is untouched");
    for bad in ["nope", "nope=x.txt", "json="] {
        let (code, _, stderr) = rotlint(&["--format", bad, path]);
        assert_eq!(code, 2, "{bad}");
        assert!(stderr.contains("--format"), "{bad}: {stderr}");
    }
}

/// Suppressed findings are skipped tests, findings below the fail level pass with their text in
/// `system-out`, the rest fail; template text with markup and controls stays well-formed.
#[test]
fn junit_marks_failures_skips_and_escapes_template_text() {
    let dir = temp_dir("junit");
    let evil = "Fn<&\"'>]]>\u{1b}[31m\u{7f}\u{85}";
    let template = serde_json::json!({
        "Resources": {
            "Secret": {"Type": "AWS::SecretsManager::Secret"},
            evil: {"Type": "AWS::Lambda::Function", "Properties": {"Timeout": 10},
                   "Metadata": {"rotlint": {"ignore": [{"rule": "RL303", "reason": "short <on> \"purpose\" & \u{1b}]0;x\u{7}"}]}}},
            "Schedule": {"Type": "AWS::SecretsManager::RotationSchedule",
                         "Properties": {"SecretId": {"Ref": "Secret"}, "RotationLambdaARN": {"Fn::GetAtt": [evil, "Arn"]}}},
            "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": {"Ref": "Nope"}}}
        }
    });
    std::fs::write(dir.join("a&b<c>.json"), serde_json::to_string(&template).expect("JSON")).expect("write");
    std::fs::write(dir.join("clean.yaml"), "Resources:\n  T:\n    Type: AWS::SNS::Topic\n").expect("write");
    let (code, stdout, stderr) = rotlint(&["--format", "junit", "--fail-level", "error", dir.to_str().expect("utf8")]);
    assert_eq!(code, 1, "{stderr}");
    let root = parse_xml(&stdout);
    check_junit(&root);
    assert_eq!(root.children.len(), 2, "one suite per file");
    let suite = &root.children[0];
    assert!(suite.attr("name").ends_with("a&b<c>.json"), "{}", suite.attr("name"));
    let clean = &root.children[1];
    assert_eq!((clean.count("tests"), clean.count("failures")), (1, 0), "a clean file is one passing test");
    let case = |rule: &str| {
        suite.children.iter().find(|c| c.attr("name").starts_with(rule)).unwrap_or_else(|| panic!("{rule}: {stdout}"))
    };
    let skipped = &case("RL303 ").children[0];
    assert_eq!(skipped.name, "skipped");
    assert_eq!(skipped.attr("message"), "suppressed: short <on> \"purpose\" & \\u{1b}]0;x\\u{7}");
    let failure = &case("RL003 ").children[0];
    assert_eq!((failure.name.as_str(), failure.attr("type")), ("failure", "error"));
    assert!(
        failure.text.contains("\ndocs: https://github.com/rotlint/rotlint/blob/main/rules/RL003.md"),
        "{}",
        failure.text
    );
    let warning = &case("RL304 ").children[0];
    assert_eq!(warning.name, "system-out", "below the fail level: passes, text kept");
    assert!(warning.text.contains("Fn<&\"'>]]>\\u{1b}[31m\\u{7f}\\u{85}"), "{}", warning.text);
    // With fail level note, the warning fails too.
    let (_, stdout, _) = rotlint(&["--format", "junit", "--fail-level", "note", dir.to_str().expect("utf8")]);
    let root = parse_xml(&stdout);
    check_junit(&root);
    let warning = root.children[0].children.iter().find(|c| c.attr("name").starts_with("RL304 ")).expect("RL304");
    let failure = &warning.children[0];
    assert_eq!((failure.name.as_str(), failure.attr("type")), ("failure", "warning"));
    assert!(failure.attr("message").contains("Fn<&\"'>]]>\\u{1b}[31m\\u{7f}\\u{85}"), "{}", failure.attr("message"));
}

#[test]
fn quiet_shows_only_failing_findings_and_the_summary() {
    let dir = temp_dir("quiet");
    let file = dir.join("t.yaml");
    std::fs::write(&file, NO_PERMISSION).expect("write");
    let path = file.to_str().expect("utf8");
    let (code, full, _) = rotlint(&["--color", "never", path]);
    assert_eq!(code, 1);
    assert!(full.contains("warning[RL304]") && full.contains("error[RL303]"), "{full}");
    let (code, quiet, stderr) = rotlint(&["--quiet", "--color", "never", path]);
    assert_eq!((code, stderr.as_str()), (1, ""));
    assert!(quiet.contains("error[RL303]") && !quiet.contains("[RL304]") && !quiet.contains("[RL307]"), "{quiet}");
    let summary = full.lines().last().expect("summary");
    assert_eq!(quiet.lines().last(), Some(summary), "the summary counts every finding");
    let (_, quiet_warning, _) = rotlint(&["-q", "--fail-level", "warning", "--format", "compact", path]);
    assert!(quiet_warning.contains("warning[RL304]") && quiet_warning.contains("error[RL303]"), "{quiet_warning}");
    assert!(!quiet_warning.contains("note["), "{quiet_warning}");
    let (_, json, _) = rotlint(&["-q", "--format", "json", path]);
    assert!(json.contains("\"RL304\""), "JSON stays complete: {json}");
    // Nothing fails: only the summary line.
    let (code, clean, _) = rotlint(&["-q", "--color", "never", &repo("examples/nat/fixed.yaml")]);
    assert_eq!(code, 0);
    assert_eq!(clean, "0 errors, 1 warning, 0 notes in 1 file\n");
}

/// `rotlint rules --format json`, and the documentation link of every rule: the same in JSON
/// findings, text findings and SARIF's helpUri, and it names a document that exists.
#[test]
fn rules_and_findings_link_to_the_rule_documents() {
    let (code, stdout, _) = rotlint(&["rules", "--format", "json"]);
    assert_eq!(code, 0);
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    let rules = doc["rules"].as_array().expect("rules");
    let text_ids: Vec<String> =
        rotlint(&["rules"]).1.lines().map(|l| l.split_whitespace().next().unwrap_or("").to_owned()).collect();
    let json_ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(json_ids, text_ids);
    for rule in rules {
        let id = rule["id"].as_str().expect("id");
        for key in ["name", "level", "summary"] {
            assert!(rule[key].as_str().is_some_and(|v| !v.is_empty()), "{rule}");
        }
        let docs = rule["docs"].as_str().expect("docs");
        assert_eq!(docs, format!("https://github.com/rotlint/rotlint/blob/main/rules/{id}.md"));
        assert!(Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("rules/{id}.md")).is_file(), "{id}");
    }
    let dir = temp_dir("docs");
    let file = dir.join("t.yaml");
    std::fs::write(&file, NO_PERMISSION).expect("write");
    let path = file.to_str().expect("utf8");
    let (_, json, _) = rotlint(&["--format", "json", path]);
    let json: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let (_, sarif, _) = rotlint(&["--format", "sarif", path]);
    let sarif: serde_json::Value = serde_json::from_str(&sarif).expect("SARIF");
    let help_uri = |id: &str| {
        let rules = sarif["runs"][0]["tool"]["driver"]["rules"].as_array().expect("rules");
        rules.iter().find(|r| r["id"] == id).and_then(|r| r["helpUri"].as_str()).map(str::to_owned)
    };
    let (_, text, _) = rotlint(&["--color", "never", path]);
    for finding in json["findings"].as_array().expect("findings") {
        let id = finding["rule"].as_str().expect("rule");
        let docs = finding["docs"].as_str().expect("docs");
        assert_eq!(Some(docs.to_owned()), help_uri(id), "{id}");
        assert!(text.contains(&format!("  docs: {docs}\n")), "{id}: {text}");
    }
}

/// `rotlint completions SHELL` for every shell clap_complete knows; the bash script is run to
/// complete `--format ` and `completions `.
#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let (code, stdout, stderr) = rotlint(&["completions", shell]);
        assert_eq!(code, 0, "{shell}: {stderr}");
        assert!(stdout.contains("rotlint") && stdout.contains("only-templates"), "{shell}");
        // Elvish and PowerShell scripts complete option names only.
        assert!(stdout.contains("junit") || ["elvish", "powershell"].contains(&shell), "{shell}: format values");
    }
    assert_eq!(rotlint(&["completions", "tcsh"]).0, 2);
    let dir = temp_dir("completions");
    let script = dir.join("rotlint.bash");
    std::fs::write(&script, rotlint(&["completions", "bash"]).1).expect("write");
    let probe = format!(
        "source '{}'\n\
         COMP_WORDS=(rotlint --format ''); COMP_CWORD=2; _rotlint rotlint '' --format; echo \"${{COMPREPLY[*]}}\"\n\
         COMP_WORDS=(rotlint paths --con); COMP_CWORD=2; _rotlint rotlint --con paths; echo \"${{COMPREPLY[*]}}\"\n",
        script.display()
    );
    let Ok(out) = Command::new("bash").arg("-c").arg(&probe).output() else {
        eprintln!("bash is not installed: the bash script is not run");
        return;
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines, ["text json sarif github compact junit", "--config"], "{}", String::from_utf8_lossy(&out.stderr));
}

/// `rotlint man` is a roff page naming every option; groff (when installed) formats it without a
/// warning.
#[test]
fn man_page_documents_every_option() {
    let (code, page, _) = rotlint(&["man"]);
    assert_eq!(code, 0);
    assert!(page.contains(".TH rotlint 1"), "{page}");
    for option in ["format", "quiet", "fail\\-level", "config", "color", "output", "baseline", "only\\-templates"] {
        assert!(page.contains(&format!("\\fB\\-\\-{option}\\fR")), "--{option} missing");
    }
    for command in ["explain", "rules", "paths", "completions"] {
        assert!(page.contains(command), "{command}");
    }
    let dir = temp_dir("man");
    let file = dir.join("rotlint.1");
    std::fs::write(&file, &page).expect("write");
    let Ok(out) = Command::new("groff").args(["-man", "-Tutf8", "-ww", "-z"]).arg(&file).output() else {
        eprintln!("groff is not installed: the page is not formatted");
        return;
    };
    assert!(out.status.success() && out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// `--color auto` into a pipe: plain, unless CLICOLOR_FORCE; NO_COLOR wins over it; the flag
/// wins over both. (A terminal's TERM=dumb is covered by the unit test of the decision.)
#[test]
fn colour_follows_no_color_and_clicolor_force() {
    let file = repo("examples/nat/fixed.yaml");
    let coloured = |args: &[&str], env: &[(&str, &str)]| {
        let mut all = args.to_vec();
        all.push(&file);
        let (code, stdout, _) = run(&all, env);
        assert_eq!(code, 0, "{stdout}");
        stdout.contains("\u{1b}[")
    };
    assert!(!coloured(&[], &[]));
    assert!(coloured(&[], &[("CLICOLOR_FORCE", "1")]));
    assert!(coloured(&[], &[("CLICOLOR_FORCE", "1"), ("TERM", "dumb")]));
    assert!(!coloured(&[], &[("CLICOLOR_FORCE", "0")]));
    assert!(!coloured(&[], &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]));
    assert!(coloured(&["--color", "always"], &[("NO_COLOR", "1")]));
    assert!(!coloured(&["--color", "never"], &[("CLICOLOR_FORCE", "1")]));
}

/// An output that cannot be written names its path (lint `-o`, `FORMAT=FILE`, `paths -o`).
#[test]
fn unwritable_outputs_name_the_path() {
    let file = repo("examples/nat/fixed.yaml");
    let missing = temp_dir("unwritable").join("no/such/dir/report.txt");
    let missing = missing.to_str().expect("utf8");
    for args in [
        vec!["-o", missing, file.as_str()],
        vec!["--format", &format!("sarif={missing}"), file.as_str()],
        vec!["paths", "-o", missing, file.as_str()],
    ] {
        let (code, _, stderr) = rotlint(&args);
        assert_eq!(code, 2, "{args:?}");
        assert!(stderr.contains(&format!("cannot write to `{missing}`")), "{args:?}: {stderr}");
    }
}

/// `rotlint paths --config FILE` reads that file (here its `exclude`), and a file that does not
/// parse is reported as RL001 (exit 1) instead of "no rotation functions found".
#[test]
fn paths_takes_a_config_and_reports_unparsable_files() {
    let dir = temp_dir("paths");
    std::fs::create_dir_all(dir.join("skip")).expect("mkdir");
    std::fs::copy(repo("examples/nat/fixed.yaml"), dir.join("skip/nat.yaml")).expect("copy");
    std::fs::write(dir.join("other.toml"), "exclude = [\"skip/**\"]\n").expect("write");
    let paths = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_rotlint"))
            .arg("paths")
            .args(args)
            .current_dir(&dir)
            .output()
            .expect("binary runs");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, stdout, _) = paths(&["."]);
    assert_eq!(code, 0);
    assert!(stdout.contains("rotation function `RotationFunction`"), "{stdout}");
    let (code, stdout, stderr) = paths(&["--config", "other.toml", "."]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, "no rotation functions found\n");
    std::fs::write(dir.join("bad.toml"), "exclud = []\n").expect("write");
    let (code, _, stderr) = paths(&["--config", "bad.toml", "."]);
    assert_eq!(code, 2);
    assert!(stderr.contains("bad.toml") && stderr.contains("exclud"), "{stderr}");

    std::fs::write(dir.join("broken.yaml"), "AWSTemplateFormatVersion: x\nResources:\n  A: [unclosed\n")
        .expect("write");
    let (code, stdout, _) = paths(&["broken.yaml", "skip/nat.yaml"]);
    assert_eq!(code, 1);
    let first = stdout.lines().next().unwrap_or("");
    assert!(first.starts_with("broken.yaml:") && first.contains(": error[RL001] parse-error: "), "{stdout}");
    assert!(stdout.contains("rotation function `RotationFunction`"), "the other file is shown: {stdout}");
    let (code, stdout, _) = paths(&["broken.yaml"]);
    assert_eq!(code, 1);
    assert!(stdout.ends_with("\nno rotation functions found in the files that parse\n"), "{stdout}");
    let (code, stdout, _) = paths(&["--format", "json", "broken.yaml"]);
    assert_eq!(code, 1);
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    let error = &doc["errors"][0];
    assert_eq!((error["rule"].as_str(), error["file"].as_str()), (Some("RL001"), Some("broken.yaml")), "{doc}");
    assert!(error["line"].as_u64().is_some_and(|l| l >= 3) && error["message"].as_str().is_some(), "{doc}");
    for format in ["mermaid", "dot"] {
        let (code, _, stderr) = paths(&["--format", format, "broken.yaml"]);
        assert_eq!(code, 1);
        assert!(stderr.starts_with("broken.yaml:") && stderr.contains("error[RL001]"), "{format}: {stderr}");
    }
}
