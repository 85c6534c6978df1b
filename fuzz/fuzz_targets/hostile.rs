//! Fuzz target: hostile values where the evaluator and every report format meet them.
//!
//! The input is read as a small program that builds one template: a resource id and a file
//! name made of arbitrary characters (controls, line breaks, `::` workflow commands, bidi
//! marks), and intrinsic-function expressions (`Fn::Sub` naming its variable many times,
//! `Fn::Join`, `Fn::Select`, `Fn::If`, `Ref`) nested up to 40 deep, placed where the engine
//! evaluates them (a rotation function's endpoint variable and subnets). The run must finish
//! (libFuzzer's `-timeout`), and every format must hold its promises: human formats carry no
//! raw control character and no line that starts a workflow command, and no report passes the
//! size budget.
#![no_main]

use std::path::PathBuf;

mod scratch;

use libfuzzer_sys::fuzz_target;
use rotlint::lint::{Options, lint_paths};
use rotlint::report;
use serde_json::{Value, json};

const MAX_REPORT_BYTES: usize = 20 * 1024 * 1024;

fn scratch() -> &'static PathBuf {
    scratch::dir("hostile")
}

/// Bytes consumed front to back; zeros when they run out.
struct Input<'a>(&'a [u8]);

impl Input<'_> {
    fn byte(&mut self) -> u8 {
        let (first, rest) = self.0.split_first().map_or((0, &[][..]), |(f, r)| (*f, r));
        self.0 = rest;
        first
    }

    /// A short string of hostile and ordinary characters.
    fn text(&mut self) -> String {
        const PIECES: &[&str] = &[
            "a", "Id", "\n", "\r", "::error file=x::pwned", "::warning::", "\u{1b}[31m", "\u{7}", "\u{9b}2J",
            "\u{202e}", "\u{2028}", "`", "\"", "${", "}", "${a}", "%0A", "\t", "é", "😀", "\u{0}", "<b>", "&amp;",
        ];
        let n = usize::from(self.byte() % 8);
        (0..n).map(|_| PIECES[usize::from(self.byte()) % PIECES.len()]).collect()
    }

    fn expr(&mut self, depth: usize) -> Value {
        if depth == 0 {
            return json!(self.text());
        }
        match self.byte() % 7 {
            0 => json!(self.text()),
            1 => {
                let repeats = 1 + usize::from(self.byte() % 6);
                let pattern = format!("{}{}", self.text().replace("${", ""), "${a}".repeat(repeats));
                json!({"Fn::Sub": [pattern, {"a": self.expr(depth - 1)}]})
            }
            2 => json!({"Fn::Join": [self.text(), [self.expr(depth - 1), self.expr(depth - 1)]]}),
            3 => json!({"Fn::Select": [self.byte() % 3, [self.expr(depth - 1), self.expr(depth - 1)]]}),
            4 => json!({"Fn::If": ["Cond", self.expr(depth - 1), self.expr(depth - 1)]}),
            5 => json!({"Ref": if self.byte() % 2 == 0 { "Param".to_owned() } else { self.text() }}),
            _ => json!({"Fn::Sub": "${Param}-${AWS::Region}"}),
        }
    }
}

fn template(input: &mut Input<'_>) -> (String, Value) {
    let depth = usize::from(input.byte() % 40);
    let id = format!("Fn{}", input.text());
    let endpoint = input.expr(depth);
    let subnet = input.expr(depth);
    let group = input.expr(depth);
    let template = json!({
        "Parameters": {"Param": {"Type": "String", "Default": input.text()}},
        "Conditions": {"Cond": {"Fn::Equals": [{"Ref": "Param"}, "x"]}},
        "Resources": {
            "Secret": {"Type": "AWS::SecretsManager::Secret"},
            id.clone(): {"Type": "AWS::Lambda::Function", "Properties": {
                "Timeout": 30,
                "Environment": {"Variables": {"SECRETS_MANAGER_ENDPOINT": endpoint}},
                "VpcConfig": {"SubnetIds": [subnet], "SecurityGroupIds": [group]}
            }},
            "Schedule": {"Type": "AWS::SecretsManager::RotationSchedule", "Properties": {
                "SecretId": {"Ref": "Secret"}, "RotationLambdaARN": {"Fn::GetAtt": [id, "Arn"]}
            }}
        }
    });
    let name: String = input.text().chars().filter(|c| *c != '/' && *c != '\0').collect();
    (format!("t{name}.json"), template)
}

fn check_human(format: &str, report: &str) {
    assert!(report.len() < MAX_REPORT_BYTES, "{format}: {} bytes", report.len());
    for line in report.lines() {
        assert!(!line.trim_start().starts_with("::"), "{format}: a line starts a workflow command: {line:?}");
    }
    let raw = report.chars().find(|&c| rotlint::report::escape::is_unsafe(c) && c != '\n');
    assert_eq!(raw, None, "{format}: a control character reached the output");
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input(data);
    let (name, template) = template(&mut input);
    let dir = scratch();
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).expect("scratch dir");
    let path = dir.join(&name);
    std::fs::write(&path, serde_json::to_vec(&template).expect("JSON")).expect("write input");
    let options = Options { threads: Some(1), collect_paths: true, ..Options::default() };
    let outcome = lint_paths(&[path], &options).expect("an explicit existing file always lints");
    check_human("text", &report::text::render(&outcome, report::text::TextOptions::default()));
    check_human("compact", &report::compact::render(&outcome));
    check_human("junit", &report::junit::render(&outcome, rotlint::diagnostic::Level::Error));
    for format in [report::paths::Format::Text, report::paths::Format::Mermaid, report::paths::Format::Dot] {
        check_human(&format!("{format:?}"), &report::paths::render(&outcome, format));
    }
    let github = report::github::render(&outcome);
    assert!(github.len() < MAX_REPORT_BYTES);
    assert!(github.lines().all(|l| ["::error ", "::warning ", "::notice "].iter().any(|p| l.starts_with(p))));
    for json in [report::json::render(&outcome), report::paths::render(&outcome, report::paths::Format::Json)] {
        assert!(json.len() < MAX_REPORT_BYTES);
        serde_json::from_str::<Value>(&json).expect("JSON reports stay JSON");
        assert!(!json.chars().any(|c| rotlint::report::escape::is_unsafe(c) && c != '\n'));
    }
    let sarif = serde_json::to_string(&report::sarif::build(&outcome, Some(dir), None)).expect("SARIF");
    assert!(sarif.len() < MAX_REPORT_BYTES);
});
