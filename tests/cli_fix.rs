//! End-to-end tests of `--fix`, `--unsafe-fixes` and `--diff` on the built binary, on copies of
//! fixtures in a temporary directory.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn rotlint(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rotlint")).args(args).output().expect("binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rotlint-cli-fix-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn fixture(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).expect("fixture")
}

fn s(path: &Path) -> &str {
    path.to_str().expect("utf8")
}

/// Rule ids of the findings in a JSON report.
fn rules(json: &str) -> Vec<String> {
    let doc: serde_json::Value = serde_json::from_str(json).expect("json");
    doc["findings"].as_array().expect("findings").iter().map(|f| f["rule"].as_str().unwrap_or("").to_owned()).collect()
}

const DNS_OFF: &str = "testdata/RL105/fail/private-dns-false-hosted.yaml";

#[test]
fn fix_applies_the_safe_fix_writes_only_that_value_and_a_second_run_changes_nothing() {
    let dir = temp_dir("safe");
    let file = dir.join("t.yaml");
    let original = fixture(DNS_OFF);
    std::fs::write(&file, &original).expect("write");
    let (code, before, _) = rotlint(&["--format", "json", s(&file)]);
    assert_eq!(code, 1);
    assert!(rules(&before).contains(&"RL105".to_owned()), "{before}");

    let (code, after, stderr) = rotlint(&["--fix", "--format", "json", s(&file)]);
    assert!(stderr.contains("applied 1 fix(es) to 1 file(s)"), "{stderr}");
    let fixed = std::fs::read_to_string(&file).expect("read");
    assert_eq!(fixed, original.replacen("PrivateDnsEnabled: false", "PrivateDnsEnabled: true", 1));
    // The report is of the fixed file, and so is the exit code.
    let remaining = rules(&after);
    assert!(!remaining.contains(&"RL105".to_owned()), "{after}");
    assert_eq!(code, i32::from(!remaining.is_empty()), "{after}");

    let (_, _, stderr) = rotlint(&["--fix", s(&file)]);
    assert!(!stderr.contains("applied"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&file).expect("read"), fixed);
}

#[test]
fn without_fix_nothing_is_written_and_text_output_says_a_fix_is_available() {
    let dir = temp_dir("nofix");
    let file = dir.join("t.yaml");
    std::fs::write(&file, fixture(DNS_OFF)).expect("write");
    let (code, stdout, _) = rotlint(&["--color", "never", s(&file)]);
    assert_eq!(code, 1);
    assert!(stdout.contains("fix available (safe): set `PrivateDnsEnabled: true`"), "{stdout}");
    assert_eq!(std::fs::read_to_string(&file).expect("read"), fixture(DNS_OFF));
    let (_, json, _) = rotlint(&["--format", "json", s(&file)]);
    let doc: serde_json::Value = serde_json::from_str(&json).expect("json");
    let finding = doc["findings"].as_array().expect("findings").iter().find(|f| f["rule"] == "RL105").expect("RL105");
    assert_eq!(finding["fix"]["applicability"], "safe");
    assert_eq!(finding["fix"]["edits"][0]["text"], "true");
    assert_eq!(finding["fix"]["edits"][0]["line"], finding["line"]);
}

#[test]
fn diff_prints_the_change_and_writes_nothing() {
    let dir = temp_dir("diff");
    let file = dir.join("t.yaml");
    std::fs::write(&file, fixture(DNS_OFF)).expect("write");
    let (code, stdout, _) = rotlint(&["--diff", s(&file)]);
    assert_eq!(code, 1, "a change to make exits 1");
    assert!(stdout.contains("-      PrivateDnsEnabled: false\n+      PrivateDnsEnabled: true\n"), "{stdout}");
    assert!(stdout.starts_with("--- a/"), "{stdout}");
    assert!(!stdout.contains("error["), "only the diff on stdout: {stdout}");
    assert_eq!(std::fs::read_to_string(&file).expect("read"), fixture(DNS_OFF));

    let clean = dir.join("clean.yaml");
    std::fs::write(&clean, "Resources:\n  B:\n    Type: AWS::S3::Bucket\n").expect("write");
    assert_eq!(rotlint(&["--diff", s(&clean)]), (0, String::new(), String::new()));
}

#[cfg(unix)]
#[test]
fn diff_output_escapes_template_control_characters() {
    let dir = temp_dir("escape");
    // A file name with a terminal escape and a workflow command on a line of its own, and a
    // bidirectional override in a comment beside the fixed value.
    let file = dir.join("t\u{1b}[2J\n::error::owned.yaml");
    let hostile = fixture(DNS_OFF).replacen("PrivateDnsEnabled: false", "PrivateDnsEnabled: false # \u{202e}x", 1);
    std::fs::write(&file, &hostile).expect("write");
    let (code, stdout, _) = rotlint(&["--diff", s(&file)]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("+      PrivateDnsEnabled: true # \\u{202e}x"), "{stdout}");
    assert!(stdout.contains("t\\u{1b}[2J\\u{a}::error::owned.yaml"), "{stdout}");
    assert!(!stdout.chars().any(|c| (c.is_control() && c != '\n') || c == '\u{202e}'), "{stdout:?}");
    assert!(!stdout.lines().any(|l| l.starts_with("::")), "{stdout}");
    assert_eq!(std::fs::read_to_string(&file).expect("read"), hostile);
}

#[test]
fn unsafe_fixes_needs_fix_or_diff_and_fix_refuses_conflicting_flags() {
    let (code, _, stderr) = rotlint(&["--unsafe-fixes", "."]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--unsafe-fixes"), "{stderr}");
    let (code, _, _) = rotlint(&["--fix", "--diff", "."]);
    assert_eq!(code, 2);
    let (code, _, _) = rotlint(&["--fix", "--write-baseline", "b.json", "."]);
    assert_eq!(code, 2);
}

#[test]
fn standard_input_is_linted_but_never_written() {
    let dir = temp_dir("stdin");
    let mut child = Command::new(env!("CARGO_BIN_EXE_rotlint"))
        .args(["--fix", "--format", "json", "--stdin-filename", "t.yaml", "-"])
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), fixture(DNS_OFF).as_bytes()).expect("feed");
    let out = child.wait_with_output().expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(rules(&stdout).contains(&"RL105".to_owned()), "not fixed: {stdout}");
    assert_eq!(std::fs::read_dir(&dir).expect("dir").count(), 0, "nothing written");
}

/// A Guard policy that wants private DNS off: the RL105 fix would break it, so the file is put
/// back and the run says so.
#[cfg(feature = "guard")]
#[test]
fn a_fix_that_adds_a_finding_is_undone_and_reported() {
    let dir = temp_dir("restore");
    let file = dir.join("t.yaml");
    let original = fixture(DNS_OFF);
    std::fs::write(&file, &original).expect("write");
    let policy = dir.join("p.guard");
    std::fs::write(
        &policy,
        "let endpoints = Resources.*[ Type == \"AWS::EC2::VPCEndpoint\" ]\n\
         rule dns_stays_off when %endpoints !empty {\n    %endpoints.Properties.PrivateDnsEnabled == false\n}\n",
    )
    .expect("write");
    let (_, before, _) = rotlint(&["--guard-rules", s(&policy), "--format", "json", s(&file)]);
    let (code, after, stderr) = rotlint(&["--fix", "--guard-rules", s(&policy), "--format", "json", s(&file)]);
    assert_eq!(code, 1);
    assert!(stderr.contains("as it was: the fixed text had a new GUARD:dns_stays_off finding"), "{stderr}");
    assert!(!stderr.contains("applied"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&file).expect("read"), original);
    assert_eq!(rules(&before), rules(&after));
    let (code, stdout, _) = rotlint(&["--diff", "--guard-rules", s(&policy), s(&file)]);
    assert_eq!((code, stdout.as_str()), (0, ""));
}

#[cfg(unix)]
#[test]
fn fix_keeps_permissions_crlf_and_the_byte_order_mark() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir("bytes");
    let file = dir.join("t.yaml");
    let original = format!("\u{FEFF}{}", fixture(DNS_OFF).replace('\n', "\r\n"));
    std::fs::write(&file, &original).expect("write");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    rotlint(&["--fix", s(&file)]);
    let fixed = std::fs::read_to_string(&file).expect("read");
    assert_eq!(fixed, original.replacen("PrivateDnsEnabled: false", "PrivateDnsEnabled: true", 1));
    assert_eq!(std::fs::metadata(&file).expect("meta").permissions().mode() & 0o777, 0o640);
    assert_eq!(std::fs::read_dir(&dir).expect("dir").count(), 1, "no temporary file left");
}

#[test]
fn unsafe_fixes_are_applied_only_with_unsafe_fixes() {
    let dir = temp_dir("unsafe");
    let file = dir.join("t.yaml");
    let original = fixture("testdata/RL303/fail/no-permission.yaml");
    std::fs::write(&file, &original).expect("write");
    let (_, text, _) = rotlint(&["--color", "never", s(&file)]);
    assert!(text.contains("fix available (unsafe): add `RotationFunctionSecretsManagerPermission`"), "{text}");
    let (_, stdout, stderr) = rotlint(&["--fix", "--format", "json", s(&file)]);
    assert_eq!(std::fs::read_to_string(&file).expect("read"), original, "safe fixes only");
    assert!(rules(&stdout).contains(&"RL303".to_owned()), "{stderr}");
    let (_, diff, _) = rotlint(&["--diff", "--unsafe-fixes", s(&file)]);
    assert!(
        diff.contains("+  RotationFunctionSecretsManagerPermission:\n+    Type: AWS::Lambda::Permission\n"),
        "{diff}"
    );
    let (_, stdout, _) = rotlint(&["--fix", "--unsafe-fixes", "--format", "json", s(&file)]);
    assert!(!rules(&stdout).contains(&"RL303".to_owned()), "{stdout}");
    let fixed = std::fs::read_to_string(&file).expect("read");
    assert!(fixed.starts_with(&original), "the resource is added at the end");
    assert!(fixed.contains("Principal: secretsmanager.amazonaws.com"), "{fixed}");
}

/// The RL107, RL203 and RL403 fixes are unsafe: `--fix` leaves them, `--diff --unsafe-fixes` shows
/// them, `--fix --unsafe-fixes` applies them and the finding is gone; SARIF carries them as fixes.
#[test]
fn ingress_and_route_table_fixes_are_unsafe() {
    let cases = [
        (
            "testdata/fix/rl107-block.yaml",
            "RL107",
            "+          SourceSecurityGroupId: !Ref RotationFunctionSecurityGroup\n",
        ),
        ("testdata/fix/rl203-block.yaml", "RL203", "+          FromPort: 5432\n"),
        ("testdata/fix/rl403-block.yaml", "RL403", "+        - !Ref RoutesB\n"),
    ];
    for (n, (path, rule, added)) in cases.into_iter().enumerate() {
        let dir = temp_dir(&format!("ingress-{n}"));
        let file = dir.join("t.yaml");
        let original = fixture(path);
        std::fs::write(&file, &original).expect("write");
        let (_, sarif, _) = rotlint(&["--format", "sarif", s(&file)]);
        let doc: serde_json::Value = serde_json::from_str(&sarif).expect("sarif");
        let results = doc["runs"][0]["results"].as_array().expect("results");
        let ours = results.iter().find(|r| r["ruleId"] == rule).expect("result");
        assert!(ours["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"].is_string());
        rotlint(&["--fix", s(&file)]);
        assert_eq!(std::fs::read_to_string(&file).expect("read"), original, "{rule}: not a safe fix");
        let (code, diff, _) = rotlint(&["--diff", "--unsafe-fixes", s(&file)]);
        assert_eq!(code, 1);
        assert!(diff.contains(added), "{rule}: {diff}");
        let (_, stdout, _) = rotlint(&["--fix", "--unsafe-fixes", "--format", "json", s(&file)]);
        assert!(!rules(&stdout).contains(&rule.to_owned()), "{rule}: {stdout}");
        assert_ne!(std::fs::read_to_string(&file).expect("read"), original);
    }
}

/// RL101's endpoint is shown (text prints the resource, JSON has a display-only fix), never
/// written, not even with --unsafe-fixes, and SARIF leaves it out of `fixes`.
#[test]
fn the_endpoint_suggestion_is_shown_and_never_applied() {
    let dir = temp_dir("display");
    let file = dir.join("t.yaml");
    let original = fixture("testdata/fix/rl101.yaml");
    std::fs::write(&file, &original).expect("write");
    let (_, text, _) = rotlint(&["--color", "never", s(&file)]);
    assert!(text.contains("suggested change: add `SecretsManagerEndpoint`"), "{text}");
    assert!(text.contains("    |     Type: AWS::EC2::VPCEndpoint\n"), "{text}");
    assert!(text.contains("    |       # SecurityGroupIds: ["), "{text}");
    let (_, json, _) = rotlint(&["--format", "json", s(&file)]);
    let doc: serde_json::Value = serde_json::from_str(&json).expect("json");
    let finding = doc["findings"].as_array().expect("findings").iter().find(|f| f["rule"] == "RL101").expect("RL101");
    assert_eq!(finding["fix"]["applicability"], "display-only");
    let (_, sarif, _) = rotlint(&["--format", "sarif", s(&file)]);
    let doc: serde_json::Value = serde_json::from_str(&sarif).expect("sarif");
    let results = doc["runs"][0]["results"].as_array().expect("results");
    assert!(results.iter().filter(|r| r["ruleId"] == "RL101").all(|r| r.get("fixes").is_none()), "{sarif}");
    let (code, diff, _) = rotlint(&["--diff", "--unsafe-fixes", s(&file)]);
    assert_eq!((code, diff.as_str()), (0, ""));
    rotlint(&["--fix", "--unsafe-fixes", s(&file)]);
    assert_eq!(std::fs::read_to_string(&file).expect("read"), original);
}
