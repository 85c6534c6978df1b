//! The `paths` report as plain data: every rotation function with its Secrets Manager and
//! database verdicts, hops resolved to lines and columns. Serialised as-is for `--format json`,
//! and read by the text and diagram renderers, so all formats say the same thing.
//!
//! # JSON schema (stable; additions only)
//!
//! Every key below is always present; "or null" values are `null` when they do not apply.
//! Arrays keep the template's order (functions by file, then position; subnets as listed on the
//! function; hops in path order).
//!
//! ```text
//! {
//!   "tool": {"name": "rotlint", "version": "0.1.0"},
//!   "functions": [{
//!     "file": "stacks/db.yaml", "line": 120, "column": 3,     // the function's logical id
//!     "function": "RotationFunction",                          // logical id (RotationSchedule
//!                                                              //  for hosted rotation, the
//!                                                              //  Serverless::Application for SAR)
//!     "kind": "lambda" | "serverless" | "hosted" | "sar",
//!     "type": "AWS::Lambda::Function",
//!     "rotation_type": "PostgreSQLSingleUser" or null,        // hosted rotation only
//!     "in_vpc": true | false | null,                           // null: attachment undecided
//!     "in_vpc_when": null | {"condition": "UseVpc", "value": true}, // placement written as Fn::If
//!     "secrets_manager": Verdict,
//!     "target": null | {
//!       "id": "Database", "type": "AWS::RDS::DBInstance",
//!       "line": 60, "column": 3, "engine": "postgres" or null, "port": 5432 or null,
//!       ...Verdict
//!     }
//!   }]
//! }
//! Verdict = {
//!   "verdict":  Secrets Manager: "endpoint" | "nat" | "public-endpoint" | "blocked" | "unknown"
//!               database:        "local" | "internet" | "nat" | "blocked" | "unknown",
//!   "via":      logical id of the endpoint or NAT gateway, or null,
//!   "coverage": "all" | "some" | "none" | "unknown",          // which subnets get through
//!   "reason":   why there is no per-subnet answer (e.g. VPC attachment undecided), or null,
//!   "subnets":  [Subnet],
//!   "endpoint_issues": [{"subnet", "endpoint", "blocker", "hops": [Hop]}]   // Secrets Manager only
//! }
//! Subnet = {
//!   "subnet":  logical id or value as written, or null when the function is not in a VPC,
//!   "verdict": as above, for this subnet only,
//!   "via":     as above,
//!   "blocker": one sentence naming the check that fails (verdict "blocked"), or null,
//!   "reason":  one sentence naming the input the template cannot show (verdict "unknown"), or null,
//!   "reason_line", "reason_column": where that input is written, or null,
//!   "hops":    [Hop]   // starts at the function; a blocked path ends at the breaking resource
//! }
//! Hop = {"resource": logical id, "type": CloudFormation type or null, "line", "column",
//!        "note": one sentence, "condition": condition name the resource depends on, or null}
//! ```
//!
//! The verdict of a whole function prefers a working path: "endpoint" if any subnet reaches
//! Secrets Manager through an endpoint, else "nat", else "public-endpoint"; with no working path,
//! "blocked" if any subnet is definitely blocked, else "unknown". `coverage` tells whether that
//! holds for every subnet.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::catalog::PARSE_ERROR;
use crate::lint::{FunctionPaths, LintResult, SourceFile};
use crate::network::{Hop as NetHop, Outcome, Overall, SubnetRef, Via};
use crate::rotation::{FunctionKind, VpcAttachment};
use crate::rules::wording::{blocker_text, unverifiable_text};
use crate::source::tree::Span;

#[derive(Serialize, Debug)]
pub struct Report {
    pub tool: Tool,
    pub functions: Vec<Function>,
    /// Files that did not parse (RL001): their rotation functions, if any, are not listed.
    pub errors: Vec<FileError>,
}

/// A file that is not valid YAML or JSON, as `rotlint` reports it (RL001).
#[derive(Serialize, Debug)]
pub struct FileError {
    pub rule: &'static str,
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

#[derive(Serialize, Debug)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Serialize, Debug)]
pub struct Function {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub function: String,
    pub kind: &'static str,
    #[serde(rename = "type")]
    pub type_name: String,
    pub rotation_type: Option<String>,
    pub in_vpc: Option<bool>,
    /// The placement is an `Fn::If`: in a VPC only when `condition` is `value`.
    pub in_vpc_when: Option<InVpcWhen>,
    pub secrets_manager: Verdict,
    pub target: Option<Target>,
}

#[derive(Serialize, Debug)]
pub struct InVpcWhen {
    pub condition: String,
    pub value: bool,
}

#[derive(Serialize, Debug)]
pub struct Target {
    pub id: String,
    #[serde(rename = "type")]
    pub type_name: String,
    pub line: u32,
    pub column: u32,
    pub engine: Option<String>,
    pub port: Option<u16>,
    #[serde(flatten)]
    pub verdict: Verdict,
}

#[derive(Serialize, Debug)]
pub struct Verdict {
    pub verdict: Kind,
    pub via: Option<String>,
    pub coverage: &'static str,
    pub reason: Option<String>,
    pub subnets: Vec<Subnet>,
    /// Always empty for the database.
    pub endpoint_issues: Vec<EndpointIssue>,
}

#[derive(Serialize, Debug)]
pub struct Subnet {
    pub subnet: Option<String>,
    pub verdict: Kind,
    pub via: Option<String>,
    pub blocker: Option<String>,
    pub reason: Option<String>,
    pub reason_line: Option<u32>,
    pub reason_column: Option<u32>,
    pub hops: Vec<Hop>,
}

#[derive(Serialize, Debug)]
pub struct EndpointIssue {
    pub subnet: String,
    pub endpoint: String,
    pub blocker: String,
    pub hops: Vec<Hop>,
}

#[derive(Serialize, Debug, Clone)]
pub struct Hop {
    /// The file the hop is in: the function's own, or a stack grafted in for cross-stack or
    /// nested-stack analysis.
    pub file: String,
    pub resource: String,
    #[serde(rename = "type")]
    pub type_name: Option<String>,
    pub line: u32,
    pub column: u32,
    pub note: String,
    pub condition: Option<String>,
}

/// One verdict word; serialised in kebab case.
#[derive(Serialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Endpoint,
    Nat,
    PublicEndpoint,
    Local,
    Internet,
    Blocked,
    Unknown,
}

impl Kind {
    pub fn is_reachable(self) -> bool {
        !matches!(self, Kind::Blocked | Kind::Unknown)
    }
}

impl Report {
    /// For the human formats (text, Mermaid, DOT): every string that comes from a template or
    /// a file name, with line breaks and control characters escaped (see `report::escape`).
    pub fn escape_for_humans(&mut self) {
        let fix = |s: &mut String| {
            if let std::borrow::Cow::Owned(escaped) = crate::report::escape::human(s) {
                *s = escaped;
            }
        };
        let fix_opt = |s: &mut Option<String>| s.iter_mut().for_each(fix);
        let fix_hops = |hops: &mut Vec<Hop>| {
            for h in hops {
                fix(&mut h.file);
                fix(&mut h.resource);
                fix_opt(&mut h.type_name);
                fix(&mut h.note);
                fix_opt(&mut h.condition);
            }
        };
        let fix_verdict = |v: &mut Verdict| {
            fix_opt(&mut v.via);
            fix_opt(&mut v.reason);
            for s in &mut v.subnets {
                fix_opt(&mut s.subnet);
                fix_opt(&mut s.via);
                fix_opt(&mut s.blocker);
                fix_opt(&mut s.reason);
                fix_hops(&mut s.hops);
            }
            for e in &mut v.endpoint_issues {
                fix(&mut e.subnet);
                fix(&mut e.endpoint);
                fix(&mut e.blocker);
                fix_hops(&mut e.hops);
            }
        };
        for e in &mut self.errors {
            fix(&mut e.file);
            fix(&mut e.message);
        }
        for f in &mut self.functions {
            fix(&mut f.file);
            fix(&mut f.function);
            fix(&mut f.type_name);
            fix_opt(&mut f.rotation_type);
            if let Some(when) = &mut f.in_vpc_when {
                fix(&mut when.condition);
            }
            fix_verdict(&mut f.secrets_manager);
            if let Some(t) = &mut f.target {
                fix(&mut t.id);
                fix(&mut t.type_name);
                fix_opt(&mut t.engine);
                fix_verdict(&mut t.verdict);
            }
        }
    }
}

/// Build the report from the engine's outcome (which must have been run with `collect_paths`).
pub fn build(outcome: &LintResult) -> Report {
    let functions = outcome
        .paths
        .iter()
        .filter_map(|p| {
            let file = outcome.file(p.file)?;
            let grafted = p.grafts.iter().filter_map(|g| Some((*g, outcome.file(g.file)?))).collect();
            Some(Resolver { file, types: &p.resource_types, grafted }.function(p))
        })
        .collect();
    let errors = unparsable(outcome)
        .map(|d| {
            let at = crate::report::resolve(outcome, &d.primary);
            FileError {
                rule: PARSE_ERROR.id,
                file: at.file,
                line: at.line,
                column: at.column,
                message: d.message.clone(),
            }
        })
        .collect();
    Report { tool: Tool { name: "rotlint", version: env!("CARGO_PKG_VERSION") }, functions, errors }
}

/// The RL001 findings of a run: files whose functions `paths` cannot show.
pub fn unparsable(outcome: &LintResult) -> impl Iterator<Item = &crate::diagnostic::Diagnostic> {
    outcome.diagnostics.iter().filter(|d| d.is(&PARSE_ERROR))
}

struct Resolver<'a> {
    file: &'a SourceFile,
    /// Resource types of the template and the stacks grafted into it.
    types: &'a BTreeMap<String, String>,
    /// Stacks grafted into this template, with their files.
    grafted: Vec<(crate::template::Graft, &'a SourceFile)>,
}

impl Resolver<'_> {
    fn function(&self, p: &FunctionPaths) -> Function {
        let f = &p.function;
        let (line, column) = self.file.line_col(f.key_span.start);
        let in_vpc = match f.vpc {
            VpcAttachment::NotInVpc => Some(false),
            VpcAttachment::InVpc { .. } => Some(true),
            VpcAttachment::Undecided(_) => None,
        };
        Function {
            file: self.file.display_path(),
            line,
            column,
            function: f.id.clone(),
            kind: f.kind.word(),
            type_name: f.type_name.clone(),
            rotation_type: match &f.kind {
                FunctionKind::Hosted { rotation_type } => rotation_type.clone(),
                _ => None,
            },
            in_vpc,
            in_vpc_when: f.vpc_condition.as_ref().map(|(c, v)| InVpcWhen { condition: c.clone(), value: *v }),
            secrets_manager: self.secrets_manager(p),
            target: self.target(p),
        }
    }

    fn secrets_manager(&self, p: &FunctionPaths) -> Verdict {
        let f = &p.function;
        let Some(report) = &p.secrets_manager else {
            return match &f.vpc {
                VpcAttachment::NotInVpc => self.public_endpoint(p),
                VpcAttachment::Undecided(value) => undecided_vpc(&f.id, &value.display()),
                VpcAttachment::InVpc { .. } => {
                    unknown_without_subnets("the Secrets Manager path was not computed".to_owned())
                }
            };
        };
        let subnets: Vec<Subnet> = report.per_subnet.iter().map(|(s, o)| self.subnet(p, s, o)).collect();
        let endpoint_issues = report
            .endpoint_issues
            .iter()
            .map(|i| EndpointIssue {
                subnet: i.subnet.clone(),
                endpoint: i.endpoint.clone(),
                blocker: blocker_text(&i.blocker),
                hops: self.hops(p, &i.hops),
            })
            .collect();
        let mut verdict = summarise(subnets, report.overall);
        verdict.endpoint_issues = endpoint_issues;
        verdict
    }

    /// Outside a VPC Lambda has internet access, so the public regional endpoint is used.
    fn public_endpoint(&self, p: &FunctionPaths) -> Verdict {
        let subnet = Subnet {
            subnet: None,
            verdict: Kind::PublicEndpoint,
            via: None,
            blocker: None,
            reason: None,
            reason_line: None,
            reason_column: None,
            hops: self.hops(p, &[]),
        };
        summarise(vec![subnet], Overall::All)
    }

    fn target(&self, p: &FunctionPaths) -> Option<Target> {
        let t = p.target.as_ref()?;
        let (line, column) = self.file.line_col(t.key_span.start);
        let verdict = match (&p.target_path, &p.function.vpc) {
            (Some(report), _) => {
                summarise(report.per_subnet.iter().map(|(s, o)| self.subnet(p, s, o)).collect(), report.overall)
            }
            (None, VpcAttachment::Undecided(value)) => undecided_vpc(&p.function.id, &value.display()),
            (None, _) if t.port.is_none() => unknown_without_subnets(format!(
                "the port of `{}` is not known (no `Port` and no engine default); pass it with `--parameter`",
                t.id
            )),
            (None, _) => unknown_without_subnets("the path to the database was not computed".to_owned()),
        };
        Some(Target {
            id: t.id.clone(),
            type_name: t.type_name.clone(),
            line,
            column,
            engine: t.engine.clone(),
            port: t.port,
            verdict,
        })
    }

    fn subnet(&self, p: &FunctionPaths, subnet: &SubnetRef, outcome: &Outcome) -> Subnet {
        let name = match subnet {
            SubnetRef::Subnet(s) => Some(s.clone()),
            SubnetRef::Unseen(u) => Some(u.value.display()),
            SubnetRef::OutsideVpc => None,
        };
        let mut out = Subnet {
            subnet: name,
            verdict: Kind::Unknown,
            via: None,
            blocker: None,
            reason: None,
            reason_line: None,
            reason_column: None,
            hops: self.hops(p, outcome.hops()),
        };
        match outcome {
            Outcome::Reachable { via, .. } => (out.verdict, out.via) = via_kind(via),
            Outcome::Blocked { blocker, .. } => {
                out.verdict = Kind::Blocked;
                out.blocker = Some(blocker_text(blocker));
            }
            Outcome::Unverifiable { reason, span, .. } => {
                let (line, column) = self.line_col(*span);
                out.reason = Some(unverifiable_text(reason));
                (out.reason_line, out.reason_column) = (Some(line), Some(column));
            }
        }
        out
    }

    /// The path as the rules show it: the function first, then the network's hops.
    fn hops(&self, p: &FunctionPaths, hops: &[NetHop]) -> Vec<Hop> {
        let f = &p.function;
        let (line, column) = self.line_col(f.key_span);
        let first = Hop {
            file: self.file.display_path(),
            resource: f.id.clone(),
            type_name: Some(f.type_name.clone()),
            line,
            column,
            note: format!("rotation function `{}`", f.id),
            condition: None,
        };
        let rest = hops.iter().map(|h| {
            let (file, line, column) = self.locate(h.span);
            Hop {
                file,
                resource: h.resource.clone(),
                type_name: self.types.get(&h.resource).cloned(),
                line,
                column,
                note: h.note.clone(),
                condition: h.condition.clone(),
            }
        });
        std::iter::once(first).chain(rest).collect()
    }

    fn line_col(&self, span: Span) -> (u32, u32) {
        self.file.line_col(span.start)
    }

    /// File, line and column of a hop.
    fn locate(&self, span: Span) -> (String, u32, u32) {
        for (graft, file) in &self.grafted {
            if graft.contains(span) {
                let (line, column) = file.line_col(graft.local(span).start);
                return (file.display_path(), line, column);
            }
        }
        let (line, column) = self.line_col(span);
        (self.file.display_path(), line, column)
    }
}

fn via_kind(via: &Via) -> (Kind, Option<String>) {
    match via {
        Via::Endpoint(e) => (Kind::Endpoint, Some(e.clone())),
        Via::Nat(n) => (Kind::Nat, Some(n.clone())),
        Via::PublicEndpoint => (Kind::PublicEndpoint, None),
        Via::Local => (Kind::Local, None),
        Via::Internet => (Kind::Internet, None),
        Via::InternetGateway(igw) => (Kind::Internet, Some(igw.clone())),
    }
}

fn coverage(overall: Overall) -> &'static str {
    match overall {
        Overall::All => "all",
        Overall::Some => "some",
        Overall::None => "none",
        Overall::Unknown => "unknown",
    }
}

/// The function-level verdict: a working path wins, then a definite block (see the module doc).
fn summarise(subnets: Vec<Subnet>, overall: Overall) -> Verdict {
    const PREFERENCE: [Kind; 5] = [Kind::Endpoint, Kind::Nat, Kind::PublicEndpoint, Kind::Local, Kind::Internet];
    let reachable = PREFERENCE.iter().find_map(|k| subnets.iter().find(|s| s.verdict == *k));
    let (verdict, via) = match reachable {
        Some(s) => (s.verdict, s.via.clone()),
        None if subnets.iter().any(|s| s.verdict == Kind::Blocked) => (Kind::Blocked, None),
        None => (Kind::Unknown, None),
    };
    Verdict { verdict, via, coverage: coverage(overall), reason: None, subnets, endpoint_issues: Vec::new() }
}

fn undecided_vpc(function: &str, value: &str) -> Verdict {
    unknown_without_subnets(format!(
        "whether `{function}` runs in a VPC depends on `{value}`, which the template does not decide; pass the parameter or condition value with `--parameter`"
    ))
}

fn unknown_without_subnets(reason: String) -> Verdict {
    Verdict {
        verdict: Kind::Unknown,
        via: None,
        coverage: "unknown",
        reason: Some(reason),
        subnets: Vec::new(),
        endpoint_issues: Vec::new(),
    }
}
