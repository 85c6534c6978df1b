//! The `paths` report as plain data: every rotation function with its Secrets Manager and
//! database verdicts, and every VPC Lambda function and Fargate task with the AWS services it
//! needs and their verdicts, hops resolved to lines and columns. Serialised as-is for `--format json`,
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
//!   }],
//!   "workloads": [{                                            // only when there are any
//!     "file", "line", "column",                                // the workload's logical id
//!     "workload": "Worker",                                    // function, or task launcher
//!     "kind": "function" | "task",
//!     "type": "AWS::Lambda::Function",
//!     "rotation": false,                                       // also a rotation function
//!     "task_definition": "TaskDef" or null,
//!     "unknown_needs": [Cited],                                // inputs that hide a need
//!     "services": [{
//!       "service": "s3",                   // IAM prefix; for a task the endpoint or "registry"
//!       "endpoint": "s3" or null,          // com.amazonaws.<region>.<endpoint>
//!       "label": "S3",
//!       "purpose": "image" | "secrets" | "logs" or null,      // tasks only
//!       "evidence": "strong" | "weak" or null,                 // functions only
//!       "reasons": [Cited],                                    // why it is needed
//!       ...Verdict   // verdict: "endpoint" | "gateway-endpoint" | "nat" | "internet" |
//!                    //          "blocked" | "unknown"
//!     }]
//!   }]
//! }
//! Cited = {"text", "file", "line", "column"}
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
use crate::lint::{FunctionPaths, LintResult, ServicePaths, SourceFile, WorkloadKind, WorkloadPaths};
use crate::network::{Hop as NetHop, Outcome, Overall, SubnetRef, Via};
use crate::rotation::{FunctionKind, VpcAttachment};
use crate::rules::wording::{Origin, blocker_text_from, unverifiable_text};
use crate::source::tree::Span;

#[derive(Serialize, Debug)]
pub struct Report {
    pub tool: Tool,
    pub functions: Vec<Function>,
    /// VPC Lambda functions and Fargate tasks with the services they need; left out of the JSON
    /// when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub workloads: Vec<Workload>,
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

/// A VPC Lambda function or a Fargate task and every AWS service it needs.
#[derive(Serialize, Debug)]
pub struct Workload {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub workload: String,
    /// "function" | "task".
    pub kind: &'static str,
    #[serde(rename = "type")]
    pub type_name: String,
    /// A rotation function too (its Secrets Manager path is under `functions`).
    pub rotation: bool,
    pub task_definition: Option<String>,
    /// Inputs that decide what it needs but cannot be read.
    pub unknown_needs: Vec<Cited>,
    pub services: Vec<ServiceVerdict>,
}

/// One sentence about the template, with where it is written.
#[derive(Serialize, Debug)]
pub struct Cited {
    pub text: String,
    pub file: String,
    pub line: u32,
    pub column: u32,
}

/// One endpoint a workload needs: why, and whether and how it is reached.
#[derive(Serialize, Debug)]
pub struct ServiceVerdict {
    /// Functions: the IAM prefix; tasks: the endpoint name, or "registry".
    pub service: String,
    /// The endpoint service name's last label (`com.amazonaws.<region>.<endpoint>`), or null for
    /// an image registry outside AWS.
    pub endpoint: Option<String>,
    pub label: String,
    /// Tasks: "image" | "secrets" | "logs"; functions: null.
    pub purpose: Option<&'static str>,
    /// Functions: "strong" | "weak"; tasks: null.
    pub evidence: Option<&'static str>,
    pub reasons: Vec<Cited>,
    #[serde(flatten)]
    pub verdict: Verdict,
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
    /// An interface endpoint.
    Endpoint,
    /// A gateway endpoint on the subnet's route table (workloads' S3 and DynamoDB only).
    GatewayEndpoint,
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
        let fix_cited = |c: &mut Vec<Cited>| {
            for c in c {
                fix(&mut c.text);
                fix(&mut c.file);
            }
        };
        for w in &mut self.workloads {
            fix(&mut w.file);
            fix(&mut w.workload);
            fix(&mut w.type_name);
            fix_opt(&mut w.task_definition);
            fix_cited(&mut w.unknown_needs);
            for s in &mut w.services {
                fix(&mut s.label);
                fix_cited(&mut s.reasons);
                fix_verdict(&mut s.verdict);
            }
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
            Some(Resolver { file, types: &p.resource_types, grafted, start: Start::function(p) }.function(p))
        })
        .collect();
    let workloads = outcome
        .workloads
        .iter()
        .filter_map(|w| {
            let file = outcome.file(w.file)?;
            let grafted = w.grafts.iter().filter_map(|g| Some((*g, outcome.file(g.file)?))).collect();
            Some(Resolver { file, types: &w.resource_types, grafted, start: Start::workload(w) }.workload(w))
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
    Report { tool: Tool { name: "rotlint", version: env!("CARGO_PKG_VERSION") }, functions, workloads, errors }
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
    /// The first hop of every path.
    start: Start,
}

/// The workload every path starts at.
struct Start {
    id: String,
    type_name: String,
    span: Span,
    note: String,
    /// Whose security groups a blocker names.
    origin: Origin,
}

impl Start {
    fn function(p: &FunctionPaths) -> Start {
        let f = &p.function;
        Start {
            id: f.id.clone(),
            type_name: f.type_name.clone(),
            span: f.key_span,
            note: format!("rotation function `{}`", f.id),
            origin: Origin::Function,
        }
    }

    fn workload(w: &WorkloadPaths) -> Start {
        let (note, origin) = match w.kind {
            WorkloadKind::Function => (format!("function `{}` in a VPC", w.id), Origin::Function),
            WorkloadKind::Task => (format!("`{}` runs a Fargate task", w.id), Origin::Task),
        };
        Start { id: w.id.clone(), type_name: w.type_name.clone(), span: w.key_span, note, origin }
    }
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
                VpcAttachment::NotInVpc => self.public_endpoint(),
                VpcAttachment::Undecided(value) => undecided_vpc(&f.id, &value.display()),
                VpcAttachment::InVpc { .. } => {
                    unknown_without_subnets("the Secrets Manager path was not computed".to_owned())
                }
            };
        };
        let subnets: Vec<Subnet> = report.per_subnet.iter().map(|(s, o)| self.subnet(s, o)).collect();
        let endpoint_issues = report
            .endpoint_issues
            .iter()
            .map(|i| EndpointIssue {
                subnet: i.subnet.clone(),
                endpoint: i.endpoint.clone(),
                blocker: blocker_text_from(&i.blocker, self.start.origin),
                hops: self.hops(&i.hops),
            })
            .collect();
        let mut verdict = summarise(subnets, report.overall);
        verdict.endpoint_issues = endpoint_issues;
        verdict
    }

    /// Outside a VPC Lambda has internet access, so the public regional endpoint is used.
    fn public_endpoint(&self) -> Verdict {
        let subnet = Subnet {
            subnet: None,
            verdict: Kind::PublicEndpoint,
            via: None,
            blocker: None,
            reason: None,
            reason_line: None,
            reason_column: None,
            hops: self.hops(&[]),
        };
        summarise(vec![subnet], Overall::All)
    }

    fn target(&self, p: &FunctionPaths) -> Option<Target> {
        let t = p.target.as_ref()?;
        let (line, column) = self.file.line_col(t.key_span.start);
        let verdict = match (&p.target_path, &p.function.vpc) {
            (Some(report), _) => {
                summarise(report.per_subnet.iter().map(|(s, o)| self.subnet(s, o)).collect(), report.overall)
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

    fn subnet(&self, subnet: &SubnetRef, outcome: &Outcome) -> Subnet {
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
            hops: self.hops(outcome.hops()),
        };
        match outcome {
            Outcome::Reachable { via, .. } => (out.verdict, out.via) = via_kind(via),
            Outcome::Blocked { blocker, .. } => {
                out.verdict = Kind::Blocked;
                out.blocker = Some(blocker_text_from(blocker, self.start.origin));
            }
            Outcome::Unverifiable { reason, span, .. } => {
                let (line, column) = self.line_col(*span);
                out.reason = Some(unverifiable_text(reason));
                (out.reason_line, out.reason_column) = (Some(line), Some(column));
            }
        }
        out
    }

    /// The path as the rules show it: the function (or task) first, then the network's hops.
    fn hops(&self, hops: &[NetHop]) -> Vec<Hop> {
        let start = &self.start;
        let (line, column) = self.line_col(start.span);
        let first = Hop {
            file: self.file.display_path(),
            resource: start.id.clone(),
            type_name: Some(start.type_name.clone()),
            line,
            column,
            note: start.note.clone(),
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

    fn workload(&self, w: &WorkloadPaths) -> Workload {
        let (line, column) = self.line_col(w.key_span);
        Workload {
            file: self.file.display_path(),
            line,
            column,
            workload: w.id.clone(),
            kind: match w.kind {
                WorkloadKind::Function => "function",
                WorkloadKind::Task => "task",
            },
            type_name: w.type_name.clone(),
            rotation: w.rotation,
            task_definition: w.task_definition.clone(),
            unknown_needs: w.unknown.iter().map(|(text, span)| self.cited(text, *span)).collect(),
            services: w.services.iter().map(|s| self.service(s)).collect(),
        }
    }

    fn service(&self, s: &ServicePaths) -> ServiceVerdict {
        let mut subnets: Vec<Subnet> = s.report.per_subnet.iter().map(|(n, o)| self.subnet(n, o)).collect();
        for subnet in &mut subnets {
            if subnet.verdict == Kind::Endpoint && subnet.via.as_ref().is_some_and(|v| s.gateways.contains(v)) {
                subnet.verdict = Kind::GatewayEndpoint;
            }
        }
        let mut verdict = summarise(subnets, s.report.overall);
        verdict.endpoint_issues = s
            .report
            .endpoint_issues
            .iter()
            .map(|i| EndpointIssue {
                subnet: i.subnet.clone(),
                endpoint: i.endpoint.clone(),
                blocker: blocker_text_from(&i.blocker, self.start.origin),
                hops: self.hops(&i.hops),
            })
            .collect();
        ServiceVerdict {
            service: s.service.clone(),
            endpoint: (!s.endpoint.endpoint.is_empty()).then(|| s.endpoint.endpoint.to_owned()),
            label: s.label.clone(),
            purpose: s.purpose,
            evidence: s.evidence.map(|e| match e {
                crate::aws::calls::Evidence::Strong => "strong",
                crate::aws::calls::Evidence::Weak => "weak",
            }),
            reasons: s.reasons.iter().map(|(text, span)| self.cited(text, *span)).collect(),
            verdict,
        }
    }

    fn cited(&self, text: &str, span: Span) -> Cited {
        let (file, line, column) = self.locate(span);
        Cited { text: text.to_owned(), file, line, column }
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
    const PREFERENCE: [Kind; 6] =
        [Kind::Endpoint, Kind::GatewayEndpoint, Kind::Nat, Kind::PublicEndpoint, Kind::Local, Kind::Internet];
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
