//! End-to-end tests of what a run reads and how it names it: config globs from any directory,
//! fingerprints that ignore how a path is spelled, `--select`/`--ignore`, standard input,
//! parameter checks, the template sniff, empty runs and suppressed findings in text output.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("{e}: {}\n{}", self.stdout, self.stderr))
    }

    /// `(file, rule)` of every finding, file names as reported.
    fn findings(&self) -> Vec<(String, String)> {
        let json = self.json();
        json["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| (f["file"].as_str().unwrap_or("").to_owned(), f["rule"].as_str().unwrap_or("").to_owned()))
            .collect()
    }

    fn rules(&self) -> Vec<String> {
        self.findings().into_iter().map(|(_, r)| r).collect()
    }
}

/// Run the binary in `cwd`, feeding `stdin` when given.
fn rotlint_in(cwd: &Path, args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rotlint"))
        .args(args)
        .current_dir(cwd)
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    if let Some(bytes) = stdin {
        let mut pipe = child.stdin.take().expect("stdin");
        let bytes = bytes.to_vec();
        // A writer thread: rotlint stops reading at its cap, and a blocked write must not hang.
        std::thread::spawn(move || {
            let _ = pipe.write_all(&bytes);
        });
    }
    let out = child.wait_with_output().expect("binary finishes");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rotlint-cli-input-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    // Canonical, so paths in expectations match what the process sees as its directory.
    std::fs::canonicalize(&dir).expect("canonical")
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("parent");
    }
    std::fs::write(&path, text).expect("write");
    path
}

fn s(path: &Path) -> &str {
    path.to_str().expect("utf8")
}

const CLEAN: &str = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Bucket:\n    Type: AWS::S3::Bucket\n";
const BROKEN: &str = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Bucket: [unclosed\n";

/// A rotation function whose timeout is a parameter: RL304 (timeout too short) with the
/// default of 3 seconds, nothing with `FnTimeout=60`.
const TIMEOUT: &str = "AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  FnTimeout:
    Type: Number
    Default: 3
    AllowedValues: [3, 60]
Resources:
  Secret:
    Type: AWS::SecretsManager::Secret
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
      Runtime: python3.12
      Role: arn:aws:iam::123456789012:role/x
      Timeout: !Ref FnTimeout
      Environment:
        Variables:
          SECRETS_MANAGER_ENDPOINT: !Sub https://secretsmanager.${AWS::Region}.amazonaws.com
  Schedule:
    Type: AWS::SecretsManager::RotationSchedule
    Properties:
      SecretId: !Ref Secret
      RotationLambdaARN: !GetAtt Fn.Arn
  Permission:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !Ref Fn
      Principal: secretsmanager.amazonaws.com
";

/// Without its invoke permission: RL303 on `Fn`, and RL304 unless the timeout is raised.
fn no_permission() -> String {
    TIMEOUT[..TIMEOUT.find("  Permission:").expect("permission")].to_owned()
}

/// A repository: config at the root, a parameters block for `stacks/db-*.yaml`, and an
/// excluded `vendor/` holding an unparsable template.
fn repository(name: &str) -> PathBuf {
    let root = temp_dir(name);
    std::fs::create_dir_all(root.join(".git")).expect(".git");
    write(
        &root,
        ".rotlint.toml",
        "exclude = [\"vendor/**\"]\n[[parameters]]\ntemplates = \"stacks/db-*.yaml\"\nvalues = { FnTimeout = \"60\" }\n",
    );
    write(&root, "stacks/db-orders.yaml", TIMEOUT);
    write(&root, "stacks/app.yaml", TIMEOUT);
    write(&root, "vendor/broken.yaml", BROKEN);
    root
}

/// Item 4: `exclude` and `[[parameters]] templates` are relative to the config's directory,
/// from any working directory and however the path is spelled.
#[test]
fn config_globs_are_relative_to_the_config_directory_from_anywhere() {
    let root = repository("globs");
    let stacks = root.join("stacks");
    let elsewhere = temp_dir("globs-elsewhere");
    let config = root.join(".rotlint.toml");
    let cases: Vec<(&Path, Vec<&str>)> = vec![
        (&root, vec!["."]),
        (&root, vec!["./stacks/", "vendor"]),
        (&root, vec![s(&root)]),
        (&stacks, vec!["."]),
        (&stacks, vec!["..", "--fail-level", "note"]),
        (&stacks, vec!["./db-orders.yaml", "app.yaml", "../vendor"]),
        (&elsewhere, vec!["--config", s(&config), s(&root)]),
    ];
    for (cwd, args) in cases {
        let mut all = vec!["--format", "json"];
        all.extend(&args);
        let run = rotlint_in(cwd, &all, None);
        let found = run.findings();
        assert!(!found.iter().any(|(_, r)| r == "RL001"), "{cwd:?} {args:?}: vendor/ is excluded: {found:?}");
        let rl304: Vec<&str> = found.iter().filter(|(_, r)| r == "RL304").map(|(f, _)| f.as_str()).collect();
        assert_eq!(rl304.len(), 1, "{cwd:?} {args:?}: only app.yaml keeps the 3 s default: {found:?}");
        assert!(rl304[0].ends_with("app.yaml"), "{cwd:?} {args:?}: {rl304:?}");
    }
    // Walking only the excluded directory from inside it lints nothing, and says why.
    let run = rotlint_in(&root.join("vendor"), &["."], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("matched an `exclude` glob of .rotlint.toml"), "{}", run.stderr);
}

/// Item 5: a baseline written with one spelling of the paths matches every other spelling, and
/// SARIF fingerprints do not change either.
#[test]
fn baselines_and_fingerprints_ignore_how_the_path_is_spelled() {
    for marker in ["git", "config"] {
        let root = temp_dir(&format!("spelling-{marker}"));
        match marker {
            "git" => std::fs::create_dir_all(root.join(".git")).expect(".git"),
            _ => std::fs::write(root.join(".rotlint.toml"), "\n").expect("config"),
        }
        write(&root, "examples/a.yaml", &no_permission());
        let examples = root.join("examples");
        let baseline = root.join("baseline.json");
        let written = rotlint_in(&root, &["--write-baseline", s(&baseline), "examples"], None);
        assert_eq!(written.code, 0, "{}", written.stderr);
        let spellings: Vec<(&Path, Vec<&str>)> = vec![
            (&root, vec!["examples"]),
            (&root, vec!["./examples/"]),
            (&root, vec![s(&examples)]),
            (&root, vec!["examples/../examples/a.yaml"]),
            (&examples, vec!["."]),
            (&examples, vec!["a.yaml"]),
        ];
        let mut prints = Vec::new();
        for (cwd, paths) in &spellings {
            let mut args = vec!["--format", "json", "--baseline", s(&baseline)];
            args.extend(paths);
            let run = rotlint_in(cwd, &args, None);
            assert_eq!(run.code, 0, "{marker} {cwd:?} {paths:?}: {}", run.stdout);
            assert!(run.findings().is_empty(), "{marker} {cwd:?} {paths:?}: {:?}", run.findings());
            let mut args = vec!["--format", "sarif"];
            args.extend(paths);
            let log: Value = serde_json::from_str(&rotlint_in(cwd, &args, None).stdout).expect("sarif");
            let mut these: Vec<String> = log["runs"][0]["results"]
                .as_array()
                .expect("results")
                .iter()
                .map(|r| r["partialFingerprints"]["rotlint/v1"].as_str().unwrap_or("").to_owned())
                .collect();
            these.sort();
            assert!(!these.is_empty());
            prints.push(these);
        }
        assert!(prints.windows(2).all(|w| w[0] == w[1]), "{marker}: {prints:?}");
        let file: Value = serde_json::from_str(&std::fs::read_to_string(&baseline).expect("baseline")).expect("json");
        assert_eq!(file["version"], 2);
    }
}

/// Item 5: a version 1 baseline (fingerprints over the path as spelled) still suppresses the
/// findings it recorded when the run spells the path the same way.
#[test]
fn version_one_baselines_are_still_read() {
    use rotlint::lint::{Options, lint_paths};
    let root = temp_dir("baseline-v1");
    write(&root, "stacks/a.yaml", &no_permission());
    let spelled = root.join("./stacks/");
    let outcome = lint_paths(std::slice::from_ref(&spelled), &Options::default()).expect("lint");
    let paths: Vec<String> = outcome.files.iter().map(|f| f.display_path()).collect();
    let prints =
        rotlint::report::fingerprint::partial_fingerprints(&outcome.diagnostics, |f| paths[f.0 as usize].as_str());
    assert!(!prints.is_empty());
    let v1 = serde_json::json!({"tool": "rotlint", "version": 1, "fingerprints": prints});
    let baseline = write(&root, "old.json", &v1.to_string());
    let run = rotlint_in(&root, &["--format", "json", "--baseline", s(&baseline), s(&spelled)], None);
    assert_eq!((run.code, run.findings()), (0, vec![]), "{}", run.stderr);
    let future = write(&root, "future.json", "{\"tool\": \"rotlint\", \"version\": 9, \"fingerprints\": []}");
    let run = rotlint_in(&root, &["--baseline", s(&future), "stacks"], None);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("version 9"), "{}", run.stderr);
}

/// Item 6: `--select` and `--ignore` take ids and names; unknown ones exit 2 naming them.
#[test]
fn select_and_ignore_take_ids_and_names() {
    let dir = temp_dir("select");
    let file = write(&dir, "t.yaml", &no_permission());
    let path = s(&file);
    let run = |args: &[&str]| {
        let mut all = vec!["--format", "json"];
        all.extend(args);
        all.push(path);
        rotlint_in(&dir, &all, None)
    };
    assert_eq!(run(&[]).rules(), ["RL304", "RL303"]);
    assert_eq!(run(&["--select", "RL303"]).rules(), ["RL303"]);
    assert_eq!(run(&["--select", "rotation-timeout-too-short"]).rules(), ["RL304"]);
    assert_eq!(run(&["--select", "rl303,RL304"]).rules(), ["RL304", "RL303"]);
    assert_eq!(
        run(&["--select", "RL303", "--select", "RL304", "--ignore", "missing-invoke-permission"]).rules(),
        ["RL304"]
    );
    let ignored = run(&["--ignore", "RL303"]);
    assert_eq!(ignored.rules(), ["RL304"]);
    assert_eq!(ignored.code, 0, "the only error is ignored");
    for bad in [["--select", "RL999"], ["--ignore", "no-such-rule"]] {
        let out = run(&bad);
        assert_eq!(out.code, 2, "{bad:?}");
        assert!(out.stderr.contains(bad[0]) && out.stderr.contains(&format!("`{}`", bad[1])), "{}", out.stderr);
    }
}

/// Item 6: suppression comments take rule names; an unknown rule is its own RL904 message, and
/// the part of a list that matches nothing is named.
#[test]
fn suppressions_take_names_and_report_unknown_and_unused_parts() {
    let dir = temp_dir("suppress-names");
    let text = no_permission()
        .replace("  Fn:\n", "  Fn:  # rotlint-ignore missing-invoke-permission, RL110: invoked by a custom role\n")
        .replace("      Timeout: !Ref FnTimeout\n", "      Timeout: !Ref FnTimeout  # rotlint-ignore RL3O4: typo\n");
    let file = write(&dir, "t.yaml", &text);
    let run = rotlint_in(&dir, &["--format", "json", s(&file)], None);
    let json = run.json();
    let findings = json["findings"].as_array().expect("findings");
    let rl303 = findings.iter().find(|f| f["rule"] == "RL303").expect("RL303");
    assert_eq!(rl303["suppressed"]["reason"], "invoked by a custom role", "a rule name suppresses");
    let rl904: Vec<&str> =
        findings.iter().filter(|f| f["rule"] == "RL904").filter_map(|f| f["message"].as_str()).collect();
    assert_eq!(
        rl904,
        [
            "suppression of missing-invoke-permission, RL110: RL110 matches no finding (the rest of it does)",
            "suppression names unknown rule `RL3O4`, so it suppresses nothing",
        ]
    );
    // An ignored rule's suppression is not reported as unused.
    let run = rotlint_in(&dir, &["--format", "json", "--ignore", "RL303", s(&file)], None);
    assert!(!run.rules().contains(&"RL303".to_owned()));
    assert_eq!(run.rules().iter().filter(|r| *r == "RL904").count(), 2);
}

/// Item 8: `-` reads a template from standard input; `--stdin-filename` names it in the report
/// and for config globs.
#[test]
fn a_template_on_standard_input() {
    let root = repository("stdin");
    let text = TIMEOUT.as_bytes();
    let run = rotlint_in(&root, &["--format", "json", "-"], Some(text));
    assert_eq!(run.findings(), [("<stdin>".to_owned(), "RL304".to_owned())], "{}", run.stderr);
    assert_eq!(run.json()["files_scanned"], 1);
    // Named like a file the config gives FnTimeout=60: no RL304.
    let run = rotlint_in(&root, &["--format", "json", "--stdin-filename", "stacks/db-new.yaml", "-"], Some(text));
    assert_eq!(run.findings(), []);
    let run =
        rotlint_in(&root.join("stacks"), &["--format", "compact", "--stdin-filename", "app.yaml", "-"], Some(text));
    assert!(run.stdout.starts_with("app.yaml:5:14: warning[RL304]"), "{}", run.stdout);
    // Together with files on disk.
    let run = rotlint_in(
        &root,
        &["--format", "json", "--stdin-filename", "new.yaml", "-", "stacks"],
        Some(BROKEN.as_bytes()),
    );
    assert_eq!(run.json()["files_scanned"], 3);
    assert!(run.findings().contains(&("new.yaml".to_owned(), "RL001".to_owned())), "{:?}", run.findings());
    // --stdin-filename without `-` is a usage error.
    let run = rotlint_in(&root, &["--stdin-filename", "x.yaml", "stacks"], None);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--stdin-filename"), "{}", run.stderr);
    // Standard input is read up to the template size limit, no further.
    let mut huge = b"Resources:\n".to_vec();
    huge.resize(16 * 1024 * 1024 + 10, b' ');
    let run = rotlint_in(&root, &["--format", "json", "-"], Some(&huge));
    let json = run.json();
    assert_eq!(json["findings"][0]["rule"], "RL004", "{json}");
    assert!(json["findings"][0]["message"].as_str().is_some_and(|m| m.contains("standard input")), "{json}");
}

/// Item 10: a run that lints nothing says why; `*.cform` and `*.template.json` are walked.
#[test]
fn an_empty_run_says_why_and_walked_directories_take_cform_and_template_json() {
    let dir = temp_dir("empty");
    write(&dir, ".gitignore", "cdk.out\n");
    write(&dir, "cdk.out/App.template.json", "{\"Resources\": {\"B\": {\"Type\": \"AWS::S3::Bucket\"}}}");
    write(&dir, "mkdocs.yml", "nav:\n  - Resources: r.md\n");
    let run = rotlint_in(&dir, &["."], None);
    assert_eq!(run.code, 0);
    for expected in [
        "warning: no CloudFormation template found in `.`",
        "1 file(s) were skipped: no top-level `Resources` or `AWSTemplateFormatVersion` key",
        "1 file(s) are git-ignored, e.g. `./cdk.out/App.template.json`",
        "`rotlint ./cdk.out`",
    ] {
        assert!(run.stderr.contains(expected), "missing {expected:?} in:\n{}", run.stderr);
    }
    // As the warning says: naming the directory lints it.
    let run = rotlint_in(&dir, &["--format", "json", "cdk.out"], None);
    assert_eq!(run.json()["files_scanned"], 1, "{}", run.stderr);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    // Nothing with a template extension at all.
    let bare = temp_dir("empty-bare");
    write(&bare, "README.md", "# x\n");
    let run = rotlint_in(&bare, &["."], None);
    assert!(run.stderr.contains("no file there ends in"), "{}", run.stderr);
    // Named files with --only-templates (a pre-commit hook): no warning.
    let run = rotlint_in(&dir, &["--only-templates", "mkdocs.yml"], None);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    // .cform and .template.json are walked.
    let walked = temp_dir("extensions");
    write(&walked, "a.cform", CLEAN);
    write(&walked, "b.template.json", "{\"Resources\": {\"B\": {\"Type\": \"AWS::S3::Bucket\"}}}");
    write(&walked, "c.txt", CLEAN);
    let run = rotlint_in(&walked, &["--format", "json", "."], None);
    assert_eq!(run.json()["files_scanned"], 2, "{}", run.stdout);
}

/// Item 11: unknown parameter names and values outside `AllowedValues` are errors naming the
/// parameter; in a multi-template run a name is unknown only when no template declares it.
#[test]
fn parameters_must_be_declared_and_allowed() {
    let dir = temp_dir("parameters");
    let with = write(&dir, "with.yaml", TIMEOUT);
    let without = write(&dir, "without.yaml", CLEAN);
    let run = rotlint_in(&dir, &["--format", "json", "--parameter", "FnTimeout=60", s(&with)], None);
    assert_eq!((run.code, run.findings()), (0, vec![]), "{}", run.stderr);
    let run = rotlint_in(&dir, &["--parameter", "FnTimout=60", s(&with)], None);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("parameter `FnTimout` is declared by no linted template (they declare FnTimeout)"),
        "{}",
        run.stderr
    );
    let run = rotlint_in(&dir, &["--parameter", "FnTimeout=30", s(&with)], None);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("parameter `FnTimeout`: `30` is not one of its AllowedValues"), "{}", run.stderr);
    assert!(run.stderr.contains("with.yaml") && run.stderr.contains("(3, 60)"), "{}", run.stderr);
    // Declared by one template of the run: fine for the run.
    let run = rotlint_in(&dir, &["--format", "json", "--parameter", "FnTimeout=60", "."], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Parameters files are checked the same way.
    let params = write(&dir, "params.json", "{\"Parameters\": {\"Nope\": \"1\"}}");
    let run = rotlint_in(&dir, &["--parameters", s(&params), s(&with), s(&without)], None);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("`Nope`"), "{}", run.stderr);
    // A file that did not parse might declare it: the run goes on and reports RL001.
    let broken = write(&dir, "broken.yaml", BROKEN);
    let run = rotlint_in(&dir, &["--format", "json", "--parameter", "Nope=1", s(&with), s(&broken)], None);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.rules().contains(&"RL001".to_owned()));
}

/// Item 12: `--only-templates` wants a top-level key; an mkdocs.yml with `!ENV` tags and a
/// `Resources:` nav entry is skipped, a template is linted.
#[test]
fn only_templates_sniffs_top_level_keys() {
    let dir = temp_dir("sniff");
    let mkdocs = write(
        &dir,
        "mkdocs.yml",
        "site_name: Docs\nsite_url: !ENV [SITE_URL, 'http://localhost']\nnav:\n  - Home: index.md\n  - Resources: resources.md\nplugins:\n  - search\n",
    );
    let package =
        write(&dir, "package.json", "{\"name\": \"x\", \"files\": [\"Resources\"], \"x\": {\"Resources\": 1}}");
    let template = write(
        &dir,
        "stack.json",
        "{\"Description\": \"Resources\", \"Resources\": {\"B\": {\"Type\": \"AWS::S3::Bucket\"}}}",
    );
    let run = rotlint_in(&dir, &["--only-templates", "--format", "json", s(&mkdocs), s(&package), s(&template)], None);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.json()["files_scanned"], 1, "{}", run.stdout);
}

/// Item 14: suppressed findings are left out of text and compact output and counted.
#[test]
fn suppressed_findings_are_counted_not_printed_in_text_and_compact() {
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/RL904/pass/inline-suppression-used.yaml");
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = rotlint_in(here, &["--color", "never", fixture], None);
    assert!(!text.stdout.contains("RL110"), "{}", text.stdout);
    assert!(text.stdout.contains("(1 suppressed, not shown; see --format json)"), "{}", text.stdout);
    let compact = rotlint_in(here, &["--format", "compact", fixture], None);
    assert!(!compact.stdout.contains("RL110"), "{}", compact.stdout);
    assert!(compact.stderr.contains("1 suppressed finding not shown"), "{}", compact.stderr);
    let json = rotlint_in(here, &["--format", "json", fixture], None).json();
    let kept = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .any(|f| f["rule"] == "RL110" && !f["suppressed"].is_null());
    assert!(kept, "JSON keeps suppressed findings: {json}");
}

/// Item 16: when the specific cause is reported, RL101 says "see RLxxx" in one line; without
/// that rule, it explains in full.
#[test]
fn rl101_points_at_the_specific_finding() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rl101 = |args: &[&str]| -> Value {
        let mut all = vec!["--format", "json"];
        all.extend(args);
        all.push("examples/private-dns-off/broken.yaml");
        let json = rotlint_in(here, &all, None).json();
        json["findings"].as_array().expect("findings").iter().find(|f| f["rule"] == "RL101").expect("RL101").clone()
    };
    let short = rl101(&[]);
    assert_eq!(
        short["message"],
        "rotation function `RotationFunction` cannot reach Secrets Manager from any of its subnets (`PrivateSubnetA`, `PrivateSubnetB`): see RL105 (`SecretsManagerEndpoint`)"
    );
    assert_eq!(short["related"].as_array().map(Vec::len), Some(0), "{short}");
    assert!(short["help"].is_null(), "{short}");
    let text = rotlint_in(here, &["--color", "never", "examples/private-dns-off/broken.yaml"], None).stdout;
    let rl101_text = &text[text.find("error[RL101]").expect("RL101 in text")..];
    assert!(!rl101_text.contains("path:"), "no second copy of the path: {rl101_text}");
    for args in [&["--ignore", "RL105"][..], &["--select", "RL101"][..]] {
        let full = rl101(args);
        let message = full["message"].as_str().unwrap_or("");
        assert!(message.contains("private DNS off") && !message.contains("see RL105"), "{args:?}: {message}");
        assert!(full["related"].as_array().is_some_and(|r| !r.is_empty()), "{args:?}: {full}");
    }
    let dir = temp_dir("rl105-off");
    let config = write(&dir, "rotlint.toml", "[rules]\nendpoint-private-dns-off = \"off\"\n");
    let full = rl101(&["--config", s(&config)]);
    assert!(full["message"].as_str().is_some_and(|m| m.contains("private DNS off")), "{full}");
}
