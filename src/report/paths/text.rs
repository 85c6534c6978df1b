//! `rotlint paths --format text`: per function, the Secrets Manager and database verdicts, each
//! with the hop list of every function subnet.

use std::fmt::Write as _;

use super::model::{Cited, EndpointIssue, Function, Hop, Kind, Report, Subnet, Target, Verdict, Workload};

pub fn render(report: &Report) -> String {
    let mut out = errors(report);
    if report.functions.is_empty() && report.workloads.is_empty() {
        let scope = if report.errors.is_empty() { "" } else { " in the files that parse" };
        let _ = writeln!(out, "no rotation functions found{scope}");
        return out;
    }
    if !report.errors.is_empty() {
        out.push('\n');
    }
    for (i, f) in report.functions.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        function(&mut out, f);
    }
    for (i, w) in report.workloads.iter().enumerate() {
        if i > 0 || !report.functions.is_empty() {
            out.push('\n');
        }
        workload(&mut out, w);
    }
    out
}

/// A VPC function or Fargate task: each service it needs, why, the verdict and its paths.
fn workload(out: &mut String, w: &Workload) {
    let what = match (w.kind, &w.task_definition) {
        ("task", Some(def)) => format!("Fargate task of `{}` ({}, task definition `{def}`)", w.workload, w.type_name),
        ("task", None) => {
            format!("Fargate task of `{}` ({}, task definition not in this template)", w.workload, w.type_name)
        }
        _ if w.rotation => format!(
            "function `{}` ({}, in a VPC; a rotation function, its Secrets Manager path is shown with the rotation functions)",
            w.workload, w.type_name
        ),
        _ => format!("function `{}` ({}, in a VPC)", w.workload, w.type_name),
    };
    let _ = writeln!(out, "{}:{}:{}: {what}", w.file, w.line, w.column);
    for u in &w.unknown_needs {
        let _ = writeln!(out, "  cannot tell every service it needs: {} ({})", u.text, cited_at(u, &w.file));
    }
    if w.services.is_empty() {
        let none = if w.kind == "task" {
            "  needs no AWS service before its containers start that the template shows"
        } else {
            "  calls no AWS service through its network interface that the template shows"
        };
        let _ = writeln!(out, "{none}");
    }
    for s in &w.services {
        let why = match (s.evidence, s.purpose) {
            (Some(evidence), _) => format!("{evidence} evidence"),
            (None, Some(purpose)) => format!("for the {}", purpose_phrase(purpose)),
            (None, None) => String::new(),
        };
        let _ = writeln!(out, "  {} (`{}`, {why}): {}", s.label, s.service, headline(&s.verdict));
        for r in &s.reasons {
            let _ = writeln!(out, "    because {} ({})", r.text, cited_at(r, &w.file));
        }
        verdict_body(out, &s.verdict);
    }
}

fn purpose_phrase(purpose: &str) -> &str {
    match purpose {
        "image" => "image pull",
        "secrets" => "secrets",
        "logs" => "log stream",
        other => other,
    }
}

/// `line:col`, with the file when it is not the workload's own.
fn cited_at(c: &Cited, home: &str) -> String {
    if c.file == home { format!("{}:{}", c.line, c.column) } else { format!("{}:{}:{}", c.file, c.line, c.column) }
}

/// One `file:line:col: error[RL001] parse-error: message` line per file that did not parse.
pub fn errors(report: &Report) -> String {
    let mut out = String::new();
    for e in &report.errors {
        let _ = writeln!(out, "{}:{}:{}: error[{}] parse-error: {}", e.file, e.line, e.column, e.rule, e.message);
    }
    out
}

fn function(out: &mut String, f: &Function) {
    // A placement written as `Fn::If` is stated as findings state conditions.
    let placement = match (&f.in_vpc_when, f.in_vpc) {
        (Some(when), _) => format!("in a VPC only when `{}` is {}", when.condition, when.value),
        (None, Some(true)) => "in a VPC".to_owned(),
        (None, Some(false)) => "not in a VPC".to_owned(),
        (None, None) => "VPC attachment undecided".to_owned(),
    };
    let kind = match &f.rotation_type {
        Some(t) => format!("{} {t}", kind_phrase(f.kind)),
        None => kind_phrase(f.kind).to_owned(),
    };
    let _ = writeln!(
        out,
        "{}:{}:{}: rotation function `{}` ({kind}, {}, {placement})",
        f.file, f.line, f.column, f.function, f.type_name
    );
    let _ = writeln!(out, "  Secrets Manager: {}", headline(&f.secrets_manager));
    verdict_body(out, &f.secrets_manager);
    match &f.target {
        Some(t) => target(out, t),
        None => out.push_str("  Database: none linked to the rotated secret in this template\n"),
    }
}

fn target(out: &mut String, t: &Target) {
    let mut facts = vec![t.type_name.clone()];
    facts.extend(t.engine.clone());
    facts.push(t.port.map_or_else(|| "port unknown".to_owned(), |p| format!("tcp/{p}")));
    let _ = writeln!(
        out,
        "  Database: `{}` ({}, {}:{}): {}",
        t.id,
        facts.join(", "),
        t.line,
        t.column,
        headline(&t.verdict)
    );
    verdict_body(out, &t.verdict);
}

fn kind_phrase(kind: &str) -> &'static str {
    match kind {
        "lambda" => "Lambda function",
        "serverless" => "SAM function",
        "hosted" => "hosted rotation",
        "sar" => "Serverless Application Repository rotation app",
        _ => "function",
    }
}

/// The verdict of the whole function, e.g. "reachable via NAT gateway `Nat` from every subnet";
/// for a broken path, the first subnet's break.
fn headline(v: &Verdict) -> String {
    let n = v.subnets.len();
    let reached = v.subnets.iter().filter(|s| s.verdict.is_reachable()).count();
    let scope = match v.coverage {
        "all" if n > 1 => " from every subnet".to_owned(),
        "none" if n > 1 => format!(" from any of the {n} subnets"),
        "some" => format!(" from only {reached} of {n} subnets"),
        _ => String::new(),
    };
    let first = |kind: Kind| v.subnets.iter().find(|s| s.verdict == kind);
    match (v.verdict, &v.reason) {
        (Kind::Unknown, Some(reason)) => format!("cannot verify: {reason}"),
        (Kind::Blocked, _) => {
            format!(
                "not reachable{scope}: {}",
                first(Kind::Blocked).and_then(|s| s.blocker.as_deref()).unwrap_or_default()
            )
        }
        (Kind::Unknown, _) => first(Kind::Unknown).map(subnet_phrase).unwrap_or_else(|| "cannot verify".to_owned()),
        (kind, _) => format!("{}{scope}", reachable_phrase(kind, v.via.as_deref())),
    }
}

fn reachable_phrase(kind: Kind, via: Option<&str>) -> String {
    let via = via.unwrap_or_default();
    match kind {
        Kind::Endpoint => format!("reachable via interface endpoint `{via}`"),
        Kind::GatewayEndpoint => format!("reachable via gateway endpoint `{via}`"),
        Kind::Nat => format!("reachable via NAT gateway `{via}` and the internet"),
        Kind::PublicEndpoint => {
            "reachable via the public regional endpoint (outside a VPC, Lambda gives functions internet access)"
                .to_owned()
        }
        Kind::Local => "reachable inside the shared VPC (local route)".to_owned(),
        // A task's public IP address, through the VPC's internet gateway.
        Kind::Internet if !via.is_empty() => format!("reachable over the internet through internet gateway `{via}`"),
        Kind::Internet => "reachable over the internet (the database is public)".to_owned(),
        Kind::Blocked => "not reachable".to_owned(),
        Kind::Unknown => "cannot verify".to_owned(),
    }
}

fn subnet_phrase(s: &Subnet) -> String {
    match s.verdict {
        Kind::Blocked => format!("not reachable: {}", s.blocker.as_deref().unwrap_or_default()),
        Kind::Unknown => {
            let at = match (s.reason_line, s.reason_column) {
                (Some(l), Some(c)) => format!(" (input at {l}:{c})"),
                _ => String::new(),
            };
            format!("cannot verify: {}{at}", s.reason.as_deref().unwrap_or_default())
        }
        kind => reachable_phrase(kind, s.via.as_deref()),
    }
}

fn verdict_body(out: &mut String, v: &Verdict) {
    for s in &v.subnets {
        // Outside a VPC there is one path, and the headline already gave its verdict.
        if let Some(name) = &s.subnet {
            let _ = writeln!(out, "    from subnet `{name}`: {}", subnet_phrase(s));
        }
        hops(out, &s.hops, s.verdict);
    }
    for issue in &v.endpoint_issues {
        endpoint_issue(out, issue);
    }
}

fn endpoint_issue(out: &mut String, issue: &EndpointIssue) {
    let _ = writeln!(
        out,
        "    endpoint `{}` is not used from subnet `{}`: {}",
        issue.endpoint, issue.subnet, issue.blocker
    );
    hops(out, &issue.hops, Kind::Blocked);
}

/// One line per hop: `→` between hops; the last hop of a broken path is marked `✗` (blocked) or
/// `?` (cannot verify).
fn hops(out: &mut String, hops: &[Hop], verdict: Kind) {
    let last = hops.len().saturating_sub(1);
    // Hops in another file (a grafted stack) carry its path; the rest are in the function's file.
    let home = hops.first().map(|h| h.file.as_str()).unwrap_or_default();
    let at = |h: &Hop| {
        if h.file == home { format!("{}:{}", h.line, h.column) } else { format!("{}:{}:{}", h.file, h.line, h.column) }
    };
    let width = hops.iter().map(|h| at(h).len()).max().unwrap_or(0);
    for (i, h) in hops.iter().enumerate() {
        let marker = match (i, verdict) {
            (0, _) => ' ',
            (i, Kind::Blocked) if i == last => '✗',
            (i, Kind::Unknown) if i == last => '?',
            _ => '→',
        };
        let condition = h.condition.as_ref().map(|c| format!(" (exists only when `{c}` is true)")).unwrap_or_default();
        let at = at(h);
        let _ = writeln!(out, "      {marker} {at:<width$}  `{}`: {}{condition}", h.resource, h.note);
    }
}
