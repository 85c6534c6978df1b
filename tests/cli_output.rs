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
