//! Hostile Guard inputs (issue 14): rule paths and rule files that a pull request can write, and
//! templates that are cheap for rotlint but costly for cfn-guard. Each run must exit 0, 1 or 2
//! (never a signal), in bounded time, without printing the content of files it should not read.
//! Inputs are generated here, in scratch directories.
#![cfg(feature = "guard")]
#![expect(clippy::unwrap_used, reason = "a failed setup step is a failed test")]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const MANIFEST_DIR: &str = env!("CARGO_MANIFEST_DIR");
/// A template that fails the properties policy of `testdata/guard/rules/properties.guard`.
const FAILING: &str = "testdata/guard/templates/properties.yaml";
const POLICY: &str = "testdata/guard/rules/properties.guard";

/// The budget is 5 s for a release build; debug builds of cfn-guard are several times
/// slower, so the tests allow more and mainly catch minutes-long runs and hangs.
const DEADLINE: Duration = Duration::from_secs(30);

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    took: Duration,
}

/// Runs rotlint in `dir`, killing it at [`DEADLINE`] (then the test fails).
fn rotlint_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_rotlint"))
        .args(args)
        .current_dir(dir)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            panic!("rotlint {args:?} ran over {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        took: start.elapsed(),
    };
    assert!(matches!(run.code, 0..=2), "rotlint {args:?} exited {} (a signal?): {}", run.code, run.stderr);
    run
}

fn rotlint(args: &[&str]) -> Run {
    rotlint_in(Path::new(MANIFEST_DIR), args, &[])
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rotlint-guard-hostile-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn template(dir: &Path) -> String {
    let path = dir.join("t.yaml");
    std::fs::copy(Path::new(MANIFEST_DIR).join(FAILING), &path).unwrap();
    path.display().to_string()
}

fn guard_rules(stdout: &str) -> Vec<String> {
    let report: serde_json::Value = serde_json::from_str(stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    findings.iter().map(|f| f["rule"].as_str().unwrap().to_owned()).filter(|r| r.starts_with("GUARD")).collect()
}

#[test]
fn a_config_cannot_name_rule_files_outside_its_directory() {
    let dir = scratch("outside");
    let repo = dir.join("repo");
    std::fs::create_dir_all(repo.join("policies")).unwrap();
    std::fs::write(dir.join("secret.txt"), "TOPSECRET=hunter2\n").unwrap();
    template(&repo);
    std::os::unix::fs::symlink(dir.join("secret.txt"), repo.join("policies/x.guard")).unwrap();
    for named in ["/proc/self/environ", "/etc/shadow", "../secret.txt", "policies", "policies/x.guard"] {
        std::fs::write(repo.join(".rotlint.toml"), format!("guard-rules = [\"{named}\"]\n")).unwrap();
        let run = rotlint_in(&repo, &["t.yaml"], &[("ROTLINT_TEST_SECRET", "hunter2")]);
        assert_eq!(run.code, 2, "{named}: {}", run.stderr);
        assert!(run.stderr.contains("must be files inside its directory"), "{named}: {}", run.stderr);
        assert!(!run.stderr.contains("hunter2") && !run.stdout.contains("hunter2"), "{named}: {}", run.stderr);
    }
    // Inside the directory, through a symlink that stays inside, is fine.
    std::fs::remove_file(repo.join("policies/x.guard")).unwrap();
    std::fs::copy(Path::new(MANIFEST_DIR).join(POLICY), repo.join("policies/p.guard")).unwrap();
    std::fs::write(repo.join(".rotlint.toml"), "guard-rules = [\"policies\"]\n").unwrap();
    let run = rotlint_in(&repo, &["--format", "json", "t.yaml"], &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!guard_rules(&run.stdout).is_empty());
}

#[test]
fn errors_never_quote_a_file_that_is_not_guard_rules() {
    let dir = scratch("quote");
    let t = template(&dir);
    let secret = dir.join("secret.txt");
    std::fs::write(&secret, "TOPSECRET=hunter2\nB=2\n").unwrap();
    let named = secret.display().to_string();
    let environ = rotlint_in(&dir, &["--guard-rules", "/proc/self/environ", &t], &[("ROTLINT_TEST_SECRET", "hunter2")]);
    for run in [rotlint(&["--guard-rules", &named, &t]), environ] {
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(run.stderr.contains("content not shown"), "{}", run.stderr);
        assert!(!run.stderr.contains("hunter2") && !run.stderr.contains("TOPSECRET"), "{}", run.stderr);
    }
    // A Guard file gets a short excerpt, with control characters escaped.
    let bad = dir.join("bad.guard");
    std::fs::write(&bad, format!("rule r {{\n  Resources.* == \u{1b}[31m{}\n}}\n", "x".repeat(500))).unwrap();
    let run = rotlint(&["--guard-rules", &bad.display().to_string(), &t]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(!run.stderr.contains('\u{1b}') && !run.stderr.contains(&"x".repeat(100)), "{}", run.stderr);
}

#[test]
fn rule_files_must_be_regular_files_of_bounded_size() {
    let dir = scratch("special");
    let t = template(&dir);
    let fifo = dir.join("fifo.guard");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let big = dir.join("big.guard");
    std::fs::write(&big, "# padding\n".repeat(200_000)).unwrap();
    let fifo_name = fifo.display().to_string();
    let big_name = big.display().to_string();
    for (path, says) in [
        (fifo_name.as_str(), "not a regular file"),
        ("/dev/zero", "not a regular file"),
        (big_name.as_str(), "larger than 1024 KiB"),
    ] {
        let run = rotlint(&["--guard-rules", path, &t]);
        assert_eq!(run.code, 2, "{path}: {}", run.stderr);
        assert!(run.stderr.contains(path) && run.stderr.contains(says), "{path}: {}", run.stderr);
    }
    // In a directory, a FIFO named like a rule file is refused too, not read.
    let run = rotlint(&["--guard-rules", &dir.display().to_string(), &t]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[test]
fn rule_directories_are_walked_once_each() {
    let dir = scratch("loops");
    let t = template(&dir);
    let rules = dir.join("rules");
    std::fs::create_dir_all(&rules).unwrap();
    std::fs::copy(Path::new(MANIFEST_DIR).join(POLICY), rules.join("p.guard")).unwrap();
    // Sixteen links back to the directory itself: 2^16 paths, one directory.
    for i in 0..16 {
        std::os::unix::fs::symlink(".", rules.join(format!("self{i}"))).unwrap();
    }
    std::os::unix::fs::symlink("/", rules.join("root")).unwrap();
    let looped = rotlint(&["--format", "json", "--guard-rules", &rules.display().to_string(), &t]);
    let plain = rotlint(&["--format", "json", "--guard-rules", POLICY, &t]);
    assert_eq!(looped.code, 1, "{}", looped.stderr);
    assert_eq!(guard_rules(&looped.stdout), guard_rules(&plain.stdout));
    assert!(looped.took < Duration::from_secs(10), "{:?}", looped.took);
    let proc = rotlint(&["--guard-rules", "/proc/self/", &t]);
    assert_eq!(proc.code, 2, "{}", proc.stderr);
    assert!(proc.took < Duration::from_secs(10), "{:?}", proc.took);
}

#[test]
fn deeply_nested_and_overlong_rule_files_stop_the_run_with_a_message() {
    let dir = scratch("nested");
    let t = template(&dir);
    let cases = [
        ("blocks.guard", format!("rule r {{ {} }}\n", "Resources { ".repeat(5000) + &"}".repeat(5000)), "nest deeper"),
        (
            "parens.guard",
            format!("rule r {{ Resources.* == {}1{} }}\n", "(".repeat(5000), ")".repeat(5000)),
            "nest deeper",
        ),
        ("ors.guard", format!("rule r {{ {} }}\n", vec!["Resources exists"; 20_000].join(" or ")), "`or` alternatives"),
    ];
    for (name, text, says) in cases {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let run = rotlint(&["--guard-rules", &path.display().to_string(), &t]);
        assert_eq!(run.code, 2, "{name}: {}", run.stderr);
        assert!(run.stderr.contains(name) && run.stderr.contains(says), "{name}: {}", run.stderr);
    }
    // Long chains of unary operators stop in Guard's parser, not the stack.
    for prefix in ["not ", "!"] {
        let path = dir.join("unary.guard");
        std::fs::write(&path, format!("rule r {{ Resources.* == {}1 }}\n", prefix.repeat(5000))).unwrap();
        let run = rotlint(&["--guard-rules", &path.display().to_string(), &t]);
        assert_eq!(run.code, 2, "{prefix}: {}", run.stderr);
    }
}

#[test]
fn a_template_over_the_guard_budget_gets_one_finding_and_other_files_are_still_checked() {
    let dir = scratch("wide");
    let t = template(&dir);
    let keys: String = (0..40_000).map(|i| format!("  Key{i}: {i}\n")).collect();
    std::fs::write(dir.join("wide.yaml"), format!("Resources:\n  Q:\n    Type: AWS::SQS::Queue\nMetadata:\n{keys}"))
        .unwrap();
    let run = rotlint(&["--format", "json", "--guard-rules", POLICY, &dir.display().to_string()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let wide: Vec<&serde_json::Value> =
        findings.iter().filter(|f| f["file"].as_str().unwrap().ends_with("wide.yaml")).collect();
    assert_eq!(wide.len(), 1, "{wide:?}");
    assert_eq!(wide[0]["rule"], "GUARD");
    assert!(wide[0]["message"].as_str().unwrap().contains("a mapping of 40000 keys"), "{wide:?}");
    assert_eq!((wide[0]["line"].as_u64(), wide[0]["column"].as_u64()), (Some(5), Some(3)), "{wide:?}");
    let other = findings.iter().filter(|f| f["file"].as_str().unwrap() == t && f["rule"] != "GUARD");
    assert!(other.filter(|f| f["rule"].as_str().unwrap().starts_with("GUARD:")).count() >= 5);
}

#[test]
fn a_deeply_nested_template_is_evaluated_without_overflowing() {
    let dir = scratch("deep-template");
    let depth = 500;
    let text = format!(
        "{{\"Resources\": {{\"Q\": {{\"Type\": \"AWS::SQS::Queue\", \"Metadata\": {}1{}}}}}}}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    std::fs::write(dir.join("deep.json"), text).unwrap();
    let run = rotlint(&["--format", "json", "--guard-rules", POLICY, &dir.join("deep.json").display().to_string()]);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
}

#[test]
fn deep_nesting_under_long_keys_is_over_the_budget() {
    // cfn-guard keeps every node's full path: 250 levels of 1,000-byte keys are 31 MB of paths
    // for a 250 KB file (195 MiB in cfn-guard with one rule file, more with each further one).
    let dir = scratch("long-paths");
    let depth = 250;
    let key = "k".repeat(1000);
    let mut text = String::from("{\"Resources\": {\"Q\": {\"Type\": \"AWS::SQS::Queue\"}}, \"Metadata\": ");
    text.push_str(&format!("{{\"{key}\": ").repeat(depth));
    text.push('1');
    text.push_str(&"}".repeat(depth + 1));
    std::fs::write(dir.join("paths.json"), text).unwrap();
    let run = rotlint(&["--format", "json", "--guard-rules", POLICY, &dir.join("paths.json").display().to_string()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let messages: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "GUARD")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(messages.len() == 1 && messages[0].contains("property paths"), "{messages:?}");
}
