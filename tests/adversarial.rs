//! Hostile inputs for a whole run (discovery, reading, loading, evaluation, rules), plus the
//! determinism of the binary's output.
//!
//! Each case puts one bad file next to a good template with known findings and lints the
//! directory: the run must end within a bound, the bad file must get a finding or a per-file
//! error, and the good template must keep its findings. Inputs are built in a temp dir at test
//! time; nothing large is checked in.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use rotlint::diagnostic::FileId;
use rotlint::lint::{LintResult, Options, lint_paths};
use rotlint::report;
use rotlint::source::{Limits, load_bytes};

/// A hang guard, not a benchmark: debug builds on a loaded 2-core machine finish in well under it.
const BOUND: Duration = Duration::from_secs(30);

/// The good template and the findings it must keep whatever sits next to it.
const GOOD: &str = include_str!("../examples/nat/broken.yaml");
const GOOD_RULES: &[&str] = &["RL101", "RL103"];

/// A temp directory removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("rotlint-adversarial-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create scratch dir");
        std::fs::write(dir.join("good.yaml"), GOOD).expect("write good template");
        Scratch(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, bytes).expect("write input");
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `lint_paths` on another thread, so a hang fails the test instead of stalling the suite.
fn lint_within(paths: &[PathBuf]) -> LintResult {
    let paths = paths.to_vec();
    let (tx, rx) = mpsc::channel();
    let start = Instant::now();
    std::thread::spawn(move || {
        let _ = tx.send(lint_paths(&paths, &Options::default()));
    });
    let outcome = match rx.recv_timeout(BOUND) {
        Ok(result) => result.expect("the run itself succeeds"),
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("lint did not finish within {BOUND:?}"),
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("lint panicked"),
    };
    eprintln!("linted in {:?}", start.elapsed());
    outcome
}

fn lint_dir(scratch: &Scratch) -> LintResult {
    lint_within(std::slice::from_ref(&scratch.0))
}

/// Rule ids reported against the file named `name`.
fn rules_for<'a>(outcome: &'a LintResult, name: &str) -> BTreeSet<&'a str> {
    outcome
        .diagnostics
        .iter()
        .filter(|d| outcome.file(d.primary.file).is_some_and(|f| f.path.file_name() == Some(name.as_ref())))
        .map(|d| d.rule.as_ref())
        .collect()
}

fn assert_good_intact(outcome: &LintResult) {
    let found = rules_for(outcome, "good.yaml");
    for rule in GOOD_RULES {
        assert!(found.contains(rule), "good.yaml lost {rule}; it has {found:?}");
    }
}

/// The bad file got one of `expected` (and the good one kept its findings).
fn assert_flagged(outcome: &LintResult, name: &str, expected: &[&str]) {
    assert_good_intact(outcome);
    let found = rules_for(outcome, name);
    assert!(expected.iter().any(|r| found.contains(r)), "{name}: expected one of {expected:?}, got {found:?}");
}

/// Messages of the findings against `name`, for checking that a per-file error says what happened.
fn messages_for(outcome: &LintResult, name: &str) -> Vec<String> {
    outcome
        .diagnostics
        .iter()
        .filter(|d| outcome.file(d.primary.file).is_some_and(|f| f.path.file_name() == Some(name.as_ref())))
        .map(|d| d.message.clone())
        .collect()
}

const HEADER: &str = "AWSTemplateFormatVersion: \"2010-09-09\"\n";

#[test]
fn billion_laughs() {
    let scratch = Scratch::new("laughs");
    let mut text = format!("{HEADER}a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (name, prev) in ["b", "c", "d", "e", "f", "g", "h", "i"].iter().zip(["a", "b", "c", "d", "e", "f", "g", "h"]) {
        let refs = vec![format!("*{prev}"); 9].join(",");
        text.push_str(&format!("{name}: &{name} [{refs}]\n"));
    }
    scratch.write("laughs.yaml", text);
    assert_flagged(&lint_dir(&scratch), "laughs.yaml", &["RL004"]);
}

#[test]
fn linear_alias_amplification_219kb() {
    let scratch = Scratch::new("alias");
    let mut text = format!("{HEADER}Metadata:\n  a: &a\n");
    text.push_str(&"    - item\n".repeat(20_000));
    text.push_str("  b:\n");
    text.push_str(&"    - *a\n".repeat(5_000));
    assert!(text.len() > 219_000, "{} bytes", text.len());
    scratch.write("alias.yaml", text);
    assert_flagged(&lint_dir(&scratch), "alias.yaml", &["RL004"]);
}

#[test]
fn deep_block_nesting_yaml() {
    let scratch = Scratch::new("deep-block");
    scratch.write("deep.yaml", format!("{HEADER}Resources:\n  {}x\n", "- ".repeat(100_000)));
    assert_flagged(&lint_dir(&scratch), "deep.yaml", &["RL004"]);
}

#[test]
fn deep_flow_nesting_yaml() {
    let scratch = Scratch::new("deep-flow");
    let depth = 100_000;
    scratch.write("deep.yaml", format!("{HEADER}Resources: {}{}\n", "[".repeat(depth), "]".repeat(depth)));
    assert_flagged(&lint_dir(&scratch), "deep.yaml", &["RL004"]);
}

#[test]
fn deep_nesting_json() {
    let scratch = Scratch::new("deep-json");
    let depth = 100_000;
    scratch.write("arrays.json", format!("{{\"Resources\": {}{}}}", "[".repeat(depth), "]".repeat(depth)));
    scratch.write("objects.json", format!("{{\"Resources\": {}1{}}}", "{\"a\":".repeat(depth), "}".repeat(depth)));
    let outcome = lint_dir(&scratch);
    assert_flagged(&outcome, "arrays.json", &["RL004"]);
    assert_flagged(&outcome, "objects.json", &["RL004"]);
}

#[test]
fn fifty_megabyte_file_is_rejected_by_size() {
    let scratch = Scratch::new("big");
    // Sparse: set_len writes nothing, so creating it is instant; reading it would not be.
    let file = std::fs::File::create(scratch.path("big.yaml")).expect("create");
    file.set_len(50 * 1024 * 1024).expect("set_len");
    drop(file);
    let start = Instant::now();
    let outcome = lint_dir(&scratch);
    assert_flagged(&outcome, "big.yaml", &["RL004"]);
    assert!(start.elapsed() < Duration::from_secs(10), "slow: {:?}", start.elapsed());
    let big = outcome.files.iter().find(|f| f.path.ends_with("big.yaml")).expect("big.yaml reported");
    assert!(big.text.is_empty(), "an oversized file must not be read");
}

#[test]
fn invalid_utf8() {
    let scratch = Scratch::new("utf8");
    scratch.write("latin1.yaml", b"Resources:\n  Caf\xe9:\n    Type: AWS::S3::Bucket\n");
    assert_flagged(&lint_dir(&scratch), "latin1.yaml", &["RL001"]);
}

fn utf16le(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    text.encode_utf16().for_each(|unit| bytes.extend_from_slice(&unit.to_le_bytes()));
    bytes
}

#[test]
fn utf16_given_explicitly() {
    let scratch = Scratch::new("utf16-explicit");
    let bad = scratch.write("utf16.yaml", utf16le("AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n"));
    let outcome = lint_within(&[scratch.path("good.yaml"), bad]);
    assert_flagged(&outcome, "utf16.yaml", &["RL001"]);
    assert!(messages_for(&outcome, "utf16.yaml").iter().any(|m| m.contains("UTF-16")));
}

/// A UTF-16 template in a walked directory: its bytes never contain `Resources` as ASCII, so a
/// byte sniff alone would skip it silently.
#[test]
fn utf16_in_walked_directory() {
    let scratch = Scratch::new("utf16-walked");
    scratch.write("utf16.yaml", utf16le("AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n"));
    assert_flagged(&lint_dir(&scratch), "utf16.yaml", &["RL001"]);
}

#[test]
fn binary_file() {
    let scratch = Scratch::new("binary");
    let mut bytes: Vec<u8> = (0..=255u8).cycle().take(8192).collect();
    // A line starting with `Resources:` passes the sniff of walked files (a top-level key).
    bytes.splice(100..100, b"\nResources:".iter().copied());
    scratch.write("blob.json", &bytes);
    let explicit = scratch.write("other.bin", &bytes);
    let outcome = lint_within(&[scratch.0.clone(), explicit]);
    assert_flagged(&outcome, "blob.json", &["RL001"]);
    assert_flagged(&outcome, "other.bin", &["RL001"]);
}

#[cfg(unix)]
#[test]
fn symlink_loop_in_walked_directory() {
    let scratch = Scratch::new("symlink-loop");
    std::os::unix::fs::symlink("loop.yaml", scratch.path("loop.yaml")).expect("symlink");
    std::os::unix::fs::symlink("b.yaml", scratch.path("a.yaml")).expect("symlink");
    std::os::unix::fs::symlink("a.yaml", scratch.path("b.yaml")).expect("symlink");
    std::fs::create_dir(scratch.path("sub")).expect("mkdir");
    std::os::unix::fs::symlink("..", scratch.path("sub/up")).expect("symlink");
    let outcome = lint_dir(&scratch);
    assert_good_intact(&outcome);
    for name in ["loop.yaml", "a.yaml", "b.yaml"] {
        assert!(!rules_for(&outcome, name).is_empty(), "{name}: a symlink loop must be reported, not skipped");
    }
}

#[cfg(unix)]
#[test]
fn symlink_loop_given_explicitly_does_not_hang() {
    let scratch = Scratch::new("symlink-explicit");
    std::os::unix::fs::symlink("loop.yaml", scratch.path("loop.yaml")).expect("symlink");
    let paths = vec![scratch.path("good.yaml"), scratch.path("loop.yaml")];
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(
            lint_paths(&paths, &Options::default())
                .map(|o| rules_for(&o, "loop.yaml").into_iter().map(str::to_owned).collect::<BTreeSet<String>>()),
        );
    });
    // Either a per-file finding or a run-level error naming the path is acceptable; not a hang.
    match rx.recv_timeout(BOUND).expect("no hang") {
        Ok(rules) => assert!(!rules.is_empty(), "loop.yaml must be reported"),
        Err(e) => assert!(e.to_string().contains("loop.yaml"), "{e}"),
    }
}

#[cfg(unix)]
#[test]
fn unreadable_file_in_walked_directory() {
    use std::os::unix::fs::PermissionsExt as _;
    let scratch = Scratch::new("unreadable");
    let path = scratch.write("secret.yaml", format!("{HEADER}Resources: {{}}\n"));
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    if std::fs::read(&path).is_ok() {
        eprintln!("skipped: running as root, chmod 000 does not stop reads");
        return;
    }
    assert_flagged(&lint_dir(&scratch), "secret.yaml", &["RL001"]);
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().expect("run mkfifo");
    assert!(status.success(), "mkfifo failed");
}

/// Nothing ever writes to the FIFO: opening it for reading would block forever.
#[cfg(unix)]
#[test]
fn fifo_in_walked_directory_does_not_hang() {
    let scratch = Scratch::new("fifo-walked");
    mkfifo(&scratch.path("pipe.yaml"));
    let outcome = lint_dir(&scratch);
    assert_good_intact(&outcome);
    // Skipping it (not a regular file) or reporting it are both fine; blocking is not.
    let reported = outcome.files.iter().any(|f| f.path.ends_with("pipe.yaml"));
    assert!(!reported || !rules_for(&outcome, "pipe.yaml").is_empty(), "listed with no finding");
}

#[cfg(unix)]
#[test]
fn fifo_given_explicitly_does_not_hang() {
    let scratch = Scratch::new("fifo-explicit");
    let pipe = scratch.path("pipe.yaml");
    mkfifo(&pipe);
    let outcome = lint_within(&[scratch.path("good.yaml"), pipe]);
    assert_flagged(&outcome, "pipe.yaml", &["RL001"]);
}

/// References that loop: a function whose properties `Fn::Sub` and `GetAtt` itself, a subnet
/// and security group that name themselves, an attachment that is its own secret, and
/// conditions defined by each other. Evaluation must terminate and the rules still run (the
/// function has no invoke permission: RL303).
#[test]
fn intrinsic_reference_cycles() {
    let scratch = Scratch::new("cycles");
    scratch.write("cycles.yaml", CYCLES);
    assert_flagged(&lint_dir(&scratch), "cycles.yaml", &["RL303"]);
}

const CYCLES: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Conditions:
  A: !Condition B
  B: !Not [!Condition A]
  C: !And [!Condition C, !Condition A]
  D: !Equals [!If [D, x, y], x]
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: !Select [0, !Split [",", !Sub "${Vpc.CidrBlock}"]]
  Subnet:
    Type: AWS::EC2::Subnet
    Condition: A
    Properties:
      VpcId: !If [C, !GetAtt Subnet.VpcId, !Ref Vpc]
      CidrBlock: !GetAtt Subnet.CidrBlock
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: !Sub "${Sg.GroupId}"
      VpcId: !GetAtt Sg.VpcId
      SecurityGroupEgress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          DestinationSecurityGroupId: !GetAtt Sg.GroupId
  Secret:
    Type: AWS::SecretsManager::Secret
    Properties:
      Name: !Sub "${Attachment}-${Fn.Arn}"
  Attachment:
    Type: AWS::SecretsManager::SecretTargetAttachment
    Properties:
      SecretId: !Ref Attachment
      TargetId: !Ref Attachment
      TargetType: AWS::RDS::DBInstance
  Fn:
    Type: AWS::Lambda::Function
    DependsOn: Schedule
    Properties:
      FunctionName: !Sub "${Fn.Arn}-${Fn}"
      Role: !GetAtt Fn.Arn
      Runtime: python3.12
      Handler: index.handler
      Code: {ZipFile: "x"}
      Timeout: 30
      VpcConfig:
        SubnetIds: !Split [",", !Sub "${Fn.Arn},${Subnet}"]
        SecurityGroupIds: [!GetAtt Sg.GroupId, !GetAtt Fn.Arn]
      Environment:
        Variables:
          SECRETS_MANAGER_ENDPOINT: !If [D, !GetAtt Fn.Arn, !Sub "https://${Fn}"]
  Schedule:
    Type: AWS::SecretsManager::RotationSchedule
    DependsOn: Fn
    Properties:
      SecretId: !Ref Attachment
      RotationLambdaARN: !GetAtt Fn.Arn
      RotationRules: {AutomaticallyAfterDays: 30}
"#;

/// 10,000 resources in one template: 1,000 rotation groups of ten resources each.
#[test]
fn ten_thousand_resources() {
    let scratch = Scratch::new("many");
    let mut text = format!("{HEADER}Resources:\n");
    text.push_str("  Vpc:\n    Type: AWS::EC2::VPC\n    Properties: {CidrBlock: 10.0.0.0/16}\n");
    for i in 0..1_000 {
        text.push_str(&rotation_group(i));
    }
    let count = text.matches("\n    Type: ").count();
    assert!(count > 10_000, "{count} resources");
    scratch.write("many.yaml", text);
    let start = Instant::now();
    let outcome = lint_dir(&scratch);
    let elapsed = start.elapsed();
    // No subnet routes anywhere: every function lacks a Secrets Manager path.
    assert_flagged(&outcome, "many.yaml", &["RL101"]);
    // Past 1,000 findings in one file the rest are counted in one RL004 finding, by rule.
    let rl101 = outcome.diagnostics.iter().filter(|d| d.rule == "RL101").count();
    let counted: usize = outcome
        .diagnostics
        .iter()
        .filter(|d| d.rule == "RL004")
        .filter_map(|d| d.message.split("RL101 ×").nth(1))
        .filter_map(|n| n.split(|c: char| !c.is_ascii_digit()).next()?.parse::<usize>().ok())
        .sum();
    assert!(counted > 0, "many.yaml has more findings than one file reports");
    assert_eq!(rl101 + counted, 1_000 + 1, "one RL101 per generated function, plus good.yaml's");
    eprintln!("10,000 resources linted in {elapsed:?}");
}

fn rotation_group(i: usize) -> String {
    format!(
        r#"  Subnet{i}:
    Type: AWS::EC2::Subnet
    Properties: {{VpcId: !Ref Vpc, CidrBlock: 10.0.{octet}.0/24}}
  Rt{i}:
    Type: AWS::EC2::RouteTable
    Properties: {{VpcId: !Ref Vpc}}
  Assoc{i}:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {{SubnetId: !Ref Subnet{i}, RouteTableId: !Ref Rt{i}}}
  FnSg{i}:
    Type: AWS::EC2::SecurityGroup
    Properties: {{GroupDescription: fn, VpcId: !Ref Vpc}}
  DbSg{i}:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: db
      VpcId: !Ref Vpc
      SecurityGroupIngress: [{{IpProtocol: tcp, FromPort: 5432, ToPort: 5432, SourceSecurityGroupId: !Ref FnSg{i}}}]
  Secret{i}:
    Type: AWS::SecretsManager::Secret
    Properties: {{GenerateSecretString: {{GenerateStringKey: password}}}}
  Db{i}:
    Type: AWS::RDS::DBInstance
    Properties: {{Engine: postgres, DBInstanceClass: db.t4g.micro, VPCSecurityGroups: [!Ref DbSg{i}]}}
  Attach{i}:
    Type: AWS::SecretsManager::SecretTargetAttachment
    Properties: {{SecretId: !Ref Secret{i}, TargetId: !Ref Db{i}, TargetType: AWS::RDS::DBInstance}}
  Fn{i}:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/rotation
      Code: {{ZipFile: x}}
      Timeout: 30
      VpcConfig: {{SubnetIds: [!Ref Subnet{i}], SecurityGroupIds: [!Ref FnSg{i}]}}
      Environment: {{Variables: {{SECRETS_MANAGER_ENDPOINT: https://secretsmanager.us-east-1.amazonaws.com}}}}
  Schedule{i}:
    Type: AWS::SecretsManager::RotationSchedule
    Properties: {{SecretId: !Ref Secret{i}, RotationLambdaARN: !GetAtt Fn{i}.Arn, RotationRules: {{AutomaticallyAfterDays: 30}}}}
"#,
        octet = i % 250
    )
}

/// Output of the built binary; stdout only (the exit code reflects findings, not failure).
fn run_binary(args: &[&str]) -> Vec<u8> {
    let output = Command::new(env!("CARGO_BIN_EXE_rotlint"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("run rotlint");
    assert!(output.status.code().is_some_and(|c| c <= 1), "{}", String::from_utf8_lossy(&output.stderr));
    output.stdout
}

/// One thread vs two, and two runs in a row: byte-identical in every format.
#[test]
fn output_is_deterministic() {
    for format in ["text", "json", "compact", "sarif", "github"] {
        for dir in ["testdata", "examples"] {
            let one = run_binary(&["--format", format, "--threads", "1", dir]);
            let two = run_binary(&["--format", format, "--threads", "2", dir]);
            let again = run_binary(&["--format", format, "--threads", "2", dir]);
            assert!(!one.is_empty(), "{format} {dir}: no output");
            assert!(one == two, "{format} {dir}: --threads 1 and 2 differ");
            assert!(two == again, "{format} {dir}: two runs differ");
        }
    }
}

fn fuzz_regressions() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("tests/fuzz_regressions")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_none_or(|e| e != "md"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    files
}

/// Every saved fuzz input, linted as given and as `.json`, and rendered in every format: no
/// panic, and each gets a finding.
#[test]
fn fuzz_regressions_do_not_panic() {
    let scratch = Scratch::new("fuzz-regressions");
    for file in fuzz_regressions() {
        let name = file.file_name().expect("file name").to_string_lossy().into_owned();
        let bytes = std::fs::read(&file).expect("read regression input");
        let json = scratch.write(&format!("{name}.json"), &bytes);
        let outcome = lint_within(&[file.clone(), json]);
        assert_eq!(outcome.files.len(), 2, "{name}");
        for f in &outcome.files {
            let id = outcome.files.iter().position(|g| g.path == f.path).expect("listed");
            let found = outcome.diagnostics.iter().any(|d| d.primary.file.0 as usize == id);
            assert!(found, "{}: no finding", f.path.display());
        }
        let _ = report::json::render(&outcome);
        let _ = report::compact::render(&outcome);
        let _ = report::github::render(&outcome);
        let _ = report::text::render(&outcome, report::text::TextOptions::default());
        let _ = report::sarif::build(&outcome, None, None);
    }
}

/// The loader's promise that every span slices its text on character boundaries, for the
/// saved inputs (the `load` fuzz target checks the same on every input).
#[test]
fn fuzz_regression_spans_slice_the_text() {
    for file in fuzz_regressions() {
        let bytes = std::fs::read(&file).expect("read regression input");
        for name in ["t.yaml", "t.json"] {
            let loaded = load_bytes(FileId(0), Path::new(name), &bytes, &Limits::default());
            let text: &str = &loaded.tree.source;
            for d in &loaded.diagnostics {
                let r = d.primary.span.range();
                assert!(
                    r.end <= text.len() && text.is_char_boundary(r.start) && text.is_char_boundary(r.end),
                    "{}: span {r:?} does not slice {text:?}",
                    file.display()
                );
                if d.message.contains("NUL byte") {
                    assert!(text[r.start..].starts_with('\0'), "{}: span {r:?} is not at the NUL", file.display());
                }
            }
        }
    }
}
